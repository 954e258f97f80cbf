/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>

#include "failover_private.h"
#include "failover_tc.h"

static const char *
fo_sub_role(const struct fo_sub *sub)
{
	return fo_rules_path_name(sub->path);
}

static struct fo_sub *
fo_sub_by_port(struct fo_private *priv, uint16_t port_id)
{
	struct fo_sub *sub;

	FO_FOREACH_SUB(priv, sub)
		if (sub->present && sub->port_id == port_id)
			return sub;
	return NULL;
}

/* The unowned ethdev port of the device named name, or FO_NO_PORT. */
static uint16_t
fo_sub_find_port(const char *name)
{
	uint16_t port;

	RTE_ETH_FOREACH_DEV_OWNED_BY(port, RTE_ETH_DEV_NO_OWNER) {
		struct rte_eth_dev_info info;

		if (rte_eth_dev_info_get(port, &info) == 0 && info.device != NULL &&
		    strcmp(rte_dev_name(info.device), name) == 0)
			return port;
	}
	return FO_NO_PORT;
}

/*
 * Sub-devices whose port was closed but which stay on their bus: the
 * failover device was removed while its port was open, possibly by EAL's
 * own clean-up, which walks the vdev list and must not see a device of that
 * list freed under it. Such a device is taken off its bus only when a
 * failover port wants it again (rte_dev_probe then finds it probed, with
 * no port).
 */
#define FO_MAX_ORPHANS 16
static char fo_orphans[FO_MAX_ORPHANS][RTE_DEV_NAME_MAX_LEN];
static pthread_mutex_t fo_orphans_lock = PTHREAD_MUTEX_INITIALIZER;

static void
fo_orphan_add(const char *name)
{
	unsigned int i;

	pthread_mutex_lock(&fo_orphans_lock);
	for (i = 0; i < FO_MAX_ORPHANS; i++)
		if (fo_orphans[i][0] == '\0') {
			strlcpy(fo_orphans[i], name, sizeof(fo_orphans[i]));
			break;
		}
	pthread_mutex_unlock(&fo_orphans_lock);
}

/* Whether name was an orphan (it is not any more). */
static bool
fo_orphan_take(const char *name)
{
	bool found = false;
	unsigned int i;

	pthread_mutex_lock(&fo_orphans_lock);
	for (i = 0; i < FO_MAX_ORPHANS && !found; i++)
		if (strcmp(fo_orphans[i], name) == 0) {
			fo_orphans[i][0] = '\0';
			found = true;
		}
	pthread_mutex_unlock(&fo_orphans_lock);
	return found;
}

/*
 * Event callbacks run on the EAL interrupt thread (LSC, RMV) or on the
 * thread removing the device (DESTROY). LSC and RMV never wait for the lock:
 * if the application holds it, the service alarm finishes the work.
 */
static int
fo_sub_event(uint16_t port_id, enum rte_eth_event_type type, void *arg, void *ret_param)
{
	struct fo_private *priv = arg;
	struct fo_sub *sub;

	if (type == RTE_ETH_EVENT_DESTROY) {
		/* The port is being released behind our back: stop using it now. */
		fo_lock(priv);
		sub = fo_sub_by_port(priv, port_id);
		if (sub != NULL) {
			FO_LOG(NOTICE, priv, "%s %s destroyed by someone else", fo_sub_role(sub),
			       sub->name);
			fo_switch_unpublish(priv, sub);
			fo_stats_fold(priv, sub);
			fo_flow_forget_sub(priv, sub);
			sub->present = false;
			sub->configured = false;
			sub->link_up = false;
		}
		fo_unlock(priv);
		return 0;
	}

	if (type == RTE_ETH_EVENT_INTR_RMV) {
		/* Flag first, so that the service alarm detaches it in any case. */
		sub = fo_sub_by_port(priv, port_id);
		if (sub != NULL)
			__atomic_store_n(&sub->gone, true, __ATOMIC_RELEASE);
	}
	if (pthread_mutex_trylock(&priv->lock) == 0) {
		sub = fo_sub_by_port(priv, port_id);
		if (sub != NULL && type == RTE_ETH_EVENT_INTR_LSC)
			fo_sub_link_refresh(priv, sub);
		/* On removal: flip first; quiesce and detach in the alarm. */
		fo_switch_evaluate(priv, type == RTE_ETH_EVENT_INTR_RMV ? "removal" : "link change");
		fo_unlock(priv);
	}
	fo_service_kick(priv);
	return 0;
}

