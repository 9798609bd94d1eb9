# SPDX-License-Identifier: GPL-2.0-or-later
"""qmp: the QMP client and console-log watching shared by the tools that drive a running QEMU.

    from qmp import Qmp, count_in_log, wait_for, topo_key, open_when_ready, run

Theory: QEMU listens on a QMP unix socket (run-qemu.sh and bench-linux.sh
pass -qmp unix:PATH,server=on,wait=off), which may not exist yet when we
start: Qmp() retries the connect every 0.1 s until its deadline, reads the
greeting and leaves capabilities negotiation mode (qmp_capabilities).
QMP is one JSON object a line; command() sends one command and reads until
its "return" or "error", keeping the asynchronous events that arrive
meanwhile in .events (no caller needs them yet; they are only not lost).
A closed connection raises ConnectionError, a torn line ValueError.

The guest's console log is a file QEMU's serial output goes to; we only
read it.  count_in_log() counts the lines a regular expression finds in
it (0 while it does not exist yet), wait_for() polls that count until it
reaches at_least or the deadline passes (every `poll` seconds: each
caller keeps its own pace).  topo_key() orders query-hotpluggable-cpus
slots by their topology properties, so "the first free slots" are the
same on every run.

The scripts share their exits too: open_when_ready() connects and then
waits for the guest's "ready" line (2 when QEMU cannot be reached, 1 when
the guest never got ready), and run() turns a conversation that breaks off
later into exit status 2 with one message.
"""

import json
import socket
import sys
import time

ERRORS = (OSError, ConnectionError, ValueError)
TOPO_KEYS = ("node-id", "socket-id", "die-id", "cluster-id", "core-id", "thread-id")


class Qmp:
    def __init__(self, path, deadline):
        self.sock = None
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                break
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.sock = s
        self.buf = b""
        self.events = []
        self.read_msg()  # the greeting
        self.command("qmp_capabilities")

    def read_msg(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self.read_msg()
            if "return" in reply or "error" in reply:
                return reply
            if "event" in reply:
                self.events.append(reply)

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def count_in_log(path, regex):
    try:
        with open(path, "r", errors="replace") as f:
            return sum(1 for line in f if regex.search(line))
    except OSError:
        return 0


def wait_for(path, regex, at_least, deadline, poll):
    while time.monotonic() < deadline:
        if count_in_log(path, regex) >= at_least:
            return True
        time.sleep(poll)
    return False


def topo_key(slot):
    props = slot.get("props", {})
    return tuple(props.get(k, -1) for k in TOPO_KEYS)


def open_when_ready(path, log, ready_re, deadline, poll, say, not_ready):
    """(Qmp, None) once LOG holds a ready_re line, else (None, exit status)."""
    try:
        qmp = Qmp(path, deadline)
    except ERRORS as e:
        say("cannot talk to QEMU at %s: %s" % (path, e))
        return None, 2
    if not wait_for(log, ready_re, 1, deadline, poll):
        say(not_ready)
        return None, 1
    return qmp, None


def run(main, say):
    """sys.exit(main()); a QMP conversation that breaks off exits 2."""
    try:
        sys.exit(main())
    except ERRORS as e:
        say("QMP conversation ended: %s" % e)
        sys.exit(2)
