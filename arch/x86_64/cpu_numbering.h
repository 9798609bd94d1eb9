/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu_numbering: which CPU gets which number, from the MADT's list, as a
 * pure function (arch/x86_64/cpu_numbering.c) so host tests can feed it
 * APIC IDs no emulator here produces (above 254, above 0xFFFF).
 */
#ifndef PULLKERN_ARCH_CPU_NUMBERING_H
#define PULLKERN_ARCH_CPU_NUMBERING_H

#include <stdbool.h>
#include <stdint.h>

struct acpi_info;

/* One CPU number's firmware facts. */
struct cpu_slot {
	uint32_t apic_id;	/* 32 bits: xAPIC or x2APIC ID */
	uint32_t node;		/* SRAT node (0 without one) */
	bool enabled;		/* start at boot; else a hot-add slot */
};

struct cpu_numbering {
	uint32_t count;		/* slots[] used, the boot CPU's included */
	uint32_t boot_cpus;	/* slots 0 .. boot_cpus - 1 are enabled */
	uint32_t unaddressable;	/* MADT CPUs skipped: their ID does not fit the mode */
	uint32_t over_limit;	/* MADT CPUs past `max` */
	const char *single_cpu_reason;	/* non-NULL: no usable MADT, only the boot CPU */
};

/*
 * Number the CPUs: slot 0 is the boot CPU (`bsp_apic_id`), then the
 * MADT's enabled CPUs in table order, then its hot-add slots; a CPU whose
 * ID cannot be addressed in the mode (`x2apic` false and ID > 254) is
 * skipped, and at most `max` slots are filled.  Each skip prints a line.
 */
void cpu_number(const struct acpi_info *acpi, uint32_t bsp_apic_id, bool x2apic,
		struct cpu_slot *slots, uint32_t max, struct cpu_numbering *out);

#endif
