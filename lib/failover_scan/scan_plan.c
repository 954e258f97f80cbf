/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/* How the PMD opens each side of a pair, decided from the bound driver. */

#include <stdio.h>
#include <string.h>

#include "scan_priv.h"

/* Drivers whose devices a DPDK PCI PMD can open by address. mlx4/mlx5 are
 * bifurcated: DPDK opens the function while the kernel netdev stays. */
static const char *const pci_openable[] = {
	"vfio-pci", "uio_pci_generic", "igb_uio", "mlx4_core", "mlx5_core",
};

static bool
in_list(const char *driver, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(driver, list[i]) == 0)
			return true;
	return false;
}

static void
set_plan(struct fo_scan_open_plan *plan, enum fo_scan_open_method method,
		const char *driver, const char *devargs, const char *reason)
{
	plan->method = method;
	fo_scan_strlcpy(plan->driver, driver, sizeof(plan->driver));
	fo_scan_strlcpy(plan->devargs, devargs, sizeof(plan->devargs));
	fo_scan_strlcpy(plan->reason, reason, sizeof(plan->reason));
}

void
fo_scan_plan_vf(const struct fo_scan_vf *vf, struct fo_scan_open_plan *plan)
{
	char buf[FO_SCAN_REASON_SIZE], args[FO_SCAN_DEVARGS_SIZE];
	bool bifurcated;

	if (vf == NULL) {
		set_plan(plan, FO_SCAN_OPEN_NONE, "", "",
			"no VF yet: the synthetic path carries the traffic");
		return;
	}
	if (vf->pci[0] != '\0' && in_list(vf->driver, pci_openable,
			FO_ARRAY_SIZE(pci_openable))) {
		bifurcated = strncmp(vf->driver, "mlx", 3) == 0;
		snprintf(buf, sizeof(buf), bifurcated ?
			"%s is bifurcated: DPDK opens the PCI function, the kernel netdev stays" :
			"bound to %s, which DPDK drives by PCI address", vf->driver);
		set_plan(plan, FO_SCAN_OPEN_PCI, "", vf->pci, buf);
		return;
	}
	if (vf->iface[0] != '\0') {
		snprintf(args, sizeof(args), "iface=%s", vf->iface);
		snprintf(buf, sizeof(buf),
			"held by kernel driver %s, which DPDK cannot share: opened through its netdev",
			vf->driver[0] ? vf->driver : "(none)");
		set_plan(plan, FO_SCAN_OPEN_AF_PACKET, "net_af_packet", args, buf);
		return;
	}
	snprintf(buf, sizeof(buf), "bound to %s and no netdev: nothing DPDK can open",
		vf->driver[0] ? vf->driver : "no driver");
	set_plan(plan, FO_SCAN_OPEN_NONE, "", "", buf);
}

void
fo_scan_plan_synthetic(const struct fo_scan_pair *pair,
		struct fo_scan_open_plan *plan)
{
	const struct fo_scan_synthetic *syn = &pair->synthetic;
	char buf[FO_SCAN_REASON_SIZE];

	if (strcmp(syn->driver, "uio_hv_generic") == 0 && syn->id[0] != '\0') {
		set_plan(plan, FO_SCAN_OPEN_NETVSC, "net_netvsc", syn->id,
			"bound to uio_hv_generic: net_netvsc drives the VMBus channel");
		return;
	}
	if (pair->kind == FO_SCAN_KIND_VIRTIO && syn->pci[0] != '\0' &&
			(strcmp(syn->driver, "vfio-pci") == 0 ||
			 strcmp(syn->driver, "uio_pci_generic") == 0)) {
		snprintf(buf, sizeof(buf), "bound to %s: net_virtio by PCI address",
			syn->driver);
		set_plan(plan, FO_SCAN_OPEN_VIRTIO_PCI, "net_virtio", syn->pci, buf);
		return;
	}
	if (syn->iface[0] != '\0') {
		snprintf(buf, sizeof(buf),
			"held by kernel driver %s: TAP exception path redirected from %s",
			syn->driver[0] ? syn->driver : "(none)", syn->iface);
		set_plan(plan, FO_SCAN_OPEN_TAP, "net_tap", syn->iface, buf);
		return;
	}
	snprintf(buf, sizeof(buf), "bound to %s and no netdev: nothing DPDK can open",
		syn->driver[0] ? syn->driver : "no driver");
	set_plan(plan, FO_SCAN_OPEN_NONE, "", "", buf);
}

void
fo_scan_plan_exception(const struct fo_scan_pair *pair,
		enum fo_scan_exception exc, struct fo_scan_open_plan *plan)
{
	const struct fo_scan_synthetic *syn = &pair->synthetic;
	const char *drv = syn->driver[0] ? syn->driver : "(none)";
	char buf[FO_SCAN_REASON_SIZE];
	char args[FO_SCAN_DEVARGS_SIZE];

	if (plan->method != FO_SCAN_OPEN_TAP)
		return;
	/*
	 * Linux 6.1 guests crashed in live migrations several times more often
	 * while an AF_XDP socket was bound to virtio_net, with or without this
	 * driver or DPDK (see the guide): there only exception=af_xdp takes it.
	 */
	if (exc == FO_SCAN_EXC_AUTO && pair->kind == FO_SCAN_KIND_VIRTIO) {
		snprintf(buf, sizeof(buf),
			"held by %s: TAP exception path on %s (AF_XDP crashed virtio_net guests in migration)",
			drv, syn->iface);
		set_plan(plan, FO_SCAN_OPEN_TAP, "net_tap", syn->iface, buf);
		return;
	}
	if (exc == FO_SCAN_EXC_TAP) {
		snprintf(buf, sizeof(buf),
			"held by kernel driver %s: TAP exception path redirected from %s (exception=tap)",
			drv, syn->iface);
		set_plan(plan, FO_SCAN_OPEN_TAP, "net_tap", syn->iface, buf);
		return;
	}
	snprintf(args, sizeof(args), "iface=%s", syn->iface);
	if (exc == FO_SCAN_EXC_AF_XDP)
		snprintf(buf, sizeof(buf),
			"held by %s: AF_XDP exception path on %s (exception=af_xdp)",
			drv, syn->iface);
	else
		snprintf(buf, sizeof(buf),
			"held by %s: AF_XDP exception path on %s, else TAP",
			drv, syn->iface);
	set_plan(plan, FO_SCAN_OPEN_AF_XDP, "net_af_xdp", args, buf);
}

int
fo_scan_exception_parse(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return FO_SCAN_EXC_AUTO;
	if (strcmp(s, "af_xdp") == 0)
		return FO_SCAN_EXC_AF_XDP;
	if (strcmp(s, "tap") == 0)
		return FO_SCAN_EXC_TAP;
	return -1;
}

const char *
fo_scan_open_method_name(enum fo_scan_open_method method)
{
	switch (method) {
	case FO_SCAN_OPEN_PCI:
		return "pci";
	case FO_SCAN_OPEN_AF_PACKET:
		return "af_packet";
	case FO_SCAN_OPEN_NETVSC:
		return "netvsc";
	case FO_SCAN_OPEN_VIRTIO_PCI:
		return "virtio";
	case FO_SCAN_OPEN_TAP:
		return "tap";
	case FO_SCAN_OPEN_AF_XDP:
		return "af_xdp";
	case FO_SCAN_OPEN_NONE:
	default:
		return "none";
	}
}
