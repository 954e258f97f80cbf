#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Minimal QMP client for the vm suite.

  qmp.py SOCKET COMMAND [JSON-ARGS] [--wait-event NAME] [--timeout S]
         [--on-event NAME=CMD]... [--until-migrated]

Runs one command and prints its "return" as JSON (exit 1 with the error
otherwise). --wait-event: then waits for that event and prints it too.
--on-event: while waiting, runs CMD (sh -c) when event NAME arrives.
--until-migrated: then polls query-migrate until the migration is over and
prints its final status (exit 1 unless "completed").
Times (CLOCK_REALTIME, ns) of the command's sending, its return and the
event go to stderr as "qmp-time: sent NS", "ret NS", "event NS".
"""

import argparse
import json
import socket
import subprocess
import sys
import time


class Qmp:
    def __init__(self, path, timeout):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        self.events = []
        self.hooks = {}
        self.read()  # greeting
        self.cmd("qmp_capabilities")

    def read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("QMP socket closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, args=None):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self.read()
            if "event" in r:
                self.events.append(r)
                continue
            return r

    def dispatch(self):
        """Runs the --on-event commands of the events read so far."""
        for e in self.events:
            cmd = self.hooks.get(e["event"])
            if cmd:
                subprocess.run(cmd, shell=True, check=False)
                print("qmp-time: %s %d" % (e["event"], time.time_ns()),
                      file=sys.stderr)

    def wait_event(self, name, deadline):
        while True:
            self.dispatch()
            for e in self.events:
                if e["event"] == name:
                    return e
            self.events.clear()
            if time.time() > deadline:
                raise TimeoutError("no %s event" % name)
            self.events.append(self.read())

    def until_migrated(self, deadline):
        last = None
        while time.time() < deadline:
            r = self.cmd("query-migrate").get("return", {})
            self.dispatch()
            self.events.clear()
            st = r.get("status")
            if st != last:
                print("qmp-time: migrate-%s %d" % (st, time.time_ns()),
                      file=sys.stderr)
                last = st
            if st in ("completed", "failed", "cancelled"):
                return r
            time.sleep(0.02)
        raise TimeoutError("migration not over")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("command")
    ap.add_argument("args", nargs="?", default=None)
    ap.add_argument("--wait-event")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--on-event", action="append", default=[])
    ap.add_argument("--until-migrated", action="store_true")
    a = ap.parse_args()
    q = Qmp(a.socket, a.timeout)
    # The time the command leaves: the event of the test (connecting to a
    # busy QEMU can take seconds).
    print("qmp-time: sent %d" % time.time_ns(), file=sys.stderr)
    for h in a.on_event:
        name, _, cmd = h.partition("=")
        if not cmd:
            ap.error("--on-event wants NAME=CMD, not %r" % h)
        q.hooks[name] = cmd
    r = q.cmd(a.command, json.loads(a.args) if a.args else None)
    print("qmp-time: ret %d" % time.time_ns(), file=sys.stderr)
    if "error" in r:
        print("QMP %s failed: %s" % (a.command, r["error"].get("desc")))
        return 1
    print(json.dumps(r.get("return")))
    if a.wait_event:
        e = q.wait_event(a.wait_event, time.time() + a.timeout)
        print("qmp-time: event %d" % time.time_ns(), file=sys.stderr)
        print(json.dumps(e))
    if a.until_migrated:
        r = q.until_migrated(time.time() + a.timeout)
        print(json.dumps(r))
        if r.get("status") != "completed":
            print("migration %s: %s" % (r.get("status"), r.get("error-desc", "")))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
