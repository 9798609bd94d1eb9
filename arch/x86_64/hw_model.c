// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hw_model: the table of which counters each processor model documents.
 *
 * Intel: the residency counters and RAPL domains are model-specific MSRs,
 * listed per processor family in Intel SDM Vol. 4 (Model-Specific
 * Registers), chapter 2, one section per microarchitecture; the MSR
 * numbers themselves are the same on every model that has them:
 *
 *   core C3 C6 C7 residency      0x3FC 0x3FD 0x3FE
 *   package C2                   0x60D
 *   package C3 C6 C7 residency   0x3F8 0x3F9 0x3FA
 *   package C8 C9 C10 residency  0x630 0x631 0x632
 *   RAPL unit, package, PP0 (cores), DRAM energy status
 *                                0x606, 0x611, 0x639, 0x619
 *
 * AMD: family 17h and later (and Hygon's family 18h, derived from it)
 * document energy counters in the Processor Programming Reference (PPR)
 * of each family: the unit 0xC0010299, core energy 0xC001029A, package
 * energy 0xC001029B.  AMD documents no core or package C-state residency
 * MSR: on AMD those stay "not on this model".
 *
 * A row may name a counter that a given part of the family lacks: the
 * boot probe reads every listed one through rdmsr_safe(), and a #GP marks
 * it unavailable (arch/x86_64/hw_counters.c).  Atom-derived models are
 * left out on purpose: some number their package C6 counter 0x3FA, which
 * this table would call C7.
 *
 * Read-only data, no lock.
 */
#include "arch/x86_64/hw_model.h"
#include "lib/string.h"

#define B(c)	HWM_BIT(HWC_##c)

#define NEHALEM	(B(CORE_C3) | B(CORE_C6) | B(PKG_C3) | B(PKG_C6) | B(PKG_C7))
#define SANDY	(B(CORE_C3) | B(CORE_C6) | B(CORE_C7) | B(PKG_C2) | B(PKG_C3) | \
		 B(PKG_C6) | B(PKG_C7) | B(ENERGY_PKG) | B(ENERGY_CORE))
#define DEEP_PKG (B(PKG_C8) | B(PKG_C9) | B(PKG_C10))
#define HSW_SRV	(B(CORE_C3) | B(CORE_C6) | B(PKG_C2) | B(PKG_C3) | B(PKG_C6) | \
		 B(ENERGY_PKG) | B(ENERGY_DRAM))
#define SKL_CLI	(SANDY | DEEP_PKG | B(ENERGY_DRAM))
#define SKL_SRV	(B(CORE_C6) | B(PKG_C2) | B(PKG_C6) | B(ENERGY_PKG) | B(ENERGY_DRAM))
#define ICL_CLI	(B(CORE_C6) | B(CORE_C7) | B(PKG_C2) | B(PKG_C3) | B(PKG_C6) | \
		 B(PKG_C7) | DEEP_PKG | B(ENERGY_PKG) | B(ENERGY_CORE))
#define AMD_ZEN	(B(ENERGY_PKG) | B(ENERGY_CORE))

/* Server parts whose DRAM domain counts in fixed 2^-16 J units, not 0x606's. */
#define DRAM_FIXED	16

struct intel_row {
	uint8_t model;
	const char *name;
	uint32_t counters;
	uint32_t dram_unit_shift;
};

