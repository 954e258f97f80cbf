#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Crash benchmark: how soon after `kill -9` of the application the kernel's
# synthetic netdev is its own again (the guardian process removing the TAP
# exception path's tc redirect, or with --exception af_xdp the AF_XDP path's
# XDP program). A benchmark, not a test: it prints numbers
# and whether the 1 s target is met; it does not fail on them. See --help.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prog=$(basename "$0")
rounds=5
build="$top/build"
exception=tap

usage() {
	cat <<EOF
usage: $prog [--rounds N] [--build DIR] [--exception tap|af_xdp] [--help]

On the e2e topology (test/e2e/topology.sh: guest syn0/vf0, host hsyn0/hvf0),
runs dpdk-testpmd with --vdev net_failover0,sysfs=TREE,iface=syn0 (vf0 through
af_packet, syn0 through the TAP exception path, or AF_XDP with --exception
af_xdp), N rounds (default $rounds).
Each round: syn0 10.250.0.1/24, hsyn0 10.250.0.2/24; a ping from the host
every 5 ms (ping -D, timestamps) and 'tc -ts monitor' in the guest run
throughout; testpmd is started, then SIGKILLed. Printed per round, in ms
from the kill: the tc filter deletion on syn0 seen by tc monitor (TAP path
only), and the first ping reply. Then the medians and the worst, against the 1 s target.
Needs root, dpdk-testpmd, ping, tc; the PMD built in DIR (default build/).
EOF
}

while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=${2:?--rounds N}; shift 2 ;;
	--build) build=${2:?--build DIR}; shift 2 ;;
	--exception)
		case ${2:-} in tap | af_xdp) exception=$2 ;;
		*) echo "$prog: --exception is tap or af_xdp, got '${2:-}'" >&2; exit 2 ;; esac
		shift 2 ;;
	--help | -h) usage; exit 0 ;;
	*) echo "$prog: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
case "$rounds" in
'' | *[!0-9]* | 0) echo "$prog: --rounds wants a positive number, not '$rounds'" >&2; exit 2 ;;
esac
so="$build/drivers/net/failover/librte_net_failover.so"
[ -f "$so" ] || { echo "$prog: $so not found: build first (devtools/build.sh)" >&2; exit 1; }
for c in ping tc; do
	command -v "$c" >/dev/null || { echo "$prog: $c not installed" >&2; exit 1; }
done

# shellcheck source=test/e2e/e2e_lib.sh
. "$top/test/e2e/e2e_lib.sh"
e2e_init "$so"
E2E_EAL_EXTRA="--log-level=pmd.net.failover:info"
ip -n "$TOPO_GUEST" addr add 10.250.0.1/24 dev syn0
ip -n "$TOPO_HOST" addr add 10.250.0.2/24 dev hsyn0
topo_sysfs "$E2E_TMP/sys"

ip netns exec "$TOPO_GUEST" tc -tshort monitor >"$E2E_TMP/tcmon" 2>&1 &
mon=$!
ip netns exec "$TOPO_HOST" ping -D -n -i 0.005 -W 1 10.250.0.1 >"$E2E_TMP/ping" 2>&1 &
pinger=$!
# shellcheck disable=SC2317 # invoked by the EXIT trap
stop_bg() {
	kill "$mon" "$pinger" 2>/dev/null || true
	wait "$mon" "$pinger" 2>/dev/null || true
	e2e_cleanup
}
trap stop_bg EXIT

# ms from T0 (epoch seconds) to the first syn0 filter deletion in the tc
# monitor log and to the first ping reply; "-" when there is none.
after_kill() {
	python3 - "$1" "$E2E_TMP/tcmon" "$E2E_TMP/ping" <<'PY'
import datetime, re, sys
t0 = float(sys.argv[1])
tc = ping = None
for line in open(sys.argv[2], errors="replace"):
    m = re.match(r"\[([0-9T:.-]+)\] deleted filter dev syn0 ", line)
    if m:
        t = datetime.datetime.fromisoformat(m.group(1)).timestamp()
        if t > t0 and tc is None:
            tc = t
for line in open(sys.argv[3], errors="replace"):
    m = re.match(r"\[([0-9.]+)\] .*bytes from", line)
    if m and float(m.group(1)) > t0:
        ping = float(m.group(1))
        break
print(*("%.0f" % ((t - t0) * 1000) if t is not None else "-" for t in (tc, ping)))
PY
}

ms_tc=()
ms_ping=()
for r in $(seq "$rounds"); do
	e2e_start_testpmd "net_failover0,sysfs=$E2E_TMP/sys,iface=syn0,exception=$exception" ||
		{ echo "round $r: testpmd did not start"; exit 1; }
	if [ "$exception" = tap ]; then
		[ "$(e2e_tc_redirects syn0)" -eq 1 ] || { echo "round $r: no redirect on syn0"; exit 1; }
	else
		[ "$(e2e_xdp_progs syn0)" -eq 1 ] || { echo "round $r: no XDP program on syn0"; exit 1; }
	fi
	sleep 0.3
	pid=$(e2e_testpmd_pid)
	t0=$(date +%s.%N)
	kill -9 "$pid"
	e2e_kill9_testpmd || true # reaps the wrapper
	# Wait for the answer (up to 5 s), then read both logs.
	for _ in $(seq 100); do
		read -r tc_ms ping_ms < <(after_kill "$t0")
		[ "$ping_ms" = - ] || break
		sleep 0.05
	done
	echo "round $r: redirect on syn0 deleted after $tc_ms ms, first ping reply after $ping_ms ms"
	[ "$tc_ms" = - ] && tc_ms=
	[ "$ping_ms" = - ] && ping_ms=
	[ -z "$tc_ms" ] || ms_tc+=("$tc_ms")
	[ -z "$ping_ms" ] || ms_ping+=("$ping_ms")
	# The next testpmd must not see this round's state.
	[ "$(e2e_tc_redirects syn0)" -eq 0 ] || { echo "round $r: redirect still on syn0"; exit 1; }
	[ "$(e2e_xdp_progs syn0)" -eq 0 ] || { echo "round $r: XDP program still on syn0"; exit 1; }
done

stat() {
	printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {
		if (NR == 0) { print "no data"; exit }
		printf "median %d ms, worst %d ms (%d rounds)", v[int((NR + 1) / 2)], v[NR], NR }'
}
echo "redirect on syn0 deleted: $(stat "${ms_tc[@]}")"
echo "syn0 answers a ping again: $(stat "${ms_ping[@]}")"
worst=$(printf '%s\n' "${ms_ping[@]}" | sort -n | tail -n 1)
if [ ${#ms_ping[@]} -eq "$rounds" ] && [ "$worst" -le 1000 ]; then
	echo "target (kernel answers within 1 s of the kill): met in every round"
else
	echo "target (kernel answers within 1 s of the kill): NOT met in every round"
fi
