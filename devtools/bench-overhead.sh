#!/usr/bin/env bash
# Per-packet overhead of wrapper PMDs (net_failover, net_failsafe, net_bonding)
# over a bare net_null port, measured with dpdk-testpmd "io" forwarding on ONE
# forwarding lcore. A benchmark, not a test: it prints numbers, it does not
# judge them. See --help.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prog=$(basename "$0")
cmdline="$0${*:+ $*}"

rounds=5
seconds=5
build="$top/build"
mbufs=16384
hugepages=0
huge_before=""
huge_mounted=""

usage() {
	cat <<EOF
usage: $prog [--rounds N] [--seconds S] [--build DIR] [--hugepages N] [--help]

Measures the per-packet overhead of wrapper PMDs in dpdk-testpmd io forwarding
with one forwarding lcore. The net_null PMD generates packets on rx and frees
them on tx (default devargs: size=64, copy=0), so the forwarding lcore is the
bottleneck and any wrapper's extra call layer shows up as a lower rate.

Candidates (each forwards exactly one port, --port-topology=loop):
  bare       --vdev net_null0
  failover   --vdev 'net_failover0,primary=(net_null0),standby=(net_ring0)'
             with -d DIR/drivers/net/failover/librte_net_failover.so
             (skipped, with a note, if that .so has not been built)
  failsafe   --vdev 'net_failsafe0,dev(net_null0),dev(net_ring0)'
  bonding1   --vdev net_null0 --vdev 'net_bonding0,mode=1,slave=net_null0'
             --portmask=0x2 (22.11 does not hide bonding slaves from testpmd)

The candidates run interleaved, round-robin (bare, failover, failsafe, bonding1,
bare, ...) for N rounds, one testpmd process of S seconds each, so slow drifts of
a shared machine hit every candidate alike. In each run testpmd prints Rx-pps of
the forwarded port every second (--stats-period 1); the first second is
discarded, the run's rate is the median of the remaining S-1 samples. Printed
per candidate: median of the per-run rates (Mpps), min..max of the per-run
rates, "ratio" = that median / the median of bare, and "paired" = the median
over rounds of (this run / bare's run of the same round), which cancels drifts
slower than a round. With the default devargs the forwarding lcore is the
bottleneck, so 1 - ratio is the wrapper's share of the per-packet cost.

EAL options of every run: -l 0,1 (main lcore 0, forwarding lcore 1) --no-huge
-m 512 --no-pci --file-prefix bench-<pid>-<i> --log-level=*:notice.

Options:
  --rounds N    rounds (default $rounds)
  --seconds S   seconds per testpmd run, S >= 2 (default $seconds)
  --build DIR   meson build dir holding the failover PMD (default $top/build);
                EAL refuses to load a PMD from under a world-writable
                directory such as /tmp ("directory path ... is insecure")
  --hugepages N reserve N 2 MiB hugepages for the run (restored afterwards)
                and run EAL on them instead of --no-huge: with 4 KiB pages
                every mbuf header sits on its own page and each pass over a
                burst pays TLB misses, which inflates any per-packet work
  --help        this text

Needs root and dpdk-testpmd in PATH. Default run: about 2 minutes.
Exit status: 0 if every candidate that ran gave numbers, 1 if one failed,
2 on usage or environment errors.
EOF
}

die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 2; }

posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, got '$2'"; }

