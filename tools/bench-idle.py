#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench-idle.py: what the timer migration hierarchy buys an idle machine.

Theory: the kernel's `idle` scenario (kernel/scenarios/idle.c) arms the
same seeded timers on every CPU and lets the machine idle for a window.
It reports, per run, the wake-ups of every CPU by cause, the residency in
HLT, the lower bound of wake-ups for the timers it ran, and the average
cost of an idle entry and exit in TSC cycles.  This tool boots the
scenario for two workloads, each with tmigr=on and tmigr=off, same seed,
same -smp, in one invocation:

  idle_pinned=0  only global timers: the hierarchy at its best (one CPU
                 can run them all)
  idle_pinned=1  the scenario's default: also a pinned timer on about half
                 the CPUs, which each of them must wake for itself; the
                 hard case, where duty wake-ups can fall on jiffies at
                 which some CPU wakes anyway

and prints, per workload, the wake-ups, the bound, the ratios on/bound and
off/on, the wake-ups by cause, the per-CPU distribution and the
residency; then the entry/exit costs at 8 and at the chosen -smp with the
hierarchy on.  --seeds runs all of it for several seeds.

  wakeups_lower_bound  distinct (CPU, jiffy) pairs at which pinned timers
                       ran, plus distinct jiffies at which global timers
                       ran and no pinned one did: what any design pays
                       (the scenario's theory comment says under which
                       assumptions)
  distinct_instants    the older limit (pinned pairs in 8-jiffy granules)
  wakeups_total        HLT ends in the window (the scenario's own start/end
                       IPIs excluded)
  causes               own_pinned, own_global, duty_ran, duty_empty, tick,
                       early, stale, ipi_wake, ipi_call, vector, unnamed
                       (kernel/idle.h)
  duplicate duty       duty wake-ups in a jiffy another CPU woke for too,
                       and jiffies with a duty wake-up in which a pinned
                       timer ran (what the hierarchy could have spared)
  residency            HLT cycles / window cycles, per CPU, own TSC.

Figures are measurements under TCG on this host, not verdicts: nothing
here passes or fails on a number.  Each run is one `@bench {json}` line
(kind bench_idle, with the workload, the per-CPU wake-ups and causes), each
workload's comparison one more (kind bench_idle_ratio).

Usage: tools/bench-idle.py [--smp N] [--seconds S] [--seed S | --seeds S,S]
                           [--pinned N]
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import report  # noqa: E402  (tools/report.py)

CAUSES = ("own_pinned", "own_global", "duty_ran", "duty_empty", "tick", "early",
          "stale", "ipi_wake", "ipi_call", "vector", "unnamed")


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
        sys.stderr.write("bench-idle: -smp %d idle_pinned=%d tmigr=%s seed %d did not pass (exit %d)\n" %
                         (smp, pinned, tmigr, seed, proc.returncode))
        return None
    return idle, cpus


def distribution(wakeups):
    """CPUs by number of wake-ups: 0, 1-10, 11-100, more."""
    bins = [0, 0, 0, 0]
    for w in wakeups:
        bins[0 if w == 0 else 1 if w <= 10 else 2 if w <= 100 else 3] += 1
    return bins


def ratio(a, b):
    return a / b if b else float("nan")


def row(name, idle, cpus):
    d = distribution(cpus["wakeups"])
    print("  %-10s %8d %6d %9d %8.2f %7d %6d %6d %6d %6d %8s %8s %6d" % (
        name, idle["wakeups_total"], idle["wakeups_lower_bound"],
        idle["distinct_instants"], ratio(idle["wakeups_total"], idle["wakeups_lower_bound"]),
        idle["wakeups_max_cpu"], d[0], d[1], d[2], d[3],
        idle["residency_min_pct"], idle["residency_median_pct"],
        idle["cpus_at_99_9_pct"]))


