#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# One scenario of the vm suite on a QEMU guest (TCG) with KVM's failover:
# virtio-net failover=on (standby) + e1000e primary, same MAC.
#   test_vm.sh PATH/librte_net_failover.so SCENARIO
# SCENARIO: steady | hotplug | hotplug_down | migrate | devargs |
#           hotplug_uio | hotplug_vfio | migrate_uio | migrate_vfio
# (and migrate_once, a developer's probe for devtools/bench-migrate.sh: one
# migration run of FO_VM_MODE=driver|kernel|xsk with FO_VM_VDEV (xsk: the
# options of fo-xsk-echo, FO_VM_XSK its path), no anchor, no
# repetition, FO_VM_CARRIER=standby for a port without the primary; it
# prints "probe: ..." lines and fails only when it could not run)
# hotplug and migrate run the guest twice: with testpmd (macswap) on
# net_failover, then with the guest kernel's own net_failover answering ICMP
# echo (the anchor), and print both side by side. The other scenarios run
# the kernel's guest only when the driver's guest broke (see runs).
# Exit 0 passed, 1 failed, 77 skipped (the reason printed).
# Developer's knobs, never set by devtools/test.sh: FO_VM_REPORT_ONLY=1 (an
# unmet criterion ends the test as a skip that says so, never as a pass),
# FO_VM_APPEND, FO_VM_CPU, FO_VM_RATE, FO_VM_KEEP, FO_VM_SAVE (see the guide).
set -euo pipefail
. "$(dirname "$0")/vm_lib.sh"

scenario=${2:-}
case $scenario in
steady | hotplug | hotplug_down | migrate | devargs | migrate_once) ;;
hotplug_uio | hotplug_vfio | migrate_uio | migrate_vfio) ;;
*) echo "usage: $0 PATH/librte_net_failover.so steady|hotplug|hotplug_down|migrate|devargs|{hotplug,migrate}_{uio,vfio}"; exit 2 ;;
esac
# The *_uio and *_vfio scenarios: the driver's guest binds the primary to
# uio_pci_generic, or to vfio-pci behind a vIOMMU (Debian's kernel has no
# vfio no-IOMMU mode), and DPDK's net_e1000 drives it. The primary comes
# back bound to e1000e (opened through its netdev) or, fo.rebind=1, bound
# to the DPDK driver again as a udev rule would: each binding meets each
# return once. The kernel's guest keeps e1000e.
# On uio, the device is gone when the driver hears of its removal, and
# DPDK's net_e1000 stops and closes it against memory where its BARs were:
# it waits out every register poll, about 2 minutes in this TCG guest, on
# the driver's teardown thread. A primary that returns bound to uio again
# (migrate_uio) has the same PCI name and waits for that: up to 5 minutes.
# The primary is in a second root port (slot "0-2" in the guest), and a
# decoy e1000e with another MAC, bound the same way, in the first: a plain
# DPDK port that testpmd keeps and net_failover must not take.
VM_BIND= VM_IOMMU=0 VM_RETURN_SECS=40 VM_TRAFFIC_SECS=120 VM_DECOY=0
case $scenario in *_uio | *_vfio) VM_DECOY=1 ;; esac
case $scenario in
hotplug_uio) VM_BIND="fo.bind=uio" ;;
migrate_uio) VM_BIND="fo.bind=uio fo.rebind=1" VM_RETURN_SECS=300 VM_TRAFFIC_SECS=420 ;;
hotplug_vfio) VM_BIND="fo.bind=vfio fo.rebind=1" VM_IOMMU=1 ;;
migrate_vfio) VM_BIND="fo.bind=vfio" VM_IOMMU=1 ;;
esac
vm_init "$1"
H="ip -n $VM_NS_H"

