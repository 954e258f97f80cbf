#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# End to end, discovered sub-devices: the same steady-state check as
# test_explicit.sh, but net_failover0 is given only a sysfs tree (generated:
# syn0 = Hyper-V netvsc, vf0 = its mlx5 VF behind hv_pci) and iface=syn0.
# The PMD must find the pair itself: the VF's PCI address cannot be opened
# here (--no-pci), so it falls back to af_packet on vf0; the synthetic side,
# held by the kernel, is the exception path on syn0: AF_XDP (net_af_xdp),
# which telemetry must name. dpdk-failover-scan (its path from meson) must
# read the generated tree as that one pair.
# Usage: test_discovered.sh PATH/librte_net_failover.so PATH/dpdk-failover-scan
set -euo pipefail
. "$(dirname "$0")/e2e_lib.sh"

scan=${2:-}
[ -n "$scan" ] || { echo "usage: $0 PATH/librte_net_failover.so PATH/dpdk-failover-scan"; exit 2; }
e2e_init "${1:-}"
tree=$E2E_TMP/sys
topo_sysfs "$tree"
# The tree itself must say what the PMD is meant to find.
if [ ! -x "$scan" ]; then
	e2e_fail "no dpdk-failover-scan at $scan: the generated tree is not cross-checked"
else
	"$scan" --sysfs "$tree" --json >"$E2E_TMP/scan.json" || e2e_fail "$scan exited with status $?"
	python3 - "$E2E_TMP/scan.json" "$TOPO_MAC" <<'PY' || e2e_fail "generated tree does not scan as one netvsc pair syn0/vf0"
import json, sys
d = json.load(open(sys.argv[1]))
p = d["pairs"]
ok = (len(p) == 1 and p[0]["kind"] == "netvsc" and p[0]["mac"] == sys.argv[2]
      and p[0]["synthetic"]["iface"] == "syn0" and p[0]["vf"]["iface"] == "vf0")
print("scan: %d pair(s): %s" % (len(p), ", ".join(
    "%s %s %s/%s" % (x["kind"], x["mac"], x["synthetic"]["iface"],
                     x["vf"]["iface"] if x["vf"] else None) for x in p)))
sys.exit(0 if ok else 1)
PY
fi
e2e_start_testpmd "net_failover0,sysfs=$tree,iface=syn0" || e2e_result "discovered sub-devices"
e2e_check_exception_telemetry "auto af_xdp take"
e2e_pktgen --ifaces hvf0,hsyn0 --rate 10000 --duration 2 || e2e_fail "pktgen exited with status $?"
e2e_stop_testpmd
e2e_testpmd_stats
[ -s "$E2E_TMP/pktgen.json" ] && e2e_check_steady
e2e_result "discovered sub-devices (sysfs=, iface=): steady state on the VF"
