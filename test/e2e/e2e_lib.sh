#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Shared steps of the e2e tests: preconditions, testpmd in the guest
# namespace, pktgen in the host namespace, checks with clear FAIL lines.
# Sourced after topology.sh; the caller sets -euo pipefail.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Each veth and its peer with their own ifindex unless the test says
# otherwise: with equal ones the kernel reports carrier changes up to 1 s
# late, as it does for every physical NIC (e2e_*_equal_ifindex cover that).
: "${TOPO_IFINDEX:=distinct}"
. "$E2E_DIR/topology.sh"

E2E_TMP=
E2E_TPMD_PID=
E2E_PREFIX=
E2E_FAILS=0
E2E_MATCH_LINE=0

e2e_skip() { echo "skipped: $*"; exit 77; }
e2e_fail() { echo "FAIL: $*"; E2E_FAILS=$((E2E_FAILS + 1)); }

# Checks the preconditions (exit 77 otherwise), makes the topology and
# registers the cleanup. $1 = the PMD .so.
e2e_init() {
	local so=${1:-}
	[ -n "$so" ] || { echo "usage: $0 PATH/librte_net_failover.so"; exit 2; }
	[ -f "$so" ] || { echo "FAIL: $so not found"; exit 1; }
	[ "$(id -u)" -eq 0 ] || e2e_skip "needs root (network namespaces, AF_PACKET)"
	command -v dpdk-testpmd >/dev/null || e2e_skip "dpdk-testpmd not installed"
	command -v ip >/dev/null || e2e_skip "iproute2 (ip) not installed"
	command -v python3 >/dev/null || e2e_skip "python3 not installed"
	E2E_SO=$(realpath "$so")
	E2E_TMP=$(mktemp -d /tmp/fo-e2e.XXXXXX)
	E2E_PREFIX=e2e-$$
	# testpmd's telemetry socket (test/ovs points it at ovs-vswitchd's).
	E2E_TELEMETRY=/var/run/dpdk/$E2E_PREFIX/dpdk_telemetry.v2
	trap e2e_cleanup EXIT
	# A signal must go through the EXIT trap too, or the namespaces stay.
	trap 'exit 130' INT TERM HUP
	# Writing Enter to an already dead testpmd must not kill this shell
	# (meson runs tests with SIGPIPE at its default action).
	trap '' PIPE
	e2e_reap_stale
	# Short prefix: namespace names plus suffix stay well under limits.
	local rc=0
	topo_up "fe$$" 2>"$E2E_TMP/topo.err" || rc=$?
	if [ $rc -ne 0 ]; then
		cat "$E2E_TMP/topo.err"
		# Skipped only when the machine refuses a network namespace (an
		# outside input: no permission, or no namespaces in this kernel);
		# whatever fails after that is the suite's own topology: a failure.
		if [ $rc -eq 2 ] && grep -qE 'Operation not permitted|Permission denied|Invalid argument|not supported' \
			"$E2E_TMP/topo.err"; then
			e2e_skip "this machine refuses a network namespace: $(head -n 1 "$E2E_TMP/topo.err")"
		fi
		echo "FAIL: the test topology could not be made (topo_up exited with status $rc)"
		exit 1
	fi
	echo "topology: guest $TOPO_GUEST host $TOPO_HOST MAC $TOPO_MAC, ifindexes $TOPO_IFINDEX"
}

# Namespaces of an earlier run that was SIGKILLed (e.g. a meson timeout):
# fe<pid>g/h whose pid is gone and with nothing left inside.
e2e_reap_stale() {
	local ns pid
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' |
			grep -E '^fe[0-9]+[gh]$' || true); do
		pid=${ns#fe}
		pid=${pid%?}
		kill -0 "$pid" 2>/dev/null && continue
		[ -z "$(ip netns pids "$ns" 2>/dev/null)" ] || continue
		echo "removing stale namespace $ns"
		ip netns del "$ns" 2>/dev/null || true
	done
}

e2e_cleanup() {
	local rc=$?
	e2e_stop_testpmd quiet || true
	topo_down
	# testpmd's runtime dir (ours: the file prefix has our pid).
	[ -n "$E2E_PREFIX" ] && rm -rf "/var/run/dpdk/$E2E_PREFIX"
	[ -n "$E2E_TMP" ] && rm -rf "$E2E_TMP"
	exit $rc
}

