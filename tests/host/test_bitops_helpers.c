// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/bitops: bit scans, population count and alignment helpers, checked
 * against slow obvious loops over every single-bit value and a fixed-seed
 * sample of random ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/bitops.h"

static int slow_ffs(uint64_t x)
{
	for (int i = 0; i < 64; i++)
		if (x >> i & 1)
			return i;
	return -1;
}

static int slow_fls(uint64_t x)
{
	for (int i = 63; i >= 0; i--)
		if (x >> i & 1)
			return i;
	return -1;
}

static unsigned slow_popcount(uint64_t x)
{
	unsigned n = 0;

	for (int i = 0; i < 64; i++)
		n += x >> i & 1;
	return n;
}

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_scans_and_popcount_match_bit_loops(void **state)
{
	(void)state;
	assert_int_equal(bit_ffs64(0), -1);
	assert_int_equal(bit_fls64(0), -1);
	assert_int_equal(bit_popcount64(0), 0);
	assert_int_equal(bit_popcount64(UINT64_MAX), 64);
	for (int i = 0; i < 64; i++) {
		uint64_t b = 1ULL << i;

		assert_int_equal(bit_ffs64(b), i);
		assert_int_equal(bit_fls64(b), i);
		assert_int_equal(bit_popcount64(b), 1);
		assert_int_equal(bit_ffs64(~0ULL << i), i);
		assert_int_equal(bit_fls64(UINT64_MAX >> i), 63 - i);
	}
	for (int i = 0; i < 100000; i++) {
		uint64_t x = rng() >> (rng() % 64);

		assert_int_equal(bit_ffs64(x), slow_ffs(x));
		assert_int_equal(bit_fls64(x), slow_fls(x));
		assert_int_equal(bit_popcount64(x), slow_popcount(x));
	}
}

static void test_power_of_two_and_alignment(void **state)
{
	(void)state;
	assert_false(is_power_of_two(0));
	assert_true(is_power_of_two(1));
	assert_true(is_power_of_two(1ULL << 63));
	assert_false(is_power_of_two(3));
	assert_false(is_power_of_two(UINT64_MAX));

	assert_int_equal(align_up(0, 4096), 0);
	assert_int_equal(align_up(1, 4096), 4096);
	assert_int_equal(align_up(4096, 4096), 4096);
	assert_int_equal(align_up(4097, 4096), 8192);
	assert_int_equal(align_up(5, 1), 5);
	assert_int_equal(align_down(4095, 4096), 0);
	assert_int_equal(align_down(8191, 4096), 4096);
	assert_true(align_down(UINT64_MAX, 1ULL << 63) == 1ULL << 63);
	/* documented wrap: the caller must check align_up(x, a) >= x */
	assert_int_equal(align_up(UINT64_MAX, 4096), 0);
}

static void test_div_round_up_does_not_overflow(void **state)
{
	(void)state;
	assert_int_equal(div_round_up(0, 7), 0);
	assert_int_equal(div_round_up(1, 7), 1);
	assert_int_equal(div_round_up(7, 7), 1);
	assert_int_equal(div_round_up(8, 7), 2);
	assert_true(div_round_up(UINT64_MAX, 2) == (1ULL << 63));
	assert_true(div_round_up(UINT64_MAX, 1) == UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scans_and_popcount_match_bit_loops),
		cmocka_unit_test(test_power_of_two_and_alignment),
		cmocka_unit_test(test_div_round_up_does_not_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
