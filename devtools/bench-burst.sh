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
while [ $# -gt 0 ]; do
	case $1 in
	--windows) windows=$2; shift 2 ;;
	--hugepages) hugepages=$2; shift 2 ;;
	-h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench-burst: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench-burst: run as root" >&2; exit 2; }
"$top/devtools/build.sh" build >/dev/null
bin=$top/build/devtools/bench/fo-burst-cost
so=$top/build/drivers/net/failover/librte_net_failover.so
eal=(-l 1 -m 256 --no-pci --file-prefix "burst-$$" -d "$so" --log-level=lib.eal:warning
	--log-level=pmd.net.failover:warning --log-level=pmd.net.bonding:error)

huge_before=$(cat /proc/sys/vm/nr_hugepages)
mounted=""
cleanup() {
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
	"$bin" "${eal[@]}" -- "$windows" 1000
fi
