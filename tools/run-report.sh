#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-report.sh: what `make run` does: boot pullkern once in QEMU on the
# idle scenario, keep the console log, and end with the residency report
# (tools/residency) and its plot.
#
# Theory: the run is run-qemu.sh's (console live on stdout, its exit
# status); we only choose its defaults (-smp 64, `scenario=idle
# seconds=10`) and where its log goes: out/run-YYYYmmdd-HHMMSS.log in UTC,
# the plot beside it as .png, and out/latest.log and out/latest.png
# pointing at the newest pair, so a second run never overwrites the first
# and "the last run" is always at the same path.  The report is read from
# the log by tools/residency, the same tool a user runs on any log later;
# it is printed even when the kernel reported a failure, as long as the
# log holds records.  Without matplotlib the tables are printed, the plot
# is left out, and we say how to install it.
#
# Usage: tools/run-report.sh [--smp N] [--seconds S] [--out DIR]
#                            [-- more kernel command line words]
# The words after -- come after `scenario=idle seconds=S`, so they may
# override either (the kernel takes the last value of an option).
#
# Exit status: run-qemu.sh's (0 pass, 1 fail, 2 timeout, crash or could
# not run); 2 also when the report could not be printed.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly PROG=tools/run-report.sh
# shellcheck source=tools/lib.sh
. "$ROOT/tools/lib.sh"

smp=64
seconds=10
out="$ROOT/out"
nshift=1
extra=()

parse_args() {
	while [[ $# -gt 0 ]]; do
		nshift=1
		case $1 in
		--smp | --smp=*)
			optval "$@"
			smp=$REPLY ;;
		--seconds | --seconds=*)
			optval "$@"
			seconds=$REPLY ;;
		--out | --out=*)
			optval "$@"
			out=$REPLY ;;
		-h | --help)
			sed -n '4,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
			exit 0 ;;
		--)
			shift
			extra=("$@")
			return ;;
		*) die "unknown option '$1' (see --help)" ;;
		esac
		shift "$nshift"
	done
}

# A path under the repository is shown relative to it, as make users see it.
show() {
	echo "${1#"$ROOT"/}"
}

main() {
	local stamp log png rc=0 trc=0

	parse_args "$@"
	check_range "$smp" 1 1024 --smp
	check_range "$seconds" 1 3600 --seconds
	mkdir -p "$out" || die "cannot create $out"
	stamp=$(date -u +%Y%m%d-%H%M%S)
	log="$out/run-$stamp.log"
	png="$out/run-$stamp.png"
	"$ROOT/run-qemu.sh" --no-build --smp "$smp" --log "$log" -- \
		scenario=idle "seconds=$seconds" "${extra[@]}" || rc=$?
	((rc < 128)) || exit "$rc"	# interrupted: no report
	ln -sfn "$(basename "$log")" "$out/latest.log"
	echo
	"$ROOT/tools/residency" "$log" --png "$png" || trc=$?
	echo
	echo "log: $(show "$log") (and $(show "$out/latest.log"))"
	if ((trc == 0)); then
		ln -sfn "$(basename "$png")" "$out/latest.png"
		echo "png: $(show "$png") (and $(show "$out/latest.png"))"
	else
		# latest.png must not show an older run beside this log.
		rm -f "$out/latest.png"
		case $trc in
		3) echo "png: not written (no matplotlib, see above)" ;;
		*)
			echo "png: not written (tools/residency exit status $trc)"
			((rc != 0)) || rc=2 ;;
		esac
	fi
	return "$rc"
}

main "$@"
