/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "failover_private.h"

#define FO_MAX_MTU 9000
#define FO_MAX_DESC 4096
#define FO_RSS_HF (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP)

/* Sub-devices an application setting applies to right now. */
#define FO_FOREACH_CONFIGURED(priv, sub)                                                   \
	FO_FOREACH_SUB(priv, sub)                                                          \
		if (fo_sub_ready(sub))

/*
 * Apply a setting to the sub-devices. A sub-device that lacks the feature
 * does not fail the call: the journal keeps the setting for the path that
 * has it. Any other error is returned.
 */
#define FO_APPLY(priv, sub, ret, call)                                                     \
	do {                                                                               \
		FO_FOREACH_CONFIGURED(priv, sub) {                                         \
			int r_ = (call);                                                   \
			if (r_ != 0 && r_ != -ENOTSUP && r_ != -ENOSYS && (ret) == 0)      \
				(ret) = r_;                                                \
		}                                                                          \
	} while (0)

/*
 * One capability profile, whichever sub-devices are present; the queue
 * counts less what a present sub-device the application named cannot give
 * (failover_queues.c).
 */
int
fo_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct fo_private *priv = dev->data->dev_private;

	info->max_rx_queues = __atomic_load_n(&priv->max_rxq, __ATOMIC_RELAXED);
	info->max_tx_queues = __atomic_load_n(&priv->max_txq, __ATOMIC_RELAXED);
	info->max_mac_addrs = FO_MAX_MACS;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = FO_MAX_MTU;
	info->max_rx_pktlen = FO_MAX_MTU + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	info->min_rx_bufsize = 0;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->rx_queue_offload_capa = 0;
	info->tx_queue_offload_capa = 0;
	info->flow_type_rss_offloads = FO_RSS_HF;
	info->hash_key_size = FO_RSS_KEY_LEN;
	info->reta_size = FO_RETA_SIZE;
	info->rx_desc_lim.nb_max = FO_MAX_DESC;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim.nb_max = FO_MAX_DESC;
	info->tx_desc_lim.nb_align = 1;
	info->speed_capa = RTE_ETH_LINK_SPEED_AUTONEG;
	return 0;
}

/*
 * The sub-devices are configured here, so that the application learns of a
 * failure from its call, as with net_failsafe; their queues are set up as
 * the application sets up the port's (or at start, for one that came
 * since). ethdev has set the port's new queue counts before this op.
 */
static int
fo_dev_configure(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_journal *j = &priv->journal;
	struct fo_sub *sub;
	unsigned int i;
	int ret = 0;

	fo_lock(priv);
	pthread_mutex_lock(&priv->paths_lock);
	priv->configured = true;
	priv->nb_rxq = RTE_MIN(dev->data->nb_rx_queues, FO_MAX_QUEUES);
	priv->nb_txq = RTE_MIN(dev->data->nb_tx_queues, FO_MAX_QUEUES);
	priv->paths_stale = true; /* a spread queue's paths follow the Rx count */
	pthread_mutex_unlock(&priv->paths_lock);
	ret = fo_queues_configure(priv);
	if (ret == 0) {
		for (i = 0; i < FO_RETA_SIZE; i++)
			if (j->reta[i] >= priv->nb_rxq)
				j->reta_set = false;
		fo_journal_reta_default(j, priv->nb_rxq);
		FO_FOREACH_SUB(priv, sub) {
			ret = fo_sub_configure(priv, sub);
			if (ret < 0)
				break;
		}
	}
	if (ret < 0) {
		pthread_mutex_lock(&priv->paths_lock);
		priv->configured = false;
		pthread_mutex_unlock(&priv->paths_lock);
	}
	fo_unlock(priv);
	return ret;
}

/* At start every queue runs but those set up for a deferred start. */
static void
fo_queue_states_reset(struct rte_eth_dev *dev, bool start)
{
	struct fo_private *priv = dev->data->dev_private;
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues && i < FO_MAX_QUEUES; i++) {
		bool runs = start && !priv->journal.rxq[i].conf.rx_deferred_start;

		dev->data->rx_queue_state[i] =
			runs ? RTE_ETH_QUEUE_STATE_STARTED : RTE_ETH_QUEUE_STATE_STOPPED;
	}
	for (i = 0; i < dev->data->nb_tx_queues && i < FO_MAX_QUEUES; i++) {
		bool runs = start && !priv->journal.txq[i].conf.tx_deferred_start;

		dev->data->tx_queue_state[i] =
			runs ? RTE_ETH_QUEUE_STATE_STARTED : RTE_ETH_QUEUE_STATE_STOPPED;
	}
}

