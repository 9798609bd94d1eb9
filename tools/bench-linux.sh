#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench-linux.sh: time Linux's SMP bring-up, and with --hotplug/--hotadd its
# CPU offline, online and hot-add, on the QEMU machine pullkern uses.
#
# Theory: pullkern's bring-up time means something only beside a reference,
# so we boot a stock Debian kernel on the same machine (qemu-system-x86_64
# -accel tcg,thread=multi (as run-qemu.sh), default `pc` machine, default qemu64 CPU: no -cpu flag) with a
# tiny busybox initramfs whose /init prints a marker line and powers off.
# One run measures, between the first console line that announces the APs
# ("smp: Bringing up secondary CPUs" or "x86: Booting SMP configuration",
# whichever comes first) and "smp: Brought up N nodes, M CPUs":
#
#   host_ms   host wall time between the two lines, each line stamped with
#             time.monotonic() when it arrives on QEMU's stdout (COM1);
#   guest_ms  the same interval from the guest's own printk timestamps;
#   total_s   host time from starting QEMU to the init marker line.
#
# --hotplug K and --hotadd H (tools/bench-hotplug.py uses them) make the
# same boot go on, once the marker is printed, to time CPU hotplug from
# inside the initramfs (sysfs mounted by /init):
#
#   offline  `echo 0 > /sys/devices/system/cpu/cpuN/online` for N = 1..K,
#            one after the other;
#   online   then `echo 1` to the same files, in the same order;
#   hotadd   H times: /init prints that it is ready for CPU number C (the
#            first is --smp: QEMU is started with -smp N,maxcpus=N+H, so
#            Linux numbers the H empty slots after the N present CPUs),
#            the host sends QMP device_add for the first free slot (as
#            tools/qmp-hotadd.py does, with tools/qmp.py), /init
#            waits for cpuC/online to appear (ACPI hot-add), prints, then
#            writes 1 to it (a hot-added CPU stays offline until userspace
#            onlines it).
#
# /init prints a line before and after each write; the reader stamps both
# with host time as they arrive, as for the bring-up lines, so
#   host_ms   is the host time between the two lines (for hotadd: from
#             sending device_add to the line after the write; present_ms
#             to the line saying the sysfs file appeared);
#   guest_ms  the same from the guest's /proc/uptime (10 ms resolution:
#             busybox date has no sub-second format), a cross-check.
# Each operation is one machine line (kind linux_hotplug, with op, cpu, rc).
#
# --idle S (tools/bench-residency.py uses it) makes the boot go on, once
# the marker is printed, to an idle window: /init mounts proc, waits
# --settle seconds, copies /proc/uptime, /proc/stat and /proc/interrupts to
# the console (every line tagged "@s0 FILE " or "@s1 FILE ", so a kernel
# message printed in between is never read as part of a copy), sleeps S
# seconds and copies them again.  The reader turns the two copies into one
# machine line per run, printed before the @bench lines:
#   @report {"kind":"linux_residency","kernel":...,"window_ms":...,
#            "wakeups":[LOC per CPU],"irq":[all per-CPU rows],
#            "idle_pct":[per CPU],"bringup_ms":...,...}
# wakeups are the local-timer interrupts in the window, idle_pct is idle
# plus iowait over all time of each CPU (/proc/stat, USER_HZ), window_ms
# the guest's uptime difference (host_window_ms the host's, for the
# drift); docs/residency-tool.md has every field.  tools/residency reads
# the line.  A run whose copies cannot be read is status bad-snapshot.
#
# Linux prints the AP list ("#1 #2 ...") as one line built piece by piece,
# and replays what it printed before the serial console was enabled in one
# burst; neither matters here, as both bring-up lines are printed whole
# and long after the console is up.
#
# host_ms is the number to compare.  Under TCG with 64 vCPUs on a few host
# cores the guest's clock loses time: Linux marks the qemu64 TSC unstable
# ("TSCs unsynchronized"), so until the hpet clocksource takes over, late
# in boot, its clock follows jiffies, and timer ticks go missing while the
# vCPU threads wait for host cores.  6.1 without lpj printed 11.0 s for a
# bring-up the host timed at 103 s.  guest_ms is printed to show that gap.
#
# Linux calibrates a delay loop on every AP; under TCG that is most of its
# bring-up time.  lpj=VALUE (default 8000000) presets loops_per_jiffy and
# skips it; --no-lpj measures the slow path.
#
# The guest runs with panic=-1 oops=panic: any Oops becomes a panic, the
# panic a reset, and -no-reboot turns the reset into QEMU exiting, so a
# crashed boot ends at once instead of hanging until the timeout.  Crashed
# runs are retried (Linux 6.12 sometimes crashes with -smp 64 under
# multi-threaded TCG) up to --retries times in all, and counted.  A run
# that passes --timeout is stopped and reported, and not retried.
#
# Output (bring-up): a line of progress per run, an aligned table, then one machine
# line per run (crashed attempts included):
#   @bench {"kind":"linux_bringup","kernel":"6.1.0-56-amd64","smp":64,
#           "lpj":8000000,"attempt":1,"status":"ok","host_ms":...,
#           "guest_ms":...,"cpus_up":64,"total_s":...,"nproc":64,
#           "load1":...,"log":...}
# status is ok, crash (Oops or panic, or QEMU ended before the marker),
# timeout, or no-smp-lines (marker seen but not both bring-up lines); a
# "crash" or "warning" field quotes the first such console line.  load1 is
# the host's 1-minute load average as the run starts: the vCPU threads
# share the host cores with whatever else runs, so compare runs made on a
# quiet host.
# Each run's console, every line prefixed by its host time in seconds, is
# kept in build/bench-linux/logs/.  The initramfs is rebuilt on every call
# (milliseconds) in build/bench-linux/.
#
# Packages: the kernel (Debian linux-image-amd64 for 6.1, linux-image-6.12-
# amd64 for 6.12), busybox-static and cpio.  Root gets them installed with
# apt-get; anyone else gets the exact command and exit status 2, as in
# tools/deps.sh.  QEMU and python3 come from tools/deps.sh (make deps).
#
# Exit status: 0 every run measured, 1 some run crashed or timed out
# (after retries), 2 bad usage or could not run.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly PROG=bench-linux.sh
# shellcheck source=tools/lib.sh
. "$ROOT/tools/lib.sh"
readonly OUT="$ROOT/build/bench-linux"
readonly QEMU="${QEMU:-qemu-system-x86_64}"
readonly BUSYBOX=/bin/busybox

