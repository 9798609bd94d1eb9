// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acpi_spcr: the serial console named by the SPCR table.
 *
 * Theory.  Firmware that redirects its own console to a serial port says
 * so in the SPCR table (Microsoft's "Serial Port Console Redirection
 * Table"; revisions 1 to 4).  The console follows it in preference to
 * probing the PC COM ports (docs/consoles.md), so the table decides where
 * a server's console goes: COM2, an MMIO UART, the BMC's serial-over-LAN.
 * The layout, after the common 36-byte header (ACPI 6.5 5.2.6):
 *
 *   36  interface type (revision 1: 0 = 16550, 1 = 16450; from revision 2
 *       the serial subtypes of Microsoft's DBG2 table, where 0x12 is
 *       "16550-compatible, parameters from the GAS")
 *   40  base address, a Generic Address Structure (ACPI 6.5 5.2.3.2):
 *       space, register bit width, bit offset, access size, address;
 *       address 0 means console redirection is off
 *   52  interrupt type (bit 0: PC-AT 8259 IRQ, bit 1: I/O APIC GSI),
 *   53  IRQ, 54 GSI (4 bytes), 58 baud code (0 = as the firmware left
 *       it, 3/4/6/7 = 9600/19200/57600/115200), 59 parity, 60 stop
 *       bits, 61 flow control, 62 terminal type, 63 reserved,
 *   64  PCI identification (12 bytes), 76 UART clock in Hz (revision 3,
 *       0 = not given)
 *   80  revision 4: precise baud rate (4 bytes, 0 = use the code at 58),
 *   84  namespace string length and offset: 88 bytes at least.
 *
 * Everything is read only after the length check for its revision: 80
 * bytes for revisions 1-3, 88 for 4 and later.  We accept the 16550 and
 * 16450 kinds (0, 1, 0x12) in system I/O (8-bit registers, stride 1,
 * from port 0x100, above the PC's fixed devices whose registers a probe
 * must not write, to 0xFFF8) or system memory (8-bit registers stride 1, or
 * 32-bit registers stride 4: the GAS access size when it is given, else
 * its register bit width; above 4 GiB too).  A bit offset, another
 * width, another space or an unknown baud code refuses the table with
 * one line; the console then probes the COM ports as if there were none.
 * Parity and stop bits are not read: the console always programs 8N1,
 * what every SPCR console we know of uses.
 *
 * Locking: runs once from acpi_parse() on the boot CPU; no state.
 */
#include "kernel/acpi_spcr.h"
#include "kernel/acpi_table.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define SPCR_IFTYPE	36
#define SPCR_BASE	40	/* GAS: space, width, offset, access, address */
#define SPCR_INT_TYPE	52
#define SPCR_IRQ	53
#define SPCR_GSI	54
#define SPCR_BAUD	58
#define SPCR_CLOCK	76	/* revision 3 */
#define SPCR_PRECISE	80	/* revision 4 */
#define SPCR_LEN_R1	80	/* revisions 1-3 */
#define SPCR_LEN_R4	88

#define IF_16550	0x00
#define IF_16450	0x01
#define IF_16550_GAS	0x12

#define GAS_MEMORY	0
#define GAS_IO		1

#define INT_8259	0x01
#define INT_IOAPIC	0x02
#define ISA_IRQS	16

static bool refuse(struct acpi_spcr *out, const char *why)
{
	out->why = why;
	return false;
}

static bool iftype_ok(uint8_t rev, uint8_t type)
{
	if (type == IF_16550 || type == IF_16450)
		return true;
	return rev >= 2 && type == IF_16550_GAS;
}

/* The register width in bits: the GAS access size if given, else the bit width. */
static unsigned int gas_width(const uint8_t *gas)
{
	switch (gas[3]) {
	case 0:
		return gas[1];
	case 1:
		return 8;
	case 3:
		return 32;
	default:
		return 0;	/* 16 or 64 bits: no 16550 has them */
	}
}

static bool base_ok(const uint8_t *gas, struct acpi_spcr *out)
{
	uint64_t addr = acpi_rd64(gas + 4);
	unsigned int width = gas_width(gas);

	if (addr == 0)
		return refuse(out, "base address 0: console redirection is off");
	if (gas[2] != 0)
		return refuse(out, "register bit offset is not 0");
	if (width != 8 && width != 32)
		return refuse(out, "register width is neither 8 nor 32 bits");
	out->uart.addr = addr;
	if (gas[0] == GAS_IO) {
		if (width != 8)
			return refuse(out, "I/O registers wider than 8 bits");
		if (addr > 0xFFFF - 7)
			return refuse(out, "I/O port beyond 0xFFF8");
		if (addr < UART_IO_MIN)
			return refuse(out, "I/O port among the PC's fixed devices (below 0x100)");
		out->uart.access = UART_IO;
		return true;
	}
	if (gas[0] != GAS_MEMORY)
		return refuse(out, "address space is neither system memory nor I/O");
	out->uart.access = width == 32 ? UART_MMIO32 : UART_MMIO8;
	if (addr > UINT64_MAX - (uart_span(&out->uart) - 1))
		return refuse(out, "registers run past the top of memory");
	return true;
}

static bool baud_ok(const uint8_t *t, uint32_t len, struct acpi_spcr *out)
{
	static const uint32_t code_baud[8] = {
		[3] = 9600, [4] = 19200, [6] = 57600, [7] = 115200,
	};
	uint8_t code = t[SPCR_BAUD];

	if (code != 0 && (code >= 8 || !code_baud[code]))
		return refuse(out, "unknown baud rate code");
	out->uart.baud = code ? code_baud[code] : 0;
	if (out->revision >= 3)
		out->uart.clock_hz = acpi_rd32(t + SPCR_CLOCK);
	if (out->revision >= 4 && len >= SPCR_LEN_R4 &&
	    acpi_rd32(t + SPCR_PRECISE))
		out->uart.baud = acpi_rd32(t + SPCR_PRECISE);
	return true;
}

/* The ISA IRQ the shell may route; 0 (poll) when the table gives none. */
static uint8_t isa_irq(const uint8_t *t)
{
	uint32_t gsi = acpi_rd32(t + SPCR_GSI);

	if ((t[SPCR_INT_TYPE] & INT_8259) && t[SPCR_IRQ] < ISA_IRQS)
		return t[SPCR_IRQ];
	/* without a MADT override, GSIs 0-15 are the ISA IRQs */
	if ((t[SPCR_INT_TYPE] & INT_IOAPIC) && gsi < ISA_IRQS)
		return (uint8_t)gsi;
	return 0;
}

bool acpi_spcr_decode(const uint8_t *t, uint32_t len, struct acpi_spcr *out)
{
	memset(out, 0, sizeof(*out));
	out->present = true;
	if (len < ACPI_SDT_HDR_LEN)
		return refuse(out, "shorter than its header");
	out->revision = t[8];
	if (len < SPCR_LEN_R1)
		return refuse(out, "shorter than the 80 bytes of revisions 1-3");
	if (out->revision >= 4 && len < SPCR_LEN_R4)
		return refuse(out, "shorter than the 88 bytes of revision 4");
	out->interface_type = t[SPCR_IFTYPE];
	if (!iftype_ok(out->revision, out->interface_type))
		return refuse(out, "interface type is not a 16550 or 16450");
	if (!base_ok(t + SPCR_BASE, out) || !baud_ok(t, len, out))
		return false;
	out->uart.irq = isa_irq(t);
	out->ok = true;
	return true;
}

void acpi_spcr_parse(const struct acpi_root *root, struct acpi_spcr *out)
{
	static const char *const access[] = {
		[UART_IO] = "io", [UART_MMIO8] = "mmio", [UART_MMIO32] = "mmio32",
	};
	enum acpi_table_err e;	/* a broken table: acpi_find_table() said why */
	const uint8_t *t = acpi_find_table(root, "SPCR", &e);

	memset(out, 0, sizeof(*out));
	if (!t)		/* no SPCR is the common case: silent */
		return;
	if (!acpi_spcr_decode(t, acpi_rd32(t + 4), out)) {
		kprintf("acpi: SPCR rev %u refused: %s\n", out->revision, out->why);
		return;
	}
	kprintf("acpi: SPCR rev %u: console on %s %#llx, interface type %#x, baud %u%s, IRQ %u\n",
		out->revision, access[out->uart.access],
		(unsigned long long)out->uart.addr, out->interface_type,
		out->uart.baud, out->uart.baud ? "" : " (as set)",
		out->uart.irq);
}
