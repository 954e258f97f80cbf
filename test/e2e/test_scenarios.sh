#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# End-to-end failover scenarios, one per run, on the discovered pair of
# test_discovered.sh (syn0 = netvsc held by the kernel -> AF_XDP exception
# path, or with E2E_EXCEPTION=tap the TAP ft_failover0 + tc redirect; vf0 =
# its VF, af_packet). Each asserts the
# echoes, the interface of the host namespace they came back on, and the
# PMD's "active path" log lines, and the exception path telemetry names
# (/failover/status: exception mode, path, kernel_traffic). Usage:
#   test_scenarios.sh PATH/librte_net_failover.so SCENARIO
# SCENARIO: vf_loss vf_return vf_recreated late_vf flaps both_down restart
#           bridge_port
#
# "Host takes the VF away" = hvf0 goes down and pktgen moves to hsyn0 at the
# same instant (pktgen --switch-at/--switch-cmd); the switch command returns
# once telemetry shows the new active path (a 5 s liveness deadline), and
# pktgen sends at least AFTER frames after it (--after-cmd). Counts,
# not timings, are asserted: >= 99% echoed in steady phases and of the
# frames sent after the switch command returned, with no allowance in time;
# times are printed for the record only.
set -euo pipefail
. "$(dirname "$0")/e2e_lib.sh"

RATE=10000
STEADY_PM=990   # ‰ echoed on the expected interface, steady state
SWITCH_PM=990   # ‰ echoed on the new interface once telemetry shows the switch
AFTER=$((RATE / 2)) # frames sent after a switch command returned, at least

scenario=${2:-}
case "$scenario" in
vf_loss | vf_return | vf_recreated | late_vf | flaps | both_down | restart | bridge_port) ;;
*) echo "usage: $0 PATH/librte_net_failover.so {vf_loss|vf_return|vf_recreated|late_vf|flaps|both_down|restart|bridge_port}"
	exit 2 ;;
esac

e2e_init "${1:-}"
TREE=$E2E_TMP/sys
VDEV="net_failover0,sysfs=$TREE,iface=syn0${E2E_VDEV_EXTRA:-}"
E2E_EAL_EXTRA="--log-level=pmd.net.failover:info"
T0=$(date +%s%N)

finish() {
	e2e_stop_testpmd
	echo "--- PMD log (net_failover lines) ---"
	grep -E 'net_failover0:' "$E2E_TMP/testpmd.log" | grep -vE 'replay|journal' |
		head -n 60 || true
	e2e_testpmd_stats | grep '^testpmd:' || true
	echo "run time: $((($(date +%s%N) - T0) / 1000000)) ms"
	e2e_result "$scenario: $1"
}

start() {
	e2e_start_testpmd "$VDEV" || finish "testpmd did not start"
}

