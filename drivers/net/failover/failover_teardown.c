/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

#include "failover_private.h"

/*
 * The teardown of a sub-device whose PCI device was removed under it. Its
 * PMD stops and closes hardware that is gone: net_e1000 on a uio device,
 * whose BARs EAL mapped again as plain memory, waits out every register
 * poll (seconds; minutes in a TCG guest). That runs on a thread of its
 * own, not on EAL's interrupt thread, which every port of the process
 * shares for its events and alarms. The sub-device is absent meanwhile and
 * may open another device; one of the same name waits until the thread is
 * over (failover_sub.c).
 */

/* EAL's device lists have no lock: this driver's hot-plug calls take turns. */
static pthread_mutex_t fo_hotplug_mutex = PTHREAD_MUTEX_INITIALIZER;

void
fo_hotplug_lock(void)
{
	pthread_mutex_lock(&fo_hotplug_mutex);
}

void
fo_hotplug_unlock(void)
{
	pthread_mutex_unlock(&fo_hotplug_mutex);
}

static void *
fo_teardown_run(void *arg)
{
	struct fo_teardown *td = arg;
	int ret;

	rte_eth_dev_stop(td->port);
	/* The slow part outside the lock: only the device lists need it. */
	ret = rte_eth_dev_close(td->port);
	fo_hotplug_lock();
	if (rte_eal_hotplug_remove(td->bus, td->name) < 0)
		ret = ret < 0 ? ret : -EIO;
	fo_hotplug_unlock();
	td->ret = ret;
	__atomic_store_n(&td->done, 1, __ATOMIC_RELEASE);
	fo_event_post(td->priv, NULL, 0); /* the service reaps it */
	return NULL;
}

/*
 * Stop, close and detach port (device name on bus) on a thread, from
 * now_ns; false if none could start (one is still running, or no thread).
 */
bool
fo_teardown_start(struct fo_private *priv, struct fo_teardown *td, const char *bus,
		  const char *name, uint16_t port, uint64_t now_ns)
{
	int ret;

	if (td->running)
		return false;
	td->start_ns = now_ns;
	td->priv = priv;
	td->port = port;
	strlcpy(td->bus, bus, sizeof(td->bus));
	strlcpy(td->name, name, sizeof(td->name));
	td->ret = 0;
	__atomic_store_n(&td->done, 0, __ATOMIC_RELEASE);
	ret = pthread_create(&td->tid, NULL, fo_teardown_run, td);
	if (ret != 0) {
		FO_LOG(WARNING, priv, "%s: no teardown thread (%s): closed on this thread", name,
		       strerror(ret));
		return false;
	}
	td->running = true;
	return true;
}

/* Whether no teardown runs (one that is over is joined); wait: until none does. */
bool
fo_teardown_over(struct fo_teardown *td, bool wait)
{
	if (!td->running)
		return true;
	if (!wait && !__atomic_load_n(&td->done, __ATOMIC_ACQUIRE))
		return false;
	pthread_join(td->tid, NULL);
	td->running = false;
	return true;
}
