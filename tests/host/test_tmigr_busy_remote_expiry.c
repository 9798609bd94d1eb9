// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/tmigr: remote expiry of a CPU whose own GLOBAL callbacks are
 * running (R-27, ours; kernel/tmigr.c theory).
 *
 * The interleaving.  CPU A is idle in the hierarchy, its global timers
 * exported.  An interrupt reaches A (any interrupt runs its wheel) and A
 * is held inside its GLOBAL callbacks: the base is unlocked and its
 * running_timer set (yield point "timer.callback_returned" of
 * kernel/timer.c), as when a vCPU is preempted there.  A's wheel run took
 * its jiffies when it started, so a timer of A that falls due meanwhile
 * stays in the wheel.  The migrator B pops A's event: the wheel run for A
 * finds the base busy and runs nothing, and A's event comes back as due as
 * before.  Popping it again spins until A is done (the livelock hit at
 * -smp 64); B must look at A again no sooner than the next jiffy, A's
 * still-due event must not hide the due events of other CPUs behind it
 * (in A's group, or below A's group from the levels above), and A's
 * timers must still run once A is done.
 *
 * Oracles: the livelock detectors of tmsim (more remote expiries in one
 * operation than CPUs plus groups; more than 4 interrupts of a vCPU in one
 * jiffy) and, stronger, exactly one interrupt of B per jiffy while A is
 * held, with at least one and at most one per busy CPU remote expiries in
 * it (the busy path is taken, and ends); B's wake-up is the next jiffy,
 * never "now";
 * the structure checker while A is held, the quiescent checker after; the
 * timer oracle: each timer runs exactly once, never early, and no later
 * than its bucket expiry plus one jiffy, or, for the timer A's wheel held
 * back, no later than one jiffy after A's callback returned.
 *
 * One source, two programs (as test_tmigr_races): fan-out 8 (one group of
 * 4 CPUs; 12 CPUs for two levels) and fan-out 2 (4 CPUs, two levels).
 * Mutant R-27 (tests/host/tmigr_mutants.txt) re-queues the busy CPU's
 * event as it is, still due, so that it is popped again at once.  Times
 * are jiffies after TMSIM_START_J; a timer armed for J(n) at J(0) has its
 * bucket at J(n + 1).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_arch.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "tmsim.h"
#include "tmsim_steps.h"

/* Ran exactly once, not early, by jiffy `latest` (a bound the test derives). */
static void timer_ran_by(const struct tmsim_timer *tt, uint64_t latest)
{
	TMSIM_ASSERT(tt->runs == 1 && tt->ran_j > tt->expires && tt->ran_j <= latest,
		     "timer %s (expires j%" PRIu64 ") ran %u times, last at j%" PRIu64
		     "; allowed once in j%" PRIu64 "..j%" PRIu64, tt->name, tt->expires,
		     tt->runs, tt->ran_j, tt->expires + 1, latest);
}

/*
 * Hold `a` in its GLOBAL callbacks: an interrupt at the current jiffy runs
 * its wheel, which stops right after `held`'s callback returned, with
 * running_timer still set.
 */
static void hold_in_callback(uint32_t a, struct tmsim_timer *held)
{
	tmsim_note("CPU%u: interrupt, held after %s's callback", a, held->name);
	tmsim_break(a, "timer.callback_returned", &held->t, 1);
	EQ(tmsim_interrupt(a), TMSIM_BREAK);
	EQ(held->runs, 1);
}

/* Busy CPU `a`'s timers: T1 in bucket J(10), whose callback holds `a`, and T2 in bucket J(11). */
static void arm_busy(uint32_t a, struct tmsim_timer *t1, const char *n1,
		     struct tmsim_timer *t2, const char *n2)
{
	arm(a, t1, n1, J(9));
	arm(a, t2, n2, J(10));
}

/* To J(9), then jiffy J(10) without the tick: interrupts hold the busy CPUs. */
static void run_to_j10(void)
{
	advance_ok(J(9));
	tmsim_set_jiffies(J(10));
}

/*
 * `a` returns from T1's callback; at jiffy `to` T1 has run once and T2
 * by `latest`, and nothing is left behind.
 */
static void busy_returns(uint32_t a, struct tmsim_timer *t1, struct tmsim_timer *t2,
			 uint64_t to, uint64_t latest)
{
	tmsim_note("CPU%u returns from its callbacks", a);
	done(tmsim_finish(a));
	advance_ok(to);
	timer_ok(t1);
	timer_ran_by(t2, latest);
	quiescent_ok();
	EQ(host_bug_count(), 0);
}

/*
 * With the busy CPUs held, advance to jiffy `to`, one jiffy at a time.
 * The idle migrator `b` takes exactly one interrupt per jiffy (its
 * deadline each time the next jiffy: no storm), each making from one (it
 * looked at a busy CPU) to `max_remote` (one per CPU with a due event)
 * remote expiries, and the tree stays well formed.
 */
