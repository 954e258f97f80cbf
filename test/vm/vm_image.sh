#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# The guest of the vm suite: a Debian 12 kernel (apt-get download) and a base
# initramfs (busybox-static, the kernel modules of the failover stack,
# Debian's dpdk-testpmd with its libraries and the PMDs the driver opens),
# cached in $FO_VM_CACHE. The per-run part (the PMD under test and /init) is a
# second cpio appended by vm_lib.sh.
#   vm_image.sh ensure   -> prints "KERNEL INITRD" (cached paths)
# Exit 77: an outside input is missing (a Debian package apt cannot fetch,
# a tool not installed), named on stderr in a "vm_image: missing:" line; the
# vm suite skips on that only. Any other error (exit 1 and others) is the
# suite's own and fails the tests.
set -euo pipefail

cache=${FO_VM_CACHE:-/var/cache/net-failover/vm}
# The modules the guest loads, in order (a module after its dependencies).
VM_MODULES="failover net_failover virtio_ring virtio virtio_pci_modern_dev
virtio_pci_legacy_dev virtio_pci virtio_net e1000e tun sch_ingress cls_u32
act_mirred uio uio_pci_generic irqbypass vfio vfio_virqfd vfio_iommu_type1
vfio-pci-core vfio-pci"
# The sub-PMDs net_failover opens in a KVM guest (net_e1000 drives the
# e1000e primary bound to uio_pci_generic or vfio-pci), and the mempool
# driver; libxdp's default XDP program objects for net_af_xdp.
VM_PMDS="bus_vdev bus_pci mempool_ring net_tap net_af_packet net_af_xdp net_ring net_e1000"
XDP_OBJS="/usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog.o
/usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog_5.3.o
/usr/lib/x86_64-linux-gnu/bpf/xdp-dispatcher.o"
PMD_DIR=/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0

die() { echo "vm_image: $*" >&2; exit 1; }
missing() { echo "vm_image: missing: $*" >&2; exit 77; }

# Copies path $2 into root $1 as it is here: each symlink on the way as a
# symlink, then the file. A library reached by two names must stay one file,
# or the loader maps it twice (two vdev buses, say).
copy_path() {
	local root=$1 p=$2 t
	while [ -L "$p" ]; do
		mkdir -p "$root$(dirname "$p")"
		[ -e "$root$p" ] || [ -L "$root$p" ] || cp -P "$p" "$root$p"
		t=$(readlink "$p")
		case $t in
		/*) p=$t ;;
		*) p=$(dirname "$p")/$t ;;
		esac
	done
	mkdir -p "$root$(dirname "$p")"
	[ -e "$root$p" ] || cp "$p" "$root$p"
}

# Copies files and the libraries they need (ldd) into root $1.
copy_with_libs() {
	local root=$1 f lib
	shift
	for f in "$@"; do
		copy_path "$root" "$f"
		for lib in $(ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' || true); do
			copy_path "$root" "$lib"
		done
	done
}

# The newest linux-image-*-amd64 of the release, unpacked in $cache/kernel.
ensure_kernel() {
	local pkg deb
	if [ -f "$cache/kernel/ok" ]; then
		return 0
	fi
	apt-cache show linux-image-amd64 >/dev/null 2>&1 ||
		missing "linux-image-amd64 is not known to apt (no package lists: apt-get update)"
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/{print $2; exit}')
	[ -n "$pkg" ] || die "linux-image-amd64 depends on no linux-image-*-amd64 (apt-cache depends)"
	rm -rf "$cache/kernel" "$cache/dl"
	mkdir -p "$cache/dl"
	if ! (cd "$cache/dl" && apt-get download "$pkg" >"$cache/dl.log" 2>&1); then
		tail -n 5 "$cache/dl.log" >&2
		missing "Debian package $pkg (apt-get download failed: network or mirror)"
	fi
	rm -f "$cache/dl.log"
	deb=$(ls "$cache"/dl/*.deb)
	mkdir -p "$cache/kernel"
	dpkg-deb -x "$deb" "$cache/kernel/root" || die "cannot unpack $deb"
	rm -rf "$cache/dl"
	touch "$cache/kernel/ok"
}

build_base() {
	local kroot=$cache/kernel/root kver root m f p
	kver=$(ls "$kroot/lib/modules")
	root=$(mktemp -d "$cache/base.XXXXXX")
	mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,mnt,modules,etc,var/run,usr/lib,usr/lib64}
	# As on the host (merged /usr): library symlinks resolve the same way.
	ln -s usr/lib "$root/lib"
	ln -s usr/lib64 "$root/lib64"
	cp /bin/busybox "$root/bin/busybox"
	for m in $VM_MODULES; do
		f=$(find "$kroot/lib/modules/$kver" -name "$m.ko" | head -n 1)
		[ -n "$f" ] || die "module $m not in the kernel package"
		cp "$f" "$root/modules/"
	done
	echo "$VM_MODULES" | tr -s ' \n' '\n\n' | sed '/^$/d' >"$root/modules/order"
	copy_with_libs "$root" /usr/bin/dpdk-testpmd /usr/bin/stdbuf \
		/usr/libexec/coreutils/libstdbuf.so
	mkdir -p "$root$PMD_DIR"
	# EAL loads every file of its plugin directory; all names of one
	# library are one file, as here.
	for p in $VM_PMDS; do
		for f in "$PMD_DIR/librte_$p".so*; do
			copy_with_libs "$root" "$f"
		done
	done
	for f in $XDP_OBJS; do
		[ ! -f "$f" ] || copy_path "$root" "$f"
	done
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$cache/base.cpio.gz.new"
	rm -rf "$root"
	mv "$cache/base.cpio.gz.new" "$cache/base.cpio.gz"
	# The inputs of this image: rebuilt when one of them changes.
	image_key >"$cache/base.key"
}

image_key() {
	{
		echo "$VM_MODULES $VM_PMDS $XDP_OBJS"
		ls "$cache/kernel/root/boot"
		dpkg-query -W dpdk busybox-static 2>/dev/null || true
		sha256sum "$0" | cut -d' ' -f1
	} | sha256sum | cut -d' ' -f1
}

case ${1:-} in
ensure)
	for c in apt-get dpkg-deb cpio gzip ldd; do
		command -v "$c" >/dev/null || missing "$c not installed (devtools/setup.sh)"
	done
	mkdir -p "$cache"
	exec 9>"$cache/lock"
	flock 9
	ensure_kernel
	if [ ! -f "$cache/base.cpio.gz" ] || [ "$(cat "$cache/base.key" 2>/dev/null)" != "$(image_key)" ]; then
		build_base
	fi
	echo "$(ls "$cache"/kernel/root/boot/vmlinuz-*) $cache/base.cpio.gz"
	;;
*)
	echo "usage: $0 ensure" >&2
	exit 2
	;;
esac
