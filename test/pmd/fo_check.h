/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FO_CHECK_H
#define FO_CHECK_H

#include <stdio.h>
#include <stdlib.h>

/* Minimal assertions for the project's C tests: a failed check ends the test. */

static int fo_check_count;

#define CHECK(cond, ...)                                                                   \
	do {                                                                               \
		fo_check_count++;                                                          \
		if (!(cond)) {                                                             \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);   \
			fprintf(stderr, __VA_ARGS__);                                      \
			fprintf(stderr, "\n");                                             \
			exit(1);                                                           \
		}                                                                          \
	} while (0)

#define CHECK_DONE()                                                                       \
	do {                                                                               \
		printf("ok: %d checks\n", fo_check_count);                                 \
		return 0;                                                                  \
	} while (0)

#endif /* FO_CHECK_H */
