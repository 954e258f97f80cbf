/* SPDX-License-Identifier: BSD-3-Clause */

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <fo_scan.h>

#include "failover_private.h"
#include "failover_xdp.h"

/*
 * While a discovered pair's VF is absent, sysfs is walked again after
 * 100 ms, then twice as late each time up to 2 s; a netdev or PCI device
 * that appears starts over at once.
 */
#define FO_DISCOVER_RESCAN_FIRST_MS 100u
#define FO_DISCOVER_RESCAN_MAX_MS 2000u

static_assert((int)FO_EXC_AUTO == (int)FO_SCAN_EXC_AUTO &&
		      (int)FO_EXC_AF_XDP == (int)FO_SCAN_EXC_AF_XDP &&
		      (int)FO_EXC_TAP == (int)FO_SCAN_EXC_TAP,
	      "exception= and the scan library's plan agree");

static const char *
fo_discover_root(const struct fo_private *priv)
{
	return priv->args.sysfs[0] != '\0' ? priv->args.sysfs : "/sys";
}

/* "net_af_packet_failover0_vf": unique per failover port and path. */
static void
fo_discover_af_packet(const struct fo_private *priv, const char *path, const char *iface,
		      char *out, size_t len)
{
	const char *suffix = strncmp(priv->name, "net_", 4) == 0 ? priv->name + 4 : priv->name;

	snprintf(out, len, "net_af_packet_%s_%s,iface=%s", suffix, path, iface);
}

/*
 * "net_af_xdp_failover0": the AF_XDP exception path on the synthetic
 * netdev; with kernel_traffic=keep, our XDP program instead of net_af_xdp's.
 */
static void
fo_discover_af_xdp(const struct fo_private *priv, const char *iface, char *out, size_t len)
{
	const char *suffix = strncmp(priv->name, "net_", 4) == 0 ? priv->name + 4 : priv->name;
	char prog[64] = "", err[FO_ERR_MAX];
	int n;

	n = snprintf(out, len, "net_af_xdp_%s,iface=%s", suffix, iface);
	if (!priv->args.keep_kernel || n < 0 || (size_t)n >= len)
		return;
	if (fo_xdp_keep_prog_path(prog, sizeof(prog), err, sizeof(err)) < 0)
		FO_LOG(ERR, priv, "kernel_traffic=keep: %s", err); /* checked at probe */
	else
		snprintf(out + n, len - n, ",xdp_prog=%s", prog);
}

/* net_tap named after the port; its netdev "ft_failover0" fits IFNAMSIZ. */
static void
fo_discover_tap(const struct fo_private *priv, const char *iface, struct fo_sub *sub)
{
	const char *suffix = strncmp(priv->name, "net_", 4) == 0 ? priv->name + 4 : priv->name;

	snprintf(sub->tc_tap, sizeof(sub->tc_tap), "ft_%.12s", suffix);
	strlcpy(sub->tc_syn, iface, sizeof(sub->tc_syn));
	snprintf(sub->devargs, sizeof(sub->devargs), "net_tap_%s,iface=%s", suffix, sub->tc_tap);
}

static void
fo_discover_plan_vf(struct fo_private *priv, const struct fo_scan_vf *vf)
{
	struct fo_sub *sub = fo_sub_of(priv, FO_PATH_PRIMARY);
	struct fo_scan_open_plan plan;
	char line[sizeof(priv->vf_plan_logged)];

	fo_scan_plan_vf(vf, &plan);
	sub->devargs[0] = '\0';
	sub->fallback[0] = '\0';
	strlcpy(sub->ifname, vf != NULL ? vf->iface : "", sizeof(sub->ifname));
	switch (plan.method) {
	case FO_SCAN_OPEN_PCI:
		strlcpy(sub->devargs, plan.devargs, sizeof(sub->devargs));
		if (vf->iface[0] != '\0')
			fo_discover_af_packet(priv, "vf", vf->iface, sub->fallback,
					      sizeof(sub->fallback));
		break;
	case FO_SCAN_OPEN_AF_PACKET:
		fo_discover_af_packet(priv, "vf", vf->iface, sub->devargs, sizeof(sub->devargs));
		break;
	default:
		break;
	}
	snprintf(line, sizeof(line), "%s: %s%s%s", sub->devargs[0] ? sub->devargs : "none",
		 plan.reason, sub->fallback[0] ? "; fallback " : "", sub->fallback);
	/* Rescans repeat it while the VF is away: logged when it changes. */
	if (strcmp(line, priv->vf_plan_logged) != 0) {
		FO_LOG(INFO, priv, "primary (VF): %s", line);
		strlcpy(priv->vf_plan_logged, line, sizeof(priv->vf_plan_logged));
	}
}