# Starts testpmd (macswap) in the guest namespace with the given --vdev
# argument; stdin is a fifo held open by fd 7 until e2e_stop_testpmd.
e2e_start_testpmd() {
	local vdev=$1
	# A fifo of an earlier (killed) testpmd of this test may still be there.
	rm -f "$E2E_TMP/stdin"
	mkfifo "$E2E_TMP/stdin"
	# E2E_EAL_EXTRA: more EAL arguments (word-split), e.g. a log level;
	# E2E_TPMD_EXTRA: more testpmd arguments, e.g. queue counts.
	# shellcheck disable=SC2086
	ip netns exec "$TOPO_GUEST" timeout -k 5 110 stdbuf -oL -eL dpdk-testpmd -l 0,1 \
		--no-huge -m 512 --no-pci --file-prefix "$E2E_PREFIX" \
		-d "$E2E_SO" --vdev "$vdev" --log-level=lib.eal:warning ${E2E_EAL_EXTRA:-} -- \
		--forward-mode=macswap --port-topology=loop --nb-cores=1 \
		--total-num-mbufs=8192 ${E2E_TPMD_EXTRA:-} \
		<"$E2E_TMP/stdin" >"$E2E_TMP/testpmd.log" 2>&1 &
	E2E_TPMD_PID=$!
	exec 7>"$E2E_TMP/stdin"
	# Ready once forwarding started, i.e. it waits for the Enter key (stdbuf:
	# testpmd writes to a file, block-buffered otherwise).
	for _ in $(seq 300); do
		grep -q "Press enter to exit" "$E2E_TMP/testpmd.log" && return 0
		kill -0 "$E2E_TPMD_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$E2E_TMP/testpmd.log"
	e2e_fail "testpmd did not start forwarding (vdev $vdev)"
	return 1
}

# Enter on stdin: testpmd stops, prints its statistics and exits.
e2e_stop_testpmd() {
	local quiet=${1:-} rc=0
	[ -n "$E2E_TPMD_PID" ] || return 0
	{ echo >&7; } 2>/dev/null || true
	exec 7>&- 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$E2E_TPMD_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$E2E_TPMD_PID" 2>/dev/null; then
		[ -n "$quiet" ] || e2e_fail "testpmd did not exit 10 s after Enter"
		kill "$E2E_TPMD_PID" 2>/dev/null || true
	fi
	wait "$E2E_TPMD_PID" 2>/dev/null || rc=$?
	E2E_TPMD_PID=
	if [ -z "$quiet" ] && [ "$rc" -ne 0 ]; then
		e2e_fail "testpmd exited with status $rc"
	fi
	return 0
}

# Runs pktgen in the host namespace; extra args passed on. Summary JSON in
# $E2E_TMP/pktgen.json.
e2e_pktgen() {
	ip netns exec "$TOPO_HOST" timeout -k 5 60 python3 "$E2E_DIR/pktgen.py" \
		--dst "$TOPO_MAC" --out "$E2E_TMP/pktgen.json" "$@"
}

# Prints one field of the pktgen summary (python expression on d).
e2e_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$E2E_TMP/pktgen.json" "$1"
}

# Steady state on the VF: >= 99% of the frames echoed on hvf0, none on
# hsyn0.
e2e_check_steady() {
	local sent vf syn lost dup lat
	sent=$(e2e_get 'd["sent"]')
	vf=$(e2e_get 'd["echoes_per_iface"]["hvf0"]')
	syn=$(e2e_get 'd["echo_frames_per_iface"]["hsyn0"]')
	lost=$(e2e_get 'd["lost"]')
	dup=$(e2e_get 'd["duplicates"]')
	lat=$(e2e_get '"p50 %s us, p99 %s us, max %s us" % tuple(d["latency_us"][k] for k in ("p50","p99","max"))')
	echo "pktgen: sent $sent, echoed on hvf0 $vf, on hsyn0 $syn, lost $lost, duplicates $dup; latency $lat"
	[ "$sent" -gt 0 ] || e2e_fail "pktgen sent nothing"
	if [ $((vf * 100)) -lt $((sent * 99)) ]; then
		e2e_fail "only $vf of $sent frames echoed on hvf0 ($((vf * 1000 / (sent > 0 ? sent : 1)))‰, need >= 990‰)"
	fi
	[ "$syn" -eq 0 ] || e2e_fail "$syn echoes came back on hsyn0 in steady state (expected 0)"
}

