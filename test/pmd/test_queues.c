/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Queue counts of net_failover over AF_PACKET sub-devices on veth pairs:
 * the port configured with 1/1, 1/2, 2/3 and 4/4 Rx/Tx queues carries
 * traffic on every queue, on each path, across a switch between them.
 * Frames are sent and read at the veth peers with a raw socket. One case
 * per process: test_queues CASE [GEN_TREE_PY]. Needs root and a network
 * namespace of its own (in_netns.sh).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "fo_check.h"
#include "fo_test_util.h"
#include "fotest_eal.h"
#include "rte_pmd_failover.h"

#define NB_MBUF 4095
#define BURST 32
#define FLOWS 128	/* frames (one flow each) sent to the port per path */
#define TX_PER_QUEUE 16 /* frames the port sends on each Tx queue */
#define UDP_MARK 9999	/* destination port of the test's frames */
#define HDRS \
	(sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr))

static struct rte_mempool *mp;
static uint16_t fo_port;
static const char *gen_tree; /* test/e2e/gen_tree.py */
static int case_argc;	     /* the command line, for a case's own arguments */
static char **case_argv;
static char tree_dir[PATH_MAX]; /* the generated sysfs tree, removed at exit */

#define WAIT_UNTIL(cond, seconds)                                                      \
	do {                                                                           \
		uint64_t end_ = rte_get_timer_cycles() + (seconds)*rte_get_timer_hz(); \
		while (!(cond) && rte_get_timer_cycles() < end_)                       \
			rte_delay_us_sleep(1000);                                      \
	} while (0)

static struct rte_pmd_failover_status
status(void)
{
	struct rte_pmd_failover_status st;

	CHECK(rte_pmd_failover_status_get(fo_port, &st) == 0, "status");
	return st;
}

/* Two veth pairs: fq_p (primary) - fq_pp and fq_s (standby) - fq_sp. */
static void
veths_add(void)
{
	sh("ip link add fq_p type veth peer name fq_pp && ip link add fq_s type veth peer name fq_sp"
	   " && ip link set fq_p address 02:00:00:00:0f:01 && ip link set fq_s address 02:00:00:00:0f:01"
	   " && for i in fq_p fq_pp fq_s fq_sp; do ip link set $i up; done");
}

static void
configure(uint16_t nb_rx, uint16_t nb_tx)
{
	struct rte_eth_conf conf = {0};
	uint16_t q;

	CHECK(rte_eth_dev_configure(fo_port, nb_rx, nb_tx, &conf) == 0, "configure %u/%u", nb_rx,
	      nb_tx);
	for (q = 0; q < nb_rx; q++)
		CHECK(rte_eth_rx_queue_setup(fo_port, q, 256, SOCKET_ID_ANY, NULL, mp) == 0,
		      "rx queue %u", q);
	for (q = 0; q < nb_tx; q++)
		CHECK(rte_eth_tx_queue_setup(fo_port, q, 256, SOCKET_ID_ANY, NULL) == 0,
		      "tx queue %u", q);
}

/* An IPv4/UDP frame of flow `flow` carrying seq after the headers. */
static void
frame_fill(uint8_t *p, uint16_t flow, uint32_t seq)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	memset(p, 0, HDRS + 32);
	memset(eh->dst_addr.addr_bytes, 0xff, RTE_ETHER_ADDR_LEN);
	eh->src_addr.addr_bytes[0] = 0x02;
	eh->src_addr.addr_bytes[5] = 0x42;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*udp) + 32);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 9, flow >> 8, flow & 0xff));
	ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 9, 255, 1));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(1000 + flow);
	udp->dst_port = rte_cpu_to_be_16(UDP_MARK);
	udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + 32);
	memcpy(udp + 1, &seq, sizeof(seq));
}

/* The seq of one of the test's frames, or false. */
static bool
frame_seq(const uint8_t *p, size_t len, uint32_t *seq)
{
	const struct rte_ether_hdr *eh = (const struct rte_ether_hdr *)p;
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eh + 1);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);

	if (len < HDRS + sizeof(*seq) || eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ip->next_proto_id != IPPROTO_UDP || udp->dst_port != rte_cpu_to_be_16(UDP_MARK))
		return false;
	memcpy(seq, udp + 1, sizeof(*seq));
	return true;
}

