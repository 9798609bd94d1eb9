// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/timer: the wheel's geometry against design §1.2/§1.3.  For every
 * level boundary (d = 0, 62, 63, 503, 504, ..., cutoff - 1, cutoff and
 * beyond) at several base clocks, including ones where jiffies wrap past
 * 2^64 and the one where a top-level bucket lands exactly on the empty-base
 * marker, a timer must sit in the level and bucket the design table gives,
 * report that bucket's expiry as the next event, and fire exactly there:
 * not one jiffy before (never early), and no later than one granule of its
 * level after its expires.  Expected values come from the design's table
 * (level_first_d below), not from the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "host_arch.h"
#include "kernel/timer.h"

/* First relative delay d of each level, design §1.2; [9] is the depth-9 cutoff. */
static const uint64_t level_first_d[] = {
	0, 63, 504, 4032, 32256, 258048, 2064384, 16515072, 132120576, 1056964608,
};

struct config {
	uint32_t hz;
	unsigned depth;
};

static const struct config configs[] = { { 1000, 9 }, { 250, 9 }, { 100, 8 } };

/* Base clocks to test at: aligned, unaligned, 1 mod 8^8, about to wrap. */
static const uint64_t clocks[] = {
	0, 5, (1ull << 24) + 1, 123456789, UINT64_MAX - 300, UINT64_MAX - (1ull << 24) + 2,
};

static uint64_t bias, tick;
static int fired;

static void on_fire(struct timer *t)
{
	(void)t;
	fired++;
}

static uint64_t gran(unsigned lvl)
{
	return 1ull << (3 * lvl);
}

static uint64_t cutoff(unsigned depth)
{
	return level_first_d[depth];
}

/* The clock reads jiffy j; bias keeps the ns value small and positive. */
static void set_jiffies(uint64_t j)
{
	host_clock_set_ns((j - bias) * tick);
}

/* Fresh wheel whose CPU 0 base clock is `clk`. */
static void fresh_wheel(const struct config *c, uint64_t clk)
{
	host_set_cpu(0);
	host_bug_reset();
	tick = 1000000000ull / c->hz;
	bias = clk - 1000;
	set_jiffies(clk);
	timer_init(c->hz, bias);
	timer_cpu_init(0);
	fired = 0;
}

struct expect {
	unsigned level;
	uint32_t index;		/* within the level */
	uint64_t bexp;		/* jiffy at which it runs */
	uint64_t eff;		/* expires after clamping */
};

/* Design §1.3, worked out from the table; d is expires - clk as signed. */
static struct expect expected(const struct config *c, uint64_t clk, uint64_t expires)
{
	struct expect e = { 0, 0, 0, expires };
	uint64_t d = expires - clk;

	if ((int64_t)d < 0) {
		e.index = clk & 63;
		e.bexp = clk;
		return e;
	}
	if (d >= cutoff(c->depth)) {
		d = cutoff(c->depth) - gran(c->depth - 1);
		e.eff = clk + d;
	}
	while (e.level + 1 < c->depth && d >= level_first_d[e.level + 1])
		e.level++;
	e.bexp = ((e.eff >> (3 * e.level)) + 1) << (3 * e.level);
	e.index = (uint32_t)((e.bexp >> (3 * e.level)) & 63);
	return e;
}

/* Arm one timer at clk + d and check placement, next event and firing. */
static void check_one(const struct config *c, uint64_t clk, uint64_t d, bool pinned)
{
	struct timer t;
	struct timer_next nx;
	struct expect e;
	uint64_t expires = clk + d, ns;

	fresh_wheel(c, clk);
	memset(&t, 0xa5, sizeof(t));
	timer_setup(&t, on_fire, pinned ? TIMER_PINNED : 0);
	timer_add(&t, expires);
	e = expected(c, clk, expires);

	if (t.bucket != e.level * 64 + e.index)
		fail_msg("hz %u clk %llu d %llu: bucket %u, expected level %u index %u",
			 c->hz, (unsigned long long)clk, (unsigned long long)d,
			 t.bucket, e.level, e.index);
	assert_true(timer_pending(&t));

	/* never early, at most one granule late (clamped timers excepted) */
	if ((int64_t)d >= 0 && d < cutoff(c->depth)) {
		assert_true(e.bexp - expires >= 1);
		assert_true(e.bexp - expires <= gran(e.level));
	}

	ns = timer_next_event(false, &nx);
	assert_int_equal(ns, (e.bexp - bias) * tick);
	assert_int_equal(nx.local_ns, ns);
	assert_int_equal(nx.global_ns, pinned ? TIMER_NO_EVENT : ns);
	assert_int_equal(nx.within_tick, e.bexp - clk <= 1);

	if (e.bexp != clk) {
		set_jiffies(e.bexp - 1);
		timer_run_cpu();
		if (fired)
			fail_msg("hz %u clk %llu d %llu: fired one jiffy early",
				 c->hz, (unsigned long long)clk, (unsigned long long)d);
	}
	set_jiffies(e.bexp);
	timer_run_cpu();
	assert_int_equal(fired, 1);
	assert_false(timer_pending(&t));
	assert_int_equal(host_bug_count(), 0);
}

