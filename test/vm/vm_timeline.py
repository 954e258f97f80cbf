#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Timeline plot of the vm suite: echoes by path and lost frames around
each event, net_failover (testpmd) beside the kernel's net_failover.

  vm_timeline.py DIR OUT.png

DIR holds what test_vm.sh saves with FO_VM_SAVE=DIR: for each scenario
(hotplug, migrate) and mode (driver, kernel), SCEN.MODE.traffic.json
(vm_traffic.py's summary) and SCEN.MODE.events ("NAME NS" lines). One row
per event, one column per mode; frames are counted in 10 ms bins by when
they were sent, 0 being the time the QMP command left. gnuplot draws it.
"""

import json
import os
import subprocess
import sys

BIN_MS = 10
# (scenario, event, title, ms before, ms after)
PANELS = [
    ("hotplug", "unplug", "device_del", 100, 500),
    ("hotplug", "plug", "device_add", 200, 3600),
    ("migrate", "migrate", "migrate (unplug, copy, switch-over)", 100, 2000),
    ("migrate", "migrated", "destination (resumed, plug)", 200, 3600),
]
MODES = [("driver", "net_failover"), ("kernel", "kernel net_failover")]
# Echo paths by colour: the guest's primary (e1000e) and standby
# (virtio-net), on the source or the destination.
SERIES = [("primary", "#1f77b4"), ("standby", "#ff7f0e"), ("lost", "#d62728")]


def load(d, scen, mode):
    base = os.path.join(d, "%s.%s" % (scen, mode))
    try:
        traffic = json.load(open(base + ".traffic.json"))
        events = {}
        for line in open(base + ".events"):
            name, ns = line.split()
            events[name] = int(ns)
    except (OSError, ValueError):
        return None
    return traffic, events


def bins(traffic, event_ns, before, after):
    """Per BIN_MS bin from -before to after ms: frames by series."""
    n = (before + after) // BIN_MS
    out = {s: [0] * n for s, _ in SERIES}
    rate, t0 = traffic["rate"], traffic["t0_ns"]

    def add(series, first, last):
        for seq in range(first, last + 1):
            ms = (t0 + seq * 1e9 / rate - event_ns) / 1e6
            i = int((ms + before) // BIN_MS)
            if 0 <= i < n:
                out[series][i] += 1

    for label, runs in traffic["paths"].items():
        series = "primary" if label.startswith("primary") else "standby"
        for first, last, _t in runs:
            add(series, first, last)
    for first, last, _tf, _tl in traffic["lost_runs"]:
        add("lost", first, last)
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    d, png = sys.argv[1], sys.argv[2]
    gp = ["set terminal pngcairo noenhanced size 1100,%d font 'sans,9'" % (
        250 * len(PANELS) + 50),
        "set output '%s'" % png,
        "set multiplot layout %d,%d title \"vm suite, QEMU TCG guest with KVM failover: "
        "frames per %d ms (1000/s sent) echoed by the primary (e1000e) or the standby "
        "(virtio-net), and lost\\n0 ms = the QMP command; left: testpmd on net_failover, "
        "right: the guest kernel's net_failover\" font 'sans,10'" % (
            len(PANELS), len(MODES), BIN_MS),
        "set style fill solid 0.8 noborder", "set style data boxes",
        "set boxwidth %d" % BIN_MS, "set yrange [0:%d]" % (BIN_MS + 1), "set grid",
        "set key top right opaque box", "set xlabel 'ms from the event'", "set ylabel 'frames'",
        "set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb 'gray30'"]
    for scen, ev, title, before, after in PANELS:
        for mode, mtitle in MODES:
            data = load(d, scen, mode)
            if data is None or ev not in data[1]:
                gp += ["set title '%s: %s: no data'" % (mtitle, title),
                       "set xrange [%d:%d]" % (-before, after), "plot 0 notitle"]
                continue
            traffic, events = data
            b = bins(traffic, events[ev], before, after)
            dat = os.path.join(d, "timeline-%s-%s-%s.dat" % (scen, ev, mode))
            with open(dat, "w") as f:
                for i in range(len(b["lost"])):
                    x = -before + i * BIN_MS + BIN_MS / 2
                    # Stacked: primary, primary + standby, all.
                    p = b["primary"][i]
                    s = p + b["standby"][i]
                    f.write("%g %d %d %d\n" % (x, p, s, s + b["lost"][i]))
            lost = sum(b["lost"])
            gp += ["set title '%s: %s: %d lost'" % (mtitle, title, lost),
                   "set xrange [%d:%d]" % (-before, after),
                   "plot '%s' using 1:4 lc rgb '%s' title 'lost', "
                   "'' using 1:3 lc rgb '%s' title 'standby', "
                   "'' using 1:2 lc rgb '%s' title 'primary'" % (
                       dat, SERIES[2][1], SERIES[1][1], SERIES[0][1])]
    gp.append("unset multiplot")
    script = os.path.join(d, "timeline.gp")
    with open(script, "w") as f:
        f.write("\n".join(gp) + "\n")
    subprocess.run(["gnuplot", script], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
