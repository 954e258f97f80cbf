/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Multi-process: a primary and a secondary process each forward their own
 * queue of one failover port (DPDK's symmetric multi-process pattern) while
 * the primary sub-device goes away and comes back; then a secondary that
 * exits and one that is killed, in this PID namespace or one of its own,
 * must leave the primary undisturbed.
 *
 *   test_mp primary PREFIX      (forks "test_mp secondary PREFIX" itself)
 *
 * Sub-devices: net_null, whose data path works in secondary processes. With
 * mbuf_port=sub each mbuf says which sub-device port delivered it, and the
 * secondary counts them per port in a shared memzone.
 */

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <ethdev_driver.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>

#include "fo_check.h"
#include "rte_pmd_failover.h"

#define BURST 32
#define SEC_QUEUE 1

struct mp_shared {
	int stop;		       /* the primary asks the secondary to finish */
	int ready;		       /* the secondary forwards */
	uint64_t rx[RTE_MAX_ETHPORTS]; /* received by the secondary, per mbuf->port */
	uint64_t tx;
	uint64_t bursts;
	int pid; /* the secondary's, in its own PID namespace */
};

static const char *prefix;
static const char *self;

/* One burst of queue qid: what comes in goes out again (net_null frees it). */
static uint16_t
forward(uint16_t port, uint16_t qid, struct mp_shared *sh)
{
	struct rte_mbuf *pkts[BURST];
	uint16_t n = rte_eth_rx_burst(port, qid, pkts, BURST), i, sent;

	for (i = 0; sh != NULL && i < n; i++)
		__atomic_fetch_add(&sh->rx[pkts[i]->port], 1, __ATOMIC_RELAXED);
	sent = rte_eth_tx_burst(port, qid, pkts, n);
	if (sh != NULL) {
		__atomic_fetch_add(&sh->tx, sent, __ATOMIC_RELAXED);
		__atomic_fetch_add(&sh->bursts, 1, __ATOMIC_RELAXED);
	}
	for (i = sent; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	return n;
}

static int
run_secondary(void)
{
	const struct rte_memzone *mz = rte_memzone_lookup("fomp_shared");
	struct mp_shared *sh;
	uint16_t port;

	CHECK(mz != NULL, "the primary's memzone");
	sh = mz->addr;
	CHECK(rte_eth_dev_get_port_by_name("net_failover0", &port) == 0,
	      "the failover port, in the secondary");
	__atomic_store_n(&sh->pid, (int)getpid(), __ATOMIC_RELEASE);
	__atomic_store_n(&sh->ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE))
		forward(port, SEC_QUEUE, sh);
	printf("secondary %d: %" PRIu64 " bursts, %" PRIu64 " sent\n", (int)getpid(), sh->bursts,
	       sh->tx);
	rte_eal_cleanup();
	return 0;
}

/*
 * other_ns: in a PID namespace of its own, as in a sidecar container (its
 * pid there is 1); the pid returned is then unshare's, whose death kills it.
 */
static pid_t
spawn_secondary(bool other_ns)
{
	pid_t pid = fork();

	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (other_ns)
			execlp("unshare", "unshare", "--pid", "--fork", "--kill-child", self,
			       "secondary", prefix, (char *)NULL);
		else
			execl(self, self, "secondary", prefix, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static uint16_t fo_port;

/* The one child of process pid, 0 if none. */
static pid_t
child_of(pid_t pid)
{
	char path[64];
	int child = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%d", &child) != 1)
		child = 0;
	fclose(f);
	return child;
}

static struct rte_pmd_failover_status
status(void)
{
	struct rte_pmd_failover_status st;

	CHECK(rte_pmd_failover_status_get(fo_port, &st) == 0, "status");
	return st;
}

static uint64_t
xstat(const char *name)
{
	uint64_t id, value;

	CHECK(rte_eth_xstats_get_id_by_name(fo_port, name, &id) == 0, "xstat %s", name);
	CHECK(rte_eth_xstats_get_by_id(fo_port, &id, &value, 1) == 1, "xstat %s", name);
	return value;
}

static uint16_t
port_of(const char *name)
{
	uint16_t port;

	CHECK(rte_eth_dev_get_port_by_name(name, &port) == 0, "%s has a port", name);
	return port;
}

/* The primary forwards queue 0 for ms milliseconds. */
static void
forward_for(unsigned int ms)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * ms / 1000;

	while (rte_get_timer_cycles() < end)
		forward(fo_port, 0, NULL);
}

/* Forwards until cond holds, up to secs seconds. */
#define FORWARD_UNTIL(cond, secs)                                                     \
	do {                                                                          \
		uint64_t end_ = rte_get_timer_cycles() + rte_get_timer_hz() * (secs); \
		while (!(cond) && rte_get_timer_cycles() < end_)                      \
			forward(fo_port, 0, NULL);                                    \
		CHECK(cond, "within %d s", (int)(secs));                              \
	} while (0)

static uint64_t
sec_rx(struct mp_shared *sh, uint16_t port)
{
	return __atomic_load_n(&sh->rx[port], __ATOMIC_RELAXED);
}

/* The VF goes away (an RMV event, as a PCI PMD sends it) and comes back. */
static void
vf_churn(unsigned int attach_before)
{
	uint16_t pport = port_of("net_null0");

	rte_eth_dev_callback_process(&rte_eth_devices[pport], RTE_ETH_EVENT_INTR_RMV, NULL);
	CHECK(status().active == RTE_PMD_FAILOVER_PATH_STANDBY, "on the standby at the event");
	FORWARD_UNTIL(status().active == RTE_PMD_FAILOVER_PATH_PRIMARY &&
			      status().primary.attach_count > attach_before,
		      5);
}

static int
run_primary(void)
{
	struct rte_eth_conf conf = {0};
	const struct rte_memzone *mz;
	struct rte_mempool *mp;
	struct mp_shared *sh;
	uint16_t q, pport, sport;
	uint64_t before, standby_before;
	pid_t sec;
	int wstatus;

	mz = rte_memzone_reserve("fomp_shared", sizeof(*sh), rte_socket_id(), 0);
	CHECK(mz != NULL, "memzone");
	sh = mz->addr;
	memset(sh, 0, sizeof(*sh));
	mp = rte_pktmbuf_pool_create("fomp_pool", 4095, 128, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     rte_socket_id());
	CHECK(mp != NULL, "mempool");
	CHECK(rte_eth_dev_get_port_by_name("net_failover0", &fo_port) == 0, "failover port");
	CHECK(rte_eth_dev_configure(fo_port, 2, 2, &conf) == 0, "configure 2/2");
	for (q = 0; q < 2; q++) {
		CHECK(rte_eth_rx_queue_setup(fo_port, q, 256, rte_socket_id(), NULL, mp) == 0,
		      "rxq %u", q);
		CHECK(rte_eth_tx_queue_setup(fo_port, q, 256, rte_socket_id(), NULL) == 0, "txq %u",
		      q);
	}
	CHECK(rte_eth_dev_start(fo_port) == 0, "start");
	pport = port_of("net_null0");
	sport = port_of("net_null1");

	/* 1. Both processes forward; the secondary on the primary sub-device. */
	sec = spawn_secondary(false);
	FORWARD_UNTIL(__atomic_load_n(&sh->ready, __ATOMIC_ACQUIRE) && sec_rx(sh, pport) > 0, 20);
	printf("secondary forwards: %" PRIu64 " frames from net_null0 (port %u)\n",
	       sec_rx(sh, pport), pport);

	/* 2. The VF goes away and comes back under both processes' traffic. */
	vf_churn(1);
	pport = port_of("net_null0");
	before = sec_rx(sh, pport);
	FORWARD_UNTIL(sec_rx(sh, pport) > before + 1000, 5);
	before = sec_rx(sh, pport);
	standby_before = sec_rx(sh, sport);
	forward_for(300);
	printf("300 ms after the VF came back (port %u), the secondary took %" PRIu64
	       " frames from it and %" PRIu64 " from the standby (both deliver all the time)\n",
	       pport, sec_rx(sh, pport) - before, sec_rx(sh, sport) - standby_before);
	CHECK(xstat("quiesce_timeouts") == 0, "every queue, the secondary's too, quiesced in time");

	/* 3. A secondary that exits: the primary goes on. */
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	CHECK(waitpid(sec, &wstatus, 0) == sec, "wait for the secondary");
	CHECK(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0, "the secondary exited cleanly (%#x)",
	      wstatus);
	vf_churn(2);

	/* 4. A secondary killed while it forwards: the next switch still completes. */
	__atomic_store_n(&sh->stop, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&sh->ready, 0, __ATOMIC_RELEASE);
	sec = spawn_secondary(false);
	pport = port_of("net_null0");
	before = sec_rx(sh, pport);
	FORWARD_UNTIL(sec_rx(sh, pport) > before + 1000, 20);
	CHECK(kill(sec, SIGKILL) == 0, "kill the secondary");
	CHECK(waitpid(sec, &wstatus, 0) == sec && WIFSIGNALED(wstatus), "the secondary was killed");
	vf_churn(3);
	CHECK(xstat("quiesce_timeouts") == 0, "the killed secondary's queue held no grace period");
	before = xstat("primary_rx_packets");
	forward_for(100);
	CHECK(xstat("primary_rx_packets") > before, "the primary forwards on the VF");

	/*
	 * 5. The same with a secondary in a PID namespace of its own (a sidecar
	 * container): its pid there means nothing here, its death is still seen.
	 */
	__atomic_store_n(&sh->ready, 0, __ATOMIC_RELEASE);
	sec = spawn_secondary(true);
	pport = port_of("net_null0");
	before = sec_rx(sh, pport);
	FORWARD_UNTIL(sec_rx(sh, pport) > before + 1000, 20);
	CHECK(__atomic_load_n(&sh->pid, __ATOMIC_ACQUIRE) == 1,
	      "the secondary is pid %d in its namespace, not 1", sh->pid);
	{
		/* Killed by its pid here; unshare, which waits for it, then ends. */
		pid_t child = child_of(sec);

		CHECK(child > 0, "no child of unshare %d", (int)sec);
		CHECK(kill(child, SIGKILL) == 0, "kill the secondary (%d here)", (int)child);
		CHECK(waitpid(sec, &wstatus, 0) == sec, "unshare did not end");
	}
	vf_churn(4);
	CHECK(xstat("quiesce_timeouts") == 0,
	      "the killed secondary of another PID namespace held a grace period");
	before = xstat("primary_rx_packets");
	forward_for(100);
	CHECK(xstat("primary_rx_packets") > before, "the primary forwards on the VF");

	CHECK(rte_eth_dev_stop(fo_port) == 0, "stop");
	CHECK(rte_eth_dev_close(fo_port) == 0, "close");
	printf("mbufs still out after the close: %u (a killed process takes its burst with it; two were)\n",
	       rte_mempool_in_use_count(mp));
	CHECK(rte_mempool_in_use_count(mp) <= 2 * BURST,
	      "%u mbufs lost: no more than a burst per killed secondary",
	      rte_mempool_in_use_count(mp));
	rte_mempool_free(mp);
	rte_memzone_free(mz);
	rte_eal_cleanup();
	CHECK_DONE();
}

int
main(int argc, char **argv)
{
	char prefix_arg[128];
	bool secondary;
	int ret;

	if (argc != 3 || (strcmp(argv[1], "primary") != 0 && strcmp(argv[1], "secondary") != 0)) {
		fprintf(stderr, "usage: %s primary|secondary FILE_PREFIX\n", argv[0]);
		return 2;
	}
	/* Its own path: /proc/self/exe would be unshare's in unshare. */
	self = realpath("/proc/self/exe", NULL);
	CHECK(self != NULL, "/proc/self/exe: %s", strerror(errno));
	secondary = strcmp(argv[1], "secondary") == 0;
	prefix = argv[2];
	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", prefix);
	if (secondary) {
		char *eal[] = {argv[0],
			       "-l",
			       "1",
			       "--proc-type=secondary",
			       prefix_arg,
			       "--no-pci",
			       "--log-level=lib.eal:warning"};

		ret = rte_eal_init(RTE_DIM(eal), eal);
		CHECK(ret >= 0, "secondary EAL: %s", rte_strerror(rte_errno));
		return run_secondary();
	}
	/* quiesce_ms: a descheduled lcore is no timeout (drain_stuck tests that). */
	char *eal[] = {argv[0],
		       "-l",
		       "0",
		       "-m",
		       "256",
		       prefix_arg,
		       "--no-pci",
		       "--log-level=lib.eal:warning",
		       "--log-level=pmd.net.failover:info",
		       "--vdev=net_failover0,primary=(net_null0,size=64),"
		       "standby=(net_null1,size=64),mbuf_port=sub,poll_ms=0,quiesce_ms=60000"};

	ret = rte_eal_init(RTE_DIM(eal), eal);
	CHECK(ret >= 0, "EAL: %s", rte_strerror(rte_errno));
	return run_primary();
}
