// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x2apic: the local APIC through MSRs 0x800-0x8ff (SDM Vol. 3A §11.12).
 *
 * MMIO offset X is MSR 0x800 + X/16 (§11.12.1.2).  The ICR is one 64-bit
 * MSR (0x830) with the 32-bit destination in the high half (both encodings
 * in apic_encode.h, host-tested there); it has no delivery-status
 * bit (§11.12.9), so a send cannot report a stuck IPI.  WRMSR to x2APIC
 * registers is not serializing: wrmsr_fenced() orders earlier stores
 * before the IPI they may announce.  DFR does not exist in x2APIC mode.
 */
#include "arch/x86_64/apic_base.h"
#include "arch/x86_64/cpu.h"
#include "drivers/apic/lapic.h"

static uint32_t x2apic_read(uint32_t reg)
{
	return (uint32_t)rdmsr(apic_x2apic_msr(reg));
}

static void x2apic_write(uint32_t reg, uint32_t val)
{
	if (reg == LAPIC_DFR)
		return;
	if (reg == LAPIC_EOI)	/* EOI orders nothing we wrote: no fence */
		wrmsr(apic_x2apic_msr(reg), val);
	else
		wrmsr_fenced(apic_x2apic_msr(reg), val);
}

static bool x2apic_send_icr(uint32_t dest, uint32_t icr_lo)
{
	wrmsr_fenced(apic_x2apic_msr(LAPIC_ICR_LO),
		     apic_x2apic_icr(dest, icr_lo));
	return true;
}

static void x2apic_enable_mode(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	/* xAPIC-enabled -> x2APIC is the legal path (SDM §11.12.5). */
	if (!(base & APIC_BASE_EN)) {
		base |= APIC_BASE_EN;
		wrmsr(MSR_APIC_BASE, base);
	}
	if (!(base & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
}

const struct lapic_backend x2apic_backend = {
	.name = "x2apic",
	.read = x2apic_read,
	.write = x2apic_write,
	.send_icr = x2apic_send_icr,
	.enable_mode = x2apic_enable_mode,
};
