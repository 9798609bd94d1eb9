#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-qemu.sh: boot pullkern in QEMU once and turn the run into an exit status.
#
# Theory: QEMU runs in the background with COM1 (or the --com port) on its stdout, which goes
# straight into the log file; `tail -f` copies the log to our stdout live.
# We poll every 0.2 s for three ends of a run:
#   - QEMU exits by itself.  The kernel writes 0x10 (pass) or 0x11 (fail) to
#     the isa-debug-exit port, which QEMU turns into exit status (v << 1) | 1
#     = 33 or 35.  Any other status (a triple fault under -no-reboot exits 0,
#     a QEMU error exits 1, a signal) is a crash unless the log holds a
#     summary record, which then decides.
#   - The log holds the summary record but QEMU keeps running (no debug-exit
#     device, e.g. QEMU_EXTRA changed the machine): give it 2 s to exit, then
#     stop it and use the summary.
#   - The timeout passes: stop QEMU; exit 2 unless a summary was printed.
# QEMU is stopped with SIGTERM, then SIGKILL after 2 s; the same happens on
# Ctrl-C, SIGTERM and any error exit, so no QEMU outlives this script.
# (Background jobs of a non-interactive shell ignore SIGINT, so QEMU would
# not see the Ctrl-C by itself.)
#
# Command line: the ISO carries no kernel command line, so the file that is
# written to a USB stick is the one under test.  Every run boots a per-run
# copy of the ISO with /boot/grub/cmdline.cfg added, which boot/grub.cfg
# sources: it sets timeout=0, so GRUB boots straight through instead of
# showing the boot menu and its countdown, and pk_cmdline to the options
# after `--` (empty without them: the kernel's defaults).  --menu boots the
# ISO as it is instead, menu and countdown as on a USB stick.  The value is written in GRUB single quotes and may hold only
# letters, digits, space and _ . , : = + / @ % -, so nothing in it is
# GRUB script syntax.  The copy is made with xorriso, replaying the
# original's El Torito, MBR and GPT boot setup; HFS+ (Mac only) is dropped
# because xorriso cannot replay it.  The volume modification date, which
# GRUB's EFI image uses as the UUID to find its root, is kept by the replay.
#
# Exit status: 0 pass, 1 fail, 2 timeout, crash, or could not run.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly ROOT
readonly PROG=run-qemu.sh
# shellcheck source=tools/lib.sh
. "$ROOT/tools/lib.sh"
readonly OVMF_DIR="${OVMF_DIR:-/usr/share/OVMF}"
readonly OVMF_CODE="$OVMF_DIR/OVMF_CODE_4M.fd"
readonly OVMF_VARS="$OVMF_DIR/OVMF_VARS_4M.fd"
readonly QEMU="${QEMU:-qemu-system-x86_64}"
# How long QEMU may live after printing the summary, and after SIGTERM.
readonly SUMMARY_GRACE_S=2
readonly TERM_GRACE_TENTHS=20
# Characters allowed in the kernel command line (see the theory above).
readonly CMDLINE_OK='^[A-Za-z0-9 _.,:=+/@%-]*$'

smp=64
machine=
maxcpus=
hotadd=
hotremove=0
qmp_sock=
mem=512
numa=1
firmware=bios
accel=tcg
cpu_model=
timeout_s=300
log=
log_named=
iso=
build=1
menu=0
cmdline=
serial_input=
com=1
acpi_tables=()
keys=
kpid=
screendump=
spid=

nshift=1
tmp=
qpid=
tpid=
fpid=
hpid=
t0=0