smp=64
runs=3
lpj=8000000
series=6.1
timeout_s=600
retries=3
extra=
hotplug=0
hotadd=0
idle=0
settle=2
nshift=1

usage() {
	cat <<EOF
usage: tools/bench-linux.sh [options]

Boot a Debian Linux kernel in QEMU (TCG, default pc machine and CPU) with a
busybox initramfs and time its AP bring-up on the host.

  --smp N          CPUs (default $smp)
  --runs K         measured runs wanted (default $runs)
  --lpj VALUE      pass lpj=VALUE to skip per-CPU delay calibration
                   (default $lpj)
  --no-lpj         let Linux calibrate on every CPU (slow under TCG)
  --kernel 6.1|6.12  Debian kernel series (default $series)
  --timeout S      stop a run after S seconds (default $timeout_s)
  --retries R      extra attempts allowed for crashed runs (default $retries)
  --append ARGS    more kernel command line words (e.g. nowatchdog)
  --hotplug K      after boot, time offline then online of CPUs 1..K
                   from /init (echo 0/1 > /sys/devices/system/cpu/cpuN/online)
  --hotadd H       after that, time H hot-adds: QMP device_add into
                   -smp N,maxcpus=N+H, then online the new CPU from /init
  --idle S         after boot, idle S seconds and measure local-timer
                   interrupts per CPU (/proc/interrupts LOC) and idle time
                   (/proc/stat) across the window: one
                   @report {"kind":"linux_residency",...} line per run
  --settle S       with --idle: seconds to wait after boot before the
                   window opens (default $settle)
  -h, --help       this text

Logs and the initramfs go to build/bench-linux/.  \$QEMU names the binary.
EOF
}

