#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Helper of devtools/bench-exception.sh.

  exception.py rate K0 K1 SIDE IFNAME KEY
      packets/s of one kernel counter between two snapshots of the script
      (SIDE g = guest namespace, h = host namespace).
  exception.py report DIR CANDIDATES GENERATOR
      The table (median Mpps per candidate and column), the ratios, where
      frames were lost, and the two targets, from the files the script left
      in DIR (see bench-exception.sh: w/<round>-<cand>-<mode>.*).
"""

import glob
import json
import os
import re
import statistics
import sys

MODES = ("rxonly", "txonly", "macswap")
COLS = {"rxonly": "into guest", "txonly": "guest -> host", "macswap": "round trip"}
LABEL = {
    "generator": "generator alone (guest drops)",
    "fo-tap": "failover, exception=tap",
    "fo-xdp": "failover, exception=af_xdp",
    "fo-default": "failover, default (no exception=)",
    "tap": "bare net_tap + tc",
    "af_packet": "bare net_af_packet on syn0",
    "af_xdp": "bare net_af_xdp on syn0",
    "fo-explicit": "failover explicit af_packet+af_xdp",
    "kernel": "kernel alone (tc bounce on syn0)",
}


def links(path):
    """Counters of every netdev in an 'ip -s -j link show' output."""
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    res = {}
    for d in data:
        s = d.get("stats64", {})
        rx, tx = s.get("rx", {}), s.get("tx", {})
        res[d["ifname"]] = {
            "rx_packets": rx.get("packets", 0), "rx_dropped": rx.get("dropped", 0),
            "rx_errors": rx.get("errors", 0), "rx_missed": rx.get("missed", 0),
            "tx_packets": tx.get("packets", 0), "tx_dropped": tx.get("dropped", 0),
            "tx_errors": tx.get("errors", 0),
        }
    return res


def softnet_drops(path):
    """Second column of /proc/net/softnet_stat (backlog full), all CPUs."""
    try:
        with open(path) as f:
            return sum(int(line.split()[1], 16) for line in f if line.strip())
    except (OSError, ValueError, IndexError):
        return 0


def snap(base):
    """A snapshot left by the script's snap(): BASE.{t,g,h,sn}."""
    try:
        with open(base + ".t") as f:
            t = [float(x) for x in f.read().split()]
    except (OSError, ValueError):
        return None
    g, h = links(base + ".g"), links(base + ".h")
    if g is None or h is None or len(t) != 3:
        return None
    # Each side's counters were read between two of the time stamps.
    return {"tg": (t[0] + t[1]) / 2, "th": (t[1] + t[2]) / 2, "g": g, "h": h,
            "softnet": softnet_drops(base + ".sn")}


# --- testpmd output ----------------------------------------------------------

def num(pat, text, default=None):
    m = re.search(pat, text)
    return int(m.group(1)) if m else default


def port_stats(path):
    """'show port stats all' of port 0 (the only port)."""
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return None
    if "NIC statistics for port" not in text:
        return None
    return {
        "rx": num(r"RX-packets:\s*(\d+)", text, 0),
        "missed": num(r"RX-missed:\s*(\d+)", text, 0),
        "rx_err": num(r"RX-errors:\s*(\d+)", text, 0),
        "nombuf": num(r"RX-nombuf:\s*(\d+)", text, 0),
        "tx": num(r"TX-packets:\s*(\d+)", text, 0),
        "tx_err": num(r"TX-errors:\s*(\d+)", text, 0),
        "rx_pps": num(r"Rx-pps:\s*(\d+)", text, 0),
        "tx_pps": num(r"Tx-pps:\s*(\d+)", text, 0),
    }


def xstats(path):
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return {}
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^\s*([A-Za-z0-9_\[\]\.\-]+):\s+(\d+)\s*$", text, re.M)}


def fwd_stats(path):
    """RX-dropped / TX-dropped / TX-total of the phase, from 'stop'."""
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return None
    m = re.search(r"Forward statistics for port 0.*?RX-packets:\s*(\d+)\s+RX-dropped:\s*(\d+)"
                  r".*?TX-packets:\s*(\d+)\s+TX-dropped:\s*(\d+)", text, re.S)
    if not m:
        return None
    return {"rx": int(m.group(1)), "rx_dropped": int(m.group(2)),
            "tx": int(m.group(3)), "tx_dropped": int(m.group(4))}


# --- report ------------------------------------------------------------------

