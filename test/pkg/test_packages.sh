#!/usr/bin/env bash
# The Debian packages of devtools/package.sh, in a clean copy of their
# release's root: they install; dpdk-testpmd forwards through net_failover0
# with no -d (EAL loads the PMD from its pmds directory); an application
# built with `pkg-config --static` against librte-net-failover-dev runs a
# failover port; `dpkg -r` removes every file the packages installed.
#
#   test_packages.sh CODENAME     (bookworm, trixie or sid; dist/CODENAME/)
#
# Exits 77 (skipped) when there are no packages or no root, saying why.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
rr="$top/devtools/release-root.sh"
code=${1:?usage: test_packages.sh CODENAME}
roots=$(realpath -m "${FO_ROOTS:-/var/cache/net-failover/roots}")
dist="$top/dist/$code"
fails=0

check() { # description, command...
	local what=$1
	shift
	if "$@"; then
		echo "ok: $code: $what"
	else
		echo "FAIL: $code: $what"
		fails=$((fails + 1))
		return 1
	fi
}

[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (chroot)"; exit 77; }
ls "$dist"/librte-net-failover_*.deb >/dev/null 2>&1 ||
	{ echo "skipped: no packages in dist/$code (devtools/package.sh)"; exit 77; }
[ -f "$roots/$code/.net-failover-pkgs" ] ||
	{ echo "skipped: no $code root (devtools/release-root.sh ensure $code)"; exit 77; }

scratch=$(realpath "$(mktemp -d "$(dirname "$roots")/scratch-pkg.XXXXXX")")
cleanup() { FO_ROOTS=$scratch "$rr" remove "$code" >/dev/null 2>&1; rm -rf --one-file-system "$scratch"; }
trap cleanup EXIT
cp -a --reflink=auto "$roots/$code" "$scratch/$code" || { echo "FAIL: cannot copy the $code root"; exit 1; }
r="$scratch/$code"
# Nothing of net_failover in the copy but the packages.
rm -rf "$r/root/net-failover-build" "$r/root/net-failover-pkg" "$r/root/b"
mkdir -p "$r/root/debs"
cp "$dist"/*.deb "$r/root/debs/"
cp "$top/examples/failover_fwd/main.c" "$r/root/fwd.c"
inroot() { FO_ROOTS=$scratch "$rr" run "$code" "$@"; }

pkgs="librte-net-failover dpdk-failover-scan librte-net-failover-dev"
inroot sh -c "cd /root/debs && apt-get install -y -q ./librte-net-failover_*.deb \
	./dpdk-failover-scan_*.deb ./librte-net-failover-dev_*.deb" >"$scratch/install.log" 2>&1
check "the three packages install" test $? -eq 0 || tail -20 "$scratch/install.log"
inroot sh -c "for p in $pkgs; do dpkg -L \$p; done" >"$scratch/files" 2>/dev/null
pmd=$(grep '/pmds-[0-9.]*/librte_net_failover.so$' "$scratch/files")
check "the PMD is in the DPDK's pmds directory ($pmd)" test -n "$pmd"

# testpmd without -d: EAL finds the PMD itself.
inroot sh -c "(sleep 2; echo) | timeout 120 dpdk-testpmd -l 0,1 --no-huge -m 512 --no-pci \
	--file-prefix fopkg --vdev 'net_failover0,primary=(net_null0),standby=(net_ring0)' -- \
	--forward-mode=io --port-topology=loop --total-num-mbufs=8192" >"$scratch/testpmd.log" 2>&1
rx=$(awk '/Accumulated forward statistics/{f=1} f && /RX-packets:/{print $2; exit}' "$scratch/testpmd.log")
ports=$(grep -c '^Configuring Port' "$scratch/testpmd.log")
check "dpdk-testpmd forwards through net_failover0 with no -d (${rx:-0} frames, $ports port)" \
	test "${rx:-0}" -gt 0 -a "$ports" -eq 1 || tail -20 "$scratch/testpmd.log"
inroot dpdk-failover-scan --help >/dev/null 2>&1
check "dpdk-failover-scan runs" test $? -eq 0

# dpkg -r removes every file it installed (the PMD first: the application
# below must get the driver from the static archive, not from EAL's plugins).
inroot dpkg -r librte-net-failover dpdk-failover-scan >"$scratch/remove.log" 2>&1
check "dpkg -r of the PMD and the tool" test $? -eq 0
left=""
while read -r f; do
	[ -d "$r$f" ] && continue
	case $f in */librte_net_failover.a | */rte_pmd_failover.h | */librte_net_failover.pc | /usr/share/doc/librte-net-failover-dev*) continue ;; esac
	[ -e "$r$f" ] && left="$left $f"
done <"$scratch/files"
check "no file of theirs is left${left:+:$left}" test -z "$left"

# An application linked statically with pkg-config --static.
inroot sh -c 'cd /root && gcc -O2 -DALLOW_EXPERIMENTAL_API -o fwd fwd.c \
	$(pkg-config --static --cflags --libs librte_net_failover)' >"$scratch/link.log" 2>&1
check "an application links with pkg-config --static librte_net_failover" test $? -eq 0 ||
	tail -20 "$scratch/link.log"
inroot sh -c "timeout 60 /root/fwd -l 0 --no-huge -m 256 --no-pci --file-prefix fopkgapp \
	--vdev 'net_failover0,primary=(net_null0),standby=(net_ring0)' -- --duration 2" \
	>"$scratch/app.log" 2>&1
check "it runs a failover port (status through rte_pmd_failover.h, frames echoed)" \
	grep -Eq '^port 0: [1-9][0-9]* frames echoed' "$scratch/app.log" || tail -20 "$scratch/app.log"
linked=$(inroot sh -c 'ldd /root/fwd' 2>/dev/null)
check "the application is not linked to a shared librte_net_failover" \
	test -n "$linked" -a -z "$(echo "$linked" | grep librte_net_failover)"

inroot sh -c "dpkg -L librte-net-failover-dev" >"$scratch/files-dev" 2>/dev/null
inroot dpkg -r librte-net-failover-dev >>"$scratch/remove.log" 2>&1
left=""
while read -r f; do
	[ -d "$r$f" ] || { [ -e "$r$f" ] && left="$left $f"; }
done <"$scratch/files-dev"
check "dpkg -r of the -dev package leaves none of its files${left:+:$left}" test -z "$left"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "packages for $code: all checks passed"