/*
 * Queue start and stop go to every started sub-device; the port's queue
 * state (kept by ethdev) is replayed onto one that starts later. A
 * sub-device without the operation does not fail the call if another one
 * did it: the application does not poll a stopped queue anyway.
 */
static int
fo_queue_set(struct rte_eth_dev *dev, bool rx, uint16_t qid, bool start)
{
	struct fo_private *priv = dev->data->dev_private;
	int ret = 0, done = 0, unsupported = 0;
	struct fo_sub *sub;

	fo_lock(priv);
	FO_FOREACH_SUB(priv, sub) {
		int r;

		if (!fo_sub_started(sub))
			continue;
		if (rx)
			r = start ? rte_eth_dev_rx_queue_start(sub->port_id, qid)
				  : rte_eth_dev_rx_queue_stop(sub->port_id, qid);
		else
			r = start ? rte_eth_dev_tx_queue_start(sub->port_id, qid)
				  : rte_eth_dev_tx_queue_stop(sub->port_id, qid);
		if (r == 0) {
			done++;
		} else if (r == -ENOTSUP || r == -ENOSYS) {
			unsupported++;
		} else {
			FO_LOG(ERR, priv, "%s %s: %s queue %u %s failed: %s",
			       fo_rules_path_name(sub->path), sub->name, rx ? "Rx" : "Tx", qid,
			       start ? "start" : "stop", rte_strerror(-r));
			ret = r;
		}
	}
	if (ret == 0 && done == 0 && unsupported > 0)
		ret = -ENOTSUP;
	if (ret == 0) {
		uint8_t *state = rx ? dev->data->rx_queue_state : dev->data->tx_queue_state;

		state[qid] = start ? RTE_ETH_QUEUE_STATE_STARTED : RTE_ETH_QUEUE_STATE_STOPPED;
	}
	fo_unlock(priv);
	return ret;
}

static int
fo_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	return fo_queue_set(dev, true, qid, true);
}

static int
fo_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	return fo_queue_set(dev, true, qid, false);
}

static int
fo_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	return fo_queue_set(dev, false, qid, true);
}

static int
fo_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	return fo_queue_set(dev, false, qid, false);
}

static int
fo_dev_start(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int present = 0, started = 0;
	int ret = 0;

	fo_lock(priv);
	priv->started = true;
	fo_queue_states_reset(dev, true);
	FO_FOREACH_SUB(priv, sub) {
		if (!fo_sub_ready(sub) && sub->state != FO_SUB_PROBED)
			continue;
		present++;
		if (fo_sub_bring_up(priv, sub) == 0 && fo_sub_started(sub))
			started++;
	}
	if (present > 0 && started == 0) {
		FO_LOG(ERR, priv, "no sub-device could start");
		priv->started = false;
		fo_queue_states_reset(dev, false);
		ret = -EIO;
	}
	fo_switch_evaluate(priv, "port start");
	fo_unlock(priv);
	return ret;
}

int
fo_dev_stop(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;

	fo_lock(priv);
	/* The application has stopped polling: no grace period to wait for. */
	priv->started = false;
	fo_switch_evaluate(priv, "port stop");
	FO_FOREACH_SUB(priv, sub) {
		fo_sub_finish_drain(priv, sub);
		fo_sub_stop(priv, sub);
	}
	fo_queue_states_reset(dev, false);
	dev->data->dev_started = 0;
	fo_unlock(priv);
	return 0;
}

/*
 * Every event source is shut and no alarm runs before anything is freed:
 * a callback or alarm may otherwise run on freed private data.
 */
int
fo_dev_close(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	if (priv->started)
		fo_dev_stop(dev);
	fo_service_shutdown(priv);
	fo_lock(priv);
	FO_FOREACH_SUB(priv, sub) {
		fo_sub_detach(priv, sub, "port closed");
		fo_sub_teardown_reap(priv, sub, true); /* it holds priv */
	}
	fo_flow_free_all(priv);
	fo_queues_forget(priv);
	fo_unlock(priv);
	rte_eth_dev_owner_delete(priv->owner.id);
	pthread_mutex_destroy(&priv->stats_lock);
	pthread_mutex_destroy(&priv->paths_lock);
	pthread_mutex_destroy(&priv->lock);
	FO_LOG(INFO, priv, "closed");
	return 0;
}

