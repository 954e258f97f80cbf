#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Sysfs-like tree describing the e2e guest's veths as an Azure pair.

syn0 becomes a Hyper-V netvsc (VMBus, Gen2 layout) and vf0 an mlx5 VF
behind hv_pci, both with MAC. The layout is the one of the azure_gen2
scan fixture: the helpers are imported from test/scan/gen_fixtures.py so
the two never drift apart.

Usage: gen_tree.py OUTDIR MAC [SYN_IFINDEX VF_IFINDEX]
"""

import os
import sys

# Keep the source tree free of __pycache__ from importing the fixtures.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scan"))
import gen_fixtures as gf  # noqa: E402


def build(outdir, mac, syn_ifindex=2, vf_ifindex=3, syn="syn0", vf="vf0"):
    mac = mac.lower()
    hexmac = mac.replace(":", "")
    # The PCI domain comes from the hv_pci GUID's second group, as on Azure.
    domain = int(hexmac[-4:], 16) or 1
    serial = 1
    t = gf.Tree(outdir)
    t.base()
    t.loopback()
    t.other_vmbus(gf.GEN2_VMBUS)
    t.netvsc(gf.GEN2_VMBUS, "f8615163-0000-1000-2000-" + hexmac, None, None)
    t.netdev(gf.GEN2_VMBUS + "/f8615163-0000-1000-2000-" + hexmac, syn, mac,
             ifindex=syn_ifindex)
    dev = t.hv_pci_vf(gf.GEN2_VMBUS,
                      "a1b2c3d4-%04x-4e6f-8a9b-%s" % (domain, hexmac),
                      domain, serial, "mlx5_core")
    t.netdev(dev, vf, mac, master=syn, ifindex=vf_ifindex)
    return {"root": outdir, "pci": "%04x:00:02.0" % domain,
            "serial": serial}


def main():
    if len(sys.argv) not in (3, 5):
        print(__doc__, file=sys.stderr)
        return 2
    idx = [int(x) for x in sys.argv[3:5]] or [2, 3]
    info = build(sys.argv[1], sys.argv[2], idx[0], idx[1])
    print(info["root"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
