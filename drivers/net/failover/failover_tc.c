/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * TC redirection of the TAP exception path over rtnetlink (libmnl).
 * No DPDK dependency: see failover_tc.h.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>

#include "failover_tc.h"

/* Dump replies can be as large as the kernel's 32 KiB dump skbs. */
#define FO_TC_RX_SIZE 32768
/* Our requests carry a handful of small attributes. */
#define FO_TC_TX_SIZE 1024
/* Filters on the ingress block: this parent works for ingress and clsact. */
#define FO_TC_PARENT TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define FO_TC_COOKIE_LEN (sizeof(FO_TC_COOKIE) - 1)
/* Our key nodes recorded per interface for removal one by one. */
#define FO_TC_MAX_OURS 16

struct fo_tc {
	struct mnl_socket *nl; /* opened lazily, reopened after a failed dump */
	unsigned int portid;
	unsigned int seq;
	char *err;
	size_t errlen;
	char tx[FO_TC_TX_SIZE];
	char rx[FO_TC_RX_SIZE];
};

/* Outcome of one request: the kernel's errno and extended ack message. */
struct fo_tc_reply {
	mnl_cb_t cb;
	void *arg;
	int error;
	bool no_socket; /* the error is from opening the socket */
	char ext[160];
};

/* What the ingress block of one interface holds. */
struct fo_tc_scan {
	uint32_t ifindex;
	uint32_t target;      /* where our redirect must point */
	unsigned int total;   /* every entry, ours or not */
	unsigned int at_prio; /* entries at our priority on chain 0 */
	unsigned int foreign; /* filters at our priority without our cookie */
	unsigned int ours;    /* key nodes with our cookie */
	unsigned int good;    /* ... of which exactly what install adds */
	unsigned int nhandles;
	uint32_t handles[FO_TC_MAX_OURS];
};

struct fo_tc_table {
	const struct nlattr **tb;
	unsigned int max;
};

static int
fo_tc_table_cb(const struct nlattr *attr, void *data)
{
	struct fo_tc_table *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	/* Attributes newer than our headers are skipped, not fatal. */
	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

void
fo_tc_parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max)
{
	struct fo_tc_table t = {.tb = tb, .max = max};

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (nest != NULL)
		mnl_attr_parse_nested(nest, fo_tc_table_cb, &t);
}

int
fo_tc_parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb,
		  unsigned int max)
{
	struct fo_tc_table t = {.tb = tb, .max = max};

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return mnl_attr_parse(nlh, hdrlen, fo_tc_table_cb, &t) < 0 ? -1 : 0;
}

static const char *
fo_tc_attr_str(const struct nlattr *attr)
{
	if (attr == NULL || mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return "";
	return mnl_attr_get_str(attr);
}

static void
fo_tc_msg(struct fo_tc *tc, const char *fmt, ...)
{
	va_list ap;

	if (tc->err == NULL || tc->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(tc->err, tc->errlen, fmt, ap);
	va_end(ap);
}

/* "<op> on <ifname>: <strerror>[ (kernel: <extack>)]"; returns ret. */
static int
fo_tc_fail(struct fo_tc *tc, int ret, const struct fo_tc_reply *r, const char *op,
	   const char *ifname)
{
	const char *ext = r != NULL ? r->ext : "";

	fo_tc_msg(tc, "%s on %s: %s%s%s%s%s", op, ifname,
		  r != NULL && r->no_socket ? "open rtnetlink socket: " : "", strerror(-ret),
		  ext[0] ? " (kernel: " : "", ext, ext[0] ? ")" : "");
	return ret;
}

static int
fo_tc_ext_cb(const struct nlattr *attr, void *data)
{
	struct fo_tc_reply *r = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(r->ext, sizeof(r->ext), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* The extended ack TLVs follow the error header and, unless capped, the request. */
static void
fo_tc_parse_ext(const struct nlmsghdr *nlh, size_t off, struct fo_tc_reply *r)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (MNL_ALIGN(off) >= mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, off, fo_tc_ext_cb, r);
}

static int
fo_tc_error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fo_tc_reply *r = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		r->error = -EBADMSG;
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP; /* the ack */
	r->error = e->error < 0 ? e->error : -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	fo_tc_parse_ext(nlh, off, r);
	errno = -r->error;
	return MNL_CB_ERROR;
}

static int
fo_tc_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fo_tc_reply *r = data;
	int status = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(status))
		memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
	if (status >= 0)
		return MNL_CB_STOP;
	r->error = status;
	fo_tc_parse_ext(nlh, sizeof(status), r);
	errno = -status;
	return MNL_CB_ERROR;
}