class Window:
    """One measured window of one candidate, mode and round: every counter as
    a rate over the interval of its own reads (each namespace's netdevs, the
    guest testpmd's two "show port stats"), which keeps the small offsets
    between those reads out of the comparison."""

    def __init__(self, base):
        self.k0 = snap(base + ".k0")
        self.k1 = snap(base + ".k1")
        self.p0 = port_stats(base + ".p0")
        self.p1 = port_stats(base + ".p1")
        self.x0 = xstats(base + ".x0")
        self.x1 = xstats(base + ".x1")
        self.stop = fwd_stats(base + ".stop")
        self.ok = self.k0 is not None and self.k1 is not None
        self.dtp = None
        if self.p0 and self.p1:
            # testpmd timed the window between its two "show"s and printed
            # the rate: that gives its interval.
            for key, pps in (("rx", "rx_pps"), ("tx", "tx_pps")):
                if self.p1[pps] > 0 and self.p(key) > 0:
                    self.dtp = self.p(key) / self.p1[pps]
                    break
            if self.dtp is None and self.ok:
                self.dtp = self.k1["tg"] - self.k0["tg"]

    def kr(self, side, ifname, key):
        """packets/s of a netdev counter; side "g" (guest) or "h" (host)."""
        try:
            d = self.k1[side][ifname][key] - self.k0[side][ifname][key]
        except KeyError:
            return 0.0
        dt = self.k1["t" + side] - self.k0["t" + side]
        return d / dt if dt > 0 else 0.0

    def p(self, key):
        if self.p0 is None or self.p1 is None:
            return 0
        return self.p1[key] - self.p0[key]

    def pr(self, key):
        """packets/s of a testpmd port counter."""
        return self.p(key) / self.dtp if self.dtp else 0.0

    def xr(self, name):
        if name not in self.x0 or name not in self.x1 or not self.dtp:
            return 0.0
        return (self.x1[name] - self.x0[name]) / self.dtp

    def ifnames(self, side):
        return sorted(set(self.k0[side]) & set(self.k1[side])) if self.ok else []


def mpps(v):
    return "%.3f" % (v / 1e6)


def kpps(v):
    return "%.1f kpps" % (v / 1e3)


def pct(part, whole):
    return "%.1f%%" % (100.0 * part / whole) if whole > 0 else "-"


def rate_of(cand, mode, w):
    """The number of the table's cell, in packets/s, or None."""
    if not w.ok:
        return None
    if cand == "generator":
        return w.kr("h", "hsyn0", "tx_packets") if mode == "rxonly" else None
    if cand == "kernel":
        if mode == "rxonly":
            return w.kr("g", "syn0", "rx_packets")
        if mode == "macswap":
            return w.kr("h", "hsyn0", "rx_packets")
        return None
    if mode == "rxonly":
        # testpmd's own rate over the window (it times its two "show"s).
        return float(w.p1["rx_pps"]) if w.p1 else None
    return w.kr("h", "hsyn0", "rx_packets")


DROPKEYS = ("rx_dropped", "tx_dropped", "rx_errors", "tx_errors", "rx_missed")
XDROP = re.compile(r"drop|miss|nombuf|err|full|fail|discard", re.I)
# ethdev's own xstats, the same as the port stats printed already.
GENERIC_X = re.compile(r"(rx|tx)_(missed_errors|errors|q\d+_errors)$|rx_mbuf_allocation_errors$")


