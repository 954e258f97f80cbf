/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <string.h>

#include "failover_private.h"

/* Things a sub-device may lack: logged at debug level, not counted. */
static bool
fo_replay_unsupported(int ret)
{
	return ret == -ENOTSUP || ret == -ENOSYS;
}

static void
fo_replay_result(struct fo_private *priv, struct fo_sub *sub, const char *what, int ret)
{
	if (ret == 0)
		return;
	if (fo_replay_unsupported(ret)) {
		FO_LOG(DEBUG, priv, "%s %s: %s not supported", fo_rules_path_name(sub->path),
		       sub->name, what);
		return;
	}
	sub->replay_mismatches++;
	FO_LOG(WARNING, priv, "%s %s: replaying %s failed: %s", fo_rules_path_name(sub->path),
	       sub->name, what, rte_strerror(-ret));
}

static uint16_t
fo_replay_desc(uint16_t nb_desc, const struct rte_eth_desc_lim *lim)
{
	if (nb_desc == 0)
		return 0;
	if (lim->nb_max != 0 && nb_desc > lim->nb_max)
		nb_desc = lim->nb_max;
	if (nb_desc < lim->nb_min)
		nb_desc = lim->nb_min;
	if (lim->nb_align > 1)
		nb_desc = RTE_ALIGN_CEIL(nb_desc, lim->nb_align);
	return nb_desc;
}

/* The bits of queues 0 to n - 1. */
static uint32_t
fo_replay_below(uint16_t n)
{
	return n >= 32 ? UINT32_MAX : (UINT32_C(1) << n) - 1;
}

/*
 * Configure the sub-device for the port's queue counts. Its queues are
 * set up apart (fo_replay_queue), when the application sets up the
 * port's, or at start from the journal: a configure alone does not touch
 * a mempool, which the application may be about to replace.
 */
int
fo_replay_configure(struct fo_private *priv, struct fo_sub *sub)
{
	struct rte_eth_dev_data *data = priv->dev->data;
	struct fo_journal *j = &priv->journal;
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf = data->dev_conf;
	uint16_t nb_rx, nb_tx;
	uint32_t flags;
	int ret;

	ret = rte_eth_dev_info_get(sub->port_id, &info);
	if (ret < 0)
		return ret;
	flags = info.dev_flags != NULL ? *info.dev_flags : 0;

	if (j->isolate_set) {
		struct rte_flow_error error;

		fo_replay_result(priv, sub, "flow isolation",
				 rte_flow_isolate(sub->port_id, j->isolated, &error));
	}

	/* Ask each sub-device only for what it has; the port's profile stays fixed. */
	conf.rxmode.offloads &= info.rx_offload_capa;
	conf.txmode.offloads &= info.tx_offload_capa;
	conf.rx_adv_conf.rss_conf.rss_hf &= info.flow_type_rss_offloads;
	conf.rx_adv_conf.rss_conf.rss_key = NULL;
	conf.rx_adv_conf.rss_conf.rss_key_len = 0;
	if (conf.rx_adv_conf.rss_conf.rss_hf == 0)
		conf.rxmode.mq_mode &= ~RTE_ETH_MQ_RX_RSS_FLAG;
	if (info.max_mtu != 0 && conf.rxmode.mtu > info.max_mtu)
		conf.rxmode.mtu = info.max_mtu;
	conf.intr_conf.lsc = !!(flags & RTE_ETH_DEV_INTR_LSC);
	conf.intr_conf.rmv = !!(flags & RTE_ETH_DEV_INTR_RMV);
	conf.intr_conf.rxq = 0;

	fo_queues_plan(priv, sub, &nb_rx, &nb_tx);
	ret = rte_eth_dev_configure(sub->port_id, nb_rx, nb_tx, &conf);
	if (ret < 0) {
		FO_LOG(ERR, priv, "%s %s: configure with %u rx / %u tx queues failed: %s",
		       fo_rules_path_name(sub->path), sub->name, nb_rx, nb_tx, rte_strerror(-ret));
		return ret;
	}
	/*
	 * ethdev keeps a device's queues below its new counts; those beyond
	 * the port's counts are polled for another port queue now.
	 */
	if (sub->state == FO_SUB_PROBED) {
		sub->rxq_ready = 0;
		sub->txq_ready = 0;
	}
	sub->rxq_ready &= fo_replay_below(RTE_MIN(nb_rx, priv->nb_rxq));
	sub->txq_ready &= fo_replay_below(RTE_MIN(nb_tx, priv->nb_txq));
	sub->nb_rx = nb_rx;
	sub->nb_tx = nb_tx;
	return 0;
}

