// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/tmigr: forced wake-ups (R-29, R-30; docs/races.md, docs/tmigr.md
 * §2.16).  An idle CPU whose one-shot fires for a pinned timer at or before
 * its first global timer exports that wake-up, marked forced; a group whose
 * first event is forced needs no hierarchy wake-up, because its owner wakes
 * then anyway and walks on duty.  Each test forces one interleaving on the
 * deterministic scheduler (tests/host/tmsim.h) and says which oracle
 * decides; tests/host/tmigr_mutants.txt names the mutant each must fail on.
 *
 * Topologies (fan-out 8): up to 8 CPUs are one group, the root; 16 CPUs
 * are GRP0:0 (CPU0-7) and GRP0:1 (CPU8-15) under the root GRP1:0.  Times
 * are jiffies after TMSIM_START_J; a timer armed for J(n) runs in the
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

/*
 * The coalescing decisions, step by step (R-06 family).  CPU1 idles with
 * a global timer G; CPU0 idles with a pinned timer P before G: it exports
 * P as its forced wake-up.  CPU2, the last active CPU, idles with nothing:
 * the idle root's first event is CPU0's forced wake-up, so CPU2 owes no
 * wake-up and programs none.  At P, CPU0 runs P, walks on duty (its own
 * forced event is due) and takes G as its wake-up; at G it runs G.
 * Oracle: CPU2's wake-up and deadline are none and it takes no interrupt;
 * CPU0's wake-up after P is G's; G runs on time on CPU0; Q9 (a forced
 * wake-up covers the root's first event) at each quiescent point.
 */
static void test_last_idle_cpu_relies_on_forced_wakeup_and_stays_asleep(void **state)
{
	struct tmsim_timer g, p;
	uint32_t irqs2;

	(void)state;
	tmsim_start_n(3);
	arm(1, &g, "G", J(20));
	pinned(0, &p, "P", J(10));
	idle(1);
	idle(0);
	EQ(tmigr_cpu_forced(0), tmsim_event_ns(&p));
	EQ(tmsim_deadline(0), tmsim_event_ns(&p));
	idle(2);
	EQ(tmigr_cpu_wakeup(2), TMIGR_INF);
	EQ(tmsim_deadline(2), TIMER_NO_EVENT);
	quiescent_ok();
	irqs2 = irqs(2);
	advance_ok(J(11));
	timer_ok(&p);
	EQ(tmigr_cpu_wakeup(0), tmsim_event_ns(&g));
	EQ(tmsim_deadline(0), tmsim_event_ns(&g));
	quiescent_ok();
	advance_ok(J(22));
	timer_ok(&g);
	EQ(g.ran_on, 0);
	EQ(irqs(2), irqs2);
	quiescent_ok();
}

/*
 * the guarantee relied on.  CPU0's pinned P is published as its
 * forced wake-up and CPU2, the last CPU, goes idle relying on it for
 * CPU1's later G.  Then P is deleted, and CPU0 takes an unrelated
 * interrupt before P's time: it decides again with no timer at all, so
 * it exports nothing new and its stale forced event stays in the root.
 * The one-shot must stay armed no later than the published forced
 * wake-up; it then fires at P's time, CPU0 walks on duty and takes G.
 * The mutant lets the decision follow the timers alone (no event): CPU0
 * sleeps for good and G is never run.  Oracle: G runs on time; CPU0's
 * deadline after the interrupt is still P's.
 */
static void test_r29_one_shot_stays_armed_for_a_published_forced_wakeup(void **state)
{
	struct tmsim_timer g, p;

	(void)state;
	tmsim_start_n(3);
	arm(1, &g, "G", J(12));
	pinned(0, &p, "P", J(10));
	idle(1);
	idle(0);
	idle(2);
	EQ(tmsim_deadline(2), TIMER_NO_EVENT);
	done(tmsim_cancel(0, &p));
	advance_ok(J(5));
	done(tmsim_interrupt(0));	/* an unrelated interrupt: CPU0 decides again */
	advance_ok(J(14));
	timer_ok(&g);
	EQ(g.ran_on, 0);
	quiescent_ok();
}