# Boots the source guest. $1 = driver|kernel, $2 = 1|0 (netdevs up), $3 =
# the --vdev (driver). Returns once it answers.
boot() {
	local mode=$1 up=$2 vdev=${3:-net_failover0} t0 xsk=
	[ "$mode" != xsk ] || xsk="fo.xsk=${3:-}"
	rm -f "$VM_TMP"/src.console "$VM_TMP"/dst.console "$VM_TMP/events" "$VM_TMP/qmp.times"
	# FO_VM_APPEND: more guest arguments, e.g. fo.log=debug.
	local bind=
	[ "$mode" != driver ] || bind=$VM_BIND
	[ "$VM_IOMMU" = 0 ] || bind="$bind intel_iommu=on"
	VM_APPEND="fo.mode=$mode fo.up=$up fo.vdev=$vdev fo.ip=$VM_IP/24 $xsk $bind ${FO_VM_APPEND:-}"
	t0=$(vm_now)
	vm_qemu src fvs0 fvp0 || return 1
	if ! vm_wait_console src 150 'fo-vm: .* (ready: kernel|testpmd: Press enter|xsk_echo: ready)'; then
		vm_fail "$mode guest not ready in 150 s"
		return 1
	fi
	echo "$mode guest ready after $(( ($(vm_now) - t0) / 1000000 )) ms"
}

