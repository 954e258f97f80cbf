/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * libFuzzer target of the devargs parser (test/fuzz.sh): whatever the
 * string, the parser either fails with a message or returns arguments that
 * keep its promises. Any broken promise aborts.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "failover_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_terminated(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

static void
check_sub(const char *devargs)
{
	char name[FO_DEVARGS_MAX];

	check_terminated(devargs, FO_DEVARGS_MAX);
	if (devargs[0] == '\0')
		return;
	fo_args_devname(devargs, name, sizeof(name));
	if (name[0] == '\0' || strncasecmp(name, "net_failover", 12) == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char str[2 * FO_DEVARGS_MAX];
	char err[FO_ERR_MAX];
	struct fo_args a;
	size_t n = size < sizeof(str) - 1 ? size : sizeof(str) - 1;

	memcpy(str, data, n);
	str[n] = '\0';
	memset(err, 'x', sizeof(err));
	if (fo_args_parse(str, &a, err, sizeof(err)) < 0) {
		/* One line that names the problem. */
		check_terminated(err, sizeof(err));
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort();
		return 0;
	}
	check_sub(a.primary);
	check_sub(a.standby);
	check_terminated(a.sysfs, sizeof(a.sysfs));
	check_terminated(a.iface, sizeof(a.iface));
	if (a.standby_poll == 0 || a.poll_ms > 3600000 || a.quiesce_ms == 0 || a.quiesce_ms > 60000)
		abort();
	if (!fo_args_discover(&a) && (a.sysfs[0] != '\0' || a.iface[0] != '\0'))
		abort();
	if (a.primary[0] != '\0' && a.standby[0] != '\0') {
		char p[FO_DEVARGS_MAX], s[FO_DEVARGS_MAX];

		fo_args_devname(a.primary, p, sizeof(p));
		fo_args_devname(a.standby, s, sizeof(s));
		if (strcasecmp(p, s) == 0)
			abort();
	}
	return 0;
}
