/* SPDX-License-Identifier: BSD-3-Clause */

#include <bus_vdev_driver.h>
#include <unistd.h>

#include <ethdev_driver.h>

#include "failover_private.h"

/*
 * In a secondary process (dpdk-proc-info, dpdk-dumpcap, an application's
 * other processes) the port is looked at: information, link, statistics
 * and queue set-up as the primary keeps them; and its queues move packets,
 * each queue polled by one process. Everything that changes the port stays
 * with the primary, which owns the sub-devices, their events and the lock.
 */

int32_t fo_secondary_poller;

/*
 * A sub-device is called through its own burst function and the queue
 * array the primary keeps now, never through this process's
 * rte_eth_fp_ops: ethdev fills that entry once, when EAL attaches the
 * sub-device here, which is before the primary sets its queues up when a
 * VF arrives (a netvsc secondary crashed on exactly that). A sub-device
 * that is not attached in this process, or whose driver has no data path
 * in secondary processes (net_af_packet: its rings are mapped in the
 * primary alone), gives and takes nothing.
 */
static __rte_always_inline void *
fo_secondary_sub_queue(const struct rte_eth_dev *sd, uint16_t qid, bool rx)
{
	const struct rte_eth_dev_data *data = sd->data;
	void **queues;

	if (sd->state != RTE_ETH_DEV_ATTACHED || data == NULL || !data->dev_started)
		return NULL;
	if (qid >= (rx ? data->nb_rx_queues : data->nb_tx_queues))
		return NULL;
	queues = rx ? data->rx_queues : data->tx_queues;
	return queues != NULL ? queues[qid] : NULL;
}

uint16_t
fo_secondary_sub_rx(uint16_t port, uint16_t qid, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	const struct rte_eth_dev *sd = &rte_eth_devices[port];
	eth_rx_burst_t burst = sd->rx_pkt_burst;
	void *queue = fo_secondary_sub_queue(sd, qid, true);

	return burst != NULL && queue != NULL ? burst(queue, pkts, nb_pkts) : 0;
}

uint16_t
fo_secondary_sub_tx(uint16_t port, uint16_t qid, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	const struct rte_eth_dev *sd = &rte_eth_devices[port];
	eth_tx_burst_t burst = sd->tx_pkt_burst;
	void *queue = fo_secondary_sub_queue(sd, qid, false);

	return burst != NULL && queue != NULL ? burst(queue, pkts, nb_pkts) : 0;
}

uint16_t
fo_secondary_sub_nb_rxq(uint16_t port)
{
	const struct rte_eth_dev *sd = &rte_eth_devices[port];

	if (sd->state != RTE_ETH_DEV_ATTACHED || sd->data == NULL)
		return 0;
	return sd->data->nb_rx_queues;
}

static int
fo_secondary_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	return 0; /* the primary keeps dev->data->dev_link */
}

const struct eth_dev_ops fo_secondary_ops = {
	.dev_infos_get = fo_dev_infos_get,
	.link_update = fo_secondary_link_update,
	.stats_get = fo_stats_get,
	.xstats_get = fo_xstats_get,
	.xstats_get_names = fo_xstats_get_names,
	.rxq_info_get = fo_rxq_info_get,
	.txq_info_get = fo_txq_info_get,
};

int
fo_secondary_attach(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct rte_eth_dev *dev = rte_eth_dev_attach_secondary(name);
	struct fo_private *priv;

	if (dev == NULL) {
		rte_log(RTE_LOG_ERR, fo_logtype,
			"net_failover %s: the primary process has no such port\n", name);
		return -ENODEV;
	}
	/* ethdev reads the driver's name through it (rte_eth_dev_info_get). */
	dev->device = &vdev->device;
	dev->dev_ops = &fo_secondary_ops;
	priv = dev->data->dev_private;
	fo_secondary_poller = fo_poller_register();
	dev->rx_pkt_burst =
		priv->args.mbuf_port_sub ? fo_rx_burst_sub_port_secondary : fo_rx_burst_secondary;
	dev->tx_pkt_burst = fo_tx_burst_secondary;
	fo_compat_secondary_dummies(dev);
	rte_eth_dev_probing_finish(dev);
	return 0;
}
