/* SPDX-License-Identifier: BSD-3-Clause */

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "failover_private.h"

/*
 * Counters never go backwards: each read adds what a sub-device counted
 * since the previous read to a per-path total. A counter lower than last
 * time was reset (or the device replaced): all of it is new. The totals of
 * a departed sub-device stay in its path's total.
 */
#define FO_STATS_WORDS (sizeof(struct fo_counters) / sizeof(uint64_t))

static_assert(sizeof(struct fo_counters) % sizeof(uint64_t) == 0,
	      "fo_counters is an array of 64-bit counters");

void
fo_stats_fold(struct fo_private *priv, struct fo_sub *sub)
{
	struct fo_counters now;
	const uint64_t *n = (const uint64_t *)&now;
	uint64_t *seen = (uint64_t *)&sub->seen;
	uint64_t *acc = (uint64_t *)&priv->acc[sub->path - 1];
	size_t i;

	/* A recovering PMD is not called: its counts are folded once it is back. */
	if (sub->port_id == FO_NO_PORT || fo_sub_recovering(sub) ||
	    fo_counters_get(sub->port_id, &now) != 0)
		return;
	for (i = 0; i < FO_STATS_WORDS; i++) {
		acc[i] += n[i] >= seen[i] ? n[i] - seen[i] : n[i];
		seen[i] = n[i];
	}
}

void
fo_stats_resync(struct fo_private *priv, struct fo_sub *sub)
{
	if (fo_counters_get(sub->port_id, &sub->seen) != 0)
		memset(&sub->seen, 0, sizeof(sub->seen));
}

/*
 * One path's counters. The primary folds what the sub-device counted into
 * the path's total; a secondary process (dpdk-proc-info) only looks: the
 * total as of the primary's last fold plus what the sub-device counted
 * since, without writing anything shared or taking the primary's lock.
 */
static void
fo_stats_path(struct fo_private *priv, enum fo_path path, struct fo_counters *stats)
{
	struct fo_sub *sub = fo_sub_of(priv, path);
	struct fo_counters now;
	const uint64_t *n = (const uint64_t *)&now;
	const uint64_t *seen = (const uint64_t *)&sub->seen;
	uint64_t *out = (uint64_t *)stats;
	size_t i;

	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		fo_stats_fold(priv, sub);
		*stats = priv->acc[path - 1];
		return;
	}
	*stats = priv->acc[path - 1];
	if (!fo_sub_present(sub) || sub->port_id == FO_NO_PORT ||
	    fo_counters_get(sub->port_id, &now) != 0)
		return;
	for (i = 0; i < FO_STATS_WORDS; i++)
		out[i] += n[i] >= seen[i] ? n[i] - seen[i] : n[i];
}

static void
fo_stats_total(struct fo_private *priv, struct fo_counters path[2], struct fo_counters *stats)
{
	const uint64_t *a = (const uint64_t *)&path[0];
	const uint64_t *b = (const uint64_t *)&path[1];
	uint64_t *out = (uint64_t *)stats;
	size_t i;

	fo_stats_path(priv, FO_PATH_PRIMARY, &path[0]);
	fo_stats_path(priv, FO_PATH_STANDBY, &path[1]);
	for (i = 0; i < FO_STATS_WORDS; i++)
		out[i] = a[i] + b[i];
}

/*
 * Counters take their own lock, not the control lock, which the service
 * routine holds while it probes: reading statistics never waits for that.
 */
static bool
fo_stats_lock(struct fo_private *priv)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return false;
	pthread_mutex_lock(&priv->stats_lock);
	return true;
}

static void
fo_stats_unlock(struct fo_private *priv)
{
	pthread_mutex_unlock(&priv->stats_lock);
}

/*
 * Rx queues of a sub-device beyond the port's n were polled by port queue
 * i % n (failover_queues.c): their counters are that queue's.
 */
static void
fo_stats_fold_spread(uint16_t n, struct fo_counters *c)
{
#if FO_QSTATS_APART
	struct eth_queue_stats *q = &c->q;
#else
	struct rte_eth_stats *q = &c->st;
#endif
	unsigned int i;

	if (n == 0)
		return;
	for (i = n; i < RTE_ETHDEV_QUEUE_STAT_CNTRS; i++) {
		q->q_ipackets[i % n] += q->q_ipackets[i];
		q->q_ibytes[i % n] += q->q_ibytes[i];
		q->q_ipackets[i] = 0;
		q->q_ibytes[i] = 0;
	}
}

int
fo_stats_get(FO_STATS_GET_PARAMS)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_counters total, path[2];
	bool locked = fo_stats_lock(priv);

	fo_stats_total(priv, path, &total);
	if (locked)
		fo_stats_unlock(priv);
	fo_stats_fold_spread(dev->data->nb_rx_queues, &total);
	fo_counters_put(&total, stats, FO_STATS_GET_QSTATS);
	return 0;
}