/* Every Tx queue of the port: its frames come out at the peer. */
static void
tx_every_queue(int fd, uint16_t nb_tx, uint32_t base)
{
	bool seen[RTE_MAX_QUEUES_PER_PORT * TX_PER_QUEUE] = {false};
	unsigned int want = nb_tx * TX_PER_QUEUE, got = 0;
	uint8_t buf[2048];
	uint64_t end;
	uint16_t q;

	for (q = 0; q < nb_tx; q++) {
		struct rte_mbuf *pkts[TX_PER_QUEUE];
		unsigned int i, sent = 0;

		for (i = 0; i < TX_PER_QUEUE; i++) {
			pkts[i] = rte_pktmbuf_alloc(mp);
			CHECK(pkts[i] != NULL, "mbuf");
			frame_fill((uint8_t *)rte_pktmbuf_append(pkts[i], HDRS + 32), i,
				   base + q * TX_PER_QUEUE + i);
		}
		for (i = 0; i < 1000 && sent < TX_PER_QUEUE; i++)
			sent += rte_eth_tx_burst(fo_port, q, pkts + sent, TX_PER_QUEUE - sent);
		CHECK(sent == TX_PER_QUEUE, "tx queue %u sent %u of %u", q, sent, TX_PER_QUEUE);
	}
	end = rte_get_timer_cycles() + 3 * rte_get_timer_hz();
	while (got < want && rte_get_timer_cycles() < end) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		uint32_t seq;

		if (n < 0) {
			rte_delay_us_sleep(200);
			continue;
		}
		if (frame_seq(buf, (size_t)n, &seq) && seq >= base && seq < base + want &&
		    !seen[seq - base]) {
			seen[seq - base] = true;
			got++;
		}
	}
	for (q = 0; q < nb_tx; q++) {
		unsigned int i;

		for (i = 0; i < TX_PER_QUEUE; i++)
			CHECK(seen[q * TX_PER_QUEUE + i], "frame %u of tx queue %u never left", i,
			      q);
	}
}

static uint64_t
xstat_of(const char *name)
{
	uint64_t id, value;

	CHECK(rte_eth_xstats_get_id_by_name(fo_port, name, &id) == 0, "xstat %s", name);
	CHECK(rte_eth_xstats_get_by_id(fo_port, &id, &value, 1) == 1, "xstat %s", name);
	return value;
}

/* Per-queue Rx counters add up to the port's: spread queues count for theirs. */
static void
rx_queue_counters(uint16_t nb_rx)
{
	uint64_t sum = 0, total;
	char name[64];
	uint16_t q;

	for (q = 0; q < nb_rx; q++) {
		snprintf(name, sizeof(name), "rx_q%u_packets", q);
		sum += xstat_of(name);
	}
	total = xstat_of("rx_good_packets");
	CHECK(sum == total, "rx queue counters add up to %lu, the port counted %lu",
	      (unsigned long)sum, (unsigned long)total);
}

/* FLOWS flows sent at the peer all reach the port, and every Rx queue gets some. */
static void
rx_every_queue(int fd, uint16_t nb_rx, uint32_t base)
{
	bool seen[FLOWS] = {false};
	unsigned int per_queue[RTE_MAX_QUEUES_PER_PORT] = {0};
	unsigned int got = 0, i;
	uint8_t buf[HDRS + 32];
	uint64_t end;

	for (i = 0; i < FLOWS; i++) {
		frame_fill(buf, i, base + i);
		CHECK(send(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf), "send at the peer: %s",
		      strerror(errno));
	}
	end = rte_get_timer_cycles() + 3 * rte_get_timer_hz();
	while (got < FLOWS && rte_get_timer_cycles() < end) {
		uint16_t q;

		for (q = 0; q < nb_rx; q++) {
			struct rte_mbuf *pkts[BURST];
			uint16_t k, nb = rte_eth_rx_burst(fo_port, q, pkts, BURST);

			for (k = 0; k < nb; k++) {
				uint32_t seq;

				CHECK(pkts[k]->port == fo_port, "mbuf->port %u", pkts[k]->port);
				if (frame_seq(rte_pktmbuf_mtod(pkts[k], uint8_t *),
					      rte_pktmbuf_data_len(pkts[k]), &seq) &&
				    seq >= base && seq < base + FLOWS && !seen[seq - base]) {
					seen[seq - base] = true;
					per_queue[q]++;
					got++;
				}
				rte_pktmbuf_free(pkts[k]);
			}
		}
	}
	CHECK(got == FLOWS, "%u of %u frames sent at the peer reached the port", got, FLOWS);
	for (i = 0; i < nb_rx; i++)
		CHECK(per_queue[i] > 0, "rx queue %u received nothing of %u flows", i, FLOWS);
	rx_queue_counters(nb_rx);
}

