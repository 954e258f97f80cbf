/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * dpdk-failover-fwd: the smallest application of a net_failover port. It
 * echoes every frame back out of the port it came in on (MAC addresses
 * swapped), prints the port's rates and failover status every second, and
 * prints each link change as the PMD reports it. Ports of other drivers
 * are left alone.
 *
 *   dpdk-failover-fwd [EAL options] -- [--duration S] [--force primary|standby]
 */

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_pmd_failover.h>

#define BURST 32
#define NB_MBUF 8191
#define NB_DESC 1024

static volatile bool quit;
static uint16_t ports[RTE_MAX_ETHPORTS];
static unsigned int nb_ports;

static const char *
path_name(enum rte_pmd_failover_path path)
{
	switch (path) {
	case RTE_PMD_FAILOVER_PATH_PRIMARY:
		return "primary";
	case RTE_PMD_FAILOVER_PATH_STANDBY:
		return "standby";
	default:
		return "none";
	}
}

static void
print_status(uint16_t port, const char *why)
{
	struct rte_pmd_failover_status st;

	if (rte_pmd_failover_status_get(port, &st) != 0)
		return;
	printf("port %u: %s: active %s%s%s, %" PRIu64 " switches, primary %s, standby %s\n", port,
	       why, path_name(st.active), st.forced ? " (forced)" : "",
	       st.active == RTE_PMD_FAILOVER_PATH_NONE ? " - no path, frames wait" : "",
	       st.switch_count,
	       st.primary.present ? (st.primary.link_up ? "up" : "down") : "absent",
	       st.standby.present ? (st.standby.link_up ? "up" : "down") : "absent");
	fflush(stdout);
}

/* Runs on the EAL interrupt thread: print, nothing more. */
static int
on_link_change(uint16_t port, enum rte_eth_event_type event, void *arg, void *ret)
{
	struct rte_eth_link link;

	if (rte_eth_link_get_nowait(port, &link) == 0)
		printf("port %u: link %s\n", port, link.link_status ? "up" : "down");
	print_status(port, "link event");
	return 0;
}

static void
on_signal(int sig)
{
	quit = true;
}

static int
port_init(uint16_t port, struct rte_mempool *mp, enum rte_pmd_failover_path force)
{
	struct rte_eth_conf conf = {.intr_conf.lsc = 1};
	int ret;

	ret = rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_LSC, on_link_change, NULL);
	if (ret == 0)
		ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, NB_DESC, rte_eth_dev_socket_id(port), NULL,
					     mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, NB_DESC, rte_eth_dev_socket_id(port), NULL);
	if (ret == 0 && force != RTE_PMD_FAILOVER_PATH_NONE)
		ret = rte_pmd_failover_force(port, force);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret != 0) {
		fprintf(stderr, "port %u: cannot set up: %s\n", port, rte_strerror(-ret));
		return ret;
	}
	rte_eth_promiscuous_enable(port);
	print_status(port, "started");
	return 0;
}

static uint64_t
echo_burst(uint16_t port)
{
	struct rte_mbuf *pkts[BURST];
	uint16_t nb, sent, i;

	nb = rte_eth_rx_burst(port, 0, pkts, BURST);
	for (i = 0; i < nb; i++) {
		struct rte_ether_hdr *eh = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);
		struct rte_ether_addr tmp;

		if (rte_pktmbuf_data_len(pkts[i]) < sizeof(*eh))
			continue;
		rte_ether_addr_copy(&eh->src_addr, &tmp);
		rte_ether_addr_copy(&eh->dst_addr, &eh->src_addr);
		rte_ether_addr_copy(&tmp, &eh->dst_addr);
	}
	sent = rte_eth_tx_burst(port, 0, pkts, nb);
	/* No path (both sub-devices gone) or a full ring: drop, never block. */
	if (sent < nb)
		rte_pktmbuf_free_bulk(&pkts[sent], nb - sent);
	return nb;
}

static void
usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [EAL options] -- [--duration SECONDS] [--force primary|standby]\n"
		"  Echoes frames on every net_failover port, e.g. with\n"
		"  --vdev 'net_failover0,primary=(net_null0),standby=(net_ring0)'.\n",
		prog);
}

static int
parse_args(int argc, char **argv, unsigned int *duration, enum rte_pmd_failover_path *force)
{
	static const struct option opts[] = {
		{"duration", required_argument, NULL, 'd'},
		{"force", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'd':
			*duration = (unsigned int)strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0') {
				fprintf(stderr, "--duration needs a number of seconds, got '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'f':
			if (strcmp(optarg, "primary") == 0) {
				*force = RTE_PMD_FAILOVER_PATH_PRIMARY;
			} else if (strcmp(optarg, "standby") == 0) {
				*force = RTE_PMD_FAILOVER_PATH_STANDBY;
			} else {
				fprintf(stderr, "--force takes primary or standby, got '%s'\n",
					optarg);
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	enum rte_pmd_failover_path force = RTE_PMD_FAILOVER_PATH_NONE;
	uint64_t rx[RTE_MAX_ETHPORTS] = {0}, last[RTE_MAX_ETHPORTS] = {0};
	unsigned int duration = 0, i;
	uint64_t hz, next, end;
	struct rte_mempool *mp;
	uint16_t port;
	int ret, status = 0;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (parse_args(argc - ret, argv + ret, &duration, &force) != 0) {
		usage(argv[0]);
		rte_eal_cleanup();
		return 2;
	}
	RTE_ETH_FOREACH_DEV(port) {
		struct rte_pmd_failover_status st;

		if (rte_pmd_failover_status_get(port, &st) == 0)
			ports[nb_ports++] = port;
	}
	if (nb_ports == 0) {
		fprintf(stderr, "no net_failover port: add --vdev=net_failover0[,...]\n");
		rte_eal_cleanup();
		return 1;
	}
	mp = rte_pktmbuf_pool_create("failover_fwd", NB_MBUF * nb_ports, 256, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "no mbuf pool: %s\n", rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	for (i = 0; i < nb_ports; i++)
		if (port_init(ports[i], mp, force) != 0) {
			nb_ports = i + 1; /* closed below, the one that failed included */
			status = 1;
			quit = true;
		}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	hz = rte_get_timer_hz();
	next = rte_get_timer_cycles() + hz;
	end = duration > 0 ? rte_get_timer_cycles() + duration * hz : UINT64_MAX;
	while (!quit) {
		uint64_t now;

		for (i = 0; i < nb_ports; i++)
			rx[i] += echo_burst(ports[i]);
		now = rte_get_timer_cycles();
		if (now < next)
			continue;
		next = now + hz;
		for (i = 0; i < nb_ports; i++) {
			char why[64];

			snprintf(why, sizeof(why), "%.2f Mpps echoed", (rx[i] - last[i]) / 1e6);
			last[i] = rx[i];
			print_status(ports[i], why);
		}
		if (now >= end)
			quit = true;
	}

	for (i = 0; i < nb_ports; i++) {
		printf("port %u: %" PRIu64 " frames echoed\n", ports[i], rx[i]);
		rte_eth_dev_stop(ports[i]);
		rte_eth_dev_close(ports[i]);
	}
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return status;
}
