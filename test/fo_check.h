/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FO_CHECK_H
#define FO_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Minimal assertions for the project's C tests: a failed check prints where
 * and why, and ends the test. The message is optional.
 */

static int fo_check_count;

static inline void
fo_check_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL %s:%d: %s", file, line, cond);
	if (fmt[0] != '\0') {
		fprintf(stderr, ": ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "\n");
	exit(1);
}

#define CHECK(cond, ...)                                                          \
	do {                                                                      \
		fo_check_count++;                                                 \
		if (!(cond))                                                      \
			fo_check_fail(__FILE__, __LINE__, #cond, "" __VA_ARGS__); \
	} while (0)

/* The test cannot run here: say why, and exit 77 (meson's skip). */
#define SKIP(...)                    \
	do {                         \
		printf("skipped: "); \
		printf(__VA_ARGS__); \
		printf("\n");        \
		exit(77);            \
	} while (0)

#define CHECK_DONE()                                       \
	do {                                               \
		printf("ok: %d checks\n", fo_check_count); \
		return 0;                                  \
	} while (0)

#endif /* FO_CHECK_H */
