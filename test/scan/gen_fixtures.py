#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Build sysfs-like trees for the dpdk-failover-scan tests.

Each fixture is made of real directories, regular files and RELATIVE
symlinks, laid out like the recorded real machines (see
/work/shared/research/sysfs-layouts.md): Azure Gen1/Gen2 accelerated
networking, MANA, HPC with InfiniBand, KVM virtio-net failover, Firecracker,
old kernels, DPDK-bound devices (Hyper-V and KVM), and broken trees.

Usage: gen_fixtures.py OUTDIR [NAME...]   (no NAME: every fixture)
"""

import os
import shutil
import sys

NETVSC = "{f8615163-df3e-46c5-913f-f2d2f965ed0e}"
HV_PCI = "{44c4f61d-4444-4400-9d52-802e27ede19f}"
STORVSC = "{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}"
SHUTDOWN = "{0e0b6031-5213-4934-818b-38d90ced39db}"

GEN1_VMBUS = "devices/LNXSYSTM:00/LNXSYBUS:00/PNP0A03:00/device:07/VMBUS:01"
GEN2_VMBUS = "devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00/VMBUS:00"


def features(bits, length):
    """Feature string: character i is '1' when bit i is offered."""
    return "".join("1" if i in bits else "0" for i in range(length))


# Bits a typical virtio-net offers (CSUM, GUEST_CSUM, MAC, ...).
VIRTIO_COMMON = {0, 1, 5, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 32}


class Tree:
    def __init__(self, root):
        self.root = root
        os.makedirs(root)

    def p(self, rel):
        return os.path.join(self.root, rel)

    def dir(self, rel):
        os.makedirs(self.p(rel), exist_ok=True)
        return rel

    def file(self, rel, content):
        os.makedirs(os.path.dirname(self.p(rel)), exist_ok=True)
        with open(self.p(rel), "w") as f:
            f.write(content)

    def link(self, rel, target_rel):
        """Symlink rel -> target_rel, written relative like sysfs does."""
        link = self.p(rel)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        target = os.path.relpath(self.p(target_rel), os.path.dirname(link))
        os.symlink(target, link)

    def raw_link(self, rel, target):
        os.makedirs(os.path.dirname(self.p(rel)), exist_ok=True)
        os.symlink(target, self.p(rel))

    def base(self):
        for d in ("class/net", "bus/pci/devices", "bus/pci/slots",
                  "devices/virtual/net"):
            self.dir(d)

    def driver(self, dev, bus, name):
        self.dir("bus/%s/drivers/%s" % (bus, name))
        self.link(dev + "/driver", "bus/%s/drivers/%s" % (bus, name))
        self.link("bus/%s/drivers/%s/%s" % (bus, name, os.path.basename(dev)),
                  dev)

    def device(self, dev, bus, driver=None):
        self.dir(dev)
        self.dir("bus/%s/devices" % bus)
        self.link(dev + "/subsystem", "bus/" + bus)
        self.link("bus/%s/devices/%s" % (bus, os.path.basename(dev)), dev)
        if driver:
            self.driver(dev, bus, driver)
        return dev

    def netdev(self, dev, name, mac, type_=1, dev_port=0, master=None,
               ifindex=2):
        nd = "%s/net/%s" % (dev, name)
        self.dir(nd)
        self.file(nd + "/address", mac + "\n")
        self.file(nd + "/type", "%d\n" % type_)
        self.file(nd + "/dev_port", "%d\n" % dev_port)
        self.file(nd + "/ifindex", "%d\n" % ifindex)
        self.file(nd + "/uevent", "INTERFACE=%s\nIFINDEX=%d\n" % (name, ifindex))
        self.link(nd + "/device", dev)
        self.link(nd + "/subsystem", "class/net")
        if master:
            self.link(nd + "/master", "class/net/" + master)
            self.link(nd + "/upper_" + master, "class/net/" + master)
        self.link("class/net/" + name, nd)
        return nd

    def virtual_netdev(self, name, mac, devtype=None, type_=1, master=None):
        nd = "devices/virtual/net/" + name
        self.dir(nd)
        self.file(nd + "/address", mac + "\n")
        self.file(nd + "/type", "%d\n" % type_)
        uevent = "INTERFACE=%s\nIFINDEX=9\n" % name
        if devtype:
            uevent = "DEVTYPE=%s\n" % devtype + uevent
        self.file(nd + "/uevent", uevent)
        self.link(nd + "/subsystem", "class/net")
        if master:
            self.link(nd + "/master", "class/net/" + master)
        self.link("class/net/" + name, nd)

    def vmbus(self, parent, name, class_id, driver, device_id=None):
        dev = self.device("%s/%s" % (parent, name), "vmbus", driver)
        self.file(dev + "/class_id", class_id + "\n")
        guid = device_id or "{%s}" % name
        self.file(dev + "/device_id", guid + "\n")
        self.file(dev + "/vendor", "0x1414\n")
        self.file(dev + "/device", "0x%04x\n" % 0x0a)
        self.file(dev + "/numa_node", "0\n")
        self.file(dev + "/id", "14\n")
        return dev

    def pci(self, parent, addr, driver, vendor=0x15b3, device=0x1016):
        dev = self.device("%s/%s" % (parent, addr), "pci", driver)
        self.file(dev + "/vendor", "0x%04x\n" % vendor)
        self.file(dev + "/device", "0x%04x\n" % device)
        self.file(dev + "/class", "0x020000\n")
        self.file(dev + "/uevent", "DRIVER=%s\nPCI_SLOT_NAME=%s\n"
                  % (driver or "", addr))
        return dev

    def hv_pci_vf(self, vmbus_parent, hv_guid, domain, serial, driver,
                  dev_fn="02.0", **pci_ids):
        """A VF behind a hv_pci VMBus device, in slot <serial>."""
        hv = self.vmbus(vmbus_parent, hv_guid, HV_PCI, "hv_pci")
        bus = "%s/pci%04x:00" % (hv, domain)
        self.dir(bus)
        addr = "%04x:00:%s" % (domain, dev_fn)
        dev = self.pci(bus, addr, driver, **pci_ids)
        self.file("bus/pci/slots/%d/address" % serial,
                  "%04x:00:%s\n" % (domain, dev_fn.split(".")[0]))
        return dev

    def netvsc(self, parent, guid, name, mac, driver="hv_netvsc", **kw):
        dev = self.vmbus(parent, guid, NETVSC, driver, **kw)
        self.dir(dev + "/channels/15")
        self.file(dev + "/channel_vp_mapping", "15:0\n")
        if name:
            self.netdev(dev, name, mac)
        return dev

    def virtio(self, pci_dev, n, device_id, feats, driver="virtio_net"):
        dev = self.device("%s/virtio%d" % (pci_dev, n), "virtio", driver)
        self.file(dev + "/device", "0x%04x\n" % device_id)
        self.file(dev + "/vendor", "0x1af4\n")
        self.file(dev + "/features", feats + "\n")
        return dev

    def loopback(self):
        self.virtual_netdev("lo", "00:00:00:00:00:00", type_=772)

    def other_vmbus(self, parent):
        """VMBus devices that are not NICs: must be passed over quietly."""
        self.vmbus(parent, "00000000-0001-8899-0000-000000000000", STORVSC,
                   "hv_storvsc")
        self.vmbus(parent, "b6650ff7-33bc-4840-8048-e0676786f393", SHUTDOWN,
                   "hv_utils")


def azure_gen1(t):
    """Gen1 VM, three accelerated NICs, the third without a VF (yet)."""
    t.base()
    t.loopback()
    t.other_vmbus(GEN1_VMBUS)
    t.netvsc(GEN1_VMBUS, "000d3a03-1646-000d-3a03-1646000d3a03", "eth0",
             "00:0d:3a:03:16:46")
    vf = t.hv_pci_vf(GEN1_VMBUS, "f2d53aea-cf63-4315-9baf-613b49641633",
                     0xcf63, 1, "mlx5_core")
    t.netdev(vf, "enP53091s1np0", "00:0d:3a:03:16:46", master="eth0")
    # Upper-case in the file: the output must still be lower case.
    t.netvsc(GEN1_VMBUS, "000d3a03-1647-000d-3a03-1647000d3a03", "eth1",
             "00:0D:3A:03:16:47")
    vf = t.hv_pci_vf(GEN1_VMBUS, "5e9a3c10-0b99-4d6a-8a11-0d3a0316470a",
                     0x0b99, 2, "mlx5_core")
    t.netdev(vf, "enP2969s2", "00:0d:3a:03:16:47", master="eth1")
    t.netvsc(GEN1_VMBUS, "000d3a03-1648-000d-3a03-1648000d3a03", "eth2",
             "00:0d:3a:03:16:48")


def azure_gen2(t):
    """Gen2 VM: a ConnectX-3 VF, and a VF not yet renamed nor enslaved."""
    t.base()
    t.loopback()
    t.other_vmbus(GEN2_VMBUS)
    t.netvsc(GEN2_VMBUS, "f8615163-0000-1000-2000-6045bdf3fb7b", "eth0",
             "60:45:bd:f3:fb:7b")
    vf = t.hv_pci_vf(GEN2_VMBUS, "f2d53aea-2f81-4315-9baf-613b49641633",
                     0x2f81, 3, "mlx4_core", device=0x1004)
    t.netdev(vf, "enP12161s3", "60:45:bd:f3:fb:7b", master="eth0")
    t.netvsc(GEN2_VMBUS, "f8615163-0001-1000-2000-6045bdf3fb7c", "eth1",
             "60:45:bd:f3:fb:7c")
    vf = t.hv_pci_vf(GEN2_VMBUS, "a1b2c3d4-3a5c-4e6f-8a9b-6045bdf3fb7c",
                     0x3a5c, 4, "mlx5_core")
    t.netdev(vf, "eth2", "60:45:bd:f3:fb:7c")


def azure_hpc(t):
    """HPC SKU: InfiniBand VF, plus a VLAN and a bond carrying eth0's MAC."""
    t.base()
    t.loopback()
    t.netvsc(GEN2_VMBUS, "000d3a6e-aa01-000d-3a6e-aa01000d3a6e", "eth0",
             "00:0d:3a:6e:aa:01")
    vf = t.hv_pci_vf(GEN2_VMBUS, "71d1e7a2-b00c-4c71-a3c3-000d3a6eaa01",
                     0xb00c, 1, "mlx5_core")
    t.netdev(vf, "enP45068s1np0", "00:0d:3a:6e:aa:01", master="eth0")
    ib = t.hv_pci_vf(GEN2_VMBUS, "8bd3f2a0-0101-4e7e-bb1a-0a1b2c3d4e5f",
                     0x0101, 2, "mlx5_core", device=0x101c)
    t.netdev(ib, "ib0", "00:00:01:49:fe:80:00:00:00:00:00:00:00:15:5d:ff:fd:33:ff:8d",
             type_=32)
    t.virtual_netdev("eth0.100", "00:0d:3a:6e:aa:01", devtype="vlan")
    t.virtual_netdev("bond0", "00:0d:3a:6e:aa:01", devtype="bond")
    t.virtual_netdev("veth0", "0a:58:0a:f4:00:01")


