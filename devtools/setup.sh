#!/usr/bin/env bash
# Install what building and testing net_failover needs (Debian), and provide
# DPDK's driver SDK headers, which no Debian release packages. Idempotent;
# quick when done.
#
#   setup.sh [--sdk-only] [--dpdk-src DIR[:DIR...]] [--sdk-git GITDIR]
#
# The headers come from the first of these that works, and setup.sh says which:
#   1. the installed DPDK, when it was built with enable_driver_sdk=true;
#   2. Debian's source package of exactly the installed version (apt-get source);
#   3. a DPDK source tree or git directory (--dpdk-src, or $DPDK_SRC): the tag
#      of the installed point release when it has it, else the release's .0
#      tag, with a warning that says so;
#   4. the header repository shared/dpdk-sdk.git beside the clone (--sdk-git,
#      or $FO_DPDK_SDK_GIT, to name another): one tag per release, the same
#      tag choice as 3.
# They are cached in $FO_SDK_CACHE/<version> (default /var/cache/net-failover/
# dpdk-sdk), outside the clone, where meson finds them.
# Exit status: 0 done, 1 error, 3 no source of headers for this DPDK.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${FO_SDK_CACHE:-/var/cache/net-failover/dpdk-sdk}
dpdk_src=${DPDK_SRC:-}
sdk_git=${FO_DPDK_SDK_GIT:-$(cd "$top/.." && pwd)/shared/dpdk-sdk.git}
install=1

log() { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: warning: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--sdk-only) install=0 ;;
	--dpdk-src)
		[ $# -ge 2 ] || die "--dpdk-src needs a directory"
		dpdk_src=$2
		shift
		;;
	--dpdk-src=*) dpdk_src=${1#*=} ;;
	--sdk-git)
		[ $# -ge 2 ] || die "--sdk-git needs a git directory"
		sdk_git=$2
		shift
		;;
	-h | --help) sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done

[ "$(id -u)" -eq 0 ] || die "run as root (installs packages; tests need network namespaces)"

# Packages; clang and its runtime (fuzzing, and with libbpf-dev the XDP
# program of kernel_traffic=keep) only where the version is known.
. /etc/os-release
pkgs="libdpdk-dev dpdk-dev dpdk libnuma-dev libbsd-dev libmnl-dev meson ninja-build
pkg-config gcc iproute2 iputils-ping dpkg-dev xz-utils python3 git
openvswitch-switch-dpdk python3-pyelftools libbpf-dev"
[ "${VERSION_CODENAME:-}" = bookworm ] && pkgs="$pkgs clang libclang-rt-14-dev"
# The vm suite (host only): QEMU, the guest's busybox, its initramfs tools.
[ "${VERSION_CODENAME:-}" = bookworm ] && [ "$install" = 1 ] &&
	pkgs="$pkgs qemu-system-x86 busybox-static cpio"

if [ "$install" = 1 ]; then
	missing=""
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		log "installing:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >/dev/null
		# shellcheck disable=SC2086
		# Installing Open vSwitch must not start its daemons on this machine:
		# the tests start their own. Only where no policy is set already.
		if [ ! -e /usr/sbin/policy-rc.d ]; then
			printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
			chmod 755 /usr/sbin/policy-rc.d
			trap 'rm -f /usr/sbin/policy-rc.d' EXIT
		fi
		apt-get install -y -q --no-install-recommends $missing >/dev/null
		if trap -p EXIT | grep -q policy-rc.d; then
			rm -f /usr/sbin/policy-rc.d
			trap - EXIT
		fi
	fi
fi

version=$(pkg-config --modversion libdpdk) || die "pkg-config cannot find libdpdk"
incdirs=$(pkg-config --cflags-only-I libdpdk | sed 's/-I//g')
# True when the installed DPDK has header $1.
installed() {
	local d
	for d in $incdirs; do
		[ -f "$d/$1" ] && return 0
	done
	return 1
}
series=${version%.*} # 24.11.3 -> 24.11

# The driver SDK headers the PMD and its tests include, with their place in
# DPDK's tree. rte_flow_driver.h only where the release does not install it.
sdk_paths="lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h
drivers/bus/vdev/bus_vdev_driver.h lib/eal/include/dev_driver.h
lib/eal/include/bus_driver.h"
installed rte_flow_driver.h || sdk_paths="$sdk_paths lib/ethdev/rte_flow_driver.h"

# 1. An installed DPDK with enable_driver_sdk=true.
have_all=1
for p in $sdk_paths; do
	installed "$(basename "$p")" || have_all=0
done
if [ "$have_all" = 1 ]; then
	log "DPDK $version: driver SDK headers from the installed DPDK ($(pkg-config --variable=includedir libdpdk))"
	exit 0
fi

