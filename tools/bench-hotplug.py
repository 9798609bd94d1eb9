#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench-hotplug.py: how long a CPU takes to park, unpark and hot-add, beside Linux.

Theory: kernel/cpuhp.c prints a record for every completed operation,
`cpu_parked` and `cpu_online` (how hotadd or unpark), with its latency in
microseconds on the guest TSC, from the request to the CPU parked or
online (docs/cpus.md §7.5-§7.8).  This tool boots six configurations in
one invocation, each --runs times, and collects those records:

  scenario  `scenario=hotplug maxcpus=8` at -smp 64 (docs/hotplug-
            scenario.md): every online CPU churns timers and idles while
            the BSP hot-adds the 56 absent CPUs and parks and unparks
            random ones at random moments.  This is the hard case, and
            why we take it rather than test=cpuhp (which parks each AP of
            a quiet machine once): the operations meet busy CPUs, a park
            has live timers to move, and the first hot-add past CPU 7
            grows the hierarchy by a level and a new root while the
            others churn.  Many samples per run.  The run's own
            `hotplug` record gives parked_irqs (interrupts taken by
            parked CPUs) and is cross-checked against our medians.
  device_add  `test=acpi_hotadd` at -smp 64 with 8 empty slots
            (run-qemu.sh --maxcpus 72 --hotadd 8@1): QEMU plugs 8 CPUs
            one after the other through QMP; tools/qmp-hotadd.py prints,
            per CPU, the host time from sending device_add to seeing the
            kernel's cpu_online record on the console: QMP, ACPI event,
            SCI, the hot-add and the serial line included (its log poll
            adds up to ~20 ms).  The cpu_online records of those CPUs
            (source acpi) give the kernel's own part on the guest TSC.
  quiet     `test=cpuhp` at -smp 64: every AP of an otherwise idle
            machine parks with timers pending and unparks once.  The
            flattering case, printed beside the hard one because the
            verdict on the aims changes with it.
  floor     `test=wake_latency` at -smp 64, in the same boot as nothing
            else: the BSP hands each halted AP a work item that only
            stamps the clock and kicks it back, and sleeps until then, as
            cpuhp waits for an answer.  Its one-way figure (request to the
            target running) is the least an unpark can take to the CPU's
            own answer (us_done), its round trip the least any `us` can
            take: under TCG each is the host waking a vCPU thread, which
            no kernel code can shorten (docs/cpus.md §7.8).
  bochs     `test=cpuhp maxcpus=2` in Bochs with 4 CPUs (tools/run-bochs.sh):
            Bochs runs its CPUs in turn on a virtual clock, so a halted
            CPU that gets an interrupt runs on its next turn and the
            latencies there are the kernel's own path in emulated
            instructions, without a host thread's wake-up (on a CPU model
            with x2APIC and TSC-deadline, as most current machines).
            --no-bochs leaves it out; without Bochs installed it is "not
            measured".
  linux     tools/bench-linux.sh --smp 64 --hotplug K --hotadd 2: Debian's
            Linux on the same QEMU machine (TCG, pc, qemu64) times, from
            its initramfs, `echo 0` then `echo 1` to
            /sys/devices/system/cpu/cpuN/online for N = 1..K, and two
            hot-adds: QMP device_add into -smp 64,maxcpus=66, then `echo
            1` to the new CPU.  Host clock, each line stamped as it
            arrives (guest /proc/uptime beside it).

Pairs compared, "ratio" = our median / Linux's median:
  park    cpu_parked us          vs  Linux offline (echo 0)
  unpark  cpu_online unpark us   vs  Linux online again (echo 1)
  hot-add cpu_online hotadd us   vs  Linux online of a hot-added CPU
          (scenario, guest TSC)      (echo 1 after its sysfs file appeared)
  device_add -> online, host     vs  Linux device_add -> online done, host