def azure_mana(t):
    """MANA: one PCI function, two vports, each with its own netvsc."""
    t.base()
    t.loopback()
    t.netvsc(GEN2_VMBUS, "f8615163-0000-1000-2000-002248000001", "eth0",
             "00:22:48:00:00:01")
    t.netvsc(GEN2_VMBUS, "f8615163-0001-1000-2000-002248000002", "eth1",
             "00:22:48:00:00:02")
    vf = t.hv_pci_vf(GEN2_VMBUS, "3f1c7a61-7870-4a2b-9c1d-002248000001",
                     0x7870, 5, "mana", dev_fn="00.0", vendor=0x1414,
                     device=0x00ba)
    t.netdev(vf, "enP30832s1", "00:22:48:00:00:01", dev_port=0, master="eth0")
    t.netdev(vf, "enP30832s1d1", "00:22:48:00:00:02", dev_port=1,
             master="eth1")


def kvm_virtio_failover(t):
    """QEMU q35, virtio-net STANDBY with net_failover (3 netdevs)."""
    t.base()
    t.loopback()
    t.dir("devices/pci0000:00")
    port0 = t.pci("devices/pci0000:00", "0000:00:02.0", "pcieport",
                  vendor=0x1b36, device=0x000c)
    nic = t.pci(port0, "0000:01:00.0", "virtio-pci", vendor=0x1af4,
                device=0x1041)
    v0 = t.virtio(nic, 0, 1, features(VIRTIO_COMMON | {62}, 64))
    t.netdev(v0, "ens10", "52:54:00:12:34:56")
    t.netdev(v0, "ens10nsby", "52:54:00:12:34:56", master="ens10")
    port1 = t.pci("devices/pci0000:00", "0000:00:02.1", "pcieport",
                  vendor=0x1b36, device=0x000c)
    vf = t.pci(port1, "0000:02:00.0", "iavf", vendor=0x8086, device=0x154c)
    t.netdev(vf, "ens11", "52:54:00:12:34:56", master="ens10")
    # pciehp slot: a slot number, not a Hyper-V serial.
    t.file("bus/pci/slots/2/address", "0000:02:00\n")
    # A disk on virtio: not a NIC.
    blk = t.pci("devices/pci0000:00", "0000:00:04.0", "virtio-pci",
                vendor=0x1af4, device=0x1042)
    t.virtio(blk, 1, 2, features({0, 1, 32}, 64), driver="virtio_blk")
    # STANDBY in the 128-bit format, net_failover master not (yet) created.
    nic2 = t.pci("devices/pci0000:00", "0000:00:05.0", "virtio-pci",
                 vendor=0x1af4, device=0x1000)
    v2 = t.virtio(nic2, 2, 1, features(VIRTIO_COMMON | {62, 64}, 128))
    t.netdev(v2, "ens12", "52:54:00:ab:cd:ef")


