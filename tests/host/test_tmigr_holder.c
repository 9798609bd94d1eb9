// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/tmigr: the idle root's holder record and the pinned
 * wake-up an idle CPU always publishes; docs/races.md, kernel/tmigr.c
 * (root_holder_take, requeue_locked).  A walk that reaches the idle root
 * owes no wake-up when a valid record names another idle CPU armed for the
 * root's first event at or before its own; the record's CPU promises it in
 * its one-shot until its duty walk.  A migrator that ran an idle CPU's
 * global timers re-queues that CPU's pinned wake-up, marked forced, when it
 * comes first.  Each test forces one interleaving on the deterministic
 * scheduler (tests/host/tmsim.h) and says which oracle decides;
 * tests/host/tmigr_mutants.txt names the mutant each must fail on, and each
 * test's own checks fail with a message that starts with its race id.  The
 * last test shows where R-26's retirement still matters beside the record.
 *
 * Topology (fan-out 8): up to 8 CPUs are one group, the root.  Interrupts
 * due in the same jiffy are delivered lowest CPU first (tmsim_advance_to).
 * Times are jiffies after TMSIM_START_J; a timer armed for J(n) runs in the
 * bucket of J(n + 1), the value its CPU exports.
 */
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

static void pinned(uint32_t cpu, struct tmsim_timer *tt, const char *name, uint64_t j)
{
	done(tmsim_arm(cpu, tt, name, j, true));
}

/* Interrupts `cpu` has taken since the start (each passes this yield point once). */
static uint32_t irqs(uint32_t cpu)
{
	return tmsim_hits(cpu, "softirq.after_global_base");
}

/* A time in ns as a jiffy for messages; -1 for none. */
static long long jof(uint64_t ns)
{
	return ns == TMIGR_INF ? -1 : (long long)(ns / TMSIM_TICK_NS);
}

/*
 * R-33, the decisions step by step.  CPU3 idles with a global A; CPU1 and
 * CPU2 idle with nothing; CPU0, the last active CPU, idles: it owes A and
 * is recorded as the idle root's holder for it.  Then idle CPU2 arms a
 * global B after A: its new-timer walk reaches the idle root, whose valid
 * record of CPU0 covers A, so CPU2 owes nothing and programs no deadline.
 * Then idle CPU1 arms a global E before A: its walk finds the root's first
 * event earlier than the record, so it owes E itself (and is recorded for
 * it); CPU0 keeps its one-shot for A.  Every timer then runs on time and
 * CPU2 never wakes.  Oracle: CPU2's wake-up and deadline are none after
 * its walk and it takes no interrupt; CPU1's are E's; Q9 (the idle root's
 * first event is some idle CPU's wake-up, forced wake-up or record) at
 * each quiescent point; the timer oracle.  The mutant R-33 keeps no
 * record: CPU2 takes A as its wake-up too.
 */
static void test_r33_walk_covered_by_the_holders_record_takes_no_wakeup(void **state)
{
	struct tmsim_timer a, b, e;
	uint32_t irqs2;

	(void)state;
	tmsim_start_n(4);
	arm(3, &a, "A", J(10));
	idle(3);
	idle(1);
	idle(2);
	idle(0);
	EQ(tmigr_cpu_wakeup(0), tmsim_event_ns(&a));
	EQ(tmsim_deadline(0), tmsim_event_ns(&a));
	quiescent_ok();
	arm(2, &b, "B", J(20));		/* later than the record: covered */
	TMSIM_ASSERT(tmigr_cpu_wakeup(2) == TMIGR_INF && tmsim_deadline(2) == TIMER_NO_EVENT,
		     "R-33: CPU 2's walk reached the idle root, whose record of CPU 0 covers A (j%llu), and took wake-up j%lld, deadline j%lld",
		     (unsigned long long)tmsim_bucket_expiry(&a), jof(tmigr_cpu_wakeup(2)),
		     jof(tmsim_deadline(2)));
	quiescent_ok();
	arm(1, &e, "E", J(5));		/* earlier than the record: CPU1's own duty */
	EQ(tmigr_cpu_wakeup(1), tmsim_event_ns(&e));
	EQ(tmsim_deadline(1), tmsim_event_ns(&e));
	EQ(tmsim_deadline(0), tmsim_event_ns(&a));
	quiescent_ok();
	irqs2 = irqs(2);
	advance_ok(J(6));
	timer_ok(&e);
	EQ(e.ran_on, 1);
	quiescent_ok();
	advance_ok(J(12));
	timer_ok(&a);
	quiescent_ok();
	advance_ok(J(22));
	timer_ok(&b);
	EQ(irqs(2), irqs2);
	quiescent_ok();
}