# Stops the guest(s) of one run (QEMU killed by pid) and resets the taps.
halt() {
	local n pid
	for n in src dst; do
		pid=$(eval echo "\${VM_PID_$n:-}")
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		eval "VM_PID_$n="
	done
	rm -f "$VM_TMP"/*.qmp
	for n in fvs0 fvp0 fvs1 fvp1; do $H link set "$n" up; done
	$H neigh flush dev fvbr 2>/dev/null || true
	bridge -n "$VM_NS_H" fdb flush dev fvbr 2>/dev/null || true
}

# Traffic until the primary carries it: the steady state. $1 = label.
# VM_CARRIER: the path that carries in steady state, primary unless the
# probe runs a port that only has the standby (FO_VM_CARRIER=standby).
VM_CARRIER=primary
steady() {
	vm_traffic_start "$VM_TRAFFIC_SECS" || return 1
	vm_event start
	if ! vm_wait_echoes $VM_CARRIER 60 300; then
		vm_fail "$1: no echo by the $VM_CARRIER 60 s after the start"
		return 1
	fi
	vm_event steady
	vm_wait_echoes $VM_CARRIER 10 1000 || vm_fail "$1: the $VM_CARRIER stopped echoing in steady state"
	# Until the next event's command leaves (QMP to a busy QEMU): not judged.
	vm_event idle
}

# The primary hot-unplugged, then plugged back. The host takes the primary's
# tap down once QEMU has deleted the device (its port leaves the bridge, as
# a VF leaves its host's switch), so that learning can move the MAC.
hotplug() {
	local label=$1
	vm_qmp src device_del '{"id":"primary0"}' --wait-event DEVICE_DELETED \
		--on-event "DEVICE_DELETED=ip -n $VM_NS_H link set fvp0 down" \
		>/dev/null 2>>"$VM_TMP/qmp.times" || vm_fail "$label: device_del"
	qmp_event unplug
	vm_wait_echoes standby 20 500 || vm_fail "$label: no echo by the standby after the unplug"
	$H link set fvp0 up
	vm_qmp src device_add "$(vm_primary_json)" >/dev/null 2>>"$VM_TMP/qmp.times" ||
		vm_fail "$label: device_add"
	qmp_event plug
	vm_wait_echoes primary "$VM_RETURN_SECS" 1000 || vm_fail "$label: no echo by the returned primary"
}

# A live migration to a second QEMU (-incoming) on taps fvs1/fvp1. The source
# unplugs the primary first (QEMU's UNPLUG_PRIMARY event: its tap goes down
# as in hotplug), the guest
# resumes on the destination, which plugs its primary back. The source
# QEMU is then stopped, its taps go down.
migrate() {
	local label=$1
	vm_qemu dst fvs1 fvp1 -incoming "unix:$VM_TMP/mig.sock" || return 1
	vm_qmp src migrate "{\"uri\":\"unix:$VM_TMP/mig.sock\"}" --until-migrated --timeout 90 \
		--on-event "UNPLUG_PRIMARY=ip -n $VM_NS_H link set fvp0 down" \
		>"$VM_TMP/migrate.out" 2>>"$VM_TMP/qmp.times" || {
		cat "$VM_TMP/migrate.out"
		vm_fail "$label: migration failed"
		return 1
	}
	qmp_event migrate
	kill "$VM_PID_src" 2>/dev/null || true
	wait "$VM_PID_src" 2>/dev/null || true
	VM_PID_src=
	$H link set fvs0 down
	$H link set fvp0 down
	vm_event migrated
	if ! vm_wait_echoes standby_dst 30 300; then
		vm_fail "$label: no echo by the destination's standby"
		# Not a word on the destination's console since it resumed (the
		# primary's plug alone makes the guest's monitor print): the guest
		# died or hung there, as happens to TCG guests here now and then,
		# whoever answers (both modes).
		if ! grep -q . "$VM_TMP/dst.console" 2>/dev/null; then
			VM_DST_SILENT=1
			echo "the destination guest printed nothing in 30 s after the migration"
			return 0
		fi
	fi
	[ "$VM_CARRIER" = standby ] ||
		vm_wait_echoes primary_dst $((VM_RETURN_SECS + 20)) 1000 ||
		vm_fail "$label: no echo by the destination's primary"
}

# Event $1 at the time the last QMP command was sent.
qmp_event() {
	vm_event "$1" "$(awk '$2 == "sent" {t = $3} END {print t}' "$VM_TMP/qmp.times")"
}

# The driver's log lines (guest time) and the QMP times of this run.
show_logs() {
	local f
	for f in "$VM_TMP"/src.console "$VM_TMP"/dst.console; do
		[ -f "$f" ] || continue
		grep -E 'net_failover0: (active path|primary|standby).*(->|absent|removed|link (up|down)|gone|carrier)|fo-vm: [0-9.]+ (primary|netdevs)' "$f" |
			grep -v 'attached as\|probed\|configured' | sed "s/^/  $(basename "$f" .console): /" | head -n 30 || true
	done
	sed 's/^/  /' "$VM_TMP/qmp.times" 2>/dev/null || true
}

# One run: $1 = driver|kernel, $2 = netdevs up (1|0), $3 = vdev. Its
# failures are vm_fail'd; its figures go to $VM_TMP/figures (MODE.EVENT.KEY),
# its consoles to $VM_TMP/MODE.{src,dst}.console, whatever broke on the way.
run() {
	local mode=$1 label=$1 f
	[ "$2" = 0 ] && label="$label,down"
	echo "=== $scenario: $label ==="
	VM_DST_SILENT=
	rm -f "$VM_TMP/$mode".*.console "$VM_TMP/$mode.silent"
	if ! boot "$mode" "$2" "${3:-}"; then
		:
	elif ! steady "$label"; then
		vm_traffic_stop
	else
		case $scenario in
		hotplug*) hotplug "$label" ;;
		devargs) hotplug "$label" ;;
		migrate*) migrate "$label" || true ;;
		esac
		vm_event end
		vm_traffic_stop
		if python3 "$VM_DIR/vm_report.py" "$VM_TMP/traffic.json" "$VM_TMP/events" "$mode" \
			>"$VM_TMP/report.$mode"; then
			grep -v '=' "$VM_TMP/report.$mode" || true
			grep '=' "$VM_TMP/report.$mode" >>"$VM_TMP/figures" || true
		else
			vm_fail "$label: no report of the traffic"
		fi
	fi
	show_logs
	halt
	for f in src dst; do
		if [ -f "$VM_TMP/$f.console" ]; then cp "$VM_TMP/$f.console" "$VM_TMP/$mode.$f.console"; fi
	done
	[ -z "$VM_DST_SILENT" ] || : >"$VM_TMP/$mode.silent"
	# FO_VM_SAVE=DIR: this run's traffic, events and consoles, for
	# vm_timeline.py (and a reader).
	if [ -n "${FO_VM_SAVE:-}" ]; then
		mkdir -p "$FO_VM_SAVE"
		for f in traffic.json events qmp.times src.console dst.console; do
			if [ -f "$VM_TMP/$f" ]; then
				cp "$VM_TMP/$f" "$FO_VM_SAVE/$scenario.$mode.$f"
			fi
		done
	fi
}

# Why the guest of run $1 (driver|kernel) broke, if it did (else nothing): a
# guest kernel crash report, whatever its first line says, or a migration's
# destination that never spoke again.
broke() {
	if grep -qE '(BUG|Oops): |general protection fault|Kernel panic|RIP: 0010:' \
		"$VM_TMP/$1".*.console 2>/dev/null; then
		echo "its guest kernel crashed"
	elif [ -f "$VM_TMP/$1.silent" ]; then
		echo "its migration's destination guest never spoke again"
	fi
}

# The crash report of run $1, for the log.
crash_lines() {
	grep -hE '(BUG|Oops|RIP|Comm): |general protection fault|Kernel panic' \
		"$VM_TMP/$1".*.console 2>/dev/null | head -n 6 | sed "s/^/  $1: /" || true
}

# Run $1's figures and consoles of the first try, kept as try1.$1.* (read,
# not judged: the figures are checked on the repeated run), and so are its
# files in FO_VM_SAVE.
keep_try1() {
	local f
	sed -i "s/^$1\./try1.$1./" "$VM_TMP/figures"
	for f in "$VM_TMP/$1".*.console "$VM_TMP/$1.silent"; do
		[ -e "$f" ] || continue
		mv "$f" "$VM_TMP/try1.$(basename "$f")"
	done
	[ -n "${FO_VM_SAVE:-}" ] || return 0
	for f in "$FO_VM_SAVE/$scenario.$1".*; do
		[ -e "$f" ] || continue
		mv "$f" "$FO_VM_SAVE/$scenario.try1.$1.${f##*/"$scenario.$1."}"
	done
}

