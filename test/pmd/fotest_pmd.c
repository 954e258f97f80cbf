/* SPDX-License-Identifier: BSD-3-Clause */

/* net_fotest: see fotest_pmd.h. Control path only; one thread at a time. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_flow_driver.h>
#include <rte_malloc.h>

#include "failover_compat.h"
#include "fotest_pmd.h"

struct rte_flow {
	struct rte_flow *next;
	uint16_t port_id;
};

static struct rte_flow *fotest_rules; /* of every port */
static struct fotest_state fotest_states[RTE_MAX_ETHPORTS];
static int fotest_queue; /* stands for every queue: nothing is kept in it */
static bool fotest_rx_deferred[RTE_MAX_ETHPORTS][RTE_MAX_QUEUES_PER_PORT];
static bool fotest_tx_deferred[RTE_MAX_ETHPORTS][RTE_MAX_QUEUES_PER_PORT];
static struct fotest_rx fotest_rx_mode[RTE_MAX_ETHPORTS];
static unsigned int fotest_in_rx[RTE_MAX_ETHPORTS];
static unsigned int fotest_closed[RTE_MAX_ETHPORTS];
static uint16_t fotest_max_mtu[RTE_MAX_ETHPORTS];
static struct rte_mempool *fotest_mp[RTE_MAX_ETHPORTS];
static uint16_t fotest_rxq_port[RTE_MAX_ETHPORTS]; /* Rx queues: the port they are of */
static struct fotest_calls fotest_calls[RTE_MAX_ETHPORTS];
static struct rte_mempool *fotest_rxq_mps[RTE_MAX_ETHPORTS][RTE_MAX_QUEUES_PER_PORT];
static int fotest_configure_ret[RTE_MAX_ETHPORTS];
static int fotest_reset_ret[RTE_MAX_ETHPORTS];

struct fotest_calls
fotest_calls_of(uint16_t port_id)
{
	struct fotest_calls c = fotest_calls[port_id];

	c.rx_bursts = __atomic_load_n(&fotest_calls[port_id].rx_bursts, __ATOMIC_ACQUIRE);
	return c;
}

struct rte_mempool *
fotest_rxq_mp(uint16_t port_id, uint16_t q)
{
	return fotest_rxq_mps[port_id][q];
}

void
fotest_configure_result_set(uint16_t port_id, int ret)
{
	fotest_configure_ret[port_id] = ret;
}

void
fotest_reset_result_set(uint16_t port_id, int ret)
{
	fotest_reset_ret[port_id] = ret;
}

static void fotest_drop_rules(uint16_t port_id);

void
fotest_lose_rules(uint16_t port_id)
{
	fotest_drop_rules(port_id);
}

void
fotest_rx_set(uint16_t port_id, const struct fotest_rx *rx)
{
	__atomic_store_n(&fotest_rx_mode[port_id].busy, rx->busy, __ATOMIC_RELEASE);
	__atomic_store_n(&fotest_rx_mode[port_id].vector, rx->vector, __ATOMIC_RELEASE);
	__atomic_store_n(&fotest_rx_mode[port_id].stall, rx->stall, __ATOMIC_RELEASE);
}

unsigned int
fotest_in_burst(uint16_t port_id)
{
	return __atomic_load_n(&fotest_in_rx[port_id], __ATOMIC_ACQUIRE);
}

unsigned int
fotest_closes(uint16_t port_id)
{
	return __atomic_load_n(&fotest_closed[port_id], __ATOMIC_ACQUIRE);
}

void
fotest_max_mtu_set(uint16_t port_id, uint16_t mtu)
{
	fotest_max_mtu[port_id] = mtu;
}

struct fotest_state
fotest_state_of(uint16_t port_id)
{
	return fotest_states[port_id];
}

static void
fotest_drop_rules(uint16_t port_id)
{
	struct rte_flow **p = &fotest_rules;

	while (*p != NULL) {
		struct rte_flow *f = *p;

		if (f->port_id == port_id) {
			*p = f->next;
			free(f);
		} else {
			p = &f->next;
		}
	}
	fotest_states[port_id].rules = 0;
}

static int
fotest_check(const struct rte_flow_attr *attr, struct rte_flow_error *error)
{
	if (attr->group != 0)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_GROUP, NULL,
					  "net_fotest takes rules in group 0 only");
	return 0;
}

static int
fotest_validate(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		struct rte_flow_error *error)
{
	return fotest_check(attr, error);
}

static struct rte_flow *
fotest_create(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
	      const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
	      struct rte_flow_error *error)
{
	struct rte_flow *f;

	if (fotest_check(attr, error) != 0)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		rte_flow_error_set(error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				   "no memory");
		return NULL;
	}
	f->port_id = dev->data->port_id;
	f->next = fotest_rules;
	fotest_rules = f;
	fotest_states[f->port_id].rules++;
	return f;
}

