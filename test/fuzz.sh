#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The net_failover authors
#
# Build the fuzz targets with clang (libFuzzer + ASan + UBSan): the sysfs
# attribute parsers and the devargs parser, and run each for SECONDS
# (default 20). Output goes to build-fuzz/ at the top of the repository;
# crash reproducers land there too.
set -eu

seconds=${1:-20}
case $seconds in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=$top/build-fuzz
cc=${CLANG:-}
if [ -z "$cc" ]; then
	for c in clang clang-14 clang-15 clang-16; do
		command -v "$c" >/dev/null 2>&1 && { cc=$c; break; }
	done
fi
if [ -z "$cc" ]; then
	echo "SKIP: clang not found (apt-get install clang libclang-rt-dev)"
	exit 77
fi
mkdir -p "$out/corpus" "$out/corpus-args"
# The parsers are the only code fed untrusted bytes without the filesystem.
"$cc" -g -O1 -std=gnu11 -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$top/lib/failover_scan" \
	"$top/lib/failover_scan/scan_parse.c" \
	"$top/lib/failover_scan/scan_parse_check.c" \
	"$here/scan/fuzz_parsers.c" -o "$out/fuzz_scan_parsers"
"$cc" -g -O1 -std=gnu11 -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$top/drivers/net/failover" \
	"$top/drivers/net/failover/failover_args.c" \
	"$here/pmd/fuzz_args.c" -o "$out/fuzz_args"
# Seeds: real attribute contents.
printf '00:0d:3a:03:16:46\n' >"$out/corpus/mac"
printf '{f8615163-df3e-46c5-913f-f2d2f965ed0e}\n' >"$out/corpus/class_id"
printf '2f81:00:02\n' >"$out/corpus/slot"
printf 'cf63:00:02.0' >"$out/corpus/pci"
printf 'DRIVER=mlx5_core\nPCI_SLOT_NAME=cf63:00:02.0\n' >"$out/corpus/uevent"
printf '%064d\n' 0 | sed 's/^\(.\{62\}\)0/\11/' >"$out/corpus/features"
# Seeds: devargs as users write them.
printf 'primary=(net_af_packet0,iface=vf0),standby=(net_tap0,iface=t0)' >"$out/corpus-args/explicit"
printf 'standby=[net_ring0,nodeaction=r:0:CREATE],mac=00:0d:3a:03:16:46,poll_ms=0' >"$out/corpus-args/brackets"
printf 'sysfs=/tmp/tree,iface=eth0,standby_poll=4,quiesce_ms=7,mbuf_port=sub' >"$out/corpus-args/discovery"
printf 'primary=(net_x0,a=(b,c),d=[e,f])' >"$out/corpus-args/nested"
cd "$out"
# libFuzzer exits 77 on a crash by default, which test runners read as
# "skipped": make a finding a plain failure.
./fuzz_scan_parsers -max_total_time="$seconds" -max_len=512 \
	-error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 corpus
exec ./fuzz_args -max_total_time="$seconds" -max_len=1100 \
	-error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 corpus-args
