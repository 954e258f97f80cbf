/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The kernel_traffic=keep XDP program: its object for net_af_xdp, its
 * address map kept in step with the netdev. No DPDK dependency: see
 * failover_xdp.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifdef FO_HAVE_LIBBPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#endif

#include "failover_xdp.h"

/* Link and address dumps come in skbs of up to 32 KiB. */
#define FO_XDP_RX_SIZE 32768
/* An address dump that raced with a change is read again this many times. */
#define FO_XDP_DUMP_TRIES 3
#define FO_XDP_DIM(a) (sizeof(a) / sizeof((a)[0]))

struct fo_xdp_nl {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	char *buf; /* FO_XDP_RX_SIZE bytes */
};

static void
fo_xdp_msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void
fo_xdp_nl_close(struct fo_xdp_nl *n)
{
	if (n->nl != NULL)
		mnl_socket_close(n->nl);
	free(n->buf);
	n->nl = NULL;
	n->buf = NULL;
}

static int
fo_xdp_nl_open(struct fo_xdp_nl *n)
{
	int ret;

	memset(n, 0, sizeof(*n));
	n->buf = malloc(FO_XDP_RX_SIZE);
	if (n->buf == NULL)
		return -ENOMEM;
	n->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (n->nl == NULL || mnl_socket_bind(n->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		fo_xdp_nl_close(n);
		return ret;
	}
	n->portid = mnl_socket_get_portid(n->nl);
	n->seq = (unsigned int)getpid();
	return 0;
}

/*
 * Send the request in n->buf and run cb on each message of the reply until
 * the kernel's ack or the end of the dump. *intr (may be NULL) tells that a
 * dump raced with a change (NLM_F_DUMP_INTR).
 */
static int
fo_xdp_nl_talk(struct fo_xdp_nl *n, mnl_cb_t cb, void *arg, bool *intr)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)n->buf;
	unsigned int seq = ++n->seq;
	ssize_t len;
	int ret;

	nlh->nlmsg_seq = seq;
	if (intr != NULL)
		*intr = false;
	if (mnl_socket_sendto(n->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		len = mnl_socket_recvfrom(n->nl, n->buf, FO_XDP_RX_SIZE);
		if (len < 0)
			return -errno;
		if (intr != NULL) {
			const struct nlmsghdr *m = (const struct nlmsghdr *)n->buf;
			int left = (int)len;

			for (; mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left))
				*intr |= (m->nlmsg_flags & NLM_F_DUMP_INTR) != 0;
		}
		errno = 0; /* a callback's MNL_CB_ERROR sets none */
		ret = mnl_cb_run(n->buf, (size_t)len, seq, n->portid, cb, arg);
	} while (ret > MNL_CB_STOP);
	if (ret < 0)
		return errno != 0 ? -errno : -EBADMSG;
	return 0;
}

/* ---- The attached program (rtnetlink). ---- */

struct fo_xdp_link {
	unsigned int ifindex;
	uint32_t prog_id;
	uint32_t mode;
};

static int
fo_xdp_xdp_attr_cb(const struct nlattr *attr, void *data)
{
	struct fo_xdp_link *l = data;
	uint32_t v;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_XDP_ATTACHED:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0)
			l->mode = mnl_attr_get_u8(attr);
		break;
	case IFLA_XDP_PROG_ID:
	case IFLA_XDP_DRV_PROG_ID:
		/* One program: PROG_ID; driver and generic together: DRV_PROG_ID. */
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0 && (v = mnl_attr_get_u32(attr)) != 0)
			l->prog_id = v;
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int
fo_xdp_link_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == IFLA_XDP)
		mnl_attr_parse_nested(attr, fo_xdp_xdp_attr_cb, data);
	return MNL_CB_OK;
}

static int
fo_xdp_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fo_xdp_link *l = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi) ||
	    (unsigned int)ifi->ifi_index != l->ifindex)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifi), fo_xdp_link_attr_cb, l) < 0)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static int
