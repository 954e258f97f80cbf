#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Open vSwitch with DPDK as a client of the failover port. In the guest
# namespace of test/e2e/topology.sh, a private ovsdb-server and Debian's
# ovs-vswitchd-dpdk run a netdev bridge with two ports:
#   fo0  type=dpdk, dpdk-devargs = net_failover0 (discovered or explicit)
#   out0 a veth whose host end (hout0) bounces every frame back (tc mirred)
# and flows fo0 <-> out0. pktgen in the host namespace sends to the guest MAC
# on hvf0 (or hsyn0); frames go fo0 -> out0 -> bounce -> out0 -> fo0 and
# come back on the active path. Checked: forwarding, VF away and back under
# traffic (the switch command returns once telemetry shows the new path;
# >= 99 % of the frames sent after it echoed), del-port then re-add, a
# vswitchd restart, no error line in the vswitchd log, the exception path
# telemetry names (and what it puts on syn0), statistics (OVS's rx_packets
# and the standby's rx_packets xstat grow by what the churn run echoed), and
# nothing left behind (tc rules, XDP program, TAP, guardian processes) after
# del-port and after vswitchd exits.
#
#   test_ovs.sh PATH/librte_net_failover.so discovered|explicit
set -euo pipefail
. "$(dirname "$0")/../e2e/e2e_lib.sh"

mode=${2:-}
case $mode in
discovered | explicit) ;;
*) echo "usage: $0 PATH/librte_net_failover.so discovered|explicit"; exit 2 ;;
esac
VSWITCHD=${FO_OVS_VSWITCHD:-/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk}
[ -x "$VSWITCHD" ] || e2e_skip "no $VSWITCHD (Debian package openvswitch-switch-dpdk)"
for c in ovsdb-server ovsdb-tool ovs-vsctl ovs-ofctl ovs-appctl tc; do
	command -v $c >/dev/null || e2e_skip "$c not installed (openvswitch-switch-dpdk)"
done
SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
[ -f "$SCHEMA" ] || e2e_skip "no $SCHEMA"

RATE=5000
PM=990          # ‰ echoed on the expected interface (steady, after a switch)
OVS_DIR=
DB_PID=
VS_PID=

ovs_stop_vswitchd() {
	[ -n "$VS_PID" ] || return 0
	ovs-appctl -t "$OVS_DIR/vswitchd.ctl" exit >/dev/null 2>&1 || true
	for _ in $(seq 100); do
		kill -0 "$VS_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$VS_PID" 2>/dev/null; then
		e2e_fail "ovs-vswitchd ($VS_PID) did not exit 10 s after 'exit'"
		kill -9 "$VS_PID" 2>/dev/null || true
	fi
	wait "$VS_PID" 2>/dev/null || true
	VS_PID=
}

ovs_cleanup() {
	local rc=$?
	ovs_stop_vswitchd || true
	if [ -n "$DB_PID" ]; then
		kill "$DB_PID" 2>/dev/null || true
		wait "$DB_PID" 2>/dev/null || true
	fi
	[ -n "$OVS_DIR" ] && rm -rf "/var/run/dpdk/ovs-$$"
	(exit $rc)
	e2e_cleanup
}

# Whether this kernel has the multiq qdisc that net_tap sets up for rte_flow.
multiq_available() {
	local rc=0
	ip -n "$TOPO_GUEST" link add fomq0 type veth peer name fomq1 || return 0
	ip netns exec "$TOPO_GUEST" tc qdisc add dev fomq0 root multiq 2>/dev/null || rc=1
	ip -n "$TOPO_GUEST" link del fomq0 || true
	return $rc
}

vsctl() { ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=20 "$@"; }

