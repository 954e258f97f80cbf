/* SPDX-License-Identifier: BSD-3-Clause */

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "failover_private.h"

/*
 * The data path takes no lock and no locked instruction. A burst announces
 * itself with the control path's current token (one acquire load, one
 * release store into the queue's own cache line), reads its route with one
 * acquire load, and on its way out marks the queue quiet (one more plain
 * store). The control path flips routes, bumps the token and, before it
 * stops or frees a sub-device, waits until every queue is quiet or has
 * announced the new token: a queue that is not polled at all (an idle Tx
 * queue) never holds it up, and a queue that announced the new token has
 * read the new route, because the route was written before the token.
 * A burst entering just as the control path looks may not show yet (its
 * entry store can trail its route load): the control path looks twice,
 * the second time well after any such store is visible.
 */
static __rte_always_inline uint64_t
fo_queue_enter(struct fo_queue *q)
{
	uint64_t token = __atomic_load_n(q->qs_token, __ATOMIC_ACQUIRE);

	__atomic_store_n(&q->qs_seen, token, __ATOMIC_RELEASE);
	return token;
}

static __rte_always_inline void
fo_queue_leave(struct fo_queue *q, uint64_t token)
{
	__atomic_store_n(&q->qs_seen, token | FO_QS_QUIET, __ATOMIC_RELEASE);
}

/*
 * Hosts send broadcast, multicast and first packets of flows over the
 * synthetic path even while the VF is up: the other path is polled too,
 * every other_pace bursts while it is idle, since an idle poll can cost a
 * syscall (TAP, AF_PACKET); while it delivers, every burst. It is polled
 * first, for at most half the burst, so that neither path can starve the
 * other however busy it is. Out of line: the common burst only counts down.
 */
static __rte_noinline uint16_t
fo_rx_both(struct fo_queue *q, uint32_t route, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	uint16_t active = FO_ROUTE_ACTIVE(route), other = FO_ROUTE_OTHER(route);
	uint16_t n = 0;

	if (other != FO_NO_PORT)
		n = rte_eth_rx_burst(other, q->queue_id, pkts, nb_pkts - nb_pkts / 2);
	q->other_countdown = n > 0 ? 1 : q->other_pace;
	if (active != FO_NO_PORT)
		n += rte_eth_rx_burst(active, q->queue_id, pkts + n, nb_pkts - n);
	return n;
}

/*
 * Applications see the failover port, not the sub-device, in mbuf->port:
 * one more store per packet. With mbuf_port=sub the devargs waive it for
 * applications that never read the field, and the burst function without
 * the loop is installed instead.
 */
static __rte_always_inline uint16_t
fo_rx_common(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts, const bool set_port)
{
	struct fo_queue *q = queue;
	uint64_t token = fo_queue_enter(q);
	uint32_t route = __atomic_load_n(&q->route, __ATOMIC_ACQUIRE);
	uint16_t active = FO_ROUTE_ACTIVE(route);
	uint16_t port_id = q->port_id;
	uint16_t nb_rx, i;

	if (likely(--q->other_countdown != 0 && active != FO_NO_PORT))
		nb_rx = rte_eth_rx_burst(active, q->queue_id, pkts, nb_pkts);
	else
		nb_rx = fo_rx_both(q, route, pkts, nb_pkts);

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
	return fo_rx_common(queue, pkts, nb_pkts, true);
}

uint16_t
fo_rx_burst_sub_port(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return fo_rx_common(queue, pkts, nb_pkts, false);
}

uint16_t
fo_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct fo_queue *q = queue;
	uint64_t token = fo_queue_enter(q);
	uint16_t active = FO_ROUTE_ACTIVE(__atomic_load_n(&q->route, __ATOMIC_ACQUIRE));
	uint16_t nb_tx = 0;

	if (likely(active != FO_NO_PORT))
		nb_tx = rte_eth_tx_burst(active, q->queue_id, pkts, nb_pkts);
	fo_queue_leave(q, token);
	return nb_tx;
}