fo_xdp_query(unsigned int ifindex, struct fo_xdp_link *l)
{
	struct fo_xdp_nl n;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int ret;

	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	if (ifindex == 0 || ifindex > INT32_MAX)
		return -ENODEV;
	ret = fo_xdp_nl_open(&n);
	if (ret < 0)
		return ret;
	nlh = mnl_nlmsg_put_header(n.buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK; /* the ack ends the reply */
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ret = fo_xdp_nl_talk(&n, fo_xdp_link_cb, l, NULL);
	fo_xdp_nl_close(&n);
	if (l->mode == XDP_ATTACHED_NONE)
		l->prog_id = 0;
	return ret;
}

#ifdef FO_HAVE_LIBBPF

/* "ifindex N (name)" for messages; the name may be gone. */
static const char *
fo_xdp_ifname(unsigned int ifindex, char *buf, size_t len)
{
	char name[IF_NAMESIZE];

	if (if_indextoname(ifindex, name) == NULL)
		snprintf(buf, len, "ifindex %u", ifindex);
	else
		snprintf(buf, len, "ifindex %u (%s)", ifindex, name);
	return buf;
}

/* ---- The netdev's addresses (rtnetlink). ---- */

struct fo_xdp_addrs {
	unsigned int ifindex;
	unsigned int n;
	bool overflow;
	uint8_t a[FO_XDP_KEEP_MAX_ADDRS][16];
};

static void
fo_xdp_addrs_add(struct fo_xdp_addrs *s, const uint8_t *key)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (memcmp(s->a[i], key, 16) == 0)
			return;
	if (s->n == FO_XDP_KEEP_MAX_ADDRS) {
		s->overflow = true;
		return;
	}
	memcpy(s->a[s->n++], key, 16);
}

struct fo_xdp_ifa {
	const struct nlattr *local;
	const struct nlattr *address;
};

static int
fo_xdp_ifa_attr_cb(const struct nlattr *attr, void *data)
{
	struct fo_xdp_ifa *t = data;

	if (mnl_attr_get_type(attr) == IFA_LOCAL)
		t->local = attr;
	else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
		t->address = attr;
	return MNL_CB_OK;
}

static int
fo_xdp_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fo_xdp_addrs *s = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct fo_xdp_ifa t = {NULL, NULL};
	const struct nlattr *attr;
	uint8_t key[16] = {0};

	if (nlh->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    ifa->ifa_index != s->ifindex)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifa), fo_xdp_ifa_attr_cb, &t) < 0)
		return MNL_CB_ERROR;
	/* IFA_LOCAL is the address itself; IFA_ADDRESS the peer's on a point-to-point link. */
	attr = t.local != NULL ? t.local : t.address;
	if (attr == NULL)
		return MNL_CB_OK;
	if (ifa->ifa_family == AF_INET && mnl_attr_get_payload_len(attr) == 4) {
		key[10] = 0xff;
		key[11] = 0xff;
		memcpy(&key[12], mnl_attr_get_payload(attr), 4);
	} else if (ifa->ifa_family == AF_INET6 && mnl_attr_get_payload_len(attr) == 16) {
		memcpy(key, mnl_attr_get_payload(attr), 16);
	} else {
		return MNL_CB_OK;
	}
	fo_xdp_addrs_add(s, key);
	return MNL_CB_OK;
}

static int
fo_xdp_dump_addrs(struct fo_xdp_addrs *s)
{
	struct fo_xdp_nl n;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	bool intr = true;
	int ret, tries;

	ret = fo_xdp_nl_open(&n);
	if (ret < 0)
		return ret;
	for (tries = 0; tries < FO_XDP_DUMP_TRIES && intr; tries++) {
		s->n = 0;
		s->overflow = false;
		nlh = mnl_nlmsg_put_header(n.buf);
		nlh->nlmsg_type = RTM_GETADDR;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = AF_UNSPEC;
		ret = fo_xdp_nl_talk(&n, fo_xdp_addr_cb, s, &intr);
		if (ret < 0)
			break;
	}
	fo_xdp_nl_close(&n);
	if (ret == 0 && intr)
		ret = -EAGAIN;
	return ret;
}

/* ---- The program and its maps (bpf()). ---- */

/*
 * The map called name of the program prog_fd, checked to have the given
 * type and sizes: its fd, or -ENOENT (no such map) or another negative
 * errno. prog_name (BPF_OBJ_NAME_LEN bytes) gets the program's name.
 */