static int
fotest_destroy(struct rte_eth_dev *dev, struct rte_flow *flow, struct rte_flow_error *error)
{
	struct rte_flow **p;

	for (p = &fotest_rules; *p != NULL; p = &(*p)->next)
		if (*p == flow && flow->port_id == dev->data->port_id) {
			*p = flow->next;
			free(flow);
			fotest_states[dev->data->port_id].rules--;
			return 0;
		}
	return rte_flow_error_set(error, ENOENT, RTE_FLOW_ERROR_TYPE_HANDLE, flow,
				  "net_fotest has no such rule on this port");
}

static int
fotest_flush(struct rte_eth_dev *dev, struct rte_flow_error *error)
{
	fotest_drop_rules(dev->data->port_id);
	return 0;
}

static int
fotest_isolate(struct rte_eth_dev *dev, int set, struct rte_flow_error *error)
{
	fotest_states[dev->data->port_id].isolated = set != 0;
	return 0;
}

/* A COUNT query reports 1000 + the port id: which sub-device answered. */
static int
fotest_query(struct rte_eth_dev *dev, struct rte_flow *flow, const struct rte_flow_action *action,
	     void *data, struct rte_flow_error *error)
{
	struct rte_flow_query_count *count = data;

	if (action->type != RTE_FLOW_ACTION_TYPE_COUNT)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, action,
					  "net_fotest counts only");
	memset(count, 0, sizeof(*count));
	count->hits_set = 1;
	count->hits = 1000 + dev->data->port_id;
	return 0;
}

static const struct rte_flow_ops fotest_flow_ops = {
	.validate = fotest_validate,
	.create = fotest_create,
	.destroy = fotest_destroy,
	.flush = fotest_flush,
	.query = fotest_query,
	.isolate = fotest_isolate,
};

static int
fotest_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops)
{
	*ops = &fotest_flow_ops;
	return 0;
}

static int
fotest_configure(struct rte_eth_dev *dev)
{
	fotest_calls[dev->data->port_id].configures++;
	return fotest_configure_ret[dev->data->port_id];
}

static int
fotest_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	info->max_rx_queues = 8;
	info->max_tx_queues = 8;
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = 9018;
	return 0;
}

static int
fotest_link(struct rte_eth_dev *dev, bool up)
{
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_10G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};

	return rte_eth_linkstatus_set(dev, &link);
}

static int
fotest_start(struct rte_eth_dev *dev)
{
	uint16_t port = dev->data->port_id, i;

	fotest_calls[port].starts++;
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = fotest_rx_deferred[port][i]
						       ? RTE_ETH_QUEUE_STATE_STOPPED
						       : RTE_ETH_QUEUE_STATE_STARTED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = fotest_tx_deferred[port][i]
						       ? RTE_ETH_QUEUE_STATE_STOPPED
						       : RTE_ETH_QUEUE_STATE_STARTED;
	fotest_link(dev, true);
	return 0;
}

static int
fotest_stop(struct rte_eth_dev *dev)
{
	uint16_t i;

	fotest_calls[dev->data->port_id].stops++;
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	fotest_link(dev, false);
	return 0;
}

static int
fotest_rx_queue_start(struct rte_eth_dev *dev, uint16_t id)
{
	dev->data->rx_queue_state[id] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int
fotest_rx_queue_stop(struct rte_eth_dev *dev, uint16_t id)
{
	dev->data->rx_queue_state[id] = RTE_ETH_QUEUE_STATE_STOPPED;
	return 0;
}

static int
fotest_tx_queue_start(struct rte_eth_dev *dev, uint16_t id)
{
	dev->data->tx_queue_state[id] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int
fotest_tx_queue_stop(struct rte_eth_dev *dev, uint16_t id)
{
	dev->data->tx_queue_state[id] = RTE_ETH_QUEUE_STATE_STOPPED;
	return 0;
}

static int
fotest_close(struct rte_eth_dev *dev)
{
	/* Rules and isolation die with the port, as they do on a real NIC. */
	__atomic_fetch_add(&fotest_closed[dev->data->port_id], 1, __ATOMIC_RELEASE);
	fotest_drop_rules(dev->data->port_id);
	fotest_states[dev->data->port_id].isolated = false;
	return 0;
}

static int
fotest_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	fotest_calls[dev->data->port_id].link_updates++;
	return 0;
}

/* A reset as a VF's after a PF reset: rules and link gone, configuration kept by ethdev. */
static int
fotest_reset(struct rte_eth_dev *dev)
{
	uint16_t port = dev->data->port_id;

	if (fotest_reset_ret[port] != 0)
		return fotest_reset_ret[port];
	fotest_calls[port].resets++;
	if (__atomic_load_n(&fotest_in_rx[port], __ATOMIC_ACQUIRE) > 0)
		fotest_calls[port].resets_in_burst++;
	fotest_drop_rules(port);
	fotest_states[port].isolated = false;
	fotest_link(dev, false);
	return 0;
}

static int
fotest_rx_queue_setup(struct rte_eth_dev *dev, uint16_t id, uint16_t nb_desc, unsigned int socket,
		      const struct rte_eth_rxconf *conf, struct rte_mempool *mp)
{
	fotest_rxq_port[dev->data->port_id] = dev->data->port_id;
	dev->data->rx_queues[id] = &fotest_rxq_port[dev->data->port_id];
	fotest_mp[dev->data->port_id] = mp;
	fotest_rxq_mps[dev->data->port_id][id] = mp;
	fotest_calls[dev->data->port_id].rx_setups++;
	fotest_rx_deferred[dev->data->port_id][id] = conf != NULL && conf->rx_deferred_start;
	return 0;
}

static int
fotest_tx_queue_setup(struct rte_eth_dev *dev, uint16_t id, uint16_t nb_desc, unsigned int socket,
		      const struct rte_eth_txconf *conf)
{
	dev->data->tx_queues[id] = &fotest_queue;
	fotest_calls[dev->data->port_id].tx_setups++;
	fotest_tx_deferred[dev->data->port_id][id] = conf != NULL && conf->tx_deferred_start;
	return 0;
}

static int
fotest_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	uint16_t max = fotest_max_mtu[dev->data->port_id];

	return max != 0 && mtu > max ? -EINVAL : 0;
}