# runs ANCHOR UP [VDEV]: the driver's run and, if ANCHOR is 1, the guest
# kernel's run of the same test beside it (the anchor of the comparison).
# A broken guest (see broke) is the run's failure, not a reason to run
# again: TCG guests here do crash now and then, but five times as often
# under the driver (5 of 16 driver migrations against 1 of 13 kernel ones on
# one day, "a NULL function called in rte-worker-1's syscall return"), and
# that is the driver's until shown otherwise. So:
# - the driver's guest broke: the kernel's run of the same test (made for
#   this if the scenario has no anchor) decides. If that broke too, the
#   driver's run (and the anchor, if the scenario has one) is repeated
#   once; if not, the test fails;
# - only the anchor broke: its figures cannot be compared; it is repeated once;
# - once repeated, anything broken again fails the test.
# A repetition prints one line "RETRIED: vm_SCENARIO REASON" (devtools/test.sh
# counts them); the first try's figures and consoles stay, as try1.*.
runs() {
	local anchor=$1 up=$2 vdev=${3:-} dw kw f0 f1 try redo=driver,kernel
	for try in 1 2; do
		f0=$VM_FAILS
		dw=
		case $redo in
		*driver*)
			run driver "$up" "$vdev"
			dw=$(broke driver)
			;;
		esac
		f1=$VM_FAILS
		kw=
		if [ "$anchor" = 1 ] || [ -n "$dw" ]; then
			case $redo in
			*kernel*)
				[ "$anchor" = 1 ] ||
					echo "the driver's guest broke: the kernel's run of the same test decides"
				run kernel "$up"
				kw=$(broke kernel)
				;;
			esac
		fi
		[ -z "$dw" ] || { echo "driver run: $dw"; crash_lines driver; }
		[ -z "$kw" ] || { echo "kernel run: $kw"; crash_lines kernel; }
		[ -n "$dw$kw" ] || return 0
		if [ "$try" = 1 ] && [ -n "$dw" ] && [ -z "$kw" ]; then
			vm_fail "the driver's run broke ($dw), the kernel's run of the same test did not"
			return 0
		fi
		if [ "$try" = 2 ]; then
			vm_fail "broken again after the one repetition: $(printf '%s\n' \
				${dw:+"the driver's run: $dw"} ${kw:+"the kernel's run: $kw"} | paste -sd ';' | sed 's/;/; /g')"
			return 0
		fi
		if [ -n "$dw" ]; then
			redo=driver
			[ "$anchor" = 0 ] || redo=driver,kernel
			echo "RETRIED: vm_$scenario the guest broke in the driver's run ($dw) and in the kernel's run ($kw); repeated once: ${redo/,/ and }"
			keep_try1 driver
			keep_try1 kernel
			VM_FAILS=$f0
		else
			echo "RETRIED: vm_$scenario the guest broke in the kernel's run (the anchor: $kw); it is repeated once"
			keep_try1 kernel
			VM_FAILS=$f1
			redo=kernel
		fi
	done
}