/* Both directions on every queue of the path whose peer is peer. */
static void
traffic(const char *peer, uint16_t nb_rx, uint16_t nb_tx, uint32_t base)
{
	int fd = raw_open(peer, ETH_P_ALL);

	tx_every_queue(fd, nb_tx, base);
	if (nb_rx > 0) /* a Tx-only port */
		rx_every_queue(fd, nb_rx, base + 100000);
	close(fd);
}

/*
 * net_af_xdp (22.11 to 25.11) does not give back the mbufs on its fill ring
 * and completion ring when it is closed. What a bare net_af_xdp keeps, on
 * the same netdev with the same queues and traffic, is measured first on a
 * pool of its own (bare_af_xdp_hold): the port may keep that many, no more.
 */
static unsigned int xdp_close_keeps;

static void
stop_and_close(void)
{
	unsigned int used;

	CHECK(rte_eth_dev_stop(fo_port) == 0, "stop");
	CHECK(rte_eth_dev_close(fo_port) == 0, "close");
	used = rte_mempool_in_use_count(mp);
	if (xdp_close_keeps > 0)
		printf("after close: %u mbufs held, a bare net_af_xdp here keeps %u\n", used,
		       xdp_close_keeps);
	CHECK(used <= xdp_close_keeps, "%u mbufs held after close, a bare net_af_xdp keeps %u",
	      used, xdp_close_keeps);
}

/*
 * A bare net_af_xdp as the port opens it on the AF_XDP path, with the
 * port's queues and the traffic its standby carries (traffic() once): the
 * mbufs it holds after close are its own hold. It runs on a twin of syn0
 * (a veth with as many queues) and in a process of its own (this
 * program's bare_xdp case): net_af_xdp of 22.11.11 never frees its umem
 * on close, so its socket stays bound to the queue for the life of the
 * process, and even once that process is gone the kernel releases the
 * queue later, from a work queue: on syn0 itself the port's bind would
 * fail now and then (EBUSY) and the port take the TAP path.
 */
static void
bare_af_xdp_hold(uint16_t nb_rx, uint16_t nb_tx, unsigned int channels)
{
	char self[PATH_MAX], cmd[PATH_MAX + 64], line[256];
	bool measured = false;
	ssize_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "ip link add fqb0 numtxqueues %u numrxqueues %u type veth peer name hfqb0"
		 " numtxqueues %u numrxqueues %u && ip link set fqb0 up && ip link set hfqb0 up",
		 channels, channels, channels, channels);
	sh(cmd);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0, "/proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	snprintf(cmd, sizeof(cmd), "'%s' bare_xdp fqb0 hfqb0 %u %u", self, nb_rx, nb_tx);
	fflush(stdout);
	p = popen(cmd, "r");
	CHECK(p != NULL, "%s", cmd);
	while (fgets(line, sizeof(line), p) != NULL) {
		printf("bare_xdp: %s", line);
		if (sscanf(line, "bare net_af_xdp holds %u mbufs after close", &xdp_close_keeps) ==
		    1)
			measured = true;
	}
	CHECK(pclose(p) == 0 && measured, "`%s` measured nothing", cmd);
	sh("ip link del fqb0");
}

/* The child of bare_af_xdp_hold(): test_queues bare_xdp IFACE PEER NB_RX NB_TX. */
static void
case_bare_xdp(void)
{
	uint16_t nb_rx, nb_tx;
	char args[64];

	CHECK(case_argc == 6, "usage: test_queues bare_xdp IFACE PEER NB_RX NB_TX");
	nb_rx = (uint16_t)atoi(case_argv[4]);
	nb_tx = (uint16_t)atoi(case_argv[5]);
	snprintf(args, sizeof(args), "iface=%s", case_argv[2]);
	CHECK(rte_vdev_init("net_af_xdp_bare", args) == 0, "a bare net_af_xdp: %s", args);
	CHECK(rte_eth_dev_get_port_by_name("net_af_xdp_bare", &fo_port) == 0, "bare port");
	configure(nb_rx, nb_tx);
	CHECK(rte_eth_dev_start(fo_port) == 0, "start");
	traffic(case_argv[3], nb_rx, nb_tx, 3000000);
	CHECK(rte_eth_dev_stop(fo_port) == 0, "stop");
	CHECK(rte_eth_dev_close(fo_port) == 0, "close");
	printf("bare net_af_xdp holds %u mbufs after close\n", rte_mempool_in_use_count(mp));
}

