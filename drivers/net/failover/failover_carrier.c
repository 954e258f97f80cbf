/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "failover_carrier.h"

/*
 * The kernel's carrier (netif_carrier_ok), which the device driver changes
 * at once, read from sysfs without the RTNL. The "carrier" file says it
 * while the netdev runs and fails with EINVAL while it does not (its
 * carrier then means nothing: off). Where there is no such file, the
 * counters: every change from off to on counts up, from on to off counts
 * down, so the carrier is on while up >= down for a netdev registered with
 * its carrier on. Not for one registered with it off, as hv_netvsc does
 * (netif_carrier_off() before register_netdevice() counts nothing): after
 * its first up, its counters read on while it is off.
 */
/* Attribute attr of netdev ifname under dir into buf: its length, or -errno. */
static int
fo_carrier_read(const char *dir, const char *ifname, const char *attr, char *buf, size_t size)
{
	char path[256];
	ssize_t n;
	int fd, len, err;

	len = snprintf(path, sizeof(path), "%s/%s/%s", dir, ifname, attr);
	if (len < 0 || (size_t)len >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n <= 0)
		return n < 0 ? -err : -EIO;
	buf[n] = '\0';
	return (int)n;
}

static int
fo_carrier_file(const char *dir, const char *ifname, bool *on)
{
	char buf[8];
	int ret = fo_carrier_read(dir, ifname, "carrier", buf, sizeof(buf));

	if (ret == -EINVAL) {
		*on = false; /* not running */
		return 0;
	}
	if (ret < 0)
		return ret;
	if ((buf[0] != '0' && buf[0] != '1') || (buf[1] != '\n' && buf[1] != '\0'))
		return -EINVAL;
	*on = buf[0] == '1';
	return 0;
}

static int
fo_carrier_count(const char *dir, const char *ifname, const char *which, uint64_t *val)
{
	char attr[32], buf[32], *end;
	int ret;

	snprintf(attr, sizeof(attr), "carrier_%s_count", which);
	ret = fo_carrier_read(dir, ifname, attr, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (errno != 0 || end == buf || (*end != '\n' && *end != '\0'))
		return -EINVAL;
	return 0;
}

int
fo_carrier_kernel(const char *dir, const char *ifname, bool *on)
{
	uint64_t up, down;
	int ret;

	ret = fo_carrier_file(dir, ifname, on);
	if (ret != -ENOENT)
		return ret;
	/* Down first: a change between the two reads can only raise up. */
	ret = fo_carrier_count(dir, ifname, "down", &down);
	if (ret < 0)
		return ret;
	ret = fo_carrier_count(dir, ifname, "up", &up);
	if (ret < 0)
		return ret;
	*on = up >= down;
	return 0;
}