# The exception path the driver took on the guest's virtio_net, from its
# own log lines: TAP by default (AF_XDP crashed these guests in live
# migrations, see the guide), AF_XDP when exception=af_xdp asks for it.
check_standby_path() {
	local f=$VM_TMP/driver.src.console
	[ -f "$f" ] || return 0
	case $1 in
	tap)
		grep -q 'standby (synthetic [^)]*): net_tap_failover0,.*: held by virtio_net: TAP exception path on .* (AF_XDP crashed virtio_net guests in migration)' "$f" &&
			grep -q 'standby net_tap_failover0 started' "$f"
		;;
	af_xdp)
		grep -q 'standby (synthetic [^)]*): net_af_xdp_failover0,iface=.*(exception=af_xdp)' "$f" &&
			grep -q 'standby: AF_XDP on .*, XDP program' "$f"
		;;
	esac && echo "standby: the $1 exception path, as its log lines say" ||
		vm_fail "the standby did not take the $1 exception path (its log lines are not in the driver's console)"
}

fig() { awk -F= -v k="$1" '$1 == k {print $2}' "$VM_TMP/figures" 2>/dev/null || true; }

# The PMDs that drove the primary's port, in order, from the driver's
# "attached as" lines (source guest, then destination).
primary_pmds() {
	local f
	for f in "$VM_TMP"/driver.src.console "$VM_TMP"/driver.dst.console; do
		[ ! -f "$f" ] || cat "$f"
	done | sed -n 's/.*net_failover0: primary .* attached as port [0-9]* (driver \([a-z0-9_]*\)).*/\1/p'
}

# A DPDK-bound primary: DPDK's net_e1000 drove it first; the returned one
# is driven by net_e1000 again (rebound) or through its e1000e netdev.
check_primary_pmd() {
	local pmds first last want=net_af_packet
	case $VM_BIND in *fo.rebind=1*) want=net_e1000_em ;; esac
	pmds=$(primary_pmds)
	first=$(echo "$pmds" | head -n 1) last=$(echo "$pmds" | tail -n 1)
	echo "primary driven by: $(echo $pmds | sed 's/ / then /g')"
	[ "$first" = net_e1000_em ] ||
		vm_fail "the DPDK-bound primary was not driven by net_e1000_em (first: ${first:-no attach line})"
	[ "$(echo "$pmds" | wc -l)" -ge 2 ] && [ "$last" = "$want" ] ||
		vm_fail "the returned primary is not driven by $want (last: ${last:-none})"
	! grep -q 'fo-vm: [0-9.]* testpmd exited' "$VM_TMP"/driver.*.console 2>/dev/null ||
		vm_fail "testpmd exited"
	# The decoy: testpmd's own port with its MAC, never net_failover's.
	if grep -qi "testpmd: Port [0-9]*: $VM_DECOY_MAC" "$VM_TMP/driver.src.console" 2>/dev/null; then
		echo "decoy: testpmd's own port $VM_DECOY_MAC left alone"
	else
		vm_fail "decoy: testpmd has no port with $VM_DECOY_MAC (taken or removed by net_failover)"
	fi
	# A figure: how long the removed device's teardown took, off the
	# interrupt thread.
	cat "$VM_TMP"/driver.*.console 2>/dev/null |
		sed -n 's/.*net_failover0: primary \([^ ]*\): stopped, closed and detached in \([0-9.]*\) s.*/primary \1 torn down in \2 s/p'
}

