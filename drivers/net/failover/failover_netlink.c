/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <stdlib.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <rte_interrupts.h>

#include "failover_carrier.h"
#include "failover_private.h"

/*
 * Kernel link events (carrier, admin up/down, new, delete, rename) for the
 * netdevs behind the sub-devices, from an rtnetlink socket served by the EAL
 * interrupt thread. Sub-PMDs over a kernel netdev (AF_PACKET in 22.11) do not
 * report its link at all; this is what notices a VF losing carrier.
 */
struct fo_netlink {
	struct mnl_socket *nl;
	struct rte_intr_handle *intr;
};

/*
 * Whether a netdev can carry traffic now, read without the RTNL, which a
 * netdev being unregistered holds for hundreds of milliseconds (an
 * ETHTOOL_GLINK here used to wait for it, so that a closing VF was seen
 * only once deleted). Down as soon as any of these says so:
 *  - admin up (IFF_UP), cleared when the netdev starts closing;
 *  - the kernel's carrier (netif_carrier_ok, from sysfs, see
 *    failover_carrier.c), changed at once by the device driver;
 *  - IFF_RUNNING (operstate), which linkwatch sets together with starting
 *    the netdev's qdisc: a returning e1000e has its carrier on up to a
 *    second before, and frames sent meanwhile are dropped.
 * False when the netdev cannot be read (no such netdev).
 */
bool
fo_netlink_carrier(const char *ifname, bool *up)
{
	struct ifreq ifr;
	bool known = false;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		bool on;

		known = true;
		*up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
		if (*up && fo_carrier_kernel(FO_CARRIER_SYSFS_NET, ifname, &on) == 0)
			*up = on;
	}
	close(fd);
	return known;
}

/* Current state of a netdev, for a sub-device being attached. */
void
fo_netlink_query(struct fo_private *priv, struct fo_sub *sub)
{
	bool up;

	RTE_SET_USED(priv);
	sub->nl_known = false;
	sub->ifindex = 0;
	if (sub->ifname[0] == '\0')
		return;
	sub->ifindex = if_nametoindex(sub->ifname);
	if (fo_netlink_carrier(sub->ifname, &up)) {
		sub->nl_known = true;
		sub->nl_up = up;
	}
}

struct fo_netlink_link {
	const char *name;
	const uint8_t *mac;
};

static int
fo_netlink_attr(const struct nlattr *attr, void *data)
{
	struct fo_netlink_link *link = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			link->name = mnl_attr_get_str(attr);
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(attr) == RTE_ETHER_ADDR_LEN)
			link->mac = mnl_attr_get_payload(attr);
		break;
	}
	return MNL_CB_OK;
}

struct fo_netlink_ctx {
	struct fo_private *priv;
	bool pending;
	bool changed[2]; /* by path - 1: a message about its netdev */
	bool deleted[2];
};

/* Record what a link message says; the service routine acts on it. */
static int
fo_netlink_msg(const struct nlmsghdr *nlh, void *data)
{
	struct fo_netlink_ctx *ctx = data;
	struct fo_private *priv = ctx->priv;
	bool *pending = &ctx->pending;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct fo_netlink_link link = {0};
	struct fo_sub *sub;
	bool deleted;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	/*
	 * A netdev that leaves a bridge ("ip link set vf0 nomaster") gets an
	 * RTM_DELLINK of family AF_BRIDGE: its bridge port is gone, not the
	 * netdev. Only AF_UNSPEC's says the netdev is deleted.
	 */
	deleted = nlh->nlmsg_type == RTM_DELLINK && ifi->ifi_family != AF_BRIDGE;
	mnl_attr_parse(nlh, sizeof(*ifi), fo_netlink_attr, &link);
	if (link.name == NULL)
		return MNL_CB_OK;

	FO_FOREACH_SUB(priv, sub) {
		uint32_t ev = FO_EV_LINK;

		/* By index: a netdev deleted and made again under the same name is another. */
		if (!fo_sub_present(sub) || sub->ifindex == 0 ||
		    (unsigned int)ifi->ifi_index != sub->ifindex)
			continue;
		ctx->changed[sub->path - 1] = true;
		if (deleted) {
			ctx->deleted[sub->path - 1] = true;
			ev = FO_EV_DELETED;
		} else if (strcmp(sub->ifname, link.name) != 0) {
			rte_spinlock_lock(&priv->inbox_lock);
			strlcpy(sub->nl_name, link.name, sizeof(sub->nl_name));
			rte_spinlock_unlock(&priv->inbox_lock);
			ev |= FO_EV_RENAMED;
		}
		fo_event_seen(priv);
		__atomic_fetch_or(&sub->events, ev, __ATOMIC_RELEASE);
		*pending = true;
	}
	/*
	 * A netdev with the pair's MAC appeared (a VF back, maybe as ethN
	 * before udev renames it): look at sysfs now, not at the next rescan.
	 */
	if (nlh->nlmsg_type == RTM_NEWLINK && priv->discover && priv->pair_mac_known &&
	    link.mac != NULL && memcmp(link.mac, priv->pair_mac, RTE_ETHER_ADDR_LEN) == 0 &&
	    !fo_sub_present(fo_sub_of(priv, FO_PATH_PRIMARY))) {
		__atomic_fetch_or(&priv->events, FO_EV_RESCAN, __ATOMIC_RELEASE);
		*pending = true;
	}
	return MNL_CB_OK;
}

