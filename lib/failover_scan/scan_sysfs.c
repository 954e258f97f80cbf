/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The net_failover authors
 */

/*
 * Reading the tree: every read is bounded, every path is length-checked and
 * every symlink is resolved with realpath() (which reports loops as ELOOP)
 * and must stay inside the root.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan_priv.h"

void
fo_scan_warn(struct fo_scan_ctx *ctx, const char *fmt, ...)
{
	struct fo_scan_result *res = ctx->res;
	char msg[512];
	va_list ap;
	char *copy;

	if (res->n_warnings > FO_WARNINGS_MAX)
		return;
	if (res->n_warnings == FO_WARNINGS_MAX) {
		snprintf(msg, sizeof(msg), "too many warnings, the rest are dropped");
	} else {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	if (fo_scan_grow(ctx, (void **)&res->warnings, &ctx->cap_warnings,
			res->n_warnings + 1, sizeof(char *)) != 0)
		return;
	copy = strdup(msg);
	if (copy == NULL) {
		ctx->error = -ENOMEM;
		return;
	}
	res->warnings[res->n_warnings++] = copy;
}

int
fo_scan_grow(struct fo_scan_ctx *ctx, void **array, size_t *cap, size_t n,
		size_t elem_size)
{
	size_t new_cap;
	void *p;

	if (n <= *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 8;
	while (new_cap < n)
		new_cap *= 2;
	p = realloc(*array, new_cap * elem_size);
	if (p == NULL) {
		ctx->error = -ENOMEM;
		return -ENOMEM;
	}
	*array = p;
	*cap = new_cap;
	return 0;
}

int
fo_scan_join(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* Path relative to the root, for messages that read the same in any tree. */
const char *
fo_scan_rel(const struct fo_scan_ctx *ctx, const char *path)
{
	if (ctx->root_len > 1 && strncmp(path, ctx->root, ctx->root_len) == 0 &&
			path[ctx->root_len] == '/')
		return path + ctx->root_len + 1;
	return path;
}

char *
fo_scan_realpath(struct fo_scan_ctx *ctx, const char *path)
{
	char *real = realpath(path, NULL);

	if (real == NULL)
		return NULL;
	/* A link out of the root would mix the host's devices into a fixture. */
	if (ctx->root_len > 1 && (strncmp(real, ctx->root, ctx->root_len) != 0 ||
			(real[ctx->root_len] != '/' && real[ctx->root_len] != '\0'))) {
		free(real);
		errno = EXDEV;
		return NULL;
	}
	return real;
}

int
fo_scan_read_file(const char *path, char *buf, size_t size, size_t *len)
{
	struct stat st;
	size_t got = 0;
	int fd, ret = 0;

	/* O_NONBLOCK: a FIFO planted in the tree must not block the scan. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (ret == 0 && got == size) {
		char extra;

		/* A full buffer is fine only if the file ends right there. */
		if (read(fd, &extra, 1) != 0)
			ret = -EFBIG;
	}
	close(fd);
	if (ret == 0)
		*len = got;
	return ret;
}

int
fo_scan_read_attr(const char *dir, const char *name, char *buf, size_t size,
		size_t *len)
{
	char path[PATH_MAX];

	if (fo_scan_join(path, sizeof(path), dir, name) != 0)
		return -ENAMETOOLONG;
	return fo_scan_read_file(path, buf, size, len);
}

/* Basename of the target of symlink <dir>/<name> (driver, subsystem...). */
int
fo_scan_link_name(const char *dir, const char *name, char *out, size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	if (fo_scan_join(path, sizeof(path), dir, name) != 0)
		return -ENAMETOOLONG;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = fo_scan_basename(target);
	if (*base == '\0' || strlen(base) >= size)
		return -ENAMETOOLONG;
	memcpy(out, base, strlen(base) + 1);
	return 0;
}

bool
fo_scan_is_dir(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (fo_scan_join(path, sizeof(path), dir, name) != 0)
		return false;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *
fo_scan_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Whether the directory holding path is exactly parent. */
bool
fo_scan_dirname_is(const char *path, const char *parent)
{
	const char *slash = strrchr(path, '/');
	size_t len = strlen(parent);

	return slash != NULL && (size_t)(slash - path) == len &&
		strncmp(path, parent, len) == 0;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entry names of a directory; -ENOENT when it does not exist. */
int
fo_scan_list_dir(struct fo_scan_ctx *ctx, const char *dir, char ***names,
		size_t *n)
{
	size_t count = 0, cap = 0;
	char **list = NULL;
	struct dirent *de;
	DIR *d;

	*names = NULL;
	*n = 0;
	d = opendir(dir);
	if (d == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (count == FO_DIR_ENTRIES_MAX) {
			fo_scan_warn(ctx, "%s: more than %d entries, the rest are skipped",
				fo_scan_rel(ctx, dir), FO_DIR_ENTRIES_MAX);
			break;
		}
		if (fo_scan_grow(ctx, (void **)&list, &cap, count + 1,
				sizeof(char *)) != 0)
			break;
		list[count] = strdup(de->d_name);
		if (list[count] == NULL) {
			ctx->error = -ENOMEM;
			break;
		}
		count++;
	}
	closedir(d);
	if (ctx->error != 0) {
		fo_scan_free_names(list, count);
		return ctx->error;
	}
	if (count > 0)
		qsort(list, count, sizeof(char *), compare_names);
	*names = list;
	*n = count;
	return 0;
}

void
fo_scan_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * Call fn with the name and real path of each entry of <root>/<subdir>
 * (a bus's devices directory). Entries whose name has max_name characters
 * or more (0: no limit), or that do not resolve inside the root, are
 * skipped with a warning. Returns what listing the directory returned
 * (-ENOENT when there is none) or the scan's error.
 */
int
fo_scan_each_device(struct fo_scan_ctx *ctx, const char *subdir, size_t max_name,
		fo_scan_device_fn fn)
{
	char dir[PATH_MAX], path[PATH_MAX];
	size_t n_names, i;
	char **names;
	int ret;

	if (fo_scan_join(dir, sizeof(dir), ctx->root, subdir) != 0)
		return -ENAMETOOLONG;
	ret = fo_scan_list_dir(ctx, dir, &names, &n_names);
	if (ret != 0)
		return ret;
	for (i = 0; i < n_names && ctx->error == 0; i++) {
		char *real;

		if (max_name != 0 && strlen(names[i]) >= max_name) {
			fo_scan_warn(ctx, "%s/%.32s...: name of %zu characters, skipped",
				subdir, names[i], strlen(names[i]));
			continue;
		}
		if (fo_scan_join(path, sizeof(path), dir, names[i]) != 0)
			continue;
		real = fo_scan_realpath(ctx, path);
		if (real == NULL) {
			fo_scan_warn(ctx, "%s/%.64s: cannot resolve: %s, skipped",
				subdir, names[i], errno == EXDEV ?
				"points outside the sysfs root" : strerror(errno));
			continue;
		}
		fn(ctx, names[i], real);
		free(real);
	}
	fo_scan_free_names(names, n_names);
	return ctx->error;
}
