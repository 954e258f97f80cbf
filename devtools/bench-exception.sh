#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Exception-path benchmark: throughput of the synthetic NIC held by the kernel
# (syn0), in 64-byte frames, with the VF down, for net_failover's exception
# paths (exception=tap, exception=af_xdp, the build's default), the bare PMDs
# they are made of (net_tap + tc, net_af_packet, net_af_xdp), net_failover
# over explicit af_packet + af_xdp sub-devices, and the kernel alone (a tc
# bounce), on the two-namespace topology of the e2e tests
# (test/e2e/topology.sh). A dpdk-testpmd txonly generator in the host
# namespace sends into hsyn0; the guest's testpmd runs rxonly, txonly and
# macswap on one forwarding lcore. Candidates interleaved round by round,
# median of the windows, ratios, where frames were lost, and the targets.
# A benchmark, not a test: exit 0 whether the targets are met or not.
# See --help.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prog=$(basename "$0")
cmdline="$0${*:+ $*}"

windows=4
seconds=2
build=""
only=""
gen=auto
keep=""
warm=0.5
all_cands=(fo-tap fo-xdp fo-default tap af_packet af_xdp fo-explicit kernel)

usage() {
	cat <<EOF
usage: $prog [--windows N] [--seconds S] [--only LIST] [--gen KIND]
       [--build DIR] [--keep DIR] [--help]

Throughput of the synthetic ("exception") path, 64-byte frames, on the e2e
topology: guest namespace with syn0 and vf0 (veths, one MAC), host namespace
with their peers hsyn0 and hvf0. The VF is down (hvf0 and vf0 down), so all
traffic goes through syn0. A generated sysfs tree (test/e2e/gen_tree.py)
makes syn0 a Hyper-V netvsc held by the kernel, which net_failover discovers.

Generator: dpdk-testpmd --forward-mode=txonly --txpkts=64 in the host
namespace on hsyn0, through net_af_xdp or net_af_packet (--gen), destination
MAC the guest's. Its ceiling is measured in every round ("generator" row,
hsyn0 tx packets/s): sending into syn0 with no application in the guest,
the frames addressed to another MAC so that the guest's kernel drops them
at once (IPv4 "other host"): a cheap receiver that needs no tc drop action
(act_gact, not built into every kernel).

Guest: dpdk-testpmd -i --nb-cores=1 --txpkts=64, driven through a FIFO on its
prompt, one process per candidate and round, in three phases:
  into guest     rxonly, generator on: the application's Rx rate (testpmd's
                 own Rx-pps over the window)
  guest -> host  txonly, generator off: frames/s arriving on hsyn0 (its
                 rx_packets counter in the host namespace)
  round trip     macswap, generator on: echoes/s arriving on hsyn0

