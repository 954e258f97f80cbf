/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/* Unit tests of the attribute parsers and the open-method decision. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <fo_scan.h>

#include "fo_check.h"


/* Parse a C string (length from strlen, so no NUL bytes inside). */
#define S(str) (str), strlen(str)

static void
test_mac(void)
{
	static const uint8_t want[] = { 0x00, 0x0d, 0x3a, 0x03, 0x16, 0x46 };
	static const char *const bad[] = {
		"", "\n", "00:0d:3a:03:16", "00:0d:3a:03:16:4", "00:0d:3a:03:16:466",
		"00-0d-3a-03-16-46", "0:0d:3a:03:16:46:", "g0:0d:3a:03:16:46",
		"00:0d:3a:03:16:46\n\n", " 00:0d:3a:03:16:46", "00:0d:3a:03:16:46 ",
		"00:00:01:49:fe:80:00:00:00:00:00:00:00:15:5d:ff:fd:33:ff:8d",
		"zz:zz:zz",
	};
	char text[FO_SCAN_MAC_STR_SIZE];
	uint8_t mac[FO_SCAN_MAC_LEN];
	size_t i;

	CHECK(fo_scan_parse_mac(S("00:0d:3a:03:16:46\n"), mac) == 0);
	CHECK(memcmp(mac, want, sizeof(want)) == 0);
	CHECK(fo_scan_parse_mac(S("00:0D:3A:03:16:46"), mac) == 0);
	CHECK(memcmp(mac, want, sizeof(want)) == 0);
	fo_scan_format_mac(mac, text);
	CHECK(strcmp(text, "00:0d:3a:03:16:46") == 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(fo_scan_parse_mac(S(bad[i]), mac) == -EINVAL);
	/* An embedded NUL is not a hex digit. */
	CHECK(fo_scan_parse_mac("00:0d:3a\0003:16:46", 17, mac) == -EINVAL);
	CHECK(fo_scan_parse_mac(NULL, 0, mac) == -EINVAL);
}

static void
test_features(void)
{
	char s[140];
	bool standby = true;

	memset(s, '0', 128);
	s[128] = '\n';
	CHECK(fo_scan_parse_features(s, 129, &standby) == 0 && !standby);
	s[62] = '1';
	CHECK(fo_scan_parse_features(s, 129, &standby) == 0 && standby);
	CHECK(fo_scan_parse_features(s, 128, &standby) == 0 && standby);
	CHECK(fo_scan_parse_features(s, 64, &standby) == 0 && standby);
	s[62] = '0';
	s[63] = '1';	/* the neighbours must not count */
	s[61] = '1';
	CHECK(fo_scan_parse_features(s, 64, &standby) == 0 && !standby);
	/* Lengths other than 64 and 128 bits. */
	CHECK(fo_scan_parse_features(s, 63, &standby) == -EINVAL);
	CHECK(fo_scan_parse_features(s, 65, &standby) == -EINVAL);
	CHECK(fo_scan_parse_features(s, 127, &standby) == -EINVAL);
	CHECK(fo_scan_parse_features(s, 0, &standby) == -EINVAL);
	CHECK(fo_scan_parse_features(S("0101\n"), &standby) == -EINVAL);
	s[10] = '2';
	CHECK(fo_scan_parse_features(s, 128, &standby) == -EINVAL);
	s[10] = ' ';
	CHECK(fo_scan_parse_features(s, 64, &standby) == -EINVAL);
}

static void
test_guid(void)
{
	char guid[FO_SCAN_GUID_STR_SIZE];

	CHECK(fo_scan_parse_guid(S("{f8615163-df3e-46c5-913f-f2d2f965ed0e}\n"),
		guid) == 0);
	CHECK(strcmp(guid, FO_SCAN_NETVSC_CLASS_ID) == 0);
	CHECK(fo_scan_parse_guid(S("F8615163-DF3E-46C5-913F-F2D2F965ED0E"),
		guid) == 0);
	CHECK(strcmp(guid, FO_SCAN_NETVSC_CLASS_ID) == 0);
	CHECK(fo_scan_parse_guid(S("{f8615163-df3e-46c5-913f-f2d2f965ed0e"),
		guid) == -EINVAL);
	CHECK(fo_scan_parse_guid(S("f8615163-df3e-46c5-913f-f2d2f965ed0e}"),
		guid) == -EINVAL);
	CHECK(fo_scan_parse_guid(S("(f8615163-df3e-46c5-913f-f2d2f965ed0e)"),
		guid) == -EINVAL);
	CHECK(fo_scan_parse_guid(S("f8615163df3e-46c5-913f-f2d2f965ed0e0"),
		guid) == -EINVAL);
	CHECK(fo_scan_parse_guid(S("f8615163-df3e-46c5-913f-f2d2f965ed0g"),
		guid) == -EINVAL);
	CHECK(fo_scan_parse_guid(S("vmbus_0_11"), guid) == -EINVAL);
	CHECK(fo_scan_parse_guid(S("hello\n"), guid) == -EINVAL);
	CHECK(fo_scan_parse_guid(S(""), guid) == -EINVAL);
	CHECK(fo_scan_parse_guid(S("{}"), guid) == -EINVAL);
}

static void
test_pci(void)
{
	struct fo_scan_pci_addr a;
	char text[FO_SCAN_PCI_STR_SIZE];

	CHECK(fo_scan_parse_slot_addr(S("2f81:00:02\n"), &a) == 0);
	CHECK(a.domain == 0x2f81 && a.bus == 0 && a.dev == 2 && a.func == 0);
	CHECK(fo_scan_parse_slot_addr(S("2f81:00:02.0"), &a) == -EINVAL);
	CHECK(fo_scan_parse_slot_addr(S("2f81:00"), &a) == -EINVAL);
	CHECK(fo_scan_parse_slot_addr(S("2f8:00:02"), &a) == -EINVAL);
	CHECK(fo_scan_parse_slot_addr(S("2f81:0:02"), &a) == -EINVAL);
	CHECK(fo_scan_parse_slot_addr(S("2f81:00:20"), &a) == -EINVAL);
	CHECK(fo_scan_parse_slot_addr(S("not-an-address\n"), &a) == -EINVAL);
	CHECK(fo_scan_parse_slot_addr(S(""), &a) == -EINVAL);
	CHECK(fo_scan_parse_slot_addr(S("123456789:00:02"), &a) == -EINVAL);

	CHECK(fo_scan_parse_pci_addr(S("cf63:00:02.0"), &a) == 0);
	CHECK(a.domain == 0xcf63 && a.dev == 2 && a.func == 0);
	CHECK(fo_scan_parse_pci_addr(S("10000:3b:1f.7"), &a) == 0);
	fo_scan_format_pci_addr(&a, text);
	CHECK(strcmp(text, "10000:3b:1f.7") == 0);
	CHECK(fo_scan_parse_pci_addr(S("0000:00:02.8"), &a) == -EINVAL);
	CHECK(fo_scan_parse_pci_addr(S("0000:00:02"), &a) == -EINVAL);
	CHECK(fo_scan_parse_pci_addr(S("0000:00:02."), &a) == -EINVAL);
	CHECK(fo_scan_parse_pci_addr(S("pci0000:00"), &a) == -EINVAL);
	CHECK(fo_scan_parse_pci_addr(S(".0"), &a) == -EINVAL);
}

static void
test_uint_uevent(void)
{
	const char *uevent = "DRIVER=mlx5_core\nPCI_SLOT_NAME=cf63:00:02.0\nX=\n";
	char value[16];
	uint64_t v;

	CHECK(fo_scan_parse_uint(S("32\n"), &v) == 0 && v == 32);
	CHECK(fo_scan_parse_uint(S("0x0001\n"), &v) == 0 && v == 1);
	CHECK(fo_scan_parse_uint(S("abc"), &v) == -EINVAL);
	CHECK(fo_scan_parse_uint(S("0x"), &v) == -EINVAL);
	CHECK(fo_scan_parse_uint(S("-1"), &v) == -EINVAL);
	CHECK(fo_scan_parse_uint(S("99999999999999999999"), &v) == -EINVAL);
	CHECK(fo_scan_parse_uint(S(""), &v) == -EINVAL);

	CHECK(fo_scan_parse_uevent(S(uevent), "DRIVER", value,
		sizeof(value)) == 0 && strcmp(value, "mlx5_core") == 0);
	CHECK(fo_scan_parse_uevent(S(uevent), "X", value, sizeof(value)) == 0 &&
		value[0] == '\0');
	CHECK(fo_scan_parse_uevent(S(uevent), "DRIV", value,
		sizeof(value)) == -ENOENT);
	/* cf63:00:02.0 + NUL does not fit in 12 bytes. */
	CHECK(fo_scan_parse_uevent(S(uevent), "PCI_SLOT_NAME", value,
		12) == -EINVAL);
	CHECK(fo_scan_parse_uevent("A=1\0B=2", 7, "B", value,
		sizeof(value)) == -EINVAL);
	CHECK(fo_scan_parse_uevent(S(""), "A", value, sizeof(value)) == -ENOENT);
}

static void
test_plans(void)
{
	struct fo_scan_open_plan plan, other;
	struct fo_scan_pair pair;
	struct fo_scan_vf vf;

	memset(&vf, 0, sizeof(vf));
	strcpy(vf.iface, "enP53091s1np0");
	strcpy(vf.pci, "cf63:00:02.0");
	strcpy(vf.driver, "mlx5_core");
	fo_scan_plan_vf(&vf, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_PCI);
	CHECK(strcmp(plan.devargs, "cf63:00:02.0") == 0);
	strcpy(vf.driver, "iavf");
	fo_scan_plan_vf(&vf, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_AF_PACKET);
	CHECK(strcmp(plan.driver, "net_af_packet") == 0);
	CHECK(strcmp(plan.devargs, "iface=enP53091s1np0") == 0);
	strcpy(vf.driver, "vfio-pci");
	vf.iface[0] = '\0';
	fo_scan_plan_vf(&vf, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_PCI);
	fo_scan_plan_vf(NULL, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_NONE && plan.reason[0] != '\0');

	memset(&pair, 0, sizeof(pair));
	pair.kind = FO_SCAN_KIND_NETVSC;
	strcpy(pair.synthetic.id, "000d3a03-1646-000d-3a03-1646000d3a03");
	strcpy(pair.synthetic.driver, "uio_hv_generic");
	fo_scan_plan_synthetic(&pair, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_NETVSC);
	CHECK(strcmp(plan.devargs, pair.synthetic.id) == 0);
	strcpy(pair.synthetic.driver, "hv_netvsc");
	strcpy(pair.synthetic.iface, "eth0");
	fo_scan_plan_synthetic(&pair, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_TAP);
	CHECK(strcmp(plan.devargs, "eth0") == 0);
	fo_scan_plan_exception(&pair, FO_SCAN_EXC_TAP, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_TAP && strstr(plan.reason, "exception=tap") != NULL);
	other.method = FO_SCAN_OPEN_NETVSC; /* only a TAP plan changes */
	fo_scan_plan_exception(&pair, FO_SCAN_EXC_AUTO, &other);
	CHECK(other.method == FO_SCAN_OPEN_NETVSC);
	fo_scan_plan_synthetic(&pair, &plan);
	fo_scan_plan_exception(&pair, FO_SCAN_EXC_AUTO, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_AF_XDP && strcmp(plan.driver, "net_af_xdp") == 0);
	CHECK(strcmp(plan.devargs, "iface=eth0") == 0 && strstr(plan.reason, "else TAP") != NULL);
	fo_scan_plan_synthetic(&pair, &plan);
	fo_scan_plan_exception(&pair, FO_SCAN_EXC_AF_XDP, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_AF_XDP && strstr(plan.reason, "else TAP") == NULL);
	CHECK(fo_scan_exception_parse("auto") == FO_SCAN_EXC_AUTO);
	CHECK(fo_scan_exception_parse("af_xdp") == FO_SCAN_EXC_AF_XDP);
	CHECK(fo_scan_exception_parse("tap") == FO_SCAN_EXC_TAP);
	CHECK(fo_scan_exception_parse("xdp") == -1 && fo_scan_exception_parse("") == -1);
	CHECK(strcmp(fo_scan_open_method_name(FO_SCAN_OPEN_AF_XDP), "af_xdp") == 0);
	/* virtio_net held by the kernel: TAP unless AF_XDP is asked for. */
	pair.kind = FO_SCAN_KIND_VIRTIO;
	strcpy(pair.synthetic.driver, "virtio_net");
	fo_scan_plan_synthetic(&pair, &plan);
	fo_scan_plan_exception(&pair, FO_SCAN_EXC_AUTO, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_TAP && strcmp(plan.devargs, "eth0") == 0);
	CHECK(strstr(plan.reason, "AF_XDP crashed virtio_net guests") != NULL);
	fo_scan_plan_synthetic(&pair, &plan);
	fo_scan_plan_exception(&pair, FO_SCAN_EXC_AF_XDP, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_AF_XDP && strcmp(plan.devargs, "iface=eth0") == 0);
	fo_scan_plan_synthetic(&pair, &plan);
	fo_scan_plan_exception(&pair, FO_SCAN_EXC_TAP, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_TAP && strstr(plan.reason, "exception=tap") != NULL);
	strcpy(pair.synthetic.driver, "vfio-pci");
	strcpy(pair.synthetic.pci, "0000:01:00.0");
	fo_scan_plan_synthetic(&pair, &plan);
	CHECK(plan.method == FO_SCAN_OPEN_VIRTIO_PCI);
	CHECK(strcmp(plan.devargs, "0000:01:00.0") == 0);
	CHECK(strcmp(fo_scan_open_method_name(FO_SCAN_OPEN_TAP), "tap") == 0);
}

int
main(void)
{
	test_mac();
	test_features();
	test_guid();
	test_pci();
	test_uint_uevent();
	test_plans();
	CHECK_DONE();
}
