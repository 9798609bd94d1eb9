// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drivers/apic/lapic_mode: every rule of the xAPIC/x2APIC decision, its
 * reason string, and the one warning line for an "apic=x2apic" the CPU
 * cannot honour.  QEMU TCG has no x2APIC, so the x2APIC outcomes are
 * proved here only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/apic/lapic_mode.h"
#include "host_support.h"

#define FORCE_XAPIC	(-1)
#define AUTO		0
#define FORCE_X2APIC	1

#define NO_X2APIC_WARNING	"lapic: apic=x2apic asked, but the CPU has no x2APIC"

static const char *why;

/* Choose with a clean log; the reason lands in `why`. */
static enum lapic_mode choose(bool has, bool fw, uint32_t max_id, int force)
{
	host_log_reset();
	why = NULL;
	return lapic_mode_choose(has, fw, max_id, force, &why);
}

static void assert_reason_has(const char *needle)
{
	assert_non_null(why);
	if (!strstr(why, needle))
		fail_msg("reason \"%s\" lacks \"%s\"", why, needle);
}

static void test_firmware_x2apic_is_kept_whatever_force_says(void **state)
{
	(void)state;
	for (int force = -1; force <= 1; force++) {
		assert_int_equal(choose(true, true, 3, force),
				 LAPIC_MODE_X2APIC);
		assert_reason_has("firmware enabled x2APIC");
		assert_int_equal(host_log_count("lapic:"), 0);
	}
	/* even with large IDs and "apic=xapic" */
	assert_int_equal(choose(true, true, 300, FORCE_XAPIC),
			 LAPIC_MODE_X2APIC);
	assert_reason_has("firmware");
}

static void test_firmware_x2apic_wins_over_a_missing_cpuid_bit(void **state)
{
	(void)state;
	/*
	 * EXTD set but CPUID says no x2APIC (a lying hypervisor): the APIC
	 * is in x2APIC mode and the MMIO page is dead, so x2APIC it stays.
	 */
	assert_int_equal(choose(false, true, 3, AUTO), LAPIC_MODE_X2APIC);
	assert_reason_has("firmware");
	assert_int_equal(choose(false, true, 3, FORCE_X2APIC),
			 LAPIC_MODE_X2APIC);
	assert_int_equal(host_log_count(NO_X2APIC_WARNING), 0);
}

static void test_forced_x2apic_with_support_uses_x2apic(void **state)
{
	(void)state;
	assert_int_equal(choose(true, false, 3, FORCE_X2APIC),
			 LAPIC_MODE_X2APIC);
	assert_reason_has("apic=x2apic");
	assert_int_equal(host_log_count("lapic:"), 0);
}

static void test_forced_x2apic_without_support_warns_once_and_uses_xapic(void **state)
{
	(void)state;
	assert_int_equal(choose(false, false, 3, FORCE_X2APIC),
			 LAPIC_MODE_XAPIC);
	assert_int_equal(host_log_count(NO_X2APIC_WARNING), 1);
	assert_int_equal(host_log_count("lapic:"), 1);
	assert_reason_has("no x2APIC");
}

static void test_forced_x2apic_without_support_and_big_ids_says_cpus_stay_off(void **state)
{
	(void)state;
	assert_int_equal(choose(false, false, 300, FORCE_X2APIC),
			 LAPIC_MODE_XAPIC);
	assert_int_equal(host_log_count(NO_X2APIC_WARNING), 1);
	assert_reason_has("stay off");
}

static void test_auto_uses_x2apic_only_for_ids_above_254(void **state)
{
	(void)state;
	assert_int_equal(choose(true, false, 254, AUTO), LAPIC_MODE_XAPIC);
	assert_reason_has("all APIC IDs fit xAPIC");
	assert_int_equal(choose(true, false, 255, AUTO), LAPIC_MODE_X2APIC);
	assert_reason_has("above 254 needs x2APIC");
	assert_int_equal(choose(true, false, 0xfffffffe, AUTO),
			 LAPIC_MODE_X2APIC);
	assert_int_equal(host_log_count("lapic:"), 0);
}