static int
fo_dev_reset(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;

	fo_lock(priv);
	FO_FOREACH_SUB(priv, sub) {
		fo_sub_detach(priv, sub, "port reset");
		sub->refused_rxq = 0;
		sub->refused_txq = 0;
		if (sub->devargs[0] != '\0')
			fo_sub_attach(priv, sub);
	}
	fo_flow_free_all(priv);
	fo_queues_forget(priv); /* the application configures the port again */
	fo_journal_init(&priv->journal);
	fo_unlock(priv);
	return 0;
}

static struct fo_queue *
fo_queue_new(struct fo_private *priv, uint16_t queue_id, unsigned int socket)
{
	struct fo_queue *q;

	q = rte_zmalloc_socket("net_failover_queue", sizeof(*q), RTE_CACHE_LINE_SIZE, socket);
	if (q == NULL)
		return NULL;
	q->paths = FO_PATHS_NONE;
	q->queue_id = queue_id;
	q->port_id = priv->port_id;
	q->other_pace = priv->args.standby_poll;
	q->other_countdown = 1;
	q->qs_token = &priv->qs_token;
	q->qs_seen = FO_QS_QUIET;
	return q;
}

static int
fo_rx_queue_setup(struct rte_eth_dev *dev, uint16_t queue_id, uint16_t nb_desc,
		  unsigned int socket, const struct rte_eth_rxconf *conf, struct rte_mempool *mp)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_rxq_conf *jq = &priv->journal.rxq[queue_id];
	struct fo_queue *q;
	struct fo_sub *sub;
	int ret = 0;

	q = fo_queue_new(priv, queue_id, socket);
	if (q == NULL)
		return -ENOMEM;
	fo_lock(priv);
	jq->set = true;
	jq->nb_desc = nb_desc;
	jq->socket = socket;
	jq->conf = *conf;
	jq->mp = mp;
	FO_FOREACH_SUB(priv, sub) {
		ret = fo_sub_setup_queue(priv, sub, true, queue_id);
		if (ret < 0)
			break;
	}
	if (ret < 0) {
		jq->set = false;
		fo_unlock(priv);
		rte_free(q);
		return ret;
	}
	fo_queues_set(priv, true, queue_id, q);
	fo_unlock(priv);
	return 0;
}

static int
fo_tx_queue_setup(struct rte_eth_dev *dev, uint16_t queue_id, uint16_t nb_desc,
		  unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_txq_conf *jq = &priv->journal.txq[queue_id];
	struct fo_queue *q;
	struct fo_sub *sub;
	int ret = 0;

	q = fo_queue_new(priv, queue_id, socket);
	if (q == NULL)
		return -ENOMEM;
	fo_lock(priv);
	jq->set = true;
	jq->nb_desc = nb_desc;
	jq->socket = socket;
	jq->conf = *conf;
	FO_FOREACH_SUB(priv, sub) {
		ret = fo_sub_setup_queue(priv, sub, false, queue_id);
		if (ret < 0)
			break;
	}
	if (ret < 0) {
		jq->set = false;
		fo_unlock(priv);
		rte_free(q);
		return ret;
	}
	fo_queues_set(priv, false, queue_id, q);
	fo_unlock(priv);
	return 0;
}

/* Queues as the application set them up (ethdev adds the state). */
void
fo_rxq_info_get(struct rte_eth_dev *dev, uint16_t queue_id, struct rte_eth_rxq_info *qinfo)
{
	struct fo_private *priv = dev->data->dev_private;
	const struct fo_rxq_conf *jq = &priv->journal.rxq[queue_id];

	qinfo->mp = jq->mp;
	qinfo->conf = jq->conf;
	qinfo->nb_desc = jq->nb_desc;
	qinfo->scattered_rx = dev->data->scattered_rx;
}

void
fo_txq_info_get(struct rte_eth_dev *dev, uint16_t queue_id, struct rte_eth_txq_info *qinfo)
{
	struct fo_private *priv = dev->data->dev_private;
	const struct fo_txq_conf *jq = &priv->journal.txq[queue_id];

	qinfo->conf = jq->conf;
	qinfo->nb_desc = jq->nb_desc;
}

static void
fo_rx_queue_release(struct rte_eth_dev *dev, uint16_t queue_id)
{
	struct fo_private *priv = dev->data->dev_private;

	fo_lock(priv);
	fo_queues_set(priv, true, queue_id, NULL);
	priv->journal.rxq[queue_id].set = false;
	fo_unlock(priv);
}

