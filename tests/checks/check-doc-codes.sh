#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-doc-codes.sh: every code a comment cites is defined in docs/.
#
# Usage: tests/checks/check-doc-codes.sh   (tests/checks/run.sh runs it)
#
# Theory: the comments cite the design notes with short codes (docs/README.md
# explains them): sections §1 .. §7.x, races R-nn, ordering rules On,
# invariants An and Qn, the idle loop's rules In and races I-nn.  Each must have its definition in docs/: a section
# heading "# §1.10 ..." / "## §2.14 ...", a race heading "## R-08 ...", a
# table row "| O5 |", "| A11 |", "| Q7 |".  Citations are collected from the
# tracked files outside docs/ (`git ls-files`).  A § line that names another
# document (SDM, ACPI, ABI, RFC, MP spec, multiboot2) cites that document,
# and numbers from 8 up are always outside sections.  Prints each undefined
# code with one place that cites it; exit 0 when all are defined.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
cd "$ROOT"

readonly OUTSIDE='SDM|ACPI|ABI|RFC|MP spec|multiboot|Vol\.'

mapfile -d '' files < <(git ls-files -z | grep -zv '^docs/')
[[ ${#files[@]} -gt 0 ]] || { echo "no tracked files"; exit 2; }

defined() {		# $1: code; true if docs/ defines it
	local c=$1
	case $c in
	§*)	grep -qE "^#+ ${c}( |$|,)" docs/*.md ;;
	R-*)	grep -qE "^## ${c}[ ]" docs/races.md ;;
	I-*)	grep -qE "\| ${c} \|" docs/idle.md ;;
	*)	grep -qE "^\| ${c} \|" docs/*.md ;;
	esac
}

missing=0
checked=0
declare -A seen=()
# sections: the number after §, on lines that do not name another document
while IFS= read -r hit; do
	file=${hit%%:*}
	rest=${hit#*:}
	line=${rest%%:*}
	text=${rest#*:}
	[[ $text =~ $OUTSIDE ]] && continue
	for c in $(grep -oE '§[1-7](\.[0-9]+)*' <<<"$text"); do
		[[ -n ${seen[$c]:-} ]] && continue
		seen[$c]=1
		checked=$((checked + 1))
		if ! defined "$c"; then
			echo "$c (cited at $file:$line) has no section in docs/"
			missing=$((missing + 1))
		fi
	done
done < <(grep -nE '§[1-7]' -- "${files[@]}" || true)

# races, ordering rules, invariants
while IFS= read -r hit; do
	file=${hit%%:*}
	rest=${hit#*:}
	line=${rest%%:*}
	text=${rest#*:}
	for c in $(grep -oE '\b[RI]-[0-9]{2}\b|\b[OAQ][0-9]{1,2}\b|\bI[1-9]\b' <<<"$text"); do
		[[ -n ${seen[$c]:-} ]] && continue
		seen[$c]=1
		# -O0 and friends are compiler flags, not rule O0
		[[ $c == O0 && $text =~ -O0 ]] && continue
		checked=$((checked + 1))
		if ! defined "$c"; then
			echo "$c (cited at $file:$line) is not defined in docs/"
			missing=$((missing + 1))
		fi
	done
done < <(grep -nE '\b[RI]-[0-9]{2}\b|\b[OAQ][0-9]{1,2}\b|\bI[1-9]\b' -- "${files[@]}" || true)

if ((missing)); then
	echo "$missing of $checked codes cited in the tree are not defined in docs/"
	exit 1
fi
echo "all $checked codes cited in the tree are defined in docs/"
