/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The driver's EAL alarms stay bounded over any uptime (issue #20): a port
 * whose primary is absent, with poll_ms=10, runs for a few seconds. This
 * program defines rte_eal_alarm_set() and rte_eal_alarm_cancel() itself,
 * so the PMD's calls come here (the dynamic linker binds them to the
 * executable's definitions before EAL's); each alarm is passed on to EAL's with a trampoline of ours, so the alarms
 * pending for each (callback, argument) are known exactly at every instant,
 * not sampled. Needs root and a network namespace (the wrapper): the
 * primary is net_af_packet on a veth deleted after the probe.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>
#include <ethdev_driver.h>

#include "fotest_eal.h"
#include "fo_check.h"
#include "fo_test_util.h"
#include "rte_pmd_failover.h"

#define POLL_MS 10
#define RUN_MS 6000 /* past the back-off's 100, 200, 400, 800, 1600 and 3200 ms */
#define MAX_ALARMS (1u << 18) /* never reused: a trampoline's argument stays valid */
#define MAX_KINDS 64

/* One alarm set through us. */
struct alarm {
	rte_eal_alarm_callback cb;
	void *arg;
	enum { ALARM_FREE, ALARM_PENDING, ALARM_RUNNING } state;
};

/* What one (callback, argument) did. */
struct kind {
	rte_eal_alarm_callback cb;
	void *arg;
	unsigned int sets;
	unsigned int pending;
	unsigned int max_pending;
};

static struct alarm alarms[MAX_ALARMS];
static unsigned int n_alarms;
static bool alarms_full;
static struct kind kinds[MAX_KINDS];
static unsigned int n_kinds;
static rte_spinlock_t alarm_lock = RTE_SPINLOCK_INITIALIZER;
typedef int (alarm_set_t)(uint64_t us, rte_eal_alarm_callback cb, void *arg);
typedef int (alarm_cancel_t)(rte_eal_alarm_callback cb, void *arg);
static alarm_set_t *real_set;
static alarm_cancel_t *real_cancel;

static void
real_resolve(void)
{
	if (real_set != NULL)
		return;
	real_cancel = (alarm_cancel_t *)dlsym(RTLD_NEXT, "rte_eal_alarm_cancel");
	real_set = (alarm_set_t *)dlsym(RTLD_NEXT, "rte_eal_alarm_set");
	if (real_set == NULL || real_cancel == NULL) {
		fprintf(stderr, "EAL's alarm functions not found: %s\n", dlerror());
		abort();
	}
}

/* Called with alarm_lock held. */
static struct kind *
kind_of(rte_eal_alarm_callback cb, void *arg)
{
	unsigned int i;

	for (i = 0; i < n_kinds; i++)
		if (kinds[i].cb == cb && kinds[i].arg == arg)
			return &kinds[i];
	if (n_kinds == MAX_KINDS)
		abort();
	kinds[n_kinds].cb = cb;
	kinds[n_kinds].arg = arg;
	return &kinds[n_kinds++];
}

static void
trampoline(void *p)
{
	struct alarm *a = p;

	rte_spinlock_lock(&alarm_lock);
	a->state = ALARM_RUNNING;
	kind_of(a->cb, a->arg)->pending--;
	rte_spinlock_unlock(&alarm_lock);
	a->cb(a->arg);
	rte_spinlock_lock(&alarm_lock);
	a->state = ALARM_FREE;
	rte_spinlock_unlock(&alarm_lock);
}

int
rte_eal_alarm_set(uint64_t us, rte_eal_alarm_callback cb, void *arg)
{
	struct alarm *a = NULL;
	struct kind *k = NULL;
	int ret;

	real_resolve();
	rte_spinlock_lock(&alarm_lock);
	if (n_alarms < MAX_ALARMS) {
		a = &alarms[n_alarms++];
		a->cb = cb;
		a->arg = arg;
		a->state = ALARM_PENDING;
		k = kind_of(cb, arg);
		k->sets++;
		k->pending++;
		k->max_pending = RTE_MAX(k->max_pending, k->pending);
	} else {
		alarms_full = true;
	}
	rte_spinlock_unlock(&alarm_lock);
	if (a == NULL)
		return real_set(us, cb, arg);
	ret = real_set(us, trampoline, a);
	if (ret != 0) {
		rte_spinlock_lock(&alarm_lock);
		a->state = ALARM_FREE;
		k->pending--;
		rte_spinlock_unlock(&alarm_lock);
	}
	return ret;
}

/* EAL's semantics: waits for a matching alarm running on another thread. */
int
rte_eal_alarm_cancel(rte_eal_alarm_callback cb, void *arg)
{
	unsigned int i, n;
	int count, total = 0, err = 0;
	bool match;

	real_resolve();
	if (cb == NULL) {
		rte_errno = EINVAL;
		return -1;
	}
	rte_spinlock_lock(&alarm_lock);
	n = n_alarms;
	rte_spinlock_unlock(&alarm_lock);
	for (i = 0; i < n; i++) {
		rte_spinlock_lock(&alarm_lock);
		match = alarms[i].state != ALARM_FREE && alarms[i].cb == cb &&
			(arg == (void *)-1 || alarms[i].arg == arg);
		rte_spinlock_unlock(&alarm_lock);
		if (!match)
			continue;
		rte_errno = 0;
		count = real_cancel(trampoline, &alarms[i]);
		if (count > 0) {
			rte_spinlock_lock(&alarm_lock);
			alarms[i].state = ALARM_FREE;
			kind_of(cb, alarms[i].arg)->pending--;
			rte_spinlock_unlock(&alarm_lock);
			total += count;
		} else if (rte_errno == EINPROGRESS) {
			err = EINPROGRESS;
		}
	}
	rte_errno = err;
	return total;
}

