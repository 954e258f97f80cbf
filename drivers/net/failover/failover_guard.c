/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The guardian process (failover_guard.h). What runs in the child uses
 * only async-signal-safe system calls, static buffers of its own copy of
 * the address space, and libmnl's message helpers, which do not allocate.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <net/if.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>

#include "failover_guard.h"
#include "failover_tc.h"

#define FO_GUARD_OP_ADD 1
#define FO_GUARD_OP_DEL 2
#define FO_GUARD_OP_QUIT 3 /* end without undoing */

/* How long the parent waits for a guardian told to quit before killing it. */
#define FO_GUARD_REAP_MS 1000

struct fo_guard_msg {
	uint32_t op;
	struct fo_guard_rec rec;
};

/* ---- Child side: async-signal-safe only. ---- */

#define FO_GUARD_COOKIE_LEN (sizeof(FO_TC_COOKIE) - 1)
#define FO_GUARD_PARENT TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define FO_GUARD_HANDLES 16

/* The child's copies; never touched by the parent. */
static struct fo_guard_rec fo_guard_todo[FO_GUARD_MAX];
static unsigned int fo_guard_ntodo;
static char fo_guard_rx[32768]; /* a dump reply fits the kernel's 32 KiB skb */
static char fo_guard_tx[512];
static unsigned int fo_guard_seq;

/* What the ingress block of one interface holds. */
struct fo_guard_scan {
	uint32_t ifindex;
	uint32_t target;
	unsigned int total;  /* every entry */
	unsigned int others; /* key nodes at our priority that are not ours to remove */
	unsigned int nhandles;
	uint32_t handles[FO_GUARD_HANDLES]; /* ours pointing at target */
};

/*
 * One action of a u32 node: *target = its mirred ifindex when it carries
 * our cookie (left at UINT32_MAX for a node that is not ours).
 */
static int
fo_guard_act_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr *act[TCA_ACT_MAX + 1];
	const struct nlattr *mir[TCA_MIRRED_MAX + 1];
	const struct nlattr *c;
	uint32_t *target = data;
	struct tc_mirred parms;

	fo_tc_parse_nested(attr, act, TCA_ACT_MAX);
	c = act[TCA_ACT_COOKIE];
	if (c == NULL || mnl_attr_get_payload_len(c) != FO_GUARD_COOKIE_LEN ||
	    memcmp(mnl_attr_get_payload(c), FO_TC_COOKIE, FO_GUARD_COOKIE_LEN) != 0)
		return MNL_CB_OK;
	fo_tc_parse_nested(act[TCA_ACT_OPTIONS], mir, TCA_MIRRED_MAX);
	if (mir[TCA_MIRRED_PARMS] == NULL ||
	    mnl_attr_get_payload_len(mir[TCA_MIRRED_PARMS]) < sizeof(parms))
		return MNL_CB_OK;
	memcpy(&parms, mnl_attr_get_payload(mir[TCA_MIRRED_PARMS]), sizeof(parms));
	*target = parms.ifindex;
	return MNL_CB_OK;
}

static int
fo_guard_filter_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCA_MAX + 1];
	const struct nlattr *u32[TCA_U32_MAX + 1];
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	struct fo_guard_scan *s = data;
	uint32_t target = UINT32_MAX;

	if (nlh->nlmsg_type != RTM_NEWTFILTER || mnl_nlmsg_get_payload_len(nlh) < sizeof(*t) ||
	    t->tcm_ifindex != (int)s->ifindex)
		return MNL_CB_OK;
	if (fo_tc_parse_attrs(nlh, sizeof(*t), tb, TCA_MAX) < 0)
		return MNL_CB_ERROR;
	s->total++;
	if (TC_H_MAJ(t->tcm_info) >> 16 != FO_TC_PRIO ||
	    (tb[TCA_CHAIN] != NULL && mnl_attr_get_u32(tb[TCA_CHAIN]) != 0))
		return MNL_CB_OK;
	if (tb[TCA_KIND] == NULL || strcmp(mnl_attr_get_str(tb[TCA_KIND]), "u32") != 0) {
		s->others++;
		return MNL_CB_OK;
	}
	if (TC_U32_KEY(t->tcm_handle) == 0)
		return MNL_CB_OK; /* u32 head or hash table */
	fo_tc_parse_nested(tb[TCA_OPTIONS], u32, TCA_U32_MAX);
	if (u32[TCA_U32_ACT] != NULL)
		mnl_attr_parse_nested(u32[TCA_U32_ACT], fo_guard_act_cb, &target);
	/*
	 * Ours towards another interface: a newer process's, leave it. The
	 * kernel shows 0 for a target that is gone (the TAP died with us).
	 */
	if ((target != s->target && target != 0) || s->nhandles == FO_GUARD_HANDLES) {
		s->others++;
		return MNL_CB_OK;
	}
	s->handles[s->nhandles++] = t->tcm_handle;
	return MNL_CB_OK;
}

