#!/usr/bin/env bash
# Debian roots for building and testing net_failover on other DPDK releases.
#
#   release-root.sh ensure CODENAME      create the root, or bring it up to date
#   release-root.sh run CODENAME CMD...  run CMD inside it (as root, cwd /)
#   release-root.sh remove CODENAME      unmount what is left and delete it
#   release-root.sh path CODENAME        print where it lives
#
# Exit status: 0 done, 1 error, 3 the Debian mirror cannot be reached (an
# outside input: callers may skip; any other failure is an error).
#
# Roots live under $FO_ROOTS (default /var/cache/net-failover/roots). They are
# made with debootstrap from the mirror the host's own apt sources name, and
# refreshed (apt-get update + dist-upgrade) when the mirror has newer packages.
# A command runs in a mount namespace of its own, with a fresh tmpfs /dev
# holding only the nodes the tests need (never the host's /dev), proc, sysfs
# and a /run/netns for `ip netns`; the mounts are undone on exit, and vanish
# with the namespace anyway, so the host never sees them.
set -euo pipefail

# Canonical: mounts are found by path in /proc/self/mountinfo.
roots=$(realpath -m "${FO_ROOTS:-/var/cache/net-failover/roots}")
case $roots in *[[:space:]]*) echo "release-root: error: '$roots' has white space" >&2; exit 1 ;; esac
self=$(readlink -f "$0")
# What building and testing needs inside a root (see devtools/setup.sh).
root_pkgs="libdpdk-dev dpdk-dev dpdk meson ninja-build pkg-config gcc libc6-dev
libmnl-dev libnuma-dev libbsd-dev libpcap-dev python3 iproute2 iputils-ping
ca-certificates xz-utils git dpkg-dev openvswitch-switch-dpdk clang libbpf-dev"

log() { printf 'release-root: %s\n' "$*" >&2; }
die() { printf 'release-root: error: %s\n' "$*" >&2; exit 1; }
# Exit 3 when log $2 shows the mirror could not be reached, else as die.
die_fetch() {
	if grep -qE "Temporary failure resolving|Could not resolve|Could not connect|Connection (refused|timed out)|Network is unreachable|Failed to fetch|Couldn't download" "$2" 2>/dev/null; then
		printf 'release-root: error: %s (the mirror cannot be reached)\n' "$1" >&2
		exit 3
	fi
	die "$1"
}
usage() { sed -n '2,8s/^# \{0,1\}//p' "$0" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot and mounts need it)"

check_codename() {
	case "$1" in
	trixie | sid | forky | bookworm) ;;
	"") die "no codename given (trixie, sid, ...)" ;;
	*) die "unknown codename '$1': expected trixie, sid, forky or bookworm" ;;
	esac
}

# The Debian mirror the host itself uses, from its apt sources: the first
# deb entry that is not the security archive.
host_mirror() {
	local f u
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		u=$(awk '/^Types:/ { deb = ($0 ~ /[[:space:]]deb([[:space:]]|$)/) }
			deb && /^URIs:/ && $2 !~ /security/ { print $2; exit }' "$f")
		[ -n "$u" ] && { echo "$u"; return; }
	done
	if [ -f /etc/apt/sources.list ]; then
		u=$(awk '$1 == "deb" && $2 !~ /security/ {
			for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit } }' \
			/etc/apt/sources.list)
		[ -n "$u" ] && { echo "$u"; return; }
	fi
	die "no Debian mirror found in the host's apt sources"
}

# Mount what a command in the root needs. Called inside a private mount
# namespace; every mount is undone by the trap set by the caller.
mount_root() {
	local r=$1
	# The root a mount point of its own: `ip netns exec` remounts / as a slave.
	mount --bind "$r" "$r"
	mount -t tmpfs -o mode=0755,nosuid,size=64m fo-dev "$r/dev"
	mknod -m 0666 "$r/dev/null" c 1 3
	mknod -m 0666 "$r/dev/zero" c 1 5
	mknod -m 0666 "$r/dev/full" c 1 7
	mknod -m 0666 "$r/dev/random" c 1 8
	mknod -m 0666 "$r/dev/urandom" c 1 9
	mknod -m 0666 "$r/dev/tty" c 5 0
	mkdir -m 0755 "$r/dev/net" "$r/dev/pts" "$r/dev/shm"
	mknod -m 0666 "$r/dev/net/tun" c 10 200
	chmod 1777 "$r/dev/shm"
	ln -s pts/ptmx "$r/dev/ptmx"
	ln -s /proc/self/fd "$r/dev/fd"
	ln -s /proc/self/fd/0 "$r/dev/stdin"
	ln -s /proc/self/fd/1 "$r/dev/stdout"
	ln -s /proc/self/fd/2 "$r/dev/stderr"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 fo-devpts "$r/dev/pts"
	mount -t tmpfs -o mode=1777,nosuid,nodev fo-shm "$r/dev/shm"
	mount -t proc fo-proc "$r/proc"
	mount -t sysfs fo-sys "$r/sys"
	mount -t tmpfs -o mode=0755,nosuid,nodev fo-run "$r/run"
	mkdir -p "$r/run/netns" "$r/run/lock"
	# DPDK's runtime directory and the tests' temporary files.
	mount -t tmpfs -o mode=1777,nosuid,nodev fo-tmp "$r/tmp"
}

# Undo every mount at or below the root, deepest first.
umount_root() {
	local r=$1 m
	while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done < <(awk -v r="$r" '$5 == r || index($5, r "/") == 1 { print $5 }' \
		/proc/self/mountinfo | sort -r)
}

# True when some mount is at or below the given path, in this namespace.
mounted_below() {
	awk -v r="$1" '$5 == r || index($5, r "/") == 1 { f = 1 } END { exit !f }' \
		/proc/self/mountinfo
}

