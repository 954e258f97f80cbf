/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FAILOVER_PRIVATE_H
#define FAILOVER_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_spinlock.h>
#include <ethdev_driver.h>

#include "failover_compat.h"

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

/* A queue's paths: active sub-device port in the high half, the other in the low. */
#define FO_PATHS(active, other) (((uint32_t)(active) << 16) | (uint16_t)(other))
#define FO_PATHS_ACTIVE(r) ((uint16_t)((r) >> 16))
#define FO_PATHS_OTHER(r) ((uint16_t)((r) & 0xffffu))
#define FO_PATHS_NONE FO_PATHS(FO_NO_PORT, FO_NO_PORT)
/*
 * In an Rx queue's paths: this sub-device has Rx queues beyond the port's
 * count that this queue polls too (failover_queues.c). Ports below it and
 * FO_NO_PORT above, so the common burst tests both with one compare.
 */
#define FO_PORT_SPREAD 0x8000u

struct fo_private;

/*
 * One Rx or Tx queue of the failover port. Written on the data path only by
 * the lcore polling it (qs_seen, countdown); paths are written by the control
 * path and read with one acquire load per burst.
 */
struct fo_queue {
	uint32_t paths;
	uint16_t queue_id;
	uint16_t port_id;
	uint32_t other_countdown; /* bursts until the other path is polled */
	uint32_t other_pace;
	bool other_busy; /* the other path delivered when last polled */
	bool other_turn; /* while both deliver: the other path is asked first */
	uint16_t spread_turn; /* which of a spread path's queues is asked first */
	int32_t poller; /* poller number of the secondary polling it, 0: the primary */
	const uint64_t *qs_token; /* the control path's grace-period counter */
	uint64_t qs_seen;         /* token seen by the last burst, | FO_QS_QUIET once over */
} __rte_cache_aligned;

#define FO_MAX_VF_CANDIDATES 8

#define FO_VERIFY_MTU 0x1
#define FO_VERIFY_MAC 0x2

/*
 * A sub-device's life, changed only by the service routine (and the port's
 * own ops), under the control lock; each change is logged once at info:
 *
 *   absent -> probed -> configured -> started -> draining -> absent
 *
 * Started sub-devices carry traffic when their path is active and are
 * polled idle otherwise. Draining: off the data path, waiting until no
 * burst can be inside it before it is stopped and closed.
 */
enum fo_sub_state {
	FO_SUB_ABSENT = 0,
	FO_SUB_PROBED,
	FO_SUB_CONFIGURED,
	FO_SUB_STARTED,
	FO_SUB_DRAINING,
};

/* What event sources record for the service routine (fo_sub.events). */
#define FO_EV_LINK 0x1      /* its link or its netdev's carrier may have changed */
#define FO_EV_GONE 0x2      /* removed, renamed or failed: detach, then attach again */
#define FO_EV_DESTROYED 0x4 /* its port was released by someone else */
#define FO_EV_RENAMED 0x8   /* its netdev has a new name (nl_name) */
#define FO_EV_DELETED 0x10  /* its netdev was deleted */
#define FO_EV_RESET 0x20    /* its PMD asks for a reset (INTR_RESET) */
#define FO_EV_RECOVERED 0x40 /* its PMD recovered from an error by itself */

/* Port-wide events (fo_private.events). */
#define FO_EV_RESCAN 0x1 /* look for the VF now */

/* How a sub-device's queue counts follow the port's (failover_queues.c). */
enum fo_qkind {
	FO_QKIND_EXACT = 0, /* the port's counts */
	FO_QKIND_ALL_RX,    /* every Rx queue it has (net_af_packet) */
	FO_QKIND_PAIRS,     /* max of both, for both (net_tap) */
	FO_QKIND_CHANNELS,  /* one Rx queue per channel of its netdev, t Tx (net_af_xdp) */
};

/*
 * The teardown of a removed PCI device on a thread of its own
 * (failover_teardown.c): a copy of what it needs, since the sub-device
 * may open another device meanwhile.
 */
struct fo_teardown {
	bool running;
	pthread_t tid;
	uint16_t port;
	char bus[32];
	char name[RTE_DEV_NAME_MAX_LEN];
	struct fo_private *priv;
	uint32_t done; /* atomic */
	int ret;
	uint64_t start_ns;
};

