// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/timer: timer_mod() to the expiry a pending timer already has is a
 * no-op: the timer stays in the bucket of the arming that placed it, even
 * when that bucket is a coarser level's than a fresh arming at the later
 * jiffy would pick (the delay has shrunk meanwhile).  It then runs at the
 * old bucket's expiry, up to a granule minus one after where a fresh
 * arming would run it: still within the bound of the arming that placed
 * it, never early.
 *
 * This is the rule the stress oracles rely on (tests/host/
 * test_tmigr_stress.c and test_tmigr_hotplug_stress.c, st_arm()): the
 * bound of such a re-arm is the old arming's, not one computed afresh
 * from the re-arm's jiffy, which reported a timer that ran on time as
 * late.  Here the case is forced: armed 100 jiffies ahead (level 1,
 * granule 8), re-armed to the same expiry 60 jiffies later (40 ahead:
 * level 0 for a fresh arming).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_arch.h"
#include "kernel/timer.h"

#define HZ		1000
#define TICK		1000000ull
#define START_J		1000		/* a multiple of 8: the expiry below sits low in its granule */

static uint32_t fires;
static uint64_t fired_j;

static void fired(struct timer *t)
{
	(void)t;
	fires++;
	fired_j = timer_jiffies();
}

static void run_until(uint64_t until)
{
	for (uint64_t j = timer_jiffies(); (int64_t)(j - until) <= 0 && !fires; j++) {
		host_clock_set_ns(j * TICK);
		timer_run_cpu();
	}
}

static void test_mod_to_the_same_expiry_keeps_the_coarser_bucket(void **state)
{
	uint64_t expires = START_J + 100;	/* 1100 = 8 * 137 + 4 */
	uint64_t old_bucket = ((expires >> 3) + 1) << 3;	/* level 1: 1104 */
	struct timer t;

	(void)state;
	host_clock_use_real(false);
	host_set_cpu(0);
	host_clock_set_ns(START_J * TICK);
	timer_init(HZ, 0);
	timer_cpu_init(0);
	timer_setup(&t, fired, 0);
	timer_add(&t, expires);
	run_until(START_J + 60);
	assert_int_equal(fires, 0);
	assert_true(timer_mod(&t, expires));	/* pending: a no-op */
	run_until(START_J + 200);
	assert_int_equal(fires, 1);
	/* not at expires + 1, where a fresh level-0 arming would have run it */
	assert_true(fired_j > expires + 1);
	assert_int_equal(fired_j, old_bucket);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mod_to_the_same_expiry_keeps_the_coarser_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