parse_args() {
	while [[ $# -gt 0 ]]; do
		nshift=1
		case $1 in
		--smp | --smp=*)
			optval "$@"
			smp=$REPLY ;;
		--runs | --runs=*)
			optval "$@"
			runs=$REPLY ;;
		--lpj | --lpj=*)
			optval "$@"
			lpj=$REPLY ;;
		--no-lpj)
			lpj= ;;
		--kernel | --kernel=*)
			optval "$@"
			series=$REPLY ;;
		--timeout | --timeout=*)
			optval "$@"
			timeout_s=$REPLY ;;
		--retries | --retries=*)
			optval "$@"
			retries=$REPLY ;;
		--append | --append=*)
			optval "$@"
			extra=$REPLY ;;
		--hotplug | --hotplug=*)
			optval "$@"
			hotplug=$REPLY ;;
		--hotadd | --hotadd=*)
			optval "$@"
			hotadd=$REPLY ;;
		--idle | --idle=*)
			optval "$@"
			idle=$REPLY ;;
		--settle | --settle=*)
			optval "$@"
			settle=$REPLY ;;
		-h | --help)
			usage
			exit 0 ;;
		*)
			die "unknown option '$1' (see --help)" ;;
		esac
		shift "$nshift"
	done
	# The pc machine type stops at 255 CPUs.
	check_range "$smp" 1 255 --smp
	check_range "$runs" 1 100 --runs
	check_range "$timeout_s" 1 86400 --timeout
	check_range "$retries" 0 100 --retries
	check_range "$hotplug" 0 $((smp - 1)) --hotplug
	check_range "$hotadd" 0 $((255 - smp)) --hotadd
	check_range "$idle" 0 3600 --idle
	check_range "$settle" 0 600 --settle
	((idle == 0 || (hotplug == 0 && hotadd == 0))) ||
		die "--idle goes alone: not with --hotplug or --hotadd"
	[[ -z $lpj ]] || check_range "$lpj" 1 4000000000 --lpj
	[[ $series == 6.1 || $series == 6.12 ]] ||
		die "--kernel wants 6.1 or 6.12, not '$series'"
	# Word characters only: the value goes into QEMU's -append as is.
	[[ $extra =~ ^[A-Za-z0-9\ _.,:=+/-]*$ ]] ||
		die "--append allows letters, digits, space and _ . , : = + / - only"
}

# Newest installed kernel image of the chosen series, or nothing.
find_kernel() {
	local pattern="/boot/vmlinuz-$series.[0-9]*-amd64"

	# "6.1." must not match 6.12, hence the digit after the dot.
	compgen -G "$pattern" | sort -V | tail -n 1 || true
}