# Steady state on IFACE for SECONDS: >= 99% echoed there, none elsewhere.
steady() {
	local name=$1 ifaces=$2 iface=$3 secs=$4 other n e0 e1 lost
	e2e_phase "$name" --ifaces "$ifaces" --rate $RATE --duration "$secs" || return 0
	e2e_pktgen_report "$name"
	e2e_check_window "$name" 0 end "$iface" $STEADY_PM
	other=${ifaces#*,}
	[ "$other" != "$iface" ] || other=${ifaces%%,*}
	read -r n e0 e1 lost < <(e2e_window 0 end)
	if [ "$other" != lo ]; then
		local oe
		if [ "$other" = "${ifaces%%,*}" ]; then oe=$e0; else oe=$e1; fi
		[ "$oe" -eq 0 ] || e2e_fail "$name: $oe frames echoed on $other (expected 0 in steady state on $iface)"
	fi
}

# The VF comes back as a hot-plug does: a netdev with the pair's MAC under a
# temporary name, renamed vf0 a little later. Waits for the PMD to re-attach
# it and to flip back to it.
vf_hotplug() {
	local mark ms t
	mark=$(e2e_log_mark)
	topo_vf_add eth9 || { e2e_fail "could not create eth9/hvf0"; return 1; }
	sleep 0.3
	t=$(date +%s%N)
	topo_rename eth9 vf0 || { e2e_fail "could not rename eth9 to vf0"; return 1; }
	if ms=$(e2e_wait_log "$mark" 'primary .* attached as port' 5); then
		echo "log: primary re-attached $((($(date +%s%N) - t) / 1000000)) ms after the rename (seen after ${ms} ms since the hot-plug)"
	else
		e2e_fail "the PMD did not log 'primary ... attached' within 5 s of vf0 appearing"
	fi
	e2e_expect_switch "$mark" standby primary 5 || true
	echo "log since the hot-plug:"
	e2e_log_since "$mark" | grep 'net_failover0:' | grep -vE 'replay|journal' | head -n 20
}

tree_and_start() {
	topo_sysfs "$TREE"
	start
	e2e_expect_switch 0 none primary 3 || true
}

# The exception path this run asks for is the one telemetry names.
check_exception() {
	e2e_check_exception_telemetry "${E2E_EXCEPTION:-auto} $(e2e_syn_path) take"
}

# pktgen --switch-cmd: the VF's peer down (to hsyn0) or up (back to hvf0,
# once it is operationally up), done once telemetry shows the path that
# follows.
VF_CMD="if [ \"\$FO_TO\" = hsyn0 ]; then ip link set hvf0 down && $(e2e_wait_path_cmd standby); else ip link set hvf0 up && $(e2e_host_up_cmd hvf0) && $(e2e_wait_path_cmd primary); fi"

case "$scenario" in
vf_loss)
	# 2. Host takes the VF away: hvf0 down and pktgen to hsyn0 at T = 1 s.
	tree_and_start
	check_exception
	mark=$(e2e_log_mark)
	e2e_phase loss --ifaces hvf0,hsyn0 --rate $RATE --duration 2 \
		--switch-at 1 --switch-cmd "$VF_CMD" --after-cmd $AFTER || finish "pktgen failed"
	e2e_pktgen_report loss
	e2e_switch_report 0
	e2e_check_switch_cmd 0
	sw=$(e2e_get 'd["switches"][0]["seq"]')
	e2e_check_window "before the switch" 0 "$sw" hvf0 $STEADY_PM
	e2e_check_window "once telemetry showed standby" "$(e2e_seq_switch_done 0)" end hsyn0 $SWITCH_PM
	e2e_expect_switch "$mark" primary standby 2 || true
	[ "$(e2e_active_path)" = standby ] || e2e_fail "active path at the end is '$(e2e_active_path)', expected standby"
	finish "hvf0 down, traffic moves to hsyn0 through the $(e2e_syn_path) exception path"
	;;
vf_return)
	# 3. VF away at 1 s (as vf_loss), back at 2 s: hvf0 up, pktgen to hvf0.
	tree_and_start
	check_exception
	mark=$(e2e_log_mark)
	e2e_phase return --ifaces hvf0,hsyn0 --rate $RATE --duration 3 \
		--switch-at 1 --switch-at 2 --switch-cmd "$VF_CMD" --after-cmd $AFTER || finish "pktgen failed"
	e2e_pktgen_report return
	e2e_switch_report 0
	e2e_switch_report 1
	e2e_check_switch_cmd 0
	e2e_check_switch_cmd 1
	sw1=$(e2e_get 'd["switches"][1]["seq"]')
	e2e_check_window "setup: VF away, once telemetry showed standby" "$(e2e_seq_switch_done 0)" "$sw1" hsyn0 $SWITCH_PM
	e2e_check_window "VF back, once telemetry showed primary" "$(e2e_seq_switch_done 1)" end hvf0 $SWITCH_PM
	if e2e_expect_switch "$mark" primary standby 1; then
		e2e_expect_switch "$E2E_MATCH_LINE" standby primary 2 || true
	fi
	[ "$(e2e_active_path)" = primary ] || e2e_fail "active path at the end is '$(e2e_active_path)', expected primary"
	check_exception
	finish "hvf0 up again, traffic back on hvf0"
	;;
vf_recreated)
	# 4. vf0 deleted (hvf0 goes with it), then back as eth9 renamed vf0.
	tree_and_start
	check_exception
	steady before hvf0,hsyn0 hvf0 0.5
	mark=$(e2e_log_mark)
	topo_vf_del vf0
	e2e_expect_switch "$mark" primary standby 3 || true
	e2e_wait_log "$mark" 'primary netdev vf0 deleted' 1 >/dev/null ||
		e2e_fail "no 'primary netdev vf0 deleted' in the log"
	# hvf0 is gone: lo stands in as the generator's second interface.
	steady no-vf hsyn0,lo hsyn0 1
	vf_hotplug
	steady vf-back hvf0,hsyn0 hvf0 1
	[ "$(e2e_active_path)" = primary ] || e2e_fail "active path at the end is '$(e2e_active_path)', expected primary"
	check_exception
	finish "vf0 deleted, re-created as eth9 and renamed: re-attached, traffic back on the VF"
	;;
