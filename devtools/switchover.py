#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Switch-over scenarios on the e2e topology: generator, report, plot.

Helper of devtools/bench-switchover.sh and devtools/demo.sh. Subcommands:

  gen     test/e2e/pktgen.py (imported, unchanged) plus what the host does to
          the VF at the instant the generator moves: --actions A,B,... gives
          the action of the 1st, 2nd, ... switch of the sending interface:
            down  hvf0 administratively down (the VF loses its carrier)
            up    hvf0 up (re-opening the generator's socket first if hvf0 is
                  a new netdev, e.g. after "del" and a re-creation)
            del   hvf0 deleted (a veth pair goes as a whole: vf0 with it)
            none  nothing
          "up" runs synchronously at the move (no frame goes into a link still
          down), the event instant being the start of the call; "down" and
          "del" wait for RCU grace periods: they run in a thread started at
          the move, so the generator keeps its rate on hsyn0. "ms" = how long
          the kernel call took. Adds "events" to pktgen's JSON: per switch,
          frames lost among those sent until the next switch, first echo of a
          frame sent after it (any interface, and on each), echoes carried.
  report  median table over rounds, with targets (bench-switchover.sh)
  plot    echoes per ms on hvf0/hsyn0 around two events, gnuplot PNG
  story   short human-readable timeline of one run (demo.sh), merging the
          PMD's log lines time-stamped by "stamp"
  stamp   copies stdin to stdout, each line prefixed by CLOCK_MONOTONIC ns