# The PMD's own log lines and port 0 totals from testpmd, for the log.
e2e_testpmd_stats() {
	grep -E '^(net_failover|FAILOVER)' "$E2E_TMP/testpmd.log" | head -n 20 || true
	awk '/Accumulated forward statistics/{f=1}
		f && /RX-packets:/{print "testpmd: RX-packets " $2 ", RX-dropped " $4; }
		f && /TX-packets:/{print "testpmd: TX-packets " $2 ", TX-dropped " $4; exit}' \
		"$E2E_TMP/testpmd.log"
}

e2e_result() {
	if [ "$E2E_FAILS" -ne 0 ]; then
		echo "--- testpmd log ---"
		tail -n 60 "$E2E_TMP/testpmd.log" 2>/dev/null || true
		echo "FAIL: $1 ($E2E_FAILS check(s) failed)"
		exit 1
	fi
	echo "ok: $1"
}

# --- Scenario helpers (test_scenarios.sh) ---------------------------------

# pid of dpdk-testpmd itself (E2E_TPMD_PID is the timeout(1) around it).
e2e_testpmd_pid() {
	[ -n "$E2E_TPMD_PID" ] || return 1
	pgrep -P "$E2E_TPMD_PID" -x dpdk-testpmd | head -n 1
}

# Open file descriptors of testpmd.
e2e_testpmd_fds() {
	local pid
	pid=$(e2e_testpmd_pid) || return 1
	[ -n "$pid" ] || return 1
	ls "/proc/$pid/fd" | wc -l
}

# SIGKILL testpmd (no cleanup of its own runs) and reap the wrapper.
e2e_kill9_testpmd() {
	local pid
	pid=$(e2e_testpmd_pid) || true
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	wait "$E2E_TPMD_PID" 2>/dev/null || true
	E2E_TPMD_PID=
	exec 7>&- 2>/dev/null || true
	[ -n "$pid" ]
}

# Number of lines of the testpmd log so far: a mark for the waits below.
e2e_log_mark() {
	wc -l <"$E2E_TMP/testpmd.log" 2>/dev/null || echo 0
}

# Lines of the testpmd log after MARK.
e2e_log_since() {
	tail -n +"$(($1 + 1))" "$E2E_TMP/testpmd.log" 2>/dev/null || true
}

# Waits up to SECONDS for a line matching the extended REGEX after MARK;
# prints how long it took in ms. e2e_wait_log MARK REGEX SECONDS
e2e_wait_log() {
	local mark=$1 re=$2 secs=$3 t0 now
	t0=$(date +%s%N)
	while :; do
		if e2e_log_since "$mark" | grep -qE "$re"; then
			now=$(date +%s%N)
			echo $(((now - t0) / 1000000))
			return 0
		fi
		now=$(date +%s%N)
		[ $(((now - t0) / 1000000)) -lt $((secs * 1000)) ] || return 1
		kill -0 "$E2E_TPMD_PID" 2>/dev/null || return 1
		sleep 0.02
	done
}

# The PMD's "active path" lines after MARK, one per line as "FROM -> TO".
e2e_path_changes() {
	e2e_log_since "$1" | sed -n 's/.*net_failover0: active path \([a-z]* -> [a-z]*\).*/\1/p'
}

# Current active path per the log (last "active path" line).
e2e_active_path() {
	e2e_path_changes 0 | tail -n 1 | awk '{print $3}'
}

# Asserts that the log, after MARK, has "active path FROM -> TO" within
# SECONDS; "any" for FROM matches any path. Sets E2E_MATCH_LINE.
e2e_expect_switch() {
	local mark=$1 from=$2 to=$3 secs=${4:-3} re ms
	[ "$from" = any ] && from='[a-z]+'
	re="net_failover0: active path $from -> $to "
	if ms=$(e2e_wait_log "$mark" "$re" "$secs"); then
		echo "log: active path $2 -> $3 seen (after ${ms} ms of waiting)"
		# Line number of that line: a mark for what must come after it.
		E2E_MATCH_LINE=$((mark + $(e2e_log_since "$mark" | grep -nE "$re" |
			head -n 1 | cut -d: -f1)))
		return 0
	fi
	e2e_fail "no 'active path $2 -> $3' in the testpmd log within $secs s; path changes since: $(e2e_path_changes "$mark" | paste -sd, -)"
	return 1
}

# Runs pktgen (args as e2e_pktgen, always with --raw) and keeps a copy of
# the summary as $E2E_TMP/pktgen-NAME.json. e2e_phase NAME ARGS...
# Echoes may come up to 2 s after the last frame (--grace, a liveness
# deadline: a loaded machine delays them; the run ends once all are in).
e2e_phase() {
	local name=$1 rc=0
	shift
	rm -f "$E2E_TMP/pktgen.json"
	e2e_pktgen --raw --grace 2 "$@" || rc=$?
	if [ $rc -ne 0 ] || [ ! -s "$E2E_TMP/pktgen.json" ]; then
		e2e_fail "$name: pktgen exited with status $rc"
		return 1
	fi
	cp "$E2E_TMP/pktgen.json" "$E2E_TMP/pktgen-$name.json"
}