/*
 * The child of case_xdp_foreign(): test_queues hold_xdp IFACE. A bare
 * net_af_xdp on IFACE, started, until its stdin closes.
 */
static void
case_hold_xdp(void)
{
	char args[64];

	CHECK(case_argc == 3, "usage: test_queues hold_xdp IFACE");
	snprintf(args, sizeof(args), "iface=%s", case_argv[2]);
	CHECK(rte_vdev_init("net_af_xdp_hold", args) == 0, "a bare net_af_xdp: %s", args);
	CHECK(rte_eth_dev_get_port_by_name("net_af_xdp_hold", &fo_port) == 0, "bare port");
	configure(1, 1);
	CHECK(rte_eth_dev_start(fo_port) == 0, "start");
	while (getchar() != EOF)
		;
	CHECK(rte_eth_dev_stop(fo_port) == 0, "stop");
	CHECK(rte_eth_dev_close(fo_port) == 0, "close");
}

/* The id of the XDP program on a netdev, 0 for none. */
static unsigned int
xdp_prog_id(const char *ifname)
{
	char cmd[128];
	unsigned int id = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ip link show dev %s | grep -o 'prog/xdp id [0-9]*'", ifname);
	p = popen(cmd, "r");
	CHECK(p != NULL, "%s", cmd);
	if (fscanf(p, "prog/xdp id %u", &id) != 1)
		id = 0;
	pclose(p);
	return id;
}

/* Traffic on every queue on the primary, the standby, and the primary again. */
static void
traffic_across_switch(const char *primary_peer, const char *standby_peer, uint16_t nb_rx,
		      uint16_t nb_tx)
{
	WAIT_UNTIL(status().active == RTE_PMD_FAILOVER_PATH_PRIMARY, 3);
	CHECK(status().active == RTE_PMD_FAILOVER_PATH_PRIMARY, "on the primary");
	traffic(primary_peer, nb_rx, nb_tx, 0);
	CHECK(rte_pmd_failover_force(fo_port, RTE_PMD_FAILOVER_PATH_STANDBY) == 0, "force");
	CHECK(status().active == RTE_PMD_FAILOVER_PATH_STANDBY, "on the standby");
	traffic(standby_peer, nb_rx, nb_tx, 1000000);
	CHECK(rte_pmd_failover_force(fo_port, RTE_PMD_FAILOVER_PATH_NONE) == 0, "unforce");
	CHECK(status().active == RTE_PMD_FAILOVER_PATH_PRIMARY, "back on the primary");
	traffic(primary_peer, nb_rx, nb_tx, 2000000);
}

/*
 * vf0 as an mlx5 VF and syn0 as a netvsc with channels queues, veths with
 * peers hvf0 and hsyn0, and their sysfs tree under dir (a mkdtemp template).
 */
static void
pair_add(unsigned int channels, char *dir)
{
	char cmd[PATH_MAX * 2];

	CHECK(gen_tree != NULL, "usage: test_queues %s GEN_TREE_PY", case_argv[1]);
	snprintf(
		cmd, sizeof(cmd),
		"ip link add vf0 type veth peer name hvf0 && ip link add syn0 numtxqueues %u numrxqueues %u type veth peer name hsyn0 numtxqueues %u numrxqueues %u"
		" && ip link set vf0 address 02:00:00:00:0f:02 && ip link set syn0 address 02:00:00:00:0f:02"
		" && for i in vf0 hvf0 syn0 hsyn0; do ip link set $i up; done",
		channels, channels, channels, channels);
	sh(cmd);
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(tree_dir, sizeof(tree_dir), "%s", dir);
	snprintf(cmd, sizeof(cmd), "python3 %s %s/sys 02:00:00:00:0f:02 %u %u", gen_tree, dir,
		 if_nametoindex("syn0"), if_nametoindex("vf0"));
	sh(cmd);
}

