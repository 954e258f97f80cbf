/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

#ifndef SCAN_PRIV_H
#define SCAN_PRIV_H

/* Internal to lib/failover_scan: shared by its .c files, not installed. */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fo_scan.h"

/* Bounds that keep a hostile or broken tree from costing time or memory. */
#define FO_ATTR_MAX 4096	/* largest attribute read */
#define FO_DIR_ENTRIES_MAX 4096	/* entries looked at per directory */
#define FO_WARNINGS_MAX 256
#define FO_PARENT_DEPTH_MAX 32	/* walk up to find a hv_pci parent */

#define FO_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One entry of <root>/class/net, resolved. */
struct fo_netdev {
	char name[FO_SCAN_IFNAME_SIZE];
	char *real;		/* realpath of the netdev directory */
	char *dev_real;		/* realpath of its device, NULL if none */
	char subsystem[32];	/* bus of the device: pci, vmbus, virtio */
	char driver[FO_SCAN_DRIVER_SIZE];
	char master[FO_SCAN_IFNAME_SIZE];	/* upper device, "" if none */
	char devtype[32];	/* DEVTYPE from uevent (vlan, bond...) */
	unsigned int type;	/* ARPHRD_* */
	unsigned int dev_port;
	bool is_virtual;
	bool mac_ok;
	uint8_t mac[FO_SCAN_MAC_LEN];
	bool claimed;		/* part of a synthetic NIC or a pair */
};

/* One entry of <root>/bus/pci/slots whose address parses. */
struct fo_slot {
	int64_t serial;		/* the decimal name (hv_pci), else -1 */
	struct fo_scan_pci_addr addr;
};

struct fo_scan_ctx {
	char root[PATH_MAX];	/* realpath of the sysfs root */
	size_t root_len;
	bool live;		/* root is the running system's /sys */
	const struct fo_scan_options *opts;
	struct fo_scan_result *res;
	size_t cap_pairs, cap_ignored, cap_candidates, cap_warnings;
	struct fo_netdev *netdevs;
	size_t n_netdevs;
	struct fo_slot *slots;
	size_t n_slots;
	int error;		/* sticky -ENOMEM */
};

/* scan_sysfs.c: bounded, loop-safe access to the tree. */
void fo_scan_warn(struct fo_scan_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int fo_scan_grow(struct fo_scan_ctx *ctx, void **array, size_t *cap,
		size_t n, size_t elem_size);
int fo_scan_join(char *out, size_t size, const char *dir, const char *name);
const char *fo_scan_rel(const struct fo_scan_ctx *ctx, const char *path);
char *fo_scan_realpath(struct fo_scan_ctx *ctx, const char *path);
int fo_scan_read_file(const char *path, char *buf, size_t size, size_t *len);
int fo_scan_read_attr(const char *dir, const char *name, char *buf,
		size_t size, size_t *len);
int fo_scan_link_name(const char *dir, const char *name, char *out,
		size_t size);
bool fo_scan_is_dir(const char *dir, const char *name);
const char *fo_scan_basename(const char *path);
bool fo_scan_dirname_is(const char *path, const char *parent);
int fo_scan_list_dir(struct fo_scan_ctx *ctx, const char *dir,
		char ***names, size_t *n);
void fo_scan_free_names(char **names, size_t n);
typedef void (*fo_scan_device_fn)(struct fo_scan_ctx *ctx, const char *name,
		const char *real);
int fo_scan_each_device(struct fo_scan_ctx *ctx, const char *subdir,
		size_t max_name, fo_scan_device_fn fn);

/* scan_netdev.c */
int fo_scan_netdevs(struct fo_scan_ctx *ctx);
void fo_scan_netdevs_free(struct fo_scan_ctx *ctx);

/* scan_netvsc.c, scan_virtio.c: append synthetic NICs to the result. */
int fo_scan_netvsc(struct fo_scan_ctx *ctx);
int fo_scan_virtio(struct fo_scan_ctx *ctx);

/* scan_pci.c */
int fo_scan_slots(struct fo_scan_ctx *ctx);
bool fo_scan_under_hv_pci(struct fo_scan_ctx *ctx, const char *dev_real);
bool fo_scan_in_slot(const struct fo_scan_ctx *ctx,
		const struct fo_scan_pci_addr *addr);
int64_t fo_scan_slot_serial(const struct fo_scan_ctx *ctx,
		const struct fo_scan_pci_addr *addr);
int fo_scan_vf_candidates(struct fo_scan_ctx *ctx);

/* scan_pair.c */
struct fo_scan_pair *fo_scan_new_pair(struct fo_scan_ctx *ctx);
int fo_scan_add_ignored(struct fo_scan_ctx *ctx, const char *iface,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int fo_scan_pair_vfs(struct fo_scan_ctx *ctx);
void fo_scan_sort(struct fo_scan_result *res);

/* Copy with truncation; sysfs names are bounded before they get here. */
static inline void
fo_scan_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return;
	while (len + 1 < size && src[len] != '\0')
		len++;
	for (size_t i = 0; i < len; i++)
		dst[i] = src[i];
	dst[len] = '\0';
}

#endif /* SCAN_PRIV_H */