def virtio_nostandby(t):
    """Firecracker-style guest: virtio-net without STANDBY, 128 bits."""
    t.base()
    t.loopback()
    t.dir("devices/pci0000:00")
    nic = t.pci("devices/pci0000:00", "0000:00:03.0", "virtio-pci",
                vendor=0x1af4, device=0x1000)
    v = t.virtio(nic, 2, 1, features(VIRTIO_COMMON, 128))
    t.netdev(v, "eth0", "06:00:ac:10:00:02")
    t.virtual_netdev("ifb0", "ce:1f:5b:22:10:01")


def old_kernel_vmbus(t):
    """Old kernels name VMBus devices vmbus_0_N / vmbus_N."""
    t.base()
    t.loopback()
    t.netvsc(GEN1_VMBUS, "vmbus_0_11", "eth0", "00:15:5d:01:02:03",
             device_id="{aa1f3c5e-0001-4b2d-8c3e-00155d010203}")
    t.netvsc(GEN1_VMBUS, "vmbus_0_12", "eth1", "00:15:5d:01:02:04",
             device_id="{AA1F3C5E-0002-4B2D-8C3E-00155D010204}")
    dev = t.netvsc(GEN1_VMBUS, "vmbus_13", "eth2", "00:15:5d:01:02:05")
    os.unlink(t.p(dev + "/device_id"))
    vf = t.hv_pci_vf(GEN1_VMBUS, "vmbus_0_20", 0x5a3b, 7, "mlx4_core",
                     device=0x1004)
    t.netdev(vf, "eth3", "00:15:5d:01:02:03")