Candidates (--only takes these names, comma-separated):
  fo-tap       net_failover0,sysfs=TREE,iface=syn0,exception=tap
  fo-xdp       net_failover0,sysfs=TREE,iface=syn0,exception=af_xdp
  fo-default   net_failover0,sysfs=TREE,iface=syn0 (the build's default path)
  tap          net_tap0,iface=bxtap0 + tc: ingress qdiscs, 'u32 match u32 0 0'
               + 'mirred egress redirect' syn0 -> bxtap0 and bxtap0 -> syn0
  af_packet    net_af_packet0,iface=syn0
  af_xdp       net_af_xdp0,iface=syn0 (native XDP on the veth, libxdp's
               xsk_def_prog)
  fo-explicit  net_failover0,primary=(net_af_packet0,iface=vf0),
               standby=(net_af_xdp0,iface=syn0)
  kernel       no DPDK in the guest: tc on syn0's ingress, 'mirred egress
               redirect dev syn0' sends every frame back out unchanged
               (into guest = syn0's rx packets/s; no guest -> host column)
The failover candidates load -d BUILD/drivers/net/failover/librte_net_failover.so.
A build whose PMD rejects the exception= devarg (testpmd fails to probe)
gives "n/a: this build has no exception= devarg" for that row.

Each round runs every candidate once, the order reversed every other round;
a window is S seconds after a ${warm} s warm-up. Printed: per candidate and
column the median Mpps (min-max), the round trip over the best bare
kernel-side path (af_xdp or af_packet); where frames were lost (kernel
counters of every netdev of both namespaces, testpmd's RX-missed, RX-nombuf,
xstats, tx_burst refusals); and the targets: failover default round trip /
best bare >= 0.9, failover default / failover exception=tap >= 4.

CPUs: both testpmd processes use -l 0,1: the guest forwards on lcore 1 (main
lcore 0), the generator on lcore 0 (main lcore 1); the main lcores sleep at
the prompt. The kernel's share of the work (veth, tc, TAP, AF_PACKET, XDP)
runs in the sending process's context or softirq, on those same two CPUs.

Options:
  --windows N  windows (rounds) per candidate (default $windows)
  --seconds S  seconds per window (default $seconds)
  --only LIST  only these candidates (the generator row is always measured)
  --gen KIND   generator: af_xdp, af_packet, or auto (default: both are
               measured into the sink first and the faster one is used)
  --build DIR  meson build dir with the failover PMD (default: build/, built
               first with devtools/build.sh); EAL refuses to load a PMD from a
               world-writable directory such as /tmp
  --keep DIR   keep the raw files (testpmd logs, counter snapshots) there
  --help       this text

Needs root, dpdk-testpmd with the net_af_xdp, net_af_packet and net_tap PMDs,
iproute2 (ip, tc), python3, 2 CPUs. Default run: about 6 minutes. Exit
status: 0 when the run produced its table (targets met or not), 2 on bad
options or a set-up failure.
EOF
}

die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 2; }
posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, got '$2'"; }
posnum() {
	if ! [[ $2 =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ ]] || ! awk -v v="$2" 'BEGIN { exit !(v > 0) }'; then
		die "$1 needs a positive number, got '$2'"
	fi
}

while [ $# -gt 0 ]; do
	case $1 in
	--windows) [ $# -ge 2 ] || die "--windows needs a value"; posint "$1" "$2"; windows=$2; shift 2 ;;
	--windows=*) posint --windows "${1#*=}"; windows=${1#*=}; shift ;;
	--seconds) [ $# -ge 2 ] || die "--seconds needs a value"; posnum "$1" "$2"; seconds=$2; shift 2 ;;
	--seconds=*) posnum --seconds "${1#*=}"; seconds=${1#*=}; shift ;;
	--only) [ $# -ge 2 ] || die "--only needs a value"; only=$2; shift 2 ;;
	--only=*) only=${1#*=}; shift ;;
	--gen) [ $# -ge 2 ] || die "--gen needs a value"; gen=$2; shift 2 ;;
	--gen=*) gen=${1#*=}; shift ;;
	--build) [ $# -ge 2 ] || die "--build needs a value"; build=$2; shift 2 ;;
	--build=*) build=${1#*=}; shift ;;
	--keep) [ $# -ge 2 ] || die "--keep needs a value"; keep=$2; shift 2 ;;
	--keep=*) keep=${1#*=}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done
case $gen in af_xdp | af_packet | auto) ;; *) die "--gen must be af_xdp, af_packet or auto, not '$gen'" ;; esac
cands=()
if [ -n "$only" ]; then
	IFS=, read -r -a want <<<"$only"
	[ ${#want[@]} -gt 0 ] || die "--only needs at least one name"
	for c in "${want[@]}"; do
		case " ${all_cands[*]} " in
		*" $c "*) case " ${cands[*]} " in *" $c "*) ;; *) cands+=("$c") ;; esac ;;
		*) die "--only: unknown candidate '$c' (known: $(IFS=,; echo "${all_cands[*]}"))" ;;
		esac
	done
else
	cands=("${all_cands[@]}")
fi

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, AF_XDP, tc; try: sudo $0)"
command -v dpdk-testpmd >/dev/null || die "dpdk-testpmd not found (Debian: apt-get install dpdk)"
{ command -v ip && command -v tc; } >/dev/null || die "ip/tc not found (apt-get install iproute2)"
command -v python3 >/dev/null || die "python3 not found"
[ "$(nproc)" -ge 2 ] || die "need at least 2 CPUs (guest forwarding lcore + generator)"
if [ -z "$build" ]; then
	"$top/devtools/build.sh" build >/dev/null || die "devtools/build.sh build failed"
	build=$top/build
