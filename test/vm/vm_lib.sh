#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Shared steps of the vm suite: preconditions, the host side (a namespace
# with a bridge and the guests' taps, a generator namespace behind a veth),
# QEMU (TCG, q35, virtio-net failover=on + e1000e primary on a root port),
# QMP, the traffic and the report. Sourced by test_vm.sh (set -euo pipefail).

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_MAC=52:54:00:f0:0f:01
VM_DECOY_MAC=52:54:00:f0:0f:0d
VM_IP=10.99.0.2
GEN_IP=10.99.0.1
VM_TMP=
VM_NS_H=
VM_NS_G=
VM_PIDS=()
VM_FAILS=0

vm_skip() { echo "skipped: $*"; exit 77; }
vm_fail() { echo "FAIL: $*"; VM_FAILS=$((VM_FAILS + 1)); }

# Preconditions (exit 77 with the reason otherwise), the image, the host side.
vm_init() {
	local so=${1:-} osid
	[ -n "$so" ] || { echo "usage: $0 PATH/librte_net_failover.so SCENARIO"; exit 2; }
	[ -f "$so" ] || { echo "FAIL: $so not found"; exit 1; }
	[ "$(id -u)" -eq 0 ] || vm_skip "needs root (namespaces, taps)"
	osid=$(. /etc/os-release 2>/dev/null && echo "${ID:-}-${VERSION_CODENAME:-}")
	# The guest is built from this machine's Debian 12 packages (testpmd,
	# its libraries, the kernel): the per-release roots of devtools/test.sh
	# do not run it.
	[ "$osid" = debian-bookworm ] ||
		vm_skip "host only: the guest is built from Debian 12's packages (this is $osid)"
	local c
	for c in qemu-system-x86_64 dpdk-testpmd cpio python3 ip bridge; do
		command -v "$c" >/dev/null || vm_skip "$c not installed (devtools/setup.sh)"
	done
	# The guest has no libc of its own for busybox: the static one.
	ldd /bin/busybox >/dev/null 2>&1 &&
		vm_skip "/bin/busybox is not static (install busybox-static)"
	VM_SO=$(realpath "$so")
	VM_TMP=$(mktemp -d /tmp/fo-vm.XXXXXX)
	trap vm_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	# vm_image.sh: 77 = an outside input is missing (a Debian package
	# that cannot be fetched), a skip naming it; any other error is the
	# suite's own (the image it builds) and fails.
	local img rc=0
	img=$("$VM_DIR/vm_image.sh" ensure 2>"$VM_TMP/image.err") || rc=$?
	if [ "$rc" -ne 0 ]; then
		cat "$VM_TMP/image.err"
		[ "$rc" -ne 77 ] || vm_skip "the guest image lacks an outside input:" \
			"$(sed -n 's/^vm_image: missing: //p' "$VM_TMP/image.err" | tail -n 1)"
		echo "FAIL: vm_image.sh could not make the guest image (exit $rc, see above)"
		exit 1
	fi
	VM_KERNEL=${img% *}
	vm_initrd "${img#* }"
	vm_net_up || { echo "FAIL: cannot set up the host side (see above)"; exit 1; }
}

# The run's initramfs: the cached base plus /init and the PMD under test.
vm_initrd() {
	local base=$1 r=$VM_TMP/initrd.d lib
	mkdir -p "$r/pmd"
	cp "$VM_DIR/vm_init.sh" "$r/init"
	cp "$VM_SO" "$r/pmd/librte_net_failover.so"
	# FO_VM_XSK: devtools/bench-migrate.sh's AF_XDP echo without DPDK.
	if [ -n "${FO_VM_XSK:-}" ]; then
		mkdir -p "$r/bin"
		cp "$FO_VM_XSK" "$r/bin/fo-xsk-echo"
	fi
	# Libraries the PMD needs beyond testpmd's (e.g. libsystemd).
	for lib in $(ldd "$VM_SO" | grep -oE '/[^ ]+'); do
		[ -e "$(readlink -f "$lib")" ] || continue
		case $(readlink -f "$lib") in
		*/librte_*) ;; # in the base image, with its symlinks
		*)
			mkdir -p "$r/usr/lib/x86_64-linux-gnu"
			cp -L "$lib" "$r/usr/lib/x86_64-linux-gnu/"
			;;
		esac
	done
	(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) >"$VM_TMP/extra.cpio.gz"
	cat "$base" "$VM_TMP/extra.cpio.gz" >"$VM_TMP/initrd"
	rm -rf "$r"
}