Guest TSC under TCG runs at the host's rate, so guest us and host ms are
the same clock up to the console's latency; both kernels share the host's
2 cores with whatever else runs (load1 is printed per run).  Figures are
measurements, not verdicts: nothing here passes or fails on a number, but
a run that does not pass (pullkern's summary, or a Linux crash) is said
and its figures left out.  A part Linux could not do is printed as "not
measured" with the reason, never as a number.

Output: an aligned table, then one `@bench {json}` line per configuration
(kind bench_hotplug, config scenario | device_add | linux) and one with
the comparison (kind bench_hotplug_ratio).

Usage: tools/bench-hotplug.py [--runs N] [--smp N] [--maxcpus N]
                              [--seconds S] [--linux-cpus K] [--no-linux]
                              [--no-bochs]
                              [--append ARGS]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import report  # noqa: E402  (tools/report.py)

QMP_RE = re.compile(r"qmp-hotadd: .* online ([0-9.]+) ms after device_add")
BENCH = "@bench "


def run_qemu(args, cmdline, timeout=900):
    cmd = [os.path.join(ROOT, "run-qemu.sh"), "--no-build", "--bios",
           "--timeout", str(timeout)] + args + ["--"] + cmdline
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          cwd=ROOT, check=False)
    text = proc.stdout.decode("utf-8", "replace")
    log = report.Log("run", text)
    summary = log.last("summary")
    ok = proc.returncode == 0 and summary is not None and summary.get("result") == "pass"
    if not ok:
        sys.stderr.write("bench-hotplug: %s %s did not pass (exit %d)\n"
                         % (" ".join(args), " ".join(cmdline), proc.returncode))
    return ok, log, text


def stats(xs):
    """median, max, min, n, or Nones."""
    if not xs:
        return {"median": None, "max": None, "min": None, "n": 0}
    return {"median": round(statistics.median(xs), 1), "max": max(xs), "min": min(xs),
            "n": len(xs)}


def load1():
    """The host's 1-minute load as a run starts: the vCPUs share its cores."""
    return round(os.getloadavg()[0], 1)


def scenario(a, extra):
    """Per-operation latencies (us) over --runs boots of scenario=hotplug."""
    park, unpark, hotadd, irqs, runs, levels = [], [], [], 0, 0, set()
    park_done, unpark_done = [], []	# to the CPU's own answer (us_done)
    for i in range(a.runs):
        seed = a.seed + i
        load = load1()
        ok, log, _ = run_qemu(["--smp", str(a.smp)],
                              ["scenario=hotplug", "maxcpus=%d" % a.maxcpus,
                               "seconds=%d" % a.seconds, "seed=%d" % seed] + extra)
        hp = log.last("hotplug")
        if not ok or hp is None:
            continue
        runs += 1
        p = [r["us"] for r in log.of_kind("cpu_parked")]
        u = [r["us"] for r in log.of_kind("cpu_online") if r.get("how") == "unpark"]
        h = [r["us"] for r in log.of_kind("cpu_online") if r.get("how") == "hotadd"]
        irqs += hp["parked_irqs"]
        levels.add((hp["levels_before"], hp["levels"]))
        print("  scenario seed %d, load1 %.1f: %d parks (median %s us), %d unparks (%s us), %d hot-adds (%s us), "
              "parked_irqs %d; the kernel's own medians %d/%d/%d us"
              % (seed, load, len(p), fmt(stats(p)["median"]), len(u), fmt(stats(u)["median"]),
                 len(h), fmt(stats(h)["median"]), hp["parked_irqs"],
                 hp["park_us_median"], hp["unpark_us_median"], hp["hotadd_us_median"]),
              flush=True)
        park += p
        unpark += u
        hotadd += h
        park_done += [r.get("us_done", 0) for r in log.of_kind("cpu_parked")]
        unpark_done += [r.get("us_done", 0) for r in log.of_kind("cpu_online")
                        if r.get("how") == "unpark"]
    return {"runs": runs, "park_us": stats(park), "unpark_us": stats(unpark),
            "hotadd_us": stats(hotadd), "parked_irqs": irqs if runs else None,
            "park_done_us": stats(park_done), "unpark_done_us": stats(unpark_done),
            "levels": sorted(levels)}