fi
[ -d "$build" ] || die "no build directory $build"
build=$(cd "$build" && pwd)
case $build in *[[:space:]]*) die "--build DIR must not contain white space" ;; esac
so="$build/drivers/net/failover/librte_net_failover.so"
[ -f "$so" ] || die "$so not found: run devtools/build.sh first"
helper="$top/devtools/exception.py"

# shellcheck source=test/e2e/topology.sh
. "$top/test/e2e/topology.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-exception.XXXXXX")
mkdir "$tmp/w" "$tmp/cal"
# shellcheck disable=SC2034 # set and read through their names (printf -v, ${!v})
gpid="" # guest testpmd (timeout(1) around it)
hpid="" # generator testpmd (the same)
nproc_run=0
tc_on=""
gen_on=""

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	local i
	trap - EXIT INT TERM HUP
	stop_guest
	stop_gen
	[ -n "${TOPO_GUEST:-}" ] && tc_clear
	topo_down
	if [ -n "$keep" ] && [ -d "$tmp" ] && mkdir -p "$keep"; then
		cp -r "$tmp"/. "$keep"/ 2>/dev/null || true
	fi
	rm -rf "$tmp"
	for ((i = 1; i <= nproc_run; i++)); do
		rm -rf "/var/run/dpdk/bx-$$-$i"
	done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
trap '' PIPE

# --- testpmd through its prompt ----------------------------------------------

# tp_cmd FD LOG OUT CMD: one command on the prompt of the testpmd reading
# FD; waits (up to 10 s) for the next prompt and leaves what it printed in OUT.
tp_cmd() {
	local fd=$1 log=$2 out=$3 cmd=$4 off i
	off=$(stat -c %s "$log")
	{ printf '%s\n' "$cmd" >&"$fd"; } 2>/dev/null || return 1
	for ((i = 0; i < 200; i++)); do
		tail -c +"$((off + 1))" "$log" | grep -aq 'testpmd> ' && break
		sleep 0.05
	done
	tail -c +"$((off + 1))" "$log" | tr -d '\r' >"$out"
	grep -aq 'testpmd> ' "$out"
}