/*
 * the lateness bound.  As above, the idle root's first event is
 * CPU0's forced wake-up at P, and G (CPU1's) is due in the same jiffy;
 * nobody else wakes for it.  CPU0's one-shot fires at P but its vCPU is
 * held back after running its own wheel (preempted by the host) until
 * five jiffies later.  G must then run in that same interrupt: late by
 * CPU0's lateness and no more, never lost.  The mutant does not walk on
 * duty for a forced wake-up.  Oracle: G ran, on CPU0, at P's bucket plus
 * CPU0's lateness (the timer oracle allows 6 jiffies here).
 */
static void test_r30_late_forced_wakeup_delays_covered_event_by_its_lateness_only(void **state)
{
	struct tmsim_config cfg = { .ncpus = 3, .late_jiffies = 6 };
	struct tmsim_timer g, p;
	uint64_t fire_j, resume_j;

	(void)state;
	tmsim_start(&cfg);
	arm(1, &g, "G", J(10));
	pinned(0, &p, "P", J(10));
	idle(1);
	idle(0);
	idle(2);
	EQ(tmsim_deadline(2), TIMER_NO_EVENT);
	fire_j = tmsim_bucket_expiry(&p);
	EQ(tmsim_bucket_expiry(&g), fire_j);
	advance_ok(fire_j - 1);
	tmsim_set_jiffies(fire_j);
	tmsim_break(0, "softirq.after_global_base", NULL, 1);
	EQ(tmsim_interrupt(0), TMSIM_BREAK);	/* P ran; CPU0 is held back here */
	resume_j = fire_j + 5;
	advance_ok(resume_j);			/* nobody else runs G meanwhile */
	EQ(g.runs, 0);
	done(tmsim_resume(0));
	TMSIM_ASSERT(g.runs == 1 && g.ran_on == 0 && g.ran_j == resume_j,
		     "R-30: G ran %u times, on CPU %u at j%llu: want once on CPU 0 at j%llu (P's bucket + 5)",
		     g.runs, g.ran_on, (unsigned long long)g.ran_j, (unsigned long long)resume_j);
	timer_ok(&p);
	quiescent_ok();
}

/*
 * R-08 family: the last CPU goes idle relying on another CPU's forced
 * wake-up while a new global timer is being published.  CPU3 idles with
 * a pinned timer at J(30), its forced wake-up; CPU1 idles.  CPU0, idle,
 * gets a new first global timer T0 at J(10) and its new-timer walk stops
 * before the root's lock.  CPU2, the last active CPU, idles: the root's
 * first event is CPU3's forced wake-up, so it takes none.  CPU0 resumes,
 * queues T0 before that forced wake-up and must read the root's state
 * under the lock, see it idle and take T0 as its own wake-up: nobody
 * else wakes before J(30).  Oracle: CPU0's deadline is T0's; T0 runs on
 * time.  (The R-08 mutant reads the state before the lock: T0 would wait
 * for CPU3's forced wake-up, 20 jiffies late.)
 */
static void test_r08_new_timer_under_forced_wakeup_reads_root_state_under_lock(void **state)
{
	struct tmsim_timer t0, p3;
	struct tmigr_group *root;

	(void)state;
	tmsim_start_n(4);
	root = tmigr_root();
	pinned(3, &p3, "P3", J(30));
	idle(3);
	idle(1);
	idle(0);
	tmsim_break(0, "update_events.before_lock", root, 1);
	EQ(tmsim_arm(0, &t0, "T0", J(10), false), TMSIM_BREAK);
	idle(2);
	EQ(tmigr_cpu_wakeup(2), TMIGR_INF);
	done(tmsim_resume(0));
	EQ(tmsim_deadline(0), tmsim_event_ns(&t0));
	quiescent_ok();
	advance_ok(J(13));
	timer_ok(&t0);
	advance_ok(J(33));
	timer_ok(&p3);
	quiescent_ok();
}