def causes_line(name, idle):
    by = idle["wakeups_by_cause"]
    parts = ["%s %d" % (c, by.get(c, 0)) for c in CAUSES if by.get(c, 0)]
    print("  %-10s %s" % (name, ", ".join(parts) if parts else "none"))
    extra = []
    if by.get("early"):
        extra.append("early by %d us in all, by log2 us from <2: %s" % (
            idle["early_ns_sum"] // 1000, idle.get("early_us_log2", [])))
    if idle.get("wakeups_by_vector"):
        extra.append("vectors %s" % idle["wakeups_by_vector"])
    if extra:
        print("  %-10s %s" % ("", "; ".join(extra)))


def workload(a, seed, pinned):
    """Both tmigr settings of one workload; returns the tmigr=on run or None."""
    res = {}
    for tmigr in ("on", "off"):
        r = run(a.smp, a.seconds, seed, pinned, tmigr)
        if r is None:
            return None
        res[tmigr] = r
        print("@bench " + json.dumps(dict(r[0], kind="bench_idle", smp=a.smp,
                                          workload="idle_pinned=%d" % pinned,
                                          per_cpu_wakeups=r[1]["wakeups"],
                                          per_cpu_by_cause=r[1].get("by_cause", {}))))
    on, off = res["on"][0], res["off"][0]
    print()
    print("idle scenario, idle_pinned=%d, -smp %d, %d ms, seed %d, %d global timers per CPU" % (
        pinned, on["cpus"], on["window_ms"], on["seed"], on["idle_globals"]))
    print("  %-10s %8s %6s %9s %8s %7s %6s %6s %6s %6s %8s %8s %6s" % (
        "", "wakeups", "bound", "instants", "w/bound", "maxcpu", "cpus:0", "1-10",
        "11-100", ">100", "res_min", "res_med", ">=99.9"))
    row("tmigr=on", *res["on"])
    row("tmigr=off", *res["off"])
    print("  ratios: on/bound %.2f, off/bound %.2f, off/on %.1fx; bound = %d pinned (CPU, jiffy) + %d uncovered global jiffies" % (
        ratio(on["wakeups_total"], on["wakeups_lower_bound"]),
        ratio(off["wakeups_total"], off["wakeups_lower_bound"]),
        ratio(off["wakeups_total"], on["wakeups_total"]),
        on["bound_pinned_pairs"], on["bound_global_uncovered"]))
    print("  lateness max: on %d us, off %d us; unnamed wake-ups: on %s%%, off %s%%" % (
        on["max_late_us"], off["max_late_us"], on["unnamed_pct"], off["unnamed_pct"]))
    print("  duplicate duty wake-ups, tmigr=on: %d in a jiffy another CPU woke for too, %d in jiffies with a pinned wake-up" % (
        on.get("duty_same_jiffy", 0), on.get("duty_jiffies_pinned", 0)))
    print("  causes:")
    causes_line("tmigr=on", on)
    causes_line("tmigr=off", off)
    print("  per-CPU wake-ups, tmigr=on:  %s" % res["on"][1]["wakeups"])
    print("  per-CPU wake-ups, tmigr=off: %s" % res["off"][1]["wakeups"])
    print("  pinned timers per CPU:       %s" % res["on"][1]["pinned_timers"])
    by = res["on"][1].get("by_cause", {})
    for c in ("duty_ran", "duty_empty"):
        if c in by and any(by[c]):
            print("  per-CPU %-10s tmigr=on: %s" % (c, by[c]))
    print("@bench " + json.dumps({
        "kind": "bench_idle_ratio", "smp": a.smp, "seed": seed,
        "workload": "idle_pinned=%d" % pinned, "window_ms": on["window_ms"],
        "wakeups_on": on["wakeups_total"], "wakeups_off": off["wakeups_total"],
        "lower_bound": on["wakeups_lower_bound"], "lower_bound_off": off["wakeups_lower_bound"],
        "on_per_bound": round(ratio(on["wakeups_total"], on["wakeups_lower_bound"]), 3),
        "off_per_on": round(ratio(off["wakeups_total"], on["wakeups_total"]), 2),
        "causes_on": on["wakeups_by_cause"], "causes_off": off["wakeups_by_cause"]}))
    print()
    return res["on"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smp", type=int, default=64)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", default=None,
                    help="comma-separated seeds, each run in full (overrides --seed)")
    ap.add_argument("--pinned", type=int, default=1,
                    help="pinned timers per CPU of the second workload (default 1)")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")] if a.seeds else [a.seed]

    on_runs = {}
    for seed in seeds:
        for pinned in (0, a.pinned):
            r = workload(a, seed, pinned)
            if r is None:
                return 1
            on_runs[(seed, pinned)] = r

    print("idle entry / exit cost with the hierarchy, TSC cycles under TCG: mean over all,")
    print("and median over CPUs of each CPU's mean (a vCPU the host descheduled inflates the mean);")
    print("workload idle_pinned=%d, seed %d" % (a.pinned, seeds[0]))
    print("  %-6s %12s %12s %14s %14s" % ("cpus", "entry mean", "exit mean", "entry median", "exit median"))
    for smp in sorted({8, a.smp}):
        r = on_runs[(seeds[0], a.pinned)] if smp == a.smp else run(smp, 2, seeds[0], a.pinned, "on")
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
