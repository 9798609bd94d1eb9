# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# tests/lib/cases.sh: the case runner that tests/qemu/run.sh and
# tests/bochs/run.sh share.  Source it; it defines functions only.
#
# Theory: a suite is a table of cases (its cases.sh), each one boot of an
# emulator wrapper whose exit status must match, followed by a list of
# checks that tools/report.py evaluates against the console log, with
# --strict so a torn or malformed @report line fails the case.  Cases run
# one after another (the machine has 2 cores).  The ISO is built once up
# front.  Each case keeps its log in build/test-logs/ and its wall time in
# a .tsv there; a failing case prints why and the last 30 lines of its log.
# The last line is "N passed, N failed".
#
# The sourcing runner sets, before sourcing it:
#   ROOT          the checkout (readonly)
# and before calling anything here:
#   PROG          its path, for messages
#   SUITE         the emulator's name in messages ("QEMU", "Bochs")
#   SUITE_WORD    what PASS/FAIL lines put before the case name ("" or
#                 "bochs ")
#   SUITE_LOG     log file prefix under build/test-logs ("" or "bochs-")
#   SUITE_TIMES   the wall-time table's file name under build/test-logs
#   SUITE_RUNNER  the wrapper and its fixed options, an array; it is called
#                 as SUITE_RUNNER [--iso F] --timeout S --log LOG OPTIONS...
#   SUITE_VERDICT where the wrapper's stderr verdict goes: "log" (appended
#                 to the log after the checks) or "why" (listed with the
#                 reasons when the exit status is wrong)
# then sources its cases.sh, whose registering function is one line:
#   qemu_case() { suite_case "$@"; }
#
# PULLKERN_ISO=FILE boots FILE instead of build/pullkern.iso (no build).

readonly LOGDIR="$ROOT/build/test-logs"
readonly TAIL_LINES=30

names=()
exits=()
timeouts=()
options=()
checks=()       # each entry: the check arguments, quoted for eval
selected=()     # indexes of the cases to run, set by suite_select

passed=0
failed=0
tmp=

# suite_case NAME EXIT TIMEOUT "OPTIONS" CHECK...: registers one case.
suite_case() {
	local quoted

	names+=("$1")
	exits+=("$2")
	timeouts+=("$3")
	options+=("$4")
	shift 4
	printf -v quoted '%q ' "$@"
	checks+=("$quoted")
}

now_us() {
	echo "${EPOCHREALTIME/[.,]/}"
}

# run_case INDEX: runs one case, prints its line, counts it.
run_case() {
	local i=$1 name=${names[$1]} log rc=0 t0 secs why=() check_args=() opts=()
	local iso_opt=() runner=${SUITE_RUNNER[0]##*/}

	log="$LOGDIR/$SUITE_LOG$name.log"
	[[ -z ${PULLKERN_ISO:-} ]] || iso_opt=(--iso "$PULLKERN_ISO")
	read -r -a opts <<<"${options[$i]}"
	eval "check_args=(${checks[$i]})"
	: >"$log"
	t0=$(now_us)
	"${SUITE_RUNNER[@]}" "${iso_opt[@]}" --timeout "${timeouts[$i]}" \
		--log "$log" "${opts[@]}" </dev/null >/dev/null 2>"$tmp/verdict" || rc=$?
	if ((rc > 128)); then
		echo "INTERRUPTED $name: $runner died of signal $((rc - 128))"
		exit "$rc"
	fi
	secs=$((($(now_us) - t0) / 100000))
	secs="$((secs / 10)).$((secs % 10))"
	if [[ $rc -ne ${exits[$i]} ]]; then
		why+=("$runner exited $rc, expected ${exits[$i]}")
		[[ $SUITE_VERDICT != why ]] || mapfile -t -O "${#why[@]}" why <"$tmp/verdict"
	fi
	if ! python3 "$ROOT/tools/report.py" check --strict "$log" "${check_args[@]}" \
		>"$tmp/check" 2>&1; then
		mapfile -t -O "${#why[@]}" why <"$tmp/check"
	fi
	[[ $SUITE_VERDICT != log ]] || cat "$tmp/verdict" >>"$log"
	printf '%s\t%s\t%s\n' "$name" "$([[ ${#why[@]} -eq 0 ]] && echo pass || echo fail)" \
		"$secs" >>"$LOGDIR/$SUITE_TIMES"
	if [[ ${#why[@]} -eq 0 ]]; then
		printf 'PASS %s%s (%s s)\n' "$SUITE_WORD" "$name" "$secs"
		passed=$((passed + 1))
		return
	fi
	printf 'FAIL %s%s (%s s)\n' "$SUITE_WORD" "$name" "$secs"
	printf '    %s\n' "${why[@]}"
	printf '    --- last %d lines of %s ---\n' "$TAIL_LINES" "${log#"$ROOT"/}"
	# Without GRUB's terminal escapes, which would move the cursor.
	tail -n "$TAIL_LINES" "$log" | tr -d '\r' |
		sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/^/    | /'
	failed=$((failed + 1))
}

build_once() {
	[[ -z ${PULLKERN_ISO:-} ]] || return 0
	if ! make -s -C "$ROOT" all >"$tmp/build.log" 2>&1; then
		cat "$tmp/build.log"
		echo "FAIL build: make all failed, no $SUITE case can run"
		return 1
	fi
}

# suite_list: the names of the cases, one a line (--list).
suite_list() {
	printf '%s\n' "${names[@]}"
}

# suite_select [NAME...]: fills `selected` with the cases named (every
# case when none); 2 when a NAME is no case.
suite_select() {
	local i want

	for ((i = 0; i < ${#names[@]}; i++)); do
		if [[ $# -eq 0 ]]; then
			selected+=("$i")
			continue
		fi
		for want in "$@"; do
			[[ $want != "${names[$i]}" ]] || selected+=("$i")
		done
	done
	if [[ $# -gt 0 && ${#selected[@]} -eq 0 ]]; then
		echo "$PROG: no case named $* (see --list)" >&2
		return 2
	fi
}

# suite_run: builds once, runs the selected cases, prints the last line;
# the status is 0 when every case passed.
suite_run() {
	local i

	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$LOGDIR"
	: >"$LOGDIR/$SUITE_TIMES"
	if ! build_once; then
		echo "0 passed, ${#selected[@]} failed"
		return 1
	fi
	for i in "${selected[@]}"; do
		run_case "$i"
	done
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
}