/*
 * R-33, a record made stale by the root's activation.  CPU3 has globals A
 * and B; CPU0 goes idle last and is recorded for A.  CPU1 wakes (the root
 * becomes active: its state's sequence count moves) and goes idle last
 * again: CPU0's record is stale, so CPU1 owes A too and is recorded; CPU2
 * does the same after it.  All three wake at A, lowest first.  CPU0 pops
 * A and runs it; the root's next event B is covered by CPU2's valid
 * record, so CPU0 owes nothing.  CPU1 pops nothing and, covered too,
 * retires.  CPU2, the holder, pops nothing, records itself for B
 * and must keep B as its wake-up: nobody else owes it.  Oracle: after A,
 * CPU0 and CPU1 owe nothing and CPU2 owes B (its deadline); Q9; B runs
 * on time on CPU2, the only CPU that wakes for it.  The mutant R-33D lets
 * the holder retire like any CPU that found nothing due: B is lost; the
 * mutant R-33 keeps no record, so CPU0 takes B after popping A.
 */
static void test_r33_stale_record_after_activation_and_the_covered_holder_keeps_its_duty(void **state)
{
	struct tmsim_timer a, b;
	uint32_t irqs0, irqs1;

	(void)state;
	tmsim_start_n(4);
	arm(3, &a, "A", J(10));
	arm(3, &b, "B", J(20));
	idle(3);
	idle(1);
	idle(2);
	idle(0);
	EQ(tmigr_cpu_wakeup(0), tmsim_event_ns(&a));
	wake(1);
	idle(1);			/* the root was active: CPU0's record is stale */
	EQ(tmigr_cpu_wakeup(1), tmsim_event_ns(&a));
	wake(2);
	idle(2);
	EQ(tmigr_cpu_wakeup(2), tmsim_event_ns(&a));
	EQ(tmsim_deadline(0), tmsim_event_ns(&a));
	EQ(tmsim_deadline(1), tmsim_event_ns(&a));
	quiescent_ok();
	advance_ok(J(11));
	timer_ok(&a);
	EQ(a.ran_on, 0);
	TMSIM_ASSERT(tmigr_cpu_wakeup(0) == TMIGR_INF && tmsim_deadline(0) == TIMER_NO_EVENT,
		     "R-33: CPU 0 popped A and owes j%lld (deadline j%lld) though CPU 2's record covers B",
		     jof(tmigr_cpu_wakeup(0)), jof(tmsim_deadline(0)));
	EQ(tmigr_cpu_wakeup(1), TMIGR_INF);
	EQ(tmsim_deadline(1), TIMER_NO_EVENT);
	TMSIM_ASSERT(tmigr_cpu_wakeup(2) == tmsim_event_ns(&b) &&
		     tmsim_deadline(2) == tmsim_event_ns(&b),
		     "R-33d: the recorded holder CPU 2 found nothing due at A and dropped B: wake-up j%lld, deadline j%lld, want j%llu",
		     jof(tmigr_cpu_wakeup(2)), jof(tmsim_deadline(2)),
		     (unsigned long long)tmsim_bucket_expiry(&b));
	quiescent_ok();
	irqs0 = irqs(0);
	irqs1 = irqs(1);
	advance_ok(J(22));
	timer_ok(&b);
	EQ(b.ran_on, 2);
	EQ(irqs(0), irqs0);
	EQ(irqs(1), irqs1);
	quiescent_ok();
}

