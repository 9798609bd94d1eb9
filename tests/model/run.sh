#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/model/run.sh: model-check the timer-migration protocol with spin.
#
# Usage: tests/model/run.sh [--list] [NAME...]   (no NAME: every check)
#
# Theory: tests/model/tmigr.pml is one Promela model; each check below
# builds it with its own cpp switches (spin -a), compiles the verifier
# (exhaustive: -DCOLLAPSE is lossless state compression, never bitstate
# or hash compaction) and runs it in build/model/NAME/, where the
# verifier output and any counterexample trail stay for inspection.
# "pass" checks are the design and must verify with no error and a
# complete search (not cut by the depth, memory or time limit); "fail"
# checks re-introduce a known race (or keep the design text where the
# model found it wrong) and must make spin report the named violation,
# which proves the properties can fail.  Safety "fail" checks search
# breadth-first, so their trail is a shortest counterexample.
# Checks run two at a time (the machine has 2 cores), each under a time
# limit; results print in table order, one line each, and the last line
# is "N passed, N failed".  docs/tmigr-model.md explains the model, the
# properties and every check.
#
# MODEL_CHECK_TIMEOUT=S changes the per-check limit (default 300 s: the
# slowest checks took about a minute at a load average of 11 on 2 cores,
# and up to 100 s under heavier load);
# MODEL_JOBS=N the number of checks run at once.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly MODEL="$ROOT/tests/model/tmigr.pml"
readonly WORK="$ROOT/build/model"
readonly TIME_LIMIT="${MODEL_CHECK_TIMEOUT:-300}"
readonly JOBS="${MODEL_JOBS:-2}"
readonly DEPTH=3000000		# DFS stack; deepest correct run is ~1.9M
readonly MEMLIM=1500		# MB per verifier
# What pan prints when it gave up before the end of the search.
readonly INCOMPLETE='max search depth too small\|MEMLIM bound\|out of memory\|Search not completed'

# The checks: name, search, expectation, cpp switches.
#   search: safety (assertions, end states, depth-first), bfs (the same,
#           breadth-first: the shortest counterexample; seeded bugs only),
#           progress (non-progress cycles, pan -l), accept (the LIVENESS
#           never claim, pan -a)
#   expectation: pass, or the text pan must print for the violation
names=()
searches=()
expects=()
defines=()

check() {
	names+=("$1")
	searches+=("$2")
	expects+=("$3")
	defines+=("$4")
}

readonly SM='assertion violated ((single_migrator'
readonly LT='assertion violated ((no_lost_timer'
readonly NP='non-progress cycle'
readonly AC='acceptance cycle'
readonly AW='assertion violated ((awake_clean'
readonly RB='assertion violated (remote_bounded'

