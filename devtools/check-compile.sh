#!/usr/bin/env bash
# Compile (no link) the PMD and its test PMD against the headers of a DPDK
# release that has no Debian root here (23.11: Ubuntu 24.04's; 26.03 and
# 26.07, newer than any Debian), with the flags of the real build and
# -Werror. The headers come from a DPDK tree that already holds its
# generated build/rte_build_config.h: --tree DIR, or the tag of the header
# repository shared/dpdk-sdk.git beside the clone (--sdk-git, or
# $FO_DPDK_SDK_GIT), unpacked once into /var/cache/net-failover/dpdk-tree/<tag>.
#
#   check-compile.sh [--tag v23.11.7] [--tree DIR] [--sdk-git GITDIR]
#
# Prints the number of warnings; exits 0 when there are none, 1 otherwise,
# 3 when the headers cannot be had (the caller reports a skip).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tag=v23.11.7
tree=""
sdk_git=${FO_DPDK_SDK_GIT:-$(cd "$top/.." && pwd)/shared/dpdk-sdk.git}
while [ $# -gt 0 ]; do
	case "$1" in
	--tag) tag=${2?--tag needs a tag}; shift ;;
	--tree) tree=${2?--tree needs a directory}; shift ;;
	--sdk-git) sdk_git=${2?--sdk-git needs a git directory}; shift ;;
	-h | --help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "check-compile: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
skip() { echo "check-compile: no DPDK $tag headers: $*" >&2; exit 3; }

if [ -n "$tree" ]; then
	[ -f "$tree/build/rte_build_config.h" ] ||
		skip "$tree holds no build/rte_build_config.h (a configured DPDK tree is needed)"
else
	tree=/var/cache/net-failover/dpdk-tree/$tag
	if [ ! -f "$tree/build/rte_build_config.h" ]; then
		[ -d "$sdk_git" ] || skip "no header repository $sdk_git (name one with --sdk-git or --tree)"
		git -c safe.directory='*' --git-dir "$sdk_git" rev-parse -q --verify "refs/tags/$tag" \
			>/dev/null || skip "no tag $tag in $sdk_git"
		rm -rf "$tree.tmp.$$" && mkdir -p "$tree.tmp.$$"
		git -c safe.directory='*' --git-dir "$sdk_git" archive "$tag" | tar -x -C "$tree.tmp.$$"
		[ -f "$tree.tmp.$$/build/rte_build_config.h" ] ||
			{ rm -rf "$tree.tmp.$$"; skip "tag $tag of $sdk_git has no build/rte_build_config.h"; }
		rm -rf "$tree" && mv "$tree.tmp.$$" "$tree"
	fi
fi

inc=(-I"$tree/build" -I"$tree/config" -I"$tree/lib/eal/include" -I"$tree/lib/eal/linux/include"
	-I"$tree/lib/eal/x86/include" -I"$tree/drivers/bus/vdev" -I"$tree/drivers/bus/pci")
for d in "$tree"/lib/*/; do
	inc+=(-I"$d")
done
flags=(-std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
	-D_GNU_SOURCE -DALLOW_EXPERIMENTAL_API -DALLOW_INTERNAL_API -march=corei7
	-include rte_config.h -fsyntax-only -I"$top/drivers/net/failover" -I"$top/lib/failover_scan"
	-I"$top/test" -I"$top/test/pmd")
warnings=0
errors=0
for f in "$top"/drivers/net/failover/*.c "$top/test/pmd/fotest_pmd.c"; do
	out=$(gcc "${flags[@]}" "${inc[@]}" "$f" 2>&1) || errors=$((errors + 1))
	n=$(grep -c 'warning:' <<<"$out" || true)
	warnings=$((warnings + n))
	[ -z "$out" ] || echo "$out"
done
echo "check-compile: DPDK $tag ($(cat "$tree/VERSION")): $warnings warning(s), $errors file(s) with errors"
[ "$warnings" -eq 0 ] && [ "$errors" -eq 0 ]
