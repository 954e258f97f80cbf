/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/* The netdev table: every <root>/class/net entry with what pairing needs. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan_priv.h"

#define ARPHRD_ETHER_TYPE 1

static void
read_mac(struct fo_scan_ctx *ctx, struct fo_netdev *nd)
{
	char buf[FO_ATTR_MAX];
	size_t len;
	int ret;

	if (ctx->live && ctx->opts->perm_addr != NULL && !nd->is_virtual &&
			ctx->opts->perm_addr(nd->name, nd->mac,
				ctx->opts->perm_addr_arg) == 0) {
		static const uint8_t zero[FO_SCAN_MAC_LEN];

		/* Drivers without a permanent address report zeros. */
		if (memcmp(nd->mac, zero, sizeof(zero)) != 0) {
			nd->mac_ok = true;
			return;
		}
	}
	ret = fo_scan_read_attr(nd->real, "address", buf, sizeof(buf), &len);
	if (ret == 0)
		ret = fo_scan_parse_mac(buf, len, nd->mac);
	if (ret != 0)
		fo_scan_warn(ctx, "class/net/%s/address: %s, MAC unknown", nd->name,
			ret == -EINVAL ? "not a MAC address" : strerror(-ret));
	else
		nd->mac_ok = true;
}

/* The bus of a device, from its subsystem link or, failing that, its name. */
static void
find_subsystem(struct fo_netdev *nd)
{
	struct fo_scan_pci_addr pci;
	const char *base;
	unsigned int n;
	char guid[FO_SCAN_GUID_STR_SIZE];

	if (fo_scan_link_name(nd->dev_real, "subsystem", nd->subsystem,
			sizeof(nd->subsystem)) == 0)
		return;
	base = fo_scan_basename(nd->dev_real);
	if (fo_scan_parse_pci_addr(base, strlen(base), &pci) == 0)
		fo_scan_strlcpy(nd->subsystem, "pci", sizeof(nd->subsystem));
	else if (sscanf(base, "virtio%u", &n) == 1)
		fo_scan_strlcpy(nd->subsystem, "virtio", sizeof(nd->subsystem));
	else if (fo_scan_parse_guid(base, strlen(base), guid) == 0 ||
			strncmp(base, "vmbus_", 6) == 0)
		fo_scan_strlcpy(nd->subsystem, "vmbus", sizeof(nd->subsystem));
}

/* Returns 0 to keep the entry, 1 to skip it (a warning says why). */
static int
load_netdev(struct fo_scan_ctx *ctx, const char *class_net, const char *name,
		struct fo_netdev *nd)
{
	char path[PATH_MAX], buf[FO_ATTR_MAX], virt[PATH_MAX + 32];
	uint64_t value;
	size_t len;
	int ret;

	memset(nd, 0, sizeof(*nd));
	if (strlen(name) >= FO_SCAN_IFNAME_SIZE) {
		fo_scan_warn(ctx, "class/net/%.32s...: name of %zu characters is not a netdev name, skipped",
			name, strlen(name));
		return 1;
	}
	fo_scan_strlcpy(nd->name, name, sizeof(nd->name));
	if (fo_scan_join(path, sizeof(path), class_net, name) != 0)
		return 1;
	nd->real = fo_scan_realpath(ctx, path);
	if (nd->real == NULL) {
		fo_scan_warn(ctx, "class/net/%s: cannot resolve: %s, skipped", name,
			errno == EXDEV ? "points outside the sysfs root" :
			strerror(errno));
		return 1;
	}
	ret = fo_scan_read_attr(nd->real, "type", buf, sizeof(buf), &len);
	if (ret == 0)
		ret = fo_scan_parse_uint(buf, len, &value);
	if (ret == 0 && value > UINT16_MAX)
		ret = -EINVAL;
	if (ret != 0) {
		fo_scan_warn(ctx, "class/net/%s/type: %s, skipped", name,
			ret == -EINVAL ? "not a link type" : strerror(-ret));
		return 1;
	}
	nd->type = (unsigned int)value;

	errno = ENOENT;
	if (fo_scan_join(path, sizeof(path), nd->real, "device") == 0)
		nd->dev_real = fo_scan_realpath(ctx, path);
	if (nd->dev_real == NULL && errno != ENOENT) {
		fo_scan_warn(ctx, "class/net/%s/device: cannot resolve: %s, skipped",
			name, errno == EXDEV ? "points outside the sysfs root" :
			strerror(errno));
		return 1;
	}
	/* VLAN, bond, bridge, veth, tap: no parent device, under devices/virtual. */
	snprintf(virt, sizeof(virt), "%s/devices/virtual/",
		ctx->root_len > 1 ? ctx->root : "");
	nd->is_virtual = nd->dev_real == NULL ||
		strncmp(nd->real, virt, strlen(virt)) == 0;

	if (fo_scan_read_attr(nd->real, "uevent", buf, sizeof(buf), &len) == 0)
		(void)fo_scan_parse_uevent(buf, len, "DEVTYPE", nd->devtype,
			sizeof(nd->devtype));
	(void)fo_scan_link_name(nd->real, "master", nd->master,
		sizeof(nd->master));
	if (nd->type == ARPHRD_ETHER_TYPE)
		read_mac(ctx, nd);
	if (nd->dev_real == NULL)
		return 0;

	find_subsystem(nd);
	(void)fo_scan_link_name(nd->dev_real, "driver", nd->driver,
		sizeof(nd->driver));
	ret = fo_scan_read_attr(nd->real, "dev_port", buf, sizeof(buf), &len);
	if (ret == 0 && (fo_scan_parse_uint(buf, len, &value) != 0 ||
			value > UINT16_MAX)) {
		fo_scan_warn(ctx, "class/net/%s/dev_port: not a number, 0 assumed",
			name);
		value = 0;
	}
	if (ret == 0)
		nd->dev_port = (unsigned int)value;
	return 0;
}

static void
netdev_release(struct fo_netdev *nd)
{
	free(nd->real);
	free(nd->dev_real);
	nd->real = NULL;
	nd->dev_real = NULL;
}

int
fo_scan_netdevs(struct fo_scan_ctx *ctx)
{
	char class_net[PATH_MAX];
	size_t n_names, i, cap = 0;
	char **names;
	int ret;

	if (fo_scan_join(class_net, sizeof(class_net), ctx->root, "class/net") != 0)
		return -ENAMETOOLONG;
	ret = fo_scan_list_dir(ctx, class_net, &names, &n_names);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return 0;
	if (ret != 0) {
		if (ret != -ENOMEM)
			fo_scan_warn(ctx, "class/net: %s", strerror(-ret));
		return ret == -ENOMEM ? ret : 0;
	}
	for (i = 0; i < n_names && ctx->error == 0; i++) {
		struct fo_netdev nd;

		if (load_netdev(ctx, class_net, names[i], &nd) != 0) {
			netdev_release(&nd);
			continue;
		}
		if (fo_scan_grow(ctx, (void **)&ctx->netdevs, &cap,
				ctx->n_netdevs + 1, sizeof(nd)) != 0) {
			netdev_release(&nd);
			break;
		}
		ctx->netdevs[ctx->n_netdevs++] = nd;
	}
	fo_scan_free_names(names, n_names);
	return ctx->error;
}

void
fo_scan_netdevs_free(struct fo_scan_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->n_netdevs; i++)
		netdev_release(&ctx->netdevs[i]);
	free(ctx->netdevs);
	ctx->netdevs = NULL;
	ctx->n_netdevs = 0;
	free(ctx->slots);
	ctx->slots = NULL;
	ctx->n_slots = 0;
}
