#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# What the PMD changes in the kernel is put back, on close and on a crash.
# Discovered pair (syn0 netvsc with the AF_XDP exception path, or the TAP
# one with E2E_EXCEPTION=tap; vf0 via AF_PACKET).
#   crash:       testpmd SIGKILLed: its guardian process (the only one, the
#                standby's) removes the XDP program, or the tc redirect and
#                the ingress qdisc, and logs it for testpmd's pid and syn0's
#                ifindex; syn0's own kernel stack answers a ping from the
#                host again (time printed, not judged).
#   admin_down:  syn0 and vf0 start admin-down: the PMD brings them up,
#                traffic flows on the VF and through the TAP; after
#                "port close" they are down again and no guardian is left.
#   crash_admin: as admin_down, but SIGKILL: the guardian sets them down.
#   keep:        kernel_traffic=keep: syn0's kernel stack answers a ping
#                through the AF_XDP path's XDP program while the port
#                takes the test traffic off syn0 (the VF away).
# Usage: test_guard.sh PATH/librte_net_failover.so {crash|admin_down|crash_admin|keep}
set -euo pipefail
. "$(dirname "$0")/e2e_lib.sh"

scenario=${2:-}
case "$scenario" in
crash | admin_down | crash_admin | keep) ;;
*) echo "usage: $0 PATH/librte_net_failover.so {crash|admin_down|crash_admin|keep}"
	exit 2 ;;
esac

e2e_init "${1:-}"
command -v ping >/dev/null || e2e_skip "ping (iputils-ping) not installed"
command -v pgrep >/dev/null || e2e_skip "pgrep (procps) not installed"
command -v tc >/dev/null || e2e_skip "tc (iproute2) not installed"
TREE=$E2E_TMP/sys
VDEV="net_failover0,sysfs=$TREE,iface=syn0${E2E_VDEV_EXTRA:-}"
E2E_EAL_EXTRA="--log-level=pmd.net.failover:info"
GUEST_IP=10.250.0.1
HOST_IP=10.250.0.2

# The normal end: passes unless a check failed.
finish() {
	e2e_stop_testpmd quiet
	echo "--- PMD log (net_failover lines) ---"
	grep -E 'net_failover' "$E2E_TMP"/testpmd*.log | grep -vE 'replay|journal' |
		head -n 40 || true
	e2e_result "$scenario: $1"
	exit 0
}

