/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The kernel_traffic=keep XDP program (bpf/failover_keep.bpf.c) and
 * failover_xdp.c, alone (no DPDK):
 * 1. the embedded object through fo_xdp_keep_prog_path, opened the way
 *    net_af_xdp opens xdp_prog= (libbpf: first program, map xsks_map);
 * 2. the program's verdicts on crafted frames (BPF_PROG_TEST_RUN), with
 *    fo_keep_stats telling passed from redirected: with an empty xsks_map
 *    a redirect falls back to XDP_PASS too;
 * 3. in a network namespace of its own: the program attached to a veth,
 *    fo_xdp_attached, fo_xdp_keep_update against the netdev's addresses
 *    (checked by reading the map directly), fo_xdp_keep_stats on frames
 *    sent through the veth, and the refusals (no program, another one).
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "failover_xdp.h"
#include "fo_check.h"
#include "fo_test_util.h"

#ifndef FO_HAVE_XDP_KEEP

int
main(void)
{
	char err[256], name[16] = "junk";
	uint32_t id = 7, mode = 7;
	int ret;

	/* What the driver sees in such a build; fo_xdp_attached still works. */
	CHECK(!fo_xdp_keep_available());
	ret = fo_xdp_keep_prog_path(err, sizeof(err), err, sizeof(err));
	CHECK(ret == -ENOTSUP && strstr(err, "without its XDP program"), "%d %s", ret, err);
	ret = fo_xdp_attached(1, &id, name, sizeof(name), &mode);
	CHECK(ret == 0 && id == 0 && name[0] == '\0' && mode == 0, "lo: %d %u %s %u", ret, id, name,
	      mode);
	CHECK(fo_xdp_attached(0, &id, NULL, 0, NULL) == -ENODEV);
	SKIP("net_failover built without its XDP program (clang and libbpf-dev at build time)");
}

#else

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define DEV0 "xk0"  /* our program in native (driver) mode */
#define DEV1 "xk1"  /* its veth peer, another instance in generic (skb) mode */
#define DEV2 "xkf0" /* another veth, with a program that is not ours */

static char err[512];

static void
write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL, "open %s: %s", path, strerror(errno));
	fputs(val, f);
	CHECK(fclose(f) == 0, "write %s: %s", path, strerror(errno));
}

/* ---- Frames. ---- */

struct frame {
	uint8_t b[128];
	unsigned int len;
};

static void
put(struct frame *f, const void *p, unsigned int n)
{
	CHECK(f->len + n <= sizeof(f->b));
	memcpy(&f->b[f->len], p, n);
	f->len += n;
}

static void
put16(struct frame *f, uint16_t v)
{
	uint16_t be = htons(v);

	put(f, &be, 2);
}

static const uint8_t mac_dst[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t mac_src[6] = {0x02, 0, 0, 0, 0, 0x02};

/* Ethernet header; vlan_tpid 0 for none (then one tag of VLAN 100). */
static struct frame
eth(uint16_t vlan_tpid, uint16_t type)
{
	struct frame f = {.len = 0};

	put(&f, mac_dst, 6);
	put(&f, mac_src, 6);
	if (vlan_tpid != 0) {
		put16(&f, vlan_tpid);
		put16(&f, 100);
	}
	put16(&f, type);
	return f;
}

static struct frame
arp(uint16_t vlan_tpid, const char *target)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct frame f = eth(vlan_tpid, ETH_P_ARP);
	struct in_addr sip, tip;

	inet_pton(AF_INET, "10.1.0.200", &sip);
	inet_pton(AF_INET, target, &tip);
	put16(&f, 1); /* Ethernet */
	put16(&f, ETH_P_IP);
	put(&f, "\x06\x04", 2);
	put16(&f, 1); /* request */
	put(&f, mac_src, 6);
	put(&f, &sip, 4);
	put(&f, bcast, 6);
	put(&f, &tip, 4);
	memcpy(f.b, bcast, 6);
	return f;
}