while [ $# -gt 0 ]; do
	case $1 in
	--rounds) [ $# -ge 2 ] || die "--rounds needs a value"; posint "$1" "$2"; rounds=$2; shift 2 ;;
	--rounds=*) posint --rounds "${1#*=}"; rounds=${1#*=}; shift ;;
	--seconds) [ $# -ge 2 ] || die "--seconds needs a value"; posint "$1" "$2"; seconds=$2; shift 2 ;;
	--seconds=*) posint --seconds "${1#*=}"; seconds=${1#*=}; shift ;;
	--build) [ $# -ge 2 ] || die "--build needs a value"; build=$2; shift 2 ;;
	--build=*) build=${1#*=}; shift ;;
	--hugepages) [ $# -ge 2 ] || die "--hugepages needs a value"; posint "$1" "$2"; hugepages=$2; shift 2 ;;
	--hugepages=*) posint --hugepages "${1#*=}"; hugepages=${1#*=}; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done
[ "$seconds" -ge 2 ] || die "--seconds must be at least 2 (the first second is discarded)"

[ "$(id -u)" -eq 0 ] || die "must run as root (DPDK EAL needs it; try: sudo $0)"
testpmd=$(command -v dpdk-testpmd) ||
	die "dpdk-testpmd not found in PATH (Debian: apt-get install dpdk)"
[ "$(nproc)" -ge 2 ] || die "need at least 2 CPUs (main lcore 0 + forwarding lcore 1)"

# EAL's -d wants a path it can trust: make it absolute.
[ -d "$build" ] && build=$(cd "$build" && pwd)
failover_so="$build/drivers/net/failover/librte_net_failover.so"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-overhead.XXXXXX")
cur_pid=""
nrun=0

stop_pid() { # pid: SIGINT (testpmd's clean exit), then SIGKILL after 10 s
	local pid=$1 i
	kill -INT "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	local i
	trap - EXIT INT TERM HUP
	if [ -n "$cur_pid" ]; then
		stop_pid "$cur_pid"
	fi
	rm -rf "$tmp"
	if [ -n "$huge_before" ]; then
		echo "$huge_before" >/proc/sys/vm/nr_hugepages
	fi
	if [ -n "$huge_mounted" ]; then
		umount "$huge_mounted" 2>/dev/null || true
	fi
	# EAL leaves its runtime dir behind even with --no-huge; remove ours only.
	for ((i = 1; i <= nrun; i++)); do
		rm -rf "/var/run/dpdk/bench-$$-$i"
	done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Candidates: name, EAL args, testpmd args (arrays are space-free words).
names=(bare failover failsafe bonding1)
declare -A eal app state
eal[bare]="--vdev net_null0"
app[bare]=""
eal[failover]="-d $failover_so --vdev net_failover0,primary=(net_null0),standby=(net_ring0)"
app[failover]=""
eal[failsafe]="--vdev net_failsafe0,dev(net_null0),dev(net_ring0)"
app[failsafe]=""
eal[bonding1]="--vdev net_null0 --vdev net_bonding0,mode=1,slave=net_null0"
app[bonding1]="--portmask=0x2"

for n in "${names[@]}"; do state[$n]=run; done
case $build in *[[:space:]]*) die "--build DIR must not contain white space" ;; esac
if [ ! -f "$failover_so" ]; then
	state[failover]=skipped
fi

if [ "$hugepages" -gt 0 ]; then
	huge_before=$(cat /proc/sys/vm/nr_hugepages)
	echo "$hugepages" >/proc/sys/vm/nr_hugepages
	got=$(cat /proc/sys/vm/nr_hugepages)
	[ "$got" -ge 256 ] || die "only $got hugepages could be reserved (need 256 for -m 512)"
	if ! grep -q hugetlbfs /proc/mounts; then
		mkdir -p /dev/hugepages
		mount -t hugetlbfs nodev /dev/hugepages && huge_mounted=/dev/hugepages
	fi
	eal_common=(-l '0,1' -m 512 --no-pci --log-level='*:notice')
	echo "memory: $got hugepages of 2 MiB (restored to $huge_before afterwards)"
else
	eal_common=(-l '0,1' --no-huge -m 512 --no-pci --log-level='*:notice')
	echo "memory: --no-huge (4 KiB pages)"
fi
app_common=(--forward-mode=io --port-topology=loop --nb-cores=1 --rxq=1 --txq=1
	--stats-period 1 "--total-num-mbufs=$mbufs")

median() { # numbers on stdin, one a line -> median (mean of the middle two)
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run_one NAME: one testpmd run; appends its rate (pps) to $tmp/NAME.rates.
run_one() {
	local name=$1 log pid t0 n rate
	local -a e a
	nrun=$((nrun + 1))
	log="$tmp/$name.$nrun.log"
	: >"$log" # exists before the background job opens it: no race with grep
	read -r -a e <<<"${eal[$name]}"
	read -r -a a <<<"${app[$name]}"
	"$testpmd" "${eal_common[@]}" --file-prefix "bench-$$-$nrun" "${e[@]}" -- \
		"${app_common[@]}" "${a[@]}" </dev/null >"$log" 2>&1 &
	pid=$!
	cur_pid=$pid
	t0=$SECONDS
	# Wait for S stats prints: the first one (always 0 pps) closes the first
	# second, the next S-1 are the samples.
	while :; do
		n=$(grep -c 'Rx-pps:' "$log" 2>/dev/null || true)
		n=${n:-0}
		[ "$n" -ge "$seconds" ] && break
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null || true
			cur_pid=""
			fail "$name" "$log" "testpmd exited before $seconds stats prints"
			return 1
		fi
		if [ $((SECONDS - t0)) -gt $((seconds + 60)) ]; then
			stop_pid "$pid"
			cur_pid=""
			fail "$name" "$log" "no stats after $((seconds + 60)) s"
			return 1
		fi
		sleep 0.2
	done
	stop_pid "$pid"
	cur_pid=""
	if ! grep -q 'nb forwarding ports=1$' "$log"; then
		fail "$name" "$log" "testpmd does not forward exactly one port"
		return 1
	fi
	rate=$(grep 'Rx-pps:' "$log" | awk -v s="$seconds" 'NR >= 2 && NR <= s { print $2 }' | median)
	if ! awk -v r="$rate" 'BEGIN { exit !(r > 0) }'; then
		fail "$name" "$log" "Rx-pps is 0: no packets forwarded, or the PMD's stats_get reports none"
		return 1
	fi
	echo "$rate" >>"$tmp/$name.rates"
	printf '  %-9s run %d: %6.2f Mpps\n' "$name" "$nrun" \
		"$(tail -n1 "$tmp/$name.rates" | awk '{ print $1 / 1e6 }')"
}

fail() { # name log reason
	state[$1]=failed
	printf '%s: candidate %s FAILED: %s; last lines of its testpmd output:\n' \
		"$prog" "$1" "$3" >&2
	tr -d '\033' <"$2" | grep -v '^[[:space:]]*$' | tail -n 15 | sed 's/^/    /' >&2
}

shquote() { # words -> one line a shell reads back as the same words
	local w out=""
	for w in "$@"; do
		if [[ $w == *"'"* ]]; then
			w=$(printf '%q' "$w")
		elif [[ ! $w =~ ^[A-Za-z0-9_./,:=+-]+$ ]]; then
			w="'$w'"
		fi
		out+="${out:+ }$w"
	done
	printf '%s' "$out"
}

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
dpdkver=$(pkg-config --modversion libdpdk 2>/dev/null || echo "unknown (pkg-config libdpdk failed)")
echo "command: $cmdline"
echo "machine: nproc=$(nproc), cpu: ${cpu:-unknown}, kernel: $(uname -r), DPDK: $dpdkver"
echo "testpmd command lines (<i> = run number):"
for n in "${names[@]}"; do
	read -r -a e <<<"${eal[$n]}"
	read -r -a a <<<"${app[$n]}"
	printf '  %-9s %s\n' "$n" "$(shquote "$testpmd" "${eal_common[@]}" \
		--file-prefix "bench-$$-<i>" "${e[@]}" -- "${app_common[@]}" "${a[@]}")"
done
if [ "${state[failover]}" = skipped ]; then
	echo "note: candidate failover skipped: PMD not built ($failover_so missing) -- run devtools/build.sh"
fi
echo "plan: $rounds rounds x ${seconds} s per run, interleaved; first second of each run discarded"

for ((r = 1; r <= rounds; r++)); do
	echo "round $r/$rounds"
	for n in "${names[@]}"; do
		[ "${state[$n]}" = run ] || continue
		run_one "$n" || true
	done
done

echo
printf '%-10s %12s %19s %7s %7s\n' candidate "median Mpps" "runs min..max Mpps" ratio paired
base=""
[ -s "$tmp/bare.rates" ] && [ "${state[bare]}" = run ] && base=$(median <"$tmp/bare.rates")
status=0
for n in "${names[@]}"; do
	case ${state[$n]} in
	skipped) printf '%-10s %12s\n' "$n" "skipped (PMD not built)"; continue ;;
	failed) printf '%-10s %12s\n' "$n" "FAILED"; status=1; continue ;;
	esac
	med=$(median <"$tmp/$n.rates")
	range=$(sort -g "$tmp/$n.rates" | awk 'NR == 1 { lo = $1 } { hi = $1 } END {
		printf "%.2f..%.2f", lo / 1e6, hi / 1e6 }')
	ratio="n/a" paired="n/a"
	if [ -n "$base" ]; then
		ratio=$(awk -v m="$med" -v b="$base" 'BEGIN { printf "%.3f", m / b }')
		# One line per round in both files (a failed candidate is not shown).
		paired=$(paste "$tmp/bare.rates" "$tmp/$n.rates" |
			awk '{ print $2 / $1 }' | median | awk '{ printf "%.3f", $1 }')
	fi
	printf '%-10s %12.2f %19s %7s %7s\n' "$n" "$(awk -v m="$med" 'BEGIN { print m / 1e6 }')" \
		"$range" "$ratio" "$paired"
done
exit $status