/* The port's alarms now: how many pending, the most for one callback. */
static void
port_alarms(void *priv, unsigned int *pending, unsigned int *sets, unsigned int *max_kind)
{
	unsigned int i;

	*pending = *sets = *max_kind = 0;
	rte_spinlock_lock(&alarm_lock);
	for (i = 0; i < n_kinds; i++) {
		if (kinds[i].arg != priv)
			continue;
		*pending += kinds[i].pending;
		*sets += kinds[i].sets;
		*max_kind = RTE_MAX(*max_kind, kinds[i].max_pending);
	}
	rte_spinlock_unlock(&alarm_lock);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = {argv[0], "-l", "0", "--no-huge", "-m", "256", "--no-pci", prefix,
		       "--log-level=pmd.net.failover:notice", "--log-level=lib.eal:warning", NULL};
	struct rte_eth_conf conf = {0};
	struct kind seen[MAX_KINDS];
	struct rte_pmd_failover_status st;
	struct rte_mempool *mp;
	unsigned int n_seen, i, pending, sets, max_kind, ticks_max, worst_pending = 0;
	uint64_t t0, t_end, elapsed_ms;
	uint16_t port;
	void *priv;

	RTE_SET_USED(argc);
	setvbuf(stdout, NULL, _IOLBF, 0); /* in order with the failed check's line */
	real_resolve(); /* before EAL's threads */
	snprintf(prefix, sizeof(prefix), "--file-prefix=fotest-alarms-%d", getpid());
	CHECK(rte_eal_init(RTE_DIM(eal) - 1, eal) >= 0, "EAL init: %s", rte_strerror(rte_errno));
	fotest_remove_runtime_dir_at_exit();
	mp = rte_pktmbuf_pool_create("test_mp", 1023, 32, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     SOCKET_ID_ANY);
	CHECK(mp != NULL, "mempool");

	/* The review's measurement (N1): the primary's netdev deleted after the probe. */
	sh("ip link add fo_aa type veth peer name fo_ab && ip link set fo_aa up && "
	   "ip link set fo_ab up");
	t0 = rte_get_timer_cycles();
	CHECK(rte_vdev_init("net_failover0", "primary=(net_af_packet0,iface=fo_aa),"
			    "standby=net_null0,poll_ms=10") == 0, "failover port");
	CHECK(rte_eth_dev_get_port_by_name("net_failover0", &port) == 0, "port");
	priv = rte_eth_devices[port].data->dev_private;
	CHECK(rte_eth_dev_configure(port, 1, 1, &conf) == 0, "configure");
	CHECK(rte_eth_rx_queue_setup(port, 0, 256, SOCKET_ID_ANY, NULL, mp) == 0, "rx queue");
	CHECK(rte_eth_tx_queue_setup(port, 0, 256, SOCKET_ID_ANY, NULL) == 0, "tx queue");
	CHECK(rte_eth_dev_start(port) == 0, "start");
	sh("ip link del fo_aa");
	for (i = 0; i < 200; i++) {
		CHECK(rte_pmd_failover_status_get(port, &st) == 0, "status");
		if (!st.primary.present)
			break;
		rte_delay_us_sleep(10 * 1000);
	}
	CHECK(!st.primary.present, "the primary is gone");

	for (i = 1; i <= RUN_MS / 100; i++) {
		rte_delay_us_sleep(100 * 1000);
		port_alarms(priv, &pending, &sets, &max_kind);
		worst_pending = RTE_MAX(worst_pending, pending);
		if (i == RUN_MS / 200) /* a run on this thread, as well */
			CHECK(rte_pmd_failover_rescan(port) == 0, "rescan");
		if (i % 10 == 0)
			printf("%u.0 s: %u alarms of the port pending, %u set so far\n", i / 10,
			       pending, sets);
	}
	t_end = rte_get_timer_cycles();
	port_alarms(priv, &pending, &sets, &max_kind);
	elapsed_ms = (t_end - t0) * 1000 / rte_get_timer_hz();

	/*
	 * Bounds that hold however late alarms run, since none runs early: at
	 * most one pending per callback (the tick, the kick, the timed run),
	 * and each callback set at most once per tick, plus a few events.
	 */
	ticks_max = elapsed_ms / POLL_MS + 1;
	rte_spinlock_lock(&alarm_lock);
	memcpy(seen, kinds, sizeof(seen));
	n_seen = n_kinds;
	rte_spinlock_unlock(&alarm_lock);
	printf("%lu ms: %u sets; at most %u pending at a sample, %u for one callback\n",
	       (unsigned long)elapsed_ms, sets, worst_pending, max_kind);
	for (i = 0; i < n_seen; i++)
		if (seen[i].arg == priv)
			printf("callback %p: %u sets (at most %u allowed), at most %u pending\n",
			       (void *)(uintptr_t)seen[i].cb, seen[i].sets, ticks_max + 20,
			       seen[i].max_pending);
	CHECK(!alarms_full, "more than %u alarms set", MAX_ALARMS);
	CHECK(max_kind <= 1, "%u alarms of one callback pending at once", max_kind);
	for (i = 0; i < n_seen; i++)
		CHECK(seen[i].arg != priv || seen[i].sets <= ticks_max + 20,
		      "a callback set %u times in %lu ms", seen[i].sets, (unsigned long)elapsed_ms);

	CHECK(rte_eth_dev_stop(port) == 0, "stop");
	CHECK(rte_eth_dev_close(port) == 0, "close");
	port_alarms(priv, &pending, &sets, &max_kind);
	CHECK(pending == 0, "%u alarms of the closed port left pending", pending);
	CHECK(rte_vdev_uninit("net_failover0") == 0, "failover device removed");
	rte_mempool_free(mp);
	rte_eal_cleanup();
	CHECK_DONE();
}
