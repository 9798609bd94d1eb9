// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Residency accounting on scripted idle periods (kernel/residency.c).
 *
 * Each test plays CPUs on one thread (host_set_cpu) against the
 * test-controlled clock: idle periods, wake-up causes, parks, then a
 * window read by a reader CPU that is never counted itself (so the edge
 * rule for the reader's own wake-up stays out of the way, except in the
 * test about it).  The expected figures are computed from the script,
 * never written down as results.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_arch.h"
#include "kernel/idle.h"
#include "kernel/residency.h"

#define NCPUS	6
#define READER	5
#define MS	1000000ull
#define T0	(10000 * MS)		/* window begin on the clock */

static int setup(void **state)
{
	(void)state;
	residency_reset();
	residency_init(NCPUS, NULL);
	host_clock_use_real(false);
	host_clock_set_ns(1000 * MS);
	return 0;
}

static void at(uint64_t ns)
{
	host_clock_set_ns(ns);
}

/* `cpu` halts in a sleeping state from `from` to `to`, woken by `cause`. */
static void sleep_on(uint32_t cpu, uint64_t from, uint64_t to, enum wake_cause cause)
{
	host_set_cpu(cpu);
	at(from);
	residency_idle_enter_state(0, true);
	at(to);
	residency_idle_exit(cause);
}

/* `cpu` is counted (busy) from `t`: its first halt, of no length, starts it. */
static void start_cpu(uint32_t cpu, uint64_t t)
{
	host_set_cpu(cpu);
	at(t);
	residency_idle_enter_state(0, true);
	residency_idle_exit(WAKE_TICK);
}

/* The reader's window edges (the script calls them in clock order). */
static void begin_at(uint64_t t)
{
	host_set_cpu(READER);
	at(t);
	assert_true(residency_begin());
}

static void end_at(uint64_t t)
{
	host_set_cpu(READER);
	at(t);
	residency_end();
}

/* Overlap of [a, b) with [lo, hi). */
static uint64_t overlap(uint64_t a, uint64_t b, uint64_t lo, uint64_t hi)
{
	uint64_t x = a > lo ? a : lo, y = b < hi ? b : hi;

	return y > x ? y - x : 0;
}

static void assert_within_0_1_pct(uint64_t sum, uint64_t span)
{
	uint64_t d = sum > span ? sum - span : span - sum;

	if (d * 1000 > span)
		fail_msg("busy + idle + poll + parked = %lu ns, window %lu ns",
			 (unsigned long)sum, (unsigned long)span);
}

static void test_busy_plus_idle_is_the_window_and_idle_is_the_scripted_sleep(void **state)
{
	/* idle periods of CPU 1: one across the begin, some inside, one across the end */
	static const uint64_t p[][2] = {
		{ T0 - 500 * MS, T0 + 120 * MS }, { T0 + 121 * MS, T0 + 400 * MS },
		{ T0 + 400 * MS + 3000, T0 + 401 * MS }, { T0 + 900 * MS, T0 + 2500 * MS },
	};
	uint64_t t1 = T0 + 2000 * MS, idle = 0;
	struct res_cpu_fig f;

	(void)state;
	start_cpu(1, T0 - 900 * MS);
	host_set_cpu(1);
	at(p[0][0]);
	residency_idle_enter_state(0, true);
	begin_at(T0);
	host_set_cpu(1);
	at(p[0][1]);
	residency_idle_exit(WAKE_OWN_PINNED);
	for (size_t i = 1; i + 1 < sizeof(p) / sizeof(p[0]); i++)
		sleep_on(1, p[i][0], p[i][1], WAKE_OWN_PINNED);
	host_set_cpu(1);
	at(p[3][0]);
	residency_idle_enter_state(0, true);	/* still asleep at the end */
	end_at(t1);
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		idle += overlap(p[i][0], p[i][1], T0, t1);
	assert_true(residency_figures(1, &f));
	assert_int_equal(f.span_ns, t1 - T0);
	assert_within_0_1_pct(f.busy_ns + f.idle_ns + f.poll_ns + f.parked_ns, f.span_ns);
	assert_int_equal(f.idle_ns, idle);
	assert_int_equal(f.busy_ns, f.span_ns - idle);
	assert_int_equal(f.parked_ns, 0);
	/* periods that ended inside: the first three; the 4th runs on (begun inside too) */
	assert_int_equal(f.wakeups, 3);
	assert_int_equal(f.entries, 3);
	assert_int_equal(f.periods, 4);
}

static void test_poll_time_is_counted_apart_from_sleep(void **state)
{
	struct res_cpu_fig f;

	(void)state;
	start_cpu(2, T0 - 10 * MS);
	begin_at(T0);
	host_set_cpu(2);
	at(T0 + 100 * MS);
	residency_idle_enter_state(1, false);	/* a state that does not sleep */
	at(T0 + 700 * MS);
	residency_idle_exit(WAKE_IPI_WAKE);
	end_at(T0 + 1000 * MS);
	residency_figures(2, &f);
	assert_int_equal(f.poll_ns, 600 * MS);
	assert_int_equal(f.idle_ns, 0);
	assert_int_equal(f.state_ns[1], 0);
	assert_int_equal(f.busy_ns, 400 * MS);
	assert_int_equal(residency_sample(2, 3), 0);	/* polling is not a sleeping share */
}