static int
fo_xdp_prog_map(int prog_fd, const char *name, uint32_t type, uint32_t key_size,
		uint32_t value_size, char *prog_name)
{
	struct bpf_prog_info info;
	struct bpf_map_info minfo;
	uint32_t ids[16], len, i;
	int fd;

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = FO_XDP_DIM(ids);
	info.map_ids = (uint64_t)(uintptr_t)ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) < 0)
		return -errno;
	snprintf(prog_name, BPF_OBJ_NAME_LEN, "%s", info.name);
	if (info.nr_map_ids > FO_XDP_DIM(ids))
		info.nr_map_ids = FO_XDP_DIM(ids);
	for (i = 0; i < info.nr_map_ids; i++) {
		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue; /* gone meanwhile */
		memset(&minfo, 0, sizeof(minfo));
		len = sizeof(minfo);
		if (bpf_obj_get_info_by_fd(fd, &minfo, &len) == 0 &&
		    strncmp(minfo.name, name, sizeof(minfo.name)) == 0 && minfo.type == type &&
		    minfo.key_size == key_size && minfo.value_size == value_size)
			return fd;
		close(fd);
	}
	return -ENOENT;
}

/* fd of a map of our program on ifindex, with err saying why not. */
static int
fo_xdp_keep_map(unsigned int ifindex, const char *name, uint32_t type, uint32_t key_size,
		uint32_t value_size, char *err, size_t errlen)
{
	char ifname[IF_NAMESIZE + 24], prog[BPF_OBJ_NAME_LEN] = "";
	struct fo_xdp_link l;
	int prog_fd, ret;

	fo_xdp_ifname(ifindex, ifname, sizeof(ifname));
	ret = fo_xdp_query(ifindex, &l);
	if (ret < 0) {
		fo_xdp_msg(err, errlen, "XDP program of %s: %s", ifname, strerror(-ret));
		return ret;
	}
	if (l.prog_id == 0) {
		fo_xdp_msg(err, errlen, "no XDP program attached to %s", ifname);
		return -ENOENT;
	}
	prog_fd = bpf_prog_get_fd_by_id(l.prog_id);
	if (prog_fd < 0 && errno == ENOENT) {
		fo_xdp_msg(err, errlen, "the XDP program %u of %s went away", l.prog_id, ifname);
		return -ENOENT;
	}
	if (prog_fd < 0) {
		ret = -errno;
		fo_xdp_msg(err, errlen, "XDP program %u on %s: %s", l.prog_id, ifname,
			   strerror(errno));
		return ret;
	}
	ret = fo_xdp_prog_map(prog_fd, name, type, key_size, value_size, prog);
	close(prog_fd);
	if (ret == -ENOENT)
		fo_xdp_msg(err, errlen,
			   "XDP program %u \"%s\" on %s is not net_failover's (no map %s)",
			   l.prog_id, prog, ifname, name);
	else if (ret < 0)
		fo_xdp_msg(err, errlen, "XDP program %u on %s: %s", l.prog_id, ifname,
			   strerror(-ret));
	return ret;
}

#endif /* FO_HAVE_LIBBPF */

/* ---- API. ---- */

#ifdef FO_HAVE_XDP_KEEP

static pthread_mutex_t fo_xdp_lock = PTHREAD_MUTEX_INITIALIZER;
static int fo_xdp_memfd = -1; /* the object, open for the life of the process */

static int
fo_xdp_write_memfd(char *err, size_t errlen)
{
	const unsigned char *p = fo_xdp_keep_obj;
	size_t left = fo_xdp_keep_obj_len;
	ssize_t n;
	int fd, ret;

	fd = memfd_create("net_failover_xdp_keep", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		ret = -errno;
		fo_xdp_msg(err, errlen, "memfd_create: %s", strerror(errno));
		return ret;
	}
	while (left > 0) {
		n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			fo_xdp_msg(err, errlen, "write of the XDP object to its memfd: %s",
				   strerror(-ret));
			close(fd);
			return ret;
		}
		p += n;
		left -= (size_t)n;
	}
	/* Nobody changes it under net_af_xdp: sealed read-only. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		ret = -errno;
		fo_xdp_msg(err, errlen, "sealing the XDP object's memfd: %s", strerror(errno));
		close(fd);
		return ret;
	}
	return fd;
}

bool
fo_xdp_keep_available(void)
{
	return true;
}

int
fo_xdp_keep_prog_path(char *path, size_t len, char *err, size_t errlen)
{
	char p[64];
	int ret = 0;

	fo_xdp_msg(err, errlen, "%s", "");
	pthread_mutex_lock(&fo_xdp_lock);
	if (fo_xdp_memfd < 0) {
		ret = fo_xdp_write_memfd(err, errlen);
		if (ret >= 0) {
			fo_xdp_memfd = ret;
			ret = 0;
		}
	}
	if (ret == 0)
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fo_xdp_memfd);
	pthread_mutex_unlock(&fo_xdp_lock);
	if (ret < 0)
		return ret;
	/* net_af_xdp opens it by this path: /proc must be there. */
	if (access(p, R_OK) != 0) {
		ret = -errno;
		fo_xdp_msg(err, errlen, "%s: %s (is /proc mounted?)", p, strerror(errno));
		return ret;
	}
	if (path == NULL || (size_t)snprintf(path, len, "%s", p) >= len) {
		fo_xdp_msg(err, errlen, "no room for the path %s", p);
		return -ENOSPC;
	}
	return 0;
}