static void test_auto_with_big_ids_but_no_x2apic_keeps_those_cpus_off(void **state)
{
	(void)state;
	assert_int_equal(choose(false, false, 255, AUTO), LAPIC_MODE_XAPIC);
	assert_reason_has("no x2APIC: those CPUs stay off");
	assert_int_equal(host_log_count("lapic:"), 0);
}

static void test_auto_without_x2apic_and_small_ids_uses_xapic(void **state)
{
	(void)state;
	assert_int_equal(choose(false, false, 0, AUTO), LAPIC_MODE_XAPIC);
	assert_reason_has("the CPU has no x2APIC");
	assert_int_equal(choose(false, false, 254, AUTO), LAPIC_MODE_XAPIC);
	assert_reason_has("the CPU has no x2APIC");
	assert_int_equal(host_log_count("lapic:"), 0);
}

static void test_forced_xapic_is_obeyed_even_with_ids_above_254(void **state)
{
	(void)state;
	assert_int_equal(choose(true, false, 3, FORCE_XAPIC),
			 LAPIC_MODE_XAPIC);
	assert_reason_has("apic=xapic");
	assert_int_equal(choose(true, false, 300, FORCE_XAPIC),
			 LAPIC_MODE_XAPIC);
	assert_reason_has("apic=xapic");
	assert_int_equal(choose(false, false, 300, FORCE_XAPIC),
			 LAPIC_MODE_XAPIC);
	assert_reason_has("apic=xapic");
	assert_int_equal(host_log_count("lapic:"), 0);
}

static void test_any_positive_or_negative_force_counts(void **state)
{
	(void)state;
	assert_int_equal(choose(true, false, 3, 7), LAPIC_MODE_X2APIC);
	assert_reason_has("apic=x2apic");
	assert_int_equal(choose(true, false, 300, -7), LAPIC_MODE_XAPIC);
	assert_reason_has("apic=xapic");
}

static void test_every_input_gives_a_reason(void **state)
{
	static const uint32_t ids[] = { 0, 254, 255, 0xffffffff };

	(void)state;
	for (int has = 0; has <= 1; has++)
		for (int fw = 0; fw <= 1; fw++)
			for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
				for (int force = -1; force <= 1; force++) {
					enum lapic_mode m = choose(has, fw,
								   ids[i], force);

					assert_non_null(why);
					assert_true(why[0] != '\0');
					assert_true(m == LAPIC_MODE_XAPIC ||
						    m == LAPIC_MODE_X2APIC);
				}
}

static void test_null_reason_pointer_is_allowed(void **state)
{
	(void)state;
	host_log_reset();
	assert_int_equal(lapic_mode_choose(true, false, 300, AUTO, NULL),
			 LAPIC_MODE_X2APIC);
	assert_int_equal(lapic_mode_choose(false, false, 3, FORCE_X2APIC,
					   NULL), LAPIC_MODE_XAPIC);
	assert_int_equal(host_log_count(NO_X2APIC_WARNING), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_firmware_x2apic_is_kept_whatever_force_says),
		cmocka_unit_test(test_firmware_x2apic_wins_over_a_missing_cpuid_bit),
		cmocka_unit_test(test_forced_x2apic_with_support_uses_x2apic),
		cmocka_unit_test(test_forced_x2apic_without_support_warns_once_and_uses_xapic),
		cmocka_unit_test(test_forced_x2apic_without_support_and_big_ids_says_cpus_stay_off),
		cmocka_unit_test(test_auto_uses_x2apic_only_for_ids_above_254),
		cmocka_unit_test(test_auto_with_big_ids_but_no_x2apic_keeps_those_cpus_off),
		cmocka_unit_test(test_auto_without_x2apic_and_small_ids_uses_xapic),
		cmocka_unit_test(test_forced_xapic_is_obeyed_even_with_ids_above_254),
		cmocka_unit_test(test_any_positive_or_negative_force_counts),
		cmocka_unit_test(test_every_input_gives_a_reason),
		cmocka_unit_test(test_null_reason_pointer_is_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
