#!/usr/bin/env bash
# Everything the tests need, on a fresh Debian 12 machine, as root, on every
# DPDK release net_failover supports:
#  - the machine's own DPDK (Debian 12: 22.11): installs what is missing
#    (devtools/setup.sh), builds a release tree (build/, -Werror) and an
#    ASan+UBSan tree (build-asan/), runs every suite in the first and those
#    of the project's own executables in the second (Debian's testpmd cannot
#    load an ASan-built plugin), fuzzes the sysfs and devargs parsers briefly;
#    the suites that count frames (e2e, ovs, vm, bench) run once the roots,
#    made meanwhile, are there: debootstrap beside them loses their frames;
#  - then each Debian root of devtools/release-root.sh (trixie: 24.11, sid:
#    25.11): the driver SDK headers (devtools/setup.sh inside the root), a
#    -Werror build inside the root, and every suite there;
#  - the Debian packages of each release (devtools/package.sh, bookworm's
#    too), installed and used in a clean copy of its root
#    (test/pkg/test_packages.sh);
#  - DPDK 23.11, 26.03 and 26.07, which no Debian root here has: compile
#    only, -Werror (devtools/check-compile.sh, shared/dpdk-sdk.git);
#  - that a removed root leaves the host untouched.
# The driver SDK headers come from devtools/setup.sh: Debian's source
# package, DPDK_SRC, else the header repository shared/dpdk-sdk.git.
#
# Every meson run is judged whole: its exit code, and its log against
# `meson test --list` (a test that never ran fails). A skipped test fails
# the run unless devtools/expected-skips lists it. A release whose headers
# or root cannot be had (an outside input) is skipped with the reason, and
# its line says so. Lines starting "RETRIED:" in a test's output (a test
# that ran its scenario again) are counted; more than $FO_MAX_RETRIED
# (default 2) fail the run.
# It ends with one line per release saying what ran there, then one line
# over all: N passed, N failed, N skipped.
#
#   test.sh [--releases "trixie sid"] [--dpdk-src DIR[:DIR...]]
#
# FO_RELEASES and DPDK_SRC are the same as the options; FO_RELEASES="" runs
# the host alone. DPDK_SRC names DPDK git directories for setup.sh's headers.
# FO_COMPILE_TAGS (default "v23.11.7 v26.03 v26.07") are the compile-only tags.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
fuzz_seconds=${FUZZ_SECONDS:-20}
releases=${FO_RELEASES-trixie sid}
dpdk_src=${DPDK_SRC:-}
compile_tags=${FO_COMPILE_TAGS-v23.11.7 v26.03 v26.07}
sdk_git=${FO_DPDK_SDK_GIT:-$(cd "$top/.." && pwd)/shared/dpdk-sdk.git}
[ -d "$sdk_git" ] || sdk_git=""
while [ $# -gt 0 ]; do
	case "$1" in
	--releases) releases=${2?--releases needs a list}; shift ;;
	--dpdk-src) dpdk_src=${2?--dpdk-src needs a directory}; shift ;;
	*) echo "test: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/results # KIND<TAB>RELEASE<TAB>WHAT<TAB>DETAIL
runs=$work/runs       # RELEASE<TAB>WHAT<TAB>TESTLOG<TAB>LIST<TAB>MESON-RC
: >"$results"
: >"$runs"
started=$(date +%s)

step() { printf '\n== %s [%s]\n' "$*" "$(date -u +%T)"; }
# result PASS|FAIL|SKIP RELEASE WHAT [DETAIL]
result() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$results"; }
# meson_run RELEASE WHAT TESTLOG LIST RC: one meson test run, judged whole.
meson_run() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$runs"; }
series() { echo "$1" | cut -d. -f1,2; }
# The tests of a build tree, one per line, as meson names them in its log:
# "project:suite / name" (meson 1.0), "suite - project:name" (1.12).
tests_only() { grep -E '^[^ ]+:[^ ]* / [^ ]+$|^[^ ]+ - [^ ]+:[^ ]+$'; }
list_tests() { meson test -C "$1" --list 2>/dev/null | tests_only; }

