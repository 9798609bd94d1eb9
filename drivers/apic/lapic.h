/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lapic: the local APIC, in xAPIC (MMIO) or x2APIC (MSR) mode behind one
 * interface.  Register names are xAPIC MMIO offsets (Intel SDM Vol. 3A
 * Table 11-1); the x2APIC backend turns offset X into MSR 0x800 + X/16.
 * Every encoding (MSR numbers, ICR words, ID extraction, destination and
 * SIPI checks) lives in apic_encode.h; the mode decision in lapic_mode.c.
 */
#ifndef PULLKERN_DRIVERS_LAPIC_H
#define PULLKERN_DRIVERS_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/apic/apic_encode.h"

#define LAPIC_ID		0x020
#define LAPIC_VERSION		0x030
#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0b0
#define LAPIC_LDR		0x0d0
#define LAPIC_DFR		0x0e0
#define LAPIC_SVR		0x0f0
#define LAPIC_ESR		0x280
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_LVT_THERMAL	0x330
#define LAPIC_LVT_PERF		0x340
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_LVT_ERROR		0x370
#define LAPIC_TIMER_INIT	0x380
#define LAPIC_TIMER_CURRENT	0x390
#define LAPIC_TIMER_DIVIDE	0x3e0

#define LAPIC_SVR_ENABLE	(1u << 8)
#define LAPIC_LVT_MASKED	(1u << 16)

/* One backend per mode; chosen once at boot by lapic_init_bsp(). */
struct lapic_backend {
	const char *name;
	uint32_t (*read)(uint32_t reg);
	void (*write)(uint32_t reg, uint32_t val);
	/* Write the ICR; false if a previous IPI never left (xAPIC only). */
	bool (*send_icr)(uint32_t dest, uint32_t icr_lo);
	/* Put this CPU's APIC in the backend's mode. */
	void (*enable_mode)(void);
};

extern const struct lapic_backend xapic_backend;
extern const struct lapic_backend x2apic_backend;

/* Read by ap_entry.S before the AP has a stack: set before any AP is kicked. */
extern uint64_t lapic_mmio_base;
extern uint8_t lapic_x2apic_mode;

/*
 * Choose the mode: x2APIC when the CPU has it and an APIC ID above 254
 * needs it, the firmware already enabled it, or `force` asks for it
 * ("apic=x2apic"); xAPIC otherwise.  `madt_base` is the MADT's LAPIC
 * address (0 if none).  Prints and returns the reason.
 */
const char *lapic_init_bsp(uint64_t madt_base, uint32_t max_apic_id,
			   int force /* -1 xapic, 0 auto, 1 x2apic */);
struct acpi_info;
/*
 * BSP, once, before lapic_init_cpu() runs anywhere: the MADT whose NMI
 * entries lapic_init_cpu() programs into LINT0/LINT1 (kept, read-only).
 */
void lapic_set_nmi_wiring(const struct acpi_info *acpi);
/* Whether the firmware handed over with x2APIC already on (IA32_APIC_BASE.EXTD). */
bool lapic_firmware_x2apic(void);
/* How many CPUs programmed at least one LINT pin as NMI so far. */
uint32_t lapic_lint_nmi_cpus(void);
void lapic_init_cpu(void);		/* every CPU, on itself */
bool lapic_ready(void);
const char *lapic_mode_name(void);

uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t val);
uint32_t lapic_id(void);
void lapic_eoi(void);

bool lapic_send_ipi(uint32_t apic_id, uint8_t vector);
bool lapic_send_init(uint32_t apic_id);
bool lapic_send_sipi(uint32_t apic_id, uint8_t page);
bool lapic_send_nmi(uint32_t apic_id);
void lapic_send_nmi_all_but_self(void);

#endif