static int
fo_tc_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fo_tc_reply *r = data;

	return r->cb != NULL ? r->cb(nlh, r->arg) : MNL_CB_OK;
}

static void
fo_tc_close(struct fo_tc *tc)
{
	if (tc->nl != NULL)
		mnl_socket_close(tc->nl);
	tc->nl = NULL;
}

static int
fo_tc_open(struct fo_tc *tc)
{
	int one = 1;

	tc->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (tc->nl == NULL)
		return -errno;
	if (mnl_socket_bind(tc->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int ret = -errno;

		fo_tc_close(tc);
		return ret;
	}
	tc->portid = mnl_socket_get_portid(tc->nl);
	/* Best effort: old kernels lack them, errors are then bare errnos. */
	mnl_socket_setsockopt(tc->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(tc->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;
}

/* Send the request in tc->tx and run the replies through cb; 0 or -errno. */
static int
fo_tc_talk(struct fo_tc *tc, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg, struct fo_tc_reply *r)
{
	/* Non-const only because mnl_cb_run2() takes it so. */
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = fo_tc_error_cb,
		[NLMSG_DONE] = fo_tc_done_cb,
	};
	ssize_t n;
	int ret;

	memset(r, 0, sizeof(*r));
	r->cb = cb;
	r->arg = arg;
	if (tc->nl == NULL) {
		ret = fo_tc_open(tc);
		if (ret < 0) {
			r->no_socket = true;
			return ret;
		}
	}
	nlh->nlmsg_seq = ++tc->seq;
	if (mnl_socket_sendto(tc->nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto fail;
	}
	for (;;) {
		n = mnl_socket_recvfrom(tc->nl, tc->rx, sizeof(tc->rx));
		if (n < 0) {
			ret = -errno;
			goto fail;
		}
		ret = mnl_cb_run2(tc->rx, n, nlh->nlmsg_seq, tc->portid, fo_tc_data_cb, r, ctl,
				  MNL_ARRAY_SIZE(ctl));
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret == MNL_CB_ERROR) {
			ret = r->error != 0 ? r->error : (errno != 0 ? -errno : -EPROTO);
			goto fail;
		}
	}
fail:
	/* Rest of a broken dump may still be queued: start afresh next time. */
	if (nlh->nlmsg_flags & NLM_F_DUMP)
		fo_tc_close(tc);
	return ret;
}

static struct nlmsghdr *
fo_tc_request(struct fo_tc *tc, uint16_t type, uint16_t flags, uint32_t ifindex, uint32_t parent,
	      uint32_t handle, uint32_t info)
{
	struct nlmsghdr *nlh;
	struct tcmsg *t;

	memset(tc->tx, 0, sizeof(tc->tx));
	nlh = mnl_nlmsg_put_header(tc->tx);
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

/* The actions of a filter: how many, the last one, and whether one has our cookie. */
struct fo_tc_acts {
	unsigned int n;
	const struct nlattr *last;
	bool mine;
};

static int
fo_tc_act_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr *act[TCA_ACT_MAX + 1];
	struct fo_tc_acts *a = data;
	const struct nlattr *c;

	a->n++;
	a->last = attr;
	fo_tc_parse_nested(attr, act, TCA_ACT_MAX);
	c = act[TCA_ACT_COOKIE];
	if (c != NULL && mnl_attr_get_payload_len(c) == FO_TC_COOKIE_LEN &&
	    memcmp(mnl_attr_get_payload(c), FO_TC_COOKIE, FO_TC_COOKIE_LEN) == 0)
		a->mine = true;
	return MNL_CB_OK;
}

/* Is this u32 key node ours (cookie), and exactly what install adds (good)? */
static void
fo_tc_u32_judge(const struct nlattr *options, uint32_t target, bool *mine, bool *good)
{
	const struct nlattr *u32[TCA_U32_MAX + 1];
	const struct nlattr *act[TCA_ACT_MAX + 1];
	const struct nlattr *mir[TCA_MIRRED_MAX + 1];
	struct fo_tc_acts acts = {0};
	struct tc_u32_sel sel;
	struct tc_u32_key key;
	struct tc_mirred parms;

	*mine = false;
	*good = false;
	fo_tc_parse_nested(options, u32, TCA_U32_MAX);
	if (u32[TCA_U32_ACT] == NULL)
		return;
	mnl_attr_parse_nested(u32[TCA_U32_ACT], fo_tc_act_cb, &acts);
	*mine = acts.mine;
	if (!*mine || acts.n != 1)
		return;

	/* One key matching everything, terminal. */
	if (u32[TCA_U32_SEL] == NULL ||
	    mnl_attr_get_payload_len(u32[TCA_U32_SEL]) < sizeof(sel) + sizeof(key))
		return;
	memcpy(&sel, mnl_attr_get_payload(u32[TCA_U32_SEL]), sizeof(sel));
	memcpy(&key, (const char *)mnl_attr_get_payload(u32[TCA_U32_SEL]) + sizeof(sel),
	       sizeof(key));
	if (sel.nkeys != 1 || !(sel.flags & TC_U32_TERMINAL) || key.mask != 0)
		return;

	/* One mirred action: egress redirect to the other interface. */
	fo_tc_parse_nested(acts.last, act, TCA_ACT_MAX);
	if (strcmp(fo_tc_attr_str(act[TCA_ACT_KIND]), "mirred") != 0)
		return;
	fo_tc_parse_nested(act[TCA_ACT_OPTIONS], mir, TCA_MIRRED_MAX);
	if (mir[TCA_MIRRED_PARMS] == NULL ||
	    mnl_attr_get_payload_len(mir[TCA_MIRRED_PARMS]) < sizeof(parms))
		return;
	memcpy(&parms, mnl_attr_get_payload(mir[TCA_MIRRED_PARMS]), sizeof(parms));
	*good = parms.eaction == TCA_EGRESS_REDIR && parms.action == TC_ACT_STOLEN &&
		parms.ifindex == target;
}

static int
fo_tc_filter_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fo_tc_scan *s = data;
	const struct nlattr *tb[TCA_MAX + 1];
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	bool mine, good;

	if (nlh->nlmsg_type != RTM_NEWTFILTER || mnl_nlmsg_get_payload_len(nlh) < sizeof(*t) ||
	    t->tcm_ifindex != (int)s->ifindex)
		return MNL_CB_OK;
	if (fo_tc_parse_attrs(nlh, sizeof(*t), tb, TCA_MAX) < 0)
		return MNL_CB_ERROR;
	s->total++;
	if (TC_H_MAJ(t->tcm_info) >> 16 != FO_TC_PRIO ||
	    (tb[TCA_CHAIN] != NULL && mnl_attr_get_u32(tb[TCA_CHAIN]) != 0))
		return MNL_CB_OK;
	s->at_prio++;
	if (strcmp(fo_tc_attr_str(tb[TCA_KIND]), "u32") != 0) {
		s->foreign++;
		return MNL_CB_OK;
	}
	/* Head and hash tables follow the key nodes they hold. */
	if (TC_U32_KEY(t->tcm_handle) == 0)
		return MNL_CB_OK;
	fo_tc_u32_judge(tb[TCA_OPTIONS], s->target, &mine, &good);
	if (!mine) {
		s->foreign++;
		return MNL_CB_OK;
	}
	s->ours++;
	if (good && TC_U32_NODE(t->tcm_handle) == FO_TC_U32_NODE &&
	    TC_H_MIN(t->tcm_info) == htons(ETH_P_ALL))
		s->good++;
	if (s->nhandles < FO_TC_MAX_OURS)
		s->handles[s->nhandles++] = t->tcm_handle;
	return MNL_CB_OK;
}

static int
fo_tc_scan(struct fo_tc *tc, const char *ifname, uint32_t ifindex, uint32_t target,
	   struct fo_tc_scan *s)
{
	struct fo_tc_reply r;
	struct nlmsghdr *nlh;
	int ret, tries;

	/* A dump interrupted by a concurrent change is retried. */
	for (tries = 0; tries < 3; tries++) {
		memset(s, 0, sizeof(*s));
		s->ifindex = ifindex;
		s->target = target;
		nlh = fo_tc_request(tc, RTM_GETTFILTER, NLM_F_DUMP, ifindex, FO_TC_PARENT, 0, 0);
		ret = fo_tc_talk(tc, nlh, fo_tc_filter_cb, s, &r);
		if (ret != -EINTR)
			break;
	}
	if (ret < 0)
		return fo_tc_fail(tc, ret, &r, "dump ingress filters", ifname);
	return 0;
}

/* Make sure of an ingress qdisc; *created tells whether it is a new one. */
static int
fo_tc_add_qdisc(struct fo_tc *tc, const char *ifname, uint32_t ifindex, bool *created)
{
	struct fo_tc_reply r;
	struct nlmsghdr *nlh;
	int ret;

	nlh = fo_tc_request(tc, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, ifindex,
			    TC_H_INGRESS, TC_H_MAKE(TC_H_INGRESS, 0), 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "ingress");
	ret = fo_tc_talk(tc, nlh, NULL, NULL, &r);
	*created = ret == 0;
	/* An ingress or clsact qdisc already there serves as well. */
	if (ret == -EEXIST)
		return 0;
	if (ret < 0)
		return fo_tc_fail(tc, ret, &r, "add ingress qdisc", ifname);
	return 0;
}

/* Delete an ingress qdisc (the kind check spares clsact); gone is fine. */
static int
fo_tc_del_qdisc(struct fo_tc *tc, const char *ifname, uint32_t ifindex)
{
	struct fo_tc_reply r;
	struct nlmsghdr *nlh;
	int ret;

	nlh = fo_tc_request(tc, RTM_DELQDISC, NLM_F_ACK, ifindex, TC_H_INGRESS,
			    TC_H_MAKE(TC_H_INGRESS, 0), 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "ingress");
	ret = fo_tc_talk(tc, nlh, NULL, NULL, &r);
	if (ret == -ENOENT || ret == -EINVAL || ret == -ENODEV)
		return 0;
	if (ret < 0)
		return fo_tc_fail(tc, ret, &r, "delete ingress qdisc", ifname);
	return 0;
}

/*
 * Delete one filter (handle != 0) or the whole priority (handle 0).
 * Protocol 0 matches whatever protocol a stale filter was added with.
 */
static int
fo_tc_del_filter(struct fo_tc *tc, const char *ifname, uint32_t ifindex, uint32_t handle)
{
	struct fo_tc_reply r;
	struct nlmsghdr *nlh;
	int ret;

	nlh = fo_tc_request(tc, RTM_DELTFILTER, NLM_F_ACK, ifindex, FO_TC_PARENT, handle,
			    TC_H_MAKE((uint32_t)FO_TC_PRIO << 16, 0));
	if (handle != 0)
		mnl_attr_put_strz(nlh, TCA_KIND, "u32");
	ret = fo_tc_talk(tc, nlh, NULL, NULL, &r);
	if (ret == -ENOENT || ret == -ENODEV)
		return 0;
	if (ret < 0)
		return fo_tc_fail(tc, ret, &r, "delete redirect filter", ifname);
	return 0;
}

/* u32 "match u32 0 0" (everything) + mirred egress redirect to target. */
static int
fo_tc_add_filter(struct fo_tc *tc, const char *ifname, uint32_t ifindex, const char *target_name,
		 uint32_t target)
{
	/* tc_u32_sel ends in a flexible array: selector and its key side by side. */
	char sel[sizeof(struct tc_u32_sel) + sizeof(struct tc_u32_key)];
	struct tc_u32_sel head;
	struct tc_mirred parms;
	struct nlattr *opts, *acts, *act, *aopts;
	struct fo_tc_reply r;
	struct nlmsghdr *nlh;
	char op[64];
	int ret;

	memset(&head, 0, sizeof(head));
	head.flags = TC_U32_TERMINAL;
	head.nkeys = 1;
	memset(sel, 0, sizeof(sel)); /* key: mask 0, value 0 at offset 0 */
	memcpy(sel, &head, sizeof(head));
	memset(&parms, 0, sizeof(parms));
	parms.action = TC_ACT_STOLEN;
	parms.eaction = TCA_EGRESS_REDIR;
	parms.ifindex = target;

	nlh = fo_tc_request(tc, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, ifindex,
			    FO_TC_PARENT, FO_TC_U32_NODE,
			    TC_H_MAKE((uint32_t)FO_TC_PRIO << 16, htons(ETH_P_ALL)));
	mnl_attr_put_strz(nlh, TCA_KIND, "u32");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_U32_SEL, sizeof(sel), sel);
	/* Virtual interfaces only; never try to offload. */
	mnl_attr_put_u32(nlh, TCA_U32_FLAGS, TCA_CLS_FLAGS_SKIP_HW);
	acts = mnl_attr_nest_start(nlh, TCA_U32_ACT);
	act = mnl_attr_nest_start(nlh, 1); /* action order 1 */
	mnl_attr_put_strz(nlh, TCA_ACT_KIND, "mirred");
	mnl_attr_put(nlh, TCA_ACT_COOKIE, FO_TC_COOKIE_LEN, FO_TC_COOKIE);
	aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
	mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof(parms), &parms);
	mnl_attr_nest_end(nlh, aopts);
	mnl_attr_nest_end(nlh, act);
	mnl_attr_nest_end(nlh, acts);
	mnl_attr_nest_end(nlh, opts);

	ret = fo_tc_talk(tc, nlh, NULL, NULL, &r);
	if (ret < 0) {
		snprintf(op, sizeof(op), "add u32 redirect filter to %s", target_name);
		return fo_tc_fail(tc, ret, &r, op, ifname);
	}
	return 0;
}

