# shellcheck shell=bash disable=SC2034 # fail belongs to the sourcing script
# Sourced by the shell tests of this directory.
# expect_line [-E] FILE PATTERN DESCRIPTION: prints "ok: DESCRIPTION" when a
# line of FILE matches PATTERN (a basic regex, extended with -E), else
# "FAIL: ..." with the file, and sets fail=1.
expect_line() {
	local mode=""
	if [ "$1" = -E ]; then
		mode=-E
		shift
	fi
	if grep -q $mode -- "$2" "$1"; then
		echo "ok: $3"
	else
		echo "FAIL: $3: no line matching '$2' in:"
		cat "$1"
		fail=1
	fi
}