static void test_wakeups_by_cause_add_up_to_the_wakeups(void **state)
{
	uint64_t want[WAKE_NR] = { 0 }, t = T0 + MS, all = 0;
	struct res_cpu_fig f;

	(void)state;
	start_cpu(3, T0 - MS);
	begin_at(T0);
	for (uint32_t i = 0; i < 50; i++) {
		enum wake_cause c = (enum wake_cause)((i * 7) % WAKE_NR);

		sleep_on(3, t, t + 5 * MS, c);
		want[c]++;
		t += 10 * MS;
	}
	host_set_cpu(3);
	at(t);
	residency_note_vector(0xec);
	residency_note_vector(0xec);
	residency_note_vector(0x27);
	end_at(t + MS);
	residency_figures(3, &f);
	for (int c = 0; c < WAKE_NR; c++) {
		assert_int_equal(f.by_cause[c], want[c]);
		all += f.by_cause[c];
	}
	assert_int_equal(all, f.wakeups);
	assert_int_equal(f.wakeups, 50);
	/* each wake-up here came with no interrupt counted by the script but the vectors */
	assert_int_equal(f.irqs, 3);
}

static void test_histogram_bucket_edges_in_microseconds(void **state)
{
	(void)state;
	assert_int_equal(residency_hist_bucket(0), 0);
	assert_int_equal(residency_hist_bucket(1999), 0);
	assert_int_equal(residency_hist_bucket(2000), 1);
	assert_int_equal(residency_hist_bucket(3999), 1);
	assert_int_equal(residency_hist_bucket(4000), 2);
	assert_int_equal(residency_hist_bucket((1ull << 22) * 1000 - 1), 21);
	assert_int_equal(residency_hist_bucket((1ull << 22) * 1000), 22);
	assert_int_equal(residency_hist_bucket((1ull << 23) * 1000), RES_HIST_BUCKETS - 1);
	assert_int_equal(residency_hist_bucket(UINT64_MAX), RES_HIST_BUCKETS - 1);
}

static void test_histogram_counts_each_ended_period_in_its_bucket(void **state)
{
	static const uint64_t len_ns[] = { 1000, 1999, 2000, 3999, 4000, 1000000, 5000000000ull };
	uint64_t t = T0 + MS, sum = 0;
	uint64_t want[RES_HIST_BUCKETS] = { 0 };
	struct res_cpu_fig f;

	(void)state;
	start_cpu(1, T0 - MS);
	begin_at(T0);
	for (size_t i = 0; i < sizeof(len_ns) / sizeof(len_ns[0]); i++) {
		sleep_on(1, t, t + len_ns[i], WAKE_TICK);
		want[residency_hist_bucket(len_ns[i])]++;
		t += len_ns[i] + MS;
	}
	end_at(t);
	residency_figures(1, &f);
	for (int k = 0; k < RES_HIST_BUCKETS; k++) {
		assert_int_equal(f.hist[k], want[k]);
		sum += f.hist[k];
	}
	assert_int_equal(sum, f.wakeups);
}

static void test_samples_of_a_cpu_asleep_across_many_intervals(void **state)
{
	uint32_t n;

	(void)state;
	/* CPU 1: asleep from before the window through its end, never wakes */
	start_cpu(1, T0 - 20 * MS);
	host_set_cpu(1);
	at(T0 - 10 * MS);
	residency_idle_enter_state(0, true);
	/* CPU 2: asleep 50 ms into interval 0 until 50 ms into interval 10, then busy */
	sleep_on(2, T0 - 30 * MS, T0 - 20 * MS, WAKE_TICK);	/* counted before the window */
	begin_at(T0);
	host_set_cpu(2);
	at(T0 + 50 * MS);
	residency_idle_enter_state(0, true);
	end_at(T0 + 1530 * MS);
	n = residency_nsamples();
	assert_int_equal(n, 15);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(residency_sample(1, i), 1000);	/* all from the reader's tail */
	/* CPU 2 is still asleep at the end: its whole sleep is the reader's tail too */
	assert_int_equal(residency_sample(2, 0), 500);
	for (uint32_t i = 1; i < n; i++)
		assert_int_equal(residency_sample(2, i), 1000);
	assert_int_equal(residency_sample(1, n), RESIDENCY_NO_SAMPLE);	/* not complete */
}

static void test_samples_written_by_the_cpu_when_it_wakes_match_the_tail_rule(void **state)
{
	(void)state;
	start_cpu(2, T0 - 20 * MS);
	begin_at(T0);
	/* CPU 2 sleeps 50 ms into interval 0 .. 50 ms into interval 10, then stays busy */
	sleep_on(2, T0 + 50 * MS, T0 + 1050 * MS, WAKE_DUTY_RAN);
	end_at(T0 + 1530 * MS);
	assert_int_equal(residency_sample(2, 0), 500);
	for (uint32_t i = 1; i < 10; i++)
		assert_int_equal(residency_sample(2, i), 1000);
	assert_int_equal(residency_sample(2, 10), 500);
	for (uint32_t i = 11; i < 15; i++)
		assert_int_equal(residency_sample(2, i), 0);
}