/* Look up an interface; 0 when it does not exist, -errno on other errors. */
static int
fo_tc_ifindex(struct fo_tc *tc, const char *ifname, uint32_t *ifindex)
{
	*ifindex = 0;
	if (ifname == NULL || ifname[0] == '\0' || strlen(ifname) >= IFNAMSIZ) {
		fo_tc_msg(tc, "invalid interface name \"%s\"", ifname ? ifname : "(null)");
		return -EINVAL;
	}
	*ifindex = if_nametoindex(ifname);
	if (*ifindex == 0 && errno != ENODEV && errno != ENXIO) {
		int ret = -errno;

		return fo_tc_fail(tc, ret, NULL, "look up interface", ifname);
	}
	return 0;
}

/*
 * Both interfaces' indexes. Returns a negative errno, 0 when both exist, or 1
 * when one does not (named in the message, after "op").
 */
static int
fo_tc_ifindex_pair(struct fo_tc *tc, const char *op, const char *syn_ifname,
		   const char *tap_ifname, uint32_t *syn, uint32_t *tap)
{
	int ret;

	ret = fo_tc_ifindex(tc, syn_ifname, syn);
	if (ret == 0)
		ret = fo_tc_ifindex(tc, tap_ifname, tap);
	if (ret < 0)
		return ret;
	if (*syn == 0 || *tap == 0) {
		fo_tc_msg(tc, "%s: interface %s does not exist", op,
			  *syn == 0 ? syn_ifname : tap_ifname);
		return 1;
	}
	return 0;
}

