#!/usr/bin/env bash
# Compile (no link) the PMD and its test PMD against the headers of a DPDK
# release that has no Debian root here (23.11: Ubuntu 24.04's), with the
# flags of the real build and -Werror. The release's tree comes from a DPDK
# git directory; its rte_build_config.h from a meson set-up of that tree
# (generic platform, two drivers). Both are cached in
# /var/cache/net-failover/dpdk-tree/<tag>.
#
#   check-compile.sh --dpdk-src GITDIR [--tag v23.11]
#
# Prints the number of warnings; exits 0 when there are none, 1 otherwise,
# 3 when the tree cannot be had (the caller reports a skip).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tag=v23.11
src=${DPDK_SRC:-}
while [ $# -gt 0 ]; do
	case "$1" in
	--tag) tag=${2?--tag needs a tag}; shift ;;
	--dpdk-src) src=${2?--dpdk-src needs a directory}; shift ;;
	*) echo "check-compile: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
skip() { echo "check-compile: no DPDK $tag tree: $*" >&2; exit 3; }

tree=/var/cache/net-failover/dpdk-tree/$tag
if [ ! -f "$tree/build/rte_build_config.h" ]; then
	[ -n "$src" ] || skip "name a DPDK git directory with --dpdk-src or DPDK_SRC"
	gd=""
	IFS=: read -ra dirs <<<"$src"
	for d in "${dirs[@]}"; do
		g=$(git -C "$d" rev-parse --absolute-git-dir 2>/dev/null) || continue
		git --git-dir "$g" rev-parse -q --verify "refs/tags/$tag" >/dev/null && { gd=$g; break; }
	done
	[ -n "$gd" ] || skip "no tag $tag in $src"
	command -v meson >/dev/null || skip "meson not installed"
	# A python3 of its own first in PATH (pyenv) lacks Debian's module.
	if ! python3 -c 'import elftools' 2>/dev/null && /usr/bin/python3 -c 'import elftools' 2>/dev/null; then
		PATH=/usr/bin:$PATH
	fi
	python3 -c 'import elftools' 2>/dev/null ||
		skip "DPDK's meson set-up needs python3-pyelftools (apt-get install python3-pyelftools)"
	rm -rf "$tree" && mkdir -p "$tree"
	git --git-dir "$gd" archive "$tag" | tar -x -C "$tree"
	(cd "$tree" && meson setup build -Dplatform=generic -Denable_drivers=bus/vdev,net/null \
		-Dtests=false -Denable_docs=false -Ddisable_apps='*' >build.log 2>&1) ||
		{ rm -rf "$tree"; skip "meson set-up of DPDK $tag failed"; }
fi

inc=(-I"$tree/build" -I"$tree/config" -I"$tree/lib/eal/include" -I"$tree/lib/eal/linux/include"
	-I"$tree/lib/eal/x86/include" -I"$tree/drivers/bus/vdev")
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
