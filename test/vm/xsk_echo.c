/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/*
 * The vm suite's AF_XDP echo without DPDK: one XDP socket (libxdp's default
 * program) on queue 0 of a netdev, each frame sent back with its MAC
 * addresses swapped, as testpmd's macswap does. It tells a guest kernel's
 * AF_XDP bug from one of DPDK's net_af_xdp or of this driver.
 *   fo-xsk-echo IFACE [copy] [skb] [nowakeup]
 * copy: bind in copy mode (XDP_COPY); skb: attach the program in generic
 * (SKB) mode; nowakeup: bind without XDP_USE_NEED_WAKEUP.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#define NUM_FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define BATCH 64

static struct xsk_ring_prod fill_ring, tx_ring;
static struct xsk_ring_cons comp_ring, rx_ring;

static void
swap_macs(unsigned char *frame)
{
	unsigned char tmp[6];

	memcpy(tmp, frame, 6);
	memcpy(frame, frame + 6, 6);
	memcpy(frame + 6, tmp, 6);
}

/* Sent frames go back to the fill ring: the frame pool is never short. */
static void
recycle_completions(void)
{
	uint32_t n, i, idx_cq, idx_fq;

	n = xsk_ring_cons__peek(&comp_ring, BATCH, &idx_cq);
	if (n == 0)
		return;
	while (xsk_ring_prod__reserve(&fill_ring, n, &idx_fq) != n)
		;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&fill_ring, idx_fq + i) =
			*xsk_ring_cons__comp_addr(&comp_ring, idx_cq + i);
	xsk_ring_prod__submit(&fill_ring, n);
	xsk_ring_cons__release(&comp_ring, n);
}

int
main(int argc, char **argv)
{
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.xdp_flags = XDP_FLAGS_UPDATE_IF_NOEXIST,
		.bind_flags = XDP_USE_NEED_WAKEUP,
	};
	unsigned long long echoed = 0;
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	uint32_t idx, i;
	void *area;
	int a, ret, fd;

	if (argc < 2) {
		fprintf(stderr, "usage: %s IFACE [copy] [skb] [nowakeup]\n", argv[0]);
		return 2;
	}
	for (a = 2; a < argc; a++) {
		if (strcmp(argv[a], "copy") == 0)
			cfg.bind_flags |= XDP_COPY;
		else if (strcmp(argv[a], "skb") == 0)
			cfg.xdp_flags |= XDP_FLAGS_SKB_MODE;
		else if (strcmp(argv[a], "nowakeup") == 0)
			cfg.bind_flags &= ~XDP_USE_NEED_WAKEUP;
		else {
			fprintf(stderr, "%s: unknown option '%s'\n", argv[0], argv[a]);
			return 2;
		}
	}
	area = mmap(NULL, (size_t)NUM_FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	ret = xsk_umem__create(&umem, area, (uint64_t)NUM_FRAMES * FRAME_SIZE,
		&fill_ring, &comp_ring, NULL);
	if (ret != 0) {
		fprintf(stderr, "xsk_umem__create: %s\n", strerror(-ret));
		return 1;
	}
	ret = xsk_socket__create(&xsk, argv[1], 0, umem, &rx_ring, &tx_ring, &cfg);
	if (ret != 0) {
		fprintf(stderr, "xsk_socket__create on %s: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	fd = xsk_socket__fd(xsk);
	/* Half the frames wait for Rx; sent ones come back through completions. */
	if (xsk_ring_prod__reserve(&fill_ring, NUM_FRAMES / 2, &idx) != NUM_FRAMES / 2) {
		fprintf(stderr, "cannot fill the fill ring\n");
		return 1;
	}
	for (i = 0; i < NUM_FRAMES / 2; i++)
		*xsk_ring_prod__fill_addr(&fill_ring, idx + i) = (uint64_t)i * FRAME_SIZE;
	xsk_ring_prod__submit(&fill_ring, NUM_FRAMES / 2);
	printf("xsk_echo: ready on %s queue 0\n", argv[1]);
	fflush(stdout);

	for (;;) {
		uint32_t n, idx_rx, idx_tx;

		recycle_completions();
		n = xsk_ring_cons__peek(&rx_ring, BATCH, &idx_rx);
		if (n == 0) {
			if (xsk_ring_prod__needs_wakeup(&fill_ring))
				recvfrom(fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
			continue;
		}
		while (xsk_ring_prod__reserve(&tx_ring, n, &idx_tx) != n) {
			recycle_completions();
			sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		}
		for (i = 0; i < n; i++) {
			const struct xdp_desc *rd = xsk_ring_cons__rx_desc(&rx_ring, idx_rx + i);
			struct xdp_desc *td = xsk_ring_prod__tx_desc(&tx_ring, idx_tx + i);

			swap_macs(xsk_umem__get_data(area, rd->addr));
			td->addr = rd->addr;
			td->len = rd->len;
		}
		xsk_ring_prod__submit(&tx_ring, n);
		xsk_ring_cons__release(&rx_ring, n);
		if (!(cfg.bind_flags & XDP_USE_NEED_WAKEUP) ||
				xsk_ring_prod__needs_wakeup(&tx_ring))
			sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		echoed += n;
		if ((echoed & ~(unsigned long long)0x1fff) != ((echoed - n) & ~(unsigned long long)0x1fff)) {
			printf("xsk_echo: %llu echoed\n", echoed);
			fflush(stdout);
		}
	}
}
