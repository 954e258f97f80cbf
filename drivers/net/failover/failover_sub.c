/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>

#include "failover_private.h"
#include "failover_tc.h"

/* An absent sub-device is tried again after 100 ms, then twice as late each time. */
#define FO_RETRY_FIRST_MS 100u
#define FO_RETRY_MAX_MS 4000u

static const char *
fo_sub_role(const struct fo_sub *sub)
{
	return fo_rules_path_name(sub->path);
}

uint64_t
fo_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *
fo_sub_state_name(enum fo_sub_state state)
{
	static const char *const names[] = {
		[FO_SUB_ABSENT] = "absent",
		[FO_SUB_PROBED] = "probed",
		[FO_SUB_CONFIGURED] = "configured",
		[FO_SUB_STARTED] = "started",
		[FO_SUB_DRAINING] = "draining",
	};

	return (unsigned int)state < RTE_DIM(names) ? names[state] : "?";
}

void
fo_sub_set_state(struct fo_private *priv, struct fo_sub *sub, enum fo_sub_state state)
{
	if (sub->state == state)
		return;
	FO_LOG(INFO, priv, "%s %s: %s -> %s", fo_sub_role(sub),
	       sub->name[0] != '\0' ? sub->name : "(none)", fo_sub_state_name(sub->state),
	       fo_sub_state_name(state));
	sub->state = state;
	if (state == FO_SUB_ABSENT || state == FO_SUB_DRAINING)
		fo_queues_limits_update(priv);
}

bool
fo_sub_attach_due(struct fo_sub *sub, uint64_t now)
{
	return now >= sub->retry_at_ns;
}

