// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/idle.c and kernel/tick.c: every halt that ends is counted under
 * one named cause (kernel/idle.h), on the real idle loop (tmsim_idle_loop,
 * as in test_idle_races.c).  CPU 1 runs the idle loop; CPU 0 is active
 * and does what another CPU would.
 *
 * Each test forces one way for a halt to end and checks that exactly that
 * cause was counted, once, and that the halts of CPU 1 add up: the sum
 * over causes equals idle_wakeups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "host_arch.h"
#include "kernel/idle.h"
#include "kernel/timer.h"
#include "tmsim.h"

#define IDLER		1	/* runs kernel/idle.c */
#define OTHER		0	/* active */

static void end_run(void)
{
	TMSIM_ASSERT(tmsim_idle_loop_leave(IDLER) == TMSIM_DONE,
		     "CPU %u did not leave its idle loop", IDLER);
	TMSIM_ASSERT(tmsim_check_timers(), "timer oracle");
	TMSIM_ASSERT(tmsim_check_quiescent(), "hierarchy invariants");
	TMSIM_ASSERT_OK();
	tmsim_stop();
}

/* Halts of `st` by cause, as "name n, ..." for failure messages. */
static const char *causes(const struct idle_stats *st)
{
	static char buf[512];
	size_t n = 0;

	buf[0] = 0;
	for (int c = 0; c < WAKE_NR && n < sizeof(buf); c++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s %llu", c ? ", " : "",
				      wake_cause_name(c), (unsigned long long)st->wakes_by[c]);
	return buf;
}

static uint64_t all_causes(const struct idle_stats *st)
{
	uint64_t n = 0;

	for (int c = 0; c < WAKE_NR; c++)
		n += st->wakes_by[c];
	return n;
}

/*
 * Two CPUs; the idler halts in its idle loop, the other CPU arms pinned
 * timer `tt` on it 30 jiffies out (the kick ends the halt, the idler
 * programs its one-shot and halts again).  Returns the starting jiffy.
 */
static uint64_t pinned_timer_on_halted_idler(struct tmsim_timer *tt)
{
	uint64_t j0;

	tmsim_start_n(2);
	j0 = tmsim_jiffies();
	TMSIM_ASSERT(tmsim_idle_loop(IDLER) == TMSIM_HALT, "CPU 1 did not halt");
	tmsim_arm_on(OTHER, IDLER, tt, "pinned-on-1", j0 + 30, true);
	TMSIM_ASSERT(tmsim_resume(IDLER) == TMSIM_HALT, "CPU 1 did not halt after the kick");
	return j0;
}

/*
 * A pinned timer is cancelled by another CPU after the idle CPU programmed
 * its one-shot for it.  The cancel does not reach the idle CPU's event
 * device: the forced wake-up still happens at the timer's bucket.  The
 * CPU had published it to the hierarchy (R-29, docs/tmigr.md §2.16), so it
 * walks on duty then, finds nothing due, and the wake-up is counted
 * duty_empty: not an own timer, not unnamed.  (The coalescing of duty
 * wake-ups relies on this: a CPU whose pinned one-shot is armed wakes
 * then, deleted timer or not.)
 */
static void test_cancelled_pinned_timer_still_wakes_its_cpu_for_an_empty_duty_walk(void **state)
{
	static struct tmsim_timer tt;
	const struct idle_stats *st = idle_stats_of(IDLER);
	uint64_t j0, ev;

	(void)state;
	j0 = pinned_timer_on_halted_idler(&tt);
	ev = tmsim_event_ns(&tt);
	TMSIM_ASSERT(tmsim_deadline(IDLER) == ev, "setup: CPU 1's one-shot is not for its timer");
	tmsim_cancel(OTHER, &tt);
	TMSIM_ASSERT(tmsim_deadline(IDLER) == ev,
		     "the cancel withdrew CPU 1's programmed one-shot");
	TMSIM_ASSERT(tmsim_advance_to(j0 + 60), "advance");
	TMSIM_ASSERT(tt.runs == 0, "the cancelled timer ran %u times", tt.runs);
	TMSIM_ASSERT(st->wakes_by[WAKE_DUTY_EMPTY] == 1 && st->wakes_by[WAKE_OWN_PINNED] == 0 &&
		     st->wakes_by[WAKE_UNNAMED] == 0,
		     "CPU 1's wake-ups by cause: %s (want duty_empty 1)", causes(st));
	TMSIM_ASSERT(all_causes(st) == st->idle_wakeups,
		     "CPU 1's causes sum to %llu, its halts to %llu",
		     (unsigned long long)all_causes(st), (unsigned long long)st->idle_wakeups);
	end_run();
}

/*
 * The same pinned timer left in place: its wake-up is the own pinned
 * cause, once; the kick that armed it is the wake IPI, once.
 */
static void test_pinned_timer_wakeup_counts_own_pinned_and_its_kick_ipi_wake(void **state)
{
	static struct tmsim_timer tt;
	const struct idle_stats *st = idle_stats_of(IDLER);
	uint64_t j0;

	(void)state;
	j0 = pinned_timer_on_halted_idler(&tt);
	TMSIM_ASSERT(tmsim_advance_to(j0 + 60), "advance");
	TMSIM_ASSERT(tt.runs == 1, "the timer ran %u times", tt.runs);
	TMSIM_ASSERT(st->wakes_by[WAKE_OWN_PINNED] == 1 && st->wakes_by[WAKE_IPI_WAKE] == 1 &&
		     all_causes(st) == 2 && st->idle_wakeups == 2,
		     "CPU 1's wake-ups by cause: %s (want own_pinned 1, ipi_wake 1)", causes(st));
	end_run();
}

/* The log2 buckets of how early a one-shot fired (kernel/idle.h): the edges. */
static void test_early_one_shot_buckets_are_log2_microseconds(void **state)
{
	static const struct { uint64_t ns; uint32_t bucket; } edges[] = {
		{ 0, 0 }, { 1999, 0 }, { 2000, 1 }, { 3999, 1 }, { 4000, 2 },
		{ 1023999, 9 }, { 1024000, 10 }, { 2047999, 10 }, { 2048000, 11 },
		{ UINT64_MAX, IDLE_EARLY_BUCKETS - 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		if (idle_early_bucket(edges[i].ns) != edges[i].bucket)
			fail_msg("%llu ns early went to bucket %u, not %u",
				 (unsigned long long)edges[i].ns, idle_early_bucket(edges[i].ns),
				 edges[i].bucket);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pinned_timer_wakeup_counts_own_pinned_and_its_kick_ipi_wake),
		cmocka_unit_test(test_cancelled_pinned_timer_still_wakes_its_cpu_for_an_empty_duty_walk),
		cmocka_unit_test(test_early_one_shot_buckets_are_log2_microseconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
