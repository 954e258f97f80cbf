#!/usr/bin/env bash
# A secondary process sees the failover port: DPDK's dpdk-proc-info, run
# beside a forwarding testpmd, reads the port's statistics and extended
# statistics (counting, and the failover status), and the primary goes on
# and exits cleanly. Secondary processes share the primary's memory, which
# needs hugepages: 256 of 2 MiB are reserved for the test if fewer are
# free, and the previous count is restored.
set -uo pipefail
# shellcheck source=SCRIPTDIR/expect_lib.sh
. "$(dirname "$0")/expect_lib.sh"
. "$(dirname "$0")/primary_lib.sh"
so=$1
for t in dpdk-testpmd dpdk-proc-info; do
	command -v $t >/dev/null || { echo "skipped: $t not installed"; exit 77; }
done
primary_init fosecondary
primary_start "$so" 'net_failover0,primary=(net_null0),standby=(net_ring0)'
sleep 0.5

proc_info() { # what -> output in $work/secondary
	timeout 60 dpdk-proc-info --file-prefix "$prefix" --no-pci -d "$so" \
		--log-level=lib.eal:warning -- "$1" >"$work/secondary" 2>&1
}
expect() { expect_line -E "$work/secondary" "$@"; } # pattern description

proc_info --stats || { echo "FAIL: dpdk-proc-info --stats exited with $?"; fail=1; }
expect "NIC statistics for port 0 " "the failover port is seen by the secondary"
expect "RX-packets: [1-9][0-9]*" "its counters count"
proc_info --xstats || { echo "FAIL: dpdk-proc-info --xstats exited with $?"; fail=1; }
expect "^primary_present: 1" "the failover status, from the secondary"
expect "^primary_rx_packets: [1-9][0-9]*" "per-path counters, from the secondary"
expect "^active_path: 1" "active path: primary"

# Other queue counts (2 Rx, 3 Tx): the secondary reads the port as it is
# now, per-queue counters and queue information included (--show-port:
# rte_eth_dev_info_get reads the driver's name through the port's device).
# 25.11 prints "descriptors USED/TOTAL", earlier releases the total alone.
for c in stop "port stop all" "port config all rxq 2" "port config all txq 3" \
	"port start all" start; do
	echo "$c" >&3
done
for _ in $(seq 100); do
	[ "$(grep -c "io packet forwarding" "$work/primary")" -ge 2 ] && break
	sleep 0.1
done
sleep 0.5
proc_info --stats || { echo "FAIL: dpdk-proc-info --stats exited with $?"; fail=1; }
expect "RX-packets: [1-9][0-9]*" "counters after the queue counts changed"
proc_info --xstats || { echo "FAIL: dpdk-proc-info --xstats exited with $?"; fail=1; }
expect "^rx_q1_packets: [0-9]+" "per-queue counters of the new Rx queue"
expect "^tx_q2_packets: [0-9]+" "per-queue counters of the new Tx queue"
proc_info --show-port || { echo "FAIL: dpdk-proc-info --show-port exited with $?"; fail=1; }
expect "-- 1 descriptors [0-9/]+ mempool" "Rx queue 1, from the secondary"
expect "-- 2 descriptors [0-9]+ thresh" "Tx queue 2, from the secondary"

primary_quit
if primary_bye; then
	echo "ok: the primary forwarded on and exited cleanly"
else
	echo "FAIL: the primary exited with $PRIMARY_RC:"
	tail -20 "$work/primary"
	fail=1
fi
exit $fail
