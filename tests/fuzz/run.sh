#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/fuzz/run.sh: replay each fuzz target's seed corpus, then fuzz it
# for a bounded time.  One case per target (docs/fuzzing.md).
#
# Usage: tests/fuzz/run.sh [NAME...]   (no NAME: every target)
#   FUZZ_SECONDS  time each target fuzzes after the replay (default 3;
#                 `make fuzz` passes 60)
#   FUZZ_SEED     libFuzzer's -seed (default 1: runs repeat the same
#                 mutations, up to where the time limit cuts them)
#
# Theory: a target is build/fuzz/fuzz_NAME (`make fuzz-build`, clang's
# libFuzzer with ASan and UBSan) with its seeds in tests/fuzz/corpus/NAME/.
# The replay runs every seed once, as separate files, so nothing is added
# to the tree; the fuzzing run writes what it finds into a scratch corpus
# under build/fuzz/work/NAME/ (its first corpus directory) and only reads
# the tree's.  Inputs that once crashed a parser are kept in
# tests/fuzz/crashes/NAME/ for the record and are not replayed: they
# belong to the parser's owner until fixed, when they become corpus seeds.
# A crash or a violated invariant fails the case: its input is copied to
# build/fuzz/crashes/NAME/, the report's first lines are shown, and the
# command to reproduce it is printed.  A passing case prints the number of
# executions.  Without the target (no clang) the case is skipped with the
# line to build it.  The last line is "N passed, N failed" (", N skipped").

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly SECONDS_EACH="${FUZZ_SECONDS:-3}"
readonly SEED="${FUZZ_SEED:-1}"
readonly TARGETS=(acpi mb2 cmdline chain format json shell)
cd "$ROOT"

pass=0
fail=0
skip=0

# fail_case NAME LOG ARTIFACT_DIR: report a failure and keep its input.
fail_case() {
	local name=$1 log=$2 art=$3 keep=build/fuzz/crashes/$1

	mkdir -p "$keep"
	cp "$art"/* "$keep"/ 2>/dev/null || true
	echo "FAIL fuzz_$name:"
	{ grep -a -m 1 -A 14 -E 'ERROR|runtime error|invariant violated' "$log" ||
		tail -n 14 "$log"; } | sed -e 's/ (BuildId: [0-9a-f]*)//' -e 's/^/    /'
	for f in "$keep"/*; do
		[[ -e $f ]] && echo "    reproduce: build/fuzz/fuzz_$name $f"
	done
	fail=$((fail + 1))
}

run_one() {
	local name=$1 bin=build/fuzz/fuzz_$1 corpus=tests/fuzz/corpus/$1
	local work=build/fuzz/work/$1 log seeds execs

	if [[ ! -x $bin ]]; then
		echo "SKIP fuzz_$name: $bin missing (needs clang: make fuzz-build)"
		skip=$((skip + 1))
		return
	fi
	rm -rf "$work"
	mkdir -p "$work/corpus" "$work/artifacts"
	log=$work/log
	seeds=("$corpus"/*)
	if ! "$bin" -artifact_prefix="$work/artifacts/" "${seeds[@]}" >"$log" 2>&1; then
		fail_case "$name" "$log" "$work/artifacts"
		return
	fi
	if ! "$bin" -max_total_time="$SECONDS_EACH" -seed="$SEED" -max_len=8192 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/" \
		"$work/corpus" "$corpus" >"$log" 2>&1; then
		fail_case "$name" "$log" "$work/artifacts"
		return
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	echo "PASS fuzz_$name: ${#seeds[@]} seeds replayed, ${execs:-?} executions in ${SECONDS_EACH} s"
	pass=$((pass + 1))
}

names=("$@")
((${#names[@]})) || names=("${TARGETS[@]}")
for name in "${names[@]}"; do
	run_one "$name"
done
if ((skip)); then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
((fail == 0))
