/* SPDX-License-Identifier: BSD-3-Clause */

#include <stddef.h>

#include "failover_rules.h"

static bool
fo_rules_usable(const struct fo_path_state *s)
{
	return s->present && s->started;
}

enum fo_path
fo_rules_active(const struct fo_path_state *primary, const struct fo_path_state *standby,
		enum fo_path forced)
{
	if (forced == FO_PATH_PRIMARY && fo_rules_usable(primary))
		return FO_PATH_PRIMARY;
	if (forced == FO_PATH_STANDBY && fo_rules_usable(standby))
		return FO_PATH_STANDBY;
	if (fo_rules_usable(primary) && primary->link_up)
		return FO_PATH_PRIMARY;
	if (fo_rules_usable(standby))
		return FO_PATH_STANDBY;
	if (fo_rules_usable(primary))
		return FO_PATH_PRIMARY;
	return FO_PATH_NONE;
}

enum fo_path
fo_rules_other(const struct fo_path_state *primary, const struct fo_path_state *standby,
	       enum fo_path active)
{
	if (active != FO_PATH_STANDBY && fo_rules_usable(standby) && active != FO_PATH_NONE)
		return FO_PATH_STANDBY;
	if (active == FO_PATH_STANDBY && fo_rules_usable(primary))
		return FO_PATH_PRIMARY;
	return FO_PATH_NONE;
}

bool
fo_rules_link_up(const struct fo_path_state *primary, const struct fo_path_state *standby)
{
	return (fo_rules_usable(primary) && primary->link_up) ||
	       (fo_rules_usable(standby) && standby->link_up);
}

const char *
fo_rules_path_name(enum fo_path path)
{
	switch (path) {
	case FO_PATH_PRIMARY:
		return "primary";
	case FO_PATH_STANDBY:
		return "standby";
	default:
		return "none";
	}
}
