#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qmp-hotadd: plug CPUs into a running QEMU through QMP (run-qemu.sh --hotadd).

    qmp-hotadd.py --socket PATH --count K --after T --log LOG [--remove N] [--timeout S]

Theory: QEMU listens on a QMP unix socket (run-qemu.sh passes -qmp
unix:PATH,server=on,wait=off).  We connect, leave capabilities negotiation
mode, then wait until the guest's console log (LOG, the file QEMU's serial
output goes to) holds the kernel's `acpi_hotplug` record: only then does
the kernel listen for hot-add events.  T seconds later we ask QEMU for the
CPU slots (query-hotpluggable-cpus; a slot without "qom-path" is empty),
take the first K by their topology properties and plug them in one at a
time with device_add, with the driver name and properties the query gave.
After each we wait for one more `cpu_online` record with "source":"acpi"
in the log and print the host time from sending device_add to seeing it:
the latency a user sees, QMP, SCI, the kernel's hot-add and the serial
line included.  With --remove N we then ask for the removal of the first
N CPUs we plugged (device_del) and wait for the kernel's answer, an
`acpi_hotplug_event` record with "event":"remove" (pullkern refuses every
removal: the CPU stays).  Nothing is written to LOG (the kernel's lines must stay
whole); everything goes to stderr, one line each, prefixed "qmp-hotadd:".

Exit status: 0 if every device_add was accepted, 1 otherwise, 2 on a usage
or connection problem.
"""

import argparse
import re
import sys
import time

from qmp import count_in_log, open_when_ready, run, topo_key, wait_for  # tools/qmp.py

ONLINE_RE = re.compile(r'@report .*"kind" *: *"cpu_online".*"source" *: *"acpi"')
REMOVE_RE = re.compile(r'@report .*"kind" *: *"acpi_hotplug_event".*"event" *: *"remove"')
LISTEN_RE = re.compile(r'@report .*"kind" *: *"acpi_hotplug"')


def say(msg):
    print("qmp-hotadd: " + msg, file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--socket", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--after", type=float, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--remove", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--online-wait", type=float, default=30.0)
    a = ap.parse_args()
    deadline = time.monotonic() + a.timeout

    qmp, status = open_when_ready(
        a.socket, a.log, LISTEN_RE, deadline, 0.02, say,
        "the kernel never printed its acpi_hotplug record; no CPU plugged in")
    if qmp is None:
        return status
    time.sleep(a.after)
    reply = qmp.command("query-hotpluggable-cpus")
    if "error" in reply:
        say("query-hotpluggable-cpus failed: %s" % reply["error"].get("desc"))
        return 1
    free = sorted((s for s in reply["return"] if "qom-path" not in s), key=topo_key)
    if len(free) < a.count:
        say("asked to plug %d CPUs, QEMU has %d free slots" % (a.count, len(free)))
    ok = True
    added = []
    for i, slot in enumerate(free[: a.count]):
        props = {k: v for k, v in slot.get("props", {}).items()}
        desc = " ".join("%s=%s" % (k, props[k]) for k in sorted(props))
        before = count_in_log(a.log, ONLINE_RE)
        t0 = time.monotonic()
        reply = qmp.command("device_add", driver=slot["type"], id="hotadd%d" % i, **props)
        if "error" in reply:
            say("device_add %s %s: %s" % (slot["type"], desc, reply["error"].get("desc")))
            ok = False
            continue
        say("device_add %s %s: accepted" % (slot["type"], desc))
        added.append(("hotadd%d" % i, desc))
        if wait_for(a.log, ONLINE_RE, before + 1, t0 + a.online_wait, 0.02):
            say("%s online %.1f ms after device_add (host clock, to the cpu_online record)"
                % (desc, (time.monotonic() - t0) * 1000.0))
        else:
            say("%s: no cpu_online record within %.0f s" % (desc, a.online_wait))
    for dev_id, desc in added[: a.remove]:
        before = count_in_log(a.log, REMOVE_RE)
        t0 = time.monotonic()
        reply = qmp.command("device_del", id=dev_id)
        if "error" in reply:
            say("device_del %s (%s): %s" % (dev_id, desc, reply["error"].get("desc")))
            ok = False
            continue
        if wait_for(a.log, REMOVE_RE, before + 1, t0 + a.online_wait, 0.02):
            say("device_del %s (%s): the kernel answered %.1f ms later (host clock)"
                % (dev_id, desc, (time.monotonic() - t0) * 1000.0))
        else:
            say("device_del %s (%s): no answer within %.0f s" % (dev_id, desc, a.online_wait))
    return 0 if ok else 1


if __name__ == "__main__":
    run(main, say)
