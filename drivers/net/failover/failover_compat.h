/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FAILOVER_COMPAT_H
#define FAILOVER_COMPAT_H

/*
 * What differs between the DPDK releases net_failover builds against
 * (22.11 to 26.07). Every RTE_VERSION test of the PMD is here, so that the
 * driver files read the same on all of them.
 *
 * Known ahead: 26.11 gives rte_eth_dev_get_name_by_port() a size argument.
 * The PMD does not call it (it finds a port by rte_dev_name() of its
 * device); code that needs a port's name takes it from there too.
 */

#include <stdint.h>
#include <string.h>

#include <rte_version.h>
#include <rte_ethdev.h>
#include <ethdev_driver.h>
#include <dev_driver.h> /* RTE_PMD_REGISTER_PARAM_STRING from 25.11 on */

#define FO_DPDK_AT_LEAST(y, m) (RTE_VERSION >= RTE_VERSION_NUM(y, m, 0, 0))

/* 23.03 added rte_tel_data_add_dict_uint; 24.11 deprecates _u64, 25.11 drops it. */
#if FO_DPDK_AT_LEAST(23, 3)
#define fo_tel_add_dict_uint rte_tel_data_add_dict_uint
#else
#define fo_tel_add_dict_uint rte_tel_data_add_dict_u64
#endif

/*
 * Counters of a port: the global ones and the per-queue ones. Up to 25.07
 * both are in struct rte_eth_stats; 25.11 moved the per-queue arrays to a
 * struct eth_queue_stats that ethdev passes to the stats_get op. Either way
 * this is an array of 64-bit words, which failover_stats.c folds one by one.
 */
#if FO_DPDK_AT_LEAST(25, 11)
#define FO_QSTATS_APART 1
struct fo_counters {
	struct rte_eth_stats st;
	struct eth_queue_stats q;
};
#else
#define FO_QSTATS_APART 0
struct eth_queue_stats; /* does not exist: the op never sees one */
struct fo_counters {
	struct rte_eth_stats st;
};
#endif

/* The stats_get op's parameters, and its qstats argument (NULL before 25.11). */
#if FO_QSTATS_APART
#define FO_STATS_GET_PARAMS                                                                \
	struct rte_eth_dev *dev, struct rte_eth_stats *stats, struct eth_queue_stats *qstats
#define FO_STATS_GET_QSTATS qstats
#else
#define FO_STATS_GET_PARAMS struct rte_eth_dev *dev, struct rte_eth_stats *stats
#define FO_STATS_GET_QSTATS NULL
#endif

/*
 * A sub-device's counters, per-queue ones included. From 25.11 the public
 * rte_eth_stats_get() returns no per-queue counters; ask the sub-device's
 * op as ethdev itself does for its xstats.
 */
static inline int
fo_counters_get(uint16_t port_id, struct fo_counters *c)
{
#if FO_QSTATS_APART
	struct rte_eth_dev *dev;
	int ret;

	memset(c, 0, sizeof(*c));
	if (!rte_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	dev = &rte_eth_devices[port_id];
	if (dev->dev_ops->stats_get == NULL)
		return -ENOTSUP;
	c->st.rx_nombuf = dev->data->rx_mbuf_alloc_failed;
	ret = dev->dev_ops->stats_get(dev, &c->st, &c->q);
	return ret < 0 ? ret : 0;
#else
	return rte_eth_stats_get(port_id, &c->st);
#endif
}

/* Hand counters to ethdev from the stats_get op. */
static inline void
fo_counters_put(const struct fo_counters *c, struct rte_eth_stats *stats,
		struct eth_queue_stats *qstats)
{
	*stats = c->st;
#if FO_QSTATS_APART
	if (qstats != NULL)
		*qstats = c->q;
#else
	(void)qstats;
#endif
}

/*
 * From 25.11 ethdev's inline queue count and descriptor status calls no
 * longer test for NULL, and rte_eth_dev_attach_secondary() leaves them
 * NULL (only rte_eth_dev_allocate() sets ethdev's dummies): a secondary
 * process's port gets the dummies, or dpdk-proc-info --show-port crashes.
 */
#if FO_DPDK_AT_LEAST(25, 11)
static inline void
fo_compat_secondary_dummies(struct rte_eth_dev *dev)
{
	dev->rx_queue_count = rte_eth_queue_count_dummy;
	dev->tx_queue_count = rte_eth_queue_count_dummy;
	dev->rx_descriptor_status = rte_eth_descriptor_status_dummy;
	dev->tx_descriptor_status = rte_eth_descriptor_status_dummy;
}
#else
static inline void
fo_compat_secondary_dummies(struct rte_eth_dev *dev)
{
	RTE_SET_USED(dev); /* ethdev tests these for NULL itself */
}
#endif

#endif /* FAILOVER_COMPAT_H */
