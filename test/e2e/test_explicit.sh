#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# End to end, explicit sub-devices: testpmd (macswap) in the guest namespace
# drives net_failover0 = primary af_packet on vf0, standby af_packet on
# syn0. The host namespace sends 2 s at 10 kpps to the guest MAC on hvf0;
# in steady state every echo must come back the VF way (hvf0), none on
# hsyn0. Usage: test_explicit.sh PATH/librte_net_failover.so
set -euo pipefail
. "$(dirname "$0")/e2e_lib.sh"

e2e_init "${1:-}"
e2e_start_testpmd 'net_failover0,primary=(net_af_packet0,iface=vf0),standby=(net_af_packet1,iface=syn0)' || e2e_result "explicit sub-devices"
e2e_pktgen --ifaces hvf0,hsyn0 --rate 10000 --duration 2 || e2e_fail "pktgen exited with status $?"
e2e_stop_testpmd
e2e_testpmd_stats
[ -s "$E2E_TMP/pktgen.json" ] && e2e_check_steady
e2e_result "explicit sub-devices: steady state on the VF"
