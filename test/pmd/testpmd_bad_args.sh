#!/usr/bin/env bash
# Bad devargs: testpmd fails with a non-zero status and one clear log line
# from net_failover naming the problem.
set -uo pipefail
so=$1
command -v dpdk-testpmd >/dev/null || { echo "skipped: dpdk-testpmd not installed"; exit 77; }
out=$(mktemp)
trap 'rm -rf "$out" "/var/run/dpdk/fobad-$$"' EXIT
fail=0
check() {
	local args=$1 expect=$2
	timeout 60 dpdk-testpmd -l 0 --no-huge -m 256 --no-pci --file-prefix "fobad-$$" \
		-d "$so" --vdev "net_failover0,$args" --log-level=lib.eal:warning \
		-- --total-num-mbufs=2048 </dev/null >"$out" 2>&1
	local rc=$?
	local lines matching
	lines=$(grep -c "^net_failover " "$out")
	matching=$(grep -c "net_failover net_failover0: .*$expect" "$out")
	if [ "$rc" -eq 0 ] || [ "$lines" -ne 1 ] || [ "$matching" -ne 1 ]; then
		echo "FAIL: '$args': exit $rc, $lines lines from net_failover, $matching matching '$expect':"
		cat "$out"
		fail=1
	else
		echo "ok: '$args' -> $(grep "net_failover net_failover0: .*$expect" "$out")"
	fi
}
check 'primary=(net_null0' "unbalanced '('"
check 'primary=net_null0,colour=blue' "unknown key 'colour'"
check 'primary=net_null0,standby=(net_failover1,primary=net_null2)' "failover inside a failover"
check 'primary=net_null0,standby=(net_null0,size=128)' "same device (net_null0)"
check 'primary=net_null0,standby=net_nosuchdriver0' 'standby sub-device "net_nosuchdriver0": no bus or driver knows'
check 'primary=(net_ring0,nodeaction=x:0:BAD),standby=net_null0' 'primary sub-device "net_ring0,nodeaction=x:0:BAD" did not probe'
check 'mac=00:11:22' "MAC address"
check 'poll_ms=10,sysfs=/nonexistent' "discovery under /nonexistent failed"
check "sysfs=$(dirname "$0")" "discovery under .* failed: .*not a sysfs tree"
check 'iface=nosuch0' "no failover pair"
# EAL hands devargs to other processes in 128 bytes: a longer sub-device is named.
long=net_null1xxxxxx,size=64$(printf ',copy=0%.0s' $(seq 15))
[ ${#long} -eq 128 ] || { echo "FAIL: the test's devargs are ${#long} bytes, not 128"; fail=1; }
check "primary=net_null0,standby=($long)" \
	'standby sub-device: devargs "net_null1xxxxxx,size=64,copy=0.*" are 128 bytes, DPDK.s hot-plug takes at most 127'
check "primary=net_null0,standby=net_null1$(printf 'n%.0s' $(seq 60))" \
	'standby sub-device "net_null1n*\.\.\.": device name of 69 characters, DPDK takes at most 63'
check 'primary=net_null0,iface=eth0' "not with primary or standby"
exit $fail
