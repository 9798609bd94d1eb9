#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bochs-pty.py: run Bochs's `term` display with no one watching.

Usage: tools/bochs-pty.py BOCHS-COMMAND...   (tools/run-bochs.sh uses it)

Theory: the only display Debian builds without an X server is `term`, and
it needs a terminal twice.  Bochs's own standard streams must be a terminal
(we give it a pseudo-terminal), and with the debugger built in, as in
Debian's build, the term display draws the VGA screen on a second
pseudo-terminal it opens itself, printing 'Bochs connected to screen
"/dev/pts/N"' for a person to attach to.  Nobody reads that one's other
end, so after a few kilobytes of screen updates Bochs blocks in a write
and the guest stops (the residency report, which redraws the whole screen,
was where it stopped).  We read Bochs's output, find that line, open the
screen's terminal in raw mode without echo, and throw away everything on
both until Bochs exits.  Nothing goes to Bochs's input.  SIGTERM, SIGINT
or SIGHUP to us is passed on to Bochs (which runs in a session of its own,
the pseudo-terminal's) as SIGHUP, the one signal its term display quits on
(it catches SIGTERM and goes on); SIGKILL follows if it has not exited 5 s
later.  We wait for it to exit.
"""

import os
import pty
import re
import select
import signal
import sys
import tty

SCREEN_RE = re.compile(rb'connected to screen "(/dev/pts/[0-9]+)"')


def main(argv):
    if not argv:
        print("usage: bochs-pty.py BOCHS-COMMAND...", file=sys.stderr)
        return 2
    pid, master = pty.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)

    def stop(signum, frame):
        os.kill(pid, signal.SIGHUP)
        signal.alarm(5)

    def kill(signum, frame):
        os.kill(pid, signal.SIGKILL)

    signal.signal(signal.SIGALRM, kill)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
    fds = [master]
    seen = b""
    while fds:
        ready, _, _ = select.select(fds, [], [])
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                fds.remove(fd)
                continue
            if fd != master or len(fds) > 1:
                continue
            seen = (seen + data)[-512:]
            m = SCREEN_RE.search(seen)
            if m:
                screen = os.open(m.group(1), os.O_RDWR | os.O_NOCTTY)
                tty.setraw(screen)
                fds.append(screen)
        if master not in fds:
            break
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code     # a signal, as the shell says


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
