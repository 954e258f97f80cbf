#!/usr/bin/env bash
# dpdk-testpmd (Debian's) forwards through net_failover0 loaded with -d:
# every packet received is sent, and both sub-devices stay hidden. (The
# xstat names across a removal of the primary: test_failover.c remove_api.)
set -euo pipefail
so=$1
command -v dpdk-testpmd >/dev/null || { echo "skipped: dpdk-testpmd not installed"; exit 77; }
out=$(mktemp)

prefix="fotpmd-$$"
eal=(-l 0,1 --no-huge -m 512 --no-pci --file-prefix "$prefix" -d "$so"
	--vdev 'net_failover0,primary=(net_null0,size=64),standby=(net_ring0)' --log-level=lib.eal:warning)
tel=$(mktemp)
trap 'rm -rf "$out" "$tel" "/var/run/dpdk/$prefix"' EXIT
# While it forwards, ask telemetry for the port's state once the port runs on
# its primary (as long as that takes on a loaded machine), then end testpmd.
{
	python3 - "/var/run/dpdk/$prefix/dpdk_telemetry.v2" >"$tel" 2>&1 <<'PY' || true
import json, socket, sys, time
out = []
for attempt in range(600):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.connect(sys.argv[1])
        json.loads(s.recv(16384))
        out = []
        for cmd in ("/failover/list", "/failover/status,0"):
            s.send(cmd.encode())
            out.append(json.loads(s.recv(16384)))
        s.close()
        if out[1].get("/failover/status", {}).get("active") == "primary":
            break
    except (OSError, ValueError):
        pass
    time.sleep(0.1)
for o in out:
    print(json.dumps(o))
PY
	sleep 1
	echo
} | timeout 120 dpdk-testpmd "${eal[@]}" -- --forward-mode=io \
	--port-topology=loop --total-num-mbufs=8192 --nb-cores=1 >"$out" 2>&1 || {
	cat "$out"; echo "FAIL: testpmd exited non-zero"; exit 1; }

ports=$(grep -c "^Configuring Port" "$out" || true)
[ "$ports" = 1 ] || { cat "$out"; echo "FAIL: testpmd configured $ports ports, expected only net_failover0"; exit 1; }
rx=$(awk '/Accumulated forward statistics/{f=1} f && /RX-packets:/{print $2; exit}' "$out")
tx=$(awk '/Accumulated forward statistics/{f=1} f && /TX-packets:/{print $2; exit}' "$out")
[ -n "$rx" ] && [ "$rx" -gt 0 ] || { cat "$out"; echo "FAIL: nothing forwarded"; exit 1; }
[ "$rx" = "$tx" ] || { cat "$out"; echo "FAIL: received $rx, sent $tx"; exit 1; }
echo "ok: forwarded $rx packets through net_failover0 with one port visible"
python3 - "$tel" <<'PY' || { cat "$tel"; echo "FAIL: telemetry"; exit 1; }
import json, sys
lines = open(sys.argv[1]).read().splitlines()
lst = json.loads(lines[0])["/failover/list"]
st = json.loads(lines[1])["/failover/status"]
assert lst == [0], lst
assert st["active"] == "primary" and st["switch_count"] == 1, st
assert st["primary"]["present"] == 1 and st["standby"]["link_up"] == 1, st
print("ok: telemetry /failover/list", lst, "/failover/status,0 active", st["active"])
PY
