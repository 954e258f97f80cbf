/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_alarm.h>
#include <rte_cycles.h>

#include "failover_private.h"

/*
 * One owner of the control state. Event sources (sub-device LSC, RMV and
 * DESTROY callbacks, rtnetlink, EAL device events, the safety-net tick,
 * the API) only record what happened, in the sub-device's or the port's
 * event bits, and request a service run (failover_event.c). The service
 * routine takes the lock and makes every state change. It never waits
 * for the lock: if the application holds it, the run is retried shortly.
 */

#define FO_SERVICE_RETRY_US 1000  /* the application holds the lock */
#define FO_SERVICE_DRAIN_US 10000 /* a draining sub-device is looked at again */

static bool
fo_service_closing(struct fo_private *priv)
{
	return __atomic_load_n(&priv->closing, __ATOMIC_ACQUIRE);
}

/* What the events of one sub-device ask for. */
static void
fo_service_sub_events(struct fo_private *priv, struct fo_sub *sub)
{
	uint32_t ev = __atomic_exchange_n(&sub->events, 0, __ATOMIC_ACQ_REL);
	char name[sizeof(sub->nl_name)];

	if (ev == 0)
		return;
	if (ev & FO_EV_DESTROYED) {
		fo_sub_forget(priv, sub);
		return;
	}
	if (ev & FO_EV_RENAMED) {
		rte_spinlock_lock(&priv->inbox_lock);
		strlcpy(name, sub->nl_name, sizeof(name));
		rte_spinlock_unlock(&priv->inbox_lock);
		fo_sub_rename(priv, sub, name);
		if (!sub->via_tap) { /* a PMD on the netdev keeps the old name */
			ev |= FO_EV_GONE;
			sub->reopen = true;
		}
	}
	if ((ev & FO_EV_DELETED) && fo_sub_present(sub)) {
		FO_LOG(NOTICE, priv, "%s netdev %s deleted", fo_rules_path_name(sub->path),
		       sub->ifname);
		ev |= FO_EV_GONE;
	}
	if ((ev & FO_EV_GONE) && fo_sub_present(sub) && sub->state != FO_SUB_DRAINING) {
		fo_sub_detach(priv, sub, "removed");
		return;
	}
	if ((ev & FO_EV_RECOVERED) && fo_sub_present(sub))
		fo_sub_recovered(priv, sub);
	if ((ev & FO_EV_RESET) && fo_sub_present(sub) && sub->state != FO_SUB_DRAINING &&
	    !fo_sub_recovering(sub)) {
		/* Off the data path since the event; its bursts must have left it too. */
		if (!fo_switch_unpublish(priv, sub)) {
			__atomic_fetch_or(&sub->events, FO_EV_RESET, __ATOMIC_RELEASE);
			fo_event_request_at(priv, fo_now_ns() + FO_SERVICE_DRAIN_US * 1000ull);
			return;
		}
		fo_sub_reset(priv, sub);
		return;
	}
	if ((ev & FO_EV_LINK) && !fo_sub_recovering(sub))
		fo_sub_link_refresh(priv, sub);
}

/*
 * A source that holds the lock on the interrupt thread saw a hint that the
 * netdev of sub changed: read it (without the RTNL) and switch now if its
 * link changed. The rest of the work, the log lines first, follows in the
 * service run this requests. gone_down: a netdev deleted is down.
 */
void
fo_service_link_check_now(struct fo_private *priv, struct fo_sub *sub, bool gone_down)
{
	char why[64];

	if (fo_sub_link_update(priv, sub, gone_down)) {
		snprintf(why, sizeof(why), "%s netdev %s %s", fo_rules_path_name(sub->path),
			 sub->ifname, sub->link_up ? "up" : "down");
		priv->run_seen_ns = __atomic_exchange_n(&priv->seen_ns, 0, __ATOMIC_ACQ_REL);
		fo_switch_evaluate(priv, why);
		priv->run_seen_ns = 0;
		FO_LOG(INFO, priv, "%s %s link %s", fo_rules_path_name(sub->path), sub->name,
		       sub->link_up ? "up" : "down");
	}
	fo_event_post(priv, sub, FO_EV_LINK);
}

/*
 * While the active path runs over a kernel netdev, its carrier is read
 * every FO_CARRIER_POLL_US, as the kernel's own failover tests the carrier
 * on every transmit: the rtnetlink message of a carrier change waits for
 * linkwatch, up to a second for a netdev whose iflink is its ifindex (any
 * physical NIC). A change found is an event like any other.
 */
#define FO_CARRIER_POLL_US 2000

static bool
fo_service_carrier_watched(struct fo_private *priv, struct fo_sub **out)
{
	struct fo_sub *sub;

	if (priv->active == FO_PATH_NONE)
		return false;
	sub = fo_sub_of(priv, priv->active);
	*out = sub;
	return fo_sub_started(sub) && sub->ifname[0] != '\0';
}

static void
fo_service_carrier(void *arg)
{
	struct fo_private *priv = arg;
	struct fo_sub *sub;
	bool up, watched;

	if (fo_service_closing(priv))
		return;
	if (pthread_mutex_trylock(&priv->lock) != 0) {
		rte_eal_alarm_set(FO_CARRIER_POLL_US, fo_service_carrier, priv);
		return;
	}
	watched = fo_service_carrier_watched(priv, &sub);
	if (watched && fo_netlink_carrier(sub->ifname, &up) && up != sub->link_up) {
		fo_event_seen(priv);
		fo_service_link_check_now(priv, sub, false);
	}
	if (!watched)
		priv->carrier_armed = false;
	fo_unlock(priv);
	if (watched)
		rte_eal_alarm_set(FO_CARRIER_POLL_US, fo_service_carrier, priv);
}