def losses(cand, mode, ws):
    """Where frames went: mean rates over the windows, a list of lines."""
    n = len(ws)

    def mean(f):
        return sum(f(w) for w in ws) / n

    sent = mean(lambda w: w.kr("h", "hsyn0", "tx_packets"))
    arrived = mean(lambda w: w.kr("h", "hsyn0", "rx_packets"))
    syn_rx = mean(lambda w: w.kr("g", "syn0", "rx_packets"))
    app_rx = mean(lambda w: w.pr("rx"))
    app_tx = mean(lambda w: w.pr("tx"))
    guest_app = cand not in ("generator", "kernel")
    inbound = mode in ("rxonly", "macswap")
    out = []
    if inbound:
        head = "generator sent %s into syn0" % kpps(sent)
        head += ", syn0 received %s" % kpps(syn_rx)
        if guest_app:
            head += ", application received %s (%s)" % (kpps(app_rx), pct(app_rx, sent))
        if mode == "macswap":
            if guest_app:
                head += ", sent back %s" % kpps(app_tx)
            head += ", echoes on hsyn0 %s (%s)" % (kpps(arrived), pct(arrived, sent))
        base = sent
    else:
        head = "application sent %s, on hsyn0 %s (%s)" % (kpps(app_tx), kpps(arrived),
                                                         pct(arrived, app_tx))
        base = app_tx
    out.append(head)
    counters = []
    for side, sname in (("g", "guest"), ("h", "host")):
        names = set()
        for w in ws:
            names |= set(w.ifnames(side))
        for ifn in sorted(names - {"lo"}):
            for key in DROPKEYS:
                if (side, ifn, key) == ("h", "hsyn0", "rx_dropped"):
                    continue  # arrived and counted; the generator reads none
                v = mean(lambda w: w.kr(side, ifn, key))
                if v > 0:
                    counters.append(("%s %s %s" % (sname, ifn, key), v))
    if guest_app:
        for key, name in (("missed", "app RX-missed"), ("nombuf", "app RX-nombuf (mempool empty)"),
                          ("rx_err", "app RX-errors"), ("tx_err", "app TX-errors")):
            v = mean(lambda w: w.pr(key))
            if v > 0:
                counters.append((name, v))
        names = set()
        for w in ws:
            names |= {x for x in w.x1 if XDROP.search(x) and not GENERIC_X.match(x)}
        for name in sorted(names):
            v = mean(lambda w: w.xr(name))
            if v > 0:
                counters.append(("xstat " + name, v))
    for name, v in counters:
        note = ""
        if name == "guest syn0 rx_dropped":
            note = "; veth: XDP redirect to the XSK failed (ring full) or ring to the stack full"
        elif name == "host hsyn0 tx_dropped":
            note = "; veth could not queue into syn0 (guest backlog/ring full)"
        elif re.match(r"guest (?!syn0|vf0)\S+ tx_dropped", name):
            note = "; the TAP's queue full: the application did not read fast enough"
        elif name == "app RX-missed":
            note = "; the PMD's count (AF_XDP: fill ring empty)"
        out.append("%s %s (%s%s)" % (name, kpps(v), pct(v, base), note))
    softnet = mean(lambda w: (w.k1["softnet"] - w.k0["softnet"]) / (w.k1["th"] - w.k0["tg"]))
    if softnet > 0:
        out.append("softnet backlog drops, whole machine: %s" % kpps(softnet))
    stops = [w.stop for w in ws if w.stop]
    if guest_app and stops:
        tdrop = sum(s["tx_dropped"] for s in stops)
        ttot = sum(s["tx"] + s["tx_dropped"] for s in stops)
        if tdrop:
            what = ("back-pressure: txonly tries again, not a loss" if mode == "txonly"
                    else "those frames were freed: lost")
            out.append("tx_burst refused %s of the frames offered (%s)" % (pct(tdrop, ttot), what))
    if guest_app and inbound:
        d = dict(counters)
        # An XSK's failed redirect shows both as syn0 rx_dropped and (fill
        # ring empty) as RX-missed: counted once.
        known = (max(d.get("guest syn0 rx_dropped", 0), d.get("app RX-missed", 0)) +
                 d.get("host hsyn0 tx_dropped", 0) + d.get("app RX-nombuf (mempool empty)", 0) +
                 sum(v for k, v in d.items() if re.match(r"guest (?!syn0|vf0)\S+ tx_dropped", k)))
        rest = sent - app_rx - known
        hint = "counter skew, or a drop no counter shows"
        if cand == "af_packet":
            hint = "mostly net_af_packet's socket ring full: DPDK 22.11 does not report tp_drops"
        out.append("inbound loss not located: %s (%s; %s)" % (kpps(rest), pct(rest, sent), hint))
    return out


def median(v):
    return statistics.median(v) if v else None


