// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/idle.c and kernel/tick.c: the lost wake-up races around the halt,
 * each forced step by step on the real idle loop (tmsim_idle_loop: the
 * vCPU runs idle_until() with tick.c's handlers and the host's interrupt
 * model, tests/host/host_arch.h).
 *
 * CPU 1 runs the idle loop and is stopped at one of idle.c's yield points
 * ("idle.after_work_check", "idle.decided", "idle.before_halt"); CPU 0,
 * active and ticked by the simulation, does what another CPU would do in
 * that window; then CPU 1 goes on.  Each test names the rule of idle.c's
 * theory comment that makes it pass, and its mutant (kernel/mutant.h,
 * tests/host/tmigr_mutants.txt) puts the bug back:
 *
 *   I-01  a remote timer_add_on's kick between the decision and the halt
 *         ends the halt, and the one-shot is then programmed for the timer
 *   I-02  work queued while the target decides runs before it sleeps
 *   I-03  a hierarchy wake-up due exactly at the halt, or already past,
 *         fires at once and the due global timer of an idle CPU runs
 *   I-04  the tick stopped while a timer is added for the next jiffy: the
 *         timer runs at that jiffy
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "host_arch.h"
#include "kernel/idle.h"
#include "kernel/timer.h"
#include "kernel/workqueue.h"
#include "tmsim.h"

#define IDLER		1	/* runs kernel/idle.c */
#define OTHER		0	/* active, does the racing thing */

/* Start two CPUs and stop the idler at `where` in its first decision. */
static void idler_stopped_at(const char *where)
{
	tmsim_start_n(2);
	tmsim_break(IDLER, where, NULL, 1);
	TMSIM_ASSERT(tmsim_idle_loop(IDLER) == TMSIM_BREAK,
		     "CPU %u did not reach %s in its idle loop", IDLER, where);
}

static void end_run(void)
{
	TMSIM_ASSERT(tmsim_idle_loop_leave(IDLER) == TMSIM_DONE,
		     "CPU %u did not leave its idle loop", IDLER);
	TMSIM_ASSERT(tmsim_check_timers(), "timer oracle");
	TMSIM_ASSERT(tmsim_check_quiescent(), "hierarchy invariants");
	TMSIM_ASSERT_OK();
	tmsim_stop();
}

/*
 * Interleaving: CPU 1 decides (no timer: tick stopped, no event
 * programmed) and stops before its halt; CPU 0 adds a pinned timer on
 * CPU 1, 5 jiffies ahead, which kicks it (its bases are marked idle);
 * CPU 1 halts.  Rule I1: the pending kick ends the halt at once, the loop
 * decides again and programs the one-shot for the timer.
 */
static void test_i01_kick_between_decision_and_halt_ends_the_halt(void **state)
{
	static struct tmsim_timer tt;
	uint64_t j0;

	(void)state;
	idler_stopped_at("idle.before_halt");
	j0 = tmsim_jiffies();
	TMSIM_ASSERT(tmsim_deadline(IDLER) == TIMER_NO_EVENT,
		     "setup: CPU 1 with no timer programmed an event");
	tmsim_arm_on(OTHER, IDLER, &tt, "pinned-on-1", j0 + 5, true);
	TMSIM_ASSERT(host_irq_pending(IDLER) & (1u << ARCH_IPI_WAKE),
		     "setup: timer_add_on did not kick idle CPU 1");
	TMSIM_ASSERT(tmsim_resume(IDLER) == TMSIM_HALT, "CPU 1 did not halt again");
	TMSIM_ASSERT(tmsim_deadline(IDLER) == tmsim_event_ns(&tt),
		     "I-01: the halt slept through the kick: CPU 1's event is %s, the new timer's is j%llu",
		     tmsim_deadline(IDLER) == TIMER_NO_EVENT ? "none" : "another",
		     (unsigned long long)tmsim_bucket_expiry(&tt));
	TMSIM_ASSERT(tmsim_advance_to(tmsim_bucket_expiry(&tt)), "advance");
	TMSIM_ASSERT(tmsim_timer_ok(&tt), "I-01: the kicked CPU's timer did not run on time");
	end_run();
}

struct flagged_work {
	struct work work;	/* first: the callback gets this back */
	uint32_t runs;
	uint32_t ran_on;
};

