#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every option the kernel reads by name (option_u64("x"), option_str("x"),
# ...) is a row of kernel/options.c's table: a misspelt or forgotten name
# would otherwise only show at run time, as a BUG line and a zero.
#
# Fails naming each file:line whose option is missing from the table.

set -euo pipefail

table=kernel/options.c
bad=0
n=0
while IFS=: read -r file line name; do
	n=$((n + 1))
	if ! grep -q "^	{ \"$name\", OPTION_" "$table"; then
		echo "$file:$line: option '$name' is not in $table"
		bad=$((bad + 1))
	fi
done < <(grep -rnoE 'option_(u64|u64_or|str|given|find)\("[a-z0-9_]+"' \
		--include='*.c' --include='*.h' kernel arch drivers lib |
	sed -E 's/^([^:]+):([0-9]+):option_[a-z0-9_]+\("([a-z0-9_]+)"$/\1:\2:\3/')
((n > 0)) || { echo "no option reads found: the pattern is stale"; exit 1; }
((bad == 0)) || exit 1
echo "$n option reads, every name in $table"
