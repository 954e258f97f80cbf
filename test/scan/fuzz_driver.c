/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/*
 * Runs the fuzz target without libFuzzer (any compiler): the seed inputs, a
 * deterministic batch of mutations of them, and any files named on the
 * command line (e.g. crash reproducers written by libFuzzer).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const seeds[] = {
	"00:0d:3a:03:16:46\n",
	"{f8615163-df3e-46c5-913f-f2d2f965ed0e}\n",
	"f8615163-df3e-46c5-913f-f2d2f965ed0e",
	"2f81:00:02\n",
	"cf63:00:02.0",
	"0x0001\n",
	"32\n",
	"DRIVER=mlx5_core\nPCI_SLOT_NAME=cf63:00:02.0\nMODALIAS=pci:v000015B3\n",
	"0000000000000000000000000000000000000000000000000000000000000010\n",
	"00000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000000\n",
	"",
	"\n",
};

#define MUTATIONS_PER_SEED 20000

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
next_random(void)
{
	/* xorshift64: reproducible from run to run, no libc rand() state. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const char alphabet[] = "0123456789abcdefABCDEF:{}-.\n=x\0 ";

static void
mutate(uint8_t *buf, size_t *len, size_t cap)
{
	size_t pos = *len ? next_random() % *len : 0;

	switch (next_random() % 4) {
	case 0:	/* replace a byte */
		if (*len)
			buf[pos] = (uint8_t)alphabet[next_random() %
				(sizeof(alphabet) - 1)];
		break;
	case 1:	/* drop a byte */
		if (*len) {
			memmove(buf + pos, buf + pos + 1, *len - pos - 1);
			(*len)--;
		}
		break;
	case 2:	/* insert a byte */
		if (*len < cap) {
			memmove(buf + pos + 1, buf + pos, *len - pos);
			buf[pos] = (uint8_t)(next_random() & 0xff);
			(*len)++;
		}
		break;
	default:	/* truncate */
		*len = pos;
		break;
	}
}

static int
run_file(const char *path)
{
	static uint8_t buf[1 << 16];
	size_t len;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		perror(path);
		return 1;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	return 0;
}

int
main(int argc, char **argv)
{
	uint8_t buf[256];
	size_t i, n, len, runs = 0;
	int ret = 0;

	if (argc > 1) {
		for (i = 1; i < (size_t)argc; i++)
			ret |= run_file(argv[i]);
		return ret;
	}
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		len = strlen(seeds[i]);
		memcpy(buf, seeds[i], len);
		LLVMFuzzerTestOneInput(buf, len);
		runs++;
		for (n = 0; n < MUTATIONS_PER_SEED; n++) {
			if (n % 8 == 0) {	/* restart from the seed now and then */
				len = strlen(seeds[i]);
				memcpy(buf, seeds[i], len);
			}
			mutate(buf, &len, sizeof(buf));
			LLVMFuzzerTestOneInput(buf, len);
			runs++;
		}
	}
	printf("%zu inputs, no invariant broken\n", runs);
	return 0;
}
