/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <string.h>
#include <unistd.h>


#include <linux/membarrier.h>
#include <sys/syscall.h>

#include <rte_cycles.h>

#include "failover_private.h"

/*
 * Grace periods, QSBR style. A burst stores the token it saw into its
 * queue, then loads the queue's paths (fo_queue_enter, failover_rxtx.c).
 * The control path stores the new paths, bumps the token, and then must
 * know, for every queue, that a burst still using the old paths is
 * visible to it: a store followed by a load on each side (Dekker), which
 * needs a full barrier on both. The data path pays none: membarrier()
 * runs a barrier on every thread of the process on the control path's
 * behalf, so any burst whose entry store is not visible after it loaded
 * its paths after the barrier, and they are the new ones. Where membarrier is
 * not available the bursts fence themselves (the *_fenced burst functions).
 */

static int
fo_membarrier(int cmd)
{
	return (int)syscall(__NR_membarrier, cmd, 0, 0);
}

void
fo_grace_init(struct fo_private *priv)
{
	if (priv->args.grace == FO_GRACE_FENCE) {
		priv->grace_fence = true;
	} else if (fo_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0) {
		priv->grace_fence = false;
	} else {
		FO_LOG(NOTICE, priv, "membarrier unavailable (%s): bursts fence themselves",
		       strerror(errno));
		priv->grace_fence = true;
	}
	FO_LOG(INFO, priv, "grace periods: %s",
	       priv->grace_fence ? "a fence in every burst" : "membarrier");
}

/* Start a grace period after a change of paths. Called with paths_lock held. */
uint64_t
fo_grace_begin(struct fo_private *priv)
{
	uint64_t token = __atomic_add_fetch(&priv->qs_token, 1, __ATOMIC_SEQ_CST);

	if (!priv->grace_fence && fo_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0) {
		/* Registered at probe: this cannot fail but by a kernel bug. */
		FO_LOG(ERR, priv, "membarrier failed: %s", strerror(errno));
		return UINT64_MAX >> 1; /* a token no burst reaches: never over */
	}
	return token;
}

/*
 * A secondary process killed inside a burst never leaves it: its queue is
 * quiet once the process is gone, or no sub-device could ever be stopped
 * again. Not by its pid: it may live in another PID namespace.
 */
static bool
fo_grace_poller_dead(const struct fo_queue *q)
{
	return fo_poller_gone(__atomic_load_n(&q->poller, __ATOMIC_RELAXED));
}

/* Not in a burst, or in one that began after the grace period did. */
static bool
fo_grace_queue_quiet(const struct fo_queue *q, uint64_t token)
{
	uint64_t seen;

	if (q == NULL)
		return true;
	seen = __atomic_load_n(&q->qs_seen, __ATOMIC_ACQUIRE);
	if ((seen & FO_QS_QUIET) || seen >= token)
		return true;
	return fo_grace_poller_dead(q);
}

/*
 * Every queue has left every burst that may use the paths in force before
 * token was taken. A stopped port has no bursts (the application stops
 * polling before it stops the port). Called with paths_lock held.
 */
bool
fo_grace_over(struct fo_private *priv, uint64_t token)
{
	uint16_t i;

	if (!priv->started)
		return true;
	for (i = 0; i < FO_MAX_QUEUES; i++)
		if (!fo_grace_queue_quiet(priv->rxq[i], token) ||
		    !fo_grace_queue_quiet(priv->txq[i], token))
			return false;
	return true;
}

/* Wait up to quiesce_ms for the grace period; false when a burst is still in. */
bool
fo_grace_wait(struct fo_private *priv, uint64_t token)
{
	uint64_t deadline =
		rte_get_timer_cycles() + rte_get_timer_hz() * priv->args.quiesce_ms / 1000;

	while (!fo_grace_over(priv, token)) {
		if (rte_get_timer_cycles() > deadline)
			return false;
		rte_delay_us_sleep(10);
	}
	return true;
}
