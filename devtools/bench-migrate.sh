#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Live migrations of the vm suite's guest, repeated per configuration and
# interleaved (one of each, then again), counting the guest kernel's crashes.
# A benchmark, not a test: it prints a table; it fails only when a run could
# not be made (exit 1), or exits 77 where the vm suite skips. See --help.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prog=$(basename "$0")
times=10
build="$top/build"
save=""
against=""
load=0
loaders=()

usage() {
	cat <<EOF
usage: $prog [--times N] [--build DIR] [--save DIR] [--against NAME] [--load N]
       [NAME=MODE[:VDEV] ...]

Runs test/vm/test_vm.sh's migrate_once probe N times (default $times) for each
configuration, round-robin, and prints per configuration the runs, the guest
kernel crashes, the destinations that never spoke again, and the frames lost
over the migration (median and max, of the guests that did not break). MODE is driver (testpmd on VDEV, default
net_failover0; @STANDBY@ and @PRIMARY@ are the guest's netdevs) or kernel
(the guest kernel's own net_failover) or xsk (test/vm/xsk_echo.c, an AF_XDP
socket on the standby without DPDK; VDEV: its options, commas between them:
copy, skb, nowakeup). A VDEV other than net_failover, and xsk, are a port on
the standby alone: their steady state is the standby's echoes.
Without configurations:

  failover        driver:net_failover0                  (AF_XDP exception path)
  failover-tap    driver:net_failover0,exception=tap
  af_xdp          driver:net_af_xdp0,iface=@STANDBY@   (no failover)
  kernel          kernel
  xsk             xsk                                   (AF_XDP, no DPDK)

--against NAME: per round, each other configuration's loss is compared with
NAME's of the same round (e.g. kernel), and the rounds where it lost no more
are counted (a round where either guest broke does not count as no more).
--load N: N busy loops on the host while the runs are made, as on a loaded
host (the guests' timing changes; crashes seen under load were rarer quiet).
--save DIR keeps every run's consoles and traffic (FO_VM_SAVE), and a file
DIR/table with the result. Root, Debian 12 host, QEMU (as the vm suite).
EOF
}

configs=()
while [ $# -gt 0 ]; do
	case $1 in
	--times) times=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--save) save=$2; shift 2 ;;
	--against) against=$2; shift 2 ;;
	--load) load=$2; shift 2 ;;
	--help | -h) usage; exit 0 ;;
	*=*) configs+=("$1"); shift ;;
	*) echo "$prog: unknown argument '$1' (--help)" >&2; exit 2 ;;
	esac
done
[ "$load" -ge 0 ] 2>/dev/null || { echo "$prog: --load takes a count, got '$load'" >&2; exit 2; }
[ "$times" -ge 1 ] 2>/dev/null || { echo "$prog: --times takes a count >= 1, got '$times'" >&2; exit 2; }
[ ${#configs[@]} -gt 0 ] || configs=(failover=driver:net_failover0
	failover-tap=driver:net_failover0,exception=tap
	af_xdp=driver:net_af_xdp0,iface=@STANDBY@
	kernel=kernel
	xsk=xsk)
so="$build/drivers/net/failover/librte_net_failover.so"
[ -f "$so" ] || { echo "$prog: $so not found (devtools/build.sh $build)" >&2; exit 2; }
for c in "${configs[@]}"; do
	case ${c#*=} in
	driver | driver:* | kernel) ;;
	xsk | xsk:*)
		[ -x "$build/test/vm/fo-xsk-echo" ] ||
			{ echo "$prog: '$c': $build/test/vm/fo-xsk-echo not built (libxdp-dev)" >&2; exit 2; }
		;;
	*) echo "$prog: '$c': MODE is driver, kernel or xsk" >&2; exit 2 ;;
	esac
done
if [ -n "$against" ] && ! printf '%s\n' "${configs[@]}" | grep -q "^$against="; then
	echo "$prog: --against $against: no configuration of that name" >&2
	exit 2
fi
work=$(mktemp -d /tmp/fo-bench-migrate.XXXXXX)
stop_load() {
	local p
	for p in "${loaders[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	loaders=()
}
trap 'stop_load; rm -rf "$work"' EXIT
[ -z "$save" ] || mkdir -p "$save"

