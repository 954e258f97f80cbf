/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/*
 * Permanent MAC of a live netdev (RTM_GETLINK, IFLA_PERM_ADDRESS). A bond or
 * a failover master may have rewritten a VF's `address`; the permanent one
 * is what the host assigned. Plain rtnetlink, one request, bounded wait.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "scan_priv.h"

#define NL_REPLY_SIZE 32768

struct link_request {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[RTA_SPACE(FO_SCAN_IFNAME_SIZE) + RTA_SPACE(sizeof(uint32_t))];
};

static int
parse_reply(const char *buf, size_t len, uint32_t seq,
		uint8_t mac[FO_SCAN_MAC_LEN])
{
	size_t off = 0;

	/* By hand rather than NLMSG_OK(), which mixes signed and unsigned. */
	while (len - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nh = (const struct nlmsghdr *)(buf + off);
		const struct ifinfomsg *ifi;
		const struct rtattr *rta;
		int rta_len;

		if (nh->nlmsg_len < sizeof(*nh) || nh->nlmsg_len > len - off)
			break;
		off += NLMSG_ALIGN(nh->nlmsg_len);
		if (off > len)
			off = len;
		if (nh->nlmsg_seq != seq)
			continue;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EINVAL;
			return e->error != 0 ? e->error : -ENOENT;
		}
		if (nh->nlmsg_type != RTM_NEWLINK ||
				nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
			continue;
		ifi = NLMSG_DATA(nh);
		rta = IFLA_RTA(ifi);
		rta_len = (int)IFLA_PAYLOAD(nh);
		for (; RTA_OK(rta, rta_len); rta = RTA_NEXT(rta, rta_len)) {
			if (rta->rta_type == IFLA_PERM_ADDRESS &&
					RTA_PAYLOAD(rta) == FO_SCAN_MAC_LEN) {
				memcpy(mac, RTA_DATA(rta), FO_SCAN_MAC_LEN);
				return 0;
			}
		}
		return -ENOENT;
	}
	return -EAGAIN;
}

int
fo_scan_netlink_perm_addr(const char *ifname, uint8_t mac[FO_SCAN_MAC_LEN],
		void *arg)
{
	char *reply;
	struct timeval timeout = { .tv_sec = 1 };
	struct link_request req;
	struct rtattr *rta;
	size_t name_len;
	uint32_t seq = 1;
	int fd, ret, tries;

	if (ifname == NULL || mac == NULL)
		return -EINVAL;
	name_len = strlen(ifname);
	if (name_len == 0 || name_len >= FO_SCAN_IFNAME_SIZE)
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = seq;
	req.ifi.ifi_family = AF_UNSPEC;
	rta = (struct rtattr *)req.attrs;
	rta->rta_type = IFLA_IFNAME;
	rta->rta_len = RTA_LENGTH(name_len + 1);
	memcpy(RTA_DATA(rta), ifname, name_len + 1);
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi)) + RTA_ALIGN(rta->rta_len);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	/* Heap, not static: the PMD may scan from more than one thread. */
	reply = malloc(NL_REPLY_SIZE);
	if (reply == NULL) {
		close(fd);
		return -ENOMEM;
	}
	/* A wedged rtnetlink must not hang a scan. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		ret = -errno;
		free(reply);
		close(fd);
		return ret;
	}
	ret = -EAGAIN;
	for (tries = 0; tries < 4 && ret == -EAGAIN; tries++) {
		ssize_t n = recv(fd, reply, NL_REPLY_SIZE, 0);

		if (n < 0) {
			ret = -errno;
			break;
		}
		ret = parse_reply(reply, (size_t)n, seq, mac);
	}
	free(reply);
	close(fd);
	return ret == -EAGAIN ? -ETIMEDOUT : ret;
}
