/* SPDX-License-Identifier: BSD-3-Clause */

#include <time.h>

#include <rte_cycles.h>

#include "failover_private.h"

void
fo_lock(struct fo_private *priv)
{
	pthread_mutex_lock(&priv->lock);
}

void
fo_unlock(struct fo_private *priv)
{
	pthread_mutex_unlock(&priv->lock);
}

static struct fo_path_state
fo_switch_state(const struct fo_sub *sub)
{
	struct fo_path_state s = {
		.present = fo_sub_present(sub) && sub->state != FO_SUB_DRAINING,
		.started = fo_sub_started(sub),
		.link_up = sub->link_up,
	};
	return s;
}

static uint16_t
fo_switch_port_of(struct fo_private *priv, enum fo_path path)
{
	return path == FO_PATH_NONE ? FO_NO_PORT : fo_sub_of(priv, path)->port_id;
}

/* The rules' choice less the banned sub-devices. Called with paths_lock held. */
static uint32_t
fo_switch_paths_allowed(struct fo_private *priv)
{
	uint16_t active = FO_PATHS_ACTIVE(priv->want_paths);
	uint16_t other = FO_PATHS_OTHER(priv->want_paths);
	struct fo_sub *sub;

	FO_FOREACH_SUB(priv, sub) {
		if (!sub->banned)
			continue;
		if (other == sub->port_id)
			other = FO_NO_PORT;
		if (active == sub->port_id) {
			active = other;
			other = FO_NO_PORT;
		}
	}
	return FO_PATHS(active, other);
}

static uint64_t
fo_switch_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static enum fo_path
fo_switch_path_of(struct fo_private *priv, uint16_t port)
{
	struct fo_sub *sub;

	if (port == FO_NO_PORT)
		return FO_PATH_NONE;
	FO_FOREACH_SUB(priv, sub)
		if (sub->port_id == port)
			return sub->path;
	return FO_PATH_NONE;
}

/*
 * Write the paths into the queues, only when they change: each write
 * costs the data path a miss. The active path is the one the queues use.
 * Called with paths_lock held.
 */
static void
fo_switch_publish(struct fo_private *priv, const char *why, uint64_t seen_ns)
{
	uint32_t paths = fo_switch_paths_allowed(priv);
	enum fo_path active;
	uint16_t i;

	if (paths == priv->paths && !priv->paths_stale)
		return;
	priv->paths = paths;
	priv->paths_stale = false;

	for (i = 0; i < FO_MAX_QUEUES; i++) {
		if (priv->rxq[i] != NULL)
			__atomic_store_n(&priv->rxq[i]->paths, fo_queues_rx_paths(priv, paths, i),
					 __ATOMIC_RELEASE);
		if (priv->txq[i] != NULL)
			__atomic_store_n(&priv->txq[i]->paths, paths, __ATOMIC_RELEASE);
	}

	active = fo_switch_path_of(priv, FO_PATHS_ACTIVE(paths));
	if (active != priv->active) {
		/* From the event to the queues' new paths: what the driver takes. */
		priv->last_switch_react_ns = seen_ns != 0 ? fo_now_ns() - seen_ns : 0;
		if (seen_ns != 0)
			FO_LOG(NOTICE, priv, "active path %s -> %s (%s; %.3f ms after the event)",
			       fo_rules_path_name(priv->active), fo_rules_path_name(active), why,
			       priv->last_switch_react_ns / 1e6);
		else
			FO_LOG(NOTICE, priv, "active path %s -> %s (%s)",
			       fo_rules_path_name(priv->active), fo_rules_path_name(active), why);
		__atomic_store_n(&priv->active, active, __ATOMIC_RELEASE);
		priv->switch_count++;
		priv->last_switch_ns = fo_switch_now_ns();
		if (active != FO_PATH_NONE)
			fo_announce_start(priv);
	}
}

/*
 * The port's link. The application's LSC callback is owed, not called:
 * the service routine calls it on the interrupt thread, without our lock.
 */
