#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""acpi-table.py: build one ACPI table from a named recipe, for QEMU's -acpitable.

Usage: tools/acpi-table.py RECIPE OUT.bin
       tools/acpi-table.py --list

run-qemu.sh --acpi-table RECIPE calls this and hands the file to QEMU with
`-acpitable file=OUT.bin`: QEMU then lists the table in its RSDT/XSDT beside
its own (QEMU's -acpitable documentation).  The file is a whole table: the
common 36-byte header (ACPI 6.5 5.2.6) followed by the body, with the
checksum fixed so the whole table sums to zero.  A recipe is a function
below that returns (signature, revision, body bytes); add one per table a
test needs, named after what it describes.
"""
import struct
import sys

RECIPES = {}


def recipe(name):
    def register(fn):
        RECIPES[name] = fn
        return fn
    return register


def table(sig, rev, body):
    """The whole table: header (OEM fields "PKTEST"), body, checksum fixed."""
    length = 36 + len(body)
    hdr = struct.pack("<4sIBB6s8sI4sI", sig.encode(), length, rev, 0,
                      b"PKTEST", b"PKTABLE ", 1, b"PKTT", 1)
    data = bytearray(hdr + body)
    data[9] = (-sum(data)) & 0xFF
    return bytes(data)


def gas(space, width_bits, offset, access, addr):
    """A Generic Address Structure (ACPI 6.5 5.2.3.2), 12 bytes."""
    return struct.pack("<BBBBQ", space, width_bits, offset, access, addr)


# SPCR (Microsoft's Serial Port Console Redirection table, revision 2):
# the console on COM2, a 16550 at I/O port 0x2F8, IRQ 3, 115200 baud.
@recipe("spcr-com2")
def spcr_com2():
    body = struct.pack("<B3s", 0, b"\0" * 3)            # 36: interface type 0: full 16550
    body += gas(1, 8, 0, 1, 0x2F8)                      # 40: base address, system I/O, byte access
    body += struct.pack("<BBIBBBBBB", 1, 3, 3, 7, 0, 1, 0, 0, 0)
    # 52: interrupt type (bit 0: PC-AT 8259 IRQ), 53: IRQ 3, 54: GSI 3,
    # 58: baud 7 = 115200, 59: parity none, 60: one stop bit, 61: no flow
    # control, 62: terminal VT100, 63: language 0
    body += struct.pack("<HHBBBIB4s", 0xFFFF, 0xFFFF, 0, 0, 0, 0, 0, b"\0" * 4)
    # 64: PCI device and vendor 0xFFFF (not a PCI device), bus, device,
    # function, flags, segment, reserved: 80 bytes in all
    return "SPCR", 2, body


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        for name in sorted(RECIPES):
            print(name)
        return 0
    if len(argv) != 3 or argv[1] not in RECIPES:
        sys.stderr.write("usage: acpi-table.py RECIPE OUT.bin | --list\n"
                         "recipes: %s\n" % " ".join(sorted(RECIPES)))
        return 2
    sig, rev, body = RECIPES[argv[1]]()
    with open(argv[2], "wb") as f:
        f.write(table(sig, rev, body))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
