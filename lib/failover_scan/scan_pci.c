/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/*
 * PCI side: hot-plug slots (hv_pci names them by the serial the host also
 * gives the netvsc; pciehp's "0", "0-1"... name no serial), the hv_pci parent
 * test, and VFs that a DPDK driver holds so that they have no netdev.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan_priv.h"

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_NET_LEGACY 0x1000
#define VIRTIO_PCI_NET_MODERN 0x1041

int
fo_scan_slots(struct fo_scan_ctx *ctx)
{
	char dir[PATH_MAX], slot[PATH_MAX], buf[FO_ATTR_MAX];
	size_t n_names, i, len, cap = 0;
	char **names;
	int ret;

	if (fo_scan_join(dir, sizeof(dir), ctx->root, "bus/pci/slots") != 0)
		return -ENAMETOOLONG;
	ret = fo_scan_list_dir(ctx, dir, &names, &n_names);
	if (ret == -ENOMEM)
		return ret;
	for (i = 0; i < n_names && ctx->error == 0; i++) {
		struct fo_slot s;
		uint64_t serial;

		if (fo_scan_join(slot, sizeof(slot), dir, names[i]) != 0)
			continue;
		ret = fo_scan_read_attr(slot, "address", buf, sizeof(buf), &len);
		if (ret == 0)
			ret = fo_scan_parse_slot_addr(buf, len, &s.addr);
		if (ret != 0) {
			fo_scan_warn(ctx, "bus/pci/slots/%.64s/address: %s, skipped",
				names[i], ret == -EINVAL ?
				"not a slot address" : strerror(-ret));
			continue;
		}
		/*
		 * Any slot counts for the hot-plug test; only a decimal name can
		 * be hv_pci's serial (pciehp's "0-1" and the like cannot).
		 */
		s.serial = -1;
		if (names[i][0] >= '0' && names[i][0] <= '9' &&
				strncmp(names[i], "0x", 2) != 0 &&
				fo_scan_parse_uint(names[i], strlen(names[i]),
					&serial) == 0 && serial <= INT64_MAX)
			s.serial = (int64_t)serial;
		if (fo_scan_grow(ctx, (void **)&ctx->slots, &cap,
				ctx->n_slots + 1, sizeof(s)) != 0)
			break;
		ctx->slots[ctx->n_slots++] = s;
	}
	fo_scan_free_names(names, n_names);
	return ctx->error;
}

static bool
slot_holds(const struct fo_slot *s, const struct fo_scan_pci_addr *addr)
{
	return s->addr.domain == addr->domain && s->addr.bus == addr->bus &&
		s->addr.dev == addr->dev;
}

/* Whether any slot, whatever its name, holds the device at addr. */
bool
fo_scan_in_slot(const struct fo_scan_ctx *ctx,
		const struct fo_scan_pci_addr *addr)
{
	size_t i;

	for (i = 0; i < ctx->n_slots; i++)
		if (slot_holds(&ctx->slots[i], addr))
			return true;
	return false;
}

/* Serial of a decimal-named slot holding addr, -1 if none. */
int64_t
fo_scan_slot_serial(const struct fo_scan_ctx *ctx,
		const struct fo_scan_pci_addr *addr)
{
	size_t i;

	for (i = 0; i < ctx->n_slots; i++)
		if (ctx->slots[i].serial >= 0 && slot_holds(&ctx->slots[i], addr))
			return ctx->slots[i].serial;
	return -1;
}

/* Whether a VMBus device of the hv_pci class is an ancestor of dev_real. */
bool
fo_scan_under_hv_pci(struct fo_scan_ctx *ctx, const char *dev_real)
{
	char dir[PATH_MAX], buf[FO_ATTR_MAX], guid[FO_SCAN_GUID_STR_SIZE];
	size_t len;
	int depth;

	fo_scan_strlcpy(dir, dev_real, sizeof(dir));
	for (depth = 0; depth < FO_PARENT_DEPTH_MAX; depth++) {
		char *slash = strrchr(dir, '/');

		if (slash == NULL || (size_t)(slash - dir) <= ctx->root_len)
			break;
		*slash = '\0';
		if (fo_scan_read_attr(dir, "class_id", buf, sizeof(buf), &len) == 0 &&
				fo_scan_parse_guid(buf, len, guid) == 0)
			return strcmp(guid, FO_SCAN_HV_PCI_CLASS_ID) == 0;
	}
	return false;
}

static bool
is_dpdk_pci_driver(const char *driver)
{
	return strcmp(driver, "vfio-pci") == 0 ||
		strcmp(driver, "uio_pci_generic") == 0 ||
		strcmp(driver, "igb_uio") == 0;
}

static uint64_t
read_id(const char *dir, const char *name)
{
	char buf[64];
	uint64_t v;
	size_t len;

	if (fo_scan_read_attr(dir, name, buf, sizeof(buf), &len) != 0 ||
			fo_scan_parse_uint(buf, len, &v) != 0)
		return UINT64_MAX;
	return v;
}

static void
check_device(struct fo_scan_ctx *ctx, const char *name, const char *real)
{
	struct fo_scan_result *res = ctx->res;
	char driver[FO_SCAN_DRIVER_SIZE] = "";
	struct fo_scan_pci_addr addr;
	char pci[FO_SCAN_PCI_STR_SIZE];
	uint64_t vendor, device;
	struct fo_scan_vf *vf;
	bool on_hv_pci;

	if (fo_scan_link_name(real, "driver", driver, sizeof(driver)) != 0 ||
			!is_dpdk_pci_driver(driver) || fo_scan_is_dir(real, "net"))
		return;
	if (fo_scan_parse_pci_addr(name, strlen(name), &addr) != 0) {
		fo_scan_warn(ctx, "bus/pci/devices/%.32s: not a PCI address, skipped",
			name);
		return;
	}
	fo_scan_format_pci_addr(&addr, pci);
	vendor = read_id(real, "vendor");
	device = read_id(real, "device");
	if (vendor == VIRTIO_PCI_VENDOR && (device == VIRTIO_PCI_NET_LEGACY ||
			device == VIRTIO_PCI_NET_MODERN)) {
		(void)fo_scan_add_ignored(ctx, pci,
			"virtio-net bound to %s: STANDBY is not visible in sysfs",
			driver);
		return;
	}
	on_hv_pci = fo_scan_under_hv_pci(ctx, real);
	if (!on_hv_pci && !fo_scan_in_slot(ctx, &addr)) {
		(void)fo_scan_add_ignored(ctx, pci,
			"bound to %s, not on a Hyper-V PCI bus nor in a hot-plug slot",
			driver);
		return;
	}
	if (fo_scan_grow(ctx, (void **)&res->vf_candidates, &ctx->cap_candidates,
			res->n_vf_candidates + 1, sizeof(*vf)) != 0)
		return;
	vf = &res->vf_candidates[res->n_vf_candidates++];
	memset(vf, 0, sizeof(*vf));
	fo_scan_strlcpy(vf->pci, pci, sizeof(vf->pci));
	fo_scan_strlcpy(vf->driver, driver, sizeof(vf->driver));
	/* Slot numbers outside Hyper-V are not the host's serial. */
	vf->serial = on_hv_pci ? fo_scan_slot_serial(ctx, &addr) : -1;
}

int
fo_scan_vf_candidates(struct fo_scan_ctx *ctx)
{
	int ret = fo_scan_each_device(ctx, "bus/pci/devices", 0, check_device);

	return ret == -ENOMEM ? ret : ctx->error;
}