# Frames with seq in [FROM, TO) of the last pktgen run: prints
# "SENT ECHOED_IFACE0 ECHOED_IFACE1 LOST" (first echo of each frame counts;
# TO may be "end"). Needs a --raw run.
e2e_window() {
	python3 - "$E2E_TMP/pktgen.json" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
lo = max(0, int(sys.argv[2]))
hi = d["sent"] if sys.argv[3] == "end" else min(int(sys.argv[3]), d["sent"])
first = {}
for seq, _, iface in d["echoes"]:
    if lo <= seq < hi and seq not in first:
        first[seq] = iface
n = max(0, hi - lo)
e = [sum(1 for v in first.values() if v == i) for i in d["ifaces"]]
print(n, e[0], e[1], n - len(first))
PY
}

# The failover port's state from the telemetry socket of the process under
# test (test/e2e/telemetry.py: exception, active, wait-active, xstat).
e2e_telemetry() {
	python3 "$E2E_DIR/telemetry.py" "$E2E_TELEMETRY" "$@"
}

# A shell command, for pktgen's --switch-cmd, that returns once telemetry
# shows PATH as the active path, exit status 1 if it does not within 5 s (a
# liveness deadline). "ip link set hvf0 down && $(e2e_wait_path_cmd standby)"
# is an event whose command is done when the PMD has switched.
e2e_wait_path_cmd() {
	printf 'python3 %q %q wait-active %q 5' "$E2E_DIR/telemetry.py" "$E2E_TELEMETRY" "$1"
}

# A shell command, for pktgen's --switch-cmd (run in the host namespace),
# that returns once the host interface IFACE is operationally up, exit
# status 1 if it is not within 5 s (a liveness deadline): the generator's
# own side of an interface brought back up must be ready before the window
# judged after the switch starts.
e2e_host_up_cmd() {
	printf '{ i=0; until [ "$(cat /sys/class/net/%s/operstate)" = up ]; do i=$((i + 1)); [ $i -lt 500 ] || exit 1; sleep 0.01; done; }' "$1"
}

# Asserts that switch I's --switch-cmd of the last pktgen run returned 0
# (with e2e_wait_path_cmd: the PMD switched).
e2e_check_switch_cmd() {
	local rc ms
	rc=$(e2e_get "d['switches'][$1]['cmd_rc']")
	ms=$(e2e_get "d['switches'][$1]['cmd_done_ms']")
	echo "switch $1: command done after $ms ms, status $rc"
	[ "$rc" = 0 ] || e2e_fail "switch $1: its command exited with status $rc (the path did not change, see the telemetry line above)"
}

# seq of the first frame sent after switch I's --switch-cmd returned (the
# run's end if it never did): the first frame of the window judged after an
# event, with no allowance in time.
e2e_seq_switch_done() {
	e2e_get "d['switches'][$1]['cmd_done_seq'] if d['switches'][$1]['cmd_done_seq'] is not None else d['sent']"
}

# Asserts that at least PERMILLE ‰ of the frames with seq in [FROM, TO)
# were echoed on IFACE. e2e_check_window LABEL FROM TO IFACE PERMILLE
e2e_check_window() {
	local label=$1 from=$2 to=$3 iface=$4 pm=$5 n e0 e1 lost i0 i1 got
	read -r n e0 e1 lost < <(e2e_window "$from" "$to")
	i0=$(e2e_get 'd["ifaces"][0]')
	i1=$(e2e_get 'd["ifaces"][1]')
	echo "$label: frames seq [$from,$to): sent $n, echoed on $i0 $e0, on $i1 $e1, lost $lost"
	if [ "$iface" = "$i0" ]; then got=$e0; else got=$e1; fi
	if [ "$n" -eq 0 ]; then
		e2e_fail "$label: no frames sent in the window"
	elif [ $((got * 1000)) -lt $((n * pm)) ]; then
		e2e_fail "$label: only $got of $n frames echoed on $iface ($((got * 1000 / n))‰, need >= ${pm}‰; $lost lost, $((e0 + e1 - got)) on the other interface)"
	fi
}

