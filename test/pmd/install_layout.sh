#!/usr/bin/env bash
# meson install puts the PMD where EAL autoloads drivers: a staged install
# (--destdir) must hold librte_net_failover.so in the directory compiled into
# the installed EAL as its plugin path, and testpmd must run a failover port
# from that directory alone. The machine's own DPDK directories are not
# touched: EAL is pointed at the staged copy with -d.
set -uo pipefail
build=$(cd "$1" && pwd) # absolute: meson reads a relative --destdir from the build dir
command -v dpdk-testpmd >/dev/null || { echo "skipped: dpdk-testpmd not installed"; exit 77; }
# A copy installed into the machine's own plugin directory would load twice.
for f in /usr/lib/*/dpdk/pmds-*/librte_net_failover.so; do
	[ -e "$f" ] && { echo "skipped: $f is installed on this machine: EAL would load two copies"; exit 77; }
done
# Inside the build tree: EAL refuses plugins under a world-writable directory.
stage=$build/install-test-$$
out=$(mktemp)
trap 'rm -rf "$stage" "$out" "/var/run/dpdk/foinstall-$$"' EXIT
fail=0

# The EAL the testpmd on PATH runs with (not ldconfig's, which may be another
# release's); a statically linked testpmd carries its own.
eal_lib=$(ldd "$(command -v dpdk-testpmd)" 2>/dev/null | awk '/librte_eal\.so/ { print $3; exit }')
[ -n "$eal_lib" ] || eal_lib=$(command -v dpdk-testpmd)
pmd_path=$(strings "$eal_lib" 2>/dev/null | grep -m1 '^/.*/dpdk/pmds-[0-9.]*$')
if [ -z "$pmd_path" ]; then
	echo "FAIL: no plugin path found in $eal_lib"
	exit 1
fi
echo "EAL autoloads plugins from $pmd_path"

if ! meson install -C "$build" --destdir "$stage" --no-rebuild --quiet >"$out" 2>&1; then
	echo "FAIL: meson install:"; cat "$out"; exit 1
fi
so=$stage$pmd_path/librte_net_failover.so
if [ -f "$so" ]; then
	echo "ok: installed as $pmd_path/librte_net_failover.so"
else
	echo "FAIL: nothing at $pmd_path/librte_net_failover.so; staged files:"
	find "$stage" -type f | sed "s|^$stage||"
	exit 1
fi
if [ -n "$(find "$stage" -name librte_net_failover.a)" ]; then
	echo "ok: static library installed"
else
	echo "FAIL: no librte_net_failover.a"
	fail=1
fi
if [ -n "$(find "$stage" -path '*/dpdk/rte_pmd_failover.h')" ]; then
	echo "ok: rte_pmd_failover.h installed beside DPDK's headers"
else
	echo "FAIL: no dpdk/rte_pmd_failover.h"
	fail=1
fi

# The directory form of -d loads every plugin in it, as the autoload does.
timeout 60 dpdk-testpmd -l 0,1 --no-huge -m 256 --no-pci --file-prefix "foinstall-$$" \
	-d "$stage$pmd_path" --vdev 'net_failover0,primary=(net_null0),standby=(net_ring0)' \
	--log-level=lib.eal:warning -- --total-num-mbufs=2048 </dev/null >"$out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^Port 0: " "$out" && grep -q "Done" "$out"; then
	echo "ok: testpmd runs net_failover0 from the installed directory"
else
	echo "FAIL: testpmd with -d $stage$pmd_path: exit $rc"
	cat "$out"
	fail=1
fi
exit $fail