/* Remove our filters; drop_qdisc: then an ingress qdisc left with no filter. */
static int
fo_tc_remove_one(struct fo_tc *tc, const char *ifname, uint32_t ifindex, bool drop_qdisc)
{
	struct fo_tc_scan s;
	unsigned int i;
	int ret;

	ret = fo_tc_scan(tc, ifname, ifindex, 0, &s);
	if (ret < 0)
		return ret;
	if (s.ours > 0 && s.foreign == 0) {
		/* The priority is wholly ours: drop it, u32 head and hash table too. */
		ret = fo_tc_del_filter(tc, ifname, ifindex, 0);
	} else {
		for (i = 0; i < s.nhandles && ret == 0; i++)
			ret = fo_tc_del_filter(tc, ifname, ifindex, s.handles[i]);
	}
	if (ret < 0 || !drop_qdisc)
		return ret;
	ret = fo_tc_scan(tc, ifname, ifindex, 0, &s);
	if (ret < 0)
		return ret;
	if (s.total == 0)
		ret = fo_tc_del_qdisc(tc, ifname, ifindex);
	return ret;
}

static int
fo_tc_install_one(struct fo_tc *tc, const char *ifname, uint32_t ifindex, const char *target_name,
		  uint32_t target, bool *created)
{
	struct fo_tc_scan s;
	int ret;

	ret = fo_tc_add_qdisc(tc, ifname, ifindex, created);
	if (ret < 0)
		return ret;
	ret = fo_tc_scan(tc, ifname, ifindex, target, &s);
	if (ret < 0)
		return ret;
	if (s.foreign > 0) {
		fo_tc_msg(tc, "add u32 redirect filter to %s on %s: %s %u %s", target_name, ifname,
			  "ingress priority", FO_TC_PRIO, "is used by a filter that is not ours");
		return -EBUSY;
	}
	/* Already right: leave it, no gap in the redirection. */
	if (s.ours == 1 && s.good == 1)
		return 0;
	/* Stale (other target, duplicates, half made): replace. */
	if (s.at_prio > 0) {
		ret = fo_tc_del_filter(tc, ifname, ifindex, 0);
		if (ret < 0)
			return ret;
	}
	return fo_tc_add_filter(tc, ifname, ifindex, target_name, target);
}

