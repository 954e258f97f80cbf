/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The AF_XDP exception path: net_af_xdp on the kernel-held synthetic
 * netdev, one socket per channel. net_af_xdp attaches an XDP program to the
 * netdev when its queues are set up and detaches it on close; if this
 * process dies first, the program would stay: it is recorded with the
 * guardian (failover_guard.h) before it is attached, by its id once known.
 */

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include "failover_private.h"
#include "failover_xdp.h"

/* A program left by a process that just died is being removed by its guardian. */
#define FO_XDP_STALE_WAIT_MS 500

bool
fo_xdp_path_devargs(const char *devargs)
{
	return strncmp(devargs, "net_af_xdp", strlen("net_af_xdp")) == 0;
}

/* Rx queues of a netdev as sysfs lists them (real_num_rx_queues). */
static unsigned int
fo_xdp_path_rx_queues(const char *ifname)
{
	char path[PATH_MAX];
	struct dirent *e;
	unsigned int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	d = opendir(path);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "rx-", 3) == 0)
			n++;
	closedir(d);
	return n;
}

/*
 * The channels net_af_xdp can bind a socket to: the combined channels
 * ethtool reports, 1 when the driver reports none (as net_af_xdp counts).
 */
unsigned int
fo_xdp_path_channels(const char *ifname)
{
	struct ethtool_channels ch = {.cmd = ETHTOOL_GCHANNELS};
	struct ifreq ifr;
	int fd, ret;

	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	ifr.ifr_data = (void *)&ch;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1;
	ret = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	return ret < 0 || ch.max_combined == 0 || ch.combined_count == 0 ? 1 : ch.combined_count;
}

/* The XDP program on a netdev: id 0 when none. */
struct fo_xdp_path_link {
	uint32_t id;
	uint32_t mode; /* XDP_ATTACHED_* */
	char name[64];
};

static int
fo_xdp_path_query(unsigned int ifindex, struct fo_xdp_path_link *l)
{
	memset(l, 0, sizeof(*l));
	return fo_xdp_attached(ifindex, &l->id, l->name, sizeof(l->name), &l->mode);
}

static int
fo_xdp_path_detach(unsigned int ifindex, const struct fo_xdp_path_link *l)
{
	char buf[256];
	struct nlmsghdr *nlh = fo_netdev_link_req(buf, sizeof(buf), RTM_SETLINK, ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, IFLA_XDP);

	mnl_attr_put_u32(nlh, IFLA_XDP_FD, (uint32_t)-1);
	if (l->mode == XDP_ATTACHED_SKB)
		mnl_attr_put_u32(nlh, IFLA_XDP_FLAGS, XDP_FLAGS_SKB_MODE);
	else if (l->mode == XDP_ATTACHED_DRV)
		mnl_attr_put_u32(nlh, IFLA_XDP_FLAGS, XDP_FLAGS_DRV_MODE);
	mnl_attr_nest_end(nlh, nest);
	return fo_netdev_rtnl(nlh, NULL, NULL);
}