static void
fo_netlink_event(void *arg)
{
	struct fo_netlink_ctx ctx = {.priv = arg};
	struct fo_netlink *fnl = ctx.priv->netlink;
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE];
	struct fo_sub *sub;
	ssize_t n;

	while ((n = mnl_socket_recvfrom(fnl->nl, buf, sizeof(buf))) > 0)
		mnl_cb_run(buf, n, 0, 0, fo_netlink_msg, &ctx);
	if (n < 0 && errno == ENOBUFS) {
		/* Events were lost: the service routine reads every link again. */
		FO_LOG(WARNING, ctx.priv, "netlink events lost: re-reading link states");
		FO_FOREACH_SUB(ctx.priv, sub)
			__atomic_fetch_or(&sub->events, FO_EV_LINK, __ATOMIC_RELEASE);
		ctx.pending = true;
	}
	/* Switch on this thread now if the lock is free (it is ours), before the run. */
	if ((ctx.changed[0] || ctx.changed[1]) &&
	    !__atomic_load_n(&ctx.priv->closing, __ATOMIC_ACQUIRE) &&
	    pthread_mutex_trylock(&ctx.priv->lock) == 0) {
		FO_FOREACH_SUB(ctx.priv, sub)
			if (ctx.changed[sub->path - 1])
				fo_service_link_check_now(ctx.priv, sub,
							  ctx.deleted[sub->path - 1]);
		fo_unlock(ctx.priv);
	}
	if (ctx.pending)
		fo_event_request(ctx.priv);
}

int
fo_netlink_open(struct fo_private *priv)
{
	struct fo_netlink *fnl;
	int fd;

	fnl = calloc(1, sizeof(*fnl));
	if (fnl == NULL)
		return -ENOMEM;
	fnl->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fnl->nl == NULL || mnl_socket_bind(fnl->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	fd = mnl_socket_get_fd(fnl->nl);
	fnl->intr = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (fnl->intr == NULL || rte_intr_type_set(fnl->intr, RTE_INTR_HANDLE_EXT) != 0 ||
	    rte_intr_fd_set(fnl->intr, fd) != 0)
		goto fail;
	/* Before the callback: the first event may come before register returns. */
	priv->netlink = fnl;
	if (rte_intr_callback_register(fnl->intr, fo_netlink_event, priv) != 0) {
		priv->netlink = NULL;
		goto fail;
	}
	return 0;
fail:
	FO_LOG(WARNING, priv, "no rtnetlink link events (%s): kernel link changes are polled",
	       strerror(errno));
	rte_intr_instance_free(fnl->intr);
	if (fnl->nl != NULL)
		mnl_socket_close(fnl->nl);
	free(fnl);
	return -errno;
}

/* Must not be called with the lock held: a running callback may wait for it. */
void
fo_netlink_close(struct fo_private *priv)
{
	struct fo_netlink *fnl = priv->netlink;

	if (fnl == NULL)
		return;
	rte_intr_callback_unregister_sync(fnl->intr, fo_netlink_event, priv);
	rte_intr_instance_free(fnl->intr);
	mnl_socket_close(fnl->nl);
	free(fnl);
	priv->netlink = NULL;
}
