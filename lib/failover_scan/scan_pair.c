/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/* Matching synthetic NICs with VFs by MAC, and saying why others were left. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_priv.h"

#define ARPHRD_ETHER_TYPE 1

struct fo_scan_pair *
fo_scan_new_pair(struct fo_scan_ctx *ctx)
{
	struct fo_scan_result *res = ctx->res;
	struct fo_scan_pair *pair;

	if (fo_scan_grow(ctx, (void **)&res->pairs, &ctx->cap_pairs,
			res->n_pairs + 1, sizeof(*pair)) != 0)
		return NULL;
	pair = &res->pairs[res->n_pairs++];
	memset(pair, 0, sizeof(*pair));
	pair->vf.serial = -1;
	return pair;
}

int
fo_scan_add_ignored(struct fo_scan_ctx *ctx, const char *iface,
		const char *fmt, ...)
{
	struct fo_scan_result *res = ctx->res;
	struct fo_scan_ignored *ig;
	va_list ap;

	if (fo_scan_grow(ctx, (void **)&res->ignored, &ctx->cap_ignored,
			res->n_ignored + 1, sizeof(*ig)) != 0)
		return -ENOMEM;
	ig = &res->ignored[res->n_ignored++];
	fo_scan_strlcpy(ig->iface, iface, sizeof(ig->iface));
	va_start(ap, fmt);
	vsnprintf(ig->reason, sizeof(ig->reason), fmt, ap);
	va_end(ap);
	return 0;
}

static bool
mac_is_zero(const uint8_t *mac)
{
	static const uint8_t zero[FO_SCAN_MAC_LEN];

	return memcmp(mac, zero, FO_SCAN_MAC_LEN) == 0;
}

/* A physical Ethernet PCI netdev with a usable MAC: could be a VF. */
static bool
vf_capable(const struct fo_netdev *nd, struct fo_scan_pci_addr *addr)
{
	const char *base;

	if (nd->claimed || nd->is_virtual || nd->type != ARPHRD_ETHER_TYPE ||
			!nd->mac_ok || mac_is_zero(nd->mac) ||
			strcmp(nd->subsystem, "pci") != 0)
		return false;
	base = fo_scan_basename(nd->dev_real);
	return fo_scan_parse_pci_addr(base, strlen(base), addr) == 0;
}

/* Prefer a VF the hv_pci slot vouches for, then one enslaved to the pair. */
static int
vf_score(struct fo_scan_ctx *ctx, const struct fo_netdev *nd,
		const struct fo_scan_pair *pair, const struct fo_scan_pci_addr *addr)
{
	int score = 0;

	if (fo_scan_under_hv_pci(ctx, nd->dev_real) &&
			fo_scan_slot_serial(ctx, addr) >= 0)
		score += 2;
	if (nd->master[0] != '\0' &&
			(strcmp(nd->master, pair->synthetic.iface) == 0 ||
			 strcmp(nd->master, pair->synthetic.master) == 0))
		score += 1;
	return score;
}

static void
fill_vf(struct fo_scan_ctx *ctx, struct fo_scan_vf *vf,
		const struct fo_netdev *nd, const struct fo_scan_pci_addr *addr)
{
	memset(vf, 0, sizeof(*vf));
	fo_scan_strlcpy(vf->iface, nd->name, sizeof(vf->iface));
	fo_scan_format_pci_addr(addr, vf->pci);
	fo_scan_strlcpy(vf->driver, nd->driver, sizeof(vf->driver));
	/* Slot numbers outside Hyper-V are not the host's serial. */
	vf->serial = fo_scan_under_hv_pci(ctx, nd->dev_real) ?
		fo_scan_slot_serial(ctx, addr) : -1;
	vf->dev_port = nd->dev_port;
	vf->mac_known = true;
	memcpy(vf->mac, nd->mac, sizeof(vf->mac));
}

static void
pair_one(struct fo_scan_ctx *ctx, struct fo_scan_pair *pair)
{
	struct fo_netdev *best = NULL;
	struct fo_scan_pci_addr addr, best_addr;
	int best_score = -1, ties = 0;
	size_t i;

	if (!pair->mac_known || mac_is_zero(pair->mac))
		return;
	for (i = 0; i < ctx->n_netdevs; i++) {
		struct fo_netdev *nd = &ctx->netdevs[i];
		int score;

		if (!vf_capable(nd, &addr) ||
				memcmp(nd->mac, pair->mac, sizeof(pair->mac)) != 0)
			continue;
		score = vf_score(ctx, nd, pair, &addr);
		if (score > best_score) {
			best = nd;
			best_addr = addr;
			best_score = score;
			ties = 0;
		} else if (score == best_score) {
			ties++;
		}
	}
	if (best == NULL)
		return;
	if (ties > 0) {
		char mac[FO_SCAN_MAC_STR_SIZE];

		fo_scan_format_mac(pair->mac, mac);
		fo_scan_warn(ctx, "%d PCI netdevs carry MAC %s, pairing %s",
			ties + 1, mac, best->name);
	}
	best->claimed = true;
	pair->has_vf = true;
	fill_vf(ctx, &pair->vf, best, &best_addr);
}