static void
fo_tc_init(struct fo_tc *tc, char *err, size_t errlen)
{
	tc->nl = NULL;
	tc->seq = (unsigned int)time(NULL);
	tc->err = err;
	tc->errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
}

int
fo_tc_redirect_install(const char *syn_ifname, const char *tap_ifname, char *err, size_t errlen)
{
	bool syn_created = false, tap_created = false;
	struct fo_tc tc;
	uint32_t syn, tap;
	int ret;

	fo_tc_init(&tc, err, errlen);
	ret = fo_tc_ifindex_pair(&tc, "install tc redirect", syn_ifname, tap_ifname, &syn, &tap);
	if (ret != 0)
		return ret < 0 ? ret : -ENODEV;
	if (syn == tap) {
		fo_tc_msg(&tc, "install tc redirect: %s and %s are the same interface", syn_ifname,
			  tap_ifname);
		return -EINVAL;
	}

	/* TAP side first: stealing the synthetic NIC's traffic comes last. */
	ret = fo_tc_install_one(&tc, tap_ifname, tap, syn_ifname, syn, &tap_created);
	if (ret == 0)
		ret = fo_tc_install_one(&tc, syn_ifname, syn, tap_ifname, tap, &syn_created);
	if (ret < 0) {
		/* Leave nothing half done, and qdiscs only if we did not add them. */
		tc.err = NULL; /* keep the first error's message */
		fo_tc_remove_one(&tc, syn_ifname, syn, syn_created);
		fo_tc_remove_one(&tc, tap_ifname, tap, tap_created);
	}
	fo_tc_close(&tc);
	return ret;
}

