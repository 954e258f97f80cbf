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

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h, which net/if.h cannot sit beside */
#endif

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

static bool
fo_netlink_flags_up(unsigned int flags)
{
	return (flags & IFF_UP) && (flags & IFF_LOWER_UP);
}

/* Current state of a netdev, for a sub-device being attached. */
void
fo_netlink_query(struct fo_private *priv, struct fo_sub *sub)
{
	struct ifreq ifr;
	int fd;

	sub->nl_known = false;
	sub->ifindex = 0;
	if (sub->ifname[0] == '\0')
		return;
	sub->ifindex = if_nametoindex(sub->ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, sub->ifname, sizeof(ifr.ifr_name));
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		/* IFF_LOWER_UP is not in the 16-bit ioctl flags: RUNNING says carrier. */
		sub->nl_known = true;
		sub->nl_up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	}
	close(fd);
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

/*
 * The netdev behind a sub-device got another name. Through the TAP, the tc
 * rules follow the ifindex: only the name to use later changes. A PMD that
 * sits on the netdev itself (AF_PACKET) keeps the old name for its ioctls:
 * take it out and open it again under the new name.
 */
static void
fo_netlink_renamed(struct fo_private *priv, struct fo_sub *sub, const char *name)
{
	FO_LOG(INFO, priv, "%s netdev %s renamed %s", fo_rules_path_name(sub->path), sub->ifname,
	       name);
	if (sub->tc_syn[0] != '\0' && strcmp(sub->tc_syn, sub->ifname) == 0)
		strlcpy(sub->tc_syn, name, sizeof(sub->tc_syn));
	strlcpy(sub->ifname, name, sizeof(sub->ifname));
	if (!sub->via_tap) {
		FO_LOG(NOTICE, priv, "%s %s: reopening under the new name",
		       fo_rules_path_name(sub->path), sub->name);
		fo_sub_rename_devargs(sub, name);
		__atomic_store_n(&sub->gone, true, __ATOMIC_RELEASE);
	}
}

static int
fo_netlink_msg(const struct nlmsghdr *nlh, void *data)
{
	struct fo_private *priv = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct fo_netlink_link link = {0};
	struct fo_sub *sub;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifi), fo_netlink_attr, &link);
	if (link.name == NULL)
		return MNL_CB_OK;

	FO_FOREACH_SUB(priv, sub) {
		/* By index: a netdev deleted and made again under the same name is another. */
		if (!sub->present || sub->ifindex == 0 || (unsigned int)ifi->ifi_index != sub->ifindex)
			continue;
		if (nlh->nlmsg_type == RTM_DELLINK) {
			FO_LOG(NOTICE, priv, "%s netdev %s deleted", fo_rules_path_name(sub->path),
			       link.name);
			sub->nl_known = true;
			sub->nl_up = false;
			__atomic_store_n(&sub->gone, true, __ATOMIC_RELEASE);
		} else {
			bool up = fo_netlink_flags_up(ifi->ifi_flags);

			if (strcmp(sub->ifname, link.name) != 0)
				fo_netlink_renamed(priv, sub, link.name);
			if (!sub->nl_known || up != sub->nl_up)
				FO_LOG(INFO, priv, "%s netdev %s carrier %s",
				       fo_rules_path_name(sub->path), link.name,
				       up ? "up" : "down");
			sub->nl_known = true;
			sub->nl_up = up;
		}
		priv->nl_pending = true;
	}
	/*
	 * A netdev with the pair's MAC appeared (a VF back, maybe as ethN
	 * before udev renames it): look at sysfs now, not at the next rescan.
	 */
	if (nlh->nlmsg_type == RTM_NEWLINK && priv->discover && priv->pair_mac_known &&
	    link.mac != NULL && memcmp(link.mac, priv->pair_mac, RTE_ETHER_ADDR_LEN) == 0 &&
	    !fo_sub_of(priv, FO_PATH_PRIMARY)->present) {
		priv->next_rescan_ns = 0;
		priv->nl_pending = true;
	}
	return MNL_CB_OK;
}

static void
fo_netlink_event(void *arg)
{
	struct fo_private *priv = arg;
	struct fo_netlink *fnl = priv->netlink;
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	while ((n = mnl_socket_recvfrom(fnl->nl, buf, sizeof(buf))) > 0)
		mnl_cb_run(buf, n, 0, 0, fo_netlink_msg, priv);
	if (n < 0 && errno == ENOBUFS) {
		/* Events were lost: re-read every netdev's state. */
		struct fo_sub *sub;

		FO_LOG(WARNING, priv, "netlink events lost: re-reading link states");
		FO_FOREACH_SUB(priv, sub)
			fo_netlink_query(priv, sub);
		priv->nl_pending = true;
	}
	if (!priv->nl_pending)
		return;
	priv->nl_pending = false;
	/* Flip at once when the application does not hold the lock. */
	if (pthread_mutex_trylock(&priv->lock) == 0) {
		struct fo_sub *sub;

		FO_FOREACH_SUB(priv, sub)
			if (sub->started)
				fo_sub_link_refresh(priv, sub);
		fo_switch_evaluate(priv, "kernel link event");
		fo_unlock(priv);
	}
	fo_service_kick(priv);
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
	    rte_intr_fd_set(fnl->intr, fd) != 0 ||
	    rte_intr_callback_register(fnl->intr, fo_netlink_event, priv) != 0)
		goto fail;
	priv->netlink = fnl;
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
