/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FO_TEST_UTIL_H
#define FO_TEST_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_packet.h>

#include "fo_check.h"

/* Helpers of the C tests that work on kernel state (namespaces, netlink). */

/* Open descriptors of this process. */
static inline int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	CHECK(d != NULL, "opendir /proc/self/fd: %s", strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Run a call of the module and check it leaked no descriptor. */
#define FO(call)                                                                           \
	({                                                                                 \
		int fds_ = count_fds();                                                    \
		int ret_ = (call);                                                         \
		CHECK(count_fds() == fds_, "%s leaked %d fds", #call, count_fds() - fds_); \
		ret_;                                                                      \
	})

/* A shell command that must succeed. */
static inline void
sh(const char *cmd)
{
	int st = system(cmd);

	CHECK(st == 0, "`%s` exited %d", cmd, st);
}

/* A non-blocking packet socket on ifname for EtherType proto (ETH_P_ALL: all). */
static inline int
raw_open(const char *ifname, uint16_t proto)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = (int)if_nametoindex(ifname),
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(proto));

	CHECK(fd >= 0 && sll.sll_ifindex > 0, "raw socket on %s", ifname);
	CHECK(bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == 0, "bind to %s", ifname);
	return fd;
}

#endif /* FO_TEST_UTIL_H */