#else /* !FO_HAVE_XDP_KEEP */

bool
fo_xdp_keep_available(void)
{
	return false;
}

int
fo_xdp_keep_prog_path(char *path, size_t len, char *err, size_t errlen)
{
	if (path != NULL && len > 0)
		path[0] = '\0';
	fo_xdp_msg(err, errlen,
		   "net_failover was built without its XDP program (needs clang and libbpf-dev)");
	return -ENOTSUP;
}

#endif /* FO_HAVE_XDP_KEEP */

#ifdef FO_HAVE_LIBBPF

/* Remove the n keys at stale from the map. */
static int
fo_xdp_del_keys(int fd, const uint8_t (*stale)[16], unsigned int n, const char *ifname, char *err,
		size_t errlen)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		if (bpf_map_delete_elem(fd, stale[i]) < 0 && errno != ENOENT) {
			ret = -errno;
			fo_xdp_msg(err, errlen, "removing an address of %s from %s: %s", ifname,
				   FO_XDP_KEEP_ADDRS_MAP, strerror(errno));
			return ret;
		}
	}
	return 0;
}

/* Add (or rewrite) the wanted keys. */
static int
fo_xdp_add_keys(int fd, const struct fo_xdp_addrs *want, const char *ifname, char *err,
		size_t errlen)
{
	static const uint8_t one = 1;
	unsigned int i;
	int ret;

	for (i = 0; i < want->n; i++) {
		if (bpf_map_update_elem(fd, want->a[i], &one, BPF_ANY) < 0) {
			ret = -errno;
			fo_xdp_msg(err, errlen, "adding an address of %s to %s: %s", ifname,
				   FO_XDP_KEEP_ADDRS_MAP, strerror(errno));
			return ret;
		}
	}
	return 0;
}

/* The keys of the map that are not wanted into stale; their number or a negative errno. */
static int
fo_xdp_stale_keys(int fd, const struct fo_xdp_addrs *want, uint8_t (*stale)[16])
{
	uint8_t key[16], next[16];
	unsigned int n = 0, seen = 0, j;
	int ret;

	ret = bpf_map_get_next_key(fd, NULL, next);
	/* Bounded: the map may change under us. */
	while (ret == 0 && seen++ < FO_XDP_KEEP_MAX_ADDRS) {
		for (j = 0; j < want->n && memcmp(next, want->a[j], 16) != 0; j++)
			;
		if (j == want->n)
			memcpy(stale[n++], next, 16);
		memcpy(key, next, 16);
		ret = bpf_map_get_next_key(fd, key, next);
	}
	return ret == 0 || errno == ENOENT ? (int)n : -errno;
}

