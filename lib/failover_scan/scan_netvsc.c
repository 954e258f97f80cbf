/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/* Hyper-V synthetic NICs: VMBus devices of the netvsc class. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan_priv.h"

/* 1: a netvsc device, 0: another VMBus class, <0: unreadable (warned). */
static int
is_netvsc(struct fo_scan_ctx *ctx, const char *dev_real)
{
	char buf[FO_ATTR_MAX], guid[FO_SCAN_GUID_STR_SIZE];
	size_t len;
	int ret;

	ret = fo_scan_read_attr(dev_real, "class_id", buf, sizeof(buf), &len);
	if (ret == 0)
		ret = fo_scan_parse_guid(buf, len, guid);
	if (ret != 0) {
		fo_scan_warn(ctx, "%s/class_id: %s, skipped",
			fo_scan_rel(ctx, dev_real),
			ret == -EINVAL ? "not a GUID" : strerror(-ret));
		return ret;
	}
	return strcmp(guid, FO_SCAN_NETVSC_CLASS_ID) == 0;
}

/*
 * The instance GUID names the device on current kernels; old kernels name
 * it vmbus_N or vmbus_0_N and keep the GUID in device_id.
 */
static void
instance_id(const char *dev_real, char *out, size_t size)
{
	const char *base = fo_scan_basename(dev_real);
	char guid[FO_SCAN_GUID_STR_SIZE], buf[FO_ATTR_MAX];
	size_t len;

	if (fo_scan_parse_guid(base, strlen(base), guid) == 0 ||
			(fo_scan_read_attr(dev_real, "device_id", buf, sizeof(buf),
				&len) == 0 &&
			 fo_scan_parse_guid(buf, len, guid) == 0))
		fo_scan_strlcpy(out, guid, size);
	else
		fo_scan_strlcpy(out, base, size);
}

static int
add_netvsc(struct fo_scan_ctx *ctx, const char *dev_real)
{
	struct fo_netdev *found = NULL;
	struct fo_scan_pair *pair;
	size_t i;

	for (i = 0; i < ctx->n_netdevs; i++) {
		struct fo_netdev *nd = &ctx->netdevs[i];

		if (nd->dev_real == NULL || strcmp(nd->dev_real, dev_real) != 0)
			continue;
		if (found != NULL) {
			fo_scan_warn(ctx, "%s: several netdevs (%s, %s), using %s",
				fo_scan_rel(ctx, dev_real), found->name,
				nd->name, found->name);
			continue;
		}
		found = nd;
		nd->claimed = true;
	}
	pair = fo_scan_new_pair(ctx);
	if (pair == NULL)
		return -ENOMEM;
	pair->kind = FO_SCAN_KIND_NETVSC;
	fo_scan_strlcpy(pair->synthetic.bus, "vmbus", sizeof(pair->synthetic.bus));
	instance_id(dev_real, pair->synthetic.id, sizeof(pair->synthetic.id));
	(void)fo_scan_link_name(dev_real, "driver", pair->synthetic.driver,
		sizeof(pair->synthetic.driver));
	if (found != NULL) {
		fo_scan_strlcpy(pair->synthetic.iface, found->name,
			sizeof(pair->synthetic.iface));
		pair->mac_known = found->mac_ok;
		memcpy(pair->mac, found->mac, sizeof(pair->mac));
	}
	return 0;
}

static void
netvsc_device(struct fo_scan_ctx *ctx, const char *name, const char *real)
{
	if (is_netvsc(ctx, real) == 1)
		(void)add_netvsc(ctx, real);
}

int
fo_scan_netvsc(struct fo_scan_ctx *ctx)
{
	size_t i;
	int ret;

	ret = fo_scan_each_device(ctx, "bus/vmbus/devices", FO_SCAN_ID_SIZE,
			netvsc_device);
	if (ret == -ENOMEM)
		return ret;
	if (ret == 0)
		return ctx->error;

	/* A tree without bus/vmbus (e.g. a trimmed container view). */
	for (i = 0; i < ctx->n_netdevs && ctx->error == 0; i++) {
		struct fo_netdev *nd = &ctx->netdevs[i];

		if (nd->claimed || nd->dev_real == NULL ||
				strcmp(nd->subsystem, "vmbus") != 0)
			continue;
		if (is_netvsc(ctx, nd->dev_real) == 1)
			(void)add_netvsc(ctx, nd->dev_real);
	}
	return ctx->error;
}
