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
# traffic, del-port then re-add, a vswitchd restart, no error line in the
# vswitchd log, statistics, and nothing left behind (tc rules, processes).
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
SWITCH_PM=950
SETTLE_MS=100
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

# Steady traffic through the VF: >= 95 % echoed on hvf0 after a warm-up of
# 0.5 s (reported, not judged): on a loaded machine OVS drops the first
# 50-100 ms of a new flow while it sets up its datapath flows.
steady() {
	local label=$1 warm=$((RATE / 2))
	e2e_phase "$label" --ifaces hvf0,hsyn0 --rate $RATE --duration 1.5 || e2e_fail "$label: pktgen failed"
	e2e_pktgen_report "$label"
	e2e_check_window "$label: warm-up" 0 $warm hvf0 0
	e2e_check_window "$label" $warm end hvf0 $SWITCH_PM
}

ovs_start_vswitchd
vsctl add-br br0 -- set Bridge br0 datapath_type=netdev
vsctl add-port br0 out0 -- set Interface out0 ofport_request=2
add_fo0
wait_fo0_up "added"
echo "fo0: $(vsctl get Interface fo0 status)"
steady steady

# VF away and back under traffic; OVS must see no link flap of fo0.
e2e_phase churn --ifaces hvf0,hsyn0 --rate $RATE --duration 3 \
	--switch-at 1 --switch-at 2 \
	--switch-cmd 'if [ "$FO_TO" = hsyn0 ]; then ip link set hvf0 down; else ip link set hvf0 up; fi' ||
	e2e_fail "churn: pktgen failed"
e2e_pktgen_report churn
e2e_switch_report 0
e2e_switch_report 1
sw1=$(e2e_get 'd["switches"][1]["seq"]')
e2e_check_window "VF away" "$(e2e_seq_after_cmd 0 $SETTLE_MS)" "$sw1" hsyn0 $SWITCH_PM
e2e_check_window "VF back" "$(e2e_seq_after_cmd 1 $SETTLE_MS)" end hvf0 $SWITCH_PM
resets=$(vsctl get Interface fo0 link_resets)
echo "fo0 link_resets after the churn: $resets"
[ "$resets" -eq 0 ] || e2e_fail "fo0 link went down $resets time(s) in OVS while the VF came and went"

# Statistics: what OVS counted on fo0 covers what the generator sent.
# OVS writes the statistics column every 5 s (stats-update-interval, at
# least 5000 ms): a read right after the traffic may predate its end, so
# wait for the next update (up to 12 s).
sent=$(e2e_get 'd["sent"]')
for _ in $(seq 120); do
	stats=$(vsctl get Interface fo0 statistics)
	rxp=$(echo "$stats" | tr -d '{} ' | tr ',' '\n' | sed -n 's/^rx_packets=//p')
	[ -n "$rxp" ] && [ "$rxp" -ge $((sent * SWITCH_PM / 1000)) ] && break
	sleep 0.1
done
echo "fo0 statistics: $stats"
[ -n "$rxp" ] && [ "$rxp" -ge $((sent * SWITCH_PM / 1000)) ] ||
	e2e_fail "fo0 rx_packets ${rxp:-?} after $sent frames of the last run alone"

# del-port, then the same port again.
vsctl del-port br0 fo0
ip netns exec "$TOPO_GUEST" tc filter show dev syn0 ingress | grep -q mirred &&
	e2e_fail "a tc redirect is left on syn0 after del-port"
add_fo0
wait_fo0_up "re-added"
steady readded

# ovs-vswitchd restart: the port comes back from the database.
ovs_stop_vswitchd
ovs_start_vswitchd
add_flows
wait_fo0_up "after restart"
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
left=$(ip netns exec "$TOPO_GUEST" tc filter show dev syn0 ingress 2>/dev/null | grep -c mirred || true)
[ "$left" -eq 0 ] || e2e_fail "$left tc redirect(s) left on syn0 after vswitchd exited"
# The PMD's own TAPs (ft_*); br0 and ovs-netdev are OVS's and stay.
taps=$(ip -n "$TOPO_GUEST" -o link show 2>/dev/null | grep -c ': ft_' || true)
[ "$taps" -eq 0 ] || e2e_fail "$taps TAP netdev(s) of the PMD left in the guest after vswitchd exited"
e2e_result "Open vSwitch ($mode): forwards, VF churn, del-port/re-add, restart, no errors"
