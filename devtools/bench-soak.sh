#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Soak benchmark: the VF flaps and comes and goes many times under traffic,
# on the e2e topology (test/e2e/topology.sh) with the discovered pair (syn0 =
# netvsc held by the kernel -> TAP exception path + tc; vf0 = VF through
# af_packet). A benchmark, not a test: it prints figures; it fails only on a
# crash or a leak. See --help.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prog=$(basename "$0")
cmdline="$0${*:+ $*}"

flaps=100
recreate=4
rate=10000
seed=1
ifmode=distinct
build="$top/build"
keep=""
raw=""
tail_s=3
stats_ms=500
# The TAP path by default: net_af_xdp keeps mbufs in flight on its rings,
# which would blur the mbuf count this benchmark checks for leaks.
exception=tap

usage() {
	cat <<EOF
usage: $prog [--flaps N] [--recreate M] [--rate R] [--seed S] [--equal-ifindex]
       [--tail S] [--keep DIR] [--raw] [--build DIR] [--exception MODE] [--help]

dpdk-testpmd -i --forward-mode=macswap runs in a guest namespace on
net_failover0 (discovered pair: syn0 = netvsc through the TAP exception path
(--exception MODE: the devarg exception=MODE, default tap),
vf0 = its VF through af_packet); a generator in the host namespace
(devtools/soak.py gen, on test/e2e/pktgen.py) sends R sequence-numbered
frames/s and counts the echoes on hvf0 and hsyn0. After 1 s it goes through a
seeded random plan, each step 5-60 ms after the previous one:

  flap        (N times) the host takes the VF away: hvf0 down and the
              generator moves to hsyn0 at the same instant; then the VF back:
              hvf0 up and the generator back on hvf0 at the same instant
  re-creation (M times, spread among the flaps) vf0 leaves the guest (the
              veth pair is deleted) and the generator moves to hsyn0; 0.3 s
              later a new vf0 (new ifindex, the pair's MAC) appears, up, with
              its peer hvf0 down; 0.2 s later hvf0 comes up and the
              generator follows it

then $tail_s s without events. Printed: per kind of event the frames lost
(among those sent until the next event) and the ms to the first echo on the
new path of a frame sent after the event; how soon the PMD logged "active
path X -> Y" after each event (stamped with CLOCK_MONOTONIC, level info);
outages (runs of lost frames) of 50 ms or more, with the events, the PMD's
log lines and the CPU starvation around them; whether the port's counters
('show port stats 0' every ${stats_ms} ms) only grew; testpmd's fds (less
one per guardian process, whose socket goes when its changes are put back), the
guest's tc filters and the mbufs in use (dump_mempool: size - common pool -
caches) before the plan and after it. Target for net_failover: mean <= 5
frames lost per event.

CPU starvation: every 2 ms devtools/soak.py watch reads the schedstat of
testpmd's forwarding lcore and interrupt thread; a stretch of 10 ms or more
without progress is reported with the thread's state (R = runnable but the
CPU went elsewhere; D/S = blocked, with its wait channel). The VF's
af_packet Rx ring holds 512 frames, 51 ms at 10 000 frames/s: a longer
stretch loses frames whatever the PMD does. The generator's own lateness
is reported too (after a stall it sends the overdue frames at 3 times the
rate, pktgen.py --catch-up 3: in one burst they would overflow the rings by
themselves), and the mean loss is given again for the events touched by
neither.

Options:
  --flaps N        carrier flaps (default $flaps)
  --recreate M     re-creations of the VF netdev (default $recreate)
  --rate R         frames/s (default $rate)
  --seed S         seed of the random plan (default $seed)
  --equal-ifindex  every veth and its peer share one ifindex (as fresh
                   namespaces number them): the kernel's linkwatch then delays
                   their carrier events by up to 1 s. Default: distinct
  --tail S         seconds of traffic after the last event (default $tail_s)
  --keep DIR       keep the generator's JSON, testpmd's stamped log, the
                   resource snapshots and the CPU watch there
  --raw            the generator's JSON also lists every echo (seq, ms,
                   interface), for a closer look with --keep
  --build DIR      meson build dir with the failover PMD (default $top/build)
  --help           this text

