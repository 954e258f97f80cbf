/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef RTE_PMD_FAILOVER_H
#define RTE_PMD_FAILOVER_H

/**
 * @file
 * net_failover: one port over a synthetic NIC (standby) and its SR-IOV VF
 * (primary). Status and maintenance controls beyond the ethdev API.
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A path of a failover port. */
enum rte_pmd_failover_path {
	RTE_PMD_FAILOVER_PATH_NONE = 0,    /**< no path / automatic choice */
	RTE_PMD_FAILOVER_PATH_PRIMARY = 1, /**< the VF's path */
	RTE_PMD_FAILOVER_PATH_STANDBY = 2, /**< the synthetic NIC's path */
};

/** State of one path. */
struct rte_pmd_failover_path_status {
	bool present;           /**< sub-device probed and owned */
	bool started;           /**< configured, replayed and started */
	bool link_up;           /**< its link is up */
	uint16_t port_id;       /**< its (owned, hidden) ethdev port when present */
	uint64_t attach_count;  /**< times it was attached */
};

/** State of a failover port. */
struct rte_pmd_failover_status {
	enum rte_pmd_failover_path active; /**< path carrying Tx and polled first for Rx */
	enum rte_pmd_failover_path forced; /**< forced path, or NONE when automatic */
	uint64_t switch_count;             /**< changes of the active path */
	uint64_t last_switch_ns;           /**< CLOCK_REALTIME of the last change, 0 if none */
	struct rte_pmd_failover_path_status primary;
	struct rte_pmd_failover_path_status standby;
};

/**
 * Read the state of a failover port. In a secondary process it is read
 * as the primary keeps it, without its lock.
 *
 * @return 0, or -ENODEV if port_id is not a net_failover port, -EINVAL if
 *   status is NULL.
 */
int rte_pmd_failover_status_get(uint16_t port_id, struct rte_pmd_failover_status *status);

/**
 * Force traffic onto a path (maintenance), or give the choice back to the
 * switching rules with RTE_PMD_FAILOVER_PATH_NONE. A forced path that is
 * not started is ignored until it is.
 *
 * @return 0, -ENODEV if not a net_failover port, -EINVAL for a bad path,
 *   -E_RTE_SECONDARY in a secondary process.
 */
int rte_pmd_failover_force(uint16_t port_id, enum rte_pmd_failover_path path);

/**
 * Run the control work now instead of at the next safety-net alarm: probe
 * absent sub-devices, bring up, replay, refresh links, switch. Call it from
 * a control thread, never from a data-path lcore.
 *
 * @return 0, -ENODEV if not a net_failover port, -E_RTE_SECONDARY in a
 *   secondary process.
 */
int rte_pmd_failover_rescan(uint16_t port_id);

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_FAILOVER_H */
