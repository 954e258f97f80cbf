#!/usr/bin/env bash
# The live-failover scenario in miniature, on a fresh Debian 12 machine, as
# root: builds net_failover, makes a guest and a host network namespace joined
# by two veth pairs (guest syn0 and vf0 with one MAC, as a netvsc NIC and its
# SR-IOV VF; host hsyn0 and hvf0) and a generated sysfs tree that describes
# them, runs Debian's dpdk-testpmd (macswap) on --vdev net_failover0,sysfs=TREE
# in the guest, and sends 10 000 sequence-numbered frames/s from the host on
# hvf0. The host takes the VF away (hvf0 down, the generator moves to hsyn0 at
# the same instant), then gives it back. Prints a short timeline of what
# happened and which path carried what, then removes everything it made.
# Exit status 0 if traffic went over the synthetic path while the VF was away
# and came back on the VF after it returned.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

say() { printf '%s\n' "$*"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (network namespaces, AF_PACKET, tc)"
bash devtools/setup.sh >/dev/null
devtools/build.sh build >/dev/null
so=$top/build/drivers/net/failover/librte_net_failover.so
helper=$top/devtools/switchover.py
# shellcheck source=test/e2e/topology.sh
. "$top/test/e2e/topology.sh"

work=$(mktemp -d "$top/build/demo.XXXXXX")
prefix="fodemo-$$"
pid=""
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	trap - EXIT INT TERM HUP
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		{ echo >&3; } 2>/dev/null || true # Enter: testpmd stops and exits
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	exec 3>&- 2>/dev/null || true
	topo_down # also ends whatever still runs inside the namespaces
	rm -rf "$work" "/var/run/dpdk/$prefix"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
trap '' PIPE

topo_up "fod$$" || die "cannot create network namespaces / veth pairs"
topo_sysfs "$work/sys"
say "net_failover demo"
say "  guest namespace $TOPO_GUEST: syn0 and vf0, both MAC $TOPO_MAC; host namespace $TOPO_HOST: hsyn0, hvf0"
say "  sysfs tree $work/sys says: syn0 = Hyper-V netvsc, vf0 = its mlx5 VF"

# testpmd reads Enter (= quit) from a FIFO; its output is time-stamped line by
# line (CLOCK_MONOTONIC, the generator's clock) to place the PMD's log lines.
mkfifo "$work/cmd"
ip netns exec "$TOPO_GUEST" stdbuf -oL -eL dpdk-testpmd -l 0,1 --no-huge -m 512 \
	--no-pci --file-prefix "$prefix" -d "$so" --log-level=lib.eal:warning \
	--vdev "net_failover0,sysfs=$work/sys" -- --forward-mode=macswap \
	--port-topology=loop --nb-cores=1 --total-num-mbufs=8192 \
	<"$work/cmd" > >(python3 "$helper" stamp >"$work/testpmd.log") 2>&1 &
pid=$!
exec 3>"$work/cmd"
for _ in $(seq 150); do
	grep -q "Press enter to exit" "$work/testpmd.log" && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q "Press enter to exit" "$work/testpmd.log"; then
	cut -f2- "$work/testpmd.log" | tail -n 20 >&2
	die "testpmd did not start forwarding"
fi
say "  testpmd: --vdev net_failover0,sysfs=<tree> (no iface=: the tree has one pair), macswap"
xdp=$(ip -n "$TOPO_GUEST" link show dev syn0 | grep -o 'prog/xdp id [0-9]* name [a-z_]*' || true)
redir=$(tc -n "$TOPO_GUEST" filter show dev syn0 ingress 2>/dev/null |
	grep -o 'Redirect to device [^ )]*' | head -n 1 | awk '{ print $4 }') || true
if [ -n "$xdp" ]; then
	say "  the PMD opened vf0 with net_af_packet, and syn0 with net_af_xdp (the AF_XDP"
	say "  exception path; syn0 runs ${xdp#prog/})"
else
	say "  the PMD opened vf0 with net_af_packet, and syn0 through a TAP (${redir:-none?}):"
	say "  tc on syn0 ingress redirects to ${redir:-?} and back (the TAP exception path)"
fi

say "running: 3 s at 10 000 frames/s from hvf0; VF away at 1.0 s, back at 2.0 s"
ip netns exec "$TOPO_HOST" timeout -k 5 30 python3 "$helper" gen --actions down,up \
	--ifaces hvf0,hsyn0 --dst "$TOPO_MAC" --rate 10000 --duration 3 --grace 0.3 \
	--switch-at 1.0 --switch-at 2.0 --out "$work/gen.json" ||
	die "the generator failed"
{ echo >&3; } 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
say ""
status=0
python3 "$helper" story "$work/gen.json" "$work/testpmd.log" || status=1
cut -f2- "$work/testpmd.log" | awk '/Accumulated forward statistics/ { f = 1 }
	f && /RX-packets:/ { rx = $2 } f && /TX-packets:/ { print "  testpmd on net_failover0: RX " rx ", TX " $2; exit }'
if [ $status -eq 0 ]; then
	say "ok: traffic moved to the synthetic path while the VF was away and back to the VF after"
else
	say "demo: the failover scenario did NOT work (see above)"
fi
say "cleanup: namespaces $TOPO_GUEST/$TOPO_HOST, testpmd and $work removed"
exit $status
