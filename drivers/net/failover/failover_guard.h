/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FAILOVER_GUARD_H
#define FAILOVER_GUARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The guardian: a child process that undoes what this process changed in
 * the kernel (the TAP exception path's tc redirect, netdevs it brought
 * admin-up) when this process dies without undoing it itself, e.g. after
 * SIGKILL. No DPDK dependency: tested alone.
 *
 * It is forked when the first record is added and ends when the last one
 * is deleted (reaped here), or right after undoing everything once this
 * process is gone (reaped by whoever inherits it). It watches this process
 * through a pidfd and the end of a socket pair, so it also ends when this
 * process exits or execs. After fork() it runs only async-signal-safe
 * system calls on memory it owns: the parent may be multithreaded (EAL).
 * It leaves the process group (no terminal signal reaches it), keeps only
 * stderr (its one log line) and its socket, keeps CAP_NET_ADMIN alone of
 * its capabilities and can gain none (no_new_privs), and is named
 * "fo-guard".
 *
 * Records are sent before the change they undo is made, and deleted after
 * the change was undone: a crash in between only undoes what is undone.
 */

/* Undo: remove our redirect filters between ifindex and peer (both ways)
 * and drop an ingress qdisc left empty; the module's marks (failover_tc.h). */
#define FO_GUARD_TC 1
/* Undo: set ifindex admin-down (it was down before we brought it up). */
#define FO_GUARD_ADMIN_UP 2
/* Undo: detach the XDP program of ifindex when its id is peer (peer 0: any
 * program, recorded before net_af_xdp attaches one to a netdev that had none). */
#define FO_GUARD_XDP 3

#define FO_GUARD_MAX 8

struct fo_guard_rec {
	uint32_t kind;
	uint32_t ifindex;
	uint32_t peer; /* FO_GUARD_TC: the other interface; FO_GUARD_XDP: program id; else 0 */
};

/* Zero-initialised: no guardian. Not thread-safe: the caller serialises. */
struct fo_guard {
	pid_t pid;
	int sock; /* valid when pid > 0 */
	unsigned int n;
	struct fo_guard_rec rec[FO_GUARD_MAX];
};

/*
 * Record a change to undo if this process dies; forks the guardian when
 * there is none (or it died). 0, or a negative errno with err set when no
 * guardian holds it (the record is kept: the next add tries again).
 * Adding a record that is already there is a no-op.
 */
int fo_guard_add(struct fo_guard *g, uint32_t kind, uint32_t ifindex, uint32_t peer, char *err,
		 size_t errlen);

/* The change was undone here (or never made): forget it. The last one ends the guardian. */
void fo_guard_del(struct fo_guard *g, uint32_t kind, uint32_t ifindex, uint32_t peer);

/* Whether the record is there. */
int fo_guard_has(const struct fo_guard *g, uint32_t kind, uint32_t ifindex, uint32_t peer);

/* End the guardian without undoing anything (the caller undid all), and reap it. */
void fo_guard_stop(struct fo_guard *g);

#endif /* FAILOVER_GUARD_H */
