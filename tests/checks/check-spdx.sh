#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-spdx.sh: every source, build and script file the repository tracks
# names its licence with an SPDX line within its first three lines
# (LICENSE: GPL-2.0-or-later; the Unifont glyphs add the font exception).

set -euo pipefail

missing=0
n=0
while IFS= read -r f; do
	case $f in
	*.c | *.h | *.S | *.pml | *.sh | *.py | *.txt | Makefile | linker.ld | .ci/run | boot/grub.cfg | run-qemu.sh) ;;
	*) continue ;;
	esac
	n=$((n + 1))
	if ! head -n 3 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0-or-later'; then
		echo "$f: no SPDX-License-Identifier line in its first three lines"
		missing=$((missing + 1))
	fi
done < <(git ls-files)
if ((missing)); then
	echo "$missing of $n files lack an SPDX line"
	exit 1
fi
echo "$n files carry an SPDX line"