static void test_every_level_boundary_maps_fires_on_time_and_never_early(void **state)
{
	(void)state;
	for (size_t ci = 0; ci < sizeof(configs) / sizeof(configs[0]); ci++) {
		const struct config *c = &configs[ci];

		for (size_t k = 0; k < sizeof(clocks) / sizeof(clocks[0]); k++) {
			uint64_t clk = clocks[k];

			check_one(c, clk, 0, false);
			check_one(c, clk, 1, true);
			for (unsigned n = 1; n <= c->depth; n++) {
				check_one(c, clk, level_first_d[n] - 1, n & 1);
				check_one(c, clk, level_first_d[n], !(n & 1));
			}
		}
	}
}

static void test_each_level_holds_exactly_the_design_table_range(void **state)
{
	const struct config *c = &configs[0];

	(void)state;
	/* the published table, written out: last d of levels 0..8 at depth 9 */
	static const uint64_t last_d[] = {
		62, 503, 4031, 32255, 258047, 2064383, 16515071, 132120575, 1056964607,
	};
	for (unsigned lvl = 0; lvl < 9; lvl++) {
		uint64_t first = lvl ? last_d[lvl - 1] + 1 : 0;
		struct timer a, b;

		fresh_wheel(c, 1000);
		timer_setup(&a, on_fire, 0);
		timer_setup(&b, on_fire, 0);
		timer_add(&a, 1000 + first);
		timer_add(&b, 1000 + last_d[lvl]);
		assert_int_equal(a.bucket / 64, lvl);
		assert_int_equal(b.bucket / 64, lvl);
		timer_del(&a);
		timer_del(&b);
	}
}

static void test_timers_beyond_the_cutoff_are_clamped_to_the_maximum_timeout(void **state)
{
	(void)state;
	for (size_t ci = 0; ci < sizeof(configs) / sizeof(configs[0]); ci++) {
		const struct config *c = &configs[ci];
		uint64_t maxt = cutoff(c->depth) - gran(c->depth - 1);

		for (size_t k = 0; k < sizeof(clocks) / sizeof(clocks[0]); k++) {
			check_one(c, clocks[k], cutoff(c->depth), false);
			check_one(c, clocks[k], cutoff(c->depth) + 1, true);
			check_one(c, clocks[k], 2 * cutoff(c->depth), false);
			check_one(c, clocks[k], 1ull << 40, false);
			check_one(c, clocks[k], (1ull << 62), true);
		}
		/* the clamp itself: fires one granule of the top level after clk + maxt */
		{
			struct expect e = expected(c, 8, 8 + (1ull << 40));

			assert_int_equal(e.level, c->depth - 1);
			assert_int_equal(e.eff, 8 + maxt);
		}
	}
}

static void test_expired_timers_go_to_level_0_at_the_base_clock(void **state)
{
	(void)state;
	for (size_t ci = 0; ci < sizeof(configs) / sizeof(configs[0]); ci++)
		for (size_t k = 0; k < sizeof(clocks) / sizeof(clocks[0]); k++) {
			check_one(&configs[ci], clocks[k], (uint64_t)-1, false);
			check_one(&configs[ci], clocks[k], (uint64_t)-100, true);
			check_one(&configs[ci], clocks[k], (uint64_t)-(1ll << 40), false);
		}
}

