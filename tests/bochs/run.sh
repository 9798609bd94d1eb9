#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/bochs/run.sh: boot the kernel in Bochs once per case and check the run.
#
# Usage: tests/bochs/run.sh [--list] [NAME...]   (no NAME: every case)
#
# Theory: the second emulator's suite, the twin of tests/qemu/run.sh (both
# run their cases with tests/lib/cases.sh).  The cases live in
# tests/bochs/cases.sh as a table; each is one
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
# What tools/run-bochs.sh needs; the same list as its own.
readonly PACKAGES=(bochs bochs-term bochsbios vgabios xorriso)
readonly PROG=tests/bochs/run.sh SUITE=Bochs SUITE_WORD="bochs " SUITE_LOG=bochs- \
	SUITE_TIMES=bochs-times.tsv SUITE_VERDICT=why
readonly SUITE_RUNNER=("$ROOT/tools/run-bochs.sh")
# shellcheck source=tools/lib.sh
. "$ROOT/tools/lib.sh"
# shellcheck source=tests/lib/cases.sh
. "$ROOT/tests/lib/cases.sh"

skipped=0

# Registers one case (see cases.sh for the arguments).
bochs_case() { suite_case "$@"; }

# skip_all INDEX...: Bochs is missing and we may not install it.
skip_all() {
	local i

	for i in "$@"; do
		printf 'SKIP bochs %s (Bochs not installed)\n' "${names[$i]}"
		skipped=$((skipped + 1))
	done
	echo "    install Bochs with: sudo apt-get update && sudo apt-get install --no-install-recommends ${missing[*]}"
}

main() {
	missing=()

	# shellcheck source=tests/bochs/cases.sh
	source "$ROOT/tests/bochs/cases.sh"
	if [[ ${1:-} == --list ]]; then
		suite_list
		return 0
	fi
	suite_select "$@" || return

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
	suite_run
}

main "$@"