/* Send the request in fo_guard_tx, run the replies through cb; 0 or -errno. */
static int
fo_guard_talk(int fd, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	ssize_t n;
	int ret;

	nlh->nlmsg_seq = ++fo_guard_seq;
	if (sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, fo_guard_rx, sizeof(fo_guard_rx), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		errno = 0;
		ret = mnl_cb_run(fo_guard_rx, n, nlh->nlmsg_seq, 0, cb, arg);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret == MNL_CB_ERROR)
			return errno != 0 ? -errno : -EPROTO;
	}
}

static struct nlmsghdr *
fo_guard_tc_req(uint16_t type, uint16_t flags, uint32_t ifindex, uint32_t parent, uint32_t handle,
		uint32_t info)
{
	struct nlmsghdr *nlh;
	struct tcmsg *t;

	memset(fo_guard_tx, 0, sizeof(fo_guard_tx));
	nlh = mnl_nlmsg_put_header(fo_guard_tx);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));
	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	t->tcm_parent = parent;
	t->tcm_handle = handle;
	t->tcm_info = info;
	return nlh;
}

static int
fo_guard_scan(int fd, uint32_t ifindex, uint32_t target, struct fo_guard_scan *s)
{
	struct nlmsghdr *nlh;
	int ret = -EINTR, tries;

	for (tries = 0; tries < 3 && ret == -EINTR; tries++) {
		memset(s, 0, sizeof(*s));
		s->ifindex = ifindex;
		s->target = target;
		nlh = fo_guard_tc_req(RTM_GETTFILTER, NLM_F_DUMP, ifindex, FO_GUARD_PARENT, 0, 0);
		ret = fo_guard_talk(fd, nlh, fo_guard_filter_cb, s);
	}
	return ret;
}

/* Delete one u32 node (handle) or our whole priority (handle 0); gone is fine. */
static int
fo_guard_del_filter(int fd, uint32_t ifindex, uint32_t handle)
{
	struct nlmsghdr *nlh;
	int ret;

	nlh = fo_guard_tc_req(RTM_DELTFILTER, NLM_F_ACK, ifindex, FO_GUARD_PARENT, handle,
			      TC_H_MAKE((uint32_t)FO_TC_PRIO << 16, 0));
	if (handle != 0)
		mnl_attr_put_strz(nlh, TCA_KIND, "u32");
	ret = fo_guard_talk(fd, nlh, NULL, NULL);
	return ret == -ENOENT || ret == -ENODEV ? 0 : ret;
}

/* Our filters on ifindex towards target, then an ingress qdisc left empty. */
static int
fo_guard_undo_tc_one(int fd, uint32_t ifindex, uint32_t target)
{
	struct fo_guard_scan s;
	struct nlmsghdr *nlh;
	unsigned int i;
	int ret;

	ret = fo_guard_scan(fd, ifindex, target, &s);
	if (ret == -ENODEV || ret == -EINVAL) /* the interface went with its process */
		return 0;
	if (ret < 0)
		return ret;
	if (s.nhandles == 0)
		return 0;
	if (s.others == 0)
		ret = fo_guard_del_filter(fd, ifindex, 0);
	else
		for (i = 0; i < s.nhandles && ret == 0; i++)
			ret = fo_guard_del_filter(fd, ifindex, s.handles[i]);
	if (ret < 0)
		return ret;
	ret = fo_guard_scan(fd, ifindex, target, &s);
	if (ret < 0 || s.total > 0)
		return ret;
	/* The kind spares a clsact qdisc. */
	nlh = fo_guard_tc_req(RTM_DELQDISC, NLM_F_ACK, ifindex, TC_H_INGRESS,
			      TC_H_MAKE(TC_H_INGRESS, 0), 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "ingress");
	ret = fo_guard_talk(fd, nlh, NULL, NULL);
	return ret == -ENOENT || ret == -EINVAL || ret == -ENODEV ? 0 : ret;
}