static void
fo_tx_queue_release(struct rte_eth_dev *dev, uint16_t queue_id)
{
	struct fo_private *priv = dev->data->dev_private;

	fo_lock(priv);
	fo_queues_set(priv, false, queue_id, NULL);
	priv->journal.txq[queue_id].set = false;
	fo_unlock(priv);
}

static int
fo_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;

	/* Without waiting: what the service routine last found, and a run. */
	if (!wait_to_complete) {
		fo_event_request(priv);
		return 0;
	}
	fo_lock(priv);
	FO_FOREACH_SUB(priv, sub)
		fo_sub_link_refresh(priv, sub);
	fo_switch_evaluate(priv, "link update");
	fo_unlock(priv);
	return 0;
}

static int
fo_set_link_up(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_APPLY(priv, sub, ret, rte_eth_dev_set_link_up(sub->port_id));
	fo_unlock(priv);
	return ret;
}

static int
fo_set_link_down(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_APPLY(priv, sub, ret, rte_eth_dev_set_link_down(sub->port_id));
	fo_unlock(priv);
	return ret;
}

static int
fo_promiscuous_enable(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_APPLY(priv, sub, ret, rte_eth_promiscuous_enable(sub->port_id));
	if (ret == 0)
		dev->data->promiscuous = 1;
	fo_unlock(priv);
	return ret;
}

static int
fo_promiscuous_disable(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_APPLY(priv, sub, ret, rte_eth_promiscuous_disable(sub->port_id));
	if (ret == 0)
		dev->data->promiscuous = 0;
	fo_unlock(priv);
	return ret;
}

static int
fo_allmulticast_enable(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_APPLY(priv, sub, ret, rte_eth_allmulticast_enable(sub->port_id));
	if (ret == 0)
		dev->data->all_multicast = 1;
	fo_unlock(priv);
	return ret;
}

static int
fo_allmulticast_disable(struct rte_eth_dev *dev)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_APPLY(priv, sub, ret, rte_eth_allmulticast_disable(sub->port_id));
	if (ret == 0)
		dev->data->all_multicast = 0;
	fo_unlock(priv);
	return ret;
}

static int
fo_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_APPLY(priv, sub, ret, rte_eth_dev_default_mac_addr_set(sub->port_id, addr));
	if (ret == 0)
		dev->data->mac_addrs[0] = *addr;
	fo_unlock(priv);
	return ret;
}

static int
fo_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *addr, uint32_t index,
		uint32_t pool)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_APPLY(priv, sub, ret, rte_eth_dev_mac_addr_add(sub->port_id, addr, pool));
	if (ret == 0) {
		dev->data->mac_addrs[index] = *addr;
		dev->data->mac_pool_sel[index] |= RTE_BIT64(pool);
	}
	fo_unlock(priv);
	return ret;
}

static void
fo_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index)
{
	struct fo_private *priv = dev->data->dev_private;
	struct rte_ether_addr addr = dev->data->mac_addrs[index];
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_APPLY(priv, sub, ret, rte_eth_dev_mac_addr_remove(sub->port_id, &addr));
	memset(&dev->data->mac_addrs[index], 0, sizeof(dev->data->mac_addrs[index]));
	dev->data->mac_pool_sel[index] = 0;
	fo_unlock(priv);
}

static int
fo_set_mc_addr_list(struct rte_eth_dev *dev, struct rte_ether_addr *list, uint32_t n)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret;

	fo_lock(priv);
	ret = fo_journal_set_mc(&priv->journal, list, n);
	if (ret == 0)
		FO_APPLY(priv, sub, ret, rte_eth_dev_set_mc_addr_list(sub->port_id, list, n));
	fo_unlock(priv);
	return ret;
}

/*
 * All sub-devices or none, as the kernel's failover does: a sub-device
 * that refuses the MTU puts those already changed back. The new value is
 * recorded before the lock is dropped, so a sub-device attached right
 * after the call gets it (ethdev records it only once the op returned).
 */
static int
fo_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct fo_private *priv = dev->data->dev_private;
	uint16_t old = dev->data->mtu;
	struct fo_sub *sub, *done;
	int ret = 0;

	fo_lock(priv);
	FO_FOREACH_CONFIGURED(priv, sub) {
		ret = rte_eth_dev_set_mtu(sub->port_id, mtu);
		if (ret == -ENOTSUP || ret == -ENOSYS)
			ret = 0;
		if (ret != 0) {
			FO_LOG(ERR, priv, "%s %s refuses MTU %u: %s; MTU stays %u",
			       fo_rules_path_name(sub->path), sub->name, mtu, rte_strerror(-ret),
			       old);
			break;
		}
	}
	if (ret != 0) {
		FO_FOREACH_CONFIGURED(priv, done) {
			if (done == sub)
				break;
			rte_eth_dev_set_mtu(done->port_id, old);
		}
	} else {
		dev->data->mtu = mtu;
	}
	fo_unlock(priv);
	return ret;
}

