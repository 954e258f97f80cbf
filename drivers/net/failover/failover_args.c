/* SPDX-License-Identifier: BSD-3-Clause */

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "failover_args.h"

#define FO_DRIVER_PREFIX "net_failover"
#define FO_DIM(a) (sizeof(a) / sizeof((a)[0]))

static int
fo_args_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	char *c;

	if (errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* The message quotes the devargs: keep it one printable line. */
	for (c = err; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return -1;
}

static int
fo_args_close_of(char open)
{
	return open == '(' ? ')' : open == '[' ? ']' : 0;
}

/*
 * Length of the value starting at s: up to the first comma outside any
 * parentheses or brackets. Returns -1 on unbalanced grouping.
 */
static int
fo_args_value_len(const char *s, char *err, size_t errlen)
{
	char stack[32];
	int depth = 0;
	int i;

	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (c == '(' || c == '[') {
			if (depth == (int)sizeof(stack))
				return fo_args_error(err, errlen,
					"devargs nested more than %zu levels deep", sizeof(stack));
			stack[depth++] = (char)fo_args_close_of(c);
		} else if (c == ')' || c == ']') {
			if (depth == 0 || stack[depth - 1] != c)
				return fo_args_error(err, errlen,
					"unbalanced '%c' at \"%.40s\"", c, s + i);
			depth--;
		} else if (c == ',' && depth == 0) {
			break;
		}
	}
	if (depth != 0)
		return fo_args_error(err, errlen, "unbalanced '%c': missing '%c' in \"%.60s\"",
			stack[depth - 1] == ')' ? '(' : '[', stack[depth - 1], s);
	return i;
}

/* Index of the character closing the group opened at s[0], or -1. */
static int
fo_args_group_end(const char *s, int len)
{
	int depth = 0;
	int i;

	for (i = 0; i < len; i++) {
		if (s[i] == '(' || s[i] == '[')
			depth++;
		else if ((s[i] == ')' || s[i] == ']') && --depth == 0)
			return i;
	}
	return -1;
}

/* Copy a value, dropping one pair of parentheses or brackets around all of it. */
static int
fo_args_copy_value(const char *key, const char *v, int len, char *dst, size_t dstlen,
		   char *err, size_t errlen)
{
	if (len >= 2 && fo_args_close_of(v[0]) != 0 && fo_args_group_end(v, len) == len - 1) {
		v++;
		len -= 2;
	}
	if (len == 0)
		return fo_args_error(err, errlen, "empty value for '%s'", key);
	if ((size_t)len >= dstlen)
		return fo_args_error(err, errlen, "value of '%s' longer than %zu characters",
			key, dstlen - 1);
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

static int
fo_args_parse_uint(const char *key, const char *v, unsigned int max, unsigned int *out,
		   char *err, size_t errlen)
{
	unsigned long n;
	char *end;

	if (!isdigit((unsigned char)v[0]))
		return fo_args_error(err, errlen, "'%s' needs a number, got \"%s\"", key, v);
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n > max)
		return fo_args_error(err, errlen, "'%s' needs a number from 0 to %u, got \"%s\"",
			key, max, v);
	*out = (unsigned int)n;
	return 0;
}

static int
fo_args_parse_mac(const char *v, uint8_t mac[6], char *err, size_t errlen)
{
	unsigned int b[6];
	char tail;
	int i;

	if (strlen(v) != 17 ||
	    sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return fo_args_error(err, errlen,
			"'mac' needs a MAC address like 00:0d:3a:03:16:46, got \"%s\"", v);
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)v[i * 3]) || !isxdigit((unsigned char)v[i * 3 + 1]))
			return fo_args_error(err, errlen, "'mac' has a bad byte in \"%s\"", v);
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

void
fo_args_devname(const char *devargs, char *name, size_t len)
{
	size_t n = strcspn(devargs, ",");

	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(name, devargs, n);
	name[n] = '\0';
}

static int
fo_args_check_sub(const char *key, const char *devargs, char *err, size_t errlen)
{
	char name[FO_DEVARGS_MAX];

	fo_args_devname(devargs, name, sizeof(name));
	if (name[0] == '\0')
		return fo_args_error(err, errlen, "'%s' has no device name in \"%s\"", key,
			devargs);
	if (strncasecmp(name, FO_DRIVER_PREFIX, strlen(FO_DRIVER_PREFIX)) == 0)
		return fo_args_error(err, errlen,
			"'%s' is a failover device (%s): a failover inside a failover is not supported",
			key, name);
	return 0;
}