static const enum rte_eth_event_type fo_sub_events[] = {
	RTE_ETH_EVENT_INTR_LSC,
	RTE_ETH_EVENT_INTR_RMV,
	RTE_ETH_EVENT_DESTROY,
};

static void
fo_sub_callbacks(struct fo_private *priv, struct fo_sub *sub, bool on)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(fo_sub_events); i++) {
		if (on)
			rte_eth_dev_callback_register(sub->port_id, fo_sub_events[i], fo_sub_event,
						      priv);
		else
			rte_eth_dev_callback_unregister(sub->port_id, fo_sub_events[i],
							fo_sub_event, priv);
	}
}

/* The "iface=" value of devargs into name; false when there is none. */
static bool
fo_sub_iface_arg(const char *devargs, char *name, size_t len)
{
	const char *p = strstr(devargs, "iface=");
	size_t n;

	if (p == NULL || (p != devargs && p[-1] != ','))
		return false;
	p += strlen("iface=");
	n = strcspn(p, ",");
	if (n >= len)
		n = len - 1;
	memcpy(name, p, n);
	name[n] = '\0';
	return true;
}

static bool
fo_sub_netdev_exists(const char *ifname)
{
	return ifname[0] != '\0' && if_nametoindex(ifname) != 0;
}

/* Is what devargs names here? Unknown kinds are taken as present. */
static bool
fo_sub_exists(const struct fo_sub *sub, const char *devargs, char *why, size_t len)
{
	char path[PATH_MAX];
	char ifname[IF_NAMESIZE] = "";

	if (strcmp(sub->bus, "pci") == 0) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", sub->name);
		if (access(path, F_OK) != 0) {
			snprintf(why, len, "no PCI device %s on this machine", sub->name);
			return false;
		}
	}
	if (strncmp(sub->name, "net_af_packet", strlen("net_af_packet")) == 0) {
		fo_sub_iface_arg(devargs, ifname, sizeof(ifname));
		if (!fo_sub_netdev_exists(ifname)) {
			snprintf(why, len, "netdev %s does not exist", ifname);
			return false;
		}
	}
	if (sub->tc_syn[0] != '\0' && !fo_sub_netdev_exists(sub->tc_syn)) {
		snprintf(why, len, "synthetic netdev %s does not exist", sub->tc_syn);
		return false;
	}
	return true;
}

/* Point "iface=" of the sub-device's devargs (and fallback) at a renamed netdev. */
void
fo_sub_rename_devargs(struct fo_sub *sub, const char *name)
{
	char *args[] = {sub->devargs, sub->fallback};
	unsigned int i;

	for (i = 0; i < RTE_DIM(args); i++) {
		char *p = strstr(args[i], "iface=");
		char rest[FO_DEVARGS_MAX];

		if (p == NULL || (p != args[i] && p[-1] != ','))
			continue;
		p += strlen("iface=");
		strlcpy(rest, p + strcspn(p, ","), sizeof(rest));
		snprintf(p, FO_DEVARGS_MAX - (p - args[i]), "%s%s", name, rest);
	}
}

/*
 * Probe one way of opening the sub-device (EAL hot-plug) and take ownership
 * of its port. Failures are logged at level, once per absence.
 */