/*
 * R-33d, the holder at a forced wake-up.  CPU2 has globals A and B; CPU0
 * idles with nothing; CPU1 goes idle last and is recorded for A.  Then
 * CPU0 arms a pinned P in A's jiffy: its forced wake-up, published after
 * the record, leads the tie at the root, so it owes no wake-up itself.
 * Both wake at A, CPU0 first: it runs P, walks on duty, pops its
 * own forced event and A (run remotely), and finds the root's next event
 * B covered by CPU1's valid record (at A, promised): it takes none.  CPU1,
 * woken by its record, pops nothing, records itself for B and must keep B
 * as its wake-up.  Oracle: after A, CPU1's wake-up and deadline are B's
 * and CPU0 owes nothing; Q9; B runs on time on CPU1.  The mutant R-33D
 * retires the holder like any CPU that found nothing due: nobody
 * wakes for B.
 */
static void test_r33d_holder_whose_event_a_forced_cpu_ran_keeps_the_next_event(void **state)
{
	struct tmsim_timer a, b, p;

	(void)state;
	tmsim_start_n(3);
	arm(2, &a, "A", J(10));
	arm(2, &b, "B", J(20));
	idle(2);
	idle(0);
	idle(1);
	EQ(tmigr_cpu_wakeup(1), tmsim_event_ns(&a));
	pinned(0, &p, "P", J(10));	/* forced, after the record */
	EQ(tmsim_bucket_expiry(&p), tmsim_bucket_expiry(&a));
	EQ(tmigr_cpu_forced(0), tmsim_event_ns(&p));
	EQ(tmigr_cpu_wakeup(0), TMIGR_INF);
	EQ(tmsim_deadline(0), tmsim_event_ns(&p));
	quiescent_ok();
	advance_ok(J(11));
	timer_ok(&p);
	timer_ok(&a);
	EQ(a.ran_on, 0);
	EQ(tmigr_cpu_wakeup(0), TMIGR_INF);
	EQ(tmsim_deadline(0), TIMER_NO_EVENT);
	TMSIM_ASSERT(tmigr_cpu_wakeup(1) == tmsim_event_ns(&b) &&
		     tmsim_deadline(1) == tmsim_event_ns(&b),
		     "R-33d: the recorded holder CPU 1 found nothing due at A and dropped B: wake-up j%lld, deadline j%lld, want j%llu",
		     jof(tmigr_cpu_wakeup(1)), jof(tmsim_deadline(1)),
		     (unsigned long long)tmsim_bucket_expiry(&b));
	quiescent_ok();
	advance_ok(J(22));
	timer_ok(&b);
	EQ(b.ran_on, 1);
	quiescent_ok();
}

/*
 * R-33c, the holder's one-shot while a migrator runs its timers.  CPU1
 * has a global A and goes idle last: it owes A and is recorded for it.
 * CPU0, idle, then arms a pinned P in A's jiffy (forced, after the
 * record).  At A, CPU0 wakes first, pops its forced event, then CPU1's A:
 * it takes over CPU1's duty (CPU1's wake-up becomes none) and runs A on
 * CPU1's wheel; it is stopped there ("remote.after_run"), with CPU1 still
 * marked remote.  CPU1, in an interrupt of its own, arms a new global N:
 * its decision exports nothing while a migrator holds it (the migrator
 * re-queues for it) and its hierarchy wake-up is none, but its record at
 * the root still stands, so its one-shot must stay no later than the
 * record.  CPU0 resumes, re-queues N and finds the root's first event, N,
 * covered by CPU1's record: it takes none.  CPU1's one-shot fires, its
 * duty walk records it for N, and N runs on time.  (Stopped before the
 * run instead, CPU1's A would still be due within the tick, and its
 * decision would keep the tick without asking the hierarchy.)  Oracle:
 * CPU1's deadline after arming N is no later than A; N runs on time.  The
 * mutant R-33C lets the one-shot follow the hierarchy's wake-up alone:
 * CPU1 sleeps for good and N is lost.  (Q9 cannot see it: CPU1's promise
 * still names A.)
 */