e2e_init "${1:-}"
trap ovs_cleanup EXIT
# The failover port's state from vswitchd's telemetry socket.
E2E_TELEMETRY=/var/run/dpdk/ovs-$$/dpdk_telemetry.v2
OVS_DIR=$E2E_TMP/ovs
mkdir -p "$OVS_DIR"
# e2e_result shows the tail of "testpmd.log" on failure: here, vswitchd's log.
ln -s "$OVS_DIR/ovs-vswitchd.log" "$E2E_TMP/testpmd.log"
export OVS_RUNDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR OVS_SYSCONFDIR=$OVS_DIR

# The second port: a veth whose host end sends every frame straight back.
ip -n "$TOPO_GUEST" link add out0 type veth peer name hout0 netns "$TOPO_HOST"
ip -n "$TOPO_GUEST" link set out0 up
ip -n "$TOPO_HOST" link set hout0 up
ip netns exec "$TOPO_HOST" tc qdisc add dev hout0 ingress
ip netns exec "$TOPO_HOST" tc filter add dev hout0 ingress protocol all \
	u32 match u32 0 0 action mirred egress redirect dev hout0

ovsdb-tool create "$OVS_DIR/conf.db" "$SCHEMA"
ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_DIR/db.sock" \
	--pidfile="$OVS_DIR/ovsdb-server.pid" --log-file="$OVS_DIR/ovsdb-server.log" \
	--unixctl="$OVS_DIR/ovsdb-server.ctl" -vconsole:off 2>/dev/null &
DB_PID=$!
for _ in $(seq 50); do [ -S "$OVS_DIR/db.sock" ] && break; sleep 0.1; done
[ -S "$OVS_DIR/db.sock" ] || { e2e_fail "ovsdb-server did not make its socket"; e2e_result "ovs"; }
vsctl --no-wait init

# pmd-maxsleep (3.1) / pmd-sleep-max (3.3 on): an idle PMD thread sleeps
# instead of spinning, which leaves the 2 cores to the checks in between.
# --legacy-mem: with --no-huge, OVS would add --in-memory, which EAL refuses
# together with --no-huge (see the guide, "Using with Open vSwitch").
# -m 2048 (FO_OVS_MEM): OVS's first mempool is 262144 mbufs, about 620 MB.
# In 1 GB it fits with the TAP path, but not with the AF_XDP sub-device
# present on 24.11 and 25.11 (ENOBUFS, "could not add network device");
# 2 GB is enough for both.
vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true \
	other_config:dpdk-lcore-mask=0x1 other_config:pmd-cpu-mask=0x2 \
	other_config:pmd-maxsleep=200 other_config:pmd-sleep-max=200 \
	other_config:dpdk-extra="--no-huge -m ${FO_OVS_MEM:-2048} --legacy-mem --no-pci --file-prefix ovs-$$ -d $E2E_SO --log-level=pmd.net.failover:info"

if [ "$mode" = discovered ]; then
	tree=$E2E_TMP/sys
	topo_sysfs "$tree"
	DEVARGS="net_failover0,sysfs=$tree,iface=syn0${E2E_VDEV_EXTRA:-}"
else
	# The sub-devices at their default queue counts (one pair each).
	DEVARGS="net_failover0,primary=(net_af_packet0,iface=vf0),standby=(net_af_packet1,iface=syn0)"
fi

ovs_start_vswitchd() {
	ip netns exec "$TOPO_GUEST" "$VSWITCHD" "unix:$OVS_DIR/db.sock" \
		--pidfile="$OVS_DIR/ovs-vswitchd.pid" --unixctl="$OVS_DIR/vswitchd.ctl" --log-file="$OVS_DIR/ovs-vswitchd.log" \
		-vconsole:off -vfile:info 2>/dev/null &
	VS_PID=$!
	for _ in $(seq 300); do
		[ -S "$OVS_DIR/vswitchd.ctl" ] && return 0
		kill -0 "$VS_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 30 "$OVS_DIR/ovs-vswitchd.log" 2>/dev/null || true
	e2e_fail "ovs-vswitchd did not start"
	e2e_result "ovs ($mode)"
}

