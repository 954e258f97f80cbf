/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * fo_tc_redirect_* against the real kernel, in a network namespace of its
 * own (test/pmd/in_netns.sh, and unshare() here again): veth syn0/peer0
 * stands for the synthetic NIC and its host side, tap0 (opened here like
 * net_tap does) for the TAP.
 * Checked by check(), by frames sent through, and by `tc` output as an
 * independent dump. Every call of the module must leave the fd count as is.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "failover_tc.h"
#include "fo_check.h"
#include "fo_test_util.h"

#define SYN "syn0"
#define PEER "peer0"
#define TAP "tap0"
#define TEST_ETHERTYPE 0x88b5 /* local experimental: nothing else sends it */

static char err[512];

static bool
installed(void)
{
	bool on = true;
	int ret = FO(fo_tc_redirect_check(SYN, TAP, &on, err, sizeof(err)));

	CHECK(ret == 0, "check: %d %s", ret, err);
	return on;
}

/* Independent dump: `tc filter show dev X ingress`. */
struct tc_view {
	int lines;     /* filter lines, any priority */
	int ours;      /* key nodes at our priority */
	int keys;      /* key nodes, any priority */
	int mirred;    /* mirred actions */
	bool to_other; /* a mirred to the expected device */
};

static struct tc_view
tc_view(const char *dev, const char *other)
{
	char cmd[128], line[512], want[64], prio[32];
	struct tc_view v = {0};
	FILE *f;

	snprintf(cmd, sizeof(cmd), "tc filter show dev %s ingress 2>/dev/null", dev);
	snprintf(want, sizeof(want), "Egress Redirect to device %s)", other);
	snprintf(prio, sizeof(prio), "pref %u ", FO_TC_PRIO);
	f = popen(cmd, "r");
	CHECK(f != NULL, "popen %s", cmd);
	while (fgets(line, sizeof(line), f) != NULL) {
		bool key = strncmp(line, "filter", 6) == 0 && strstr(line, "::") != NULL;

		v.lines += strncmp(line, "filter", 6) == 0;
		v.keys += key;
		v.ours += key && strstr(line, prio) != NULL;
		v.mirred += strstr(line, "mirred") != NULL;
		v.to_other |= strstr(line, want) != NULL;
	}
	pclose(f);
	return v;
}

static bool
has_ingress_qdisc(const char *dev)
{
	char cmd[128], line[256];
	bool found = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "tc qdisc show dev %s ingress 2>/dev/null", dev);
	f = popen(cmd, "r");
	CHECK(f != NULL, "popen %s", cmd);
	while (fgets(line, sizeof(line), f) != NULL)
		found |= strncmp(line, "qdisc ingress ffff:", 19) == 0;
	pclose(f);
	return found;
}

/* Exactly one filter of ours on each side, each to the other interface. */
static void
expect_one_each(void)
{
	struct tc_view s = tc_view(SYN, TAP), t = tc_view(TAP, SYN);

	CHECK(s.ours == 1 && s.mirred == 1 && s.to_other, "syn0: %d ours, %d mirred", s.ours,
	      s.mirred);
	CHECK(t.ours == 1 && t.mirred == 1 && t.to_other, "tap0: %d ours, %d mirred", t.ours,
	      t.mirred);
}

static void
expect_clean(const char *dev)
{
	struct tc_view v = tc_view(dev, "-");

	CHECK(v.lines == 0, "%s still has %d filter lines", dev, v.lines);
	CHECK(!has_ingress_qdisc(dev), "%s still has an ingress qdisc", dev);
}

/* A TAP like net_tap's: non-persistent, gone when the fd closes. */
static int
tap_open(void)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		SKIP("cannot open /dev/net/tun: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", TAP);
	CHECK(ioctl(fd, TUNSETIFF, &ifr) == 0, "TUNSETIFF: %s", strerror(errno));
	sh("ip link set " TAP " up");
	return fd;
}

static int
packet_open(const char *dev)
{
	struct sockaddr_ll sll = {0};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));

	CHECK(fd >= 0, "AF_PACKET socket: %s", strerror(errno));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(dev);
	CHECK(bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == 0, "bind %s: %s", dev,
	      strerror(errno));
	return fd;
}

static size_t
frame(uint8_t *buf, uint32_t tag)
{
	static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 0x02};
	static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x01};
	uint16_t type = htons(TEST_ETHERTYPE);

	memset(buf, 0, 64);
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	memcpy(buf + 12, &type, 2);
	memcpy(buf + 14, "FOTC", 4);
	memcpy(buf + 18, &tag, 4);
	return 64;
}

static bool
is_frame(const uint8_t *buf, ssize_t n, uint32_t tag)
{
	uint8_t want[64];

	frame(want, tag);
	return n >= 64 && memcmp(buf, want, 22) == 0;
}

