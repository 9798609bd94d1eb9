/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hw_model: which idle-residency and energy counters a processor model
 * documents, and at which MSR.  Pure data and lookup, no instruction:
 * portable, so the host tests check the table (test_hw_counters_model_table).
 */
#ifndef PULLKERN_ARCH_HW_MODEL_H
#define PULLKERN_ARCH_HW_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/hw_counters.h"

#define HWM_BIT(c)	(1u << (c))

/* The power-unit MSRs the energy counters' units come from. */
#define MSR_INTEL_RAPL_POWER_UNIT	0x606
#define MSR_AMD_RAPL_POWER_UNIT		0xc0010299

struct hw_model {
	const char *family_name;	/* "Skylake client", ...; NULL: not in the table */
	bool amd;			/* AMD's MSR numbers (and Hygon's) */
	uint32_t counters;		/* HWM_BIT(c): the model documents counter c */
	uint32_t dram_unit_shift;	/* DRAM energy unit fixed at 2^-n J; 0: the unit MSR's */
};

/*
 * The model's row: vendor is CPUID.0's 12-byte string, family and model
 * the display values (extended fields folded in).  APERF and MPERF are
 * not in it: CPUID.06H:ECX[0] says whether they exist.  Unknown: a row
 * with family_name NULL and no counters.
 */
struct hw_model hw_model_lookup(const char *vendor, uint32_t family, uint32_t model);

/* Counter c's MSR on Intel (amd false) or AMD; 0 when it has none (the TSC, and absent ones). */
uint32_t hw_model_msr(enum hw_counter c, bool amd);

#endif
