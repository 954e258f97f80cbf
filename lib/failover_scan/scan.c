/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/* fo_scan_run(): the order of the scan and the result's lifetime. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_priv.h"

static void
set_error(char *err, size_t err_size, const char *fmt, const char *root,
		const char *detail)
{
	if (err != NULL && err_size > 0)
		snprintf(err, err_size, fmt, root, detail);
}

static int
open_root(struct fo_scan_ctx *ctx, const char *root, char *err, size_t err_size)
{
	char *real = realpath(root, NULL);
	int ret;

	if (real == NULL) {
		ret = -errno;
		set_error(err, err_size, "%s: %s", root, strerror(errno));
		return ret;
	}
	if (strlen(real) >= sizeof(ctx->root)) {
		free(real);
		set_error(err, err_size, "%s: %s", root, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	/* Joins add the '/', so "/" itself is kept as "". */
	fo_scan_strlcpy(ctx->root, strcmp(real, "/") == 0 ? "" : real,
		sizeof(ctx->root));
	ctx->root_len = strlen(ctx->root);
	ctx->live = strcmp(real, "/sys") == 0;
	free(real);
	if (!fo_scan_is_dir(ctx->root[0] ? ctx->root : "/", ".")) {
		set_error(err, err_size, "%s: %s", root, strerror(ENOTDIR));
		return -ENOTDIR;
	}
	/* A bare bus/ is not enough: /proc has one (with files, not dirs). */
	if (!fo_scan_is_dir(ctx->root, "class/net") &&
			!fo_scan_is_dir(ctx->root, "bus/pci/devices") &&
			!fo_scan_is_dir(ctx->root, "bus/vmbus/devices") &&
			!fo_scan_is_dir(ctx->root, "bus/virtio/devices")) {
		set_error(err, err_size, "%s: %s", root,
			"not a sysfs tree (no class/net and no bus/{pci,vmbus,virtio}/devices)");
		return -ENOTDIR;
	}
	return 0;
}

int
fo_scan_run(const struct fo_scan_options *opts, struct fo_scan_result **result,
		char *err, size_t err_size)
{
	static const struct fo_scan_options defaults = { .root = "/sys" };
	struct fo_scan_ctx *ctx;
	int ret;

	if (result == NULL)
		return -EINVAL;
	*result = NULL;
	if (opts == NULL)
		opts = &defaults;
	/* The context holds a PATH_MAX buffer: keep it off small stacks. */
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return -ENOMEM;
	ctx->opts = opts;
	ctx->res = calloc(1, sizeof(*ctx->res));
	if (ctx->res == NULL) {
		free(ctx);
		return -ENOMEM;
	}
	ret = open_root(ctx, opts->root ? opts->root : "/sys", err, err_size);
	if (ret == 0)
		ret = fo_scan_slots(ctx);
	if (ret == 0)
		ret = fo_scan_netdevs(ctx);
	if (ret == 0)
		ret = fo_scan_netvsc(ctx);
	if (ret == 0)
		ret = fo_scan_virtio(ctx);
	if (ret == 0) {
		/* Pair in a stable order so that ties resolve the same way. */
		fo_scan_sort(ctx->res);
		ret = fo_scan_pair_vfs(ctx);
	}
	if (ret == 0)
		ret = fo_scan_vf_candidates(ctx);
	if (ret == 0)
		ret = ctx->error;
	fo_scan_netdevs_free(ctx);
	if (ret == 0) {
		fo_scan_sort(ctx->res);
		*result = ctx->res;
	} else {
		if (ret == -ENOMEM)
			set_error(err, err_size, "%s: %s", opts->root ?
				opts->root : "/sys", strerror(ENOMEM));
		fo_scan_result_free(ctx->res);
	}
	free(ctx);
	return ret;
}

void
fo_scan_result_free(struct fo_scan_result *result)
{
	size_t i;

	if (result == NULL)
		return;
	for (i = 0; i < result->n_warnings; i++)
		free(result->warnings[i]);
	free(result->warnings);
	free(result->pairs);
	free(result->vf_candidates);
	free(result->ignored);
	free(result);
}

const struct fo_scan_pair *
fo_scan_find_pair_by_mac(const struct fo_scan_result *result,
		const uint8_t mac[FO_SCAN_MAC_LEN])
{
	size_t i;

	if (result == NULL || mac == NULL)
		return NULL;
	for (i = 0; i < result->n_pairs; i++) {
		const struct fo_scan_pair *p = &result->pairs[i];

		if ((p->mac_known &&
				memcmp(p->mac, mac, FO_SCAN_MAC_LEN) == 0) ||
				(p->has_vf && p->vf.mac_known &&
				 memcmp(p->vf.mac, mac, FO_SCAN_MAC_LEN) == 0))
			return p;
	}
	return NULL;
}

const char *
fo_scan_kind_name(enum fo_scan_kind kind)
{
	return kind == FO_SCAN_KIND_VIRTIO ? "virtio" : "netvsc";
}
