/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * What the port changes on kernel netdevs, and how it is put back:
 * - the netdev under an AF_PACKET sub-device, and the synthetic netdev
 *   under the TAP exception path, are brought admin-up before use (nothing
 *   flows through a down netdev, and AF_PACKET's PACKET_FANOUT fails on
 *   one); those this port brought up are set down again when the
 *   sub-device is closed, the others are left alone;
 * - each of these changes, and the TAP path's tc redirect, is recorded
 *   with the sub-device's guardian process (failover_guard.h), which puts
 *   it back if the process dies without doing so.
 * Netdevs are remembered by ifindex: a rename does not lose them.
 */

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "failover_private.h"

/* The kernel netdev devargs opens, if any: "iface=" of an AF_PACKET one. */
static bool
fo_netdev_of(const struct fo_sub *sub, const char *devargs, char *name, size_t len)
{
	const char *p;
	size_t n;

	/* The TAP path: the TAP is net_tap's to bring up, the synthetic netdev ours. */
	if (devargs == sub->devargs && sub->tc_syn[0] != '\0') {
		strlcpy(name, sub->tc_syn, len);
		return true;
	}
	if (strncmp(devargs, "net_af_packet", strlen("net_af_packet")) != 0)
		return false;
	p = strstr(devargs, ",iface=");
	if (p == NULL)
		return false;
	p += strlen(",iface=");
	n = strcspn(p, ",");
	if (n == 0 || n >= len)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	return true;
}

/* SIOCGIFFLAGS/SIOCSIFFLAGS on ifr; 0 or -errno. */
static int
fo_netdev_ioctl(unsigned long req, struct ifreq *ifr)
{
	int fd, ret = 0;

	/* AF_UNIX: works without an IPv4 stack in the namespace. */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Set name admin-up; 1 if it was down, 0 if already up, or -errno. */
static int
fo_netdev_set_up(const char *name)
{
	struct ifreq ifr;
	int ret;

	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	ret = fo_netdev_ioctl(SIOCGIFFLAGS, &ifr);
	if (ret < 0 || (ifr.ifr_flags & IFF_UP))
		return ret;
	ifr.ifr_flags |= IFF_UP;
	ret = fo_netdev_ioctl(SIOCSIFFLAGS, &ifr);
	return ret < 0 ? ret : 1;
}

/* Set ifindex admin-down under whatever name it has now; gone is fine. */
static int
fo_netdev_set_down(unsigned int ifindex, char *name)
{
	struct ifreq ifr;
	int ret;

	if (if_indextoname(ifindex, name) == NULL) {
		strlcpy(name, "(gone)", IF_NAMESIZE);
		return errno == ENXIO || errno == ENODEV ? 0 : -errno;
	}
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	ret = fo_netdev_ioctl(SIOCGIFFLAGS, &ifr);
	if (ret < 0 || !(ifr.ifr_flags & IFF_UP))
		return ret == -ENODEV ? 0 : ret;
	ifr.ifr_flags &= ~IFF_UP;
	return fo_netdev_ioctl(SIOCSIFFLAGS, &ifr);
}

void
fo_netdev_prepare(struct fo_private *priv, struct fo_sub *sub, const char *devargs)
{
	char name[IF_NAMESIZE], err[FO_ERR_MAX];
	unsigned int ifindex;
	int ret;

	if (!fo_netdev_of(sub, devargs, name, sizeof(name)))
		return;
	ifindex = if_nametoindex(name);
	if (ifindex == 0)
		return; /* the probe says what is missing */
	if (fo_guard_has(&sub->guard, FO_GUARD_ADMIN_UP, ifindex, 0))
		return; /* ours already, from an earlier attach */
	/* Recorded first: if we die after the change, it is still put back. */
	if (fo_guard_add(&sub->guard, FO_GUARD_ADMIN_UP, ifindex, 0, err, sizeof(err)) < 0)
		FO_LOG(WARNING, priv, "%s: a crash would not put back the admin state of %s: %s",
		       fo_rules_path_name(sub->path), name, err);
	ret = fo_netdev_set_up(name);
	if (ret == 1) {
		FO_LOG(NOTICE, priv,
		       "%s: kernel netdev %s was admin-down; brought it up (set down again on close)",
		       fo_rules_path_name(sub->path), name);
		return;
	}
	fo_guard_del(&sub->guard, FO_GUARD_ADMIN_UP, ifindex, 0);
	if (ret < 0)
		FO_LOG(ERR, priv, "%s: cannot bring kernel netdev %s admin-up: %s",
		       fo_rules_path_name(sub->path), name, strerror(-ret));
}

void
fo_netdev_restore(struct fo_private *priv, struct fo_sub *sub)
{
	char name[IF_NAMESIZE];
	unsigned int i = sub->guard.n;
	int ret;

	while (i-- > 0) {
		const struct fo_guard_rec rec = sub->guard.rec[i];

		if (rec.kind != FO_GUARD_ADMIN_UP)
			continue;
		ret = fo_netdev_set_down(rec.ifindex, name);
		if (ret < 0)
			FO_LOG(WARNING, priv,
			       "%s: cannot set kernel netdev %s (ifindex %u) admin-down again: %s",
			       fo_rules_path_name(sub->path), name, rec.ifindex, strerror(-ret));
		else
			FO_LOG(INFO, priv, "%s: kernel netdev %s admin-down again, as it was",
			       fo_rules_path_name(sub->path), name);
		fo_guard_del(&sub->guard, rec.kind, rec.ifindex, rec.peer);
	}
}

static void
fo_netdev_forget_tc(struct fo_sub *sub)
{
	unsigned int i = sub->guard.n;

	while (i-- > 0) {
		const struct fo_guard_rec rec = sub->guard.rec[i];

		if (rec.kind == FO_GUARD_TC)
			fo_guard_del(&sub->guard, rec.kind, rec.ifindex, rec.peer);
	}
}

void
fo_netdev_guard_tc(struct fo_private *priv, struct fo_sub *sub, bool installing)
{
	unsigned int syn, tap;
	char err[FO_ERR_MAX];

	/* A recreated TAP, or a renamed netdev: only the current pair counts. */
	fo_netdev_forget_tc(sub);
	if (!installing)
		return;
	syn = if_nametoindex(sub->tc_syn);
	tap = if_nametoindex(sub->tc_tap);
	if (syn == 0 || tap == 0)
		return; /* the install fails and says why */
	if (fo_guard_add(&sub->guard, FO_GUARD_TC, syn, tap, err, sizeof(err)) < 0)
		FO_LOG(WARNING, priv,
		       "standby: a crash would leave the tc redirect %s <-> %s in place: %s",
		       sub->tc_syn, sub->tc_tap, err);
}