static int
fo_sub_attach_one(struct fo_private *priv, struct fo_sub *sub, const char *devargs,
		  uint32_t level)
{
	struct rte_devargs da;
	struct rte_eth_dev_info info;
	char why[128];
	bool log = sub->probe_failures == 0;
	uint16_t port;
	int ret;

	memset(&da, 0, sizeof(da));
	ret = rte_devargs_parse(&da, devargs);
	if (ret < 0) {
		if (log)
			rte_log(level, fo_logtype,
				"net_failover %s: %s sub-device \"%s\": no bus or driver knows this device\n",
				priv->name, fo_sub_role(sub), devargs);
		return ret;
	}
	strlcpy(sub->name, da.name, sizeof(sub->name));
	strlcpy(sub->bus, rte_bus_name(da.bus), sizeof(sub->bus));
	rte_devargs_reset(&da);

	/*
	 * Probing what is not there costs a PCI bus scan, and a failed vdev
	 * probe leaves the device in EAL's list: look first.
	 */
	if (!fo_sub_exists(sub, devargs, why, sizeof(why))) {
		if (log)
			rte_log(level, fo_logtype, "net_failover %s: %s sub-device \"%s\": %s\n",
				priv->name, fo_sub_role(sub), devargs, why);
		return -ENODEV;
	}

	fo_netdev_prepare(priv, sub, devargs);
	ret = rte_dev_probe(devargs);
	if ((ret == 0 || ret == -EEXIST) && fo_sub_find_port(sub->name) == FO_NO_PORT &&
	    fo_orphan_take(sub->name)) {
		FO_LOG(INFO, priv, "%s sub-device %s: left on its bus by a removed failover port; probing it again",
		       fo_sub_role(sub), sub->name);
		rte_eal_hotplug_remove(sub->bus, sub->name);
		ret = rte_dev_probe(devargs);
	}
	if (ret < 0 && ret != -EEXIST) {
		if (log)
			rte_log(level, fo_logtype,
				"net_failover %s: %s sub-device \"%s\" did not probe: %s\n",
				priv->name, fo_sub_role(sub), devargs, rte_strerror(-ret));
		return ret;
	}
	port = fo_sub_find_port(sub->name);
	if (port == FO_NO_PORT) {
		FO_LOG(ERR, priv, "%s sub-device %s has no free ethdev port (not a NIC, or owned)",
		       fo_sub_role(sub), sub->name);
		if (ret != -EEXIST)
			rte_eal_hotplug_remove(sub->bus, sub->name);
		return -ENODEV;
	}
	ret = rte_eth_dev_owner_set(port, &priv->owner);
	if (ret < 0) {
		FO_LOG(ERR, priv, "%s sub-device: cannot own port %u: %s", fo_sub_role(sub), port,
		       rte_strerror(-ret));
		return ret;
	}
	/* Through the TAP the link that matters is the synthetic netdev's. */
	sub->via_tap = sub->tc_syn[0] != '\0' && devargs == sub->devargs;
	if (sub->tc_syn[0] != '\0')
		strlcpy(sub->ifname, sub->tc_syn, sizeof(sub->ifname));
	else /* else keep what discovery said (a PCI VF's netdev) */
		fo_sub_iface_arg(devargs, sub->ifname, sizeof(sub->ifname));
	fo_netlink_query(priv, sub);
	sub->port_id = port;
	sub->present = true;
	sub->configured = false;
	sub->started = false;
	sub->link_up = false;
	sub->probe_failures = 0;
	__atomic_store_n(&sub->gone, false, __ATOMIC_RELEASE);
	sub->attach_count++;
	rte_eth_dev_info_get(port, &info);
	fo_sub_callbacks(priv, sub, true);
	fo_stats_resync(priv, sub);
	FO_LOG(INFO, priv, "%s %s attached as port %u (driver %s)", fo_sub_role(sub), sub->name,
	       port, info.driver_name);
	return 0;
}

/* Open the sub-device as planned, else through its kernel netdev. */
int
fo_sub_attach(struct fo_private *priv, struct fo_sub *sub)
{
	bool has_fallback = sub->fallback[0] != '\0';
	int ret;

	if (sub->devargs[0] == '\0')
		return -ENODEV;
	ret = fo_sub_attach_one(priv, sub, sub->devargs,
				has_fallback ? RTE_LOG_INFO : RTE_LOG_ERR);
	if (ret < 0 && has_fallback) {
		if (sub->probe_failures == 0)
			FO_LOG(INFO, priv, "%s: falling back to its kernel netdev: %s",
			       fo_sub_role(sub), sub->fallback);
		ret = fo_sub_attach_one(priv, sub, sub->fallback, RTE_LOG_ERR);
	}
	if (ret < 0)
		sub->probe_failures++;
	return ret;
}

/*
 * Redirect the kernel-held synthetic netdev to the TAP and back. Rules of
 * a killed process are found and replaced by the module.
 */
static void
fo_sub_tc_install(struct fo_private *priv, struct fo_sub *sub)
{
	char err[FO_ERR_MAX];

	fo_netdev_guard_tc(priv, sub, true);
	if (fo_tc_redirect_install(sub->tc_syn, sub->tc_tap, err, sizeof(err)) < 0) {
		FO_LOG(ERR, priv, "standby: TAP exception path %s <-> %s: %s", sub->tc_syn,
		       sub->tc_tap, err);
		fo_netdev_guard_tc(priv, sub, false);
		return;
	}
	sub->tc_installed = true;
	FO_LOG(INFO, priv, "standby: kernel netdev %s redirected to TAP %s and back", sub->tc_syn,
	       sub->tc_tap);
}

