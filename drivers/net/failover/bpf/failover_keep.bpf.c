/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */

/*
 * XDP program of the AF_XDP exception path with kernel_traffic=keep:
 * what the kernel needs to keep the synthetic netdev reachable goes to
 * the kernel (XDP_PASS), everything else to the AF_XDP socket of the
 * receive queue (net_af_xdp fills xsks_map). Kept for the kernel: ARP,
 * IPv6 neighbour discovery and router messages (ICMPv6 133 to 137), and
 * IPv4/IPv6 packets to one of the netdev's own addresses (fo_keep_addrs,
 * filled by failover_xdp.c). Behind one VLAN tag the same rules apply.
 *
 * net_af_xdp (DPDK 22.11 to 25.11) loads it with libbpf: the first
 * program of the object is attached, so this object has exactly one, in
 * section "xdp" (libbpf 1.x wants a known section name for the program
 * type); its map of sockets must be called xsks_map.
 *
 * Dual licensed: redirecting to an XSKMAP needs a GPL-compatible license.
 */

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmpv6.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* Also in failover_xdp.h: the userspace side must agree. */
#define FO_KEEP_MAX_QUEUES 256
#define FO_KEEP_MAX_ADDRS 256
#define FO_KEEP_STAT_PASSED 0
#define FO_KEEP_STAT_REDIRECTED 1

/* Not in every linux/if_ether.h the program may be built with. */
#define FO_ETH_P_8021Q 0x8100
#define FO_ETH_P_8021AD 0x88a8

/* AF_XDP sockets by receive queue index: net_af_xdp looks it up by name. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, FO_KEEP_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

/* The netdev's own addresses; IPv4 as v4-mapped IPv6 (::ffff:a.b.c.d). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FO_KEEP_MAX_ADDRS);
	__type(key, struct in6_addr);
	__type(value, __u8);
} fo_keep_addrs SEC(".maps");

/* Frames passed to the kernel [0] and redirected [1]. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} fo_keep_stats SEC(".maps");

struct fo_vlan_hdr {
	__be16 tci;
	__be16 proto;
};

static __always_inline int
fo_count(__u32 idx, int verdict)
{
	__u64 *n = bpf_map_lookup_elem(&fo_keep_stats, &idx);

	if (n != NULL)
		*n += 1; /* per-CPU: no atomic needed */
	return verdict;
}

static __always_inline int
fo_pass(void)
{
	return fo_count(FO_KEEP_STAT_PASSED, XDP_PASS);
}

static __always_inline int
fo_redirect(struct xdp_md *ctx)
{
	fo_count(FO_KEEP_STAT_REDIRECTED, XDP_PASS);
	/* No socket on this queue (yet): the kernel gets the frame. */
	return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
}

static __always_inline int
fo_own(const struct in6_addr *addr)
{
	return bpf_map_lookup_elem(&fo_keep_addrs, addr) != NULL;
}

SEC("xdp")
int
fo_xdp_keep(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	void *l3 = eth + 1;
	__be16 proto;

	if (l3 > end)
		return fo_redirect(ctx);
	proto = eth->h_proto;
	if (proto == bpf_htons(FO_ETH_P_8021Q) || proto == bpf_htons(FO_ETH_P_8021AD)) {
		struct fo_vlan_hdr *vlan = l3;

		if ((void *)(vlan + 1) > end)
			return fo_redirect(ctx);
		proto = vlan->proto;
		l3 = vlan + 1;
	}

	if (proto == bpf_htons(ETH_P_ARP))
		return fo_pass();

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l3;
		struct in6_addr a = {};

		if ((void *)(ip + 1) > end)
			return fo_redirect(ctx);
		a.in6_u.u6_addr16[5] = 0xffff;
		a.in6_u.u6_addr32[3] = ip->daddr;
		return fo_own(&a) ? fo_pass() : fo_redirect(ctx);
	}

	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;
		struct icmp6hdr *icmp6 = (void *)(ip6 + 1);
		struct in6_addr a;

		if ((void *)(ip6 + 1) > end)
			return fo_redirect(ctx);
		/* Neighbour discovery carries no extension headers (RFC 6980). */
		if (ip6->nexthdr == IPPROTO_ICMPV6 && (void *)(icmp6 + 1) <= end &&
		    icmp6->icmp6_type >= 133 && icmp6->icmp6_type <= 137)
			return fo_pass();
		__builtin_memcpy(&a, &ip6->daddr, sizeof(a));
		return fo_own(&a) ? fo_pass() : fo_redirect(ctx);
	}

	return fo_redirect(ctx);
}

char _license[] SEC("license") = "Dual BSD/GPL";
