/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FAILOVER_PRIVATE_H
#define FAILOVER_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_flow.h>
#include <ethdev_driver.h>

#include "failover_args.h"
#include "failover_guard.h"
#include "failover_journal.h"
#include "failover_rules.h"

extern int fo_logtype;

#define FO_LOG(level, priv, fmt, ...)                                                      \
	rte_log(RTE_LOG_##level, fo_logtype, "net_failover %s: " fmt "\n",                 \
		(priv) != NULL ? (priv)->name : "-", ##__VA_ARGS__)

#define FO_NO_PORT 0xffffu

/* In a queue's qs_seen: no burst in progress (the rest is the token it last saw). */
#define FO_QS_QUIET (UINT64_C(1) << 63)

/* A queue's route: active sub-device port in the high half, the other in the low. */
#define FO_ROUTE(active, other) (((uint32_t)(active) << 16) | (uint16_t)(other))
#define FO_ROUTE_ACTIVE(r) ((uint16_t)((r) >> 16))
#define FO_ROUTE_OTHER(r) ((uint16_t)((r) & 0xffffu))
#define FO_ROUTE_NONE FO_ROUTE(FO_NO_PORT, FO_NO_PORT)

struct fo_private;

/*
 * One Rx or Tx queue of the failover port. Written on the data path only by
 * the lcore polling it (qs_seen, countdown); route is written by the control
 * path and read with one acquire load per burst.
 */
struct fo_queue {
	uint32_t route;
	uint16_t queue_id;
	uint16_t port_id;
	uint32_t other_countdown; /* bursts until the other path is polled */
	uint32_t other_pace;
	const uint64_t *qs_token; /* the control path's grace-period counter */
	uint64_t qs_seen;         /* token seen by the last burst, | FO_QS_QUIET once over */
} __rte_cache_aligned;

#define FO_MAX_VF_CANDIDATES 8

#define FO_VERIFY_MTU 0x1
#define FO_VERIFY_MAC 0x2

/* One sub-device: the primary (VF side) or the standby (synthetic side). */
struct fo_sub {
	enum fo_path path;
	char devargs[FO_DEVARGS_MAX];
	char fallback[FO_DEVARGS_MAX]; /* kernel netdev to open when devargs fails */
	bool required;                 /* must probe when the port is created */
	char name[RTE_DEV_NAME_MAX_LEN];
	char bus[32];
	uint16_t port_id;
	bool present;    /* probed and owned */
	bool configured; /* journal replayed */
	bool started;
	bool link_up;
	bool gone;          /* removal announced (RMV) or under way */
	char ifname[16];    /* kernel netdev behind it, "" if none */
	unsigned int ifindex; /* of that netdev when attached: older events are stale */
	/* TAP exception path: kernel-held synthetic netdev <-> this TAP, by tc. */
	char tc_syn[16];
	char tc_tap[16];
	bool via_tap;      /* attached through the TAP, not the fallback */
	bool tc_installed;
	struct fo_guard guard; /* puts back our kernel changes if we die (failover_netdev.c) */
	bool nl_known;      /* the netdev's state below is known */
	bool nl_up;         /* netdev admin up with carrier */
	uint64_t attach_count;
	uint64_t probe_failures;
	uint64_t replay_mismatches;
	uint32_t verify; /* FO_VERIFY_* items replayed, to read back */
	struct rte_eth_stats seen; /* raw counters at the last fold */
};

struct fo_private {
	char name[RTE_DEV_NAME_MAX_LEN];
	uint16_t port_id;
	struct rte_eth_dev *dev;
	struct fo_args args;
	struct rte_eth_dev_owner owner;
	pthread_mutex_t lock; /* control path only; recursive */
	struct fo_sub subs[2]; /* indexed by path - 1 */
	struct fo_journal journal;
	enum fo_path active;
	enum fo_path forced;
	uint32_t route;      /* what the queues hold */
	bool routes_stale;   /* a queue was set up since: write them all */
	bool link_up;
	bool started; /* set before ethdev's dev_started, cleared before the stop */
	bool closing;
	bool keep_sub_devices; /* closing from the vdev's removal: ports only */
	uint64_t switch_count;
	uint64_t last_switch_ns; /* CLOCK_REALTIME */
	uint64_t quiesce_timeouts;
	struct rte_eth_stats acc[2]; /* folded counters per path */
	bool discover; /* sub-devices come from sysfs discovery */
	bool pair_mac_known;
	uint8_t pair_mac[RTE_ETHER_ADDR_LEN];
	char pair_id[64];         /* synthetic NIC's bus id */
	/* DPDK-bound VFs with no netdev: paired by the probed port's MAC. */
	unsigned int n_vf_candidates;
	char vf_candidates[FO_MAX_VF_CANDIDATES][32];
	uint64_t next_rescan_ns;  /* CLOCK_MONOTONIC */
	struct fo_netlink *netlink;
	bool uevents;             /* EAL device event callback registered */
	bool nl_pending;          /* interrupt thread only */
	uint64_t qs_token __rte_cache_aligned;
};

static inline struct fo_sub *
fo_sub_of(struct fo_private *priv, enum fo_path path)
{
	return &priv->subs[path - 1];
}

#define FO_FOREACH_SUB(priv, sub)                                                          \
	for ((sub) = &(priv)->subs[0]; (sub) < &(priv)->subs[2]; (sub)++)

/* failover_ops.c */
extern const struct eth_dev_ops fo_ops;
int fo_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info);
void fo_rxq_info_get(struct rte_eth_dev *dev, uint16_t queue_id, struct rte_eth_rxq_info *qinfo);
void fo_txq_info_get(struct rte_eth_dev *dev, uint16_t queue_id, struct rte_eth_txq_info *qinfo);

