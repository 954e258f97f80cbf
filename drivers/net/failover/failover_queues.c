/* SPDX-License-Identifier: BSD-3-Clause */

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "failover_private.h"

/*
 * The queue plan: how many queues each sub-device is configured with for
 * the port's n Rx and t Tx queues, and which of its Rx queues each port Rx
 * queue polls.
 *
 * - Most sub-devices get n and t.
 * - net_af_packet opens one socket per queue pair and the kernel spreads
 *   received frames over all of them (fanout by flow hash): every one of
 *   its Rx queues is set up, and t Tx queues.
 * - net_tap opens one fd per queue pair and wants equal counts; the
 *   kernel's tun picks the fd by flow hash: max(n, t) of both.
 * - net_af_xdp (the AF_XDP exception path) gets one socket per channel of
 *   its netdev, since the kernel spreads received frames over all of them:
 *   as many Rx queues, and t Tx queues; it needs max(n, t) channels, or the
 *   TAP path takes over (the channel count is never changed).
 * - Sub-devices the driver creates (discovery) are created with max(n, t)
 *   queue pairs and do not limit the port.
 *
 * Port Rx queue i polls the sub-device's Rx queues i, i + n, i + 2n, ...
 * below its count; extra Tx queues stay idle.
 */

static_assert(RTE_MAX_ETHPORTS < FO_PORT_SPREAD, "a port id never has the spread bit");

/* The kind of a just attached sub-device and its limits; the port's limits. */
void
fo_queues_learn(struct fo_private *priv, struct fo_sub *sub)
{
	struct rte_eth_dev_info info;
	const char *drv;

	/* One that does not say is not taken to have no queue at all. */
	memset(&info, 0, sizeof(info));
	if (rte_eth_dev_info_get(sub->port_id, &info) != 0)
		info.max_rx_queues = info.max_tx_queues = FO_MAX_QUEUES;
	drv = info.driver_name != NULL ? info.driver_name : "";
	if (strcmp(drv, "net_af_packet") == 0)
		sub->qkind = FO_QKIND_ALL_RX;
	else if (strcmp(drv, "net_tap") == 0)
		sub->qkind = FO_QKIND_PAIRS;
	else if (strcmp(drv, "net_af_xdp") == 0)
		sub->qkind = FO_QKIND_CHANNELS;
	else
		sub->qkind = FO_QKIND_EXACT;
	sub->max_rxq = RTE_MIN(info.max_rx_queues, FO_MAX_QUEUES);
	sub->max_txq = RTE_MIN(info.max_tx_queues, FO_MAX_QUEUES);
	if (!sub->sized && (sub->max_rxq < FO_MAX_QUEUES || sub->max_txq < FO_MAX_QUEUES))
		FO_LOG(INFO, priv,
		       "%s %s has %u Rx / %u Tx queues: the port offers no more while it is present",
		       fo_rules_path_name(sub->path), sub->name, sub->max_rxq, sub->max_txq);
	fo_queues_limits_update(priv);
}

/*
 * What dev_infos_get reports: the profile, less what a present sub-device
 * the application named cannot give. Kept in the shared private data, so
 * that a secondary process reads it without touching sub-devices.
 */
void
fo_queues_limits_update(struct fo_private *priv)
{
	uint16_t rx = FO_MAX_QUEUES, tx = FO_MAX_QUEUES;
	struct fo_sub *sub;

	FO_FOREACH_SUB(priv, sub) {
		if (!fo_sub_present(sub) || sub->state == FO_SUB_DRAINING || sub->sized)
			continue;
		rx = RTE_MIN(rx, sub->max_rxq);
		tx = RTE_MIN(tx, sub->max_txq);
	}
	priv->max_rxq = rx;
	priv->max_txq = tx;
}