/* Dense sweep: every d up to 5000, then a stride through the higher levels. */
static void test_dense_sweep_of_delays_matches_the_design_mapping(void **state)
{
	const struct config *c = &configs[0];
	struct timer t;
	struct timer_next nx;

	(void)state;
	for (uint64_t clk = 997; clk < 997 + 9; clk += 4) {
		fresh_wheel(c, clk);
		timer_setup(&t, on_fire, 0);
		for (uint64_t d = 0; d < 2000000; d = d < 5000 ? d + 1 : d + 7919) {
			struct expect e = expected(c, clk, clk + d);

			timer_add(&t, clk + d);
			if (t.bucket != e.level * 64 + e.index)
				fail_msg("clk %llu d %llu: bucket %u, expected %u",
					 (unsigned long long)clk, (unsigned long long)d,
					 t.bucket, e.level * 64 + e.index);
			assert_int_equal(timer_next_event(false, &nx), (e.bexp - bias) * tick);
			assert_true(e.bexp > clk + d && e.bexp - (clk + d) <= gran(e.level));
			assert_true(timer_del(&t));
		}
		assert_int_equal(timer_next_event(false, &nx), TIMER_NO_EVENT);
	}
}

/* The earliest of many timers at all levels is found from the bitmaps. */
static void test_next_event_is_the_earliest_bucket_across_levels(void **state)
{
	const struct config *c = &configs[0];
	static struct timer ts[64];
	uint64_t clk = 77777, best = UINT64_MAX, d = 0;
	struct timer_next nx;

	(void)state;
	fresh_wheel(c, clk);
	for (unsigned i = 0; i < 64; i++) {
		struct expect e;

		/* spread over every level; the last two share one bucket */
		if (i < 63)
			d = (i * 2654435761u) % level_first_d[1 + i % 8];
		e = expected(c, clk, clk + d);

		timer_setup(&ts[i], on_fire, i & 1 ? TIMER_PINNED : 0);
		timer_add(&ts[i], clk + d);
		if (e.bexp - clk < best - clk)
			best = e.bexp;
	}
	assert_int_equal(timer_next_event(false, &nx), (best - bias) * tick);
	/* delete in order of their bucket expiry: the next event follows */
	for (unsigned round = 0; round < 64; round++) {
		unsigned first = 64;
		uint64_t fb = 0;

		for (unsigned i = 0; i < 64; i++) {
			struct expect e;

			if (!timer_pending(&ts[i]))
				continue;
			e = expected(c, clk, ts[i].expires);
			if (first == 64 || e.bexp - clk < fb - clk) {
				first = i;
				fb = e.bexp;
			}
		}
		assert_int_equal(timer_next_event(false, &nx), (fb - bias) * tick);
		assert_true(timer_del(&ts[first]));
	}
	assert_int_equal(timer_next_event(false, &nx), TIMER_NO_EVENT);
}

static void test_jiffies_come_from_the_clock_with_bias_and_convert_back(void **state)
{
	(void)state;
	host_set_cpu(0);
	host_clock_set_ns(0);
	timer_init(250, UINT64_MAX - 1);
	assert_int_equal(timer_tick_ns(), 4000000);
	assert_int_equal(timer_jiffies(), UINT64_MAX - 1);
	host_clock_set_ns(3999999);
	assert_int_equal(timer_jiffies(), UINT64_MAX - 1);
	host_clock_set_ns(4000000);
	assert_int_equal(timer_jiffies(), UINT64_MAX);
	host_clock_set_ns(8000000);
	assert_int_equal(timer_jiffies(), 0);		/* wrapped */
	assert_int_equal(timer_jiffies_to_ns(0), 8000000);
	assert_int_equal(timer_jiffies_to_ns(UINT64_MAX - 1), 0);
	assert_int_equal(timer_jiffies_to_ns(UINT64_MAX - 2), 0);	/* before the origin */
	timer_init(1000, 0);
	assert_int_equal(timer_tick_ns(), 1000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_level_boundary_maps_fires_on_time_and_never_early),
		cmocka_unit_test(test_each_level_holds_exactly_the_design_table_range),
		cmocka_unit_test(test_timers_beyond_the_cutoff_are_clamped_to_the_maximum_timeout),
		cmocka_unit_test(test_expired_timers_go_to_level_0_at_the_base_clock),
		cmocka_unit_test(test_dense_sweep_of_delays_matches_the_design_mapping),
		cmocka_unit_test(test_next_event_is_the_earliest_bucket_across_levels),
		cmocka_unit_test(test_jiffies_come_from_the_clock_with_bias_and_convert_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