/* IPv4 header (proto, no options, checksum not needed by XDP) and 8 bytes. */
static struct frame
ipv4(uint16_t vlan_tpid, const char *dst, uint8_t proto)
{
	struct frame f = eth(vlan_tpid, ETH_P_IP);
	struct in_addr s, d;

	CHECK(inet_pton(AF_INET, "10.1.0.200", &s) == 1 && inet_pton(AF_INET, dst, &d) == 1);
	put(&f, "\x45\x00", 2);
	put16(&f, 20 + 8);
	put(&f, "\x00\x00\x40\x00\x40", 5);
	put(&f, &proto, 1);
	put(&f, "\x00\x00", 2);
	put(&f, &s, 4);
	put(&f, &d, 4);
	put(&f, "\x30\x39\x30\x39\x00\x08\x00\x00", 8); /* UDP 12345 -> 12345 */
	return f;
}

/* IPv6 header; with icmp_type >= 0 an ICMPv6 header of that type follows, else UDP. */
static struct frame
ipv6(uint16_t vlan_tpid, const char *dst, int icmp_type)
{
	struct frame f = eth(vlan_tpid, ETH_P_IPV6);
	struct in6_addr s, d;
	uint8_t nh = icmp_type >= 0 ? 58 : 17, t = (uint8_t)icmp_type;

	CHECK(inet_pton(AF_INET6, "fd00::200", &s) == 1 && inet_pton(AF_INET6, dst, &d) == 1);
	put(&f, "\x60\x00\x00\x00", 4);
	put16(&f, 8);
	put(&f, &nh, 1);
	put(&f, "\xff", 1);
	put(&f, &s, 16);
	put(&f, &d, 16);
	if (icmp_type >= 0) {
		put(&f, &t, 1);
		put(&f, "\x00\x00\x00\x00\x00\x00\x00", 7);
	} else {
		put(&f, "\x30\x39\x30\x39\x00\x08\x00\x00", 8);
	}
	return f;
}

static struct frame
truncated(struct frame f, unsigned int len)
{
	CHECK(len <= f.len);
	f.len = len;
	return f;
}

/* ---- Maps. ---- */

static void
key_of(const char *addr, uint8_t key[16])
{
	struct in_addr a4;

	memset(key, 0, 16);
	if (inet_pton(AF_INET, addr, &a4) == 1) {
		key[10] = 0xff;
		key[11] = 0xff;
		memcpy(&key[12], &a4, 4);
	} else {
		CHECK(inet_pton(AF_INET6, addr, key) == 1, "bad address %s", addr);
	}
}

static void
stats_of(struct bpf_object *obj, uint64_t *passed, uint64_t *redirected)
{
	int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, FO_XDP_KEEP_STATS_MAP));
	int ncpu = libbpf_num_possible_cpus();
	uint64_t v[1024], sum[2] = {0, 0};
	uint32_t idx;
	int i;

	CHECK(fd >= 0 && ncpu > 0 && ncpu <= 1024, "stats map %d, %d cpus", fd, ncpu);
	for (idx = 0; idx < 2; idx++) {
		CHECK(bpf_map_lookup_elem(fd, &idx, v) == 0, "stats lookup: %s", strerror(errno));
		for (i = 0; i < ncpu; i++)
			sum[idx] += v[i];
	}
	*passed = sum[0];
	*redirected = sum[1];
}

/*
 * The map fo_keep_addrs of obj holds exactly the n addresses given,
 * read with the object's own fd (not through the module).
 */
