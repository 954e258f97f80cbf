/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <string.h>

#include "failover_journal.h"

/* Default RSS key, the one most NIC guides use for symmetric-looking spread. */
static const uint8_t fo_default_rss_key[FO_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

void
fo_journal_init(struct fo_journal *j)
{
	memset(j, 0, sizeof(*j));
	j->rss_key_len = FO_RSS_KEY_LEN;
	memcpy(j->rss_key, fo_default_rss_key, FO_RSS_KEY_LEN);
	TAILQ_INIT(&j->flows);
}

int
fo_journal_set_mc(struct fo_journal *j, const struct rte_ether_addr *list, uint32_t n)
{
	uint32_t i;

	if (n > FO_MAX_MC)
		return -ENOSPC;
	for (i = 0; i < n; i++)
		if (!rte_is_multicast_ether_addr(&list[i]))
			return -EINVAL;
	if (n > 0)
		memcpy(j->mc, list, n * sizeof(*list));
	j->nb_mc = n;
	return 0;
}

int
fo_journal_rss_update(struct fo_journal *j, const struct rte_eth_rss_conf *conf,
		      uint64_t supported_hf)
{
	if ((conf->rss_hf & ~supported_hf) != 0)
		return -EINVAL;
	if (conf->rss_key != NULL) {
		if (conf->rss_key_len != FO_RSS_KEY_LEN)
			return -EINVAL;
		memcpy(j->rss_key, conf->rss_key, FO_RSS_KEY_LEN);
		j->rss_key_len = FO_RSS_KEY_LEN;
	}
	j->rss_hf = conf->rss_hf;
	j->rss_set = true;
	return 0;
}

void
fo_journal_rss_get(const struct fo_journal *j, struct rte_eth_rss_conf *conf)
{
	if (conf->rss_key != NULL && conf->rss_key_len >= j->rss_key_len)
		memcpy(conf->rss_key, j->rss_key, j->rss_key_len);
	conf->rss_key_len = j->rss_key_len;
	conf->rss_hf = j->rss_hf;
}

static int
fo_journal_reta_check(const struct rte_eth_rss_reta_entry64 *conf, uint16_t size)
{
	if (conf == NULL || size != FO_RETA_SIZE)
		return -EINVAL;
	return 0;
}

int
fo_journal_reta_update(struct fo_journal *j, const struct rte_eth_rss_reta_entry64 *conf,
		       uint16_t size)
{
	uint16_t i;

	if (fo_journal_reta_check(conf, size) != 0)
		return -EINVAL;
	for (i = 0; i < size; i++) {
		const struct rte_eth_rss_reta_entry64 *e = &conf[i / RTE_ETH_RETA_GROUP_SIZE];
		unsigned int bit = i % RTE_ETH_RETA_GROUP_SIZE;

		if (e->mask & (UINT64_C(1) << bit))
			j->reta[i] = e->reta[bit];
	}
	j->reta_set = true;
	return 0;
}

int
fo_journal_reta_query(const struct fo_journal *j, struct rte_eth_rss_reta_entry64 *conf,
		      uint16_t size)
{
	uint16_t i;

	if (fo_journal_reta_check(conf, size) != 0)
		return -EINVAL;
	for (i = 0; i < size; i++) {
		struct rte_eth_rss_reta_entry64 *e = &conf[i / RTE_ETH_RETA_GROUP_SIZE];
		unsigned int bit = i % RTE_ETH_RETA_GROUP_SIZE;

		if (e->mask & (UINT64_C(1) << bit))
			e->reta[bit] = j->reta[i];
	}
	return 0;
}

void
fo_journal_reta_default(struct fo_journal *j, uint16_t nb_rxq)
{
	uint16_t i;

	if (j->reta_set)
		return;
	for (i = 0; i < FO_RETA_SIZE; i++)
		j->reta[i] = nb_rxq > 0 ? i % nb_rxq : 0;
}
