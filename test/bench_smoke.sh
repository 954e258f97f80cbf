#!/usr/bin/env bash
# The benchmark scripts still run: each candidate of bench-burst.sh and
# bench-overhead.sh gives a figure, in a minimal run, bench-soak.sh
# reports its events with no crash and no leak, and bench-migrate.sh a row
# per configuration. Judges no figure
# (benchmarks are not tests on a shared machine); only that there is one.
set -uo pipefail
build=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail=0
rows() { # candidate...: each must start a line, a number after it
	local c re
	for c in "$@"; do
		re=$(printf '%s' "$c" | sed 's/[()]/\\&/g')
		if grep -Eq "^$re +[0-9]+\.[0-9]+ " "$out"; then
			echo "ok: $c has a figure"
		else
			echo "FAIL: no figure for $c"
			fail=1
		fi
	done
}

if bash "$top/devtools/bench-burst.sh" --build "$build" --windows 3 >"$out" 2>&1; then
	rows "bare net_null" "net_failover(net_null)" "net_failsafe(net_null)" \
		"bonding1(net_null)" "bare net_null, 2nd port" "net_failover mbuf_port=sub"
else
	echo "FAIL: bench-burst.sh exited with an error:"; cat "$out"; fail=1
fi

if command -v dpdk-testpmd >/dev/null; then
	if bash "$top/devtools/bench-overhead.sh" --build "$build" --no-huge --sessions 1 \
		--rounds 1 --seconds 1 >"$out" 2>&1; then
		rows bare failover fo-subport failsafe bonding1
	else
		echo "FAIL: bench-overhead.sh exited with an error:"; cat "$out"; fail=1
	fi
else
	echo "note: dpdk-testpmd not installed: bench-overhead.sh not run"
fi
if ! command -v dpdk-testpmd >/dev/null || [ "$(id -u)" -ne 0 ]; then
	echo "note: bench-soak.sh not run (needs root and dpdk-testpmd)"
elif bash "$top/devtools/bench-soak.sh" --build "$build" --flaps 3 --recreate 1 \
	--tail 1 >"$out" 2>&1; then
	if grep -Eq '^all +8 +[0-9]+\.[0-9]+ ' "$out"; then
		echo "ok: bench-soak.sh reported its 8 events, no crash, no leak"
	else
		echo "FAIL: bench-soak.sh printed no per-event figure:"; cat "$out"; fail=1
	fi
else
	echo "FAIL: bench-soak.sh exited with an error:"; cat "$out"; fail=1
fi
# One migration each of the driver's guest and the kernel's (QEMU, about a
# minute): a row per configuration. A guest crash is a figure here, not a
# failure (the vm suite judges crashes).
rc=0
bash "$top/devtools/bench-migrate.sh" --build "$build" --times 1 --against kernel \
	failover=driver:net_failover0 kernel=kernel >"$out" 2>&1 || rc=$?
if [ "$rc" = 77 ]; then
	echo "note: bench-migrate.sh not run: $(grep '^skipped: ' "$out" | head -n 1)"
elif [ "$rc" -ne 0 ]; then
	echo "FAIL: bench-migrate.sh exited with an error:"; cat "$out"; fail=1
elif grep -Eq '^failover +1 +[01] +[01] .* [01] of 1$' "$out" && grep -Eq '^kernel +1 ' "$out"; then
	echo "ok: bench-migrate.sh reported both configurations"
else
	echo "FAIL: bench-migrate.sh printed no row per configuration:"; cat "$out"; fail=1
fi
exit $fail
