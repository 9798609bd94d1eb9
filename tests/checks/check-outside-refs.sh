#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-outside-refs.sh: the repository stands alone.  No tracked file may
# point at something a fresh clone does not have: design notes kept beside
# the repository (the names the patterns below spell out in pieces), or an
# absolute path into a workspace, a home directory or a temporary directory.  Cite docs/..., the Intel SDM, the ACPI or
# multiboot2 specification instead.
#
# Usage: tests/checks/check-outside-refs.sh   (tests/checks/run.sh runs it)
#
# Theory: the files are `git ls-files`, so the check sees exactly what a
# clone gets (nothing under build/, nothing untracked).  Each hit is printed
# as file:line: text.  System paths that scripts really use (/usr/share/OVMF,
# /dev/kvm, /usr/bin/env, ...) are not matched by the patterns at all; the
# allow-list below is for a hit that is right where it is, one fixed string
# per line.  The patterns are built from pieces so that this file does not
# match itself, and it is skipped besides.  Exit 0 when nothing is found.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
cd "$ROOT"

readonly SELF=tests/checks/check-outside-refs.sh

# Names of the outside notes, and roots of absolute paths that only exist on
# somebody's machine.  A root must follow a non-path character (or start
# the line), so "a/tmp/b" inside a relative path does not count.
dot='\.'
readonly PATTERNS=(
	"${dot}${dot}/shared"
	"research""-facts"
	"timer""-pull-model"
	"(^|[^A-Za-z0-9_.~/-])/(work|home|root|tmp|scratch|workspace)/"
	"(^|[[:space:]\"'(=:])~/"
)

# Allowed hits: fixed strings; a hit line containing one of them passes.
readonly ALLOW=(
)

if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "not a git work tree: $ROOT" >&2
	exit 2
fi

regex=$(IFS='|'; echo "${PATTERNS[*]}")
hits=0
files=0
while IFS= read -r -d '' f; do
	[[ $f == "$SELF" || ! -f $f ]] && continue
	files=$((files + 1))
	# -I: binary files (fonts, images) have nothing to cite
	while IFS= read -r line; do
		ok=false
		for a in "${ALLOW[@]}"; do
			if [[ $line == *"$a"* ]]; then
				ok=true
				break
			fi
		done
		$ok && continue
		echo "$f:$line"
		hits=$((hits + 1))
	done < <(grep -InE "$regex" -- "$f" || true)
done < <(git ls-files -z)

if ((hits)); then
	echo "$hits reference(s) outside the repository in $files tracked files: cite docs/..., the Intel SDM, the ACPI or multiboot2 specification"
	exit 1
fi
echo "no reference outside the repository in $files tracked files"
