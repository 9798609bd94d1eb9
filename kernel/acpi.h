/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acpi: the few ACPI tables pullkern needs (RSDP, RSDT/XSDT, MADT, FADT, SRAT).
 *
 * acpi_parse() reads firmware tables as untrusted bytes through a caller
 * supplied map function and fills a struct acpi_info.  It never fails hard:
 * any problem leaves madt_ok (or fadt_ok) false with a static `error`
 * string and a kprintf line, and the caller falls back (single CPU, no PM
 * timer).  It runs once, on the BSP, before any other CPU exists, so the
 * result needs no lock; publish it to other CPUs with the release that
 * starts them.
 */
#ifndef PULLKERN_ACPI_H
#define PULLKERN_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Maps a physical range for reading; returns NULL if it cannot.
 * Kernel: identity map; tests: fake memory.  May be called several times
 * for the same table (header first, then the whole length).
 */
typedef const void *(*acpi_map_fn)(uint64_t phys, uint64_t len, void *ctx);

#define ACPI_MAX_CPUS 1024

struct acpi_cpu {
	uint32_t apic_id;	/* xAPIC or x2APIC ID, as the MADT gives it */
	uint32_t uid;		/* ACPI processor UID */
	uint8_t entry_type;	/* MADT entry: 0 (Local APIC) or 9 (Local x2APIC) */
	bool enabled;		/* start it at boot; else a hot-add slot */
	uint32_t node;		/* dense NUMA node from the SRAT; 0 without one */
};

struct acpi_info {
	bool madt_ok;		/* false: caller boots single-CPU; `error` says why */
	const char *error;	/* static string, NULL when ok */
	uint8_t rsdp_revision;
	bool used_xsdt;
	uint64_t root_phys;	/* the RSDT or XSDT actually walked */
	uint8_t madt_revision;
	uint32_t madt_flags;	/* bit 0: PCAT_COMPAT (8259 pair present) */
	uint64_t lapic_phys;	/* MADT local APIC address, or the type 5 override */
	bool lapic_override;
	uint32_t ncpus;		/* entries used in cpus[] */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];	/* enabled ones and hot-add slots, in MADT order */
	uint32_t nenabled;	/* cpus[] with enabled set */
	uint32_t npossible;	/* == ncpus; hot-add slots are npossible - nenabled */
	uint32_t nskipped;	/* CPU entries dropped: broadcast, duplicate, unusable, over ACPI_MAX_CPUS */
	uint32_t nioapic;
	bool fadt_ok;		/* a FADT with a valid checksum was found */
	uint32_t pm_timer_port;	/* ACPI PM timer I/O port, 0 = none */
	bool pm_timer_32bit;	/* FADT TMR_VAL_EXT: counter is 32 bits, else 24 */
	uint32_t numa_nodes;	/* distinct SRAT proximity domains of CPUs; 1 without SRAT */
	bool srat_ok;		/* a valid SRAT assigned nodes */
};

/*
 * Parse the tables reached from the RSDP copy at `rsdp` (rsdp_len bytes,
 * e.g. the multiboot2 ACPI tag payload).  `out` is fully overwritten.
 */
void acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
		struct acpi_info *out);

#endif