/*
 * A discovered pair: vf0 as an mlx5 VF (opened with AF_PACKET, the PCI
 * device being absent) and syn0 as a netvsc held by the kernel, with
 * channels Rx/Tx queues, both created by the driver. The exception path is
 * AF_XDP (one socket per channel) when net_af_xdp can bind every Rx queue
 * and the port's queues fit, else the TAP; exception=tap asks for the TAP. Configured once with one queue pair
 * and again with the counts under test: the AF_PACKET sub-device is
 * created again with as many pairs as needed.
 */
static void
discovered_case(uint16_t nb_rx, uint16_t nb_tx, unsigned int channels, bool tap)
{
	char dir[] = "/tmp/foq-tree-XXXXXX";
	struct rte_pmd_failover_status st;
	struct rte_eth_dev_info info, sub_info;
	char cmd[PATH_MAX * 2];
	/* A veth has no combined channels: net_af_xdp binds its queue 0 only. */
	bool want_xdp = !tap && channels == 1 && nb_rx == 1 && nb_tx == 1;
	bool has_tap, has_xdp_prog;

	pair_add(channels, dir);
	if (want_xdp)
		bare_af_xdp_hold(nb_rx, nb_tx, channels);
	snprintf(cmd, sizeof(cmd), "sysfs=%s/sys,poll_ms=10%s", dir, tap ? ",exception=tap" : "");
	CHECK(rte_vdev_init("net_failover0", cmd) == 0, "%s", cmd);
	CHECK(rte_eth_dev_get_port_by_name("net_failover0", &fo_port) == 0, "port");
	CHECK(rte_eth_dev_info_get(fo_port, &info) == 0, "info");
	CHECK(info.max_rx_queues == 16 && info.max_tx_queues == 16,
	      "sub-devices the driver creates do not limit the port (%u/%u)", info.max_rx_queues,
	      info.max_tx_queues);
	configure(1, 1);
	configure(nb_rx, nb_tx);
	CHECK(rte_eth_dev_start(fo_port) == 0, "start");
	/*
	 * Which path syn0 took, positively: the standby sub-device's driver,
	 * an XDP program on syn0 on the AF_XDP path only, a TAP netdev on the
	 * TAP path only.
	 */
	st = status();
	CHECK(st.standby.present, "the standby sub-device");
	CHECK(rte_eth_dev_info_get(st.standby.port_id, &sub_info) == 0, "standby info");
	has_xdp_prog = system("ip link show dev syn0 | grep -q prog/xdp") == 0;
	has_tap = if_nametoindex("ft_failover0") != 0;
	printf("standby: %s, XDP program on syn0: %s, TAP netdev: %s\n", sub_info.driver_name,
	       has_xdp_prog ? "yes" : "no", has_tap ? "yes" : "no");
	CHECK(strcmp(sub_info.driver_name, want_xdp ? "net_af_xdp" : "net_tap") == 0 &&
		      has_xdp_prog == want_xdp && has_tap == !want_xdp,
	      "syn0 with %u channel(s), port %u/%u%s: expected the %s path, the standby is %s",
	      channels, nb_rx, nb_tx, tap ? ", exception=tap" : "", want_xdp ? "AF_XDP" : "TAP",
	      sub_info.driver_name);
	traffic_across_switch("hvf0", "hsyn0", nb_rx, nb_tx);
	/*
	 * Stop, configure, start, as Open vSwitch does on an MTU change: the
	 * port forwards on both paths again. A net_af_xdp standby is created
	 * again, and its bind fails while the kernel still holds the queue of
	 * the closed socket: it takes the TAP path (issue #21).
	 */
	CHECK(rte_eth_dev_stop(fo_port) == 0, "stop");
	configure(nb_rx, nb_tx);
	CHECK(rte_eth_dev_start(fo_port) == 0, "start again");
	st = status();
	CHECK(rte_eth_dev_info_get(st.standby.port_id, &sub_info) == 0, "standby info");
	printf("configured again: standby %s\n", sub_info.driver_name);
	traffic_across_switch("hvf0", "hsyn0", nb_rx, nb_tx);
	stop_and_close();
}

