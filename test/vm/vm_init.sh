#!/bin/busybox sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# /init of the vm suite's guest. Kernel command line:
#   fo.mode=driver|kernel|xsk  who answers: testpmd (macswap) on net_failover,
#                          the guest kernel's own net_failover (ICMP echo), or
#                          /bin/fo-xsk-echo on the standby (AF_XDP, no DPDK)
#   fo.xsk=A,B             fo-xsk-echo's options (copy, skb, nowakeup)
#   fo.up=1|0              the guest's network configuration brings the
#                          netdevs up (1) or leaves them down (0)
#   fo.vdev=ARGS           --vdev of testpmd (default net_failover0); the
#                          words @PRIMARY@ and @STANDBY@ become netdev names
#   fo.ip=A.B.C.D/N        the failover master's address (kernel mode)
#   fo.log=LEVEL           the PMD's log level (info)
#   fo.eal=A,B             more EAL arguments (commas become spaces)
#   fo.bind=uio|vfio       the primary is bound to uio_pci_generic or vfio-pci
#                          before testpmd starts (DPDK's net_e1000 drives it,
#                          on hugepages); unset: e1000e keeps it
#   fo.rebind=1            a primary plugged back is bound to that driver again
#                          as a udev rule (driverctl) would, once e1000e took it
# Every line it prints starts with "fo-vm:" and the guest uptime in seconds.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs run /run
mkdir -p /var/run /tmp
# Builtins only where it loops: a fork costs milliseconds under TCG.
say() {
	read -r ut _ </proc/uptime
	echo "fo-vm: $ut $*"
}

mode=driver up=1 vdev=net_failover0 ip=10.99.0.2/24 log=info eal= xsk= bind= rebind=0
for a in $(cat /proc/cmdline); do
	case $a in
	fo.mode=*) mode=${a#fo.mode=} ;;
	fo.up=*) up=${a#fo.up=} ;;
	fo.vdev=*) vdev=${a#fo.vdev=} ;;
	fo.ip=*) ip=${a#fo.ip=} ;;
	fo.log=*) log=${a#fo.log=} ;;
	fo.eal=*) eal=$(echo "${a#fo.eal=}" | tr , ' ') ;;
	fo.xsk=*) xsk=$(echo "${a#fo.xsk=}" | tr , ' ') ;;
	fo.bind=*) bind=${a#fo.bind=} ;;
	fo.rebind=*) rebind=${a#fo.rebind=} ;;
	esac
done

for m in $(cat /modules/order); do
	insmod "/modules/$m.ko" || say "insmod $m failed"
done

# The netdev of driver $1 with MAC $2 (any MAC if none given).
netdev_by_driver() {
	local a
	for n in /sys/class/net/*; do
		[ "$(basename "$(readlink "$n/device/driver" 2>/dev/null)")" = "$1" ] || continue
		read -r a <"$n/address"
		[ -z "${2:-}" ] || [ "$a" = "$2" ] || continue
		basename "$n" && return 0
	done
	return 1
}
# The three netdevs of the kernel's failover: the master (net_failover), its
# standby (virtio_net, "<master>nsby") and the primary (e1000e with the
# standby's MAC, arrives once virtio_net acks STANDBY and QEMU plugs it).
standby= primary=
# 30 s of guest time for virtio_net and the plugged primary.
while :; do
	# Without udev nothing is renamed: the standby is the virtio_net
	# netdev with an upper device (the master).
	standby= master=
	for n in /sys/class/net/*/upper_*; do
		[ -e "$n" ] || continue
		d=${n%/upper_*}
		case $(readlink "$d/device/driver") in
		*/virtio_net) standby=${d##*/} master=${n##*/upper_} ;;
		esac
	done
	mac=
	[ -z "$standby" ] || read -r mac <"/sys/class/net/$standby/address"
	primary=$(netdev_by_driver e1000e "$mac" || true)
	[ -n "$standby" ] && [ -n "$primary" ] && break
	read -r ut _ </proc/uptime
	[ "${ut%.*}" -lt 40 ] || break
	sleep 0.2
done
say "netdevs: master $master standby $standby primary ${primary:-none}"

ip link set lo up
if [ "$up" = 1 ]; then
	for n in $master $standby $primary; do ip link set "$n" up; done
fi
for n in $master $standby $primary; do
	read -r f <"/sys/class/net/$n/flags"
	say "$n flags $f"
done

# The primary handed to a DPDK driver: PCI device $1 unbound from its
# driver and probed again with driver_override, as dpdk-devbind.py and
# driverctl do.
dpdk_driver=
case $bind in
uio) dpdk_driver=uio_pci_generic ;;
vfio) dpdk_driver=vfio-pci ;;
esac
bind_pci() {
	echo "$dpdk_driver" >"/sys/bus/pci/devices/$1/driver_override"
	[ ! -e "/sys/bus/pci/devices/$1/driver" ] ||
		echo "$1" >"/sys/bus/pci/devices/$1/driver/unbind"
	echo "$1" >/sys/bus/pci/drivers_probe
	say "pci $1 bound to $(basename "$(readlink "/sys/bus/pci/devices/$1/driver")")"
}

