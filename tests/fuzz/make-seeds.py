#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make-seeds.py: write the seed corpora of tests/fuzz/ (docs/fuzzing.md).

Each seed is a small, valid input in its target's layout, so the fuzzer
starts from the shapes the parsers accept: a QEMU-like ACPI system (RSDT
and XSDT, MADT with xAPIC and x2APIC entries, FADT of several revisions,
SRAT, HPET), a GRUB-like multiboot2 information block, command lines, format
programs, JSON writer programs and shell keystrokes.  Deterministic: running it again
rewrites the same bytes.  Usage: tests/fuzz/make-seeds.py [CORPUS_DIR]
"""
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "corpus")


def csum_fix(b, at):
    b[at] = 0
    b[at] = (-sum(b)) & 0xff


def sdt(sig, rev, body):
    t = bytearray(sig + struct.pack("<IBB6s8sI4sI", 36 + len(body), rev, 0,
                                    b"PKFUZZ", b"PULLKERN", 1, b"PKFZ", 1))
    t += body
    csum_fix(t, 9)
    return bytes(t)


def rsdp(rev, rsdt, xsdt):
    r = bytearray(b"RSD PTR " + b"\0" + b"PKFUZZ" + bytes([rev]) +
                  struct.pack("<IIQ", rsdt, 36, xsdt) + b"\0\0\0\0")
    r[8] = 0
    r[8] = (-sum(r[:20])) & 0xff
    r[32] = 0
    r[32] = (-sum(r)) & 0xff
    return bytes(r)


class Image:
    """Physical memory from address 0; tables 16-byte aligned from 0x40."""

    def __init__(self):
        self.mem = bytearray(0x40)

    def put(self, blob):
        while len(self.mem) % 16:
            self.mem.append(0)
        at = len(self.mem)
        self.mem += blob
        return at


def madt(ncpu, x2=0, rev=4, extra=b""):
    body = struct.pack("<II", 0xfee00000, 1)
    for i in range(ncpu):
        body += struct.pack("<BBBBI", 0, 8, i, i, 1)
    for i in range(x2):
        body += struct.pack("<BBHIII", 9, 16, 0, 300 + i, 1, 100 + i)
    body += struct.pack("<BBBBII", 1, 12, 0, 0, 0xfec00000, 0)
    body += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)
    body += struct.pack("<BBBBIH", 2, 10, 0, 9, 9, 0xd)
    body += struct.pack("<BBHQ", 5, 12, 0, 0xfee00000)
    return sdt(b"APIC", rev, body + extra)


def fadt(rev, length, dsdt=0, x_dsdt=0):
    b = bytearray(length - 36)

    def put(off, fmt, *v):
        struct.pack_into(fmt, b, off - 36, *v)
    put(46, "<H", 9)            # SCI_INT
    put(48, "<I", 0xb2)         # SMI_CMD
    put(52, "<B", 0xf1)         # ACPI_ENABLE
    put(56, "<I", 0x600)        # PM1a_EVT_BLK
    put(64, "<I", 0x604)        # PM1a_CNT_BLK
    put(76, "<I", 0x608)        # PM_TMR_BLK
    put(80, "<I", 0xafe0)       # GPE0_BLK
    put(88, "<B", 4)            # PM1_EVT_LEN
    put(91, "<B", 4)            # PM_TMR_LEN
    put(92, "<B", 16)           # GPE0_BLK_LEN
    put(89, "<B", 2)            # PM1_CNT_LEN
    put(40, "<I", dsdt)         # DSDT
    if length >= 148:
        put(140, "<Q", x_dsdt)  # X_DSDT
    put(112, "<I", 1 << 10 | 1 << 8)   # RESET_REG_SUP, TMR_VAL_EXT
    if length >= 129:
        put(109, "<H", 2)       # IAPC_BOOT_ARCH: 8042
        put(116, "<BBBBQ", 1, 8, 0, 1, 0xcf9)  # RESET_REG
        put(128, "<B", 6)
    if length >= 220:
        put(208, "<BBBBQ", 1, 32, 0, 3, 0x608)  # X_PM_TMR_BLK
    return sdt(b"FACP", rev, bytes(b))


def srat(doms):
    body = struct.pack("<IQ", 1, 0)
    for apic, dom in doms:
        if apic < 255:
            body += struct.pack("<BBBBIB3s", 0, 16, dom & 0xff, apic, 1, 0,
                                (dom >> 8).to_bytes(3, "little"))
            body += b"\0" * 4
        else:
            body += struct.pack("<BBHIIII", 2, 24, 0, dom, apic, 1, 0) + b"\0" * 4
    body += struct.pack("<BBIHQQIIQ", 1, 40, 0, 0, 0, 1 << 30, 0, 1, 0)
    return sdt(b"SRAT", 3, body)


def hpet(base=0xfed00000, space=0, length=56):
    """IA-PC HPET specification 1.0a, 3.2.4: block ID, base GAS, number, min tick."""
    body = struct.pack("<IBBBBQBHB", 0x8086a201, space, 64, 0, 0, base, 0, 0x80, 0)
    return sdt(b"HPET", 1, body[:length - 36])


def dsdt(aml):
    """A DSDT of AML bytes: the first table put into an Image lands at 0x40."""
    return sdt(b"DSDT", 2, aml)


# Name(_S5_, Package(4){Zero, Zero, Zero, Zero}), as QEMU writes it
S5_QEMU = bytes([0x08]) + b"_S5_" + bytes([0x12, 0x06, 0x04, 0, 0, 0, 0])
# \_S5_ with BytePrefix values and a two-byte PkgLength, behind a string
# holding the name (no NameOp before it: not the object)
S5_ROOT = (bytes([0x0d]) + b"x_S5_y\0" + bytes([0x08, 0x5c]) + b"_S5_" +
           bytes([0x12, 0x48, 0x00, 0x02, 0x0a, 0x07, 0x0a, 0x05]) + bytes(64))


def spcr(rev, iftype=0, space=1, width=8, access=1, addr=0x2f8, baud=7,
         length=80, precise=0):
    """An SPCR (the layout in kernel/acpi_spcr.c), length 80 or 88 bytes."""
    b = bytearray(length - 36)
    struct.pack_into("<B", b, 0, iftype)
    struct.pack_into("<BBBBQ", b, 4, space, width, 0, access, addr)
    struct.pack_into("<BBIBBB", b, 16, 1, 3, 3, baud, 0, 1)
    if length >= 88:
        struct.pack_into("<I", b, 44, precise)
    return sdt(b"SPCR", rev, bytes(b))


def acpi_system(rev, tables, broken_rsdp=False, unlisted=()):
    img = Image()
    for t in unlisted:
        img.put(t)
    addrs = [img.put(t) for t in tables]
    if rev >= 2:
        root = img.put(sdt(b"XSDT", 1, b"".join(struct.pack("<Q", a) for a in addrs)))
        r = rsdp(2, 0, root)
    else:
        root = img.put(sdt(b"RSDT", 1, b"".join(struct.pack("<I", a) for a in addrs)))
        r = rsdp(0, root, 0)
    rlen = 36 if rev >= 2 else 20
    flags = 1 if broken_rsdp else 0
    return bytes([flags, rlen]) + r + bytes(img.mem), r[:rlen], bytes(img.mem)


def acpi_seeds():
    yield "qemu-bios-rsdt", acpi_system(0, [fadt(1, 116), madt(4)])[0]
    yield "uefi-xsdt-fadt6", acpi_system(2, [fadt(6, 276), madt(8, x2=2, rev=5)])[0]
    yield "srat-two-nodes", acpi_system(2, [madt(4), fadt(3, 244),
                                            srat([(0, 0), (1, 0), (2, 1), (3, 1)])])[0]
    yield "srat-x2apic", acpi_system(2, [madt(2, x2=2), srat([(0, 0), (1, 1), (300, 2), (301, 2)])])[0]
    yield "madt-truncated-entry", acpi_system(0, [madt(2, extra=bytes([0, 8, 9, 9]))])[0]
    yield "hpet-qemu", acpi_system(0, [fadt(1, 116), madt(4), hpet()])[0]
    yield "hpet-one-byte-short", acpi_system(2, [madt(2), hpet(length=55)])[0]
    yield "hpet-io-space-then-valid", acpi_system(2, [madt(2), hpet(space=1, base=0x400),
                                                      hpet(base=0xfed01000)])[0]
    # LINT NMI entries: QEMU's (type 4, all, LINT1) and an x2APIC one (type 0xA)
    yield "madt-lint-nmi", acpi_system(2, [fadt(3, 244), madt(2, x2=1, extra=
        struct.pack("<BBBHB", 4, 6, 0xff, 0, 1) +
        struct.pack("<BBHIB3s", 0xa, 12, 0xd, 100, 0, b"\0\0\0"))])[0]
    yield "dsdt-s5-qemu", acpi_system(0, [fadt(1, 116, dsdt=0x40), madt(2)],
                                      unlisted=[dsdt(S5_QEMU)])[0]
    yield "x-dsdt-s5-root", acpi_system(2, [fadt(6, 276, x_dsdt=0x40), madt(2)],
                                        unlisted=[dsdt(S5_ROOT)])[0]
    yield "spcr-com2", acpi_system(0, [fadt(1, 116), madt(4), spcr(2)])[0]
    yield "spcr-mmio32-rev4", acpi_system(2, [madt(2), spcr(4, iftype=0x12, space=0, width=32, access=3,
                                                         addr=0xfe001000, length=88, precise=1500000)])[0]


def mbi(tags):
    body = b""
    for typ, payload in tags + [(0, b"")]:
        t = struct.pack("<II", typ, 8 + len(payload)) + payload
        while len(t) % 8:
            t += b"\0"
        body += t
    return struct.pack("<II", 8 + len(body), 0) + body


def mmap_tag(entries):
    return (6, struct.pack("<II", 24, 0) +
            b"".join(struct.pack("<QQII", b, l, t, 0) for b, l, t in entries))


def fb_tag(addr, w, h, bpp, typ):
    p = struct.pack("<QIIIBBH", addr, w * bpp // 8, w, h, bpp, typ, 0)
    if typ == 1:
        p += bytes([16, 8, 8, 8, 0, 8])
    return (8, p)


GRUB_MMAP = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
             (0x100000, 0x7fee0000, 1), (0x7ffe0000, 0x20000, 2),
             (0xfffc0000, 0x40000, 2)]


def mb2_seeds():
    yield "grub-bios", mbi([(1, b"scenario=idle seconds=2\0"), (2, b"GRUB 2.06\0"),
                            (4, struct.pack("<II", 639, 2096000)), mmap_tag(GRUB_MMAP),
                            (21, struct.pack("<I", 0x100000)),
                            fb_tag(0xb8000, 80, 25, 16, 2),
                            (14, rsdp(0, 0x7ffe1000, 0)[:20])])
    yield "grub-uefi", mbi([(1, b"console=fb quiet\0"), (12, struct.pack("<Q", 0x7fbfe018)),
                            (18, b""), fb_tag(0x80000000, 1024, 768, 32, 1),
                            mmap_tag(GRUB_MMAP + [(0x100000000, 1 << 32, 1)]),
                            (15, rsdp(2, 0x7ffe1000, 0x7ffe2000))])
    yield "modules-and-long-cmdline", mbi([(3, struct.pack("<II", 0x200000, 0x201000) + b"mod\0"),
                                           (1, b"seed=1 " * 150 + b"hz=1000\0")])


def chain_seeds():
    """MBI, then physical memory from 0: the RSDP tag points into it."""
    for name, (rev, tables, unlisted) in {
            "bios": (0, [fadt(1, 116), madt(4)], []),
            "uefi-srat": (2, [fadt(6, 276), madt(4, x2=1), srat([(0, 0), (1, 1), (2, 0), (3, 1)])], []),
            "bios-dsdt-s5": (0, [fadt(1, 116, dsdt=0x40), madt(2)], [dsdt(S5_QEMU)]),
    }.items():
        _, r, img = acpi_system(rev, tables, unlisted=unlisted)
        tag = 15 if rev >= 2 else 14
        yield name, mbi([(1, b"hz=250 seconds=2 bogus\0"), (tag, r), mmap_tag(GRUB_MMAP)]) + img


def cmdline_seeds():
    yield "typical", b"/boot/pullkern.elf scenario=idle seconds=2 quiet"
    yield "quoted", b'title="a b c" hz=250 cpus=8 tmigr=off unknown=1'
    yield "numbers", b"seconds=0x10 hz=99999999999999999999 cpus=-1 hz=1000"
    yield "cut-option", b"seed=1 " * 146 + b"hz=1000"
    yield "empty-values", b'= =x x= "" title="unterminated'


def format_seeds():
    # the format target's own language (fuzz_format.c): bytes pick pieces
    yield "plain", bytes(range(0, 64))
    yield "mixed", bytes([7, 3, 200, 17, 99, 4, 1, 250, 33, 0, 12, 80, 5, 128, 255, 1]) * 4


def json_seeds():
    yield "flat", bytes([0, 1, 2, 3, 4, 5, 6, 7, 8]) * 3
    yield "nested", bytes([9, 9, 9, 1, 10, 11, 2, 3, 12, 10, 4, 11, 5]) * 2
    yield "escapes", bytes([1, 0x22, 0x5c, 0x0a, 0x01, 0x7f, 0xff, 1, 2]) * 4


def shell_seeds():
    yield "commands", b"help\rcpus\rdown 3\rup 3\rtree\rtimers\r"
    yield "editing", b"dwn\x1b[D\x1b[Do\x1b[F 1\x7f2\r\x15junk\x03up 99999999999\r"
    yield "escapes", b"\x1b[1;5C\x1bOD\x1b[3~\x1b[12345678901234\t\xff\r\n"


def write(target, seeds):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    for name, blob in seeds:
        with open(os.path.join(d, name), "wb") as f:
            f.write(blob)


write("acpi", acpi_seeds())
write("mb2", mb2_seeds())
write("chain", chain_seeds())
write("cmdline", cmdline_seeds())
write("format", format_seeds())
write("json", json_seeds())
write("shell", shell_seeds())
