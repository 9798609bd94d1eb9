// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acpi_hpet: the HPET description table, validated like every table.
 *
 * Layout (IA-PC HPET specification 1.0a, 3.2.4, offsets from the table's
 * start; the first 36 bytes are the common header, ACPI 6.5 5.2.6):
 *
 *   36  4  event timer block ID: bits 31:16 PCI vendor, 15 legacy
 *          replacement capable, 13 COUNT_SIZE_CAP (64-bit main counter),
 *          12:8 number of comparators - 1, 7:0 hardware revision
 *   40 12  base address, a generic address structure (ACPI 6.5 5.2.3.2)
 *   52  1  HPET number
 *   53  2  main counter minimum clock tick in periodic mode
 *   55  1  page protection and OEM attribute
 *
 * What we refuse, each with one line, leaving out->ok false (calibration
 * then goes without the HPET): a table shorter than 56 bytes, a base
 * address that is not in system memory (address space 0), 0, not aligned
 * to the register block's 1 KiB, or so high that the block would wrap.
 * The counter width and the minimum tick are only reported: we read the
 * main counter for calibration and never program a periodic timer, and
 * the driver reads the counter width from the hardware again.  The
 * hardware's own sanity checks (a period of at most 100 ns, a counter
 * that advances) are drivers/hpet/'s.
 *
 * Runs inside acpi_parse(), once, on the boot CPU: no locking.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kernel/acpi_hpet.h"
#include "kernel/acpi_table.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define HPET_BLOCK_ID		36
#define HPET_BASE_GAS		40
#define HPET_NUMBER		52
#define HPET_MIN_TICK		53
#define HPET_COUNT_SIZE_CAP	(1u << 13)
#define GAS_SYSTEM_MEMORY	0

static const char *hpet_base_problem(const uint8_t *gas, uint64_t addr)
{
	if (gas[0] != GAS_SYSTEM_MEMORY)
		return "not in system memory";
	if (addr == 0)
		return "address 0";
	if (addr & (ACPI_HPET_REGS_LEN - 1))
		return "not 1 KiB aligned";
	if (addr > UINT64_MAX - ACPI_HPET_REGS_LEN)
		return "block wraps";
	return NULL;
}

void acpi_hpet_parse(const struct acpi_root *root, struct acpi_hpet *out)
{
	enum acpi_table_err e;
	const uint8_t *t = acpi_find_table(root, "HPET", &e);
	const char *why;
	uint32_t len, id;
	uint64_t addr;

	memset(out, 0, sizeof(*out));
	if (!t) {
		if (e != ACPI_TE_MISSING)
			kprintf("acpi: HPET table %s; no HPET\n", acpi_table_err_text[e]);
		return;
	}
	len = acpi_rd32(t + 4);
	if (len < ACPI_HPET_LEN) {
		kprintf("acpi: HPET table of %u bytes, shorter than %u; no HPET\n",
			len, ACPI_HPET_LEN);
		return;
	}
	addr = acpi_rd64(t + HPET_BASE_GAS + 4);
	why = hpet_base_problem(t + HPET_BASE_GAS, addr);
	if (why) {
		kprintf("acpi: HPET base address unusable (%s: space %u, %#llx); no HPET\n",
			why, t[HPET_BASE_GAS], (unsigned long long)addr);
		return;
	}
	id = acpi_rd32(t + HPET_BLOCK_ID);
	out->ok = true;
	out->base = addr;
	out->number = t[HPET_NUMBER];
	out->min_tick = acpi_rd16(t + HPET_MIN_TICK);
	out->counter_64bit = id & HPET_COUNT_SIZE_CAP;
	out->comparators = (uint8_t)(((id >> 8) & 0x1f) + 1);
	out->vendor = (uint16_t)(id >> 16);
	kprintf("acpi: HPET %u at %#llx: %u comparators, %u-bit counter, vendor %#x, min tick %u\n",
		out->number, (unsigned long long)addr, out->comparators,
		out->counter_64bit ? 64 : 32, out->vendor, out->min_tick);
}