static int
fo_guard_undo_admin_up(int fd, uint32_t ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int ret;

	memset(fo_guard_tx, 0, sizeof(fo_guard_tx));
	nlh = mnl_nlmsg_put_header(fo_guard_tx);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = 0;
	ret = fo_guard_talk(fd, nlh, NULL, NULL);
	return ret == -ENODEV ? 0 : ret;
}

/* The XDP program on an interface: id and attach mode (XDP_ATTACHED_*). */
struct fo_guard_xdp {
	uint32_t id;
	uint8_t mode;
};

static int
fo_guard_xdp_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1], *xdp[IFLA_XDP_MAX + 1];
	struct fo_guard_xdp *x = data;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    fo_tc_parse_attrs(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX) < 0 ||
	    tb[IFLA_XDP] == NULL)
		return MNL_CB_OK;
	fo_tc_parse_nested(tb[IFLA_XDP], xdp, IFLA_XDP_MAX);
	if (xdp[IFLA_XDP_ATTACHED] != NULL)
		x->mode = mnl_attr_get_u8(xdp[IFLA_XDP_ATTACHED]);
	if (xdp[IFLA_XDP_PROG_ID] != NULL)
		x->id = mnl_attr_get_u32(xdp[IFLA_XDP_PROG_ID]);
	return MNL_CB_OK;
}

/* Detach the XDP program of ifindex if it is still the one recorded. */
static int
fo_guard_undo_xdp(int fd, uint32_t ifindex, uint32_t prog_id)
{
	struct fo_guard_xdp x = {0, XDP_ATTACHED_NONE};
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct nlattr *nest;
	uint32_t flags;
	int ret;

	memset(fo_guard_tx, 0, sizeof(fo_guard_tx));
	nlh = mnl_nlmsg_put_header(fo_guard_tx);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK; /* the ack ends the reply */
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	ret = fo_guard_talk(fd, nlh, fo_guard_xdp_cb, &x);
	if (ret == -ENODEV)
		return 0;
	if (ret < 0)
		return ret;
	if (x.id == 0 || (prog_id != 0 && x.id != prog_id))
		return 0; /* gone with its sockets, or someone else's now */
	flags = x.mode == XDP_ATTACHED_SKB   ? XDP_FLAGS_SKB_MODE
		: x.mode == XDP_ATTACHED_DRV ? XDP_FLAGS_DRV_MODE
		: x.mode == XDP_ATTACHED_HW  ? XDP_FLAGS_HW_MODE
					     : 0;
	memset(fo_guard_tx, 0, sizeof(fo_guard_tx));
	nlh = mnl_nlmsg_put_header(fo_guard_tx);
	nlh->nlmsg_type = RTM_SETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	nest = mnl_attr_nest_start(nlh, IFLA_XDP);
	mnl_attr_put_u32(nlh, IFLA_XDP_FD, (uint32_t)-1);
	if (flags != 0)
		mnl_attr_put_u32(nlh, IFLA_XDP_FLAGS, flags);
	mnl_attr_nest_end(nlh, nest);
	ret = fo_guard_talk(fd, nlh, NULL, NULL);
	return ret == -ENODEV ? 0 : ret;
}

/* Append text or an unsigned number to a line (no stdio here). */
static void
fo_guard_put(char *line, size_t len, const char *s)
{
	size_t at = strlen(line);

	while (*s != '\0' && at + 1 < len)
		line[at++] = *s++;
	line[at] = '\0';
}

static void
fo_guard_put_num(char *line, size_t len, unsigned long v)
{
	char digits[24];
	unsigned int i = sizeof(digits) - 1;

	digits[i] = '\0';
	do
		digits[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0 && i > 0);
	fo_guard_put(line, len, &digits[i]);
}

