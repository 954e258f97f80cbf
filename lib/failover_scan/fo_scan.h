/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

#ifndef FO_SCAN_H
#define FO_SCAN_H

/**
 * @file
 * Failover pair discovery from a sysfs tree.
 *
 * Finds the synthetic NICs of a cloud VM (Hyper-V netvsc on VMBus, virtio-net
 * with the STANDBY feature) and the SR-IOV VF that carries the same MAC, and
 * says how a DPDK application would open each side. Plain C11 + POSIX, no
 * DPDK dependency: the scan reads any directory laid out like /sys, so tests
 * and containers can point it at a generated tree.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FO_SCAN_MAC_LEN 6
#define FO_SCAN_MAC_STR_SIZE 18		/**< "xx:xx:xx:xx:xx:xx" + NUL */
#define FO_SCAN_IFNAME_SIZE 16		/**< IFNAMSIZ */
#define FO_SCAN_ID_SIZE 64		/**< VMBus GUID, vmbus_0_N, virtioN */
#define FO_SCAN_DRIVER_SIZE 64
#define FO_SCAN_PCI_STR_SIZE 32		/**< "dddddddd:bb:dd.f" + NUL */
#define FO_SCAN_GUID_STR_SIZE 37	/**< 36 characters + NUL */
#define FO_SCAN_REASON_SIZE 160
#define FO_SCAN_DEVARGS_SIZE 128

/** Class GUID of a Hyper-V network adapter (hv_netvsc). */
#define FO_SCAN_NETVSC_CLASS_ID "f8615163-df3e-46c5-913f-f2d2f965ed0e"
/** Class GUID of a Hyper-V PCI pass-through bus (hv_pci). */
#define FO_SCAN_HV_PCI_CLASS_ID "44c4f61d-4444-4400-9d52-802e27ede19f"
/** Bit of the virtio-net feature string that announces a failover standby. */
#define FO_SCAN_VIRTIO_NET_F_STANDBY 62

enum fo_scan_kind {
	FO_SCAN_KIND_NETVSC,
	FO_SCAN_KIND_VIRTIO,
};

/** The paravirtual side of a pair; string fields are "" when unknown. */
struct fo_scan_synthetic {
	char iface[FO_SCAN_IFNAME_SIZE];	/**< netdev, "" if none (uio) */
	char bus[8];				/**< "vmbus" or "virtio" */
	char id[FO_SCAN_ID_SIZE];		/**< instance GUID or virtioN */
	char driver[FO_SCAN_DRIVER_SIZE];	/**< hv_netvsc, uio_hv_generic... */
	char pci[FO_SCAN_PCI_STR_SIZE];		/**< virtio's PCI function */
	char master[FO_SCAN_IFNAME_SIZE];	/**< net_failover master (virtio) */
};

/** The SR-IOV side of a pair; string fields are "" when unknown. */
struct fo_scan_vf {
	char iface[FO_SCAN_IFNAME_SIZE];	/**< netdev, "" if none (vfio) */
	char pci[FO_SCAN_PCI_STR_SIZE];		/**< DDDD:BB:DD.F */
	char driver[FO_SCAN_DRIVER_SIZE];	/**< PCI driver of the function */
	int64_t serial;				/**< hv_pci slot serial, -1 none */
	unsigned int dev_port;			/**< port on the function (MANA) */
	bool mac_known;
	uint8_t mac[FO_SCAN_MAC_LEN];
};

struct fo_scan_pair {
	enum fo_scan_kind kind;
	bool mac_known;		/**< false: no netdev to read it from */
	uint8_t mac[FO_SCAN_MAC_LEN];
	struct fo_scan_synthetic synthetic;
	bool has_vf;		/**< false: no VF (yet) */
	struct fo_scan_vf vf;
};

