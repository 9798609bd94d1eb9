#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/bochs/run.sh: boot the kernel in Bochs once per case and check the run.
#
# Usage: tests/bochs/run.sh [--list] [NAME...]   (no NAME: every case)
#
# Theory: the second emulator's suite, the twin of tests/qemu/run.sh.  The
# cases live in tests/bochs/cases.sh as a table; each is one
# tools/run-bochs.sh run (the exit status must match) and a list of checks
# that tools/report.py evaluates against the console log, in the same
# expectation language as the QEMU cases, with --strict so a torn or
# malformed @report line fails the case.  Bochs runs its CPUs one after the
# other on one host thread, so a boot takes minutes: the table stays short
# (docs/bochs.md).  Each case keeps its log in build/test-logs/bochs-NAME.log
# and its wall time in build/test-logs/bochs-times.tsv.  A failing case
# prints why and the last 30 lines of its log.
#
# Bochs missing: root gets it installed by run-bochs.sh, like every other
# tool; anyone else gets each case as SKIP and the install line, because
# installing is not ours to decide.  The last line is "N passed, N failed"
# (", N skipped" when cases were skipped).
#
# PULLKERN_ISO=FILE boots FILE instead of build/pullkern.iso (no build).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LOGDIR="$ROOT/build/test-logs"
readonly TAIL_LINES=30
# What tools/run-bochs.sh needs; the same list as its own.
readonly PACKAGES=(bochs bochs-term bochsbios vgabios xorriso)
PROG=tests/bochs/run.sh
# shellcheck source=tools/lib.sh
. "$ROOT/tools/lib.sh"

names=()
exits=()
timeouts=()
options=()
checks=()       # each entry: the check arguments, quoted for eval

# Registers one case (see cases.sh for the arguments).
bochs_case() {
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
skipped=0
tmp=

now_us() {
	echo "${EPOCHREALTIME/[.,]/}"
}

# run_case INDEX: runs one case, prints its line, counts it.
run_case() {
	local i=$1 name=${names[$1]} log rc=0 t0 secs why=() check_args=() opts=()
	local iso_opt=()

	log="$LOGDIR/bochs-$name.log"
	[[ -z ${PULLKERN_ISO:-} ]] || iso_opt=(--iso "$PULLKERN_ISO")
	read -r -a opts <<<"${options[$i]}"
	eval "check_args=(${checks[$i]})"
	: >"$log"
	t0=$(now_us)
	"$ROOT/tools/run-bochs.sh" "${iso_opt[@]}" --timeout "${timeouts[$i]}" \
		--log "$log" "${opts[@]}" </dev/null >/dev/null 2>"$tmp/verdict" || rc=$?
	if ((rc > 128)); then
		echo "INTERRUPTED $name: run-bochs.sh died of signal $((rc - 128))"
		exit "$rc"
	fi
	secs=$((($(now_us) - t0) / 100000))
	secs="$((secs / 10)).$((secs % 10))"
	if [[ $rc -ne ${exits[$i]} ]]; then
		why+=("run-bochs.sh exited $rc, expected ${exits[$i]}")
		mapfile -t -O "${#why[@]}" why <"$tmp/verdict"
	fi
	if ! python3 "$ROOT/tools/report.py" check --strict "$log" "${check_args[@]}" \
		>"$tmp/check" 2>&1; then
		mapfile -t -O "${#why[@]}" why <"$tmp/check"
	fi
	printf '%s\t%s\t%s\n' "$name" "$([[ ${#why[@]} -eq 0 ]] && echo pass || echo fail)" \
		"$secs" >>"$LOGDIR/bochs-times.tsv"
	if [[ ${#why[@]} -eq 0 ]]; then
		printf 'PASS bochs %s (%s s)\n' "$name" "$secs"
		passed=$((passed + 1))
		return
	fi
	printf 'FAIL bochs %s (%s s)\n' "$name" "$secs"
	printf '    %s\n' "${why[@]}"
	printf '    --- last %d lines of %s ---\n' "$TAIL_LINES" "${log#"$ROOT"/}"
	# Without GRUB's terminal escapes, which would move the cursor.
	tail -n "$TAIL_LINES" "$log" |
		sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/^/    | /'
	failed=$((failed + 1))
}

# skip_all INDEX...: Bochs is missing and we may not install it.
skip_all() {
	local i

	for i in "$@"; do
		printf 'SKIP bochs %s (Bochs not installed)\n' "${names[$i]}"
		skipped=$((skipped + 1))
	done
	echo "    install Bochs with: sudo apt-get update && sudo apt-get install --no-install-recommends ${missing[*]}"
}

build_once() {
	[[ -z ${PULLKERN_ISO:-} ]] || return 0
	if ! make -s -C "$ROOT" all >"$tmp/build.log" 2>&1; then
		cat "$tmp/build.log"
		echo "FAIL build: make all failed, no Bochs case can run"
		return 1
	fi
}

main() {
	local i want selected=()
	missing=()

	# shellcheck source=tests/bochs/cases.sh
	source "$ROOT/tests/bochs/cases.sh"
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
		echo "$PROG: no case named $* (see --list)" >&2
		return 2
	fi

	if command -v dpkg-query >/dev/null; then
		pkg_missing "${PACKAGES[@]}"
	else
		command -v bochs >/dev/null || missing=(bochs)
	fi
	if [[ ${#missing[@]} -gt 0 && $(id -u) -ne 0 ]]; then
		skip_all "${selected[@]}"
		echo "0 passed, 0 failed, $skipped skipped"
		return 0
	fi

	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$LOGDIR"
	: >"$LOGDIR/bochs-times.tsv"
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
