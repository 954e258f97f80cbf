#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Soak of the VF flapping and coming and going, under traffic.

Helper of devtools/bench-soak.sh. Subcommands:

  gen     test/e2e/pktgen.py (imported, unchanged) in the host namespace,
          plus a seeded random plan of host events, each at a random 5-60 ms
          after the previous one:
            down  hvf0 administratively down (the VF loses its carrier) and
                  the generator moves to hsyn0 at the same instant
            up    hvf0 up and the generator back on hvf0 at the same instant
            del   the VF netdev leaves the guest (vf0 deleted, hvf0 with it),
                  the generator moves to hsyn0
            add   ~0.3 s later the VF is back: a new vf0 (new ifindex, the
                  pair's MAC) in the guest, up, its peer hvf0 still down;
                  the generator stays on hsyn0
            carrier  --return-ms later hvf0 up (the VF's carrier) and the
                  generator follows it onto the new hvf0
          Writes pktgen's summary plus "events" (per event: frames lost among
          those sent until the next event, ms to the first echo of a frame
          sent after it on the new path) and "outages" (runs of consecutive
          lost frames).
  report  summary of one run: events, losses, outages with the PMD's log
          lines around them, counters, resources; exit 1 on a crash or leak
"""

import argparse
import bisect
import fcntl
import json
import os
import queue
import random
import re
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
MOVES = ("down", "up", "del", "carrier")   # events that move the generator


def if_set_up(name, up):
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0) as s:
        req = struct.pack("16sH14x", name.encode(), 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, SIOCGIFFLAGS, req))[1]
        flags = flags | IFF_UP if up else flags & ~IFF_UP
        fcntl.ioctl(s, SIOCSIFFLAGS,
                    struct.pack("16sH14x", name.encode(), flags))


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


def schedstat(path):
    """ns on the CPU, ns waiting for it, time slices (sched accounting)."""
    try:
        with open(path) as f:
            return [int(x) for x in f.read().split()[:3]]
    except (OSError, ValueError):
        return [0, 0, 0]


def plan(flaps, recreate, seed, warmup, lo_ms, hi_ms, gone_s, return_ms):
    """[(t_s, action)]: flaps and re-creations, the latter spread evenly."""
    rng = random.Random(seed)
    kinds = ["flap"] * flaps
    for k in range(recreate):
        kinds.insert((k + 1) * len(kinds) // (recreate + 1) + k, "recreate")
    t = warmup
    out = []
    for kind in kinds:
        if kind == "flap":
            out.append((t, "down"))
            t += rng.uniform(lo_ms, hi_ms) / 1e3
            out.append((t, "up"))
        else:
            out.append((t, "del"))
            t += gone_s
            out.append((t, "add"))
            t += return_ms / 1e3
            out.append((t, "carrier"))
        t += rng.uniform(lo_ms, hi_ms) / 1e3
    return out


# ---------------------------------------------------------------- gen

def cmd_gen(argv):
    import pktgen  # test/e2e/pktgen.py

    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--flaps", type=int, default=0)
    p.add_argument("--recreate", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--tail", type=float, default=3.0)
    p.add_argument("--min-ms", type=float, default=5.0)
    p.add_argument("--max-ms", type=float, default=60.0)
    p.add_argument("--gone-s", type=float, default=0.3)
    p.add_argument("--return-ms", type=float, default=200.0)
    p.add_argument("--guest", required=True)
    p.add_argument("--host", required=True)
    p.add_argument("--vf-index", type=int, default=0,
                   help="first ifindex of a re-created vf0 (0: kernel's)")
    p.add_argument("--hvf-index", type=int, default=0,
                   help="first ifindex of a re-created hvf0 (0: kernel's)")
    p.add_argument("--mac", required=True, help="the pair's MAC (vf0)")
    ours, rest = p.parse_known_args(argv)
    events = plan(ours.flaps, ours.recreate, ours.seed, ours.warmup,
                  ours.min_ms, ours.max_ms, ours.gone_s, ours.return_ms)
    duration = (events[-1][0] if events else ours.warmup) + ours.tail
    rest += ["--duration", "%.3f" % duration] + sum(
        (["--switch-at", "%.6f" % t] for t, _ in events), [])

    class Gen(pktgen.Gen):
        def __init__(self, a):
            super().__init__(a)
            self.ifindex = [socket.if_nametoindex(n) for n in self.ifaces]
            self.plan = events
            self.recs = []
            self.work = queue.Queue()
            self.worker = threading.Thread(target=self.serve, daemon=True)
            self.worker.start()
            self.n_added = 0

        def serve(self):
            while True:
                job = self.work.get()
                if job is None:
                    self.work.task_done()
                    return
                rec, fn, t_ev = job
                t = time.perf_counter_ns()
                # How long the step waited for the earlier ones (or for the
                # CPU) after its planned instant.
                rec["queued_ms"] = round((t - t_ev) / 1e6, 3)
                try:
                    fn()
                except (OSError, subprocess.CalledProcessError) as e:
                    rec["error"] = str(e)
                rec["ms"] = round((time.perf_counter_ns() - t) / 1e6, 3)
                self.work.task_done()

        def reopen(self, idx):
            super().reopen(idx)
            self.ifindex[idx] = socket.if_nametoindex(self.ifaces[idx])

        def add_vf(self):
            k = self.n_added
            self.n_added += 1
            gi = ["index", str(ours.vf_index + k)] if ours.vf_index else []
            hi = ["index", str(ours.hvf_index + k)] if ours.hvf_index else []
            mac = "02:00:00:%02x:%02x:%02x" % tuple(os.urandom(3))
            subprocess.run(["ip", "-n", ours.guest, "link", "add", "vf0"] +
                           gi + ["address", ours.mac, "type", "veth", "peer",
                                 "name", "hvf0", "netns", ours.host] + hi +
                           ["address", mac], check=True)
            subprocess.run(["ip", "-n", ours.guest, "link", "set", "vf0",
                            "up"], check=True)

        def switch(self, reason, target, now):
            k = len(self.recs)
            t_plan, act = self.plan[k]
            vf = self.ifaces[0]
            rec = {"k": k, "action": act, "t_ns": now - self.t0,
                   "plan_ms": round(t_plan * 1e3, 3), "ms": None,
                   "error": None, "from": self.ifaces[self.active],
                   "seq": self.sent}
            self.recs.append(rec)
            # Every step runs in the worker, in the plan's order: the send
            # loop never waits for a kernel call (it would burst after it),
            # and the generator moves only when the worker gets there. The
            # event instant is then: down/del = the move, just before the
            # call; up/carrier = the start of the call, the move right after
            # it (no frame goes into a link still down).
            if act in ("up", "carrier"):
                rec["to"] = vf
                self.work.put((rec, lambda: self.vf_up(rec), now))
            elif act == "add":
                rec["to"] = None
                self.work.put((rec, self.add_vf, now))
            else:
                rec["to"] = self.ifaces[1]
                fn = if_delete if act == "del" else \
                    (lambda n: if_set_up(n, False))
                self.work.put((rec, lambda: self.vf_away(rec, fn), now))

        def moved(self, rec, t, idx):
            rec["t_ns"] = t - self.t0
            rec["seq"] = self.sent
            rec["from"] = self.ifaces[self.active]
            self.active = idx

        def vf_away(self, rec, fn):
            self.moved(rec, time.perf_counter_ns(), 1)
            fn(self.ifaces[0])

        def vf_up(self, rec):
            vf = self.ifaces[0]
            t = time.perf_counter_ns()
            try:
                if socket.if_nametoindex(vf) != self.ifindex[0]:
                    self.reopen(0)
                if_set_up(vf, True)
            finally:
                self.moved(rec, t, 0)

        def run(self):
            self.sched0 = schedstat("/proc/self/schedstat")
            super().run()
            self.sched1 = schedstat("/proc/self/schedstat")

        def summary(self):
            self.work.put(None)
            self.worker.join(30)
            self.switches = []          # pktgen's per-switch view: too slow
            out = super().summary()
            out["t0_monotonic_ns"] = self.t0
            out["events"] = self.events()
            out["outages"] = self.outages()
            out["gen_lateness"] = self.lateness()
            out["actions"] = [dict(r, t_ms=round(r["t_ns"] / 1e6, 3))
                              for r in self.recs]
            out["gen_sched"] = [b - a for a, b in zip(self.sched0,
                                                      self.sched1)]
            out["plan"] = {k: getattr(ours, k) for k in (
                "flaps", "recreate", "seed", "min_ms", "max_ms", "gone_s",
                "return_ms")}
            return out

        def events(self):
            moves = [r for r in self.recs if r["action"] in MOVES]
            res = []
            for j, r in enumerate(moves):
                sa = r["seq"]
                sb = moves[j + 1]["seq"] if j + 1 < len(moves) else self.sent
                t_ev = self.t0 + r["t_ns"]
                to = self.ifaces.index(r["to"])
                lost = 0
                first_new = first_any = None
                for q in range(sa, sb):
                    if not self.rx_n[q]:
                        lost += 1
                        continue
                    t = self.rx_first_ns[q]
                    if first_any is None or t < first_any:
                        first_any = t
                    if self.rx_if[q] == to and (first_new is None or
                                                t < first_new):
                        first_new = t
                e = dict(r)
                e.update(sent=sb - sa, lost=lost,
                         t_ms=round(r["t_ns"] / 1e6, 3),
                         first_echo_ms=None if first_new is None else
                         round((first_new - t_ev) / 1e6, 3),
                         first_echo_any_ms=None if first_any is None else
                         round((first_any - t_ev) / 1e6, 3))
                e["gen_late_ms"] = self.late(sa, sb)
                del e["t_ns"]
                res.append(e)
            return res

        def outages(self):
            """Runs of consecutive lost frames: first seq, count, send ms."""
            res = []
            q, n = 0, self.sent
            while q < n:
                if self.rx_n[q]:
                    q += 1
                    continue
                s = q
                while q < n and not self.rx_n[q]:
                    q += 1
                res.append({"seq": s, "frames": q - s,
                            "t_ms": round((self.tx_ns[s] - self.t0) / 1e6, 3),
                            "end_ms": round((self.tx_ns[q - 1] - self.t0)
                                            / 1e6, 3),
                            "gen_late_ms": self.late(s - 1000, q)})
            return res

        def late(self, lo, hi):
            """Most ms a frame in [lo, hi) left after its due time: the
            generator itself was held up (and then sent a burst)."""
            period = 1e9 / self.a.rate
            lo = max(lo, 0)
            if hi <= lo:
                return None
            return round(max(self.tx_ns[q] - self.t0 - q * period
                             for q in range(lo, hi)) / 1e6, 3)

        def lateness(self):
            """Generator's send lateness: p99, max, and stalls > 10 ms."""
            period = 1e9 / self.a.rate
            late = sorted((self.tx_ns[q] - self.t0 - q * period) / 1e6
                          for q in range(self.sent))
            if not late:
                return {}
            stalls, prev = 0, 0.0
            for q in range(self.sent):
                x = (self.tx_ns[q] - self.t0 - q * period) / 1e6
                if x > 10 and prev <= 10:
                    stalls += 1
                prev = x
            return {"p99_ms": round(late[int(len(late) * 0.99)], 3),
                    "max_ms": round(late[-1], 3), "stalls_over_10ms": stalls}

    pktgen.Gen = Gen
    sys.argv = [sys.argv[0]] + rest
    return pktgen.main()


# ---------------------------------------------------------------- watch

def cmd_watch(argv):
    """Times when a testpmd thread made no progress on the CPU: every 2 ms,
    its schedstat (ns on the CPU); a stretch without progress is 'held' with
    the state and wait channel seen (R = runnable but not running: the CPU
    went to someone else; S/D = blocked in the kernel, in wchan)."""
    import signal
    p = argparse.ArgumentParser(prog="soak.py watch")
    p.add_argument("pid", type=int)
    p.add_argument("out")
    p.add_argument("--threads", default="rte-worker-1,eal-intr-thread")
    p.add_argument("--min-ms", type=float, default=10.0)
    a = p.parse_args(argv)
    want = a.threads.split(",")
    tids = {}
    for t in os.listdir("/proc/%d/task" % a.pid):
        try:
            with open("/proc/%d/task/%s/comm" % (a.pid, t)) as f:
                c = f.read().strip()
        except OSError:
            continue
        if c in want:
            tids[c] = t
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    held = {c: None for c in tids}     # [t_start_ns, states seen]
    last = {c: None for c in tids}
    out = []
    while not stop:
        now = time.perf_counter_ns()
        for c, t in tids.items():
            base = "/proc/%d/task/%s/" % (a.pid, t)
            try:
                with open(base + "schedstat") as f:
                    run = int(f.read().split()[0])
                with open(base + "stat") as f:
                    st = f.read().rsplit(")", 1)[1].split()[0]
                with open(base + "wchan") as f:
                    wc = f.read().strip() or "-"
            except (OSError, ValueError, IndexError):
                stop.append(1)
                break
            if last[c] is not None and run == last[c]:
                if held[c] is None:
                    held[c] = [now, set()]
                held[c][1].add(st if st == "R" else "%s:%s" % (st, wc))
            elif held[c] is not None:
                ms = (now - held[c][0]) / 1e6
                # An idle interrupt thread sleeps in epoll: not news.
                idle = all("epoll" in x for x in held[c][1])
                if ms >= a.min_ms and not idle:
                    out.append({"thread": c, "t_ns": held[c][0],
                                "ms": round(ms, 1),
                                "states": sorted(held[c][1])})
                held[c] = None
            last[c] = run
        time.sleep(0.002)
    with open(a.out, "w") as f:
        json.dump(out, f)
    return 0


# ---------------------------------------------------------------- report

PMD = "net_failover net_failover0: "


def read_log(path, t0):
    """(ms from the generator's start, text) of the stamped testpmd log."""
    out = []
    try:
        with open(path, errors="replace") as f:
            for ln in f:
                ns, _, text = ln.rstrip("\n").partition("\t")
                if ns.isdigit():
                    # Lines printed after a prompt (no newline) carry it.
                    while text.startswith("testpmd> "):
                        text = text[len("testpmd> "):]
                    out.append(((int(ns) - t0) / 1e6, text))
    except OSError:
        pass
    return out


def parse_stats(text):
    """Port counters from testpmd's 'show port stats' blocks, in order."""
    res = []
    for m in re.finditer(r"RX-packets:\s+(\d+)\s+RX-missed:\s+(\d+)\s+"
                         r"RX-bytes:\s+(\d+).*?RX-errors:\s+(\d+).*?"
                         r"TX-packets:\s+(\d+)\s+TX-errors:\s+(\d+)\s+"
                         r"TX-bytes:\s+(\d+)", text, re.S):
        res.append(dict(zip(("ipackets", "imissed", "ibytes", "ierrors",
                             "opackets", "oerrors", "obytes"),
                            map(int, m.groups()))))
    return res


def mbufs_in_use(text, pool="mb_pool_0"):
    """size - common pool - caches of POOL in the last dump_mempool."""
    blocks = text.split("mempool <%s>" % pool)
    if len(blocks) < 2:
        return None
    b = blocks[-1].split("mempool <")[0]
    size = re.search(r"\n  size=(\d+)", b)
    common = re.search(r"common_pool_count=(\d+)", b)
    cache = re.search(r"total_cache_count=(\d+)", b)
    if not (size and common and cache):
        return None
    return int(size.group(1)) - int(common.group(1)) - int(cache.group(1))


def cmd_report(argv):
    p = argparse.ArgumentParser(prog="soak.py report")
    p.add_argument("json")
    p.add_argument("log", help="testpmd output stamped by switchover.py")
    p.add_argument("res", help="resources file of bench-soak.sh")
    p.add_argument("--outage-ms", type=float, default=50.0)
    p.add_argument("--context-ms", type=float, default=150.0)
    p.add_argument("--status", type=int, default=0,
                   help="testpmd's exit status")
    p.add_argument("--held", help="output of soak.py watch")
    a = p.parse_args(argv)
    with open(a.json) as f:
        d = json.load(f)
    t0 = d["t0_monotonic_ns"]
    log = read_log(a.log, t0)
    text = "\n".join(t for _, t in log)
    evs = d["events"]
    rate = d["rate"]
    bad = []
    held = []
    if a.held:
        try:
            with open(a.held) as f:
                held = [dict(h, t_ms=(h["t_ns"] - t0) / 1e6)
                        for h in json.load(f)]
        except (OSError, ValueError):
            pass

    # Events.
    kinds = {}
    for e in evs:
        kinds.setdefault(e["action"], []).append(e)
    print("events: %d (%d flaps = down+up, %d re-creations = del+carrier; "
          "'add' steps not counted), %d frames/s, %d frames sent, %d lost "
          "(%.3f %%), %d send errors, %d duplicates" % (
              len(evs), len(kinds.get("down", [])),
              len(kinds.get("del", [])), rate, d["sent"], d["lost"],
              100.0 * d["lost"] / max(1, d["sent"]), d["send_errors"],
              d["duplicates"]))
    print("%-8s %6s %10s %10s %8s %10s %10s %s" % (
        "event", "count", "lost mean", "lost max", "lost>5", "echo p50",
        "echo max", "(echo = ms to the first echo on the new path of a "
        "frame sent after the event)"))

    def pct(xs, q):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(len(xs) * q))] if xs else None

    for k in ("down", "up", "del", "carrier"):
        es = kinds.get(k, [])
        if not es:
            continue
        lost = [e["lost"] for e in es]
        fe = [e["first_echo_ms"] for e in es if e["first_echo_ms"] is not None]
        never = sum(1 for e in es if e["first_echo_ms"] is None)
        print("%-8s %6d %10.2f %10d %8d %10s %10s%s" % (
            k, len(es), sum(lost) / len(es), max(lost),
            sum(1 for x in lost if x > 5),
            "-" if not fe else "%.1f" % pct(fe, 0.5),
            "-" if not fe else "%.1f" % max(fe),
            "" if not never else "  (%d never before the next event)" % never))
    if evs:
        tot = sum(e["lost"] for e in evs)
        print("all      %6d %10.2f %10d   per event: target mean <= 5 "
              "frames: %s" % (len(evs), tot / len(evs),
                              max(e["lost"] for e in evs),
                              "met" if tot / len(evs) <= 5 else "NOT met"))
        last = evs[-1]["t_ms"]
        tail = [o for o in d["outages"] if o["t_ms"] > last + 100]
        print("after the last event (%.0f ms on): %d frames lost" % (
            d["elapsed_s"] * 1e3 - last,
            sum(o["frames"] for o in tail)))
    # What the PMD made of each event: its first "active path" line after
    # it (before the next event), and CPU starvation within it.
    sw = [(t, ln) for t, ln in log if "active path" in ln]
    swt = [t for t, _ in sw]
    for j, e in enumerate(evs):
        t_next = min(evs[j + 1]["t_ms"] if j + 1 < len(evs) else 1e18,
                     e["t_ms"] + 1000)
        t_k = e["t_ms"]
        i = bisect.bisect_left(swt, t_k)
        e["pmd_ms"] = swt[i] - t_k if i < len(swt) and \
            swt[i] < max(t_next, t_k + 1) else None
        starved = max([h["ms"] for h in held if h["thread"] == "rte-worker-1"
                       and e["t_ms"] - 50 <= h["t_ms"] < t_next] or [0])
        e["starved"] = starved >= 20 or (e.get("gen_late_ms") or 0) >= 20
    print("%-8s %6s %14s %10s %10s  (PMD = ms from the start of the event's "
          "kernel call to the PMD's next 'active path' line)" % (
              "event", "count", "PMD switched",
                                         "PMD p50", "PMD max"))
    for k in ("down", "up", "del", "carrier"):
        es = [e for e in evs if e["action"] == k]
        if not es:
            continue
        ms = [e["pmd_ms"] for e in es if e["pmd_ms"] is not None]
        print("%-8s %6d %14s %10s %10s" % (
            k, len(es), "%d before the next" % len(ms),
            "-" if not ms else "%.1f" % pct(ms, 0.5),
            "-" if not ms else "%.1f" % max(ms)))
    if evs:
        ok = [e for e in evs if not e["starved"]]
        print("events without CPU starvation (forwarding lcore >= 20 ms "
              "off the CPU, or generator >= 20 ms late): %d, %.2f frames "
              "lost per event (all events: %.2f)" % (
                  len(ok), sum(e["lost"] for e in ok) / max(1, len(ok)),
                  sum(e["lost"] for e in evs) / len(evs)))

    # Outages longer than outage-ms, with what happened around them.
    long_ = [o for o in d["outages"]
             if o["frames"] * 1e3 / rate >= a.outage_ms]
    print("outages >= %g ms: %d" % (a.outage_ms, len(long_)))
    if held:
        for name in sorted({h["thread"] for h in held}):
            hs = [h["ms"] for h in held if h["thread"] == name]
            print("testpmd %s: %d stretches >= 10 ms without the CPU or "
                  "blocked, longest %.0f ms, %d >= 50 ms (an Rx ring holds "
                  "512 frames = %.0f ms)" % (name, len(hs), max(hs),
                                             sum(1 for x in hs if x >= 50),
                                             512e3 / rate))
    gl = d.get("gen_lateness", {})
    if gl:
        print("generator: frames left up to %s ms after their due time "
              "(p99 %s ms), %d stalls > 10 ms (then it catches up at "
              "--catch-up times the rate, or in one burst)" % (gl["max_ms"], gl["p99_ms"],
                                             gl["stalls_over_10ms"]))
    times = [e["t_ms"] for e in evs]
    for o in long_[:20]:
        i = bisect.bisect_right(times, o["t_ms"]) - 1
        prev = evs[i] if i >= 0 else None
        print("  %.1f ms: %d frames (%.0f ms) lost, generator up to %s ms "
              "late around it; %s" % (
            o["t_ms"], o["frames"], o["frames"] * 1e3 / rate,
            o.get("gen_late_ms"),
            "before any event" if prev is None else
            "%.1f ms after event %d (%s, generator -> %s)" % (
                o["t_ms"] - prev["t_ms"], prev["k"], prev["action"],
                prev["to"])))
        lo, hi = o["t_ms"] - a.context_ms, o["end_ms"] + a.context_ms
        for e in evs:
            if lo <= e["t_ms"] <= hi:
                print("    %9.1f host  event %d: %s (-> %s)%s" % (
                    e["t_ms"], e["k"], e["action"], e["to"],
                    " error %s" % e["error"] if e.get("error") else ""))
        for t, ln in log:
            if lo <= t <= hi and ln.startswith(PMD):
                print("    %9.1f PMD   %s" % (t, ln[len(PMD):]))
        for h in held:
            if lo <= h["t_ms"] <= hi:
                print("    %9.1f CPU   testpmd %s made no progress for %.0f "
                      "ms (%s)" % (h["t_ms"], h["thread"], h["ms"],
                                   ", ".join(h["states"])))
    if len(long_) > 20:
        print("  ... %d more" % (len(long_) - 20))

    # The PMD's path changes.
    print("PMD: %d 'active path' changes; %d warnings/errors" % (
        len(sw), sum(1 for _, ln in log if ln.startswith(PMD) and re.search(
            r"warn|error|failed|cannot|lost|not ended|timeout", ln, re.I))))

    # Counters, monotonic.
    samples = parse_stats(text)
    mono = True
    for x, y in zip(samples, samples[1:]):
        for k in x:
            if y[k] < x[k]:
                mono = False
                print("counter %s went back: %d -> %d" % (k, x[k], y[k]))
    print("counters: %d samples of 'show port stats 0', monotonic: %s" % (
        len(samples), "yes" if mono else "NO"))
    if not mono:
        bad.append("counters not monotonic")

    # Resources before and after.
    with open(a.res) as f:
        res = json.load(f)
    for k in ("fds", "tc_filters", "mbufs_in_use"):
        b, e = res["before"].get(k), res["after"].get(k)
        ok = b is not None and e is not None and e <= b
        print("%-13s before %s, after %s%s" % (k, b, e, "" if ok else
                                               "  LEAK or unknown"))
        if not ok:
            bad.append("%s %s -> %s" % (k, b, e))
    sb, sa = res["before"].get("sched", {}), res["after"].get("sched", {})
    for name in sorted(sa):
        if name in sb:
            run = (sa[name][0] - sb[name][0]) / 1e6
            wait = (sa[name][1] - sb[name][1]) / 1e6
            print("testpmd thread %-16s on CPU %8.0f ms, waiting for a CPU "
                  "%6.0f ms" % (name, run, wait))
    w = [n for n in sa if n.startswith(("rte-worker", "lcore-worker"))]
    if w and w[0] in sb:
        run = sa[w[0]][0] - sb[w[0]][0]
        wait = sa[w[0]][1] - sb[w[0]][1]
        share = 100.0 * run / max(1, run + wait)
        print("the forwarding lcore had the CPU %.0f %% of the time it wanted "
              "it%s" % (share, "" if share >= 90 else ": a busy machine, "
                        "the losses measure it as much as the PMD"))
    gs = d.get("gen_sched")
    if gs:
        print("generator                       on CPU %8.0f ms, waiting for "
              "a CPU %6.0f ms" % (gs[0] / 1e6, gs[1] / 1e6))
    if a.status != 0 or "Bye..." not in text:
        bad.append("testpmd crashed or exited with status %d" % a.status)
    if re.search(r"AddressSanitizer|Segmentation fault|Aborted|PANIC", text):
        bad.append("testpmd log shows a crash")
    if bad:
        print("FAILED: " + "; ".join(bad))
        return 1
    print("no crash, no leak")
    return 0


def main():
    cmds = {"gen": cmd_gen, "report": cmd_report, "watch": cmd_watch}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
