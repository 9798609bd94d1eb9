#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench-idle.py: what the timer migration hierarchy buys an idle machine.

Theory: the kernel's `idle` scenario (kernel/scenarios/idle.c) arms the
same seeded timers on every CPU and lets the machine idle for a window.
It reports, per run, the wake-ups of every CPU by cause, the residency in
HLT, the number of distinct instants at which timers ran (the fewest
wake-ups any design could need: one per instant) and the average cost of
an idle entry and exit in TSC cycles.  This tool boots the same scenario
with tmigr=on and tmigr=off, same seed, same -smp, in one invocation and
prints them side by side with the ratios; then the entry/exit costs at 8
and at the chosen -smp with the hierarchy on.

  distinct instants  jiffies at which global timers ran, plus (CPU, jiffy)
                     pairs of pinned ones.  One wake-up can run callbacks
                     across a jiffy boundary, so this is an upper bound of
                     the true number of expiry instants.
  wakeups_total      HLT ends in the window (the scenario's own start/end
                     IPIs excluded).
  residency          HLT cycles / window cycles, per CPU, own TSC.

The idle_pinned=0 workload (only global timers, as in the issue's aim) is
the default; --pinned N adds N pinned timers on about half the CPUs, which
every design must wake for.  Figures are measurements under TCG on this
host, not verdicts: nothing here passes or fails on a number.  Each
configuration is one `@bench {json}` line as well as a table row.

Usage: tools/bench-idle.py [--smp N] [--seconds S] [--seed S] [--pinned N]
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import report  # noqa: E402  (tools/report.py)


def run(smp, seconds, seed, pinned, tmigr):
    cmd = ["scenario=idle", "seconds=%d" % seconds, "seed=%d" % seed,
           "idle_pinned=%d" % pinned, "tmigr=%s" % tmigr]
    args = [os.path.join(ROOT, "run-qemu.sh"), "--no-build", "--bios",
            "--smp", str(smp), "--timeout", "900", "--"] + cmd
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          cwd=ROOT, check=False)
    log = report.Log("run", proc.stdout.decode("utf-8", "replace"))
    idle, cpus = log.last("idle"), log.last("idle_cpus")
    if proc.returncode != 0 or idle is None or cpus is None:
        sys.stderr.write("bench-idle: -smp %d tmigr=%s did not pass (exit %d)\n" %
                         (smp, tmigr, proc.returncode))
        return None
    return idle, cpus


def distribution(wakeups):
    """CPUs by number of wake-ups: 0, 1-10, 11-100, more."""
    bins = [0, 0, 0, 0]
    for w in wakeups:
        bins[0 if w == 0 else 1 if w <= 10 else 2 if w <= 100 else 3] += 1
    return bins


def row(name, idle, cpus):
    d = distribution(cpus["wakeups"])
    print("  %-10s %8d %9d %8.2f %7d %6d %6d %6d %6d %8s %8s %6d" % (
        name, idle["wakeups_total"], idle["distinct_instants"],
        idle["wakeups_total"] / max(1, idle["distinct_instants"]),
        idle["wakeups_max_cpu"], d[0], d[1], d[2], d[3],
        idle["residency_min_pct"], idle["residency_median_pct"],
        idle["cpus_at_99_9_pct"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smp", type=int, default=64)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pinned", type=int, default=0)
    a = ap.parse_args()

    res = {}
    for tmigr in ("on", "off"):
        r = run(a.smp, a.seconds, a.seed, a.pinned, tmigr)
        if r is None:
            return 1
        res[tmigr] = r
        print("@bench " + json.dumps(dict(r[0], kind="bench_idle", smp=a.smp,
                                          per_cpu_wakeups=r[1]["wakeups"])))
    print()
    on = res["on"][0]
    print("idle scenario, -smp %d, %d ms, seed %d, %d global timers per CPU, idle_pinned=%d" % (
        on["cpus"], on["window_ms"], on["seed"], on["idle_globals"], on["idle_pinned"]))
    print("  %-10s %8s %9s %8s %7s %6s %6s %6s %6s %8s %8s %6s" % (
        "", "wakeups", "instants", "w/inst", "maxcpu", "cpus:0", "1-10",
        "11-100", ">100", "res_min", "res_med", ">=99.9"))
    row("tmigr=on", *res["on"])
    row("tmigr=off", *res["off"])
    off = res["off"][0]
    print("  ratio off/on wake-ups: %.1fx; on: %.1f%% of the distinct instants" % (
        off["wakeups_total"] / max(1, on["wakeups_total"]),
        100.0 * on["wakeups_total"] / max(1, on["distinct_instants"])))
    print("  per-CPU wake-ups, tmigr=on:  %s" % res["on"][1]["wakeups"])
    print("  per-CPU wake-ups, tmigr=off: %s" % res["off"][1]["wakeups"])

    print()
    print("idle entry / exit cost with the hierarchy, TSC cycles under TCG: mean over all,")
    print("and median over CPUs of each CPU's mean (a vCPU the host descheduled inflates the mean)")
    print("  %-6s %12s %12s %14s %14s" % ("cpus", "entry mean", "exit mean", "entry median", "exit median"))
    for smp in sorted({8, a.smp}):
        r = res["on"] if smp == a.smp else run(smp, 2, a.seed, a.pinned, "on")
        if r is None:
            return 1
        i = r[0]
        print("  %-6d %12d %12d %14d %14d" % (smp, i["idle_entry_cycles"], i["idle_exit_cycles"],
                                             i["idle_entry_cycles_median_cpu"],
                                             i["idle_exit_cycles_median_cpu"]))
        print("@bench " + json.dumps({"kind": "bench_idle_cost", "smp": smp,
                                      "entry_cycles": i["idle_entry_cycles"],
                                      "exit_cycles": i["idle_exit_cycles"],
                                      "entry_cycles_median_cpu": i["idle_entry_cycles_median_cpu"],
                                      "exit_cycles_median_cpu": i["idle_exit_cycles_median_cpu"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