"""

import argparse
import fcntl
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "test", "e2e"))

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
RTM_DELLINK = 17
NLM_F_REQUEST = 1
NLM_F_ACK = 4


def if_set_up(name, up):
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0) as s:
        req = struct.pack("16sH14x", name.encode(), 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, SIOCGIFFLAGS, req))[1]
        flags = flags | IFF_UP if up else flags & ~IFF_UP
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", name.encode(), flags))


def if_delete(name):
    idx = socket.if_nametoindex(name)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0) as s:
        body = struct.pack("BxHiII", socket.AF_UNSPEC, 0, idx, 0, 0)
        hdr = struct.pack("IHHII", 16 + len(body), RTM_DELLINK,
                          NLM_F_REQUEST | NLM_F_ACK, 1, 0)
        s.send(hdr + body)
        ack = s.recv(4096)
        err = struct.unpack_from("i", ack, 16)[0]
        if err:
            raise OSError(-err, os.strerror(-err))


def cmd_gen(argv):
    import pktgen  # test/e2e/pktgen.py

    # Split our own options off; the rest goes to pktgen's parser.
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--actions", default="")
    ours, rest = p.parse_known_args(argv)
    actions = [a for a in ours.actions.split(",") if a]
    for a in actions:
        if a not in ("down", "up", "del", "none"):
            raise SystemExit("gen: unknown action %r" % a)

    class Gen(pktgen.Gen):
        def __init__(self, a):
            super().__init__(a)
            self.ifindex = [socket.if_nametoindex(n) for n in self.ifaces]
            self.actions = list(actions)
            self.done = []          # per switch: action, ms it took, error
            self.threads = []

        def reopen(self, idx):
            super().reopen(idx)
            self.ifindex[idx] = socket.if_nametoindex(self.ifaces[idx])

        def switch(self, reason, target, now):
            k = len(self.switches)
            act = self.actions[k] if k < len(self.actions) else "none"
            vf = self.ifaces[0]
            rec = {"action": act, "ms": None, "error": None}
            self.done.append(rec)
            if act == "up":
                # Synchronous, so no frame goes into a link still down; the
                # frames due meanwhile go out right after ("ms" = how long it
                # took: usually < 1 ms, up to ~15 ms on a busy machine). The
                # event instant is the start of the call: the PMD may see
                # the link come up before the call returns.
                t = time.perf_counter_ns()
                try:
                    if socket.if_nametoindex(vf) != self.ifindex[0]:
                        self.reopen(0)
                        rec["reopened"] = True
                    if_set_up(vf, True)
                except OSError as e:
                    rec["error"] = str(e)
                rec["ms"] = round((time.perf_counter_ns() - t) / 1e6, 3)
                now = t
            super().switch(reason, target, now)
            if act not in ("down", "del"):
                return

            # Taking a netdev down or deleting it waits for RCU grace
            # periods (ms to tens of ms): in a thread started at the switch
            # instant, so the generator keeps its rate on the other path.
            def work():
                t = time.perf_counter_ns()
                rec["start_ms"] = round((t - now) / 1e6, 3)
                try:
                    if act == "del":
                        if_delete(vf)
                    else:
                        if_set_up(vf, False)
                except OSError as e:
                    rec["error"] = str(e)
                rec["ms"] = round((time.perf_counter_ns() - t) / 1e6, 3)
            th = threading.Thread(target=work, daemon=True)
            th.start()
            self.threads.append(th)

        def summary(self):
            for th in self.threads:
                th.join(10)
            out = super().summary()
            out["t0_monotonic_ns"] = self.t0   # perf_counter = CLOCK_MONOTONIC
            out["events"] = self.events()
            return out

        def events(self):
            t0, sent = self.t0, self.sent
            sw = self.switches
            bounds = [(0, 0)] + [(s["t_ns"], s["seq"]) for s in sw] + \
                [(self.t_end - t0, sent)]
            res = []
            # A "down"/"del" thread may start a few ms after the move (GIL,
            # a busy 2-CPU machine): the event is when its kernel call starts.
            for k, rec in enumerate(self.done):
                if rec.get("start_ms"):
                    bounds[k + 1] = (bounds[k + 1][0] +
                                     int(rec["start_ms"] * 1e6),
                                     bounds[k + 1][1])
            w = self.a.window
            for k in range(len(bounds) - 1):
                (ta, sa), (tb, sb) = bounds[k], bounds[k + 1]
                ta += t0
                tb += t0
                lo = ta - w * 1000000
                timeline = [[0] * (2 * w), [0] * (2 * w)]
                for t, i in zip(self.ev_ns, self.ev_if):
                    if lo <= t < ta + w * 1000000:
                        timeline[i][(t - lo) // 1000000] += 1
                lost = sum(1 for q in range(sa, sb) if not self.rx_n[q])
                first_any = None
                first_on = [None, None]
                carried = [0, 0]
                for q, t, i in zip(self.ev_seq, self.ev_ns, self.ev_if):
                    if t < ta or t >= tb:
                        continue
                    carried[i] += 1
                    if q < sa:
                        continue
                    d = round((t - ta) / 1e6, 3)
                    if first_any is None:
                        first_any = d
                    if first_on[i] is None:
                        first_on[i] = d
                e = {"t_ms": round((ta - t0) / 1e6, 3),
                     "sent": sb - sa, "lost": lost,
                     "first_echo_ms": first_any,
                     "first_echo_on_ms": dict(zip(self.ifaces, first_on)),
                     "echoes_on": dict(zip(self.ifaces, carried)),
                     "window_ms": w,
                     "timeline_per_ms": dict(zip(self.ifaces, timeline))}
                if k == 0:
                    e.update(action="start", to=self.ifaces[0])
                else:
                    e.update(self.done[k - 1])
                    e.update({"from": sw[k - 1]["from"], "to": sw[k - 1]["to"]})
                res.append(e)
            return res

    # pktgen's own main(), with our Gen.
    pktgen.Gen = Gen
    sys.argv = [sys.argv[0]] + rest
    return pktgen.main()


# ---------------------------------------------------------------- report

SCEN = [  # key, event index in the run (0 = start), title
    ("2", 1, "VF away (hvf0 down)"),
    ("3", 2, "VF back (hvf0 up)"),
    ("4a", 3, "VF netdev deleted"),
    ("4b", 4, "VF re-created+renamed, up"),
]
LOSS_TARGET = {"2": 10, "3": 0, "4a": 10, "4b": 0}
VF_TARGET_MS = 50.0
INF = float("inf")


def median(xs):
    xs = sorted(INF if x is None else x for x in xs)
    if not xs:
        return None
    n = len(xs)
    m = xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2
    return None if m == INF else m


def fmt_ms(x):
    return "never" if x is None else "%.1f" % x


def load_runs(d, cands):
    runs = {c: [] for c in cands}
    for c in cands:
        r = 1
        while True:
            f = os.path.join(d, "r%d-%s.json" % (r, c))
            if not os.path.exists(f):
                if os.path.exists(os.path.join(d, "r%d-%s.failed" % (r, c))):
                    r += 1
                    continue
                break
            with open(f) as fh:
                run = json.load(fh)
            run["pmd_switches"] = pmd_switches(f[:-5] + ".log",
                                               run.get("t0_monotonic_ns"))
            runs[c].append(run)
            r += 1
    return runs


def pmd_switches(log, t0):
    """ms (from the generator's start) of the PMD's "active path" lines in a
    testpmd output time-stamped by "stamp"."""
    res = []
    if t0 is None:
        return res
    try:
        with open(log, errors="replace") as f:
            for ln in f:
                ns, _, text = ln.partition("\t")
                if ns.isdigit() and "active path" in text:
                    res.append(((int(ns) - t0) / 1e6, text.strip()))
    except OSError:
        pass
    return res


def pmd_ms(run, idx):
    """ms from event idx to the PMD's first path change before the next."""
    evs = run["events"]
    t = evs[idx]["t_ms"]
    nxt = evs[idx + 1]["t_ms"] if idx + 1 < len(evs) else INF
    for ts, _ in run["pmd_switches"]:
        if t <= ts < nxt:
            return ts - t
    return None


def cmd_report(argv):
    p = argparse.ArgumentParser(prog="switchover.py report")
    p.add_argument("dir")
    p.add_argument("cands")
    a = p.parse_args(argv)
    cands = a.cands.split(",")
    runs = load_runs(a.dir, cands)
    print("%-13s %-3s %-26s %4s %7s %8s %8s %7s  %s" % (
        "candidate", "sc", "event", "runs", "lost", "new path", "any path",
        "PMD sw", "targets (lost / back on VF)"))
    print("%-13s %-3s %-26s %4s %7s %8s %8s %7s" % (
        "", "", "", "", "frames", "ms", "ms", "ms"))
    allmet = True
    for c in cands:
        for key, idx, title in SCEN:
            evs = [r["events"][idx] for r in runs[c] if len(r["events"]) > idx]
            if not evs:
                print("%-13s %-3s %-26s %4d  (no data)" % (c, key, title, 0))
                if c == "net_failover":
                    allmet = False
                continue
            lost = median([e["lost"] for e in evs])
            first = median([e["first_echo_ms"] for e in evs])
            onnew = median([e["first_echo_on_ms"][e["to"]] for e in evs])
            onvf = median([e["first_echo_on_ms"]["hvf0"] for e in evs])
            lt = LOSS_TARGET[key]
            lmet = lost is not None and lost <= lt
            tgt = "lost <= %d: %s" % (lt, "met" if lmet else "NOT met")
            met = lmet
            if key in ("3", "4b"):
                vmet = onvf is not None and onvf <= VF_TARGET_MS
                tgt += "; VF <= %.0f ms: %s" % (VF_TARGET_MS,
                                                "met" if vmet else "NOT met")
                met = met and vmet
            if c == "net_failover" and not met:
                allmet = False
            sw = [pmd_ms(r, idx) for r in runs[c] if len(r["events"]) > idx]
            pmd = "-" if all(x is None for x in sw) else fmt_ms(median(sw))
            print("%-13s %-3s %-26s %4d %7s %8s %8s %7s  %s" % (
                c, key, title, len(evs), "%g" % lost, fmt_ms(onnew),
                fmt_ms(first), pmd, tgt))
        print()
    print("medians over rounds. lost = frames sent from the event to the "
          "next one that never came back;\nnew path = ms from the event to "
          "the first echo of a frame sent after it, on the interface the "
          "generator\nmoved to (hsyn0 in 2 and 4a; hvf0 in 3 and 4b = back on "
          "the VF); any path = the same on either interface;\nPMD sw = ms to "
          "net_failover's log line 'active path X -> Y' (time-stamped as "
          "testpmd printed it).\nEvent instant: start of the kernel call "
          "that takes hvf0 down / deletes it / sets it up.")
    print("net_failover: all targets %s" % ("met" if allmet else "NOT met"))
    return 0


def cmd_plot(argv):
    p = argparse.ArgumentParser(prog="switchover.py plot")
    p.add_argument("dir")
    p.add_argument("cands")
    p.add_argument("png")
    a = p.parse_args(argv)
    cands = a.cands.split(",")
    runs = load_runs(a.dir, cands)
    rows = [s for s in SCEN if s[0] in ("2", "3")]
    gp = ["set terminal pngcairo noenhanced size %d,%d font 'sans,9'" % (
        430 * len(cands), 330 * len(rows) + 40),
        "set output '%s'" % a.png,
        "set multiplot layout %d,%d title 'net_failover bench-switchover: "
        "echoes per ms on each host interface (10 000 frames/s = 10 per ms "
        "sent), event at 0 ms; bursts above 40 clipped' font 'sans,11'"
        % (len(rows), len(cands)),
        "set xrange [-200:200]", "set yrange [0:40]", "set xtics 50",
        "set style fill transparent solid 0.45 noborder",
        "set grid", "set key top left", "set xlabel 'ms from the event'",
        "set ylabel 'echoes / ms'", "set arrow from 0, graph 0 to 0, graph 1 "
        "nohead dt 2 lc rgb 'gray40'"]
    for key, idx, title in rows:
        for c in cands:
            evs = [(r["events"][idx]["lost"], i, r) for i, r in
                   enumerate(runs[c]) if len(r["events"]) > idx]
            if not evs:
                gp += ["set title '%s: no data'" % c, "plot 0 notitle"]
                continue
            # The round with the median loss is the one shown.
            evs.sort(key=lambda x: (x[0], x[1]))
            lost, i, r = evs[(len(evs) - 1) // 2]
            sw = r["events"][idx]
            w = sw["window_ms"]
            dat = os.path.join(a.dir, "plot-%s-%s.dat" % (key, c))
            with open(dat, "w") as f:
                tl = sw["timeline_per_ms"]
                for ms in range(2 * w):
                    f.write("%d %d %d\n" % (ms - w, tl["hvf0"][ms],
                                            tl["hsyn0"][ms]))
            ev = r["events"][idx]
            fe = ev["first_echo_ms"]
            gp += ["set title \"%s — scenario %s: %s\\nround %d: %d lost, "
                   "first echo %s\"" % (
                       c, key, title, i + 1, lost,
                       "never" if fe is None else "after %.1f ms" % fe),
                   "plot '%s' using 1:2 with fillsteps lc rgb '#1f77b4' "
                   "title 'hvf0 (VF)', '' using 1:3 with fillsteps "
                   "lc rgb '#d62728' title 'hsyn0 (synthetic)'" % dat]
    gp.append("unset multiplot")
    script = os.path.join(a.dir, "plot.gp")
    with open(script, "w") as f:
        f.write("\n".join(gp) + "\n")
    subprocess.run(["gnuplot", script], check=True)
    return 0


# ---------------------------------------------------------------- story

def cmd_story(argv):
    p = argparse.ArgumentParser(prog="switchover.py story")
    p.add_argument("json", help="summary of switchover.py gen")
    p.add_argument("log", help="testpmd output through switchover.py stamp")
    a = p.parse_args(argv)
    with open(a.json) as f:
        d = json.load(f)
    evs = d["events"]
    t0 = d["t0_monotonic_ns"]
    items = []     # (ms, who, text)
    prefix = "net_failover net_failover0: "
    try:
        with open(a.log, errors="replace") as f:
            for ln in f:
                ns, _, text = ln.rstrip("\n").partition("\t")
                if not text.startswith(prefix) or not ns.isdigit():
                    continue
                items.append(((int(ns) - t0) / 1e6, "PMD ",
                              text[len(prefix):]))
    except OSError:
        pass
    what = {"down": "host takes the VF away: hvf0 down, generator moves "
                    "to hsyn0",
            "up": "host gives the VF back: hvf0 up, generator moves to hvf0"}
    for k, e in enumerate(evs):
        t = e["t_ms"]
        if e["action"] == "start":
            items.append((t, "host", "generator starts: %g frames/s out of "
                          "hvf0 (VF path)" % d["rate"]))
        else:
            items.append((t, "host", "%s (kernel call %.1f ms)" % (
                what.get(e["action"], e["action"]), e["ms"] or 0)))
        on = e["first_echo_on_ms"]
        for i, path in (("hvf0", "VF"), ("hsyn0", "synthetic")):
            if on[i] is not None:
                items.append((t + on[i], "host", "first echo on %s (%s "
                              "path): %.1f ms after that" % (i, path, on[i])))
    end = d["elapsed_s"] * 1e3
    items.append((end, "host", "generator stops"))
    items.sort(key=lambda x: x[0])
    print("timeline, ms from the generator's start (PMD lines time-stamped "
          "as testpmd printed them):")
    for t, who, text in items:
        print("  %9.1f  %s  %s" % (t, who, text))
    print("what each path carried (echoes counted on the host side):")
    names = {"start": "VF", "down": "VF away", "up": "VF back"}
    for k, e in enumerate(evs):
        t1 = evs[k + 1]["t_ms"] if k + 1 < len(evs) else end
        print("  %-8s %6.0f-%4.0f ms: %5d sent, %4d lost; echoes on hvf0 "
              "%5d, on hsyn0 %5d" % (
                  names.get(e["action"], e["action"]), e["t_ms"], t1,
                  e["sent"], e["lost"], e["echoes_on"]["hvf0"],
                  e["echoes_on"]["hsyn0"]))
    print("  total: %d sent, %d echoed, %d lost, %d duplicates; latency "
          "p50 %s us, p99 %s us" % (
              d["sent"], d["echoed"], d["lost"], d["duplicates"],
              d["latency_us"]["p50"], d["latency_us"]["p99"]))
    # Did it work? Echoes on hsyn0 after the VF left, on hvf0 once it is back.
    ok = True
    down = next((e for e in evs if e["action"] == "down"), None)
    up = next((e for e in evs if e["action"] == "up"), None)
    if down is None or down["first_echo_on_ms"]["hsyn0"] is None:
        print("FAILED: no echo on the synthetic path after the VF went away")
        ok = False
    if up is None or up["first_echo_on_ms"]["hvf0"] is None:
        print("FAILED: no echo back on the VF after it returned")
        ok = False
    return 0 if ok else 1


def cmd_stamp(argv):
    """stdin -> stdout, each line prefixed with CLOCK_MONOTONIC ns and a tab."""
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        out.write(b"%d\t" % time.perf_counter_ns() + line)
        out.flush()
    return 0


def main():
    cmds = {"gen": cmd_gen, "report": cmd_report, "plot": cmd_plot,
            "story": cmd_story, "stamp": cmd_stamp}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
