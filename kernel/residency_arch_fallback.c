// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * residency_arch_fallback: weak stand-ins for the arch seam's idle-state
 * and hardware-counter functions that kernel/residency.c calls, for a
 * build whose arch does not provide them yet.  Each says what a machine
 * with no counter but the TSC and one idle state, HLT, would say.  The
 * arch's own definitions (strong) replace these at link time; once every
 * arch has them this file goes.
 *
 * No state, no locking.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch_services.h"
#include "kernel/hw_counters.h"

#define WEAK __attribute__((weak))

WEAK void arch_hw_counters_read(struct hw_counters *out);
WEAK const char *arch_hw_counter_status(enum hw_counter c);
WEAK uint64_t arch_hw_energy_nj(enum hw_counter c, uint64_t units);
WEAK uint64_t arch_tsc_khz(void);
WEAK uint32_t arch_idle_state_count(void);
WEAK const char *arch_idle_state_name(uint32_t i);
WEAK bool arch_idle_state_sleeps(uint32_t i);
WEAK uint32_t arch_idle_state(void);
WEAK const char *arch_idle_fallback(void);

WEAK void arch_hw_counters_read(struct hw_counters *out)
{
	for (int c = 0; c < HWC_NR; c++)
		out->v[c] = 0;
	out->v[HWC_TSC] = arch_cycles();
	out->valid = 1u << HWC_TSC;
}

WEAK const char *arch_hw_counter_status(enum hw_counter c)
{
	return c == HWC_TSC ? NULL : "no arch support";
}

WEAK uint64_t arch_hw_energy_nj(enum hw_counter c, uint64_t units)
{
	(void)c;
	(void)units;
	return 0;
}

WEAK uint64_t arch_tsc_khz(void)
{
	return 0;
}

WEAK uint32_t arch_idle_state_count(void)
{
	return 1;
}

WEAK const char *arch_idle_state_name(uint32_t i)
{
	return i == 0 ? "hlt" : "?";
}

WEAK bool arch_idle_state_sleeps(uint32_t i)
{
	return i == 0;
}

WEAK uint32_t arch_idle_state(void)
{
	return 0;
}

WEAK const char *arch_idle_fallback(void)
{
	return NULL;
}

WEAK const char *hw_counter_name(enum hw_counter c)
{
	static const char *const names[HWC_NR] = {
		[HWC_TSC] = "tsc", [HWC_APERF] = "aperf", [HWC_MPERF] = "mperf",
		[HWC_CORE_C1] = "core_c1", [HWC_CORE_C3] = "core_c3",
		[HWC_CORE_C6] = "core_c6", [HWC_CORE_C7] = "core_c7",
		[HWC_PKG_C2] = "pkg_c2", [HWC_PKG_C3] = "pkg_c3", [HWC_PKG_C6] = "pkg_c6",
		[HWC_PKG_C7] = "pkg_c7", [HWC_PKG_C8] = "pkg_c8", [HWC_PKG_C9] = "pkg_c9",
		[HWC_PKG_C10] = "pkg_c10", [HWC_ENERGY_PKG] = "energy_pkg",
		[HWC_ENERGY_CORE] = "energy_core", [HWC_ENERGY_DRAM] = "energy_dram",
	};

	return (uint32_t)c < HWC_NR ? names[c] : "?";
}
