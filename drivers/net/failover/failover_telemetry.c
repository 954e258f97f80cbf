/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <stdlib.h>

#include <rte_telemetry.h>

#include "failover_private.h"
#include "rte_pmd_failover.h"

/*
 * Telemetry: /failover/list gives the failover ports, /failover/status,<port>
 * the state of one (the same as rte_pmd_failover_status_get()).
 */

static const char *
fo_tel_path(enum rte_pmd_failover_path p)
{
	return fo_rules_path_name((enum fo_path)p);
}

static int
fo_tel_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_pmd_failover_status st;
	uint16_t port;

	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	RTE_ETH_FOREACH_DEV(port)
		if (rte_pmd_failover_status_get(port, &st) == 0)
			rte_tel_data_add_array_int(d, port);
	return 0;
}

static struct rte_tel_data *
fo_tel_sub(const struct rte_pmd_failover_path_status *p, const char *state)
{
	struct rte_tel_data *d = rte_tel_data_alloc();

	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	if (state != NULL)
		rte_tel_data_add_dict_string(d, "state", state);
	rte_tel_data_add_dict_int(d, "present", p->present);
	rte_tel_data_add_dict_int(d, "started", p->started);
	rte_tel_data_add_dict_int(d, "link_up", p->link_up);
	if (p->present)
		rte_tel_data_add_dict_int(d, "port_id", p->port_id);
	fo_tel_add_dict_uint(d, "attach_count", p->attach_count);
	return d;
}

static int
fo_tel_status(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_pmd_failover_status st;
	struct rte_tel_data *p, *s, *x;
	const char *mode, *path, *kernel;
	char *end;
	unsigned long port;

	if (params == NULL || *params == '\0')
		return -EINVAL;
	port = strtoul(params, &end, 10);
	if (*end != '\0' || port >= RTE_MAX_ETHPORTS ||
	    rte_pmd_failover_status_get((uint16_t)port, &st) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "active", fo_tel_path(st.active));
	rte_tel_data_add_dict_string(d, "forced", fo_tel_path(st.forced));
	fo_tel_add_dict_uint(d, "switch_count", st.switch_count);
	fo_tel_add_dict_uint(d, "last_switch_ns", st.last_switch_ns);
	p = fo_tel_sub(&st.primary, fo_api_sub_state((uint16_t)port, FO_PATH_PRIMARY));
	s = fo_tel_sub(&st.standby, fo_api_sub_state((uint16_t)port, FO_PATH_STANDBY));
	if (p != NULL)
		rte_tel_data_add_dict_container(d, "primary", p, 0);
	if (s != NULL)
		rte_tel_data_add_dict_container(d, "standby", s, 0);
	/* A discovered pair: how its kernel-held synthetic NIC is opened. */
	if (fo_api_exception((uint16_t)port, &mode, &path, &kernel)) {
		x = rte_tel_data_alloc();
		if (x == NULL)
			return 0;
		rte_tel_data_start_dict(x);
		rte_tel_data_add_dict_string(x, "mode", mode);
		rte_tel_data_add_dict_string(x, "path", path);
		rte_tel_data_add_dict_string(x, "kernel_traffic", kernel);
		rte_tel_data_add_dict_container(d, "exception", x, 0);
	}
	return 0;
}

RTE_INIT(fo_telemetry_init)
{
	rte_telemetry_register_cmd("/failover/list", fo_tel_list,
				   "Returns the net_failover ports. Takes no parameters");
	rte_telemetry_register_cmd("/failover/status", fo_tel_status,
				   "Returns the state of a net_failover port. Parameters: int port_id");
}
