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

static void
put_vf(FILE *out, const struct fo_scan_vf *vf)
{
	fputs("{\"iface\": ", out);
	put_string(out, vf->iface);
	fputs(", \"pci\": ", out);
	put_string(out, vf->pci);
	fputs(", \"driver\": ", out);
	put_string(out, vf->driver);
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
	fputs("{\"kind\": ", out);
	put_string(out, fo_scan_kind_name(p->kind));
	fputs(", \"mac\": ", out);
	put_string(out, mac);
	fputs(",\n   \"synthetic\": {\"iface\": ", out);
	put_string(out, s->iface);
	fputs(", \"bus\": ", out);
	put_string(out, s->bus);
	fputs(", \"id\": ", out);
	put_string(out, s->id);
	fputs(", \"driver\": ", out);
	put_string(out, s->driver);
	fputs(", \"pci\": ", out);
	put_string(out, s->pci);
	fputs(", \"master\": ", out);
	put_string(out, s->master);
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
		fputs("{\"iface\": ", out);
		put_string(out, res->ignored[i].iface);
		fputs(", \"reason\": ", out);
		put_string(out, res->ignored[i].reason);
		fputc('}', out);
	}
	fputs("]}\n", out);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
