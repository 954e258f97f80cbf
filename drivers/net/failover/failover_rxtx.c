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
static __rte_always_inline void
fo_queue_enter(struct fo_queue *q)
{
	__atomic_store_n(&q->qs_seen, __atomic_load_n(q->qs_token, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
}

static __rte_always_inline void
fo_queue_leave(struct fo_queue *q)
{
	__atomic_store_n(&q->qs_seen, q->qs_seen | FO_QS_QUIET, __ATOMIC_RELEASE);
}

/*
 * Hosts send broadcast, multicast and first packets of flows over the
 * synthetic path even while the VF is up: the other path is polled too,
 * every other_pace bursts while it is idle, since an idle poll can cost a
 * syscall (TAP, AF_PACKET); while it delivers, every burst.
 */
static __rte_noinline uint16_t
fo_rx_other(struct fo_queue *q, uint16_t other, struct rte_mbuf **pkts, uint16_t room)
{
	uint16_t n = 0;

	if (room > 0)
		n = rte_eth_rx_burst(other, q->queue_id, pkts, room);
	q->other_countdown = n > 0 || room == 0 ? 1 : q->other_pace;
	return n;
}

uint16_t
fo_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct fo_queue *q = queue;
	uint32_t route;
	uint16_t active, other, port_id, nb_rx = 0;
	uint16_t i;

	fo_queue_enter(q);
	route = __atomic_load_n(&q->route, __ATOMIC_ACQUIRE);
	active = FO_ROUTE_ACTIVE(route);
	other = FO_ROUTE_OTHER(route);

	if (likely(active != FO_NO_PORT))
		nb_rx = rte_eth_rx_burst(active, q->queue_id, pkts, nb_pkts);
	if (other != FO_NO_PORT && unlikely(--q->other_countdown == 0))
		nb_rx += fo_rx_other(q, other, pkts + nb_rx, nb_pkts - nb_rx);

	/* Applications see the failover port, not the sub-device. */
	port_id = q->port_id;
	for (i = 0; i + 4 <= nb_rx; i += 4) {
		pkts[i]->port = port_id;
		pkts[i + 1]->port = port_id;
		pkts[i + 2]->port = port_id;
		pkts[i + 3]->port = port_id;
	}
	for (; i < nb_rx; i++)
		pkts[i]->port = port_id;
	fo_queue_leave(q);
	return nb_rx;
}

uint16_t
fo_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct fo_queue *q = queue;
	uint16_t active, nb_tx = 0;

	fo_queue_enter(q);
	active = FO_ROUTE_ACTIVE(__atomic_load_n(&q->route, __ATOMIC_ACQUIRE));
	if (likely(active != FO_NO_PORT))
		nb_tx = rte_eth_tx_burst(active, q->queue_id, pkts, nb_pkts);
	fo_queue_leave(q);
	return nb_tx;
}
