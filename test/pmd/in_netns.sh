#!/usr/bin/env bash
# Run a command in a network namespace of its own, removed on any exit.
# Exits 77 (skipped) when namespaces cannot be made here, saying why.
set -u
if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root to create a network namespace"
	exit 77
fi
command -v ip >/dev/null || { echo "skipped: iproute2 (ip) not installed"; exit 77; }
ns="fotest-$$-$RANDOM"
ip netns add "$ns" || { echo "skipped: cannot create a network namespace"; exit 77; }
trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" "$@"
