/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * What the port changes on kernel netdevs, and how it is put back:
 * - the netdev under an AF_PACKET or AF_XDP sub-device, and the synthetic
 *   netdev under the TAP exception path, are brought admin-up before use (nothing
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
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "failover_private.h"

/* The kernel netdev devargs opens, if any: "iface=" of an AF_PACKET or AF_XDP one. */
static bool
fo_netdev_of(const struct fo_sub *sub, const char *devargs, char *name, size_t len)
{
	const char *p;
	size_t n;

	/* The TAP path: the TAP is net_tap's to bring up, the synthetic netdev ours. */
	if (sub->tc_syn[0] != '\0' && strncmp(devargs, "net_tap", strlen("net_tap")) == 0) {
		strlcpy(name, sub->tc_syn, len);
		return true;
	}
	if (strncmp(devargs, "net_af_packet", strlen("net_af_packet")) != 0 &&
	    !fo_xdp_path_devargs(devargs))
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

/* An interface ioctl (SIOCGIFFLAGS) on ifr; 0 or -errno. */
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

/* The flags of name; 0 or -errno. */
static int
fo_netdev_flags(const char *name, short *flags)
{
	struct ifreq ifr;
	int ret;

	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	ret = fo_netdev_ioctl(SIOCGIFFLAGS, &ifr);
	if (ret == 0)
		*flags = ifr.ifr_flags;
	return ret;
}

/*
 * One rtnetlink request (with NLM_F_ACK, whose ack ends the reply) on a
 * socket of its own; the replies go through cb. 0 or -errno.
 */
int
fo_netdev_rtnl(struct nlmsghdr *nlh, int (*cb)(const struct nlmsghdr *, void *), void *arg)
{
	char buf[8192];
	struct mnl_socket *nl;
	unsigned int portid;
	ssize_t n;
	int ret = 0;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl == NULL)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		mnl_socket_close(nl);
		return ret;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_seq = (unsigned int)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		ret = -errno;
	while (ret == 0) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			ret = -errno;
			break;
		}
		errno = 0;
		n = mnl_cb_run(buf, n, nlh->nlmsg_seq, portid, cb, arg);
		if (n == MNL_CB_STOP)
			break;
		if (n == MNL_CB_ERROR)
			ret = errno != 0 ? -errno : -EPROTO;
	}
	mnl_socket_close(nl);
	return ret;
}

/* A link request of type on ifindex in buf, for fo_netdev_rtnl (with its ack). */
struct nlmsghdr *
fo_netdev_link_req(char *buf, size_t len, uint16_t type, unsigned int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	memset(buf, 0, len);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	return nlh;
}

/*
 * Admin state of ifindex over rtnetlink: the change mask touches IFF_UP
 * only (SIOCSIFFLAGS would write back every flag read, IFF_PROMISC too).
 */
static int
fo_netdev_set_admin(unsigned int ifindex, bool up)
{
	char buf[256];
	struct nlmsghdr *nlh = fo_netdev_link_req(buf, sizeof(buf), RTM_NEWLINK, ifindex);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = up ? IFF_UP : 0;
	return fo_netdev_rtnl(nlh, NULL, NULL);
}

/* Set ifindex admin-down under whatever name it has now; gone is fine. */
static int
fo_netdev_set_down(unsigned int ifindex, char *name)
{
	short flags = 0;
	int ret;

	if (if_indextoname(ifindex, name) == NULL) {
		strlcpy(name, "(gone)", IF_NAMESIZE);
		return errno == ENXIO || errno == ENODEV ? 0 : -errno;
	}
	ret = fo_netdev_flags(name, &flags);
	if (ret < 0 || !(flags & IFF_UP))
		return ret == -ENODEV ? 0 : ret;
	ret = fo_netdev_set_admin(ifindex, false);
	return ret == -ENODEV ? 0 : ret;
}

void
fo_netdev_prepare(struct fo_private *priv, struct fo_sub *sub, const char *devargs)
{
	char name[IF_NAMESIZE], err[FO_ERR_MAX];
	unsigned int ifindex;
	short flags = 0;
	int ret;

	if (!fo_netdev_of(sub, devargs, name, sizeof(name)))
		return;
	ifindex = if_nametoindex(name);
	if (ifindex == 0)
		return; /* the probe says what is missing */
	if (fo_guard_has(&sub->guard, FO_GUARD_ADMIN_UP, ifindex, 0))
		return; /* ours already, from an earlier attach */
	ret = fo_netdev_flags(name, &flags);
	if (ret == 0 && (flags & IFF_UP))
		return; /* not ours to change, nor to put back */
	/* Recorded first: if we die after the change, it is still put back. */
	if (ret == 0 &&
	    fo_guard_add(&sub->guard, FO_GUARD_ADMIN_UP, ifindex, 0, err, sizeof(err)) < 0)
		FO_LOG(WARNING, priv, "%s: a crash would not put back the admin state of %s: %s",
		       fo_rules_path_name(sub->path), name, err);
	if (ret == 0)
		ret = fo_netdev_set_admin(ifindex, true);
	if (ret < 0) {
		fo_guard_del(&sub->guard, FO_GUARD_ADMIN_UP, ifindex, 0);
		FO_LOG(ERR, priv, "%s: cannot bring kernel netdev %s admin-up: %s",
		       fo_rules_path_name(sub->path), name, strerror(-ret));
		return;
	}
	FO_LOG(NOTICE, priv,
	       "%s: kernel netdev %s was admin-down; brought it up (set down again on close)",
	       fo_rules_path_name(sub->path), name);
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
