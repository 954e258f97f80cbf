/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FLOW_PMD_H
#define FLOW_PMD_H

#include <stdbool.h>
#include <stdint.h>

/*
 * net_fotest: a vdev PMD linked into the tests. It moves no packets and
 * keeps rte_flow rules in software, so that the rte_flow passthrough of
 * net_failover can be checked on sub-devices that take rules (none of
 * DPDK's software PMDs does without the kernel's flower classifier).
 * Rules in group 0 are accepted, any other group is refused with ENOTSUP.
 */

struct flow_pmd_state {
	unsigned int rules; /* live rules on the port */
	bool isolated;
};

/* What the port holds now; all zero for a port that never had a rule. */
struct flow_pmd_state flow_pmd_state(uint16_t port_id);

#endif /* FLOW_PMD_H */
