#!/usr/bin/env bash
# Configure and build net_failover into build/ (or $1), passing any further
# arguments to meson: to `meson setup` for a new tree, to `meson configure`
# for an existing one, so that options such as -Dwerror=true always hold.
# Run devtools/setup.sh first on a new machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build}
shift || true
cd "$top"
if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || {
		cat "$dir.setup.log" >&2
		echo "build: meson setup of $dir failed (see above)" >&2
		exit 1
	}
	rm -f "$dir.setup.log"
elif [ $# -gt 0 ]; then
	meson configure "$dir" "$@" >"$dir.setup.log" 2>&1 || {
		cat "$dir.setup.log" >&2
		echo "build: meson configure of $dir failed (see above)" >&2
		exit 1
	}
	rm -f "$dir.setup.log"
fi
ninja -C "$dir" >/dev/null || { ninja -C "$dir"; exit 1; }
echo "build: $dir ready"