# fo0 <-> out0. After a restart the bridge's OpenFlow socket comes a
# moment after the daemon's control socket.
add_flows() {
	for _ in $(seq 100); do
		ovs-ofctl add-flow br0 in_port=1,actions=output:2 2>/dev/null && break
		sleep 0.1
	done
	ovs-ofctl add-flow br0 in_port=2,actions=output:1
}

add_fo0() {
	vsctl add-port br0 fo0 -- set Interface fo0 type=dpdk \
		"options:dpdk-devargs=$DEVARGS" ofport_request=1
	add_flows
}

# Waits up to 20 s for fo0 to be up with no error; prints its state.
wait_fo0_up() {
	local label=$1 st err
	for _ in $(seq 200); do
		st=$(vsctl get Interface fo0 link_state 2>/dev/null || echo none)
		[ "$st" = up ] && break
		sleep 0.1
	done
	err=$(vsctl get Interface fo0 error 2>/dev/null || echo '?')
	echo "$label: fo0 link_state $st, error ${err:-[]}"
	[ "$st" = up ] || e2e_fail "$label: fo0 link_state is '$st', expected up (error: $err)"
	case $err in '' | '[]') ;; *) e2e_fail "$label: fo0 has error $err" ;; esac
}

# Steady traffic through the VF: >= 99 % echoed on hvf0. Warm-up runs first
# (reported), until one echoes >= 99 % on hvf0, 10 at most (a liveness
# deadline, not a time judged): OVS drops the first frames of a new flow
# while it sets up its datapath flows, and a port just added or restarted
# brings its sub-devices up meanwhile (slower on a loaded machine: a single
# warm-up run left 450 frames of the judged run lost, twice).
steady() {
	local label=$1 try sent vf
	for try in 1 2 3 4 5 6 7 8 9 10; do
		e2e_phase "$label-warm-up-$try" --ifaces hvf0,hsyn0 --rate $RATE --duration 0.5 ||
			e2e_fail "$label: warm-up pktgen failed"
		e2e_pktgen_report "$label-warm-up-$try"
		sent=$(e2e_get 'd["sent"]')
		vf=$(e2e_get 'd["echoes_per_iface"]["hvf0"]')
		[ $((vf * 1000)) -ge $((sent * PM)) ] && [ "$sent" -gt 0 ] && break
		[ "$try" -lt 10 ] || e2e_fail "$label: 10 warm-up runs and none echoed >= ${PM}‰ on hvf0"
	done
	e2e_phase "$label" --ifaces hvf0,hsyn0 --rate $RATE --duration 1 || e2e_fail "$label: pktgen failed"
	e2e_pktgen_report "$label"
	e2e_check_window "$label" 0 end hvf0 $PM
}

# Guardian processes (comm fo-guard) that vswitchd forked, zombies included.
vs_guardians() {
	pgrep -P "$VS_PID" -x fo-guard 2>/dev/null | paste -sd ' ' - || true
}

# Guardian processes anywhere in the guest namespace (whoever their parent).
ns_guardians() {
	local p
	for p in $(ip netns pids "$TOPO_GUEST" 2>/dev/null); do
		if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = fo-guard ]; then echo "$p"; fi
	done | paste -sd ' ' -
}

