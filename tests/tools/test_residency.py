#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_residency.py: tools/residency on recorded logs.

Theory: the logs in tests/tools/data/ follow the record schemas of
docs/residency-tool.md (a run with tmigr=on and one with tmigr=off at 8
CPUs, the first with torn and malformed @report lines added, cut short in
its system record, two windows in one log, and a linux_residency record in
the form tools/bench-linux.sh --idle prints).  Each case runs the tool as
a user does (a subprocess, its exit status, stdout and stderr), except the
mutation case, which loads the tool as a module so it can try many logs
quickly.  Expected figures are computed here from the records themselves,
never written down: a case fails if the tool drops, invents or misplaces a
figure.

Output: "PASS name", "FAIL name: why" or "SKIP name: why" per case, then
"N passed, N failed" (", N skipped" when a case was skipped).  Exit status
1 if any case failed.
"""

import importlib.machinery
import importlib.util
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import contextlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(ROOT, "tools", "residency")
DATA = os.path.join(HERE, "data")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Skip(Exception):
    pass


def data(name):
    return os.path.join(DATA, name)


def run(*args, stdin=None, env=None):
    proc = subprocess.run([TOOL] + list(args), input=stdin, capture_output=True,
                          env=env, cwd=ROOT, check=False)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def records(path, kind):
    """The well-formed records of a kind, read independently of the tool."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            pos = line.find("@report ")
            if pos < 0:
                continue
            try:
                rec = json.loads(line[pos + 8:])
            except ValueError:
                continue
            if isinstance(rec, dict) and rec.get("kind") == kind:
                out.append(rec)
    return out


def table_rows(stdout):
    """The per-CPU table: header and rows as lists of cells."""
    lines = stdout.splitlines()
    start = next(i for i, l in enumerate(lines) if l.split()[:1] == ["CPU"])
    head = lines[start].split()
    rows = [l.split() for l in lines[start + 1:] if l.strip()]
    return head, rows


def check(cond, why):
    if not cond:
        raise AssertionError(why)


def no_traceback(stderr):
    check("Traceback" not in stderr and "internal error" not in stderr,
          "the tool crashed: " + stderr.strip()[-300:])


