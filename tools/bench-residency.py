#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench-residency.py: idle wake-ups and residency, Linux 6.1 and 6.12 beside pullkern.

Theory: the figure an idle kernel is judged by is how often it wakes CPUs
that have nothing to do, and the share of time they stay idle.  This tool
measures both on the same QEMU machine (TCG, multi-threaded, default pc
machine and qemu64 CPU, the same -smp and memory) for four kernels, one
boot each:

  Linux 6.1    Debian's linux-image 6.1 (timers stay on the CPU that armed
               them), booted by tools/bench-linux.sh --idle: a busybox
               /init waits --settle seconds after boot, then snapshots
               /proc/interrupts and /proc/stat, sleeps the window,
               snapshots again.  Wake-ups are the local-timer interrupts
               (the LOC row) per CPU over the window; residency is idle
               plus iowait time over all time of each CPU (/proc/stat,
               USER_HZ ticks); the window is the guest's /proc/uptime
               difference.  Its linux_residency record is what we read.
  Linux 6.12   the same with Debian's 6.12 (pull-model timer migration).
  pullkern tmigr=off / tmigr=on
               run-qemu.sh `scenario=idle seconds=S` (the scenario's
               default timer load, as `make run`: global timers on every
               CPU and pinned ones on some, README option table), read by
               tools/residency from its residency records (or, from a
               kernel without them, the idle scenario's own records).
  pullkern quiet
               the same with `idle_globals=0 idle_pinned=0`: nothing armed,
               the kernel's own wake-ups only, closest to Linux idling with
               nothing to do (--no-quiet leaves it out).

The table is tools/residency --compare on the logs: wake-ups per CPU
per second (median, max), in all, residency (median, min), AP bring-up
(Linux: host time between its bring-up lines, lpj preset; pullkern: its
own smp record, guest TSC, which runs at the host's rate under TCG), and
the wake-ups pullkern's measurement caused.  The logs and the comparison
PNG stay in build/bench-residency/; nothing from Linux goes into the
repository.  A kernel that could not be booted (not installed and not
installable, crashed every retry) is left out with the reason.

The figures are measurements, never verdicts: the run fails only when a
part could not be measured.  The aim of issue 13 (pullkern tmigr=on at
least ten times fewer wake-ups per idle CPU per second than Linux 6.12)
is printed as a ratio of the per-CPU medians, for tmigr=on with the
scenario's timers and for the quiet run.  Under TCG the guests share
the host's cores with everything else that runs: load1 is printed.

A 64-CPU Linux boot takes minutes here; --smp 8 --seconds 5 is the quick
check while developing.

Usage: tools/bench-residency.py [--smp N] [--seconds S] [--settle S]
       [--mem MIB] [--kernels 6.1,6.12] [--no-linux] [--append ARGS]
       [--linux-append ARGS] [--png FILE]
Exit status: 0 every part measured, 1 some part not, 2 bad usage.
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "bench-residency")
TOOL = os.path.join(ROOT, "tools", "residency")
# The idle scenario with none of its own timers armed.
QUIET = ["idle_globals=0", "idle_pinned=0"]


def shown(path):
    """A path under the repository relative to it, any other as it is."""
    rel = os.path.relpath(path, ROOT)
    return path if rel.startswith("..") else rel


def load1():
    return round(os.getloadavg()[0], 1)


def run_logged(cmd, log, what):
    """Run cmd with its output into log; say what happens on stderr."""
    sys.stderr.write("bench-residency: %s (load1 %s): %s\n"
                     % (what, load1(), " ".join(cmd)))
    with open(log, "w") as f:
        proc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=ROOT,
                              check=False)
    return proc.returncode


def has_record(log, kind):
    needle = '"kind":"%s"' % kind
    with open(log, encoding="utf-8", errors="replace") as f:
        return any("@report " in line and needle in line.replace(" ", "") for line in f)


def linux(a, series):
    log = os.path.join(OUT, "linux-%s.log" % series)
    cmd = [os.path.join(ROOT, "tools", "bench-linux.sh"), "--smp", str(a.smp),
           "--runs", "1", "--idle", str(a.seconds), "--settle", str(a.settle),
           "--kernel", series, "--timeout", str(a.timeout)]
    if a.linux_append:
        cmd += ["--append", a.linux_append]
    rc = run_logged(cmd, log, "Linux %s" % series)
    if has_record(log, "linux_residency"):
        return log, None
    with open(log, encoding="utf-8", errors="replace") as f:
        tail = [l.strip() for l in f if l.strip()][-1:] or ["no output"]
    return None, "exit %d: %s" % (rc, tail[0][:160])


