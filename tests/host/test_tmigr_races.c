// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/tmigr: regression tests for the races R-01 .. and
 * our R-28 (docs/races.md, §4), each forcing its interleaving on the
 * deterministic scheduler (tests/host/tmsim.h).
 *
 * One source, two programs: test_tmigr_races (fan-out 8) runs the tests
 * whose topology is a single group, test_tmigr_races_f2 (TMIGR_FANOUT=2)
 * those that need a deep tree from few CPUs.  Topologies with fan-out 2:
 *
 *   4 CPUs:            GRP1:0                8 CPUs:        GRP2:0
 *                     /      \                          /          \
 *                GRP0:0      GRP0:1                GRP1:0          GRP1:1
 *               CPU0 CPU1   CPU2 CPU3             /     \          /     \
 *                                             GRP0:0  GRP0:1   GRP0:2  GRP0:3
 *                                             CPU0,1  CPU2,3   CPU4,5  CPU6,7
 *
 * Each test's comment says which interleaving it forces and which oracle
 * decides; tests/host/tmigr_mutants.txt names the mutant build
 * (MUTANT(Rnn) in kernel/tmigr.c) each test must fail on.  Times are
 * jiffies after TMSIM_START_J; a timer armed for J(n) runs in the bucket
 * of J(n + 1) (level 0), which is the value its CPU exports.
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

#if TMIGR_FANOUT == 2

/*
 * Weak builds: track from here on, and let `cpu` read the oldest value
 * its view allows for the state of `child` (design §4.0, weak mode).  In
 * the SC builds the same script runs with every load returning the latest
 * value, which is the interleaving's other half of the proof.
 */
static void weak_stale_child_state(uint32_t cpu, const struct tmigr_group *child)
{
#ifdef TMSIM_WEAK
	tmweak_begin();
	tmweak_stale(cpu, TMWEAK_STATE, child);
#else
	(void)cpu;
	(void)child;
#endif
}

/* The 4-CPU fan-out 2 tree of the drawing above, checked. */
static void start_f2_4(void)
{
	tmsim_start_n(4);
	EQ(tmigr_levels(), 2);
	EQ(tmigr_cpu_group(0), tmigr_cpu_group(1));
	EQ(tmigr_cpu_group(2), tmigr_cpu_group(3));
	EQ(tmigr_group_parent(tmigr_cpu_group(0)), tmigr_root());
	EQ(tmigr_group_parent(tmigr_cpu_group(2)), tmigr_root());
	TMSIM_ASSERT_OK();
}

/*
 * CPU1 and CPU3 idle; CPU0 is GRP0:0's only active CPU, CPU2
 * GRP0:1's.  CPU0 goes idle: GRP0:0 becomes idle, CPU0 reads GRP1:0's
 * state and GRP0:0's (idle) and stops just before its CAS on GRP1:0.
 * CPU1 wakes completely: GRP0:0 active, then at GRP1:0 "GRP0:0's bit
 * set", which changes nothing but the sequence count.  CPU0 resumes: its
 * CAS must fail on the new count, it re-reads GRP0:0 and keeps the bit.
 * Oracle: Q1/Q2 at quiescence (GRP1:0 shows GRP0:0 active), CPU0 tried
 * twice at GRP1:0.  Without the count the CAS succeeds on the stale word.
 */
static void test_r01_seq_count_defeats_aba_on_group_state(void **state)
{
	struct tmigr_group *root;

	(void)state;
	start_f2_4();
	root = tmigr_root();
	idle(1);
	idle(3);
	tmsim_break(0, "inactive_up.before_cas", root, 1);
	EQ(tmsim_idle(0), TMSIM_BREAK);
	wake(1);
	done(tmsim_resume(0));
	quiescent_ok();
	EQ(TMIGR_ST_ACTIVE(tmigr_group_state(root)), 3);
	/* GRP0:0 once, GRP1:0 twice: the first CAS there failed */
	EQ(tmsim_hits(0, "inactive_up.before_cas"), 3);
	EQ(tmsim_hits(0, "inactive_up.after_cas"), 2);
}