usage() {
	cat <<EOF
usage: ./run-qemu.sh [options] [-- kernel command line]

Boot build/pullkern.iso in QEMU, console on stdout, and exit
0 if the kernel reports pass, 1 if it reports fail, 2 on timeout or crash.

  --smp N          CPUs (default 64)
  --maxcpus M      M CPU slots, N of them plugged at boot (-smp N,maxcpus=M):
                   the M-N others are disabled MADT entries, for --hotadd
  --hotadd K@T     plug K CPUs into the free slots with QMP device_add, T
                   seconds after the kernel listens for them (its
                   acpi_hotplug record); tools/qmp-hotadd.py prints, on
                   stderr, the host time from each device_add to the
                   kernel's cpu_online record.  Needs --maxcpus
  --hotremove N    after --hotadd, ask for the removal (device_del) of the
                   first N CPUs it plugged (pullkern refuses: they stay)
  --qmp PATH       QMP socket at PATH (--hotadd makes a temporary one)
  --mem MIB        memory in MiB (default 512)
  --machine pc|q35 QEMU machine (default: QEMU's, pc: i440FX and PIIX4; q35: ICH9)
                   with ,PROP=VALUE machine properties, e.g. pc,i8042=off
  --numa N         N NUMA nodes (ACPI SRAT), CPUs and memory split evenly
  --bios           boot with SeaBIOS (default)
  --uefi           boot with OVMF ($OVMF_CODE, per-run VARS copy)
  --accel tcg|kvm  accelerator (default tcg, multi-threaded); kvm adds -cpu host
  --cpu MODEL      QEMU CPU model under tcg (default QEMU's, qemu64), e.g. max
                   (MONITOR/MWAIT, ARAT) or Skylake-Client (an Intel model)
  --timeout S      stop QEMU after S seconds, 0 = never (default 300)
  --log FILE       also write the console to FILE (default: temporary)
  --iso FILE       boot FILE instead of build/pullkern.iso; implies --no-build
  --no-build       do not run 'make all' first
  --menu           boot the ISO as written to a USB stick: GRUB's boot menu,
                   its 5 s countdown, then the default entry (nothing is
                   typed); without --menu GRUB boots straight through
  --com 1-4|none   the COM port the console file and --serial-input use
                   (default 1); the lower ones are left out of the machine,
                   so --com 2 is a PC whose only UART is COM2 (-serial none
                   -serial stdio: QEMU's pc and q35 machines number ISA
                   serial ports by position); none: no UART at all, the
                   log stays empty and the exit status decides
  --serial-input FILE
                   type FILE's bytes into that COM port once the kernel's shell has
                   started (its "shell" start record; docs/shell.md); with
                   --menu, once GRUB's menu counts down (keys for the menu)
  --keys FILE      type FILE into the PS/2 keyboard with QMP send-key once
                   the shell reads it (tools/qmp-keys.py: {left}, {ctrl-c}
                   ... for special keys; docs/shell.md)
  --acpi-table RECIPE
                   add the ACPI table tools/acpi-table.py builds from RECIPE
                   to QEMU's (-acpitable); repeatable; --acpi-table list
                   prints the recipes
  --screendump FILE
                   when test=residency_screen names its probe pixels, take
                   QEMU's screendump (PPM) to FILE, judge the probes and
                   type the answer, y or n (tools/qmp-screendump.py)
  -h, --help       this text

Everything after -- is the kernel command line (key=value words; letters,
digits, space and _ . , : = + / @ % - only).  \$QEMU_EXTRA is appended to
the QEMU command line, split at white space.  \$QEMU names the binary.

Examples:
  ./run-qemu.sh --smp 8 --uefi -- hz=250
  ./run-qemu.sh --smp 4 --maxcpus 12 --hotadd 2@2 -- test=acpi_hotadd hotadd_cpus=2
  QEMU_EXTRA='-s -S' ./run-qemu.sh --smp 4 --timeout 0
EOF
}

parse_args() {
	while [[ $# -gt 0 ]]; do
		nshift=1
		case $1 in
		--smp | --smp=*)
			optval "$@"
			smp=$REPLY ;;
		--machine | --machine=*)
			optval "$@"
			machine=$REPLY ;;
		--maxcpus | --maxcpus=*)
			optval "$@"
			maxcpus=$REPLY ;;
		--hotadd | --hotadd=*)
			optval "$@"
			hotadd=$REPLY ;;
		--hotremove | --hotremove=*)
			optval "$@"
			hotremove=$REPLY ;;
		--qmp | --qmp=*)
			optval "$@"
			qmp_sock=$REPLY ;;
		--mem | --mem=*)
			optval "$@"
			mem=$REPLY ;;
		--numa | --numa=*)
			optval "$@"
			numa=$REPLY ;;
		--accel | --accel=*)
			optval "$@"
			accel=$REPLY ;;
		--cpu | --cpu=*)
			optval "$@"
			cpu_model=$REPLY ;;
		--timeout | --timeout=*)
			optval "$@"
			timeout_s=$REPLY ;;
		--log | --log=*)
			optval "$@"
			log=$REPLY ;;
		--iso | --iso=*)
			optval "$@"
			iso=$REPLY
			build=0 ;;
		--serial-input | --serial-input=*)
			optval "$@"
			serial_input=$REPLY ;;
		--keys | --keys=*)
			optval "$@"
			keys=$REPLY ;;
		--screendump | --screendump=*)
			optval "$@"
			screendump=$REPLY ;;
		--com | --com=*)
			optval "$@"
			com=$REPLY ;;
		--acpi-table | --acpi-table=*)
			optval "$@"
			if [[ $REPLY == list ]]; then
				"$ROOT/tools/acpi-table.py" --list
				exit 0
			fi
			acpi_tables+=("$REPLY") ;;
		--bios) firmware=bios ;;
		--uefi) firmware=uefi ;;
		--no-build) build=0 ;;
		--menu) menu=1 ;;
		-h | --help)
			usage
			exit 0 ;;
		--)
			shift
			cmdline="$*"
			return ;;
		*) die "unknown option '$1' (see --help)" ;;
		esac
		shift "$nshift"
	done
}

