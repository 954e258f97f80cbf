/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/*
 * KVM synthetic NICs: virtio-net devices offering VIRTIO_NET_F_STANDBY. With
 * the kernel's net_failover (3-netdev model) the failover master and the
 * "nsby" standby both hang off the same virtioN; they make one pair.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan_priv.h"

#define VIRTIO_ID_NET 1
#define VIRTIO_NETDEVS_MAX 4

static bool
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Standby = the netdev enslaved to a sibling, else the "nsby" one. */
static void
pick_standby(struct fo_scan_ctx *ctx, struct fo_netdev **nds, size_t n,
		struct fo_netdev **standby, struct fo_netdev **master)
{
	size_t i, j;

	*standby = NULL;
	*master = NULL;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (i != j && strcmp(nds[i]->master, nds[j]->name) == 0) {
				*standby = nds[i];
				*master = nds[j];
				return;
			}
	for (i = 0; i < n; i++)
		if (ends_with(nds[i]->name, "nsby")) {
			*standby = nds[i];
			if (n == 2)
				*master = nds[i == 0 ? 1 : 0];
			return;
		}
	if (n > 0)
		*standby = nds[0];
	if (n > 1)
		fo_scan_warn(ctx, "%s: %zu netdevs and none is a standby, using %s",
			fo_scan_rel(ctx, nds[0]->dev_real), n, nds[0]->name);
}

static void
ignore_all(struct fo_scan_ctx *ctx, const char *id, struct fo_netdev **nds,
		size_t n, const char *reason)
{
	size_t i;

	if (n == 0)
		(void)fo_scan_add_ignored(ctx, id, "%s", reason);
	for (i = 0; i < n; i++)
		(void)fo_scan_add_ignored(ctx, nds[i]->name, "%s", reason);
}

static void
scan_one(struct fo_scan_ctx *ctx, const char *name, const char *real)
{
	struct fo_netdev *nds[VIRTIO_NETDEVS_MAX], *standby, *master;
	char buf[FO_ATTR_MAX], parent[PATH_MAX];
	struct fo_scan_pci_addr pci;
	struct fo_scan_pair *pair;
	bool has_standby;
	uint64_t device;
	const char *base;
	size_t len, n = 0, i;
	int ret;

	ret = fo_scan_read_attr(real, "device", buf, sizeof(buf), &len);
	if (ret == 0)
		ret = fo_scan_parse_uint(buf, len, &device);
	if (ret != 0) {
		fo_scan_warn(ctx, "bus/virtio/devices/%s/device: %s, skipped", name,
			ret == -EINVAL ? "not a device id" : strerror(-ret));
		return;
	}
	if (device != VIRTIO_ID_NET)
		return;
	for (i = 0; i < ctx->n_netdevs; i++) {
		struct fo_netdev *nd = &ctx->netdevs[i];

		if (nd->dev_real == NULL || strcmp(nd->dev_real, real) != 0)
			continue;
		nd->claimed = true;
		if (n < VIRTIO_NETDEVS_MAX)
			nds[n++] = nd;
	}
	ret = fo_scan_read_attr(real, "features", buf, sizeof(buf), &len);
	if (ret == 0)
		ret = fo_scan_parse_features(buf, len, &has_standby);
	if (ret != 0) {
		fo_scan_warn(ctx, "bus/virtio/devices/%s/features: %s", name,
			ret == -EINVAL ? "not a feature bit string" : strerror(-ret));
		ignore_all(ctx, name, nds, n, "virtio-net with unreadable features");
		return;
	}
	if (!has_standby) {
		ignore_all(ctx, name, nds, n,
			"virtio-net without STANDBY (feature bit 62 clear)");
		return;
	}

	pick_standby(ctx, nds, n, &standby, &master);
	pair = fo_scan_new_pair(ctx);
	if (pair == NULL)
		return;
	pair->kind = FO_SCAN_KIND_VIRTIO;
	fo_scan_strlcpy(pair->synthetic.bus, "virtio", sizeof(pair->synthetic.bus));
	fo_scan_strlcpy(pair->synthetic.id, name, sizeof(pair->synthetic.id));
	(void)fo_scan_link_name(real, "driver", pair->synthetic.driver,
		sizeof(pair->synthetic.driver));
	/* virtio-pci puts virtioN under its PCI function; virtio-mmio does not. */
	fo_scan_strlcpy(parent, real, sizeof(parent));
	*strrchr(parent, '/') = '\0';
	base = fo_scan_basename(parent);
	if (fo_scan_parse_pci_addr(base, strlen(base), &pci) == 0)
		fo_scan_format_pci_addr(&pci, pair->synthetic.pci);
	if (standby != NULL) {
		fo_scan_strlcpy(pair->synthetic.iface, standby->name,
			sizeof(pair->synthetic.iface));
		pair->mac_known = standby->mac_ok;
		memcpy(pair->mac, standby->mac, sizeof(pair->mac));
	}
	if (master != NULL) {
		fo_scan_strlcpy(pair->synthetic.master, master->name,
			sizeof(pair->synthetic.master));
		if (!pair->mac_known && master->mac_ok) {
			pair->mac_known = true;
			memcpy(pair->mac, master->mac, sizeof(pair->mac));
		}
	}
}

int
fo_scan_virtio(struct fo_scan_ctx *ctx)
{
	int ret = fo_scan_each_device(ctx, "bus/virtio/devices", FO_SCAN_ID_SIZE,
			scan_one);

	return ret == -ENOMEM ? ret : ctx->error;
}
