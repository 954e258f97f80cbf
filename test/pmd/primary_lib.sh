#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# A forwarding testpmd as the primary process of the multi-process tests,
# sourced. primary_init NAME reserves hugepages (hugepages_lib.sh) and
# registers the cleanup; primary_start SO VDEV starts testpmd (io forwarding)
# with its commands on fd 3 (SO empty: no plugin loaded); primary_quit stops
# it and sets PRIMARY_RC, and primary_bye tells whether it said goodbye; after
# primary_quit, primary_start may start another one (its output replaces
# $work/primary). Sets work, prefix and fail.
. "$(dirname "${BASH_SOURCE[0]}")/hugepages_lib.sh"
tp=""

# shellcheck disable=SC2317 # invoked by the EXIT trap
primary_cleanup() {
	exec 3>&- 2>/dev/null
	[ -z "$tp" ] || { kill "$tp" 2>/dev/null; wait "$tp" 2>/dev/null; }
	huge_release "$prefix"
	rm -rf "$work"
}

primary_init() {
	work=$(mktemp -d)
	prefix=$1-$$
	fail=0
	trap primary_cleanup EXIT
	huge_reserve 256
	# Writing to a testpmd that died must not kill the test: it reports it.
	trap "" PIPE
}

primary_start() {
	local so=$1 vdev=$2
	rm -f "$work/in"
	mkfifo "$work/in"
	stdbuf -oL dpdk-testpmd -l 0,1 -m 256 --no-pci --file-prefix "$prefix" ${so:+-d "$so"} \
		--vdev "$vdev" --log-level=lib.eal:warning -- -i --total-num-mbufs=2048 \
		<"$work/in" >"$work/primary" 2>&1 &
	tp=$!
	exec 3>"$work/in"
	echo start >&3
	for _ in $(seq 100); do
		grep -q "io packet forwarding" "$work/primary" && break
		sleep 0.1
	done
}

primary_quit() {
	echo stop >&3
	echo quit >&3
	exec 3>&-
	wait "$tp"
	PRIMARY_RC=$?
	tp=""
}

primary_bye() { [ "$PRIMARY_RC" -eq 0 ] && grep -q "^Bye" "$work/primary"; }
