// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lapic_mode: the xAPIC-or-x2APIC decision, as a pure function.
 *
 * Made once on the BSP by lapic_init_bsp(), before any AP runs; every AP
 * then enters the same mode.  Portable (no x86 header, no state) so host
 * tests can cover the x2APIC outcomes, which QEMU TCG never reaches.
 *
 * Rules, first match wins:
 *
 *   1. Firmware handed over in x2APIC mode -> x2APIC, even with
 *      "apic=xapic": x2APIC -> xAPIC is not a legal transition; it goes
 *      through "disabled" (SDM Vol. 3A §11.12.5), and firmware that
 *      enabled x2APIC may have locked it or may need it for its IDs.
 *   2. "apic=x2apic" and the CPU has x2APIC -> x2APIC.
 *   3. "apic=x2apic" without CPU support: one warning line, then the
 *      rules below as if there were no x2APIC.
 *   4. Auto, the CPU has x2APIC, and an APIC ID above 254 -> x2APIC: xAPIC
 *      destinations are 8 bits with 0xff the broadcast ID (§11.6.1), so
 *      such a CPU cannot be addressed in xAPIC mode (§11.12).
 *   5. Otherwise xAPIC.  With an ID above 254 the reason says those CPUs
 *      stay off (smpboot skips each one it cannot address).
 *
 * "apic=xapic" with IDs above 254 on an x2APIC CPU is obeyed (rule 5):
 * the user asked for fewer CPUs.
 */
#include <stddef.h>

#include "drivers/apic/lapic_mode.h"
#include "kernel/printk.h"

/* Largest APIC ID an xAPIC destination can name (0xff is broadcast). */
#define XAPIC_MAX_ID	254u

static enum lapic_mode pick(bool has, bool fw_x2apic, uint32_t max_apic_id,
			    int force, const char **why)
{
	if (fw_x2apic) {
		*why = "firmware enabled x2APIC";
		return LAPIC_MODE_X2APIC;
	}
	if (force > 0 && has) {
		*why = "apic=x2apic on the command line";
		return LAPIC_MODE_X2APIC;
	}
	if (force > 0)
		kprintf("lapic: apic=x2apic asked, but the CPU has no x2APIC\n");
	if (force == 0 && has && max_apic_id > XAPIC_MAX_ID) {
		*why = "an APIC ID above 254 needs x2APIC";
		return LAPIC_MODE_X2APIC;
	}
	if (force < 0)
		*why = "apic=xapic on the command line";
	else if (max_apic_id > XAPIC_MAX_ID)
		*why = "APIC IDs above 254 but no x2APIC: those CPUs stay off";
	else
		*why = has ? "all APIC IDs fit xAPIC" : "the CPU has no x2APIC";
	return LAPIC_MODE_XAPIC;
}

enum lapic_mode lapic_mode_choose(bool cpu_has_x2apic,
				  bool firmware_enabled_x2apic,
				  uint32_t max_apic_id, int force,
				  const char **why)
{
	const char *reason;
	enum lapic_mode mode = pick(cpu_has_x2apic, firmware_enabled_x2apic,
				    max_apic_id, force, &reason);

	if (why)
		*why = reason;
	return mode;
}
