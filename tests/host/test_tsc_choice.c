// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/x86_64/tsc_choice: which calibration source becomes tsc_hz and
 * which one checks it, for the source combinations a machine can give
 * (one source, two that agree, two that do not, an outvoted CPUID), the
 * ppm arithmetic at its limits, the tsc_exclude= list, and the
 * IA32_TSC_ADJUST alignment against a fake MSR (one that works, one that
 * faults, one that ignores writes as QEMU's TCG does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/tsc_choice.h"

#define GHZ2_6	2600000000ull

static uint64_t hz[TSC_SRC_NR];
static struct tsc_choice c;

static int reset(void **state)
{
	(void)state;
	memset(hz, 0, sizeof(hz));
	memset(&c, 0xa5, sizeof(c));
	return 0;
}

/* hz moved by ppm parts per million */
static uint64_t off(uint64_t base, int64_t ppm)
{
	return (uint64_t)((int64_t)base + (int64_t)base / 1000000 * ppm);
}

static void test_no_source_gives_none(void **state)
{
	(void)state;
	tsc_choose(hz, &c);
	assert_int_equal(c.primary, -1);
	assert_int_equal(c.check, -1);
	assert_int_equal(c.agreement, TSC_AGREE_NONE);
}

static void test_one_source_is_used_unchecked(void **state)
{
	(void)state;
	hz[TSC_SRC_HPET] = GHZ2_6;
	tsc_choose(hz, &c);
	assert_int_equal(c.primary, TSC_SRC_HPET);
	assert_int_equal(c.check, -1);
	assert_int_equal(c.ppm, 0);
	assert_int_equal(c.agreement, TSC_AGREE_SINGLE);
}

static void test_pmtimer_checked_by_hpet_when_the_pit_is_gone(void **state)
{
	(void)state;
	hz[TSC_SRC_PMTIMER] = GHZ2_6;
	hz[TSC_SRC_HPET] = off(GHZ2_6, 40);
	tsc_choose(hz, &c);
	assert_int_equal(c.primary, TSC_SRC_PMTIMER);
	assert_int_equal(c.check, TSC_SRC_HPET);
	assert_int_equal(c.ppm, 40);
	assert_int_equal(c.agreement, TSC_AGREE_YES);
}

static void test_exact_cpuid_is_checked_by_a_measurement_first(void **state)
{
	(void)state;
	hz[TSC_SRC_CPUID15] = GHZ2_6;
	hz[TSC_SRC_CPUID16] = GHZ2_6;
	hz[TSC_SRC_PIT] = off(GHZ2_6, -300);
	tsc_choose(hz, &c);
	assert_int_equal(c.primary, TSC_SRC_CPUID15);
	assert_int_equal(c.check, TSC_SRC_PIT);
	assert_int_equal(c.ppm, -300);
	assert_int_equal(c.agreement, TSC_AGREE_YES);
}

static void test_two_sources_at_exactly_the_limit_agree(void **state)
{
	(void)state;
	hz[TSC_SRC_PMTIMER] = 1000000000ull;
	hz[TSC_SRC_PIT] = 1001000000ull;	/* +1000 ppm */
	tsc_choose(hz, &c);
	assert_int_equal(c.agreement, TSC_AGREE_YES);
	hz[TSC_SRC_PIT] = 1001000001ull;	/* just past */
	tsc_choose(hz, &c);
	assert_int_equal(c.agreement, TSC_AGREE_NO);
	assert_int_equal(c.primary, TSC_SRC_PMTIMER);
	assert_int_equal(c.check, TSC_SRC_PIT);
	assert_int_equal(c.ppm, 1000);	/* truncated, yet beyond: the comparison is exact */
}

static void test_two_measurements_that_agree_outvote_cpuid(void **state)
{
	(void)state;
	hz[TSC_SRC_CPUID15] = off(GHZ2_6, 40000);	/* a wrong crystal */
	hz[TSC_SRC_PMTIMER] = GHZ2_6;
	hz[TSC_SRC_HPET] = off(GHZ2_6, 20);
	tsc_choose(hz, &c);
	assert_int_equal(c.primary, TSC_SRC_PMTIMER);
	assert_int_equal(c.check, TSC_SRC_HPET);
	assert_int_equal(c.agreement, TSC_AGREE_YES);
}

static void test_no_two_agree_keeps_the_preferred_and_says_so(void **state)
{
	(void)state;
	hz[TSC_SRC_HYPERVISOR] = GHZ2_6;
	hz[TSC_SRC_HPET] = off(GHZ2_6, 5000);
	hz[TSC_SRC_PIT] = off(GHZ2_6, -5000);
	tsc_choose(hz, &c);
	assert_int_equal(c.primary, TSC_SRC_HYPERVISOR);
	assert_int_equal(c.check, TSC_SRC_HPET);
	assert_int_equal(c.ppm, 5000);
	assert_int_equal(c.agreement, TSC_AGREE_NO);
}

static void test_nominal_cpuid16_is_used_only_when_nothing_else_answers(void **state)
{
	(void)state;
	hz[TSC_SRC_CPUID16] = 2600000000ull;
	hz[TSC_SRC_PIT] = off(GHZ2_6, 100);
	tsc_choose(hz, &c);
	assert_int_equal(c.primary, TSC_SRC_PIT);
	assert_int_equal(c.check, TSC_SRC_CPUID16);
	assert_int_equal(c.agreement, TSC_AGREE_YES);
}

static void test_ppm_saturates_and_keeps_its_sign(void **state)
{
	(void)state;
	assert_int_equal(tsc_ppm(1000000, 1000001), 1);
	assert_int_equal(tsc_ppm(1000000, 999999), -1);
	assert_int_equal(tsc_ppm(1, UINT64_MAX), 1000000000000ll);
	assert_int_equal(tsc_ppm(UINT64_MAX, 1), -1000000000000ll);
	assert_int_equal(tsc_ppm(0, GHZ2_6), 1000000000000ll);
	assert_int_equal(tsc_ppm(4294967295000ull, 4294967295000ull + 4294967295ull), 1000);
}

static void test_exclude_list_names_sources_and_reports_the_first_unknown(void **state)
{
	const char *bad;
	size_t n;

	(void)state;
	assert_int_equal(tsc_exclude_mask("pit,pmtimer", &bad, &n),
			 (1u << TSC_SRC_PIT) | (1u << TSC_SRC_PMTIMER));
	assert_null(bad);
	assert_int_equal(tsc_exclude_mask("hpet,,pitt,cpuid1,cpuid16", &bad, &n),
			 (1u << TSC_SRC_HPET) | (1u << TSC_SRC_CPUID16));
	assert_non_null(bad);
	assert_int_equal(n, 4);
	assert_memory_equal(bad, "pitt", 4);
	assert_int_equal(tsc_exclude_mask("", &bad, &n), 0);
	assert_null(bad);
	assert_int_equal(tsc_exclude_mask(NULL, &bad, &n), 0);
}

/* --- IA32_TSC_ADJUST against a fake MSR -------------------------------- */

static uint64_t msr;
static bool msr_faults, msr_ignores_writes;
static unsigned writes;

static bool fake_read(uint64_t *v)
{
	if (msr_faults)
		return false;
	*v = msr_ignores_writes ? 0 : msr;
	return true;
}

static bool fake_write(uint64_t v)
{
	if (msr_faults)
		return false;
	writes++;
	if (!msr_ignores_writes)
		msr = v;
	return true;
}

static const struct tsc_adjust_ops ops = { fake_read, fake_write };

static int msr_reset(void **state)
{
	(void)state;
	msr = 0;
	msr_faults = msr_ignores_writes = false;
	writes = 0;
	return 0;
}

static void test_adjust_equal_to_the_bsp_is_left_alone(void **state)
{
	struct tsc_adjust_cpu a;

	(void)state;
	msr = (uint64_t)-5000;
	tsc_adjust_align(&ops, -5000, 0, &a);
	assert_true(a.read_ok && a.aligned);
	assert_false(a.written);
	assert_int_equal(writes, 0);
	assert_int_equal(a.before, -5000);
}

static void test_adjust_differing_from_the_bsp_is_written_to_its_value(void **state)
{
	struct tsc_adjust_cpu a;

	(void)state;
	msr = 123456789;
	tsc_adjust_align(&ops, 0, 0, &a);
	assert_true(a.read_ok && a.written && a.aligned);
	assert_int_equal(a.before, 123456789);
	assert_int_equal(a.after, 0);
	assert_int_equal(msr, 0);
}

static void test_test_offset_makes_a_difference_that_is_then_aligned(void **state)
{
	struct tsc_adjust_cpu a;

	(void)state;
	msr = 77;
	tsc_adjust_align(&ops, 77, 1000000, &a);
	assert_true(a.written && a.aligned);
	assert_int_equal(a.before, 1000077);
	assert_int_equal(msr, 77);
	assert_int_equal(writes, 2);
}

static void test_faulting_adjust_msr_is_reported_unread_and_not_written(void **state)
{
	struct tsc_adjust_cpu a;

	(void)state;
	msr_faults = true;
	tsc_adjust_align(&ops, 0, 0, &a);
	assert_false(a.read_ok);
	assert_false(a.written);
	assert_false(a.aligned);
}

static void test_ignored_write_is_reported_not_aligned(void **state)
{
	struct tsc_adjust_cpu a;

	(void)state;
	msr_ignores_writes = true;	/* reads 0 whatever was written */
	tsc_adjust_align(&ops, 42, 0, &a);
	assert_true(a.read_ok && a.written);
	assert_false(a.aligned);
	assert_int_equal(a.before, 0);
	assert_int_equal(a.after, 0);
}

#define T(fn) cmocka_unit_test_setup(fn, reset)
#define M(fn) cmocka_unit_test_setup(fn, msr_reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_no_source_gives_none),
		T(test_one_source_is_used_unchecked),
		T(test_pmtimer_checked_by_hpet_when_the_pit_is_gone),
		T(test_exact_cpuid_is_checked_by_a_measurement_first),
		T(test_two_sources_at_exactly_the_limit_agree),
		T(test_two_measurements_that_agree_outvote_cpuid),
		T(test_no_two_agree_keeps_the_preferred_and_says_so),
		T(test_nominal_cpuid16_is_used_only_when_nothing_else_answers),
		T(test_ppm_saturates_and_keeps_its_sign),
		T(test_exclude_list_names_sources_and_reports_the_first_unknown),
		M(test_adjust_equal_to_the_bsp_is_left_alone),
		M(test_adjust_differing_from_the_bsp_is_written_to_its_value),
		M(test_test_offset_makes_a_difference_that_is_then_aligned),
		M(test_faulting_adjust_msr_is_reported_unread_and_not_written),
		M(test_ignored_write_is_reported_not_aligned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
