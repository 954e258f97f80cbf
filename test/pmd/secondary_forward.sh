#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# A primary and a secondary process forward their own queues of one failover
# port across a VF loss and return; a secondary that exits, and one that is
# killed, leave the primary undisturbed (test_mp.c). 256 hugepages are
# reserved for it if fewer are free, and the previous count is restored.
set -uo pipefail
. "$(dirname "$0")/hugepages_lib.sh"
test_mp=$1
prefix=fomp-$$
trap 'huge_release "$prefix"' EXIT
huge_reserve 256
timeout -k 5 100 "$test_mp" primary "$prefix"
