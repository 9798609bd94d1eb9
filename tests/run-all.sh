#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-all.sh: every test: host unit tests first (plain, then again under
# ASan and UBSan from build/asan/), then the host tools'
# tests (tests/tools/), the repository's static checks (tests/checks/),
# the spin model checks, then QEMU integration, then Bochs integration
# (tests/bochs/, the second emulator: skipped when Bochs is missing).
#
# Usage: tests/run-all.sh HOST_TEST_BIN...   (`make test` passes them)
#
# The "mutant" suite (tests/host/run-mutants.sh) follows the host suite:
# one case per bug switch of kernel/tmigr.c, passing when its regression
# test fails on the switched-on bug.
#
# Theory: each runner prints a line per case and ends with its own
# "N passed, N failed" (", N skipped" added when it skipped cases: an
# environment variable such as TMSIM_TEST or TMIGR_STRESS_CPUS shrank it).
# We pass the case lines through as they come, keep each runner's count
# line (shown as "host tests: ..." / "tool tests: ..." / "model tests:
# ..." / "qemu tests: ..." / "bochs tests: ..."), and finish with exactly "N passed, N failed" over all test cases
# as the last line, or "N passed, N failed, N skipped" when any case was
# skipped.  A runner that ends without a count line, or whose exit
# status says failure while its count says none, counts as one more
# failure.  A runner that dies of a signal (Ctrl-C) stops the whole run.
# Exit status 1 if anything failed.

set -euo pipefail
# The reading end of each runner's pipe runs in this shell, so the count
# it finds is ours (scripts run without job control, as lastpipe needs).
shopt -s lastpipe

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly COUNT_RE='^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'

total_pass=0
total_fail=0
total_skip=0

# count_line PASS FAIL SKIP: the count line, ", N skipped" only when N > 0.
count_line() {
	if (($3 > 0)); then
		echo "$1 passed, $2 failed, $3 skipped"
	else
		echo "$1 passed, $2 failed"
	fi
}

# run_suite LABEL COMMAND...
run_suite() {
	local label=$1 line count='' rc=0 pass=0 fail=0 skip=0
	shift

	if ! "$@" 2>&1 | while IFS= read -r line; do
		if [[ $line =~ $COUNT_RE ]]; then
			count=$line
		else
			printf '%s\n' "$line"
		fi
	done; then
		rc=${PIPESTATUS[0]}
	fi
	if ((rc > 128)); then
		echo "$label tests: interrupted (signal $((rc - 128)))"
		exit "$rc"
	fi
	if [[ $count =~ $COUNT_RE ]]; then
		pass=${BASH_REMATCH[1]}
		fail=${BASH_REMATCH[2]}
		skip=${BASH_REMATCH[4]:-0}
	else
		echo "$label tests: the runner printed no count (exit status $rc)"
		fail=1
	fi
	if [[ $rc -ne 0 && $fail -eq 0 ]]; then
		echo "$label tests: the runner failed (exit status $rc) but counted no failure"
		fail=1
	fi
	echo "$label tests: $(count_line "$pass" "$fail" "$skip")"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
}

main() {
	# the same host tests built under ASan and UBSan (make host-asan-build)
	local asan=() t
	for t in "$@"; do
		[[ $t == *_tsan ]] || asan+=("${t/\/host\///asan/host/}")
	done
	run_suite host "$ROOT/tests/run-host-tests.sh" "$@"
	run_suite asan "$ROOT/tests/run-host-tests.sh" "${asan[@]}"
	run_suite tool "$ROOT/tests/tools/run.sh"
	run_suite check "$ROOT/tests/checks/run.sh"
	run_suite fuzz "$ROOT/tests/fuzz/run.sh"
	run_suite mutant "$ROOT/tests/host/run-mutants.sh"
	run_suite model "$ROOT/tests/model/run.sh"
	run_suite qemu "$ROOT/tests/qemu/run.sh"
	run_suite bochs "$ROOT/tests/bochs/run.sh"
	count_line "$total_pass" "$total_fail" "$total_skip"
	[[ $total_fail -eq 0 ]]
}

main "$@"