/* The parent is gone: undo every record, newest first, one log line each. */
static void
fo_guard_undo_all(pid_t parent)
{
	char line[160];
	unsigned int i;
	int fd, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	for (i = fo_guard_ntodo; i-- > 0;) {
		const struct fo_guard_rec *r = &fo_guard_todo[i];

		line[0] = '\0';
		fo_guard_put(line, sizeof(line), "net_failover guardian: process ");
		fo_guard_put_num(line, sizeof(line), (unsigned long)parent);
		fo_guard_put(line, sizeof(line), " is gone: ");
		if (fd < 0) {
			ret = -errno;
		} else if (r->kind == FO_GUARD_TC) {
			ret = fo_guard_undo_tc_one(fd, r->ifindex, r->peer);
			if (ret == 0)
				ret = fo_guard_undo_tc_one(fd, r->peer, r->ifindex);
		} else if (r->kind == FO_GUARD_XDP) {
			ret = fo_guard_undo_xdp(fd, r->ifindex, r->peer);
		} else {
			ret = fo_guard_undo_admin_up(fd, r->ifindex);
		}
		if (r->kind == FO_GUARD_TC) {
			fo_guard_put(line, sizeof(line), "tc redirect between ifindex ");
			fo_guard_put_num(line, sizeof(line), r->ifindex);
			fo_guard_put(line, sizeof(line), " and ");
			fo_guard_put_num(line, sizeof(line), r->peer);
		} else if (r->kind == FO_GUARD_XDP) {
			fo_guard_put(line, sizeof(line), "the XDP program on ifindex ");
			fo_guard_put_num(line, sizeof(line), r->ifindex);
			fo_guard_put(line, sizeof(line),
				     ret == 0 ? " removed" : " NOT removed, errno ");
		} else {
			fo_guard_put(line, sizeof(line), "admin state of ifindex ");
			fo_guard_put_num(line, sizeof(line), r->ifindex);
		}
		if (r->kind != FO_GUARD_XDP)
			fo_guard_put(line, sizeof(line),
				     ret == 0 ? " put back" : " NOT put back, errno ");
		if (ret < 0)
			fo_guard_put_num(line, sizeof(line), (unsigned long)-ret);
		fo_guard_put(line, sizeof(line), "\n");
		if (write(STDERR_FILENO, line, strlen(line)) < 0)
			continue; /* nowhere to report it */
	}
	if (fd >= 0)
		close(fd);
}

/* Apply one message; false on quit. */
static bool
fo_guard_apply(const struct fo_guard_msg *m)
{
	unsigned int i;

	if (m->op == FO_GUARD_OP_QUIT)
		return false;
	for (i = 0; i < fo_guard_ntodo; i++)
		if (memcmp(&fo_guard_todo[i], &m->rec, sizeof(m->rec)) == 0)
			break;
	if (m->op == FO_GUARD_OP_ADD && i == fo_guard_ntodo && i < FO_GUARD_MAX)
		fo_guard_todo[fo_guard_ntodo++] = m->rec;
	else if (m->op == FO_GUARD_OP_DEL && i < fo_guard_ntodo)
		fo_guard_todo[i] = fo_guard_todo[--fo_guard_ntodo];
	return true;
}

/* Read what the socket holds; false on quit, *eof when the parent's end is closed. */
static bool
fo_guard_read(int sock, bool *eof)
{
	struct fo_guard_msg m;
	ssize_t n;

	for (;;) {
		n = recv(sock, &m, sizeof(m), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n <= 0) {
			*eof = true;
			return true;
		}
		if (n == sizeof(m) && !fo_guard_apply(&m))
			return false;
	}
}

/* Only stderr and the socket (moved to fd 3) stay open. */
static int
fo_guard_close_fds(int sock)
{
	struct rlimit rl;
	unsigned int fd;

	if (sock != 3) {
		if (dup2(sock, 3) < 0)
			return -1;
		close(sock);
	}
	close(STDIN_FILENO);
	close(STDOUT_FILENO);
	if (syscall(SYS_close_range, 4u, ~0u, 0u) == 0)
		return 3;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		rl.rlim_cur = 65536;
	for (fd = 4; fd < rl.rlim_cur; fd++)
		close(fd);
	return 3;
}

/*
 * fork() copied every mapping of the parent, among them some that hold a
 * device: a vfio-pci device's BARs (mapped, its file stays open, and the
 * kernel cannot finish the device's removal: QEMU's device_del and a live
 * migration would wait for the guardian), uio and sysfs resource BARs,
 * verbs doorbells, hugepages. None is the guardian's: they go.
 */
static char fo_guard_maps[8192];

static uintptr_t
fo_guard_hex(const char **p)
{
	uintptr_t v = 0;
	int d;

	for (;; (*p)++) {
		if (**p >= '0' && **p <= '9')
			d = **p - '0';
		else if (**p >= 'a' && **p <= 'f')
			d = **p - 'a' + 10;
		else
			return v;
		v = v * 16 + (uintptr_t)d;
	}
}

