#!/usr/bin/env bash
# A release root (devtools/release-root.sh) used and then removed leaves the
# host untouched: no mount of the root's is ever visible on the host, the
# host's /dev is unchanged (the root had a tmpfs /dev of its own), and a
# mount left below the root is undone, not deleted through, by `remove`.
# Works on a hard-linked copy of an existing root (instant, no download).
# Exits 77 (skipped) when there is no root to copy, saying why.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
rr="$top/devtools/release-root.sh"
roots=$(realpath -m "${FO_ROOTS:-/var/cache/net-failover/roots}")
fails=0

check() { # description, command...
	local what=$1
	shift
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAIL: $what"
		fails=$((fails + 1))
	fi
}

[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (chroot and mounts)"; exit 77; }
src=""
for c in trixie sid; do
	[ -f "$roots/$c/.net-failover-pkgs" ] && { src=$c; break; }
done
[ -n "$src" ] || { echo "skipped: no release root in $roots to copy (devtools/release-root.sh ensure trixie)"; exit 77; }

# Beside the roots (same file system, for the hard links); canonical, as in mountinfo.
scratch=$(realpath "$(mktemp -d "$(dirname "$roots")/scratch-roots.XXXXXX")")
keep=$(mktemp -d)
cleanup() {
	awk -v r="$scratch" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	rm -rf --one-file-system "$scratch" "$keep"
}
trap cleanup EXIT

# Nodes of the host's /dev: name, type, mode, device numbers (not times;
# pts and shm change with other users of the machine).
dev_snapshot() {
	find /dev -xdev \( -path /dev/pts -o -path /dev/shm -o -path /dev/mqueue \) -prune -o \
		-printf '%p %y %m %U:%G\n' | sort
}
mounts_below() { # lists mounts at or below the scratch roots, as the host sees them
	awk -v r="$scratch" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo
}

cp -al "$roots/$src" "$scratch/$src" || { echo "FAIL: cannot copy $roots/$src"; exit 1; }
r="$scratch/$src"
before=$(dev_snapshot)

# In the root: a tmpfs /dev without the host's disks, a network namespace,
# and a file written to its /dev. Meanwhile, the host sees none of its mounts.
FO_ROOTS=$scratch "$rr" run "$src" sh -c '
	set -e
	[ "$(stat -f -c %T /dev)" = tmpfs ] || { echo "/dev is not a tmpfs"; exit 1; }
	[ -z "$(find /dev -type b)" ] || { echo "block devices in /dev"; exit 1; }
	[ -c /dev/null ] && [ -c /dev/net/tun ] || { echo "/dev/null or /dev/net/tun missing"; exit 1; }
	ip netns add fo-hygiene && ip netns exec fo-hygiene ip link set lo up
	touch /dev/fo-hygiene-marker /root/ready
	i=0; while [ ! -f /root/go ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	ip netns del fo-hygiene' >"$scratch/run.log" 2>&1 &
pid=$!
i=0
while [ ! -f "$r/root/ready" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "the command runs in the root" test -f "$r/root/ready"
check "while it runs, the host sees no mount below the root" test -z "$(mounts_below)"
touch "$r/root/go"
wait "$pid"
rc=$?
check "the command in the root succeeded (tmpfs /dev, no disks, netns)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$scratch/run.log"
check "after it, the host sees no mount below the root" test -z "$(mounts_below)"
check "the root's /dev file did not reach the host's /dev" test ! -e /dev/fo-hygiene-marker

# A mount left below the root (a crashed run): remove undoes it, and does not
# delete through it.
mkdir -p "$r/mnt/left" && touch "$keep/precious"
mount --bind "$keep" "$r/mnt/left"
check "remove succeeds" env FO_ROOTS="$scratch" "$rr" remove "$src"
check "the root is gone" test ! -e "$r"
check "no mount below the root remains" test -z "$(mounts_below)"
check "what was mounted below the root is intact" test -f "$keep/precious"
check "the copied root is intact" test -x "$roots/$src/bin/sh" -a -f "$roots/$src/.net-failover-pkgs"
check "the host's /dev is unchanged" test "$before" = "$(dev_snapshot)"
[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "root removal: all checks passed"
