#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Reads the failover port's state from a DPDK process's telemetry socket.

  telemetry.py SOCKET exception        "mode path kernel_traffic" of the
                                       exception path ("- - -": none)
  telemetry.py SOCKET active           the active path
  telemetry.py SOCKET wait-active PATH SECS
                                       returns once the active path is PATH;
                                       exit 1 if it is not after SECS (a
                                       liveness deadline, not a criterion)
  telemetry.py SOCKET xstat NAME       the port's xstat NAME

The port is the one /failover/list names (exactly one expected). Exit 1,
with the reason on stderr, when the socket or the port cannot be read.
Used by test/e2e (testpmd) and test/ovs (ovs-vswitchd); --switch-cmd of
pktgen.py runs wait-active, so a switch command returns once the PMD has
switched.
"""

import json
import socket
import sys
import time


class Tel:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.connect(path)
        info = json.loads(self.s.recv(16384))
        self.max = int(info.get("max_output_len", 16384))
        self._port = None

    def cmd(self, c):
        self.s.send(c.encode())
        return json.loads(self.s.recv(self.max))

    def port(self):
        if self._port is None:
            ports = self.cmd("/failover/list")["/failover/list"]
            if not isinstance(ports, list) or len(ports) != 1:
                raise LookupError("/failover/list gives %r, expected one port"
                                  % (ports,))
            self._port = ports[0]
        return self._port

    def status(self):
        r = self.cmd("/failover/status,%d" % self.port())["/failover/status"]
        if not isinstance(r, dict):
            raise LookupError("/failover/status,%d gives %r"
                              % (self.port(), r))
        return r


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    sock, what, args = argv[1], argv[2], argv[3:]
    try:
        t = Tel(sock)
        if what == "exception":
            x = t.status().get("exception", {})
            print(x.get("mode", "-"), x.get("path") or "-",
                  x.get("kernel_traffic", "-"))
        elif what == "active":
            print(t.status()["active"])
        elif what == "wait-active":
            want, secs = args[0], float(args[1])
            t0 = time.monotonic()
            while True:
                got = t.status()["active"]
                if got == want:
                    return 0
                if time.monotonic() - t0 >= secs:
                    print("telemetry: active path still '%s' %g s later, "
                          "expected '%s'" % (got, secs, want), file=sys.stderr)
                    return 1
                time.sleep(0.001)
        elif what == "xstat":
            x = t.cmd("/ethdev/xstats,%d" % t.port())["/ethdev/xstats"]
            print(x[args[0]])
        else:
            sys.exit(__doc__)
    except (OSError, ValueError, KeyError, TypeError, IndexError,
            LookupError) as e:
        print("telemetry %s %s: %s: %s" % (sock, what, type(e).__name__, e),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