check_args() {
	[[ $com =~ ^([1-4]|none)$ ]] || die "--com: '$com' is not 1, 2, 3, 4 or none"
	[[ -z $serial_input || -r $serial_input ]] ||
		die "--serial-input: cannot read '$serial_input'"
	[[ -z $keys || -r $keys ]] || die "--keys: cannot read '$keys'"
	[[ $smp =~ ^[0-9]+$ && $smp -ge 1 && $smp -le 1024 ]] ||
		die "--smp wants a CPU count from 1 to 1024, not '$smp'"
	[[ -z $machine || $machine =~ ^(pc|q35)(,[a-z0-9_-]+=[a-z0-9]+)*$ ]] || die "--machine wants pc or q35, optionally with ,property=value (e.g. pc,i8042=off), not '$machine'"
	if [[ -n $maxcpus ]]; then
		[[ $maxcpus =~ ^[0-9]+$ && $maxcpus -ge $smp && $maxcpus -le 1024 ]] ||
			die "--maxcpus wants a slot count from --smp ($smp) to 1024, not '$maxcpus'"
	fi
	if [[ -n $hotadd ]]; then
		[[ $hotadd =~ ^([0-9]+)@([0-9]+(\.[0-9]+)?)$ ]] ||
			die "--hotadd wants K@T (K CPUs, T seconds), not '$hotadd'"
		[[ -n $maxcpus ]] || die "--hotadd needs --maxcpus (free slots to plug into)"
		((BASH_REMATCH[1] >= 1 && BASH_REMATCH[1] <= maxcpus - smp)) ||
			die "--hotadd $hotadd: K must be 1 .. $((maxcpus - smp)) (the free slots)"
	fi
	[[ $hotremove =~ ^[0-9]+$ ]] || die "--hotremove wants a CPU count, not '$hotremove'"
	if ((hotremove > 0)) && { [[ -z $hotadd ]] || ((hotremove > ${hotadd%@*})); }; then
		die "--hotremove $hotremove: removes only CPUs --hotadd plugged"
	fi
	[[ $mem =~ ^[0-9]+$ && $mem -ge 32 ]] ||
		die "--mem wants MiB (at least 32), not '$mem'"
	[[ $timeout_s =~ ^[0-9]+$ ]] ||
		die "--timeout wants whole seconds (0 = none), not '$timeout_s'"
	case $accel in
	tcg) ;;
	kvm)
		[[ -e /dev/kvm ]] ||
			die "--accel kvm: /dev/kvm does not exist (no KVM on this machine or in this container); use --accel tcg"
		[[ -r /dev/kvm && -w /dev/kvm ]] ||
			die "--accel kvm: no read/write access to /dev/kvm (add yourself to group 'kvm'); use --accel tcg"
		;;
	*) die "--accel wants tcg or kvm, not '$accel'" ;;
	esac
	[[ -z $cpu_model || $cpu_model =~ ^[A-Za-z0-9._-]+(,[A-Za-z0-9_.=+-]+)*$ ]] ||
		die "--cpu wants a QEMU CPU model (e.g. max, Skylake-Client), not '$cpu_model'"
	[[ -z $cpu_model || $accel == tcg ]] || die "--cpu is for --accel tcg (kvm uses -cpu host)"
	[[ $menu -eq 0 || -z $cmdline ]] ||
		die "--menu boots the menu's own entries: no kernel command line after --"
	if [[ ! $cmdline =~ $CMDLINE_OK ]]; then
		die "kernel command line '$cmdline' has characters GRUB would interpret; allowed: letters, digits, space and _ . , : = + / @ % -"
	fi
	if [[ $firmware == uefi ]]; then
		[[ -r $OVMF_CODE && -r $OVMF_VARS ]] ||
			die "--uefi needs $OVMF_CODE and $OVMF_VARS (Debian package ovmf)"
	fi
	command -v "$QEMU" >/dev/null || die "$QEMU not found (Debian package qemu-system-x86; make deps)"
}

