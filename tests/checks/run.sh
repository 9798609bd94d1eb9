#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/checks/run.sh: the repository's static checks, one case per script.
#
# Usage: tests/checks/run.sh   (from anywhere; `make test` runs it)
#
# Theory: every tests/checks/check-*.sh is one case.  It runs from the
# repository root with the kernel already built (make test builds it
# first), prints what it found, and exits 0 when the rule holds.  A failing
# case shows its whole output; a passing one its last line.  The last line
# here is "N passed, N failed"; exit status 1 if any failed.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
cd "$ROOT"

pass=0
fail=0
for check in tests/checks/check-*.sh; do
	[[ -e $check ]] || continue
	name=$(basename "$check" .sh)
	if out=$(bash "$check" 2>&1); then
		echo "PASS $name: $(printf '%s\n' "$out" | tail -n 1)"
		pass=$((pass + 1))
	else
		echo "FAIL $name:"
		printf '%s\n' "$out" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