static void
fo_discover_plan_synthetic(struct fo_private *priv, const struct fo_scan_pair *pair)
{
	const enum fo_scan_exception exc = (enum fo_scan_exception)priv->args.exception;
	struct fo_sub *sub = fo_sub_of(priv, FO_PATH_STANDBY);
	const char *iface = pair->synthetic.iface;
	struct fo_scan_open_plan plan;

	fo_scan_plan_synthetic(pair, &plan);
	/*
	 * kernel_traffic=keep lives on the AF_XDP path: asked for, it takes
	 * AF_XDP even where auto would not (virtio_net), and says so.
	 */
	if (exc == FO_SCAN_EXC_AUTO && priv->args.keep_kernel &&
	    pair->kind == FO_SCAN_KIND_VIRTIO && plan.method == FO_SCAN_OPEN_TAP) {
		FO_LOG(WARNING, priv,
		       "standby: kernel_traffic=keep takes AF_XDP on virtio_net %s, where AF_XDP crashed guests in live migration (see the guide)",
		       iface);
		fo_scan_plan_exception(pair, FO_SCAN_EXC_AF_XDP, &plan);
		snprintf(plan.reason, sizeof(plan.reason),
			 "held by virtio_net: AF_XDP exception path on %s (kernel_traffic=keep), else TAP",
			 iface);
	} else {
		fo_scan_plan_exception(pair, exc, &plan);
	}
	sub->devargs[0] = '\0';
	sub->fallback[0] = '\0';
	sub->tc_syn[0] = '\0';
	strlcpy(sub->ifname, iface, sizeof(sub->ifname));
	switch (plan.method) {
	case FO_SCAN_OPEN_NETVSC:
	case FO_SCAN_OPEN_VIRTIO_PCI:
		strlcpy(sub->devargs, plan.devargs, sizeof(sub->devargs));
		if (iface[0] != '\0')
			fo_discover_af_packet(priv, "syn", iface, sub->fallback,
					      sizeof(sub->fallback));
		break;
	case FO_SCAN_OPEN_TAP:
		/* The exception path: a TAP, and tc redirects it to the kernel netdev. */
		fo_discover_tap(priv, iface, sub);
		fo_discover_af_packet(priv, "syn", iface, sub->fallback, sizeof(sub->fallback));
		break;
	case FO_SCAN_OPEN_AF_XDP:
		/* AF_XDP sockets on the kernel netdev; with auto, the TAP path if not. */
		fo_discover_tap(priv, iface, sub);
		if (priv->args.exception == FO_EXC_AUTO)
			strlcpy(sub->fallback, sub->devargs, sizeof(sub->fallback));
		fo_discover_af_xdp(priv, iface, sub->devargs, sizeof(sub->devargs));
		break;
	case FO_SCAN_OPEN_AF_PACKET:
		fo_discover_af_packet(priv, "syn", iface, sub->devargs, sizeof(sub->devargs));
		break;
	default:
		break;
	}
	FO_LOG(INFO, priv, "standby (synthetic %s): %s: %s%s%s", pair->synthetic.id,
	       sub->devargs[0] ? sub->devargs : "none", plan.reason,
	       sub->fallback[0] ? "; fallback " : "", sub->fallback);
}

static bool
fo_discover_match(const struct fo_private *priv, const struct fo_scan_pair *pair)
{
	const char *iface = priv->args.iface;

	if (iface[0] != '\0' && strcmp(pair->synthetic.iface, iface) != 0 &&
	    strcmp(pair->synthetic.master, iface) != 0 &&
	    !(pair->has_vf && strcmp(pair->vf.iface, iface) == 0))
		return false;
	if (priv->args.has_mac &&
	    (!pair->mac_known || memcmp(pair->mac, priv->args.mac, RTE_ETHER_ADDR_LEN) != 0))
		return false;
	return true;
}

