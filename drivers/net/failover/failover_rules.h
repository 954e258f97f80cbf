/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FAILOVER_RULES_H
#define FAILOVER_RULES_H

#include <stdbool.h>

/* Which path carries traffic. No DPDK dependency: unit-tested alone. */

enum fo_path {
	FO_PATH_NONE = 0,
	FO_PATH_PRIMARY = 1,
	FO_PATH_STANDBY = 2,
};

struct fo_path_state {
	bool present; /* probed and owned */
	bool started; /* configured, replayed and started */
	bool link_up;
};

/*
 * Active path: a forced path while it is started; else the primary when
 * started with link up; else the standby when started; else a started
 * primary with its link down (better than nothing); else none.
 */
enum fo_path fo_rules_active(const struct fo_path_state *primary,
			     const struct fo_path_state *standby, enum fo_path forced);

/* Path polled besides the active one: the other started path, if any. */
enum fo_path fo_rules_other(const struct fo_path_state *primary,
			    const struct fo_path_state *standby, enum fo_path active);

/* The port's link is up when either started path has link. */
bool fo_rules_link_up(const struct fo_path_state *primary, const struct fo_path_state *standby);

const char *fo_rules_path_name(enum fo_path path);

#endif /* FAILOVER_RULES_H */
