/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/* The result as one JSON object; names from the tree are escaped. */

#include <inttypes.h>
#include <stdio.h>

#include "scan_priv.h"

/* "" means unknown and is written as null. Bytes >= 0x80 are escaped one by
 * one so that the output stays valid JSON whatever the tree holds. */
static void
put_string(FILE *out, const char *s)
{
	const unsigned char *p;

	if (s == NULL || *s == '\0') {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* sep, then "key": value ("" is null). */
static void
put_member(FILE *out, const char *sep, const char *key, const char *value)
{
	fprintf(out, "%s\"%s\": ", sep, key);
	put_string(out, value);
}

static void
put_vf(FILE *out, const struct fo_scan_vf *vf)
{
	put_member(out, "{", "iface", vf->iface);
	put_member(out, ", ", "pci", vf->pci);
	put_member(out, ", ", "driver", vf->driver);
	fputs(", \"serial\": ", out);
	if (vf->serial >= 0)
		fprintf(out, "%" PRId64, vf->serial);
	else
		fputs("null", out);
	fputc('}', out);
}

static void
put_pair(FILE *out, const struct fo_scan_pair *p)
{
	const struct fo_scan_synthetic *s = &p->synthetic;
	char mac[FO_SCAN_MAC_STR_SIZE] = "";

	if (p->mac_known)
		fo_scan_format_mac(p->mac, mac);
	put_member(out, "{", "kind", fo_scan_kind_name(p->kind));
	put_member(out, ", ", "mac", mac);
	put_member(out, ",\n   \"synthetic\": {", "iface", s->iface);
	put_member(out, ", ", "bus", s->bus);
	put_member(out, ", ", "id", s->id);
	put_member(out, ", ", "driver", s->driver);
	put_member(out, ", ", "pci", s->pci);
	put_member(out, ", ", "master", s->master);
	fputs("},\n   \"vf\": ", out);
	if (p->has_vf)
		put_vf(out, &p->vf);
	else
		fputs("null", out);
	fputc('}', out);
}

int
fo_scan_write_json(const struct fo_scan_result *res, FILE *out)
{
	size_t i;

	fputs("{\"pairs\": [", out);
	for (i = 0; i < res->n_pairs; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		put_pair(out, &res->pairs[i]);
	}
	fputs("],\n \"vf_candidates\": [", out);
	for (i = 0; i < res->n_vf_candidates; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		put_vf(out, &res->vf_candidates[i]);
	}
	fputs("],\n \"ignored\": [", out);
	for (i = 0; i < res->n_ignored; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		put_member(out, "{", "iface", res->ignored[i].iface);
		put_member(out, ", ", "reason", res->ignored[i].reason);
		fputc('}', out);
	}
	fputs("]}\n", out);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