/* "found: eth0 (00:0d:3a:..., VF enP1s1), ..." for a selector that matched nothing. */
static void
fo_discover_list(const struct fo_scan_result *res, char *out, size_t len)
{
	size_t used = 0;
	size_t i;

	out[0] = '\0';
	for (i = 0; i < res->n_pairs && used < len; i++) {
		const struct fo_scan_pair *p = &res->pairs[i];
		char mac[FO_SCAN_MAC_STR_SIZE] = "unknown MAC";

		if (p->mac_known)
			fo_scan_format_mac(p->mac, mac);
		used += snprintf(out + used, len - used, "%s%s (%s, %s%s)", i ? ", " : "",
				 p->synthetic.iface[0] ? p->synthetic.iface : p->synthetic.id, mac,
				 p->has_vf ? "VF " : "no VF",
				 p->has_vf ? (p->vf.iface[0] ? p->vf.iface : p->vf.pci) : "");
	}
}

static int
fo_discover_scan(const struct fo_private *priv, struct fo_scan_result **res, char *err,
		 size_t errlen)
{
	struct fo_scan_options opts = {
		.root = fo_discover_root(priv),
		.perm_addr = fo_scan_netlink_perm_addr,
	};
	char why[FO_ERR_MAX];
	size_t i;

	if (fo_scan_run(&opts, res, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "discovery under %s failed: %s", opts.root, why);
		return -ENOENT;
	}
	for (i = 0; i < (*res)->n_warnings; i++)
		FO_LOG(DEBUG, priv, "discovery: %s", (*res)->warnings[i]);
	return 0;
}

static void
fo_discover_candidates(struct fo_private *priv, const struct fo_scan_result *res,
		       const struct fo_scan_pair *pair)
{
	size_t i;

	priv->n_vf_candidates = 0;
	if (pair->has_vf)
		return;
	for (i = 0; i < res->n_vf_candidates && priv->n_vf_candidates < FO_MAX_VF_CANDIDATES;
	     i++) {
		struct fo_scan_open_plan plan;

		fo_scan_plan_vf(&res->vf_candidates[i], &plan);
		if (plan.method == FO_SCAN_OPEN_PCI)
			strlcpy(priv->vf_candidates[priv->n_vf_candidates++], plan.devargs,
				sizeof(priv->vf_candidates[0]));
	}
	if (priv->n_vf_candidates > 0 && priv->n_vf_candidates != priv->vf_candidates_logged)
		FO_LOG(INFO, priv, "primary (VF): %u DPDK-bound VF(s) without a netdev: paired by the MAC of their port",
		       priv->n_vf_candidates);
	priv->vf_candidates_logged = priv->n_vf_candidates;
}

/*
 * A VF bound to vfio-pci has no netdev and so no MAC in sysfs: probe each
 * candidate and keep the one whose port has the pair's MAC (the synthetic
 * port's when sysfs did not know it either).
 */
int
fo_discover_attach_candidate(struct fo_private *priv, struct fo_sub *sub)
{
	struct fo_sub *syn = fo_sub_of(priv, FO_PATH_STANDBY);
	struct rte_ether_addr want;
	unsigned int i;
	int ret = -ENODEV;

	if (priv->pair_mac_known)
		memcpy(want.addr_bytes, priv->pair_mac, RTE_ETHER_ADDR_LEN);
	else if (!fo_sub_present(syn) || rte_eth_macaddr_get(syn->port_id, &want) != 0)
		return -ENODEV;
	/* Checked before the port is taken: another NIC's VF is never touched. */
	sub->want_mac = true;
	memcpy(sub->mac, want.addr_bytes, RTE_ETHER_ADDR_LEN);
	for (i = 0; i < priv->n_vf_candidates && ret < 0; i++) {
		strlcpy(sub->devargs, priv->vf_candidates[i], sizeof(sub->devargs));
		sub->probe_failures = 1; /* candidates are tried quietly */
		ret = fo_sub_attach(priv, sub);
	}
	sub->want_mac = false;
	if (ret == 0) {
		FO_LOG(INFO, priv, "primary (VF): %s has the pair's MAC", sub->devargs);
		return 0;
	}
	sub->devargs[0] = '\0';
	return -ENODEV;
}