# Asserts that no frame with seq in [FROM, TO) was echoed at all.
e2e_check_window_silent() {
	local label=$1 from=$2 to=$3 n e0 e1 lost
	read -r n e0 e1 lost < <(e2e_window "$from" "$to")
	echo "$label: frames seq [$from,$to): sent $n, echoed $((e0 + e1)) (expected 0), lost $lost"
	[ $((e0 + e1)) -eq 0 ] || e2e_fail "$label: $((e0 + e1)) of $n frames echoed while both paths were down (expected 0)"
}

# One line on switch I of the last pktgen run: when the first echo came
# on the new interface, and the first echo of a frame sent after it.
e2e_switch_report() {
	e2e_get '(lambda s: "switch %d at %.1f ms %s -> %s: first echo on %s after %s ms, first echo of a frame sent after the switch %s ms, last echo of an earlier frame %s ms, lost within +-%d ms: %d" % ('"$1"', s["t_ms"], s["from"], s["to"], s["to"], s["first_echo_ms"][s["to"]], s["first_echo_new_send_ms"], s["last_echo_old_send_ms"], s["window_ms"], s["lost_in_window"]))(d["switches"]['"$1"'])'
}

# Summary line of the last pktgen run.
e2e_pktgen_report() {
	e2e_get '"pktgen %s: sent %d (%s), echoed %d (%s), lost %d, duplicates %d, send errors %d" % ("'"$1"'", d["sent"], ", ".join("%s %d" % kv for kv in d["sent_per_iface"].items()), d["echoed"], ", ".join("%s %d" % kv for kv in d["echoes_per_iface"].items()), d["lost"], d["duplicates"], d["send_errors"])'
}

# Number of mirred redirect filters on DEV's ingress in the guest.
e2e_tc_redirects() {
	ip netns exec "$TOPO_GUEST" tc filter show dev "$1" ingress 2>/dev/null |
		grep -c 'mirred (Egress Redirect' || true
}

# Asserts exactly N redirect filters on DEV's ingress.
e2e_check_tc() {
	local dev=$1 want=$2 got
	got=$(e2e_tc_redirects "$dev")
	echo "tc: $got mirred redirect filter(s) on $dev ingress (expected $want)"
	if [ "$got" -ne "$want" ]; then
		ip netns exec "$TOPO_GUEST" tc filter show dev "$dev" ingress 2>&1 | head -n 30
		e2e_fail "$got mirred redirect filters on $dev ingress, expected $want"
	fi
}

# The synthetic NIC's exception path under test: E2E_EXCEPTION=tap runs the
# TAP + tc path (exception=tap); unset, the default (AF_XDP where it works).
E2E_VDEV_EXTRA=${E2E_EXCEPTION:+,exception=$E2E_EXCEPTION}
e2e_syn_path() {
	if [ "${E2E_EXCEPTION:-}" = tap ]; then echo tap; else echo af_xdp; fi
}

# XDP programs attached to DEV in the guest namespace.
e2e_xdp_progs() {
	ip -n "$TOPO_GUEST" link show dev "$1" 2>/dev/null | grep -c 'prog/xdp' || true
}

# N = 1: syn0 carries this run's exception path (tc redirects both ways to
# the TAP, or an XDP program and no redirect); N = 0: neither is left.
e2e_check_syn() {
	local want=$1 got
	if [ "$(e2e_syn_path)" = tap ]; then
		e2e_check_tc syn0 "$want"
		[ "$want" -eq 0 ] || e2e_check_tc ft_failover0 "$want"
	else
		e2e_check_tc syn0 0
		got=$(e2e_xdp_progs syn0)
		echo "xdp: $got XDP program(s) on syn0 (expected $want)"
		[ "$got" -eq "$want" ] || e2e_fail "$got XDP programs on syn0, expected $want"
		! ip -n "$TOPO_GUEST" link show ft_failover0 >/dev/null 2>&1 ||
			e2e_fail "a TAP ft_failover0 exists on the AF_XDP path"
	fi
}

# Telemetry of the running process: the "exception" dict of
# /failover/status,<port> as "mode path kernel_traffic" ("- - -" when absent
# or unreadable, the reason on stderr).
e2e_exception_telemetry() {
	e2e_telemetry exception || echo "- - -"
}

# Telemetry names the exception path this run uses.
e2e_check_exception_telemetry() {
	local want=$1 got
	got=$(e2e_exception_telemetry)
	echo "telemetry exception (mode path kernel_traffic): $got"
	[ "$got" = "$want" ] || e2e_fail "telemetry exception is '$got', expected '$want'"
}