late_vf)
	# 5. Start with no VF (the tree still describes it), then it arrives.
	topo_sysfs "$TREE"
	topo_vf_del vf0
	start
	e2e_expect_switch 0 none standby 3 || true
	check_exception
	steady no-vf hsyn0,lo hsyn0 1
	vf_hotplug
	# pktgen moves from hsyn0 to hvf0 at 0.5 s; the VF is the active path
	# already (the command only confirms it).
	e2e_phase arrive --ifaces hsyn0,hvf0 --rate $RATE --duration 1.5 --switch-at 0.5 \
		--switch-cmd "$(e2e_wait_path_cmd primary)" --after-cmd $AFTER || finish "pktgen failed"
	e2e_pktgen_report arrive
	e2e_switch_report 0
	e2e_check_switch_cmd 0
	e2e_check_window "after the move to hvf0" "$(e2e_seq_switch_done 0)" end hvf0 $SWITCH_PM
	[ "$(e2e_active_path)" = primary ] || e2e_fail "active path at the end is '$(e2e_active_path)', expected primary"
	check_exception
	finish "started without the VF, traffic on hsyn0, then the VF arrived and took the traffic"
	;;
bridge_port)
	# 8. vf0 made a bridge's port and released ("ip link set vf0 nomaster"):
	# the kernel announces the bridge port's end with an RTM_DELLINK of
	# family AF_BRIDGE, which is not vf0's deletion. The VF stays attached.
	tree_and_start
	steady before hvf0,hsyn0 hvf0 0.5
	mark=$(e2e_log_mark)
	ip -n "$TOPO_GUEST" link add fobr0 type bridge || finish "could not make a bridge"
	ip -n "$TOPO_GUEST" link set vf0 master fobr0 || e2e_fail "could not make vf0 a port of fobr0"
	sleep 0.3
	ip -n "$TOPO_GUEST" link set vf0 nomaster || e2e_fail "could not release vf0 from fobr0"
	ip -n "$TOPO_GUEST" link del fobr0
	sleep 0.5
	if e2e_log_since "$mark" | grep -E 'net_failover0: primary .*(deleted|detaching|attached as)'; then
		e2e_fail "the VF was detached or opened again when it left a bridge (lines above)"
	else
		echo "log: no detach of the VF after it left the bridge"
	fi
	steady after hvf0,hsyn0 hvf0 1
	[ "$(e2e_active_path)" = primary ] || e2e_fail "active path at the end is '$(e2e_active_path)', expected primary"
	finish "vf0 a bridge port and released: the VF stays attached and carries the traffic"
	;;
flaps)
	# 6. 50 rapid hvf0 down/up while pktgen sends on hsyn0.
	tree_and_start
	steady before hvf0,hsyn0 hvf0 0.5
	fd0=$(e2e_testpmd_fds) || fd0="?"
	echo "testpmd fds before the flaps: $fd0"
	e2e_check_syn 1
	mark=$(e2e_log_mark)
	rm -f "$E2E_TMP/pktgen.json"
	e2e_pktgen --raw --ifaces hsyn0,hvf0 --rate $RATE --duration 2.5 &
	gen=$!
	sleep 0.3
	t=$(date +%s%N)
	for _ in $(seq 50); do
		ip -n "$TOPO_HOST" link set hvf0 down
		sleep 0.003
		ip -n "$TOPO_HOST" link set hvf0 up
		sleep 0.003
	done
	echo "50 flaps in $((($(date +%s%N) - t) / 1000000)) ms"
	wait "$gen" || e2e_fail "pktgen during the flaps exited with status $?"
	[ -s "$E2E_TMP/pktgen.json" ] && e2e_pktgen_report during-flaps
	echo "path changes during the flaps: $(e2e_path_changes "$mark" | wc -l) ($(e2e_path_changes "$mark" | sort | uniq -c | sed 's/^ *//' | paste -sd, -))"
	# Converged: the last word is primary (poll: the last flap may be late).
	for _ in $(seq 100); do
		[ "$(e2e_active_path)" = primary ] && break
		sleep 0.03
	done
	[ "$(e2e_active_path)" = primary ] || e2e_fail "active path after the flaps is '$(e2e_active_path)', expected primary"
	steady after hvf0,hsyn0 hvf0 1
	fd1=$(e2e_testpmd_fds) || fd1="??"
	echo "testpmd fds after the flaps: $fd1"
	[ "$fd0" = "$fd1" ] || e2e_fail "testpmd had $fd0 open fds before the flaps and $fd1 after (expected equal)"
	e2e_check_syn 1
	finish "50 flaps of hvf0: converged on the VF, no fd, tc filter or XDP program leaked"
	;;
