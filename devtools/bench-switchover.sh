#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Switch-over benchmark: what the application sees when the host takes the VF
# away, gives it back, deletes its netdev and re-creates it, for net_failover,
# net_failsafe and bonding mode 1 on the same two-namespace topology as the
# e2e tests (test/e2e/topology.sh). A benchmark, not a test: it prints numbers
# and says whether net_failover's targets are met; it does not fail on them.
# See --help.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prog=$(basename "$0")
cmdline="$0${*:+ $*}"

rounds=3
build="$top/build"
plot=""
keep=""
rate=10000

usage() {
	cat <<EOF
usage: $prog [--rounds N] [--plot FILE] [--keep DIR] [--build DIR] [--help]

Runs dpdk-testpmd --forward-mode=macswap in a guest namespace holding syn0 and
vf0 (veths, one MAC) and a generator in the host namespace (hsyn0, hvf0) that
sends $rate sequence-numbered frames/s and counts the echoes on each host
interface (test/e2e/pktgen.py, driven by devtools/switchover.py gen). Each run
goes through four events, 0.8 s apart, starting on the VF:

  scenario 2   host takes the VF away: hvf0 goes down and the generator moves
               to hsyn0 at the same instant
  scenario 3   VF back: hvf0 up and the generator back on hvf0 at the same
               instant
  scenario 4a  VF netdev deleted (the veth pair vf0/hvf0) and the generator
               moves to hsyn0 at the same instant
  scenario 4b  the VF is re-created under a temporary name (vftmp), renamed
               vf0 and set up in the guest, then hvf0 comes up (carrier) and
               the generator follows it onto the new hvf0 at the same instant

Candidates, interleaved (net_failover, net_failsafe, bonding1 in every round),
each on a freshly made topology:
  net_failover  --vdev net_failover0,sysfs=TREE,iface=syn0  (-d DIR/.../
                librte_net_failover.so; TREE = generated sysfs tree describing
                syn0 as netvsc and vf0 as its mlx5 VF; the PMD opens vf0 with
                af_packet and syn0 through net_tap + tc redirection)
  net_failsafe  --vdev 'net_failsafe0,dev(net_af_packet0,iface=vf0),
                dev(net_tap0,iface=fs_tap0)'
  bonding1      --vdev net_af_packet0,iface=vf0 --vdev net_tap0,iface=bd_tap0
                --vdev 'net_bonding0,mode=1,member=net_af_packet0,
                member=net_tap0,primary=net_af_packet0' --portmask=0x4
                (slave= before DPDK 23.11)
For net_failsafe and bonding1 this script installs the same tc redirection the
PMD makes for its TAP: ingress qdisc, 'u32 match u32 0 0' + 'action mirred
egress redirect' from syn0 to the TAP and back, and removes it afterwards.

Printed per candidate and scenario, medians over the rounds: frames lost
(among those sent from the event to the next one), ms from the event to the
first echo of a frame sent after it (any host interface), and for scenarios
3 and 4b ms to the first echo on hvf0 (the application back on the VF). Beside
them the targets for net_failover: at most 10 frames (1 ms) lost when the VF
goes, none when it returns, back on the VF within 50 ms of its link coming up.

The PNG (gnuplot; gnuplot-nox is installed if missing) shows echoes per ms on
hvf0 and hsyn0, 200 ms either side of the events of scenarios 2 and 3, one
panel per candidate (the round with the median loss).

Options:
  --rounds N   rounds (default $rounds)
  --plot FILE  PNG to write (default build/bench-switchover.png)
  --keep DIR   keep the raw results there: per run the generator's JSON
               (r<round>-<candidate>.json) and testpmd's output (.log)
  --build DIR  meson build dir with the failover PMD (default $top/build);
               EAL refuses to load a PMD from a world-writable directory
  --help       this text

Needs root, dpdk-testpmd, iproute2 (ip, tc), python3, 2 CPUs. Default run:
about 2 minutes. Exit status 0 if every run produced numbers, 1 if a run
failed, 2 on usage or environment errors.
EOF
}

die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 2; }
posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, got '$2'"; }

