#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-layers: no upward reference between the kernel's layers.
#
# Usage: tests/checks/check-layers.sh   (from the repository root; run.sh runs it)
#
# Theory: the kernel is built in layers, and a layer calls only the ones
# below it; a lower layer reaches a higher one only through an entry point
# handed down to it (a function pointer), which no linker sees.  From the
# bottom:
#
#   lower   arch/, drivers/, lib/, boot/
#   ground  kernel services anything may call: printk, panic, console,
#           report, the page allocator, the option table and the run's
#           verdict, the firmware parsers (acpi and its per-table files
#           acpi_spcr, acpi_hpet, acpi_s5; multiboot2, cmdline),
#           QEMU's CPU hotplug register protocol (cpuhp_block), and the
#           hardware counters' names (hw_counters)
#   core    the portable kernel: timer, tmigr (and its debug half), idle,
#           tick, workqueue, cpuhp (park, unpark, hot-add), shell_core (the
#           shell's line editor and parser), residency (idle residency
#           accounting and its windows)
#   top     what runs the core: kernel/main.c, the boot glue (kernel/smp.c,
#           kernel/selftest.c), the boot reports (and their records' builders,
#           boot_records) and the tick check, and
#           the scenarios (kernel/scenario.c, kernel/scenarios/), the shell
#           (kernel/shell.c), the firmware's hot-add events (acpi_hotplug),
#           the residency report (residency_report: records, table) and
#           its picture on the screens (residency_screen)
#
# Two rules, checked on the symbols of the built objects (nm of build/k/):
#   1. a lower object references no symbol defined in kernel/ outside the
#      ground services;
#   2. a core object references no symbol defined in the top layer.
# Every kernel/ object must be in one of the three kernel layers: a new file
# that is in none fails the check until it is placed.
# One reference is the design, not a breach: boot/entry32.S jumps to kmain,
# the loader's entry into the kernel (ALLOWED below).  Every breach is printed as "object -> symbol (defining object)".  Only
# objects of current sources count (a stale object of a deleted file is
# ignored); a missing object is built with `make kernel`, and if the build
# fails or leaves nothing to inspect the check fails: it never passes on
# an empty symbol table.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
cd "$ROOT"

readonly OBJDIR=build/k
readonly KDIRS="boot arch/x86_64 drivers/apic drivers/console drivers/hpet kernel kernel/scenarios lib"

GROUND_RE='^kernel/(printk|panic|console|report|page_alloc|acpi|acpi_(spcr|hpet|s5)|multiboot2|cmdline|options|verdict|spinlock|cpuhp_block|hw_counters)\.c$'
CORE_RE='^kernel/(timer|tmigr|tmigr_debug|idle|tick|workqueue|cpuhp|shell_core|residency)\.c$'
TOP_RE='^kernel/(main|smp|selftest|scenario|boot_report|boot_records|tick_check|tmigr_report|shell|acpi_hotplug|residency_report|residency_screen|residency_screen_test)\.c$|^kernel/scenarios/'
LOWER_RE='^(arch|drivers|lib|boot)/'
ALLOWED=' boot/entry32.S:kmain '	# "source:symbol", space separated

sources=()
for d in $KDIRS; do
	for f in "$d"/*.c "$d"/*.S; do
		[[ -e $f ]] && sources+=("$f")
	done
done
if [[ ${#sources[@]} -eq 0 ]]; then
	echo "check-layers: no kernel sources found under: $KDIRS"
	exit 1
fi

unplaced=0
for f in "${sources[@]}"; do
	if [[ $f == kernel/* && ! $f =~ $GROUND_RE && ! $f =~ $CORE_RE && ! $f =~ $TOP_RE ]]; then
		echo "check-layers: $f is in no layer (ground, core or top): place it above"
		unplaced=1
	fi
done
if [[ $unplaced -eq 1 ]]; then
	echo "check-layers: FAIL: unplaced kernel objects"
	exit 1
fi

missing=0
for f in "${sources[@]}"; do
	[[ -e $OBJDIR/$f.o && $OBJDIR/$f.o -nt $f ]] || missing=1
done
if [[ $missing -eq 1 ]]; then
	echo "check-layers: kernel objects missing or stale; running make kernel"
	if ! make -s kernel >/dev/null; then
		echo "check-layers: FAIL: make kernel failed, nothing to check"
		exit 1
	fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# defs: "symbol source" for every global definition; refs: "source symbol".
: >"$tmp/defs"
: >"$tmp/refs"
for f in "${sources[@]}"; do
	o=$OBJDIR/$f.o
	if [[ ! -e $o ]]; then
		echo "check-layers: FAIL: $o was not built"
		exit 1
	fi
	nm --defined-only -g "$o" | awk -v s="$f" 'NF == 3 { print $3, s }' >>"$tmp/defs"
	nm -u "$o" | awk -v s="$f" '{ print s, $NF }' >>"$tmp/refs"
done
ndefs=$(wc -l <"$tmp/defs")
nrefs=$(wc -l <"$tmp/refs")
if [[ $ndefs -eq 0 || $nrefs -eq 0 ]]; then
	echo "check-layers: FAIL: empty symbol table ($ndefs definitions, $nrefs references)"
	exit 1
fi

awk -v allowed="$ALLOWED" -v ground="$GROUND_RE" -v core="$CORE_RE" -v top="$TOP_RE" -v lower="$LOWER_RE" '
	FNR == NR { def[$1] = $2; next }
	{
		src = $1; sym = $2
		if (!(sym in def))
			next		# from the linker script or assembly-only
		d = def[sym]
		if (index(allowed, " " src ":" sym " "))
			next
		if (src ~ lower && d ~ /^kernel\// && d !~ ground)
			printf "upward: %s -> %s (%s): lower layer calls the kernel\n", src, sym, d
		else if (src ~ core && d ~ top)
			printf "upward: %s -> %s (%s): the core calls main or a scenario\n", src, sym, d
	}
' "$tmp/defs" "$tmp/refs" >"$tmp/bad"

if [[ -s $tmp/bad ]]; then
	cat "$tmp/bad"
	echo "check-layers: FAIL: $(wc -l <"$tmp/bad") upward reference(s); hand the callee down as an entry point instead"
	exit 1
fi
echo "no upward reference: ${#sources[@]} objects, $nrefs references checked"