# An end before the checks are done: always a failure.
die() {
	e2e_fail "$1"
	finish "$1"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Guardian processes (comm "fo-guard") that testpmd forked, zombies included.
guardians() {
	pgrep -P "$1" -x fo-guard 2>/dev/null || true
}

# What the open fds of process $1 point at, one a line.
fd_targets() {
	local f
	for f in "/proc/$1/fd/"*; do
		readlink "$f" || true
	done
}

ping_syn0() {
	ip netns exec "$TOPO_HOST" ping -c 1 -W 0.2 -q "$GUEST_IP" >/dev/null 2>&1
}

admin_up() {
	ip -n "$TOPO_GUEST" -o link show "$1" | grep -qE '<([^>]*,)?UP[,>]'
}

# Interactive testpmd (commands through the fifo on fd 7), ports started.
start_interactive() {
	rm -f "$E2E_TMP/stdin"
	mkfifo "$E2E_TMP/stdin"
	# shellcheck disable=SC2086
	ip netns exec "$TOPO_GUEST" timeout -k 5 80 stdbuf -oL -eL dpdk-testpmd -l 0,1 \
		--no-huge -m 512 --no-pci --file-prefix "$E2E_PREFIX" \
		-d "$E2E_SO" --vdev "$VDEV" --log-level=lib.eal:warning $E2E_EAL_EXTRA -- \
		-i --forward-mode=macswap --port-topology=loop --nb-cores=1 \
		--total-num-mbufs=8192 <"$E2E_TMP/stdin" >"$E2E_TMP/testpmd.log" 2>&1 &
	# shellcheck disable=SC2034 # e2e_lib.sh's
	E2E_TPMD_PID=$!
	exec 7>"$E2E_TMP/stdin"
	e2e_wait_log 0 'testpmd> ' 30 >/dev/null || die "testpmd did not reach its prompt"
	cmd start
	e2e_wait_log 0 'net_failover0: active path none -> primary' 5 >/dev/null ||
		e2e_fail "no 'active path none -> primary' in the log"
}

cmd() {
	echo "$1" >&7
}

# The guardian's report in the log of the killed testpmd.
# The killed testpmd's log, once it has $2 (default 1) lines matching ERE
# $1 or after 5 s: a guardian logs after it has acted, so its lines may
# come after the state the test waits for.
keep_killed_log() {
	local _
	for _ in $(seq 100); do
		[ "$(grep -cE "$1" "$E2E_TMP/testpmd.log")" -ge "${2:-1}" ] && break
		sleep 0.05
	done
	cp "$E2E_TMP/testpmd.log" "$E2E_TMP/testpmd-killed.log"
}

check_guardian_line() {
	local what=$1 pid=${2:-[0-9]+}
	if grep -qE "net_failover guardian: process $pid is gone: $what put back" \
		"$E2E_TMP/testpmd-killed.log"; then
		echo "log: $(grep -E "net_failover guardian: .*$what" "$E2E_TMP/testpmd-killed.log" | head -n 1)"
	else
		grep -E 'net_failover guardian' "$E2E_TMP/testpmd-killed.log" || true
		e2e_fail "no 'net_failover guardian: process $pid is gone: $what put back' line in the killed testpmd's log"
	fi
}

# The guardian g must go (not stay a zombie of ours: its parent is dead,
# whoever inherits it reaps it).
check_guardian_gone() {
	local g=$1
	for _ in $(seq 100); do
		[ -d "/proc/$g" ] || break
		[ "$(awk '{print $3}' "/proc/$g/stat" 2>/dev/null)" = Z ] && break
		sleep 0.05
	done
	if [ -d "/proc/$g" ] && [ "$(awk '{print $3}' "/proc/$g/stat" 2>/dev/null)" != Z ]; then
		e2e_fail "guardian $g still runs 5 s after testpmd died"
	else
		echo "guardian $g has ended"
	fi
}

case "$scenario" in
crash)
	ip -n "$TOPO_GUEST" addr add "$GUEST_IP/24" dev syn0
	ip -n "$TOPO_HOST" addr add "$HOST_IP/24" dev hsyn0
	ping_syn0 || die "precondition: syn0 does not answer a ping before testpmd runs"
	topo_sysfs "$TREE"
	e2e_start_testpmd "$VDEV" || die "testpmd did not start"
	e2e_check_syn 1
	pid=$(e2e_testpmd_pid)
	mapfile -t g < <(guardians "$pid")
	echo "guardian(s) of testpmd $pid: ${g[*]:-none}"
	[ ${#g[@]} -eq 1 ] || die "expected 1 guardian process (the standby's exception path), found ${#g[@]}"
	syn_if=$(ip -n "$TOPO_GUEST" -o link show syn0 | cut -d: -f1)
	if [ "$(e2e_syn_path)" = tap ]; then
		tap_if=$(ip -n "$TOPO_GUEST" -o link show ft_failover0 | cut -d: -f1)
		echo "syn0 ifindex $syn_if, ft_failover0 ifindex $tap_if"
	else
		echo "syn0 ifindex $syn_if: $(ip -n "$TOPO_GUEST" link show dev syn0 | grep -o 'prog/xdp id [0-9]*.*' || echo 'no XDP program')"
	fi
	fds=$(fd_targets "${g[0]}" | sort | paste -sd ' ' -)
	echo "guardian ${g[0]}: fds $fds; process group $(ps -o pgid= -p "${g[0]}" | tr -d ' ') (testpmd's: $(ps -o pgid= -p "$pid" | tr -d ' '))"
	# stderr (testpmd's log), its socket, the pidfd on testpmd: nothing else
	# (a TAP fd held would keep the TAP alive after testpmd).
	other=$(fd_targets "${g[0]}" |
		grep -vE '^(socket:|anon_inode:\[pidfd\]$|'"$E2E_TMP"'/testpmd.log$)' || true)
	[ -z "$other" ] || e2e_fail "guardian holds fds it does not need: $other"
	[ "$(ps -o pgid= -p "${g[0]}")" != "$(ps -o pgid= -p "$pid")" ] ||
		e2e_fail "guardian is in testpmd's process group (a Ctrl-C would kill it too)"
	if ping_syn0; then
		e2e_fail "syn0's kernel stack answered while its traffic went to the port: the check below would prove nothing"
	fi
	t0=$(now_ms)
	e2e_kill9_testpmd || die "no testpmd to kill"
	t_dead=$(($(now_ms) - t0))
	t_tc=
	for _ in $(seq 500); do
		if [ "$(e2e_tc_redirects syn0)" -eq 0 ] && [ "$(e2e_xdp_progs syn0)" -eq 0 ]; then
			t_tc=$(($(now_ms) - t0))
			break
		fi
		sleep 0.01
	done
	t_ping=
	for _ in $(seq 40); do
		if ping_syn0; then t_ping=$(($(now_ms) - t0)); break; fi
	done
	echo "after SIGKILL: testpmd reaped after $t_dead ms, $(e2e_syn_path) path on syn0 gone after ${t_tc:-never (5 s)} ms, syn0 answered a ping after ${t_ping:-never (8 s)} ms"
	[ -n "$t_tc" ] || e2e_fail "the $(e2e_syn_path) path on syn0 was still there 5 s after SIGKILL"
	[ -n "$t_ping" ] || e2e_fail "syn0 did not answer a ping from the host within 8 s of SIGKILL"
	keep_killed_log 'net_failover guardian: process [0-9]+ is gone: (the XDP program|tc redirect)'
	e2e_check_syn 0
	q=$(ip netns exec "$TOPO_GUEST" tc qdisc show dev syn0 ingress)
	[ -z "$q" ] || e2e_fail "ingress qdisc left on syn0: $q"
	# The guardian of this testpmd undid this syn0's path: not the kernel
	# (the restart scenario shows both stay when the guardian dies too).
	if [ "$(e2e_syn_path)" = tap ]; then
		check_guardian_line "tc redirect between ifindex $syn_if and $tap_if" "$pid"
	elif grep -qE "net_failover guardian: process $pid is gone: the XDP program on ifindex $syn_if removed" \
		"$E2E_TMP/testpmd-killed.log"; then
		echo "log: $(grep -E 'net_failover guardian: .*XDP' "$E2E_TMP/testpmd-killed.log" | head -n 1)"
	else
		grep -E 'net_failover guardian' "$E2E_TMP/testpmd-killed.log" || true
		e2e_fail "no 'net_failover guardian: process $pid is gone: the XDP program on ifindex $syn_if removed' line in the killed testpmd's log"
	fi
	check_guardian_gone "${g[0]}"
	finish "SIGKILL: the guardian removed the $(e2e_syn_path) path, syn0 answers again"
	;;
keep)
	ip -n "$TOPO_GUEST" addr add "$GUEST_IP/24" dev syn0
	ip -n "$TOPO_HOST" addr add "$HOST_IP/24" dev hsyn0
	topo_sysfs "$TREE"
	VDEV="$VDEV,kernel_traffic=keep"
	e2e_start_testpmd "$VDEV" || die "testpmd did not start"
	if grep -q "this build has none" "$E2E_TMP/testpmd.log"; then
		e2e_skip "this build has no XDP program for kernel_traffic=keep (clang or libbpf-dev missing)"
	fi
	e2e_check_syn 1
	e2e_check_exception_telemetry "auto af_xdp keep"
	prog=$(ip -n "$TOPO_GUEST" link show dev syn0 | grep -o 'prog/xdp id [0-9]* name [a-z_]*' || true)
	echo "syn0: $prog"
	case $prog in *fo_xdp_keep*) ;; *) e2e_fail "syn0 does not run the keep program fo_xdp_keep ($prog)" ;; esac
	ping_syn0 || e2e_fail "syn0's kernel stack did not answer a ping with kernel_traffic=keep"
	e2e_phase loss --ifaces hvf0,hsyn0 --rate 10000 --duration 1.5 \
		--switch-at 0.5 --switch-cmd "ip link set hvf0 down && $(e2e_wait_path_cmd standby)" \
		--after-cmd 5000 || die "pktgen failed"
	e2e_pktgen_report loss
	e2e_check_switch_cmd 0
	e2e_check_window "via the AF_XDP path once telemetry showed standby" "$(e2e_seq_switch_done 0)" end hsyn0 990
	ping_syn0 || e2e_fail "syn0's kernel stack did not answer a ping while the port carried traffic on syn0"
	e2e_stop_testpmd
	e2e_check_syn 0
	finish "kernel_traffic=keep: the kernel answers on syn0, the port takes the rest"
	;;
