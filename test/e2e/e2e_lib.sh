#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Shared steps of the e2e tests: preconditions, testpmd in the guest
# namespace, pktgen in the host namespace, checks with clear FAIL lines.
# Sourced after topology.sh; the caller sets -euo pipefail.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$E2E_DIR/topology.sh"

E2E_TMP=
E2E_TPMD_PID=
E2E_PREFIX=
E2E_FAILS=0

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
	trap e2e_cleanup EXIT
	# A signal must go through the EXIT trap too, or the namespaces stay.
	trap 'exit 130' INT TERM HUP
	# Writing Enter to an already dead testpmd must not kill this shell
	# (meson runs tests with SIGPIPE at its default action).
	trap '' PIPE
	e2e_reap_stale
	# Short prefix: namespace names plus suffix stay well under limits.
	if ! topo_up "fe$$" 2>"$E2E_TMP/topo.err"; then
		cat "$E2E_TMP/topo.err"
		e2e_skip "cannot create network namespaces / veth pairs here"
	fi
	echo "topology: guest $TOPO_GUEST host $TOPO_HOST MAC $TOPO_MAC"
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
	mkfifo "$E2E_TMP/stdin"
	ip netns exec "$TOPO_GUEST" timeout -k 5 110 stdbuf -oL -eL dpdk-testpmd -l 0,1 \
		--no-huge -m 512 --no-pci --file-prefix "$E2E_PREFIX" \
		-d "$E2E_SO" --vdev "$vdev" --log-level=lib.eal:warning -- \
		--forward-mode=macswap --port-topology=loop --nb-cores=1 \
		--total-num-mbufs=8192 \
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
