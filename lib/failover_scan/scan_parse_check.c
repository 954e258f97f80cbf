/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/*
 * One entry point that runs every attribute parser on the same bytes and
 * checks what a successful parse promises (round trips, output alphabet).
 * Shared by the libFuzzer target and the gcc-built corpus driver.
 */

#include <errno.h>
#include <string.h>

#include "fo_scan.h"

static int
check_mac(const char *s, size_t len)
{
	uint8_t mac[FO_SCAN_MAC_LEN], again[FO_SCAN_MAC_LEN];
	char text[FO_SCAN_MAC_STR_SIZE];

	if (fo_scan_parse_mac(s, len, mac) != 0)
		return 0;
	fo_scan_format_mac(mac, text);
	if (fo_scan_parse_mac(text, strlen(text), again) != 0 ||
			memcmp(mac, again, sizeof(mac)) != 0)
		return -1;
	return 0;
}

static int
check_features(const char *s, size_t len)
{
	bool standby = false;

	if (fo_scan_parse_features(s, len, &standby) != 0)
		return 0;
	/* Success implies the string reached bit 62 and it is a '1'. */
	if (standby != (s[FO_SCAN_VIRTIO_NET_F_STANDBY] == '1'))
		return -1;
	return 0;
}

static int
check_guid(const char *s, size_t len)
{
	char guid[FO_SCAN_GUID_STR_SIZE], again[FO_SCAN_GUID_STR_SIZE];
	size_t i;

	if (fo_scan_parse_guid(s, len, guid) != 0)
		return 0;
	if (strlen(guid) != FO_SCAN_GUID_STR_SIZE - 1)
		return -1;
	for (i = 0; guid[i] != '\0'; i++)
		if (strchr("0123456789abcdef-", guid[i]) == NULL)
			return -1;
	if (fo_scan_parse_guid(guid, strlen(guid), again) != 0 ||
			strcmp(guid, again) != 0)
		return -1;
	return 0;
}

/* Field by field: the struct has padding that memcmp() would read. */
static bool
same_pci(const struct fo_scan_pci_addr *a, const struct fo_scan_pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev &&
		a->func == b->func;
}

static int
check_pci(const char *s, size_t len)
{
	struct fo_scan_pci_addr addr, again;
	char text[FO_SCAN_PCI_STR_SIZE];

	if (fo_scan_parse_pci_addr(s, len, &addr) == 0) {
		fo_scan_format_pci_addr(&addr, text);
		if (fo_scan_parse_pci_addr(text, strlen(text), &again) != 0 ||
				!same_pci(&addr, &again))
			return -1;
	}
	if (fo_scan_parse_slot_addr(s, len, &addr) == 0) {
		fo_scan_format_pci_addr(&addr, text);
		/* Formatting a slot gives ".0"; dropping it must reparse. */
		text[strlen(text) - 2] = '\0';
		if (fo_scan_parse_slot_addr(text, strlen(text), &again) != 0 ||
				!same_pci(&addr, &again))
			return -1;
	}
	return 0;
}

static int
check_uint_and_uevent(const char *s, size_t len)
{
	static const char *const keys[] = { "DRIVER", "PCI_SLOT_NAME",
		"INTERFACE", "MODALIAS", "X" };
	char value[64];
	uint64_t v;
	size_t i;

	(void)fo_scan_parse_uint(s, len, &v);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int ret = fo_scan_parse_uevent(s, len, keys[i], value,
				sizeof(value));

		if (ret == 0 && (strlen(value) >= sizeof(value) ||
				strchr(value, '\n') != NULL))
			return -1;
		if (ret != 0 && ret != -ENOENT && ret != -EINVAL)
			return -1;
	}
	return 0;
}

int
fo_scan_parsers_selftest_input(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	if (data == NULL && size != 0)
		return -EINVAL;
	if (check_mac(s, size) != 0 || check_features(s, size) != 0 ||
			check_guid(s, size) != 0 || check_pci(s, size) != 0 ||
			check_uint_and_uevent(s, size) != 0)
		return -1;
	return 0;
}
