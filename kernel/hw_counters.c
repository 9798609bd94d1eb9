// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hw_counters: the names the reports give the hardware counters
 * (kernel/hw_counters.h).  Constant data, portable.
 */
#include "kernel/hw_counters.h"

static const char *const names[HWC_NR] = {
	[HWC_TSC] = "tsc",
	[HWC_APERF] = "aperf",
	[HWC_MPERF] = "mperf",
	[HWC_CORE_C1] = "core_c1",
	[HWC_CORE_C3] = "core_c3",
	[HWC_CORE_C6] = "core_c6",
	[HWC_CORE_C7] = "core_c7",
	[HWC_PKG_C2] = "pkg_c2",
	[HWC_PKG_C3] = "pkg_c3",
	[HWC_PKG_C6] = "pkg_c6",
	[HWC_PKG_C7] = "pkg_c7",
	[HWC_PKG_C8] = "pkg_c8",
	[HWC_PKG_C9] = "pkg_c9",
	[HWC_PKG_C10] = "pkg_c10",
	[HWC_ENERGY_PKG] = "energy_pkg",
	[HWC_ENERGY_CORE] = "energy_core",
	[HWC_ENERGY_DRAM] = "energy_dram",
};

const char *hw_counter_name(enum hw_counter c)
{
	return (uint32_t)c < HWC_NR && names[c] ? names[c] : "?";
}