Needs root, dpdk-testpmd, iproute2 (ip, tc), python3, 2 CPUs. Runs about
1 + N x 0.065 + M x 0.55 + tail s. Exit status 0: no crash, no leak,
counters monotonic; 1 otherwise; 2 on usage or environment errors.
EOF
}

die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 2; }
nonneg() { [[ $2 =~ ^(0|[1-9][0-9]*)$ ]] || die "$1 needs a non-negative integer, got '$2'"; }
posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, got '$2'"; }

while [ $# -gt 0 ]; do
	case $1 in
	--flaps | --recreate | --rate | --seed | --tail | --keep | --build | --exception)
		[ $# -ge 2 ] || die "$1 needs a value"
		set -- "$1=$2" "${@:3}"
		continue ;;
	--flaps=*) nonneg --flaps "${1#*=}"; flaps=${1#*=} ;;
	--recreate=*) nonneg --recreate "${1#*=}"; recreate=${1#*=} ;;
	--rate=*) posint --rate "${1#*=}"; rate=${1#*=} ;;
	--seed=*) nonneg --seed "${1#*=}"; seed=${1#*=} ;;
	--tail=*) posint --tail "${1#*=}"; tail_s=${1#*=} ;;
	--keep=*) keep=${1#*=} ;;
	--build=*) build=${1#*=} ;;
	--exception=*)
		case ${1#*=} in auto | af_xdp | tap) exception=${1#*=} ;;
		*) die "--exception is auto, af_xdp or tap, got '${1#*=}'" ;; esac ;;
	--equal-ifindex) ifmode=equal ;;
	--raw) raw=1 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
	shift
done
[ $((flaps + recreate)) -gt 0 ] || die "nothing to do: --flaps and --recreate are both 0"
[ "$rate" -le 100000 ] || die "--rate $rate: at most 100000 frames/s (a Python generator)"

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, AF_PACKET, tc; try: sudo $0)"
command -v dpdk-testpmd >/dev/null || die "dpdk-testpmd not found (Debian: apt-get install dpdk)"
{ command -v ip && command -v tc; } >/dev/null || die "ip/tc not found (apt-get install iproute2)"
command -v python3 >/dev/null || die "python3 not found"
[ "$(nproc)" -ge 2 ] || die "need at least 2 CPUs (testpmd forwarding lcore + generator)"
[ -d "$build" ] || die "--build $build: no such directory"
build=$(cd "$build" && pwd)
case $build in *[[:space:]]*) die "--build DIR must not contain white space" ;; esac
so="$build/drivers/net/failover/librte_net_failover.so"
[ -f "$so" ] || die "$so not found: run devtools/build.sh first"

# shellcheck source=test/e2e/topology.sh
. "$top/test/e2e/topology.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-soak.XXXXXX")
prefix="bsk-$$"
tpmd_pid=""
gen_pid=""
stats_pid=""
watch_pid=""

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	local i
	trap - EXIT INT TERM HUP
	for i in $stats_pid $gen_pid $watch_pid; do
		kill "$i" 2>/dev/null || true
		wait "$i" 2>/dev/null || true
	done
	if [ -n "$tpmd_pid" ]; then
		{ echo quit >&7; } 2>/dev/null || true
		exec 7>&- 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			kill -0 "$tpmd_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$tpmd_pid" 2>/dev/null || true
		wait "$tpmd_pid" 2>/dev/null || true
	fi
	topo_down
	if [ -n "$keep" ]; then
		if mkdir -p "$keep"; then
			find "$tmp" -maxdepth 1 -type f -exec cp {} "$keep"/ \; 2>/dev/null || true
		fi
	fi
	rm -rf "$tmp" "/var/run/dpdk/$prefix"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
trap '' PIPE

log="$tmp/testpmd.log"
cmd() { echo "$*" >&7; }

# Waits up to $2 s for the extended regex $1 in testpmd's output.
wait_log() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		grep -qE "$1" "$log" 2>/dev/null && return 0
		kill -0 "$tpmd_pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# testpmd's fds, less one per guardian child (fo-guard, one per sub-device