# The primary's carrier as the kernel has it (netif_carrier_ok), with guest
# time; a fork only when the primary is gone (it may return renamed). With
# fo.rebind=1, a primary that e1000e took is handed back to the DPDK driver.
monitor() {
	local c last= d
	while :; do
		c=-
		[ -n "$primary" ] && [ -r "/sys/class/net/$primary/carrier" ] &&
			read -r c <"/sys/class/net/$primary/carrier" 2>/dev/null
		[ "$c" = - ] && primary=$(netdev_by_driver e1000e "$mac" || true)
		[ "$c" != "$last" ] && say "primary ${primary:-none} carrier $c" && last=$c
		if [ "$rebind" = 1 ]; then
			for d in /sys/bus/pci/drivers/e1000e/0000:*; do
				[ -e "$d" ] && bind_pci "${d##*/}" && primary=
			done
		fi
		sleep 0.1
	done
}

if [ "$mode" = kernel ]; then
	# The guest kernel answers: ICMP echo and ARP on the failover master.
	ip link set "$master" up
	ip addr add "$ip" dev "$master"
	say "ready: kernel net_failover on $master ($ip)"
	monitor
fi

if [ "$mode" = xsk ]; then
	monitor &
	/bin/fo-xsk-echo "$standby" $xsk 2>&1 | while read -r l; do say "$l"; done
	say "fo-xsk-echo exited"
	poweroff -f
fi

vdev=$(echo "$vdev" | sed "s/@PRIMARY@/$primary/g; s/@STANDBY@/$standby/g")
# Kernel-held primary: no PCI device for DPDK, no hugepages. A DPDK-bound
# one: EAL probes it, on hugepages (uio_pci_generic needs physical
# addresses), and net_failover adopts its port by the pair's MAC.
mem="--no-huge -m 256 --no-pci"
if [ -n "$dpdk_driver" ] && [ -n "$primary" ]; then
	bind_pci "$(basename "$(readlink "/sys/class/net/$primary/device")")"
	primary=
	# Another NIC (QEMU's "decoy0", another MAC), bound the same way: a
	# plain DPDK port of testpmd that net_failover must leave alone.
	d=$(netdev_by_driver e1000e || true)
	[ -z "$d" ] || bind_pci "$(basename "$(readlink "/sys/class/net/$d/device")")"
	mkdir -p /dev/hugepages
	mount -t hugetlbfs nodev /dev/hugepages
	echo 96 >/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
	mem=
fi
say "ready: testpmd --vdev $vdev"
monitor &
# stdin stays open (testpmd exits on Enter); every output line gets the
# guest uptime in front.
sleep 1000000 | stdbuf -oL -eL dpdk-testpmd -l 0,1 $mem \
	-d /pmd/librte_net_failover.so --vdev "$vdev" \
	--log-level=pmd.net.failover:$log $eal -- \
	--forward-mode=macswap --port-topology=loop --nb-cores=1 \
	--total-num-mbufs=4096 2>&1 |
	awk '{ getline u < "/proc/uptime"; close("/proc/uptime"); split(u, a, " ");
		print "fo-vm: " a[1] " testpmd: " $0; fflush() }'
say "testpmd exited"
poweroff -f
