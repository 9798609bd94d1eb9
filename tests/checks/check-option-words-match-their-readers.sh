#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The words kernel/options.c lists for scenario= and test= (help and the
# README show them) are the names their readers know: the scenarios of
# kernel/scenario.c (plus "none") and the tests of kernel/selftest.c, in
# the same order.  Fails printing both lists when they differ.

set -euo pipefail

words() {	# words NAME: option NAME's words, one a line
	sed -nE "s/^	\{ \"$1\", OPTION_(WORD|NAME), \"([^\"]*)\".*/\2/p" kernel/options.c | tr '|' '\n'
}

table_names() {	# table_names FILE: the first string of each "	{ "name", " row
	sed -nE 's/^	\{ "([a-z0-9_]+)", .*/\1/p' "$1"
}

bad=0
compare() {	# compare WHAT OPTION_WORDS READER_NAMES
	if [[ $2 != "$3" ]]; then
		echo "$1: kernel/options.c lists [$(echo $2)], its reader knows [$(echo $3)]"
		bad=1
	fi
}

compare scenario "$(words scenario)" "$(table_names kernel/scenario.c; echo none)"
compare test "$(words test)" "$(table_names kernel/selftest.c)"
[[ -n $(words scenario) && -n $(words test) ]] || { echo "no words found: the pattern is stale"; exit 1; }
((bad == 0)) || exit 1
echo "scenario= and test= list the names their readers know"
