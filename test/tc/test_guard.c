/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The guardian process (failover_guard.c) against the real kernel, in a
 * network namespace of its own: veth syn0/peer0 stands for the synthetic
 * NIC, TAPs opened here (like net_tap's, gone with their fd) for the TAP.
 * An "application" is a forked child that installs the redirect with
 * failover_tc.c, records it with the guardian, and is then SIGKILLed or
 * exits. This test is a child subreaper: it reaps the orphaned guardian
 * itself, so its exit status and lifetime are checked too.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "failover_guard.h"
#include "failover_tc.h"
#include "fo_check.h"

#define SYN "syn0"
#define PEER "peer0"
#define TAP "tap0"
#define TAP2 "tap1"
#define ADM "adm0" /* a netdev the application brought up */

static char err[512];

static int
count_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	CHECK(d != NULL, "opendir %s: %s", path, strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	/* Our own listing holds one more. */
	return pid == getpid() ? n - 1 : n;
}

static void
sh(const char *cmd)
{
	int st = system(cmd);

	CHECK(st == 0, "`%s` exited %d", cmd, st);
}

static void
write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return;
	fputs(val, f);
	fclose(f);
}

static int
tap_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		SKIP("cannot open /dev/net/tun: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	CHECK(ioctl(fd, TUNSETIFF, &ifr) == 0, "TUNSETIFF %s: %s", name, strerror(errno));
	return fd;
}

static bool
installed(const char *syn, const char *tap)
{
	bool on = false;
	int ret = fo_tc_redirect_check(syn, tap, &on, err, sizeof(err));

	CHECK(ret == 0, "check: %d %s", ret, err);
	return on;
}

/* Filter lines on dev's ingress, and whether it has an ingress qdisc. */
static int
tc_lines(const char *dev, bool *qdisc)
{
	char cmd[160], line[256];
	int n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "tc filter show dev %s ingress 2>/dev/null", dev);
	f = popen(cmd, "r");
	CHECK(f != NULL, "popen %s", cmd);
	while (fgets(line, sizeof(line), f) != NULL)
		n += strncmp(line, "filter", 6) == 0;
	pclose(f);
	*qdisc = false;
	snprintf(cmd, sizeof(cmd), "tc qdisc show dev %s ingress 2>/dev/null", dev);
	f = popen(cmd, "r");
	CHECK(f != NULL, "popen %s", cmd);
	while (fgets(line, sizeof(line), f) != NULL)
		*qdisc |= strncmp(line, "qdisc ingress ffff:", 19) == 0;
	pclose(f);
	return n;
}

static bool
clean(const char *dev)
{
	bool qdisc;

	return tc_lines(dev, &qdisc) == 0 && !qdisc;
}

