#!/usr/bin/env bash
# Build net_failover's Debian packages for one DPDK release, inside the
# Debian root of that release (devtools/release-root.sh), into
# dist/<codename>/, and check them with lintian.
#
#   package.sh [--release 22.11|24.11|25.11]   (default: the host's DPDK)
#
# 22.11 is Debian 12 (bookworm), 24.11 Debian 13 (trixie), 25.11 Debian sid.
# The driver SDK headers come from devtools/setup.sh in the root (DPDK_SRC,
# else the header repository shared/dpdk-sdk.git beside the clone, or
# $FO_DPDK_SDK_GIT). The packages are built from the committed tree (git
# archive HEAD). Exit status: 0 done, 1 error, 3 no driver SDK headers.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
DPDK_SRC=${DPDK_SRC:-}
sdk_git=${FO_DPDK_SDK_GIT:-$(cd "$top/.." && pwd)/shared/dpdk-sdk.git}
[ -d "$sdk_git" ] || sdk_git=""
rr="$top/devtools/release-root.sh"
release=""

die() { printf 'package: error: %s\n' "$*" >&2; exit 1; }
log() { printf 'package: %s\n' "$*"; }

while [ $# -gt 0 ]; do
	case "$1" in
	--release) release=${2?--release needs 22.11, 24.11 or 25.11}; shift ;;
	--release=*) release=${1#*=} ;;
	-h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[ -n "$release" ] || release=$(pkg-config --modversion libdpdk | cut -d. -f1,2)
case "$release" in
22.11) code=bookworm ;;
24.11) code=trixie ;;
25.11) code=sid ;;
*) die "no Debian release carries DPDK '$release': give 22.11, 24.11 or 25.11" ;;
esac
[ "$(id -u)" -eq 0 ] || die "run as root (the build runs in a chroot)"

"$rr" ensure "$code"
log "packaging tools in the $code root"
"$rr" run "$code" apt-get install -y -q build-essential debhelper lintian fakeroot >/dev/null 2>&1 ||
	die "cannot install debhelper and lintian in the $code root"

# DPDK's driver SDK headers, as for the tests (cached; DPDK_SRC as setup.sh).
export FO_ROOT_BIND_RO="$top ${DPDK_SRC//:/ } $sdk_git"
export FO_ROOT_BIND_RW=/var/cache/net-failover/dpdk-sdk
rc=0
"$rr" run "$code" bash "$top/devtools/setup.sh" --sdk-only ${DPDK_SRC:+--dpdk-src "$DPDK_SRC"} \
	${sdk_git:+--sdk-git "$sdk_git"} || rc=$?
if [ "$rc" -eq 3 ]; then
	printf 'package: error: no driver SDK headers for DPDK %s in the %s root (see above)\n' \
		"$release" "$code" >&2
	exit 3
fi
[ "$rc" -eq 0 ] || die "devtools/setup.sh failed in the $code root (see above)"

root=$("$rr" path "$code")
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version 2>/dev/null ||
	sed -n '1s/.*(\(.*\)).*/\1/p' "$top/debian/changelog")
work=/root/net-failover-pkg
rm -rf "$root$work"
mkdir -p "$root$work/net-failover-$version"
git -C "$top" archive HEAD | tar -x -C "$root$work/net-failover-$version"

log "dpkg-buildpackage in the $code root (DPDK $release)"
"$rr" run "$code" sh -c "cd $work/net-failover-$version && dpkg-buildpackage -us -uc -b" \
	>"$root$work/build.log" 2>&1 || {
	tail -40 "$root$work/build.log"
	die "dpkg-buildpackage failed in the $code root: see $root$work/build.log"
}
lint=0
"$rr" run "$code" sh -c "cd $work && lintian --fail-on error *.changes" >"$root$work/lintian.log" 2>&1 ||
	lint=$?
cat "$root$work/lintian.log"
[ "$lint" -eq 0 ] || die "lintian reports errors (above)"

dist="$top/dist/$code"
rm -rf "$dist" && mkdir -p "$dist"
cp "$root$work"/*.deb "$root$work"/*.changes "$root$work"/*.buildinfo "$dist/"
log "$(ls "$dist"/*.deb | wc -l) packages for DPDK $release in dist/$code/; lintian: $(grep -c '^E:' "$root$work/lintian.log" || true) errors, $(grep -c '^W:' "$root$work/lintian.log" || true) warnings"