dest="$cache/$version"
if [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$version" ]; then
	log "DPDK $version: driver SDK headers in $dest, from $(cat "$dest/SOURCE")"
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out"

# Put the headers found in directory $1 (a DPDK tree) into $work/out.
take_from_tree() {
	local p
	for p in $sdk_paths; do
		[ -f "$1/$p" ] || return 1
		cp "$1/$p" "$work/out/"
	done
}

# Put the headers of git tag $2 of git directory $1 into $work/out.
take_from_git() {
	local p
	for p in $sdk_paths; do
		git -c safe.directory='*' --git-dir "$1" show "$2:$p" >"$work/out/$(basename "$p")" \
			2>/dev/null || return 1
	done
}

# 2. Debian's source package of exactly the installed version.
from_debian() {
	local pkgver orig p
	pkgver=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null) || return 1
	deb_src_entries || return 1
	if ! (cd "$work" && apt-get source --download-only -q "dpdk=$pkgver" \
		>"$work/apt-source.log" 2>&1); then
		warn "Debian's source package dpdk=$pkgver cannot be had here: $(grep -m1 -E '^(E|Err):' \
			"$work/apt-source.log" | cut -c1-160)"
		return 1
	fi
	orig=$(ls "$work"/dpdk_*.orig.tar.* 2>/dev/null | head -1)
	[ -n "$orig" ] || { warn "no orig tarball in Debian's dpdk source package"; return 1; }
	mkdir -p "$work/src"
	# shellcheck disable=SC2046
	tar -xf "$orig" -C "$work/src" --strip-components=1 --wildcards \
		$(for p in $sdk_paths; do echo "*/$p"; done) 2>/dev/null ||
		{ warn "driver SDK headers missing from $orig"; return 1; }
	take_from_tree "$work/src" || return 1
	source_desc="Debian's source package dpdk $pkgver"
}

# deb-src entries derived from the machine's own apt sources.
deb_src_entries() {
	apt-get source --print-uris -q "dpdk=$pkgver" >/dev/null 2>&1 && return 0
	local srcfile=/etc/apt/sources.list.d/net-failover-deb-src.sources found=0 f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && [ "$f" != "$srcfile" ] || continue
		sed -n 's/^Types:.*\bdeb\b.*/Types: deb-src/p; /^Types:/!p' "$f"
		echo
		found=1
	done >"$work/deb-src.sources"
	if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
		sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list \
			>/etc/apt/sources.list.d/net-failover-deb-src.list
		found=1
	fi
	[ "$found" = 1 ] || { warn "no apt sources to derive deb-src entries from"; return 1; }
	[ -s "$work/deb-src.sources" ] && cp "$work/deb-src.sources" "$srcfile"
	apt-get update -q >/dev/null 2>&1 || warn "apt-get update with deb-src entries failed"
	apt-get source --print-uris -q "dpdk=$pkgver" >/dev/null 2>&1 ||
		{ warn "apt knows no source package dpdk=$pkgver"; return 1; }
}

# The driver headers of the installed release from the git directories or
# trees in $1 (colon-separated), described as $2 in messages: the exact
# point release's tag in any of them first, then the release's .0 tag.
from_git_dirs() {
	local list=$1 what=$2 d gd tag
	for tag in "v$version" "v$series"; do
		IFS=: read -ra dirs <<<"$list"
		for d in "${dirs[@]}"; do
			[ -d "$d" ] || { warn "$what: no directory $d"; continue; }
			gd=$(git -c safe.directory='*' -C "$d" rev-parse --absolute-git-dir 2>/dev/null) || gd=""
			if [ -z "$gd" ]; then
				[ "$tag" = "v$version" ] || continue
				# A plain tree: only if it is the installed version.
				if [ "$(cat "$d/VERSION" 2>/dev/null)" = "$version" ] && take_from_tree "$d"; then
					source_desc="DPDK tree $d (VERSION $version)"
					return 0
				fi
				continue
			fi
			git -c safe.directory='*' --git-dir "$gd" rev-parse -q --verify "refs/tags/$tag" \
				>/dev/null || continue
			take_from_git "$gd" "$tag" || continue
			source_desc="git tag $tag of $d"
			if [ "$tag" != "v$version" ]; then
				warn "no tag v$version in $d: using $tag's driver headers for DPDK $version"
				source_desc="$source_desc (no tag v$version: the release's .0 tag)"
			fi
			return 0
		done
	done
	warn "$what: no tag v$version or v$series, nor a $version tree, in $list"
	return 1
}

# 3. DPDK trees or git directories named by --dpdk-src / DPDK_SRC.
from_dpdk_src() {
	[ -n "$dpdk_src" ] || return 1
	from_git_dirs "$dpdk_src" "--dpdk-src"
}

# 4. The project's shared header repository, when it is there.
from_sdk_git() {
	[ -d "$sdk_git" ] || return 1
	from_git_dirs "$sdk_git" "the header repository"
}

source_desc=""
if ! from_debian && ! from_dpdk_src && ! from_sdk_git; then
	hint="name a DPDK tree or git directory with --dpdk-src DIR or DPDK_SRC"
	[ -n "$dpdk_src" ] && hint="none in $dpdk_src"
	sdk_hint="no header repository $sdk_git"
	[ -d "$sdk_git" ] && sdk_hint="no tag v$version or v$series in $sdk_git"
	printf 'setup: error: no driver SDK headers for DPDK %s: not installed, no Debian source package, %s, %s\n' \
		"$version" "$hint" "$sdk_hint" >&2
	exit 3
fi

mkdir -p "$cache"
rm -rf "$dest.tmp.$$"
cp -r "$work/out" "$dest.tmp.$$"
echo "$version" >"$dest.tmp.$$/VERSION"
echo "$source_desc" >"$dest.tmp.$$/SOURCE"
rm -rf "$dest" && mv "$dest.tmp.$$" "$dest"
log "DPDK $version: driver SDK headers from $source_desc, in $dest"