# The exception path telemetry names for fo0, checked against syn0: the
# discovered pair takes AF_XDP, or the TAP path with the logged reason (a
# veth has fewer channels than OVS's Tx queues); explicit sub-devices none.
check_exception() {
	local label=$1 got
	got=$(e2e_exception_telemetry)
	echo "$label: telemetry exception (mode path kernel_traffic): $got"
	if [ "$mode" = explicit ]; then
		[ "$got" = "- - -" ] || e2e_fail "$label: telemetry names exception path '$got' with explicit sub-devices"
		e2e_check_syn 0
		return 0
	fi
	case $got in
	"auto af_xdp take")
		e2e_check_syn 1 ;;
	"auto tap take")
		E2E_EXCEPTION=tap e2e_check_syn 1
		if grep -q 'AF_XDP on syn0 not used (.*): TAP exception path instead' "$OVS_DIR/ovs-vswitchd.log"; then
			echo "log: $(grep -o 'AF_XDP on syn0 not used (.*): TAP exception path instead' "$OVS_DIR/ovs-vswitchd.log" | tail -n 1)"
		else
			e2e_fail "$label: the TAP path with no 'AF_XDP on syn0 not used (...)' line in the vswitchd log"
		fi ;;
	*)
		e2e_fail "$label: telemetry exception is '$got', expected 'auto af_xdp take' or 'auto tap take'" ;;
	esac
}

# Nothing of the port left in the kernel: no tc redirect, XDP program or TAP
# on syn0 (e2e_check_syn 0 looks for all three).
check_nothing_left() {
	echo "$1:"
	E2E_EXCEPTION='' e2e_check_syn 0
}

# rx packets OVS reads for fo0 (OpenFlow port 1) now, not the statistics
# column, which OVS writes every 5 s.
fo0_rx_packets() {
	ovs-ofctl dump-ports br0 1 | sed -n 's/.*rx pkts=\([0-9]*\).*/\1/p'
}

ovs_start_vswitchd
vsctl add-br br0 -- set Bridge br0 datapath_type=netdev
vsctl add-port br0 out0 -- set Interface out0 ofport_request=2
add_fo0
wait_fo0_up "added"
echo "fo0: $(vsctl get Interface fo0 status)"
check_exception "added"
guards=$(vs_guardians)
echo "guardian(s) of ovs-vswitchd $VS_PID: ${guards:-none}"
if [ "$mode" = discovered ] && [ -z "$guards" ]; then
	e2e_fail "no guardian process with the discovered pair's exception path (the checks for one left behind would prove nothing)"
fi
steady steady

# VF away and back under traffic; OVS must see no link flap of fo0. Each
# switch command returns once telemetry shows the path that follows.
rx0=$(fo0_rx_packets)
sb0=$(e2e_telemetry xstat standby_rx_packets) || sb0=
e2e_phase churn --ifaces hvf0,hsyn0 --rate $RATE --duration 3 \
	--switch-at 1 --switch-at 2 \
	--switch-cmd "if [ \"\$FO_TO\" = hsyn0 ]; then ip link set hvf0 down && $(e2e_wait_path_cmd standby); else ip link set hvf0 up && $(e2e_host_up_cmd hvf0) && $(e2e_wait_path_cmd primary); fi" \
	--after-cmd $((RATE / 2)) ||
	e2e_fail "churn: pktgen failed"
e2e_pktgen_report churn
e2e_switch_report 0
e2e_switch_report 1
e2e_check_switch_cmd 0
e2e_check_switch_cmd 1
sw0=$(e2e_get 'd["switches"][0]["seq"]')
sw1=$(e2e_get 'd["switches"][1]["seq"]')
e2e_check_window "VF away, once telemetry showed standby" "$(e2e_seq_switch_done 0)" "$sw1" hsyn0 $PM
e2e_check_window "VF back, once telemetry showed primary" "$(e2e_seq_switch_done 1)" end hvf0 $PM
resets=$(vsctl get Interface fo0 link_resets)
echo "fo0 link_resets after the churn: $resets"
[ "$resets" -eq 0 ] || e2e_fail "fo0 link went down $resets time(s) in OVS while the VF came and went"

