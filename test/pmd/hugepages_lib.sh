#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Hugepages for the multi-process tests, sourced: secondary processes share
# the primary's memory, which needs hugepages. huge_reserve N makes N free
# 2 MiB pages (mounting hugetlbfs if nothing has), or exits 77 saying why;
# huge_release (call it from the EXIT trap) removes the page files of the
# file prefix and gives back what was reserved.
HUGE_BEFORE=""
HUGE_MOUNTED=""

huge_free() { awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo; }

huge_reserve() {
	local want=$1 free
	HUGE_BEFORE=$(cat /proc/sys/vm/nr_hugepages)
	free=$(huge_free)
	if [ "${free:-0}" -lt "$want" ]; then
		echo $((HUGE_BEFORE + want)) >/proc/sys/vm/nr_hugepages
	fi
	if ! grep -q hugetlbfs /proc/mounts; then
		mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages &&
			HUGE_MOUNTED=/dev/hugepages
	fi
	free=$(huge_free)
	if [ "${free:-0}" -lt "$want" ]; then
		echo "skipped: only ${free:-0} free hugepages could be had, $want needed"
		exit 77
	fi
}

# huge_release FILE_PREFIX
huge_release() {
	local prefix=$1
	# Hugepage files of a killed primary would keep their pages.
	awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts | while read -r m; do
		rm -f "$m/${prefix}map_"*
	done
	[ -z "$HUGE_BEFORE" ] || echo "$HUGE_BEFORE" >/proc/sys/vm/nr_hugepages
	[ -z "$HUGE_MOUNTED" ] || umount "$HUGE_MOUNTED"
	rm -rf "/var/run/dpdk/$prefix"
}