# Stop QEMU politely, then firmly.  Safe to call when it is already gone.
stop_qemu() {
	local i
	[[ -n $qpid ]] || return 0
	if kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null || true
		for ((i = 0; i < TERM_GRACE_TENTHS; i++)); do
			kill -0 "$qpid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$qpid" 2>/dev/null || true
	fi
}

cleanup() {
	if [[ -n $kpid ]]; then
		kill "$kpid" 2>/dev/null || true
		wait "$kpid" 2>/dev/null || true
	fi
	if [[ -n $spid ]]; then
		kill "$spid" 2>/dev/null || true
		wait "$spid" 2>/dev/null || true
	fi
	if [[ -n $hpid ]]; then
		kill "$hpid" 2>/dev/null || true
		wait "$hpid" 2>/dev/null || true
	fi
	stop_qemu
	if [[ -n $fpid ]]; then
		kill "$fpid" 2>/dev/null || true
		wait "$fpid" 2>/dev/null || true
	fi
	if [[ -n $tpid ]]; then
		kill "$tpid" 2>/dev/null || true
		wait "$tpid" 2>/dev/null || true
	fi
	[[ -z $tmp ]] || rm -rf "$tmp"
}

# Dies of the same signal after cleaning up, so a caller (make, a test
# runner) sees that we were interrupted and stops too.
on_signal() {
	local sig=$1

	trap - INT TERM HUP EXIT
	echo "run-qemu.sh: interrupted (SIG$sig), stopping QEMU" >&2
	cleanup
	kill -s "$sig" "$$"
	exit 130
}

build_iso() {
	if ((build)); then
		if ! make -s -C "$ROOT" all >"$tmp/build.log" 2>&1; then
			cat "$tmp/build.log" >&2
			die "build failed"
		fi
	fi
	[[ -n $iso ]] || iso="$ROOT/build/pullkern.iso"
	[[ -r $iso ]] || die "no ISO at $iso"
}

# A copy of the ISO with /boot/grub/cmdline.cfg added; sets boot_iso.
# With --menu, the ISO itself: GRUB shows its menu and boots the default
# entry when the countdown ends.
add_cmdline() {
	boot_iso=$iso
	((!menu)) || return 0
	printf '# written by run-qemu.sh for one run: no menu, straight to the kernel\nset timeout=0\nset pk_cmdline='\''%s'\''\n' \
		"$cmdline" >"$tmp/cmdline.cfg"
	boot_iso="$tmp/run.iso"
	if ! xorriso -indev "$iso" -outdev "$boot_iso" \
		-map "$tmp/cmdline.cfg" /boot/grub/cmdline.cfg \
		-boot_image any replay -hfsplus off >"$tmp/xorriso.log" 2>&1; then
		cat "$tmp/xorriso.log" >&2
		die "could not add the command line to a copy of $iso"
	fi
}

# --numa N: N nodes, CPUs and memory split evenly in order (QEMU then
# describes them in an ACPI SRAT).  N must divide both --smp and --mem.
numa_args() {
	local n per mem_per first

	((numa > 1)) || return 0
	((smp % numa == 0 && mem % numa == 0)) ||
		die "--numa $numa must divide --smp $smp and --mem $mem"
	per=$((smp / numa))
	mem_per=$((mem / numa))
	for ((n = 0; n < numa; n++)); do
		first=$((n * per))
		qemu+=(-object "memory-backend-ram,id=numa$n,size=${mem_per}M"
			-numa "node,nodeid=$n,cpus=$first-$((first + per - 1)),memdev=numa$n")
	done
}

# --com: QEMU gives the Nth -serial the Nth COM port's address, and
# "none" leaves that port out of the machine.
serial_args() {
	local i

	serial=()
	if [[ $com == none ]]; then
		serial=(-serial none)
		return
	fi
	for ((i = 1; i < com; i++)); do
		serial+=(-serial none)
	done
	serial+=(-serial stdio)
}

