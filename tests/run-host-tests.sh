#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-host-tests.sh: run cmocka test programs and count their test cases.
#
# Usage: tests/run-host-tests.sh BIN...
#
# Theory: each program runs alone, under a time limit (HOST_TEST_TIMEOUT
# seconds, default 120, for a test that deadlocks), with cmocka's plain text
# output forced.  cmocka ends with "[  PASSED  ] N test(s)." and, when any
# failed, "[  FAILED  ] N test(s), listed below:", when any were skipped
# (skip(): a case an environment variable such as TMSIM_TEST or
# TMIGR_STRESS_CPUS filtered out), "[  SKIPPED ] N test(s), listed below:";
# those give the counts.  A program that dies (signal, time limit) or whose
# exit status disagrees with its own counts has at least one failure: the
# cases it started and neither finished with "[       OK ]" nor skipped,
# or 1 if that is none.  A passing program gets one line; a failing one
# gets its whole output.  The last line is "N passed, N failed" over all
# programs, or "N passed, N failed, N skipped" when a case was skipped (a
# shrunk suite is never silent); exit status 1 if any failed.

set -euo pipefail

readonly TIME_LIMIT="${HOST_TEST_TIMEOUT:-120}"

total_pass=0
total_fail=0
total_skip=0
out=

# Sets pass/fail/skip for one program from its output file and exit status.
count_cases() {
	local out=$1 rc=$2 started ok skipped

	pass=$(sed -n 's/^\[  PASSED  \] \([0-9]\+\) test.*/\1/p' "$out" | tail -n 1)
	fail=$(sed -n 's/^\[  FAILED  \] \([0-9]\+\) test.*/\1/p' "$out" | tail -n 1)
	skip=$(sed -n 's/^\[  SKIPPED \] \([0-9]\+\) test.*/\1/p' "$out" | tail -n 1)
	pass=${pass:-0}
	fail=${fail:-0}
	skip=${skip:-0}
	if [[ $rc -ne 0 && $fail -eq 0 ]]; then
		started=$(grep -c '^\[ RUN      \]' "$out" || true)
		ok=$(grep -c '^\[       OK \]' "$out" || true)
		# per-case lines (a name, not a count); the summary repeats them
		skipped=$(grep '^\[  SKIPPED \] [^0-9]' "$out" | sort -u | wc -l)
		((skip >= skipped)) || skip=$skipped
		fail=$((started - ok - skipped))
		((fail > 0)) || fail=1
		((pass >= ok)) || pass=$ok
	fi
}

run_one() {
	local bin=$1 rc=0 why=

	[[ $bin == */* ]] || bin=./$bin
	CMOCKA_MESSAGE_OUTPUT=STDOUT timeout --kill-after=5 "$TIME_LIMIT" "$bin" \
		</dev/null >"$out" 2>&1 || rc=$?
	count_cases "$out" "$rc"
	if [[ $rc -eq 124 || $rc -eq 137 ]]; then
		why=" (killed after ${TIME_LIMIT} s)"
	elif [[ $rc -gt 128 ]]; then
		why=" (died: signal $((rc - 128)))"
	elif [[ $rc -ne 0 && $rc -ne $fail ]]; then
		why=" (exit status $rc)"
	fi
	if [[ $fail -eq 0 && $rc -eq 0 ]]; then
		if ((skip > 0)); then
			printf 'PASS %s: %d cases, %d skipped\n' "$bin" "$pass" "$skip"
		else
			printf 'PASS %s: %d cases\n' "$bin" "$pass"
		fi
	else
		cat "$out"
		printf 'FAIL %s: %d passed, %d failed, %d skipped%s\n' "$bin" "$pass" "$fail" \
			"$skip" "$why"
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
}

main() {
	local bin

	out=$(mktemp)
	trap 'rm -f "$out"' EXIT
	for bin in "$@"; do
		if [[ ! -x $bin ]]; then
			printf 'FAIL %s: not an executable test program\n' "$bin"
			total_fail=$((total_fail + 1))
			continue
		fi
		run_one "$bin"
	done
	if ((total_skip > 0)); then
		echo "$total_pass passed, $total_fail failed, $total_skip skipped"
	else
		echo "$total_pass passed, $total_fail failed"
	fi
	[[ $total_fail -eq 0 ]]
}

main "$@"