/* MAC of a pair's synthetic or VF side equal to mac? */
static const struct fo_scan_pair *
pair_with_mac(const struct fo_scan_result *res, const uint8_t *mac)
{
	size_t i;

	for (i = 0; i < res->n_pairs; i++) {
		const struct fo_scan_pair *p = &res->pairs[i];

		if ((p->mac_known && memcmp(p->mac, mac, FO_SCAN_MAC_LEN) == 0) ||
				(p->has_vf && p->vf.mac_known &&
				 memcmp(p->vf.mac, mac, FO_SCAN_MAC_LEN) == 0))
			return p;
	}
	return NULL;
}

/* Why an unclaimed netdev is not part of a pair; NULL: not worth listing. */
static void
explain(struct fo_scan_ctx *ctx, const struct fo_netdev *nd)
{
	const struct fo_scan_pair *p = nd->mac_ok ?
		pair_with_mac(ctx->res, nd->mac) : NULL;
	char mac[FO_SCAN_MAC_STR_SIZE];
	struct fo_scan_pci_addr addr;

	if (nd->is_virtual) {
		/* lo, docker0...: only the ones posing as a pair member matter. */
		if (p == NULL || mac_is_zero(nd->mac))
			return;
		(void)fo_scan_add_ignored(ctx, nd->name, "virtual device%s%s%s",
			nd->devtype[0] ? " (" : "", nd->devtype,
			nd->devtype[0] ? ")" : "");
		return;
	}
	if (nd->type != ARPHRD_ETHER_TYPE) {
		(void)fo_scan_add_ignored(ctx, nd->name, "not Ethernet (type %u)",
			nd->type);
		return;
	}
	if (!nd->mac_ok) {
		(void)fo_scan_add_ignored(ctx, nd->name, "MAC address unreadable");
		return;
	}
	if (strcmp(nd->subsystem, "pci") != 0) {
		(void)fo_scan_add_ignored(ctx, nd->name, "not a PCI device (bus %s)",
			nd->subsystem[0] ? nd->subsystem : "unknown");
		return;
	}
	if (!vf_capable(nd, &addr)) {
		(void)fo_scan_add_ignored(ctx, nd->name,
			"PCI device without a usable address or MAC");
		return;
	}
	fo_scan_format_mac(nd->mac, mac);
	if (p != NULL)
		(void)fo_scan_add_ignored(ctx, nd->name,
			"MAC %s already paired with %s", mac,
			p->has_vf ? p->vf.iface : p->synthetic.iface);
	else
		(void)fo_scan_add_ignored(ctx, nd->name,
			"no synthetic NIC with MAC %s", mac);
}

int
fo_scan_pair_vfs(struct fo_scan_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->res->n_pairs; i++)
		pair_one(ctx, &ctx->res->pairs[i]);
	for (i = 0; i < ctx->n_netdevs; i++)
		if (!ctx->netdevs[i].claimed)
			explain(ctx, &ctx->netdevs[i]);
	return ctx->error;
}

/* Named interfaces first, by name; then by bus id. */
static int
compare_pairs(const void *a, const void *b)
{
	const struct fo_scan_synthetic *x = &((const struct fo_scan_pair *)a)->synthetic;
	const struct fo_scan_synthetic *y = &((const struct fo_scan_pair *)b)->synthetic;
	int c;

	if ((x->iface[0] == '\0') != (y->iface[0] == '\0'))
		return x->iface[0] == '\0' ? 1 : -1;
	c = strcmp(x->iface, y->iface);
	return c != 0 ? c : strcmp(x->id, y->id);
}

static int
compare_ignored(const void *a, const void *b)
{
	const struct fo_scan_ignored *x = a, *y = b;
	int c = strcmp(x->iface, y->iface);

	return c != 0 ? c : strcmp(x->reason, y->reason);
}

static int
compare_vfs(const void *a, const void *b)
{
	return strcmp(((const struct fo_scan_vf *)a)->pci,
		((const struct fo_scan_vf *)b)->pci);
}

void
fo_scan_sort(struct fo_scan_result *res)
{
	if (res->n_pairs > 1)
		qsort(res->pairs, res->n_pairs, sizeof(res->pairs[0]),
			compare_pairs);
	if (res->n_ignored > 1)
		qsort(res->ignored, res->n_ignored, sizeof(res->ignored[0]),
			compare_ignored);
	if (res->n_vf_candidates > 1)
		qsort(res->vf_candidates, res->n_vf_candidates,
			sizeof(res->vf_candidates[0]), compare_vfs);
}
