/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <string.h>

#include <rte_flow_driver.h>
#include <rte_malloc.h>

#include "failover_private.h"

/* A rule as the application gave it (deep copy), and its handle on each path. */
struct fo_flow {
	TAILQ_ENTRY(fo_flow) next;
	struct rte_flow *handle[2];
	struct rte_flow_conv_rule *rule; /* points into buf */
	uint8_t buf[];
};

static struct fo_flow *
fo_flow_copy(const struct rte_flow_attr *attr, const struct rte_flow_item *pattern,
	     const struct rte_flow_action *actions, struct rte_flow_error *error)
{
	const struct rte_flow_conv_rule src = {
		.attr_ro = attr,
		.pattern_ro = pattern,
		.actions_ro = actions,
	};
	struct fo_flow *flow;
	int size;

	size = rte_flow_conv(RTE_FLOW_CONV_OP_RULE, NULL, 0, &src, error);
	if (size < 0)
		return NULL;
	flow = rte_zmalloc("net_failover_flow", sizeof(*flow) + size, 0);
	if (flow == NULL) {
		rte_flow_error_set(error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				   "no memory for the flow rule's copy");
		return NULL;
	}
	flow->rule = (struct rte_flow_conv_rule *)flow->buf;
	if (rte_flow_conv(RTE_FLOW_CONV_OP_RULE, flow->rule, size, &src, error) < 0) {
		rte_free(flow);
		return NULL;
	}
	return flow;
}

static bool
fo_flow_sub_ready(const struct fo_sub *sub)
{
	return fo_sub_ready(sub);
}

static int
fo_flow_validate(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
		 const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		 struct rte_flow_error *error)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_FOREACH_SUB(priv, sub) {
		if (!fo_flow_sub_ready(sub))
			continue;
		ret = rte_flow_validate(sub->port_id, attr, pattern, actions, error);
		if (ret != 0)
			break;
	}
	fo_unlock(priv);
	return ret;
}

static int
fo_flow_destroy_handles(struct fo_private *priv, struct fo_flow *flow,
			struct rte_flow_error *error)
{
	struct fo_sub *sub;
	int ret = 0;

	FO_FOREACH_SUB(priv, sub) {
		struct rte_flow **h = &flow->handle[sub->path - 1];

		if (*h == NULL)
			continue;
		if (sub->port_id != FO_NO_PORT && rte_flow_destroy(sub->port_id, *h, error) != 0)
			ret = -rte_errno;
		*h = NULL;
	}
	return ret;
}

static struct rte_flow *
fo_flow_create(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
	       const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
	       struct rte_flow_error *error)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_flow *flow;
	struct fo_sub *sub;

	flow = fo_flow_copy(attr, pattern, actions, error);
	if (flow == NULL)
		return NULL;
	fo_lock(priv);
	FO_FOREACH_SUB(priv, sub) {
		if (!fo_flow_sub_ready(sub))
			continue;
		flow->handle[sub->path - 1] =
			rte_flow_create(sub->port_id, attr, pattern, actions, error);
		if (flow->handle[sub->path - 1] == NULL) {
			fo_flow_destroy_handles(priv, flow, NULL);
			fo_unlock(priv);
			rte_free(flow);
			return NULL;
		}
	}
	TAILQ_INSERT_TAIL(&priv->journal.flows, flow, next);
	fo_unlock(priv);
	return (struct rte_flow *)flow;
}

static int
fo_flow_destroy(struct rte_eth_dev *dev, struct rte_flow *handle, struct rte_flow_error *error)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_flow *flow = (struct fo_flow *)handle;
	int ret;

	if (flow == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE, NULL,
					  "no flow rule");
	fo_lock(priv);
	ret = fo_flow_destroy_handles(priv, flow, error);
	TAILQ_REMOVE(&priv->journal.flows, flow, next);
	fo_unlock(priv);
	rte_free(flow);
	return ret;
}

static int
fo_flow_flush(struct rte_eth_dev *dev, struct rte_flow_error *error)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_flow *flow;
	int ret = 0;

	fo_lock(priv);
	while ((flow = TAILQ_FIRST(&priv->journal.flows)) != NULL) {
		if (fo_flow_destroy_handles(priv, flow, error) != 0)
			ret = -rte_errno;
		TAILQ_REMOVE(&priv->journal.flows, flow, next);
		rte_free(flow);
	}
	fo_unlock(priv);
	return ret;
}

