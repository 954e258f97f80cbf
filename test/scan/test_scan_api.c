/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/*
 * The library API as the PMD uses it, over generated fixtures:
 * test_scan_api MANA_ROOT DPDK_BOUND_ROOT (made by gen_fixtures.py).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fo_scan.h>

#include "fo_check.h"


static int
perm_addr_must_not_run(const char *ifname, uint8_t mac[FO_SCAN_MAC_LEN],
		void *arg)
{
	/* Only the live /sys has netdevs behind it. */
	fprintf(stderr, "permanent-address hook called for %s\n", ifname);
	abort();
}

static void
test_mana(const char *root)
{
	static const uint8_t mac1[] = { 0x00, 0x22, 0x48, 0x00, 0x00, 0x02 };
	static const uint8_t none[] = { 0x02, 0, 0, 0, 0, 0x99 };
	struct fo_scan_options opts = {
		.root = root,
		.perm_addr = perm_addr_must_not_run,
	};
	const struct fo_scan_pair *p;
	struct fo_scan_open_plan plan;
	struct fo_scan_result *res;

	CHECK(fo_scan_run(&opts, &res, NULL, 0) == 0);
	if (res == NULL)
		return;
	CHECK(res->n_pairs == 2 && res->n_warnings == 0);
	p = fo_scan_find_pair_by_mac(res, mac1);
	CHECK(p != NULL && strcmp(p->synthetic.iface, "eth1") == 0);
	CHECK(p != NULL && p->has_vf && p->vf.dev_port == 1 &&
		strcmp(p->vf.iface, "enP30832s1d1") == 0 && p->vf.serial == 5);
	CHECK(fo_scan_find_pair_by_mac(res, none) == NULL);
	if (p != NULL) {
		/* mana is not in the list DPDK opens by PCI address. */
		fo_scan_plan_vf(&p->vf, &plan);
		CHECK(plan.method == FO_SCAN_OPEN_AF_PACKET);
		CHECK(strcmp(plan.devargs, "iface=enP30832s1d1") == 0);
		fo_scan_plan_synthetic(p, &plan);
		CHECK(plan.method == FO_SCAN_OPEN_TAP);
	}
	fo_scan_result_free(res);
}

static void
test_dpdk_bound(const char *root)
{
	struct fo_scan_options opts = { .root = root };
	struct fo_scan_open_plan plan;
	struct fo_scan_result *res;

	CHECK(fo_scan_run(&opts, &res, NULL, 0) == 0);
	if (res == NULL)
		return;
	CHECK(res->n_pairs == 2 && res->n_vf_candidates == 2);
	if (res->n_pairs == 2) {
		/* Sorted: the named netvsc first, the uio-bound one last. */
		CHECK(strcmp(res->pairs[0].synthetic.iface, "eth0") == 0);
		CHECK(!res->pairs[1].mac_known);
		fo_scan_plan_synthetic(&res->pairs[1], &plan);
		CHECK(plan.method == FO_SCAN_OPEN_NETVSC);
		CHECK(strcmp(plan.devargs, res->pairs[1].synthetic.id) == 0);
	}
	if (res->n_vf_candidates > 0) {
		fo_scan_plan_vf(&res->vf_candidates[0], &plan);
		CHECK(plan.method == FO_SCAN_OPEN_PCI);
		CHECK(strcmp(plan.devargs, "1b2c:00:02.0") == 0);
	}
	fo_scan_result_free(res);
}

static void
test_errors(void)
{
	struct fo_scan_options opts = { .root = "/nonexistent/sysfs" };
	struct fo_scan_result *res = (struct fo_scan_result *)&opts;
	char err[128] = "";

	CHECK(fo_scan_run(&opts, &res, err, sizeof(err)) == -ENOENT);
	CHECK(res == NULL);
	CHECK(strstr(err, "/nonexistent/sysfs") != NULL);
	CHECK(fo_scan_run(&opts, NULL, NULL, 0) == -EINVAL);
	fo_scan_result_free(NULL);
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s MANA_ROOT DPDK_BOUND_ROOT\n", argv[0]);
		return 2;
	}
	test_mana(argv[1]);
	test_dpdk_bound(argv[2]);
	test_errors();
	CHECK_DONE();
}
