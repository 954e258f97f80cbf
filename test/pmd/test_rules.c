/* SPDX-License-Identifier: BSD-3-Clause */

/* Unit test of the switching rules, over every combination of states. */

#include "failover_rules.h"
#include "fo_check.h"

static struct fo_path_state
state(int bits)
{
	struct fo_path_state s = {
		.present = bits & 1,
		.started = bits & 2,
		.link_up = bits & 4,
	};
	if (!s.present)
		s.started = false;
	return s;
}

static bool
usable(const struct fo_path_state *s)
{
	return s->present && s->started;
}

int
main(void)
{
	int pb, sb, f;

	for (pb = 0; pb < 8; pb++)
		for (sb = 0; sb < 8; sb++)
			for (f = FO_PATH_NONE; f <= FO_PATH_STANDBY; f++) {
				struct fo_path_state p = state(pb), s = state(sb);
				enum fo_path a = fo_rules_active(&p, &s, f);
				enum fo_path o = fo_rules_other(&p, &s, a);

				/* Never route to a path that is not started. */
				CHECK(a != FO_PATH_PRIMARY || usable(&p), "p=%d s=%d f=%d", pb,
				      sb, f);
				CHECK(a != FO_PATH_STANDBY || usable(&s), "p=%d s=%d f=%d", pb,
				      sb, f);
				CHECK(a != FO_PATH_NONE || (!usable(&p) && !usable(&s)),
				      "a started path must be used p=%d s=%d", pb, sb);
				/* The other path is the other started one, never the active. */
				CHECK(o != a || o == FO_PATH_NONE, "other == active");
				if (a != FO_PATH_NONE && usable(&p) && usable(&s))
					CHECK(o != FO_PATH_NONE, "both started: poll both");
				/* A usable forced path wins. */
				if (f == FO_PATH_PRIMARY && usable(&p))
					CHECK(a == FO_PATH_PRIMARY, "forced primary");
				if (f == FO_PATH_STANDBY && usable(&s))
					CHECK(a == FO_PATH_STANDBY, "forced standby");
				if (f == FO_PATH_NONE) {
					/* Primary with link beats everything. */
					if (usable(&p) && p.link_up)
						CHECK(a == FO_PATH_PRIMARY, "primary up");
					/* Primary down: standby, whatever its link says. */
					if (usable(&p) && !p.link_up && usable(&s))
						CHECK(a == FO_PATH_STANDBY, "primary down");
					if (!usable(&p) && usable(&s))
						CHECK(a == FO_PATH_STANDBY, "primary absent");
				}
				CHECK(fo_rules_link_up(&p, &s) ==
				      ((usable(&p) && p.link_up) || (usable(&s) && s.link_up)),
				      "aggregate link p=%d s=%d", pb, sb);
			}
	CHECK(fo_rules_path_name(FO_PATH_PRIMARY)[0] == 'p', "name");
	CHECK(fo_rules_path_name(FO_PATH_NONE)[0] == 'n', "name");
	CHECK_DONE();
}
