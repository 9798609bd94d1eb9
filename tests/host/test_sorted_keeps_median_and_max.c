// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/sorted.h: samples inserted in any order stand in ascending order,
 * the median is the upper middle one, the maximum the last, an empty set
 * reads 0 for both, and a full array drops further samples without
 * writing past its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/rand.h"
#include "lib/sorted.h"

static void empty_set_reads_zero(void **state)
{
	uint64_t v[4];

	(void)state;
	assert_int_equal(sorted_median(v, 0), 0);
	assert_int_equal(sorted_max(v, 0), 0);
}

static void random_inserts_stay_ascending_with_median_and_max(void **state)
{
	enum { N = 257 };
	uint64_t v[N], counts[64] = { 0 }, seen_max = 0;
	uint32_t n = 0, below = 0;
	struct rand_state r;

	(void)state;
	rand_seed(&r, 12345);
	for (uint32_t i = 0; i < N; i++) {
		uint64_t x = rand_next(&r) % 64;

		counts[x]++;
		if (x > seen_max)
			seen_max = x;
		sorted_insert(v, &n, N, x);
	}
	assert_int_equal(n, N);
	for (uint32_t i = 1; i < n; i++)
		assert_true(v[i - 1] <= v[i]);
	/* Every sample kept: the multiset is the one inserted. */
	for (uint32_t i = 0; i < n; i++)
		counts[v[i]]--;
	for (uint32_t x = 0; x < 64; x++)
		assert_int_equal(counts[x], 0);
	assert_int_equal(sorted_max(v, n), seen_max);
	/* Upper median: at most n / 2 samples are smaller than it. */
	for (uint32_t i = 0; i < n; i++)
		below += v[i] < sorted_median(v, n);
	assert_true(below <= n / 2);
	assert_int_equal(sorted_median(v, n), v[n / 2]);
}

static void full_array_drops_further_samples(void **state)
{
	uint64_t v[4] = { 0 };
	uint32_t n = 0;

	(void)state;
	sorted_insert(v, &n, 3, 30);
	sorted_insert(v, &n, 3, 10);
	sorted_insert(v, &n, 3, 20);
	sorted_insert(v, &n, 3, 5);
	assert_int_equal(n, 3);
	assert_int_equal(v[0], 10);
	assert_int_equal(v[1], 20);
	assert_int_equal(v[2], 30);
	assert_int_equal(v[3], 0);	/* the slot past cap untouched */
	assert_int_equal(sorted_median(v, n), 20);
	assert_int_equal(sorted_max(v, n), 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_set_reads_zero),
		cmocka_unit_test(random_inserts_stay_ascending_with_median_and_max),
		cmocka_unit_test(full_array_drops_further_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