/* Wait up to ms for the tagged frame on fd (tap fd or AF_PACKET socket). */
static bool
wait_frame(int fd, bool packet, uint32_t tag, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	uint8_t buf[2048];
	int waited;

	for (waited = 0; waited < ms; waited += 10) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (poll(&p, 1, 10) <= 0)
			continue;
		while ((n = packet ? recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
					      &fl)
				   : read(fd, buf, sizeof(buf))) > 0) {
			/* The sender's own copy on peer0 is not an arrival. */
			if (packet && from.sll_pkttype == PACKET_OUTGOING)
				continue;
			if (is_frame(buf, n, tag))
				return true;
			fl = sizeof(from);
		}
	}
	return false;
}

/* Host -> syn0 -> TAP fd, and TAP fd -> syn0 -> host. */
static void
traffic(int tapfd, int peerfd, bool expect)
{
	static uint32_t tag = 1000;
	int ms = expect ? 2000 : 300;
	uint8_t buf[64];
	size_t len;

	len = frame(buf, ++tag);
	CHECK(send(peerfd, buf, len, 0) == (ssize_t)len, "send on peer0: %s", strerror(errno));
	CHECK(wait_frame(tapfd, false, tag, ms) == expect, "peer0 -> tap fd: expected %s",
	      expect ? "arrival" : "nothing");
	len = frame(buf, ++tag);
	CHECK(write(tapfd, buf, len) == (ssize_t)len, "write tap fd: %s", strerror(errno));
	CHECK(wait_frame(peerfd, true, tag, ms) == expect, "tap fd -> peer0: expected %s",
	      expect ? "arrival" : "nothing");
}

static void
install_ok(const char *what)
{
	int ret = FO(fo_tc_redirect_install(SYN, TAP, err, sizeof(err)));

	CHECK(ret == 0, "install (%s): %d %s", what, ret, err);
	CHECK(err[0] == '\0', "install (%s) noted: %s", what, err);
	CHECK(installed(), "check after install (%s)", what);
	expect_one_each();
}

static void
write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return;
	fputs(val, f);
	fclose(f);
}

static void
guard(void)
{
	if (geteuid() != 0)
		SKIP("needs root (netlink tc changes, veth and tap)");
	/*
	 * Never touch the machine's own network: a namespace of our own even
	 * when not started by in_netns.sh; gone with the process.
	 */
	if (unshare(CLONE_NEWNET) != 0)
		SKIP("cannot create a network namespace: %s", strerror(errno));
	/* No IPv6 chatter (DAD, RS) on the new interfaces. */
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	if (access("/dev/net/tun", R_OK | W_OK) != 0)
		SKIP("no /dev/net/tun");
	if (system("ip link add " SYN " type veth peer name " PEER) != 0)
		SKIP("cannot create a veth pair");
}

