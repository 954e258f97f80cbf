#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Figures of one vm suite run: vm_traffic.py's summary cut by the events.

  vm_report.py TRAFFIC.json EVENTS LABEL

EVENTS: lines "NAME NS" (CLOCK_REALTIME). The frames sent from one event to
the next form its window. Per window: frames sent, lost, the longest run of
lost frames (in frames and in ms at the sending rate) and, per path, the
time from the event to the send time of the first frame echoed by that
path. Prints a readable table, then one "LABEL.EVENT.KEY=VALUE" line per
figure for the shell to check.
"""

import json
import sys


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    d = json.load(open(sys.argv[1]))
    label = sys.argv[3]
    events = []
    for line in open(sys.argv[2]):
        name, ns = line.split()
        events.append((int(ns), name))
    events.sort()
    rate = d["rate"]
    t0 = d["t0_ns"]
    # Frame seq -> nominal send time is t0 + seq/rate; the runs carry the
    # real send time of their first frame, which is what is compared.
    lost_runs = d["lost_runs"]  # [first, last, t_first, t_last]
    paths = d["paths"]          # label -> [[first, last, t_first], ...]
    total = d["sent"]
    print("%s: sent %d, echoed %d, lost %d, duplicates %d (%g frames/s)" %
          (label, total, d["echoed"], d["lost"], d["duplicates"], rate))
    kv = {"%s.all.lost" % label: d["lost"], "%s.all.sent" % label: total,
          "%s.all.echoed" % label: d["echoed"]}
    def seq_at(ns):
        return int(max(0, min(total, -(-(ns - t0) * rate // 1_000_000_000))))

    for i, (ns, name) in enumerate(events):
        lo = seq_at(ns)
        hi = seq_at(events[i + 1][0]) if i + 1 < len(events) else total
        lost = longest = 0
        for f, l, _tf, _tl in lost_runs:
            f, l = max(f, lo), min(l, hi - 1)
            if f <= l:
                lost += l - f + 1
                longest = max(longest, l - f + 1)
        pre = "%s.%s." % (label, name)
        kv[pre + "sent"] = hi - lo
        kv[pre + "lost"] = lost
        kv[pre + "gap_ms"] = "%.1f" % (longest * 1000.0 / rate)
        firsts = []
        for p, runs in sorted(paths.items()):
            first = None
            n = 0
            for f, l, _tf in runs:
                f, l = max(f, lo), min(l, hi - 1)
                if f <= l:
                    n += l - f + 1
                    if first is None:
                        first = f
            kv[pre + p + ".echoes"] = n
            if first is not None:
                ms = (t0 + first * 1e9 / rate - ns) / 1e6
                kv[pre + p + ".first_ms"] = "%.1f" % ms
                firsts.append("%s %d, first after %.1f ms" % (p, n, ms))
        print("  %-9s +%7.3f s: sent %5d, lost %4d, longest gap %4d frames "
              "(%6.1f ms); echoes by %s" % (
                  name, (ns - t0) / 1e9, hi - lo, lost, longest,
                  longest * 1000.0 / rate, "; ".join(firsts) or "none"))
    for k, v in kv.items():
        print("%s=%s" % (k, v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
