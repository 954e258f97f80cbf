#!/usr/bin/env bash
# Per-packet overhead of wrapper PMDs (net_failover, net_failsafe, net_bonding)
# over a bare net_null port, measured with dpdk-testpmd "io" forwarding on ONE
# forwarding lcore, the candidates interleaved inside each testpmd process.
# A benchmark, not a test: it prints numbers, it does not judge them.
# See --help.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prog=$(basename "$0")
cmdline="$0${*:+ $*}"

sessions=3
rounds=8
seconds=1
build="$top/build"
mbufs=16384
hugepages=512
raw=""
huge_before=""
huge_mounted=""

usage() {
	cat <<EOF
usage: $prog [--sessions N] [--rounds N] [--seconds S] [--build DIR]
       [--hugepages N | --no-huge] [--raw FILE] [--help]

Measures the per-packet overhead of wrapper PMDs in dpdk-testpmd io forwarding
with one forwarding lcore. The net_null PMD generates packets on rx and frees
them on tx (size=64, copy=0), so the forwarding lcore is the bottleneck and any
wrapper's extra work shows up as a lower rate.

Each testpmd process (a "session") holds every candidate as its own port, all
sharing testpmd's one mbuf pool:
  bare       --vdev net_null0
  failover   --vdev 'net_failover0,primary=(net_null1),standby=(net_ring0)'
             with -d DIR/drivers/net/failover/librte_net_failover.so
             (left out, with a note, if that .so has not been built)
  fo-subport --vdev 'net_failover1,primary=(net_null4),standby=(net_ring2),mbuf_port=sub'
             (the same without the per-packet mbuf->port write)
  fo-fence   --vdev 'net_failover2,primary=(net_null5),standby=(net_ring3),grace=fence'
             (failover with a full fence in every burst: what grace periods
             cost where the kernel has no membarrier())
  failsafe   --vdev 'net_failsafe0,dev(net_null2),dev(net_ring1)'
  bonding1   --vdev net_null3 --vdev 'net_bonding0,mode=1,member=net_null3'
             (slave= before DPDK 23.11)
The script drives testpmd's prompt: for each round, for each candidate in an
order rotated every round, "set portlist P", "start", a warm-up of 0.5 s,
"show port stats P" twice S seconds apart (testpmd times that window and
prints its Rx-pps), "stop". Interleaving inside one process puts every
candidate on the same memory layout and the same slow drifts of a shared
machine; several sessions average over layouts.

Printed per candidate, over all windows of all sessions: median Mpps, min..max,
"ratio" = that median / bare's median, and "paired" = the median of (this
window / bare's window of the same round and session). 1 - ratio is the
wrapper's share of the per-packet cost.

EAL options of every session: -l 0,1 (main lcore 0, forwarding lcore 1) -m 1024
(or --no-huge -m 1024) --no-pci --file-prefix bench-<pid>-<session>.

Options:
  --sessions N  testpmd processes (default $sessions)
  --rounds N    rounds per session (default $rounds)
  --seconds S   length of one measuring window, in seconds (default $seconds)
  --build DIR   meson build dir holding the failover PMD (default $top/build);
                EAL refuses to load a PMD from under a world-writable
                directory such as /tmp ("directory path ... is insecure")
  --hugepages N 2 MiB hugepages to reserve for the run (default $hugepages;
                the previous count is restored afterwards)
  --no-huge     4 KiB pages instead: every mbuf header then sits on its own
                page and each pass over a burst pays TLB misses, which
                inflates any per-packet work (the wrappers' mbuf->port writes)
  --raw FILE    also write every window as "session round candidate pps"
  --help        this text

Needs root and dpdk-testpmd in PATH. Default run: about 4 minutes.
Exit status: 0 if every candidate gave numbers, 1 if one did not, 2 on usage
or environment errors.
EOF
}

die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 2; }

posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, got '$2'"; }

while [ $# -gt 0 ]; do
	case $1 in
	--sessions | --rounds | --seconds | --hugepages)
		[ $# -ge 2 ] || die "$1 needs a value"
		posint "$1" "$2"
		declare "${1#--}=$2"
		shift 2 ;;
	--build) [ $# -ge 2 ] || die "--build needs a value"; build=$2; shift 2 ;;
	--no-huge) hugepages=0; shift ;;
	--raw) [ $# -ge 2 ] || die "--raw needs a file"; raw=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done

[ "$(id -u)" -eq 0 ] || die "must run as root (DPDK EAL needs it; try: sudo $0)"
testpmd=$(command -v dpdk-testpmd) ||
	die "dpdk-testpmd not found in PATH (Debian: apt-get install dpdk)"
[ "$(nproc)" -ge 2 ] || die "need at least 2 CPUs (main lcore 0 + forwarding lcore 1)"
[ -d "$build" ] && build=$(cd "$build" && pwd)
case $build in *[[:space:]]*) die "--build DIR must not contain white space" ;; esac
failover_so="$build/drivers/net/failover/librte_net_failover.so"