/*
 * R-02, first half: the group read must be an acquire (O2).  CPU1 and
 * CPU3 idle; CPU0 goes idle: GRP0:0 becomes idle and CPU0 stops before
 * its step at GRP1:0.  CPU1 wakes completely (CAS GRP0:0 active, then
 * CAS GRP1:0).  CPU0 resumes: it reads GRP1:0 (CPU1's value, so its CAS
 * will succeed) and then GRP0:0, asking the weak model for the oldest
 * value its view allows.  Fixed: the acquire read of GRP1:0 took CPU1's
 * view, so the oldest allowed is CPU1's "active" and CPU0 keeps GRP0:0's
 * bit.  Mutant (relaxed group read): CPU0's own "idle" is still allowed,
 * CPU0 clears the bit of an active group.  Oracle: Q1/Q2 at quiescence,
 * GRP1:0 = {GRP0:0, GRP0:1}.
 */
static void test_r02_child_state_read_after_acquire_of_group_state(void **state)
{
	struct tmigr_group *root, *g00;

	(void)state;
	start_f2_4();
	root = tmigr_root();
	g00 = tmigr_cpu_group(0);
	idle(1);
	idle(3);
	weak_stale_child_state(0, g00);
	tmsim_break(0, "walk.step", root, 1);
	EQ(tmsim_idle(0), TMSIM_BREAK);
	wake(1);
	done(tmsim_resume(0));
	quiescent_ok();
	EQ(TMIGR_ST_ACTIVE(tmigr_group_state(root)), 3);
	EQ(tmsim_hits(0, "inactive_up.after_cas"), 2);
}

/*
 * R-02, second half: the failed-CAS path (O3).  CPU1 and CPU3 idle; CPU0
 * goes idle and stops before its CAS on GRP1:0, having read GRP0:0 idle.
 * Two updates then change GRP1:0: CPU1 wakes (GRP0:0 active again) and
 * CPU2 goes idle (GRP0:1 leaves GRP1:0).  CPU0's CAS fails; it must
 * re-read GRP0:0 after the failure (acquire fence) and see it active, so
 * GRP1:0 ends {GRP0:0} with GRP0:0 as migrator.  In weak builds CPU0's
 * reads of GRP0:0 return the oldest value its view allows: a failed CAS
 * orders nothing, so without the fence (mutant) that is CPU0's own
 * "idle", and CPU0 clears GRP0:0's bit and leaves the root idle above an
 * active CPU.  Oracle: Q1/Q2, and CPU2's timer is expired by CPU1 on time.
 */
static void test_r02_failed_cas_rereads_child_state(void **state)
{
	struct tmsim_timer t2;
	struct tmigr_group *root;

	(void)state;
	start_f2_4();
	root = tmigr_root();
	idle(1);
	idle(3);
	arm(2, &t2, "T2", J(10));
	weak_stale_child_state(0, tmigr_cpu_group(0));
	tmsim_break(0, "inactive_up.before_cas", root, 1);
	EQ(tmsim_idle(0), TMSIM_BREAK);
	wake(1);
	idle(2);
	done(tmsim_resume(0));
	quiescent_ok();
	EQ(TMIGR_ST_ACTIVE(tmigr_group_state(root)), 1);
	EQ(TMIGR_ST_MIGRATOR(tmigr_group_state(root)), 1);
	EQ(tmsim_hits(0, "inactive_up.before_cas"), 3);
	advance_ok(J(12));
	timer_ok(&t2);
	EQ(t2.ran_on, 1);
	quiescent_ok();
}

/*
 * CPU3 is the only active CPU; CPU1 idles with T1, delegated to
 * the hierarchy.  CPU3 parks.  At every yield point of the park path in
 * turn (one fresh run per point) CPU0 takes an interrupt while CPU3 is
 * stopped there.  CPU3's walk makes the root idle and returns T1's
 * expiry; since it will not run any more, it must force another CPU
 * (CPU0) through a full activation, and that CPU owns T1 from then on.
 * A hand-off through a flag that the interrupted CPU reads without the
 * hierarchy's locks loses T1.  Oracle: T1 runs on time in every run; Q9
 * and the other quiescent invariants hold after the park.
 */