# start_tp NS PIDVAR FD LOG LIFE EAL...: testpmd -i in NS, stdin a FIFO held
# open on FD; returns once its prompt answered, 1 if it exited before.
start_tp() {
	local ns=$1 pidvar=$2 fd=$3 log=$4 life=$5 i pid
	shift 5
	nproc_run=$((nproc_run + 1))
	rm -f "$log.in"
	mkfifo "$log.in"
	: >"$log"
	ip netns exec "$ns" timeout -k 5 "$life" stdbuf -oL -eL dpdk-testpmd \
		-l 0,1 --no-huge -m 512 --no-pci --file-prefix "bx-$$-$nproc_run" \
		--log-level=lib.eal:warning "$@" <"$log.in" >"$log" 2>&1 &
	pid=$!
	printf -v "$pidvar" '%s' "$pid"
	eval "exec $fd>\"\$log.in\""
	{ printf 'show port summary all\n' >&"$fd"; } 2>/dev/null || true
	for ((i = 0; i < 600; i++)); do
		grep -aq '^Number of available ports' "$log" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# stop_tp PIDVAR FD: "quit" on the prompt, SIGKILL after 10 s.
stop_tp() {
	local pidvar=$1 fd=$2 pid i
	pid=${!pidvar}
	[ -n "$pid" ] || return 0
	{ printf 'stop\nquit\n' >&"$fd"; } 2>/dev/null || true
	eval "exec $fd>&-" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		# timeout(1) passes SIGTERM on to testpmd; SIGKILL to both after 2 s.
		kill -TERM "$pid" 2>/dev/null || true
		sleep 2
		kill -KILL $(pgrep -P "$pid" 2>/dev/null) "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
	printf -v "$pidvar" '%s' ""
}
stop_guest() { stop_tp gpid 7; }
stop_gen() { stop_tp hpid 8; }

# Why the testpmd of LOG failed, in a few words.
tp_reason() {
	if grep -aq "unknown key 'exception'" "$1"; then
		echo "this build has no exception= devarg"
		return
	fi
	local l
	l=$(tr -d '\r\033' <"$1" | grep -aiE 'error|fail|cause|cannot|invalid' | grep -av '^EAL: *$' |
		tail -n 1 | cut -c1-160)
	echo "testpmd failed${l:+: $l}"
}

# --- tc ----------------------------------------------------------------------

# Removes the ingress qdiscs (and so the filters) this script installed;
# what a PMD leaves behind is syn0_check's business.
tc_clear() {
	local d
	for d in $tc_on; do
		tc -n "$TOPO_GUEST" qdisc del dev "$d" ingress 2>/dev/null || true
	done
	tc_on=""
}

tc_tap() { # syn0 <-> TAP, as net_failover's TAP exception path does
	local tap=$1 i
	for ((i = 0; i < 100; i++)); do
		ip -n "$TOPO_GUEST" link show "$tap" >/dev/null 2>&1 && break
		sleep 0.05
	done
	tc_on="syn0 $tap"
	tc -n "$TOPO_GUEST" qdisc add dev syn0 ingress &&
	tc -n "$TOPO_GUEST" qdisc add dev "$tap" ingress &&
	tc -n "$TOPO_GUEST" filter add dev syn0 parent ffff: protocol all prio 1 \
		u32 match u32 0 0 action mirred egress redirect dev "$tap" &&
	tc -n "$TOPO_GUEST" filter add dev "$tap" parent ffff: protocol all prio 1 \
		u32 match u32 0 0 action mirred egress redirect dev syn0
}

tc_bounce() { # every frame syn0 receives goes back out of syn0, unchanged
	tc_on=syn0
	tc -n "$TOPO_GUEST" qdisc add dev syn0 ingress &&
	tc -n "$TOPO_GUEST" filter add dev syn0 parent ffff: protocol all prio 1 \
		u32 match u32 0 0 action mirred egress redirect dev syn0
}

# Leftovers of a candidate on syn0 (tc qdisc, XDP program): noted, removed.
syn0_check() {
	local c=$1
	if tc -n "$TOPO_GUEST" qdisc show dev syn0 2>/dev/null | grep -q ingress; then
		echo "  note: $c left an ingress qdisc on syn0; removed"
		tc -n "$TOPO_GUEST" qdisc del dev syn0 ingress 2>/dev/null || true
	fi
	if ip -n "$TOPO_GUEST" link show syn0 2>/dev/null | grep -q 'prog/xdp'; then
		echo "  note: $c left an XDP program on syn0; removed"
		ip -n "$TOPO_GUEST" link set dev syn0 xdp off 2>/dev/null || true
		ip -n "$TOPO_GUEST" link set dev syn0 xdpgeneric off 2>/dev/null || true
	fi
}

# --- generator ---------------------------------------------------------------

declare -A gen_vdev=([af_xdp]="net_af_xdp0,iface=hsyn0" [af_packet]="net_af_packet0,iface=hsyn0")
glog=$tmp/gen.log

start_gen() { # KIND
	start_tp "$TOPO_HOST" hpid 8 "$glog" "$gen_life" --main-lcore 1 \
		--vdev "${gen_vdev[$1]}" -- -i --forward-mode=txonly --txpkts=64 \
		--nb-cores=1 --port-topology=loop --total-num-mbufs=16384 \
		--eth-peer="0,$TOPO_MAC"
}
gen_cmd() { tp_cmd 8 "$glog" "$tmp/gen.out" "$1" || die "generator testpmd stopped answering: $(tp_reason "$glog")"; }

# --- one window --------------------------------------------------------------

g_cmd() { # CMD [OUT]: a command to the guest's testpmd
	tp_cmd 7 "$tlog" "${2:-$tmp/g.out}" "$1"
}

# snap OUT: the kernel counters of every netdev of both namespaces
# (OUT.g, OUT.h), the machine's softnet backlog counters (OUT.sn), and the
# time of each read (OUT.t, written last). Cheap: no python while traffic runs.
snap() {
	local t0 t1 t2
	t0=$EPOCHREALTIME
	ip -n "$TOPO_GUEST" -s -j link show >"$1.g"
	t1=$EPOCHREALTIME
	ip -n "$TOPO_HOST" -s -j link show >"$1.h"
	t2=$EPOCHREALTIME
	cat /proc/net/softnet_stat >"$1.sn"
	printf '%s %s %s\n' "$t0" "$t1" "$t2" >"$1.t"
}

# phase CAND BASE MODE: one window in MODE; files BASE.* (k0/k1 kernel
# counters, p0/p1 'show port stats', x0/x1 'show port xstats', stop the
# forwarding statistics of the phase). The generator is stopped whatever
# happens; 1 if the guest's testpmd stopped answering.
phase() {
	local rc=0
	gen_on=""
	phase_window "$@" || rc=$?
	[ -z "$gen_on" ] || gen_cmd stop
	gen_on=""
	return $rc
}

phase_window() {
	local c=$1 base=$2 mode=$3 guest=1
	case $c in generator | kernel) guest="" ;; esac
	if [ -n "$guest" ]; then
		g_cmd "set fwd $mode" || return 1
		g_cmd start || return 1
	fi
	if [ "$mode" != txonly ]; then
		gen_on=1
		gen_cmd start
	fi
	sleep "$warm"
	snap "$base.k0"
	if [ -n "$guest" ]; then
		g_cmd "show port stats all" "$base.p0" || return 1
		g_cmd "show port xstats all" "$base.x0" || return 1
	fi
	sleep "$seconds"
	snap "$base.k1"
	if [ -n "$guest" ]; then
		g_cmd "show port stats all" "$base.p1" || return 1
		g_cmd "show port xstats all" "$base.x1" || return 1
	fi
	if [ -n "$gen_on" ]; then
		gen_cmd stop
		gen_on=""
	fi
	if [ -n "$guest" ]; then
		g_cmd stop "$base.stop" || return 1
	fi
	sleep 0.2 # the last frames drain before the next phase
}

