/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/* Parsers for sysfs attribute contents. Inputs are untrusted bytes. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fo_scan.h"

/* sysfs ends a value with one newline; anything else is part of the value. */
static size_t
strip_newline(const char *s, size_t len)
{
	if (len > 0 && s[len - 1] == '\n')
		len--;
	return len;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly n hex digits at s; returns the value or -1. */
static int64_t
parse_hex_digits(const char *s, size_t n)
{
	int64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int d = hex_value(s[i]);

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

int
fo_scan_parse_mac(const char *s, size_t len, uint8_t mac[FO_SCAN_MAC_LEN])
{
	size_t i;

	if (s == NULL)
		return -EINVAL;
	len = strip_newline(s, len);
	if (len != FO_SCAN_MAC_STR_SIZE - 1)
		return -EINVAL;
	for (i = 0; i < FO_SCAN_MAC_LEN; i++) {
		int64_t b = parse_hex_digits(s + i * 3, 2);

		if (b < 0)
			return -EINVAL;
		if (i < FO_SCAN_MAC_LEN - 1 && s[i * 3 + 2] != ':')
			return -EINVAL;
		mac[i] = (uint8_t)b;
	}
	return 0;
}

void
fo_scan_format_mac(const uint8_t mac[FO_SCAN_MAC_LEN],
		char out[FO_SCAN_MAC_STR_SIZE])
{
	snprintf(out, FO_SCAN_MAC_STR_SIZE, "%02x:%02x:%02x:%02x:%02x:%02x",
		mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int
fo_scan_parse_features(const char *s, size_t len, bool *standby)
{
	size_t i;

	if (s == NULL)
		return -EINVAL;
	len = strip_newline(s, len);
	/* 64 bits on older kernels, 128 since extended features appeared. */
	if (len != 64 && len != 128)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (s[i] != '0' && s[i] != '1')
			return -EINVAL;
	*standby = s[FO_SCAN_VIRTIO_NET_F_STANDBY] == '1';
	return 0;
}

int
fo_scan_parse_guid(const char *s, size_t len, char out[FO_SCAN_GUID_STR_SIZE])
{
	static const size_t group_len[] = { 8, 4, 4, 4, 12 };
	size_t pos = 0, g, i, o = 0;

	if (s == NULL)
		return -EINVAL;
	len = strip_newline(s, len);
	if (len == FO_SCAN_GUID_STR_SIZE + 1) {
		if (s[0] != '{' || s[len - 1] != '}')
			return -EINVAL;
		s++;
		len -= 2;
	}
	if (len != FO_SCAN_GUID_STR_SIZE - 1)
		return -EINVAL;
	for (g = 0; g < 5; g++) {
		if (g > 0) {
			if (s[pos] != '-')
				return -EINVAL;
			out[o++] = '-';
			pos++;
		}
		for (i = 0; i < group_len[g]; i++, pos++) {
			int d = hex_value(s[pos]);

			if (d < 0)
				return -EINVAL;
			out[o++] = "0123456789abcdef"[d];
		}
	}
	out[o] = '\0';
	return 0;
}

/* "D...D:BB:DD" at s (len bytes exactly); domain 4 to 8 hex digits. */
static int
parse_pci_prefix(const char *s, size_t len, struct fo_scan_pci_addr *addr)
{
	const char *colon = memchr(s, ':', len);
	size_t dom_len;
	int64_t dom, bus, dev;

	if (colon == NULL)
		return -EINVAL;
	dom_len = (size_t)(colon - s);
	if (dom_len < 4 || dom_len > 8 || len != dom_len + 6)
		return -EINVAL;
	if (s[dom_len + 3] != ':')
		return -EINVAL;
	dom = parse_hex_digits(s, dom_len);
	bus = parse_hex_digits(s + dom_len + 1, 2);
	dev = parse_hex_digits(s + dom_len + 4, 2);
	if (dom < 0 || bus < 0 || dev < 0 || dev > 0x1f)
		return -EINVAL;
	addr->domain = (uint32_t)dom;
	addr->bus = (uint8_t)bus;
	addr->dev = (uint8_t)dev;
	addr->func = 0;
	return 0;
}

int
fo_scan_parse_pci_addr(const char *s, size_t len, struct fo_scan_pci_addr *addr)
{
	int func, ret;

	if (s == NULL || addr == NULL)
		return -EINVAL;
	len = strip_newline(s, len);
	if (len < 2 || s[len - 2] != '.')
		return -EINVAL;
	func = hex_value(s[len - 1]);
	if (func < 0 || func > 7)
		return -EINVAL;
	ret = parse_pci_prefix(s, len - 2, addr);
	if (ret < 0)
		return ret;
	addr->func = (uint8_t)func;
	return 0;
}

int
fo_scan_parse_slot_addr(const char *s, size_t len, struct fo_scan_pci_addr *addr)
{
	if (s == NULL || addr == NULL)
		return -EINVAL;
	return parse_pci_prefix(s, strip_newline(s, len), addr);
}

void
fo_scan_format_pci_addr(const struct fo_scan_pci_addr *addr,
		char out[FO_SCAN_PCI_STR_SIZE])
{
	snprintf(out, FO_SCAN_PCI_STR_SIZE, "%04x:%02x:%02x.%x",
		addr->domain, addr->bus, addr->dev, addr->func);
}

int
fo_scan_parse_uint(const char *s, size_t len, uint64_t *value)
{
	uint64_t v = 0;
	unsigned int base = 10;
	size_t i = 0;

	if (s == NULL)
		return -EINVAL;
	len = strip_newline(s, len);
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len || len - i > 20)
		return -EINVAL;
	for (; i < len; i++) {
		int d = hex_value(s[i]);

		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -EINVAL;
		v = v * base + (uint64_t)d;
	}
	*value = v;
	return 0;
}

int
fo_scan_parse_uevent(const char *s, size_t len, const char *key,
		char *value, size_t value_size)
{
	size_t key_len, pos = 0;

	if (s == NULL || key == NULL || value == NULL || value_size == 0)
		return -EINVAL;
	key_len = strlen(key);
	if (key_len == 0 || memchr(s, '\0', len) != NULL)
		return -EINVAL;
	while (pos < len) {
		const char *line = s + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos;

		pos += line_len + 1;
		if (line_len > key_len && line[key_len] == '=' &&
				memcmp(line, key, key_len) == 0) {
			size_t vlen = line_len - key_len - 1;

			if (vlen >= value_size)
				return -EINVAL;
			memcpy(value, line + key_len + 1, vlen);
			value[vlen] = '\0';
			return 0;
		}
	}
	return -ENOENT;
}