/* One line of /proc/self/maps: "start-end perms offset dev inode path". */
static void
fo_guard_drop_mapping(const char *line)
{
	const char *p = line;
	uintptr_t start, end;
	int field;

	start = fo_guard_hex(&p);
	if (*p++ != '-')
		return;
	end = fo_guard_hex(&p);
	for (field = 0; field < 5; field++) {
		while (*p == ' ')
			p++;
		if (field < 4)
			while (*p != ' ' && *p != '\0')
				p++;
	}
	if (end > start && (strncmp(p, "/dev/", 5) == 0 || strncmp(p, "/sys/", 5) == 0 ||
			    strncmp(p, "anon_inode:[vfio", 16) == 0))
		munmap((void *)start, end - start);
}

static void
fo_guard_drop_mappings(void)
{
	size_t len = 0;
	ssize_t n;
	char *line, *nl;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while ((n = read(fd, fo_guard_maps + len, sizeof(fo_guard_maps) - 1 - len)) > 0) {
		len += (size_t)n;
		fo_guard_maps[len] = '\0';
		line = fo_guard_maps;
		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			fo_guard_drop_mapping(line);
			line = nl + 1;
		}
		len -= (size_t)(line - fo_guard_maps);
		if (len == sizeof(fo_guard_maps) - 1)
			len = 0; /* a line longer than the buffer: not a path of ours */
		memmove(fo_guard_maps, line, len);
	}
	close(fd);
}

/*
 * What it undoes takes CAP_NET_ADMIN alone (rtnetlink requests): every
 * other capability goes, from the bounding set too, and it can gain none
 * (no_new_privs). Where it runs without them, nothing changes.
 */
static void
fo_guard_drop_privileges(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int cap;

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	for (cap = 0; cap < 64; cap++)
		if (cap != CAP_NET_ADMIN)
			prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	if (syscall(SYS_capget, &hdr, data) != 0)
		return;
	data[0].effective &= 1u << CAP_NET_ADMIN;
	data[0].permitted &= 1u << CAP_NET_ADMIN;
	data[0].inheritable = 0;
	data[1].effective = data[1].permitted = data[1].inheritable = 0;
	syscall(SYS_capset, &hdr, data);
}

static void __attribute__((noreturn)) fo_guard_child(int sock, pid_t parent)
{
	struct sigaction sa;
	struct pollfd pfd[2];
	sigset_t all;
	bool eof = false;
	int sig, pidfd, n;

	/* The parent's handlers (the application's, EAL's) must not run here. */
	memset(&sa, 0, sizeof(sa));
	for (sig = 1; sig < NSIG; sig++) {
		sa.sa_handler = sig == SIGPIPE ? SIG_IGN : SIG_DFL;
		sigaction(sig, &sa, NULL);
	}
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	/* Out of the process group: a Ctrl-C for the application is not for us. */
	setsid();
	prctl(PR_SET_NAME, "fo-guard", 0, 0, 0);
	sock = fo_guard_close_fds(sock);
	if (sock < 0)
		_exit(1);
	fo_guard_drop_mappings();

	/* A pidfd also sees the parent go when a child of its holds our socket. */
	pidfd = (int)syscall(SYS_pidfd_open, parent, 0);
	fo_guard_drop_privileges();
	pfd[0].fd = sock;
	pfd[0].events = POLLIN;
	pfd[1].fd = pidfd;
	pfd[1].events = POLLIN;
	n = pidfd >= 0 ? 2 : 1;
	while (!eof && getppid() == parent) {
		if (poll(pfd, n, -1) < 0) {
			/* Never undo while the parent may live: wait and look again. */
			const struct timespec pause = {.tv_sec = 0, .tv_nsec = 10000000};

			nanosleep(&pause, NULL);
			continue;
		}
		if (!fo_guard_read(sock, &eof))
			_exit(0); /* told to quit: the parent undid everything */
		if (n == 2 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0)
			break;
	}
	/* Whatever the parent sent before it went still counts. */
	if (!fo_guard_read(sock, &eof))
		_exit(0);
	fo_guard_undo_all(parent);
	_exit(0);
}

/* ---- Parent side. ---- */

static void
fo_guard_msg_err(char *err, size_t errlen, const char *what, int ret)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "guardian process: %s: %s", what, strerror(-ret));
}