/* Sub-devices the application names, with as many queue pairs as the port needs. */
static void
explicit_case(uint16_t nb_rx, uint16_t nb_tx)
{
	uint16_t pairs = RTE_MAX(nb_rx, nb_tx);
	struct rte_eth_dev_info info;
	char args[256];

	veths_add();
	snprintf(
		args, sizeof(args),
		"primary=(net_af_packet0,iface=fq_p,qpairs=%u),standby=(net_af_packet1,iface=fq_s,qpairs=%u),poll_ms=10",
		pairs, pairs);
	CHECK(rte_vdev_init("net_failover0", args) == 0, "%s", args);
	CHECK(rte_eth_dev_get_port_by_name("net_failover0", &fo_port) == 0, "port");
	CHECK(rte_eth_dev_info_get(fo_port, &info) == 0, "info");
	CHECK(info.max_rx_queues == pairs && info.max_tx_queues == pairs,
	      "dev_infos_get: %u/%u queues at most, the sub-devices have %u pairs",
	      info.max_rx_queues, info.max_tx_queues, pairs);
	configure(nb_rx, nb_tx);
	CHECK(rte_eth_dev_start(fo_port) == 0, "start");
	traffic_across_switch("fq_pp", "fq_sp", nb_rx, nb_tx);
	stop_and_close();
}

/*
 * A sub-device with one queue pair limits the port: an application that
 * caps its request by dev_infos_get (OVS) gets a port that works; asking
 * for more fails at configure, not at start.
 */
static void
case_limit(void)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf = {0};
	char *log = NULL;
	size_t log_len = 0;
	FILE *stream = open_memstream(&log, &log_len);

	CHECK(stream != NULL, "memstream");
	veths_add();
	/* What the driver says about the primary's limit, as an operator reads it. */
	rte_openlog_stream(stream);
	CHECK(rte_vdev_init("net_failover0",
			    "primary=(net_af_packet0,iface=fq_p),"
			    "standby=(net_af_packet1,iface=fq_s,qpairs=4),poll_ms=10") == 0,
	      "create");
	CHECK(rte_eth_dev_get_port_by_name("net_failover0", &fo_port) == 0, "port");
	CHECK(rte_eth_dev_info_get(fo_port, &info) == 0, "info");
	CHECK(info.max_rx_queues == 1 && info.max_tx_queues == 1,
	      "dev_infos_get: %u/%u, the primary has one queue pair", info.max_rx_queues,
	      info.max_tx_queues);
	CHECK(rte_eth_dev_configure(fo_port, 1, 2, &conf) == -EINVAL, "1/2 refused at configure");
	rte_openlog_stream(NULL);
	fclose(stream);
	CHECK(log != NULL && strstr(log, "primary net_af_packet0 has 1 Rx / 1 Tx queues") != NULL,
	      "the log names the primary and its limit:\n%s", log != NULL ? log : "");
	free(log);
	configure(1, RTE_MIN(2, info.max_tx_queues)); /* as OVS asks: capped */
	CHECK(rte_eth_dev_start(fo_port) == 0, "start");
	traffic_across_switch("fq_pp", "fq_sp", 1, 1);
	stop_and_close();
}

/*
 * A primary with too few queues for the port as configured comes back: it
 * is left out, once, and the port runs on the standby; configured with
 * fewer queues, the port takes it again.
 */
static void
case_refuse(void)
{
	struct rte_pmd_failover_status st;

	veths_add();
	CHECK(rte_vdev_init("net_failover0",
			    "primary=(net_af_packet0,iface=fq_p),"
			    "standby=(net_af_packet1,iface=fq_s,qpairs=2),poll_ms=10") == 0,
	      "create");
	CHECK(rte_eth_dev_get_port_by_name("net_failover0", &fo_port) == 0, "port");
	sh("ip link del fq_p");
	WAIT_UNTIL(!status().primary.present, 3);
	CHECK(!status().primary.present, "primary gone with its netdev");
	configure(2, 2);
	CHECK(rte_eth_dev_start(fo_port) == 0, "start");
	sh("ip link add fq_p type veth peer name fq_pp && ip link set fq_p address 02:00:00:00:0f:01"
	   " && ip link set fq_p up && ip link set fq_pp up");
	WAIT_UNTIL(status().primary.attach_count >= 2, 3);
	rte_delay_us_sleep(1000 * 1000); /* beyond the first retries of the back-off */
	st = status();
	CHECK(st.primary.attach_count == 2 && !st.primary.present,
	      "primary with one queue pair left out (attached %lu times, present %d)",
	      (unsigned long)st.primary.attach_count, st.primary.present);
	CHECK(st.active == RTE_PMD_FAILOVER_PATH_STANDBY, "running on the standby");
	traffic("fq_sp", 2, 2, 0);

	CHECK(rte_eth_dev_stop(fo_port) == 0, "stop");
	configure(1, 1);
	CHECK(rte_eth_dev_start(fo_port) == 0, "start with 1/1");
	WAIT_UNTIL(status().active == RTE_PMD_FAILOVER_PATH_PRIMARY, 3);
	CHECK(status().primary.present && status().active == RTE_PMD_FAILOVER_PATH_PRIMARY,
	      "the primary is taken again once it fits");
	traffic("fq_pp", 1, 1, 10000);
	stop_and_close();
}

