// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/x86_64/hw_model.c: a model is found by vendor, family and model
 * (not by any one of them), a model the table lacks gets no counters,
 * the MSR numbers are the documented ones, and every row is consistent:
 * it lists only residency and energy counters (APERF/MPERF come from
 * CPUID, the TSC always exists), each with an MSR for its vendor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86_64/hw_model.h"

#define B(c)	HWM_BIT(HWC_##c)

static void skylake_client_has_core_package_and_energy_counters(void **state)
{
	struct hw_model m = hw_model_lookup("GenuineIntel", 6, 0x5e);

	(void)state;
	assert_non_null(m.family_name);
	assert_false(m.amd);
	assert_true(m.counters & B(CORE_C3));
	assert_true(m.counters & B(CORE_C7));
	assert_true(m.counters & B(PKG_C10));
	assert_true(m.counters & B(ENERGY_PKG));
	assert_int_equal(m.dram_unit_shift, 0);
}

static void skylake_server_has_no_core_c3_and_a_fixed_dram_unit(void **state)
{
	struct hw_model m = hw_model_lookup("GenuineIntel", 6, 0x55);

	(void)state;
	assert_non_null(m.family_name);
	assert_false(m.counters & B(CORE_C3));
	assert_true(m.counters & B(CORE_C6));
	assert_true(m.counters & B(ENERGY_DRAM));
	assert_int_equal(m.dram_unit_shift, 16);
}

static void unknown_models_and_vendors_get_nothing(void **state)
{
	struct { const char *v; uint32_t fam, model; } none[] = {
		{ "GenuineIntel", 6, 0x01 },	/* a family-6 model not in the table */
		{ "GenuineIntel", 15, 0x5e },	/* right model number, wrong family */
		{ "AuthenticAMD", 6, 0x5e },	/* right numbers, wrong vendor */
		{ "AuthenticAMD", 15, 0x6b },	/* QEMU's qemu64 */
		{ "AuthenticAMD", 0x16, 0x30 },	/* before family 17h */
		{ "HygonGenuine", 0x17, 0x01 },
		{ "", 6, 0x5e },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		struct hw_model m = hw_model_lookup(none[i].v, none[i].fam, none[i].model);

		assert_null(m.family_name);
		assert_int_equal(m.counters, 0);
	}
}

static void amd_zen_has_package_and_core_energy_at_amd_msrs(void **state)
{
	struct hw_model m = hw_model_lookup("AuthenticAMD", 0x19, 0x21);
	struct hw_model h = hw_model_lookup("HygonGenuine", 0x18, 0x01);

	(void)state;
	assert_true(m.amd && h.amd);
	assert_int_equal(m.counters, B(ENERGY_PKG) | B(ENERGY_CORE));
	assert_int_equal(h.counters, m.counters);
	assert_int_equal(hw_model_msr(HWC_ENERGY_PKG, true), 0xc001029b);
	assert_int_equal(hw_model_msr(HWC_ENERGY_CORE, true), 0xc001029a);
	assert_int_equal(hw_model_msr(HWC_ENERGY_DRAM, true), 0);
	assert_int_equal(hw_model_msr(HWC_CORE_C6, true), 0);
}

static void intel_msr_numbers_are_the_documented_ones(void **state)
{
	static const uint32_t want[HWC_NR] = {
		[HWC_APERF] = 0xe8, [HWC_MPERF] = 0xe7,
		[HWC_CORE_C3] = 0x3fc, [HWC_CORE_C6] = 0x3fd, [HWC_CORE_C7] = 0x3fe,
		[HWC_PKG_C2] = 0x60d, [HWC_PKG_C3] = 0x3f8, [HWC_PKG_C6] = 0x3f9,
		[HWC_PKG_C7] = 0x3fa, [HWC_PKG_C8] = 0x630, [HWC_PKG_C9] = 0x631,
		[HWC_PKG_C10] = 0x632, [HWC_ENERGY_PKG] = 0x611,
		[HWC_ENERGY_CORE] = 0x639, [HWC_ENERGY_DRAM] = 0x619,
	};

	(void)state;
	for (uint32_t c = 0; c < HWC_NR; c++)
		assert_int_equal(hw_model_msr((enum hw_counter)c, false), want[c]);
	assert_int_equal(hw_model_msr(HWC_NR, false), 0);
}

/* Every family-6 model number and every AMD family: what a row lists is readable. */
static void every_row_lists_only_table_counters_with_an_msr(void **state)
{
	const uint32_t cpuid_or_always = B(TSC) | B(APERF) | B(MPERF);
	uint32_t rows = 0;

	(void)state;
	for (uint32_t model = 0; model < 256; model++) {
		for (int v = 0; v < 2; v++) {
			struct hw_model m = v ? hw_model_lookup("AuthenticAMD", 0x10 + model % 16, model)
					      : hw_model_lookup("GenuineIntel", 6, model);

			if (!m.family_name)
				continue;
			rows++;
			assert_int_equal(m.counters & cpuid_or_always, 0);
			assert_true(m.counters != 0);
			for (uint32_t c = 0; c < HWC_NR; c++)
				if (m.counters & HWM_BIT(c))
					assert_true(hw_model_msr((enum hw_counter)c, m.amd) != 0);
		}
	}
	assert_true(rows > 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(skylake_client_has_core_package_and_energy_counters),
		cmocka_unit_test(skylake_server_has_no_core_c3_and_a_fixed_dram_unit),
		cmocka_unit_test(unknown_models_and_vendors_get_nothing),
		cmocka_unit_test(amd_zen_has_package_and_core_energy_at_amd_msrs),
		cmocka_unit_test(intel_msr_numbers_are_the_documented_ones),
		cmocka_unit_test(every_row_lists_only_table_counters_with_an_msr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