# Install (root) or name (anyone else) what is missing.
ensure_packages() {
	local missing=() meta

	command -v "$QEMU" >/dev/null || die "$QEMU not found (Debian package qemu-system-x86; make deps)"
	command -v python3 >/dev/null || die "python3 not found (make deps)"
	if ! command -v dpkg-query >/dev/null; then
		if [[ ! -x $BUSYBOX ]] || ! command -v cpio >/dev/null ||
			[[ -z $(find_kernel) ]]; then
			die "need a static $BUSYBOX, cpio and /boot/vmlinuz-$series.*-amd64 (no dpkg here to install them)"
		fi
		return 0
	fi
	pkg_missing busybox-static cpio
	if [[ $series == 6.1 ]]; then
		meta=linux-image-amd64
	else
		meta=linux-image-6.12-amd64
	fi
	[[ -n $(find_kernel) ]] || missing+=("$meta")
	[[ ${#missing[@]} -eq 0 ]] && return 0
	pkg_install_or_explain "${missing[@]}" || exit 2
	[[ -n $(find_kernel) ]] || die "$meta installed but no /boot/vmlinuz-$series.*-amd64 appeared"
}

# PID 1 of the guest.  The archive holds no device node (so building it
# needs no root); the kernel's built-in initramfs normally provides
# /dev/console, and devtmpfs is the fallback when it does not.  nproc (online
# CPUs by affinity) cross-checks the kernel's own count.  With --hotplug or
# --hotadd it goes on to the operations (see the top), each framed by two
# lines the reader stamps; "@bench-linux hotplug done" ends them.  The
# hot-add wait gives up after about 30 s (the line says "present=0").
write_init() {
	cat >"$1" <<'EOF'
#!/bin/busybox sh
/bin/busybox mkdir -p /dev
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
/bin/busybox echo "@bench-linux init reached nproc=$(/bin/busybox nproc)"
EOF
	if ((hotplug > 0 || hotadd > 0)); then
		cat >>"$1" <<EOF
K=$hotplug H=$hotadd N=$smp
EOF
		cat >>"$1" <<'EOF'
/bin/busybox mkdir -p /proc /sys
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
cpu=/sys/devices/system/cpu
up() { read u _ </proc/uptime; }
flip() {	# op, CPU, value
	f=$cpu/cpu$2/online
	up; echo "@bench-linux op=$1 cpu=$2 begin up=$u"
	echo $3 >$f; rc=$?
	up; echo "@bench-linux op=$1 cpu=$2 end rc=$rc up=$u"
}
i=1; while [ $i -le $K ]; do flip offline $i 0; i=$((i + 1)); done
i=1; while [ $i -le $K ]; do flip online $i 1; i=$((i + 1)); done
j=0
while [ $j -lt $H ]; do
	c=$((N + j)); f=$cpu/cpu$c/online
	up; echo "@bench-linux op=hotadd cpu=$c ready up=$u"
	w=0
	while [ ! -e $f ] && [ $w -lt 15000 ]; do /bin/busybox usleep 2000; w=$((w + 1)); done
	p=0; [ -e $f ] && p=1
	up; echo "@bench-linux op=hotadd cpu=$c present=$p up=$u"
	rc=1; [ $p = 1 ] && { echo 1 >$f; rc=$?; }
	up; echo "@bench-linux op=hotadd cpu=$c end rc=$rc up=$u"
	j=$((j + 1))
done
echo "@bench-linux hotplug done nproc=$(/bin/busybox nproc)"
EOF
	fi
	if ((idle > 0)); then
		cat >>"$1" <<EOF
S=$idle SETTLE=$settle
EOF
		cat >>"$1" <<'EOF'
/bin/busybox mkdir -p /proc
/bin/busybox mount -t proc proc /proc
# Each snapshot line carries its tag, so a kernel message printed in
# between cannot be taken for one.
snap() {
	echo "@bench-linux snap $1 begin"
	for f in uptime stat interrupts; do
		/bin/busybox sed "s/^/@s$1 $f /" /proc/$f
	done
	echo "@bench-linux snap $1 end"
}
/bin/busybox sleep $SETTLE
snap 0
/bin/busybox sleep $S
snap 1
echo "@bench-linux idle done"
EOF
	fi
	echo '/bin/busybox poweroff -f' >>"$1"
	chmod 755 "$1"
}

build_initramfs() {
	local dir="$OUT/initramfs"

	# A dynamic busybox would find no libc in the guest.
	if LC_ALL=C readelf -l "$BUSYBOX" 2>/dev/null | grep -q 'INTERP'; then
		die "$BUSYBOX is dynamically linked; install busybox-static"
	fi
	rm -rf "$dir" 2>/dev/null || die "cannot replace $dir (made by another user?)"
	mkdir -p "$dir/bin"
	cp "$BUSYBOX" "$dir/bin/busybox"
	write_init "$dir/init"
	# newc is the only cpio format the kernel unpacks; owner root, sorted
	# names, so the archive depends only on its inputs.
	(cd "$dir" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --quiet --null -o -H newc -R 0:0) >"$OUT/initramfs.cpio"
}

# The per-run driver: starts QEMU, stamps lines, writes logs and the report.
write_reader() {
	cat >"$1" <<'PY'
"""Run QEMU K times, stamp each console line with host time, report."""
import importlib.util
import json
import os
import re
import select
import signal
import statistics
import subprocess
import sys
import time

START_RE = re.compile(r"smp: Bringing up secondary CPUs|x86: Booting SMP configuration")
DONE_RE = re.compile(r"smp: Brought up (\d+) nodes?, (\d+) CPUs?")
STAMP_RE = re.compile(r"^\[\s*(\d+\.\d+)\]")
# A crash ends the boot (oops=panic); a warning is noted and the run kept.
CRASH_RE = re.compile(r"Kernel panic|Oops|general protection fault")
WARN_RE = re.compile(r"BUG: |WARNING: |rcu: INFO:|self-detected stall")
MARKER_RE = re.compile(r"@bench-linux init reached nproc=(\d+)")
OP_RE = re.compile(r"@bench-linux op=(\w+) cpu=(\d+) "
                   r"(begin|ready|present=([01])|end rc=(\d+)) up=([\d.]+)")
DONE_OPS_RE = re.compile(r"@bench-linux hotplug done nproc=(\d+)")
SNAP_RE = re.compile(r"@s([01]) (uptime|stat|interrupts) (.*)$")
SNAP_EDGE_RE = re.compile(r"@bench-linux snap ([01]) (begin|end)")
IDLE_DONE_RE = re.compile(r"@bench-linux idle done")
# /proc/stat's per-CPU times (USER_HZ): user nice system idle iowait irq
# softirq steal; guest time is already inside user.
STAT_FIELDS = 8
# After the marker, poweroff -f should end QEMU at once.
EXIT_GRACE_S = 10.0


def stop(proc):
    """SIGTERM, then SIGKILL after 2 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(2)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.wait()


def load_qmp(path):
    """tools/qmp.py as a module (it is not on this script's path)."""
    spec = importlib.util.spec_from_file_location("qmp", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def device_add(qmp, mod, n):
    """Plug the first free slot; return None or the error text."""
    reply = qmp.command("query-hotpluggable-cpus")
    if "error" in reply:
        return reply["error"].get("desc", "query failed")
    free = sorted((s for s in reply["return"] if "qom-path" not in s),
                  key=mod.topo_key)
    if not free:
        return "no free CPU slot"
    slot = free[0]
    reply = qmp.command("device_add", driver=slot["type"], id="hotadd%d" % n,
                        **slot.get("props", {}))
    return reply["error"].get("desc", "device_add failed") if "error" in reply else None


class Ops:
    """The framed operations of one run, from /init's lines."""

    def __init__(self, cfg, rec, qmp, mod):
        self.cfg, self.base, self.qmp, self.mod = cfg, rec, qmp, mod
        self.open = {}           # (op, cpu) -> (host s, guest s)
        self.present = {}        # cpu -> host s
        self.recs = []

    def line(self, m, now):
        op, cpu, what = m.group(1), int(m.group(2)), m.group(3)
        guest = float(m.group(6))
        if what == "begin":
            self.open[(op, cpu)] = (now, guest)
        elif what == "ready":
            err = device_add(self.qmp, self.mod, cpu) if self.qmp else "no QMP"
            # The time after the command returned would hide QEMU's part.
            self.open[(op, cpu)] = (now, guest)
            if err:
                self.recs.append(self.record(op, cpu, None, None, err=err))
                self.open.pop((op, cpu))
        elif what.startswith("present"):
            if (op, cpu) in self.open:
                self.present[cpu] = (now, m.group(4) == "1")
        elif (op, cpu) in self.open:
            t = self.open.pop((op, cpu))
            r = self.record(op, cpu, now - t[0], guest - t[1], rc=int(m.group(5)))
            if cpu in self.present:
                p = self.present.pop(cpu)
                r["present_ms"] = round((p[0] - t[0]) * 1000, 1) if p[1] else None
            self.recs.append(r)

    def record(self, op, cpu, host_s, guest_s, rc=None, err=None):
        r = {"kind": "linux_hotplug", "kernel": self.cfg["kver"],
             "smp": self.cfg["smp"], "lpj": self.cfg["lpj"],
             "attempt": self.base["attempt"], "op": op, "cpu": cpu,
             "host_ms": None if host_s is None else round(host_s * 1000, 1),
             "guest_ms": None if guest_s is None else round(guest_s * 1000, 1),
             "rc": rc}
        if err:
            r["error"] = err
        return r


class Idle:
    """The two /proc snapshots of an --idle run, and what they give."""

    def __init__(self):
        self.snaps = [{"uptime": None, "stat": {}, "irq_head": None,
                       "loc": None, "irq": None} for _ in range(2)]
        self.edges = {}          # (snap, begin|end) -> host s

    def line(self, m):
        snap = self.snaps[int(m.group(1))]
        what, text = m.group(2), m.group(3)
        tok = text.split()
        if what == "uptime" and tok:
            snap["uptime"] = float(tok[0])
        elif what == "stat" and tok and re.fullmatch(r"cpu\d+", tok[0]):
            snap["stat"][int(tok[0][3:])] = [int(x) for x in tok[1:1 + STAT_FIELDS]]
        elif what == "interrupts" and snap["irq_head"] is None:
            snap["irq_head"] = len(tok)          # CPU0 CPU1 ...
            snap["irq"] = [0] * len(tok)
        elif what == "interrupts" and tok and tok[0].endswith(":"):
            n = snap["irq_head"]
            vals = tok[1:1 + n]
            if len(vals) == n and all(v.isdigit() for v in vals):
                vals = [int(v) for v in vals]
                snap["irq"] = [a + b for a, b in zip(snap["irq"], vals)]
                if tok[0] == "LOC:":
                    snap["loc"] = vals

    def record(self, cfg, rec):
        """The linux_residency record, or None if a snapshot is incomplete."""
        a, b = self.snaps
        if None in (a["uptime"], b["uptime"], a["loc"], b["loc"]) or \
                not a["stat"] or sorted(a["stat"]) != sorted(b["stat"]) or \
                len(a["loc"]) != len(b["loc"]):
            return None
        idle = []
        for cpu in sorted(a["stat"]):
            d = [y - x for x, y in zip(a["stat"][cpu], b["stat"][cpu])]
            total = sum(d)
            if total <= 0:
                return None
            idle.append(round(100.0 * (d[3] + d[4]) / total, 3))
        host = None
        if (0, "end") in self.edges and (1, "begin") in self.edges:
            host = round((self.edges[(1, "begin")] - self.edges[(0, "end")]) * 1000, 1)
        return {"kind": "linux_residency", "kernel": cfg["kver"], "smp": cfg["smp"],
                "attempt": rec["attempt"], "append": cfg["append"],
                "window_ms": round((b["uptime"] - a["uptime"]) * 1000),
                "host_window_ms": host, "settle_s": cfg["settle"],
                "wakeups": [y - x for x, y in zip(a["loc"], b["loc"])],
                "irq": [y - x for x, y in zip(a["irq"], b["irq"])],
                "idle_pct": idle, "bringup_ms": rec["host_ms"],
                "load1": rec["load1"]}


def guest_stamp(line):
    m = STAMP_RE.match(line)
    return float(m.group(1)) if m else None


def one_run(cfg, attempt):
    """Boot once; return the run's record."""
    rec = {"kind": "linux_bringup", "kernel": cfg["kver"], "smp": cfg["smp"],
           "lpj": cfg["lpj"], "attempt": attempt, "status": "incomplete",
           "host_ms": None, "guest_ms": None, "cpus_up": None,
           "total_s": None, "nproc": None,
           # Other work on the host inflates host_ms: keep the evidence.
           "load1": round(os.getloadavg()[0], 2)}
    tag = "lpj%d" % cfg["lpj"] if cfg["lpj"] else "nolpj"
    if cfg["ops"]:
        tag += "_hotplug"
    log = os.path.join(cfg["logdir"], "%s_smp%d_%s_%d.log"
                       % (cfg["kver"], cfg["smp"], tag, attempt))
    rec["log"] = os.path.relpath(log, cfg["root"])
    start = done = None          # (host s, guest s) of the two lines
    # Line-buffered, so a run can be watched with tail -f.
    with open(log, "w", buffering=1) as out, \
            open(log + ".stderr", "w") as err:
        if cfg["qmp"] and os.path.exists(cfg["qmp"]):
            os.unlink(cfg["qmp"])
        t0 = time.monotonic()
        proc = subprocess.Popen(cfg["qemu"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err)
        qmp = None
        try:
            if cfg["qmp"]:
                mod = load_qmp(cfg["qmp_client"])
                qmp = mod.Qmp(cfg["qmp"], t0 + 30)
            ops = Ops(cfg, rec, qmp, mod if qmp else None)
            rec["ops"] = ops.recs
            idle = Idle() if cfg["idle"] else None
            fd = proc.stdout.fileno()
            deadline = t0 + cfg["timeout"]
            buf = b""
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    if rec["status"] == "incomplete":
                        rec["status"] = "timeout"
                    break
                ready, _, _ = select.select([fd], [], [], min(left, 1.0))
                if not ready:
                    continue
                chunk = os.read(fd, 65536)
                now = time.monotonic() - t0
                if not chunk:
                    break            # QEMU exited
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for raw in lines:
                    line = raw.decode("utf-8", "replace").rstrip("\r")
                    out.write("%11.6f %s\n" % (now, line))
                    if start is None and START_RE.search(line):
                        start = (now, guest_stamp(line))
                    m = DONE_RE.search(line)
                    if m and done is None:
                        done = (now, guest_stamp(line))
                        rec["cpus_up"] = int(m.group(2))
                    if CRASH_RE.search(line) and "crash" not in rec:
                        rec["crash"] = line.strip()[:160]
                    if WARN_RE.search(line) and "warning" not in rec:
                        rec["warning"] = line.strip()[:160]
                    m = MARKER_RE.search(line)
                    if m and rec["total_s"] is None:
                        rec["total_s"] = round(now, 3)
                        rec["nproc"] = int(m.group(1))
                        if not cfg["ops"] and not cfg["idle"]:
                            deadline = min(deadline, time.monotonic() + EXIT_GRACE_S)
                    m = OP_RE.search(line)
                    if m:
                        ops.line(m, now)
                    if idle:
                        m = SNAP_RE.search(line)
                        if m:
                            idle.line(m)
                        m = SNAP_EDGE_RE.search(line)
                        if m:
                            idle.edges[(int(m.group(1)), m.group(2))] = now
                        if IDLE_DONE_RE.search(line) and "idle_done" not in rec:
                            rec["idle_done"] = True
                            deadline = min(deadline, time.monotonic() + EXIT_GRACE_S)
                    m = DONE_OPS_RE.search(line)
                    if m and "nproc_after" not in rec:
                        rec["nproc_after"] = int(m.group(1))
                        deadline = min(deadline, time.monotonic() + EXIT_GRACE_S)
        finally:
            if qmp:
                qmp.sock.close()
            stop(proc)
        if buf:
            out.write("%11.6f %s\n" % (time.monotonic() - t0,
                                       buf.decode("utf-8", "replace")))
    if start and done:
        rec["host_ms"] = round((done[0] - start[0]) * 1000, 1)
        if start[1] is not None and done[1] is not None:
            rec["guest_ms"] = round((done[1] - start[1]) * 1000, 1)
    if "crash" in rec:
        rec["status"] = "crash"
    elif rec["status"] == "incomplete" and cfg["idle"] and "idle_done" not in rec:
        rec["status"] = "crash"      # QEMU ended before the window did
    elif rec["status"] == "incomplete" and cfg["ops"] and "nproc_after" not in rec:
        rec["status"] = "crash"      # QEMU ended before the operations did
    elif rec["status"] == "incomplete" and rec["total_s"] is not None:
        rec["status"] = "ok" if rec["host_ms"] is not None else "no-smp-lines"
    elif rec["status"] == "incomplete":
        rec["status"] = "crash"      # QEMU ended before the marker
    rec.pop("idle_done", None)
    if idle and rec["status"] == "ok":
        rec["residency"] = idle.record(cfg, rec)
        if rec["residency"] is None:
            rec["status"] = "bad-snapshot"
    return rec


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def table(recs):
    head = ("run", "status", "host_ms", "guest_ms", "cpus", "total_s")
    rows = [(str(r["attempt"]), r["status"], fmt(r["host_ms"], ".1f"),
             fmt(r["guest_ms"], ".1f"), fmt(r["cpus_up"], "d"),
             fmt(r["total_s"], ".1f")) for r in recs]
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    for row in (head, *rows):
        print("  ".join(x.rjust(w) for x, w in zip(row, widths)))


def main():
    cfg = json.loads(sys.argv[1])
    # SIGTERM unwinds through the finally above, so QEMU never outlives us.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.makedirs(cfg["logdir"], exist_ok=True)
    print("bench-linux: %s, -smp %d, %s, %d run(s), timeout %d s%s"
          % (cfg["kver"], cfg["smp"],
             "lpj=%d" % cfg["lpj"] if cfg["lpj"] else "no lpj (calibrating)",
             cfg["runs"], cfg["timeout"],
             ", idle window %d s after %d s" % (cfg["idle"], cfg["settle"])
             if cfg["idle"] else ""), flush=True)
    recs = []
    good = crashes = attempt = 0
    while good < cfg["runs"]:
        attempt += 1
        rec = one_run(cfg, attempt)
        recs.append(rec)
        print("  run %d: %s host_ms=%s guest_ms=%s cpus=%s total_s=%s%s"
              % (attempt, rec["status"], fmt(rec["host_ms"], ".1f"),
                 fmt(rec["guest_ms"], ".1f"), fmt(rec["cpus_up"], "d"),
                 fmt(rec["total_s"], ".1f"),
                 "".join("  [%s]" % rec[k] for k in ("crash", "warning")
                         if k in rec)),
              flush=True)
        res = rec.get("residency")
        if res:
            per_s = [w * 1000.0 / res["window_ms"] for w in res["wakeups"]]
            print("         idle %.1f s (guest): local-timer interrupts/s per CPU "
                  "median %.2f max %.2f, all CPUs %.1f; idle median %.3f%% min %.3f%%"
                  % (res["window_ms"] / 1000.0, statistics.median(per_s), max(per_s),
                     sum(per_s), statistics.median(res["idle_pct"]),
                     min(res["idle_pct"])), flush=True)
        if rec["status"] == "ok":
            good += 1
        elif rec["status"] == "crash" and crashes < cfg["retries"]:
            crashes += 1             # retry: does not use up a run
        else:
            break                    # timeout, or out of retries
    print()
    table(recs)
    ok = [r["host_ms"] for r in recs if r["status"] == "ok"]
    if ok:
        print("median host_ms %.1f over %d run(s); %d crashed attempt(s)"
              % (statistics.median(ok), len(ok),
                 sum(r["status"] == "crash" for r in recs)))
    ops = [o for r in recs if r["status"] == "ok" for o in r.get("ops", [])]
    for op in ("offline", "online", "hotadd"):
        ms = [o["host_ms"] for o in ops if o["op"] == op and o["host_ms"] is not None
              and o["rc"] == 0]
        bad = sum(1 for o in ops if o["op"] == op and (o["host_ms"] is None or o["rc"] != 0))
        if ms or bad:
            print("%-7s host_ms median %.1f min %.1f max %.1f over %d; %d failed"
                  % (op, statistics.median(ms) if ms else float("nan"),
                     min(ms, default=float("nan")), max(ms, default=float("nan")),
                     len(ms), bad))
    for r in recs:
        res = r.pop("residency", None)
        if res:
            print("@report " + json.dumps(res, separators=(",", ":")))
    for r in recs:
        ops = r.pop("ops", [])
        print("@bench " + json.dumps(r, separators=(",", ":")))
        for o in ops:
            print("@bench " + json.dumps(o, separators=(",", ":")))
    sys.exit(0 if good == cfg["runs"] else 1)


main()
PY
}

main() {
	local kernel kver append cfg py smp_arg qmp_args

	parse_args "$@"
	ensure_packages
	kernel=$(find_kernel)
	[[ -r $kernel ]] || die "cannot read $kernel (run as root?)"
	kver=${kernel#/boot/vmlinuz-}
	if ! mkdir -p "$OUT/logs" 2>/dev/null || [[ ! -w $OUT || ! -w $OUT/logs ]]; then
		die "cannot write to $OUT"
	fi
	build_initramfs
	write_reader "$OUT/reader.py"

	smp_arg=$smp
	qmp_args=()
	if ((hotadd > 0)); then
		smp_arg="$smp,maxcpus=$((smp + hotadd))"
		qmp_args=(-qmp "unix:$OUT/qmp.sock,server=on,wait=off")
	fi
	append="console=ttyS0 panic=-1 oops=panic"
	[[ -z $lpj ]] || append+=" lpj=$lpj"
	[[ -z $extra ]] || append+=" $extra"
	# No -cpu: the default qemu64 model, as pullkern's run-qemu.sh uses.
	cfg=$(python3 -c 'import json, sys; a = sys.argv
print(json.dumps({"root": a[1], "logdir": a[2], "kver": a[3],
	"smp": int(a[4]), "runs": int(a[5]), "lpj": int(a[6]) if a[6] else None,
	"timeout": int(a[7]), "retries": int(a[8]), "ops": a[9] != "0 0",
	"qmp": a[10] or None, "qmp_client": a[11], "idle": int(a[12]),
	"settle": int(a[13]), "append": a[14], "qemu": a[15:]}))' \
		"$ROOT" "$OUT/logs" "$kver" "$smp" "$runs" "$lpj" "$timeout_s" \
		"$retries" "$hotplug $hotadd" "${qmp_args:+$OUT/qmp.sock}" \
		"$ROOT/tools/qmp.py" "$idle" "$settle" "$append" \
		"$QEMU" -accel tcg,thread=multi -smp "$smp_arg" -m 1024 -display none -monitor none \
		-serial stdio -no-reboot "${qmp_args[@]}" -kernel "$kernel" \
		-initrd "$OUT/initramfs.cpio" -append "$append")
	# A pyenv-style shim runs python3 as our child instead of replacing us;
	# exec the real interpreter, so a signal sent to us reaches it and it
	# can stop QEMU.
	py=$(python3 -c 'import sys; print(sys.executable)')
	exec "$py" "$OUT/reader.py" "$cfg"
}

main "$@"
