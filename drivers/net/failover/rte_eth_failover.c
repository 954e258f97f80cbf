/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>
#include <ethdev_vdev.h>
#include <bus_vdev_driver.h>

#include "failover_private.h"

RTE_LOG_REGISTER(fo_logtype, pmd.net.failover, NOTICE);

static void
fo_priv_init(struct fo_private *priv, struct rte_eth_dev *dev, const char *name,
	     const struct fo_args *args)
{
	pthread_mutexattr_t attr;
	enum fo_path p;

	strlcpy(priv->name, name, sizeof(priv->name));
	priv->dev = dev;
	priv->port_id = dev->data->port_id;
	priv->args = *args;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&priv->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	pthread_mutex_init(&priv->paths_lock, NULL);
	pthread_mutex_init(&priv->stats_lock, NULL);
	rte_spinlock_init(&priv->inbox_lock);
	priv->want_paths = FO_PATHS_NONE;
	priv->max_rxq = FO_MAX_QUEUES;
	priv->max_txq = FO_MAX_QUEUES;
	priv->paths = FO_PATHS_NONE;
	fo_journal_init(&priv->journal);
	for (p = FO_PATH_PRIMARY; p <= FO_PATH_STANDBY; p++) {
		struct fo_sub *sub = fo_sub_of(priv, p);

		sub->priv = priv;
		sub->path = p;
		sub->port_id = FO_NO_PORT;
		sub->cb_port = FO_NO_PORT;
		strlcpy(sub->devargs, p == FO_PATH_PRIMARY ? args->primary : args->standby,
			sizeof(sub->devargs));
		/* Given explicitly: must be there. Discovered: the VF may come later. */
		sub->required = sub->devargs[0] != '\0';
	}
}

/*
 * The port's MAC: mac= if given, else the standby's, else the primary's,
 * else (sub-devices without one, like net_ring) a random local address.
 */
static void
fo_pick_mac(struct fo_private *priv, struct rte_ether_addr *mac)
{
	enum fo_path order[] = {FO_PATH_STANDBY, FO_PATH_PRIMARY};
	unsigned int i;

	if (priv->args.has_mac) {
		memcpy(mac->addr_bytes, priv->args.mac, RTE_ETHER_ADDR_LEN);
		return;
	}
	if (priv->discover && priv->pair_mac_known) {
		memcpy(mac->addr_bytes, priv->pair_mac, RTE_ETHER_ADDR_LEN);
		return;
	}
	for (i = 0; i < RTE_DIM(order); i++) {
		struct fo_sub *sub = fo_sub_of(priv, order[i]);

		if (fo_sub_present(sub) && rte_eth_macaddr_get(sub->port_id, mac) == 0 &&
		    !rte_is_zero_ether_addr(mac))
			return;
	}
	rte_eth_random_addr(mac->addr_bytes);
	FO_LOG(NOTICE, priv, "no sub-device has a MAC address: using random " RTE_ETHER_ADDR_PRT_FMT,
	       RTE_ETHER_ADDR_BYTES(mac));
}