static void
expect_addrs(struct bpf_object *obj, const char *what, unsigned int n, const char *const *addrs)
{
	int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, FO_XDP_KEEP_ADDRS_MAP));
	uint8_t key[16], next[16], want[16];
	unsigned int count = 0, i;
	char text[INET6_ADDRSTRLEN];
	uint8_t v;
	int ret;

	CHECK(fd >= 0);
	for (i = 0; i < n; i++) {
		key_of(addrs[i], want);
		CHECK(bpf_map_lookup_elem(fd, want, &v) == 0 && v == 1, "%s: %s missing", what,
		      addrs[i]);
	}
	ret = bpf_map_get_next_key(fd, NULL, next);
	while (ret == 0) {
		count++;
		inet_ntop(AF_INET6, next, text, sizeof(text));
		for (i = 0; i < n; i++) {
			key_of(addrs[i], want);
			if (memcmp(want, next, 16) == 0)
				break;
		}
		CHECK(i < n, "%s: %s in the map, not an address of the netdev", what, text);
		memcpy(key, next, 16);
		ret = bpf_map_get_next_key(fd, key, next);
	}
	CHECK(count == n, "%s: %u keys, %u expected", what, count, n);
}

/* ---- 1. The object as net_af_xdp loads it. ---- */

static void
check_object(struct bpf_object **objp, char *path, size_t pathlen)
{
	char path2[64], small[8];
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;
	uint8_t buf[4096];
	size_t got = 0;
	ssize_t n;
	int fds, fd, ret;

	printf("prog path: one sealed memfd per process with the embedded bytes\n");
	CHECK(fo_xdp_keep_available());
	fds = count_fds();
	ret = fo_xdp_keep_prog_path(path, pathlen, err, sizeof(err));
	CHECK(ret == 0 && err[0] == '\0', "prog path: %d %s", ret, err);
	CHECK(strncmp(path, "/proc/self/fd/", 14) == 0, "%s", path);
	CHECK(count_fds() == fds + 1, "%d fds more", count_fds() - fds);
	ret = FO(fo_xdp_keep_prog_path(path2, sizeof(path2), err, sizeof(err)));
	CHECK(ret == 0 && strcmp(path, path2) == 0, "second call: %d %s %s", ret, path2, err);
	ret = FO(fo_xdp_keep_prog_path(small, sizeof(small), err, sizeof(err)));
	CHECK(ret == -ENOSPC && strstr(err, path) != NULL, "small buffer: %d %s", ret, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		CHECK(got + (size_t)n <= fo_xdp_keep_obj_len, "longer than the object");
		CHECK(memcmp(buf, &fo_xdp_keep_obj[got], (size_t)n) == 0, "differs at %zu", got);
		got += (size_t)n;
	}
	CHECK(n == 0 && got == fo_xdp_keep_obj_len, "read %zu of %zu", got, fo_xdp_keep_obj_len);
	close(fd);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	CHECK(fd >= 0, "open %s for writing: %s", path, strerror(errno));
	CHECK(write(fd, "x", 1) < 0 && errno == EPERM, "the memfd is writable");
	close(fd);

	printf("opened like net_af_xdp: one program, section xdp, map xsks_map\n");
	obj = bpf_object__open_file(path, NULL);
	CHECK(libbpf_get_error(obj) == 0, "open %s", path);
	CHECK(bpf_object__load(obj) == 0, "load: %s", strerror(errno));
	prog = bpf_object__next_program(obj, NULL);
	CHECK(prog != NULL && bpf_program__fd(prog) >= 0);
	CHECK(bpf_object__next_program(obj, prog) == NULL, "more than one program");
	CHECK(strcmp(bpf_program__section_name(prog), "xdp") == 0, "section %s",
	      bpf_program__section_name(prog));
	CHECK(strcmp(bpf_program__name(prog), FO_XDP_KEEP_PROG_NAME) == 0, "name %s",
	      bpf_program__name(prog));
	CHECK(bpf_program__type(prog) == BPF_PROG_TYPE_XDP);
	map = bpf_object__find_map_by_name(obj, "xsks_map");
	CHECK(map != NULL && bpf_map__type(map) == BPF_MAP_TYPE_XSKMAP &&
	      bpf_map__key_size(map) == 4 && bpf_map__max_entries(map) == FO_XDP_KEEP_MAX_QUEUES);
	map = bpf_object__find_map_by_name(obj, FO_XDP_KEEP_ADDRS_MAP);
	CHECK(map != NULL && bpf_map__type(map) == BPF_MAP_TYPE_HASH &&
	      bpf_map__key_size(map) == 16 && bpf_map__value_size(map) == 1 &&
	      bpf_map__max_entries(map) == FO_XDP_KEEP_MAX_ADDRS);
	map = bpf_object__find_map_by_name(obj, FO_XDP_KEEP_STATS_MAP);
	CHECK(map != NULL && bpf_map__type(map) == BPF_MAP_TYPE_PERCPU_ARRAY &&
	      bpf_map__key_size(map) == 4 && bpf_map__value_size(map) == 8 &&
	      bpf_map__max_entries(map) == 2);
	*objp = obj;
}