static void
case_explicit_1x1(void)
{
	explicit_case(1, 1);
}

static void
case_explicit_1x2(void)
{
	explicit_case(1, 2);
}

static void
case_explicit_2x3(void)
{
	explicit_case(2, 3);
}

static void
case_explicit_4x4(void)
{
	explicit_case(4, 4);
}

static void
case_discovered_1x1(void)
{
	discovered_case(1, 1, 1, true);
}

static void
case_discovered_1x2(void)
{
	discovered_case(1, 2, 1, true);
}

static void
case_discovered_2x3(void)
{
	discovered_case(2, 3, 1, true);
}

static void
case_discovered_4x4(void)
{
	discovered_case(4, 4, 1, true);
}

/* AF_XDP: a socket on syn0's one channel. */
static void
case_xdp_1x1(void)
{
	discovered_case(1, 1, 1, false);
}

/*
 * syn0 with 4 Rx queues and no combined channel (a veth): net_af_xdp could
 * bind queue 0 only and the kernel would keep what lands on the others: the
 * TAP path.
 */
static void
case_xdp_rxqs(void)
{
	discovered_case(1, 1, 4, false);
}

/* More queues than syn0 has channels: the TAP path takes over. */
static void
case_xdp_fallback(void)
{
	discovered_case(2, 2, 1, false);
}

/*
 * Another live process runs net_af_xdp on syn0 (issue #20, defect 7): its
 * program, named as net_af_xdp's own, is not removed; the port takes the
 * TAP path and says why.
 */
static void
case_xdp_foreign(void)
{
	char dir[] = "/tmp/foq-tree-XXXXXX";
	char self[PATH_MAX], cmd[PATH_MAX * 2];
	struct rte_eth_dev_info sub_info;
	unsigned int id;
	ssize_t n;
	FILE *holder;

	pair_add(1, dir);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0, "/proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	snprintf(cmd, sizeof(cmd), "'%s' hold_xdp syn0 >/dev/null", self);
	holder = popen(cmd, "w");
	CHECK(holder != NULL, "%s", cmd);
	WAIT_UNTIL(xdp_prog_id("syn0") != 0, 10);
	id = xdp_prog_id("syn0");
	CHECK(id != 0, "the other process's net_af_xdp has no program on syn0");
	snprintf(cmd, sizeof(cmd), "sysfs=%s/sys,poll_ms=10", dir);
	CHECK(rte_vdev_init("net_failover0", cmd) == 0, "%s", cmd);
	CHECK(rte_eth_dev_get_port_by_name("net_failover0", &fo_port) == 0, "port");
	configure(1, 1);
	CHECK(rte_eth_dev_start(fo_port) == 0, "start");
	CHECK(rte_eth_dev_info_get(status().standby.port_id, &sub_info) == 0, "standby info");
	CHECK(strcmp(sub_info.driver_name, "net_tap") == 0, "the standby is %s, not net_tap",
	      sub_info.driver_name);
	CHECK(xdp_prog_id("syn0") == id, "the other process's program (id %u) is now %u", id,
	      xdp_prog_id("syn0"));
	/* syn0's frames go to the other process's socket, before tc: the VF only. */
	WAIT_UNTIL(status().active == RTE_PMD_FAILOVER_PATH_PRIMARY, 3);
	CHECK(status().active == RTE_PMD_FAILOVER_PATH_PRIMARY, "on the primary");
	traffic("hvf0", 1, 1, 0);
	stop_and_close();
	CHECK(pclose(holder) == 0, "the other process failed");
	WAIT_UNTIL(xdp_prog_id("syn0") == 0, 5);
	CHECK(xdp_prog_id("syn0") == 0, "its program outlived it");
}

/*
 * kernel_traffic=keep on a port whose queues do not fit syn0's one channel:
 * the TAP path takes over, and the kernel's frames with it, which is said
 * (issue #20, defect 9).
 */
