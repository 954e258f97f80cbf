/* SPDX-License-Identifier: BSD-3-Clause */

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "failover_private.h"

/*
 * The data path takes no lock and no locked instruction. Per burst it does
 * one acquire load of the queue's route and reports a quiescent state with
 * one acquire load of the control path's token and one release store into
 * its own cache line. The control path flips routes, bumps the token and,
 * before it stops or frees a sub-device, waits until every queue has
 * reported the new token: that queue is then past any burst that could
 * have used the old route.
 */
static inline void
fo_queue_quiescent(struct fo_queue *q)
{
	__atomic_store_n(&q->qs_seen, __atomic_load_n(q->qs_token, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
}

uint16_t
fo_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct fo_queue *q = queue;
	uint32_t route = __atomic_load_n(&q->route, __ATOMIC_ACQUIRE);
	uint16_t active = FO_ROUTE_ACTIVE(route);
	uint16_t other = FO_ROUTE_OTHER(route);
	uint16_t nb_rx = 0;
	uint16_t i;

	if (likely(active != FO_NO_PORT))
		nb_rx = rte_eth_rx_burst(active, q->queue_id, pkts, nb_pkts);

	/*
	 * Hosts send broadcast, multicast and first packets of flows over the
	 * synthetic path even while the VF is up: poll the other path too, but
	 * only every other_pace bursts while it is idle, since an idle poll can
	 * cost a syscall (TAP, AF_PACKET). While it delivers, poll it every time.
	 */
	if (other != FO_NO_PORT && --q->other_countdown == 0) {
		if (nb_rx < nb_pkts) {
			uint16_t n = rte_eth_rx_burst(other, q->queue_id, pkts + nb_rx,
						      nb_pkts - nb_rx);

			q->other_countdown = n > 0 ? 1 : q->other_pace;
			nb_rx += n;
		} else {
			q->other_countdown = 1;
		}
	}

	for (i = 0; i < nb_rx; i++)
		pkts[i]->port = q->port_id;

	fo_queue_quiescent(q);
	return nb_rx;
}

uint16_t
fo_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct fo_queue *q = queue;
	uint16_t active = FO_ROUTE_ACTIVE(__atomic_load_n(&q->route, __ATOMIC_ACQUIRE));
	uint16_t nb_tx = 0;

	if (likely(active != FO_NO_PORT))
		nb_tx = rte_eth_tx_burst(active, q->queue_id, pkts, nb_pkts);

	fo_queue_quiescent(q);
	return nb_tx;
}