/* ---- 2. Verdicts. ---- */

static int
run(int prog_fd, const struct frame *f)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b, .data_size_in = f->len, .repeat = 1);
	int ret = bpf_prog_test_run_opts(prog_fd, &o);

	CHECK(ret == 0, "test run of %u bytes: %s", f->len, strerror(-ret));
	return (int)o.retval;
}

/* The frame gives XDP_PASS and is counted as passed (kernel) or redirected. */
static void
verdict(struct bpf_object *obj, int prog_fd, const char *what, struct frame f, bool kernel)
{
	uint64_t p0, r0, p1, r1;
	int v;

	stats_of(obj, &p0, &r0);
	v = run(prog_fd, &f);
	stats_of(obj, &p1, &r1);
	CHECK(v == XDP_PASS, "%s: verdict %d", what, v);
	CHECK(p1 - p0 == (kernel ? 1 : 0) && r1 - r0 == (kernel ? 0 : 1),
	      "%s: %s expected, passed +%lu redirected +%lu", what, kernel ? "kernel" : "redirect",
	      (unsigned long)(p1 - p0), (unsigned long)(r1 - r0));
}

static void
check_verdicts(void)
{
	static const char *const own[] = {"10.1.0.1", "fd00::1", "fe80::1"};
	struct bpf_object *obj;
	struct bpf_program *prog;
	uint8_t key[16], one = 1;
	unsigned int i;
	int fd, prog_fd;

	printf("verdicts (BPF_PROG_TEST_RUN) of the embedded object\n");
	obj = bpf_object__open_mem(fo_xdp_keep_obj, fo_xdp_keep_obj_len, NULL);
	CHECK(libbpf_get_error(obj) == 0, "open_mem");
	CHECK(bpf_object__load(obj) == 0, "load: %s", strerror(errno));
	prog = bpf_object__next_program(obj, NULL);
	prog_fd = bpf_program__fd(prog);
	fd = bpf_map__fd(bpf_object__find_map_by_name(obj, FO_XDP_KEEP_ADDRS_MAP));
	CHECK(prog_fd >= 0 && fd >= 0);
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		key_of(own[i], key);
		CHECK(bpf_map_update_elem(fd, key, &one, BPF_ANY) == 0);
	}

	verdict(obj, prog_fd, "ARP", arp(0, "10.1.0.1"), true);
	verdict(obj, prog_fd, "ARP for another host", arp(0, "10.1.0.77"), true);
	verdict(obj, prog_fd, "ARP behind 802.1Q", arp(0x8100, "10.1.0.1"), true);
	verdict(obj, prog_fd, "ARP behind 802.1ad", arp(0x88a8, "10.1.0.1"), true);
	verdict(obj, prog_fd, "ICMPv6 133 RS", ipv6(0, "ff02::2", 133), true);
	verdict(obj, prog_fd, "ICMPv6 134 RA", ipv6(0, "ff02::1", 134), true);
	verdict(obj, prog_fd, "ICMPv6 135 NS", ipv6(0, "ff02::1:ff00:77", 135), true);
	verdict(obj, prog_fd, "ICMPv6 136 NA", ipv6(0, "fd00::77", 136), true);
	verdict(obj, prog_fd, "ICMPv6 137 redirect", ipv6(0, "fd00::77", 137), true);
	verdict(obj, prog_fd, "ICMPv6 NS behind 802.1Q", ipv6(0x8100, "ff02::1:ff00:77", 135),
		true);
	verdict(obj, prog_fd, "ICMPv6 132 (MLD done)", ipv6(0, "ff02::2", 132), false);
	verdict(obj, prog_fd, "ICMPv6 138", ipv6(0, "fd00::77", 138), false);
	verdict(obj, prog_fd, "ICMPv6 echo to another", ipv6(0, "fd00::77", 128), false);
	verdict(obj, prog_fd, "ICMPv6 echo to own", ipv6(0, "fd00::1", 128), true);
	verdict(obj, prog_fd, "IPv4 to own", ipv4(0, "10.1.0.1", 17), true);
	verdict(obj, prog_fd, "IPv4 to own, ICMP", ipv4(0, "10.1.0.1", 1), true);
	verdict(obj, prog_fd, "IPv4 to own behind 802.1Q", ipv4(0x8100, "10.1.0.1", 17), true);
	verdict(obj, prog_fd, "IPv4 to another", ipv4(0, "10.1.0.2", 17), false);
	verdict(obj, prog_fd, "IPv4 broadcast", ipv4(0, "255.255.255.255", 17), false);
	verdict(obj, prog_fd, "IPv6 to own", ipv6(0, "fd00::1", -1), true);
	verdict(obj, prog_fd, "IPv6 to own link-local", ipv6(0, "fe80::1", -1), true);
	verdict(obj, prog_fd, "IPv6 to another", ipv6(0, "fd00::2", -1), false);
	verdict(obj, prog_fd, "IPv6 to v4-mapped own", ipv6(0, "::ffff:10.1.0.2", -1), false);
	verdict(obj, prog_fd, "other ethertype", eth(0, 0x88b5), false);
	verdict(obj, prog_fd, "runt: Ethernet header only, IPv4",
		truncated(ipv4(0, "10.1.0.1", 17), 14), false);
	verdict(obj, prog_fd, "runt: IPv4 header cut before the destination",
		truncated(ipv4(0, "10.1.0.1", 17), 14 + 19), false);
	verdict(obj, prog_fd, "runt: IPv6 header cut", truncated(ipv6(0, "fd00::1", -1), 14 + 39),
		false);
	verdict(obj, prog_fd, "runt: ICMPv6 NS without the ICMPv6 header",
		truncated(ipv6(0, "ff02::1:ff00:77", 135), 14 + 40 + 3), false);
	verdict(obj, prog_fd, "runt: VLAN tag cut", truncated(arp(0x8100, "10.1.0.1"), 16), false);
	bpf_object__close(obj);
}

