/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/* libFuzzer target over the sysfs attribute parsers (see fuzz.sh). */

#include <stdint.h>
#include <stdlib.h>

#include <fo_scan.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A broken invariant is a bug: make the fuzzer report it. */
	if (fo_scan_parsers_selftest_input(data, size) != 0)
		abort();
	return 0;
}