/* One sub-device: the primary (the VF's path) or the standby (the synthetic NIC's). */
struct fo_sub {
	struct fo_private *priv;
	enum fo_path path;
	enum fo_sub_state state;
	char devargs[FO_DEVARGS_MAX];
	char fallback[FO_DEVARGS_MAX]; /* kernel netdev to open when devargs fails */
	bool required;                 /* must probe when the port is created */
	char name[RTE_DEV_NAME_MAX_LEN];
	char bus[32];
	uint16_t port_id;
	uint16_t cb_port;   /* port our event callbacks are registered on */
	uint32_t events;    /* FO_EV_*, posted by event sources (atomic) */
	bool banned;        /* off the data path at once (paths_lock) */
	bool recovering;    /* its PMD recovers from an error: no call into it (atomic) */
	bool link_up;
	char ifname[16];    /* kernel netdev behind it, "" if none */
	unsigned int ifindex; /* of that netdev when attached: older events are stale */
	/* TAP exception path: kernel-held synthetic netdev <-> this TAP, by tc. */
	char tc_syn[16];
	char tc_tap[16];
	bool via_tap;      /* attached through the TAP, not the fallback */
	bool tc_installed;
	/* AF_XDP exception path: net_af_xdp on the synthetic netdev (failover_xdp_path.c). */
	bool via_xdp;          /* attached as that path */
	bool plan_failed;      /* it failed: the fallback is opened until the next configure */
	unsigned int xdp_ifindex; /* netdev whose XDP program net_af_xdp attached */
	uint32_t xdp_id;       /* that program, once started */
	char why[FO_ERR_MAX];  /* why the last attach attempt failed */
	struct fo_guard guard; /* puts back our kernel changes if we die (failover_netdev.c) */
	bool nl_known;      /* the netdev's state below is known */
	bool nl_up;         /* netdev admin up, running, with carrier */
	char nl_name[16];   /* new name from a rename event (inbox_lock) */
	uint64_t drain_token;  /* grace period a draining sub-device waits for */
	uint64_t retry_at_ns;  /* absent: next attach attempt (CLOCK_MONOTONIC) */
	uint32_t retry_ms;     /* current back-off */
	bool reopen;           /* detached to be opened again at once (renamed) */
	uint64_t attach_count;
	uint64_t probe_failures;  /* since the last success */
	uint64_t attach_failures; /* ever */
	uint64_t replay_mismatches;
	uint32_t verify; /* FO_VERIFY_* items replayed, to read back */
	struct fo_counters seen; /* raw counters at the last fold */
	/* Queues (failover_queues.c), learnt at attach. */
	bool sized;           /* created by the driver with the queue pairs it needs */
	enum fo_qkind qkind;
	uint16_t max_rxq;
	uint16_t max_txq;
	uint16_t refused_rxq; /* too few queues for these port counts: left absent */
	uint16_t refused_txq;
	uint16_t nb_rx; /* queue counts it is configured with (configured and started) */
	uint16_t nb_tx;
	uint32_t rxq_ready; /* bit i: its queue i is set up as the journal says */
	uint32_t txq_ready;
	/* A DPDK-bound VF candidate is taken only with the pair's MAC (failover_discover.c). */
	bool want_mac;
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	struct fo_teardown teardown; /* of its last removed PCI device */
};

static inline bool
fo_sub_present(const struct fo_sub *sub)
{
	return sub->state != FO_SUB_ABSENT;
}

/* Configured and not leaving: settings go to it. */
static inline bool
fo_sub_ready(const struct fo_sub *sub)
{
	return (sub->state == FO_SUB_CONFIGURED || sub->state == FO_SUB_STARTED) &&
	       !(__atomic_load_n(&sub->events, __ATOMIC_ACQUIRE) &
		 (FO_EV_GONE | FO_EV_DESTROYED));
}

static inline bool
fo_sub_started(const struct fo_sub *sub)
{
	return sub->state == FO_SUB_STARTED;
}

/* Between ERR_RECOVERING and its result: its PMD must not be called. */
static inline bool
fo_sub_recovering(const struct fo_sub *sub)
{
	return __atomic_load_n(&sub->recovering, __ATOMIC_ACQUIRE);
}