/** A device looked at and deliberately left out, with the reason. */
struct fo_scan_ignored {
	char iface[FO_SCAN_IFNAME_SIZE];	/**< or the bus id if no netdev */
	char reason[FO_SCAN_REASON_SIZE];
};

struct fo_scan_result {
	struct fo_scan_pair *pairs;	/**< sorted by synthetic iface, id */
	size_t n_pairs;
	/**
	 * VFs bound to a DPDK driver (vfio-pci, uio) that have no netdev, hence
	 * no readable MAC, but that sit on a Hyper-V PCI bus or in a hot-plug
	 * slot. The PMD probes them and pairs them by the MAC of the port.
	 */
	struct fo_scan_vf *vf_candidates;	/**< sorted by PCI address */
	size_t n_vf_candidates;
	struct fo_scan_ignored *ignored;	/**< sorted by iface */
	size_t n_ignored;
	char **warnings;	/**< what was skipped and why, scan order */
	size_t n_warnings;
};

/**
 * Look up the permanent MAC of a live netdev.
 * @return 0 and fills mac, or a negative errno value (then `address` is used).
 */
typedef int (*fo_scan_perm_addr_fn)(const char *ifname,
		uint8_t mac[FO_SCAN_MAC_LEN], void *arg);

struct fo_scan_options {
	const char *root;		/**< sysfs root; NULL means "/sys" */
	/**
	 * Permanent-address lookup, consulted only when the root resolves to
	 * "/sys" (a generated tree has no live netdevs behind it). NULL: use
	 * the `address` attribute.
	 */
	fo_scan_perm_addr_fn perm_addr;
	void *perm_addr_arg;
};

/**
 * Scan a sysfs tree.
 *
 * @param opts
 *   Options, NULL for the defaults (root "/sys", no permanent-address lookup).
 * @param result
 *   Set to a new result on success; free with fo_scan_result_free().
 * @param err
 *   Optional buffer for a message when the scan cannot run.
 * @return
 *   0 when the scan ran (even with no pairs); -ENOENT/-ENOTDIR when the root
 *   is missing or not a sysfs tree (none of class/net, bus/pci/devices,
 *   bus/vmbus/devices, bus/virtio/devices), -ENOMEM.
 */
int fo_scan_run(const struct fo_scan_options *opts,
		struct fo_scan_result **result, char *err, size_t err_size);

void fo_scan_result_free(struct fo_scan_result *result);

/** First pair whose synthetic or VF side has this MAC, NULL if none. */
const struct fo_scan_pair *fo_scan_find_pair_by_mac(
		const struct fo_scan_result *result,
		const uint8_t mac[FO_SCAN_MAC_LEN]);

/** rtnetlink RTM_GETLINK IFLA_PERM_ADDRESS lookup, usable as perm_addr. */
int fo_scan_netlink_perm_addr(const char *ifname,
		uint8_t mac[FO_SCAN_MAC_LEN], void *arg);

/** How the PMD opens one side of a pair. */
enum fo_scan_open_method {
	FO_SCAN_OPEN_NONE,	/**< nothing to open (absent or unusable) */
	FO_SCAN_OPEN_PCI,	/**< PCI device by address (vfio, uio, mlx) */
	FO_SCAN_OPEN_AF_PACKET,	/**< net_af_packet on the kernel netdev */
	FO_SCAN_OPEN_NETVSC,	/**< net_netvsc on the VMBus device */
	FO_SCAN_OPEN_VIRTIO_PCI,	/**< net_virtio by PCI address */
	FO_SCAN_OPEN_TAP,	/**< net_tap exception path + tc redirect */
	FO_SCAN_OPEN_AF_XDP,	/**< net_af_xdp exception path on the kernel netdev */
};

/** How a synthetic NIC held by the kernel is opened (devarg exception=). */
enum fo_scan_exception {
	FO_SCAN_EXC_AUTO,	/**< AF_XDP, else TAP; TAP on virtio_net */
	FO_SCAN_EXC_AF_XDP,	/**< AF_XDP only */
	FO_SCAN_EXC_TAP,	/**< TAP + tc redirect only */
};

