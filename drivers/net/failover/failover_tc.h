/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FAILOVER_TC_H
#define FAILOVER_TC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * TC redirection of the TAP exception path: the synthetic interface's
 * ingress is redirected out of the TAP, the TAP's ingress out of the
 * synthetic interface. Only u32 + mirred on an ingress qdisc, because
 * cls_flower and sch_multiq (net_tap's remote=) are missing on some kernels.
 * No DPDK dependency (rtnetlink through libmnl): tested alone.
 *
 * Our filters are recognised by three marks together: priority
 * FO_TC_PRIO on chain 0 of the ingress block, a u32 key node with node id
 * FO_TC_U32_NODE, and an action cookie equal to FO_TC_COOKIE. Removal only
 * touches filters carrying the cookie.
 *
 * All functions run in the calling thread's network namespace, open and
 * close their own netlink socket, return 0 or a negative errno, and write
 * a message naming the interface and the operation into err (with the
 * kernel's extended ack when it gave one). On success err is "" unless
 * there is something worth noting (e.g. an interface that is gone).
 */

/* Priority of our filters: late, so filters of others at lower values run first. */
#define FO_TC_PRIO 0xfa11
/* u32 node id of our key node (the hash table part is the kernel's choice). */
#define FO_TC_U32_NODE 0x800
/* Action cookie (at most TC_COOKIE_MAX_SIZE bytes, no terminating NUL sent). */
#define FO_TC_COOKIE "net_failover"

/*
 * Install both redirections, replacing stale ones of ours (left by a killed
 * process, or pointing at an interface that was recreated) and leaving
 * correct ones untouched. Adds an ingress qdisc where there is none (an
 * existing ingress or clsact qdisc is used as is). Fails with -ENODEV when
 * an interface does not exist, -EBUSY when our priority is used by a filter
 * that is not ours. On failure nothing of ours is left on either interface
 * (filters, and the ingress qdiscs this call added).
 */
int fo_tc_redirect_install(const char *syn_ifname, const char *tap_ifname, char *err,
			   size_t errlen);

/*
 * Remove our filters from both interfaces; then delete an ingress qdisc
 * (never clsact) that holds no filter any more, whoever added it: the
 * kernel does not say who did, and an empty ingress qdisc does nothing.
 * An interface that does not exist is not an error (nothing to remove,
 * noted in err); the other one is still cleaned up.
 */
int fo_tc_redirect_remove(const char *syn_ifname, const char *tap_ifname, char *err, size_t errlen);

/*
 * *installed = true when each interface has exactly one filter of ours,
 * redirecting everything to the egress of the other interface. A missing
 * interface gives *installed = false and 0 (noted in err).
 */
int fo_tc_redirect_check(const char *syn_ifname, const char *tap_ifname, bool *installed, char *err,
			 size_t errlen);

struct nlattr;
struct nlmsghdr;

/*
 * The attributes of a netlink message (after its hdrlen-byte header) or of
 * a nested attribute into tb[0..max], NULL where absent; newer attribute
 * types are skipped. Pure parsing of the given memory: safe in the
 * guardian after fork(). fo_tc_parse_attrs returns -1 on a malformed one.
 */
void fo_tc_parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max);
int fo_tc_parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb,
		      unsigned int max);

#endif /* FAILOVER_TC_H */