static void test_r03_park_of_last_active_cpu_forces_a_successor(void **state)
{
	uint32_t points = 0;

	(void)state;
	for (uint32_t k = 1; k < 64; k++) {
		struct tmsim_timer t1;
		enum tmsim_stop st;

		start_f2_4();
		arm(1, &t1, "T1", J(10));
		idle(1);
		idle(0);
		idle(2);
		tmsim_break(3, NULL, NULL, k);
		st = tmsim_park(3);
		if (st == TMSIM_DONE) {
			tmsim_stop();
			break;		/* k is past the last yield point */
		}
		TMSIM_ASSERT(st == TMSIM_BREAK, "park stopped for %d", (int)st);
		points++;
		tmsim_note("interrupt on CPU0 at park's yield point %u (%s)", k, tmsim_where(3));
		if (tmsim_interrupt(0) != TMSIM_DONE)
			tmsim_finish(0);
		done(tmsim_finish(3));
		quiescent_ok();
		advance_ok(J(12));
		timer_ok(&t1);
		TMSIM_ASSERT(tmsim_mode(0) == TMSIM_ACTIVE,
			     "yield point %u: CPU0 was not made active by the park", k);
		idle(0);
		quiescent_ok();
		tmsim_stop();
	}
	TMSIM_ASSERT(points >= 4, "park hit only %u yield points", points);
}

/*
 * All idle; CPU0 went idle last and holds T3's expiry (CPU3's
 * global timer, queued up to the root) as its wake-up, but has an
 * earlier pinned timer of its own.  That one fires 3 jiffies before T3
 * and the softirq runs the hierarchy's remote handling although nothing
 * is due yet (design §1.9: the softirq always calls it).  Nothing is
 * expired; the handling must still refresh CPU0's wake-up from each
 * level's first expiry (T3), not store "none".  Oracle: CPU0's wake-up
 * and deadline are T3's after the softirq; T3 runs on time.
 */
static void test_r04_idle_migrator_woken_early_keeps_its_wakeup(void **state)
{
	struct tmsim_timer t3, l0;
	uint64_t t3_ns;

	(void)state;
	start_f2_4();
	arm(3, &t3, "T3", J(20));
	done(tmsim_arm(0, &l0, "L0", J(17), true));
	t3_ns = tmsim_event_ns(&t3);
	idle(3);
	idle(1);
	idle(2);
	idle(0);
	/* L0 comes first: CPU0's forced wake-up covers T3, no wake-up of its own */
	EQ(tmigr_cpu_wakeup(0), TMIGR_INF);
	EQ(tmigr_cpu_forced(0), NS(J(18)));
	EQ(tmsim_deadline(0), NS(J(18)));
	advance_ok(J(17));
	tmsim_set_jiffies(J(18));
	done(tmsim_interrupt_softirq(0));
	timer_ok(&l0);
	EQ(tmigr_cpu_wakeup(0), t3_ns);
	EQ(tmsim_deadline(0), t3_ns);
	advance_ok(J(23));
	timer_ok(&t3);
	quiescent_ok();
}

/*
 * GRP0:0 is idle with CPU1's T1 queued as its event in the root;
 * CPU2 idles; CPU3, the last active CPU, idles with no global timer of
 * its own.  Its contribution at the root is "ignore", which may stop the
 * propagation but must not skip the idle-root check: CPU3 has to take
 * the root's first event (T1) as its wake-up.  Oracle: CPU3's wake-up
 * and deadline are T1's; T1 runs on time (on CPU3); Q9.
 */
static void test_r06_last_idle_cpu_without_timer_still_arms_root_event(void **state)
{
	struct tmsim_timer t1;

	(void)state;
	start_f2_4();
	arm(1, &t1, "T1", J(10));
	idle(1);
	idle(0);
	idle(2);
	idle(3);
	EQ(tmigr_cpu_wakeup(3), tmsim_event_ns(&t1));
	EQ(tmsim_deadline(3), tmsim_event_ns(&t1));
	quiescent_ok();
	advance_ok(J(13));
	timer_ok(&t1);
	EQ(t1.ran_on, 3);
	quiescent_ok();
}

/*
 * CPU1 and CPU3 idle, then CPU0: GRP0:0 is idle, the root's queue
 * empty, CPU2 the last active CPU.  CPU0, idle, arms a new first global
 * timer T0; its new-timer walk queues T0 in GRP0:0 and stops at the root
 * step, before taking the root's locks.  CPU2 goes idle completely: it
 * makes the root idle and, under the root lock, finds the root queue
 * empty (no wake-up for it).  CPU0 resumes: it must read the root's state
 * under the lock, see the root idle, and take T0 as its own wake-up.  A
 * walk that read the state before the lock still sees CPU2 active and
 * leaves T0 in an idle root nobody wakes for.  Oracle: CPU0's deadline is
 * T0's; T0 runs on time; Q8/Q9.
 */
