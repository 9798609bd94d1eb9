/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acpi: the few ACPI tables pullkern needs (RSDP, RSDT/XSDT, MADT, FADT, SRAT,
 * HPET: kernel/acpi_hpet.h).
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

#include "kernel/acpi_hpet.h"
#include "kernel/acpi_s5.h"
#include "kernel/acpi_spcr.h"

/*
 * Maps a physical range for reading; returns NULL if it cannot.
 * Kernel: identity map; tests: fake memory.  May be called several times
 * for the same table (header first, then the whole length).
 */
typedef const void *(*acpi_map_fn)(uint64_t phys, uint64_t len, void *ctx);

#define ACPI_MAX_CPUS 1024
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_LAPIC_NMIS 16
#define ACPI_NMI_ALL_CPUS 0xffffffffu	/* acpi_lapic_nmi.uid: every processor */

struct acpi_cpu {
	uint32_t apic_id;	/* xAPIC or x2APIC ID, as the MADT gives it */
	uint32_t uid;		/* ACPI processor UID */
	uint8_t entry_type;	/* MADT entry: 0 (Local APIC) or 9 (Local x2APIC) */
	bool enabled;		/* start it at boot; else a hot-add slot */
	uint32_t node;		/* dense NUMA node from the SRAT; 0 without one */
};

/* MADT type 1: one I/O APIC (ACPI 6.5 5.2.12.3). */
struct acpi_ioapic {
	uint8_t id;
	uint32_t phys;		/* its MMIO registers */
	uint32_t gsi_base;	/* the GSI of its input 0 */
};

/* MADT type 2: an ISA IRQ wired to another GSI or mode (ACPI 6.5 5.2.12.5). */
struct acpi_irq_override {
	uint8_t source;		/* ISA IRQ */
	uint32_t gsi;
	uint16_t flags;		/* MPS INTI flags: polarity bits 1:0, trigger 3:2 */
};

/*
 * MADT type 4 (Local APIC NMI, 8-bit UID, 0xff = all) or type 0xA (Local
 * x2APIC NMI, 32-bit UID, 0xffffffff = all): the local APIC input LINT0
 * or LINT1 of the named processor(s) is wired to NMI (ACPI 6.5 5.2.12.7,
 * 5.2.12.13).  Both broadcast UIDs are stored as ACPI_NMI_ALL_CPUS.
 */
struct acpi_lapic_nmi {
	uint32_t uid;		/* processor UID, or ACPI_NMI_ALL_CPUS */
	uint16_t flags;		/* MPS INTI flags: polarity bits 1:0, trigger 3:2 */
	uint8_t lint;		/* 0 or 1 */
	uint8_t entry_type;	/* 4 or 0xa */
};

/* What one LINT pin of one CPU gets from the NMI entries. */
struct acpi_nmi_pin {
	bool nmi;		/* program it as NMI; else it stays masked */
	bool active_low;	/* polarity; "conforms to the bus" reads as high */
	bool level;		/* the firmware's trigger (NMI is always edge: see acpi.c) */
};

/* How an interrupt input is wired, after the overrides. */
struct acpi_irq_route {
	uint32_t gsi;
	bool level;		/* else edge */
	bool active_low;	/* else active high */
	bool overridden;	/* a MADT override said so */
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
	uint32_t nioapic;	/* entries used in ioapics[] */
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	uint32_t noverride;	/* entries used in overrides[] */
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
	uint32_t nlapic_nmi;	/* entries used in lapic_nmis[] */
	struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];
	uint32_t lapic_nmi_refused;	/* NMI entries refused: bad LINT#, bad flags, repeats, overflow */
	bool fadt_ok;		/* a FADT with a valid checksum was found */
	uint32_t pm_timer_port;	/* ACPI PM timer I/O port, 0 = none */
	bool pm_timer_32bit;	/* FADT TMR_VAL_EXT: counter is 32 bits, else 24 */
	/* FADT fields for the SCI and general-purpose events (docs/acpi-hotplug.md) */
	bool sci_ok;		/* the FADT is long enough to name the SCI */
	uint16_t sci_int;	/* SCI_INT: the SCI's ISA IRQ (or GSI without a PIC) */
	uint32_t smi_cmd;	/* SMI_CMD port, 0 = ACPI mode is fixed */
	uint8_t acpi_enable;	/* value for SMI_CMD that enters ACPI mode */
	uint32_t pm1a_evt_port;	/* PM1a_EVT_BLK (X_ form preferred), 0 = none */
	uint8_t pm1_evt_len;
	uint32_t pm1a_cnt_port;	/* PM1a_CNT_BLK (X_ form preferred), 0 = none */
	uint32_t gpe0_port;	/* GPE0_BLK (X_ form preferred), 0 = none */
	uint8_t gpe0_len;	/* GPE0_BLK_LEN: status half, then enable half */
	/* FADT IAPC_BOOT_ARCH (revision 2 on): boot_arch_ok false means "not said" */
	bool boot_arch_ok;
	bool has_8042;		/* bit 1: an 8042 keyboard controller is present */
	/* FADT RESET_REG / RESET_VALUE, when RESET_REG_SUP and usable */
	bool reset_ok;
	bool reset_io;		/* system I/O port, else system memory */
	uint64_t reset_addr;
	uint8_t reset_value;
	uint32_t numa_nodes;	/* distinct SRAT proximity domains of CPUs; 1 without SRAT */
	bool srat_ok;		/* a valid SRAT assigned nodes */
	uint32_t srat_unnamed;	/* CPUs a valid SRAT does not name: on node 0 */
	struct acpi_hpet hpet;	/* the HPET table (kernel/acpi_hpet.c); hpet.ok false without one */
	struct acpi_s5 s5;	/* soft-off: kernel/acpi_s5.c */
	struct acpi_spcr spcr;	/* the SPCR's serial console (kernel/acpi_spcr.h) */
};

/*
 * How the FADT's SCI reaches the I/O APIC: the MADT override for its IRQ
 * if there is one, else GSI = SCI_INT; a "conforms to the bus" mode reads
 * as the SCI's own, level and active low (ACPI 6.5 5.2.9, SCI_INT).
 * False (and *out untouched) when the FADT named no SCI.
 */
bool acpi_sci_route(const struct acpi_info *info, struct acpi_irq_route *out);

/*
 * The LINT0/LINT1 wiring of the CPU with APIC ID `apic_id` from the MADT's
 * NMI entries: pins[0] for LINT0, pins[1] for LINT1.  A CPU the MADT does
 * not list matches only the entries for all processors.  Returns how many
 * of the two pins are NMI.
 */
uint32_t acpi_nmi_pins(const struct acpi_info *info, uint32_t apic_id,
		       struct acpi_nmi_pin pins[2]);

/*
 * Parse the tables reached from the RSDP copy at `rsdp` (rsdp_len bytes,
 * e.g. the multiboot2 ACPI tag payload).  `out` is fully overwritten.
 */
void acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
		struct acpi_info *out);

#endif