# Host namespace fv<pid>h: bridge fvbr with the taps of the source (fvs0
# virtio, fvp0 e1000e) and destination (fvs1, fvp1) QEMU and a veth to the
# generator namespace fv<pid>g (fvg0, $GEN_IP). Exits 77 (skip, named) only
# where this machine lacks an outside facility: namespaces not permitted, no
# /dev/net/tun, no bridge or veth in its kernel. Returns 1 on any other error.
vm_net_up() {
	local h="ip -n fv$$h" t
	[ -c /dev/net/tun ] || vm_skip "no /dev/net/tun here (the guests' taps)"
	vm_net ip netns add "fv$$h" && VM_NS_H=fv$$h || return 1
	vm_net ip netns add "fv$$g" && VM_NS_G=fv$$g || return 1
	vm_net $h link set lo up || return 1
	vm_net $h link add fvbr type bridge stp_state 0 forward_delay 0 || return 1
	for t in fvs0 fvp0 fvs1 fvp1; do
		vm_net $h tuntap add dev "$t" mode tap || return 1
		vm_net $h link set "$t" master fvbr up || return 1
	done
	vm_net $h link add fvg0h type veth peer name fvg0 netns "$VM_NS_G" || return 1
	vm_net $h link set fvg0h master fvbr up || return 1
	vm_net $h link set fvbr up || return 1
	vm_net ip -n "$VM_NS_G" link set lo up || return 1
	vm_net ip -n "$VM_NS_G" addr add "$GEN_IP/24" dev fvg0 || return 1
	vm_net ip -n "$VM_NS_G" link set fvg0 up
}

# Runs one command of vm_net_up. On an error that says the machine does not
# allow or have it (EPERM, an unknown device type), skips naming it; on any
# other error prints it and returns 1.
vm_net() {
	"$@" 2>"$VM_TMP/net.err" && return 0
	if grep -qE 'Operation not permitted|Permission denied|Unknown device type' "$VM_TMP/net.err"; then
		vm_skip "this machine does not allow or have it: '$*': $(head -n 1 "$VM_TMP/net.err")"
	fi
	echo "'$*' failed: $(cat "$VM_TMP/net.err")"
	return 1
}

vm_cleanup() {
	local rc=$? p
	for p in "${VM_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${VM_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	[ -n "$VM_NS_G" ] && ip netns del "$VM_NS_G" 2>/dev/null
	[ -n "$VM_NS_H" ] && ip netns del "$VM_NS_H" 2>/dev/null
	[ -n "$VM_TMP" ] && [ -z "${FO_VM_KEEP:-}" ] && rm -rf "$VM_TMP"
	exit $rc
}

# Starts QEMU NAME (src/dst) on taps S and P, with the guest command line
# $VM_APPEND; more QEMU arguments after the taps (e.g. -incoming).
# Console in $VM_TMP/NAME.console, QMP on $VM_TMP/NAME.qmp.
vm_qemu() {
	local name=$1 ts=$2 tp=$3
	shift 3
	# VM_IOMMU=1: a vIOMMU (vfio-pci in the guest needs one: Debian's
	# kernel has no vfio no-IOMMU mode), created before the PCI devices.
	local iommu=() decoy=()
	[ "${VM_IOMMU:-0}" = 0 ] || iommu=(-device intel-iommu,intremap=on)
	# VM_DECOY=1: the primary in a second root port, and in the first
	# another e1000e with its own MAC and no network (decoy0).
	[ "${VM_DECOY:-0}" = 0 ] || decoy=(-device pcie-root-port,id=rp2,chassis=2,slot=2,bus=pcie.0
		-device "e1000e,id=decoy0,mac=$VM_DECOY_MAC,bus=rp1,romfile=")
	ip netns exec "$VM_NS_H" qemu-system-x86_64 -name "fo-vm-$name" \
		-accel tcg -cpu "${FO_VM_CPU:-max}" -machine q35 -smp 2 -m 512 \
		-nodefaults -display none -no-reboot "${iommu[@]}" \
		-kernel "$VM_KERNEL" -initrd "$VM_TMP/initrd" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4 mitigations=off tsc=reliable $VM_APPEND" \
		-serial "file:$VM_TMP/$name.console" \
		-qmp "unix:$VM_TMP/$name.qmp,server=on,wait=off" \
		-device pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0 "${decoy[@]}" \
		-netdev "tap,id=hs,ifname=$ts,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=hs,id=standby0,mac=$VM_MAC,failover=on,romfile=" \
		-netdev "tap,id=hp,ifname=$tp,script=no,downscript=no" \
		-device "$(vm_primary_json)" \
		"$@" >"$VM_TMP/$name.qemu.log" 2>&1 &
	VM_PIDS+=($!)
	eval "VM_PID_$name=$!"
	local _
	for _ in $(seq 100); do
		[ -S "$VM_TMP/$name.qmp" ] && return 0
		sleep 0.1
	done
	cat "$VM_TMP/$name.qemu.log"
	vm_fail "QEMU $name did not start"
	return 1
}

