// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/hwcount.h: a 32-bit energy counter read often enough (less than one
 * wrap between readings) widens to exactly the 64-bit count it stands
 * for, across any number of wraps, starting anywhere; the unit
 * conversion to nanojoules is exact for whole joules, rounds fractions
 * down, and agrees with 128-bit arithmetic wherever the result fits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/hwcount.h"
#include "lib/rand.h"

static void first_reading_is_the_raw_value(void **state)
{
	struct widen32 w = { 0 };

	(void)state;
	assert_int_equal(widen32_update(&w, 0xfffffff0u), 0xfffffff0u);
	assert_int_equal(widen32_update(&w, 0xfffffff0u), 0xfffffff0u);
}

static void one_wrap_adds_two_to_the_32(void **state)
{
	struct widen32 w = { 0 };

	(void)state;
	widen32_update(&w, 0xfffffff0u);
	/* 0x20 units later the register reads 0x10: it wrapped once */
	assert_int_equal(widen32_update(&w, 0x10u), 0x100000010ull);
	assert_int_equal(widen32_update(&w, 0x11u), 0x100000011ull);
}

/* A true 64-bit count advanced by random steps below 2^32, seen through its low half. */
static void random_steps_across_many_wraps_track_the_true_count(void **state)
{
	struct rand_state r;
	struct widen32 w = { 0 };
	uint64_t truth = 0xfffff000ull;	/* starts just below the first wrap */
	uint32_t wraps = 0;

	(void)state;
	rand_seed(&r, 77);
	widen32_update(&w, (uint32_t)truth);
	for (int i = 0; i < 20000; i++) {
		uint64_t step = rand_next(&r) & 0xffffffffull;	/* < 2^32 */
		uint64_t before = truth;

		truth += step;
		wraps += (truth >> 32) != (before >> 32);
		assert_int_equal(widen32_update(&w, (uint32_t)truth), truth);
	}
	assert_true(wraps > 1000);	/* the walk did cross the boundary, often */
}

static void a_step_of_exactly_two_to_the_32_is_lost_as_documented(void **state)
{
	struct widen32 w = { 0 };

	(void)state;
	widen32_update(&w, 5);
	/* one full wrap between readings is indistinguishable from none */
	assert_int_equal(widen32_update(&w, 5), 5);
}

static void unit_shift_is_bits_12_to_8(void **state)
{
	(void)state;
	assert_int_equal(energy_unit_shift(0x000a0e03ull), 0x0e);	/* 61 uJ units */
	assert_int_equal(energy_unit_shift(0x1f00ull), 31);
	assert_int_equal(energy_unit_shift(0xe000ull), 0);
}

static void units_convert_to_nanojoules(void **state)
{
	(void)state;
	/* 2^14 units of 2^-14 J: one joule */
	assert_int_equal(energy_units_to_nj(1ull << 14, 14), 1000000000ull);
	/* one unit of 2^-14 J = 61035.15625 nJ, rounded down */
	assert_int_equal(energy_units_to_nj(1, 14), 61035);
	/* 2^-16 J units (a fixed DRAM unit): 3 units = 45776.3671875 nJ */
	assert_int_equal(energy_units_to_nj(3, 16), 45776);
	assert_int_equal(energy_units_to_nj(12345, 0), 12345000000000ull);
}

/* Against 128-bit arithmetic, for random counts up to 2^63 and every shift. */
static void random_counts_match_wide_arithmetic(void **state)
{
	struct rand_state r;

	(void)state;
	rand_seed(&r, 5);
	for (int i = 0; i < 20000; i++) {
		uint64_t units = rand_next(&r) >> (rand_next(&r) % 40 + 1);
		uint32_t shift = (uint32_t)(rand_next(&r) % 32);
		unsigned __int128 want = ((unsigned __int128)units * 1000000000u) >> shift;

		if (want >> 64)
			continue;	/* past 2^64 nJ: out of the documented range */
		assert_true(energy_units_to_nj(units, shift) == (uint64_t)want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_reading_is_the_raw_value),
		cmocka_unit_test(one_wrap_adds_two_to_the_32),
		cmocka_unit_test(random_steps_across_many_wraps_track_the_true_count),
		cmocka_unit_test(a_step_of_exactly_two_to_the_32_is_lost_as_documented),
		cmocka_unit_test(unit_shift_is_bits_12_to_8),
		cmocka_unit_test(units_convert_to_nanojoules),
		cmocka_unit_test(random_counts_match_wide_arithmetic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
