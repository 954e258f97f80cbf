/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Cost of one rx+tx burst pair through a bare net_null port and through the
 * wrappers over net_null (net_failover, also with mbuf_port=sub, net_failsafe,
 * bonding mode 1),
 * measured in TSC cycles per packet on one lcore, all interleaved window by
 * window in one process (one mbuf pool, one memory layout). The minimum over
 * windows is the least disturbed figure on a shared machine; the median is
 * printed too.
 * Usage: fo-burst-cost [EAL args] -- [windows [bursts_per_window]]
 * (devtools/bench-burst.sh runs it with the right arguments).
 */

#include <stdio.h>
#include <stdlib.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#define BURST 32

/* net_bonding's devarg for a member port: renamed in DPDK 23.11. */
#if RTE_VERSION >= RTE_VERSION_NUM(23, 11, 0, 0)
#define BOND_MEMBER "member"
#else
#define BOND_MEMBER "slave"
#endif
#define NB_CAND 6

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
start_port(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf = {0};

	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 512, SOCKET_ID_ANY, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 512, SOCKET_ID_ANY, NULL) != 0 ||
	    rte_eth_dev_start(port) != 0)
		rte_exit(1, "cannot start port %u\n", port);
}

static double
window(uint16_t port, unsigned int bursts)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t n = 0, t0 = rte_rdtsc_precise();
	unsigned int i;

	for (i = 0; i < bursts; i++) {
		uint16_t nb = rte_eth_rx_burst(port, 0, pkts, BURST);
		uint16_t sent = rte_eth_tx_burst(port, 0, pkts, nb);

		while (sent < nb)
			rte_pktmbuf_free(pkts[sent++]);
		n += nb;
	}
	return n ? (double)(rte_rdtsc_precise() - t0) / n : 0;
}

int
main(int argc, char **argv)
{
	const char *names[NB_CAND] = {"bare net_null", "net_failover(net_null)",
				      "net_failsafe(net_null)", "bonding1(net_null)",
				      "bare net_null, 2nd port", "net_failover mbuf_port=sub"};
	uint16_t ports[NB_CAND];
	struct rte_mempool *mp;
	unsigned int windows = 400, bursts = 1000, w, c;
	double *cost[NB_CAND];
	int n = rte_eal_init(argc, argv);

	if (n < 0)
		rte_exit(1, "EAL init failed\n");
	argc -= n;
	argv += n;
	if (argc > 1)
		windows = (unsigned int)atoi(argv[1]);
	if (argc > 2)
		bursts = (unsigned int)atoi(argv[2]);
	if (rte_vdev_init("net_null0", NULL) != 0 ||
	    rte_vdev_init("net_failover0", "primary=net_null1,standby=net_ring0") != 0)
		rte_exit(1, "cannot create the ports (is net_failover loaded with -d?)\n");
	if (rte_vdev_init("net_failsafe0", "dev(net_null2),dev(net_ring1)") != 0 ||
	    rte_vdev_init("net_null3", NULL) != 0 ||
	    rte_vdev_init("net_bonding0", "mode=1," BOND_MEMBER "=net_null3") != 0 ||
	    rte_vdev_init("net_null4", NULL) != 0 ||
	    rte_vdev_init("net_failover1", "primary=net_null5,standby=net_ring2,mbuf_port=sub") != 0)
		rte_exit(1, "cannot create the net_failsafe and net_bonding ports\n");
	rte_eth_dev_get_port_by_name("net_null0", &ports[0]);
	rte_eth_dev_get_port_by_name("net_failover0", &ports[1]);
	rte_eth_dev_get_port_by_name("net_failsafe0", &ports[2]);
	rte_eth_dev_get_port_by_name("net_bonding0", &ports[3]);
	rte_eth_dev_get_port_by_name("net_null4", &ports[4]);
	rte_eth_dev_get_port_by_name("net_failover1", &ports[5]);
	mp = rte_pktmbuf_pool_create("bench", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     rte_socket_id());
	if (mp == NULL)
		rte_exit(1, "no mempool\n");
	for (c = 0; c < NB_CAND; c++) {
		start_port(ports[c], mp);
		cost[c] = calloc(windows, sizeof(double));
		window(ports[c], bursts); /* warm up */
	}
	for (w = 0; w < windows; w++)
		for (c = 0; c < NB_CAND; c++)
			cost[c][w] = window(ports[c], bursts);
	printf("%-28s %12s %12s %8s\n", "candidate", "min cyc/pkt", "median", "ratio");
	for (c = 0; c < NB_CAND; c++)
		qsort(cost[c], windows, sizeof(double), cmp_double);
	for (c = 0; c < NB_CAND; c++)
		printf("%-28s %12.2f %12.2f %8.3f\n", names[c], cost[c][0], cost[c][windows / 2],
		       cost[0][0] / cost[c][0]);
	for (c = 0; c < NB_CAND; c++)
		rte_eth_dev_stop(ports[c]);
	return 0;
}