static void test_r33c_holder_one_shot_stays_at_its_record_while_a_migrator_runs_its_timers(void **state)
{
	struct tmsim_timer a, n, p;

	(void)state;
	tmsim_start_n(3);
	arm(1, &a, "A", J(10));
	idle(2);
	idle(0);
	idle(1);
	EQ(tmigr_cpu_wakeup(1), tmsim_event_ns(&a));
	pinned(0, &p, "P", J(10));
	EQ(tmsim_bucket_expiry(&p), tmsim_bucket_expiry(&a));
	EQ(tmigr_cpu_wakeup(0), TMIGR_INF);
	quiescent_ok();
	tmsim_set_jiffies(tmsim_bucket_expiry(&a));
	/* the first remote run is CPU0's own forced event, the second CPU1's */
	tmsim_break(0, "remote.after_run", NULL, 2);
	EQ(tmsim_interrupt(0), TMSIM_BREAK);
	EQ(a.runs, 1);
	EQ(a.ran_on, 0);
	EQ(tmigr_cpu_wakeup(1), TMIGR_INF);	/* its duty is CPU0's now */
	arm(1, &n, "N", J(30));
	TMSIM_ASSERT(tmsim_deadline(1) <= tmsim_event_ns(&a),
		     "R-33c: holder CPU 1's one-shot moved past its record j%llu (deadline j%lld) while CPU 0 ran its timers",
		     (unsigned long long)tmsim_bucket_expiry(&a), jof(tmsim_deadline(1)));
	done(tmsim_resume(0));
	EQ(tmigr_cpu_wakeup(0), TMIGR_INF);	/* covered by CPU1's record */
	quiescent_ok();
	advance_ok(J(12));
	EQ(tmigr_cpu_wakeup(1), tmsim_event_ns(&n));
	quiescent_ok();
	advance_ok(J(33));
	timer_ok(&p);
	timer_ok(&n);
	EQ(n.ran_on, 1);
	quiescent_ok();
}

/*
 * R-34, the remote re-queue exports the pinned wake-up.  CPU1 idles with
 * a global G and a pinned P after it: G comes first, so CPU1 exports G,
 * unmarked, and records P as its forced wake-up.  CPU3 idles with a
 * global H in P's jiffy.  CPU2 goes idle last and owes G.  At G, CPU2
 * runs G remotely; CPU1 has no global timer left, so the re-queue exports
 * its forced wake-up P, marked forced, which leads the tie with H at the
 * root: CPU2 owes nothing.  At P, CPU1 runs P, walks on duty and runs H.
 * Oracle: after G, CPU2's wake-up and deadline are none and it takes no
 * interrupt at P's jiffy; H runs on time on CPU1; Q9.  The mutant R-34
 * neither records P nor exports it: CPU2 takes H as its wake-up, a second
 * wake-up in a jiffy where CPU1 wakes anyway.  The mutant R-34C marks
 * CPU1's event ignored because its global timers are gone, though the
 * forced wake-up is exported: the same.
 */
static void test_r34_remote_requeue_exports_the_pinned_wakeup_that_covers_a_tie(void **state)
{
	struct tmsim_timer g, p, h;
	uint32_t irqs2;

	(void)state;
	tmsim_start_n(4);
	arm(1, &g, "G", J(10));
	pinned(1, &p, "P", J(20));
	arm(3, &h, "H", J(20));
	EQ(tmsim_bucket_expiry(&h), tmsim_bucket_expiry(&p));
	idle(0);
	idle(3);
	idle(1);
	EQ(tmsim_deadline(1), tmsim_event_ns(&p));
	idle(2);
	EQ(tmigr_cpu_wakeup(2), tmsim_event_ns(&g));
	quiescent_ok();
	advance_ok(J(11));
	timer_ok(&g);
	EQ(g.ran_on, 2);
	TMSIM_ASSERT(tmigr_cpu_wakeup(2) == TMIGR_INF && tmsim_deadline(2) == TIMER_NO_EVENT,
		     "R-34: after G, CPU 2 owes j%lld (deadline j%lld) though CPU 1's pinned wake-up at j%llu covers H",
		     jof(tmigr_cpu_wakeup(2)), jof(tmsim_deadline(2)),
		     (unsigned long long)tmsim_bucket_expiry(&p));
	quiescent_ok();
	irqs2 = irqs(2);
	advance_ok(J(22));
	timer_ok(&p);
	timer_ok(&h);
	EQ(h.ran_on, 1);
	EQ(irqs(2), irqs2);
	quiescent_ok();
}