int
fo_tc_redirect_remove(const char *syn_ifname, const char *tap_ifname, char *err, size_t errlen)
{
	const char *names[2] = {syn_ifname, tap_ifname};
	char gone[2 * IFNAMSIZ + 8] = "";
	struct fo_tc tc;
	uint32_t ifindex;
	int ret = 0, r;
	unsigned int i;

	fo_tc_init(&tc, err, errlen);
	/* Synthetic side first: give its traffic back to the kernel at once. */
	for (i = 0; i < 2; i++) {
		r = fo_tc_ifindex(&tc, names[i], &ifindex);
		if (r == 0 && ifindex == 0) {
			snprintf(gone + strlen(gone), sizeof(gone) - strlen(gone), "%s%s",
				 gone[0] ? " and " : "", names[i]);
			continue;
		}
		if (r == 0)
			r = fo_tc_remove_one(&tc, names[i], ifindex, true);
		/* Keep going: the other interface is cleaned up anyway. */
		if (r < 0 && ret == 0) {
			ret = r;
			tc.err = NULL;
		}
	}
	fo_tc_close(&tc);
	if (ret == 0 && gone[0] != '\0' && err != NULL && errlen > 0)
		snprintf(err, errlen, "remove tc redirect: %s already gone, nothing to remove",
			 gone);
	return ret;
}

int
fo_tc_redirect_check(const char *syn_ifname, const char *tap_ifname, bool *installed, char *err,
		     size_t errlen)
{
	struct fo_tc_scan s;
	struct fo_tc tc;
	uint32_t syn, tap;
	int ret;

	*installed = false;
	fo_tc_init(&tc, err, errlen);
	ret = fo_tc_ifindex_pair(&tc, "check tc redirect", syn_ifname, tap_ifname, &syn, &tap);
	if (ret != 0)
		return ret < 0 ? ret : 0;
	ret = fo_tc_scan(&tc, syn_ifname, syn, tap, &s);
	if (ret == 0 && s.ours == 1 && s.good == 1) {
		ret = fo_tc_scan(&tc, tap_ifname, tap, syn, &s);
		*installed = ret == 0 && s.ours == 1 && s.good == 1;
	}
	fo_tc_close(&tc);
	return ret;
}
