#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
"""Tests of the dpdk-failover-scan CLI.

  check_scan.py CLI fixture NAME EXPECTED_DIR WORK_DIR
      generate fixture NAME under WORK_DIR, compare --json with
      EXPECTED_DIR/NAME.json (as data: key order and spacing do not matter,
      list order does: it is specified), and check the table mode runs.
  check_scan.py CLI sysfs
      scan this machine's /sys: exit 0 and valid JSON.
  check_scan.py CLI errors WORK_DIR
      bad roots and bad options.
  check_scan.py API_TEST api WORK_DIR
      run the C API test over the azure_mana and dpdk_bound fixtures.

Exit 0 = pass, 1 = fail, 77 = skipped (the reason is printed).
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_fixtures  # noqa: E402

TIMEOUT = 20
SKIP = 77

# Warnings the broken tree must produce (substrings of stderr).
BROKEN_WARNINGS = [
    "class/net/loop0: cannot resolve: Too many levels of symbolic links",
    "class/net/eth9: cannot resolve",
    "class/net/" + "x" * 32 + "...: name of 255 characters",
    "class/net/outside: cannot resolve: points outside the sysfs root",
    "class/net/eth5/address: not a MAC address",
    "class/net/eth6/type: not a link type",
    "class/net/enP4s4/address: File too large",
    "f8615163-0000-1000-2000-000d3a000007/class_id: not a GUID",
    "f8615163-0000-1000-2000-000d3a000008/class_id",
    "f8615163-0000-1000-2000-000d3a000009/class_id: No such file",
    "bus/vmbus/devices/vmbus_loop: cannot resolve",
    "bus/vmbus/devices/" + "v" * 32 + "...: name of 100 characters",
    "bus/virtio/devices/virtio1/features: not a feature bit string",
    "bus/pci/slots/12/address: not a slot address",
    "bus/pci/slots/0-3/address: not a slot address",
]


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True,
                          timeout=TIMEOUT)


def fail(msg, proc=None):
    print("FAIL: " + msg)
    if proc is not None:
        print("--- stdout\n%s--- stderr\n%s" % (proc.stdout, proc.stderr))
    return 1


def diff(expected, actual, path="$"):
    """First difference between two JSON values, as a readable line."""
    if type(expected) is not type(actual):
        return "%s: expected %r, got %r" % (path, expected, actual)
    if isinstance(expected, dict):
        for k in sorted(set(expected) | set(actual)):
            if k not in actual:
                return "%s: missing key %r" % (path, k)
            if k not in expected:
                return "%s: unexpected key %r = %r" % (path, k, actual[k])
            d = diff(expected[k], actual[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(expected, list):
        for i, (e, a) in enumerate(zip(expected, actual)):
            d = diff(e, a, "%s[%d]" % (path, i))
            if d:
                return d
        if len(expected) != len(actual):
            return "%s: expected %d items, got %d: %r" % (
                path, len(expected), len(actual), actual[len(expected):])
        return None
    if expected != actual:
        return "%s: expected %r, got %r" % (path, expected, actual)
    return None


def check_fixture(cli, name, expected_dir, work_dir):
    root = gen_fixtures.generate(work_dir, name)
    with open(os.path.join(expected_dir, name + ".json")) as f:
        expected = json.load(f)
    proc = run([cli, "--sysfs", root, "--json"])
    if proc.returncode != 0:
        return fail("exit %d" % proc.returncode, proc)
    try:
        actual = json.loads(proc.stdout)
    except ValueError as e:
        return fail("not JSON: %s" % e, proc)
    d = diff(expected, actual)
    if d:
        print(json.dumps(actual, indent=1))
        return fail(d, proc)
    if name == "broken":
        missing = [w for w in BROKEN_WARNINGS if w not in proc.stderr]
        if missing:
            return fail("warnings missing: %s" % missing, proc)
    elif proc.stderr:
        return fail("unexpected warnings", proc)
    table = run([cli, "--sysfs", root])
    if table.returncode != 0 or not table.stdout:
        return fail("table mode exit %d" % table.returncode, table)
    print(table.stdout, end="")
    # A kernel-held synthetic NIC: AF_XDP by default (TAP on virtio_net),
    # AF_XDP with --exception af_xdp, TAP with --exception tap.
    syn = synthetic_plans(table.stdout)
    plans = {}
    for exc in ("af_xdp", "tap"):
        proc = run([cli, "--sysfs", root, "--exception", exc])
        plans[exc] = synthetic_plans(proc.stdout)
        if proc.returncode != 0 or len(plans[exc]) != len(syn):
            return fail("--exception %s: exit %d" % (exc, proc.returncode), proc)
    for (kind, d), (_, x), (_, t) in zip(syn, plans["af_xdp"], plans["tap"]):
        if x == "af_xdp" and t == "tap":
            want = d == ("tap" if kind == "virtio" else "af_xdp")
        else:
            want = d == x == t and x not in ("af_xdp", "tap")
        if not want:
            return fail("%s pair: synthetic plan %s by default, %s with "
                        "--exception af_xdp, %s with --exception tap: want "
                        "af_xdp (tap on virtio), af_xdp and tap, or the same "
                        "plan thrice" % (kind, d, x, t), table)
    print("PASS %s: %d pairs, %d candidates, %d ignored" % (
        name, len(actual["pairs"]), len(actual["vf_candidates"]),
        len(actual["ignored"])))
    return 0


def synthetic_plans(table):
    """(pair kind, synthetic plan) per pair of the table output."""
    plans, kind = [], None
    for ln in table.splitlines():
        if ln.startswith(("netvsc ", "virtio ")):
            kind = ln.split()[0]
        elif ln.startswith("    synthetic"):
            plans.append((kind, ln.split()[1]))
    return plans


def check_sysfs(cli):
    if not os.path.isdir("/sys/class/net"):
        print("SKIP: /sys/class/net is not there (no sysfs mounted)")
        return SKIP
    proc = run([cli, "--json"])
    if proc.returncode != 0:
        return fail("exit %d on /sys" % proc.returncode, proc)
    try:
        data = json.loads(proc.stdout)
    except ValueError as e:
        return fail("not JSON: %s" % e, proc)
    if not isinstance(data, dict) or not {"pairs", "ignored"} <= set(data):
        return fail("missing keys", proc)
    table = run([cli])
    if table.returncode != 0:
        return fail("table mode exit %d on /sys" % table.returncode, table)
    print(proc.stdout, end="")
    print(table.stdout, end="")
    print("PASS /sys: %d pairs" % len(data["pairs"]))
    return 0


def check_errors(cli, work_dir):
    os.makedirs(work_dir, exist_ok=True)
    missing = os.path.join(work_dir, "no-such-root")
    proc = run([cli, "--sysfs", missing])
    if proc.returncode == 0 or missing not in proc.stderr:
        return fail("nonexistent root: want non-zero and the path", proc)
    with tempfile.TemporaryDirectory(dir=work_dir) as plain:
        proc = run([cli, "--sysfs", plain, "--json"])
        if proc.returncode == 0 or "not a sysfs tree" not in proc.stderr \
                or proc.stdout:
            return fail("non-sysfs root: want non-zero, a message, no JSON",
                        proc)
    if os.path.isdir("/proc/bus"):
        # /proc has a bus/ too, but it is no sysfs.
        proc = run([cli, "--sysfs", "/proc"])
        if proc.returncode == 0 or "not a sysfs tree" not in proc.stderr:
            return fail("/proc: want non-zero, not a sysfs tree", proc)
    afile = os.path.join(work_dir, "a-file")
    open(afile, "w").close()
    proc = run([cli, "--sysfs", afile])
    if proc.returncode == 0 or afile not in proc.stderr:
        return fail("root is a file: want non-zero and the path", proc)
    proc = run([cli, "--sysfs", work_dir, "--exception", "xdp"])
    if proc.returncode != 2 or "--exception is auto, af_xdp or tap, not 'xdp'" \
            not in proc.stderr:
        return fail("--exception xdp: want exit 2 and the value named", proc)
    for args in (["--bogus"], ["-x"], ["extra-arg"], ["--sysfs"]):
        proc = run([cli] + args)
        if proc.returncode != 2 or "Usage:" not in proc.stderr:
            return fail("%s: want exit 2 and usage" % args, proc)
    proc = run([cli, "--help"])
    if proc.returncode != 0 or "--sysfs" not in proc.stdout:
        return fail("--help: want exit 0 and usage on stdout", proc)
    print("PASS CLI errors")
    return 0


def check_api(test_bin, work_dir):
    roots = [gen_fixtures.generate(work_dir, n)
             for n in ("azure_mana", "dpdk_bound")]
    proc = run([test_bin] + roots)
    print(proc.stdout + proc.stderr, end="")
    return 0 if proc.returncode == 0 else fail("API test exit %d"
                                               % proc.returncode)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cli, mode = argv[1], argv[2]
    if mode == "fixture" and len(argv) == 6:
        return check_fixture(cli, argv[3], argv[4], argv[5])
    if mode == "sysfs":
        return check_sysfs(cli)
    if mode == "errors" and len(argv) == 4:
        return check_errors(cli, argv[3])
    if mode == "api" and len(argv) == 4:
        return check_api(cli, argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
