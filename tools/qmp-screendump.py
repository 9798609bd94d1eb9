#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qmp-screendump: judge the guest's screen against its probe record (run-qemu.sh --screendump).

    qmp-screendump.py --socket PATH --log LOG --out FILE.ppm [--timeout S]

Theory: test=residency_screen (kernel/residency_screen_test.c) draws a
residency window of known colours and prints one record naming points of
the screen and the colour each must have:

    @report {"kind":"residency_screen_probe","screen":"fb","width":W,
             "height":H,"probes":[[x,y,0xRRGGBB],...]}
    @report {"kind":"residency_screen_probe","screen":"vga","cols":80,
             "rows":25,"probes":[[col,row,colour index],...]}

then waits for a judgement on the keyboard.  We wait for that record,
take QEMU's screendump (QMP `screendump`, a binary PPM of what the display
shows, written to FILE), read the probes' pixels, and type 'y' when every
one has its colour and 'n' otherwise (QMP send-key); the kernel reports
the answer and fails the run on 'n'.  For VGA text a probe is a cell:
we read its top-left pixel but one, which is background in every glyph
of the standard font, and compare with the default palette colour of the
index in the top six bits of each channel (the VGA DAC holds six bits a
channel, and how they are widened to eight differs between displays).  The framebuffer's size must match the screendump's, or nothing
is judged and the answer is 'n'.  Every mismatch is named on stderr,
prefixed "qmp-screendump:" (run.sh keeps it in the case's log).

Exit status: 0 judged (either answer), 1 the kernel never asked, 2 a
usage or connection problem.
"""

import argparse
import json
import re
import sys
import time

from qmp import open_when_ready, run  # tools/qmp.py

PROBE_RE = re.compile(r'@report .*"kind" *: *"residency_screen_probe"')
# The default VGA palette (16 colours as the BIOS loads them, 8 bits a channel).
VGA_PALETTE = [0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500,
               0xAAAAAA, 0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF,
               0xFFFF55, 0xFFFFFF]
DAC_BITS = 0xFCFCFC


def say(msg):
    print("qmp-screendump: " + msg, file=sys.stderr, flush=True)


def probe_record(log):
    with open(log, "r", errors="replace") as f:
        for line in f:
            if PROBE_RE.search(line):
                return json.loads(line[line.index("@report ") + 8:].strip())
    raise ValueError("no residency_screen_probe record in %s" % log)


def read_ppm(path):
    """(width, height, pixel bytes RGB) of a binary PPM (P6, maxval 255)."""
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError("%s is not an 8-bit binary PPM" % path)
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:]
    if len(pixels) < w * h * 3:
        raise ValueError("%s is short: %d bytes for %dx%d" % (path, len(pixels), w, h))
    return w, h, pixels


def rgb_at(img, x, y):
    w, h, px = img
    if not (0 <= x < w and 0 <= y < h):
        return None
    i = (y * w + x) * 3
    return px[i] << 16 | px[i + 1] << 8 | px[i + 2]


def judge(rec, img):
    """List of mismatches (empty: the screen matches)."""
    w, h, _ = img
    bad = []
    probes = rec.get("probes", [])
    if not probes:
        return ["the record names no probe (screen %s)" % rec.get("screen")]
    if rec.get("screen") == "fb":
        if (rec.get("width"), rec.get("height")) != (w, h):
            return ["framebuffer %sx%s, screendump %dx%d" % (rec.get("width"), rec.get("height"), w, h)]
        for x, y, want in probes:
            got = rgb_at(img, x, y)
            if got != want:
                bad.append("pixel (%d,%d) is %s, want #%06x" % (x, y, "outside" if got is None else "#%06x" % got, want))
    elif rec.get("screen") == "vga":
        cw, ch = w // rec["cols"], h // rec["rows"]
        for col, row, idx in probes:
            got = rgb_at(img, col * cw + 1, row * ch)
            if got is None or got & DAC_BITS != VGA_PALETTE[idx] & DAC_BITS:
                bad.append("cell (%d,%d) background is %s, want #%06x (index %d)" %
                           (col, row, "outside" if got is None else "#%06x" % got, VGA_PALETTE[idx], idx))
    else:
        bad.append("unknown screen %r" % rec.get("screen"))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--socket", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=300.0)
    a = ap.parse_args()
    deadline = time.monotonic() + a.timeout
    qmp, status = open_when_ready(a.socket, a.log, PROBE_RE, deadline, 0.1, say,
                                  "the kernel never named its probes; no screendump taken")
    if qmp is None:
        return status
    rec = probe_record(a.log)
    reply = qmp.command("screendump", filename=a.out)
    if "error" in reply:
        say("screendump: %s" % reply["error"].get("desc"))
        bad = ["no screendump"]
    else:
        bad = judge(rec, read_ppm(a.out))
    for b in bad:
        say(b)
    key = "n" if bad else "y"
    reply = qmp.command("send-key", keys=[{"type": "qcode", "data": key}], **{"hold-time": 50})
    if "error" in reply:
        say("send-key %s: %s" % (key, reply["error"].get("desc")))
        return 2
    say("%d probes, %s; typed '%s' (screendump %s)" %
        (len(rec.get("probes", [])), "mismatch" if bad else "all match", key, a.out))
    return 0


if __name__ == "__main__":
    run(main, say)
