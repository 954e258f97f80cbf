/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Unit test of the kernel carrier read from sysfs counters
 * (failover_carrier.c), over a tree made here.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "failover_carrier.h"
#include "fo_check.h"

static char root[] = "/tmp/fo-carrier.XXXXXX";

static void
put(const char *ifname, const char *which, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, ifname);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/carrier_%s_count", root, ifname, which);
	f = fopen(path, "w");
	CHECK(f != NULL, "%s", path);
	fputs(text, f);
	fclose(f);
}

/* The "carrier" file, as the kernel shows it while the netdev runs. */
static void
put_file(const char *ifname, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, ifname);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/carrier", root, ifname);
	f = fopen(path, "w");
	CHECK(f != NULL, "%s", path);
	fputs(text, f);
	fclose(f);
}

static int
carrier(const char *ifname, bool *on)
{
	*on = false;
	return fo_carrier_kernel(root, ifname, on);
}

static void
cleanup(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
}

int
main(void)
{
	bool on;

	CHECK(mkdtemp(root) != NULL);
	atexit(cleanup);

	/* Never changed: on (a netdev starts with its carrier on). */
	put("fresh", "up", "0\n");
	put("fresh", "down", "0\n");
	CHECK(carrier("fresh", &on) == 0 && on);

	/* Off in probe, not on yet (a returning e1000e training its link). */
	put("training", "up", "0\n");
	put("training", "down", "1\n");
	CHECK(carrier("training", &on) == 0 && !on);

	/* Off then on: on; and after many flaps. */
	put("trained", "up", "1\n");
	put("trained", "down", "1\n");
	CHECK(carrier("trained", &on) == 0 && on);
	put("flaps", "up", "41\n");
	put("flaps", "down", "42");
	CHECK(carrier("flaps", &on) == 0 && !on);

	/* Unreadable: an error, the caller keeps what the netdev flags said. */
	CHECK(carrier("gone", &on) == -ENOENT);
	put("half", "down", "1\n");
	CHECK(carrier("half", &on) == -ENOENT);
	put("bad", "up", "x\n");
	put("bad", "down", "0\n");
	CHECK(carrier("bad", &on) == -EINVAL);
	put("empty", "up", "");
	put("empty", "down", "0\n");
	CHECK(carrier("empty", &on) == -EIO);
	put("trail", "up", "1 2\n");
	put("trail", "down", "0\n");
	CHECK(carrier("trail", &on) == -EINVAL);

	/*
	 * The carrier file, where there is one, says it: hv_netvsc registers
	 * its netdev with the carrier off, so after its first up and a loss
	 * the counters are 1/1 (on, by the rule above) while it is off.
	 */
	put("netvsc", "up", "1\n");
	put("netvsc", "down", "1\n");
	put_file("netvsc", "0\n");
	CHECK(carrier("netvsc", &on) == 0 && !on);
	put("netvsc_up", "up", "1\n");
	put("netvsc_up", "down", "2\n");
	put_file("netvsc_up", "1\n");
	CHECK(carrier("netvsc_up", &on) == 0 && on);
	put_file("badfile", "2\n");
	CHECK(carrier("badfile", &on) == -EINVAL);
	put_file("emptyfile", "");
	CHECK(carrier("emptyfile", &on) == -EIO);

	CHECK_DONE();
}