for _ in $(seq "$load"); do
	(while :; do :; done) &
	loaders+=($!)
done
# The guest's kernel, once test/vm/vm_image.sh has cached it (not yet on a
# fresh machine, never in a Debian root, where the vm suite skips).
kver=$(ls "${FO_VM_CACHE:-/var/cache/net-failover/vm}/kernel/root/boot" 2>/dev/null |
	sed -n 's/^vmlinuz-//p' | head -n 1 || true)
echo "$prog: ${#configs[@]} configurations x $times migrations, interleaved; guest kernel ${kver:-(not built yet)}; $load busy loop(s) beside"
for i in $(seq "$times"); do
	for c in "${configs[@]}"; do
		name=${c%%=*} spec=${c#*=}
		mode=${spec%%:*} vdev=
		[ "$spec" = "${spec#*:}" ] || vdev=${spec#*:}
		log="$work/$name.$i.log"
		rc=0
		carrier=primary xsk=
		case $mode:$vdev in
		driver: | driver:net_failover* | kernel:) ;;
		*) carrier=standby ;;
		esac
		[ "$mode" != xsk ] || xsk=$build/test/vm/fo-xsk-echo
		FO_VM_XSK=$xsk FO_VM_MODE=$mode FO_VM_VDEV=$vdev FO_VM_CARRIER=$carrier FO_VM_SAVE=${save:+$save/$name.$i} \
			"$top/test/vm/test_vm.sh" "$so" migrate_once >"$log" 2>&1 || rc=$?
		[ -z "$save" ] || cp "$log" "$save/$name.$i.log"
		line=$(grep '^probe: mode=' "$log" | tail -n 1 || true)
		if [ "$rc" = 77 ]; then
			grep '^skipped: ' "$log" || true
			echo "$prog: the vm suite cannot run here (see above)" >&2
			exit 77
		fi
		if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
			tail -n 30 "$log"
			echo "$prog: $name run $i could not be made (exit $rc)" >&2
			exit 1
		fi
		echo "$name $i: ${line#probe: }"
		grep '^probe: oops' "$log" | sed 's/^probe: oops /    /' || true
		echo "$name $i ${line#probe: }" >>"$work/results"
	done
done

# The loss of configuration $1 in round $2, nothing if its guest broke.
round_lost() {
	awk -v n="$1" -v i="$2" '$1 == n && $2 == i && $0 ~ /broke= / {
		if (match($0, /lost=[0-9]+/)) print substr($0, RSTART + 5, RLENGTH - 5) }' "$work/results"
}

{
	printf '%-16s %5s %8s %7s %12s %9s' configuration runs crashed silent "lost median" "lost max"
	[ -z "$against" ] && echo || printf ' %s\n' "<= $against (rounds)"
	for c in "${configs[@]}"; do
		name=${c%%=*}
		r=$(awk -v n="$name" '$1 == n' "$work/results")
		# Losses of the guests that did not break.
		lost=$(echo "$r" | grep 'broke= ' | grep -o 'lost=[0-9]*' | cut -d= -f2 | sort -n || true)
		k=$(echo "$lost" | grep -c . || true)
		printf '%-16s %5d %8d %7d %12s %9s\n' "$name" "$(echo "$r" | grep -c . || true)" \
			"$(echo "$r" | grep -c 'why=its guest kernel crashed' || true)" \
			"$(echo "$r" | grep -c 'why=its migration' || true)" \
			"$([ "$k" -gt 0 ] && echo "$lost" | sed -n "$(((k + 1) / 2))p" || echo -)" \
			"$([ "$k" -gt 0 ] && echo "$lost" | tail -n 1 || echo -)" | tr -d '\n'
		if [ -n "$against" ] && [ "$name" != "$against" ]; then
			le=0
			for i in $(seq "$times"); do
				a=$(round_lost "$name" "$i") b=$(round_lost "$against" "$i")
				[ -n "$a" ] && [ -n "$b" ] && [ "$a" -le "$b" ] && le=$((le + 1))
			done
			printf ' %d of %d' "$le" "$times"
		fi
		echo
	done
} | tee ${save:+"$save/table"}
stop_load