static void count_run(struct work *w)
{
	struct flagged_work *f = (struct flagged_work *)w;

	f->runs++;
	f->ran_on = arch_cpu_id();
}

static struct flagged_work queued;

static void queue_on_idler(void *unused)
{
	(void)unused;
	queued.work.fn = count_run;
	work_queue_on(IDLER, &queued.work);
}

/*
 * Interleaving: CPU 1 finds no work and stops right after that check;
 * CPU 0 queues work on it (the call IPI follows the enqueue); CPU 1 goes
 * on to decide and halt.  Rule I2: interrupts were off since the check, so
 * the call IPI is still pending at the halt, which returns at once, and
 * the next step runs the work: no further interrupt is needed.
 */
static void test_i02_work_queued_while_deciding_runs_before_sleeping(void **state)
{
	(void)state;
	memset(&queued, 0, sizeof(queued));
	idler_stopped_at("idle.after_work_check");
	TMSIM_ASSERT(tmsim_run(OTHER, queue_on_idler, NULL) == TMSIM_DONE, "queue the work");
	TMSIM_ASSERT(tmsim_resume(IDLER) == TMSIM_HALT, "CPU 1 did not halt again");
	TMSIM_ASSERT(queued.runs == 1 && queued.ran_on == IDLER,
		     "I-02: work queued while CPU 1 decided did not run before it slept (runs %u): it waits for another interrupt",
		     queued.runs);
	TMSIM_ASSERT(!work_pending(IDLER), "I-02: CPU 1 sleeps with work queued");
	end_run();
}

/*
 * Interleaving: CPU 0 arms a global timer and goes idle; CPU 1, the last
 * active CPU, decides: it becomes the idle migrator and its deadline is
 * the hierarchy wake-up for CPU 0's timer.  It stops before programming
 * the event device, and time reaches that deadline exactly (`late` 0) or
 * passes it by a jiffy (`late` 1).  Rule I3: the deadline, reached, is
 * programmed anyway and fires at once; the halt ends and CPU 1 expires
 * CPU 0's timer remotely.
 */
static void wakeup_reached_before_the_halt(uint64_t late)
{
	static struct tmsim_timer tt;
	uint64_t j0;

	tmsim_start_n(2);
	j0 = tmsim_jiffies();
	tmsim_arm(OTHER, &tt, "global-on-0", j0 + 10, false);
	tmsim_idle(OTHER);
	tmsim_break(IDLER, "idle.decided", NULL, 1);
	TMSIM_ASSERT(tmsim_idle_loop(IDLER) == TMSIM_BREAK, "CPU 1 did not reach its decision");
	tmsim_set_jiffies(tmsim_bucket_expiry(&tt) + late);
	TMSIM_ASSERT(tmsim_resume(IDLER) == TMSIM_HALT, "CPU 1 did not halt again");
	TMSIM_ASSERT(tt.runs == 1 && tt.ran_on == IDLER,
		     "I-03: the hierarchy wake-up due at the halt did not fire: CPU 0's global timer ran %u times (on CPU %d)",
		     tt.runs, tt.runs ? (int)tt.ran_on : -1);
	TMSIM_ASSERT(tmsim_timer_ok(&tt), "I-03: timer oracle");
	end_run();
}

static void test_i03_hierarchy_wakeup_due_at_the_halt_fires_at_once(void **state)
{
	(void)state;
	wakeup_reached_before_the_halt(0);
}

static void test_i03_hierarchy_wakeup_past_at_the_halt_fires_at_once(void **state)
{
	(void)state;
	wakeup_reached_before_the_halt(1);
}

/*
 * Interleaving: CPU 1 decides to stop its tick (no timer) and stops
 * before acting on it; CPU 0 adds a pinned timer on CPU 1 for the next
 * jiffy (a kick: CPU 1's bases are marked idle); CPU 1 stops its tick and
 * halts.  The kick ends the halt, the next decision finds the timer within
 * a jiffy and starts the tick again, which must program the next jiffy
 * boundary (rule I4: the tick was marked stopped).  The timer runs at its
 * bucket's jiffy, the earliest the wheel allows, not a tick later and not
 * never.
 */