/*
 * R-34b, a late CPU's due forced wake-up.  CPU0 stays active, the root's
 * migrator.  CPU1 idles with a pinned P: it exports P as its forced
 * wake-up.  At P's jiffy CPU0's tick comes first and CPU1's vCPU is late
 * (it takes its interrupt a jiffy later).  CPU0 pops CPU1's due forced
 * event and runs CPU1's (empty) global wheel; the re-queue must not
 * export the forced time again, which is due: it would be popped again at
 * once, and again.  CPU1's late interrupt then runs P and serves its
 * forced wake-up.  Oracle: CPU0's tick completes; the root holds no event
 * after it; P runs on CPU1 within its lateness; Q9.  The mutant R-34B
 * exports the due forced wake-up: CPU0's tick loops (tmsim's livelock
 * detector, or tmigr's "handle_remote_up livelock").
 */
static void test_r34b_due_forced_wakeup_of_a_late_cpu_is_not_exported_again(void **state)
{
	struct tmsim_config cfg = { .ncpus = 3, .late_jiffies = 2 };
	struct tmsim_timer p;
	enum tmsim_stop st;

	(void)state;
	tmsim_start(&cfg);
	pinned(1, &p, "P", J(10));
	idle(1);
	idle(2);
	EQ(tmigr_cpu_forced(1), tmsim_event_ns(&p));
	EQ(tmigr_group_next_expiry(tmigr_root()), tmsim_event_ns(&p));
	advance_ok(tmsim_bucket_expiry(&p) - 1);
	tmsim_set_jiffies(tmsim_bucket_expiry(&p));
	st = tmsim_interrupt(0);	/* CPU0's tick; CPU1 is late */
	TMSIM_ASSERT(st == TMSIM_DONE,
		     "R-34b: CPU 0's tick did not complete (state %d): late CPU 1's due forced wake-up was re-queued and popped again",
		     (int)st);
	EQ(p.runs, 0);
	EQ(tmigr_group_next_expiry(tmigr_root()), TMIGR_INF);
	EQ(tmigr_cpu_forced(1), tmsim_event_ns(&p));	/* still CPU1's to serve */
	advance_ok(tmsim_bucket_expiry(&p) + 1);	/* CPU1's late interrupt */
	timer_ok(&p);
	EQ(p.ran_on, 1);
	EQ(tmigr_cpu_forced(1), TMIGR_INF);
	quiescent_ok();
}

/*
 * R-26 beside R-33: where retiring still matters.  A walk that owes the
 * idle root's first event is now always its recorded holder (which never
 * retires), and one that a valid record covers owes nothing anyway; so an
 * idle CPU that found nothing due drops a wake-up only when its walk
 * stopped below an active group, with the first event of the topmost idle
 * level it visited, which that group's migrator covers at every tick.
 * 16 CPUs: GRP0:0 (CPU0-7) and GRP0:1 (CPU8-15) under the root.  CPU9 has
 * globals A and B; CPU8 goes idle last and owes A (recorded).  CPU0 wakes:
 * the root is active, its migrator in GRP0:0, and CPU8's one-shot stays at
 * A.  At A, CPU0's tick pops A at the root and runs it; CPU8 wakes, finds
 * nothing due in GRP0:1, whose first event is now B, and stops below the
 * active root: it must retire.  Oracle: CPU8's wake-up and deadline are
 * none after A and it takes no interrupt at B; B runs on time on CPU0;
 * Q9.  The mutant R-26 keeps B: CPU8 wakes for B beside the migrator.
 */
static void test_r26_walk_stopping_below_an_active_root_retires(void **state)
{
	struct tmsim_timer a, b;
	uint32_t irqs8;

	(void)state;
	tmsim_start_n(16);
	EQ(tmigr_levels(), 2);
	arm(9, &a, "A", J(10));
	arm(9, &b, "B", J(20));
	for (uint32_t c = 1; c < 16; c++)
		if (c != 8)
			idle(c);
	idle(0);
	idle(8);
	EQ(tmigr_cpu_wakeup(8), tmsim_event_ns(&a));
	wake(0);
	EQ(tmsim_deadline(8), tmsim_event_ns(&a));
	quiescent_ok();
	advance_ok(J(11));
	timer_ok(&a);
	EQ(a.ran_on, 0);
	TMSIM_ASSERT(tmigr_cpu_wakeup(8) == TMIGR_INF && tmsim_deadline(8) == TIMER_NO_EVENT,
		     "R-26: duplicate idle migrator CPU 8 not retired below the active root: wake-up j%lld, deadline j%lld",
		     jof(tmigr_cpu_wakeup(8)), jof(tmsim_deadline(8)));
	quiescent_ok();
	irqs8 = irqs(8);
	advance_ok(J(22));
	timer_ok(&b);
	EQ(b.ran_on, 0);
	EQ(irqs(8), irqs8);
	quiescent_ok();
}

