#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/qemu/run.sh: boot the kernel in QEMU once per case and check the run.
#
# Usage: tests/qemu/run.sh [--list] [NAME...]   (no NAME: every case)
#
# Theory: the cases live in tests/qemu/cases.sh as a table; each is one
# ./run-qemu.sh run (the exit status must match) and a list of checks that
# tools/report.py evaluates against the console log, with --strict so a torn
# or malformed @report line fails the case.  Cases run one after another:
# the machine has 2 cores and a 64-vCPU TCG guest wants all of them.  The
# ISO is built once up front; the runs use --no-build.  Each case keeps its
# log in build/test-logs/NAME.log (run-qemu.sh's own verdict line is added
# at the end after the checks ran) and its wall time in
# build/test-logs/qemu-times.tsv.  A failing case prints why and the last
# 30 lines of its log.  The last line is "N passed, N failed".
#
# PULLKERN_ISO=FILE boots FILE instead of build/pullkern.iso (no build).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LOGDIR="$ROOT/build/test-logs"
readonly TAIL_LINES=30

names=()
exits=()
timeouts=()
options=()
checks=()       # each entry: the check arguments, quoted for eval

# Registers one case (see cases.sh for the arguments).
qemu_case() {
	local quoted

	names+=("$1")
	exits+=("$2")
	timeouts+=("$3")
	options+=("$4")
	shift 4
	printf -v quoted '%q ' "$@"
	checks+=("$quoted")
}

passed=0
failed=0
tmp=

now_us() {
	echo "${EPOCHREALTIME/[.,]/}"
}

# run_case INDEX: runs one case, prints its line, counts it.
run_case() {
	local i=$1 name=${names[$1]} log rc=0 t0 secs why=() check_args=() opts=()
	local iso_opt=()

	log="$LOGDIR/$name.log"
	[[ -z ${PULLKERN_ISO:-} ]] || iso_opt=(--iso "$PULLKERN_ISO")
	read -r -a opts <<<"${options[$i]}"
	eval "check_args=(${checks[$i]})"
	t0=$(now_us)
	"$ROOT/run-qemu.sh" --no-build "${iso_opt[@]}" --timeout "${timeouts[$i]}" \
		--log "$log" "${opts[@]}" </dev/null >/dev/null 2>"$tmp/verdict" || rc=$?
	if ((rc > 128)); then
		echo "INTERRUPTED $name: run-qemu.sh died of signal $((rc - 128))"
		exit "$rc"
	fi
	secs=$((($(now_us) - t0) / 100000))
	secs="$((secs / 10)).$((secs % 10))"
	if [[ $rc -ne ${exits[$i]} ]]; then
		why+=("run-qemu.sh exited $rc, expected ${exits[$i]}")
	fi
	if ! python3 "$ROOT/tools/report.py" check --strict "$log" "${check_args[@]}" \
		>"$tmp/check" 2>&1; then
		mapfile -t -O "${#why[@]}" why <"$tmp/check"
	fi
	cat "$tmp/verdict" >>"$log"
	printf '%s\t%s\t%s\n' "$name" "$([[ ${#why[@]} -eq 0 ]] && echo pass || echo fail)" \
		"$secs" >>"$LOGDIR/qemu-times.tsv"
	if [[ ${#why[@]} -eq 0 ]]; then
		printf 'PASS %s (%s s)\n' "$name" "$secs"
		passed=$((passed + 1))
		return
	fi
	printf 'FAIL %s (%s s)\n' "$name" "$secs"
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
		echo "FAIL build: make all failed, no QEMU case can run"
		return 1
	fi
}

main() {
	local i want selected=()

	# shellcheck source=tests/qemu/cases.sh
	source "$ROOT/tests/qemu/cases.sh"
	if [[ ${1:-} == --list ]]; then
		printf '%s\n' "${names[@]}"
		return 0
	fi
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
		echo "tests/qemu/run.sh: no case named $* (see --list)" >&2
		return 2
	fi

	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$LOGDIR"
	: >"$LOGDIR/qemu-times.tsv"
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

main "$@"