static void test_i04_tick_stopped_while_timer_added_for_next_jiffy_runs_it_then(void **state)
{
	static struct tmsim_timer tt;
	uint64_t j0;

	(void)state;
	idler_stopped_at("idle.decided");
	j0 = tmsim_jiffies();
	tmsim_arm_on(OTHER, IDLER, &tt, "next-jiffy-on-1", j0, true);
	TMSIM_ASSERT(tmsim_bucket_expiry(&tt) == j0 + 1, "setup: the timer is not for the next jiffy");
	TMSIM_ASSERT(tmsim_resume(IDLER) == TMSIM_HALT, "CPU 1 did not halt again");
	TMSIM_ASSERT(tmsim_deadline(IDLER) == tmsim_ns(j0 + 1),
		     "I-04: CPU 1's tick is not programmed for j%llu after the timer came: its event is %s",
		     (unsigned long long)(j0 + 1),
		     tmsim_deadline(IDLER) == TIMER_NO_EVENT ? "none" : "another");
	TMSIM_ASSERT(tmsim_advance_to(j0 + 1), "advance");
	TMSIM_ASSERT(tt.runs == 1 && tt.ran_j == j0 + 1,
		     "I-04: the timer for the next jiffy ran %u times, at j%llu (due j%llu)",
		     tt.runs, (unsigned long long)tt.ran_j, (unsigned long long)(j0 + 1));
	end_run();
}

/*
 * No race: the loop's plain behaviour, which the tests above build on.  An
 * idle CPU with no timer stops its tick and takes no interrupt at all; with
 * one pinned timer 20 jiffies ahead it takes exactly one, at that timer's
 * bucket, and runs it there.
 */
static void test_idle_cpu_takes_one_interrupt_per_own_timer_and_none_without(void **state)
{
	static struct tmsim_timer tt;
	const struct idle_stats *st = idle_stats_of(IDLER);
	uint64_t j0;

	(void)state;
	tmsim_start_n(2);
	j0 = tmsim_jiffies();
	TMSIM_ASSERT(tmsim_idle_loop(IDLER) == TMSIM_HALT, "CPU 1 did not halt");
	TMSIM_ASSERT(tmsim_advance_to(j0 + 50), "advance");
	TMSIM_ASSERT(st->timer_irqs == 0 && st->idle_wakeups == 0,
		     "CPU 1 with no timer took %llu event interrupts and woke %llu times",
		     (unsigned long long)st->timer_irqs, (unsigned long long)st->idle_wakeups);
	tmsim_arm_on(OTHER, IDLER, &tt, "pinned-on-1", j0 + 70, true);
	TMSIM_ASSERT(tmsim_resume(IDLER) == TMSIM_HALT, "CPU 1 did not halt after the kick");
	TMSIM_ASSERT(tmsim_advance_to(j0 + 120), "advance");
	TMSIM_ASSERT(st->timer_irqs == 1 && tt.runs == 1 && tt.ran_j == tmsim_bucket_expiry(&tt),
		     "CPU 1 took %llu event interrupts for one timer, which ran %u times at j%llu (bucket j%llu)",
		     (unsigned long long)st->timer_irqs, tt.runs, (unsigned long long)tt.ran_j,
		     (unsigned long long)tmsim_bucket_expiry(&tt));
	TMSIM_ASSERT(st->wakes_by[WAKE_OWN_PINNED] == 1 && st->wakes_by[WAKE_IPI_WAKE] == 1,
		     "CPU 1's wake-ups by cause: own pinned timer %llu (want 1), wake IPI %llu (want 1)",
		     (unsigned long long)st->wakes_by[WAKE_OWN_PINNED],
		     (unsigned long long)st->wakes_by[WAKE_IPI_WAKE]);
	end_run();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_cpu_takes_one_interrupt_per_own_timer_and_none_without),
		cmocka_unit_test(test_i01_kick_between_decision_and_halt_ends_the_halt),
		cmocka_unit_test(test_i02_work_queued_while_deciding_runs_before_sleeping),
		cmocka_unit_test(test_i03_hierarchy_wakeup_due_at_the_halt_fires_at_once),
		cmocka_unit_test(test_i03_hierarchy_wakeup_past_at_the_halt_fires_at_once),
		cmocka_unit_test(test_i04_tick_stopped_while_timer_added_for_next_jiffy_runs_it_then),
	};

	tmsim_test_filter();	/* TMSIM_TEST=<name>: that test only (run-mutants.sh) */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