/*
 * R-35 (finding F5 of the spin model): a due forced event covers nothing.
 * 16 CPUs: GRP0:0 (CPU0-7) and GRP0:1 (CPU8-15) under the root.  CPU8
 * idles with a global T in bucket F: GRP0:1 goes idle and T reaches the
 * root, active through GRP0:0.  CPU0 idles with a pinned P in the same
 * bucket: it exports P, forced, into GRP0:0, which CPU1 keeps active.  At
 * F CPU0's one-shot fires: it runs P, its duty walk stops at GRP0:0 (CPU1
 * is its migrator), pops nothing and serves its promise; its forced event
 * stays queued, due.  CPU1 goes idle before its tick looks at GRP0:0 (a
 * tickless CPU idles between the jiffy and its tick): GRP0:0 and the root
 * go idle, and the root's first events are CPU0's stale forced F and T,
 * the forced one first.  A due forced event is nobody's promise any more:
 * CPU1 must owe F itself.  Oracle: CPU1's wake-up is F; T runs (the timer
 * oracle allows its bucket plus one jiffy); Q9.  The mutant R-35 lets the
 * forced event cover T: CPU1 sleeps, T is never run.
 */
static void test_r35_due_forced_event_of_a_served_promise_is_owed_by_the_last_idle_cpu(void **state)
{
	struct tmsim_timer t, p;
	uint64_t fire_j;

	(void)state;
	tmsim_start_n(16);
	for (uint32_t c = 2; c < 16; c++)
		if (c != 8)
			idle(c);
	arm(8, &t, "T", J(10));
	idle(8);
	pinned(0, &p, "P", J(10));
	idle(0);
	fire_j = tmsim_bucket_expiry(&p);
	EQ(tmsim_bucket_expiry(&t), fire_j);
	advance_ok(fire_j - 1);
	tmsim_set_jiffies(fire_j);
	done(tmsim_interrupt(0));	/* P runs; the duty walk stops at GRP0:0 */
	timer_ok(&p);
	EQ(t.runs, 0);
	idle(1);			/* before its tick at fire_j */
	TMSIM_ASSERT(tmigr_cpu_wakeup(1) == tmsim_ns(fire_j),
		     "R-35: CPU 1 went idle last with T (j%llu) behind CPU 0's served forced event and owes j%lld",
		     (unsigned long long)fire_j, jof(tmigr_cpu_wakeup(1)));
	advance_ok(fire_j + 1);
	timer_ok(&t);
	quiescent_ok();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_r33_walk_covered_by_the_holders_record_takes_no_wakeup,
					  teardown),
		cmocka_unit_test_teardown(test_r33_stale_record_after_activation_and_the_covered_holder_keeps_its_duty,
					  teardown),
		cmocka_unit_test_teardown(test_r33d_holder_whose_event_a_forced_cpu_ran_keeps_the_next_event,
					  teardown),
		cmocka_unit_test_teardown(test_r33c_holder_one_shot_stays_at_its_record_while_a_migrator_runs_its_timers,
					  teardown),
		cmocka_unit_test_teardown(test_r34_remote_requeue_exports_the_pinned_wakeup_that_covers_a_tie,
					  teardown),
		cmocka_unit_test_teardown(test_r34b_due_forced_wakeup_of_a_late_cpu_is_not_exported_again,
					  teardown),
		cmocka_unit_test_teardown(test_r35_due_forced_event_of_a_served_promise_is_owed_by_the_last_idle_cpu,
					  teardown),
		cmocka_unit_test_teardown(test_r26_walk_stopping_below_an_active_root_retires,
					  teardown),
	};

	tmsim_test_filter();	/* TMSIM_TEST=<name>: that test only (run-mutants.sh) */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