# Statistics across the churn run: OVS's rx_packets of fo0 grew by at least
# the frames echoed (each came in through fo0), and the standby's
# rx_packets xstat by at least the echoed frames sent on hsyn0 (they can
# only have come in through syn0).
rx1=$(fo0_rx_packets)
sb1=$(e2e_telemetry xstat standby_rx_packets) || sb1=
echoed=$(e2e_get 'd["echoed"]')
read -r n e0 e1 _ < <(e2e_window "$sw0" "$sw1")
via_syn=$((e0 + e1))
echo "fo0 statistics: rx_packets $rx0 -> $rx1 (+$((${rx1:-0} - ${rx0:-0}))) for $echoed frames echoed;" \
	"standby_rx_packets $sb0 -> $sb1 for $via_syn echoed of the $n sent on hsyn0"
if [ -z "$rx0" ] || [ -z "$rx1" ] || [ $((rx1 - rx0)) -lt "$echoed" ]; then
	e2e_fail "fo0 rx_packets grew by $((${rx1:-0} - ${rx0:-0})) ($rx0 -> $rx1) in the churn run, which echoed $echoed frames"
fi
if [ -z "$sb0" ] || [ -z "$sb1" ] || [ "$via_syn" -eq 0 ] || [ $((sb1 - sb0)) -lt "$via_syn" ]; then
	e2e_fail "standby_rx_packets went from '$sb0' to '$sb1' in the churn run, which echoed $via_syn frames sent on hsyn0"
fi

# del-port: the port is closed, what it put in the kernel is gone and its
# guardian was ended (and reaped) by the PMD; then the same port again.
vsctl del-port br0 fo0
check_nothing_left "after del-port"
guards=$(vs_guardians)
[ -z "$guards" ] || e2e_fail "guardian(s) of ovs-vswitchd left after del-port: $guards ($(ps -o pid=,stat=,comm= -p "${guards// /,}" | paste -sd ';' -))"
add_fo0
wait_fo0_up "re-added"
steady readded

# ovs-vswitchd restart: the port comes back from the database.
ovs_stop_vswitchd
ovs_start_vswitchd
add_flows
wait_fo0_up "after restart"
check_exception "after restart"
steady restarted

ovs_stop_vswitchd
echo "--- failover lines of the vswitchd log ---"
grep -i 'failover' "$OVS_DIR/ovs-vswitchd.log" | tail -n 20 || true
errs=$(grep -E '\|(ERR|EMER)\|' "$OVS_DIR/ovs-vswitchd.log" || true)
# net_tap logs errors of its own when the kernel has no multiq qdisc (a
# kernel built without sch_multiq): not the PMD's, and only then forgiven.
if [ -n "$errs" ] && ! multiq_available; then
	n=$(grep -cE 'multiq|qdisc kind is unknown|Disabling rte flow support' <<<"$errs" || true)
	errs=$(grep -vE 'multiq|qdisc kind is unknown|Disabling rte flow support' <<<"$errs" || true)
	echo "not counted: $n error line(s) of net_tap about the multiq qdisc, which this kernel lacks"
fi
if [ -n "$errs" ]; then
	head -n 20 <<<"$errs"
	e2e_fail "$(wc -l <<<"$errs") error line(s) in the ovs-vswitchd log"
fi
check_nothing_left "after vswitchd exited"
# No guardian in the namespace: ended by the PMD on close, or by itself once
# vswitchd was gone (5 s: a liveness deadline).
for _ in $(seq 50); do
	guards=$(ns_guardians)
	[ -z "$guards" ] && break
	sleep 0.1
done
echo "guardian processes in $TOPO_GUEST after vswitchd exited: ${guards:-none}"
[ -z "$guards" ] || e2e_fail "guardian process(es) $guards left 5 s after vswitchd exited"
# The PMD's own TAPs (ft_*); br0 and ovs-netdev are OVS's and stay.
taps=$(ip -n "$TOPO_GUEST" -o link show 2>/dev/null | grep -c ': ft_' || true)
[ "$taps" -eq 0 ] || e2e_fail "$taps TAP netdev(s) of the PMD left in the guest after vswitchd exited"
e2e_result "Open vSwitch ($mode): forwards, VF churn, del-port/re-add, restart, no errors"