# Keep this script and its helpers (sleep, grep) off the forwarding lcore's CPU.
taskset -p -c 0 $$ >/dev/null 2>&1 || echo "note: taskset failed: this script may share CPU 1 with the forwarding lcore"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-overhead.XXXXXX")
cur_pid=""
session=0

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	local i
	trap - EXIT INT TERM HUP
	exec 3>&- 2>/dev/null || true
	if [ -n "$cur_pid" ]; then
		kill -KILL "$cur_pid" 2>/dev/null || true
		wait "$cur_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
	# A session killed before EAL unlinked its pages would keep them pinned.
	awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts | while read -r m; do
		rm -f "$m/bench-$$-"*
	done
	[ -z "$huge_before" ] || echo "$huge_before" >/proc/sys/vm/nr_hugepages
	[ -z "$huge_mounted" ] || umount "$huge_mounted" 2>/dev/null || true
	for ((i = 1; i <= session; i++)); do
		rm -rf "/var/run/dpdk/bench-$$-$i"
	done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Candidates in probe order: testpmd numbers the ports as they probe, the
# wrappers' sub-devices included, so the port ids are looked up by name.
names=(bare failover fo-subport fo-fence failsafe bonding1)
declare -A vdevs port
vdevs[bare]="--vdev net_null0"
vdevs[failover]="-d $failover_so --vdev net_failover0,primary=(net_null1),standby=(net_ring0)"
vdevs[fo-subport]="--vdev net_failover1,primary=(net_null4),standby=(net_ring2),mbuf_port=sub"
vdevs[fo-fence]="--vdev net_failover2,primary=(net_null5),standby=(net_ring3),grace=fence"
vdevs[failsafe]="--vdev net_failsafe0,dev(net_null2),dev(net_ring1)"
# net_bonding's devarg for a member port: "slave" before DPDK 23.11.
bond_member=member
dpkg --compare-versions "$(pkg-config --modversion libdpdk 2>/dev/null || echo 0)" lt 23.11 &&
	bond_member=slave
vdevs[bonding1]="--vdev net_null3 --vdev net_bonding0,mode=1,$bond_member=net_null3"
declare -A portname=([bare]=net_null0 [failover]=net_failover0 [fo-subport]=net_failover1
	[fo-fence]=net_failover2 [failsafe]=net_failsafe0
	[bonding1]=net_bonding0)
if [ ! -f "$failover_so" ]; then
	echo "note: candidate failover left out: $failover_so not built (run devtools/build.sh)"
	names=(bare failsafe bonding1)
	vdevs[failover]="" vdevs[fo-subport]="" vdevs[fo-fence]=""
fi

if [ "$hugepages" -gt 0 ]; then
	huge_before=$(cat /proc/sys/vm/nr_hugepages)
	echo "$hugepages" >/proc/sys/vm/nr_hugepages
	got=$(cat /proc/sys/vm/nr_hugepages)
	[ "$got" -ge 512 ] || die "only $got hugepages of 2 MiB could be reserved (need 512 for -m 1024; or run with --no-huge)"
	if ! grep -q hugetlbfs /proc/mounts; then
		mkdir -p /dev/hugepages
		mount -t hugetlbfs nodev /dev/hugepages && huge_mounted=/dev/hugepages
	fi
	# --huge-unlink: no page file outlives a session (no secondary attaches).
	eal_common=(-l '0,1' -m 1024 --huge-unlink --no-pci --log-level='*:notice')
	memory="$got hugepages of 2 MiB (restored to $huge_before afterwards)"
else
	eal_common=(-l '0,1' --no-huge -m 1024 --no-pci --log-level='*:notice')
	memory="--no-huge (4 KiB pages)"
fi
eal_vdevs=()
for n in "${names[@]}"; do
	read -r -a w <<<"${vdevs[$n]}"
	eal_vdevs+=("${w[@]}")
done
app_args=(-i --forward-mode=io --port-topology=loop --nb-cores=1 --rxq=1 --txq=1
	"--total-num-mbufs=$mbufs")

# send CMD...: one command line to testpmd's prompt.
send() { printf '%s\n' "$*" >&3; }

# wait_for LOG PATTERN SECONDS: until the pattern shows up in the log.
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q -- "$2" "$1" && return 0
		kill -0 "$cur_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

fail_session() { # log reason
	printf '%s: session %d FAILED: %s; last lines of its testpmd output:\n' \
		"$prog" "$session" "$2" >&2
	tr -d '\033' <"$1" | grep -v '^[[:space:]]*$' | tail -n 15 | sed 's/^/    /' >&2
	exit 1
}