/* ---- 3. Attached, in a namespace. ---- */

static void
netns(void)
{
	/*
	 * Never touch the machine's own network: a namespace of our own even
	 * when not started by in_netns.sh; gone with the process.
	 */
	if (unshare(CLONE_NEWNET) != 0)
		SKIP("cannot create a network namespace: %s", strerror(errno));
	/* New netdevs without IPv6 (no RS, DAD or MLD frames in the counts) ... */
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	if (system("ip link add " DEV0 " type veth peer name " DEV1) != 0)
		SKIP("cannot create a veth pair");
	sh("ip link add " DEV2 " type veth peer name " DEV2 "p");
	/* ... but DEV0, with only the addresses given to it. */
	sh("ip link set " DEV0 " addrgenmode none");
	write_file("/proc/sys/net/ipv6/conf/" DEV0 "/disable_ipv6", "0");
	sh("ip link set " DEV0 " up && ip link set " DEV1 " up && ip link set " DEV2 " up");
}

static int
packet_open(const char *dev)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = 0};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0, "packet socket: %s", strerror(errno));
	sll.sll_ifindex = (int)if_nametoindex(dev);
	CHECK(bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == 0, "bind: %s", strerror(errno));
	return fd;
}

/* Send frames out of DEV1; DEV0's program counts them as they arrive. */
static void
traffic(unsigned int ifindex, int txfd, uint64_t want_passed, uint64_t want_redirected)
{
	const struct frame f[] = {
		arp(0, "10.1.0.1"),	   /* passed */
		ipv4(0, "10.1.0.1", 253),  /* own while 10.1.0.1/24 is there */
		ipv6(0, "fd00::1", -1),	   /* own while fd00::1/64 is there */
		ipv4(0, "10.1.0.99", 253), /* redirected */
		ipv6(0, "fd00::99", -1),   /* redirected */
	};
	uint64_t p0, r0, p, r;
	unsigned int i;
	int ret, tries;

	ret = FO(fo_xdp_keep_stats(ifindex, &p0, &r0));
	CHECK(ret == 0, "stats: %d", ret);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		CHECK(send(txfd, f[i].b, f[i].len, 0) == (ssize_t)f[i].len, "send: %s",
		      strerror(errno));
	/* veth delivers from its NAPI: wait for the frames, then for stragglers. */
	for (tries = 0; tries < 200; tries++) {
		ret = fo_xdp_keep_stats(ifindex, &p, &r);
		CHECK(ret == 0);
		if (p - p0 + r - r0 >= want_passed + want_redirected)
			break;
		usleep(10000);
	}
	usleep(100000);
	ret = fo_xdp_keep_stats(ifindex, &p, &r);
	CHECK(ret == 0);
	CHECK(p - p0 == want_passed && r - r0 == want_redirected,
	      "through the veth: passed +%lu redirected +%lu, want +%lu +%lu",
	      (unsigned long)(p - p0), (unsigned long)(r - r0), (unsigned long)want_passed,
	      (unsigned long)want_redirected);
}

