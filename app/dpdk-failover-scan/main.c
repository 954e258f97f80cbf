/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/*
 * dpdk-failover-scan: list the synthetic/VF pairs net_failover would drive
 * on this machine (or in any sysfs-like tree) and how it would open each side.
 */

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fo_scan.h>

#define EXIT_USAGE 2

static const char *prog = "dpdk-failover-scan";

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [--sysfs DIR] [--exception MODE] [--json]\n"
		"List the synthetic NIC / SR-IOV VF pairs that net_failover would\n"
		"drive, and how it would open each side.\n"
		"\n"
		"  -s, --sysfs DIR  scan DIR instead of /sys\n"
		"  -x, --exception MODE\n"
		"                   plan a kernel-held synthetic NIC as the devarg\n"
		"                   exception=MODE would: auto (default; TAP on virtio_net), af_xdp, tap\n"
		"  -j, --json       print one JSON object instead of a table\n"
		"  -h, --help       show this help\n", prog);
}

static void
print_side(const char *what, const struct fo_scan_open_plan *plan)
{
	if (plan->method == FO_SCAN_OPEN_NONE)
		printf("    %-9s -            %s\n", what, plan->reason);
	else
		printf("    %-9s %-12s %s%s%s: %s\n", what,
			fo_scan_open_method_name(plan->method),
			plan->driver, plan->driver[0] ? " " : "",
			plan->devargs, plan->reason);
}

static void
print_table(const struct fo_scan_result *res, const char *root,
	enum fo_scan_exception exc)
{
	struct fo_scan_open_plan plan;
	size_t i;

	if (res->n_pairs == 0)
		printf("no failover pairs in %s\n", root);
	for (i = 0; i < res->n_pairs; i++) {
		const struct fo_scan_pair *p = &res->pairs[i];
		char mac[FO_SCAN_MAC_STR_SIZE] = "?";

		if (p->mac_known)
			fo_scan_format_mac(p->mac, mac);
		printf("%-6s %-17s %s (%s %s%s%s) <-> ",
			fo_scan_kind_name(p->kind), mac,
			p->synthetic.iface[0] ? p->synthetic.iface : "-",
			p->synthetic.bus, p->synthetic.id,
			p->synthetic.master[0] ? ", master " : "",
			p->synthetic.master);
		if (p->has_vf) {
			printf("%s (%s, %s", p->vf.iface[0] ? p->vf.iface : "-",
				p->vf.pci, p->vf.driver[0] ? p->vf.driver : "no driver");
			if (p->vf.serial >= 0)
				printf(", serial %lld", (long long)p->vf.serial);
			printf(")\n");
		} else {
			printf("no VF\n");
		}
		fo_scan_plan_synthetic(p, &plan);
		fo_scan_plan_exception(p, exc, &plan);
		print_side("synthetic", &plan);
		fo_scan_plan_vf(p->has_vf ? &p->vf : NULL, &plan);
		print_side("vf", &plan);
	}
	for (i = 0; i < res->n_vf_candidates; i++) {
		const struct fo_scan_vf *vf = &res->vf_candidates[i];

		fo_scan_plan_vf(vf, &plan);
		printf("vf candidate %s (%s", vf->pci, vf->driver);
		if (vf->serial >= 0)
			printf(", serial %lld", (long long)vf->serial);
		printf("): no netdev, paired by the MAC of the probed port\n");
		print_side("vf", &plan);
	}
	for (i = 0; i < res->n_ignored; i++)
		printf("ignored %s: %s\n", res->ignored[i].iface,
			res->ignored[i].reason);
}

int
main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "sysfs", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "exception", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fo_scan_options opts = { .root = "/sys" };
	struct fo_scan_result *res;
	char err[512] = "";
	enum fo_scan_exception exc = FO_SCAN_EXC_AUTO;
	bool json = false;
	size_t i;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "s:jx:h", long_options, NULL)) != -1) {
		switch (opt) {
		case 's':
			opts.root = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'x':
			ret = fo_scan_exception_parse(optarg);
			if (ret < 0) {
				fprintf(stderr, "%s: --exception is auto, af_xdp or tap, not '%s'\n",
					prog, optarg);
				return EXIT_USAGE;
			}
			exc = (enum fo_scan_exception)ret;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	/* Only the live /sys has netdevs rtnetlink can be asked about. */
	opts.perm_addr = fo_scan_netlink_perm_addr;

	ret = fo_scan_run(&opts, &res, err, sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "%s: %s\n", prog,
			err[0] ? err : "scan failed");
		return EXIT_FAILURE;
	}
	for (i = 0; i < res->n_warnings; i++)
		fprintf(stderr, "%s: warning: %s\n", prog, res->warnings[i]);
	if (json)
		ret = fo_scan_write_json(res, stdout);
	else
		print_table(res, opts.root, exc);
	if (fflush(stdout) != 0 || ferror(stdout))
		ret = -1;
	fo_scan_result_free(res);
	if (ret != 0) {
		fprintf(stderr, "%s: cannot write the output\n", prog);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
