#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Sequence-numbered ICMP echo traffic for the vm suite.

Runs in the generator namespace. Sends ICMP echo requests at a fixed rate to
the guest (its MAC and address) and counts what comes back: the guest
kernel's echo replies (the anchor) or testpmd's macswap of the request (the
driver) carry the same payload, so both count alike. With --path-ns, it also
listens on the host's taps in that namespace (LABEL=TAP, repeatable) to see
which guest device each echo left by.

Payload: magic "FOVM", run id (u32), seq (u64), send time (u64, ns of
CLOCK_REALTIME, so that the shell's event times compare).

Runs until --duration seconds or SIGTERM/SIGINT, then --grace seconds for
late echoes, and writes a JSON summary to --out: sent, echoed, duplicates,
t0, rate, the lost frames as runs [first, last, send_ns_first,
send_ns_last], and per path its echo runs [first, last, send_ns_first].
"""

import argparse
import ctypes
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 3
ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
MAGIC = b"FOVM"
PAY = struct.Struct("!4sIQQ")
CLONE_NEWNET = 0x40000000


def mac_bytes(mac):
    b = bytes(int(x, 16) for x in mac.split(":"))
    if len(b) != 6:
        raise ValueError("bad MAC %r" % mac)
    return b


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(dst, src, sip, dip, run, seq, size):
    pay = PAY.pack(MAGIC, run, seq, time.time_ns())
    pay += b"\0" * max(0, size - 42 - len(pay))
    icmp = struct.pack("!BBHHH", 8, 0, 0, run & 0xFFFF, seq & 0xFFFF) + pay
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), seq & 0xFFFF,
                     0, 64, 1, 0, sip, dip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dst + src + struct.pack("!H", ETH_P_IP) + ip + icmp


def parse(buf, run):
    """(seq, send_ns) of one of our echoes, or None."""
    if len(buf) < 14 + 20 + 8 + PAY.size:
        return None
    if struct.unpack_from("!H", buf, 12)[0] != ETH_P_IP or buf[23] != 1:
        return None
    ihl = (buf[14] & 0xF) * 4
    off = 14 + ihl + 8
    if len(buf) < off + PAY.size:
        return None
    magic, r, seq, t = PAY.unpack_from(buf, off)
    if magic != MAGIC or r != run:
        return None
    return seq, t


def raw_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setblocking(False)
    return s


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + path)
    finally:
        os.close(fd)


def runs(seqs, times):
    out = []
    for s in sorted(seqs):
        if out and out[-1][1] == s - 1:
            out[-1][1] = s
        else:
            out.append([s, s, times.get(s, 0)])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--dst-mac", required=True)
    ap.add_argument("--src-ip", required=True)
    ap.add_argument("--dst-ip", required=True)
    ap.add_argument("--rate", type=float, default=1000)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--grace", type=float, default=0.5)
    ap.add_argument("--path-ns", help="namespace of the taps (/run/netns/NAME)")
    ap.add_argument("--path", action="append", default=[], help="LABEL=TAP")
    ap.add_argument("--out", required=True)
    ap.add_argument("--ready", help="file created once sending")
    ap.add_argument("--status", help="file rewritten every 0.1 s: "
                    "'echoed N' and 'LABEL N' per path, the last echo's seq")
    a = ap.parse_args()
    if a.rate <= 0 or a.duration <= 0:
        ap.error("--rate and --duration must be > 0")

    paths = {}
    if a.path:
        here = "/proc/self/ns/net"
        home = os.open(here, os.O_RDONLY)
        setns(a.path_ns)
        for p in a.path:
            label, _, tap = p.partition("=")
            if not tap:
                ap.error("--path wants LABEL=TAP, not %r" % p)
            try:
                paths[label] = raw_socket(tap)
            except OSError:
                paths[label] = None  # the tap comes later (migration)
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.setns(home, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns back")
        os.close(home)

    tx = raw_socket(a.iface)
    src = mac_bytes(open("/sys/class/net/%s/address" % a.iface).read().strip())
    dst = mac_bytes(a.dst_mac)
    sip = socket.inet_aton(a.src_ip)
    dip = socket.inet_aton(a.dst_ip)
    run = random.getrandbits(32)

    stop = [False]

    def on_sig(*_):
        stop[0] = True
    signal.signal(signal.SIGTERM, on_sig)
    signal.signal(signal.SIGINT, on_sig)

    sent_t = {}
    echoed = set()
    dups = 0
    per_path = {k: set() for k in paths}
    period = 1.0 / a.rate
    t0 = time.time()
    end = t0 + a.duration
    seq = 0
    if a.ready:
        open(a.ready, "w").close()
    socks = [tx] + [s for s in paths.values() if s]
    label_of = {s: k for k, s in paths.items() if s}
    grace_end = None
    next_status = 0
    while True:
        now = time.time()
        if a.status and now >= next_status:
            next_status = now + 0.1
            with open(a.status + ".new", "w") as f:
                f.write("sent %d\nechoed %d\n" % (seq, len(echoed)))
                for k, v in per_path.items():
                    f.write("%s %d\n" % (k, len(v)))
            os.replace(a.status + ".new", a.status)
        if grace_end is None and (stop[0] or now >= end):
            grace_end = now + a.grace
        if grace_end is not None and now >= grace_end:
            break
        if grace_end is None:
            due = int((now - t0) / period) + 1
            # After a stall, the overdue frames go out at most 16 at a time.
            n = 0
            while seq < due and n < 16:
                f = frame(dst, src, sip, dip, run, seq, a.size)
                try:
                    tx.send(f)
                    sent_t[seq] = PAY.unpack_from(f, 42)[3]
                except OSError:
                    sent_t[seq] = time.time_ns()  # counts as lost
                seq += 1
                n += 1
            wait = min(0.1, max(0.0, t0 + seq * period - time.time()))
        else:
            wait = 0.05
        try:
            r, _, _ = select.select(socks, [], [], wait)
        except InterruptedError:
            continue
        for s in r:
            while True:
                try:
                    buf, addr = s.recvfrom(4096)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:  # a tap taken down (ENETDOWN): go on
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                p = parse(buf, run)
                if p is None:
                    continue
                if s is tx:
                    if p[0] in echoed:
                        dups += 1
                    echoed.add(p[0])
                else:
                    per_path[label_of[s]].add(p[0])

    lost = set(sent_t) - echoed
    out = {
        "sent": len(sent_t),
        "echoed": len(echoed),
        "lost": len(lost),
        "duplicates": dups,
        "t0_ns": int(t0 * 1e9),
        "rate": a.rate,
        "lost_runs": [r + [sent_t[r[1]]] for r in runs(lost, sent_t)],
        "paths": {k: runs(v, sent_t) for k, v in per_path.items()},
    }
    with open(a.out, "w") as f:
        json.dump(out, f)
    print("vm_traffic: sent %d, echoed %d, lost %d, duplicates %d" %
          (out["sent"], out["echoed"], out["lost"], dups))
    return 0


if __name__ == "__main__":
    sys.exit(main())