static void
fo_sub_tc_remove(struct fo_private *priv, struct fo_sub *sub)
{
	char err[FO_ERR_MAX];

	if (!sub->tc_installed)
		return;
	if (fo_tc_redirect_remove(sub->tc_syn, sub->tc_tap, err, sizeof(err)) < 0)
		FO_LOG(WARNING, priv, "standby: removing tc redirect %s <-> %s: %s", sub->tc_syn,
		       sub->tc_tap, err);
	fo_netdev_guard_tc(priv, sub, false);
	sub->tc_installed = false;
}

/* Stop a started sub-device (the port stops, or it leaves). */
void
fo_sub_stop(struct fo_private *priv, struct fo_sub *sub)
{
	fo_sub_tc_remove(priv, sub);
	if (sub->present && sub->started)
		rte_eth_dev_stop(sub->port_id);
	sub->started = false;
}

/*
 * Make before break: configure, replay, start and read back a sub-device;
 * the switch rules consider it only once it is started.
 */
int
fo_sub_bring_up(struct fo_private *priv, struct fo_sub *sub)
{
	int ret;

	if (!sub->present || sub->gone || !priv->dev->data->dev_configured)
		return 0;
	if (!sub->configured) {
		ret = fo_replay_configure(priv, sub);
		if (ret < 0)
			return ret;
		fo_replay_settings(priv, sub);
		sub->configured = true;
	}
	if (priv->started && !sub->started) {
		ret = rte_eth_dev_start(sub->port_id);
		if (ret < 0) {
			/* Take it out: it is probed and brought up again, not retried as is. */
			FO_LOG(ERR, priv, "%s %s: start failed: %s", fo_sub_role(sub), sub->name,
			       rte_strerror(-ret));
			__atomic_store_n(&sub->gone, true, __ATOMIC_RELEASE);
			return ret;
		}
		fo_replay_queue_states(priv, sub);
		fo_flow_replay(priv, sub);
		fo_replay_check(priv, sub);
		if (sub->via_tap)
			fo_sub_tc_install(priv, sub);
		sub->started = true;
		fo_netlink_query(priv, sub); /* starting may have raised its carrier */
		fo_sub_link_refresh(priv, sub);
		FO_LOG(INFO, priv, "%s %s started, link %s", fo_sub_role(sub), sub->name,
		       sub->link_up ? "up" : "down");
	}
	return 0;
}

void
fo_sub_link_refresh(struct fo_private *priv, struct fo_sub *sub)
{
	struct rte_eth_link link;
	bool up;

	if (!sub->present || sub->gone)
		return;
	/* A kernel netdev's carrier counts too: AF_PACKET reports link up always. */
	up = rte_eth_link_get_nowait(sub->port_id, &link) == 0 &&
	     link.link_status == RTE_ETH_LINK_UP && (!sub->nl_known || sub->nl_up);
	if (up != sub->link_up)
		FO_LOG(INFO, priv, "%s %s link %s", fo_sub_role(sub), sub->name,
		       up ? "up" : "down");
	sub->link_up = up;
}

/* On loss: flip first, then quiesce, then stop, close and detach. */
void
fo_sub_detach(struct fo_private *priv, struct fo_sub *sub, const char *why)
{
	uint16_t port = sub->port_id;

	if (!sub->present) {
		fo_netdev_restore(priv, sub); /* brought up for an attach that failed */
		return;
	}
	FO_LOG(INFO, priv, "%s %s detaching (%s)", fo_sub_role(sub), sub->name, why);
	fo_switch_unpublish(priv, sub);
	fo_stats_fold(priv, sub);
	fo_sub_callbacks(priv, sub, false);
	fo_flow_forget_sub(priv, sub);
	fo_sub_tc_remove(priv, sub);
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	if (priv->keep_sub_devices)
		fo_orphan_add(sub->name);
	else if (rte_eal_hotplug_remove(sub->bus, sub->name) < 0)
		FO_LOG(WARNING, priv, "%s %s: device removal failed", fo_sub_role(sub), sub->name);
	fo_netdev_restore(priv, sub);
	sub->present = false;
	sub->configured = false;
	sub->link_up = false;
	__atomic_store_n(&sub->gone, false, __ATOMIC_RELEASE);
}

void
fo_sub_process_removals(struct fo_private *priv)
{
	struct fo_sub *sub;

	FO_FOREACH_SUB(priv, sub)
		if (sub->present && __atomic_load_n(&sub->gone, __ATOMIC_ACQUIRE)) {
			FO_LOG(NOTICE, priv, "%s %s removed (RMV event)", fo_sub_role(sub),
			       sub->name);
			fo_sub_detach(priv, sub, "removal event");
		}
}