int
fo_xdp_keep_update(unsigned int ifindex, char *err, size_t errlen)
{
	char ifname[IF_NAMESIZE + 24];
	struct fo_xdp_addrs *want;
	uint8_t(*stale)[16];
	int fd, ret, nstale;

	fo_xdp_msg(err, errlen, "%s", "");
	fd = fo_xdp_keep_map(ifindex, FO_XDP_KEEP_ADDRS_MAP, BPF_MAP_TYPE_HASH, 16, 1, err, errlen);
	if (fd < 0)
		return fd;
	fo_xdp_ifname(ifindex, ifname, sizeof(ifname));
	want = calloc(1, sizeof(*want));
	stale = calloc(FO_XDP_KEEP_MAX_ADDRS, sizeof(*stale));
	if (want == NULL || stale == NULL) {
		ret = -ENOMEM;
		fo_xdp_msg(err, errlen, "addresses of %s: %s", ifname, strerror(ENOMEM));
		goto out;
	}
	want->ifindex = ifindex;
	ret = fo_xdp_dump_addrs(want);
	if (ret < 0) {
		fo_xdp_msg(err, errlen, "address dump of %s: %s", ifname, strerror(-ret));
		goto out;
	}
	if (want->overflow) {
		ret = -ENOSPC;
		fo_xdp_msg(err, errlen, "%s has more than %u addresses", ifname,
			   FO_XDP_KEEP_MAX_ADDRS);
		goto out;
	}
	nstale = fo_xdp_stale_keys(fd, want, stale);
	if (nstale < 0) {
		ret = nstale;
		fo_xdp_msg(err, errlen, "reading %s of %s: %s", FO_XDP_KEEP_ADDRS_MAP, ifname,
			   strerror(-ret));
		goto out;
	}
	/* Add first, so that an address that stays is never missing; unless it cannot fit. */
	if (want->n + (unsigned int)nstale > FO_XDP_KEEP_MAX_ADDRS) {
		ret = fo_xdp_del_keys(fd, stale, (unsigned int)nstale, ifname, err, errlen);
		if (ret == 0)
			ret = fo_xdp_add_keys(fd, want, ifname, err, errlen);
	} else {
		ret = fo_xdp_add_keys(fd, want, ifname, err, errlen);
		if (ret == 0)
			ret = fo_xdp_del_keys(fd, stale, (unsigned int)nstale, ifname, err, errlen);
	}
out:
	free(stale);
	free(want);
	close(fd);
	return ret;
}

int
fo_xdp_keep_stats(unsigned int ifindex, uint64_t *passed, uint64_t *redirected)
{
	uint64_t sum[2] = {0, 0}, *v;
	uint32_t idx;
	int fd, ncpu, i, ret = 0;

	fd = fo_xdp_keep_map(ifindex, FO_XDP_KEEP_STATS_MAP, BPF_MAP_TYPE_PERCPU_ARRAY,
			     sizeof(uint32_t), sizeof(uint64_t), NULL, 0);
	if (fd < 0)
		return fd;
	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0) {
		close(fd);
		return ncpu < 0 ? ncpu : -EINVAL;
	}
	v = calloc((size_t)ncpu, sizeof(*v));
	if (v == NULL) {
		close(fd);
		return -ENOMEM;
	}
	for (idx = 0; idx < 2 && ret == 0; idx++) {
		if (bpf_map_lookup_elem(fd, &idx, v) < 0) {
			ret = -errno;
			break;
		}
		for (i = 0; i < ncpu; i++)
			sum[idx] += v[i];
	}
	free(v);
	close(fd);
	if (ret < 0)
		return ret;
	if (passed != NULL)
		*passed = sum[FO_XDP_KEEP_STAT_PASSED];
	if (redirected != NULL)
		*redirected = sum[FO_XDP_KEEP_STAT_REDIRECTED];
	return 0;
}

#else /* !FO_HAVE_LIBBPF */

int
fo_xdp_keep_update(unsigned int ifindex, char *err, size_t errlen)
{
	fo_xdp_msg(err, errlen, "net_failover was built without libbpf: cannot update ifindex %u",
		   ifindex);
	return -ENOTSUP;
}

int
fo_xdp_keep_stats(unsigned int ifindex, uint64_t *passed, uint64_t *redirected)
{
	return -ENOTSUP;
}

#endif /* FO_HAVE_LIBBPF */

int
fo_xdp_attached(unsigned int ifindex, uint32_t *prog_id, char *name, size_t namelen, uint32_t *mode)
{
	struct fo_xdp_link l;
	int ret;

	if (name != NULL && namelen > 0)
		name[0] = '\0';
	ret = fo_xdp_query(ifindex, &l);
	if (ret < 0)
		return ret;
	if (prog_id != NULL)
		*prog_id = l.prog_id;
	if (mode != NULL)
		*mode = l.mode;
#ifdef FO_HAVE_LIBBPF
	if (l.prog_id != 0 && name != NULL && namelen > 0) {
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(l.prog_id);

		memset(&info, 0, sizeof(info));
		if (fd >= 0) {
			if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
				snprintf(name, namelen, "%s", info.name);
			close(fd);
		}
	}
#endif
	return 0;
}
