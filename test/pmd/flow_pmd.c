/* SPDX-License-Identifier: BSD-3-Clause */

/* net_fotest: see flow_pmd.h. Control path only; one thread at a time. */

#include <errno.h>
#include <stdlib.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_flow_driver.h>
#include <rte_malloc.h>

#include "flow_pmd.h"

struct rte_flow {
	struct rte_flow *next;
	uint16_t port_id;
};

static struct rte_flow *flow_pmd_rules; /* of every port */
static struct flow_pmd_state flow_pmd_states[RTE_MAX_ETHPORTS];
static int flow_pmd_queue; /* stands for every queue: nothing is kept in it */

struct flow_pmd_state
flow_pmd_state(uint16_t port_id)
{
	return flow_pmd_states[port_id];
}

static void
flow_pmd_drop_rules(uint16_t port_id)
{
	struct rte_flow **p = &flow_pmd_rules;

	while (*p != NULL) {
		struct rte_flow *f = *p;

		if (f->port_id == port_id) {
			*p = f->next;
			free(f);
		} else {
			p = &f->next;
		}
	}
	flow_pmd_states[port_id].rules = 0;
}

static int
flow_pmd_check(const struct rte_flow_attr *attr, struct rte_flow_error *error)
{
	if (attr->group != 0)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_GROUP, NULL,
					  "net_fotest takes rules in group 0 only");
	return 0;
}

static int
flow_pmd_validate(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
		  const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		  struct rte_flow_error *error)
{
	return flow_pmd_check(attr, error);
}

static struct rte_flow *
flow_pmd_create(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		struct rte_flow_error *error)
{
	struct rte_flow *f;

	if (flow_pmd_check(attr, error) != 0)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		rte_flow_error_set(error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				   "no memory");
		return NULL;
	}
	f->port_id = dev->data->port_id;
	f->next = flow_pmd_rules;
	flow_pmd_rules = f;
	flow_pmd_states[f->port_id].rules++;
	return f;
}

static int
flow_pmd_destroy(struct rte_eth_dev *dev, struct rte_flow *flow, struct rte_flow_error *error)
{
	struct rte_flow **p;

	for (p = &flow_pmd_rules; *p != NULL; p = &(*p)->next)
		if (*p == flow && flow->port_id == dev->data->port_id) {
			*p = flow->next;
			free(flow);
			flow_pmd_states[dev->data->port_id].rules--;
			return 0;
		}
	return rte_flow_error_set(error, ENOENT, RTE_FLOW_ERROR_TYPE_HANDLE, flow,
				  "net_fotest has no such rule on this port");
}

static int
flow_pmd_flush(struct rte_eth_dev *dev, struct rte_flow_error *error)
{
	flow_pmd_drop_rules(dev->data->port_id);
	return 0;
}

static int
flow_pmd_isolate(struct rte_eth_dev *dev, int set, struct rte_flow_error *error)
{
	flow_pmd_states[dev->data->port_id].isolated = set != 0;
	return 0;
}

static const struct rte_flow_ops flow_pmd_flow_ops = {
	.validate = flow_pmd_validate,
	.create = flow_pmd_create,
	.destroy = flow_pmd_destroy,
	.flush = flow_pmd_flush,
	.isolate = flow_pmd_isolate,
};

static int
flow_pmd_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops)
{
	*ops = &flow_pmd_flow_ops;
	return 0;
}

static int
flow_pmd_configure(struct rte_eth_dev *dev)
{
	return 0;
}

static int
flow_pmd_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	info->max_rx_queues = 8;
	info->max_tx_queues = 8;
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = 9018;
	return 0;
}

static int
flow_pmd_link(struct rte_eth_dev *dev, bool up)
{
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_10G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};

	return rte_eth_linkstatus_set(dev, &link);
}

static int
flow_pmd_start(struct rte_eth_dev *dev)
{
	flow_pmd_link(dev, true);
	return 0;
}

static int
flow_pmd_stop(struct rte_eth_dev *dev)
{
	flow_pmd_link(dev, false);
	return 0;
}

static int
flow_pmd_close(struct rte_eth_dev *dev)
{
	/* Rules and isolation die with the port, as they do on a real NIC. */
	flow_pmd_drop_rules(dev->data->port_id);
	flow_pmd_states[dev->data->port_id].isolated = false;
	return 0;
}

static int
flow_pmd_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	return 0;
}

static int
flow_pmd_rx_queue_setup(struct rte_eth_dev *dev, uint16_t id, uint16_t nb_desc, unsigned int socket,
			const struct rte_eth_rxconf *conf, struct rte_mempool *mp)
{
	dev->data->rx_queues[id] = &flow_pmd_queue;
	return 0;
}

static int
flow_pmd_tx_queue_setup(struct rte_eth_dev *dev, uint16_t id, uint16_t nb_desc, unsigned int socket,
			const struct rte_eth_txconf *conf)
{
	dev->data->tx_queues[id] = &flow_pmd_queue;
	return 0;
}

static int
flow_pmd_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	return 0;
}

static int
flow_pmd_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	return 0;
}

static int
flow_pmd_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats)
{
	return 0;
}

static const struct eth_dev_ops flow_pmd_ops = {
	.dev_configure = flow_pmd_configure,
	.dev_infos_get = flow_pmd_infos_get,
	.dev_start = flow_pmd_start,
	.dev_stop = flow_pmd_stop,
	.dev_close = flow_pmd_close,
	.link_update = flow_pmd_link_update,
	.rx_queue_setup = flow_pmd_rx_queue_setup,
	.tx_queue_setup = flow_pmd_tx_queue_setup,
	.mtu_set = flow_pmd_mtu_set,
	.mac_addr_set = flow_pmd_mac_addr_set,
	.stats_get = flow_pmd_stats_get,
	.flow_ops_get = flow_pmd_flow_ops_get,
};

static uint16_t
flow_pmd_no_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return 0;
}

static int
flow_pmd_probe(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_vdev_allocate(vdev, 0);

	if (dev == NULL)
		return -ENOMEM;
	dev->data->mac_addrs = rte_zmalloc(NULL, sizeof(struct rte_ether_addr), 0);
	if (dev->data->mac_addrs == NULL) {
		rte_eth_dev_release_port(dev);
		return -ENOMEM;
	}
	rte_eth_random_addr(dev->data->mac_addrs[0].addr_bytes);
	dev->dev_ops = &flow_pmd_ops;
	dev->rx_pkt_burst = flow_pmd_no_burst;
	dev->tx_pkt_burst = flow_pmd_no_burst;
	flow_pmd_link(dev, false);
	rte_eth_dev_probing_finish(dev);
	return 0;
}

static int
flow_pmd_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0; /* already closed */
	/* Hot-unplug: the device goes, started or not. */
	flow_pmd_close(dev);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver flow_pmd_driver = {
	.probe = flow_pmd_probe,
	.remove = flow_pmd_remove,
};

RTE_PMD_REGISTER_VDEV(net_fotest, flow_pmd_driver);
