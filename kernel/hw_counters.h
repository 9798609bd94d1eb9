/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hw_counters: the hardware's own idle and energy counters, as portable
 * values.  The architecture reads them (arch/x86_64/hw_counters.c: MSRs
 * through a fault-tolerant rdmsr) on the CPU they belong to; the residency
 * accounting (kernel/residency.c) takes differences over a window and
 * reports them beside its own software figures, each labelled with its
 * source.  No CPU ever reads another CPU's counters.
 *
 * Values are cumulative and 64-bit: the architecture widens counters that
 * are narrower (the 32-bit energy counters wrap) from its own per-CPU last
 * reading, so a reader only subtracts.  Residency and APERF/MPERF counters
 * count at the TSC's rate (Intel SDM Vol. 3B §15.5, §18.17); energy counts
 * in the units arch_hw_energy_nj() converts.
 */
#ifndef PULLKERN_HW_COUNTERS_H
#define PULLKERN_HW_COUNTERS_H

#include <stdint.h>

enum hw_counter {
	HWC_TSC,
	HWC_APERF,		/* actual cycles while in C0 */
	HWC_MPERF,		/* TSC-rate cycles while in C0 */
	HWC_CORE_C1,		/* core residency counters */
	HWC_CORE_C3,
	HWC_CORE_C6,
	HWC_CORE_C7,
	HWC_PKG_C2,		/* package residency counters */
	HWC_PKG_C3,
	HWC_PKG_C6,
	HWC_PKG_C7,
	HWC_PKG_C8,
	HWC_PKG_C9,
	HWC_PKG_C10,
	HWC_ENERGY_PKG,		/* RAPL energy status, widened to 64 bits */
	HWC_ENERGY_CORE,
	HWC_ENERGY_DRAM,
	HWC_NR
};

struct hw_counters {
	uint64_t v[HWC_NR];
	uint32_t valid;		/* bit c set: v[c] was read */
};

/* Report names: "tsc", "aperf", "mperf", "core_c3", "pkg_c6", "energy_pkg", ... */
const char *hw_counter_name(enum hw_counter c);

#endif