def tool_module():
    loader = importlib.machinery.SourceFileLoader("residency_tool", TOOL)
    spec = importlib.util.spec_from_loader("residency_tool", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def have_matplotlib():
    """True if the tool would find matplotlib (ours or the system's python3)."""
    for py in (sys.executable, "/usr/bin/python3"):
        if os.access(py, os.X_OK) and subprocess.run(
                [py, "-c", "import matplotlib"], capture_output=True).returncode == 0:
            return True
    return False


# ------------------------------------------------------------------ cases

def test_table_has_system_row_and_a_row_per_cpu():
    rc, out, err = run(data("tmigr-on.log"))
    check(rc == 0, "exit %d: %s" % (rc, err))
    cpus = records(data("tmigr-on.log"), "residency_cpu")
    system = records(data("tmigr-on.log"), "residency")[-1]
    head, rows = table_rows(out)
    for col in ("CPU", "Busy%", "C1%", "IRQ", "Wake/s", "IdleMean_ms", "Migr%"):
        check(col in head, "no %s column in %s" % (col, head))
    check([r[0] for r in rows] == ["-"] + [str(c["cpu"]) for c in cpus],
          "rows %s, want the system row then CPUs %s"
          % ([r[0] for r in rows], [c["cpu"] for c in cpus]))
    w = head.index("Wake/s")
    check(rows[0][w] == "%.2f" % system["wakeups_per_s"],
          "system Wake/s %s, the residency record says %s"
          % (rows[0][w], system["wakeups_per_s"]))
    c1 = head.index("C1%")
    for rec, row in zip(cpus, rows[1:]):
        check(row[c1] == "%.3f" % rec["states"]["hlt"] and
              row[w] == "%.2f" % rec["wakeups_per_s"],
              "CPU %d: C1%% %s Wake/s %s, its record: %s %s"
              % (rec["cpu"], row[c1], row[w], rec["states"]["hlt"],
                 rec["wakeups_per_s"]))
    check("skipped" not in err, "a clean log reported skipped lines: " + err)


def test_cause_columns_add_up_to_wakeups():
    rc, out, err = run(data("tmigr-on.log"))
    check(rc == 0, "exit %d: %s" % (rc, err))
    head, rows = table_rows(out)
    w = head.index("Wake/s")
    causes = [i for i, h in enumerate(head) if h.endswith("/s") and h != "Wake/s"]
    check(causes, "no cause columns in %s" % head)
    for row in rows:
        total = sum(float(row[i]) for i in causes)
        check(abs(total - float(row[w])) < 0.011 * len(causes),
              "CPU %s: causes sum to %.2f, Wake/s %s" % (row[0], total, row[w]))


def test_summary_states_measurement_and_counters():
    rc, out, err = run(data("tmigr-on.log"))
    check(rc == 0, "exit %d: %s" % (rc, err))
    system = records(data("tmigr-on.log"), "residency")[-1]
    check("median %.3f%%, min %.3f%%" % (system["median_pct"], system["min_pct"]) in out,
          "summary lacks the record's median and min:\n" + out[:400])
    check("%d wake-up(s) inside the window, %d at its edges"
          % (system["measure_wakeups"], system["edge_wakeups"]) in out,
          "summary lacks the measurement's own wake-ups")
    for name, why in system["counters"].items():
        if why != "read":
            check("%s (%s)" % (name, why) in out,
                  "counter %s not listed as not available (%s)" % (name, why))


def test_summary_adds_vectors_and_idle_histogram_over_cpus():
    rc, out, err = run(data("tmigr-on.log"))
    check(rc == 0, "exit %d: %s" % (rc, err))
    cpus = records(data("tmigr-on.log"), "residency_cpu")
    vectors, hist = {}, [0] * 24
    for c in cpus:
        for v, n in c["vectors"].items():
            vectors[v] = vectors.get(v, 0) + n
        hist = [a + b for a, b in zip(hist, c["idle_hist_log2_us"])]
    check(vectors, "fixture: want some vector wake-ups")
    for v, n in vectors.items():
        check("%s x%d" % (v, n) in out, "vector %s x%d not in the summary" % (v, n))
    want = ", ".join("%d:%d" % (k, n) for k, n in enumerate(hist) if n)
    check("us): " + want + "\n" in out, "histogram line, want %r in:\n%s" % (want, out[:600]))


def test_parked_and_absent_cpus_stay_out_of_the_system_row():
    rc, out, err = run(data("parked.log"))
    check(rc == 0, "exit %d: %s" % (rc, err))
    cpus = records(data("parked.log"), "residency_cpu")
    online = [c for c in cpus if c["state"] == "online"]
    check(0 < len(online) < len(cpus), "fixture: want online and other CPUs")
    head, rows = table_rows(out)
    check("State" in head, "no State column: %s" % head)
    st, busy, w = head.index("State"), head.index("Busy%"), head.index("Wake/s")
    for c, row in zip(cpus, rows[1:]):
        check(row[st] == c["state"], "CPU %d state %s, record %s" % (c["cpu"], row[st], c["state"]))
    want_busy = sum(c["busy_pct"] for c in online) / len(online)
    want_w = sum(c["wakeups_per_s"] for c in online)
    check(rows[0][busy] == "%.3f" % want_busy and rows[0][w] == "%.2f" % want_w,
          "system row Busy%% %s Wake/s %s, online CPUs give %.3f %.2f"
          % (rows[0][busy], rows[0][w], want_busy, want_w))


def test_json_parses_and_matches_the_records():
    rc, out, err = run("--json", data("tmigr-on.log"))
    check(rc == 0, "exit %d: %s" % (rc, err))
    doc = json.loads(out)
    cpus = records(data("tmigr-on.log"), "residency_cpu")
    system = records(data("tmigr-on.log"), "residency")[-1]
    samples = records(data("tmigr-on.log"), "residency_sample")
    check(doc["source"] == "residency", "source %r" % doc["source"])
    check(doc["cpus"] == cpus, "cpus differ from the residency_cpu records")
    for k, v in system.items():
        check(doc["system"].get(k) == v, "system.%s %r, record %r"
              % (k, doc["system"].get(k), v))
    check(doc["samples"] == samples, "samples differ (%d vs %d)"
          % (len(doc["samples"]), len(samples)))
    check(doc["skipped_garbled"] == 0, "skipped %r" % doc["skipped_garbled"])


def test_garbled_lines_are_skipped_and_counted():
    with open(data("tmigr-on.log"), encoding="utf-8") as f:
        clean = set(f.read().splitlines())
    with open(data("garbled.log"), encoding="utf-8") as f:
        added = [l for l in f.read().splitlines() if l not in clean]
    rc, out, err = run(data("garbled.log"))
    no_traceback(err)
    check(rc == 0, "exit %d: %s" % (rc, err))
    check("skipped %d garbled lines" % len(added) in err,
          "want 'skipped %d garbled lines' on stderr, got: %s" % (len(added), err))
    _, good = run(data("tmigr-on.log"))[:2]
    check(table_rows(out)[1] == table_rows(good)[1],
          "garbled lines changed the table")


def test_members_added_to_the_records_change_nothing():
    # The schemas let the kernel add fields, at the top and inside objects.
    added = {"residency_cpu": {"future": [1, 2]}, "residency": {"future": "x"},
             "residency_sample": {"future": None}}
    nested = {"hw": {"future_src": "aperf"}, "states": {"future": "n/a"},
              "wakeups_by": {"future": {"a": 1}}, "counters": {"future": 3},
              "pkg": {"future": "x"}}
    with open(data("tmigr-on.log"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    out_lines = []
    for line in lines:
        pos = line.find("@report ")
        if pos >= 0:
            rec = json.loads(line[pos + 8:])
            rec.update(added.get(rec["kind"], {}))
            for k, extra in nested.items():
                if isinstance(rec.get(k), dict):
                    rec[k].update(extra)
            line = "@report " + json.dumps(rec)
        out_lines.append(line)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "added.log")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(out_lines) + "\n")
        rc, out, err = run(path)
    no_traceback(err)
    check(rc == 0 and "garbled" not in err, "exit %d: %s" % (rc, err))
    _, want, _ = run(data("tmigr-on.log"))
    check(table_rows(out) == table_rows(want), "added members changed the table")


def test_truncated_last_line_keeps_the_cpu_rows():
    rc, out, err = run("--json", data("truncated.log"))
    no_traceback(err)
    check(rc == 0, "exit %d: %s" % (rc, err))
    check("skipped 1 garbled line" in err, "stderr: " + err)
    doc = json.loads(out)
    cpus = records(data("truncated.log"), "residency_cpu")
    check(len(doc["cpus"]) == len(cpus) > 0, "CPU rows lost")
    want = statistics.median(c["idle_pct"] for c in cpus)
    check(abs(doc["system"]["median_pct"] - want) < 0.001,
          "median %r, the CPU rows give %r" % (doc["system"]["median_pct"], want))
    rc, out, err = run(data("truncated.log"))
    check("cut short" in out, "the table does not say the system record is missing")


def test_last_window_by_default_and_window_option():
    cpus = records(data("two-windows.log"), "residency_cpu")
    systems = records(data("two-windows.log"), "residency")
    check(len(systems) == 2, "fixture: want two windows")
    for args, want in (((), systems[1]), (("--window", "1"), systems[0]),
                       (("--window", "-2"), systems[0])):
        rc, out, err = run("--json", *args, data("two-windows.log"))
        check(rc == 0, "%s: exit %d: %s" % (args, rc, err))
        doc = json.loads(out)
        check(doc["windows"] == 2, "windows %r" % doc["windows"])
        check(doc["system"]["window_ms"] == want["window_ms"],
              "%s: window_ms %r, want %r" % (args, doc["system"]["window_ms"],
                                             want["window_ms"]))
        check(len(doc["cpus"]) == len(cpus) // 2, "%s: %d CPU rows" % (args, len(doc["cpus"])))
    rc, _, err = run("--window", "3", data("two-windows.log"))
    check(rc == 2 and "2 window" in err, "--window 3: exit %d: %s" % (rc, err))


def test_compare_puts_two_runs_side_by_side():
    a, b = data("tmigr-off.log"), data("tmigr-on.log")
    rc, out, err = run("--compare", a, b)
    check(rc == 0, "exit %d: %s" % (rc, err))
    lines = out.splitlines()
    check("pullkern tmigr=off" in lines[0] and "pullkern tmigr=on" in lines[0]
          and lines[0].rstrip().endswith("B/A"), "header: " + lines[0])
    row = next(l for l in lines if l.strip().startswith("wake-ups/s, all CPUs"))
    ra, rb = (records(p, "residency")[-1]["wakeups_per_s"] for p in (a, b))
    cells = row.split()[-3:]
    check(cells == ["%.2f" % ra, "%.2f" % rb, "%.2f" % (rb / ra)],
          "row %r, want %.2f %.2f %.2f" % (row, ra, rb, rb / ra))
    rc, out, err = run("--compare", a, b, "--json")
    check(rc == 0, "json: exit %d: %s" % (rc, err))
    doc = json.loads(out)["compare"]
    check([d["wakeups_per_s"] for d in doc] == [ra, rb], "json compare: %r" % doc)


def test_compare_reads_the_linux_record():
    lin = records(data("linux.log"), "linux_residency")[-1]
    rc, out, err = run("--compare", data("linux.log"), data("tmigr-on.log"), "--json")
    check(rc == 0, "exit %d: %s" % (rc, err))
    doc = json.loads(out)["compare"]
    per_s = [w * 1000 / lin["window_ms"] for w in lin["wakeups"]]
    check(doc[0]["label"] == "Linux " + lin["kernel"], "label %r" % doc[0]["label"])
    check(abs(doc[0]["wakeups_per_cpu_s_median"] - statistics.median(per_s)) < 1e-9 and
          abs(doc[0]["wakeups_per_cpu_s_max"] - max(per_s)) < 1e-9 and
          abs(doc[0]["wakeups_per_s"] - sum(per_s)) < 1e-6,
          "Linux wake-ups %r, the record gives %r" % (doc[0], per_s))
    check(doc[0]["bringup_ms"] == lin["bringup_ms"], "bring-up %r" % doc[0]["bringup_ms"])
    check(doc[0]["median_pct"] == statistics.median(lin["idle_pct"]) and
          doc[0]["min_pct"] == min(lin["idle_pct"]), "residency %r" % doc[0])


def test_png_written_with_png_signature():
    if not have_matplotlib():
        raise Skip("matplotlib is not installed (python3-matplotlib)")
    with tempfile.TemporaryDirectory() as tmp:
        for args, name in (((data("tmigr-on.log"),), "run.png"),
                           (("--compare", data("tmigr-off.log"), data("tmigr-on.log")),
                            "compare.png")):
            path = os.path.join(tmp, name)
            rc, out, err = run(*args, "--png", path)
            check(rc == 0, "%s: exit %d: %s" % (name, rc, err))
            check(os.path.exists(path), "%s: no file" % name)
            with open(path, "rb") as f:
                head = f.read(8)
            check(head == PNG_SIGNATURE and os.path.getsize(path) > 1000,
                  "%s: %d bytes starting %r" % (name, os.path.getsize(path), head))


def test_png_without_matplotlib_says_how_to_install():
    with tempfile.TemporaryDirectory() as tmp:
        # A package named matplotlib that fails to import stands in for
        # its absence, in this python3 and in the system's one.
        os.mkdir(os.path.join(tmp, "matplotlib"))
        with open(os.path.join(tmp, "matplotlib", "__init__.py"), "w") as f:
            f.write("raise ImportError('hidden by the test')\n")
        env = dict(os.environ, PYTHONPATH=tmp)
        env.pop("PULLKERN_RESIDENCY_REEXEC", None)
        path = os.path.join(tmp, "out.png")
        rc, out, err = run(data("tmigr-on.log"), "--png", path, env=env)
        no_traceback(err)
        check(rc == 3, "exit %d, want 3" % rc)
        check("apt-get install python3-matplotlib" in err, "stderr: " + err)
        check("Wake/s" in out, "the tables were not printed")
        check(not os.path.exists(path), "a PNG was written anyway")


def test_no_records_exit_1_and_bad_usage_exit_2():
    rc, _, err = run("-", stdin=b"GRUB\nhello\n@report {\"kind\":\"boot\"}\n")
    check(rc == 1 and "nothing to report" in err, "no records: exit %d: %s" % (rc, err))
    rc, _, err = run(os.path.join(DATA, "no-such.log"))
    check(rc == 2 and "cannot read" in err, "missing log: exit %d: %s" % (rc, err))
    rc, _, err = run("--compare", data("tmigr-on.log"))
    check(rc == 2 and "at least two" in err, "one-log compare: exit %d: %s" % (rc, err))
    no_traceback(err)


def test_stdin_gives_the_same_table_as_the_file():
    with open(data("tmigr-on.log"), "rb") as f:
        rc, out, err = run("-", stdin=f.read())
    check(rc == 0, "exit %d: %s" % (rc, err))
    _, want, _ = run(data("tmigr-on.log"))
    check(table_rows(out) == table_rows(want), "stdin and file tables differ")


def test_mutated_logs_never_crash_the_tool():
    mod = tool_module()
    with open(data("tmigr-on.log"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.log")
        for i in range(150):
            cut = list(lines)
            for _ in range(rng.randint(1, 6)):
                k = rng.randrange(len(cut))
                s = cut[k]
                how = rng.randrange(4)
                if how == 0:
                    cut[k] = s[:rng.randrange(len(s) + 1)]
                elif how == 1 and s:
                    j = rng.randrange(len(s))
                    cut[k] = s[:j] + rng.choice('{}[],:"0-9nx\x00') + s[j + 1:]
                elif how == 2:
                    cut.insert(k, s[:rng.randrange(len(s) + 1)] +
                               lines[rng.randrange(len(lines))][rng.randrange(20):])
                else:
                    cut[k] = s.replace("99.", "-1e999" if rng.random() < .5 else '"x"', 1)
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(cut))
            for argv in ([path], [path, "--json"], ["--compare", path, path]):
                out, err = io.StringIO(), io.StringIO()
                try:
                    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                        rc = mod.main(argv)
                except Exception as e:  # the point of the case
                    raise AssertionError("mutation %d, %s: %s: %s"
                                         % (i, argv[-1], type(e).__name__, e))
                check(rc in (0, 1), "mutation %d: exit %r: %s" % (i, rc, err.getvalue()))


CASES = [v for k, v in sorted(globals().items()) if k.startswith("test_")]


def main():
    passed = failed = skipped = 0
    for case in CASES:
        name = case.__name__[len("test_"):]
        try:
            case()
        except Skip as e:
            print("SKIP %s: %s" % (name, e))
            skipped += 1
        except Exception as e:  # a failed check or an unexpected error
            print("FAIL %s: %s: %s" % (name, type(e).__name__, e))
            failed += 1
        else:
            print("PASS %s" % name)
            passed += 1
    tail = ", %d skipped" % skipped if skipped else ""
    print("%d passed, %d failed%s" % (passed, failed, tail))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
