#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""report.py: read the machine records out of a pullkern console log.

Theory: the kernel prints human text and, mixed in with it, machine lines of
the form

    @report {"kind": "smp", "possible": 8, "online": 8, ...}

one JSON object per line, always with a "kind".  The console is a serial
line, so a log may hold GRUB's terminal escapes, carriage returns and, if a
kernel bug lets two CPUs print at once, torn lines.  We take the text after
the first "@report " on a line, strip the line end, and accept it only if it
is exactly one JSON object with a string "kind"; anything else is reported
on stderr (file and line) and skipped, or counted as a failure with
--strict.  Records keep their log order; when a kind appears more than once,
a bare name in an expression means the last one.

Usage:
    report.py [LOG] [--kind KIND]...     print records, one JSON per line
    report.py summary [LOG]              print the last summary result:
                                         pass, fail (or what the kernel
                                         wrote), or none
    report.py check [LOG] [--strict] [--expect EXPR]... [--text RE]...
                    [--no-text RE]...
LOG "-" or no LOG reads stdin.

check: each --expect is a small expression over the records, e.g.
    smp.online == smp.possible == 8
    summary.result == "pass"
    len(tick.per_cpu) == 8 and min(tick.per_cpu) > 0
    exception.vector == 14 and "cr2" in exception
    count("exception") == 0