# One session: testpmd with every candidate, driven through a FIFO; the
# windows' rates go to $tmp/rates as "session round candidate pps".
run_session() {
	local log="$tmp/session$session.log" fifo="$tmp/fifo$session" r i n k
	mkfifo "$fifo"
	: >"$log"
	# stdout is a file: unbuffered, so that the prompt's answers show up at once
	stdbuf -oL "$testpmd" "${eal_common[@]}" --file-prefix "bench-$$-$session" "${eal_vdevs[@]}" -- \
		"${app_args[@]}" <"$fifo" >"$log" 2>&1 &
	cur_pid=$!
	exec 3>"$fifo"
	send "show port summary all"
	wait_for "$log" "^Number of available ports" 60 ||
		fail_session "$log" "testpmd did not come up to its prompt"
	sleep 0.5
	for n in "${names[@]}"; do
		port[$n]=$(awk -v d="${portname[$n]}" '$0 ~ ("[[:space:]]" d "[[:space:]]") { print $1; exit }' "$log")
		[ -n "${port[$n]}" ] || fail_session "$log" "no port named ${portname[$n]}"
	done
	for ((r = 0; r < rounds; r++)); do
		for ((i = 0; i < ${#names[@]}; i++)); do
			n=${names[$(((i + r) % ${#names[@]}))]}
			send "set portlist ${port[$n]}"
			send start
			sleep 0.5
			send "show port stats ${port[$n]}"
			sleep "$seconds"
			send "show port stats ${port[$n]}"
			send stop
			echo "$session $r $n" >>"$tmp/plan$session"
			sleep 0.3
		done
	done
	send quit
	exec 3>&-
	for ((k = 0; k < 100; k++)); do
		kill -0 "$cur_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$cur_pid" 2>/dev/null || true
	wait "$cur_pid" 2>/dev/null || true
	cur_pid=""
	# Each window printed two Rx-pps lines: the first only starts testpmd's
	# clock for that port, the second is the window's rate.
	tr -d '\r' <"$log" | awk '/Rx-pps:/ { if (++k % 2 == 0) print $2 }' >"$tmp/pps$session"
	[ "$(wc -l <"$tmp/pps$session")" -eq "$(wc -l <"$tmp/plan$session")" ] ||
		fail_session "$log" "expected $(wc -l <"$tmp/plan$session") windows, testpmd printed $(wc -l <"$tmp/pps$session")"
	paste -d ' ' "$tmp/plan$session" "$tmp/pps$session" >>"$tmp/rates"
	if awk '$4 <= 0 { bad = 1 } END { exit !bad }' "$tmp/rates"; then
		fail_session "$log" "a window forwarded nothing (Rx-pps 0)"
	fi
}

median() { # numbers on stdin, one a line -> median (mean of the middle two)
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
dpdkver=$(pkg-config --modversion libdpdk 2>/dev/null || echo "unknown")
echo "command: $cmdline"
echo "machine: nproc=$(nproc --all), cpu: ${cpu:-unknown}, kernel: $(uname -r), DPDK: $dpdkver"
echo "memory: $memory"
echo "testpmd: $testpmd ${eal_common[*]} --file-prefix bench-<pid>-<session> ${eal_vdevs[*]} -- ${app_args[*]}"
echo "plan: $sessions sessions x $rounds rounds x ${#names[@]} candidates, windows of $seconds s"

: >"$tmp/rates"
for ((s = 1; s <= sessions; s++)); do
	session=$s
	run_session
	echo "session $s/$sessions:$(awk -v s="$s" '$1 == s { printf " %s=%.1f", $3, $4 / 1e6 }' "$tmp/rates")"
done

[ -z "$raw" ] || cp "$tmp/rates" "$raw"
echo
printf '%-10s %12s %19s %7s %7s\n' candidate "median Mpps" "min..max Mpps" ratio paired
base=$(awk '$3 == "bare" { print $4 }' "$tmp/rates" | median)
for n in "${names[@]}"; do
	med=$(awk -v n="$n" '$3 == n { print $4 }' "$tmp/rates" | median)
	range=$(awk -v n="$n" '$3 == n { print $4 }' "$tmp/rates" | sort -g |
		awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f..%.2f", lo / 1e6, hi / 1e6 }')
	paired=$(awk -v n="$n" '$3 == "bare" { b[$1 " " $2] = $4 }
		$3 == n { c[$1 " " $2] = $4 }
		END { for (k in c) if (k in b) print c[k] / b[k] }' "$tmp/rates" | median)
	printf '%-10s %12.2f %19s %7.3f %7.3f\n' "$n" "$(awk -v m="$med" 'BEGIN { print m / 1e6 }')" \
		"$range" "$(awk -v m="$med" -v b="$base" 'BEGIN { print m / b }')" "$paired"
done
