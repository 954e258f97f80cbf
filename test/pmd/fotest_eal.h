/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef FOTEST_EAL_H
#define FOTEST_EAL_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>

/*
 * EAL (22.11) leaves its runtime directory behind: a test that initialised
 * EAL removes its own at exit, even when a check failed.
 */
static char fotest_runtime_dir[PATH_MAX];

static void
fotest_remove_runtime_dir(void)
{
	const char *dir = fotest_runtime_dir;
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX + NAME_MAX + 2];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Call right after rte_eal_init(). */
static inline void
fotest_remove_runtime_dir_at_exit(void)
{
	snprintf(fotest_runtime_dir, sizeof(fotest_runtime_dir), "%s", rte_eal_get_runtime_dir());
	atexit(fotest_remove_runtime_dir);
}

#endif /* FOTEST_EAL_H */