static const struct intel_row intel_family6[] = {
	{ 0x1a, "Nehalem", NEHALEM, 0 },
	{ 0x1e, "Nehalem", NEHALEM, 0 },
	{ 0x1f, "Nehalem", NEHALEM, 0 },
	{ 0x2e, "Nehalem", NEHALEM, 0 },
	{ 0x25, "Westmere", NEHALEM, 0 },
	{ 0x2c, "Westmere", NEHALEM, 0 },
	{ 0x2f, "Westmere", NEHALEM, 0 },
	{ 0x2a, "Sandy Bridge", SANDY, 0 },
	{ 0x2d, "Sandy Bridge server", SANDY | B(ENERGY_DRAM), 0 },
	{ 0x3a, "Ivy Bridge", SANDY, 0 },
	{ 0x3e, "Ivy Bridge server", SANDY | B(ENERGY_DRAM), 0 },
	{ 0x3c, "Haswell", SANDY, 0 },
	{ 0x46, "Haswell", SANDY, 0 },
	{ 0x45, "Haswell ULT", SANDY | DEEP_PKG, 0 },
	{ 0x3f, "Haswell server", HSW_SRV, DRAM_FIXED },
	{ 0x3d, "Broadwell", SANDY | DEEP_PKG, 0 },
	{ 0x47, "Broadwell", SANDY | DEEP_PKG, 0 },
	{ 0x4f, "Broadwell server", HSW_SRV, DRAM_FIXED },
	{ 0x56, "Broadwell server", HSW_SRV, DRAM_FIXED },
	{ 0x4e, "Skylake client", SKL_CLI, 0 },
	{ 0x5e, "Skylake client", SKL_CLI, 0 },
	{ 0x8e, "Kaby Lake client", SKL_CLI, 0 },
	{ 0x9e, "Kaby Lake client", SKL_CLI, 0 },
	{ 0xa5, "Comet Lake client", SKL_CLI, 0 },
	{ 0xa6, "Comet Lake client", SKL_CLI, 0 },
	{ 0x55, "Skylake server", SKL_SRV, DRAM_FIXED },
	{ 0x6a, "Ice Lake server", SKL_SRV, DRAM_FIXED },
	{ 0x6c, "Ice Lake server", SKL_SRV, DRAM_FIXED },
	{ 0x8f, "Sapphire Rapids", SKL_SRV, DRAM_FIXED },
	{ 0x7d, "Ice Lake client", ICL_CLI, 0 },
	{ 0x7e, "Ice Lake client", ICL_CLI, 0 },
	{ 0x8c, "Tiger Lake client", ICL_CLI, 0 },
	{ 0x8d, "Tiger Lake client", ICL_CLI, 0 },
	{ 0x97, "Alder Lake client", ICL_CLI, 0 },
	{ 0x9a, "Alder Lake client", ICL_CLI, 0 },
	{ 0xb7, "Raptor Lake client", ICL_CLI, 0 },
	{ 0xba, "Raptor Lake client", ICL_CLI, 0 },
	{ 0xbf, "Raptor Lake client", ICL_CLI, 0 },
};

static const uint32_t intel_msr[HWC_NR] = {
	[HWC_APERF] = 0xe8,
	[HWC_MPERF] = 0xe7,
	[HWC_CORE_C3] = 0x3fc,
	[HWC_CORE_C6] = 0x3fd,
	[HWC_CORE_C7] = 0x3fe,
	[HWC_PKG_C2] = 0x60d,
	[HWC_PKG_C3] = 0x3f8,
	[HWC_PKG_C6] = 0x3f9,
	[HWC_PKG_C7] = 0x3fa,
	[HWC_PKG_C8] = 0x630,
	[HWC_PKG_C9] = 0x631,
	[HWC_PKG_C10] = 0x632,
	[HWC_ENERGY_PKG] = 0x611,
	[HWC_ENERGY_CORE] = 0x639,
	[HWC_ENERGY_DRAM] = 0x619,
};

/* AMD: APERF and MPERF at the same numbers (AMD64 APM Vol. 2, P-states). */
static const uint32_t amd_msr[HWC_NR] = {
	[HWC_APERF] = 0xe8,
	[HWC_MPERF] = 0xe7,
	[HWC_ENERGY_PKG] = 0xc001029b,
	[HWC_ENERGY_CORE] = 0xc001029a,
};

uint32_t hw_model_msr(enum hw_counter c, bool amd)
{
	if ((uint32_t)c >= HWC_NR)
		return 0;
	return amd ? amd_msr[c] : intel_msr[c];
}

struct hw_model hw_model_lookup(const char *vendor, uint32_t family, uint32_t model)
{
	struct hw_model m = { 0 };

	if (!strcmp(vendor, "GenuineIntel") && family == 6) {
		for (uint32_t i = 0; i < sizeof(intel_family6) / sizeof(intel_family6[0]); i++) {
			const struct intel_row *r = &intel_family6[i];

			if (r->model == model) {
				m.family_name = r->name;
				m.counters = r->counters;
				m.dram_unit_shift = r->dram_unit_shift;
				return m;
			}
		}
		return m;
	}
	if ((!strcmp(vendor, "AuthenticAMD") && family >= 0x17) ||
	    (!strcmp(vendor, "HygonGenuine") && family == 0x18)) {
		m.family_name = family == 0x17 ? "AMD family 17h" :
				family == 0x18 ? "Hygon family 18h" :
				family == 0x19 ? "AMD family 19h" : "AMD family 1Ah or later";
		m.amd = true;
		m.counters = AMD_ZEN;
	}
	return m;
}
