/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lapic_mode: which local APIC mode to run in, decided from plain facts
 * (CPU support, firmware state, largest APIC ID, command line) so that
 * host tests can walk every rule.  See lapic_mode.c for the rules.
 */
#ifndef PULLKERN_DRIVERS_LAPIC_MODE_H
#define PULLKERN_DRIVERS_LAPIC_MODE_H

#include <stdbool.h>
#include <stdint.h>

enum lapic_mode {
	LAPIC_MODE_XAPIC,
	LAPIC_MODE_X2APIC,
};

/*
 * `cpu_has_x2apic`: CPUID.1:ECX[21].  `firmware_enabled_x2apic`:
 * IA32_APIC_BASE.EXTD at hand-over.  `max_apic_id`: largest APIC ID the
 * MADT lists.  `force`: -1 "apic=xapic", 0 auto, 1 "apic=x2apic".
 * Sets *why (if `why` is not NULL) to a static string saying why.
 */
enum lapic_mode lapic_mode_choose(bool cpu_has_x2apic,
				  bool firmware_enabled_x2apic,
				  uint32_t max_apic_id, int force,
				  const char **why);

#endif