static bool
admin_up(const char *dev)
{
	struct ifreq ifr;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up;

	CHECK(fd >= 0, "socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	CHECK(ioctl(fd, SIOCGIFFLAGS, &ifr) == 0, "SIOCGIFFLAGS %s: %s", dev, strerror(errno));
	up = (ifr.ifr_flags & IFF_UP) != 0;
	close(fd);
	return up;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Waits (up to 5 s) for process pid, a child of ours; its status. */
static int
reap(pid_t pid)
{
	int st = -1, i;

	for (i = 0; i < 5000; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		CHECK(r >= 0, "waitpid %d: %s", (int)pid, strerror(errno));
		if (r == pid)
			return st;
		usleep(1000);
	}
	CHECK(false, "process %d still runs after 5 s", (int)pid);
	return st;
}

enum app_end {
	APP_KILLED,
	APP_EXITS
};

/*
 * The application: optionally opens its own TAP (own_tap), installs the
 * redirect syn0 <-> tap, records it (and ADM brought up) with a guardian,
 * reports the guardian's pid on the pipe, waits for app_end() (a byte or
 * EOF on the returned fd), then dies as told. Sets the application's and
 * the guardian's pids.
 */
static int
app_run(const char *tap, bool own_tap, bool adm, enum app_end end, pid_t *app, pid_t *guardian)
{
	struct fo_guard g;
	int up[2], down[2];
	char c;

	CHECK(pipe2(up, O_CLOEXEC) == 0 && pipe2(down, O_CLOEXEC) == 0, "pipe");
	*app = fork();
	CHECK(*app >= 0, "fork: %s", strerror(errno));
	if (*app == 0) {
		memset(&g, 0, sizeof(g));
		if (own_tap)
			tap_open(tap);
		if (adm) {
			CHECK(fo_guard_add(&g, FO_GUARD_ADMIN_UP, if_nametoindex(ADM), 0, err,
					   sizeof(err)) == 0,
			      "add admin: %s", err);
			sh("ip link set " ADM " up");
		}
		CHECK(fo_guard_add(&g, FO_GUARD_TC, if_nametoindex(SYN), if_nametoindex(tap), err,
				   sizeof(err)) == 0,
		      "add tc: %s", err);
		CHECK(fo_tc_redirect_install(SYN, tap, err, sizeof(err)) == 0, "install: %s", err);
		CHECK(write(up[1], &g.pid, sizeof(g.pid)) == sizeof(g.pid), "write");
		if (read(down[0], &c, 1) < 0)
			_exit(2);
		if (end == APP_KILLED)
			raise(SIGKILL);
		exit(0); /* without undoing anything */
	}
	close(up[1]);
	close(down[0]);
	CHECK(read(up[0], guardian, sizeof(*guardian)) == sizeof(*guardian), "app failed");
	close(up[0]);
	CHECK(*guardian > 0, "no guardian pid");
	return down[1];
}

static void
app_end(int fd)
{
	CHECK(write(fd, "x", 1) == 1, "write");
	close(fd);
}

static void
guard_env(void)
{
	if (geteuid() != 0)
		SKIP("needs root (netlink tc changes, veth and tap)");
	if (unshare(CLONE_NEWNET) != 0)
		SKIP("cannot create a network namespace: %s", strerror(errno));
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	if (access("/dev/net/tun", R_OK | W_OK) != 0)
		SKIP("no /dev/net/tun");
	if (system("ip link add " SYN " type veth peer name " PEER) != 0 ||
	    system("ip link add " ADM " type veth peer name " ADM "p") != 0)
		SKIP("cannot create veth pairs");
	/* Orphaned guardians come to us, not to init. */
	CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
}

/* A field of /proc/PID/status: NoNewPrivs in decimal, the Cap* masks in hex. */
static uint64_t
status_field(pid_t pid, const char *field)
{
	char name[64], line[256];
	uint64_t v = UINT64_MAX;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/%d/status", (int)pid);
	f = fopen(name, "r");
	CHECK(f != NULL, "open %s", name);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, strlen(field)) == 0)
			v = strtoull(line + strlen(field), NULL,
				     strncmp(field, "Cap", 3) == 0 ? 16 : 10);
	fclose(f);
	return v;
}

/* Lines of /proc/PID/maps that name path. */
static int
count_maps(pid_t pid, const char *path)
{
	char name[64], line[1024];
	int n = 0;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/%d/maps", (int)pid);
	f = fopen(name, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, path) != NULL;
	fclose(f);
	return n;
}

/*
 * A mapping of a file under /dev, as EAL's of a device's BARs (uio,
 * vfio-pci) or of hugepages: a guardian that kept it would hold the device.
 */
static void *
map_dev_file(char *path, size_t len)
{
	void *m;
	int fd;

	snprintf(path, len, "/dev/shm/fo-guard-test.%d", (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 4096) == 0, "%s: %s", path, strerror(errno));
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap %s: %s", path, strerror(errno));
	close(fd);
	return m;
}