/* Choose the pair (first, or by iface= / mac=) and plan both paths. */
int
fo_discover_select(struct fo_private *priv, char *err, size_t errlen)
{
	struct fo_scan_result *res;
	const struct fo_scan_pair *pair = NULL;
	char found[FO_ERR_MAX];
	size_t i;

	if (priv->args.keep_kernel && !fo_xdp_keep_available()) {
		snprintf(err, errlen,
			 "kernel_traffic=keep needs the XDP program, and this build has none (clang and libbpf-dev were missing when it was built)");
		return -ENOTSUP;
	}
	if (fo_discover_scan(priv, &res, err, errlen) < 0)
		return -ENOENT;
	for (i = 0; i < res->n_pairs && pair == NULL; i++)
		if (fo_discover_match(priv, &res->pairs[i]))
			pair = &res->pairs[i];
	if (pair == NULL) {
		fo_discover_list(res, found, sizeof(found));
		if (res->n_pairs == 0)
			snprintf(err, errlen,
				 "no failover pair under %s (no netvsc, no virtio-net with STANDBY)",
				 fo_discover_root(priv));
		else
			snprintf(err, errlen, "no failover pair matches%s%s%s; found: %s",
				 priv->args.iface[0] ? " iface=" : "", priv->args.iface,
				 priv->args.has_mac ? " and mac=" : "", found);
		fo_scan_result_free(res);
		return -ENODEV;
	}
	priv->pair_mac_known = pair->mac_known;
	memcpy(priv->pair_mac, pair->mac, RTE_ETHER_ADDR_LEN);
	strlcpy(priv->pair_id, pair->synthetic.id, sizeof(priv->pair_id));
	FO_LOG(INFO, priv, "discovered %s pair %s under %s", fo_scan_kind_name(pair->kind),
	       pair->synthetic.iface[0] ? pair->synthetic.iface : pair->synthetic.id,
	       fo_discover_root(priv));
	fo_discover_plan_synthetic(priv, pair);
	fo_discover_plan_vf(priv, pair->has_vf ? &pair->vf : NULL);
	fo_discover_candidates(priv, res, pair);
	fo_scan_result_free(res);
	return 0;
}

/*
 * While the pair's VF is absent, look for it again (it may come back at
 * another PCI address or under another name): same synthetic NIC, VF by
 * MAC. Rate-limited: sysfs walks are not free.
 */
void
fo_discover_refresh(struct fo_private *priv)
{
	struct fo_sub *vf = fo_sub_of(priv, FO_PATH_PRIMARY);
	struct fo_scan_result *res;
	char err[FO_ERR_MAX];
	char before[FO_DEVARGS_MAX];
	uint64_t now = fo_now_ns();
	size_t i;

	/* A VF left out for too few queues waits for the next configure. */
	if (!priv->discover || fo_sub_present(vf) || fo_queues_refused(vf)) {
		priv->rescan_ms = 0;
		return;
	}
	if (now < priv->next_rescan_ns)
		return;
	priv->rescan_ms = priv->rescan_ms == 0 ? FO_DISCOVER_RESCAN_FIRST_MS
			  : RTE_MIN(priv->rescan_ms * 2, FO_DISCOVER_RESCAN_MAX_MS);
	priv->next_rescan_ns = now + priv->rescan_ms * 1000000ull;
	if (fo_discover_scan(priv, &res, err, sizeof(err)) < 0) {
		FO_LOG(DEBUG, priv, "%s", err);
		return;
	}
	strlcpy(before, vf->devargs, sizeof(before));
	for (i = 0; i < res->n_pairs; i++) {
		const struct fo_scan_pair *p = &res->pairs[i];

		if (strcmp(p->synthetic.id, priv->pair_id) != 0)
			continue;
		if (p->has_vf) {
			struct fo_scan_open_plan plan;

			fo_scan_plan_vf(&p->vf, &plan);
			if (plan.method != FO_SCAN_OPEN_NONE)
				fo_discover_plan_vf(priv, &p->vf);
		} else if (vf->devargs[0] != '\0') {
			/*
			 * The VF planned before is gone (its netdev went with
			 * a rebinding to vfio-pci, say): the candidates
			 * without a netdev are looked at instead.
			 */
			fo_discover_plan_vf(priv, NULL);
		}
		fo_discover_candidates(priv, res, p);
		break;
	}
	if (strcmp(before, vf->devargs) != 0) {
		/* Another VF, or the same at another address: try it now. */
		vf->probe_failures = 0;
		vf->retry_ms = 0;
		vf->retry_at_ns = 0;
	}
	fo_scan_result_free(res);
	if (vf->devargs[0] == '\0' && priv->n_vf_candidates > 0)
		fo_discover_attach_candidate(priv, vf);
}