int
fo_args_parse(const char *str, struct fo_args *args, char *err, size_t errlen)
{
	static const char *const keys[] = {"primary", "standby", "mac", "poll_ms",
		"standby_poll", "quiesce_ms", "sysfs", "iface", "mbuf_port", "grace", "exception",
		"kernel_traffic", "announce"};
	char value[FO_DEVARGS_MAX];
	char seen[FO_DIM(keys)] = {0};
	const char *p = str != NULL ? str : "";

	memset(args, 0, sizeof(*args));
	args->poll_ms = FO_POLL_MS_DEFAULT;
	args->standby_poll = FO_STANDBY_POLL_DEFAULT;
	args->quiesce_ms = FO_QUIESCE_MS_DEFAULT;
	args->announce = FO_ANNOUNCE_DEFAULT;
	if (errlen > 0)
		err[0] = '\0';

	while (*p != '\0') {
		const char *eq = p + strcspn(p, "=,()[]");
		size_t klen = (size_t)(eq - p);
		unsigned int k;
		int vlen;

		if (*eq != '=')
			return fo_args_error(err, errlen, "expected key=value at \"%.40s\"", p);
		for (k = 0; k < FO_DIM(keys); k++)
			if (strlen(keys[k]) == klen && strncmp(p, keys[k], klen) == 0)
				break;
		if (k == FO_DIM(keys))
			return fo_args_error(err, errlen,
				"unknown key '%.*s' (known: primary, standby, mac, poll_ms, standby_poll, quiesce_ms, sysfs, iface, mbuf_port, grace, exception, kernel_traffic, announce)",
				(int)klen, p);
		if (seen[k]++)
			return fo_args_error(err, errlen, "key '%s' given twice", keys[k]);

		vlen = fo_args_value_len(eq + 1, err, errlen);
		if (vlen < 0)
			return -1;
		if (fo_args_copy_value(keys[k], eq + 1, vlen, value, sizeof(value), err,
				       errlen) < 0)
			return -1;

		switch (k) {
		case 0:
		case 1:
			if (fo_args_check_sub(keys[k], value, err, errlen) < 0)
				return -1;
			strcpy(k == 0 ? args->primary : args->standby, value);
			break;
		case 2:
			if (fo_args_parse_mac(value, args->mac, err, errlen) < 0)
				return -1;
			args->has_mac = true;
			break;
		case 3:
			if (fo_args_parse_uint(keys[k], value, 3600000, &args->poll_ms, err,
					       errlen) < 0)
				return -1;
			break;
		case 4:
			if (fo_args_parse_uint(keys[k], value, 1u << 20, &args->standby_poll, err,
					       errlen) < 0)
				return -1;
			if (args->standby_poll == 0)
				return fo_args_error(err, errlen, "'standby_poll' must be at least 1");
			break;
		case 5:
			if (fo_args_parse_uint(keys[k], value, 60000, &args->quiesce_ms, err,
					       errlen) < 0)
				return -1;
			/* A grace period that ends at once would close under a burst. */
			if (args->quiesce_ms == 0)
				return fo_args_error(err, errlen,
					"'quiesce_ms' must be at least 1 (the longest wait for bursts to leave a sub-device)");
			break;
		case 6:
			strcpy(args->sysfs, value);
			break;
		case 7:
			if (strlen(value) >= sizeof(args->iface) || strpbrk(value, "/ \t") != NULL)
				return fo_args_error(err, errlen,
					"'iface' needs an interface name (at most %zu characters, no '/' or blanks), got \"%s\"",
					sizeof(args->iface) - 1, value);
			strcpy(args->iface, value);
			break;
		case 8:
			if (strcmp(value, "failover") != 0 && strcmp(value, "sub") != 0)
				return fo_args_error(err, errlen,
					"'mbuf_port' is 'failover' or 'sub', got \"%s\"", value);
			args->mbuf_port_sub = strcmp(value, "sub") == 0;
			break;
		case 9:
			if (strcmp(value, "auto") != 0 && strcmp(value, "fence") != 0)
				return fo_args_error(err, errlen,
					"'grace' is 'auto' (membarrier where the kernel has it) or 'fence', got \"%s\"",
					value);
			args->grace = strcmp(value, "fence") == 0 ? FO_GRACE_FENCE : FO_GRACE_AUTO;
			break;
		case 10:
			if (strcmp(value, "auto") == 0)
				args->exception = FO_EXC_AUTO;
			else if (strcmp(value, "af_xdp") == 0)
				args->exception = FO_EXC_AF_XDP;
			else if (strcmp(value, "tap") == 0)
				args->exception = FO_EXC_TAP;
			else
				return fo_args_error(err, errlen,
					"'exception' is 'auto' (AF_XDP, else TAP), 'af_xdp' or 'tap', got \"%s\"",
					value);
			break;
		case 11:
			if (strcmp(value, "take") != 0 && strcmp(value, "keep") != 0)
				return fo_args_error(err, errlen,
					"'kernel_traffic' is 'take' (every frame to the port) or 'keep' (ARP, neighbour discovery and the netdev's own addresses stay with the kernel), got \"%s\"",
					value);
			args->keep_kernel = strcmp(value, "keep") == 0;
			break;
		case 12:
			if (fo_args_parse_uint(keys[k], value, FO_ANNOUNCE_MAX, &args->announce, err,
					       errlen) < 0)
				return -1;
			break;
		}

		p = eq + 1 + vlen;
		if (*p == ',') {
			p++;
			if (*p == '\0')
				return fo_args_error(err, errlen, "trailing ',' in devargs");
		}
	}

	if (!fo_args_discover(args) && (args->sysfs[0] != '\0' || args->iface[0] != '\0'))
		return fo_args_error(err, errlen,
			"'sysfs' and 'iface' select a discovered pair: not with primary or standby");
	if (!fo_args_discover(args) && (seen[10] || seen[11]))
		return fo_args_error(err, errlen,
			"'exception' and 'kernel_traffic' choose how a discovered synthetic NIC is opened: not with primary or standby");
	if (args->keep_kernel && args->exception == FO_EXC_TAP)
		return fo_args_error(err, errlen,
			"'kernel_traffic=keep' needs the AF_XDP path: not with exception=tap");
	if (args->primary[0] != '\0' && args->standby[0] != '\0') {
		char a[FO_DEVARGS_MAX], b[FO_DEVARGS_MAX];

		fo_args_devname(args->primary, a, sizeof(a));
		fo_args_devname(args->standby, b, sizeof(b));
		if (strcasecmp(a, b) == 0)
			return fo_args_error(err, errlen,
				"primary and standby are the same device (%s)", a);
	}
	return 0;
}