# gen_window BASE: the generator's ceiling. The sink: syn0 with no
# application, the frames addressed to another MAC, so that the guest's
# kernel drops them as soon as it sees them (IPv4, "other host"); tc's drop
# action (act_gact) is not in every kernel.
gen_window() {
	gen_cmd "set eth-peer 0 $sink_mac"
	phase generator "$1" rxonly || true
	gen_cmd "set eth-peer 0 $TOPO_MAC"
}

# run_cand CAND ROUND: the candidate's three windows (or one) in this round.
run_cand() {
	local c=$1 r=$2 mode base vd
	local -a eal=()
	tlog=$tmp/$c-r$r.log
	case $c in
	generator) gen_window "$tmp/w/$r-$c-rxonly"; syn0_check "$c"; return ;;
	kernel)
		tc_bounce || { echo "  $c: tc bounce on syn0 failed"; tc_clear; return; }
		phase "$c" "$tmp/w/$r-$c-macswap" macswap
		tc_clear; syn0_check "$c"; return ;;
	fo-tap) eal=(-d "$so" --vdev "net_failover0,sysfs=$tmp/sys,iface=syn0,exception=tap") ;;
	fo-xdp) eal=(-d "$so" --vdev "net_failover0,sysfs=$tmp/sys,iface=syn0,exception=af_xdp") ;;
	fo-default) eal=(-d "$so" --vdev "net_failover0,sysfs=$tmp/sys,iface=syn0") ;;
	tap) eal=(--vdev "net_tap0,iface=bxtap0") ;;
	af_packet) eal=(--vdev "net_af_packet0,iface=syn0") ;;
	af_xdp) eal=(--vdev "net_af_xdp0,iface=syn0") ;;
	fo-explicit) eal=(-d "$so" --vdev "net_failover0,primary=(net_af_packet0,iface=vf0),standby=(net_af_xdp0,iface=syn0)") ;;
	esac
	vd=${eal[*]}
	[ -n "${cmdline_of[$c]:-}" ] || cmdline_of[$c]=${vd//$tmp\/sys/TREE}
	if ! start_tp "$TOPO_GUEST" gpid 7 "$tlog" "$guest_life" --main-lcore 0 \
		--log-level=pmd.net.failover:info "${eal[@]}" -- -i --forward-mode=rxonly \
		--nb-cores=1 --port-topology=loop --txpkts=64 --total-num-mbufs=16384 \
		--eth-peer="0,$hsyn_mac"; then
		tp_reason "$tlog" >"$tmp/na-$c"
		echo "  $c: n/a: $(cat "$tmp/na-$c")"
		stop_guest; syn0_check "$c" >/dev/null; return
	fi
	if ! grep -aq '^Number of available ports: 1$' "$tlog"; then
		# A vdev that fails to probe leaves testpmd running without it.
		if grep -aqE "probe failed|failed to initiali[sz]e|unknown key" "$tlog"; then
			tp_reason "$tlog" >"$tmp/na-$c"
		else
			echo "testpmd has $(grep -a '^Number of available ports' "$tlog" | head -n 1 |
				sed 's/Number of available ports: //') ports, not 1" >"$tmp/na-$c"
		fi
		echo "  $c: n/a: $(cat "$tmp/na-$c")"
		stop_guest; syn0_check "$c"; return
	fi
	if [ ! -s "$tmp/info-$c" ] && grep -aq 'standby (synthetic' "$tlog"; then
		grep -a 'standby (synthetic' "$tlog" | head -n 1 |
			sed 's/.*standby (synthetic [^)]*): /the PMD opened syn0 as /' >"$tmp/info-$c"
	fi
	if [ "$c" = tap ] && ! tc_tap bxtap0; then
		echo "  $c: tc redirection syn0 <-> bxtap0 failed"
		tc_clear; stop_guest; syn0_check "$c"; return
	fi
	for mode in rxonly txonly macswap; do
		base=$tmp/w/$r-$c-$mode
		if ! phase "$c" "$base" "$mode"; then
			echo "  $c: $mode window failed: $(tp_reason "$tlog")"
			break
		fi
	done
	stop_guest
	tc_clear
	syn0_check "$c"
}

