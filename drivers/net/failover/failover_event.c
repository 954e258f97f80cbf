/* SPDX-License-Identifier: BSD-3-Clause */

#include <rte_alarm.h>
#include <rte_interrupts.h>

#include "failover_private.h"

/*
 * What event sources do: record what happened as event bits and request a
 * service run. Requests coalesce into one EAL alarm, which calls the
 * service routine on the interrupt thread; work due later is one timed
 * alarm per port, moved only to an earlier deadline. The bottom of the
 * control path: it knows the service routine only as priv->service, so
 * that every file may post an event and none calls back up into the file
 * that posts.
 */

static bool
fo_event_closing(struct fo_private *priv)
{
	return __atomic_load_n(&priv->closing, __ATOMIC_ACQUIRE);
}

static void
fo_event_alarm(void *arg)
{
	struct fo_private *priv = arg;

	__atomic_store_n(&priv->service_armed, false, __ATOMIC_RELEASE);
	if (!fo_event_closing(priv) && priv->service != NULL)
		priv->service(priv);
}

void
fo_event_request(struct fo_private *priv)
{
	if (fo_event_closing(priv) ||
	    __atomic_exchange_n(&priv->service_armed, true, __ATOMIC_ACQ_REL))
		return;
	if (rte_eal_alarm_set(1, fo_event_alarm, priv) != 0)
		__atomic_store_n(&priv->service_armed, false, __ATOMIC_RELEASE);
}

static void
fo_event_timed(void *arg)
{
	struct fo_private *priv = arg;

	priv->timed_due_ns = 0; /* the run may arm the next */
	if (!fo_event_closing(priv) && priv->service != NULL)
		priv->service(priv);
}

/*
 * A run at due_ns (CLOCK_MONOTONIC) or before. Only the interrupt thread
 * arms the timed alarm and keeps its deadline: there, a cancel never waits
 * for a running alarm, as it would on another thread, so no lock is needed
 * around cancel and set. Another thread (the rescan API) asks for a run
 * now instead, and that run arms what is due.
 */
void
fo_event_request_at(struct fo_private *priv, uint64_t due_ns)
{
	uint64_t now = fo_now_ns();

	if (fo_event_closing(priv))
		return;
	if (!rte_thread_is_intr()) {
		fo_event_request(priv);
		return;
	}
	due_ns = RTE_MAX(due_ns, now); /* never 0, which means none armed */
	if (priv->timed_due_ns != 0) {
		if (priv->timed_due_ns <= due_ns)
			return;
		rte_eal_alarm_cancel(fo_event_timed, priv);
		priv->timed_due_ns = 0;
	}
	if (rte_eal_alarm_set((due_ns - now) / 1000 + 1, fo_event_timed, priv) == 0)
		priv->timed_due_ns = due_ns;
}

void
fo_event_post(struct fo_private *priv, struct fo_sub *sub, uint32_t events)
{
	if (sub != NULL)
		__atomic_fetch_or(&sub->events, events, __ATOMIC_RELEASE);
	else
		__atomic_fetch_or(&priv->events, events, __ATOMIC_RELEASE);
	fo_event_request(priv);
}

/*
 * An event source saw a change of state: the time, for the switch it may
 * cause to report how long the driver took (the first since the last
 * service run counts).
 */
void
fo_event_seen(struct fo_private *priv)
{
	uint64_t zero = 0;

	__atomic_compare_exchange_n(&priv->seen_ns, &zero, fo_now_ns(), false, __ATOMIC_RELEASE,
				    __ATOMIC_RELAXED);
}

/* Closing: no request is pending or running when this returns. */
void
fo_event_cancel(struct fo_private *priv)
{
	rte_eal_alarm_cancel(fo_event_alarm, priv);
	rte_eal_alarm_cancel(fo_event_timed, priv);
}