both_down)
	# 7. hvf0 and hsyn0 down at 1 s (pktgen to hsyn0), both up at 2 s
	# (pktgen back to hvf0).
	tree_and_start
	check_exception
	mark=$(e2e_log_mark)
	e2e_phase both --ifaces hvf0,hsyn0 --rate $RATE --duration 3 \
		--switch-at 1 --switch-at 2 \
		--switch-cmd "if [ \"\$FO_TO\" = hsyn0 ]; then ip link set hvf0 down; ip link set hsyn0 down; else ip link set hsyn0 up; ip link set hvf0 up && $(e2e_host_up_cmd hvf0) && $(e2e_wait_path_cmd primary); fi" \
		--after-cmd $AFTER || finish "pktgen failed"
	e2e_pktgen_report both
	e2e_switch_report 1
	e2e_check_switch_cmd 0
	e2e_check_switch_cmd 1
	sw1=$(e2e_get 'd["switches"][1]["seq"]')
	e2e_check_window "before" 0 "$(e2e_get 'd["switches"][0]["seq"]')" hvf0 $STEADY_PM
	# Windows from when the commands returned: both links set down, and
	# both up again with telemetry showing primary.
	e2e_check_window_silent "both down" "$(e2e_seq_switch_done 0)" "$sw1"
	e2e_check_window "both back, once telemetry showed primary" "$(e2e_seq_switch_done 1)" end hvf0 $SWITCH_PM
	changes=$(e2e_path_changes "$mark" | paste -sd, -)
	echo "path changes: $changes"
	case ",$changes," in
	*",primary -> "*"-> primary,"*) ;;
	*) e2e_fail "expected the path to leave primary and come back to it; path changes: '$changes'" ;;
	esac
	[ "$(e2e_active_path)" = primary ] || e2e_fail "active path at the end is '$(e2e_active_path)', expected primary"
	check_exception
	finish "both paths down (no echoes), both back: echoes on hvf0"
	;;
restart)
	# 8. testpmd SIGKILLed with its guardian (its tc rules or XDP program
	# stay, as after a kill of the whole cgroup), restarted with the same
	# args. A SIGKILL of testpmd alone is test_guard.sh crash.
	tree_and_start
	e2e_check_syn 1
	steady before hvf0,hsyn0 hvf0 0.5
	guards=$(pgrep -P "$(e2e_testpmd_pid)" -x fo-guard || true)
	[ -n "$guards" ] || e2e_fail "testpmd has no guardian process (fo-guard) to kill"
	# shellcheck disable=SC2086
	[ -z "$guards" ] || kill -9 $guards
	e2e_kill9_testpmd || e2e_fail "no testpmd to kill"
	mv "$E2E_TMP/testpmd.log" "$E2E_TMP/testpmd-killed.log"
	if [ "$(e2e_syn_path)" = tap ]; then
		stale=$(e2e_tc_redirects syn0)
		echo "after SIGKILL: $stale stale redirect filter(s) on syn0; ft_failover0 $(ip -n "$TOPO_GUEST" link show ft_failover0 >/dev/null 2>&1 && echo still exists || echo gone)"
	else
		stale=$(e2e_xdp_progs syn0)
		echo "after SIGKILL: $stale stale XDP program(s) on syn0"
	fi
	[ "$stale" -ge 1 ] || e2e_fail "after SIGKILL nothing stale left on syn0 (expected the killed process's $(e2e_syn_path) path to stay; is the check still meaningful?)"
	start
	e2e_expect_switch 0 none primary 3 || true
	e2e_check_syn 1
	if [ "$(e2e_syn_path)" = af_xdp ]; then
		grep -qE "removed the XDP program .* left by a process that is gone|AF_XDP on syn0, XDP program" "$E2E_TMP/testpmd.log" ||
			e2e_fail "no line saying the stale XDP program was replaced"
		! grep -q "TAP exception path instead" "$E2E_TMP/testpmd.log" ||
			e2e_fail "the restarted port fell back to the TAP: $(grep 'TAP exception path instead' "$E2E_TMP/testpmd.log")"
	fi
	steady after-restart hvf0,hsyn0 hvf0 1
	# The exception path is live: the VF away, traffic through syn0's path.
	mark=$(e2e_log_mark)
	e2e_phase loss --ifaces hvf0,hsyn0 --rate $RATE --duration 1.5 \
		--switch-at 0.5 --switch-cmd "$VF_CMD" --after-cmd $AFTER || finish "pktgen failed"
	e2e_pktgen_report loss
	e2e_switch_report 0
	e2e_check_switch_cmd 0
	e2e_check_window "via hsyn0 once telemetry showed standby" "$(e2e_seq_switch_done 0)" end hsyn0 $SWITCH_PM
	e2e_expect_switch "$mark" primary standby 2 || true
	e2e_stop_testpmd
	e2e_check_syn 0
	finish "SIGKILL + restart ($(e2e_syn_path) path): stale state replaced, traffic on the VF and via hsyn0"
	;;
esac