/* failover_secondary.c */
extern const struct eth_dev_ops fo_secondary_ops;
int fo_secondary_attach(const char *name);
int fo_dev_stop(struct rte_eth_dev *dev);
int fo_dev_close(struct rte_eth_dev *dev);

/* failover_rxtx.c */
uint16_t fo_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_rx_burst_sub_port(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);

/* failover_switch.c */
void fo_lock(struct fo_private *priv);
void fo_unlock(struct fo_private *priv);
void fo_switch_evaluate(struct fo_private *priv, const char *why);
void fo_switch_unpublish(struct fo_private *priv, struct fo_sub *sub);
void fo_switch_quiesce(struct fo_private *priv);
void fo_service_start(struct fo_private *priv);
void fo_service_stop(struct fo_private *priv);
void fo_service_kick(struct fo_private *priv);
void fo_service_run(struct fo_private *priv);

/* failover_sub.c */
int fo_sub_attach(struct fo_private *priv, struct fo_sub *sub);
int fo_sub_bring_up(struct fo_private *priv, struct fo_sub *sub);
void fo_sub_detach(struct fo_private *priv, struct fo_sub *sub, const char *why);
void fo_sub_link_refresh(struct fo_private *priv, struct fo_sub *sub);
void fo_sub_process_removals(struct fo_private *priv);
void fo_sub_stop(struct fo_private *priv, struct fo_sub *sub);
void fo_sub_rename_devargs(struct fo_sub *sub, const char *name);

/* failover_replay.c */
int fo_replay_configure(struct fo_private *priv, struct fo_sub *sub);
int fo_replay_settings(struct fo_private *priv, struct fo_sub *sub);
void fo_replay_check(struct fo_private *priv, struct fo_sub *sub);
void fo_replay_queue_states(struct fo_private *priv, struct fo_sub *sub);

/* failover_stats.c */
void fo_stats_fold(struct fo_private *priv, struct fo_sub *sub);
void fo_stats_resync(struct fo_private *priv, struct fo_sub *sub);
int fo_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats);
int fo_stats_reset(struct rte_eth_dev *dev);
int fo_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats, unsigned int n);
int fo_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			unsigned int size);
int fo_xstats_reset(struct rte_eth_dev *dev);

/* failover_discover.c */
int fo_discover_select(struct fo_private *priv, char *err, size_t errlen);
void fo_discover_refresh(struct fo_private *priv);
int fo_discover_attach_candidate(struct fo_private *priv, struct fo_sub *sub);

/* failover_netlink.c */
struct fo_netlink;
int fo_netlink_open(struct fo_private *priv);
void fo_netlink_close(struct fo_private *priv);
void fo_netlink_query(struct fo_private *priv, struct fo_sub *sub);

/* failover_uevent.c */
void fo_uevent_open(struct fo_private *priv);
void fo_uevent_close(struct fo_private *priv);

/* failover_netdev.c */
void fo_netdev_prepare(struct fo_private *priv, struct fo_sub *sub, const char *devargs);
void fo_netdev_restore(struct fo_private *priv, struct fo_sub *sub);
void fo_netdev_guard_tc(struct fo_private *priv, struct fo_sub *sub, bool installing);

/* failover_flow.c */
int fo_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops);
int fo_flow_replay(struct fo_private *priv, struct fo_sub *sub);
void fo_flow_forget_sub(struct fo_private *priv, struct fo_sub *sub);
void fo_flow_free_all(struct fo_private *priv);

#endif /* FAILOVER_PRIVATE_H */
