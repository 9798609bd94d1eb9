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
# or malformed @report line fails the case; tests/lib/cases.sh runs them,
# for the Bochs suite too.  Cases run one after another: the machine has 2
# cores and a 64-vCPU TCG guest wants all of them.  The ISO is built once
# up front; the runs use --no-build.  Each case keeps its
# log in build/test-logs/NAME.log (run-qemu.sh's own verdict line is added
# at the end after the checks ran) and its wall time in
# build/test-logs/qemu-times.tsv.  A failing case prints why and the last
# 30 lines of its log.  The last line is "N passed, N failed".
#
# PULLKERN_ISO=FILE boots FILE instead of build/pullkern.iso (no build).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly PROG=tests/qemu/run.sh SUITE=QEMU SUITE_WORD='' SUITE_LOG='' \
	SUITE_TIMES=qemu-times.tsv SUITE_VERDICT=log
readonly SUITE_RUNNER=("$ROOT/run-qemu.sh" --no-build)
# shellcheck source=tests/lib/cases.sh
. "$ROOT/tests/lib/cases.sh"

# Registers one case (see cases.sh for the arguments).
qemu_case() { suite_case "$@"; }

main() {
	# shellcheck source=tests/qemu/cases.sh
	source "$ROOT/tests/qemu/cases.sh"
	if [[ ${1:-} == --list ]]; then
		suite_list
		return 0
	fi
	suite_select "$@" || return
	suite_run
}

main "$@"
