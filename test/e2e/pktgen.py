#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Fixed-rate sequence-numbered frame generator and echo counter.

Runs in the host namespace of test/e2e/topology.sh. Sends Ethernet frames
(ethertype 0x88b5) to the guest MAC out of one of two interfaces, listens
on both for the echoes testpmd's macswap sends back, and writes a JSON
summary: sent, echoed per interface, lost, duplicates, and what happened
around every switch of the sending interface.

Payload: magic "FOE2", run id (u32), seq (u64), send time (u64, ns of
CLOCK_MONOTONIC = time.perf_counter_ns), sending interface index (u8),
zero padding up to --size bytes.

Switching: SIGUSR1 = move to the other interface, SIGUSR2 = back to the
first; --switch-at T (repeatable) toggles at T seconds after the start;
--switch-cmd CMD runs CMD (sh -c, asynchronously, FO_FROM/FO_TO set) at the
instant of each switch, e.g. "ip link set hvf0 down"; the summary has when
it returned (cmd_done_seq, cmd_done_ms) and its exit status (cmd_rc).
--after-cmd N: at least N frames go out after each switch command returned
before the next switch and before the end; both wait for that (up to
--after-cmd-max more seconds), so a slow command never leaves a window
after it empty.

--catch-up X: after a stall of the generator (a busy machine), the overdue
frames go out at X times the rate rather than in one burst.