/* Called with the lock held, after each service run. */
static void
fo_service_carrier_arm(struct fo_private *priv)
{
	struct fo_sub *sub;

	if (priv->carrier_armed || !fo_service_carrier_watched(priv, &sub))
		return;
	if (rte_eal_alarm_set(FO_CARRIER_POLL_US, fo_service_carrier, priv) == 0)
		priv->carrier_armed = true;
}

/* The earliest time some work is due, for the next timed run. */
static uint64_t
fo_service_next_due(struct fo_private *priv)
{
	uint64_t due = UINT64_MAX;
	struct fo_sub *sub;

	FO_FOREACH_SUB(priv, sub) {
		if (sub->state == FO_SUB_DRAINING)
			due = RTE_MIN(due, fo_now_ns() + FO_SERVICE_DRAIN_US * 1000ull);
		else if (!fo_sub_present(sub) && sub->devargs[0] != '\0' &&
			 !fo_queues_refused(sub))
			due = RTE_MIN(due, sub->retry_at_ns);
	}
	if (priv->discover && !fo_sub_present(fo_sub_of(priv, FO_PATH_PRIMARY)) &&
	    !fo_queues_refused(fo_sub_of(priv, FO_PATH_PRIMARY)))
		due = RTE_MIN(due, priv->next_rescan_ns);
	return due;
}

/* Everything that changes the control state. Called with the lock held. */
void
fo_service_run(struct fo_private *priv)
{
	uint64_t now, due;
	struct fo_sub *sub;

	if (fo_service_closing(priv))
		return;
	priv->run_seen_ns = __atomic_exchange_n(&priv->seen_ns, 0, __ATOMIC_ACQ_REL);
	if (__atomic_exchange_n(&priv->events, 0, __ATOMIC_ACQ_REL) & FO_EV_RESCAN) {
		/* Asked for (API, a netdev or device appearing): no back-off wait. */
		priv->next_rescan_ns = 0;
		priv->rescan_ms = 0;
		FO_FOREACH_SUB(priv, sub)
			if (!fo_sub_present(sub))
				sub->retry_at_ns = 0;
	}
	FO_FOREACH_SUB(priv, sub)
		fo_service_sub_events(priv, sub);
	/* A link the events took down switches now, before the slower work below. */
	if (priv->run_seen_ns != 0)
		fo_switch_evaluate(priv, "link event");
	FO_FOREACH_SUB(priv, sub) {
		if (sub->state == FO_SUB_DRAINING)
			fo_sub_finish_drain(priv, sub);
		fo_sub_teardown_reap(priv, sub, false); /* it posts an event when over */
	}
	fo_discover_refresh(priv);
	now = fo_now_ns();
	FO_FOREACH_SUB(priv, sub) {
		if (sub->devargs[0] == '\0')
			continue;
		if (!fo_sub_present(sub) && fo_sub_attach_due(sub, now) &&
		    !fo_queues_refused(sub))
			fo_sub_attach(priv, sub);
		if (fo_sub_ready(sub) || sub->state == FO_SUB_PROBED)
			fo_sub_bring_up_or_retry(priv, sub);
		if (fo_sub_started(sub) && !fo_sub_recovering(sub))
			fo_sub_link_refresh(priv, sub);
	}
	fo_switch_evaluate(priv, "service");
	priv->run_seen_ns = 0;
	fo_service_carrier_arm(priv);

	due = fo_service_next_due(priv);
	if (due != UINT64_MAX)
		fo_event_request_at(priv, due);
}

/* The handler of every service request (failover_event.c). */
static void
fo_service_handler(struct fo_private *priv)
{
	bool lsc;

	if (fo_service_closing(priv))
		return;
	if (pthread_mutex_trylock(&priv->lock) != 0) {
		fo_event_request_at(priv, fo_now_ns() + FO_SERVICE_RETRY_US * 1000ull);
		return;
	}
	fo_service_run(priv);
	lsc = priv->lsc_pending;
	priv->lsc_pending = false;
	fo_unlock(priv);
	/* The application's callback, on this thread and without our lock. */
	if (lsc)
		rte_eth_dev_callback_process(priv->dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

/* The safety net: a run every poll_ms whatever the events say. */
static void
fo_service_tick(void *arg)
{
	struct fo_private *priv = arg;

	if (fo_service_closing(priv))
		return;
	fo_event_post(priv, NULL, 0);
	rte_eal_alarm_set(priv->args.poll_ms * 1000ull, fo_service_tick, priv);
}

void
fo_service_start(struct fo_private *priv)
{
	priv->service = fo_service_handler;
	if (priv->args.poll_ms > 0)
		rte_eal_alarm_set(priv->args.poll_ms * 1000ull, fo_service_tick, priv);
}

/*
 * Closing: no source may record or request anything any more, and none is
 * running when this returns, so the private data can go. Sources first,
 * alarms last: a source could otherwise arm an alarm after the cancel.
 * Must not be called with the lock held (a running alarm may want it).
 */
void
fo_service_shutdown(struct fo_private *priv)
{
	struct fo_sub *sub;

	__atomic_store_n(&priv->closing, true, __ATOMIC_RELEASE);
	fo_netlink_close(priv);
	fo_uevent_close(priv);
	FO_FOREACH_SUB(priv, sub)
		fo_watch_stop(priv, sub);
	rte_eal_alarm_cancel(fo_service_tick, priv);
	rte_eal_alarm_cancel(fo_service_carrier, priv);
	fo_announce_stop(priv);
	fo_event_cancel(priv);
}