while [ $# -gt 0 ]; do
	case $1 in
	--rounds) [ $# -ge 2 ] || die "--rounds needs a value"; posint "$1" "$2"; rounds=$2; shift 2 ;;
	--rounds=*) posint --rounds "${1#*=}"; rounds=${1#*=}; shift ;;
	--plot) [ $# -ge 2 ] || die "--plot needs a value"; plot=$2; shift 2 ;;
	--plot=*) plot=${1#*=}; shift ;;
	--keep) [ $# -ge 2 ] || die "--keep needs a value"; keep=$2; shift 2 ;;
	--keep=*) keep=${1#*=}; shift ;;
	--build) [ $# -ge 2 ] || die "--build needs a value"; build=$2; shift 2 ;;
	--build=*) build=${1#*=}; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, AF_PACKET, tc; try: sudo $0)"
command -v dpdk-testpmd >/dev/null || die "dpdk-testpmd not found (Debian: apt-get install dpdk)"
{ command -v ip && command -v tc; } >/dev/null || die "ip/tc not found (apt-get install iproute2)"
command -v python3 >/dev/null || die "python3 not found"
[ "$(nproc)" -ge 2 ] || die "need at least 2 CPUs (testpmd forwarding lcore + generator)"
[ -d "$build" ] && build=$(cd "$build" && pwd)
so="$build/drivers/net/failover/librte_net_failover.so"
[ -f "$so" ] || die "$so not found: run devtools/build.sh first"
[ -n "$plot" ] || plot="$build/bench-switchover.png"
case $plot in /*) ;; *) plot="$PWD/$plot" ;; esac
if ! command -v gnuplot >/dev/null; then
	echo "installing gnuplot-nox for the plot"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >/dev/null 2>&1 || {
		apt-get update -q >/dev/null 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >/dev/null
	} || die "cannot install gnuplot-nox"
fi

# shellcheck source=test/e2e/topology.sh
. "$top/test/e2e/topology.sh"
helper="$top/devtools/switchover.py"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-switchover.XXXXXX")
tpmd_pid=""
gen_pid=""
nrun=0
tc_dev=""

# Removes the tc redirection this script installed (the PMD's own rules are
# its business); the namespace's deletion would also take them.
tc_clear() {
	local d
	for d in syn0 $tc_dev; do
		tc -n "$TOPO_GUEST" qdisc del dev "$d" ingress 2>/dev/null || true
	done
	tc_dev=""
}

tc_redirect() { # tap: syn0 <-> tap, as the TAP exception path does
	local tap=$1 i
	for ((i = 0; i < 100; i++)); do
		ip -n "$TOPO_GUEST" link show "$tap" >/dev/null 2>&1 && break
		sleep 0.05
	done
	tc_dev=$tap
	tc -n "$TOPO_GUEST" qdisc add dev syn0 ingress &&
	tc -n "$TOPO_GUEST" qdisc add dev "$tap" ingress &&
	tc -n "$TOPO_GUEST" filter add dev syn0 parent ffff: protocol all prio 1 \
		u32 match u32 0 0 action mirred egress redirect dev "$tap" &&
	tc -n "$TOPO_GUEST" filter add dev "$tap" parent ffff: protocol all prio 1 \
		u32 match u32 0 0 action mirred egress redirect dev syn0
}

stop_testpmd() { # Enter on stdin: clean exit; SIGKILL after 10 s
	local i
	[ -n "$tpmd_pid" ] || return 0
	{ echo >&7; } 2>/dev/null || true
	exec 7>&- 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$tpmd_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$tpmd_pid" 2>/dev/null || true
	wait "$tpmd_pid" 2>/dev/null || true
	tpmd_pid=""
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	local i
	trap - EXIT INT TERM HUP
	if [ -n "$gen_pid" ]; then
		kill "$gen_pid" 2>/dev/null || true
		wait "$gen_pid" 2>/dev/null || true
	fi
	[ -n "${TOPO_GUEST:-}" ] && tc_clear
	stop_testpmd
	topo_down
	rm -rf "$tmp"
	for ((i = 1; i <= nrun; i++)); do
		rm -rf "/var/run/dpdk/bsw-$$-$i"
	done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
trap '' PIPE

cands=(net_failover net_failsafe bonding1)
declare -A eal app
eal[net_failover]="-d $so --vdev net_failover0,sysfs=@TREE@,iface=syn0"
app[net_failover]=""
eal[net_failsafe]="--vdev net_failsafe0,dev(net_af_packet0,iface=vf0),dev(net_tap0,iface=fs_tap0)"
app[net_failsafe]=""
# net_bonding's devarg for a member port: "slave" before DPDK 23.11.
bm=member
dpkg --compare-versions "$(pkg-config --modversion libdpdk 2>/dev/null || echo 0)" lt 23.11 && bm=slave
eal[bonding1]="--vdev net_af_packet0,iface=vf0 --vdev net_tap0,iface=bd_tap0 --vdev net_bonding0,mode=1,$bm=net_af_packet0,$bm=net_tap0,primary=net_af_packet0"
app[bonding1]="--portmask=0x4"
declare -A tap=([net_failsafe]=fs_tap0 [bonding1]=bd_tap0)
case $build in *[[:space:]]*) die "--build DIR must not contain white space" ;; esac

eal_common=(-l '0,1' --no-huge -m 512 --no-pci --log-level=lib.eal:warning)
app_common=(--forward-mode=macswap --port-topology=loop --nb-cores=1 --total-num-mbufs=8192)
# Event times (s after the generator's start); 4b is sent by this script.
t2=0.6 t3=1.4 t4a=2.2 t4b=3.0 duration=3.8

fail() { # cand round reason
	printf '%s: %s round %d FAILED: %s\n' "$prog" "$1" "$2" "$3" >&2
	if [ -s "$tmp/run.log" ]; then
		cut -f2- "$tmp/run.log" | tr -d '\033' | grep -v '^[[:space:]]*$' | tail -n 12 | sed 's/^/    /' >&2
	fi
	: >"$tmp/r$2-$1.failed"
	status=1
}

# The re-creation of scenario 4b, as a kernel would do it on hot-plug: a new
# netdev under a temporary name, renamed by "udev", then set up by the guest.
recreate_vf() {
	ip -n "$TOPO_GUEST" link add vftmp address "$TOPO_MAC" type veth \
		peer name hvf0 netns "$TOPO_HOST" address "$hvf_mac" &&
	ip -n "$TOPO_GUEST" link set vftmp name vf0 &&
	ip -n "$TOPO_GUEST" link set vf0 up
}

run_one() { # cand round
	local c=$1 r=$2 i vdevs t_ready
	local -a e a
	nrun=$((nrun + 1))
	: >"$tmp/run.log"
	topo_up "bsw$$" 2>>"$tmp/run.log" || { fail "$c" "$r" "topology"; return 1; }
	topo_sysfs "$tmp/sys"
	hvf_mac=$(ip netns exec "$TOPO_HOST" cat /sys/class/net/hvf0/address)
	vdevs=${eal[$c]//@TREE@/$tmp/sys}
	read -r -a e <<<"$vdevs"
	read -r -a a <<<"${app[$c]}"
	rm -f "$tmp/stdin" "$tmp/ready" "$tmp/gen.json"
	mkfifo "$tmp/stdin"
	ip netns exec "$TOPO_GUEST" timeout -k 5 60 stdbuf -oL -eL dpdk-testpmd \
		"${eal_common[@]}" --file-prefix "bsw-$$-$nrun" "${e[@]}" -- \
		"${app_common[@]}" "${a[@]}" <"$tmp/stdin" \
		> >(python3 "$helper" stamp >"$tmp/run.log") 2>&1 &
	tpmd_pid=$!
	exec 7>"$tmp/stdin"
	for ((i = 0; i < 300; i++)); do
		grep -q "Press enter to exit" "$tmp/run.log" && break
		kill -0 "$tpmd_pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q "Press enter to exit" "$tmp/run.log"; then
		fail "$c" "$r" "testpmd did not start forwarding"
		stop_testpmd; topo_down; return 1
	fi
	if ! grep -q 'nb forwarding ports=1$' "$tmp/run.log"; then
		fail "$c" "$r" "testpmd does not forward exactly one port"
		stop_testpmd; topo_down; return 1
	fi
	if [ -n "${tap[$c]:-}" ] && ! tc_redirect "${tap[$c]}" 2>>"$tmp/run.log"; then
		fail "$c" "$r" "tc redirection syn0 <-> ${tap[$c]}"
		tc_clear; stop_testpmd; topo_down; return 1
	fi
	ip netns exec "$TOPO_HOST" timeout -k 5 30 python3 "$helper" gen \
		--actions down,up,del,up --ifaces hvf0,hsyn0 --dst "$TOPO_MAC" \
		--rate "$rate" --duration "$duration" --grace 0.3 \
		--switch-at "$t2" --switch-at "$t3" --switch-at "$t4a" \
		--ready "$tmp/ready" --out "$tmp/gen.json" 2>"$tmp/gen.err" &
	gen_pid=$!
	for ((i = 0; i < 500; i++)); do
		[ -s "$tmp/ready" ] && break
		sleep 0.01
	done
	t_ready=$(date +%s.%N)
	# Scenario 4b: re-create the VF just before t4b, then move the generator
	# (SIGUSR2 = back to hvf0; its "up" action gives hvf0 its carrier).
	sleep "$(awk -v t="$t4b" -v s="$t_ready" -v n="$(date +%s.%N)" \
		'BEGIN { d = t - 0.05 - (n - s); print (d > 0 ? d : 0) }')"
	recreate_vf 2>>"$tmp/run.log" || echo "re-creating vf0 failed" >>"$tmp/run.log"
	# The generator's own pid (from its ready file), not timeout's.
	kill -USR2 "$(cat "$tmp/ready" 2>/dev/null || echo 0)" 2>/dev/null || true
	wait "$gen_pid" || true
	gen_pid=""
	[ -n "${tap[$c]:-}" ] && tc_clear
	stop_testpmd
	sleep 0.1 # the time stamper's last lines
	cp "$tmp/run.log" "$tmp/r$r-$c.log"
	topo_down
	if [ ! -s "$tmp/gen.json" ]; then
		cat "$tmp/gen.err" >>"$tmp/run.log"
		fail "$c" "$r" "generator wrote no summary"
		return 1
	fi
	mv "$tmp/gen.json" "$tmp/r$r-$c.json"
	python3 - "$tmp/r$r-$c.json" "$c" "$r" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["events"]
f = lambda x: "never" if x is None else "%.1f ms" % x
s = "  %-12s round %s: steady %d/%d lost" % (sys.argv[2], sys.argv[3],
                                           ev[0]["lost"], ev[0]["sent"])
for name, e in zip(("2", "3", "4a", "4b"), ev[1:]):
    s += "; %s: %d lost, echo %s" % (name, e["lost"], f(e["first_echo_ms"]))
    if e["to"] == "hvf0":
        s += ", VF %s" % f(e["first_echo_on_ms"]["hvf0"])
    if e.get("error"):
        s += " (action error: %s)" % e["error"]
print(s)
PY
}

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "command: $cmdline"
echo "machine: nproc=$(nproc), cpu: ${cpu:-unknown}, kernel: $(uname -r), DPDK: $(pkg-config --modversion libdpdk 2>/dev/null || echo unknown)"
echo "testpmd: dpdk-testpmd ${eal_common[*]} --file-prefix bsw-$$-<i> <candidate> -- ${app_common[*]}"
for c in "${cands[@]}"; do
	printf '  %-12s %s %s\n' "$c" "${eal[$c]//@TREE@/<tree>}" "${app[$c]}"
done
echo "plan: $rounds rounds x ${#cands[@]} candidates, interleaved; $rate frames/s; events at" \
	"$t2 s (2), $t3 s (3), $t4a s (4a), ~$t4b s (4b) of a ${duration} s run"
status=0
for ((r = 1; r <= rounds; r++)); do
	echo "round $r/$rounds"
	for c in "${cands[@]}"; do
		run_one "$c" "$r" || true
	done
done

echo
IFS=,
python3 "$helper" report "$tmp" "${cands[*]}"
mkdir -p "$(dirname "$plot")"
if python3 "$helper" plot "$tmp" "${cands[*]}" "$plot"; then
	echo "plot: $plot"
else
	echo "plot: gnuplot failed" >&2
	status=1
fi
unset IFS
if [ -n "$keep" ]; then
	mkdir -p "$keep"
	cp "$tmp"/r*-*.* "$keep"/ 2>/dev/null || true
	echo "raw results: $keep"
fi
exit $status