# The suites that count frames and time a guest (namespaces, QEMU) run on
# the host once the roots are made, not beside debootstrap on 2 cores.
timed=(e2e ovs vm bench)
timed_suites=() untimed_suites=()
for s in "${timed[@]}"; do
	timed_suites+=(--suite "$s")
	untimed_suites+=(--no-suite "$s")
done
host_built=

host=$(pkg-config --modversion libdpdk 2>/dev/null || echo "")
hrel=$(series "${host:-22.11}")

step "set-up (host)"
if ! bash devtools/setup.sh ${dpdk_src:+--dpdk-src "$dpdk_src"} ${sdk_git:+--sdk-git "$sdk_git"}; then
	result FAIL "$hrel" "set-up" "devtools/setup.sh failed"
else
	host=$(pkg-config --modversion libdpdk)
	hrel=$(series "$host")
	result INFO "$hrel" "where" "host, DPDK $host"
	# The roots are made (debootstrap, packages: mostly the mirror and the
	# disk) while the host builds and tests; they are awaited before use.
	if [ -n "$releases" ]; then
		(for code in bookworm $releases; do
			devtools/release-root.sh ensure "$code" >"$work/root-$code.log" 2>&1
		done) &
		roots_pid=$!
		echo "test: making the roots (bookworm $releases) meanwhile, logs in $work/root-*.log"
	fi
	step "build (host: release with -Werror, and ASan+UBSan)"
	if ! devtools/build.sh build -Dwerror=true || ! devtools/build.sh build-asan \
		-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug; then
		result FAIL "$hrel" "build"
	elif ! meson introspect --buildoptions build |
		python3 -c 'import json, sys; sys.exit(0 if any(o["name"] == "werror" and o["value"] for o in json.load(sys.stdin)) else 1)'; then
		result FAIL "$hrel" "build" "build/ is not configured with -Werror"
	else
		host_built=1
		step "tests (host $host, release build; the suites that count frames come after the roots)"
		rm -f build/meson-logs/testlog.json
		list_tests build >"$work/host-all.list"
		meson test -C build --list "${untimed_suites[@]}" 2>/dev/null | tests_only >"$work/host.list"
		meson test -C build --print-errorlogs --num-processes 1 "${untimed_suites[@]}"
		rc=$?
		cp build/meson-logs/testlog.json "$work/host.json" 2>/dev/null || :
		meson_run "$hrel" "suites" "$work/host.json" "$work/host.list" $rc

		step "tests (host $host, ASan+UBSan build)"
		asan_suites=(--suite unit --suite pmd --suite scan --suite tc --suite xdp)
		rm -f build-asan/meson-logs/testlog.json
		meson test -C build-asan --list "${asan_suites[@]}" 2>/dev/null | tests_only >"$work/asan.list"
		ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			meson test -C build-asan --print-errorlogs --num-processes 1 "${asan_suites[@]}"
		meson_run "$hrel" "ASan+UBSan" build-asan/meson-logs/testlog.json "$work/asan.list" $?
	fi

	step "fuzzing the sysfs and devargs parsers for ${fuzz_seconds}s each"
	if bash test/fuzz.sh "$fuzz_seconds"; then
		result PASS "$hrel" "fuzzing"
	else
		result FAIL "$hrel" "fuzzing"
	fi
fi

# The release a root's code name carries.
root_release() {
	case $1 in
	bookworm) echo 22.11 ;;
	trixie) echo 24.11 ;;
	sid) echo 25.11 ;;
	*) echo "$1" ;;
	esac
}

# root_failed RC RELEASE WHAT CODENAME OUTPUT: a root that cannot be had is
# a skip when the mirror cannot be reached (release-root.sh exit 3), else a
# failure.
root_failed() {
	if [ "$1" -eq 3 ]; then
		result SKIP "$2" "$3" "no $4 root: $(echo "$5" | tail -1)"
	else
		result FAIL "$2" "$3" "no $4 root: $(echo "$5" | tail -1)"
	fi
}

