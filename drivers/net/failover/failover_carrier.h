/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FAILOVER_CARRIER_H
#define FAILOVER_CARRIER_H

#include <stdbool.h>

/* Where the kernel's netdevs are in sysfs. */
#define FO_CARRIER_SYSFS_NET "/sys/class/net"

/*
 * The kernel's own carrier of netdev ifname (netif_carrier_ok), from its
 * carrier_up_count and carrier_down_count under dir (FO_CARRIER_SYSFS_NET
 * but in tests). No DPDK dependency: unit-tested alone.
 * Returns 0 and sets *on, or a negative errno when they cannot be read.
 */
int fo_carrier_kernel(const char *dir, const char *ifname, bool *on);

#endif /* FAILOVER_CARRIER_H */
