#!/usr/bin/env bash
# Everything the tests need, on a fresh Debian 12 machine, as root, on every
# DPDK release net_failover supports:
#  - the machine's own DPDK (Debian 12: 22.11): installs what is missing
#    (devtools/setup.sh), builds a release tree (build/, -Werror) and an
#    ASan+UBSan tree (build-asan/), runs every suite in the first and those
#    of the project's own executables in the second (Debian's testpmd cannot
#    load an ASan-built plugin), fuzzes the sysfs and devargs parsers briefly;
#  - then each Debian root of devtools/release-root.sh (trixie: 24.11, sid:
#    25.11): the driver SDK headers (devtools/setup.sh inside the root), a
#    -Werror build inside the root, and every suite there;
#  - the Debian packages of each release (devtools/package.sh, bookworm's
#    too), installed and used in a clean copy of its root
#    (test/pkg/test_packages.sh);
#  - DPDK 23.11, which no Debian root here has: compile only, -Werror
#    (devtools/check-compile.sh);
#  - that a removed root leaves the host untouched.
# It ends with one line over all releases: N passed, N failed, N skipped.
# A release whose root or headers cannot be had is one skip, with the reason.
#
#   test.sh [--releases "trixie sid"] [--dpdk-src DIR[:DIR...]]
#
# FO_RELEASES and DPDK_SRC are the same as the options; FO_RELEASES="" runs
# the host alone. DPDK_SRC names DPDK git directories for setup.sh's headers.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
fuzz_seconds=${FUZZ_SECONDS:-20}
releases=${FO_RELEASES-trixie sid}
dpdk_src=${DPDK_SRC:-}
while [ $# -gt 0 ]; do
	case "$1" in
	--releases) releases=${2?--releases needs a list}; shift ;;
	--dpdk-src) dpdk_src=${2?--dpdk-src needs a directory}; shift ;;
	*) echo "test: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
results=$(mktemp)
trap 'rm -f "$results"' EXIT
logs=() # tag=path of meson test logs to count

step() { printf '\n== %s [%s]\n' "$*" "$(date -u +%T)"; }
result() { printf '%s\n' "$*" >>"$results"; } # PASS|FAIL|SKIP name [reason]

host=$(pkg-config --modversion libdpdk 2>/dev/null || echo "DPDK")

step "set-up (host)"
if ! bash devtools/setup.sh ${dpdk_src:+--dpdk-src "$dpdk_src"}; then
	result "FAIL host: set-up (devtools/setup.sh)"
else
	step "build (host: release with -Werror, and ASan+UBSan)"
	if ! devtools/build.sh build -Dwerror=true || ! devtools/build.sh build-asan \
		-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug; then
		result "FAIL host: build"
	else
		step "tests (host $host, release build)"
		meson test -C build --print-errorlogs --num-processes 1 || true
		logs+=("host=build/meson-logs/testlog.json")

		step "tests (host $host, ASan+UBSan build)"
		ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			meson test -C build-asan --print-errorlogs --num-processes 1 \
			--suite unit --suite pmd --suite scan --suite tc || true
		logs+=("host-asan=build-asan/meson-logs/testlog.json")
	fi

	step "fuzzing the sysfs and devargs parsers for ${fuzz_seconds}s each"
	if [ -f test/fuzz.sh ]; then
		bash test/fuzz.sh "$fuzz_seconds" && result "PASS host: fuzzing" ||
			result "FAIL host: fuzzing"
	fi
fi

# One release in its Debian root: headers, -Werror build, every suite.
run_release() {
	local code=$1 out rc dir
	export FO_ROOT_BIND_RO="$top ${dpdk_src//:/ }"
	export FO_ROOT_BIND_RW=/var/cache/net-failover/dpdk-sdk
	step "$code: root"
	if ! out=$(devtools/release-root.sh ensure "$code" 2>&1); then
		echo "$out"
		result "SKIP $code: no $code root: $(echo "$out" | tail -1)"
		return
	fi
	echo "$out"
	step "$code: driver SDK headers"
	out=$(devtools/release-root.sh run "$code" bash "$top/devtools/setup.sh" --sdk-only \
		${dpdk_src:+--dpdk-src "$dpdk_src"} 2>&1)
	rc=$?
	echo "$out"
	if [ "$rc" -eq 3 ]; then
		result "SKIP $code: $(echo "$out" | grep 'error:' | tail -1 | sed 's/^setup: error: //')"
		return
	elif [ "$rc" -ne 0 ]; then
		result "FAIL $code: set-up (devtools/setup.sh in the root)"
		return
	fi
	step "$code: build with -Werror, and tests"
	dir=/root/net-failover-build
	rm -f "$(devtools/release-root.sh path "$code")$dir/meson-logs/testlog.json"
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
		cd "$2" && meson test --print-errorlogs --num-processes 1
		exit 0' _ "$top" "$dir"
	case $? in
	0) logs+=("$code=$(devtools/release-root.sh path "$code")$dir/meson-logs/testlog.json") ;;
	10) result "FAIL $code: meson setup" ;;
	11) result "FAIL $code: build (-Werror)" ;;
	*) result "FAIL $code: could not run in the root" ;;
	esac
}