cmd_run() {
	local code=$1
	shift
	local r="$roots/$code"
	[ -x "$r/bin/sh" ] || die "no root for $code in $r: run '$0 ensure $code'"
	[ $# -gt 0 ] || die "run: no command given"
	# A private mount namespace: nothing mounted here reaches the host.
	exec unshare --mount --propagation private -- bash "$self" __inside "$code" "$@"
}

cmd_inside() {
	local code=$1
	shift
	local r="$roots/$code"
	inside_root=$r
	trap 'umount_root "$inside_root"' EXIT
	mount_root "$r"
	# Host directories seen at the same path inside: read-only (the source
	# tree, a DPDK git directory) and read-write (the SDK header cache).
	local d
	for d in ${FO_ROOT_BIND_RO:-}; do
		[ -d "$d" ] || die "no directory $d to show in the root"
		mkdir -p "$r$d"
		mount --bind "$d" "$r$d"
		mount -o remount,bind,ro "$r$d"
	done
	for d in ${FO_ROOT_BIND_RW:-}; do
		mkdir -p "$d" "$r$d"
		mount --bind "$d" "$r$d"
	done
	local rc=0
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive \
		chroot "$r" "$@" || rc=$?
	return $rc
}

apt_conf() {
	local code=$1 r=$2
	mkdir -p "$r/etc/apt/apt.conf.d"
	{
		echo 'APT::Install-Recommends "false";'
		echo 'Acquire::Languages "none";'
		# A frozen mirror's sid Release may be past Valid-Until: this root only.
		[ "$code" = sid ] && echo 'Acquire::Check-Valid-Until "false";'
	} >"$r/etc/apt/apt.conf.d/90net-failover"
	printf 'deb %s %s main\n' "$(host_mirror)" "$code" >"$r/etc/apt/sources.list"
	# No package may start a daemon in the root (openvswitch-switch would).
	printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
	chmod 755 "$r/usr/sbin/policy-rc.d"
	rm -f "$r"/etc/apt/sources.list.d/*.sources
}

cmd_ensure() {
	local code=$1
	local r="$roots/$code"
	local base="$r/.net-failover-base" stamp="$r/.net-failover-pkgs"
	local want now last
	want=$(echo "$root_pkgs" | tr -s ' \n' '\n\n' | sort | tr '\n' ' ')
	if [ ! -f "$base" ]; then
		[ -e "$r" ] && { log "removing the unfinished root $r"; cmd_remove "$code"; }
		command -v debootstrap >/dev/null || {
			log "installing debootstrap"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
		}
		[ -f "/usr/share/debootstrap/scripts/$code" ] ||
			die "this debootstrap has no script for $code (try sid)"
		local mirror
		mirror=$(host_mirror)
		log "debootstrap $code from $mirror into $r (once; a few minutes)"
		mkdir -p "$roots"
		# In a mount namespace of its own: a failed debootstrap leaves no
		# proc or sys mounted on the host.
		unshare --mount --propagation private -- debootstrap --variant=minbase "$code" \
			"$r" "$mirror" >"$roots/$code.debootstrap.log" 2>&1 ||
			die_fetch "debootstrap $code failed: see $roots/$code.debootstrap.log" \
				"$roots/$code.debootstrap.log"
		date -u >"$base"
	fi
	apt_conf "$code" "$r"
	# Refresh at most every 6 hours: apt-get update, then upgrade what is stale.
	now=$(date -u +%s)
	last=$(cat "$r/.net-failover-checked" 2>/dev/null || echo 0)
	if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ $((now - last)) -gt 21600 ]; then
		log "checking the $code root's packages against the mirror"
		apt_in "$code" update -q
		local stale
		stale=$(in_root "$code" apt-get -s dist-upgrade | grep -c '^Inst ' || true)
		if [ "$stale" -gt 0 ]; then
			log "$stale stale packages in the $code root: upgrading"
			apt_in "$code" dist-upgrade -y -q
		fi
		# shellcheck disable=SC2086
		apt_in "$code" install -y -q $root_pkgs
		echo "$want" >"$stamp"
		echo "$now" >"$r/.net-failover-checked"
	fi
	log "$code root up to date: DPDK $(in_root "$code" dpkg-query -W -f='${Version}' libdpdk-dev)"
}

# Run inside the root without replacing this shell (for ensure).
in_root() {
	unshare --mount --propagation private -- bash "$self" __inside "$@" </dev/null
}

# apt-get inside the root, its output to the root's log.
apt_in() {
	local code=$1
	shift
	local from
	from=$(wc -l 2>/dev/null <"$roots/$code.apt.log" || echo 0)
	in_root "$code" apt-get "$@" >>"$roots/$code.apt.log" 2>&1 || {
		tail -n +"$((from + 1))" "$roots/$code.apt.log" >"$roots/$code.apt.last"
		die_fetch "'apt-get $*' failed in the $code root: see $roots/$code.apt.log" \
			"$roots/$code.apt.last"
	}
}

cmd_remove() {
	local code=$1
	local r="$roots/$code"
	[ -e "$r" ] || { log "no $code root to remove"; return 0; }
	umount_root "$r"
	mounted_below "$r" && die "mounts remain below $r; not removing it"
	rm -rf --one-file-system "$r"
	log "removed $r"
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case "$cmd" in
ensure | run | remove | path)
	check_codename "${1:-}"
	;;
esac
case "$cmd" in
ensure) cmd_ensure "$1" ;;
run) cmd_run "$@" ;;
remove) cmd_remove "$1" ;;
path) echo "$roots/$1" ;;
__inside) cmd_inside "$@" ;;
*) usage ;;
esac
