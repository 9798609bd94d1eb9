#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-bochs.sh: boot pullkern's ISO in Bochs, the second emulator.
#
# Theory: QEMU 7.2 TCG, our first emulator, offers no x2APIC, no
# TSC-deadline, no ARAT and no sleeping MWAIT, and it wakes a halted vCPU
# through the host's scheduler (tens of microseconds, docs/cpus.md §7.8).
# Bochs models a CPU that has all four (CPU model corei7_skylake_x), with
# its own local APIC, and with `ignore_bad_msrs=0` it raises #GP on an MSR
# it does not implement, as real hardware does.  Its time is virtual: it
# runs the CPUs in turn, one instruction stream after the other, and the
# guest's TSC counts instructions at `ips` per second.  A halted CPU that
# gets an interrupt runs on the next turn, so a latency on the guest's
# clock there is the kernel's own path, instructions only, with no host
# wake-up in it.
#
# Bochs has no exit device: we watch the COM1 file for the kernel's
# summary record (kind summary, kernel/verdict.c) and stop Bochs then, or
# at the timeout.  The command line reaches GRUB as with run-qemu.sh: a
# per-run copy of the ISO with /boot/grub/cmdline.cfg (boot/grub.cfg).
# Bochs wants terminals for its `term` display (Debian builds no
# display-less one): tools/bochs-pty.py gives it them and drains them,
# or Bochs blocks in a screen update and the guest stops.
#
# Exit status: 0 when the summary says pass, 1 when it says fail or none
# came before the timeout, 2 for bad usage or a missing tool.

set -euo pipefail

PROG=run-bochs.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=tools/lib.sh
. "$ROOT/tools/lib.sh"

readonly CMDLINE_OK='^[A-Za-z0-9 _.,:=+/@%-]*$'
readonly PACKAGES=(bochs bochs-term bochsbios vgabios xorriso)

smp=4
timeout_s=600
ips=200000000
log=
iso=
cmdline=

usage() {
	cat <<EOF
usage: tools/run-bochs.sh [options] [-- kernel command line]
  --smp N        CPUs (default 4; Bochs runs them one after the other, so
                 each one slows the run)
  --timeout S    stop after S seconds of host time (default 600)
  --ips N        emulated instructions per second, the guest TSC's rate
                 (default 200000000)
  --log FILE     keep the console (COM1) in FILE (default: printed only)
  --iso FILE     boot this ISO (default build/pullkern.iso)
A 4-CPU boot with a 2 s scenario takes about two minutes.
EOF
}

while (($#)); do
	case $1 in
	--smp | --smp=*)
		optval "$@"; smp=$REPLY; shift "$nshift"
		check_range "$smp" 1 32 --smp ;;
	--timeout | --timeout=*)
		optval "$@"; timeout_s=$REPLY; shift "$nshift"
		check_range "$timeout_s" 10 86400 --timeout ;;
	--ips | --ips=*)
		optval "$@"; ips=$REPLY; shift "$nshift"
		check_range "$ips" 1000000 4000000000 --ips ;;
	--log | --log=*)
		optval "$@"; log=$REPLY; shift "$nshift" ;;
	--iso | --iso=*)
		optval "$@"; iso=$REPLY; shift "$nshift" ;;
	-h | --help)
		usage; exit 0 ;;
	--)
		shift; cmdline="$*"; break ;;
	*)
		usage >&2; die "unknown option '$1'" ;;
	esac
done

missing=()
pkg_missing "${PACKAGES[@]}"
pkg_install_or_explain "${missing[@]}" || exit 2
[[ -n $iso ]] || iso="$ROOT/build/pullkern.iso"
[[ -r $iso ]] || die "no ISO at $iso (make builds it)"
[[ $cmdline =~ $CMDLINE_OK ]] ||
	die "kernel command line '$cmdline' has characters GRUB would interpret"

tmp=$(mktemp -d)
bochs_pid=
cleanup() {
	[[ -z $bochs_pid ]] || kill -- -"$bochs_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

printf '# written by run-bochs.sh for one run\nset pk_cmdline='\''%s'\''\n' \
	"$cmdline" >"$tmp/cmdline.cfg"
if ! xorriso -indev "$iso" -outdev "$tmp/run.iso" \
	-map "$tmp/cmdline.cfg" /boot/grub/cmdline.cfg \
	-boot_image any replay -hfsplus off >"$tmp/xorriso.log" 2>&1; then
	cat "$tmp/xorriso.log" >&2
	die "could not add the command line to a copy of $iso"
fi

cat >"$tmp/bochsrc" <<EOF
megs: 512
cpu: model=corei7_skylake_x, count=$smp:1:1, ips=$ips, ignore_bad_msrs=0
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$tmp/run.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$tmp/com1.log
display_library: term
log: $tmp/bochs.log
EOF
echo c >"$tmp/commands"
: >"$tmp/com1.log"
[[ -z $cmdline ]] || echo "$PROG: kernel command line: $cmdline"

# Its own process group, so that the stop reaches bochs-pty.py, which
# passes it on to Bochs.
TERM=vt100 setsid python3 "$ROOT/tools/bochs-pty.py" \
	bochs -q -f "$tmp/bochsrc" -rc "$tmp/commands" </dev/null >/dev/null 2>&1 &
bochs_pid=$!

summary=
deadline=$((SECONDS + timeout_s))
while ((SECONDS < deadline)); do
	summary=$(grep -a -m1 '^@report {"kind":"summary"' "$tmp/com1.log" || true)
	[[ -z $summary ]] || break
	kill -0 "$bochs_pid" 2>/dev/null || break
	sleep 1
done
kill -- -"$bochs_pid" 2>/dev/null || true
wait "$bochs_pid" 2>/dev/null || true
bochs_pid=

tr -d '\r' <"$tmp/com1.log"
[[ -z $log ]] || tr -d '\r' <"$tmp/com1.log" >"$log"
if [[ -z $summary ]]; then
	echo "$PROG: no summary record within ${timeout_s} s (Bochs log: last lines follow)" >&2
	tail -n 5 "$tmp/bochs.log" >&2 || true
	exit 1
fi
[[ $summary == *'"result":"pass"'* ]]