Names are record kinds (the last record of that kind), fields are reached
with ".", lists and objects with [...].  Arithmetic on numbers: + - * / //
(e.g. timers.fired + timers.cancelled + timers.pending == timers.armed).
Functions: len min max sum all any sorted nonzero values, field(LIST, KEY)
(that field of each record), sums(LIST, KEY) (each record's object field
summed), zipsum(LIST...) (element-wise sums), count(KIND) and
records(KIND) (the list of all records of a kind).
Only those forms are evaluated; no Python code runs.  --text RE must match
(re.search) some console line that is not an @report line, --no-text RE
must match none.  Each failed check prints what was expected and what was
found; exit status 0 all held, 1 some failed, 2 bad usage or unreadable log.
"""

import argparse
import ast
import json
import re
import sys

MARKER = "@report "


class LogError(Exception):
    pass


class EvalError(Exception):
    pass


class Log:
    """Records and human text lines of one console log."""

    def __init__(self, name, text):
        self.name = name
        self.records = []
        self.text_lines = []
        self.bad = []   # (line number, message) of malformed @report lines
        for lineno, line in enumerate(text.splitlines(), 1):
            line = line.rstrip("\r\n")
            pos = line.find(MARKER)
            if pos < 0:
                self.text_lines.append(line)
                continue
            self._parse_record(lineno, line[pos + len(MARKER):])

    def _parse_record(self, lineno, payload):
        payload = payload.strip()
        try:
            obj, end = json.JSONDecoder().raw_decode(payload)
        except ValueError as e:
            self.bad.append((lineno, "invalid JSON (%s): %s" % (e, payload[:200])))
            return
        if payload[end:].strip():
            self.bad.append((lineno, "text after the JSON object: %s" % payload[:200]))
            return
        if not isinstance(obj, dict) or not isinstance(obj.get("kind"), str):
            self.bad.append((lineno, "not an object with a string \"kind\": %s" % payload[:200]))
            return
        self.records.append(obj)

    def warn_bad(self, out=sys.stderr):
        for lineno, msg in self.bad:
            print("report.py: %s:%d: @report line skipped: %s" % (self.name, lineno, msg), file=out)

    def of_kind(self, kind):
        return [r for r in self.records if r["kind"] == kind]

    def last(self, kind):
        recs = self.of_kind(kind)
        return recs[-1] if recs else None


def load(path):
    """Parse the log at path ("-" for stdin) into a Log."""
    try:
        if path == "-":
            return Log("<stdin>", sys.stdin.buffer.read().decode("utf-8", "replace"))
        with open(path, "rb") as f:
            return Log(path, f.read().decode("utf-8", "replace"))
    except OSError as e:
        raise LogError("cannot read %s: %s" % (path, e.strerror))


# ---- expression evaluation -------------------------------------------------

_CMP = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}

# Arithmetic on numbers only (a sum of fields, a rate from a count and a window).
_ARITH = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
}

_FUNCS = {
    "len": len, "min": min, "max": max, "sum": sum, "all": all, "any": any,
    "sorted": sorted,
    # how many elements of a list are non-zero (e.g. CPUs that woke at all)
    "nonzero": lambda xs: sum(1 for x in xs if x),
    # an object's values as a list (e.g. sum(values(idle.wakeups_by_cause)))
    "values": lambda obj: list(obj.values()),
    # one field of each record of a list (e.g. field(records("residency_cpu"), "idle_pct"))
    "field": lambda objs, key: [o[key] for o in objs],
    # the sum of each record's object field (e.g. sums(records("residency_cpu"), "wakeups_by"))
    "sums": lambda objs, key: [sum(o[key].values()) for o in objs],
    # element-wise sums of lists of numbers of the same length
    "zipsum": lambda *lists: [sum(t) for t in zip(*lists)],
}


class Evaluator:
    """Evaluates one --expect expression; remembers what each field held."""

    def __init__(self, log, source):
        self.log = log
        self.source = source
        self.seen = []  # (source text, value) of names, fields, calls

    def run(self):
        try:
            tree = ast.parse(self.source.strip(), mode="eval")
        except SyntaxError as e:
            raise EvalError("cannot parse expression: %s" % e.msg)
        self.source = self.source.strip()
        return self.eval(tree.body)

    def _text(self, node):
        return ast.get_source_segment(self.source, node) or "?"

    def _note(self, node, value):
        text = self._text(node)
        if all(t != text for t, _ in self.seen):
            self.seen.append((text, value))
        return value

    def eval(self, node):
        method = getattr(self, "_eval_" + type(node).__name__, None)
        if method is None:
            raise EvalError("'%s' is not allowed in an expectation" % self._text(node))
        return method(node)

    def _eval_Constant(self, node):
        return node.value

    def _eval_List(self, node):
        return [self.eval(e) for e in node.elts]

    _eval_Tuple = _eval_List

    def _eval_Name(self, node):
        if node.id in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[node.id]
        rec = self.log.last(node.id)
        if rec is None:
            raise EvalError("no '%s' record in the log" % node.id)
        return rec

    def _eval_Attribute(self, node):
        base = self.eval(node.value)
        if not isinstance(base, dict):
            raise EvalError("%s is %s, not an object" % (self._text(node.value), _show(base)))
        if node.attr not in base:
            raise EvalError("%s has no field '%s' (fields: %s)" %
                            (self._text(node.value), node.attr, ", ".join(sorted(base))))
        return self._note(node, base[node.attr])

    def _eval_Subscript(self, node):
        base = self.eval(node.value)
        key = self.eval(node.slice)
        try:
            return self._note(node, base[key])
        except (KeyError, IndexError, TypeError):
            raise EvalError("%s has no element %s (it is %s)" %
                            (self._text(node.value), _show(key), _show(base)))

    def _eval_Index(self, node):
        # Python 3.8 wraps subscripts in ast.Index.
        return self.eval(node.value)

    def _eval_Call(self, node):
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise EvalError("unsupported call '%s'" % self._text(node))
        args = [self.eval(a) for a in node.args]
        name = node.func.id
        if name in ("count", "records"):
            if len(args) != 1 or not isinstance(args[0], str):
                raise EvalError("%s() takes one kind name string" % name)
            recs = self.log.of_kind(args[0])
            return self._note(node, len(recs) if name == "count" else recs)
        if name not in _FUNCS:
            raise EvalError("unknown function '%s'" % name)
        try:
            return self._note(node, _FUNCS[name](*args))
        except (TypeError, ValueError) as e:
            raise EvalError("%s failed: %s" % (self._text(node), e))

    def _eval_Compare(self, node):
        left = self.eval(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = self.eval(right_node)
            try:
                if not _CMP[type(op)](left, right):
                    return False
            except TypeError:
                raise EvalError("cannot compare %s with %s" % (_show(left), _show(right)))
            left = right
        return True

    def _eval_BoolOp(self, node):
        is_and = isinstance(node.op, ast.And)
        for v in node.values:
            r = self.eval(v)
            if is_and and not r:
                return r
            if not is_and and r:
                return r
        return r

    def _eval_BinOp(self, node):
        op = _ARITH.get(type(node.op))
        if op is None:
            raise EvalError("unsupported operator in '%s'" % self._text(node))
        left, right = self.eval(node.left), self.eval(node.right)
        for v in (left, right):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise EvalError("'%s' needs numbers, found %s" % (self._text(node), _show(v)))
        try:
            return op(left, right)
        except ZeroDivisionError:
            raise EvalError("division by zero in '%s'" % self._text(node))

    def _eval_UnaryOp(self, node):
        v = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            return not v
        if isinstance(node.op, ast.USub) and isinstance(v, (int, float)):
            return -v
        raise EvalError("unsupported operator in '%s'" % self._text(node))


def _show(value):
    text = json.dumps(value)
    return text if len(text) <= 300 else text[:297] + "..."


def expect(log, source):
    """Evaluate one expectation.  Returns (ok, message)."""
    ev = Evaluator(log, source)
    try:
        ok = bool(ev.run())
    except EvalError as e:
        return False, "expected %s: %s" % (source.strip(), e)
    if ok:
        return True, "ok %s" % source.strip()
    found = "; ".join("%s = %s" % (t, _show(v)) for t, v in ev.seen) or "false"
    return False, "expected %s, found %s" % (source.strip(), found)


def check_text(log, pattern, present):
    try:
        rx = re.compile(pattern)
    except re.error as e:
        return False, "bad regular expression %r: %s" % (pattern, e)
    hit = next((l for l in log.text_lines if rx.search(l)), None)
    if present and hit is None:
        return False, "expected console text matching /%s/, found none" % pattern
    if not present and hit is not None:
        return False, "expected no console text matching /%s/, found: %s" % (pattern, hit.strip())
    return True, "ok text /%s/" % pattern


def cmd_check(args):
    log = load(args.log)
    failures = []
    log.warn_bad()
    if args.strict:
        for lineno, msg in log.bad:
            failures.append("expected well-formed @report lines, found at line %d: %s" % (lineno, msg))
    for e in args.expect:
        ok, msg = expect(log, e)
        if not ok:
            failures.append(msg)
    for pattern in args.text:
        ok, msg = check_text(log, pattern, True)
        if not ok:
            failures.append(msg)
    for pattern in args.no_text:
        ok, msg = check_text(log, pattern, False)
        if not ok:
            failures.append(msg)
    for msg in failures:
        print("check failed: %s" % msg)
    return 1 if failures else 0


def cmd_summary(args):
    log = load(args.log)
    rec = log.last("summary")
    result = rec.get("result") if rec else None
    print(result if isinstance(result, str) and result else "none")
    return 0


def cmd_print(args):
    log = load(args.log)
    log.warn_bad()
    for rec in log.records:
        if not args.kind or rec["kind"] in args.kind:
            print(json.dumps(rec))
    return 0


def main(argv):
    if argv and argv[0] == "check":
        p = argparse.ArgumentParser(prog="report.py check",
                                    description="check expectations against a console log")
        p.add_argument("log", nargs="?", default="-")
        p.add_argument("--expect", action="append", default=[], metavar="EXPR")
        p.add_argument("--text", action="append", default=[], metavar="REGEX")
        p.add_argument("--no-text", action="append", default=[], metavar="REGEX")
        p.add_argument("--strict", action="store_true",
                       help="malformed @report lines are failures")
        fn, rest = cmd_check, argv[1:]
    elif argv and argv[0] == "summary":
        p = argparse.ArgumentParser(prog="report.py summary",
                                    description="print the result of the last summary record")
        p.add_argument("log", nargs="?", default="-")
        fn, rest = cmd_summary, argv[1:]
    else:
        p = argparse.ArgumentParser(prog="report.py",
                                    description="print the @report records of a console log",
                                    epilog="subcommands: 'check' and 'summary' (see --help of each)")
        p.add_argument("log", nargs="?", default="-")
        p.add_argument("--kind", action="append", default=[], help="only records of this kind")
        fn, rest = cmd_print, argv
    args = p.parse_args(rest)
    try:
        return fn(args)
    except LogError as e:
        print("report.py: %s" % e, file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