# Rate of a counter between two snapshots (packets/s, an integer).
krate() { python3 "$helper" rate "$@"; } # K0 K1 SIDE IFNAME KEY

# Other processes using 20 % of a CPU or more right now (top, over 0.5 s):
# on a shared machine they take CPU time from both testpmds.
busy_others() {
	local pid pcpu out=""
	while read -r pid pcpu; do
		out+="${out:+, }$(ps -o args= -p "$pid" 2>/dev/null | cut -c1-60) (pid $pid, $pcpu %)"
	done < <(top -b -n 2 -d 0.5 2>/dev/null |
		awk '/^top -/ { n++ } n == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 >= 20 { print $1, $9 }')
	echo "${out:-none}"
}

# --- the run -----------------------------------------------------------------

declare -A cmdline_of
ncand=$((${#cands[@]} + 1))
guest_life=$(awk -v s="$seconds" 'BEGIN { printf "%d", 90 + 3 * (s + 10) }')
gen_life=$(awk -v s="$seconds" -v n="$ncand" -v w="$windows" \
	'BEGIN { printf "%d", 600 + 2 * w * n * (30 + 3 * (s + 10)) }')

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "command: $cmdline"
echo "machine: nproc=$(nproc), cpu: ${cpu:-unknown}, kernel: $(uname -r), DPDK: $(pkg-config --modversion libdpdk 2>/dev/null || echo unknown)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); other processes busy now: $(busy_others)"
echo "  (on a shared machine, other work's CPU use lowers every row: compare rows of one run)"
echo "cores: 2; guest testpmd forwards on lcore 1 (main lcore 0), the generator on lcore 0 (main lcore 1); the kernel's work runs on the same two CPUs"

TOPO_IFINDEX=distinct topo_up "bx$$" 2>"$tmp/topo.err" ||
	die "cannot make the namespaces / veth pairs: $(cat "$tmp/topo.err")"
topo_sysfs "$tmp/sys" || die "cannot generate the sysfs tree"
ip -n "$TOPO_HOST" link set hvf0 down || die "cannot set hvf0 down"
ip -n "$TOPO_GUEST" link set vf0 down || die "cannot set vf0 down"
hsyn_mac=$(ip netns exec "$TOPO_HOST" cat /sys/class/net/hsyn0/address)
sink_mac=02:00:00:00:5e:77 # no one's: the generator's sink (gen_window)
echo "topology: guest $TOPO_GUEST (syn0, vf0 down; MAC $TOPO_MAC), host $TOPO_HOST (hsyn0 $hsyn_mac, hvf0 down)"

# The generator: into the sink (gen_window) with each kind, the
# faster one kept for the run.
kinds=("$gen")
[ "$gen" = auto ] && kinds=(af_packet af_xdp)
declare -A cal
for k in "${kinds[@]}"; do
	if ! start_gen "$k"; then
		echo "generator $k: $(tp_reason "$glog")"
		stop_gen
		continue
	fi
	gen_window "$tmp/cal/$k"
	cal[$k]=$(krate "$tmp/cal/$k.k0" "$tmp/cal/$k.k1" h hsyn0 tx_packets 2>/dev/null || echo 0)
	echo "generator $k (testpmd txonly on ${gen_vdev[$k]}): $(awk -v v="${cal[$k]}" 'BEGIN { printf "%.3f", v / 1e6 }') Mpps into the sink"
	[ ${#kinds[@]} -eq 1 ] || [ "$k" = "${kinds[-1]}" ] || stop_gen
done
[ ${#cal[@]} -gt 0 ] || die "no generator could start (see above)"
best_gen=""
for k in "${!cal[@]}"; do
	if [ -z "$best_gen" ] || [ "${cal[$k]}" -gt "${cal[$best_gen]}" ]; then best_gen=$k; fi
done
if [ -z "$hpid" ] || [ "$best_gen" != "${kinds[-1]}" ]; then
	stop_gen
	start_gen "$best_gen" || die "generator $best_gen does not start again: $(tp_reason "$glog")"
fi
gen_desc="dpdk-testpmd txonly --txpkts=64 on ${gen_vdev[$best_gen]} in the host namespace"
echo "generator used: $gen_desc"

order=(generator "${cands[@]}")
echo "plan: $windows rounds x ${#order[@]} rows (${order[*]}), windows of $seconds s after ${warm} s warm-up; order reversed every other round"
for ((r = 1; r <= windows; r++)); do
	seq=("${order[@]}")
	if [ $((r % 2)) -eq 0 ]; then
		seq=()
		for ((i = ${#order[@]} - 1; i >= 0; i--)); do seq+=("${order[$i]}"); done
	fi
	echo "round $r/$windows: ${seq[*]}"
	for c in "${seq[@]}"; do
		if [ -f "$tmp/na-$c" ] && grep -q 'no exception= devarg' "$tmp/na-$c"; then
			continue
		fi
		run_cand "$c" "$r"
	done
done
stop_gen
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); other processes busy now: $(busy_others)"

echo
echo "guest testpmd: dpdk-testpmd -l 0,1 --main-lcore 0 --no-huge -m 512 --no-pci --file-prefix bx-<pid>-<n> <candidate> -- -i --nb-cores=1 --port-topology=loop --txpkts=64 --total-num-mbufs=16384 --eth-peer=0,<hsyn0>"
for c in "${cands[@]}"; do
	[ -z "${cmdline_of[$c]:-}" ] || printf '  %-12s %s\n' "$c" "${cmdline_of[$c]//$so/PMD}"
done
echo "  (PMD = $so)"
echo
IFS=,
python3 "$helper" report "$tmp" "${order[*]}" "$gen_desc"
unset IFS
[ -z "$keep" ] || echo "raw files: $keep"
exit 0