# whose kernel changes it must put back): its socket is not a leak while the
# port holds a change, and goes with it.
tpmd_fds() {
	local pid n g
	# $tpmd_pid is timeout(1) (ip netns exec became it); testpmd its child.
	pid=$(pgrep -P "$tpmd_pid" -x dpdk-testpmd | head -n 1 || true)
	[ -n "$pid" ] || return 0
	n=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
	g=$(pgrep -P "$pid" -x fo-guard | wc -l)
	echo $((n - g))
}

tpmd_sched() { # "name run_ns wait_ns slices" per testpmd thread
	local pid t
	pid=$(pgrep -P "$tpmd_pid" -x dpdk-testpmd | head -n 1 || true)
	[ -n "$pid" ] || return 0
	for t in /proc/"$pid"/task/*; do
		echo "$(tr ' ' _ <"$t/comm") $(cat "$t/schedstat")"
	done 2>/dev/null
}

tc_filters() { # filters (any hook, any device) in the guest
	local d n=0
	for d in $(ip -n "$TOPO_GUEST" -o link show | awk -F': ' '{ print $2 }' | cut -d@ -f1); do
		n=$((n + $( { tc -n "$TOPO_GUEST" filter show dev "$d" ingress
			tc -n "$TOPO_GUEST" filter show dev "$d" egress; } 2>/dev/null |
			grep -c '^filter' || true)))
	done
	echo "$n"
}

# testpmd's command: "dump_mempool" up to 24.11, "dump mempool" from 25.11 on.
case $(pkg-config --modversion libdpdk 2>/dev/null) in
2[0-4].* | '') dump_mempool=dump_mempool ;;
*) dump_mempool="dump mempool" ;;
esac

snapshot() { # name: fds, tc filters, mbufs in use (after a dump of the mbuf pool)
	local n
	n=$(grep -c 'total_cache_count' "$log" || true)
	cmd "$dump_mempool"
	for ((i = 0; i < 40; i++)); do
		[ "$(grep -c 'total_cache_count' "$log" || true)" -gt "$n" ] && break
		sleep 0.05
	done
	sleep 0.1
	# What each fd is, to name a leaked one.
	pid=$(pgrep -P "$tpmd_pid" -x dpdk-testpmd | head -n 1 || true)
	[ -n "$pid" ] && for f in /proc/"$pid"/fd/*; do readlink "$f"; done 2>/dev/null |
		sed 's/[0-9]\+\]$/N]/' | sort >"$tmp/fds.$1"
	python3 - "$log" "$1" "$(tpmd_fds)" "$(tc_filters)" "$tmp/res.json" "$(tpmd_sched)" <<'PY'
import json, os, sys
sys.path.insert(0, os.environ["SOAK_DIR"])
import soak
log, name, fds, tcf, out, sched = sys.argv[1:]
text = "\n".join(t for _, t in soak.read_log(log, 0))
try:
    d = json.load(open(out))
except (OSError, ValueError):
    d = {}
d[name] = {"fds": int(fds) if fds else None, "tc_filters": int(tcf),
           "mbufs_in_use": soak.mbufs_in_use(text),
           "sched": {ln.split()[0]: [int(x) for x in ln.split()[1:]]
                     for ln in sched.splitlines() if len(ln.split()) == 4}}
json.dump(d, open(out, "w"))
PY
}
export SOAK_DIR="$top/devtools"

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "command: $cmdline"
echo "machine: nproc=$(nproc), cpu: ${cpu:-unknown}, kernel: $(uname -r), DPDK: $(pkg-config --modversion libdpdk 2>/dev/null || echo unknown), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "plan: $flaps flaps + $recreate re-creations, seed $seed, $rate frames/s, ifindexes $ifmode"

TOPO_IFINDEX=$ifmode topo_up "bsk$$" 2>"$tmp/topo.err" || { cat "$tmp/topo.err" >&2; die "cannot make the topology"; }
topo_sysfs "$tmp/sys"
vdev="net_failover0,sysfs=$tmp/sys,iface=syn0,exception=$exception"
secs=$(awk -v n="$flaps" -v m="$recreate" -v t="$tail_s" 'BEGIN { printf "%d", 1 + n * 0.065 + m * 0.6 + t + 60 }')
mkfifo "$tmp/stdin"
ip netns exec "$TOPO_GUEST" timeout -k 5 "$secs" stdbuf -oL -eL dpdk-testpmd -l 0,1 \
	--no-huge -m 512 --no-pci --file-prefix "$prefix" -d "$so" --vdev "$vdev" \
	--log-level=lib.eal:warning --log-level=pmd.net.failover:info -- \
	-i --forward-mode=macswap --port-topology=loop --nb-cores=1 --total-num-mbufs=8192 \
	<"$tmp/stdin" > >(python3 "$top/devtools/switchover.py" stamp >"$log") 2>&1 &
tpmd_pid=$!
exec 7>"$tmp/stdin"
# The prompt has no newline: the port's start ends with "Checking link
# statuses... Done" in interactive mode.
wait_log 'Checking link statuses' 30 || { tail -n 30 "$log" >&2; echo "$prog: testpmd did not start" >&2; exit 1; }
cmd start
wait_log 'active path none -> primary' 10 || {
	tail -n 30 "$log" >&2; echo "$prog: net_failover never made the VF its active path" >&2; exit 1; }
sleep 0.5
snapshot before
echo "before: $(python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["before"]; print(", ".join("%s %s" % (k, b[k]) for k in ("fds", "tc_filters", "mbufs_in_use")))' "$tmp/res.json")"

# ifindexes of the re-created vf0 and hvf0: new ones, equal or not.
vf_idx=30 hvf_idx=50
[ "$ifmode" = equal ] && hvf_idx=30
ip netns exec "$TOPO_HOST" timeout -k 5 "$secs" python3 "$top/devtools/soak.py" gen \
	--flaps "$flaps" --recreate "$recreate" --seed "$seed" --tail "$tail_s" \
	--guest "$TOPO_GUEST" --host "$TOPO_HOST" --mac "$TOPO_MAC" \
	--vf-index "$vf_idx" --hvf-index "$hvf_idx" \
	--ifaces hvf0,hsyn0 --dst "$TOPO_MAC" --rate "$rate" --grace 0.5 --catch-up 3 \
	--out "$tmp/gen.json" ${raw:+--raw} 2>"$tmp/gen.err" &
gen_pid=$!
# When testpmd's forwarding lcore and interrupt thread go without the CPU.
python3 "$top/devtools/soak.py" watch "$(pgrep -P "$tpmd_pid" -x dpdk-testpmd | head -n 1)" \
	"$tmp/held.json" &
watch_pid=$!
# The port's counters, sampled while it all happens.
(while kill -0 "$gen_pid" 2>/dev/null; do
	echo "show port stats 0" >&7 2>/dev/null || exit 0
	sleep "$(awk -v m="$stats_ms" 'BEGIN { print m / 1000 }')"
done) &
stats_pid=$!
gen_status=0
wait "$gen_pid" || gen_status=$?
gen_pid=""
wait "$stats_pid" 2>/dev/null || true
stats_pid=""
kill "$watch_pid" 2>/dev/null || true
wait "$watch_pid" 2>/dev/null || true
watch_pid=""
cmd "show port stats 0"
sleep 0.5
snapshot after
cmd stop
cmd quit
exec 7>&-
tpmd_status=0
for ((i = 0; i < 100; i++)); do
	kill -0 "$tpmd_pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$tpmd_pid" 2>/dev/null && { echo "$prog: testpmd did not quit" >&2; kill "$tpmd_pid" 2>/dev/null || true; }
wait "$tpmd_pid" || tpmd_status=$?
tpmd_pid=""
sleep 0.2 # the time stamper's last lines
if [ "$gen_status" -ne 0 ] || [ ! -s "$tmp/gen.json" ]; then
	cat "$tmp/gen.err" >&2
	echo "$prog: the generator failed (status $gen_status)" >&2
	exit 1
fi
if [ -f "$tmp/fds.before" ] && [ -f "$tmp/fds.after" ] &&
	! cmp -s "$tmp/fds.before" "$tmp/fds.after"; then
	echo "fds that differ (< before, > after):"
	diff "$tmp/fds.before" "$tmp/fds.after" | grep '^[<>]' || true
fi
python3 "$top/devtools/soak.py" report "$tmp/gen.json" "$log" "$tmp/res.json" \
	--status "$tpmd_status" --held "$tmp/held.json"