# One release in its Debian root: headers, -Werror build, every suite.
run_release() {
	local code=$1 rel out rc dir rpath
	rel=$(root_release "$code")
	export FO_ROOT_BIND_RO="$top ${dpdk_src//:/ } $sdk_git"
	export FO_ROOT_BIND_RW=/var/cache/net-failover/dpdk-sdk
	step "$code: root"
	out=$(devtools/release-root.sh ensure "$code" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "$out"
		root_failed "$rc" "$rel" "suites" "$code" "$out"
		return
	fi
	echo "$out"
	result INFO "$rel" "where" "$code root, DPDK $(echo "$out" | sed -n 's/.*up to date: DPDK //p' | tail -1)"
	step "$code: driver SDK headers"
	out=$(devtools/release-root.sh run "$code" bash "$top/devtools/setup.sh" --sdk-only \
		${dpdk_src:+--dpdk-src "$dpdk_src"} ${sdk_git:+--sdk-git "$sdk_git"} 2>&1)
	rc=$?
	echo "$out"
	if [ "$rc" -eq 3 ]; then
		result SKIP "$rel" "suites" "$(echo "$out" | grep 'error:' | tail -1 | sed 's/^setup: error: //')"
		return
	elif [ "$rc" -ne 0 ]; then
		result FAIL "$rel" "set-up" "devtools/setup.sh in the $code root failed"
		return
	fi
	step "$code: build with -Werror, and tests"
	dir=/root/net-failover-build
	rpath=$(devtools/release-root.sh path "$code")
	rm -f "$rpath$dir/meson-logs/testlog.json" "$rpath$dir.list" "$rpath$dir.rc"
	devtools/release-root.sh run "$code" bash -c '
		set -u
		rm -rf "$2"
		if ! meson setup "$2" "$1" -Dwerror=true >"$2.setup.log" 2>&1; then
			cat "$2.setup.log"; exit 10
		fi
		ninja -C "$2" >"$2.ninja.log" 2>&1
		rc=$?
		echo "build: $(grep -c "warning:" "$2.ninja.log") warning(s)," \
			"$(grep -c "error:" "$2.ninja.log") error(s) against DPDK $(pkg-config --modversion libdpdk)"
		[ "$rc" -eq 0 ] || { grep -E -A3 "warning:|error:" "$2.ninja.log" | head -60; exit 11; }
		meson test -C "$2" --list 2>/dev/null |
			grep -E "^[^ ]+:[^ ]* / [^ ]+\$|^[^ ]+ - [^ ]+:[^ ]+\$" >"$2.list"
		cd "$2" && meson test --print-errorlogs --num-processes 1
		echo $? >"$2.rc"
		exit 0' _ "$top" "$dir"
	case $? in
	0) meson_run "$rel" "suites" "$rpath$dir/meson-logs/testlog.json" "$rpath$dir.list" \
		"$(cat "$rpath$dir.rc" 2>/dev/null || echo 255)" ;;
	10) result FAIL "$rel" "build" "meson setup in the $code root failed" ;;
	11) result FAIL "$rel" "build" "-Werror build in the $code root failed" ;;
	*) result FAIL "$rel" "suites" "could not run in the $code root" ;;
	esac
}

if [ -n "${roots_pid:-}" ]; then
	step "waiting for the roots made meanwhile"
	wait "$roots_pid"
	cat "$work"/root-*.log
fi
if [ -n "$host_built" ]; then
	step "tests (host $host, release build: ${timed[*]})"
	rm -f build/meson-logs/testlog.json
	meson test -C build --list "${timed_suites[@]}" 2>/dev/null | tests_only >"$work/host-timed.list"
	meson test -C build --print-errorlogs --num-processes 1 "${timed_suites[@]}"
	rc=$?
	cp build/meson-logs/testlog.json "$work/host-timed.json" 2>/dev/null || :
	meson_run "$hrel" "${timed[*]}" "$work/host-timed.json" "$work/host-timed.list" $rc
fi
for code in $releases; do
	run_release "$code"
done