static void test_r08_new_timer_reads_root_state_under_lock(void **state)
{
	struct tmsim_timer t0;
	struct tmigr_group *root;

	(void)state;
	start_f2_4();
	root = tmigr_root();
	idle(1);
	idle(3);
	idle(0);
	tmsim_break(0, "update_events.before_lock", root, 1);
	EQ(tmsim_arm(0, &t0, "T0", J(10), false), TMSIM_BREAK);
	idle(2);
	EQ(tmsim_deadline(2), TIMER_NO_EVENT);
	done(tmsim_resume(0));
	EQ(tmsim_deadline(0), tmsim_event_ns(&t0));
	quiescent_ok();
	advance_ok(J(13));
	timer_ok(&t0);
	quiescent_ok();
}

/*
 * R-28 (ours; found by the 512-CPU stress run).  CPU3 idle, CPU2 stays
 * active: the root stays active, CPU2 its migrator.  CPU0, with T armed,
 * goes idle and stops right after its CAS on GRP0:0, which leaves GRP0:0
 * active with CPU1 as migrator, so CPU0's walk will end at this level.
 * CPU1 goes idle completely: GRP0:0 becomes idle, and CPU1 exports
 * GRP0:0's queue, still empty, to the root.  CPU0 resumes and queues T
 * into GRP0:0, which it finds idle under the lock: it must carry T up to
 * the root itself.  A walk that stops where its CAS said leaves T in an
 * idle group nobody looks at.  Oracle: Q7 at quiescence, T runs on time
 * (on CPU2, the root's migrator).
 */
static void test_r28_idle_entry_queuing_into_a_group_gone_idle_carries_event_up(void **state)
{
	struct tmsim_timer t;
	struct tmigr_group *g0;

	(void)state;
	start_f2_4();
	g0 = tmigr_cpu_group(0);
	idle(3);
	arm(0, &t, "T", J(10));
	tmsim_break(0, "inactive_up.after_cas", g0, 1);
	EQ(tmsim_idle(0), TMSIM_BREAK);
	idle(1);
	EQ(TMIGR_ST_ACTIVE(tmigr_group_state(g0)), 0);
	done(tmsim_resume(0));
	EQ(tmsim_deadline(0), TIMER_NO_EVENT);
	quiescent_ok();
	advance_ok(J(13));
	timer_ok(&t);
	EQ(t.ran_on, 2);
	quiescent_ok();
}

/*
 * B: T0 < T1 < T2 (J(10), J(20), J(30)) on CPU0, CPU1 (both
 * GRP0:0) and CPU2 (GRP0:1); CPU3, CPU2, CPU1, then CPU0 go idle.
 */
static void three_timers_all_idle(struct tmsim_timer *t0, struct tmsim_timer *t1,
				  struct tmsim_timer *t2)
{
	arm(0, t0, "T0", J(10));
	arm(1, t1, "T1", J(20));
	arm(2, t2, "T2", J(30));
	idle(3);
	idle(2);
	idle(1);
	idle(0);
}

/*
 * T0 < T1 < T2 on CPU0, CPU1 (both GRP0:0) and CPU2 (GRP0:1); all
 * idle, CPU0 last.  CPU0 then leaves idle: its events are ignored up to
 * the root, and T1 was never propagated above GRP0:0 (T0 was in front).
 * At T0 CPU0's tick runs T0 and its remote check purges the ignored
 * events: GRP0:0's head is T1, the root's head T2.  The forecast for an
 * idle CPU0 without global timer must be the minimum over every level on
 * its path, T1, not the root's T2.  Oracle: tmigr_quick_check(none) ==
 * T1; T1 and T2 run on time.
 */
static void test_r09_quick_check_takes_minimum_over_all_levels(void **state)
{
	struct tmsim_timer t0, t1, t2;

	(void)state;
	start_f2_4();
	three_timers_all_idle(&t0, &t1, &t2);
	advance_ok(J(5));
	wake(0);
	advance_ok(J(11));
	timer_ok(&t0);
	EQ(tmigr_group_next_expiry(tmigr_root()), tmsim_event_ns(&t2));
	EQ(tmsim_call_u64(0, tmigr_quick_check, TMIGR_INF), tmsim_event_ns(&t1));
	advance_ok(J(32));
	timer_ok(&t1);
	timer_ok(&t2);
	quiescent_ok();
}