int
main(void)
{
	int tapfd, peerfd, fds_start, ret;
	struct tc_view v;
	bool on;
	pid_t pid;
	int st;

	setvbuf(stdout, NULL, _IONBF, 0);
	guard();
	sh("ip link set " SYN " up && ip link set " PEER " up");
	tapfd = tap_open();
	peerfd = packet_open(PEER);
	fds_start = count_fds();

	printf("nothing installed: check false, no redirection\n");
	CHECK(!installed(), "installed before install");
	traffic(tapfd, peerfd, false);

	printf("install: both filters, frames through both ways\n");
	install_ok("first");
	CHECK(has_ingress_qdisc(SYN) && has_ingress_qdisc(TAP), "ingress qdiscs");
	traffic(tapfd, peerfd, true);

	printf("install again: idempotent\n");
	install_ok("again");
	traffic(tapfd, peerfd, true);

	printf("a process that installed and was killed: rules kept, no duplicates\n");
	ret = FO(fo_tc_redirect_remove(SYN, TAP, err, sizeof(err)));
	CHECK(ret == 0 && !installed(), "remove: %d %s", ret, err);
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		fo_tc_redirect_install(SYN, TAP, err, sizeof(err));
		raise(SIGKILL);
		_exit(3);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st), "child not killed: %#x", st);
	CHECK(installed(), "the killed process's rules are not there");
	install_ok("after killed process");
	traffic(tapfd, peerfd, true);

	printf("stale duplicate of ours (same cookie, other node): replaced by one\n");
	sh("tc filter add dev " SYN " ingress prio 64017 protocol all handle ::801 u32 "
	   "match u32 0 0 action mirred egress redirect dev " TAP
	   " cookie 6e65745f6661696c6f766572");
	v = tc_view(SYN, TAP);
	CHECK(v.ours == 2, "duplicate not there: %d", v.ours);
	CHECK(!installed(), "check must not accept duplicates");
	install_ok("over a duplicate");
	traffic(tapfd, peerfd, true);

	printf("half installed (TAP side gone): check false, install repairs\n");
	sh("tc filter del dev " TAP " ingress prio 64017");
	CHECK(!installed(), "check true with one side missing");
	install_ok("repair");

	printf("TAP recreated by a new process: stale target replaced\n");
	close(tapfd);
	ret = FO(fo_tc_redirect_check(SYN, TAP, &on, err, sizeof(err)));
	CHECK(ret == 0 && !on && strstr(err, TAP) != NULL, "check, tap gone: %d %d %s", ret, on,
	      err);
	tapfd = tap_open();
	CHECK(!installed(), "syn0 still points at the old tap0");
	install_ok("new tap");
	traffic(tapfd, peerfd, true);

	printf("remove: nothing of ours left, no redirection\n");
	ret = FO(fo_tc_redirect_remove(SYN, TAP, err, sizeof(err)));
	CHECK(ret == 0 && err[0] == '\0', "remove: %d %s", ret, err);
	CHECK(!installed(), "installed after remove");
	expect_clean(SYN);
	expect_clean(TAP);
	traffic(tapfd, peerfd, false);

	printf("remove again: fine\n");
	ret = FO(fo_tc_redirect_remove(SYN, TAP, err, sizeof(err)));
	CHECK(ret == 0 && err[0] == '\0', "remove again: %d %s", ret, err);

	printf("missing interfaces: install fails naming it, remove/check do not\n");
	ret = FO(fo_tc_redirect_install("nosuch0", TAP, err, sizeof(err)));
	CHECK(ret == -ENODEV && strstr(err, "interface nosuch0 does not exist"), "%d %s", ret, err);
	ret = FO(fo_tc_redirect_install(SYN, "nosuch1", err, sizeof(err)));
	CHECK(ret == -ENODEV && strstr(err, "interface nosuch1 does not exist"), "%d %s", ret, err);
	expect_clean(SYN);
	expect_clean(TAP);
	ret = FO(fo_tc_redirect_remove("nosuch0", TAP, err, sizeof(err)));
	CHECK(ret == 0 && strstr(err, "nosuch0"), "remove missing: %d %s", ret, err);
	ret = FO(fo_tc_redirect_check(SYN, "nosuch1", &on, err, sizeof(err)));
	CHECK(ret == 0 && !on && strstr(err, "nosuch1"), "check missing: %d %s", ret, err);
	ret = FO(fo_tc_redirect_install(SYN, "name-longer-than-ifnamsiz", err, sizeof(err)));
	CHECK(ret == -EINVAL && strstr(err, "name-longer-than-ifnamsiz"), "%d %s", ret, err);
	ret = FO(fo_tc_redirect_install(SYN, TAP, NULL, 0));
	CHECK(ret == 0, "install without an error buffer: %d", ret);
	ret = FO(fo_tc_redirect_remove(SYN, TAP, NULL, 0));
	CHECK(ret == 0, "remove without an error buffer: %d", ret);

	printf("someone else's filter at another priority: kept, and so is the qdisc\n");
	sh("tc qdisc add dev " SYN " ingress && tc filter add dev " SYN " ingress prio 100 "
	   "protocol ip u32 match ip dst 192.0.2.1/32 flowid 1:1");
	install_ok("beside a foreign filter");
	traffic(tapfd, peerfd, true);
	ret = FO(fo_tc_redirect_remove(SYN, TAP, err, sizeof(err)));
	CHECK(ret == 0, "remove: %d %s", ret, err);
	v = tc_view(SYN, "-");
	CHECK(v.ours == 0 && v.keys == 1 && has_ingress_qdisc(SYN), "foreign filter lost: %d %d",
	      v.ours, v.keys);
	expect_clean(TAP);
	sh("tc qdisc del dev " SYN " ingress");

	printf("someone else's filter at our priority: install refuses, leaves it\n");
	sh("tc qdisc add dev " SYN " ingress && tc filter add dev " SYN " ingress prio 64017 "
	   "protocol ip u32 match ip dst 192.0.2.1/32 flowid 1:1");
	ret = FO(fo_tc_redirect_install(SYN, TAP, err, sizeof(err)));
	CHECK(ret == -EBUSY && strstr(err, SYN) && strstr(err, "not ours"), "%d %s", ret, err);
	printf("  error: %s\n", err);
	CHECK(!installed(), "installed over a foreign filter");
	expect_clean(TAP); /* its half was rolled back */
	ret = FO(fo_tc_redirect_remove(SYN, TAP, err, sizeof(err)));
	CHECK(ret == 0, "remove: %d %s", ret, err);
	v = tc_view(SYN, "-");
	CHECK(v.keys == 1, "remove took a foreign filter at our priority: %d", v.keys);
	sh("tc qdisc del dev " SYN " ingress");

	printf("kernel refusal: its extended ack is in the error\n");
	sh("tc qdisc add dev " SYN " ingress_block 22 ingress");
	ret = FO(fo_tc_redirect_install(SYN, TAP, err, sizeof(err)));
	CHECK(ret < 0 && strstr(err, SYN) && strstr(err, "kernel: ") && strstr(err, "shared"),
	      "%d %s", ret, err);
	printf("  error: %s\n", err);
	expect_clean(TAP);
	sh("tc qdisc del dev " SYN " ingress");
	expect_clean(SYN);

	CHECK(count_fds() == fds_start, "fds: %d at start, %d now", fds_start, count_fds());
	close(peerfd);
	close(tapfd);
	if (system("ip link del " SYN) != 0)
		fprintf(stderr, "warning: could not delete " SYN "\n");
	printf("ok: %d checks\n", fo_check_count);
	return 0;
}