static int
fotest_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	return 0;
}

static int
fotest_stats_get(FO_STATS_GET_PARAMS)
{
	fotest_calls[dev->data->port_id].stats_gets++;
	return 0;
}

static const struct eth_dev_ops fotest_ops = {
	.dev_configure = fotest_configure,
	.dev_infos_get = fotest_infos_get,
	.dev_start = fotest_start,
	.dev_stop = fotest_stop,
	.dev_close = fotest_close,
	.link_update = fotest_link_update,
	.dev_reset = fotest_reset,
	.rx_queue_setup = fotest_rx_queue_setup,
	.tx_queue_setup = fotest_tx_queue_setup,
	.rx_queue_start = fotest_rx_queue_start,
	.rx_queue_stop = fotest_rx_queue_stop,
	.tx_queue_start = fotest_tx_queue_start,
	.tx_queue_stop = fotest_tx_queue_stop,
	.mtu_set = fotest_mtu_set,
	.mac_addr_set = fotest_mac_addr_set,
	.stats_get = fotest_stats_get,
	.flow_ops_get = fotest_flow_ops_get,
};

static uint16_t
fotest_no_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return 0;
}

static uint16_t
fotest_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	uint16_t port = *(const uint16_t *)queue;
	struct fotest_rx *mode = &fotest_rx_mode[port];
	uint16_t n = 0;

	__atomic_fetch_add(&fotest_in_rx[port], 1, __ATOMIC_ACQ_REL);
	__atomic_fetch_add(&fotest_calls[port].rx_bursts, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&mode->stall, __ATOMIC_ACQUIRE))
		rte_pause();
	if (__atomic_load_n(&mode->busy, __ATOMIC_ACQUIRE) && fotest_mp[port] != NULL) {
		if (__atomic_load_n(&mode->vector, __ATOMIC_ACQUIRE))
			nb_pkts &= ~3u;
		for (n = 0; n < nb_pkts; n++) {
			uint8_t *w;
			uint32_t src = port;

			pkts[n] = rte_pktmbuf_alloc(fotest_mp[port]);
			if (pkts[n] == NULL)
				break;
			w = (uint8_t *)rte_pktmbuf_append(pkts[n], 64);
			memset(w, 0, 64);
			memcpy(w + RTE_ETHER_HDR_LEN, &src, sizeof(src));
		}
	}
	__atomic_fetch_sub(&fotest_in_rx[port], 1, __ATOMIC_ACQ_REL);
	return n;
}

static int
fotest_probe(struct rte_vdev_device *vdev)
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
	memset(&fotest_calls[dev->data->port_id], 0, sizeof(fotest_calls[0]));
	memset(fotest_rxq_mps[dev->data->port_id], 0, sizeof(fotest_rxq_mps[0]));
	fotest_configure_ret[dev->data->port_id] = 0;
	fotest_reset_ret[dev->data->port_id] = 0;
	dev->dev_ops = &fotest_ops;
	dev->rx_pkt_burst = fotest_rx_burst;
	dev->tx_pkt_burst = fotest_no_burst;
	fotest_link(dev, false);
	rte_eth_dev_probing_finish(dev);
	return 0;
}

static int
fotest_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0; /* already closed */
	/* Hot-unplug: the device goes, started or not. */
	fotest_close(dev);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver fotest_driver = {
	.probe = fotest_probe,
	.remove = fotest_remove,
};

RTE_PMD_REGISTER_VDEV(net_fotest, fotest_driver);