/*
 * R-10, interleaving B (two levels).  CPU1 has T1, CPU2 T2, CPU0 T0, with
 * T0 < T1 < T2; CPU3, CPU2, CPU1, then CPU0 go idle, so the root holds
 * GRP0:0's event for T0.  CPU0 leaves idle (its events become ignored)
 * and cancels T0, then idles again with no global timer.  Its level-0
 * step may return early (the parent step purges), but at the root
 * GRP0:0's ignored event must be replaced by T1, not dropped, and CPU0
 * must take T1 as its wake-up, not T2.  (Here the parent step recomputes
 * the child's event from the child's queue, so this holds whatever the
 * level-0 step does; the mutant of the fast return is proven by
 * interleaving A.)  Oracle: CPU0's wake-up is T1's; T1 and T2 on time.
 */
static void test_r10b_ignored_group_event_replaced_at_root(void **state)
{
	struct tmsim_timer t0, t1, t2;

	(void)state;
	start_f2_4();
	three_timers_all_idle(&t0, &t1, &t2);
	EQ(tmigr_cpu_wakeup(0), tmsim_event_ns(&t0));
	advance_ok(J(5));
	wake(0);
	done(tmsim_cancel(0, &t0));
	idle(0);
	EQ(tmigr_cpu_wakeup(0), tmsim_event_ns(&t1));
	quiescent_ok();
	advance_ok(J(32));
	timer_ok(&t0);
	timer_ok(&t1);
	timer_ok(&t2);
	quiescent_ok();
}

/*
 * R-12 (three levels, 8 CPUs).  CPU0 and CPU1 (GRP0:0) have global
 * timers with the same expiry t; they idle in that order, so GRP0:0's
 * event names CPU0.  Every CPU but CPU4 idles: GRP1:0 is idle and CPU4
 * is the migrator of the root.  At t CPU4 pops GRP1:0's event at the
 * root, expires CPU0's T0, and re-walks CPU0's path: GRP0:0's head is now
 * CPU1's event, and GRP0:0's event in GRP1:0 keeps its expiry t.  Kept in
 * place, it must still name CPU1, and so must GRP1:0's event re-queued
 * in the root, so that CPU4's next pop expires T1.  Oracle: T1 runs at
 * t (+1 jiffy), by CPU4.
 */
static void test_r12_requeue_with_same_expiry_refreshes_owner_cpu(void **state)
{
	struct tmsim_timer t0, t1;

	(void)state;
	tmsim_start_n(8);
	EQ(tmigr_levels(), 3);
	arm(0, &t0, "T0", J(10));
	arm(1, &t1, "T1", J(10));
	idle(0);
	idle(1);
	for (uint32_t c = 2; c < 8; c++)
		if (c != 4)
			idle(c);
	quiescent_ok();
	advance_ok(J(13));
	timer_ok(&t0);
	timer_ok(&t1);
	EQ(t0.ran_on, 4);
	EQ(t1.ran_on, 4);
	quiescent_ok();
}

/*
 * Not one race but all of the small ones at once: CPU1 (T1) and CPU3 (T3)
 * idle; then CPU0 and CPU2 go idle while CPU1 wakes, their walks
 * interleaved at every yield point by seeded PCT-style priorities (200
 * seeds).  Oracle after each: the quiescent invariants; then CPU1 idles
 * again and T1, T3 run on time, invariants again.  A failure prints the
 * seed and the trace.
 */
static void test_random_interleavings_of_idle_entry_and_exit(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 200; seed++) {
		struct tmsim_timer t1, t3;
		const struct tmsim_task tasks[] = {
			{ 0, tmsim_op_idle, NULL },
			{ 1, tmsim_op_wake, NULL },
			{ 2, tmsim_op_idle, NULL },
		};

		start_f2_4();
		arm(1, &t1, "T1", J(10));
		arm(3, &t3, "T3", J(12));
		idle(1);
		idle(3);
		tmsim_run_random(tasks, 3, seed, 3);
		TMSIM_ASSERT_OK();
		quiescent_ok();
		idle(1);
		quiescent_ok();
		advance_ok(J(15));
		timer_ok(&t1);
		timer_ok(&t3);
		quiescent_ok();
		tmsim_stop();
	}
}