/* A program that is not ours: XDP_PASS, no maps. */
static int
foreign_prog(void)
{
	/* r0 = XDP_PASS; exit */
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "not_failover", "GPL", insns, 2, NULL);

	CHECK(fd >= 0, "load a foreign program: %s", strerror(errno));
	return fd;
}

static uint32_t
prog_id(int fd)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	CHECK(bpf_obj_get_info_by_fd(fd, &info, &len) == 0);
	return info.id;
}

static void
expect_attached(unsigned int ifindex, uint32_t id, const char *name, uint32_t mode)
{
	char got[32] = "junk";
	uint32_t gid = 7, gmode = 7;
	int ret = FO(fo_xdp_attached(ifindex, &gid, got, sizeof(got), &gmode));

	CHECK(ret == 0 && gid == id && strcmp(got, name) == 0 && gmode == mode,
	      "attached to %u: %d id %u name \"%s\" mode %u, want %u \"%s\" %u", ifindex, ret, gid,
	      got, gmode, id, name, mode);
}

static void
update_ok(unsigned int ifindex, const char *what)
{
	int ret = FO(fo_xdp_keep_update(ifindex, err, sizeof(err)));

	CHECK(ret == 0 && err[0] == '\0', "update, %s: %d %s", what, ret, err);
}

