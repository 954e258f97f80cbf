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

mode=driver up=1 vdev=net_failover0 ip=10.99.0.2/24 log=info eal= xsk=
for a in $(cat /proc/cmdline); do
	case $a in
	fo.mode=*) mode=${a#fo.mode=} ;;
	fo.up=*) up=${a#fo.up=} ;;
	fo.vdev=*) vdev=${a#fo.vdev=} ;;
	fo.ip=*) ip=${a#fo.ip=} ;;
	fo.log=*) log=${a#fo.log=} ;;
	fo.eal=*) eal=$(echo "${a#fo.eal=}" | tr , ' ') ;;
	fo.xsk=*) xsk=$(echo "${a#fo.xsk=}" | tr , ' ') ;;
	esac
done

for m in $(cat /modules/order); do
	insmod "/modules/$m.ko" || say "insmod $m failed"
done

# The three netdevs of the kernel's failover: the master (net_failover), its
# standby (virtio_net, "<master>nsby") and the primary (e1000e, arrives once
# virtio_net acks STANDBY and QEMU plugs it).
netdev_by_driver() {
	for n in /sys/class/net/*; do
		[ "$(basename "$(readlink "$n/device/driver" 2>/dev/null)")" = "$1" ] &&
			basename "$n" && return 0
	done
	return 1
}
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
	primary=$(netdev_by_driver e1000e || true)
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

# The primary's carrier as the kernel has it (netif_carrier_ok), with guest
# time; a fork only when the primary is gone (it may return renamed).
monitor() {
	local c last=
	while :; do
		c=-
		[ -n "$primary" ] && [ -r "/sys/class/net/$primary/carrier" ] &&
			read -r c <"/sys/class/net/$primary/carrier" 2>/dev/null
		[ "$c" = - ] && primary=$(netdev_by_driver e1000e || true)
		[ "$c" != "$last" ] && say "primary ${primary:-none} carrier $c" && last=$c
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
say "ready: testpmd --vdev $vdev"
monitor &
# stdin stays open (testpmd exits on Enter); every output line gets the
# guest uptime in front.
sleep 1000000 | stdbuf -oL -eL dpdk-testpmd -l 0,1 --no-huge -m 256 --no-pci \
	-d /pmd/librte_net_failover.so --vdev "$vdev" \
	--log-level=pmd.net.failover:$log $eal -- \
	--forward-mode=macswap --port-topology=loop --nb-cores=1 \
	--total-num-mbufs=4096 2>&1 |
	awk '{ getline u < "/proc/uptime"; close("/proc/uptime"); split(u, a, " ");
		print "fo-vm: " a[1] " testpmd: " $0; fflush() }'
say "testpmd exited"
poweroff -f
