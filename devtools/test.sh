#!/usr/bin/env bash
# Everything the tests need, on a fresh Debian 12 machine, as root: installs
# what is missing (devtools/setup.sh), builds a release tree (build/) and an
# ASan+UBSan tree (build-asan/), runs every suite in the first and those of
# the project's own executables in the second (Debian's testpmd cannot load an
# ASan-built plugin), fuzzes the sysfs and devargs
# parsers briefly, and ends with one line: N passed, N failed, N skipped.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
fuzz_seconds=${FUZZ_SECONDS:-20}
extra_failed=0
extra_passed=0

step() { printf '\n== %s\n' "$*"; }

step "set-up"
if ! bash devtools/setup.sh; then
	echo "test: set-up failed"
	echo "0 passed, 1 failed"
	exit 1
fi

step "build (release, and ASan+UBSan)"
if ! devtools/build.sh build || ! devtools/build.sh build-asan \
	-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug; then
	echo "test: build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

step "tests (release build)"
meson test -C build --print-errorlogs --num-processes 1 || true

step "tests (ASan+UBSan build)"
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs --num-processes 1 \
	--suite unit --suite pmd --suite scan --suite tc || true

step "fuzzing the sysfs and devargs parsers for ${fuzz_seconds}s each"
if [ -f test/fuzz.sh ]; then
	if bash test/fuzz.sh "$fuzz_seconds"; then
		extra_passed=$((extra_passed + 1))
	else
		echo "FAIL: fuzzing"
		extra_failed=$((extra_failed + 1))
	fi
fi

step "summary"
python3 - "$extra_passed" "$extra_failed" build/meson-logs/testlog.json \
	build-asan/meson-logs/testlog.json <<'PY'
import json, sys
passed, failed, skipped = int(sys.argv[1]), int(sys.argv[2]), 0
for path in sys.argv[3:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        print(f"FAIL: no test log {path}")
        failed += 1
        continue
    tag = "asan " if "asan" in path else ""
    for line in lines:
        t = json.loads(line)
        r = t["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
            print(f"skipped: {tag}{t['name']}: {t.get('stdout', '').strip()[-200:]}")
        else:
            failed += 1
            print(f"FAIL: {tag}{t['name']} ({r})")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