static int
fo_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vlan_id, int on)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_APPLY(priv, sub, ret, rte_eth_dev_vlan_filter(sub->port_id, vlan_id, on));
	fo_unlock(priv);
	return ret;
}

static int
fo_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret;

	fo_lock(priv);
	ret = fo_journal_rss_update(&priv->journal, conf, FO_RSS_HF);
	FO_FOREACH_CONFIGURED(priv, sub) {
		struct rte_eth_dev_info info;
		struct rte_eth_rss_conf rss = *conf;

		if (ret != 0 || rte_eth_dev_info_get(sub->port_id, &info) != 0)
			break;
		rss.rss_hf &= info.flow_type_rss_offloads;
		if (rss.rss_key != NULL && info.hash_key_size != 0 &&
		    rss.rss_key_len != info.hash_key_size)
			rss.rss_key = NULL;
		rte_eth_dev_rss_hash_update(sub->port_id, &rss);
	}
	fo_unlock(priv);
	return ret;
}

static int
fo_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct fo_private *priv = dev->data->dev_private;

	fo_lock(priv);
	fo_journal_rss_get(&priv->journal, conf);
	fo_unlock(priv);
	return 0;
}

static int
fo_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf, uint16_t size)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret;

	fo_lock(priv);
	ret = fo_journal_reta_update(&priv->journal, conf, size);
	FO_FOREACH_CONFIGURED(priv, sub) {
		struct rte_eth_dev_info info;

		if (ret != 0 || rte_eth_dev_info_get(sub->port_id, &info) != 0)
			break;
		if (info.reta_size == size)
			rte_eth_dev_rss_reta_update(sub->port_id, conf, size);
	}
	fo_unlock(priv);
	return ret;
}

static int
fo_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf, uint16_t size)
{
	struct fo_private *priv = dev->data->dev_private;
	int ret;

	fo_lock(priv);
	ret = fo_journal_reta_query(&priv->journal, conf, size);
	fo_unlock(priv);
	return ret;
}

const struct eth_dev_ops fo_ops = {
	.dev_infos_get = fo_dev_infos_get,
	.dev_configure = fo_dev_configure,
	.dev_start = fo_dev_start,
	.dev_stop = fo_dev_stop,
	.dev_close = fo_dev_close,
	.dev_reset = fo_dev_reset,
	.dev_set_link_up = fo_set_link_up,
	.dev_set_link_down = fo_set_link_down,
	.link_update = fo_link_update,
	.rx_queue_setup = fo_rx_queue_setup,
	.tx_queue_setup = fo_tx_queue_setup,
	.rx_queue_release = fo_rx_queue_release,
	.tx_queue_release = fo_tx_queue_release,
	.rx_queue_start = fo_rx_queue_start,
	.rx_queue_stop = fo_rx_queue_stop,
	.tx_queue_start = fo_tx_queue_start,
	.tx_queue_stop = fo_tx_queue_stop,
	.rxq_info_get = fo_rxq_info_get,
	.txq_info_get = fo_txq_info_get,
	.promiscuous_enable = fo_promiscuous_enable,
	.promiscuous_disable = fo_promiscuous_disable,
	.allmulticast_enable = fo_allmulticast_enable,
	.allmulticast_disable = fo_allmulticast_disable,
	.mac_addr_set = fo_mac_addr_set,
	.mac_addr_add = fo_mac_addr_add,
	.mac_addr_remove = fo_mac_addr_remove,
	.set_mc_addr_list = fo_set_mc_addr_list,
	.mtu_set = fo_mtu_set,
	.vlan_filter_set = fo_vlan_filter_set,
	.rss_hash_update = fo_rss_hash_update,
	.rss_hash_conf_get = fo_rss_hash_conf_get,
	.reta_update = fo_reta_update,
	.reta_query = fo_reta_query,
	.stats_get = fo_stats_get,
	.stats_reset = fo_stats_reset,
	.xstats_get = fo_xstats_get,
	.xstats_get_names = fo_xstats_get_names,
	.xstats_reset = fo_xstats_reset,
	.flow_ops_get = fo_flow_ops_get,
};