# JSON -device syntax, so that a later device_add with the same id is taken
# (QEMU 7.2); no option ROM, or migration fails on its block.
vm_primary_json() {
	local bus=rp1
	[ "${VM_DECOY:-0}" = 0 ] || bus=rp2
	printf '{"driver":"e1000e","id":"primary0","netdev":"hp","mac":"%s","bus":"%s","failover_pair_id":"standby0","romfile":""}' "$VM_MAC" "$bus"
}

vm_qmp() {
	local name=$1
	shift
	python3 "$VM_DIR/qmp.py" "$VM_TMP/$name.qmp" "$@"
}

# Waits up to $2 s for a console line of QEMU $1 matching ERE $3.
vm_wait_console() {
	local name=$1 secs=$2 re=$3 i
	for i in $(seq $((secs * 10))); do
		grep -qE "$re" "$VM_TMP/$name.console" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

vm_now() { date +%s%N; }

# Traffic from the generator namespace, labels per tap. Background; stop
# with vm_traffic_stop. $1 = duration limit (s).
vm_traffic_start() {
	rm -f "$VM_TMP/traffic.ready"
	ip netns exec "$VM_NS_G" python3 "$VM_DIR/vm_traffic.py" --iface fvg0 \
		--dst-mac "$VM_MAC" --src-ip "$GEN_IP" --dst-ip "$VM_IP" \
		--rate "${FO_VM_RATE:-1000}" --duration "$1" \
		--path-ns "/run/netns/$VM_NS_H" \
		--path standby=fvs0 --path primary=fvp0 \
		--path standby_dst=fvs1 --path primary_dst=fvp1 \
		--ready "$VM_TMP/traffic.ready" --status "$VM_TMP/traffic.status" --out "$VM_TMP/traffic.json" \
		>"$VM_TMP/traffic.log" 2>&1 &
	VM_TRAFFIC_PID=$!
	VM_PIDS+=($!)
	local _
	for _ in $(seq 50); do
		[ -f "$VM_TMP/traffic.ready" ] && return 0
		sleep 0.1
	done
	cat "$VM_TMP/traffic.log"
	vm_fail "the traffic generator did not start"
	return 1
}

vm_traffic_stop() {
	kill -TERM "$VM_TRAFFIC_PID" 2>/dev/null || true
	wait "$VM_TRAFFIC_PID" 2>/dev/null || true
	cat "$VM_TMP/traffic.log"
}

# Echoes counted so far for "echoed" or a path label.
vm_echoes() {
	awk -v k="$1" '$1 == k {print $2}' "$VM_TMP/traffic.status" 2>/dev/null || echo 0
}

# Waits up to $2 s until path $1 has echoed $3 more frames than now.
vm_wait_echoes() {
	local path=$1 secs=$2 more=${3:-100} base n _
	base=$(vm_echoes "$path")
	for _ in $(seq $((secs * 20))); do
		n=$(vm_echoes "$path")
		[ "${n:-0}" -ge $((${base:-0} + more)) ] && return 0
		sleep 0.05
	done
	return 1
}

# Appends an event (name, realtime ns) for the report.
vm_event() {
	echo "$1 ${2:-$(vm_now)}" >>"$VM_TMP/events"
}

vm_result() {
	if [ "$VM_FAILS" -ne 0 ]; then
		local f
		for f in "$VM_TMP"/*.console "$VM_TMP"/*.qemu.log; do
			[ -f "$f" ] || continue
			echo "--- $(basename "$f") (last 40 lines) ---"
			tail -n 40 "$f"
		done
		echo "FAIL: $1 ($VM_FAILS check(s) failed)"
		exit 1
	fi
	echo "ok: $1"
}
