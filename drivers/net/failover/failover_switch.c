/* SPDX-License-Identifier: BSD-3-Clause */

#include <time.h>
#include <unistd.h>

#include <rte_alarm.h>
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
		.present = sub->present && !sub->gone,
		.started = sub->started,
		.link_up = sub->link_up,
	};
	return s;
}

static uint16_t
fo_switch_port_of(struct fo_private *priv, enum fo_path path)
{
	return path == FO_PATH_NONE ? FO_NO_PORT : fo_sub_of(priv, path)->port_id;
}

/* Write a route only when it changes: each write costs the data path a miss. */
static void
fo_switch_publish(struct fo_private *priv, uint32_t route)
{
	struct rte_eth_dev_data *data = priv->dev->data;
	uint16_t i;

	if (route == priv->route && !priv->routes_stale)
		return;
	priv->route = route;
	priv->routes_stale = false;

	for (i = 0; i < data->nb_rx_queues; i++)
		if (data->rx_queues[i] != NULL)
			__atomic_store_n(&((struct fo_queue *)data->rx_queues[i])->route, route,
					 __ATOMIC_RELEASE);
	for (i = 0; i < data->nb_tx_queues; i++)
		if (data->tx_queues[i] != NULL)
			__atomic_store_n(&((struct fo_queue *)data->tx_queues[i])->route, route,
					 __ATOMIC_RELEASE);
}

static uint64_t
fo_switch_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

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
	if (dev->data->dev_conf.intr_conf.lsc)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

/* Route the queues by the rules. Called with the lock held. */
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
	fo_switch_publish(priv, FO_ROUTE(fo_switch_port_of(priv, active),
					 fo_switch_port_of(priv, other)));
	if (active != priv->active) {
		FO_LOG(NOTICE, priv, "active path %s -> %s (%s)", fo_rules_path_name(priv->active),
		       fo_rules_path_name(active), why);
		priv->active = active;
		priv->switch_count++;
		priv->last_switch_ns = fo_switch_now_ns();
	}
	fo_switch_link_set(priv, priv->started && fo_rules_link_up(&p, &s));
}

/* Take a sub-device out of every route, before it is stopped or freed. */
void
fo_switch_unpublish(struct fo_private *priv, struct fo_sub *sub)
{
	sub->started = false;
	fo_switch_evaluate(priv, "sub-device leaving");
	fo_switch_quiesce(priv);
}

/* Not in a burst, or in one that began after the flip. */
static bool
fo_switch_queue_quiet(const struct fo_queue *q, uint64_t token)
{
	uint64_t seen;

	if (q == NULL)
		return true;
	seen = __atomic_load_n(&q->qs_seen, __ATOMIC_ACQUIRE);
	return (seen & FO_QS_QUIET) || seen >= token;
}

static bool
fo_switch_all_quiet(struct fo_private *priv, uint64_t token)
{
	struct rte_eth_dev_data *data = priv->dev->data;
	uint16_t i;

	for (i = 0; i < data->nb_rx_queues; i++)
		if (!fo_switch_queue_quiet(data->rx_queues[i], token))
			return false;
	for (i = 0; i < data->nb_tx_queues; i++)
		if (!fo_switch_queue_quiet(data->tx_queues[i], token))
			return false;
	return true;
}

/*
 * A burst's entry store can still sit in its core's store buffer while its
 * route load has already completed (x86 lets a load pass an earlier store):
 * a queue that looked quiet may be entering with the previous token. Such
 * a store is visible long before this delay is over, so a second look
 * catches the burst, which is then waited for like any other.
 */
#define FO_QS_SETTLE_US 50

static bool
fo_switch_wait_quiet(struct fo_private *priv, uint64_t token, uint64_t deadline)
{
	while (!fo_switch_all_quiet(priv, token)) {
		if (rte_get_timer_cycles() > deadline)
			return false;
		usleep(10);
	}
	return true;
}

/*
 * Wait until every queue has finished any burst that began before now.
 * A stopped port has no bursts in flight (the application stops polling
 * before it stops the port). Only a burst that does not end (a stuck
 * lcore) makes this wait quiesce_ms, and then it is taken as over, with a
 * warning.
 */
void
fo_switch_quiesce(struct fo_private *priv)
{
	uint64_t token;
	uint64_t deadline;

	token = __atomic_add_fetch(&priv->qs_token, 1, __ATOMIC_SEQ_CST);
	if (!priv->started)
		return;
	deadline = rte_get_timer_cycles() + rte_get_timer_hz() * priv->args.quiesce_ms / 1000;
	if (fo_switch_wait_quiet(priv, token, deadline)) {
		rte_delay_us_sleep(FO_QS_SETTLE_US);
		if (fo_switch_wait_quiet(priv, token, deadline))
			return;
	}
	priv->quiesce_timeouts++;
	FO_LOG(WARNING, priv, "a burst has not ended after %u ms: taken as over (quiesce_ms=)",
	       priv->args.quiesce_ms);
}

/*
 * Control work runs on the EAL interrupt thread: one periodic safety-net
 * alarm (probe absent sub-devices, read the link of every started one) and
 * one-shot alarms kicked by sub-device events. Alarms never block on the
 * lock: if the application holds it, they retry shortly.
 */
static void fo_service_alarm(void *arg);

void
fo_service_run(struct fo_private *priv)
{
	struct fo_sub *sub;

	fo_sub_process_removals(priv);
	fo_discover_refresh(priv);
	FO_FOREACH_SUB(priv, sub) {
		if (priv->closing)
			continue;
		if (sub->devargs[0] == '\0')
			continue;
		if (!sub->present)
			fo_sub_attach(priv, sub);
		if (sub->present && !sub->gone)
			fo_sub_bring_up(priv, sub);
		if (sub->started)
			fo_sub_link_refresh(priv, sub);
	}
	fo_switch_evaluate(priv, "service");
}

static void
fo_service_kicked(void *arg)
{
	struct fo_private *priv = arg;

	if (pthread_mutex_trylock(&priv->lock) != 0) {
		rte_eal_alarm_set(1000, fo_service_kicked, priv);
		return;
	}
	fo_service_run(priv);
	fo_unlock(priv);
}

static void
fo_service_alarm(void *arg)
{
	struct fo_private *priv = arg;

	if (pthread_mutex_trylock(&priv->lock) == 0) {
		fo_service_run(priv);
		fo_unlock(priv);
	}
	if (priv->args.poll_ms > 0)
		rte_eal_alarm_set(priv->args.poll_ms * 1000ull, fo_service_alarm, priv);
}

void
fo_service_start(struct fo_private *priv)
{
	if (priv->args.poll_ms > 0)
		rte_eal_alarm_set(priv->args.poll_ms * 1000ull, fo_service_alarm, priv);
}

/* Must not be called with the lock held: a running alarm may wait for it. */
void
fo_service_stop(struct fo_private *priv)
{
	rte_eal_alarm_cancel(fo_service_alarm, priv);
	rte_eal_alarm_cancel(fo_service_kicked, priv);
}

void
fo_service_kick(struct fo_private *priv)
{
	rte_eal_alarm_set(1, fo_service_kicked, priv);
}