qemu_command() {
	local extra=() serial

	serial_args
	qemu=("$QEMU" ${machine:+-machine "$machine"} -display none -monitor none "${serial[@]}" -no-reboot
		-device "isa-debug-exit,iobase=0xf4,iosize=0x04"
		-m "$mem" -smp "$smp${maxcpus:+,maxcpus=$maxcpus}" -cdrom "$boot_iso" -boot order=d)
	if [[ -n $hotadd$keys$screendump && -z $qmp_sock ]]; then
		qmp_sock="$tmp/qmp.sock"
	fi
	if [[ -n $qmp_sock ]]; then
		qemu+=(-qmp "unix:$qmp_sock,server=on,wait=off")
	fi
	numa_args
	if [[ $accel == kvm ]]; then
		qemu+=(-accel kvm -cpu host)
	else
		# Multi-threaded TCG: one host thread per vCPU.  QEMU 7.2 otherwise
		# runs every vCPU on one thread in turn, ~10 ms slices: a busy CPU
		# then starves the others (measured: 25 of 200 ticks, and 8 ms for
		# one AP to see a value the BSP wrote).
		qemu+=(-accel tcg,thread=multi ${cpu_model:+-cpu "$cpu_model"})
	fi
	if [[ $firmware == uefi ]]; then
		cp "$OVMF_VARS" "$tmp/OVMF_VARS.fd"
		qemu+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
			-drive "if=pflash,format=raw,unit=1,file=$tmp/OVMF_VARS.fd")
	fi
	acpi_table_args
	read -r -a extra <<<"${QEMU_EXTRA:-}"
	qemu+=("${extra[@]}")
}

# --acpi-table RECIPE: tools/acpi-table.py builds the table into the run's
# temporary directory and QEMU lists it beside its own tables.
acpi_table_args() {
	local r i=0

	for r in "${acpi_tables[@]}"; do
		"$ROOT/tools/acpi-table.py" "$r" "$tmp/acpi-table-$i.bin" ||
			die "--acpi-table: no recipe '$r' (tools/acpi-table.py --list)"
		qemu+=(-acpitable "file=$tmp/acpi-table-$i.bin")
		i=$((i + 1))
	done
}

# Has the kernel printed its summary record?
summary_seen() {
	grep -a -q -E '@report .*"kind" *: *"summary"' "$log"
}

# Has the kernel's shell started reading its serial console?
shell_started() {
	grep -a -q -E '@report .*"kind" *: *"shell".*"cmd" *: *"start"' "$log"
}

# Has GRUB's boot menu started its countdown (--menu)?
menu_shown() {
	grep -a -q 'will be executed automatically in' "$log"
}

# --serial-input: QEMU's COM port (--com) reads stdin, a FIFO; this writes the file
# into it once the shell has started, or with --menu once GRUB's menu
# counts down, for keys that drive the menu (QEMU passes bytes on only as
# the UART's receive FIFO has room, so the reader takes them at its pace).
# Opening the FIFO waits for QEMU to open the other end.
feed_serial() {
	local start=$SECONDS

	exec 3>"$tmp/serial-in"
	until if ((menu)); then menu_shown; else shell_started; fi; do
		((timeout_s == 0 || SECONDS - start < timeout_s)) || exit 0
		sleep 0.2
	done
	cat "$serial_input" >&3
	# keep the FIFO open: QEMU's stdio backend stops reading at EOF
	while sleep 1; do :; done
}

