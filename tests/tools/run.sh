#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/tools/run.sh: the host tools' tests (tools/residency and what
# comes after it), one program per tests/tools/test_*.py.
#
# Usage: tests/tools/run.sh   (from anywhere; `make test` runs it)
#
# Theory: each program prints "PASS name", "FAIL name: why" or "SKIP
# name: why" per case and ends with its own "N passed, N failed" (",
# N skipped" when it skipped a case, such as the PNG one without
# matplotlib).  We pass the case lines through, add the counts up and end
# with one count line over all programs.  A program that ends without a
# count line, or exits non-zero with no failure counted, counts as one
# more failure.  Exit status 1 if any case failed.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly COUNT_RE='^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'
cd "$ROOT"

pass=0
fail=0
skip=0
for prog in tests/tools/test_*.py; do
	[[ -e $prog ]] || continue
	rc=0
	out=$(python3 "$prog" 2>&1) || rc=$?
	count=$(printf '%s\n' "$out" | tail -n 1)
	printf '%s\n' "$out" | grep -v -E "$COUNT_RE" || true
	if [[ $count =~ $COUNT_RE ]]; then
		pass=$((pass + BASH_REMATCH[1]))
		fail=$((fail + BASH_REMATCH[2]))
		skip=$((skip + ${BASH_REMATCH[4]:-0}))
		if ((rc != 0 && BASH_REMATCH[2] == 0)); then
			echo "FAIL $prog: exit status $rc but no failed case"
			fail=$((fail + 1))
		fi
	else
		echo "FAIL $prog: no count line (exit status $rc)"
		fail=$((fail + 1))
	fi
done
if ((skip > 0)); then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
((fail == 0))