check_driver() {
	local s p
	s=$(fig driver.steady.sent)
	p=$(fig driver.steady.primary.echoes)
	echo "steady: $p of $s frames echoed by the primary"
	[ "${s:-0}" -gt 0 ] || vm_fail "no frame sent in steady state"
	[ $(( ${p:-0} * 100 )) -ge $(( ${s:-0} * 99 )) ] ||
		vm_fail "steady: only ${p:-0} of ${s:-0} frames echoed by the primary (need >= 99 %)"
	[ "$(fig driver.steady.standby.echoes)" = 0 ] ||
		vm_fail "steady: the standby echoed $(fig driver.steady.standby.echoes) frames"
}

# The criteria of the comparison fail the test. FO_VM_REPORT_ONLY=1 is a
# developer's knob, to look at a run on a machine too loaded to judge
# (devtools/test.sh never sets it): an unmet criterion then ends the test
# as a skip that says so, never as a pass.
VM_UNJUDGED=0
criterion() { # $1 = 1 if met, $2 = text
	if [ "$1" = 1 ]; then
		echo "CRITERION met: $2"
	else
		echo "CRITERION NOT MET: $2"
		if [ -n "${FO_VM_REPORT_ONLY:-}" ]; then
			VM_UNJUDGED=$((VM_UNJUDGED + 1))
		else
			vm_fail "criterion: $2"
		fi
	fi
}

# Frames run $1 lost in the windows of events $2..., summed; nothing if a
# figure is missing.
lost() {
	local m=$1 ev v n=0
	shift
	for ev in "$@"; do
		v=$(fig "$m.$ev.lost")
		[ -n "$v" ] || return 0
		n=$((n + v))
	done
	echo "$n"
}

# $1 = what, events $2...: the driver loses no more than the guest kernel's
# net_failover in the same test (its anchor), counted in frames.
no_worse() {
	local what=$1 d k
	shift
	d=$(lost driver "$@") k=$(lost kernel "$@")
	if [ -z "$d" ] || [ -z "$k" ]; then
		vm_fail "$what: no figures to compare (driver ${d:-none}, kernel ${k:-none})"
		return 0
	fi
	criterion "$([ "$d" -le "$k" ] && echo 1)" \
		"$what: the driver lost $d frames, the kernel $k (driver <= kernel)"
}

# The primary's return is make before break: the driver moves to it once it
# runs with carrier, and polls both paths meanwhile (the kernel's
# net_failover loses its 2 to 3 s of link training). A TCG guest on a loaded
# host stalls now and then and loses frames with no event at all: the anchor
# is the same run's idle window (no event; it too ends with a QMP command to
# QEMU), whose loss rate the return may not exceed by more than 3 frames,
# the bound the project holds a return to (the losses of 5 to 36 frames
# once seen here came from net_af_packet's unbound sockets: see the guide's
# "KVM failover in a QEMU guest"). A count, not a time.
return_lost() {
	local d ds i is allowed
	d=$(lost driver plug) ds=$(fig driver.plug.sent)
	i=$(fig driver.idle.lost) is=$(fig driver.idle.sent)
	if [ -z "$d" ] || [ -z "$ds" ] || [ -z "$i" ] || [ -z "${is:-}" ] || [ "$is" -eq 0 ]; then
		vm_fail "return: no figures (plug lost ${d:-none} of ${ds:-none}, idle lost ${i:-none} of ${is:-none})"
		return 0
	fi
	allowed=$(( (i * ds + is - 1) / is + 3 ))
	criterion "$([ "$d" -le "$allowed" ] && echo 1)" \
		"return: the driver lost $d of $ds frames, the idle window of the same run $i of $is (make before break: at most $allowed, the idle rate's share + 3)"
}

