/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FAILOVER_JOURNAL_H
#define FAILOVER_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_ethdev.h>

/*
 * What the application configured that ethdev does not keep itself: queue
 * set-up, multicast list, RSS hash and RETA updates, flow isolation and
 * rules. With ethdev's own record (dev_conf, MTU, MAC table, promiscuous,
 * all-multicast, VLAN filter table) it is replayed onto every sub-device
 * that appears. Pure data: unit-tested without EAL.
 */

#define FO_MAX_QUEUES 16
#define FO_MAX_MC 128
#define FO_MAX_MACS 32
#define FO_RETA_SIZE 128
#define FO_RSS_KEY_LEN 40

struct fo_rxq_conf {
	bool set;
	uint16_t nb_desc;
	unsigned int socket;
	struct rte_eth_rxconf conf;
	struct rte_mempool *mp;
};

struct fo_txq_conf {
	bool set;
	uint16_t nb_desc;
	unsigned int socket;
	struct rte_eth_txconf conf;
};

struct fo_flow;
TAILQ_HEAD(fo_flow_list, fo_flow);

struct fo_journal {
	struct fo_rxq_conf rxq[FO_MAX_QUEUES];
	struct fo_txq_conf txq[FO_MAX_QUEUES];
	uint32_t nb_mc;
	struct rte_ether_addr mc[FO_MAX_MC];
	bool rss_set;
	uint64_t rss_hf;
	uint8_t rss_key_len;
	uint8_t rss_key[FO_RSS_KEY_LEN];
	bool reta_set;
	uint16_t reta[FO_RETA_SIZE];
	bool isolate_set;
	bool isolated;
	struct fo_flow_list flows;
};

void fo_journal_init(struct fo_journal *j);
int fo_journal_set_mc(struct fo_journal *j, const struct rte_ether_addr *list, uint32_t n);
int fo_journal_rss_update(struct fo_journal *j, const struct rte_eth_rss_conf *conf,
			  uint64_t supported_hf);
void fo_journal_rss_get(const struct fo_journal *j, struct rte_eth_rss_conf *conf);
int fo_journal_reta_update(struct fo_journal *j, const struct rte_eth_rss_reta_entry64 *conf,
			   uint16_t size);
int fo_journal_reta_query(const struct fo_journal *j, struct rte_eth_rss_reta_entry64 *conf,
			  uint16_t size);
void fo_journal_reta_default(struct fo_journal *j, uint16_t nb_rxq);

#endif /* FAILOVER_JOURNAL_H */
