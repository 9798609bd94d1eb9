/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acpi_hpet: the ACPI HPET table (the IA-PC HPET specification 1.0a,
 * section 3.2.4, "The ACPI 2.0 HPET Description Table"): where the first
 * event timer block's registers are.  Parsed by kernel/acpi_hpet.c from
 * acpi_parse(); the TSC calibration (arch/x86_64/tsc.c) hands `base` to
 * drivers/hpet/, which checks the hardware itself before trusting it.
 */
#ifndef PULLKERN_ACPI_HPET_H
#define PULLKERN_ACPI_HPET_H

#include <stdbool.h>
#include <stdint.h>

#define ACPI_HPET_LEN		56	/* header + the fields up to the OEM attribute */
#define ACPI_HPET_REGS_LEN	1024	/* the register block the base address names */

struct acpi_hpet {
	bool ok;		/* a valid table gave a usable base address */
	uint64_t base;		/* physical, system memory, 1 KiB aligned */
	uint8_t number;		/* HPET sequence number */
	uint16_t min_tick;	/* main counter ticks, the least periodic interval */
	bool counter_64bit;	/* the table's COUNT_SIZE_CAP (the hardware says again) */
	uint8_t comparators;	/* in the first block (the field is "number - 1") */
	uint16_t vendor;	/* PCI vendor ID of the block */
};

struct acpi_root;

/* The first valid HPET table of the root table into *out (zeroed first). */
void acpi_hpet_parse(const struct acpi_root *root, struct acpi_hpet *out);

#endif