/**
 * devargs by method: PCI and VIRTIO_PCI: the PCI address; AF_PACKET:
 * "iface=<netdev>"; NETVSC: the VMBus instance GUID; TAP: the kernel netdev
 * whose traffic is redirected; AF_XDP: "iface=<netdev>"; NONE: "".
 */
struct fo_scan_open_plan {
	enum fo_scan_open_method method;
	char driver[32];	/**< DPDK driver name, "" for NONE */
	char devargs[FO_SCAN_DEVARGS_SIZE];
	char reason[FO_SCAN_REASON_SIZE];
};

void fo_scan_plan_synthetic(const struct fo_scan_pair *pair,
		struct fo_scan_open_plan *plan);
void fo_scan_plan_vf(const struct fo_scan_vf *vf,
		struct fo_scan_open_plan *plan);
/** A TAP plan (kernel-held synthetic NIC) as the exception mode makes it. */
void fo_scan_plan_exception(const struct fo_scan_pair *pair,
		enum fo_scan_exception exc, struct fo_scan_open_plan *plan);
/** "auto", "af_xdp", "tap"; -1 for anything else. */
int fo_scan_exception_parse(const char *s);
const char *fo_scan_open_method_name(enum fo_scan_open_method method);
const char *fo_scan_kind_name(enum fo_scan_kind kind);

/** Write the result as one JSON object (see the CLI's --json). */
int fo_scan_write_json(const struct fo_scan_result *result, FILE *out);

/*
 * Attribute parsers. Each takes the raw bytes of a sysfs attribute (not
 * NUL-terminated, at most one trailing newline accepted) and returns 0 on
 * success or -EINVAL.
 */

/** "xx:xx:xx:xx:xx:xx", hex of either case. */
int fo_scan_parse_mac(const char *s, size_t len, uint8_t mac[FO_SCAN_MAC_LEN]);
void fo_scan_format_mac(const uint8_t mac[FO_SCAN_MAC_LEN],
		char out[FO_SCAN_MAC_STR_SIZE]);

/** virtio `features`: 64 or 128 '0'/'1'; *standby = character 62 is '1'. */
int fo_scan_parse_features(const char *s, size_t len, bool *standby);

/** "{guid}" (class_id, device_id) or bare GUID; out is lower case, no braces. */
int fo_scan_parse_guid(const char *s, size_t len,
		char out[FO_SCAN_GUID_STR_SIZE]);

struct fo_scan_pci_addr {
	uint32_t domain;
	uint8_t bus;
	uint8_t dev;
	uint8_t func;
};

/** "DDDD:BB:DD.F" (domain of 4 to 8 hex digits). */
int fo_scan_parse_pci_addr(const char *s, size_t len,
		struct fo_scan_pci_addr *addr);
/** hv_pci slot `address`: "DDDD:BB:DD", no function; func is set to 0. */
int fo_scan_parse_slot_addr(const char *s, size_t len,
		struct fo_scan_pci_addr *addr);
void fo_scan_format_pci_addr(const struct fo_scan_pci_addr *addr,
		char out[FO_SCAN_PCI_STR_SIZE]);

/** Unsigned decimal or 0x-hex number (type, dev_port, virtio `device`). */
int fo_scan_parse_uint(const char *s, size_t len, uint64_t *value);

/**
 * Find KEY=VALUE in uevent-style content (lines of KEY=VALUE) and copy the
 * value. @return 0, -ENOENT if the key is absent, -EINVAL on garbage or a
 * value that does not fit.
 */
int fo_scan_parse_uevent(const char *s, size_t len, const char *key,
		char *value, size_t value_size);

/** Run every parser on one input and check their invariants (fuzzing). */
int fo_scan_parsers_selftest_input(const uint8_t *data, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* FO_SCAN_H */