def dpdk_bound(t):
    """netvsc on uio_hv_generic and VFs on vfio-pci: no netdevs."""
    t.base()
    t.loopback()
    dev = t.netvsc(GEN2_VMBUS, "f8615163-0005-1000-2000-00224800aa05", None,
                   None, driver="uio_hv_generic")
    for i in range(5):
        t.dir("%s/uio/uio0/maps/map%d" % (dev, i))
    t.hv_pci_vf(GEN2_VMBUS, "9a8b7c6d-6a12-4f00-8e11-00224800aa05", 0x6a12,
                8, "vfio-pci")
    t.netvsc(GEN2_VMBUS, "f8615163-0006-1000-2000-00224800aa06", "eth0",
             "00:22:48:00:aa:06")
    t.hv_pci_vf(GEN2_VMBUS, "0c1d2e3f-1b2c-4d3e-9f40-00224800aa06", 0x1b2c,
                9, "vfio-pci")
    t.dir("devices/pci0000:00")
    t.pci("devices/pci0000:00", "0000:00:05.0", "vfio-pci", vendor=0x8086,
          device=0x10fb)
    t.pci("devices/pci0000:00", "0000:00:06.0", "vfio-pci", vendor=0x1af4,
          device=0x1041)


def kvm_dpdk_bound(t):
    """q35 guest: an e1000e on uio_pci_generic in pciehp slot "0-2"."""
    t.base()
    t.loopback()
    t.dir("devices/pci0000:00")
    port0 = t.pci("devices/pci0000:00", "0000:00:02.0", "pcieport",
                  vendor=0x1b36, device=0x000c)
    nic = t.pci(port0, "0000:01:00.0", "virtio-pci", vendor=0x1af4,
                device=0x1041)
    # net_failover without udev renaming: master eth0, standby eth1.
    v0 = t.virtio(nic, 0, 1, features(VIRTIO_COMMON | {62}, 64))
    t.netdev(v0, "eth0", "52:54:00:12:34:56")
    t.netdev(v0, "eth1", "52:54:00:12:34:56", master="eth0", ifindex=3)
    port1 = t.pci("devices/pci0000:00", "0000:00:02.1", "pcieport",
                  vendor=0x1b36, device=0x000c)
    t.pci(port1, "0000:02:00.0", "uio_pci_generic", vendor=0x8086,
          device=0x10d3)
    # pciehp names: every root port has physical slot 0, later ones "0-N".
    t.file("bus/pci/slots/0/address", "0000:01:00\n")
    t.file("bus/pci/slots/0-2/address", "0000:02:00\n")
    # On the root bus, in no slot: not hot-pluggable, so not a VF.
    t.pci("devices/pci0000:00", "0000:00:03.0", "vfio-pci", vendor=0x8086,
          device=0x10d3)