/* The queue counts the sub-device is configured with. */
void
fo_queues_plan(const struct fo_private *priv, const struct fo_sub *sub, uint16_t *nb_rx,
	       uint16_t *nb_tx)
{
	uint16_t n = priv->nb_rxq, t = priv->nb_txq;

	*nb_rx = n;
	*nb_tx = t;
	switch (sub->qkind) {
	case FO_QKIND_ALL_RX:
		/* A port without Rx queues polls none of them. */
		*nb_rx = n > 0 ? RTE_MAX(n, sub->max_rxq) : 0;
		break;
	case FO_QKIND_PAIRS:
		*nb_rx = RTE_MAX(n, t);
		*nb_tx = *nb_rx;
		break;
	case FO_QKIND_CHANNELS:
		*nb_rx = RTE_MAX(n, sub->max_rxq);
		break;
	default:
		break;
	}
}

/*
 * Can the sub-device give the port's queue counts? When not, one error
 * naming it and its limit.
 */
int
fo_queues_check(struct fo_private *priv, const struct fo_sub *sub, const char *what)
{
	uint16_t n = priv->nb_rxq, t = priv->nb_txq;

	if (sub->sized || (n <= sub->max_rxq && t <= sub->max_txq))
		return 0;
	FO_LOG(ERR, priv,
	       "%s %s has at most %u Rx / %u Tx queues, the port is configured with %u / %u: %s",
	       fo_rules_path_name(sub->path), sub->name, sub->max_rxq, sub->max_txq, n, t, what);
	return -EINVAL;
}

/* The queue pairs a sub-device the driver creates needs now. */
uint16_t
fo_queues_pairs(const struct fo_private *priv)
{
	if (!priv->configured)
		return 1;
	return RTE_MAX(RTE_MAX(priv->nb_rxq, priv->nb_txq), 1);
}

/*
 * devargs of a driver-created AF_PACKET sub-device, with its queue pairs;
 * of the AF_XDP exception path, with a socket per channel of its netdev.
 */
void
fo_queues_devargs(const struct fo_private *priv, const struct fo_sub *sub, const char *devargs,
		  char *out, size_t len)
{
	if (priv->discover && sub->tc_syn[0] != '\0' && fo_xdp_path_devargs(devargs) &&
	    strstr(devargs, ",queue_count=") == NULL) {
		snprintf(out, len, "%s,start_queue=0,queue_count=%u", devargs,
			 RTE_MAX(fo_xdp_path_channels(sub->tc_syn), 1u));
		return;
	}
	if (!priv->discover || strncmp(devargs, "net_af_packet", strlen("net_af_packet")) != 0 ||
	    strstr(devargs, ",qpairs=") != NULL) {
		strlcpy(out, devargs, len);
		return;
	}
	snprintf(out, len, "%s,qpairs=%u", devargs, fo_queues_pairs(priv));
}

/*
 * The port's queue paths for Rx queue qid: a half whose sub-device has Rx
 * queues beyond the port's count for this queue carries the spread bit.
 */
uint32_t
fo_queues_rx_paths(struct fo_private *priv, uint32_t paths, uint16_t qid)
{
	uint16_t n = priv->nb_rxq;
	uint16_t half[2] = {FO_PATHS_ACTIVE(paths), FO_PATHS_OTHER(paths)};
	unsigned int h;

	for (h = 0; h < RTE_DIM(half); h++) {
		uint16_t port = half[h];

		if (port == FO_NO_PORT || !rte_eth_dev_is_valid_port(port))
			continue;
		if ((uint32_t)qid + n < rte_eth_devices[port].data->nb_rx_queues)
			half[h] |= FO_PORT_SPREAD;
	}
	return FO_PATHS(half[0], half[1]);
}

static void
fo_queues_reopen(struct fo_private *priv, struct fo_sub *sub, const char *why)
{
	sub->reopen = true;
	fo_sub_detach(priv, sub, why);
	if (!fo_sub_present(sub))
		fo_sub_attach(priv, sub);
}

/*
 * The port is being configured (priv has its new queue counts). A
 * present sub-device the application named that cannot give them fails the
 * call at once; one the driver created is created again with the queue
 * pairs now needed, and a net_af_xdp one whose queues are set up is
 * created again; one left out for too few queues is tried again.
 */