def quiet(a, extra):
    """test=cpuhp (quiet park/unpark) and test=wake_latency (the floor), --runs each."""
    park, unpark, park_done, unpark_done, runs = [], [], [], [], 0
    one_way, round_trip, fruns, bounds = [], [], 0, []
    for _ in range(a.runs):
        load = load1()
        ok, log, _ = run_qemu(["--smp", str(a.smp)], ["test=cpuhp"] + extra)
        if ok:
            runs += 1
            p = log.of_kind("cpu_parked")
            u = [r for r in log.of_kind("cpu_online") if r.get("how") == "unpark"]
            park += [r["us"] for r in p]
            unpark += [r["us"] for r in u]
            park_done += [r["us_done"] for r in p]
            unpark_done += [r["us_done"] for r in u]
            print("  quiet, load1 %.1f: %d parks (median %s us, us_done %s), %d unparks (%s us, us_done %s)"
                  % (load, len(p), fmt(stats([r["us"] for r in p])["median"]),
                     fmt(stats([r["us_done"] for r in p])["median"]), len(u),
                     fmt(stats([r["us"] for r in u])["median"]),
                     fmt(stats([r["us_done"] for r in u])["median"])), flush=True)
        load = load1()
        ok, log, _ = run_qemu(["--smp", str(a.smp)], ["test=wake_latency"] + extra)
        wl = log.last("wake_latency")
        if ok and wl is not None:
            fruns += 1
            one_way.append(wl["one_way_us_median"])
            clock = log.last("clock")
            if clock is not None:
                bounds.append(clock["error_bound_ns"] / 1000.0)
            round_trip.append(wl["round_trip_us_median"])
            print("  floor, load1 %.1f: %d probes, one way median %d us, round trip median %d us"
                  % (load, wl["probes"], wl["one_way_us_median"], wl["round_trip_us_median"]),
                  flush=True)
    return {"runs": runs, "park_us": stats(park), "unpark_us": stats(unpark),
            "park_done_us": stats(park_done), "unpark_done_us": stats(unpark_done),
            "floor_runs": fruns, "one_way_us_median": stats(one_way)["median"],
            "round_trip_us_median": stats(round_trip)["median"],
            "clock_error_bound_us_max": max(bounds) if bounds else None}


def bochs(a, extra):
    """test=cpuhp maxcpus=2 in Bochs, 4 CPUs, once (about two minutes)."""
    if a.no_bochs:
        return {"why": "--no-bochs"}
    cmd = [os.path.join(ROOT, "tools", "run-bochs.sh"), "--smp", "4", "--timeout", "900",
           "--", "test=cpuhp", "maxcpus=2"] + extra
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          cwd=ROOT, check=False)
    text = proc.stdout.decode("utf-8", "replace")
    log = report.Log("bochs", text)
    summary = log.last("summary")
    if proc.returncode != 0 or summary is None or summary.get("result") != "pass":
        last = text.strip().splitlines()[-1:] or ["no output"]
        return {"why": "the Bochs run did not pass (exit %d: %s)" % (proc.returncode, last[0][:120])}
    p = log.of_kind("cpu_parked")
    u = [r for r in log.of_kind("cpu_online") if r.get("how") == "unpark"]
    h = [r for r in log.of_kind("cpu_online") if r.get("how") == "hotadd"]
    print("  bochs: %d parks, %d unparks, %d hot-adds" % (len(p), len(u), len(h)), flush=True)
    return {"runs": 1, "park_us": stats([r["us"] for r in p]),
            "unpark_us": stats([r["us"] for r in u]), "hotadd_us": stats([r["us"] for r in h]),
            "park_done_us": stats([r["us_done"] for r in p]),
            "unpark_done_us": stats([r["us_done"] for r in u])}


