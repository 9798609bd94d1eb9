// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The residency report of a scripted window on 64 CPUs (kernel/residency.c):
 * every record kind is printed whole (none overflows into a
 * report_overflow record), one residency_cpu per numbered CPU, samples
 * only for CPUs that were there, and the view handed to the screens says
 * the same as the records.  The screens' drawing is replaced by this
 * test's, which keeps the view.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host_arch.h"
#include "host_support.h"
#include "kernel/idle.h"
#include "kernel/residency.h"
#include "kernel/residency_view.h"

#define NCPUS		64
#define PARKED		62
#define ABSENT		63
#define MS		1000000ull
#define T0		(5000 * MS)
#define T1		(T0 + 1000 * MS)

static struct residency_view seen;
static struct residency_view_cpu seen_cpu[NCPUS];
static uint16_t seen_sample[NCPUS][16];
static int draws;

/* The screens' entry point, as the report calls it: keep what it was given. */
void residency_screen_draw(const struct residency_view *v)
{
	draws++;
	seen = *v;
	for (uint32_t c = 0; c < v->ncpus && c < NCPUS; c++) {
		seen_cpu[c] = v->cpu[c];
		for (uint32_t i = 0; i < v->nsamples && i < 16; i++)
			seen_sample[c][i] = v->sample(v->ctx, c, i);
	}
}

static void at(uint64_t ns)
{
	host_clock_set_ns(ns);
}

static void sleep_on(uint32_t cpu, uint64_t from, uint64_t to, enum wake_cause cause)
{
	host_set_cpu(cpu);
	at(from);
	residency_idle_enter_state(0, true);
	at(to);
	residency_idle_exit(cause);
}

/*
 * CPU 0 measures and sleeps through the window (its end timer wakes it);
 * CPU 1 wakes 5 times for the hierarchy's duty, CPU 2 3 times for its own
 * pinned timers; the others sleep throughout; CPU 62 is parked, CPU 63
 * never started.
 */
static void script(void)
{
	residency_reset();
	residency_init(NCPUS, NULL);
	host_clock_use_real(false);
	for (uint32_t c = 0; c < ABSENT; c++) {
		sleep_on(c, T0 - 100 * MS, T0 - 90 * MS, WAKE_TICK);
		host_set_cpu(c);
		if (c == PARKED)
			residency_cpu_park();
		else if (c != 0)
			residency_idle_enter_state(0, true);
	}
	host_set_cpu(0);
	at(T0);
	assert_true(residency_begin());
	for (uint32_t k = 0; k < 5; k++) {
		host_set_cpu(1);
		at(T0 + (100 + 150 * k) * MS);
		residency_idle_exit(WAKE_DUTY_RAN);
		residency_idle_enter_state(0, true);
	}
	for (uint32_t k = 0; k < 3; k++) {
		host_set_cpu(2);
		at(T0 + (120 + 200 * k) * MS);
		residency_idle_exit(WAKE_OWN_PINNED);
		residency_idle_enter_state(0, true);
	}
	sleep_on(0, T0 + MS, T1, WAKE_OWN_PINNED);
	residency_end();
}

static void test_every_record_whole_and_the_view_agrees(void **state)
{
	char want[128];

	(void)state;
	script();
	host_log_reset();
	draws = 0;
	residency_report();
	assert_int_equal(host_log_count("report_overflow"), 0);
	/* the table: turbostat's column for HLT, one line per CPU, the system row (the
	 * reader was busy 1 ms of the 1000) */
	assert_int_equal(host_log_count("    C1%"), 1);
	assert_int_equal(host_log_count("(absent)"), 1);
	assert_int_equal(host_log_count("0.000 parked"), 1);
	assert_int_equal(host_log_count(" sys residency median 100.000% min 99.900%"), 1);
	assert_int_equal(host_log_count("@report {\"kind\":\"residency_cpu\""), NCPUS);
	assert_int_equal(host_log_count("@report {\"kind\":\"residency\""), 1);
	assert_int_equal(residency_nsamples(), 10);
	/* samples for the CPUs that were there: not the parked one, not the absent one */
	assert_int_equal(host_log_count("@report {\"kind\":\"residency_sample\""), (NCPUS - 2) * 10);
	assert_int_equal(host_log_count("\"state\":\"absent\""), 1);
	assert_int_equal(host_log_count("\"state\":\"parked\""), 1);
	assert_int_equal(host_log_count("\"online\":62,\"parked\":1,\"absent\":1"), 1);
	assert_int_equal(host_log_count("\"measure_wakeups\":0,\"edge_wakeups\":1"), 2);
	assert_int_equal(host_log_count("\"wakeups\":8,\"wakeups_per_s\":8.000"), 1);
	snprintf(want, sizeof(want), "\"cpu\":1,\"apic_id\":1,");
	assert_int_equal(host_log_count(want), 1);
	assert_int_equal(host_log_count("\"migrator_pct\":100.000"), 1);

	assert_int_equal(draws, 1);
	assert_int_equal(seen.ncpus, NCPUS);
	assert_int_equal(seen.window_ms, 1000);
	assert_int_equal(seen.sample_ms, 100);
	assert_int_equal(seen.nsamples, 10);
	assert_int_equal(seen.measure_wakeups, 0);
	assert_int_equal(seen.edge_wakeups, 1);
	assert_int_equal(seen.wakeups_per_s_x100, 800);
	assert_int_equal(seen.median_permille, 1000);
	assert_true(seen_cpu[PARKED].parked && seen_cpu[ABSENT].parked);
	assert_false(seen_cpu[1].parked);
	assert_int_equal(seen_cpu[1].migrator_permille, 1000);
	assert_int_equal(seen_cpu[2].migrator_permille, 0);
	assert_int_equal(seen_cpu[1].wakeups_per_s_x100, 500);
	assert_int_equal(seen_cpu[5].idle_permille, 1000);
	assert_int_equal(seen_sample[5][0], 1000);
	assert_int_equal(seen_sample[PARKED][3], RESIDENCY_NO_SAMPLE);
	assert_int_equal(seen_sample[ABSENT][3], RESIDENCY_NO_SAMPLE);
	assert_string_equal(seen.tmigr, "off");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_record_whole_and_the_view_agrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