static void test_parked_time_is_neither_busy_nor_idle(void **state)
{
	struct res_cpu_fig f;

	(void)state;
	start_cpu(1, T0 - MS);
	start_cpu(4, T0 - MS);
	begin_at(T0);
	sleep_on(1, T0 + 10 * MS, T0 + 300 * MS, WAKE_IPI_CALL);
	/* CPU 4 parks inside the window and stays parked */
	host_set_cpu(4);
	residency_cpu_park();
	host_set_cpu(1);
	residency_cpu_park();
	at(T0 + 700 * MS);
	residency_cpu_unpark();
	end_at(T0 + 1000 * MS);
	residency_figures(1, &f);
	assert_int_equal(f.state, RES_ONLINE);
	assert_int_equal(f.parked_ns, 400 * MS);
	assert_int_equal(f.idle_ns, 290 * MS);
	assert_int_equal(f.busy_ns, f.span_ns - 400 * MS - 290 * MS);
	assert_int_equal(residency_sample(1, 4), RESIDENCY_NO_SAMPLE);	/* parked throughout */
	assert_int_equal(residency_sample(1, 8), 0);
	residency_figures(4, &f);
	assert_int_equal(f.state, RES_PARKED);
	assert_int_equal(f.parked_ns, 700 * MS);
	assert_within_0_1_pct(f.busy_ns + f.idle_ns + f.poll_ns + f.parked_ns, f.span_ns);
}

static void test_cpu_never_counted_is_absent_and_one_started_late_is_parked_before(void **state)
{
	struct res_cpu_fig f;

	(void)state;
	begin_at(T0);
	/* hot-added inside the window: its interrupts before its first halt do not count it */
	host_set_cpu(1);
	at(T0 + 300 * MS);
	residency_note_irq();
	residency_note_vector(0x30);
	start_cpu(1, T0 + 600 * MS);
	end_at(T0 + 1000 * MS);
	residency_figures(3, &f);
	assert_int_equal(f.state, RES_ABSENT);
	assert_int_equal(residency_sample(3, 0), RESIDENCY_NO_SAMPLE);
	residency_figures(1, &f);
	assert_int_equal(f.state, RES_ONLINE);
	assert_int_equal(f.busy_ns, 400 * MS);
	assert_int_equal(f.parked_ns, 600 * MS);
	assert_int_equal(f.irqs, 0);
	assert_int_equal(residency_sample(1, 2), RESIDENCY_NO_SAMPLE);
	assert_int_equal(residency_sample(1, 7), 0);
}

static void test_reader_wakeup_for_the_end_is_an_edge_not_a_figure(void **state)
{
	struct res_cpu_fig f;

	(void)state;
	start_cpu(READER, T0 - MS);
	begin_at(T0);
	sleep_on(READER, T0 + MS, T0 + 1000 * MS, WAKE_OWN_PINNED);	/* its end timer */
	end_at(T0 + 1000 * MS);
	residency_figures(READER, &f);
	assert_true(f.edge_woke);
	assert_int_equal(f.wakeups, 0);
	assert_int_equal(f.by_cause[WAKE_OWN_PINNED], 0);
	assert_int_equal(residency_edge_wakeups(), 1);
	assert_int_equal(residency_measure_wakeups(), 0);
}

static void test_one_window_at_a_time(void **state)
{
	(void)state;
	host_set_cpu(READER);
	at(T0);
	assert_true(residency_begin());
	assert_false(residency_begin());
	residency_end();
	assert_true(residency_begin());
	residency_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_busy_plus_idle_is_the_window_and_idle_is_the_scripted_sleep, setup),
		cmocka_unit_test_setup(test_poll_time_is_counted_apart_from_sleep, setup),
		cmocka_unit_test_setup(test_wakeups_by_cause_add_up_to_the_wakeups, setup),
		cmocka_unit_test_setup(test_histogram_bucket_edges_in_microseconds, setup),
		cmocka_unit_test_setup(test_histogram_counts_each_ended_period_in_its_bucket, setup),
		cmocka_unit_test_setup(test_samples_of_a_cpu_asleep_across_many_intervals, setup),
		cmocka_unit_test_setup(test_samples_written_by_the_cpu_when_it_wakes_match_the_tail_rule, setup),
		cmocka_unit_test_setup(test_parked_time_is_neither_busy_nor_idle, setup),
		cmocka_unit_test_setup(test_cpu_never_counted_is_absent_and_one_started_late_is_parked_before, setup),
		cmocka_unit_test_setup(test_reader_wakeup_for_the_end_is_an_edge_not_a_figure, setup),
		cmocka_unit_test_setup(test_one_window_at_a_time, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
