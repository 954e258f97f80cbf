/* SPDX-License-Identifier: BSD-3-Clause */

/* Unit test of the configuration journal: no EAL. */

#include <errno.h>
#include <string.h>

#include "failover_journal.h"
#include "fo_check.h"

int
main(void)
{
	struct fo_journal j;
	struct rte_ether_addr mc[FO_MAX_MC + 1];
	struct rte_eth_rss_reta_entry64 reta[FO_RETA_SIZE / RTE_ETH_RETA_GROUP_SIZE];
	uint8_t key[FO_RSS_KEY_LEN], out_key[FO_RSS_KEY_LEN];
	struct rte_eth_rss_conf rss;
	unsigned int i;

	fo_journal_init(&j);
	CHECK(j.nb_mc == 0 && !j.rss_set && !j.reta_set && TAILQ_EMPTY(&j.flows), "init");

	/* Multicast list: only multicast addresses, bounded, replaced whole. */
	for (i = 0; i < RTE_DIM(mc); i++) {
		memset(&mc[i], 0, sizeof(mc[i]));
		mc[i].addr_bytes[0] = 0x01;
		mc[i].addr_bytes[5] = (uint8_t)i;
	}
	CHECK(fo_journal_set_mc(&j, mc, 3) == 0 && j.nb_mc == 3, "set 3");
	CHECK(rte_is_same_ether_addr(&j.mc[2], &mc[2]), "kept");
	CHECK(fo_journal_set_mc(&j, mc, FO_MAX_MC + 1) == -ENOSPC && j.nb_mc == 3, "too many");
	mc[1].addr_bytes[0] = 0x02;
	CHECK(fo_journal_set_mc(&j, mc, 2) == -EINVAL && j.nb_mc == 3, "unicast rejected");
	CHECK(fo_journal_set_mc(&j, NULL, 0) == 0 && j.nb_mc == 0, "flush");

	/* RSS: key length checked, hash types limited to what the port supports. */
	for (i = 0; i < FO_RSS_KEY_LEN; i++)
		key[i] = (uint8_t)(i * 7);
	rss = (struct rte_eth_rss_conf){.rss_key = key, .rss_key_len = 40, .rss_hf = RTE_ETH_RSS_IP};
	CHECK(fo_journal_rss_update(&j, &rss, RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP) == 0, "rss");
	rss.rss_hf = RTE_ETH_RSS_L2_PAYLOAD;
	CHECK(fo_journal_rss_update(&j, &rss, RTE_ETH_RSS_IP) == -EINVAL, "unsupported hf");
	rss = (struct rte_eth_rss_conf){.rss_key = key, .rss_key_len = 52, .rss_hf = 0};
	CHECK(fo_journal_rss_update(&j, &rss, RTE_ETH_RSS_IP) == -EINVAL, "bad key length");
	memset(&rss, 0, sizeof(rss));
	rss.rss_key = out_key;
	rss.rss_key_len = sizeof(out_key);
	fo_journal_rss_get(&j, &rss);
	CHECK(rss.rss_hf == RTE_ETH_RSS_IP && memcmp(out_key, key, FO_RSS_KEY_LEN) == 0,
	      "rss read back");
	/* A hash-type-only update keeps the key. */
	rss = (struct rte_eth_rss_conf){.rss_key = NULL, .rss_hf = RTE_ETH_RSS_TCP};
	CHECK(fo_journal_rss_update(&j, &rss, RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP) == 0, "hf only");
	CHECK(memcmp(j.rss_key, key, FO_RSS_KEY_LEN) == 0 && j.rss_hf == RTE_ETH_RSS_TCP, "kept");

	/* RETA: default spreads over the queues; updates follow the mask. */
	fo_journal_reta_default(&j, 3);
	CHECK(j.reta[0] == 0 && j.reta[4] == 1 && j.reta[127] == 1, "default reta");
	memset(reta, 0, sizeof(reta));
	reta[0].mask = 0x5; /* entries 0 and 2 */
	reta[0].reta[0] = 2;
	reta[0].reta[1] = 9; /* masked out */
	reta[0].reta[2] = 2;
	reta[1].mask = UINT64_C(1) << 63;
	reta[1].reta[63] = 1;
	CHECK(fo_journal_reta_update(&j, reta, FO_RETA_SIZE) == 0 && j.reta_set, "reta update");
	CHECK(j.reta[0] == 2 && j.reta[1] == 1 && j.reta[2] == 2 && j.reta[127] == 1, "merged");
	fo_journal_reta_default(&j, 1);
	CHECK(j.reta[0] == 2, "default does not overwrite an explicit table");
	CHECK(fo_journal_reta_update(&j, reta, 64) == -EINVAL, "reta size must match");
	memset(reta, 0, sizeof(reta));
	reta[0].mask = 0x7;
	CHECK(fo_journal_reta_query(&j, reta, FO_RETA_SIZE) == 0, "query");
	CHECK(reta[0].reta[0] == 2 && reta[0].reta[1] == 1 && reta[0].reta[3] == 0, "query mask");
	CHECK(fo_journal_reta_query(&j, NULL, FO_RETA_SIZE) == -EINVAL, "query NULL");
	CHECK_DONE();
}