/*
 * Locks, outermost first; none is held while waiting for another thread
 * but paths_lock, which waits for data-path bursts only:
 * - lock: the control state; the port's ops and the service routine.
 * - paths_lock: the queues' paths, the queue arrays and grace periods;
 *   also taken by event callbacks that must flip at once.
 * - stats_lock: the folded counters and which sub-device ports they read.
 * - inbox_lock: what event sources leave for the service routine.
 */
struct fo_private {
	char name[RTE_DEV_NAME_MAX_LEN];
	uint16_t port_id;
	struct rte_eth_dev *dev;
	struct fo_args args;
	struct rte_eth_dev_owner owner;
	pthread_mutex_t lock; /* recursive */
	pthread_mutex_t paths_lock;
	pthread_mutex_t stats_lock;
	rte_spinlock_t inbox_lock;
	struct fo_sub subs[2]; /* indexed by path - 1 */
	struct fo_journal journal;
	enum fo_path active;
	enum fo_path forced;
	uint32_t want_paths; /* what the rules chose (paths_lock) */
	uint32_t paths;      /* what the queues hold (paths_lock) */
	bool paths_stale;   /* a queue was set up since: write them all */
	bool link_up;
	bool lsc_pending; /* the application's LSC callback is owed */
	bool started; /* set before ethdev's dev_started, cleared before the stop */
	bool closing; /* atomic: no event source may request work any more */
	bool service_armed; /* atomic: a service run is requested */
	uint64_t timed_due_ns; /* the timed run's deadline, 0: none (interrupt thread) */
	bool carrier_armed; /* the active netdev's carrier is watched (lock) */
	void (*service)(struct fo_private *priv); /* what a request runs */
	bool grace_fence;   /* no membarrier: bursts fence themselves */
	bool keep_sub_devices; /* closing from the vdev's removal: ports only */
	uint32_t events; /* FO_EV_RESCAN (atomic) */
	uint64_t switch_count;
	uint64_t last_switch_ns; /* CLOCK_REALTIME */
	uint64_t seen_ns;        /* CLOCK_MONOTONIC: an event source saw a change (atomic) */
	uint64_t run_seen_ns;    /* seen_ns taken by the running service run (lock) */
	uint64_t last_switch_react_ns; /* from the event to the last switch; 0 unknown */
	uint32_t announce_left;  /* frames still to announce (atomic) */
	uint64_t announce_count; /* frames announced (lock) */
	uint64_t quiesce_timeouts;
	struct fo_counters acc[2]; /* folded counters per path */
	bool discover; /* sub-devices come from sysfs discovery */
	bool pair_mac_known;
	uint8_t pair_mac[RTE_ETHER_ADDR_LEN];
	char pair_id[64];         /* synthetic NIC's bus id */
	/* DPDK-bound VFs with no netdev: paired by the probed port's MAC. */
	unsigned int n_vf_candidates;
	char vf_candidates[FO_MAX_VF_CANDIDATES][32];
	/* What discovery last logged of the VF: only a change is logged again. */
	char vf_plan_logged[2 * FO_DEVARGS_MAX + FO_ERR_MAX];
	unsigned int vf_candidates_logged;
	uint64_t next_rescan_ns;  /* CLOCK_MONOTONIC */
	uint32_t rescan_ms;       /* back-off of the VF search */
	struct fo_netlink *netlink;
	bool uevents;             /* EAL device event callback registered */
	uint16_t max_rxq;         /* what dev_infos_get reports (failover_queues.c) */
	uint16_t max_txq;
	/*
	 * The port's configuration as the driver's own: ethdev changes its
	 * counts and frees and NULLs its queue arrays during a configure
	 * (before the op, and again when it rolls back), without any lock of
	 * ours, while event callbacks and the service routine may read them.
	 * Changed under lock and paths_lock; read under either.
	 */
	bool configured;          /* the configure op succeeded */
	uint16_t nb_rxq;          /* the port's queue counts at that configure */
	uint16_t nb_txq;
	struct fo_queue *rxq[FO_MAX_QUEUES];
	struct fo_queue *txq[FO_MAX_QUEUES];
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

/* failover_api.c */
const char *fo_api_sub_state(uint16_t port_id, enum fo_path path);
bool fo_api_exception(uint16_t port_id, const char **mode, const char **path,
		      const char **kernel);

/* failover_secondary.c */
extern const struct eth_dev_ops fo_secondary_ops;
struct rte_vdev_device;
int fo_secondary_attach(struct rte_vdev_device *vdev);
uint16_t fo_secondary_sub_rx(uint16_t port, uint16_t qid, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_secondary_sub_tx(uint16_t port, uint16_t qid, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_secondary_sub_nb_rxq(uint16_t port);
extern int32_t fo_secondary_poller; /* this secondary's poller number (failover_poller.c) */

/* failover_poller.c */
int32_t fo_poller_register(void);
void fo_poller_unregister(void);
bool fo_poller_gone(int32_t id);
void fo_poller_sweep(void);
int fo_dev_stop(struct rte_eth_dev *dev);
int fo_dev_close(struct rte_eth_dev *dev);

/* failover_rxtx.c */
uint16_t fo_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_rx_burst_sub_port(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_rx_burst_fenced(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_rx_burst_sub_port_fenced(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_tx_burst_fenced(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_rx_burst_secondary(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_rx_burst_sub_port_secondary(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t fo_tx_burst_secondary(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);

/* failover_grace.c */
void fo_grace_init(struct fo_private *priv);
uint64_t fo_grace_begin(struct fo_private *priv);
bool fo_grace_over(struct fo_private *priv, uint64_t token);
bool fo_grace_wait(struct fo_private *priv, uint64_t token);

/* failover_switch.c */
void fo_lock(struct fo_private *priv);
void fo_unlock(struct fo_private *priv);
void fo_switch_evaluate(struct fo_private *priv, const char *why);
bool fo_switch_unpublish(struct fo_private *priv, struct fo_sub *sub);
void fo_switch_ban(struct fo_private *priv, struct fo_sub *sub, const char *why);
void fo_switch_unban(struct fo_private *priv, struct fo_sub *sub);

/* failover_event.c */
void fo_event_post(struct fo_private *priv, struct fo_sub *sub, uint32_t events);
void fo_event_request(struct fo_private *priv);
void fo_event_request_at(struct fo_private *priv, uint64_t due_ns);
void fo_event_cancel(struct fo_private *priv);
void fo_event_seen(struct fo_private *priv);

/* failover_service.c */
void fo_service_link_check_now(struct fo_private *priv, struct fo_sub *sub, bool gone_down);

/* failover_announce.c */
void fo_announce_start(struct fo_private *priv);
void fo_announce_stop(struct fo_private *priv);

/* failover_watch.c */
void fo_watch_start(struct fo_private *priv, struct fo_sub *sub);
void fo_watch_stop(struct fo_private *priv, struct fo_sub *sub);

/* failover_service.c */
void fo_service_start(struct fo_private *priv);
void fo_service_shutdown(struct fo_private *priv);
void fo_service_run(struct fo_private *priv);

/* failover_sub.c */
const char *fo_sub_state_name(enum fo_sub_state state);
void fo_sub_set_state(struct fo_private *priv, struct fo_sub *sub, enum fo_sub_state state);
int fo_sub_attach(struct fo_private *priv, struct fo_sub *sub);
int fo_sub_bring_up(struct fo_private *priv, struct fo_sub *sub);
void fo_sub_bring_up_or_retry(struct fo_private *priv, struct fo_sub *sub);
int fo_sub_configure(struct fo_private *priv, struct fo_sub *sub);
int fo_sub_setup_queue(struct fo_private *priv, struct fo_sub *sub, bool rx, uint16_t qid);
void fo_sub_reset(struct fo_private *priv, struct fo_sub *sub);
void fo_sub_recovered(struct fo_private *priv, struct fo_sub *sub);
void fo_sub_fall_back(struct fo_private *priv, struct fo_sub *sub, const char *why);
void fo_sub_detach(struct fo_private *priv, struct fo_sub *sub, const char *why);
void fo_sub_finish_drain(struct fo_private *priv, struct fo_sub *sub);
void fo_sub_teardown_reap(struct fo_private *priv, struct fo_sub *sub, bool wait);
void fo_sub_forget(struct fo_private *priv, struct fo_sub *sub);
bool fo_sub_link_update(struct fo_private *priv, struct fo_sub *sub, bool gone_down);
void fo_sub_link_refresh(struct fo_private *priv, struct fo_sub *sub);
void fo_sub_stop(struct fo_private *priv, struct fo_sub *sub);
void fo_sub_rename(struct fo_private *priv, struct fo_sub *sub, const char *name);
bool fo_sub_attach_due(struct fo_sub *sub, uint64_t now);
uint64_t fo_now_ns(void);

/* failover_replay.c */
int fo_replay_configure(struct fo_private *priv, struct fo_sub *sub);
int fo_replay_queue(struct fo_private *priv, struct fo_sub *sub, bool rx, uint16_t qid);
int fo_replay_queues(struct fo_private *priv, struct fo_sub *sub);
int fo_replay_settings(struct fo_private *priv, struct fo_sub *sub);
void fo_replay_check(struct fo_private *priv, struct fo_sub *sub);
void fo_replay_queue_states(struct fo_private *priv, struct fo_sub *sub);

/* failover_stats.c */
void fo_stats_fold(struct fo_private *priv, struct fo_sub *sub);
void fo_stats_resync(struct fo_private *priv, struct fo_sub *sub);
int fo_stats_get(FO_STATS_GET_PARAMS);
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
bool fo_netlink_carrier(const char *ifname, bool *up);

/* failover_uevent.c */
void fo_hotplug_lock(void);
void fo_hotplug_unlock(void);
bool fo_teardown_start(struct fo_private *priv, struct fo_teardown *td, const char *bus,
		       const char *name, uint16_t port, uint64_t now_ns);
bool fo_teardown_over(struct fo_teardown *td, bool wait);

void fo_uevent_open(struct fo_private *priv);
void fo_uevent_close(struct fo_private *priv);

/* failover_netdev.c */
void fo_netdev_prepare(struct fo_private *priv, struct fo_sub *sub, const char *devargs);
void fo_netdev_restore(struct fo_private *priv, struct fo_sub *sub);
void fo_netdev_guard_tc(struct fo_private *priv, struct fo_sub *sub, bool installing);
struct nlmsghdr;
int fo_netdev_rtnl(struct nlmsghdr *nlh, int (*cb)(const struct nlmsghdr *, void *), void *arg);
struct nlmsghdr *fo_netdev_link_req(char *buf, size_t len, uint16_t type, unsigned int ifindex);

/* failover_xdp_path.c */
bool fo_xdp_path_devargs(const char *devargs);
unsigned int fo_xdp_path_channels(const char *ifname);
int fo_xdp_path_prepare(struct fo_private *priv, struct fo_sub *sub, const char *ifname, char *why,
			size_t len);
void fo_xdp_path_started(struct fo_private *priv, struct fo_sub *sub);
void fo_xdp_path_release(struct fo_private *priv, struct fo_sub *sub);

/* failover_queues.c */
void fo_queues_learn(struct fo_private *priv, struct fo_sub *sub);
void fo_queues_limits_update(struct fo_private *priv);
void fo_queues_plan(const struct fo_private *priv, const struct fo_sub *sub, uint16_t *nb_rx,
		    uint16_t *nb_tx);
int fo_queues_check(struct fo_private *priv, const struct fo_sub *sub, const char *what);
uint16_t fo_queues_pairs(const struct fo_private *priv);
void fo_queues_devargs(const struct fo_private *priv, const struct fo_sub *sub,
		       const char *devargs, char *out, size_t len);
uint32_t fo_queues_rx_paths(struct fo_private *priv, uint32_t paths, uint16_t qid);
int fo_queues_configure(struct fo_private *priv);
bool fo_queues_refuse(struct fo_private *priv, struct fo_sub *sub);
bool fo_queues_refused(const struct fo_sub *sub);
void fo_queues_set(struct fo_private *priv, bool rx, uint16_t qid, struct fo_queue *q);
void fo_queues_forget(struct fo_private *priv);

/* failover_flow.c */
int fo_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops);
int fo_flow_replay(struct fo_private *priv, struct fo_sub *sub);
void fo_flow_forget_sub(struct fo_private *priv, struct fo_sub *sub);
void fo_flow_free_all(struct fo_private *priv);

#endif /* FAILOVER_PRIVATE_H */