#else /* fan-out 8 */

/*
 * R-05 (one group, fan-out 8).  CPU1's T1 expires at 10, CPU3's T3 at
 * 20; all idle, CPU0 last, so it wakes at 10.  Its remote handling pops
 * and expires CPU1's event; the root's head is now CPU3's, whose queue
 * position the expiry did not change.  The wake-up CPU0 stores must be
 * read from the root's refreshed first expiry after the expiry (20), not
 * left from before it.  Oracle: CPU0's wake-up and deadline are T3's
 * after the interrupt; T3 runs on time.
 */
static void test_r05_remote_expiry_rereads_root_first_expiry(void **state)
{
	struct tmsim_timer t1, t3;

	(void)state;
	tmsim_start_n(4);
	arm(1, &t1, "T1", J(9));
	arm(3, &t3, "T3", J(19));
	idle(1);
	idle(3);
	idle(2);
	idle(0);
	EQ(tmsim_deadline(0), NS(J(10)));
	advance_ok(J(10));
	timer_ok(&t1);
	EQ(t1.ran_on, 0);
	EQ(tmigr_cpu_wakeup(0), tmsim_event_ns(&t3));
	EQ(tmsim_deadline(0), tmsim_event_ns(&t3));
	advance_ok(J(21));
	timer_ok(&t3);
	quiescent_ok();
}

/*
 * CPU1 is parked (unavailable: it handles its own timers).  Every
 * hierarchy entry must hand its own global event back: the forecast
 * (tmigr_quick_check) and the tick-stop path (tmigr_cpu_deactivate) both
 * return Tg, which is earlier than its local Tl; a forecast of "none"
 * would let an idle governor pick too deep a state.  Oracle: both return
 * Tg; through the wheel, CPU1's programmed deadline is Tg.
 */
static void test_r07_unavailable_cpu_forecast_returns_own_global_event(void **state)
{
	struct tmsim_timer tg, tl;
	uint64_t g;

	(void)state;
	tmsim_start_n(4);
	done(tmsim_park(1));
	TMSIM_ASSERT(!tmigr_cpu_available(1), "CPU1 still available after park");
	arm(1, &tg, "Tg", J(10));
	done(tmsim_arm(1, &tl, "Tl", J(30), true));
	g = tmsim_event_ns(&tg);
	EQ(tmsim_call_u64(1, tmigr_quick_check, g), g);
	EQ(tmsim_call_u64(1, tmigr_cpu_deactivate, g), g);
	idle(1);
	EQ(tmsim_deadline(1), g);
	quiescent_ok();
}

/*
 * R-10, interleaving A (one group, fan-out 8, 2 CPUs).  CPU1 idles with
 * T1; CPU0, active (its event ignored), idles without a global timer.
 * Its level-0 step is at the root: it may not take the lock-free early
 * return for an ignored event there, it must run the idle-root check and
 * take T1 as its wake-up.  Oracle: CPU0's deadline is T1's; T1 runs on
 * time; Q9.
 */
static void test_r10a_ignored_cpu_event_at_root_still_checks_root(void **state)
{
	struct tmsim_timer t1;

	(void)state;
	tmsim_start_n(2);
	EQ(tmigr_levels(), 1);
	arm(1, &t1, "T1", J(10));
	idle(1);
	idle(0);
	EQ(tmsim_deadline(0), tmsim_event_ns(&t1));
	quiescent_ok();
	advance_ok(J(13));
	timer_ok(&t1);
	quiescent_ok();
}

/*
 * R-11 (one group, 2 CPUs).  CPU1 idles with T1 delegated; CPU0 idles
 * last and takes T1 as its wake-up.  CPU1 wakes early, becomes the
 * migrator and runs T1 itself.  At T1 CPU0's interrupt finds it is not on
 * duty; it must still walk (which stops at once) and store "none" as its
 * wake-up, or its idle re-evaluation re-arms the stale, past wake-up and
 * the CPU takes interrupts without end.  Oracle: the livelock detector
 * (at most one interrupt of CPU0 at T1); CPU0's wake-up and deadline are
 * "none" afterwards; T1 ran once, on CPU1.
 */
