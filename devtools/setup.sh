#!/usr/bin/env bash
# Install what building and testing net_failover needs on Debian 12, and provide
# DPDK's driver SDK headers (which Debian does not package) from Debian's source
# package of exactly the installed DPDK version. Idempotent; quick when done.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
sdk_root="$top/.deps/dpdk-sdk"
sdk_headers="ethdev_driver.h ethdev_vdev.h bus_vdev_driver.h dev_driver.h bus_driver.h"

pkgs="libdpdk-dev dpdk-dev dpdk libnuma-dev libbsd-dev libmnl-dev meson ninja-build
pkg-config gcc clang libclang-rt-14-dev iproute2 iputils-ping dpkg-dev xz-utils python3"

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (installs packages; tests need network namespaces)"

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
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

version=$(pkg-config --modversion libdpdk) || die "pkg-config cannot find libdpdk"
pkgver=$(dpkg-query -W -f='${Version}' libdpdk-dev)

# A DPDK built with enable_driver_sdk=true installs the headers itself.
incdir=$(pkg-config --variable=includedir libdpdk)/dpdk
if [ -f "$incdir/ethdev_driver.h" ] && [ -f "$incdir/bus_vdev_driver.h" ]; then
	log "DPDK $version ships its driver SDK headers; nothing to fetch"
	exit 0
fi

dest="$sdk_root/$version"
if [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$version" ]; then
	log "driver SDK headers for DPDK $version present in .deps/"
	exit 0
fi

# deb-src entries derived from the machine's own apt sources.
if ! apt-get source --print-uris -q "dpdk=$pkgver" >/dev/null 2>&1; then
	srcfile=/etc/apt/sources.list.d/net-failover-deb-src.sources
	found=0
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && [ "$f" != "$srcfile" ] || continue
		sed -n 's/^Types:.*\bdeb\b.*/Types: deb-src/p; /^Types:/!p' "$f"
		found=1
	done >"$srcfile.tmp"
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list >"${srcfile%.sources}.list"
		found=1
	fi
	[ "$found" = 1 ] || die "no apt sources to derive deb-src entries from"
	mv "$srcfile.tmp" "$srcfile"
	apt-get update -q >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log "fetching Debian source of dpdk $pkgver for the driver SDK headers"
(cd "$work" && apt-get source --download-only -q "dpdk=$pkgver" >/dev/null 2>&1) ||
	die "apt-get source dpdk=$pkgver failed: is a deb-src entry for its suite reachable?"
orig=$(ls "$work"/dpdk_*.orig.tar.* 2>/dev/null | head -1)
[ -n "$orig" ] || die "no orig tarball in Debian's dpdk source package"
tar -xf "$orig" -C "$work" --wildcards \
	'*/lib/ethdev/ethdev_driver.h' '*/lib/ethdev/ethdev_vdev.h' \
	'*/drivers/bus/vdev/bus_vdev_driver.h' '*/lib/eal/include/dev_driver.h' \
	'*/lib/eal/include/bus_driver.h'
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
for h in $sdk_headers; do
	src=$(find "$work" -name "$h" -path '*/dpdk*' | head -1)
	[ -n "$src" ] || die "$h not found in Debian's dpdk source"
	cp "$src" "$dest.tmp/"
done
echo "$version" >"$dest.tmp/VERSION"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
log "driver SDK headers for DPDK $version in .deps/dpdk-sdk/$version"