/*
 * R-01 family: a forced wake-up published while the group state CAS
 * races.  16 CPUs, two groups under the root; all idle but CPU0 (GRP0:0)
 * and CPU8 (GRP0:1).  CPU0, with a pinned timer P, goes idle: GRP0:0
 * becomes idle and CPU0 stops just before its CAS on the root.  CPU1
 * wakes completely (GRP0:0 active again; at the root "GRP0:0's bit set",
 * which changes nothing but the sequence count).  CPU0 resumes: its CAS
 * must fail on the new count and keep GRP0:0's bit.  Then CPU1 and CPU8
 * idle; CPU8, last, finds the root's first event to be CPU0's forced
 * wake-up and takes none.  CPU9's global G after P is run by CPU0 after
 * its forced wake-up.  Oracle: Q1/Q2 at quiescence after the race; G
 * runs on time on CPU0; CPU8 takes no interrupt.
 */
static void test_r01_forced_wakeup_published_across_aba_on_root_state(void **state)
{
	struct tmsim_timer g, p;
	struct tmigr_group *root;
	uint32_t irqs8;

	(void)state;
	tmsim_start_n(16);
	EQ(tmigr_levels(), 2);
	root = tmigr_root();
	arm(9, &g, "G", J(20));
	pinned(0, &p, "P", J(10));
	for (uint32_t c = 1; c < 16; c++)
		if (c != 8)
			idle(c);
	tmsim_break(0, "inactive_up.before_cas", root, 1);
	EQ(tmsim_idle(0), TMSIM_BREAK);
	wake(1);
	done(tmsim_resume(0));
	quiescent_ok();
	EQ(TMIGR_ST_ACTIVE(tmigr_group_state(root)), 3);
	idle(1);
	idle(8);
	EQ(tmigr_cpu_wakeup(8), TMIGR_INF);
	EQ(tmsim_deadline(8), TIMER_NO_EVENT);
	quiescent_ok();
	irqs8 = irqs(8);
	advance_ok(J(22));
	timer_ok(&p);
	timer_ok(&g);
	EQ(g.ran_on, 0);
	EQ(irqs(8), irqs8);
	quiescent_ok();
}

/*
 * a forced wake-up that finds nothing due, after its owner replaced
 * it.  CPU1 and CPU2 idle with nothing; CPU0, last, idles with a global G
 * after a pinned P: it exports P as its forced wake-up, the root's first
 * event, and takes no hierarchy wake-up.  P is then deleted while CPU0
 * sleeps; CPU0 decides again (as after the interrupt that did it) and
 * re-exports G, now the idle root's first event and CPU0's duty: its
 * walk reaches the idle root, so its wake-up is G, and its one-shot stays
 * at P's time.  At P's time CPU0 walks on duty and finds nothing
 * due.  It must keep G as its wake-up: nobody else owes it.  The mutant
 * applies R-26 against the forced wake-up too (a CPU whose wake-up was
 * due and that popped nothing is a duplicate and retires): CPU0 drops G
 * and G is never run.  Oracle: Q9 at the quiescent point after P's time
 * (the root's first event is nobody's wake-up); then G runs on time on
 * CPU0.  Found by the random-operation test (seed 4, 3 CPUs).
 */
static void test_r31_forced_wakeup_finding_nothing_due_keeps_its_root_duty(void **state)
{
	struct tmsim_timer g, p;

	(void)state;
	tmsim_start_n(3);
	idle(1);
	idle(2);
	arm(0, &g, "G", J(12));
	pinned(0, &p, "P", J(10));
	idle(0);
	EQ(tmigr_cpu_forced(0), tmsim_event_ns(&p));
	EQ(tmigr_cpu_wakeup(0), TMIGR_INF);
	done(tmsim_cancel(0, &p));	/* CPU0 decides again: G re-exported */
	EQ(tmigr_cpu_wakeup(0), tmsim_event_ns(&g));
	EQ(tmsim_deadline(0), tmsim_event_ns(&p));
	quiescent_ok();
	advance_ok(J(11));		/* the forced wake-up: nothing due */
	EQ(tmigr_cpu_forced(0), TMIGR_INF);
	quiescent_ok();
	EQ(tmsim_deadline(0), tmsim_event_ns(&g));
	advance_ok(J(14));
	timer_ok(&g);
	EQ(g.ran_on, 0);
	quiescent_ok();
}