The run always ends by itself: after --count frames or --duration seconds
(default 2 s, whichever comes first), plus --grace seconds for late echoes.
"""

import argparse
import json
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from array import array

ETH_TYPE = 0x88B5
MAGIC = b"FOE2"
SOL_PACKET = 263
PACKET_IGNORE_OUTGOING = 23
PACKET_OUTGOING = 4
HDR = struct.Struct("!6s6sH")
PAYLOAD = struct.Struct("!4sIQQB")
PAY_OFF = HDR.size
MIN_FRAME = 60
CATCH_UP_BATCH = 8       # frames per step when catching up (--catch-up)


def mac_bytes(mac):
    b = bytes(int(x, 16) for x in mac.split(":"))
    if len(b) != 6:
        raise ValueError("bad MAC %r" % mac)
    return b


def iface_mac(name):
    with open("/sys/class/net/%s/address" % name) as f:
        return mac_bytes(f.read().strip())


def open_sock(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_TYPE))
    s.bind((name, ETH_TYPE))
    try:
        # Why: a packet socket also sees its own transmitted frames.
        s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    except OSError:
        pass  # old kernel: filtered by pkttype below instead
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
    s.setblocking(False)
    return s


class Gen:
    def __init__(self, args):
        self.a = args
        self.ifaces = args.ifaces.split(",")
        if len(self.ifaces) != 2:
            raise SystemExit("--ifaces needs exactly two interfaces")
        self.dst = mac_bytes(args.dst)
        self.run_id = args.run_id if args.run_id is not None else \
            random.getrandbits(32)
        self.socks = [open_sock(n) for n in self.ifaces]
        self.frames = []
        for i, n in enumerate(self.ifaces):
            f = bytearray(max(args.size, MIN_FRAME))
            HDR.pack_into(f, 0, self.dst, iface_mac(n), ETH_TYPE)
            self.frames.append(f)
        # Frames to send; the fixed rate spreads them over --duration.
        cap = round(args.rate * args.duration)
        if args.count:
            cap = min(cap, args.count)
        self.target = cap = max(cap, 1)
        # Room for what --after-cmd may add.
        if args.after_cmd:
            cap += round(args.rate * args.after_cmd_max)
        self.cap = cap
        self.tx_ns = array("q", bytes(8 * cap))
        self.tx_if = bytearray(cap)
        self.rx_first_ns = array("q", bytes(8 * cap))
        self.rx_if = bytearray(cap)      # iface of the first echo
        self.rx_n = bytearray(cap)       # echoes per seq (saturating)
        # Every echo, in arrival order: seq, time, interface.
        self.ev_seq = array("q")
        self.ev_ns = array("q")
        self.ev_if = bytearray()
        self.sent = 0
        self.sent_if = [0, 0]
        self.send_err = 0
        self.send_err_if = [0, 0]
        self.rx_err = [0, 0]
        self.foreign = 0
        self.dups = [0, 0]
        self.active = 0
        self.switches = []
        self.pending = []                # (reason, target) from signals
        self.children = []               # (process, switch event)
        self.t0 = 0

    def reopen(self, idx):
        """The interface is a new netdev: same fd, a new packet socket.

        For subclasses that re-create an interface during run()."""
        name = self.ifaces[idx]
        new = open_sock(name)
        fd = self.socks[idx].fileno()
        os.dup2(new.fileno(), fd)   # the old one leaves the epoll set
        new.close()
        self.ep.register(fd, select.EPOLLIN)
        HDR.pack_into(self.frames[idx], 0, self.dst, iface_mac(name), ETH_TYPE)

    # Signal handlers only queue: the switch happens in the send loop.
    def on_usr1(self, *_):
        self.pending.append(("SIGUSR1", None))

    def on_usr2(self, *_):
        self.pending.append(("SIGUSR2", 0))

    def switch(self, reason, target, now):
        to = 1 - self.active if target is None else target
        ev = {"t_ns": now - self.t0, "reason": reason,
              "from": self.ifaces[self.active], "to": self.ifaces[to],
              "seq": self.sent}
        self.active = to
        self.switches.append(ev)
        if self.a.switch_cmd:
            env = dict(os.environ, FO_FROM=ev["from"], FO_TO=ev["to"])
            self.children.append((subprocess.Popen(
                ["sh", "-c", self.a.switch_cmd], env=env), ev))

    def settled(self):
        """--after-cmd: every switch command has returned and N frames
        have gone out since."""
        n = self.a.after_cmd
        return all("cmd_done_seq" in ev and self.sent >= ev["cmd_done_seq"] + n
                   for _, ev in self.children)

    def reap(self):
        """Notes the first frame sent after each switch command returned:
        until then the old state (e.g. an interface still up) may hold."""
        for c, ev in self.children:
            if "cmd_done_seq" in ev or c.poll() is None:
                continue
            ev["cmd_done_seq"] = self.sent
            ev["cmd_rc"] = c.returncode
            ev["cmd_done_ms"] = round(
                (time.perf_counter_ns() - self.t0) / 1e6 -
                ev["t_ns"] / 1e6, 3)

    def drain(self, idx, sock):
        ev_seq, ev_ns, ev_if = self.ev_seq, self.ev_ns, self.ev_if
        rx_n, cap, run_id = self.rx_n, self.cap, self.run_id
        unpack = PAYLOAD.unpack_from
        while True:
            try:
                data, addr = sock.recvfrom(2048)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                # ENETDOWN once when the interface goes down: note, go on.
                self.rx_err[idx] += 1
                return
            now = time.perf_counter_ns()
            if addr[2] == PACKET_OUTGOING:
                continue
            if len(data) < PAY_OFF + PAYLOAD.size:
                self.foreign += 1
                continue
            magic, rid, seq, _, _ = unpack(data, PAY_OFF)
            if magic != MAGIC or rid != run_id or seq >= cap:
                self.foreign += 1
                continue
            ev_seq.append(seq)
            ev_ns.append(now)
            ev_if.append(idx)
            n = rx_n[seq]
            if n == 0:
                self.rx_first_ns[seq] = now
                self.rx_if[seq] = idx
            else:
                self.dups[idx] += 1
            if n < 255:
                rx_n[seq] = n + 1

    def run(self):
        a = self.a
        signal.signal(signal.SIGUSR1, self.on_usr1)
        signal.signal(signal.SIGUSR2, self.on_usr2)
        self.ep = ep = select.epoll()
        for i, s in enumerate(self.socks):
            ep.register(s.fileno(), select.EPOLLIN)
        fd_idx = {s.fileno(): i for i, s in enumerate(self.socks)}
        period = 1e9 / a.rate
        timers = sorted(a.switch_at or [])
        pack = PAYLOAD.pack_into
        self.t0 = t0 = time.perf_counter_ns()
        # Hard bound whatever happens: sending plus grace plus a second.
        stop = t0 + int((a.duration + a.grace + 1 +
                         (a.after_cmd_max if a.after_cmd else 0)) * 1e9)
        over = False
        if a.ready:
            # Tell a waiting script the sockets are open (and when t0 is).
            with open(a.ready, "w") as f:
                f.write("%d\n" % os.getpid())
        while True:
            now = time.perf_counter_ns()
            if now >= stop:
                break
            self.reap()
            while timers and now - t0 >= timers[0] * 1e9 and \
                    (not a.after_cmd or self.settled()):
                timers.pop(0)
                self.switch("timer", None, now)
            while self.pending:
                reason, target = self.pending.pop(0)
                self.switch(reason, target, now)
            # --after-cmd: go on past --duration while a switch is due or a
            # command's frames are not all out.
            hold = a.after_cmd and (timers or not self.settled())
            limit = self.cap if hold else self.target
            if not over and self.sent >= limit:
                over = True
                stop = min(stop, now + int(a.grace * 1e9))
            if not over:
                # Catch up to where the fixed rate says we should be.
                due = min(int((now - t0) / period) + 1, limit)
                # After a stall (a busy machine), --catch-up X sends what is
                # overdue at X times the rate instead of in one burst, which
                # would overflow the receiver's rings by itself.
                paced = a.catch_up > 0 and due > self.sent + CATCH_UP_BATCH
                if paced:
                    due = self.sent + CATCH_UP_BATCH
                idx = self.active
                sock, frame = self.socks[idx], self.frames[idx]
                while self.sent < due:
                    seq = self.sent
                    ts = time.perf_counter_ns()
                    pack(frame, PAY_OFF, MAGIC, self.run_id, seq, ts, idx)
                    try:
                        sock.send(frame)
                    except OSError:
                        # Counted as sent (and so lost): the rate holds.
                        self.send_err += 1
                        self.send_err_if[idx] += 1
                    self.tx_ns[seq] = ts
                    self.tx_if[seq] = idx
                    self.sent_if[idx] += 1
                    self.sent += 1
                nxt = t0 + self.sent * period
                if paced:
                    nxt = now + CATCH_UP_BATCH * period / a.catch_up
                if self.sent >= limit:
                    over = True
                    stop = min(stop, now + int(a.grace * 1e9))
            else:
                if self.done_early(now):
                    break
                nxt = min(now + 1e6, stop)
            wait = max(0.0, (nxt - time.perf_counter_ns()) / 1e9)
            for fd, _ in ep.poll(min(wait, 0.001)):
                self.drain(fd_idx[fd], self.socks[fd_idx[fd]])
        for i, s in enumerate(self.socks):
            self.drain(i, s)
        self.t_end = time.perf_counter_ns()
        for c, _ in self.children:
            try:
                c.wait(timeout=10)
            except subprocess.TimeoutExpired:
                c.kill()
        self.reap()
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)
        signal.signal(signal.SIGUSR2, signal.SIG_IGN)

    def done_early(self, now):
        # Sending over and every frame echoed: no need to sit out the grace.
        return self.sent > 0 and len(self.ev_seq) - sum(self.dups) >= self.sent

    def summary(self):
        a, t0, sent = self.a, self.t0, self.sent
        names = self.ifaces
        echoed = [0, 0]
        lost = []
        lat = []
        for seq in range(sent):
            if self.rx_n[seq]:
                echoed[self.rx_if[seq]] += 1
                lat.append(self.rx_first_ns[seq] - self.tx_ns[seq])
            else:
                lost.append(seq)
        lat.sort()

        def pct(p):
            if not lat:
                return None
            return round(lat[min(len(lat) - 1, int(len(lat) * p))] / 1e3, 1)

        out = {
            "run_id": self.run_id,
            "ifaces": names,
            "dst": a.dst,
            "rate": a.rate,
            "frame_size": len(self.frames[0]),
            "elapsed_s": round((self.t_end - t0) / 1e9, 3),
            "sent": sent,
            "sent_per_iface": dict(zip(names, self.sent_if)),
            "send_errors": self.send_err,
            "send_errors_per_iface": dict(zip(names, self.send_err_if)),
            "recv_errors_per_iface": dict(zip(names, self.rx_err)),
            "echoed": sum(echoed),
            "echoes_per_iface": dict(zip(names, echoed)),
            "echo_frames_per_iface": {
                n: self.ev_if.count(i) for i, n in enumerate(names)},
            "lost": len(lost),
            "lost_seqs_head": lost[:50],
            "duplicates": sum(self.dups),
            "duplicates_per_iface": dict(zip(names, self.dups)),
            "foreign": self.foreign,
            "latency_us": {"min": pct(0), "p50": pct(0.5), "p99": pct(0.99),
                           "max": pct(1.0)},
            "switches": [self.around(sw) for sw in self.switches],
        }
        if a.raw:
            out["echoes"] = [[s, round((t - t0) / 1e6, 3), names[i]]
                             for s, t, i in zip(self.ev_seq, self.ev_ns,
                                                self.ev_if)]
        return out

    def around(self, sw):
        """Per-ms echo timeline and recovery figures around one switch."""
        w = self.a.window
        names = self.ifaces
        at = self.t0 + sw["t_ns"]
        lo = at - w * 1000000
        timeline = {n: [0] * (2 * w) for n in names}
        first = {n: None for n in names}
        for seq, t, i in zip(self.ev_seq, self.ev_ns, self.ev_if):
            if lo <= t < at + w * 1000000:
                timeline[names[i]][(t - lo) // 1000000] += 1
            if t >= at and first[names[i]] is None:
                first[names[i]] = round((t - at) / 1e6, 3)
        # First echo of a frame sent after the switch: the real recovery.
        first_new = None
        last_old = None
        for seq in range(self.sent):
            if not self.rx_n[seq]:
                continue
            t = self.rx_first_ns[seq]
            if seq >= sw["seq"]:
                if first_new is None or t < first_new:
                    first_new = t
            elif last_old is None or t > last_old:
                last_old = t
        lost_win = sum(1 for seq in range(self.sent)
                       if not self.rx_n[seq] and
                       lo <= self.tx_ns[seq] < at + w * 1000000)
        return {
            "t_ms": round(sw["t_ns"] / 1e6, 3),
            "reason": sw["reason"], "from": sw["from"], "to": sw["to"],
            "seq": sw["seq"],
            "cmd_done_seq": sw.get("cmd_done_seq"),
            "cmd_done_ms": sw.get("cmd_done_ms"),
            "cmd_rc": sw.get("cmd_rc"),
            "first_echo_ms": first,
            "first_echo_new_send_ms": None if first_new is None else
            round((first_new - at) / 1e6, 3),
            "last_echo_old_send_ms": None if last_old is None else
            round((last_old - at) / 1e6, 3),
            "lost_in_window": lost_win,
            "window_ms": w,
            "timeline_per_ms": timeline,
        }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ifaces", default="hvf0,hsyn0")
    p.add_argument("--dst", default=os.environ.get("TOPO_MAC"),
                   help="guest MAC (default $TOPO_MAC)")
    p.add_argument("--rate", type=float, default=10000.0)
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--duration", type=float,
                   help="seconds of sending (default 2, or --count / --rate)")
    p.add_argument("--grace", type=float, default=0.5)
    p.add_argument("--size", type=int, default=MIN_FRAME)
    p.add_argument("--switch-at", type=float, action="append")
    p.add_argument("--switch-cmd")
    p.add_argument("--after-cmd", type=int, default=0,
                   help="frames sent after each switch command returned, "
                   "before the next switch and the end (default 0: none)")
    p.add_argument("--after-cmd-max", type=float, default=10.0,
                   help="seconds --after-cmd may add to the run (default 10)")
    p.add_argument("--window", type=int, default=200,
                   help="ms either side of a switch in the timeline")
    p.add_argument("--catch-up", type=float, default=0.0,
                   help="after a stall, send the overdue frames at this "
                   "multiple of the rate (default 0: all at once)")
    p.add_argument("--run-id", type=lambda x: int(x, 0))
    p.add_argument("--ready", help="file written once the sockets are open")
    p.add_argument("--raw", action="store_true",
                   help="also dump every echo (seq, ms, iface)")
    p.add_argument("--out", help="JSON summary file (default stdout)")
    a = p.parse_args()
    if not a.dst:
        p.error("--dst or $TOPO_MAC needed")
    if a.duration is None:
        a.duration = a.count / a.rate if a.count > 0 else 2.0
    if a.rate <= 0 or not 0 < a.duration <= 3600 or a.count < 0:
        p.error("--rate and --count must be > 0, --duration in (0, 3600]")
    if a.catch_up != 0 and a.catch_up <= 1:
        p.error("--catch-up must be 0 (off) or more than 1, not %g"
                % a.catch_up)
    g = Gen(a)
    g.run()
    text = json.dumps(g.summary(), separators=(",", ":"))
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
