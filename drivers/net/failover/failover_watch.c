/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>

#include <rte_cycles.h>

#include "failover_private.h"

/*
 * Sub-device events run on the EAL interrupt thread (LSC, RMV, reset and
 * recovery) or on the thread releasing the port (DESTROY). They record and request; removal
 * flips at once and waits for the bursts to leave, since whoever removes
 * the device may free its queues right after (AF_PACKET unmaps its rings
 * in dev_close, before DESTROY is raised).
 */
static void fo_watch_unregister_all(uint16_t port, struct fo_sub *sub, bool destroy);

static int
fo_watch_event(uint16_t port_id, enum rte_eth_event_type type, void *arg, void *ret_param)
{
	struct fo_sub *sub = arg;
	struct fo_private *priv = sub->priv;

	RTE_SET_USED(ret_param);
	if (__atomic_load_n(&priv->closing, __ATOMIC_ACQUIRE) || sub->cb_port != port_id)
		return 0;
	switch (type) {
	case RTE_ETH_EVENT_INTR_LSC:
		fo_event_seen(priv);
		fo_event_post(priv, sub, FO_EV_LINK);
		break;
	case RTE_ETH_EVENT_INTR_RMV:
		fo_switch_ban(priv, sub, "removal event");
		fo_event_post(priv, sub, FO_EV_GONE);
		break;
	case RTE_ETH_EVENT_INTR_RESET:
		/* A PF reset under a VF: the service resets it in place. */
		fo_event_seen(priv);
		fo_switch_ban(priv, sub, "reset event");
		fo_event_post(priv, sub, FO_EV_RESET);
		break;
	case RTE_ETH_EVENT_ERR_RECOVERING:
		/* Its PMD recovers by itself; until it says how, nothing enters it. */
		fo_event_seen(priv);
		__atomic_store_n(&sub->recovering, true, __ATOMIC_RELEASE);
		fo_switch_ban(priv, sub, "error recovery");
		fo_event_request(priv);
		break;
	case RTE_ETH_EVENT_RECOVERY_SUCCESS:
		fo_event_post(priv, sub, FO_EV_RECOVERED);
		break;
	case RTE_ETH_EVENT_RECOVERY_FAILED:
		fo_event_seen(priv);
		fo_switch_ban(priv, sub, "recovery failed");
		fo_event_post(priv, sub, FO_EV_GONE);
		break;
	case RTE_ETH_EVENT_DESTROY:
		FO_LOG(NOTICE, priv, "%s %s destroyed by someone else",
		       fo_rules_path_name(sub->path), sub->name);
		fo_switch_ban(priv, sub, "port destroyed");
		/* The port id stops being valid on return: its other callbacks go now. */
		fo_watch_unregister_all(port_id, sub, false);
		fo_event_post(priv, sub, FO_EV_DESTROYED);
		break;
	default:
		break;
	}
	return 0;
}

static const enum rte_eth_event_type fo_watch_events_watched[] = {
	RTE_ETH_EVENT_INTR_LSC,		RTE_ETH_EVENT_INTR_RMV,
	RTE_ETH_EVENT_INTR_RESET,	RTE_ETH_EVENT_ERR_RECOVERING,
	RTE_ETH_EVENT_RECOVERY_SUCCESS, RTE_ETH_EVENT_RECOVERY_FAILED,
	RTE_ETH_EVENT_DESTROY, /* last: fo_watch_unregister_all */
};

void
fo_watch_start(struct fo_private *priv, struct fo_sub *sub)
{
	unsigned int i;

	RTE_SET_USED(priv);
	sub->cb_port = sub->port_id;
	for (i = 0; i < RTE_DIM(fo_watch_events_watched); i++)
		rte_eth_dev_callback_register(sub->cb_port, fo_watch_events_watched[i],
					      fo_watch_event, sub);
}

static void
fo_watch_unregister(uint16_t port, enum rte_eth_event_type event, struct fo_sub *sub)
{
	while (rte_eth_dev_callback_unregister(port, event, fo_watch_event, sub) == -EAGAIN)
		rte_delay_us_sleep(100);
}

/* Every callback of sub on port; DESTROY's too when destroy (not from inside it). */
static void
fo_watch_unregister_all(uint16_t port, struct fo_sub *sub, bool destroy)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(fo_watch_events_watched); i++)
		if (destroy || fo_watch_events_watched[i] != RTE_ETH_EVENT_DESTROY)
			fo_watch_unregister(port, fo_watch_events_watched[i], sub);
}

/*
 * -EAGAIN: the callback is running on another thread; it never waits for
 * the control lock, so it ends soon. Only a valid port reports it (for
 * RTE_ETH_ALL ethdev returns the last port's result), so the port's own
 * first; then every port id: a port released by someone else is no longer
 * valid, but ethdev keeps its callbacks for the next device to get that id.
 */
void
fo_watch_stop(struct fo_private *priv, struct fo_sub *sub)
{
	RTE_SET_USED(priv);
	if (sub->cb_port == FO_NO_PORT)
		return;
	if (rte_eth_dev_is_valid_port(sub->cb_port))
		fo_watch_unregister_all(sub->cb_port, sub, true);
	fo_watch_unregister_all(RTE_ETH_ALL, sub, true);
	sub->cb_port = FO_NO_PORT;
}