for code in $releases; do
	run_release "$code"
done

# The Debian packages of one release (devtools/package.sh, in its root),
# installed and used in a clean copy of that root (test/pkg/test_packages.sh):
# each of its checks counts.
packages() {
	local code=$1 release=$2 out rc
	step "$code: Debian packages for DPDK $release"
	if ! out=$(devtools/release-root.sh ensure "$code" 2>&1); then
		echo "$out"
		result "SKIP $code: packages: no $code root: $(echo "$out" | tail -1)"
		return
	fi
	if ! DPDK_SRC=$dpdk_src bash devtools/package.sh --release "$release"; then
		result "FAIL $code: devtools/package.sh --release $release"
		return
	fi
	out=$(bash test/pkg/test_packages.sh "$code" 2>&1)
	rc=$?
	echo "$out"
	if [ "$rc" -eq 77 ]; then
		result "SKIP $code: packages: $(echo "$out" | tail -1)"
		return
	fi
	echo "$out" | sed -n 's/^ok: /PASS packages: /p; s/^FAIL: /FAIL packages: /p' >>"$results"
	[ "$rc" -eq 0 ] || echo "$out" | grep -q '^FAIL: ' || result "FAIL $code: packages: test_packages.sh exited $rc"
}

if [ -n "$releases" ]; then
	packages bookworm 22.11
	for code in $releases; do
		case $code in
		trixie) packages trixie 24.11 ;;
		sid) packages sid 25.11 ;;
		esac
	done
fi

step "DPDK 23.11: compile only (no Debian root has it)"
out=$(bash devtools/check-compile.sh --tag v23.11 ${dpdk_src:+--dpdk-src "$dpdk_src"} 2>&1)
case $? in
0) result "PASS 23.11: compile with -Werror" ;;
3) result "SKIP 23.11: compile: $(echo "$out" | tail -1 | sed 's/^check-compile: //')" ;;
*) result "FAIL 23.11: compile with -Werror" ;;
esac
echo "$out" | tail -20

if [ -n "$releases" ]; then
	step "a removed root leaves the host untouched"
	out=$(bash test/roots/test_root_removal.sh 2>&1)
	case $? in
	0) result "PASS root_removal" ;;
	77) result "SKIP root_removal: $(echo "$out" | tail -1)" ;;
	*) result "FAIL root_removal"; echo "$out" ;;
	esac
	echo "$out" | tail -5
fi

step "summary"
python3 - "$results" "${logs[@]}" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]).read().splitlines():
    kind, _, what = line.partition(" ")
    if kind == "PASS":
        passed += 1
    elif kind == "SKIP":
        skipped += 1
        print(f"skipped: {what}")
    else:
        failed += 1
        print(f"FAIL: {what}")
for arg in sys.argv[2:]:
    tag, _, path = arg.partition("=")
    try:
        lines = open(path).read().splitlines()
    except OSError:
        print(f"FAIL: {tag}: no test log {path}")
        failed += 1
        continue
    n = [0, 0, 0]
    for line in lines:
        t = json.loads(line)
        r = t["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            n[0] += 1
        elif r == "SKIP":
            n[2] += 1
            print(f"skipped: {tag}: {t['name']}: {t.get('stdout', '').strip()[-200:]}")
        else:
            n[1] += 1
            print(f"FAIL: {tag}: {t['name']} ({r})")
    print(f"{tag}: {n[0]} passed, {n[1]} failed, {n[2]} skipped")
    passed, failed, skipped = passed + n[0], failed + n[1], skipped + n[2]
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