def report(d, cands, gen):
    rates = {}
    lossinfo = {}
    na = {}
    info = {}
    offpath = {}
    for c in cands:
        p = os.path.join(d, "na-" + c)
        if os.path.exists(p):
            na[c] = open(p).read().strip()
        p = os.path.join(d, "info-" + c)
        if os.path.exists(p):
            info[c] = open(p).read().strip()
        for m in MODES:
            ws = []
            # The kernel row has one window, macswap, that gives both columns.
            fm = "macswap" if (c, m) == ("kernel", "rxonly") else m
            for base in sorted(glob.glob(os.path.join(d, "w", "*-%s-%s.k1.t" % (c, fm)))):
                w = Window(base[:-5])
                r = rate_of(c, m, w)
                if r is not None:
                    rates.setdefault((c, m), []).append(r)
                    ws.append(w)
                    # net_failover's xstat: 2 = the synthetic NIC's path.
                    if w.x1.get("active_path", 2) != 2:
                        offpath[c] = offpath.get(c, 0) + 1
            if ws and fm == m:
                lossinfo[(c, m)] = losses(c, m, ws)
    med = {k: median(v) for k, v in rates.items()}
    ceiling = med.get(("generator", "rxonly"))

    def cell(c, m):
        if (c, m) in med:
            v = rates[(c, m)]
            s = mpps(med[(c, m)])
            if len(v) > 1:
                s += " (%.2f-%.2f)" % (min(v) / 1e6, max(v) / 1e6)
            if m != "txonly" and c != "generator" and ceiling and med[(c, m)] >= 0.9 * ceiling:
                s += " *"
            return s
        if (c == "generator" and m != "rxonly") or (c == "kernel" and m == "txonly"):
            return "-"
        return "n/a"

    bare = [c for c in ("af_xdp", "af_packet") if (c, "macswap") in med]
    best = max(bare, key=lambda c: med[(c, "macswap")]) if bare else None

    print("Mpps of 64-byte frames, median of the windows (min-max). into guest = the guest "
          "application's Rx rate (testpmd rxonly; kernel: syn0's rx); guest -> host = frames/s "
          "arriving on hsyn0 from testpmd txonly; round trip = echoes/s arriving on hsyn0 "
          "(testpmd macswap; kernel: the tc bounce); rt/best = round trip / the best bare "
          "kernel-side path's (%s); * = at least 90%% of the generator's ceiling: the "
          "generator, not the candidate, may be the limit." % (best or "none measured"))
    w0 = max(len(LABEL.get(c, c)) for c in cands) + 2
    hdr = "%-*s %-21s %-21s %-21s %7s" % (w0, "candidate", COLS["rxonly"], COLS["txonly"],
                                           COLS["macswap"], "rt/best")
    print(hdr)
    print("-" * len(hdr))
    for c in cands:
        label = LABEL.get(c, c)
        if c in na and not any((c, m) in med for m in MODES):
            print("%-*s %s" % (w0, label, "n/a: " + na[c]))
            continue
        ratio = ""
        if best and (c, "macswap") in med:
            ratio = "%.2f" % (med[(c, "macswap")] / med[(best, "macswap")])
        print("%-*s %-21s %-21s %-21s %7s" % (w0, label, cell(c, "rxonly"), cell(c, "txonly"),
                                               cell(c, "macswap"), ratio))
    print()
    if ceiling:
        print("generator: %s; its ceiling (sending into syn0 with no application in the guest, "
              "frames to another MAC that the guest's kernel drops at once; hsyn0 tx "
              "packets/s, median): %s Mpps" % (gen, mpps(ceiling)))
    for c in cands:
        if c in info:
            print("%s: %s" % (c, info[c]))
    for c in cands:
        if c in offpath:
            print("WARNING: %s was not on the synthetic path (xstat active_path != 2) at the "
                  "end of %d window(s)" % (c, offpath[c]))
    print()
    print("where frames were lost (mean rates over the windows; % of what was sent in that "
          "direction; hsyn0 counts every frame that reaches it, the generator reads none; "
          "the counters are read at slightly different instants, so a few % either way "
          "is skew):")
    for c in cands:
        for m in MODES:
            if (c, m) not in lossinfo:
                continue
            items = lossinfo[(c, m)]
            print("  %-12s %-14s %s" % (c, COLS[m] + ":", items[0]))
            for it in items[1:]:
                print("  %-12s %-14s   %s" % ("", "", it))
    print()

    def ratio(a, b):
        if a in med and b in med and med[b] > 0:
            return med[a] / med[b]
        return None

    x = ratio(("fo-default", "macswap"), (best, "macswap")) if best else None
    if x is not None:
        tail = ": %s" % ("met" if x >= 0.9 else "NOT met")
    elif ("fo-default", "macswap") not in med:
        tail = " (failover default not measured)"
    else:
        tail = " (no bare af_xdp or af_packet round trip measured)"
    print("failover default synthetic path round trip / best bare kernel-side path (%s) = %s "
          "(target >= 0.9)%s" % (best or "af_xdp or af_packet",
                                 "n/a" if x is None else "%.2f" % x, tail))
    y = ratio(("fo-default", "macswap"), ("fo-tap", "macswap"))
    if y is not None:
        tail = ": %s" % ("met" if y >= 4 else "NOT met")
    elif ("fo-tap", "macswap") not in med:
        tail = " (exception=tap: %s)" % na.get("fo-tap", "not measured")
        if "net_tap" in info.get("fo-default", ""):
            tail += "; this build's default is itself the TAP path"
    else:
        tail = " (failover default not measured)"
    print("failover default / failover exception=tap = %s (target >= 4)%s" % (
        "n/a" if y is None else "%.2f" % y, tail))


def main():
    if len(sys.argv) == 7 and sys.argv[1] == "rate":
        w = Window.__new__(Window)
        w.k0, w.k1 = snap(sys.argv[2]), snap(sys.argv[3])
        print("%.0f" % (w.kr(*sys.argv[4:7]) if w.k0 and w.k1 else 0))
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3].split(","), sys.argv[4])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