#     name              search    expectation  switches
check safety            safety    pass         ""
check liveness          accept    pass         "-DLIVENESS"
check progress-words    progress  pass         "-DNOTIMER"
check progress-timer    progress  pass         "-DCALM -DMAXCONC=1"
check hotadd-safety     safety    pass         "-DHOTADD -DMAXCONC=4"
check hotadd-liveness   accept    pass         "-DHOTADD -DLIVENESS -DMAXCONC=4"
check hotadd-progress   progress  pass         "-DHOTADD -DNOTIMER -DMAXCONC=4"
check hotadd2-safety    safety    pass         "-DHOTADD2 -DNOTIMER -DAFTER=1"
check bug-R01           bfs       "$SM"        "-DBUG_R01"
check bug-R06           bfs       "$LT"        "-DBUG_R06"
check bug-R06-liveness  accept    "$AC"        "-DLIVENESS -DNOMONITOR -DBUG_R06"
check bug-R08           bfs       "$LT"        "-DBUG_R08"
check bug-R10           bfs       "$LT"        "-DHOTADD -DBUG_R10"
check bug-R15           bfs       "$SM"        "-DHOTADD -DNOTIMER -DBUG_R15"
check bug-R21           bfs       "$SM"        "-DHOTADD2 -DNOTIMER -DAFTER=1 -DBUG_R21"
check bug-R22           progress  "$NP"        "-DCALM -DMAXCONC=1 -DBUG_R22"
check doc-2.9           bfs       "$LT"        "-DDOC_2_9"
check doc-R14           bfs       "$LT"        "-DHOTADD -DDOC_R14"
check bug-R28           bfs       "$LT"        "-DBUG_R28"
check two-safety        safety    pass         "-DTWO_TIMERS -DMAXCONC=1"
check two-safety-conc   safety    pass         "-DTWO_TIMERS -DOPS=3"
check two-liveness      accept    pass         "-DTWO_TIMERS -DMAXCONC=1 -DOPS=4 -DLIVENESS"
check bug-wstore        bfs       "$AW"        "-DTWO_TIMERS -DMAXCONC=1 -DBUG_WSTORE"
check bug-R26X          bfs       "$LT"        "-DTWO_TIMERS -DMAXCONC=1 -DBUG_R26X"
check forced-safety     safety    pass         "-DFORCED -DFARM=2 -DMAXCONC=1 -DOPS=4"
check forced-own-safety safety    pass         "-DFORCED -DFARM=0 -DMAXCONC=1 -DOPS=5"
check forced-conc       safety    pass         "-DFORCED -DFARM=2 -DOPS=1"
check holder-safety     safety    pass         "-DFORCED -DFARM=2 -DNOPINS -DMAXCONC=1"
check forced-liveness   accept    pass         "-DFORCED -DFARM=0 -DMAXCONC=1 -DOPS=3 -DLIVENESS"
check forced-liveness2  accept    pass         "-DFORCED -DFARM=2 -DMAXCONC=1 -DOPS=2 -DLIVENESS"
check bug-forced-delete bfs       "$LT"        "-DFORCED -DFARM=2 -DMAXCONC=1 -DOPS=2 -DBUG_FDEL"
check bug-R31           bfs       "$LT"        "-DFORCED -DFARM=0 -DMAXCONC=1 -DOPS=2 -DBUG_R33 -DBUG_R31"
check bug-R32           bfs       "$LT"        "-DFORCED -DFARM=2 -DMAXCONC=1 -DOPS=2 -DBUG_R32"
check bug-R33-retire    bfs       "$LT"        "-DFORCED -DFARM=2 -DNOPINS -DMAXCONC=1 -DOPS=4 -DBUG_R33D"
check bug-R33-valid     bfs       "$LT"        "-DFORCED -DFARM=2 -DNOPINS -DMAXCONC=1 -DOPS=4 -DBUG_R33V"
check bug-R34-due       bfs       "$RB"        "-DFORCED -DFARM=0 -DMAXCONC=1 -DOPS=3 -DBUG_R34D"
check code-F5           bfs       "$LT"        "-DFORCED -DFARM=2 -DMAXCONC=1 -DOPS=4 -DCODE_F5"
check code-F5-liveness  accept    "$AC"        "-DFORCED -DFARM=2 -DMAXCONC=1 -DOPS=2 -DLIVENESS -DNOMONITOR -DCODE_F5"

now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

# verify INDEX: builds and runs one check in its directory; writes the
# result line to DIR/result.  Runs in a background subshell.
verify() {
	local i=$1 name=${names[$1]} dir cflags=() panflags=() t0 rc=0 why='' opt
	local -a defs

	set +e

	dir="$WORK/$name"
	read -r -a defs <<<"${defines[$i]}"
	case ${searches[$i]} in
	safety) cflags=(-DSAFETY) ;;
	bfs) cflags=(-DSAFETY -DBFS); defs+=(-DNOHIDDEN) ;;
	progress) cflags=(-DNP); panflags=(-l) ;;
	accept) panflags=(-a) ;;
	esac
	t0=$(now_ms)
	cp "$MODEL" "$dir/tmigr.pml"
	if ! (cd "$dir" && spin "${defs[@]}" -a tmigr.pml) >"$dir/spin.log" 2>&1; then
		echo "FAIL $name: spin -a failed (see $dir/spin.log)" >"$dir/result"
		return
	fi
	# -O1 for seeded bugs: they stop at the first error, so compiling
	# is most of their time
	opt=-O2
	[[ ${expects[$i]} == pass ]] || opt=-O1
	if ! (cd "$dir" && gcc "$opt" -w "${cflags[@]}" -DCOLLAPSE \
		-DMEMLIM="$MEMLIM" -o pan pan.c) >"$dir/gcc.log" 2>&1; then
		echo "FAIL $name: gcc failed (see $dir/gcc.log)" >"$dir/result"
		return
	fi
	(cd "$dir" && timeout --kill-after=5 "$TIME_LIMIT" \
		./pan "${panflags[@]}" -m"$DEPTH") >"$dir/pan.out" 2>&1 || rc=$?
	why=$(judge "$i" "$dir/pan.out" "$rc")
	if [[ -z $why ]]; then
		printf 'PASS %s (%ss)\n' "$name" \
			"$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')"
	else
		printf 'FAIL %s: %s\n' "$name" "$why"
	fi >"$dir/result"
}

