/* SPDX-License-Identifier: BSD-3-Clause */

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>

#include "failover_private.h"

/*
 * In a secondary process (dpdk-proc-info, dpdk-dumpcap, ...) the port is
 * there to be looked at: information, link, statistics and queue set-up
 * as the primary keeps them. Everything that changes the port, and the
 * data path, stays with the primary, which owns the sub-devices, their
 * events and the lock.
 */
static int
fo_secondary_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	return 0; /* the primary keeps dev->data->dev_link */
}

static uint16_t
fo_secondary_no_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return 0;
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

	if (dev == NULL) {
		rte_log(RTE_LOG_ERR, fo_logtype,
			"net_failover %s: the primary process has no such port\n", name);
		return -ENODEV;
	}
	/* ethdev reads the driver's name through it (rte_eth_dev_info_get). */
	dev->device = &vdev->device;
	dev->dev_ops = &fo_secondary_ops;
	dev->rx_pkt_burst = fo_secondary_no_burst;
	dev->tx_pkt_burst = fo_secondary_no_burst;
	rte_eth_dev_probing_finish(dev);
	return 0;
}
