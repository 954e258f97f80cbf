#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Two-namespace topology for the end-to-end tests, sourced by tests and demos.
#
#   ${PREFIX}g (guest)                 ${PREFIX}h (host)
#     syn0  MAC=TOPO_MAC  <--veth-->     hsyn0  (own MAC)
#     vf0   MAC=TOPO_MAC  <--veth-->     hvf0   (own MAC)
#
# Everything is created inside the two namespaces: the root namespace's
# interfaces are never touched. Usage:
#   . topology.sh; topo_up fo$$; trap topo_down EXIT; topo_sysfs "$dir/sys"

TOPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOPO_PREFIX=${TOPO_PREFIX:-}
TOPO_GUEST=${TOPO_GUEST:-}
TOPO_HOST=${TOPO_HOST:-}
TOPO_MAC=${TOPO_MAC:-}
# ifindexes of the veths: "" = the kernel's choice (fresh namespaces number
# alike, so each veth and its peer share one), "equal" or "distinct" = set
# explicitly (guest syn0/vf0 = 10/11, host peers the same or 20/21). The
# kernel's linkwatch delays carrier events of a netdev whose peer has its
# own ifindex (iflink == ifindex) by up to 1 s.
TOPO_IFINDEX=${TOPO_IFINDEX:-}

# Random locally chosen MAC with the given prefix (3 octets).
_topo_mac() {
	local p=$1 b
	b=$(od -An -N3 -tx1 /dev/urandom | tr -s ' ' ':')
	echo "${p}${b}"
}

# Why: stray IPv6 router solicitations/MLD would otherwise reach testpmd
# and the generator; the test traffic is raw Ethernet anyway.
_topo_quiet() {
	local ns=$1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
	ip -n "$ns" link set lo up
}

topo_up() {
	local prefix=${1:?topo_up PREFIX}
	if [ ${#prefix} -gt 12 ]; then
		echo "topo_up: prefix '$prefix' too long" >&2
		return 1
	fi
	case $TOPO_IFINDEX in
	'' | equal | distinct) ;;
	*) echo "topo_up: TOPO_IFINDEX must be empty, equal or distinct, not '$TOPO_IFINDEX'" >&2
		return 1 ;;
	esac
	TOPO_PREFIX=$prefix
	TOPO_GUEST=${prefix}g
	TOPO_HOST=${prefix}h
	TOPO_MAC=$(_topo_mac 00:0d:3a)
	export TOPO_PREFIX TOPO_GUEST TOPO_HOST TOPO_MAC
	# Status 2: the machine refuses a namespace (the caller may skip);
	# 1: anything else.
	ip netns add "$TOPO_GUEST" || return 2
	ip netns add "$TOPO_HOST" || { topo_down; return 1; }
	_topo_quiet "$TOPO_GUEST"
	_topo_quiet "$TOPO_HOST"
	# Created directly in the guest namespace, peer in the host one: no
	# name ever exists in the root namespace, so no clash is possible.
	local pair g h
	local -a gi hi
	for pair in syn0:hsyn0:10 vf0:hvf0:11; do
		g=${pair%%:*}
		h=${pair#*:}
		h=${h%%:*}
		gi=() hi=()
		if [ -n "$TOPO_IFINDEX" ]; then
			gi=(index "${pair##*:}")
			hi=(index "${pair##*:}")
			[ "$TOPO_IFINDEX" = equal ] || hi=(index "$((${pair##*:} + 10))")
		fi
		ip -n "$TOPO_GUEST" link add "$g" "${gi[@]}" address "$TOPO_MAC" type veth \
			peer name "$h" netns "$TOPO_HOST" "${hi[@]}" \
			address "$(_topo_mac 02:00:00)" || { topo_down; return 1; }
		ip -n "$TOPO_GUEST" link set "$g" up || { topo_down; return 1; }
		ip -n "$TOPO_HOST" link set "$h" up || { topo_down; return 1; }
	done
	# Carrier comes a little after "up": wait so the first frames count.
	for _ in $(seq 50); do
		[ "$(ip netns exec "$TOPO_HOST" cat /sys/class/net/hvf0/operstate \
			/sys/class/net/hsyn0/operstate | sort -u)" = up ] && return 0
		sleep 0.05
	done
	echo "topo_up: host veths never came up" >&2
	topo_down
	return 1
}

# Idempotent; safe with set -u and before topo_up.
topo_down() {
	local ns
	local -a pids
	for ns in ${TOPO_GUEST:-} ${TOPO_HOST:-}; do
		ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF "$ns" ||
			continue
		# A process still inside would keep the namespace (and its veths)
		# alive after the name is gone: end those, by pid. They can only
		# be ours, the namespace was made by topo_up.
		mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null || true)
		if [ ${#pids[@]} -gt 0 ]; then
			kill "${pids[@]}" 2>/dev/null || true
			for _ in $(seq 10); do
				mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null || true)
				[ ${#pids[@]} -eq 0 ] && break
				sleep 0.2
			done
			if [ ${#pids[@]} -gt 0 ]; then
				kill -9 "${pids[@]}" 2>/dev/null || true
			fi
		fi
		ip netns del "$ns" 2>/dev/null || true
	done
	return 0
}

# ifindex of an interface in the guest namespace (for the tree's attrs).
_topo_ifindex() {
	ip -n "$TOPO_GUEST" -o link show "$1" 2>/dev/null | cut -d: -f1
}

# Sysfs-like tree at DIR describing syn0 as netvsc and vf0 as its mlx5 VF.
topo_sysfs() {
	local dir=${1:?topo_sysfs DIR}
	local si vi
	si=$(_topo_ifindex syn0)
	vi=$(_topo_ifindex vf0)
	rm -rf "$dir"
	python3 "$TOPO_DIR/gen_tree.py" "$dir" "${TOPO_MAC:?topo_up first}" \
		"${si:-2}" "${vi:-3}" >/dev/null
}

# --- VF hot-plug in the guest (scenario tests) ------------------------------

# Deletes the guest's vf0 (NAME): its host peer hvf0 goes with it.
topo_vf_del() {
	local name=${1:-vf0}
	ip -n "${TOPO_GUEST:?topo_up first}" link del "$name"
}

# Makes the VF again as the kernel would after a hot-plug: a veth NAME
# (default vf0, e.g. eth9 before udev renames it) with the pair's MAC in
# the guest, up, its peer hvf0 (a new MAC) in the host, up; waits for the
# host side's carrier.
topo_vf_add() {
	local name=${1:-vf0}
	ip -n "${TOPO_GUEST:?topo_up first}" link add "$name" address "$TOPO_MAC" \
		type veth peer name hvf0 netns "$TOPO_HOST" \
		address "$(_topo_mac 02:00:00)" || return 1
	ip -n "$TOPO_HOST" link set hvf0 up || return 1
	ip -n "$TOPO_GUEST" link set "$name" up || return 1
	for _ in $(seq 50); do
		[ "$(ip netns exec "$TOPO_HOST" cat /sys/class/net/hvf0/operstate)" = up ] &&
			return 0
		sleep 0.05
	done
	echo "topo_vf_add: hvf0 never came up" >&2
	return 1
}

# Renames a guest interface (udev's job on a real guest).
topo_rename() {
	ip -n "${TOPO_GUEST:?topo_up first}" link set "$1" name "$2"
}
