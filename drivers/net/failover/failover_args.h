/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FAILOVER_ARGS_H
#define FAILOVER_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Devargs of one net_failover instance. No DPDK dependency: unit-tested alone. */

#define FO_DEVARGS_MAX 512
/*
 * EAL sends a hot-plugged device's devargs to the other processes in a
 * 128-byte field: 26.07 refuses longer ones (-E2BIG), older releases cut
 * them. A sub-device's devargs must be shorter, on every release.
 */
#define FO_HOTPLUG_DEVARGS_MAX 128
#define FO_ERR_MAX 256
#define FO_IFACE_MAX 16 /* IFNAMSIZ */

#define FO_POLL_MS_DEFAULT 100
#define FO_STANDBY_POLL_DEFAULT 32
#define FO_QUIESCE_MS_DEFAULT 100
#define FO_ANNOUNCE_DEFAULT 1
#define FO_ANNOUNCE_MAX 16

/* How grace periods are proved (failover_grace.c). */
enum fo_grace_mode {
	FO_GRACE_AUTO = 0, /* membarrier, else a fence in every burst */
	FO_GRACE_FENCE,    /* a fence in every burst */
};

/* How a discovered synthetic NIC held by the kernel is opened. */
enum fo_exception {
	FO_EXC_AUTO = 0, /* AF_XDP where the kernel and net_af_xdp allow it, else TAP; TAP on virtio_net */
	FO_EXC_AF_XDP,   /* AF_XDP only */
	FO_EXC_TAP,      /* TAP + tc redirect only */
};

struct fo_args {
	char primary[FO_DEVARGS_MAX]; /* the VF's path; "" when not given */
	char standby[FO_DEVARGS_MAX]; /* the synthetic NIC's path; "" when not given */
	bool has_mac;
	uint8_t mac[6];
	unsigned int poll_ms;      /* safety-net rescan period, 0 = off */
	unsigned int standby_poll; /* poll the inactive path every N bursts */
	unsigned int quiesce_ms;   /* longest wait for queues to quiesce */
	char sysfs[FO_DEVARGS_MAX]; /* discovery root; "" = /sys */
	char iface[FO_IFACE_MAX];   /* discovery: the pair with this netdev */
	bool mbuf_port_sub;         /* leave the sub-device's id in mbuf->port */
	enum fo_grace_mode grace;
	enum fo_exception exception;
	bool keep_kernel; /* AF_XDP path: the kernel keeps ARP, ND and its own addresses */
	unsigned int announce; /* RARP frames sent by a new active path (failover_announce.c) */
};

/* No sub-device given: the pair is discovered from sysfs. */
static inline bool
fo_args_discover(const struct fo_args *args)
{
	return args->primary[0] == '\0' && args->standby[0] == '\0';
}

/*
 * Parse "key=value,key=(a,b=c),..." into args. Values in parentheses or
 * brackets may hold commas and '='. On error returns -1 and writes one
 * line naming the problem into err.
 */
int fo_args_parse(const char *str, struct fo_args *args, char *err, size_t errlen);

/* Device name part of a sub-device's devargs ("net_tap0" of "net_tap0,iface=x"). */
void fo_args_devname(const char *devargs, char *name, size_t len);

#endif /* FAILOVER_ARGS_H */
