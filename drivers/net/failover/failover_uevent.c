/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_dev.h>

#include "failover_private.h"

/*
 * EAL device events (kernel uevents) for PCI hot-plug, on the EAL interrupt
 * thread: a VF added while the pair has none is looked for at once; a
 * sub-device removed is taken off the data path at once and its bursts
 * waited for, since the application's own handler may remove the device
 * right after; the service routine detaches it.
 */
static void
fo_uevent(const char *device_name, enum rte_dev_event_type type, void *arg)
{
	struct fo_private *priv = arg;
	struct fo_sub *sub;

	if (device_name == NULL || __atomic_load_n(&priv->closing, __ATOMIC_ACQUIRE))
		return;
	if (type == RTE_DEV_EVENT_ADD) {
		if (priv->discover && !fo_sub_present(fo_sub_of(priv, FO_PATH_PRIMARY))) {
			FO_LOG(INFO, priv, "device %s added: looking for the VF", device_name);
			fo_event_post(priv, NULL, FO_EV_RESCAN);
		}
		return;
	}
	if (type != RTE_DEV_EVENT_REMOVE)
		return;
	FO_FOREACH_SUB(priv, sub) {
		if (!fo_sub_present(sub) || strcmp(sub->name, device_name) != 0)
			continue;
		FO_LOG(NOTICE, priv, "%s %s removed (device event)", fo_rules_path_name(sub->path),
		       device_name);
		fo_switch_ban(priv, sub, "device removed");
		fo_event_post(priv, sub, FO_EV_GONE);
	}
}

/*
 * A PCI device that DPDK drives (vfio-pci, uio) can be hot-unplugged while
 * its BARs are mapped here. With EAL's hot-unplug handling, a uio device's
 * BARs are mapped again as anonymous memory at its removal event, or at the
 * first access that faults (SIGBUS), so that neither a burst nor the stop
 * and close that follow kill the process, and a device plugged back at the
 * same address is not written through the old mapping. Process-wide, and
 * never turned off: the application may rely on it too (testpmd --hot-plug).
 */
static void
fo_uevent_hotplug_handle(struct fo_private *priv)
{
	static bool enabled;
	struct fo_sub *sub;
	bool pci = priv->discover;

	FO_FOREACH_SUB(priv, sub)
		pci = pci || strcmp(sub->bus, "pci") == 0;
	if (!pci || __atomic_load_n(&enabled, __ATOMIC_ACQUIRE))
		return;
	if (rte_dev_hotplug_handle_enable() != 0) {
		FO_LOG(WARNING, priv,
		       "EAL hot-unplug handling not enabled: a DPDK-bound VF removed may kill the process (SIGBUS)");
		return;
	}
	__atomic_store_n(&enabled, true, __ATOMIC_RELEASE);
	FO_LOG(INFO, priv, "EAL hot-unplug handling enabled: the BARs of a removed PCI device are remapped");
}

void
fo_uevent_open(struct fo_private *priv)
{
	fo_uevent_hotplug_handle(priv);
	if (rte_dev_event_callback_register(NULL, fo_uevent, priv) != 0) {
		FO_LOG(WARNING, priv, "no EAL device events: PCI hot-plug seen by rescans only");
		return;
	}
	if (rte_dev_event_monitor_start() != 0) {
		FO_LOG(WARNING, priv, "no uevent monitor: PCI hot-plug seen by rescans only");
		rte_dev_event_callback_unregister(NULL, fo_uevent, priv);
		return;
	}
	priv->uevents = true;
}

void
fo_uevent_close(struct fo_private *priv)
{
	if (!priv->uevents)
		return;
	/* -EAGAIN while the callback runs: it takes no lock, so it ends soon. */
	while (rte_dev_event_callback_unregister(NULL, fo_uevent, priv) == -EAGAIN)
		rte_delay_us_sleep(100);
	rte_dev_event_monitor_stop();
	priv->uevents = false;
}
