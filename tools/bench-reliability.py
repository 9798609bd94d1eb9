#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench-reliability.py: how many boots of pullkern go wrong, out of N.

Theory: a box booted from a USB stick must come up every time, so the
figure is a count, not a mean: N boots with run-qemu.sh at -smp 64 (the
ISO as built, no rebuild), SeaBIOS and OVMF alternating, each sorted into
one of

  pass     the kernel's summary record says pass
  fail     the summary says fail (a scenario or test found a fault)
  crash    QEMU ended with no summary: triple fault (exits under
           -no-reboot), exception, reset, a QEMU error
  hang     no summary by the timeout, and the console had been silent
           for --hang-after seconds before it: the machine stopped
  timeout  no summary by the timeout, but the console was still
           printing: too slow, not stuck

and timed on the host clock from starting run-qemu.sh to the kernel's
`smp` record (every CPU brought up): per-run ISO copy, firmware, GRUB and
the kernel's bring-up, what a user waits for.  The console is read line
by line as it comes, so the time is when the record appeared, not when
the run ended.

It is a benchmark, not a test: it prints an aligned table and one
`@bench {json}` line per firmware and one for the whole, and exits 1 if
any boot did not pass (0 otherwise), so `make` says so.  Aim: 0 of 50.

Usage: tools/bench-reliability.py [--runs N] [--smp N] [--timeout S]
                                  [--hang-after S] [--cmdline "OPTIONS"]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import report  # noqa: E402  (tools/report.py)

OUTCOMES = ("pass", "fail", "crash", "hang", "timeout")
# Lines of run-qemu.sh and of QEMU itself ("terminating on signal 15" when
# run-qemu.sh stops it): not the guest's console, so not signs of life.
NOT_CONSOLE = re.compile(r"^(run-qemu\.sh|\S*qemu\S*): ")


class Console:
    """Reads a run's merged output as it comes, noting when things appear."""

    def __init__(self, stream, t0):
        self.lines = []
        self.t0 = t0
        self.smp_at = None
        self.last_at = t0
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for raw in stream:
            line = raw.decode("utf-8", "replace")
            now = time.monotonic()
            self.lines.append(line)
            if NOT_CONSOLE.match(line):
                continue
            self.last_at = now
            if self.smp_at is None and '"smp"' in line and \
                    report.Log("line", line).last("smp") is not None:
                self.smp_at = now


def one_boot(firmware, opts):
    """Boots once; returns (outcome, seconds to the smp record or None, note)."""
    args = [os.path.join(ROOT, "run-qemu.sh"), "--no-build", "--" + firmware,
            "--smp", str(opts.smp), "--timeout", str(opts.timeout)]
    if opts.cmdline:
        args += ["--"] + opts.cmdline.split()
    t0 = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            cwd=ROOT)
    con = Console(proc.stdout, t0)
    rc = proc.wait()
    end = time.monotonic()
    con.thread.join()
    text = "".join(con.lines)
    verdict = next((l.strip() for l in reversed(con.lines)
                    if l.startswith("run-qemu.sh: ") and " s" in l), "")
    summary = report.Log("run", text).last("summary")
    to_smp = None if con.smp_at is None else con.smp_at - t0
    if summary is not None:
        outcome = "pass" if summary.get("result") == "pass" and rc == 0 else "fail"
        if outcome == "fail":
            verdict += f"; summary result {summary.get('result')!r}, run-qemu.sh status {rc}"
    elif "timed out" in verdict:
        outcome = "hang" if end - con.last_at >= opts.hang_after else "timeout"
    else:
        outcome = "crash"
    return outcome, to_smp, verdict


def stats(values):
    if not values:
        return None
    return {"min": round(min(values), 2), "median": round(statistics.median(values), 2),
            "max": round(max(values), 2)}


def row(label, runs):
    counts = {o: sum(1 for r in runs if r[0] == o) for o in OUTCOMES}
    return label, len(runs), counts, stats([r[1] for r in runs if r[1] is not None])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=50, help="boots in all (default 50)")
    ap.add_argument("--smp", type=int, default=64)
    ap.add_argument("--timeout", type=int, default=300,
                    help="seconds before a boot counts as hung or timed out (default 300)")
    ap.add_argument("--hang-after", type=int, default=60,
                    help="console silence before the timeout that makes it a hang (default 60)")
    ap.add_argument("--cmdline", default="",
                    help="kernel command line (default none: the kernel's defaults)")
    opts = ap.parse_args()
    if opts.runs < 1:
        ap.error("--runs wants at least 1")

    runs = {"bios": [], "uefi": []}
    for i in range(opts.runs):
        firmware = ("bios", "uefi")[i % 2]
        outcome, to_smp, verdict = one_boot(firmware, opts)
        runs[firmware].append((outcome, to_smp))
        shown = "-" if to_smp is None else f"{to_smp:.2f} s"
        print(f"boot {i + 1}/{opts.runs} {firmware}: {outcome}, smp record at {shown}"
              + ("" if outcome == "pass" else f" ({verdict})"), flush=True)

    rows = [row(fw, runs[fw]) for fw in ("bios", "uefi") if runs[fw]]
    rows.append(row("all", runs["bios"] + runs["uefi"]))
    print(f"\npullkern boot reliability, -smp {opts.smp}, TCG, {opts.runs} boots "
          f"(BIOS and UEFI alternating), timeout {opts.timeout} s")
    print(f"  {'firmware':<8} {'boots':>5} " + " ".join(f"{o:>7}" for o in OUTCOMES)
          + f" {'host s to smp min/med/max':>26}")
    for label, n, counts, t in rows:
        times = "-" if t is None else f"{t['min']:>7.2f} {t['median']:>7.2f} {t['max']:>7.2f}"
        print(f"  {label:<8} {n:>5} " + " ".join(f"{counts[o]:>7}" for o in OUTCOMES)
              + f" {times:>26}")
    bad = 0
    for label, n, counts, t in rows:
        rec = {"kind": "boot_reliability", "firmware": label, "smp": opts.smp,
               "boots": n, **counts, "bad": n - counts["pass"], "host_s_to_smp": t,
               "cmdline": opts.cmdline, "timeout_s": opts.timeout}
        print("@bench " + json.dumps(rec, separators=(",", ":")))
        if label == "all":
            bad = n - counts["pass"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