# The Debian packages of one release (devtools/package.sh, in its root),
# installed and used in a clean copy of that root (test/pkg/test_packages.sh):
# each of its checks counts.
packages() {
	local code=$1 rel out rc
	rel=$(root_release "$code")
	step "$code: Debian packages for DPDK $rel"
	out=$(devtools/release-root.sh ensure "$code" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "$out"
		root_failed "$rc" "$rel" "packages" "$code" "$out"
		return
	fi
	out=$(DPDK_SRC=$dpdk_src FO_DPDK_SDK_GIT=$sdk_git bash devtools/package.sh --release "$rel" 2>&1)
	rc=$?
	echo "$out"
	if [ "$rc" -eq 3 ]; then
		result SKIP "$rel" "packages" "$(echo "$out" | grep 'error:' | tail -1 | sed 's/^[a-z]*: error: //')"
		return
	elif [ "$rc" -ne 0 ]; then
		result FAIL "$rel" "packages" "devtools/package.sh --release $rel failed"
		return
	fi
	out=$(bash test/pkg/test_packages.sh "$code" 2>&1)
	rc=$?
	echo "$out"
	# The packages were just built in a root that exists: nothing may skip.
	echo "$out" | while IFS= read -r line; do
		case $line in
		"ok: "*) result PASS "$rel" "packages" "${line#ok: }" ;;
		"FAIL: "*) result FAIL "$rel" "packages" "${line#FAIL: }" ;;
		esac
	done
	if [ "$rc" -eq 77 ]; then
		result FAIL "$rel" "packages" "test_packages.sh skipped right after the packages were built: $(echo "$out" | tail -1)"
	elif [ "$rc" -ne 0 ] && ! echo "$out" | grep -q '^FAIL: '; then
		result FAIL "$rel" "packages" "test_packages.sh exited $rc"
	fi
}

if [ -n "$releases" ]; then
	packages bookworm
	for code in $releases; do
		packages "$code"
	done
fi

for tag in $compile_tags; do
	rel=$(series "${tag#v}")
	step "DPDK ${tag#v}: compile only (no Debian root has it)"
	out=$(bash devtools/check-compile.sh --tag "$tag" ${sdk_git:+--sdk-git "$sdk_git"} 2>&1)
	rc=$?
	echo "$out" | tail -20
	case $rc in
	0) result PASS "$rel" "compile" "${tag#v}, -Werror, 0 warnings" ;;
	3) result SKIP "$rel" "compile" "$(echo "$out" | tail -1 | sed 's/^check-compile: //')" ;;
	*) result FAIL "$rel" "compile" "${tag#v}: $(echo "$out" | tail -1 | sed 's/^check-compile: //')" ;;
	esac
done

if [ -n "$releases" ]; then
	step "a removed root leaves the host untouched"
	out=$(bash test/roots/test_root_removal.sh 2>&1)
	case $? in
	0) result PASS "$hrel" "root removal" ;;
	77) result SKIP "$hrel" "root removal" "$(echo "$out" | tail -1)" ;;
	*) result FAIL "$hrel" "root removal"; echo "$out" ;;
	esac
	echo "$out" | tail -5
fi

step "summary ($(( ($(date +%s) - started) / 60 )) min)"
python3 - "$results" "$runs" devtools/expected-skips "${FO_MAX_RETRIED:-2}" "$work/host-all.list" <<'PY'
import fnmatch, json, sys
from collections import OrderedDict

results_path, runs_path, skips_path, max_retried, host_list = sys.argv[1:6]
try:
    # A release whose suites cannot run hides about as many tests as the host ran.
    suite_size = max(1, sum(1 for l in open(host_list) if l.strip()))
except OSError:
    suite_size = 1
allowed = []
for line in open(skips_path):
    line = line.strip()
    if line and not line.startswith("#"):
        rel, glob, words = (f.strip() for f in line.split("|", 2))
        allowed.append((rel, glob, words))

def test_name(full):
    """The test's own name, from "project:suite / name" (meson 1.0) or
    "suite - project:name" (meson 1.12)."""
    if " / " in full:
        return full.split(" / ", 1)[1].strip()
    if " - " in full:
        return full.split(" - ", 1)[1].split(":", 1)[-1].strip()
    return full.split(":", 1)[-1].strip()

def expected_skip(rel, name, why):
    return any(rel == r and fnmatch.fnmatch(test_name(name), g) and w in why
               for r, g, w in allowed)

rel_parts = OrderedDict()  # release -> list of "what: outcome"
where = {}
total = [0, 0, 0]  # passed, failed, skipped
retried = []

def part(rel, text):
    rel_parts.setdefault(rel, []).append(text)

def fail(msg):
    print(f"FAIL: {msg}")
    total[1] += 1