def pullkern(a, tmigr, quiet=False):
    name = "pullkern-quiet" if quiet else "pullkern-tmigr-%s" % tmigr
    log = os.path.join(OUT, name + ".log")
    cmdline = ["scenario=idle", "seconds=%d" % a.seconds, "tmigr=%s" % tmigr]
    if quiet:
        cmdline += QUIET
    cmdline += a.append.split()
    cmd = [os.path.join(ROOT, "run-qemu.sh"), "--no-build", "--smp", str(a.smp),
           "--mem", str(a.mem), "--timeout", str(a.timeout), "--"] + cmdline
    rc = run_logged(cmd, log, "pullkern quiet" if quiet else "pullkern tmigr=" + tmigr)
    if rc == 0 and (has_record(log, "residency") or has_record(log, "idle_cpus")):
        return log, None
    return None, "run-qemu.sh exit %d (see %s)" % (rc, os.path.relpath(log, ROOT))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smp", type=int, default=64)
    ap.add_argument("--seconds", type=int, default=20, help="idle window (default 20)")
    ap.add_argument("--settle", type=int, default=5,
                    help="Linux: seconds after boot before the window (default 5)")
    ap.add_argument("--mem", type=int, default=1024,
                    help="MiB for every guest (bench-linux.sh's; default 1024)")
    ap.add_argument("--kernels", default="6.1,6.12", help="Linux series, comma-separated")
    ap.add_argument("--no-linux", action="store_true")
    ap.add_argument("--no-quiet", action="store_true",
                    help="leave out the pullkern run with no scenario timers")
    ap.add_argument("--append", default="", help="more pullkern command line words")
    ap.add_argument("--linux-append", default="", help="more Linux command line words")
    ap.add_argument("--timeout", type=int, default=900, help="per boot, seconds")
    ap.add_argument("--png", help="comparison plot (default build/bench-residency/compare.png)")
    a = ap.parse_args()
    if not 1 <= a.smp <= 255 or not 1 <= a.seconds <= 3600:
        ap.error("--smp 1..255 (the pc machine's limit), --seconds 1..3600")
    if a.mem != 1024:
        sys.stderr.write("bench-residency: note: Linux boots with bench-linux.sh's "
                         "1024 MiB; pullkern with --mem %d\n" % a.mem)
    os.makedirs(OUT, exist_ok=True)
    png = a.png or os.path.join(OUT, "compare.png")

    runs, missing = [], []
    if not a.no_linux:
        for series in [s for s in a.kernels.split(",") if s]:
            log, why = linux(a, series)
            (runs.append((log, "Linux " + series)) if log
             else missing.append(("Linux " + series, why)))
    for tmigr in ("off", "on"):
        log, why = pullkern(a, tmigr)
        (runs.append((log, "pullkern tmigr=" + tmigr)) if log
         else missing.append(("pullkern tmigr=" + tmigr, why)))
    if not a.no_quiet:
        log, why = pullkern(a, "on", quiet=True)
        (runs.append((log, "pullkern quiet")) if log
         else missing.append(("pullkern quiet", why)))

    print("idle residency, -smp %d, TCG, %d s window, load1 %s now"
          % (a.smp, a.seconds, load1()))
    for label, why in missing:
        print("not measured: %s (%s)" % (label, why))
    if len(runs) < 2:
        print("fewer than two runs measured: no table")
        return 1
    logs = [l for l, _ in runs]
    labels = ",".join(n for _, n in runs)
    sys.stdout.flush()
    rc = subprocess.run([TOOL, "--compare"] + logs + ["--labels", labels, "--png", png],
                        cwd=ROOT, check=False).returncode
    doc = json.loads(subprocess.run([TOOL, "--compare"] + logs + ["--labels", labels,
                                                                 "--json"],
                                    cwd=ROOT, check=False, capture_output=True,
                                    text=True).stdout or '{"compare":[]}')["compare"]
    by = {d["label"]: d for d in doc}
    ref = by.get("Linux 6.12", {}).get("wakeups_per_cpu_s_median")
    for label in ("pullkern tmigr=on", "pullkern quiet"):
        ours = by.get(label, {}).get("wakeups_per_cpu_s_median")
        if ours is not None and ref is not None:
            print("aim: Linux 6.12 / %s wake-ups per CPU per second (medians): "
                  "%s (aim: 10 or more)"
                  % (label, "%.1f" % (ref / ours) if ours else
                     "no ratio (pullkern's median is 0)"))
    for d in doc:
        rec = dict({"kind": "bench_residency", "smp": a.smp, "seconds": a.seconds},
                   **d)
        rec["log"] = os.path.relpath(rec["log"], ROOT)
        print("@bench " + json.dumps(rec, separators=(",", ":")))
    print("logs: %s; plot: %s" % (shown(OUT), shown(png) if rc == 0 else
                                  "not written (tools/residency exit %d)" % rc))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