/* Set up the sub-device's Rx queue i as the port queue that polls it. */
static int
fo_replay_rxq(struct fo_private *priv, struct fo_sub *sub, const struct rte_eth_dev_info *info,
	      uint16_t i)
{
	const struct fo_rxq_conf *q = &priv->journal.rxq[i % priv->nb_rxq];
	struct rte_eth_rxconf rxconf;
	int ret;

	if (!q->set)
		return 0;
	rxconf = q->conf;
	rxconf.offloads &= info->rx_queue_offload_capa | info->rx_offload_capa;
	ret = rte_eth_rx_queue_setup(sub->port_id, i,
				     fo_replay_desc(q->nb_desc, &info->rx_desc_lim), q->socket,
				     &rxconf, q->mp);
	if (ret < 0) {
		FO_LOG(ERR, priv, "%s %s: rx queue %u set-up failed: %s",
		       fo_rules_path_name(sub->path), sub->name, i, rte_strerror(-ret));
		return ret;
	}
	sub->rxq_ready |= UINT32_C(1) << i;
	return 0;
}

/* Set up the sub-device's Tx queue i as the port queue it stands for. */
static int
fo_replay_txq(struct fo_private *priv, struct fo_sub *sub, const struct rte_eth_dev_info *info,
	      uint16_t i)
{
	const struct fo_txq_conf *q = &priv->journal.txq[i % priv->nb_txq];
	struct rte_eth_txconf txconf;
	int ret;

	if (!q->set)
		return 0;
	txconf = q->conf;
	txconf.offloads &= info->tx_queue_offload_capa | info->tx_offload_capa;
	ret = rte_eth_tx_queue_setup(sub->port_id, i,
				     fo_replay_desc(q->nb_desc, &info->tx_desc_lim), q->socket,
				     &txconf);
	if (ret < 0) {
		FO_LOG(ERR, priv, "%s %s: tx queue %u set-up failed: %s",
		       fo_rules_path_name(sub->path), sub->name, i, rte_strerror(-ret));
		return ret;
	}
	sub->txq_ready |= UINT32_C(1) << i;
	return 0;
}

/*
 * The application set up port queue qid: set up the sub-device's queues
 * it stands for (qid, and qid + n, qid + 2n... of a spread sub-device).
 */