static void advance_held(uint32_t b, uint64_t to, uint32_t max_remote)
{
	while (tmsim_jiffies() < to) {
		uint32_t irqs = tmsim_hits(b, "softirq.after_global_base");
		uint32_t remote = tmsim_hits(b, "remote.before_run");

		advance_ok(tmsim_jiffies() + 1);
		EQ(tmsim_hits(b, "softirq.after_global_base") - irqs, 1);
		remote = tmsim_hits(b, "remote.before_run") - remote;
		TMSIM_ASSERT(remote >= 1 && remote <= max_remote,
			     "CPU%u made %u remote expiries in j%" PRIu64 " (1..%u)", b,
			     remote, tmsim_jiffies(), max_remote);
		EQ(tmigr_cpu_wakeup(b), NS(tmsim_jiffies() + 1));
		EQ(tmsim_deadline(b), NS(tmsim_jiffies() + 1));
		structure_ok();
	}
}

#if TMIGR_FANOUT == 8

/*
 * One group, 4 CPUs; A = CPU1, B = CPU0 (idle, the last to idle: the
 * group's wake-up is its duty).  A has T1 (bucket J(10)) and T2 (bucket
 * J(11)).  At J(10) an interrupt holds A after T1's callback; A's wheel
 * run took jiffy J(10), so T2 stays in the wheel.  B's interrupt at J(10)
 * pops A's event: busy, nothing run, re-queued at J(11).  A stays held
 * until J(14): at each of J(11)..J(14) B pops A's event, again due and
 * busy, and must leave it for the next jiffy: one pop per jiffy, B's
 * wake-up the next jiffy.  A returns at J(14); T2 runs by J(15).
 * Mutant R-27: B pops A's event without end at J(11) (detector).
 */
static void test_idle_migrator_leaves_busy_cpu_until_next_jiffy(void **state)
{
	struct tmsim_timer t1, t2;

	(void)state;
	tmsim_start_n(4);
	EQ(tmigr_levels(), 1);
	arm_busy(1, &t1, "T1", &t2, "T2");
	idle(2);
	idle(3);
	idle(1);
	idle(0);
	EQ(tmsim_deadline(0), NS(J(10)));
	EQ(tmsim_deadline(1), TIMER_NO_EVENT);	/* its global timers are pulled */
	run_to_j10();
	hold_in_callback(1, &t1);
	done(tmsim_interrupt(0));
	EQ(tmigr_cpu_wakeup(0), NS(J(11)));
	EQ(t2.runs, 0);
	structure_ok();
	advance_held(0, J(14), 1);
	EQ(t2.runs, 0);
	busy_returns(1, &t1, &t2, J(16), J(14) + 1);
}

/*
 * The same with B an active migrator (CPU0 ticking; its wake-up plays no
 * part): at each tick from J(11) while A is held, B's remote expiry of A
 * must end after one pop.  A returns at J(12); T2 runs by J(13).
 */
static void test_active_migrator_leaves_busy_cpu_until_next_tick(void **state)
{
	struct tmsim_timer t1, t2;

	(void)state;
	tmsim_start_n(4);
	arm_busy(1, &t1, "T1", &t2, "T2");
	idle(2);
	idle(3);
	idle(1);
	run_to_j10();
	hold_in_callback(1, &t1);
	done(tmsim_interrupt(0));	/* the tick of J(10) */
	for (uint64_t j = J(11); j <= J(12); j++) {
		uint32_t remote = tmsim_hits(0, "remote.before_run");

		advance_ok(j);
		EQ(tmsim_hits(0, "remote.before_run") - remote, 1);
		structure_ok();
	}
	EQ(t2.runs, 0);
	busy_returns(1, &t1, &t2, J(14), J(12) + 1);
}

/*
 * Two busy CPUs in one group, and a third CPU whose timer falls due
 * while they are held.  A1 = CPU1 (T1 bucket J(10), T2 J(11)), A2 = CPU2
 * (U1 J(10), U2 J(11)), C = CPU3 (V, J(12)); B = CPU0 idles last.  At
 * J(10) A1 and A2 are both held after their first callback.  From J(11)
 * both their events are due and busy at every look, and earlier than
 * C's; V must still run on time (by J(13)), though A1 and A2 stay held
 * to J(14): a busy CPU's event left due at the head of the queue hides
 * V.  B makes at most one remote expiry per CPU in a jiffy.  Then both
 * return, and T2 and U2 run by J(15).
 */
static void test_busy_cpus_do_not_delay_due_timer_in_their_group(void **state)
{
	struct tmsim_timer t1, t2, u1, u2, v;

	(void)state;
	tmsim_start_n(4);
	arm_busy(1, &t1, "T1", &t2, "T2");
	arm_busy(2, &u1, "U1", &u2, "U2");
	arm(3, &v, "V", J(11));
	idle(1);
	idle(2);
	idle(3);
	idle(0);
	run_to_j10();
	hold_in_callback(1, &t1);
	hold_in_callback(2, &u1);
	done(tmsim_interrupt(0));
	advance_held(0, J(14), 3);
	timer_ok(&v);
	EQ(v.ran_on, 0);
	EQ(t2.runs + u2.runs, 0);
	done(tmsim_finish(1));
	done(tmsim_finish(2));
	advance_ok(J(16));
	timer_ok(&t1);
	timer_ok(&u1);
	timer_ran_by(&t2, J(14) + 1);
	timer_ran_by(&u2, J(14) + 1);
	quiescent_ok();
	EQ(host_bug_count(), 0);
}

