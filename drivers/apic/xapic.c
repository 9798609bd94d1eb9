// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xapic: the local APIC through its 4 KiB MMIO page (SDM Vol. 3A §11.4).
 *
 * The page is identity-mapped uncached by the boot page tables.  The ICR
 * is two 32-bit registers: the high word (destination in bits 31:24) is
 * written first, the low word's write sends the IPI.  Its delivery-status
 * bit says whether the previous IPI has left; we wait for it, bounded,
 * before writing a new one.  Callers hold interrupts off across the pair.
 *
 * The MMIO base lives here, with the only backend that uses it (and
 * ap_entry.S); lapic.c sets it and this file needs nothing from lapic.c,
 * so the interface and its backends do not depend on each other both ways.
 */
#include "arch/x86_64/apic_base.h"
#include "arch/x86_64/cpu.h"
#include "drivers/apic/lapic.h"
#include "kernel/time.h"

/* Polls of ICR delivery status before giving up (each is an MMIO read). */
#define ICR_IDLE_US	1000

/* Set by lapic_init_bsp() from IA32_APIC_BASE before any AP starts; read-only after. */
uint64_t lapic_mmio_base = 0xfee00000;	/* the architectural default */

static inline volatile uint32_t *reg_ptr(uint32_t reg)
{
	return (volatile uint32_t *)(lapic_mmio_base + reg);
}

static uint32_t xapic_read(uint32_t reg)
{
	return *reg_ptr(reg);
}

static void xapic_write(uint32_t reg, uint32_t val)
{
	*reg_ptr(reg) = val;
}

static bool icr_wait_idle(void)
{
	uint64_t deadline = time_deadline_us(ICR_IDLE_US);

	while (xapic_read(LAPIC_ICR_LO) & ICR_DELIVERY_PENDING) {
		if (time_after_deadline(deadline))
			return false;
		cpu_pause();
	}
	return true;
}

static bool xapic_send_icr(uint32_t dest, uint32_t icr_lo)
{
	bool idle = icr_wait_idle();

	xapic_write(LAPIC_ICR_HI, apic_xapic_icr_hi(dest));
	xapic_write(LAPIC_ICR_LO, icr_lo);
	return idle && icr_wait_idle();
}

static void xapic_enable_mode(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_EN))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN);
	/* Flat model, all in logical group 1: unused, but defined. */
	xapic_write(LAPIC_DFR, 0xffffffff);
}

const struct lapic_backend xapic_backend = {
	.name = "xapic",
	.read = xapic_read,
	.write = xapic_write,
	.send_icr = xapic_send_icr,
	.enable_mode = xapic_enable_mode,
};