int
fo_replay_queue(struct fo_private *priv, struct fo_sub *sub, bool rx, uint16_t qid)
{
	uint16_t step = rx ? priv->nb_rxq : priv->nb_txq;
	uint16_t count = rx ? sub->nb_rx : sub->nb_tx;
	struct rte_eth_dev_info info;
	uint16_t i;
	int ret;

	ret = rte_eth_dev_info_get(sub->port_id, &info);
	if (ret < 0)
		return ret;
	for (i = qid; step > 0 && i < count && i < FO_MAX_QUEUES; i += step) {
		ret = rx ? fo_replay_rxq(priv, sub, &info, i) : fo_replay_txq(priv, sub, &info, i);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Before a start: set up every queue the journal has and the sub-device lacks. */
int
fo_replay_queues(struct fo_private *priv, struct fo_sub *sub)
{
	struct rte_eth_dev_info info;
	uint16_t i;
	int ret;

	ret = rte_eth_dev_info_get(sub->port_id, &info);
	if (ret < 0)
		return ret;
	for (i = 0; priv->nb_rxq > 0 && i < sub->nb_rx && i < FO_MAX_QUEUES; i++) {
		if (sub->rxq_ready & (UINT32_C(1) << i))
			continue;
		ret = fo_replay_rxq(priv, sub, &info, i);
		if (ret < 0)
			return ret;
	}
	for (i = 0; priv->nb_txq > 0 && i < sub->nb_tx && i < FO_MAX_QUEUES; i++) {
		if (sub->txq_ready & (UINT32_C(1) << i))
			continue;
		ret = fo_replay_txq(priv, sub, &info, i);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
fo_replay_rss(struct fo_private *priv, struct fo_sub *sub)
{
	struct fo_journal *j = &priv->journal;
	struct rte_eth_dev_info info;
	int ret = 0;

	if (rte_eth_dev_info_get(sub->port_id, &info) < 0)
		return -ENODEV;
	if (j->rss_set) {
		struct rte_eth_rss_conf rss = {
			/* A size of 0 means the sub-device does not say: try. */
			.rss_key = info.hash_key_size == 0 || info.hash_key_size == j->rss_key_len
					   ? j->rss_key
					   : NULL,
			.rss_key_len = j->rss_key_len,
			.rss_hf = j->rss_hf & info.flow_type_rss_offloads,
		};

		ret = rte_eth_dev_rss_hash_update(sub->port_id, &rss);
		fo_replay_result(priv, sub, "RSS hash", ret);
	}
	if (j->reta_set && info.reta_size == FO_RETA_SIZE) {
		struct rte_eth_rss_reta_entry64 reta[FO_RETA_SIZE / RTE_ETH_RETA_GROUP_SIZE];
		unsigned int i;

		for (i = 0; i < RTE_DIM(reta); i++)
			reta[i].mask = UINT64_MAX;
		fo_journal_reta_query(j, reta, FO_RETA_SIZE);
		ret = rte_eth_dev_rss_reta_update(sub->port_id, reta, FO_RETA_SIZE);
		fo_replay_result(priv, sub, "RSS RETA", ret);
	}
	return ret;
}

/* Replay what ethdev and the journal record, item by item. */
int
fo_replay_settings(struct fo_private *priv, struct fo_sub *sub)
{
	struct rte_eth_dev_data *data = priv->dev->data;
	struct fo_journal *j = &priv->journal;
	uint16_t port = sub->port_id;
	unsigned int i;

	int ret;

	/* Only what was applied is read back later. */
	sub->verify = 0;
	ret = rte_eth_dev_set_mtu(port, data->mtu);
	fo_replay_result(priv, sub, "MTU", ret);
	if (ret == 0)
		sub->verify |= FO_VERIFY_MTU;
	ret = rte_eth_dev_default_mac_addr_set(port, &data->mac_addrs[0]);
	fo_replay_result(priv, sub, "MAC address", ret);
	if (ret == 0)
		sub->verify |= FO_VERIFY_MAC;
	for (i = 1; i < FO_MAX_MACS; i++) {
		uint32_t pool;

		if (rte_is_zero_ether_addr(&data->mac_addrs[i]))
			continue;
		pool = data->mac_pool_sel[i] != 0 ? (uint32_t)rte_bsf64(data->mac_pool_sel[i]) : 0;
		fo_replay_result(priv, sub, "secondary MAC address",
				 rte_eth_dev_mac_addr_add(port, &data->mac_addrs[i], pool));
	}
	if (j->nb_mc > 0)
		fo_replay_result(priv, sub, "multicast list",
				 rte_eth_dev_set_mc_addr_list(port, j->mc, j->nb_mc));
	fo_replay_result(priv, sub, "promiscuous mode",
			 data->promiscuous ? rte_eth_promiscuous_enable(port)
					   : rte_eth_promiscuous_disable(port));
	fo_replay_result(priv, sub, "all-multicast mode",
			 data->all_multicast ? rte_eth_allmulticast_enable(port)
					     : rte_eth_allmulticast_disable(port));
	if (data->dev_conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_VLAN_FILTER) {
		for (i = 0; i < RTE_ETHER_MAX_VLAN_ID + 1; i++)
			if (data->vlan_filter_conf.ids[i / 64] & (UINT64_C(1) << (i % 64)))
				fo_replay_result(priv, sub, "VLAN filter",
						 rte_eth_dev_vlan_filter(port, i, 1));
	}
	fo_replay_rss(priv, sub);
	return 0;
}

/*
 * After a sub-device's start: queues the application started late
 * (deferred) or stopped are started or stopped on it too. ethdev's queue
 * states of the port are the record.
 */
void
fo_replay_queue_states(struct fo_private *priv, struct fo_sub *sub)
{
	struct rte_eth_dev_data *data = priv->dev->data;
	struct fo_journal *j = &priv->journal;
	uint16_t i;

	for (i = 0; i < priv->nb_rxq && i < FO_MAX_QUEUES; i++) {
		if (data->rx_queue_state[i] == RTE_ETH_QUEUE_STATE_STOPPED)
			fo_replay_result(priv, sub, "Rx queue stop",
					 rte_eth_dev_rx_queue_stop(sub->port_id, i));
		else if (j->rxq[i].conf.rx_deferred_start)
			fo_replay_result(priv, sub, "Rx queue start",
					 rte_eth_dev_rx_queue_start(sub->port_id, i));
	}
	for (i = 0; i < priv->nb_txq && i < FO_MAX_QUEUES; i++) {
		if (data->tx_queue_state[i] == RTE_ETH_QUEUE_STATE_STOPPED)
			fo_replay_result(priv, sub, "Tx queue stop",
					 rte_eth_dev_tx_queue_stop(sub->port_id, i));
		else if (j->txq[i].conf.tx_deferred_start)
			fo_replay_result(priv, sub, "Tx queue start",
					 rte_eth_dev_tx_queue_start(sub->port_id, i));
	}
}

/* Read back what can be read back and count what differs. */
void
fo_replay_check(struct fo_private *priv, struct fo_sub *sub)
{
	struct rte_eth_dev_data *data = priv->dev->data;
	struct rte_ether_addr mac;
	uint16_t mtu;
	int on;

	if ((sub->verify & FO_VERIFY_MTU) && rte_eth_dev_get_mtu(sub->port_id, &mtu) == 0 &&
	    mtu != data->mtu) {
		sub->replay_mismatches++;
		FO_LOG(WARNING, priv, "%s %s: MTU reads back %u, not %u",
		       fo_rules_path_name(sub->path), sub->name, mtu, data->mtu);
	}
	if ((sub->verify & FO_VERIFY_MAC) && rte_eth_macaddr_get(sub->port_id, &mac) == 0 &&
	    !rte_is_same_ether_addr(&mac, &data->mac_addrs[0])) {
		sub->replay_mismatches++;
		FO_LOG(WARNING, priv, "%s %s: MAC address reads back " RTE_ETHER_ADDR_PRT_FMT,
		       fo_rules_path_name(sub->path), sub->name, RTE_ETHER_ADDR_BYTES(&mac));
	}
	on = rte_eth_promiscuous_get(sub->port_id);
	if (on >= 0 && on != data->promiscuous)
		FO_LOG(DEBUG, priv, "%s %s: promiscuous mode is %d (sub-device may lack it)",
		       fo_rules_path_name(sub->path), sub->name, on);
}
