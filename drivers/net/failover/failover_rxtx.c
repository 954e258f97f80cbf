/* SPDX-License-Identifier: BSD-3-Clause */

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "failover_private.h"

/*
 * The data path takes no lock and no locked instruction. A burst announces
 * itself with the control path's current token (one acquire load, one
 * release store into the queue's own cache line), reads its paths with one
 * acquire load, and on its way out marks the queue quiet (one more plain
 * store). The control path flips paths, bumps the token and, before it
 * stops or frees a sub-device, waits until every queue is quiet or has
 * announced the new token (failover_grace.c): a queue that is not polled
 * at all (an idle Tx queue) never holds it up. That the entry store is
 * seen before the paths load is proved by membarrier() on the control
 * side; where the kernel has none, the fenced burst functions pay a full
 * fence instead.
 */
static __rte_always_inline uint64_t
fo_queue_enter(struct fo_queue *q, const bool fence, const bool sec)
{
	uint64_t token;

	/*
	 * Who polls, stored before the entry: the control path counts a queue
	 * whose secondary poller died as quiet (failover_grace.c), and must not
	 * take a primary's burst on such a queue for the dead one's.
	 */
	if (sec && unlikely(q->poller != fo_secondary_poller))
		__atomic_store_n(&q->poller, fo_secondary_poller, __ATOMIC_RELAXED);
	else if (!sec && unlikely(q->poller != 0))
		__atomic_store_n(&q->poller, 0, __ATOMIC_RELAXED);
	token = __atomic_load_n(q->qs_token, __ATOMIC_ACQUIRE);
	__atomic_store_n(&q->qs_seen, token, __ATOMIC_RELEASE);
	if (fence)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return token;
}

static __rte_always_inline void
fo_queue_leave(struct fo_queue *q, uint64_t token)
{
	__atomic_store_n(&q->qs_seen, token | FO_QS_QUIET, __ATOMIC_RELEASE);
}

/*
 * A sub-device's burst: through ethdev in the primary process, through
 * failover_secondary.c (sec) in a secondary one.
 */
static __rte_always_inline uint16_t
fo_sub_rx(uint16_t port, uint16_t qid, struct rte_mbuf **pkts, uint16_t nb_pkts, const bool sec)
{
	if (sec)
		return fo_secondary_sub_rx(port, qid, pkts, nb_pkts);
	return rte_eth_rx_burst(port, qid, pkts, nb_pkts);
}

/*
 * One path's share of a burst. A port flagged FO_PORT_SPREAD has Rx queues
 * beyond the failover port's count (failover_queues.c): this queue polls
 * queue_id, queue_id + n, ... of it, starting one further each burst so
 * that none waits behind a busy one.
 */
static __rte_always_inline uint16_t
fo_rx_port(struct fo_queue *q, uint16_t port, struct rte_mbuf **pkts, uint16_t nb_pkts,
	   const bool sec)
{
	uint16_t step, count, rounds, k, nb = 0;

	if (likely(!(port & FO_PORT_SPREAD)))
		return fo_sub_rx(port, q->queue_id, pkts, nb_pkts, sec);
	port &= ~FO_PORT_SPREAD;
	step = rte_eth_devices[q->port_id].data->nb_rx_queues;
	count = sec ? fo_secondary_sub_nb_rxq(port) : rte_eth_devices[port].data->nb_rx_queues;
	if (unlikely(count <= q->queue_id))
		return 0;
	rounds = (count - q->queue_id + step - 1) / step;
	q->spread_turn = q->spread_turn + 1 < rounds ? q->spread_turn + 1 : 0;
	for (k = 0; k < rounds && nb < nb_pkts; k++) {
		uint16_t r = q->spread_turn + k;

		if (r >= rounds)
			r -= rounds;
		nb += fo_sub_rx(port, q->queue_id + r * step, pkts + nb, nb_pkts - nb, sec);
	}
	return nb;
}

/*
 * Hosts send broadcast, multicast and first packets of flows over the
 * synthetic path even while the VF is up: the other path is polled too,
 * every other_pace bursts while it is idle, since an idle poll can cost a
 * syscall (TAP, AF_PACKET); while it delivers, every burst. An idle other
 * path is asked first, and the active one gets what it left of the burst.
 * While both deliver they take turns at being asked first, so that neither
 * can starve the other: the first gets half the burst in multiples of 4
 * (vector Rx returns nothing for less), and a burst too small to share goes
 * whole to the path whose turn it is. Out of line: the common burst only
 * counts down.
 */
