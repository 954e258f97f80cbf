#!/usr/bin/env bash
# The main job in miniature, on a fresh Debian 12 machine, as root: builds
# net_failover, then runs Debian's dpdk-testpmd with net_failover0 over two
# real sub-devices (net_tap "VF" fo_vf as primary, net_tap "synthetic" fo_syn
# as standby) in a network namespace of its own. The kernel pings through the
# VF; the VF's link goes down; traffic continues on the synthetic path; the
# VF comes back. Prints what happened, then removes everything it made.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

say() { printf '%s\n' "$*"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (network namespaces, TAP devices)"
bash devtools/setup.sh >/dev/null
devtools/build.sh build >/dev/null
so=$top/build/drivers/net/failover/librte_net_failover.so

ns="fodemo-$$"
work=$(mktemp -d "$top/build/demo.XXXXXX")
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		echo quit >&3 2>/dev/null || true
		sleep 1
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	exec 3>&- 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up

# testpmd reads its commands from a FIFO, so that the demo can act between them.
mkfifo "$work/cmd"
ip netns exec "$ns" stdbuf -oL dpdk-testpmd -l 0,1 --no-huge -m 512 --no-pci --file-prefix "$ns" \
	-d "$so" --log-level=lib.eal:warning --log-level=pmd.net.failover:info \
	--vdev 'net_failover0,primary=(net_tap0,iface=fo_vf),standby=(net_tap1,iface=fo_syn),poll_ms=10' \
	-- -i --forward-mode=icmpecho --total-num-mbufs=8192 <"$work/cmd" >"$work/testpmd.log" 2>&1 &
pid=$!
exec 3>"$work/cmd"
tpmd() { echo "$1" >&3; sleep "${2:-0.5}"; }

for _ in $(seq 50); do
	ip netns exec "$ns" ip link show fo_syn >/dev/null 2>&1 && break
	sleep 0.2
done
tpmd "start" 1
ip netns exec "$ns" ip addr add 192.0.2.1/24 dev fo_vf
ip netns exec "$ns" ip addr add 198.51.100.1/24 dev fo_syn
ip netns exec "$ns" ip link set fo_vf up
ip netns exec "$ns" ip link set fo_syn up

xstat() {
	tpmd "show port xstats 0" 0.5
	awk -v k="$1:" '$1 == k {v = $2} END {print v}' "$work/testpmd.log"
}
path_name() { case $1 in 1) echo "primary (VF)";; 2) echo "standby (synthetic)";; *) echo none;; esac; }
ping_via() { # iface target
	ip netns exec "$ns" ping -c 5 -i 0.2 -W 1 -I "$1" "$2" 2>/dev/null |
		awk '/packets transmitted/ {print $4 "/" $1 " replies"}'
}

say "net_failover demo: testpmd icmpecho on net_failover0 = primary net_tap0 (fo_vf) + standby net_tap1 (fo_syn)"
say "1. steady state: active path $(path_name "$(xstat active_path)")"
say "   ping through the VF:        $(ping_via fo_vf 192.0.2.2)"
t0=$(date +%s%N)
ip netns exec "$ns" ip link set fo_vf down
say "2. VF link down (ip link set fo_vf down)"
sleep 0.5
sw=$(xstat last_switch_ns)
say "   active path $(path_name "$(xstat active_path)"), switched $(( (sw - t0) / 1000000 )) ms after the link went down"
say "   ping through the synthetic: $(ping_via fo_syn 198.51.100.2)"
ip netns exec "$ns" ip link set fo_vf up
ip netns exec "$ns" ip addr replace 192.0.2.1/24 dev fo_vf
say "3. VF link up again"
sleep 0.5
say "   active path $(path_name "$(xstat active_path)")"
say "   ping through the VF:        $(ping_via fo_vf 192.0.2.2)"
say "4. counters: switches $(xstat switch_count); VF rx/tx $(xstat primary_rx_packets)/$(xstat primary_tx_packets); synthetic rx/tx $(xstat standby_rx_packets)/$(xstat standby_tx_packets)"
say "   net_failover's log:"
grep "^net_failover " "$work/testpmd.log" | grep -E "active path|link (up|down)$" | sed 's/^/     /'
tpmd "quit" 2
say "done: namespace $ns and its interfaces removed"