static void
fo_switch_link_set(struct fo_private *priv, bool up)
{
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_UNKNOWN,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_AUTONEG,
		.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};
	struct rte_eth_dev *dev = priv->dev;

	if (up && priv->active != FO_PATH_NONE) {
		struct rte_eth_link sub_link;

		if (rte_eth_link_get_nowait(fo_sub_of(priv, priv->active)->port_id,
					    &sub_link) == 0 &&
		    sub_link.link_status == RTE_ETH_LINK_UP)
			link.link_speed = sub_link.link_speed;
	}
	rte_eth_linkstatus_set(dev, &link);
	if (up == priv->link_up)
		return;
	priv->link_up = up;
	FO_LOG(INFO, priv, "link %s", up ? "up" : "down");
	if (dev->data->dev_conf.intr_conf.lsc) {
		priv->lsc_pending = true;
		fo_event_request(priv);
	}
}

/* Set the queues' paths by the rules. Called with the lock held. */
void
fo_switch_evaluate(struct fo_private *priv, const char *why)
{
	struct fo_path_state p = fo_switch_state(fo_sub_of(priv, FO_PATH_PRIMARY));
	struct fo_path_state s = fo_switch_state(fo_sub_of(priv, FO_PATH_STANDBY));
	enum fo_path active = FO_PATH_NONE;
	enum fo_path other = FO_PATH_NONE;

	if (priv->started && !priv->closing) {
		active = fo_rules_active(&p, &s, priv->forced);
		other = fo_rules_other(&p, &s, active);
	}
	pthread_mutex_lock(&priv->paths_lock);
	priv->want_paths =
		FO_PATHS(fo_switch_port_of(priv, active), fo_switch_port_of(priv, other));
	fo_switch_publish(priv, why, priv->run_seen_ns);
	pthread_mutex_unlock(&priv->paths_lock);
	fo_switch_link_set(priv, priv->started && fo_rules_link_up(&p, &s));
}

/*
 * Take a draining sub-device off the data path before it is stopped or
 * freed, and wait until no burst can be inside it. False when a burst has
 * not left within quiesce_ms; the service routine looks again later.
 */
bool
fo_switch_unpublish(struct fo_private *priv, struct fo_sub *sub)
{
	bool over;

	fo_switch_evaluate(priv, "sub-device leaving");
	pthread_mutex_lock(&priv->paths_lock);
	sub->drain_token = fo_grace_begin(priv);
	over = fo_grace_wait(priv, sub->drain_token);
	pthread_mutex_unlock(&priv->paths_lock);
	if (!over) {
		priv->quiesce_timeouts++;
		FO_LOG(WARNING, priv,
		       "%s %s: a burst has not left it after %u ms: it stays out of service, not closed, until one has",
		       fo_rules_path_name(sub->path), sub->name, priv->args.quiesce_ms);
	}
	return over;
}

/*
 * An event callback learned that a sub-device is going away (RMV, a
 * device event, DESTROY): take it off the data path now and wait for the
 * bursts to leave it, without the control lock, which the application may
 * hold. The service routine does the rest.
 */
void
fo_switch_ban(struct fo_private *priv, struct fo_sub *sub, const char *why)
{
	uint64_t seen_ns = fo_now_ns();
	uint64_t token;
	bool over;

	pthread_mutex_lock(&priv->paths_lock);
	if (sub->banned) {
		pthread_mutex_unlock(&priv->paths_lock);
		return;
	}
	sub->banned = true;
	fo_switch_publish(priv, why, seen_ns);
	token = fo_grace_begin(priv);
	over = fo_grace_wait(priv, token);
	pthread_mutex_unlock(&priv->paths_lock);
	FO_LOG(INFO, priv, "%s %s off the data path (%s)%s", fo_rules_path_name(sub->path),
	       sub->name, why, over ? "" : "; a burst has not left it yet");
}

/* A sub-device attached again may be on the data path. Called with the lock held. */
void
fo_switch_unban(struct fo_private *priv, struct fo_sub *sub)
{
	pthread_mutex_lock(&priv->paths_lock);
	sub->banned = false;
	pthread_mutex_unlock(&priv->paths_lock);
}