static int
fo_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	char err[FO_ERR_MAX];
	struct fo_args args;
	struct fo_private *priv;
	struct rte_eth_dev *dev;
	struct fo_sub *sub;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return fo_secondary_attach(vdev);
	if (fo_args_parse(rte_vdev_device_args(vdev), &args, err, sizeof(err)) < 0) {
		rte_log(RTE_LOG_ERR, fo_logtype, "net_failover %s: bad devargs: %s\n", name, err);
		return -EINVAL;
	}

	dev = rte_eth_vdev_allocate(vdev, sizeof(*priv));
	if (dev == NULL)
		return -ENOMEM;
	priv = dev->data->dev_private;
	fo_priv_init(priv, dev, name, &args);
	dev->dev_ops = &fo_ops;
	fo_grace_init(priv);
	fo_poller_sweep(); /* files of secondaries that died before */
	if (priv->grace_fence) {
		dev->rx_pkt_burst = priv->args.mbuf_port_sub ? fo_rx_burst_sub_port_fenced
							     : fo_rx_burst_fenced;
		dev->tx_pkt_burst = fo_tx_burst_fenced;
	} else {
		dev->rx_pkt_burst = priv->args.mbuf_port_sub ? fo_rx_burst_sub_port : fo_rx_burst;
		dev->tx_pkt_burst = fo_tx_burst;
	}
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC | RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	dev->data->mac_addrs = rte_zmalloc(name, FO_MAX_MACS * sizeof(struct rte_ether_addr), 0);
	if (dev->data->mac_addrs == NULL) {
		ret = -ENOMEM;
		goto fail_release;
	}

	ret = rte_eth_dev_owner_new(&priv->owner.id);
	if (ret < 0)
		goto fail_release;
	snprintf(priv->owner.name, sizeof(priv->owner.name), "net_failover %s", name);

	if (fo_args_discover(&args)) {
		priv->discover = true;
		ret = fo_discover_select(priv, err, sizeof(err));
		if (ret < 0) {
			rte_log(RTE_LOG_ERR, fo_logtype, "net_failover %s: %s\n", name, err);
			goto fail_subs;
		}
		fo_sub_of(priv, FO_PATH_STANDBY)->required = true;
	}
	FO_FOREACH_SUB(priv, sub) {
		if (sub->devargs[0] == '\0')
			continue;
		ret = fo_sub_attach(priv, sub); /* logs why it failed */
		if (ret < 0 && sub->required)
			goto fail_subs;
	}
	if (priv->n_vf_candidates > 0)
		fo_discover_attach_candidate(priv, fo_sub_of(priv, FO_PATH_PRIMARY));
	fo_pick_mac(priv, &dev->data->mac_addrs[0]);

	fo_netlink_open(priv);
	fo_uevent_open(priv);
	fo_service_start(priv);
	rte_eth_dev_probing_finish(dev);
	FO_LOG(INFO, priv, "port %u: primary=%s standby=%s mac=" RTE_ETHER_ADDR_PRT_FMT "%s",
	       priv->port_id, fo_sub_present(fo_sub_of(priv, FO_PATH_PRIMARY)) ?
	       fo_sub_of(priv, FO_PATH_PRIMARY)->name : "(absent)",
	       fo_sub_present(fo_sub_of(priv, FO_PATH_STANDBY)) ?
	       fo_sub_of(priv, FO_PATH_STANDBY)->name : "(absent)",
	       RTE_ETHER_ADDR_BYTES(&dev->data->mac_addrs[0]),
	       priv->args.mbuf_port_sub ? ", mbuf->port left to the sub-devices" : "");
	return 0;

fail_subs:
	ret = ret < 0 ? ret : -ENODEV;
	FO_FOREACH_SUB(priv, sub)
		fo_sub_detach(priv, sub, "probe failed");
	rte_eth_dev_owner_delete(priv->owner.id);
fail_release:
	pthread_mutex_destroy(&priv->stats_lock);
	pthread_mutex_destroy(&priv->paths_lock);
	pthread_mutex_destroy(&priv->lock);
	rte_eth_dev_release_port(dev);
	return ret;
}

static int
fo_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0; /* already closed by the application */
	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		struct fo_private *priv = dev->data->dev_private;

		/*
		 * Removed with its port open, maybe by rte_eal_cleanup(), which
		 * walks the vdev list holding a pointer to the next device: the
		 * sub-devices' ports are closed but the devices stay on their bus.
		 */
		priv->keep_sub_devices = true;
		fo_dev_close(dev);
	} else {
		fo_poller_unregister();
	}
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver fo_vdev_driver = {
	.probe = fo_probe,
	.remove = fo_remove,
};

RTE_PMD_REGISTER_VDEV(net_failover, fo_vdev_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_failover,
	"primary=(<devargs>) standby=(<devargs>) mac=<mac> poll_ms=<ms> "
	"standby_poll=<bursts> quiesce_ms=<ms> sysfs=<dir> iface=<ifname> "
	"mbuf_port=failover|sub grace=auto|fence");