static int
fo_guard_spawn(struct fo_guard *g, char *err, size_t errlen)
{
	pid_t parent = getpid(), pid;
	int sv[2], ret;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		ret = -errno;
		fo_guard_msg_err(err, errlen, "socketpair", ret);
		return ret;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(sv[0]);
		close(sv[1]);
		fo_guard_msg_err(err, errlen, "fork", ret);
		return ret;
	}
	if (pid == 0) {
		close(sv[0]);
		fo_guard_child(sv[1], parent);
	}
	close(sv[1]);
	g->pid = pid;
	g->sock = sv[0];
	return 0;
}

static int
fo_guard_send(struct fo_guard *g, uint32_t op, const struct fo_guard_rec *rec)
{
	struct fo_guard_msg m;

	memset(&m, 0, sizeof(m));
	m.op = op;
	if (rec != NULL)
		m.rec = *rec;
	if (send(g->sock, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m))
		return errno != 0 ? -errno : -EIO;
	return 0;
}

/* Close our end and wait for the guardian; kill it if it does not end. */
static void
fo_guard_reap(struct fo_guard *g)
{
	const struct timespec ms = {.tv_sec = 0, .tv_nsec = 1000000};
	unsigned int i;
	pid_t r;

	if (g->pid <= 0)
		return;
	close(g->sock);
	for (i = 0; i < FO_GUARD_REAP_MS; i++) {
		r = waitpid(g->pid, NULL, WNOHANG);
		if (r != 0) /* reaped, or ECHILD: SIGCHLD ignored or reaped elsewhere */
			break;
		nanosleep(&ms, NULL);
	}
	if (i == FO_GUARD_REAP_MS) {
		kill(g->pid, SIGKILL);
		waitpid(g->pid, NULL, 0);
	}
	g->pid = 0;
	g->sock = -1;
}

static int
fo_guard_find(const struct fo_guard *g, const struct fo_guard_rec *rec)
{
	unsigned int i;

	for (i = 0; i < g->n; i++)
		if (memcmp(&g->rec[i], rec, sizeof(*rec)) == 0)
			return (int)i;
	return -1;
}

int
fo_guard_has(const struct fo_guard *g, uint32_t kind, uint32_t ifindex, uint32_t peer)
{
	struct fo_guard_rec rec = {.kind = kind, .ifindex = ifindex, .peer = peer};

	return fo_guard_find(g, &rec) >= 0;
}

int
fo_guard_add(struct fo_guard *g, uint32_t kind, uint32_t ifindex, uint32_t peer, char *err,
	     size_t errlen)
{
	struct fo_guard_rec rec = {.kind = kind, .ifindex = ifindex, .peer = peer};
	unsigned int i, tries;
	int ret = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (fo_guard_find(g, &rec) >= 0)
		return 0;
	if (g->n == FO_GUARD_MAX) {
		fo_guard_msg_err(err, errlen, "add record", -ENOSPC);
		return -ENOSPC;
	}
	g->rec[g->n++] = rec;
	/* A guardian that died (killed by someone) is replaced, with every record. */
	for (tries = 0; tries < 2; tries++) {
		bool fresh = g->pid <= 0;

		if (fresh) {
			ret = fo_guard_spawn(g, err, errlen);
			if (ret < 0)
				break;
		}
		for (i = fresh ? 0 : g->n - 1; i < g->n && ret == 0; i++)
			ret = fo_guard_send(g, FO_GUARD_OP_ADD, &g->rec[i]);
		if (ret == 0)
			return 0;
		fo_guard_msg_err(err, errlen, "send", ret);
		fo_guard_reap(g);
	}
	/* Kept: a later add tries again to start a guardian with every record. */
	return ret;
}

void
fo_guard_del(struct fo_guard *g, uint32_t kind, uint32_t ifindex, uint32_t peer)
{
	struct fo_guard_rec rec = {.kind = kind, .ifindex = ifindex, .peer = peer};
	int i = fo_guard_find(g, &rec);

	if (i < 0)
		return;
	g->rec[i] = g->rec[--g->n];
	if (g->n == 0)
		fo_guard_stop(g);
	else if (g->pid > 0 && fo_guard_send(g, FO_GUARD_OP_DEL, &rec) < 0)
		fo_guard_reap(g); /* dead: replaced at the next add */
}

void
fo_guard_stop(struct fo_guard *g)
{
	g->n = 0;
	if (g->pid <= 0)
		return;
	fo_guard_send(g, FO_GUARD_OP_QUIT, NULL);
	fo_guard_reap(g);
}