def broken(t):
    """Garbage attributes, loops, overlong names: warnings, no crash."""
    t.base()
    t.loopback()
    t.netvsc(GEN2_VMBUS, "f8615163-0000-1000-2000-000d3a000001", "eth0",
             "00:0d:3a:00:00:01")
    vf = t.hv_pci_vf(GEN2_VMBUS, "c0ffee00-0001-4000-8000-000d3a000001",
                     0x0001, 1, "mlx5_core")
    t.netdev(vf, "enP1s1", "00:0d:3a:00:00:01", master="eth0")
    # netvsc whose MAC is garbage: a pair with an unknown MAC.
    dev = t.netvsc(GEN2_VMBUS, "f8615163-0000-1000-2000-000d3a000005", "eth5",
                   "00:0d:3a:00:00:05")
    t.file(dev + "/net/eth5/address", "zz:zz:zz\n")
    # Link type that is not a number: the netdev is skipped.
    dev = t.netvsc(GEN2_VMBUS, "f8615163-0000-1000-2000-000d3a000006", "eth6",
                   "00:0d:3a:00:00:06")
    t.file(dev + "/net/eth6/type", "abc\n")
    # Oversized attribute (beyond the 4 KiB read bound).
    vf = t.hv_pci_vf(GEN2_VMBUS, "c0ffee00-0004-4000-8000-000d3a000004",
                     0x0004, 4, "mlx5_core")
    t.netdev(vf, "enP4s4", "00:0d:3a:00:00:01")
    t.file(vf + "/net/enP4s4/address", "0" * 10000 + "\n")
    # class_id garbage, class_id a FIFO (must not block), class_id missing.
    t.vmbus(GEN2_VMBUS, "f8615163-0000-1000-2000-000d3a000007", "x", "hv_netvsc")
    t.file(GEN2_VMBUS + "/f8615163-0000-1000-2000-000d3a000007/class_id",
           "hello\n")
    dev = t.vmbus(GEN2_VMBUS, "f8615163-0000-1000-2000-000d3a000008", "x",
                  "hv_netvsc")
    os.unlink(t.p(dev + "/class_id"))
    os.mkfifo(t.p(dev + "/class_id"))
    dev = t.vmbus(GEN2_VMBUS, "f8615163-0000-1000-2000-000d3a000009", "x",
                  "hv_netvsc")
    os.unlink(t.p(dev + "/class_id"))
    # virtio-net whose feature string is too short.
    t.dir("devices/pci0000:00")
    nic = t.pci("devices/pci0000:00", "0000:00:03.0", "virtio-pci",
                vendor=0x1af4, device=0x1000)
    v = t.virtio(nic, 1, 1, "0101")
    t.netdev(v, "eth7", "52:54:00:00:00:07")
    # Slot address garbage, in an hv_pci and in a pciehp slot name.
    t.file("bus/pci/slots/12/address", "not-an-address\n")
    t.file("bus/pci/slots/0-3/address", "0000:03\n")
    # Symlink loops: a netdev link and a VMBus device link.
    t.raw_link("devices/virtual/net/loopA", "loopB")
    t.raw_link("devices/virtual/net/loopB", "loopA")
    t.link("class/net/loop0", "devices/virtual/net/loopA")
    t.raw_link("bus/vmbus/devices/vmbus_loop", "vmbus_loop")
    # A 255-character entry (NAME_MAX) and a 300-character link target.
    t.virtual_netdev("long", "02:00:00:00:00:01")
    t.link("class/net/" + "x" * 255, "devices/virtual/net/long")
    t.raw_link("class/net/eth9", "../../devices/" + "y" * 300)
    t.raw_link("bus/vmbus/devices/" + "v" * 100, "../../../" + GEN2_VMBUS)
    # Quote and backslash in a name (legal in Linux): JSON must escape them.
    t.virtual_netdev('v"l\\an', "00:0d:3a:00:00:01", devtype="vlan")
    # A link out of the tree.
    t.raw_link("class/net/outside", "/")


def empty(t):
    """A sysfs with nothing but lo."""
    t.base()
    t.loopback()


FIXTURES = {f.__name__: f for f in (
    azure_gen1, azure_gen2, azure_hpc, azure_mana, kvm_virtio_failover,
    virtio_nostandby, old_kernel_vmbus, dpdk_bound, kvm_dpdk_bound, broken,
    empty)}


def generate(outdir, name):
    root = os.path.join(outdir, name)
    if os.path.lexists(root):
        shutil.rmtree(root)
    FIXTURES[name](Tree(root))
    return root


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    names = sys.argv[2:] or sorted(FIXTURES)
    for name in names:
        if name not in FIXTURES:
            print("unknown fixture %s" % name, file=sys.stderr)
            return 2
        print(generate(sys.argv[1], name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
