#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# End to end, queue counts on a discovered pair: testpmd configures
# net_failover0 with 1 Rx and 2 Tx queues (Open vSwitch asks for one Tx
# queue per PMD thread plus one). The VF's AF_PACKET sub-device, which the
# PMD creates itself, must be created with the queue pairs that needs and
# carry the traffic: steady state on hvf0, the VF attached once, no
# sub-device configure failing. Usage: test_queues.sh PATH/librte_net_failover.so
set -euo pipefail
. "$(dirname "$0")/e2e_lib.sh"

e2e_init "${1:-}"
tree=$E2E_TMP/sys
topo_sysfs "$tree"
E2E_TPMD_EXTRA="--rxq=1 --txq=2" E2E_EAL_EXTRA="--log-level=pmd.net.failover:info" \
	e2e_start_testpmd "net_failover0,sysfs=$tree,iface=syn0" ||
	e2e_result "discovered pair, 1 Rx / 2 Tx queues"
e2e_pktgen --ifaces hvf0,hsyn0 --rate 10000 --duration 2 || e2e_fail "pktgen exited with status $?"
e2e_stop_testpmd
e2e_testpmd_stats
[ -s "$E2E_TMP/pktgen.json" ] && e2e_check_steady
log=$E2E_TMP/testpmd.log
if grep -E "configure with .* queues failed|left out until" "$log"; then
	e2e_fail "a sub-device could not take the port's queue counts"
fi
grep -q "created again with 2 queue pairs" "$log" ||
	e2e_fail "the VF's AF_PACKET sub-device was not created with 2 queue pairs"
attached=$(grep -c "primary net_af_packet_failover0_vf attached" "$log" || true)
[ "$attached" -eq 2 ] || e2e_fail "the VF was attached $attached times (expected 2: at probe, again for 2 pairs)"
e2e_result "discovered pair, 1 Rx / 2 Tx queues: steady state on the VF"