/*
 * a later forced event outlives the recorded forced wake-up.  CPU1
 * idles with a global G; CPU0 idles with pinned P1 and P2, both before G:
 * it exports P1 as its forced wake-up (c->forced = P1); CPU2, last, owes
 * nothing.  P1 is deleted: CPU0 decides again and exports P2, marked
 * forced, over P1 (c->forced keeps the minimum, P1, and so does the
 * one-shot).  P2 is deleted too: CPU0 has nothing to export, and its
 * forced event at P2 stays queued, first in the root, covering G.  At
 * P1's time CPU0 walks on duty, finds nothing due, and P1 is served; the
 * event at P2 is still published, so it must stay CPU0's promise
 * (c->forced = P2, one-shot at P2): at P2 CPU0 pops it and takes G.  The
 * mutant clears c->forced there: CPU0 sleeps for good, G is never run.
 * Oracle: Q9 at the quiescent point after P1's time (the root's first
 * event, P2's, is nobody's wake-up or forced wake-up); then G runs on
 * time on CPU0.  Found by the random-operation test (seed 20, 8 CPUs).
 */
static void test_r32_later_forced_event_stays_promised_after_the_earlier_is_served(void **state)
{
	struct tmsim_timer g, p1, p2;

	(void)state;
	tmsim_start_n(3);
	arm(1, &g, "G", J(20));
	pinned(0, &p1, "P1", J(10));
	pinned(0, &p2, "P2", J(16));
	idle(1);
	idle(0);
	idle(2);
	EQ(tmigr_cpu_forced(0), tmsim_event_ns(&p1));
	EQ(tmsim_deadline(2), TIMER_NO_EVENT);
	done(tmsim_cancel(0, &p1));	/* CPU0 exports P2, forced, over P1 */
	done(tmsim_cancel(0, &p2));	/* nothing to export: P2's event stays */
	EQ(tmigr_cpu_forced(0), tmsim_event_ns(&p1));
	EQ(tmsim_deadline(0), tmsim_event_ns(&p1));
	quiescent_ok();
	advance_ok(J(11));		/* P1's time: served, nothing due */
	quiescent_ok();
	EQ(tmigr_cpu_forced(0), tmsim_event_ns(&p2));
	EQ(tmsim_deadline(0), tmsim_event_ns(&p2));
	advance_ok(J(22));
	timer_ok(&g);
	EQ(g.ran_on, 0);
	quiescent_ok();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_last_idle_cpu_relies_on_forced_wakeup_and_stays_asleep,
					  teardown),
		cmocka_unit_test_teardown(test_r29_one_shot_stays_armed_for_a_published_forced_wakeup,
					  teardown),
		cmocka_unit_test_teardown(test_r30_late_forced_wakeup_delays_covered_event_by_its_lateness_only,
					  teardown),
		cmocka_unit_test_teardown(test_r08_new_timer_under_forced_wakeup_reads_root_state_under_lock,
					  teardown),
		cmocka_unit_test_teardown(test_r01_forced_wakeup_published_across_aba_on_root_state,
					  teardown),
		cmocka_unit_test_teardown(test_r31_forced_wakeup_finding_nothing_due_keeps_its_root_duty,
					  teardown),
		cmocka_unit_test_teardown(test_r32_later_forced_event_stays_promised_after_the_earlier_is_served,
					  teardown),
	};

	tmsim_test_filter();	/* TMSIM_TEST=<name>: that test only (run-mutants.sh) */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
