#!/usr/bin/env bash
#
# run-mutants.sh: prove that each race regression test detects its bug.
#
# Usage: tests/host/run-mutants.sh [TABLE]   (default tests/host/tmigr_mutants.txt)
#
# Theory: kernel/tmigr.c carries a `MUTANT(RNN)` switch (kernel/mutant.h)
# per race that puts the bug back.  For each line of the table (format documented at its
# top) we build the test program with that switch into
# build/host/mutant/RNN-TEST[-FLAGS]/, run only that test (TMSIM_TEST=TEST, cmocka's
# test filter) and require it to FAIL: a cmocka failure, a crash, or the
# time limit (MUTANT_TIMEOUT seconds, default 60; a hang is a detection but
# is named as such).  A mutant "survives" when its test passes, or when
# the test did not run at all (misspelt name): both are failures of this
# suite, as is a build that breaks.  Mutants build at -O0 (same
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

# check_one ID PROGRAM TEST FLAGS RESULTFILE: build, run, write one result line.
check_one() {
	local id=$1 prog=$2 test=$3 flags=$4 result=$5
	local num=${id//-/} dir bin log rc=0 extra=

	# the flags are part of the name: one test may be listed per fan-out,
	# and those lines run in parallel
	dir="$OUT/$num-$test"
	[[ $flags == - ]] || dir+="-${flags//[^A-Za-z0-9_=]/_}"
	bin="$dir/$prog"
	log="$dir/log"
	mkdir -p "$dir"
	[[ $flags == - ]] || extra=${flags//,/ }
	if ! make -s --no-print-directory -C "$ROOT" mutant-bin MUT_SRC="$prog" \
		MUT_FLAGS="-DMUTANT_ID=$num $extra -O0" MUT_OUT="$bin" >"$log" 2>&1; then
		echo "FAIL mutant $id $prog $test: the mutant does not build (see $log)" >"$result"
		return
	fi
	TMSIM_TEST="$test" CMOCKA_MESSAGE_OUTPUT=STDOUT \
		timeout --kill-after=5 "$TIME_LIMIT" "$bin" </dev/null >>"$log" 2>&1 || rc=$?
	if ! grep -q "^\[ RUN      \] $test\$" "$log"; then
		echo "FAIL mutant $id $prog $test: the test did not run (name? see $log)" >"$result"
	elif [[ $rc -eq 124 || $rc -eq 137 ]]; then
		echo "PASS mutant $id $prog $test failed as it must (killed after ${TIME_LIMIT} s)" >"$result"
	elif [[ $rc -ne 0 ]]; then
		echo "PASS mutant $id $prog $test failed as it must" >"$result"
	else
		echo "FAIL mutant $id $prog $test: the test passes with the bug back in (see $log)" >"$result"
	fi
}

main() {
	local id prog test flags rest n=0 running=0 pass=0 fail=0 line

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
	while read -r id prog test flags rest; do
		[[ -z $id || $id == \#* ]] && continue
		if [[ ! $id =~ ^[A-Z]+-[0-9]+[A-Z]?$ || -z $test || -n $rest ]]; then
			echo "FAIL bad table line: $id $prog $test $flags $rest" >"$tmp/$n"
			n=$((n + 1))
			continue
		fi
		check_one "$id" "$prog" "$test" "${flags:--}" "$tmp/$n" &
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