/*
 * Two levels at fan-out 8 (12 CPUs: GRP0:0 = CPU0..7, GRP0:1 = CPU8..11,
 * root GRP1:0).  A = CPU8, B = CPU0, everybody else idle.  B finds A's
 * event in the root, as GRP0:1's event, not in its own group: it must
 * leave it for the next jiffy there too, and take the next jiffy as its
 * wake-up from the root.
 */
static void test_busy_cpu_event_at_second_level(void **state)
{
	struct tmsim_timer t1, t2;

	(void)state;
	tmsim_start_n(12);
	EQ(tmigr_levels(), 2);
	TMSIM_ASSERT(tmigr_cpu_group(0) != tmigr_cpu_group(8), "CPU0 and CPU8 share a group");
	arm_busy(8, &t1, "T1", &t2, "T2");
	for (uint32_t c = 1; c < 12; c++)
		idle(c);
	idle(0);
	EQ(tmsim_deadline(0), NS(J(10)));
	run_to_j10();
	hold_in_callback(8, &t1);
	done(tmsim_interrupt(0));
	advance_held(0, J(13), 1);
	EQ(t2.runs, 0);
	busy_returns(8, &t1, &t2, J(15), J(13) + 1);
	EQ(t2.ran_on, 0);
}

#else /* fan-out 2 */

/*
 * Fan-out 2, 4 CPUs (GRP0:0 = CPU0,1; GRP0:1 = CPU2,3; root GRP1:0).
 * A = CPU2, B = CPU0 (idles last).  B pops GRP0:1's event at the root,
 * named for A; A's wheel is busy.  B leaves the root; its wake-up is the
 * next jiffy.  Also CPU1 (B's own group) has a timer due at J(12), which
 * B must run on time while A is held.
 */
static void test_busy_cpu_event_at_root_of_binary_tree(void **state)
{
	struct tmsim_timer t1, t2, w;

	(void)state;
	tmsim_start_n(4);
	EQ(tmigr_levels(), 2);
	arm_busy(2, &t1, "T1", &t2, "T2");
	arm(1, &w, "W", J(11));
	idle(1);
	idle(2);
	idle(3);
	idle(0);
	EQ(tmsim_deadline(0), NS(J(10)));
	run_to_j10();
	hold_in_callback(2, &t1);
	done(tmsim_interrupt(0));
	advance_held(0, J(14), 2);
	timer_ok(&w);
	EQ(t2.runs, 0);
	busy_returns(2, &t1, &t2, J(16), J(14) + 1);
}

/*
 * Fan-out 2, 4 CPUs: the busy CPU and a CPU with a due timer under one
 * level-0 group, on B's far side.  A = CPU2 (held at J(10)), C = CPU3
 * (V, J(12)), B = CPU0.  The root sees GRP0:1 only through GRP0:1's
 * event, named for GRP0:1's first CPU: A's event, left due there, would
 * hide C from B for as long as A is held.  V must run by J(13) while A
 * stays held to J(14).
 */
static void test_busy_cpu_does_not_hide_due_sibling_from_root(void **state)
{
	struct tmsim_timer t1, t2, v;

	(void)state;
	tmsim_start_n(4);
	arm_busy(2, &t1, "T1", &t2, "T2");
	arm(3, &v, "V", J(11));
	idle(1);
	idle(2);
	idle(3);
	idle(0);
	run_to_j10();
	hold_in_callback(2, &t1);
	done(tmsim_interrupt(0));
	advance_held(0, J(14), 2);
	timer_ok(&v);
	EQ(v.ran_on, 0);
	EQ(t2.runs, 0);
	busy_returns(2, &t1, &t2, J(16), J(14) + 1);
}

#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
#if TMIGR_FANOUT == 8
		cmocka_unit_test_teardown(test_idle_migrator_leaves_busy_cpu_until_next_jiffy, teardown),
		cmocka_unit_test_teardown(test_active_migrator_leaves_busy_cpu_until_next_tick, teardown),
		cmocka_unit_test_teardown(test_busy_cpus_do_not_delay_due_timer_in_their_group, teardown),
		cmocka_unit_test_teardown(test_busy_cpu_event_at_second_level, teardown),
#else
		cmocka_unit_test_teardown(test_busy_cpu_event_at_root_of_binary_tree, teardown),
		cmocka_unit_test_teardown(test_busy_cpu_does_not_hide_due_sibling_from_root, teardown),
#endif
	};
	tmsim_test_filter();	/* TMSIM_TEST=<name>: that test only (run-mutants.sh) */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