static void
check_attached(const char *path)
{
	unsigned int if0 = if_nametoindex(DEV0), if1 = if_nametoindex(DEV1);
	unsigned int if2 = if_nametoindex(DEV2);
	struct bpf_object *obj0, *obj1;
	int fd, fd0, fd1, ffd, txfd, ret;
	uint8_t key[16], one = 1;
	uint64_t p, r;

	CHECK(if0 && if1 && if2);
	printf("nothing attached: fo_xdp_attached says so, update/stats refuse\n");
	expect_attached(if0, 0, "", XDP_ATTACHED_NONE);
	ret = FO(fo_xdp_keep_update(if0, err, sizeof(err)));
	CHECK(ret == -ENOENT && strstr(err, "no XDP program attached to ifindex"), "%d %s", ret,
	      err);
	CHECK(strstr(err, DEV0) != NULL, "interface not named: %s", err);
	CHECK(FO(fo_xdp_keep_stats(if0, &p, &r)) == -ENOENT);
	ret = FO(fo_xdp_attached(99999, NULL, NULL, 0, NULL));
	CHECK(ret == -ENODEV, "no such ifindex: %d", ret);
	ret = FO(fo_xdp_keep_update(99999, err, sizeof(err)));
	CHECK(ret == -ENODEV && strstr(err, "99999"), "no such ifindex: %d %s", ret, err);

	printf("another program (generic mode): not ours\n");
	ffd = foreign_prog();
	CHECK(bpf_xdp_attach((int)if2, ffd, XDP_FLAGS_SKB_MODE, NULL) == 0, "attach foreign");
	expect_attached(if2, prog_id(ffd), "not_failover", XDP_ATTACHED_SKB);
	ret = FO(fo_xdp_keep_update(if2, err, sizeof(err)));
	CHECK(ret == -ENOENT && strstr(err, "not net_failover's") && strstr(err, "not_failover"),
	      "%d %s", ret, err);
	CHECK(FO(fo_xdp_keep_stats(if2, &p, &r)) == -ENOENT);

	printf("ours on " DEV0 ", attached like net_af_xdp 22.11 (no mode: native on veth)\n");
	obj0 = bpf_object__open_file(path, NULL);
	CHECK(libbpf_get_error(obj0) == 0 && bpf_object__load(obj0) == 0);
	fd0 = bpf_program__fd(bpf_object__next_program(obj0, NULL));
	CHECK(bpf_xdp_attach((int)if0, fd0, XDP_FLAGS_UPDATE_IF_NOEXIST, NULL) == 0, "attach: %s",
	      strerror(errno));
	expect_attached(if0, prog_id(fd0), FO_XDP_KEEP_PROG_NAME, XDP_ATTACHED_DRV);
	ret = FO(fo_xdp_keep_stats(if0, &p, &r));
	CHECK(ret == 0 && p == 0 && r == 0, "fresh stats: %d %lu %lu", ret, (unsigned long)p,
	      (unsigned long)r);

	printf("a second instance on " DEV1 " in generic mode: maps of its own\n");
	obj1 = bpf_object__open_mem(fo_xdp_keep_obj, fo_xdp_keep_obj_len, NULL);
	CHECK(libbpf_get_error(obj1) == 0 && bpf_object__load(obj1) == 0);
	fd1 = bpf_program__fd(bpf_object__next_program(obj1, NULL));
	CHECK(bpf_xdp_attach((int)if1, fd1, XDP_FLAGS_SKB_MODE, NULL) == 0, "attach skb: %s",
	      strerror(errno));
	expect_attached(if1, prog_id(fd1), FO_XDP_KEEP_PROG_NAME, XDP_ATTACHED_SKB);

	printf("update: exactly the netdev's addresses, a stale entry removed\n");
	sh("ip addr add 10.1.0.1/24 dev " DEV0 " && ip addr add 10.1.0.2/32 dev " DEV0);
	sh("ip addr add fd00::1/64 dev " DEV0 " nodad && ip addr add fe80::1/64 dev " DEV0
	   " nodad");
	sh("ip addr add 10.9.9.9/24 dev " DEV1);
	key_of("192.0.2.9", key);
	fd = bpf_map__fd(bpf_object__find_map_by_name(obj0, FO_XDP_KEEP_ADDRS_MAP));
	CHECK(fd >= 0 && bpf_map_update_elem(fd, key, &one, BPF_ANY) == 0);
	update_ok(if0, "first");
	expect_addrs(obj0, "first", 4,
		     (const char *const[]){"10.1.0.1", "10.1.0.2", "fd00::1", "fe80::1"});
	expect_addrs(obj1, DEV1 " before its update", 0, NULL);
	update_ok(if0, "again");
	expect_addrs(obj0, "again", 4,
		     (const char *const[]){"10.1.0.1", "10.1.0.2", "fd00::1", "fe80::1"});
	update_ok(if1, DEV1);
	expect_addrs(obj1, DEV1, 1, (const char *const[]){"10.9.9.9"});

	printf("frames through the veth: counted by fo_xdp_keep_stats\n");
	txfd = packet_open(DEV1);
	traffic(if0, txfd, 3, 2);

	printf("addresses removed and added, a point-to-point one (its local side)\n");
	sh("ip addr del 10.1.0.2/32 dev " DEV0 " && ip addr del fd00::1/64 dev " DEV0);
	sh("ip addr add 10.1.0.3/24 dev " DEV0 " && ip addr add 10.5.0.1 peer 10.5.0.2 dev " DEV0);
	update_ok(if0, "second");
	expect_addrs(obj0, "second", 4,
		     (const char *const[]){"10.1.0.1", "10.1.0.3", "10.5.0.1", "fe80::1"});
	/* fd00::1 is no longer the netdev's: redirected now. */
	traffic(if0, txfd, 2, 3);
	close(txfd);

	printf("more addresses than the map holds: -ENOSPC, map unchanged; none: empty\n");
	sh("for i in $(seq 0 256); do"
	   " echo addr add 10.7.$((i / 200)).$((i % 200 + 1))/32 dev " DEV1 ";"
	   " done | ip -batch -");
	ret = FO(fo_xdp_keep_update(if1, err, sizeof(err)));
	CHECK(ret == -ENOSPC && strstr(err, "more than 256"), "%d %s", ret, err);
	expect_addrs(obj1, DEV1 " after -ENOSPC", 1, (const char *const[]){"10.9.9.9"});
	sh("ip addr flush dev " DEV1);
	update_ok(if1, DEV1 " without addresses");
	expect_addrs(obj1, DEV1 " without addresses", 0, NULL);

	printf("detach: nothing attached, update refuses\n");
	CHECK(bpf_xdp_detach((int)if0, 0, NULL) == 0);
	CHECK(bpf_xdp_detach((int)if1, XDP_FLAGS_SKB_MODE, NULL) == 0);
	CHECK(bpf_xdp_detach((int)if2, XDP_FLAGS_SKB_MODE, NULL) == 0);
	expect_attached(if0, 0, "", XDP_ATTACHED_NONE);
	expect_attached(if1, 0, "", XDP_ATTACHED_NONE);
	expect_attached(if2, 0, "", XDP_ATTACHED_NONE);
	ret = FO(fo_xdp_keep_update(if0, err, sizeof(err)));
	CHECK(ret == -ENOENT, "after detach: %d %s", ret, err);
	bpf_object__close(obj0);
	bpf_object__close(obj1);
	close(ffd);
}

int
main(void)
{
	char path[64];
	struct bpf_object *obj;

	setvbuf(stdout, NULL, _IONBF, 0);
	/* This build compiled the program in (FO_HAVE_XDP_KEEP): it must offer it. */
	CHECK(fo_xdp_keep_available(),
	      "fo_xdp_keep_available() is false in a build with the program (FO_HAVE_XDP_KEEP)");
	if (geteuid() != 0)
		SKIP("needs root (BPF programs, network namespace)");
	check_object(&obj, path, sizeof(path));
	bpf_object__close(obj);
	check_verdicts();
	netns();
	check_attached(path);
	CHECK_DONE();
}

#endif /* FO_HAVE_XDP_KEEP */
