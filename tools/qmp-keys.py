#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qmp-keys: type into the guest's PS/2 keyboard through QMP (run-qemu.sh --keys).

    qmp-keys.py --socket PATH --log LOG --keys FILE [--timeout S]

Theory: QEMU listens on a QMP unix socket (run-qemu.sh passes -qmp
unix:PATH,server=on,wait=off).  We connect, leave capabilities
negotiation mode, and wait until the guest's console log (LOG) holds the
shell's start record with "keyboard":"irq" or "poll": only then does the
kernel read the keyboard.  Then FILE is typed key by key with QMP
send-key, which QEMU turns into the scancodes of a real key press and
release on its i8042.  In FILE:

    a-z 0-9 space - = , . / ; ' [ ] ` \\   the key itself
    A-Z and the shifted symbols          the key with Shift held
    newline                              Enter
    {name} or {mod-name}                 QEMU key names (QAPI QKeyCode),
                                         joined by '-', pressed together:
                                         {left} {home} {end} {backspace}
                                         {ctrl-c} {ctrl-u} {shift-a} ...
    {{                                   a literal '{'

After each Enter we wait for one more "shell" record in the log (every
finished line gives exactly one, error or not), so a command that takes
a while (a CPU going down) cannot make typed keys pile up in QEMU's or
the kernel's small queues.  After a line that ends the shell (poweroff,
reboot) QEMU may go away; that is the normal end.  Nothing is written to
LOG; messages go to stderr, prefixed "qmp-keys:".

Exit status: 0 when every key was sent (or QEMU exited after the last
line), 1 if QEMU refused a key or the shell never answered, 2 on a usage
or connection problem.
"""

import argparse
import re
import sys
import time

from qmp import count_in_log, open_when_ready, run, wait_for  # tools/qmp.py

START_RE = re.compile(r'@report .*"kind" *: *"shell".*"cmd" *: *"start".*"keyboard" *: *"(irq|poll)"')
RECORD_RE = re.compile(r'@report .*"kind" *: *"shell"')

PLAIN = {" ": "spc", "-": "minus", "=": "equal", ",": "comma", ".": "dot", "/": "slash",
         ";": "semicolon", "'": "apostrophe", "[": "bracket_left", "]": "bracket_right",
         "`": "grave_accent", "\\": "backslash", "\n": "ret"}
SHIFTED = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8",
           "(": "9", ")": "0", "_": "minus", "+": "equal", "<": "comma", ">": "dot",
           "?": "slash", ":": "semicolon", '"': "apostrophe", "{": "bracket_left",
           "}": "bracket_right", "~": "grave_accent", "|": "backslash"}


def say(msg):
    print("qmp-keys: " + msg, file=sys.stderr, flush=True)


def parse_keys(text):
    """FILE's text -> list of key chords, each a list of QKeyCode names."""
    chords = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "{" and text.startswith("{{", i):
            chords.append(["shift", "bracket_left"])
            i += 2
            continue
        if c == "{":
            end = text.find("}", i)
            if end < 0:
                raise ValueError("unclosed '{' at offset %d" % i)
            chords.append(text[i + 1:end].split("-"))
            i = end + 1
            continue
        if c.islower() or c.isdigit():
            chords.append([c])
        elif c.isupper():
            chords.append(["shift", c.lower()])
        elif c in PLAIN:
            chords.append([PLAIN[c]])
        elif c in SHIFTED:
            chords.append(["shift", SHIFTED[c]])
        elif c != "\r":
            raise ValueError("no key for %r at offset %d" % (c, i))
        i += 1
    return chords


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--socket", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--keys", required=True)
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--answer-wait", type=float, default=60.0)
    a = ap.parse_args()
    deadline = time.monotonic() + a.timeout
    try:
        with open(a.keys, "r") as f:
            chords = parse_keys(f.read())
    except (OSError, ValueError) as e:
        say("cannot use %s: %s" % (a.keys, e))
        return 2
    qmp, status = open_when_ready(
        a.socket, a.log, START_RE, deadline, 0.05, say,
        "the shell never said it reads the keyboard; nothing typed")
    if qmp is None:
        return status
    lines = sum(1 for c in chords if c == ["ret"])
    done = 0
    for n, chord in enumerate(chords):
        before = count_in_log(a.log, RECORD_RE)
        try:
            reply = qmp.command("send-key", keys=[{"type": "qcode", "data": k} for k in chord],
                                **{"hold-time": 20})
        except (OSError, ConnectionError) as e:
            if done == lines or n == len(chords) - 1:
                return 0
            say("QEMU went away after %d of %d lines: %s" % (done, lines, e))
            return 1
        if "error" in reply:
            say("send-key %s: %s" % ("-".join(chord), reply["error"].get("desc")))
            return 1
        if chord != ["ret"]:
            time.sleep(0.03)
            continue
        done += 1
        if done == lines:
            continue  # the last line may end the run: no answer awaited
        if not wait_for(a.log, RECORD_RE, before + 1, time.monotonic() + a.answer_wait, 0.05):
            say("no shell record within %.0f s after line %d" % (a.answer_wait, done))
            return 1
    say("typed %d keys, %d lines" % (len(chords), lines))
    return 0


if __name__ == "__main__":
    run(main, say)