int
fo_queues_configure(struct fo_private *priv)
{
	uint16_t pairs = fo_queues_pairs(priv);
	struct fo_sub *sub;

	FO_FOREACH_SUB(priv, sub) {
		if (!fo_sub_present(sub) || sub->state == FO_SUB_DRAINING)
			continue;
		if (fo_queues_check(priv, sub, "configure refused") < 0)
			return -EINVAL;
	}
	FO_FOREACH_SUB(priv, sub) {
		sub->plan_failed = false; /* the planned way may fit the new counts */
		if (sub->qkind == FO_QKIND_CHANNELS && sub->via_xdp && fo_sub_present(sub) &&
		    sub->state != FO_SUB_DRAINING && (sub->max_rxq < pairs || priv->nb_rxq == 0)) {
			char why[FO_ERR_MAX];

			snprintf(why, sizeof(why), "%s has %u channel(s), the port needs %u%s",
				 sub->tc_syn, sub->max_rxq, pairs,
				 priv->nb_rxq == 0 ? " and an Rx queue" : "");
			if (sub->fallback[0] != '\0') {
				fo_sub_fall_back(priv, sub, why);
			} else {
				FO_LOG(ERR, priv, "%s %s: %s", fo_rules_path_name(sub->path),
				       sub->name, why);
				fo_sub_detach(priv, sub, "too few channels");
			}
			continue;
		}
		if (sub->refused_rxq != 0 || sub->refused_txq != 0) {
			sub->refused_rxq = 0;
			sub->refused_txq = 0;
			sub->retry_at_ns = 0;
			fo_event_request(priv);
		}
		if (!fo_sub_present(sub) || sub->state == FO_SUB_DRAINING)
			continue;
		if (sub->qkind == FO_QKIND_CHANNELS && (sub->rxq_ready | sub->txq_ready) != 0) {
			FO_LOG(INFO, priv,
			       "%s %s: created again (net_af_xdp keeps its queues' sockets until it is closed)",
			       fo_rules_path_name(sub->path), sub->name);
			fo_queues_reopen(priv, sub, "configured again");
			continue;
		}
		if (!sub->sized || sub->qkind != FO_QKIND_ALL_RX || sub->max_rxq == pairs)
			continue;
		FO_LOG(INFO, priv, "%s %s: created again with %u queue pairs",
		       fo_rules_path_name(sub->path), sub->name, pairs);
		fo_queues_reopen(priv, sub, "queue count changed");
	}
	return 0;
}

/*
 * A sub-device that comes after the port was configured with more queues
 * than it has is left out, logged once, until the port is configured again;
 * the port runs on the other path.
 */
bool
fo_queues_refuse(struct fo_private *priv, struct fo_sub *sub)
{
	if (fo_queues_check(priv, sub, "left out until the port is configured with fewer") == 0)
		return false;
	sub->refused_rxq = priv->nb_rxq;
	sub->refused_txq = priv->nb_txq;
	fo_sub_detach(priv, sub, "too few queues");
	return true;
}

bool
fo_queues_refused(const struct fo_sub *sub)
{
	return sub->refused_rxq != 0 || sub->refused_txq != 0;
}

/*
 * Port queue qid of the driver's table, and of ethdev's array, becomes q
 * (NULL: released); the one it replaces is freed.
 */
void
fo_queues_set(struct fo_private *priv, bool rx, uint16_t qid, struct fo_queue *q)
{
	struct rte_eth_dev_data *data = priv->dev->data;
	struct fo_queue **table = rx ? priv->rxq : priv->txq;
	void **queues = rx ? data->rx_queues : data->tx_queues;

	pthread_mutex_lock(&priv->paths_lock);
	rte_free(table[qid]);
	table[qid] = q;
	if (queues != NULL && qid < (rx ? data->nb_rx_queues : data->nb_tx_queues))
		queues[qid] = q;
	priv->paths_stale = true;
	pthread_mutex_unlock(&priv->paths_lock);
}

/* The port closes or is reset: its queues are freed and it is not configured. */
void
fo_queues_forget(struct fo_private *priv)
{
	uint16_t i;

	for (i = 0; i < FO_MAX_QUEUES; i++) {
		fo_queues_set(priv, true, i, NULL);
		fo_queues_set(priv, false, i, NULL);
	}
	pthread_mutex_lock(&priv->paths_lock);
	priv->configured = false;
	priv->nb_rxq = 0;
	priv->nb_txq = 0;
	pthread_mutex_unlock(&priv->paths_lock);
}