def device_add(a, extra):
    host_ms, guest_us, runs = [], [], 0
    slots = a.maxcpus_qmp
    for _ in range(a.runs):
        load = load1()
        ok, log, text = run_qemu(["--smp", str(a.smp), "--maxcpus", str(a.smp + slots),
                                  "--hotadd", "%d@1" % slots],
                                 ["test=acpi_hotadd", "hotadd_cpus=%d" % slots,
                                  "hotadd_wait_s=120"] + extra)
        if not ok:
            continue
        runs += 1
        h = [float(m.group(1)) for m in QMP_RE.finditer(text)]
        g = [r["us"] for r in log.of_kind("cpu_online") if r.get("source") == "acpi"]
        print("  device_add, load1 %.1f: %d CPUs, host ms %s; kernel's part (guest us) %s"
              % (load, len(h), [round(x, 1) for x in h], g), flush=True)
        host_ms += h
        guest_us += g
    return {"runs": runs, "slots": slots, "host_ms": stats(host_ms),
            "kernel_us": stats(guest_us)}


def linux(a):
    if a.no_linux:
        return {"why": "--no-linux"}
    cmd = [os.path.join(ROOT, "tools", "bench-linux.sh"), "--smp", str(a.smp),
           "--runs", str(a.runs), "--hotplug", str(a.linux_cpus), "--hotadd", "2",
           "--timeout", "900"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          cwd=ROOT, check=False)
    text = proc.stdout.decode("utf-8", "replace")
    recs = []
    for line in text.splitlines():
        pos = line.find(BENCH)
        if pos >= 0:
            try:
                recs.append(json.loads(line[pos + len(BENCH):]))
            except ValueError:
                pass
    boots = [r for r in recs if r.get("kind") == "linux_bringup"]
    good = {r["attempt"] for r in boots if r.get("status") == "ok"}
    ops = [r for r in recs if r.get("kind") == "linux_hotplug" and r["attempt"] in good]
    if not good:
        last = text.strip().splitlines()[-1:] or ["no output"]
        return {"why": "no Linux run completed (bench-linux.sh exit %d: %s)"
                       % (proc.returncode, last[0][:120])}
    kernel = boots[0].get("kernel")

    def ms(op, key="host_ms", sub=None):
        xs = []
        for o in ops:
            if o["op"] != op or o.get("rc") != 0 or o.get(key) is None:
                continue
            if sub:
                if o.get(sub) is None:
                    continue
                xs.append(round(o[key] - o[sub], 1))
            else:
                xs.append(o[key])
        return stats(xs)

    failed = sum(1 for o in ops if o.get("rc") != 0 or o.get("host_ms") is None)
    for b in boots:
        print("  linux attempt %d: %s, load1 %s" % (b["attempt"], b["status"], b.get("load1")))
    return {"kernel": kernel, "runs": len(good), "failed_ops": failed,
            "offline_ms": ms("offline"), "online_ms": ms("online"),
            "hotadd_ms": ms("hotadd"), "hotadd_online_ms": ms("hotadd", sub="present_ms"),
            "offline_guest_ms": ms("offline", key="guest_ms"),
            "online_guest_ms": ms("online", key="guest_ms")}


def fmt(v, nd=0):
    if v is None:
        return "-"
    return ("%." + str(nd) + "f") % v