# The driver's own switches, from its log lines: "active path A -> B (...;
# N ms after the event)", timed by the driver from the moment it saw the
# event. A figure, not a test: timing thresholds do not belong here.
switch_times() {
	local f
	for f in "$VM_TMP"/driver.*.console; do
		[ -f "$f" ] || continue
		sed -n 's/.*active path \([a-z]*\) -> \([a-z]*\) (.*; \([0-9.]*\) ms after the event).*/\1 -> \2: \3 ms/p' "$f"
	done | sed 's/^/driver switch, from the event it saw: /'
}

# Side by side: lost frames and gaps per event, driver and kernel.
compare() {
	local ev d k
	printf '%-9s %-28s %-28s\n' event "driver: lost (gap)" "kernel: lost (gap)"
	for ev in "$@"; do
		printf '%-9s %-28s %-28s\n' "$ev" \
			"$(fig driver.$ev.lost) ($(fig driver.$ev.gap_ms) ms)" \
			"$(fig kernel.$ev.lost) ($(fig kernel.$ev.gap_ms) ms)"
	done
}

case $scenario in
migrate_once)
	m=${FO_VM_MODE:-driver}
	VM_CARRIER=${FO_VM_CARRIER:-primary}
	run "$m" 1 "${FO_VM_VDEV:-}"
	w=$(broke "$m")
	crash_lines "$m" | sed 's/^/probe: oops /'
	v=${FO_VM_VDEV:-}
	[ "$m" = xsk ] || v=${v:-net_failover0}
	echo "probe: mode=$m vdev=$v broke=${w:+yes} why=${w:-none}" \
		"lost=$(lost "$m" migrate migrated) fails=$VM_FAILS"
	exit 0
	;;
steady)
	# No anchor here: in steady state both lose nothing (the time budget
	# of the suite goes to the scenarios with an event). The kernel runs
	# only to judge a broken driver guest.
	runs 0 1
	check_driver
	check_standby_path tap
	;;
hotplug | hotplug_down | devargs | hotplug_uio | hotplug_vfio)
	case $scenario in
	hotplug) runs 1 1 ;;
	hotplug_uio | hotplug_vfio) runs 0 1 ;;
	# The AF_XDP path, which the guest keeps where it is not migrated.
	hotplug_down) runs 0 0 "net_failover0,exception=af_xdp" ;;
	devargs) runs 0 1 "net_failover0,primary=(net_af_packet0,iface=@PRIMARY@),standby=(net_af_packet1,iface=@STANDBY@)" ;;
	esac
	check_driver
	case $scenario in
	hotplug) check_standby_path tap ;;
	hotplug_down) check_standby_path af_xdp ;;
	hotplug_uio | hotplug_vfio) check_standby_path tap; check_primary_pmd ;;
	esac
	[ "$(fig driver.unplug.standby.echoes)" -gt 0 ] 2>/dev/null ||
		vm_fail "no echo by the standby after the unplug"
	[ "$(fig driver.plug.primary.echoes)" -gt 0 ] 2>/dev/null ||
		vm_fail "no echo by the primary after it returned"
	if [ "$scenario" = hotplug ]; then
		compare unplug plug
		no_worse unplug unplug
	fi
	return_lost
	switch_times
	;;
migrate | migrate_uio | migrate_vfio)
	runs 1 1
	check_driver
	check_standby_path tap
	[ "$scenario" = migrate ] || check_primary_pmd
	compare migrate migrated
	no_worse migration migrate migrated
	switch_times
	;;
esac
[ "$VM_FAILS" -ne 0 ] || [ "$VM_UNJUDGED" = 0 ] ||
	vm_skip "$VM_UNJUDGED criteria not met and not judged: FO_VM_REPORT_ONLY is set"
vm_result "vm $scenario"
