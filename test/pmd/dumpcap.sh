#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# dpdk-dumpcap captures on the failover port beside a forwarding testpmd.
# dumpcap takes no EAL options: it finds the PMD only where EAL autoloads
# plugins. The machine's plugin directory is not touched: in a mount
# namespace of its own, dumpcap sees it through a read-only overlay that
# adds this build's PMD. The primary must survive the capture and quit;
# on DPDK 22.11, where its testpmd may end during any dumpcap session, an
# end is forgiven only when a control run on a plain net_null port, without
# the PMD, ends the same way (status and exit message), never after a signal.
set -uo pipefail
. "$(dirname "$0")/expect_lib.sh"
. "$(dirname "$0")/primary_lib.sh"
so=$(realpath "$1")
for t in dpdk-testpmd dpdk-dumpcap unshare; do
	command -v $t >/dev/null || { echo "skipped: $t not installed"; exit 77; }
done
# The EAL the testpmd on PATH runs with (not ldconfig's, which may be another
# release's); a statically linked testpmd carries its own.
eal_lib=$(ldd "$(command -v dpdk-testpmd)" 2>/dev/null | awk '/librte_eal\.so/ { print $3; exit }')
[ -n "$eal_lib" ] || eal_lib=$(command -v dpdk-testpmd)
pmd_path=$(strings "$eal_lib" 2>/dev/null | grep -m1 '^/.*/dpdk/pmds-[0-9.]*$')
[ -d "$pmd_path" ] || { echo "skipped: no plugin directory found in $eal_lib"; exit 77; }
[ -e "$pmd_path/librte_net_failover.so" ] &&
	{ echo "skipped: the PMD is installed in $pmd_path: EAL would load two copies"; exit 77; }
primary_init fodumpcap

mkdir -m 755 "$work/extra"
ln -s "$so" "$work/extra/librte_net_failover.so"

# capture PORT [PLUGINS]: dpdk-dumpcap on PORT of the running primary, for
# 3 s or 1000 frames; with PLUGINS, it sees the machine's plugin directory
# through a read-only overlay that adds that directory's. Output in
# $work/dumpcap, exit status in CAP_RC.
capture() {
	timeout -k 5 60 unshare --mount --propagation private -- bash -c '
		[ -z "$2" ] || mount -t overlay -o "lowerdir=$2:$1" fodumpcap "$1" || exit 10
		dpdk-dumpcap --file-prefix="$3" -i "$5" -c 1000 -a duration:3 -q -w "$4"' \
		_ "$pmd_path" "${2:-}" "$prefix" "$work/cap.pcapng" "$1" >"$work/dumpcap" 2>&1
	CAP_RC=$?
}

primary_start "$so" 'net_failover0,primary=(net_null0,size=64),standby=(net_ring0)'
capture net_failover0 "$work/extra"
rc=$CAP_RC
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
else
	fo_rc=$PRIMARY_RC
	echo "the primary ended with status $fo_rc without 'Bye' after the capture; its last lines:"
	tail -20 "$work/primary"
	if [ "$fo_rc" -gt 128 ]; then
		echo "FAIL: the primary was killed by signal $((fo_rc - 128)) after the capture"
		fail=1
	elif [ "${version%%.*}" != 22 ]; then
		echo "FAIL: the primary exited with $fo_rc after the capture"
		fail=1
	else
		# DPDK 22.11's testpmd ends so after a dumpcap session on any port,
		# not always: its dpaa bus calls err(0, "process_portal_map()"),
		# which prints "dpdk-testpmd: ..." and exits 0. The same session on
		# a plain net_null port, without the PMD, up to 3 times: forgiven
		# only if one ends the same way, with the same status and an exit
		# message of the program that the failover port's primary printed too.
		cp "$work/primary" "$work/primary.failover"
		same=""
		for run in 1 2 3; do
			primary_start "" 'net_null0,size=64'
			capture net_null0
			primary_quit
			ctl_msg=$(grep '^dpdk-testpmd: ' "$work/primary" | tail -1)
			if primary_bye; then
				echo "control $run (a plain net_null port): said 'Bye'"
				continue
			fi
			echo "control $run (a plain net_null port): status $PRIMARY_RC, exit message: ${ctl_msg:-none}"
			if [ "$PRIMARY_RC" -eq "$fo_rc" ] && [ -n "$ctl_msg" ] &&
				grep -qxF -- "$ctl_msg" "$work/primary.failover"; then
				same=$ctl_msg
				break
			fi
		done
		if [ -n "$same" ]; then
			echo "not judged: testpmd of DPDK $version ended without 'Bye' after the capture" \
				"(status $fo_rc, \"$same\"), and so did the control on a plain net_null port"
		else
			echo "FAIL: the primary ended with $fo_rc after the capture;" \
				"no control on a plain net_null port ended the same way"
			fail=1
		fi
	fi
fi
exit $fail
