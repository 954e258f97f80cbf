#!/usr/bin/env bash
# Cycles per packet of an rx+tx burst pair on one lcore: bare net_null
# against net_failover (also with mbuf_port=sub), net_failsafe and bonding
# mode 1 over net_null, and a second bare net_null port as a control (its
# ratio shows how much the memory layout alone moves a port), interleaved
# window by window in one process, with 4 KiB pages (--no-huge) and, with
# --hugepages N, on 2 MiB hugepages reserved for the run and restored after.
# Prints min and median cycles per packet, and bare's min / candidate's min.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
windows=400
hugepages=0
build=""
die() { echo "bench-burst: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--windows | --hugepages)
		[[ ${2:-} =~ ^[0-9]+$ ]] || die "$1 needs a number (see --help)"
		declare "${1#--}=$2"
		shift 2 ;;
	--build) [ $# -ge 2 ] || die "--build needs a directory"; build=$2; shift 2 ;;
	-h | --help)
		sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
		echo "Options: --windows N (default 400), --hugepages N (default 0: only 4 KiB"
		echo "pages), --build DIR (a built meson tree; default: build/, built first)."
		exit 0 ;;
	*) die "unknown argument $1 (see --help)" ;;
	esac
done
[ "$windows" -gt 0 ] || die "--windows must be at least 1"
[ "$(id -u)" -eq 0 ] || die "run as root"
if [ -z "$build" ]; then
	"$top/devtools/build.sh" build >/dev/null
	build=$top/build
fi
[ -d "$build" ] || die "no build directory $build"
build=$(cd "$build" && pwd)
bin=$build/devtools/bench/fo-burst-cost
so=$build/drivers/net/failover/librte_net_failover.so
if [ ! -x "$bin" ] || [ ! -f "$so" ]; then
	die "$build has no fo-burst-cost or failover PMD (build it first)"
fi
eal=(-l 1 -m 256 --no-pci --file-prefix "burst-$$" -d "$so" --log-level=lib.eal:warning
	--log-level=pmd.net.failover:warning --log-level=pmd.net.bonding:crit
	--log-level=pmd.net.failsafe:crit --log-level=lib.ethdev:error)

huge_before=$(cat /proc/sys/vm/nr_hugepages)
mounted=""
cleanup() {
	# A run killed before EAL unlinked its pages would keep them pinned.
	awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts | while read -r m; do
		rm -f "$m/burst-$$"*
	done
	echo "$huge_before" >/proc/sys/vm/nr_hugepages
	[ -z "$mounted" ] || umount "$mounted" 2>/dev/null || true
	rm -rf "/var/run/dpdk/burst-$$"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), DPDK $(pkg-config --modversion libdpdk)"
echo "== 4 KiB pages (--no-huge), $windows windows"
"$bin" --no-huge "${eal[@]}" -- "$windows" 1000
if [ "$hugepages" -gt 0 ]; then
	echo "$hugepages" >/proc/sys/vm/nr_hugepages
	if ! grep -q hugetlbfs /proc/mounts; then
		mkdir -p /dev/hugepages
		mount -t hugetlbfs nodev /dev/hugepages && mounted=/dev/hugepages
	fi
	echo "== 2 MiB hugepages ($(cat /proc/sys/vm/nr_hugepages) reserved), $windows windows"
	"$bin" --huge-unlink "${eal[@]}" -- "$windows" 1000
fi
