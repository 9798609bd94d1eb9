#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench-boot.py: how fast pullkern brings its CPUs up, measured, not assumed.

Theory: two figures matter to someone booting pullkern.

  bringup_us  guest time from the first INIT to the BSP seeing the last AP
              online, from the kernel's own `smp` record (BSP TSC only:
              TSCs of different vCPUs are not synchronised under TCG).
  wall_s      host time of a whole run, QEMU start to QEMU exit: firmware,
              GRUB, kernel, report.  This is what `make run` costs.

Each configuration is booted --runs times with run-qemu.sh (already built
ISO, no rebuild) and reported as min / median / max, as an aligned table
and as one `@bench {json}` line per configuration.  A run that does not
pass counts as an error and is reported, never averaged in.

With --linux it also boots Debian's Linux on the same QEMU machine
(tools/bench-linux.sh, lpj given so Linux skips its per-AP delay-loop
calibration: its best case) in the same invocation, and prints the ratio
of the medians.  Linux's figure is host time between its own "bringing up
secondary CPUs" and "brought up" lines; ours is guest TSC time, which under
TCG runs at the host's rate, so the two are in the same unit.

Usage: tools/bench-boot.py [--runs N] [--smp N] [--uefi] [--linux]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import report  # noqa: E402  (tools/report.py)


def one_run(smp, firmware, cmdline):
    args = [os.path.join(ROOT, "run-qemu.sh"), "--no-build", "--smp", str(smp),
            "--" + firmware, "--timeout", "600"]
    if cmdline:
        args += ["--"] + cmdline.split()
    t0 = time.monotonic()
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          cwd=ROOT, check=False)
    wall = time.monotonic() - t0
    log = report.Log("run", proc.stdout.decode("utf-8", "replace"))
    smp_rec = log.last("smp")
    ok = proc.returncode == 0 and smp_rec is not None and \
        smp_rec.get("online") == smp
    return ok, wall, (smp_rec or {}).get("bringup_us")


def linux_median_ms(smp, runs):
    """Median host-time bring-up of Linux over `runs` boots, or None."""
    proc = subprocess.run([os.path.join(ROOT, "tools", "bench-linux.sh"),
                           "--smp", str(smp), "--runs", str(runs)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          cwd=ROOT, check=False)
    text = proc.stdout.decode("utf-8", "replace")
    ok = []
    for line in text.splitlines():
        if line.startswith("@bench "):
            rec = json.loads(line[len("@bench "):])
            if rec.get("status") == "ok" and rec.get("cpus_up") == smp:
                ok.append(rec["host_ms"])
        print(line)
    return statistics.median(ok) if ok else None


def stats(values):
    return min(values), statistics.median(values), max(values)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--smp", type=int, default=64)
    ap.add_argument("--uefi", action="store_true")
    ap.add_argument("--linux", action="store_true",
                    help="also boot Linux on the same machine and print the ratio")
    opts = ap.parse_args()
    firmware = "uefi" if opts.uefi else "bios"
    configs = [("init_udelay=10000 (SDM)", ""),
               ("init_udelay=0 (modern CPUs)", "init_udelay=0")]

    rows = []
    for label, cmdline in configs:
        walls, bringups, errors = [], [], 0
        for _ in range(opts.runs):
            ok, wall, bringup = one_run(opts.smp, firmware, cmdline)
            if not ok:
                errors += 1
                continue
            walls.append(wall)
            bringups.append(bringup)
        rows.append((label, cmdline, walls, bringups, errors))

    print(f"pullkern bring-up, {firmware} -smp {opts.smp}, TCG, {opts.runs} runs each")
    print(f"  {'configuration':<30} {'bringup_us min/med/max':>26} {'wall_s min/med/max':>20} {'errors':>6}")
    for label, cmdline, walls, bringups, errors in rows:
        if not walls:
            print(f"  {label:<30} {'-':>26} {'-':>20} {errors:>6}")
            continue
        b, w = stats(bringups), stats(walls)
        print(f"  {label:<30} {b[0]:>8} {b[1]:>8.0f} {b[2]:>8} {w[0]:>6.2f} {w[1]:>6.2f} {w[2]:>6.2f} {errors:>6}")
    for label, cmdline, walls, bringups, errors in rows:
        rec = {"kind": "boot_bench", "firmware": firmware, "smp": opts.smp,
               "cmdline": cmdline, "runs": opts.runs, "errors": errors}
        if walls:
            rec.update({"bringup_us": dict(zip(("min", "median", "max"), stats(bringups))),
                        "wall_s": dict(zip(("min", "median", "max"),
                                           (round(x, 3) for x in stats(walls))))})
        print("@bench " + json.dumps(rec, separators=(",", ":")))
    if opts.linux:
        linux_ms = linux_median_ms(opts.smp, opts.runs)
        ours = rows[0][3]
        if linux_ms is None or not ours:
            print("ratio: not available (a side did not produce a measurement)")
            return 1
        ours_ms = statistics.median(ours) / 1000
        print(f"bring-up, -smp {opts.smp}: Linux {linux_ms:.1f} ms, pullkern {ours_ms:.1f} ms "
              f"(SDM delays): pullkern is {linux_ms / ours_ms:.1f}x faster")
        print("@bench " + json.dumps({"kind": "bringup_ratio", "smp": opts.smp,
                                      "linux_ms": linux_ms, "pullkern_ms": ours_ms,
                                      "ratio": round(linux_ms / ours_ms, 2)},
                                     separators=(",", ":")))
    return 0 if all(r[4] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