static void test_r11_stale_idle_migrator_wakeup_is_reset(void **state)
{
	struct tmsim_timer t1;

	(void)state;
	tmsim_start_n(2);
	arm(1, &t1, "T1", J(10));
	idle(1);
	idle(0);
	EQ(tmsim_deadline(0), tmsim_event_ns(&t1));
	advance_ok(J(5));
	wake(1);
	advance_ok(J(13));
	timer_ok(&t1);
	EQ(t1.ran_on, 1);
	EQ(tmigr_cpu_wakeup(0), TMIGR_INF);
	EQ(tmsim_deadline(0), TIMER_NO_EVENT);
	EQ(tmsim_hits(0, "softirq.after_global_base"), 1);
	quiescent_ok();
}

/*
 * R-22 (one group, 2 CPUs).  CPU1 idles, then CPU0 with its own global
 * timer T (bucket jiffy j): CPU0 is the idle migrator and T, its own
 * event, is queued in the hierarchy.  An interrupt reaches CPU0 at j-1:
 * it runs its own wheel (nothing due) and stops right after; time moves
 * to j; it resumes into the remote handling, which now finds CPU0's own
 * event due.  It must run CPU0's GLOBAL wheel for it like for any other
 * CPU: skipping "myself" re-queues the still pending T at "now" and pops
 * it again forever.  Oracle: the livelock detector (remote expiries in
 * one operation <= CPUs + groups); T runs exactly once, on time.
 */
static void test_r22_remote_expiry_runs_own_wheel_too(void **state)
{
	struct tmsim_timer t;
	uint64_t j;

	(void)state;
	tmsim_start_n(2);
	arm(0, &t, "T", J(10));
	j = tmsim_bucket_expiry(&t);
	idle(1);
	idle(0);
	EQ(tmsim_deadline(0), NS(j));
	advance_ok(j - 1);
	tmsim_break(0, "softirq.after_global_base", NULL, 1);
	EQ(tmsim_interrupt(0), TMSIM_BREAK);
	tmsim_set_jiffies(j);
	done(tmsim_resume(0));
	timer_ok(&t);
	EQ(t.ran_on, 0);
	advance_ok(j + 2);
	timer_ok(&t);
	quiescent_ok();
}

#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
#if TMIGR_FANOUT == 2
		cmocka_unit_test_teardown(test_r01_seq_count_defeats_aba_on_group_state, teardown),
		cmocka_unit_test_teardown(test_r02_child_state_read_after_acquire_of_group_state, teardown),
		cmocka_unit_test_teardown(test_r02_failed_cas_rereads_child_state, teardown),
		cmocka_unit_test_teardown(test_r03_park_of_last_active_cpu_forces_a_successor, teardown),
		cmocka_unit_test_teardown(test_r04_idle_migrator_woken_early_keeps_its_wakeup, teardown),
		cmocka_unit_test_teardown(test_r06_last_idle_cpu_without_timer_still_arms_root_event, teardown),
		cmocka_unit_test_teardown(test_r08_new_timer_reads_root_state_under_lock, teardown),
		cmocka_unit_test_teardown(test_r09_quick_check_takes_minimum_over_all_levels, teardown),
		cmocka_unit_test_teardown(test_r10b_ignored_group_event_replaced_at_root, teardown),
		cmocka_unit_test_teardown(test_r12_requeue_with_same_expiry_refreshes_owner_cpu, teardown),
		cmocka_unit_test_teardown(test_r28_idle_entry_queuing_into_a_group_gone_idle_carries_event_up, teardown),
		cmocka_unit_test_teardown(test_random_interleavings_of_idle_entry_and_exit, teardown),
#else
		cmocka_unit_test_teardown(test_r05_remote_expiry_rereads_root_first_expiry, teardown),
		cmocka_unit_test_teardown(test_r07_unavailable_cpu_forecast_returns_own_global_event, teardown),
		cmocka_unit_test_teardown(test_r10a_ignored_cpu_event_at_root_still_checks_root, teardown),
		cmocka_unit_test_teardown(test_r11_stale_idle_migrator_wakeup_is_reset, teardown),
		cmocka_unit_test_teardown(test_r22_remote_expiry_runs_own_wheel_too, teardown),
#endif
	};
	tmsim_test_filter();	/* TMSIM_TEST=<name>: that test only (run-mutants.sh) */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
