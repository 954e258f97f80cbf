/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <string.h>

#include "failover_private.h"
#include "rte_pmd_failover.h"

#define FO_EXPORT __attribute__((visibility("default")))

/* The port's private data; NULL (-ENODEV) unless a failover port. */
static struct fo_private *
fo_api_priv(uint16_t port_id, int *err)
{
	struct rte_eth_dev *dev;

	*err = -ENODEV;
	if (!rte_eth_dev_is_valid_port(port_id))
		return NULL;
	dev = &rte_eth_devices[port_id];
	if ((dev->dev_ops != &fo_ops && dev->dev_ops != &fo_secondary_ops) ||
	    dev->data->dev_private == NULL)
		return NULL;
	*err = 0;
	return dev->data->dev_private;
}

/* Changes are the primary's: it owns the sub-devices and the lock. */
static struct fo_private *
fo_api_priv_primary(uint16_t port_id, int *err)
{
	struct fo_private *priv = fo_api_priv(port_id, err);

	if (priv != NULL && rte_eal_process_type() != RTE_PROC_PRIMARY) {
		*err = -E_RTE_SECONDARY;
		return NULL;
	}
	return priv;
}

static void
fo_api_path(const struct fo_sub *sub, struct rte_pmd_failover_path_status *st)
{
	/* The count first: it is raised after the state it goes with. */
	st->attach_count = __atomic_load_n(&sub->attach_count, __ATOMIC_ACQUIRE);
	st->present = fo_sub_present(sub) && sub->state != FO_SUB_DRAINING &&
		      !(__atomic_load_n(&sub->events, __ATOMIC_ACQUIRE) &
			(FO_EV_GONE | FO_EV_DESTROYED));
	st->started = fo_sub_started(sub);
	st->link_up = sub->link_up;
	st->port_id = sub->port_id != FO_NO_PORT ? sub->port_id : RTE_MAX_ETHPORTS;
}

FO_EXPORT int
rte_pmd_failover_status_get(uint16_t port_id, struct rte_pmd_failover_status *status)
{
	int err;
	struct fo_private *priv = fo_api_priv(port_id, &err);

	if (priv == NULL)
		return err;
	if (status == NULL)
		return -EINVAL;
	/*
	 * Without the lock, which the service routine holds while it probes:
	 * telemetry and monitoring never wait for that. Each field is read
	 * whole; the snapshot may straddle a change.
	 */
	memset(status, 0, sizeof(*status));
	status->active = (enum rte_pmd_failover_path)__atomic_load_n(&priv->active,
								      __ATOMIC_ACQUIRE);
	status->forced = (enum rte_pmd_failover_path)priv->forced;
	status->switch_count = priv->switch_count;
	status->last_switch_ns = priv->last_switch_ns;
	fo_api_path(fo_sub_of(priv, FO_PATH_PRIMARY), &status->primary);
	fo_api_path(fo_sub_of(priv, FO_PATH_STANDBY), &status->standby);
	return 0;
}

FO_EXPORT int
rte_pmd_failover_force(uint16_t port_id, enum rte_pmd_failover_path path)
{
	int err;
	struct fo_private *priv = fo_api_priv_primary(port_id, &err);

	if (priv == NULL)
		return err;
	if (path != RTE_PMD_FAILOVER_PATH_NONE && path != RTE_PMD_FAILOVER_PATH_PRIMARY &&
	    path != RTE_PMD_FAILOVER_PATH_STANDBY)
		return -EINVAL;
	fo_lock(priv);
	priv->forced = (enum fo_path)path;
	FO_LOG(NOTICE, priv, "path %s", path == RTE_PMD_FAILOVER_PATH_NONE ?
	       "chosen automatically again" : path == RTE_PMD_FAILOVER_PATH_PRIMARY ?
	       "forced to primary" : "forced to standby");
	fo_switch_evaluate(priv, "forced by the application");
	fo_unlock(priv);
	return 0;
}

FO_EXPORT int
rte_pmd_failover_rescan(uint16_t port_id)
{
	int err;
	struct fo_private *priv = fo_api_priv_primary(port_id, &err);

	if (priv == NULL)
		return err;
	fo_lock(priv);
	__atomic_fetch_or(&priv->events, FO_EV_RESCAN, __ATOMIC_RELEASE);
	fo_service_run(priv);
	fo_unlock(priv);
	return 0;
}

/* A sub-device's state by name, for telemetry; NULL unless a failover port. */
const char *
fo_api_sub_state(uint16_t port_id, enum fo_path path)
{
	int err;
	struct fo_private *priv = fo_api_priv(port_id, &err);

	if (priv == NULL || (path != FO_PATH_PRIMARY && path != FO_PATH_STANDBY))
		return NULL;
	return fo_sub_state_name(fo_sub_of(priv, path)->state);
}

/*
 * The exception path of a discovered pair for telemetry: the mode asked
 * for, the path in use ("af_xdp", "tap", "" when neither is attached) and
 * kernel_traffic. False for a port with named sub-devices.
 */
bool
fo_api_exception(uint16_t port_id, const char **mode, const char **path, const char **kernel)
{
	static const char *const modes[] = {"auto", "af_xdp", "tap"};
	struct fo_private *priv;
	const struct fo_sub *syn;
	int err;

	priv = fo_api_priv(port_id, &err);
	if (priv == NULL || !priv->discover)
		return false;
	syn = fo_sub_of(priv, FO_PATH_STANDBY);
	*mode = modes[priv->args.exception];
	*path = !fo_sub_present(syn) ? "" : syn->via_xdp ? "af_xdp" : syn->via_tap ? "tap" : "";
	*kernel = priv->args.keep_kernel ? "keep" : "take";
	return true;
}