admin_down | crash_admin)
	ip -n "$TOPO_GUEST" link set syn0 down
	ip -n "$TOPO_GUEST" link set vf0 down
	topo_sysfs "$TREE"
	start_interactive
	for dev in syn0 vf0; do
		admin_up "$dev" || e2e_fail "$dev is still admin-down with the port started"
		grep -qE "kernel netdev $dev was admin-down; brought it up" "$E2E_TMP/testpmd.log" ||
			e2e_fail "no 'kernel netdev $dev was admin-down; brought it up' log line"
	done
	pid=$(e2e_testpmd_pid)
	mapfile -t g < <(guardians "$pid")
	echo "guardian(s) of testpmd $pid: ${g[*]:-none}"
	[ ${#g[@]} -eq 2 ] || e2e_fail "expected 2 guardians (one per sub-device), found ${#g[@]}"
	# Carrier on the host side follows the guest side coming up.
	for _ in $(seq 50); do
		[ "$(ip netns exec "$TOPO_HOST" cat /sys/class/net/hvf0/operstate \
			/sys/class/net/hsyn0/operstate | sort -u)" = up ] && break
		sleep 0.05
	done
	if [ "$scenario" = crash_admin ]; then
		e2e_kill9_testpmd || die "no testpmd to kill"
		for _ in $(seq 100); do
			admin_up syn0 || admin_up vf0 || break
			sleep 0.05
		done
		keep_killed_log 'is gone: admin state of ifindex [0-9]+ put back' 2
		for dev in syn0 vf0; do
			if admin_up "$dev"; then
				e2e_fail "$dev still admin-up 5 s after SIGKILL"
			else
				echo "$dev: admin-down again after SIGKILL"
			fi
		done
		check_guardian_line 'admin state of ifindex [0-9]+'
		for x in "${g[@]}"; do check_guardian_gone "$x"; done
		e2e_check_syn 0
		finish "SIGKILL: the guardians set syn0 and vf0 admin-down again"
	fi
	e2e_phase steady --ifaces hvf0,hsyn0 --rate 10000 --duration 1 || die "pktgen failed"
	e2e_pktgen_report steady
	e2e_check_window steady 0 end hvf0 990
	mark=$(e2e_log_mark)
	e2e_phase loss --ifaces hvf0,hsyn0 --rate 10000 --duration 1.5 \
		--switch-at 0.5 --switch-cmd "ip link set hvf0 down && $(e2e_wait_path_cmd standby)" \
		--after-cmd 5000 || die "pktgen failed"
	e2e_pktgen_report loss
	e2e_check_switch_cmd 0
	e2e_check_window "via the $(e2e_syn_path) path once telemetry showed standby" "$(e2e_seq_switch_done 0)" end hsyn0 990
	mark=$(e2e_log_mark)
	cmd stop
	cmd "port stop all"
	cmd "port close all"
	e2e_wait_log "$mark" 'net_failover0: closed' 10 >/dev/null || e2e_fail "no 'net_failover0: closed' after port close"
	for dev in syn0 vf0; do
		if admin_up "$dev"; then
			e2e_fail "$dev still admin-up after the port was closed (it was down before)"
		else
			echo "$dev: admin-down again after port close"
		fi
	done
	# Reaped by the PMD while testpmd still runs: no zombie left.
	left=$(guardians "$pid")
	[ -z "$left" ] || e2e_fail "guardian(s) left after port close: $(ps -o pid=,stat= -p "$(echo "$left" | paste -sd, -)")"
	e2e_check_syn 0
	cmd quit
	e2e_stop_testpmd
	finish "netdevs brought up for the port, put back down on close"
	;;
esac
