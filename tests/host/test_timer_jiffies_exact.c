// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_timer_jiffies_exact: timer_jiffies() turns ns into jiffies with a
 * reciprocal multiply instead of a division.  It must equal the division
 * exactly at every jiffy edge (one nanosecond either side), or a timer
 * could run before timer_jiffies_to_ns() of its expiry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_arch.h"
#include "kernel/timer.h"
#include "lib/rand.h"

static void check_hz(uint32_t hz)
{
	uint64_t tick = 1000000000ull / hz;
	struct rand_state r;

	timer_init(hz, 0);
	rand_seed(&r, hz);
	for (int i = 0; i < 200000; i++) {
		/* random jiffy edges over the whole 64-bit ns range */
		uint64_t k = rand_next(&r) % (UINT64_MAX / tick);
		uint64_t edge = k * tick;

		for (int64_t off = -1; off <= 1; off++) {
			uint64_t ns = edge + (uint64_t)off;

			if (off < 0 && edge == 0)
				continue;
			host_clock_set_ns(ns);
			assert_int_equal(timer_jiffies(), ns / tick);
		}
	}
	/* and the round trip the wheel relies on: the start of jiffy j is in j */
	for (uint64_t j = 0; j < 100000; j += 7) {
		host_clock_set_ns(timer_jiffies_to_ns(j));
		assert_int_equal(timer_jiffies(), j);
		host_clock_set_ns(timer_jiffies_to_ns(j) - (j ? 1 : 0));
		assert_int_equal(timer_jiffies(), j ? j - 1 : 0);
	}
}

static void test_jiffies_equal_division_at_hz_1000(void **state)
{
	(void)state;
	check_hz(1000);
}

static void test_jiffies_equal_division_at_hz_250_and_100(void **state)
{
	(void)state;
	check_hz(250);
	check_hz(100);
}

static void test_jiffies_equal_division_when_tick_does_not_divide_a_second(void **state)
{
	(void)state;
	check_hz(300);		/* tick 3 333 333 ns */
	check_hz(999983);	/* tick 1000 ns, prime HZ */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jiffies_equal_division_at_hz_1000),
		cmocka_unit_test(test_jiffies_equal_division_at_hz_250_and_100),
		cmocka_unit_test(test_jiffies_equal_division_when_tick_does_not_divide_a_second),
	};

	host_set_cpu(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