# judge INDEX OUTPUT STATUS: prints why the check failed, nothing if it
# passed.
judge() {
	local i=$1 out=$2 rc=$3 errors expect=${expects[$1]}

	if [[ $rc -eq 124 || $rc -eq 137 ]]; then
		echo "no verdict within ${TIME_LIMIT} s"
		return
	fi
	errors=$(sed -n 's/.*errors: \([0-9]\+\)$/\1/p' "$out" | tail -n 1)
	if [[ -z $errors ]]; then
		echo "the verifier printed no result (exit status $rc)"
		return
	fi
	if [[ $expect == pass ]]; then
		if [[ $errors -ne 0 ]]; then
			echo "spin found a violation: $(grep -m1 '^pan:1:' "$out" | cut -c1-110)"
		elif grep -q "$INCOMPLETE" "$out"; then
			echo "the search was not complete: $(grep -m1 "$INCOMPLETE" "$out")"
		elif [[ $rc -ne 0 ]]; then
			echo "the verifier exited with status $rc"
		fi
		return
	fi
	if [[ $errors -eq 0 ]]; then
		echo "spin found no violation, but the seeded bug must be caught"
	elif ! grep -qF "$expect" "$out"; then
		echo "expected '$expect', got: $(grep -m1 '^pan:1:' "$out" | cut -c1-110)"
	fi
}

usage() {
	sed -n '3,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit 2
}

main() {
	local -a todo=() pids=()
	local i n next=0 started=0 running passed=0 failed=0 line found

	if [[ ${1:-} == --list ]]; then
		printf '%s\n' "${names[@]}"
		return 0
	fi
	[[ ${1:-} == -h || ${1:-} == --help ]] && usage
	if [[ $# -eq 0 ]]; then
		for i in "${!names[@]}"; do todo+=("$i"); done
	else
		for n in "$@"; do
			found=
			for i in "${!names[@]}"; do
				[[ ${names[$i]} == "$n" ]] && todo+=("$i") && found=1
			done
			[[ -n $found ]] || { echo "unknown check '$n' (see --list)" >&2; exit 2; }
		done
	fi
	if ! command -v spin >/dev/null || ! command -v gcc >/dev/null; then
		for i in "${todo[@]}"; do
			echo "FAIL ${names[$i]}: spin or gcc is not installed (make deps)"
		done
		echo "0 passed, ${#todo[@]} failed"
		return 1
	fi

	mkdir -p "$WORK"
	for i in "${todo[@]}"; do
		rm -rf "${WORK:?}/${names[$i]}"
		mkdir -p "$WORK/${names[$i]}"
	done
	trap 'kill "${pids[@]}" 2>/dev/null; exit 130' INT TERM

	# Start up to JOBS checks; print results in table order as they come.
	while ((next < ${#todo[@]})); do
		running=0
		for ((n = next; n < started; n++)); do
			[[ -e $WORK/${names[${todo[$n]}]}/result ]] || running=$((running + 1))
		done
		while ((started < ${#todo[@]} && running < JOBS)); do
			(
				verify "${todo[$started]}"
				d=$WORK/${names[${todo[$started]}]}
				[[ -e $d/result ]] ||
					echo "FAIL ${names[${todo[$started]}]}: internal error" >"$d/result"
			) &
			pids+=($!)
			started=$((started + 1))
			running=$((running + 1))
		done
		while ((next < started)) && [[ -e $WORK/${names[${todo[$next]}]}/result ]]; do
			wait "${pids[$next]}" 2>/dev/null || true
			line=$(cat "$WORK/${names[${todo[$next]}]}/result")
			echo "$line"
			if [[ $line == PASS* ]]; then
				passed=$((passed + 1))
			else
				failed=$((failed + 1))
			fi
			next=$((next + 1))
		done
		((next < ${#todo[@]})) && sleep 0.2
	done
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
}

main "$@"
