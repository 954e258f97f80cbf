/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FOTEST_PMD_H
#define FOTEST_PMD_H

#include <stdbool.h>
#include <stdint.h>

/*
 * net_fotest: a vdev PMD linked into the tests. It moves no packets; it
 * keeps rte_flow rules in software and starts and stops queues one by one
 * (deferred start included), so that net_failover's passthrough of both can
 * be checked (none of DPDK's software PMDs takes rules without the kernel's
 * flower classifier, or starts a queue alone). Rules in group 0 are
 * accepted, any other group is refused with ENOTSUP; a COUNT query reports
 * 1000 + the port id. Queue states are ethdev's own
 * (rte_eth_devices[port].data->rx_queue_state).
 *
 * For the data-path tests its Rx can also deliver frames (each carries the
 * port id in its first payload word), round bursts down to multiples of 4
 * as vector Rx does, and stall inside a burst (a stuck lcore); MTU can be
 * capped. The controls below are safe to call while an lcore polls.
 */

struct fotest_state {
	unsigned int rules; /* live rules on the port */
	bool isolated;
};

/* What the port holds now; all zero for a port that never had a rule. */
struct fotest_state fotest_state_of(uint16_t port_id);

struct fotest_rx {
	bool busy;    /* every burst delivers as many frames as asked */
	bool vector;  /* asked for n, delivers at most n rounded down to 4 */
	bool stall;   /* a burst entering spins until this is cleared */
};

void fotest_rx_set(uint16_t port_id, const struct fotest_rx *rx);
/* Bursts inside the port's Rx right now. */
unsigned int fotest_in_burst(uint16_t port_id);
/* Times the port was closed since the program started. */
unsigned int fotest_closes(uint16_t port_id);
/* MTU above which mtu_set fails with -EINVAL; 0 = no cap. */
void fotest_max_mtu_set(uint16_t port_id, uint16_t mtu);

struct rte_mempool;

/* Calls the port took since it was probed. */
struct fotest_calls {
	unsigned int configures;
	unsigned int rx_setups;
	unsigned int tx_setups;
	unsigned int starts;
	unsigned int stops;
	unsigned int resets;
	unsigned int link_updates;
	unsigned int stats_gets;
	unsigned int rx_bursts;
	unsigned int resets_in_burst; /* resets while a burst was inside the port */
};

struct fotest_calls fotest_calls_of(uint16_t port_id);
/* The mempool Rx queue q was last set up with. */
struct rte_mempool *fotest_rxq_mp(uint16_t port_id, uint16_t q);
/* What the next configures of the port return (0: they succeed). */
void fotest_configure_result_set(uint16_t port_id, int ret);
/* What the next resets of the port return (0: they succeed). */
void fotest_reset_result_set(uint16_t port_id, int ret);
/* What a PMD that recovers from an error loses: its flow rules. */
void fotest_lose_rules(uint16_t port_id);

#endif /* FOTEST_PMD_H */
