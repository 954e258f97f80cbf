/* SPDX-License-Identifier: BSD-3-Clause */

/* Unit test of the devargs parser: no EAL. */

#include <string.h>

#include "failover_args.h"
#include "fo_check.h"

static int
parse(const char *s, struct fo_args *a, char *err)
{
	return fo_args_parse(s, a, err, FO_ERR_MAX);
}

static void
expect_error(const char *s, const char *fragment)
{
	struct fo_args a;
	char err[FO_ERR_MAX];

	CHECK(parse(s, &a, err) == -1, "\"%s\" should be rejected", s);
	CHECK(strstr(err, fragment) != NULL, "error for \"%s\" is \"%s\", expected \"%s\"", s,
	      err, fragment);
}

int
main(void)
{
	struct fo_args a;
	char err[FO_ERR_MAX];
	char name[64];
	char longval[FO_DEVARGS_MAX + 32];

	CHECK(parse("primary=(net_af_packet0,iface=vf0),standby=(net_tap0,iface=t0)", &a,
		    err) == 0, "%s", err);
	CHECK(strcmp(a.primary, "net_af_packet0,iface=vf0") == 0, "primary=%s", a.primary);
	CHECK(strcmp(a.standby, "net_tap0,iface=t0") == 0, "standby=%s", a.standby);
	CHECK(!a.has_mac && a.poll_ms == FO_POLL_MS_DEFAULT, "defaults");
	CHECK(!a.mbuf_port_sub, "mbuf->port is the failover port by default");
	CHECK(a.standby_poll == FO_STANDBY_POLL_DEFAULT && a.quiesce_ms == FO_QUIESCE_MS_DEFAULT,
	      "defaults");

	/* Parentheses are optional without commas; brackets group too. */
	CHECK(parse("primary=net_null0,standby=[net_ring0,nodeaction=r:0:CREATE]", &a, err) == 0,
	      "%s", err);
	CHECK(strcmp(a.primary, "net_null0") == 0, "primary=%s", a.primary);
	CHECK(strcmp(a.standby, "net_ring0,nodeaction=r:0:CREATE") == 0, "standby=%s",
	      a.standby);

	/* Nested groups stay inside the value. */
	CHECK(parse("primary=(net_x0,a=(b,c),d=[e,f])", &a, err) == 0, "%s", err);
	CHECK(strcmp(a.primary, "net_x0,a=(b,c),d=[e,f]") == 0, "primary=%s", a.primary);
	/* "(a)(b)" is not one group: kept whole. */
	CHECK(parse("primary=(net_a0)(x)", &a, err) == 0, "%s", err);
	CHECK(strcmp(a.primary, "(net_a0)(x)") == 0, "primary=%s", a.primary);

	CHECK(parse("standby=net_tap0,mac=00:0D:3a:03:16:46,poll_ms=0,standby_poll=4,quiesce_ms=7",
		    &a, err) == 0, "%s", err);
	CHECK(a.has_mac && a.mac[1] == 0x0d && a.mac[5] == 0x46, "mac");
	CHECK(a.poll_ms == 0 && a.standby_poll == 4 && a.quiesce_ms == 7, "numbers");
	CHECK(a.primary[0] == '\0', "no primary");
	CHECK(parse("standby=net_tap0,mbuf_port=sub", &a, err) == 0 && a.mbuf_port_sub, "%s", err);
	CHECK(parse("standby=net_tap0,mbuf_port=failover", &a, err) == 0 && !a.mbuf_port_sub,
	      "%s", err);
	CHECK(parse("standby=net_tap0,grace=fence", &a, err) == 0 && a.grace == FO_GRACE_FENCE,
	      "%s", err);
	CHECK(parse("standby=net_tap0,grace=auto", &a, err) == 0 && a.grace == FO_GRACE_AUTO,
	      "%s", err);
	CHECK(parse("", &a, err) == 0 && a.primary[0] == '\0', "empty devargs parse");
	CHECK(parse(NULL, &a, err) == 0, "NULL devargs parse");

	expect_error("primary=(net_null0", "unbalanced");
	expect_error("primary=net_null0)", "unbalanced");
	expect_error("primary=(net_null0]", "unbalanced");
	expect_error("primary=[net_null0,a=(b]", "unbalanced");
	expect_error("primry=net_null0", "unknown key 'primry'");
	expect_error("primary=net_null0,primary=net_null1", "given twice");
	expect_error("primary=net_failover1", "failover inside a failover");
	expect_error("standby=(NET_FAILOVER2,primary=net_null0)", "failover inside a failover");
	expect_error("primary=net_null0,standby=(net_null0,size=64)", "same device (net_null0)");
	expect_error("primary=", "empty value");
	expect_error("primary=()", "empty value");
	expect_error("primary=net_null0,", "trailing ','");
	expect_error("net_null0", "expected key=value");
	expect_error("mac=00:11:22:33:44", "MAC address");
	expect_error("mac=00:11:22:33:44:zz", "MAC address");
	expect_error("mac=00:11:22:33:44:55:66", "MAC address");
	expect_error("poll_ms=-1", "needs a number");
	expect_error("poll_ms=12ms", "from 0 to");
	expect_error("poll_ms=99999999999999999999", "from 0 to");
	expect_error("standby_poll=0", "at least 1");
	expect_error("quiesce_ms=0", "'quiesce_ms' must be at least 1");
	expect_error("announce=17", "'announce' needs a number from 0 to 16");
	expect_error("announce=on", "'announce' needs a number");
	CHECK(parse("", &a, err) == 0 && a.announce == FO_ANNOUNCE_DEFAULT, "announce=1 by default");
	CHECK(parse("announce=0", &a, err) == 0 && a.announce == 0, "%s", err);
	CHECK(parse("announce=16", &a, err) == 0 && a.announce == 16, "%s", err);
	expect_error("grace=membarrier", "'grace' is 'auto'");
	CHECK(parse("", &a, err) == 0 && a.exception == FO_EXC_AUTO && !a.keep_kernel,
	      "exception=auto and kernel_traffic=take by default");
	CHECK(parse("exception=af_xdp,kernel_traffic=keep", &a, err) == 0 &&
		      a.exception == FO_EXC_AF_XDP && a.keep_kernel,
	      "%s", err);
	CHECK(parse("iface=eth0,exception=tap,kernel_traffic=take", &a, err) == 0 &&
		      a.exception == FO_EXC_TAP && !a.keep_kernel,
	      "%s", err);
	expect_error("exception=xdp", "'exception' is 'auto' (AF_XDP, else TAP), 'af_xdp' or 'tap', got \"xdp\"");
	expect_error("kernel_traffic=pass", "'kernel_traffic' is 'take'");
	expect_error("standby=net_tap0,exception=tap", "not with primary or standby");
	expect_error("primary=net_null0,kernel_traffic=keep", "not with primary or standby");
	expect_error("exception=tap,kernel_traffic=keep", "needs the AF_XDP path");
	expect_error("prim\nary=x", "unknown key 'prim?ary'");
	expect_error("mbuf_port=vf", "'mbuf_port' is 'failover' or 'sub', got \"vf\"");
	expect_error("primary=(,iface=x)", "no device name");
	expect_error("primary=net_null0,iface=eth0", "not with primary or standby");
	expect_error("standby=net_null0,sysfs=/tmp/x", "not with primary or standby");
	expect_error("iface=averyveryverylongname", "needs an interface name");
	expect_error("iface=a/b", "needs an interface name");

	/* Discovery: no sub-device, optional root, pair selectors. */
	CHECK(parse("sysfs=/tmp/tree,iface=eth0,mac=00:0d:3a:00:00:01", &a, err) == 0, "%s", err);
	CHECK(fo_args_discover(&a) && strcmp(a.sysfs, "/tmp/tree") == 0 &&
	      strcmp(a.iface, "eth0") == 0 && a.has_mac, "discovery args");
	CHECK(parse("", &a, err) == 0 && fo_args_discover(&a) && a.sysfs[0] == '\0', "bare");

	memset(longval, 'a', sizeof(longval) - 1);
	memcpy(longval, "primary=", 8);
	longval[sizeof(longval) - 1] = '\0';
	expect_error(longval, "longer than");

	fo_args_devname("net_tap0,iface=x", name, sizeof(name));
	CHECK(strcmp(name, "net_tap0") == 0, "devname %s", name);
	fo_args_devname("0000:00:02.0", name, sizeof(name));
	CHECK(strcmp(name, "0000:00:02.0") == 0, "devname %s", name);
	fo_args_devname("abcdef", name, 4);
	CHECK(strcmp(name, "abc") == 0, "truncated devname %s", name);
	CHECK_DONE();
}