static int
fo_flow_isolate(struct rte_eth_dev *dev, int set, struct rte_flow_error *error)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_sub *sub;
	int ret = 0;

	fo_lock(priv);
	FO_FOREACH_SUB(priv, sub) {
		if (!fo_sub_ready(sub))
			continue;
		ret = rte_flow_isolate(sub->port_id, set, error);
		if (ret != 0)
			break;
	}
	if (ret == 0) {
		priv->journal.isolate_set = true;
		priv->journal.isolated = !!set;
	}
	fo_unlock(priv);
	return ret;
}

/*
 * A query (a rule's counters, say) is answered by the sub-device that
 * carries the traffic: the active path's rule, else the other path's. A
 * sub-device that comes back holds a new rule, whose counters start again.
 */
static int
fo_flow_query(struct rte_eth_dev *dev, struct rte_flow *handle,
	      const struct rte_flow_action *action, void *data, struct rte_flow_error *error)
{
	struct fo_private *priv = dev->data->dev_private;
	struct fo_flow *flow = (struct fo_flow *)handle;
	enum fo_path order[2] = {FO_PATH_PRIMARY, FO_PATH_STANDBY};
	unsigned int i;
	int ret = -ENODEV;

	if (flow == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE, NULL,
					  "no flow rule");
	fo_lock(priv);
	if (priv->active == FO_PATH_STANDBY) {
		order[0] = FO_PATH_STANDBY;
		order[1] = FO_PATH_PRIMARY;
	}
	for (i = 0; i < RTE_DIM(order); i++) {
		struct fo_sub *sub = fo_sub_of(priv, order[i]);
		struct rte_flow *h = flow->handle[order[i] - 1];

		if (h != NULL && fo_sub_ready(sub)) {
			ret = rte_flow_query(sub->port_id, h, action, data, error);
			break;
		}
	}
	fo_unlock(priv);
	if (ret == -ENODEV && i == RTE_DIM(order))
		return rte_flow_error_set(error, ENODEV, RTE_FLOW_ERROR_TYPE_HANDLE, handle,
					  "no sub-device holds this rule now");
	return ret;
}

static const struct rte_flow_ops fo_flow_ops = {
	.validate = fo_flow_validate,
	.create = fo_flow_create,
	.destroy = fo_flow_destroy,
	.flush = fo_flow_flush,
	.query = fo_flow_query,
	.isolate = fo_flow_isolate,
};

int
fo_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops)
{
	*ops = &fo_flow_ops;
	return 0;
}

int
fo_flow_replay(struct fo_private *priv, struct fo_sub *sub)
{
	struct rte_flow_error error;
	struct fo_flow *flow;
	int failed = 0;

	TAILQ_FOREACH(flow, &priv->journal.flows, next) {
		struct rte_flow **h = &flow->handle[sub->path - 1];

		if (*h != NULL)
			continue;
		*h = rte_flow_create(sub->port_id, flow->rule->attr_ro, flow->rule->pattern_ro,
				     flow->rule->actions_ro, &error);
		if (*h == NULL) {
			failed++;
			sub->replay_mismatches++;
			FO_LOG(WARNING, priv, "%s %s: replaying a flow rule failed: %s",
			       fo_rules_path_name(sub->path), sub->name,
			       error.message != NULL ? error.message : "unknown");
		}
	}
	return failed > 0 ? -EIO : 0;
}

/* The sub-device is going away: its handles go with it. */
void
fo_flow_forget_sub(struct fo_private *priv, struct fo_sub *sub)
{
	struct fo_flow *flow;

	TAILQ_FOREACH(flow, &priv->journal.flows, next)
		flow->handle[sub->path - 1] = NULL;
}

/* At close: free the journal's rules (sub-devices are already gone). */
void
fo_flow_free_all(struct fo_private *priv)
{
	struct fo_flow *flow;

	while ((flow = TAILQ_FIRST(&priv->journal.flows)) != NULL) {
		TAILQ_REMOVE(&priv->journal.flows, flow, next);
		rte_free(flow);
	}
}