int
main(void)
{
	struct fo_guard g;
	pid_t app, gpid, old;
	int tapfd, tap2fd, fds, fd, st;
	char path[64], comm[32], devpath[64];
	void *devmap;
	double t0;
	FILE *f;

	setvbuf(stdout, NULL, _IONBF, 0);
	guard_env();
	sh("ip link set " SYN " up && ip link set " PEER " up");
	tapfd = tap_open(TAP);

	printf("add: a guardian named fo-guard, own session, only stderr, socket, pidfd,\n"
	       "     none of the parent's mappings of files under /dev\n");
	devmap = map_dev_file(devpath, sizeof(devpath));
	memset(&g, 0, sizeof(g));
	fds = count_fds(getpid());
	CHECK(fo_guard_add(&g, FO_GUARD_TC, if_nametoindex(SYN), if_nametoindex(TAP), err,
			   sizeof(err)) == 0,
	      "add: %s", err);
	CHECK(g.pid > 0 && g.n == 1, "pid %d n %u", (int)g.pid, g.n);
	CHECK(count_fds(getpid()) == fds + 1, "parent holds %d fds, expected %d",
	      count_fds(getpid()), fds + 1);
	usleep(100000); /* let it close what it inherited */
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)g.pid);
	f = fopen(path, "r");
	CHECK(f != NULL && fgets(comm, sizeof(comm), f) != NULL, "read %s", path);
	fclose(f);
	CHECK(strcmp(comm, "fo-guard\n") == 0, "comm '%s'", comm);
	CHECK(getsid(g.pid) == g.pid, "guardian not in a session of its own");
	CHECK(count_fds(g.pid) <= 3, "guardian holds %d fds", count_fds(g.pid));
	CHECK(count_maps(getpid(), devpath) == 1, "the parent lost its mapping of %s", devpath);
	CHECK(count_maps(g.pid, devpath) == 0, "the guardian still maps %s (%d)", devpath,
	      count_maps(g.pid, devpath));
	CHECK(status_field(g.pid, "NoNewPrivs:") == 1, "the guardian may gain privileges");
	CHECK(status_field(g.pid, "CapEff:") == (UINT64_C(1) << 12) &&
		      status_field(g.pid, "CapPrm:") == (UINT64_C(1) << 12) &&
		      status_field(g.pid, "CapBnd:") == (UINT64_C(1) << 12),
	      "the guardian's capabilities: effective %#llx, permitted %#llx, bounding %#llx (CAP_NET_ADMIN alone: 0x1000)",
	      (unsigned long long)status_field(g.pid, "CapEff:"),
	      (unsigned long long)status_field(g.pid, "CapPrm:"),
	      (unsigned long long)status_field(g.pid, "CapBnd:"));
	munmap(devmap, 4096);
	unlink(devpath);
	CHECK(fo_guard_add(&g, FO_GUARD_TC, if_nametoindex(SYN), if_nametoindex(TAP), err,
			   sizeof(err)) == 0 &&
		      g.n == 1,
	      "adding twice");

	printf("del of the last record: guardian reaped (no zombie), fds back\n");
	old = g.pid;
	fo_guard_del(&g, FO_GUARD_TC, if_nametoindex(SYN), if_nametoindex(TAP));
	CHECK(g.pid == 0 && g.n == 0, "pid %d n %u", (int)g.pid, g.n);
	CHECK(waitpid(old, &st, WNOHANG) < 0 && errno == ECHILD, "guardian %d not reaped",
	      (int)old);
	CHECK(count_fds(getpid()) == fds, "parent holds %d fds, expected %d", count_fds(getpid()),
	      fds);

	printf("stop: ends the guardian without undoing\n");
	CHECK(fo_tc_redirect_install(SYN, TAP, err, sizeof(err)) == 0, "install: %s", err);
	CHECK(fo_guard_add(&g, FO_GUARD_TC, if_nametoindex(SYN), if_nametoindex(TAP), err,
			   sizeof(err)) == 0,
	      "add: %s", err);
	old = g.pid;
	fo_guard_stop(&g);
	CHECK(g.pid == 0 && waitpid(old, &st, WNOHANG) < 0, "not reaped");
	CHECK(installed(SYN, TAP), "stop undid the redirect");
	CHECK(fo_tc_redirect_remove(SYN, TAP, err, sizeof(err)) == 0, "remove: %s", err);

	printf("application SIGKILLed, its TAP gone with it: redirect, qdisc, admin-up undone\n");
	sh("ip link set " ADM " down");
	app_end(app_run(TAP2, true, true, APP_KILLED, &app, &gpid));
	t0 = now_ms();
	st = reap(app);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "app status %#x", st);
	st = reap(gpid);
	printf("  guardian done %.1f ms after the application was reaped\n", now_ms() - t0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "guardian status %#x", st);
	CHECK(clean(SYN), "syn0 not clean after the guardian");
	CHECK(!admin_up(ADM), ADM " still up");

	printf("application SIGKILLed, TAP still there: both sides undone\n");
	app_end(app_run(TAP, false, false, APP_KILLED, &app, &gpid));
	reap(app);
	st = reap(gpid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "guardian status %#x", st);
	CHECK(clean(SYN) && clean(TAP), "not clean");

	printf("application exits without undoing: undone\n");
	app_end(app_run(TAP, false, false, APP_EXITS, &app, &gpid));
	st = reap(app);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "app status %#x", st);
	reap(gpid);
	CHECK(clean(SYN) && clean(TAP), "not clean");

	printf("a newer process took syn0 over: its redirect is left alone\n");
	tap2fd = tap_open(TAP2);
	fd = app_run(TAP, false, false, APP_KILLED, &app, &gpid);
	CHECK(fo_tc_redirect_install(SYN, TAP2, err, sizeof(err)) == 0, "install: %s", err);
	app_end(fd);
	reap(app);
	reap(gpid);
	CHECK(installed(SYN, TAP2), "the newer redirect syn0 <-> tap1 was removed");
	CHECK(clean(TAP), "tap0's filter towards syn0 left");
	CHECK(fo_tc_redirect_remove(SYN, TAP2, err, sizeof(err)) == 0, "remove: %s", err);
	CHECK(clean(SYN) && clean(TAP2), "not clean");

	close(tap2fd);
	close(tapfd);
	CHECK_DONE();
}