# Runs QEMU until one of the three ends; sets qemu_status and end_reason.
run_qemu() {
	local start=$SECONDS summary_at=-1 qin=/dev/null

	if [[ -n $serial_input ]]; then
		mkfifo "$tmp/serial-in"
		feed_serial &
		fpid=$!
		qin=$tmp/serial-in
	fi
	"${qemu[@]}" <"$qin" >>"$log" 2>&1 &
	qpid=$!
	tail -n +1 -s 0.2 -f --pid="$qpid" "$log" &
	tpid=$!
	if [[ -n $hotadd ]]; then
		python3 "$ROOT/tools/qmp-hotadd.py" --socket "$qmp_sock" --count "${hotadd%@*}" \
			--after "${hotadd#*@}" --remove "$hotremove" --log "$log" --timeout "$((timeout_s > 0 ? timeout_s : 3600))" &
		hpid=$!
	fi
	if [[ -n $keys ]]; then
		python3 "$ROOT/tools/qmp-keys.py" --socket "$qmp_sock" --keys "$keys" --log "$log" \
			--timeout "$((timeout_s > 0 ? timeout_s : 3600))" &
		kpid=$!
	fi
	if [[ -n $screendump ]]; then
		mkdir -p "$(dirname "$screendump")"
		python3 "$ROOT/tools/qmp-screendump.py" --socket "$qmp_sock" --out "$screendump" --log "$log" \
			--timeout "$((timeout_s > 0 ? timeout_s : 3600))" &
		spid=$!
	fi
	end_reason=exited
	while kill -0 "$qpid" 2>/dev/null; do
		if ((summary_at < 0)) && summary_seen; then
			summary_at=$SECONDS
		fi
		if ((summary_at >= 0 && SECONDS - summary_at >= SUMMARY_GRACE_S)); then
			end_reason=summary
			stop_qemu
			break
		fi
		if ((timeout_s > 0 && SECONDS - start >= timeout_s)); then
			end_reason=timeout
			stop_qemu
			break
		fi
		sleep 0.2
	done
	qemu_status=0
	wait "$qpid" || qemu_status=$?
	qpid=
	if [[ -n $fpid ]]; then
		kill "$fpid" 2>/dev/null || true
		wait "$fpid" 2>/dev/null || true
		fpid=
	fi
	# tail notices QEMU is gone within 0.2 s and prints the rest.
	wait "$tpid" || true
	tpid=
	if [[ -n $hpid ]]; then
		kill "$hpid" 2>/dev/null || true
		wait "$hpid" 2>/dev/null || true
		hpid=
	fi
	if [[ -n $kpid ]]; then
		kill "$kpid" 2>/dev/null || true
		wait "$kpid" 2>/dev/null || true
		kpid=
	fi
	if [[ -n $spid ]]; then
		wait "$spid" 2>/dev/null || true
		spid=
	fi
}

# Maps the end of the run to our exit status and says why on stderr.
verdict() {
	local summary why rc

	summary=$(python3 "$ROOT/tools/report.py" summary "$log") || summary=none
	case $end_reason:$qemu_status in
	exited:33) rc=0 why="kernel reported pass via debug exit" ;;
	exited:35) rc=1 why="kernel reported fail via debug exit" ;;
	*)
		case $end_reason in
		timeout) why="timed out after ${timeout_s} s" ;;
		summary) why="summary printed but QEMU did not exit; stopped it" ;;
		*) why="QEMU exited with status $qemu_status" ;;
		esac
		case $summary in
		pass) rc=0 why="$why; summary says pass" ;;
		none) rc=2 why="$why; no summary record (crash, reset, hang or boot failure)" ;;
		*) rc=1 why="$why; summary says $summary" ;;
		esac
		;;
	esac
	if [[ $rc -eq 0 && $summary != pass ]] || [[ $rc -eq 1 && $summary == pass ]]; then
		why="$why (but the summary record says '$summary')"
	fi
	echo "run-qemu.sh: $why; ${firmware} -smp $smp${maxcpus:+,maxcpus=$maxcpus}; $(elapsed) s${log_named:+; log $log}" >&2
	return "$rc"
}

elapsed() {
	local now=${EPOCHREALTIME/[.,]/}
	local us=$((now - t0))
	printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}

main() {
	parse_args "$@"
	check_args
	trap 'on_signal INT' INT
	trap 'on_signal TERM' TERM
	trap 'on_signal HUP' HUP
	trap cleanup EXIT
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/pullkern-run.XXXXXX")
	build_iso
	add_cmdline
	if [[ -z $log ]]; then
		log="$tmp/console.log"
	else
		log_named=1
		mkdir -p "$(dirname "$log")"
	fi
	: >"$log"
	qemu_command
	printf 'run-qemu.sh: %s\n' "${qemu[*]}" >>"$log"
	[[ -z $cmdline ]] || printf 'run-qemu.sh: kernel command line: %s\n' "$cmdline" >>"$log"
	((!menu)) || printf 'run-qemu.sh: boot menu, its default entry after the countdown\n' >>"$log"
	t0=${EPOCHREALTIME/[.,]/}
	run_qemu
	verdict
}

main "$@"
