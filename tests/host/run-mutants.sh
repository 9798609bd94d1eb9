#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-mutants.sh: prove that each race regression test detects its bug.
#
# Usage: tests/host/run-mutants.sh [TABLE]   (default tests/host/tmigr_mutants.txt)
#
# Theory: kernel/tmigr.c carries a `MUTANT(RNN)` switch (kernel/mutant.h)
# per race that puts the bug back.  For each line of the table (format
# documented at its top) we build the test program with that switch into
# build/host/mutant/RNN-TEST[-FLAGS]/ (build output in build.log there),
# run only that test (TMSIM_TEST=TEST: the program's other tests report
# themselves skipped, tmsim.h) with its output in log, and require that it
# FAILS ON ITS CHECK: a non-zero exit status and the line's EXPECT string
# (the oracle's message or the failed assertion) in the output.  A mutant
# "survives" when its test passes, or when the test did not run at all
# (misspelt name); a failure without the EXPECT string -- another check, a
# crash, the time limit (MUTANT_TIMEOUT seconds, default 60) -- proves
# nothing about the race: all are failures of this suite, as is a build
# that breaks or a line without EXPECT.  Mutants build at -O0 (same
# semantics, a third of the compile time).  Builds run in parallel (MUTANT_JOBS,
# default the number of CPUs); results print in table order, one line per
# mutant, then "N passed, N failed".  Exit status 1 if any failed.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly TABLE="${1:-$ROOT/tests/host/tmigr_mutants.txt}"
readonly TIME_LIMIT="${MUTANT_TIMEOUT:-60}"
readonly JOBS="${MUTANT_JOBS:-$(nproc 2>/dev/null || echo 4)}"
readonly OUT="$ROOT/build/host/mutant"
tmp=

# check_one ID PROGRAM TEST FLAGS EXPECT RESULTFILE: build, run, write one result line.
check_one() {
	local id=$1 prog=$2 test=$3 flags=$4 expect=$5 result=$6
	local num=${id//-/} dir bin log rc=0 extra= how

	# the flags are part of the name: one test may be listed per fan-out,
	# and those lines run in parallel
	dir="$OUT/$num-$test"
	[[ $flags == - ]] || dir+="-${flags//[^A-Za-z0-9_=]/_}"
	bin="$dir/$prog"
	log="$dir/log"
	mkdir -p "$dir"
	rm -f "$log"
	[[ $flags == - ]] || extra=${flags//,/ }
	if ! make -s --no-print-directory -C "$ROOT" mutant-bin MUT_SRC="$prog" \
		MUT_FLAGS="-DMUTANT_ID=$num $extra -O0" MUT_OUT="$bin" >"$dir/build.log" 2>&1; then
		echo "FAIL mutant $id $prog $test: the mutant does not build (see $dir/build.log)" >"$result"
		return
	fi
	TMSIM_TEST="$test" CMOCKA_MESSAGE_OUTPUT=STDOUT \
		timeout --kill-after=5 "$TIME_LIMIT" "$bin" </dev/null >"$log" 2>&1 || rc=$?
	if [[ $rc -eq 124 || $rc -eq 137 ]]; then
		how="killed after ${TIME_LIMIT} s"
	elif ((rc > 128)); then
		how="died of signal $((rc - 128))"
	else
		how="exit status $rc"
	fi
	if ! grep -q "^\[ RUN      \] $test\$" "$log"; then
		echo "FAIL mutant $id $prog $test: the test did not run (name? see $log)" >"$result"
	elif [[ $rc -eq 0 ]]; then
		echo "FAIL mutant $id $prog $test: the test passes with the bug back in (see $log)" >"$result"
	elif ! grep -qF -- "$expect" "$log"; then
		echo "FAIL mutant $id $prog $test: it failed ($how) but not on its check: no \"$expect\" in $log" >"$result"
	elif ((rc > 128)); then
		echo "PASS mutant $id $prog $test failed on \"$expect\" ($how)" >"$result"
	else
		echo "PASS mutant $id $prog $test failed on \"$expect\"" >"$result"
	fi
}

main() {
	local id prog test flags expect n=0 running=0 pass=0 fail=0 line

	if [[ ! -r $TABLE ]]; then
		echo "run-mutants: no table $TABLE"
		echo "0 passed, 1 failed"
		exit 1
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# the library every mutant links, once, before the parallel builds
	if ! make -s --no-print-directory -C "$ROOT" "build/host/libportable.a" \
		"build/host/tests/host/tmsim.c.o" >"$tmp/lib.log" 2>&1; then
		cat "$tmp/lib.log"
		echo "run-mutants: the host library does not build"
		echo "0 passed, 1 failed"
		exit 1
	fi
	# EXPECT is the rest of the line after FLAGS, blanks included
	while read -r id prog test flags expect; do
		[[ -z $id || $id == \#* ]] && continue
		if [[ ! $id =~ ^[A-Z]+-[0-9]+[A-Z]?$ || -z $test || -z $flags ]]; then
			echo "FAIL bad table line: $id $prog $test $flags $expect" >"$tmp/$n"
			n=$((n + 1))
			continue
		fi
		if [[ -z $expect ]]; then
			echo "FAIL mutant $id $prog $test: no EXPECT column (the string its failure must print)" >"$tmp/$n"
			n=$((n + 1))
			continue
		fi
		check_one "$id" "$prog" "$test" "$flags" "$expect" "$tmp/$n" &
		n=$((n + 1))
		running=$((running + 1))
		if ((running >= JOBS)); then
			wait -n || true
			running=$((running - 1))
		fi
	done <"$TABLE"
	wait
	for ((i = 0; i < n; i++)); do
		line=$(cat "$tmp/$i" 2>/dev/null || echo "FAIL line $i: no result")
		echo "$line"
		if [[ $line == PASS* ]]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
		fi
	done
	echo "$pass passed, $fail failed"
	[[ $fail -eq 0 ]]
}

main "$@"