static void
case_keep_fallback(void)
{
	char dir[] = "/tmp/foq-tree-XXXXXX";
	char args[PATH_MAX];
	char *log_buf = NULL;
	size_t log_len = 0;
	FILE *log;

	pair_add(1, dir);
	log = open_memstream(&log_buf, &log_len);
	CHECK(log != NULL, "memstream");
	rte_openlog_stream(log);
	snprintf(args, sizeof(args), "sysfs=%s/sys,poll_ms=10,kernel_traffic=keep", dir);
	if (rte_vdev_init("net_failover0", args) != 0) {
		rte_openlog_stream(NULL);
		fclose(log);
		if (strstr(log_buf, "this build has none") != NULL)
			SKIP("this build has no XDP program for kernel_traffic=keep (clang, libbpf-dev)");
		CHECK(false, "%s:\n%s", args, log_buf);
	}
	CHECK(rte_eth_dev_get_port_by_name("net_failover0", &fo_port) == 0, "port");
	configure(2, 2);
	CHECK(rte_eth_dev_start(fo_port) == 0, "start");
	stop_and_close();
	rte_openlog_stream(NULL);
	fclose(log);
	CHECK(strstr(log_buf, "TAP exception path instead") != NULL &&
		      strstr(log_buf, "kernel_traffic=keep does not hold on the TAP path") != NULL,
	      "the fall back to the TAP with kernel_traffic=keep, unsaid:\n%s", log_buf);
	free(log_buf);
}

static void
case_explicit_0x1(void)
{
	explicit_case(0, 1);
}

static void
case_discovered_0x1(void)
{
	discovered_case(0, 1, 1, true);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{"explicit_1x1", case_explicit_1x1},
	{"explicit_1x2", case_explicit_1x2},
	{"explicit_2x3", case_explicit_2x3},
	{"explicit_4x4", case_explicit_4x4},
	{"discovered_1x1", case_discovered_1x1},
	{"discovered_1x2", case_discovered_1x2},
	{"discovered_2x3", case_discovered_2x3},
	{"discovered_4x4", case_discovered_4x4},
	{"explicit_0x1", case_explicit_0x1},
	{"discovered_0x1", case_discovered_0x1},
	{"xdp_1x1", case_xdp_1x1},
	{"xdp_rxqs", case_xdp_rxqs},
	{"xdp_fallback", case_xdp_fallback},
	{"limit", case_limit},
	{"refuse", case_refuse},
	{"xdp_foreign", case_xdp_foreign},
	{"keep_fallback", case_keep_fallback},
	{"bare_xdp", case_bare_xdp}, /* a helper of the xdp cases, not a test */
	{"hold_xdp", case_hold_xdp}, /* the other process of xdp_foreign */
};

/* The generated sysfs tree of the discovered cases goes at exit too. */
static void
remove_tree_dir(void)
{
	char cmd[PATH_MAX + 16];

	if (tree_dir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tree_dir);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	unsigned int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CASE [SYSFS_TREE]\n", argv[0]);
		return 2;
	}
	gen_tree = argc > 2 ? argv[2] : NULL;
	case_argc = argc;
	case_argv = argv;
	for (i = 0; i < RTE_DIM(cases); i++)
		if (strcmp(cases[i].name, argv[1]) == 0)
			break;
	if (i == RTE_DIM(cases)) {
		fprintf(stderr, "unknown case %s\n", argv[1]);
		return 2;
	}
	snprintf(prefix, sizeof(prefix), "--file-prefix=foq-%s-%d", argv[1], getpid());
	{
		char *eal[] = {argv[0],
			       "-l",
			       "0",
			       "--no-huge",
			       "-m",
			       "256",
			       "--no-pci",
			       prefix,
			       "--log-level=pmd.net.failover:info",
			       "--log-level=lib.eal:warning",
			       NULL};

		CHECK(rte_eal_init(RTE_DIM(eal) - 1, eal) >= 0, "EAL init: %s",
		      rte_strerror(rte_errno));
	}
	fotest_remove_runtime_dir_at_exit();
	atexit(remove_tree_dir);
	mp = rte_pktmbuf_pool_create("test_mp", NB_MBUF, 64, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     SOCKET_ID_ANY);
	CHECK(mp != NULL, "mempool");
	cases[i].fn();
	rte_mempool_free(mp);
	rte_eal_cleanup();
	CHECK_DONE();
}