def ratio(ours_us, linux_ms):
    if ours_us is None or not linux_ms:
        return None
    return ours_us / (linux_ms * 1000.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smp", type=int, default=64)
    ap.add_argument("--maxcpus", type=int, default=8,
                    help="scenario: CPUs online at boot (default 8: the first hot-add grows a level)")
    ap.add_argument("--seconds", type=int, default=10, help="scenario window")
    ap.add_argument("--seed", type=int, default=1, help="scenario seed of the first run")
    ap.add_argument("--maxcpus-qmp", type=int, default=8,
                    help="device_add: empty slots plugged per run (default 4)")
    ap.add_argument("--linux-cpus", type=int, default=4,
                    help="Linux: offline and online CPUs 1..K (default 4)")
    ap.add_argument("--no-linux", action="store_true")
    ap.add_argument("--no-bochs", action="store_true", help="leave out the Bochs run")
    ap.add_argument("--append", default="", help="more pullkern command line words")
    a = ap.parse_args()
    extra = a.append.split()

    print("bench-hotplug: -smp %d, %d run(s) per configuration" % (a.smp, a.runs), flush=True)
    sc = scenario(a, extra)
    qu = quiet(a, extra)
    da = device_add(a, extra)
    bx = bochs(a, extra)
    lx = linux(a)
    print()
    lk = lx.get("kernel")
    why = lx.get("why")
    print("CPU hotplug latency, -smp %d, TCG; pullkern: guest TSC unless said, Linux %s: host clock"
          % (a.smp, lk or "(not measured: %s)" % why))
    head = ("operation", "ours median", "ours max", "n", "Linux median", "Linux max", "n",
            "ratio", "Linux/ours")
    rows = []

    missing = []

    def row(name, ours_us, lin_ms, unit="us"):
        if lin_ms is not None and not lin_ms["n"]:
            # Linux ran but this operation never completed: say so, no figure.
            missing.append(name)
            lin_ms = None
        r = ratio(ours_us["median"], lin_ms["median"] if lin_ms else None)
        scale, nd = (1.0, 0) if unit == "us" else (1000.0, 1)

        def ours(v):
            return fmt(None if v is None else v / scale, nd) + " " + unit
        rows.append((name, ours(ours_us["median"]), ours(ours_us["max"]),
                     str(ours_us["n"]),
                     (fmt(lin_ms["median"], 1) + " ms") if lin_ms else "not measured",
                     (fmt(lin_ms["max"], 1) + " ms") if lin_ms else "-",
                     str(lin_ms["n"]) if lin_ms else "-",
                     "%.2g" % r if r is not None else "-",
                     "%.0fx" % (1 / r) if r else "-"))
        return r

    ratios = {}
    ratios["park"] = row("park / offline", sc["park_us"], lx.get("offline_ms"))
    ratios["unpark"] = row("unpark / online", sc["unpark_us"], lx.get("online_ms"))
    ratios["hotadd"] = row("hot-add / online new", sc["hotadd_us"], lx.get("hotadd_online_ms"))
    dh = da["host_ms"]
    host_as_us = {"n": dh["n"]}
    for k in ("median", "max", "min"):
        host_as_us[k] = None if dh[k] is None else dh[k] * 1000.0
    ratios["device_add"] = row("device_add->online, host", host_as_us, lx.get("hotadd_ms"), "ms")
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    for r in (head, *rows):
        print("  " + "  ".join(x.rjust(w) if i else x.ljust(w)
                               for i, (x, w) in enumerate(zip(r, widths))))
    print("  device_add, the kernel's part (guest TSC): median %s us, max %s us over %d"
          % (fmt(da["kernel_us"]["median"]), fmt(da["kernel_us"]["max"]), da["kernel_us"]["n"]))
    print("  fastest: park %s us, unpark %s us, hot-add %s us (scenario); device_add %s ms (host)"
          % (fmt(sc["park_us"]["min"]), fmt(sc["unpark_us"]["min"]), fmt(sc["hotadd_us"]["min"]),
             fmt(dh["min"], 1)))
    print("  to the CPU's own answer (us_done, without the control CPU's wake-up): park median %s us, "
          "unpark median %s us (scenario)"
          % (fmt(sc["park_done_us"]["median"]), fmt(sc["unpark_done_us"]["median"])))
    print("  parked_irqs (interrupts taken by parked CPUs, %d scenario run(s)): %s"
          % (sc["runs"], fmt(sc["parked_irqs"])))
    if why:
        print("  Linux not measured: %s" % why)
    elif missing:
        print("  Linux not measured for %s: no attempt completed (%d failed operation(s); "
              "logs in build/bench-linux/logs/)" % (", ".join(missing), lx["failed_ops"]))
    else:
        print("  Linux guest clock (/proc/uptime): offline median %s ms, online median %s ms; "
              "%d failed operation(s)" % (fmt(lx["offline_guest_ms"]["median"], 1),
                                          fmt(lx["online_guest_ms"]["median"], 1), lx["failed_ops"]))
    print()
    print("Park and unpark by case, pullkern, guest TSC (medians; us = to the control CPU awake, "
          "us_done = to the CPU's own answer)")
    qhead = ("case", "park us", "park us_done", "unpark us", "unpark us_done", "n")
    qrows = [("hard (scenario=hotplug, churn)", fmt(sc["park_us"]["median"]),
              fmt(sc["park_done_us"]["median"]), fmt(sc["unpark_us"]["median"]),
              fmt(sc["unpark_done_us"]["median"]), str(sc["park_us"]["n"])),
             ("quiet (test=cpuhp)", fmt(qu["park_us"]["median"]), fmt(qu["park_done_us"]["median"]),
              fmt(qu["unpark_us"]["median"]), fmt(qu["unpark_done_us"]["median"]),
              str(qu["park_us"]["n"])),
             ("Bochs, 4 CPUs (test=cpuhp)",) + (
                 (fmt(bx["park_us"]["median"]), fmt(bx["park_done_us"]["median"]),
                  fmt(bx["unpark_us"]["median"]), fmt(bx["unpark_done_us"]["median"]),
                  str(bx["park_us"]["n"])) if "why" not in bx
                 else ("not measured",) + ("-",) * 4),
             ("floor (test=wake_latency)", fmt(qu["round_trip_us_median"]),
              fmt(qu["one_way_us_median"]), fmt(qu["round_trip_us_median"]),
              fmt(qu["one_way_us_median"]), str(qu["floor_runs"]) + " run(s)")]
    widths = [max(len(x) for x in col) for col in zip(qhead, *qrows)]
    for r in (qhead, *qrows):
        print("  " + "  ".join(x.rjust(w) if i else x.ljust(w)
                               for i, (x, w) in enumerate(zip(r, widths))))
    print("  floor: us columns show the round trip (two vCPU wake-ups), us_done columns one way "
          "(one wake-up): no park or unpark can take less under this emulator and host")
    print("  us_done and one way compare two CPUs' clocks, synced at boot to within %s us in the "
          "floor's boot (the clock record's error bound; a loaded host widens it): a figure "
          "below that bound means little" % fmt(qu["clock_error_bound_us_max"], 1))
    if "why" in bx:
        print("  Bochs not measured: %s" % bx["why"])
    else:
        print("  Bochs hot-add (virtual clock): median %s us, max %s us over %d"
              % (fmt(bx["hotadd_us"]["median"]), fmt(bx["hotadd_us"]["max"]), bx["hotadd_us"]["n"]))
    print("  aims (issue): unpark < 50 us, park < 100 us, hot-add < 5 ms, 0 interrupts to parked CPUs")
    print(BENCH + json.dumps(dict(sc, kind="bench_hotplug", config="scenario", smp=a.smp,
                                  maxcpus=a.maxcpus, seconds=a.seconds, seed=a.seed)))
    print(BENCH + json.dumps(dict(qu, kind="bench_hotplug", config="quiet", smp=a.smp)))
    print(BENCH + json.dumps(dict(da, kind="bench_hotplug", config="device_add", smp=a.smp)))
    print(BENCH + json.dumps(dict(bx, kind="bench_hotplug", config="bochs", smp=4)))
    print(BENCH + json.dumps(dict(lx, kind="bench_hotplug", config="linux", smp=a.smp,
                                  cpus=a.linux_cpus)))
    print(BENCH + json.dumps({"kind": "bench_hotplug_ratio", "smp": a.smp,
                              "ours_over_linux": {k: None if v is None else float("%.3g" % v)
                                                  for k, v in ratios.items()}}))
    return 0 if sc["runs"] and da["runs"] else 1


if __name__ == "__main__":
    sys.exit(main())