int
fo_stats_reset(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;

	pthread_mutex_lock(&priv->stats_lock);
	FO_FOREACH_SUB(priv, sub) {
		if (sub->port_id == FO_NO_PORT)
			continue;
		rte_eth_stats_reset(sub->port_id);
		fo_stats_resync(priv, sub);
	}
	memset(priv->acc, 0, sizeof(priv->acc));
	pthread_mutex_unlock(&priv->stats_lock);
	return 0;
}

/* Names are the same whichever sub-devices are present. */
static const struct {
	const char *name;
	size_t offset;
} fo_path_xstats[] = {
	{"rx_packets", offsetof(struct fo_counters, st.ipackets)},
	{"tx_packets", offsetof(struct fo_counters, st.opackets)},
	{"rx_bytes", offsetof(struct fo_counters, st.ibytes)},
	{"tx_bytes", offsetof(struct fo_counters, st.obytes)},
	{"rx_missed", offsetof(struct fo_counters, st.imissed)},
	{"rx_errors", offsetof(struct fo_counters, st.ierrors)},
	{"tx_errors", offsetof(struct fo_counters, st.oerrors)},
	{"rx_nombuf", offsetof(struct fo_counters, st.rx_nombuf)},
};

enum fo_port_xstat {
	FO_XSTAT_ACTIVE_PATH,
	FO_XSTAT_SWITCH_COUNT,
	FO_XSTAT_LAST_SWITCH_NS,
	FO_XSTAT_QUIESCE_TIMEOUTS,
	FO_XSTAT_LAST_SWITCH_REACT_NS,
	FO_XSTAT_ANNOUNCE_COUNT,
	FO_XSTAT_PORT_MAX,
};

static const char *const fo_port_xstats[FO_XSTAT_PORT_MAX] = {
	"active_path", "switch_count", "last_switch_ns", "quiesce_timeouts",
	"last_switch_react_ns", "announce_count",
};

static const char *const fo_sub_xstats[] = {
	"present", "link_up", "attach_count", "replay_mismatches", "attach_failures", "state",
};

#define FO_XSTATS_PER_PATH (RTE_DIM(fo_path_xstats) + RTE_DIM(fo_sub_xstats))
#define FO_XSTATS_COUNT (FO_XSTAT_PORT_MAX + 2 * FO_XSTATS_PER_PATH)

int
fo_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
		    unsigned int size)
{
	unsigned int n = 0;
	unsigned int p, i;

	if (names == NULL || size < FO_XSTATS_COUNT)
		return FO_XSTATS_COUNT;
	for (i = 0; i < FO_XSTAT_PORT_MAX; i++)
		strlcpy(names[n++].name, fo_port_xstats[i], RTE_ETH_XSTATS_NAME_SIZE);
	for (p = FO_PATH_PRIMARY; p <= FO_PATH_STANDBY; p++) {
		const char *path = fo_rules_path_name(p);

		for (i = 0; i < RTE_DIM(fo_path_xstats); i++)
			snprintf(names[n++].name, RTE_ETH_XSTATS_NAME_SIZE, "%s_%s", path,
				 fo_path_xstats[i].name);
		for (i = 0; i < RTE_DIM(fo_sub_xstats); i++)
			snprintf(names[n++].name, RTE_ETH_XSTATS_NAME_SIZE, "%s_%s", path,
				 fo_sub_xstats[i]);
	}
	return n;
}

int
fo_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats, unsigned int size)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_counters total, path[2];
	unsigned int n = 0;
	unsigned int p, i;
	bool locked;

	if (xstats == NULL || size < FO_XSTATS_COUNT)
		return FO_XSTATS_COUNT;
	locked = fo_stats_lock(priv);
	fo_stats_total(priv, path, &total);
	xstats[n++].value = priv->active;
	xstats[n++].value = priv->switch_count;
	xstats[n++].value = priv->last_switch_ns;
	xstats[n++].value = priv->quiesce_timeouts;
	xstats[n++].value = priv->last_switch_react_ns;
	xstats[n++].value = priv->announce_count;
	for (p = FO_PATH_PRIMARY; p <= FO_PATH_STANDBY; p++) {
		const struct fo_sub *sub = fo_sub_of(priv, p);
		const uint8_t *counters = (const uint8_t *)&path[p - 1];

		for (i = 0; i < RTE_DIM(fo_path_xstats); i++)
			xstats[n++].value =
				*(const uint64_t *)(counters + fo_path_xstats[i].offset);
		xstats[n++].value = fo_sub_present(sub);
		xstats[n++].value = sub->link_up;
		xstats[n++].value = sub->attach_count;
		xstats[n++].value = sub->replay_mismatches;
		xstats[n++].value = sub->attach_failures;
		xstats[n++].value = sub->state;
	}
	if (locked)
		fo_stats_unlock(priv);
	for (i = 0; i < n; i++)
		xstats[i].id = i;
	return n;
}

int
fo_xstats_reset(struct rte_eth_dev *dev)
{
	return fo_stats_reset(dev);
}