/* Exponential back-off, capped, never giving up. */
static void
fo_sub_backoff(struct fo_sub *sub)
{
	sub->retry_ms = sub->retry_ms == 0 ? FO_RETRY_FIRST_MS
					   : RTE_MIN(sub->retry_ms * 2, FO_RETRY_MAX_MS);
	sub->retry_at_ns = fo_now_ns() + sub->retry_ms * 1000000ull;
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

/* Whether the device named name has an ethdev port, owned or not. */
static bool
fo_sub_has_port(const char *name)
{
	uint16_t port;

	for (port = rte_eth_find_next(0); port < RTE_MAX_ETHPORTS;
	     port = rte_eth_find_next(port + 1)) {
		const struct rte_device *device = rte_eth_devices[port].device;

		if (device != NULL && strcmp(rte_dev_name(device), name) == 0)
			return true;
	}
	return false;
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

/* False when the list is full: the device is not remembered. */
static bool
fo_orphan_add(const char *name)
{
	unsigned int i, free_slot = FO_MAX_ORPHANS;

	pthread_mutex_lock(&fo_orphans_lock);
	for (i = 0; i < FO_MAX_ORPHANS; i++) {
		if (strcmp(fo_orphans[i], name) == 0)
			break; /* remembered already */
		if (fo_orphans[i][0] == '\0' && free_slot == FO_MAX_ORPHANS)
			free_slot = i;
	}
	if (i == FO_MAX_ORPHANS && free_slot < FO_MAX_ORPHANS)
		strlcpy(fo_orphans[free_slot], name, sizeof(fo_orphans[free_slot]));
	pthread_mutex_unlock(&fo_orphans_lock);
	return i < FO_MAX_ORPHANS || free_slot < FO_MAX_ORPHANS;
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
	if (strncmp(sub->name, "net_af_packet", strlen("net_af_packet")) == 0 ||
	    fo_xdp_path_devargs(sub->name)) {
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
static void
fo_sub_rename_devargs(struct fo_sub *sub, const char *from, const char *name)
{
	char *args[] = {sub->devargs, sub->fallback};
	unsigned int i;

	for (i = 0; i < RTE_DIM(args); i++) {
		char *p = strstr(args[i], "iface=");
		char rest[FO_DEVARGS_MAX];
		size_t n;

		if (p == NULL || (p != args[i] && p[-1] != ','))
			continue;
		p += strlen("iface=");
		n = strcspn(p, ",");
		/* The TAP fallback of the AF_XDP path names its own netdev. */
		if (n != strlen(from) || strncmp(p, from, n) != 0)
			continue;
		strlcpy(rest, p + n, sizeof(rest));
		snprintf(p, FO_DEVARGS_MAX - (p - args[i]), "%s%s", name, rest);
	}
}

/*
 * The netdev behind a sub-device got another name. Through the TAP, the tc
 * rules follow the ifindex: only the name to use later changes. A PMD that
 * sits on the netdev itself (AF_PACKET) keeps the old name for its ioctls:
 * the caller takes it out, and it is opened again under the new name.
 */
void
fo_sub_rename(struct fo_private *priv, struct fo_sub *sub, const char *name)
{
	if (name[0] == '\0' || strcmp(sub->ifname, name) == 0)
		return;
	FO_LOG(INFO, priv, "%s netdev %s renamed %s", fo_sub_role(sub), sub->ifname, name);
	if (sub->tc_syn[0] != '\0' && strcmp(sub->tc_syn, sub->ifname) == 0)
		strlcpy(sub->tc_syn, name, sizeof(sub->tc_syn));
	fo_sub_rename_devargs(sub, sub->ifname, name);
	strlcpy(sub->ifname, name, sizeof(sub->ifname));
}

/* No teardown of a removed device of this name runs (failover_teardown.c). */
static bool
fo_sub_torn_down(const struct fo_sub *sub)
{
	return !sub->teardown.running || strcmp(sub->teardown.name, sub->name) != 0 ||
	       strcmp(sub->teardown.bus, sub->bus) != 0;
}

/*
 * A port that is not for this sub-device: a VF candidate without the
 * pair's MAC (another NIC's VF), or a port that was there before and that
 * the application has configured (its own). Neither is touched.
 */
static bool
fo_sub_not_ours(struct fo_private *priv, struct fo_sub *sub, uint16_t port, bool existed)
{
	struct rte_ether_addr mac;

	if (existed && rte_eth_devices[port].data->dev_configured) {
		snprintf(sub->why, sizeof(sub->why), "%s is port %u, configured by the application",
			 sub->name, port);
		FO_LOG(INFO, priv, "%s: %s: not taken", fo_sub_role(sub), sub->why);
		return true;
	}
	if (!sub->want_mac)
		return false;
	if (rte_eth_macaddr_get(port, &mac) == 0 &&
	    memcmp(mac.addr_bytes, sub->mac, RTE_ETHER_ADDR_LEN) == 0)
		return false;
	snprintf(sub->why, sizeof(sub->why), "%s has another MAC than the pair's", sub->name);
	FO_LOG(DEBUG, priv, "%s: %s: not taken", fo_sub_role(sub), sub->why);
	return true;
}

/*
 * Probe one way of opening the sub-device (EAL hot-plug) and take ownership
 * of its port. Failures are logged at level, once per absence.
 */
static int
fo_sub_attach_one(struct fo_private *priv, struct fo_sub *sub, const char *planned,
		  uint32_t level)
{
	struct rte_devargs da;
	struct rte_eth_dev_info info;
	char devargs[FO_DEVARGS_MAX];
	char why[128];
	bool log = sub->probe_failures == 0;
	bool existed;
	uint16_t port;
	int ret;

	/* A netdev the driver opens itself gets the queue pairs the port needs. */
	fo_queues_devargs(priv, sub, planned, devargs, sizeof(devargs));
	if (strlen(devargs) >= FO_HOTPLUG_DEVARGS_MAX) {
		snprintf(sub->why, sizeof(sub->why),
			 "devargs \"%.64s...\" are %zu bytes, DPDK's hot-plug takes at most %d", devargs,
			 strlen(devargs), FO_HOTPLUG_DEVARGS_MAX - 1);
		if (log)
			rte_log(level, fo_logtype,
				"net_failover %s: %s sub-device: %s: use a shorter port or device name\n",
				priv->name, fo_sub_role(sub), sub->why);
		return -E2BIG;
	}
	memset(&da, 0, sizeof(da));
	ret = rte_devargs_parse(&da, devargs);
	if (ret < 0 && strcspn(devargs, ",") >= RTE_DEV_NAME_MAX_LEN) {
		/* A name the driver derives from a long port name, or the user's. */
		snprintf(sub->why, sizeof(sub->why),
			 "device name of %zu characters, DPDK takes at most %d",
			 strcspn(devargs, ","), RTE_DEV_NAME_MAX_LEN - 1);
		if (log)
			rte_log(level, fo_logtype,
				"net_failover %s: %s sub-device \"%.64s...\": %s: use a shorter port or device name\n",
				priv->name, fo_sub_role(sub), planned, sub->why);
		return ret;
	}
	if (ret < 0) {
		snprintf(sub->why, sizeof(sub->why), "no bus or driver knows %s", planned);
		if (log)
			rte_log(level, fo_logtype,
				"net_failover %s: %s sub-device \"%s\": no bus or driver knows this device\n",
				priv->name, fo_sub_role(sub), planned);
		return ret;
	}
	strlcpy(sub->name, da.name, sizeof(sub->name));
	strlcpy(sub->bus, rte_bus_name(da.bus), sizeof(sub->bus));
	rte_devargs_reset(&da);

	if (!fo_sub_torn_down(sub)) {
		snprintf(sub->why, sizeof(sub->why),
			 "%s: the device removed at that address is still being torn down",
			 sub->name);
		if (log)
			rte_log(RTE_LOG_INFO, fo_logtype, "net_failover %s: %s sub-device: %s\n",
				priv->name, fo_sub_role(sub), sub->why);
		return -EBUSY;
	}

	/*
	 * Probing what is not there costs a PCI bus scan, and a failed vdev
	 * probe leaves the device in EAL's list: look first.
	 */
	if (!fo_sub_exists(sub, devargs, why, sizeof(why))) {
		strlcpy(sub->why, why, sizeof(sub->why));
		if (log)
			rte_log(level, fo_logtype, "net_failover %s: %s sub-device \"%s\": %s\n",
				priv->name, fo_sub_role(sub), planned, why);
		return -ENODEV;
	}

	fo_netdev_prepare(priv, sub, planned);
	sub->via_xdp = sub->tc_syn[0] != '\0' && fo_xdp_path_devargs(planned);
	if (sub->via_xdp) {
		ret = fo_xdp_path_prepare(priv, sub, sub->tc_syn, sub->why, sizeof(sub->why));
		if (ret < 0) {
			sub->via_xdp = false;
			if (log)
				rte_log(level, fo_logtype, "net_failover %s: %s sub-device \"%s\": %s\n",
					priv->name, fo_sub_role(sub), planned, sub->why);
			return ret;
		}
	}
	/* rte_dev_probe() may say 0 for a device probed before (22.11): asked first. */
	existed = fo_sub_has_port(sub->name);
	fo_hotplug_lock();
	ret = rte_dev_probe(devargs);
	if ((ret == 0 || ret == -EEXIST) && fo_sub_find_port(sub->name) == FO_NO_PORT &&
	    fo_orphan_take(sub->name)) {
		FO_LOG(INFO, priv, "%s sub-device %s: left on its bus by a removed failover port; probing it again",
		       fo_sub_role(sub), sub->name);
		rte_eal_hotplug_remove(sub->bus, sub->name);
		ret = rte_dev_probe(devargs);
	}
	fo_hotplug_unlock();
	if (ret < 0 && ret != -EEXIST) {
		snprintf(sub->why, sizeof(sub->why), "%s did not probe: %s", sub->name,
			 rte_strerror(-ret));
		if (log)
			rte_log(level, fo_logtype,
				"net_failover %s: %s sub-device \"%s\" did not probe: %s\n",
				priv->name, fo_sub_role(sub), planned, rte_strerror(-ret));
		fo_xdp_path_release(priv, sub);
		sub->via_xdp = false;
		return ret;
	}
	existed = existed || ret == -EEXIST;
	port = fo_sub_find_port(sub->name);
	if (port == FO_NO_PORT) {
		snprintf(sub->why, sizeof(sub->why), "%s has no free ethdev port (not a NIC, or owned)",
			 sub->name);
		if (log) /* a VF candidate owned by another port: every rescan */
			rte_log(level, fo_logtype, "net_failover %s: %s sub-device %s\n", priv->name,
				fo_sub_role(sub), sub->why);
		if (!existed) { /* probed here: it goes again; another's is left alone */
			fo_hotplug_lock();
			rte_eal_hotplug_remove(sub->bus, sub->name);
			fo_hotplug_unlock();
		}
		fo_xdp_path_release(priv, sub);
		return -ENODEV;
	}
	if (fo_sub_not_ours(priv, sub, port, existed)) {
		if (!existed) { /* probed here: it goes again */
			fo_hotplug_lock();
			rte_eal_hotplug_remove(sub->bus, sub->name);
			fo_hotplug_unlock();
		}
		fo_xdp_path_release(priv, sub);
		return -ENODEV;
	}
	ret = rte_eth_dev_owner_set(port, &priv->owner);
	if (ret < 0) {
		FO_LOG(ERR, priv, "%s sub-device: cannot own port %u: %s", fo_sub_role(sub), port,
		       rte_strerror(-ret));
		fo_xdp_path_release(priv, sub);
		return ret;
	}
	/* Through the TAP the link that matters is the synthetic netdev's. */
	sub->via_tap = sub->tc_syn[0] != '\0' && strncmp(planned, "net_tap", strlen("net_tap")) == 0;
	sub->sized = priv->discover &&
		     (sub->via_tap || sub->via_xdp ||
		      strncmp(devargs, "net_af_packet", strlen("net_af_packet")) == 0);
	if (sub->tc_syn[0] != '\0')
		strlcpy(sub->ifname, sub->tc_syn, sizeof(sub->ifname));
	else /* else keep what discovery said (a PCI VF's netdev) */
		fo_sub_iface_arg(devargs, sub->ifname, sizeof(sub->ifname));
	fo_netlink_query(priv, sub);
	if (rte_eth_dev_info_get(port, &info) != 0)
		info.driver_name = "unknown";
	pthread_mutex_lock(&priv->stats_lock);
	sub->port_id = port;
	fo_stats_resync(priv, sub);
	pthread_mutex_unlock(&priv->stats_lock);
	fo_queues_learn(priv, sub);
	sub->link_up = false;
	sub->probe_failures = 0;
	sub->retry_ms = 0;
	__atomic_fetch_and(&sub->events,
			   ~(uint32_t)(FO_EV_GONE | FO_EV_DESTROYED | FO_EV_RESET | FO_EV_RECOVERED),
			   __ATOMIC_RELEASE);
	__atomic_store_n(&sub->recovering, false, __ATOMIC_RELEASE);
	fo_switch_unban(priv, sub);
	fo_watch_start(priv, sub);
	fo_sub_set_state(priv, sub, FO_SUB_PROBED);
	/* After the state: a reader that sees the new count sees it probed. */
	__atomic_fetch_add(&sub->attach_count, 1, __ATOMIC_RELEASE);
	FO_LOG(INFO, priv, "%s %s attached as port %u (driver %s)", fo_sub_role(sub), sub->name,
	       port, info.driver_name);
	return 0;
}

/* Open the sub-device as planned, else its fallback. */
int
fo_sub_attach(struct fo_private *priv, struct fo_sub *sub)
{
	bool has_fallback = sub->fallback[0] != '\0';
	bool xdp_plan = sub->tc_syn[0] != '\0' && fo_xdp_path_devargs(sub->devargs);
	int ret = -ENODEV;

	if (sub->devargs[0] == '\0')
		return -ENODEV;
	/* One still present (draining: a burst inside it) would be lost. */
	if (fo_sub_present(sub))
		return -EBUSY;
	sub->why[0] = '\0';
	if (!(sub->plan_failed && has_fallback))
		ret = fo_sub_attach_one(priv, sub, sub->devargs,
					xdp_plan && has_fallback ? RTE_LOG_DEBUG
					: has_fallback		  ? RTE_LOG_INFO
								  : RTE_LOG_ERR);
	if (ret < 0 && has_fallback) {
		if (sub->probe_failures == 0 && xdp_plan && !sub->plan_failed)
			FO_LOG(NOTICE, priv, "%s: AF_XDP on %s not used (%s): TAP exception path instead",
			       fo_sub_role(sub), sub->tc_syn, sub->why);
		else if (sub->probe_failures == 0 && !xdp_plan)
			FO_LOG(INFO, priv, "%s: falling back to its kernel netdev: %s",
			       fo_sub_role(sub), sub->fallback);
		ret = fo_sub_attach_one(priv, sub, sub->fallback, RTE_LOG_ERR);
	}
	if (ret < 0) {
		fo_netdev_restore(priv, sub); /* brought up for an attach that failed */
		sub->probe_failures++;
		sub->attach_failures++;
		fo_sub_backoff(sub);
		FO_LOG(DEBUG, priv, "%s: attempt %" PRIu64 " failed, next in %u ms", fo_sub_role(sub),
		       sub->probe_failures, sub->retry_ms);
	}
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

/* Stop a started sub-device (the port stops). */
void
fo_sub_stop(struct fo_private *priv, struct fo_sub *sub)
{
	fo_sub_tc_remove(priv, sub);
	if (sub->state == FO_SUB_STARTED) {
		rte_eth_dev_stop(sub->port_id);
		fo_sub_set_state(priv, sub, FO_SUB_CONFIGURED);
	}
}

/* Configure a probed or configured sub-device and replay the port's settings. */
static int
fo_sub_configure_one(struct fo_private *priv, struct fo_sub *sub)
{
	int ret = fo_replay_configure(priv, sub);

	if (ret < 0)
		return ret;
	/* Its Rx queue count may differ from the last sub-device on its port id. */
	pthread_mutex_lock(&priv->paths_lock);
	priv->paths_stale = true;
	pthread_mutex_unlock(&priv->paths_lock);
	fo_replay_settings(priv, sub);
	fo_sub_set_state(priv, sub, FO_SUB_CONFIGURED);
	return 0;
}

/*
 * net_af_packet creates each queue's socket for every protocol, sets up its
 * Rx ring and only then binds it to its netdev: in between the ring takes
 * frames of every netdev of the namespace, the synthetic path's own echoes
 * among them. Forwarded again (a macswap turns an echo back into the
 * peer's own frame), they teach the host's switch the peer's MAC on the
 * guest's port, and the peer's next frames go back into the guest. What
 * the rings hold at start, before the sub-device is on the data path,
 * goes; anything the VF received before it was usable goes with it.
 */
static void
fo_sub_discard_unbound(struct fo_private *priv, struct fo_sub *sub)
{
	struct rte_mbuf *pkts[32];
	unsigned int dropped = 0, rounds;
	uint16_t q, n;

	if (sub->qkind != FO_QKIND_ALL_RX)
		return;
	for (q = 0; q < sub->nb_rx; q++) {
		for (rounds = 0; rounds < 1024; rounds++) {
			n = rte_eth_rx_burst(sub->port_id, q, pkts, RTE_DIM(pkts));
			if (n == 0)
				break;
			rte_pktmbuf_free_bulk(pkts, n);
			dropped += n;
		}
	}
	if (dropped > 0)
		FO_LOG(INFO, priv, "%s %s: dropped %u frames its sockets took before they were bound to %s",
		       fo_sub_role(sub), sub->name, dropped, sub->ifname);
}

/*
 * Not to be configured now: absent, leaving, gone without its event handled
 * yet, or recovering, or to be reset.
 */
static bool
fo_sub_out(const struct fo_sub *sub)
{
	return !fo_sub_present(sub) || sub->state == FO_SUB_DRAINING || fo_sub_recovering(sub) ||
	       (__atomic_load_n(&sub->events, __ATOMIC_ACQUIRE) &
		(FO_EV_GONE | FO_EV_DESTROYED | FO_EV_RESET));
}

/*
 * Make before break: configure, replay, start and read back a sub-device;
 * the switch rules consider it only once it is started. Its queues are set
 * up from the journal only when the port starts or runs: before that the
 * application may still replace a queue's mempool.
 */
static int
fo_sub_bring_up_one(struct fo_private *priv, struct fo_sub *sub)
{
	int ret;

	if (fo_sub_out(sub) || !priv->configured)
		return 0;
	if (sub->state == FO_SUB_PROBED) {
		if (fo_queues_refuse(priv, sub))
			return 0;
		ret = fo_sub_configure_one(priv, sub);
		if (ret < 0)
			return ret;
	}
	if (priv->started && sub->state == FO_SUB_CONFIGURED) {
		ret = fo_replay_queues(priv, sub);
		if (ret < 0)
			return ret;
		ret = rte_eth_dev_start(sub->port_id);
		if (ret < 0) {
			/* Take it out: it is probed and brought up again later, not retried as is. */
			FO_LOG(ERR, priv, "%s %s: start failed: %s", fo_sub_role(sub), sub->name,
			       rte_strerror(-ret));
			fo_sub_backoff(sub);
			fo_event_post(priv, sub, FO_EV_GONE);
			return ret;
		}
		fo_sub_discard_unbound(priv, sub);
		fo_replay_queue_states(priv, sub);
		fo_flow_replay(priv, sub);
		fo_replay_check(priv, sub);
		if (sub->via_tap)
			fo_sub_tc_install(priv, sub);
		fo_xdp_path_started(priv, sub);
		fo_sub_set_state(priv, sub, FO_SUB_STARTED);
		fo_netlink_query(priv, sub); /* starting may have raised its carrier */
		fo_sub_link_refresh(priv, sub);
		FO_LOG(INFO, priv, "%s %s started, link %s", fo_sub_role(sub), sub->name,
		       sub->link_up ? "up" : "down");
	}
	return 0;
}

/*
 * The AF_XDP exception path that fails to come up (no XDP in the kernel or
 * the netdev's driver, too few channels...) gives way to its fallback, the
 * TAP path, until the port is configured again.
 */
void
fo_sub_fall_back(struct fo_private *priv, struct fo_sub *sub, const char *why)
{
	FO_LOG(NOTICE, priv, "%s: AF_XDP on %s not used (%s): TAP exception path instead",
	       fo_sub_role(sub), sub->tc_syn, why);
	if (priv->args.keep_kernel)
		FO_LOG(WARNING, priv,
		       "%s: kernel_traffic=keep does not hold on the TAP path: the kernel's stack on %s gets none of its frames (ARP, neighbour discovery, its own addresses) until AF_XDP is used again",
		       fo_sub_role(sub), sub->tc_syn);
	sub->plan_failed = true;
	sub->reopen = true;
	fo_sub_detach(priv, sub, "AF_XDP path failed");
	if (!fo_sub_present(sub))
		fo_sub_attach(priv, sub);
}

/*
 * ret, what bringing the sub-device up gave: when the AF_XDP exception path
 * failed (at configure, queue set-up or start), it gives way to the TAP
 * path, brought as far as the port is, and that result is returned.
 */
static int
fo_sub_fall_back_on(struct fo_private *priv, struct fo_sub *sub, int ret)
{
	char why[FO_ERR_MAX];

	if (ret >= 0 || !sub->via_xdp || sub->fallback[0] == '\0' || !fo_sub_present(sub) ||
	    sub->state == FO_SUB_DRAINING)
		return ret;
	snprintf(why, sizeof(why), "%s: %s (net_af_xdp's log says more)", sub->name,
		 rte_strerror(-ret));
	fo_sub_fall_back(priv, sub, why);
	return fo_sub_bring_up_one(priv, sub);
}

int
fo_sub_bring_up(struct fo_private *priv, struct fo_sub *sub)
{
	return fo_sub_fall_back_on(priv, sub, fo_sub_bring_up_one(priv, sub));
}

/*
 * From the service routine: a sub-device that cannot be brought up (its
 * configure or a queue set-up failed) is taken out and probed again after
 * a back-off, not retried on every run.
 */
void
fo_sub_bring_up_or_retry(struct fo_private *priv, struct fo_sub *sub)
{
	if (fo_sub_bring_up(priv, sub) == 0 || fo_sub_out(sub))
		return;
	fo_sub_backoff(sub);
	fo_event_post(priv, sub, FO_EV_GONE);
}

/*
 * The port's configure op: configure the sub-device now, so that the
 * application's call returns its error (as net_failsafe does).
 */
int
fo_sub_configure(struct fo_private *priv, struct fo_sub *sub)
{
	if (fo_sub_out(sub) || !priv->configured)
		return 0;
	if (sub->state == FO_SUB_PROBED && fo_queues_refuse(priv, sub))
		return 0;
	return fo_sub_fall_back_on(priv, sub, fo_sub_configure_one(priv, sub));
}

/* The application set up port queue qid: so it is on the sub-device. */
int
fo_sub_setup_queue(struct fo_private *priv, struct fo_sub *sub, bool rx, uint16_t qid)
{
	/*
	 * net_af_xdp binds a socket at each queue set-up and releases it only
	 * at close: its queues are set up once per instance, at start.
	 */
	if (fo_sub_out(sub) || sub->state != FO_SUB_CONFIGURED || sub->qkind == FO_QKIND_CHANNELS)
		return 0;
	return fo_sub_fall_back_on(priv, sub, fo_replay_queue(priv, sub, rx, qid));
}

/*
 * Its PMD asked for a reset (INTR_RESET: a PF reset under a VF). It has
 * been off the data path since the event, and no burst is inside it (the
 * service routine waits for that first). Reset in place, brought up again
 * from the journal, and taken back by the rules once its link is up. A PMD
 * without a reset, or a reset that fails, is a removal: detached, probed
 * again.
 */
void
fo_sub_reset(struct fo_private *priv, struct fo_sub *sub)
{
	int ret;

	fo_sub_tc_remove(priv, sub);
	pthread_mutex_lock(&priv->stats_lock);
	fo_stats_fold(priv, sub);
	pthread_mutex_unlock(&priv->stats_lock);
	ret = rte_eth_dev_reset(sub->port_id);
	pthread_mutex_lock(&priv->stats_lock);
	fo_stats_resync(priv, sub); /* a reset PMD may count from 0 again */
	pthread_mutex_unlock(&priv->stats_lock);
	if (ret < 0) {
		FO_LOG(NOTICE, priv, "%s %s: reset asked by its PMD failed (%s): detached and probed again",
		       fo_sub_role(sub), sub->name, rte_strerror(-ret));
		fo_sub_detach(priv, sub, "reset failed");
		return;
	}
	fo_flow_forget_sub(priv, sub); /* its rules went with the reset */
	fo_sub_set_state(priv, sub, FO_SUB_PROBED);
	fo_switch_unban(priv, sub);
	FO_LOG(NOTICE, priv, "%s %s reset as its PMD asked: brought up again from the journal",
	       fo_sub_role(sub), sub->name);
	fo_sub_bring_up_or_retry(priv, sub);
}

/*
 * Its PMD recovered from an error by itself (RECOVERY_SUCCESS): it kept
 * its configuration, queues included, but what ethdev does not list as
 * kept is replayed, flow rules unless the PMD keeps them; then it is back
 * on the data path.
 */
void
fo_sub_recovered(struct fo_private *priv, struct fo_sub *sub)
{
	struct rte_eth_dev_info info;

	__atomic_store_n(&sub->recovering, false, __ATOMIC_RELEASE);
	if (fo_sub_started(sub)) {
		fo_replay_settings(priv, sub);
		if (rte_eth_dev_info_get(sub->port_id, &info) != 0 ||
		    !(info.dev_capa & RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP)) {
			fo_flow_forget_sub(priv, sub);
			fo_flow_replay(priv, sub);
		}
		fo_replay_queue_states(priv, sub);
		fo_sub_link_refresh(priv, sub);
	}
	fo_switch_unban(priv, sub);
	FO_LOG(NOTICE, priv, "%s %s recovered by its PMD: settings replayed, link %s",
	       fo_sub_role(sub), sub->name, sub->link_up ? "up" : "down");
}

/*
 * A kernel netdev's carrier counts too: AF_PACKET reports link up always.
 * The carrier is read from the netdev itself, not taken from rtnetlink
 * alone: the kernel's linkwatch may report a flap up to a second late.
 * gone_down: a netdev that cannot be read (deleted) is down. True when
 * the link changed; logs nothing.
 */
bool
fo_sub_link_update(struct fo_private *priv, struct fo_sub *sub, bool gone_down)
{
	struct rte_eth_link link;
	bool up, carrier, was = sub->link_up;

	RTE_SET_USED(priv);
	if (!fo_sub_started(sub) || fo_sub_recovering(sub))
		return false;
	if (sub->ifname[0] != '\0') {
		if (fo_netlink_carrier(sub->ifname, &carrier)) {
			sub->nl_known = true;
			sub->nl_up = carrier;
		} else if (gone_down) {
			sub->nl_known = true;
			sub->nl_up = false;
		}
	}
	up = rte_eth_link_get_nowait(sub->port_id, &link) == 0 &&
	     link.link_status == RTE_ETH_LINK_UP && (!sub->nl_known || sub->nl_up);
	sub->link_up = up;
	return up != was;
}

void
fo_sub_link_refresh(struct fo_private *priv, struct fo_sub *sub)
{
	if (fo_sub_link_update(priv, sub, false))
		FO_LOG(INFO, priv, "%s %s link %s", fo_sub_role(sub), sub->name,
		       sub->link_up ? "up" : "down");
}

/*
 * Detached in every process: EAL attached the sub-device in the secondary
 * processes too when it was probed, and rte_dev_remove() has them let it
 * go first, so that the next probe attaches it there afresh; its driver
 * closes the port. Where a secondary process refuses, the primary closes
 * and detaches it alone.
 */
static void
fo_sub_remove_device(struct fo_private *priv, struct fo_sub *sub, uint16_t port)
{
	struct rte_device *device = rte_eth_devices[port].device;
	int ret = -ENODEV;

	fo_hotplug_lock();
	if (device != NULL)
		ret = rte_dev_remove(device);
	if (ret != 0) {
		rte_eth_dev_close(port);
		ret = rte_eal_hotplug_remove(sub->bus, sub->name);
	}
	fo_hotplug_unlock();
	if (ret < 0)
		FO_LOG(WARNING, priv, "%s %s: device removal failed", fo_sub_role(sub), sub->name);
}

/* The port is closed and detached: the sub-device is absent. */
static void
fo_sub_closed(struct fo_private *priv, struct fo_sub *sub)
{
	fo_xdp_path_release(priv, sub);
	fo_netdev_restore(priv, sub);
	sub->link_up = false;
	/*
	 * A netdev renamed is there under its new name: back at once. A
	 * device reported removed is looked for again after the first step
	 * of the back-off, not probed again while it is being removed.
	 */
	sub->retry_ms = 0;
	sub->retry_at_ns = 0;
	if (!sub->reopen)
		fo_sub_backoff(sub);
	sub->reopen = false;
	fo_sub_set_state(priv, sub, FO_SUB_ABSENT);
}

/*
 * Off the data path and no burst inside: stop, close and detach. A PCI
 * device that was removed (its BARs gone) is torn down on a thread of its
 * own (failover_teardown.c), and the sub-device is absent at once.
 */
static void
fo_sub_close_port(struct fo_private *priv, struct fo_sub *sub)
{
	uint16_t port = sub->port_id;

	pthread_mutex_lock(&priv->stats_lock);
	fo_stats_fold(priv, sub);
	sub->port_id = FO_NO_PORT;
	pthread_mutex_unlock(&priv->stats_lock);
	fo_watch_stop(priv, sub);
	fo_flow_forget_sub(priv, sub);
	fo_sub_tc_remove(priv, sub);
	if (sub->banned && !priv->keep_sub_devices && strcmp(sub->bus, "pci") == 0) {
		if (fo_teardown_start(priv, &sub->teardown, sub->bus, sub->name, port,
				      fo_now_ns())) {
			FO_LOG(INFO, priv, "%s %s: being stopped, closed and detached on a thread of its own",
			       fo_sub_role(sub), sub->name);
			fo_sub_closed(priv, sub);
			return;
		}
	}
	rte_eth_dev_stop(port);
	if (priv->keep_sub_devices) {
		rte_eth_dev_close(port);
		if (!fo_orphan_add(sub->name))
			FO_LOG(WARNING, priv,
			       "%s %s: left on its bus, past the %u such devices remembered: a failover port that names it again cannot probe it",
			       fo_sub_role(sub), sub->name, FO_MAX_ORPHANS);
	} else {
		fo_sub_remove_device(priv, sub, port);
	}
	fo_sub_closed(priv, sub);
}

/*
 * A removed device's teardown that is over (or, wait, once it is) is
 * joined. A device of the same name (the VF back at its PCI address) waits
 * for it: EAL knows a device by its name. Any other opens meanwhile.
 */
void
fo_sub_teardown_reap(struct fo_private *priv, struct fo_sub *sub, bool wait)
{
	struct fo_teardown *td = &sub->teardown;

	if (!td->running || !fo_teardown_over(td, wait))
		return;
	FO_LOG(INFO, priv, "%s %s: stopped, closed and detached in %.1f s, off the interrupt thread%s",
	       fo_sub_role(sub), td->name, (double)(fo_now_ns() - td->start_ns) / 1e9,
	       td->ret < 0 ? " (with errors)" : "");
	sub->retry_at_ns = 0; /* a device waiting for this name is tried now */
}


/*
 * On loss: flip first, then quiesce, then stop, close and detach. When a
 * burst has not left within quiesce_ms the sub-device stays draining,
 * off the data path, and the service routine finishes later.
 */
void
fo_sub_detach(struct fo_private *priv, struct fo_sub *sub, const char *why)
{
	if (!fo_sub_present(sub) || sub->state == FO_SUB_DRAINING)
		return;
	FO_LOG(INFO, priv, "%s %s detaching (%s)", fo_sub_role(sub), sub->name, why);
	fo_sub_set_state(priv, sub, FO_SUB_DRAINING);
	if (fo_switch_unpublish(priv, sub))
		fo_sub_close_port(priv, sub);
}

void
fo_sub_finish_drain(struct fo_private *priv, struct fo_sub *sub)
{
	bool over;

	if (sub->state != FO_SUB_DRAINING)
		return;
	pthread_mutex_lock(&priv->paths_lock);
	over = fo_grace_over(priv, sub->drain_token);
	pthread_mutex_unlock(&priv->paths_lock);
	if (over) {
		FO_LOG(INFO, priv, "%s %s: the last burst has left it", fo_sub_role(sub), sub->name);
		fo_sub_close_port(priv, sub);
	}
}

/* Its port was released by someone else: nothing of it may be touched. */
void
fo_sub_forget(struct fo_private *priv, struct fo_sub *sub)
{
	if (!fo_sub_present(sub))
		return;
	fo_sub_set_state(priv, sub, FO_SUB_DRAINING);
	fo_switch_evaluate(priv, "sub-device destroyed");
	pthread_mutex_lock(&priv->stats_lock);
	sub->port_id = FO_NO_PORT;
	pthread_mutex_unlock(&priv->stats_lock);
	fo_watch_stop(priv, sub);
	fo_flow_forget_sub(priv, sub);
	fo_sub_tc_remove(priv, sub);
	fo_xdp_path_release(priv, sub);
	fo_netdev_restore(priv, sub);
	sub->link_up = false;
	sub->retry_ms = 0;
	sub->retry_at_ns = 0;
	fo_sub_set_state(priv, sub, FO_SUB_ABSENT);
}