simple = OrderedDict()  # (release, what) -> [passed, failed, skipped, notes]
for line in open(results_path).read().splitlines():
    kind, rel, what, detail = (line.split("\t") + [""] * 4)[:4]
    if kind == "INFO":
        where[rel] = detail
        rel_parts.setdefault(rel, [])
        continue
    n = simple.setdefault((rel, what), [0, 0, 0, []])
    rel_parts.setdefault(rel, [])
    if kind == "PASS":
        n[0] += 1
        total[0] += 1
        if what == "compile":
            n[3].append(detail)
    elif kind == "SKIP":
        hidden = suite_size if what == "suites" else 1
        n[2] += hidden
        total[2] += hidden
        n[3].append(f"SKIPPED ({hidden} tests): {detail}" if hidden > 1 else f"SKIPPED: {detail}")
        print(f"skipped: {rel} {what}: {detail}")
    else:
        n[1] += 1
        fail(f"{rel} {what}" + (f": {detail}" if detail else ""))

for line in open(runs_path).read().splitlines():
    rel, what, log, listfile, rc = line.split("\t")
    rel_parts.setdefault(rel, [])
    try:
        expected = [test_name(l) for l in open(listfile) if l.strip()]
    except OSError:
        expected = []
    try:
        entries = [json.loads(l) for l in open(log).read().splitlines()]
    except (OSError, ValueError) as e:
        fail(f"{rel} {what}: no readable test log {log} ({e})")
        part(rel, f"{what}: no test log")
        continue
    n = [0, 0, 0]
    seen = set()
    for t in entries:
        name, r = t["name"], t["result"]
        seen.add(test_name(name))
        out = t.get("stdout", "") or ""
        for l in out.splitlines():
            if l.startswith("RETRIED:"):
                retried.append(f"{rel} {what}: {name}: {l}")
        if r in ("OK", "EXPECTEDFAIL"):
            n[0] += 1
        elif r == "SKIP":
            why = [l for l in out.splitlines() if "skipped" in l.lower()]
            why = why[-1].strip() if why else out.strip()[-200:]
            if expected_skip(rel, name, why):
                n[2] += 1
                print(f"skipped (expected): {rel} {what}: {name}: {why}")
            else:
                n[1] += 1
                print(f"FAIL: {rel} {what}: {name}: unexpected skip: {why}")
        else:
            n[1] += 1
            print(f"FAIL: {rel} {what}: {name} ({r})")
    missing = [e for e in expected if e not in seen]
    for m in missing:
        print(f"FAIL: {rel} {what}: {m}: never ran")
    n[1] += len(missing)
    if not expected:
        print(f"FAIL: {rel} {what}: no test list")
        n[1] += 1
    if rc != "0" and n[1] == 0:
        print(f"FAIL: {rel} {what}: meson test exited {rc} with no failed test in its log")
        n[1] += 1
    total[0] += n[0]
    total[1] += n[1]
    total[2] += n[2]
    text = f"{what} {n[0]} passed, {n[1]} failed"
    if n[2]:
        text += f", {n[2]} skipped as listed in devtools/expected-skips"
    part(rel, text)

for (rel, what), n in simple.items():
    if what == "compile" and n[0] and not n[1]:
        part(rel, "compiled (" + "; ".join(n[3]) + ")")
        continue
    if not n[0] and not n[1]:
        part(rel, f"{what} " + "; ".join(n[3]))
        continue
    text = f"{what}: {n[0]} passed, {n[1]} failed"
    if n[2]:
        text += ", " + "; ".join(n[3])
    part(rel, text)

for r in retried:
    print(r)
if len(retried) > int(max_retried):
    fail(f"{len(retried)} tests ran their scenario again (RETRIED lines above), more than {max_retried}")

def key(rel):
    try:
        return tuple(int(x) for x in rel.split("."))
    except ValueError:
        return (999,)

for rel in sorted(rel_parts, key=key):
    head = f"release {rel}" + (f" ({where[rel]})" if rel in where else "")
    print(f"{head}: " + ("; ".join(rel_parts[rel]) or "nothing ran"))
print(f"{total[0]} passed, {total[1]} failed, {total[2]} skipped")
sys.exit(1 if total[1] else 0)
PY
