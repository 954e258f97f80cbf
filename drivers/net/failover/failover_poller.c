/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Who polls a queue, and whether that process still lives, across PID
 * namespaces: a secondary process in a sidecar container has a pid of its
 * own namespace, which kill() in the primary's names another process or
 * none. Each secondary holds an open-file-description lock on a file of
 * its own in EAL's runtime directory, which every process of the
 * application shares; the kernel drops the lock when the process dies,
 * however it dies. The file's number is what the secondary writes into the
 * queues it polls.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_random.h>

#include "failover_private.h"

#define FO_POLLER_PREFIX "fo_poller."

static int fo_poller_fd = -1;
static int32_t fo_poller_id;
static unsigned int fo_poller_ports; /* failover ports of this process using it */
static char fo_poller_file[PATH_MAX];

static void
fo_poller_path(int32_t id, char *path, size_t len)
{
	snprintf(path, len, "%s/" FO_POLLER_PREFIX "%d", rte_eal_get_runtime_dir(), (int)id);
}

static int
fo_poller_lock(int fd, short type, int cmd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	return fcntl(fd, cmd, &fl) < 0 ? -errno : fl.l_type;
}

/*
 * A locked file under the name of poller number id. It is created and
 * locked under a name of this process's, then linked: the primary never
 * sees it unlocked (it would take its owner for dead). -EEXIST when the
 * number is taken.
 */
static int
fo_poller_create(int32_t id)
{
	char tmp[PATH_MAX];
	int fd, ret;

	snprintf(tmp, sizeof(tmp), "%s/fo_poller_new.%d", rte_eal_get_runtime_dir(), (int)getpid());
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = fo_poller_lock(fd, F_WRLCK, F_OFD_SETLK);
	if (ret >= 0) {
		fo_poller_path(id, fo_poller_file, sizeof(fo_poller_file));
		ret = link(tmp, fo_poller_file) == 0 ? 0 : -errno;
	}
	unlink(tmp);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	fo_poller_fd = fd;
	fo_poller_id = id;
	return 0;
}

/*
 * In a secondary process: this process's poller number (> 0), its file
 * locked for as long as the process lives. 0 when that cannot be done: the
 * primary then waits out quiesce_ms for a burst this process left.
 */
int32_t
fo_poller_register(void)
{
	unsigned int tries;
	int ret = -EEXIST;

	if (fo_poller_fd >= 0) {
		fo_poller_ports++;
		return fo_poller_id;
	}
	for (tries = 0; tries < 8 && ret == -EEXIST; tries++)
		ret = fo_poller_create((int32_t)(rte_rand() % INT32_MAX) + 1);
	if (ret == 0) {
		fo_poller_ports = 1;
		return fo_poller_id;
	}
	rte_log(RTE_LOG_WARNING, fo_logtype,
		"net_failover: no poller file in %s (%s): if this process dies inside a burst, the primary waits quiesce_ms\n",
		rte_eal_get_runtime_dir(), strerror(-ret));
	return 0;
}

/* The secondary process lets a port go: with its last, its file. */
void
fo_poller_unregister(void)
{
	if (fo_poller_fd < 0 || --fo_poller_ports > 0)
		return;
	unlink(fo_poller_file);
	close(fo_poller_fd);
	fo_poller_fd = -1;
	fo_poller_id = 0;
}

/* Is no process holding the file at path? Its file is removed then. */
static bool
fo_poller_path_gone(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int type;

	if (fd < 0)
		return errno == ENOENT;
	type = fo_poller_lock(fd, F_WRLCK, F_OFD_GETLK);
	close(fd);
	if (type != F_UNLCK)
		return false; /* held, or cannot tell: alive */
	unlink(path);
	return true;
}

/* In the primary: has the process that wrote poller number id gone? */
bool
fo_poller_gone(int32_t id)
{
	char path[PATH_MAX];

	if (id <= 0)
		return false;
	fo_poller_path(id, path, sizeof(path));
	return fo_poller_path_gone(path);
}

/*
 * In the primary, at probe: the files of secondaries that died are
 * removed, so that they do not pile up over months of restarted sidecars.
 */
void
fo_poller_sweep(void)
{
	const char *dir = rte_eal_get_runtime_dir();
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, FO_POLLER_PREFIX, strlen(FO_POLLER_PREFIX)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		fo_poller_path_gone(path);
	}
	closedir(d);
}
