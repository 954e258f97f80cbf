#!/usr/bin/env bash
# examples/failover_fwd: echoes over a net_failover port and reports its
# status through rte_pmd_failover.h; --force takes effect; no failover port
# and bad options fail with a clear message and a non-zero status.
set -uo pipefail
# shellcheck source=SCRIPTDIR/expect_lib.sh
. "$(dirname "$0")/expect_lib.sh"
app=$1
out=$(mktemp)
trap 'rm -rf "$out" "/var/run/dpdk/foexample-$$"' EXIT
fail=0
eal=(-l 0 --no-huge -m 256 --no-pci --file-prefix "foexample-$$" --log-level=lib.eal:warning
	--log-level=pmd.net.failover:warning)
vdev='net_failover0,primary=(net_null0),standby=(net_ring0)'

run() { # expected-status description args...
	local want=$1 what=$2 rc
	shift 2
	timeout 60 "$app" "${eal[@]}" "$@" </dev/null >"$out" 2>&1
	rc=$?
	if { [ "$want" = 0 ] && [ "$rc" -ne 0 ]; } || { [ "$want" != 0 ] && [ "$rc" -eq 0 ]; }; then
		echo "FAIL: $what: exit status $rc"
		cat "$out"
		fail=1
		return 1
	fi
}
expect() { expect_line -E "$out" "$@"; } # pattern description

run 0 "echo on the primary" --vdev "$vdev" -- --duration 2
expect "^port 0: started: active primary, 1 switches, primary up, standby up" "status at start"
expect "^port 0: [0-9.]+ Mpps echoed: active primary" "status every second"
expect "^port 0: [1-9][0-9]* frames echoed" "frames echoed"
expect "^port 0: link up" "LSC event delivered"

run 0 "forced to the standby" --vdev "$vdev" -- --duration 1 --force standby
expect "^port 0: started: active standby \(forced\)" "forced path reported"
expect "^port 0: [1-9][0-9]* frames echoed" "frames echoed on the standby"

run 1 "no failover port" --vdev net_null0 -- --duration 1
expect "^no net_failover port: add --vdev=net_failover0" "missing port named"

run 2 "bad option" --vdev "$vdev" -- --force sideways
expect "^--force takes primary or standby, got 'sideways'" "bad --force named"
run 2 "bad duration" --vdev "$vdev" -- --duration 2s
expect "^--duration needs a number of seconds, got '2s'" "bad --duration named"
exit $fail
