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
 */

struct fotest_state {
	unsigned int rules; /* live rules on the port */
	bool isolated;
};

/* What the port holds now; all zero for a port that never had a rule. */
struct fotest_state fotest_state_of(uint16_t port_id);

#endif /* FOTEST_PMD_H */