static uint16_t
fo_rx_both(struct fo_queue *q, uint32_t paths, struct rte_mbuf **pkts, uint16_t nb_pkts, bool sec)
{
	uint16_t active = FO_PATHS_ACTIVE(paths), other = FO_PATHS_OTHER(paths);
	bool other_first = !q->other_busy || q->other_turn;
	uint16_t first = other_first ? other : active;
	uint16_t second = other_first ? active : other;
	uint16_t n = 0, m = 0, share;

	q->other_turn = !q->other_turn;
	share = nb_pkts >= 8 ? (nb_pkts / 2) & ~3u : nb_pkts;
	if (first != FO_NO_PORT)
		n = fo_rx_port(q, first, pkts, share, sec);
	if (second != FO_NO_PORT && nb_pkts > n && (share < nb_pkts || n == 0))
		m = fo_rx_port(q, second, pkts + n, nb_pkts - n, sec);
	/* Poll the other path again next burst while it delivers. */
	q->other_busy = (other_first ? n : m) > 0;
	q->other_countdown = q->other_busy ? 1 : q->other_pace;
	return n + m;
}

/*
 * Out of the common burst: the other path is due, no path is active, or
 * the active one spreads over more queues than the port has.
 */
static __rte_noinline uint16_t
fo_rx_slow(struct fo_queue *q, uint32_t paths, struct rte_mbuf **pkts, uint16_t nb_pkts, bool sec)
{
	uint16_t active = FO_PATHS_ACTIVE(paths);

	if (q->other_countdown != 0 && active != FO_NO_PORT)
		return fo_rx_port(q, active, pkts, nb_pkts, sec);
	return fo_rx_both(q, paths, pkts, nb_pkts, sec);
}

/*
 * Applications see the failover port, not the sub-device, in mbuf->port:
 * one more store per packet. With mbuf_port=sub the devargs waive it for
 * applications that never read the field, and the burst function without
 * the loop is installed instead.
 */
static __rte_always_inline uint16_t
fo_rx_common(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts, const bool set_port,
	     const bool fence, const bool sec)
{
	struct fo_queue *q = queue;
	uint64_t token = fo_queue_enter(q, fence, sec);
	uint32_t paths = __atomic_load_n(&q->paths, __ATOMIC_ACQUIRE);
	uint16_t active = FO_PATHS_ACTIVE(paths);
	uint16_t port_id = q->port_id;
	uint16_t nb_rx, i;

	/* One compare: FO_NO_PORT and spread ports are both above the others. */
	if (likely(--q->other_countdown != 0 && active < FO_PORT_SPREAD))
		nb_rx = fo_sub_rx(active, q->queue_id, pkts, nb_pkts, sec);
	else
		nb_rx = fo_rx_slow(q, paths, pkts, nb_pkts, sec);

	if (set_port) {
		for (i = 0; i + 4 <= nb_rx; i += 4) {
			pkts[i]->port = port_id;
			pkts[i + 1]->port = port_id;
			pkts[i + 2]->port = port_id;
			pkts[i + 3]->port = port_id;
		}
		for (; i < nb_rx; i++)
			pkts[i]->port = port_id;
	}
	fo_queue_leave(q, token);
	return nb_rx;
}

uint16_t
fo_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return fo_rx_common(queue, pkts, nb_pkts, true, false, false);
}

uint16_t
fo_rx_burst_sub_port(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return fo_rx_common(queue, pkts, nb_pkts, false, false, false);
}

uint16_t
fo_rx_burst_fenced(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return fo_rx_common(queue, pkts, nb_pkts, true, true, false);
}

uint16_t
fo_rx_burst_sub_port_fenced(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return fo_rx_common(queue, pkts, nb_pkts, false, true, false);
}

/* Secondary processes: always fenced, membarrier() reaches one process only. */
uint16_t
fo_rx_burst_secondary(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return fo_rx_common(queue, pkts, nb_pkts, true, true, true);
}

uint16_t
fo_rx_burst_sub_port_secondary(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return fo_rx_common(queue, pkts, nb_pkts, false, true, true);
}

static __rte_always_inline uint16_t
fo_tx_common(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts, const bool fence,
	     const bool sec)
{
	struct fo_queue *q = queue;
	uint64_t token = fo_queue_enter(q, fence, sec);
	uint16_t active = FO_PATHS_ACTIVE(__atomic_load_n(&q->paths, __ATOMIC_ACQUIRE));
	uint16_t nb_tx = 0;

	if (likely(active != FO_NO_PORT))
		nb_tx = sec ? fo_secondary_sub_tx(active, q->queue_id, pkts, nb_pkts)
			    : rte_eth_tx_burst(active, q->queue_id, pkts, nb_pkts);
	fo_queue_leave(q, token);
	return nb_tx;
}

uint16_t
fo_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return fo_tx_common(queue, pkts, nb_pkts, false, false);
}

uint16_t
fo_tx_burst_fenced(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return fo_tx_common(queue, pkts, nb_pkts, true, false);
}

uint16_t
fo_tx_burst_secondary(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return fo_tx_common(queue, pkts, nb_pkts, true, true);
}