static void
fo_xdp_path_sleep_ms(unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* One fdinfo file: does it hold the BPF program id? */
static bool
fo_xdp_path_fd_holds(const char *path, const char *want)
{
	char line[128];
	bool found = false;
	FILE *f = fopen(path, "re");

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strcmp(line, want) == 0;
	fclose(f);
	return found;
}

/*
 * Does a live process (this one included) hold the XDP program? The
 * library under net_af_xdp keeps the program's fd open for as long as its
 * sockets live, so a program no process holds is one whose owner is gone.
 * Only processes this one can see are looked at: one in another PID
 * namespace is not.
 */
static bool
fo_xdp_path_prog_held(uint32_t id)
{
	char want[32], path[PATH_MAX];
	struct dirent *p, *fd;
	bool held = false;
	DIR *procs, *fds;

	snprintf(want, sizeof(want), "prog_id:\t%u\n", id);
	procs = opendir("/proc");
	if (procs == NULL)
		return true; /* cannot tell: not ours to remove */
	while (!held && (p = readdir(procs)) != NULL) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", p->d_name);
		fds = opendir(path);
		if (fds == NULL)
			continue; /* gone, or not ours to read */
		while (!held && (fd = readdir(fds)) != NULL) {
			if (fd->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", p->d_name, fd->d_name);
			held = fo_xdp_path_fd_holds(path, want);
		}
		closedir(fds);
	}
	closedir(procs);
	return held;
}

/*
 * Can net_af_xdp take this netdev for the port's queues? When not, why
 * (one line) and -errno. Records the program to come with the guardian.
 */
int
fo_xdp_path_prepare(struct fo_private *priv, struct fo_sub *sub, const char *ifname, char *why,
		    size_t len)
{
	unsigned int ifindex = if_nametoindex(ifname);
	unsigned int channels = fo_xdp_path_channels(ifname);
	uint16_t need = fo_queues_pairs(priv);
	struct fo_xdp_path_link l;
	char err[FO_ERR_MAX];
	unsigned int waited = 0;
	bool removed = false, held;

	if (ifindex == 0) {
		snprintf(why, len, "netdev %s does not exist", ifname);
		return -ENODEV;
	}
	if (priv->configured && priv->nb_rxq == 0) {
		snprintf(why, len,
			 "the port has no Rx queue, and net_af_xdp sends through its Rx sockets");
		return -EINVAL;
	}
	/* The kernel spreads received frames over every Rx queue: each needs its socket. */
	if (fo_xdp_path_rx_queues(ifname) > channels) {
		snprintf(
			why, len,
			"%s has %u Rx queues and net_af_xdp can bind %u (ethtool reports %u combined channel(s))",
			ifname, fo_xdp_path_rx_queues(ifname), channels, channels);
		return -ERANGE;
	}
	if (channels < need) {
		snprintf(
			why, len,
			"%s has %u channel(s), the port needs %u queue(s) (ethtool -L %s combined %u gives AF_XDP more)",
			ifname, channels, need, ifname, need);
		return -ERANGE;
	}
	for (;;) {
		if (fo_xdp_path_query(ifindex, &l) < 0 || l.id == 0)
			break;
		if (waited < FO_XDP_STALE_WAIT_MS) {
			fo_xdp_path_sleep_ms(50);
			waited += 50;
			continue;
		}
		/*
		 * net_af_xdp's default program or ours, left by a process killed
		 * with its guardian: net_af_xdp would not attach over it. One
		 * that a live process holds is that process's, whatever its name.
		 */
		held = fo_xdp_path_prog_held(l.id);
		if (!removed && !held &&
		    (strcmp(l.name, "xsk_def_prog") == 0 ||
		     strcmp(l.name, FO_XDP_KEEP_PROG_NAME) == 0)) {
			int ret = fo_xdp_path_detach(ifindex, &l);

			removed = true; /* once: what stays after it is not stale */
			FO_LOG(NOTICE, priv,
			       "%s: %s XDP program %s (id %u) on %s, left by a process that is gone: %s",
			       fo_rules_path_name(sub->path),
			       ret < 0 ? "cannot remove the" : "removed the", l.name, l.id, ifname,
			       ret < 0 ? strerror(-ret) : "done");
			if (ret == 0)
				continue;
		}
		snprintf(why, len, "%s already runs XDP program %s (id %u)%s", ifname,
			 l.name[0] != '\0' ? l.name : "?", l.id,
			 held ? ", which a live process holds" : ", not this port's");
		return -EBUSY;
	}
	sub->xdp_ifindex = ifindex;
	sub->xdp_id = 0;
	if (fo_guard_add(&sub->guard, FO_GUARD_XDP, ifindex, 0, err, sizeof(err)) < 0)
		FO_LOG(WARNING, priv, "%s: a crash would leave net_af_xdp's XDP program on %s: %s",
		       fo_rules_path_name(sub->path), ifname, err);
	return 0;
}

/* The sub-device started: its program is known by id from now on. */
void
fo_xdp_path_started(struct fo_private *priv, struct fo_sub *sub)
{
	struct fo_xdp_path_link l;
	char err[FO_ERR_MAX];

	if (!sub->via_xdp || sub->xdp_ifindex == 0)
		return;
	if (fo_xdp_path_query(sub->xdp_ifindex, &l) < 0 || l.id == 0) {
		FO_LOG(WARNING, priv, "%s: no XDP program on %s after net_af_xdp started",
		       fo_rules_path_name(sub->path), sub->ifname);
		return;
	}
	if (l.id != sub->xdp_id) {
		if (fo_guard_add(&sub->guard, FO_GUARD_XDP, sub->xdp_ifindex, l.id, err,
				 sizeof(err)) == 0)
			fo_guard_del(&sub->guard, FO_GUARD_XDP, sub->xdp_ifindex, sub->xdp_id);
		sub->xdp_id = l.id;
	}
	FO_LOG(INFO, priv, "%s: AF_XDP on %s, XDP program %s (id %u, %s mode)",
	       fo_rules_path_name(sub->path), sub->ifname, l.name[0] != '\0' ? l.name : "?", l.id,
	       l.mode == XDP_ATTACHED_SKB ? "generic" : "native");
	if (priv->args.keep_kernel && fo_xdp_keep_update(sub->xdp_ifindex, err, sizeof(err)) < 0)
		FO_LOG(ERR, priv, "%s: kernel_traffic=keep: %s", fo_rules_path_name(sub->path),
		       err);
}

/*
 * net_af_xdp was closed: it detaches its program itself; one it left is
 * detached here. Then the guardian forgets it.
 */
void
fo_xdp_path_release(struct fo_private *priv, struct fo_sub *sub)
{
	struct fo_xdp_path_link l;
	unsigned int i = sub->guard.n;
	int ret;

	if (sub->xdp_ifindex == 0)
		return;
	if (sub->xdp_id != 0 && fo_xdp_path_query(sub->xdp_ifindex, &l) == 0 &&
	    l.id == sub->xdp_id) {
		ret = fo_xdp_path_detach(sub->xdp_ifindex, &l);
		if (ret < 0)
			FO_LOG(WARNING, priv,
			       "%s: cannot detach the XDP program (id %u) net_af_xdp left on %s: %s",
			       fo_rules_path_name(sub->path), l.id, sub->ifname, strerror(-ret));
		else
			FO_LOG(INFO, priv,
			       "%s: detached the XDP program (id %u) net_af_xdp left on %s",
			       fo_rules_path_name(sub->path), l.id, sub->ifname);
	}
	while (i-- > 0) {
		const struct fo_guard_rec rec = sub->guard.rec[i];

		if (rec.kind == FO_GUARD_XDP)
			fo_guard_del(&sub->guard, rec.kind, rec.ifindex, rec.peer);
	}
	sub->xdp_ifindex = 0;
	sub->xdp_id = 0;
}
