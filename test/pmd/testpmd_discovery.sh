#!/usr/bin/env bash
# Discovery in the PMD over a generated Azure tree (run in a network
# namespace of its own, so that no netdev named in the tree exists and the
# machine's own interfaces are never opened): pair selection by iface= and
# mac=, one INFO line per decision, and a clear error listing what was found
# when a selector matches nothing.
set -uo pipefail
# shellcheck source=SCRIPTDIR/expect_lib.sh
. "$(dirname "$0")/expect_lib.sh"
so=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v dpdk-testpmd >/dev/null || { echo "skipped: dpdk-testpmd not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work" "/var/run/dpdk/fodisc-$$"' EXIT
python3 "$top/test/scan/gen_fixtures.py" "$work" azure_gen1 dpdk_bound kvm_virtio_failover >/dev/null || exit 1
tree=$work/azure_gen1
fail=0

# run DEVARGS [PORT-NAME]
run() {
	timeout 60 dpdk-testpmd -l 0 --no-huge -m 256 --no-pci --file-prefix "fodisc-$$" \
		-d "$so" --vdev "${2:-net_failover0},sysfs=$tree,$1" --log-level=lib.eal:warning \
		--log-level=pmd.net.failover:info -- --total-num-mbufs=2048 </dev/null >"$work/out" 2>&1
}
expect() { expect_line "$work/out" "$@"; } # pattern description

run "iface=nosuch0" && { echo "FAIL: iface=nosuch0 accepted"; fail=1; }
expect "no failover pair matches iface=nosuch0; found: eth0 (00:0d:3a:03:16:46, VF enP53091s1np0), eth1 (00:0d:3a:03:16:47, VF enP2969s2), eth2 (00:0d:3a:03:16:48, no VF)" \
	"unmatched iface= lists the pairs found"

# eth1 by its VF's name: the VF is opened by PCI address (mlx5 is bifurcated),
# which fails with --no-pci, then through its netdev, absent here: the VF is
# optional. The kernel-held synthetic NIC is required: the probe fails naming it.
run "iface=enP2969s2" && { echo "FAIL: probe succeeded with no netdev present"; fail=1; }
expect "discovered netvsc pair eth1 under $tree" "pair chosen by the VF's name"
expect "primary (VF): 0b99:00:02.0: .*mlx5_core.*; fallback net_af_packet_failover0_vf,iface=enP2969s2" \
	"VF decision: PCI address, netdev fallback"
expect "standby (synthetic .*): net_af_xdp_failover0,iface=eth1: .*AF_XDP exception path on eth1, else TAP; fallback net_tap_failover0,iface=ft_failover0" \
	"synthetic decision: AF_XDP exception path, TAP fallback"
expect 'primary sub-device "0b99:00:02.0": no PCI device 0b99:00:02.0 on this machine' \
	"absent PCI VF not probed"
expect "primary: falling back to its kernel netdev: net_af_packet_failover0_vf,iface=enP2969s2" \
	"VF fallback logged"
expect 'primary sub-device "net_af_packet_failover0_vf,iface=enP2969s2": netdev enP2969s2 does not exist' \
	"absent VF netdev named"
expect "standby: AF_XDP on eth1 not used (netdev eth1 does not exist): TAP exception path instead" \
	"AF_XDP path not taken, one line saying why"
expect 'standby sub-device "net_tap_failover0,iface=ft_failover0": synthetic netdev eth1 does not exist' \
	"missing synthetic netdev named"

# exception=tap: the TAP path first, the netdev through AF_PACKET if not.
run "iface=enP2969s2,exception=tap" && { echo "FAIL: probe succeeded with no netdev present"; fail=1; }
expect "standby (synthetic .*): net_tap_failover0,iface=ft_failover0: .*TAP exception path redirected from eth1 (exception=tap); fallback net_af_packet_failover0_syn,iface=eth1" \
	"exception=tap: TAP exception path, AF_PACKET fallback"
expect 'standby sub-device "net_af_packet_failover0_syn,iface=eth1": netdev eth1 does not exist' \
	"exception=tap: missing synthetic netdev named"
# exception=af_xdp: AF_XDP only, no TAP.
run "iface=enP2969s2,exception=af_xdp" && { echo "FAIL: probe succeeded with no netdev present"; fail=1; }
expect "standby (synthetic .*): net_af_xdp_failover0,iface=eth1: .*AF_XDP exception path on eth1 (exception=af_xdp)$" \
	"exception=af_xdp: AF_XDP, no fallback"
expect 'standby sub-device "net_af_xdp_failover0,iface=eth1": netdev eth1 does not exist' \
	"exception=af_xdp: missing synthetic netdev named"
run "iface=enP2969s2,exception=xdp" && { echo "FAIL: exception=xdp accepted"; fail=1; }
expect "'exception' is 'auto' (AF_XDP, else TAP), 'af_xdp' or 'tap', got \"xdp\"" "bad exception= value named"

# The longest devargs the driver builds: the AF_XDP path's, from the port
# name. EAL takes device names of at most 63 characters and hands devargs to
# other processes in 128 bytes: each limit is one clear line, not a vague one.
long=net_failover_$(printf 'l%.0s' $(seq 43)) # 56: net_af_xdp_<name> is 63
run "iface=enP2969s2,exception=af_xdp" "$long"
expect "standby sub-device \"net_af_xdp_${long#net_},iface=eth1\": netdev eth1 does not exist" \
	"longest port name: its AF_XDP devargs (102 bytes) are taken"
run "iface=enP2969s2,exception=af_xdp,kernel_traffic=keep" "$long"
if grep -q "without the XDP program" "$work/out"; then
	echo "ok: (not checked: this build has no XDP program for kernel_traffic=keep)"
else
	expect "$long: standby sub-device: devargs \"net_af_xdp_${long#net_},.*\.\.\.\" are 128 bytes, DPDK's hot-plug takes at most 127: use a shorter port or device name" \
		"devargs of 128 bytes (xdp_prog= added) refused, naming the sub-device"
fi
run "iface=enP2969s2,exception=af_xdp" "${long}lllllll"
expect "standby sub-device \"net_af_xdp_${long#net_}l*\.\.\.\": device name of 70 characters, DPDK takes at most 63: use a shorter port or device name" \
	"a sub-device name over 63 characters named as such"

run "mac=00:0d:3a:03:16:48"
expect "discovered netvsc pair eth2" "pair chosen by mac="
expect "primary (VF): none: " "a pair without a VF is taken as it is"
# A netvsc bound to uio_hv_generic: opened by net_netvsc through its VMBus
# id; vfio-pci VFs with no netdev are paired by the MAC of their port.
tree=$work/dpdk_bound
run "iface=f8615163-0005-1000-2000-00224800aa05" && { echo "FAIL: probe succeeded"; fail=1; }
expect "needs an interface name" "iface= takes netdev names only"
run "mac=00:22:48:00:aa:06"
expect "primary (VF): 2 DPDK-bound VF(s) without a netdev: paired by the MAC of their port" \
	"vfio-pci VFs kept as candidates"
# virtio_net held by the kernel: the TAP exception path unless AF_XDP is
# asked for (AF_XDP crashed these guests in live migrations), one line why.
tree=$work/kvm_virtio_failover
run "iface=ens10" && { echo "FAIL: probe succeeded with no netdev present"; fail=1; }
expect "discovered virtio pair ens10" "virtio pair chosen by its master's name"
expect "standby (synthetic .*): net_tap_failover0,iface=ft_failover0: held by virtio_net: TAP exception path on ens10nsby (AF_XDP crashed virtio_net guests in migration); fallback net_af_packet_failover0_syn,iface=ens10nsby" \
	"virtio_net: TAP by default, saying why"
run "iface=ens10,exception=af_xdp" && { echo "FAIL: probe succeeded with no netdev present"; fail=1; }
expect "standby (synthetic .*): net_af_xdp_failover0,iface=ens10nsby: .*AF_XDP exception path on ens10nsby (exception=af_xdp)$" \
	"virtio_net: AF_XDP when exception=af_xdp asks"
run "iface=ens10,kernel_traffic=keep" && { echo "FAIL: probe succeeded with no netdev present"; fail=1; }
if grep -q "without the XDP program" "$work/out"; then
	echo "ok: (not checked: this build has no XDP program for kernel_traffic=keep)"
else
	expect "standby: kernel_traffic=keep takes AF_XDP on virtio_net ens10nsby, where AF_XDP crashed guests in live migration (see the guide)" \
		"virtio_net: kernel_traffic=keep takes AF_XDP, saying the risk"
	expect "standby (synthetic .*): net_af_xdp_failover0,iface=ens10nsby,xdp_prog=" \
		"virtio_net: kernel_traffic=keep on the AF_XDP path"
fi
exit $fail
