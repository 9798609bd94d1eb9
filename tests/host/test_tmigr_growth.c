// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/tmigr growth: regression tests for the races of hierarchy growth
 * (design §2.14(i), §4 R-13 ..; ordering O9-O11).
 *
 * The same file builds twice: with the default fan-out 8 (linked against
 * libportable.a) and with -DTMIGR_FANOUT=2 (kernel/tmigr.c and
 * kernel/timer.c compiled into the binary), because several races need two
 * successive root growths, which fan-out 2 gives with five CPUs.  Tests that
 * need one geometry are compiled only in that build.
 *
 * How an interleaving is forced without a scheduler.  tmigr.c calls
 * tmigr_yield_hook(where, obj) at every yield point (the YP("...") names).
 * A script is a list of steps "when CPU c reaches yield point `where` on
 * object `obj` (the n-th time), run this action": the action switches the
 * thread to other CPUs with host_set_cpu(), runs their whole operations
 * (wake, idle, prepare) to completion, and switches back.  The paused
 * operation holds whatever it held at that point; the interleaved
 * operations never need those locks (walks take no setup lock, growth
 * takes no group lock), so this is exactly "CPU c stalls here while the
 * others run".  Actions may pause in turn (a step whose CPU is the one an
 * action runs), which gives nested stalls resumed innermost first.  That
 * covers every script in the design's text for these races; interleavings
 * where two operations must each resume half-way in either order need the
 * threaded scheduler (tests/host/tmsim.h), which the second R-15 test uses.
 *
 * At every yield point the hook also checks the "always" invariant A1 on
 * every group (state word well formed, migrator never 0); a violation is
 * recorded and fails the test afterwards (no longjmp out of tmigr.c with
 * its locks held).  Between operations the quiescent checker of design §5
 * runs (tmigr_check_quiescent), and every arch_bug() (the code's own
 * assertions, e.g. a walker about to use childmask 0) fails the test.
 *
 * Memory model: the plain builds are sequentially consistent.  The weak
 * build (NAME_f2w, -DTMSIM_WEAK) sends the group state, parent and mask
 * words through the C11 model of tests/host/tmweak.h; tests there ask for
 * the oldest value a CPU's view allows where the design's scripts say
 * "stale", which is how the "plain read" half of R-21 is caught.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_arch.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "tmsim.h"
#ifdef TMSIM_WEAK
#include "tmweak.h"
#endif

#define HZ		1000
#define TICK		1000000ull
#define START_J		1000
#define F		TMIGR_FANOUT

/* ---- harness: clock, topology, invariant checks ---- */

static uint32_t n_possible, n_nodes;
static bool prepared[TMIGR_MAX_CPUS];

static uint32_t node_of(uint32_t cpu)
{
	return (uint32_t)((uint64_t)cpu * n_nodes / n_possible);
}

static char a1_why[200];
static uint32_t a1_bad;

/* A1 on every group: migrator == NONE iff active == 0, else one active bit. */
static void check_a1_now(void)
{
	uint32_t left = tmigr_group_count();

	for (uint32_t id = 0; id < TMIGR_MAX_GROUPS && left; id++) {
		struct tmigr_group *g = tmigr_group_by_id(id);
		uint32_t s;
		uint8_t a, m;

		if (!g)
			continue;
		left--;
		s = tmigr_group_state(g);
		a = TMIGR_ST_ACTIVE(s);
		m = TMIGR_ST_MIGRATOR(s);
		if (m == 0 || (m == TMIGR_NONE) != (a == 0) ||
		    (m != TMIGR_NONE && (__builtin_popcount(m) != 1 || !(m & a)))) {
			if (!a1_bad)
				snprintf(a1_why, sizeof(a1_why),
					 "A1: group %u active %#x migrator %#x", id, a, m);
			a1_bad++;
		}
	}
}

static void check_ok(void)
{
	char why[200];

	if (a1_bad)
		fail_msg("at a yield point: %s (%u times)", a1_why, a1_bad);
	if (tmigr_check_quiescent(why, sizeof(why), true))
		fail_msg("invariant: %s", why);
	if (host_bug_count())
		fail_msg("tmigr asserted: %s", host_last_bug());
}

/* ---- scripted stalls at yield points ---- */

#define ANY_CPU		UINT32_MAX

struct step {
	uint32_t cpu;			/* the CPU that stalls, or ANY_CPU */
	const char *where;		/* YP name */
	const void *obj;		/* NULL: any object */
	uint32_t nth;			/* stall at the nth match (1 = first) */
	void (*action)(void);		/* what the others do meanwhile */
	uint32_t seen;
	bool fired;
};

#define MAX_STEPS	8
static struct step script[MAX_STEPS];
static uint32_t n_steps;

/* Optional per-test observer, called at every yield point before the script. */
static void (*observer)(const char *where, const void *obj);

static void hook(const char *where, const void *obj)
{
	uint32_t me = arch_cpu_id();

	check_a1_now();
	if (observer)
		observer(where, obj);
	for (uint32_t i = 0; i < n_steps; i++) {
		struct step *s = &script[i];

		if (s->fired || (s->cpu != ANY_CPU && s->cpu != me) ||
		    strcmp(s->where, where) != 0 ||
		    (s->obj && s->obj != obj))
			continue;
		if (++s->seen < (s->nth ? s->nth : 1))
			continue;
		s->fired = true;
		s->action();
		host_set_cpu(me);	/* back to the stalled CPU */
		return;
	}
}

static void script_add(uint32_t cpu, const char *where, const void *obj, uint32_t nth,
		       void (*action)(void))
{
	assert_true(n_steps < MAX_STEPS);
	script[n_steps++] = (struct step){ cpu, where, obj, nth, action, 0, false };
}

static void script_assert_all_fired(void)
{
	for (uint32_t i = 0; i < n_steps; i++)
		if (!script[i].fired)
			fail_msg("script step %u (CPU %u at %s) never reached", i,
				 script[i].cpu, script[i].where);
}

/* ---- platform hooks: delegation (R-23) ---- */

enum run_on_mode {
	RUN_ON_WAKES,		/* like kernel/idle.c: the target leaves idle, then runs fn */
	RUN_ON_IPI,		/* fn in interrupt context: the target stays idle */
};

static enum run_on_mode run_on_mode;
static uint32_t run_on_calls, run_on_cpu;
static bool run_on_target_available;

static void test_run_on(uint32_t cpu, void (*fn)(void *arg), void *arg)
{
	uint32_t me = arch_cpu_id();

	run_on_calls++;
	run_on_cpu = cpu;
	run_on_target_available = tmigr_cpu_available(cpu);
	host_set_cpu(cpu);
	if (run_on_mode == RUN_ON_WAKES)
		tmigr_cpu_activate();	/* no-op if it was not idle */
	fn(arg);
	host_set_cpu(me);
}

static void test_force_active(uint32_t cpu)
{
	uint32_t me = arch_cpu_id();

	host_set_cpu(cpu);
	tmigr_cpu_activate();
	host_set_cpu(me);
}

static const struct tmigr_platform plat = {
	.force_active = test_force_active,
	.run_on = test_run_on,
};

/* ---- operations, one CPU at a time ---- */

static void cpu_wake(uint32_t cpu)
{
	host_set_cpu(cpu);
	tmigr_cpu_activate();
}

/* Idle entry with a global timer `j` jiffies from the start (0: none). */
static uint64_t cpu_idle(uint32_t cpu, uint64_t j)
{
	host_set_cpu(cpu);
	return tmigr_cpu_deactivate(j ? (START_J + j) * TICK : TMIGR_INF);
}

static bool cpu_active(uint32_t cpu)
{
	return tmigr_cpu_available(cpu) && !tmigr_cpu_idle(cpu);
}

/* Prepare `cpu` from `control`; returns tmigr_prepare()'s result. */
static int prepare_from(uint32_t control, uint32_t cpu)
{
	int err;

	host_set_cpu(control);
	err = tmigr_prepare(cpu, node_of(cpu));
	if (!err)
		prepared[cpu] = true;
	return err;
}

static void online(uint32_t cpu)
{
	host_set_cpu(cpu);
	tmigr_set_available(cpu);
}

static void start(uint32_t possible, uint32_t nodes)
{
	struct tmigr_topology topo = { possible, nodes };

#ifdef TMSIM_WEAK
	tmweak_end();		/* a failed test may have left the model on */
#endif

	host_clock_use_real(false);
	host_clock_set_ns(START_J * TICK);
	host_set_cpu(0);
	timer_init(HZ, 0);
	for (uint32_t c = 0; c < possible; c++)
		timer_cpu_init(c);
	n_possible = possible;
	n_nodes = nodes;
	memset(prepared, 0, sizeof(prepared));
	tmigr_yield_hook = NULL;
	observer = NULL;
	n_steps = 0;
	a1_bad = 0;
	run_on_mode = RUN_ON_WAKES;
	run_on_calls = 0;
	run_on_cpu = TMIGR_MAX_CPUS;
	assert_int_equal(tmigr_init(&topo, &plat), 0);
	host_bug_reset();
}

/* Boot CPUs 0..n-1 the way the kernel does: CPU0 prepares itself, then the others. */
static void boot(uint32_t possible, uint32_t nodes, uint32_t n)
{
	start(possible, nodes);
	assert_int_equal(prepare_from(0, 0), 0);
	online(0);
	for (uint32_t c = 1; c < n; c++) {
		assert_int_equal(prepare_from(0, c), 0);
		online(c);
	}
	host_set_cpu(0);
	check_ok();
	tmigr_yield_hook = hook;
}

static uint32_t parentless_groups(void)
{
	uint32_t n = 0;

	for (uint32_t id = 0; id < TMIGR_MAX_GROUPS; id++) {
		struct tmigr_group *g = tmigr_group_by_id(id);

		if (g && !tmigr_group_parent(g))
			n++;
	}
	return n;
}

/* Q10 by the test's own reading: one top, every prepared CPU's path ends there. */
static void assert_single_root(void)
{
	struct tmigr_group *r = tmigr_root();
	bool any = false;
	char why[200];

	for (uint32_t c = 0; c < n_possible; c++)
		any |= prepared[c];
	if (!any) {
		assert_null(r);
		assert_int_equal(parentless_groups(), 0);
		return;
	}
	assert_non_null(r);
	assert_null(tmigr_group_parent(r));
	if (parentless_groups() != 1)
		fail_msg("Q10: %u groups without a parent, want 1", parentless_groups());
	for (uint32_t c = 0; c < n_possible; c++) {
		struct tmigr_group *g = tmigr_cpu_group(c), *last = NULL;
		uint32_t n = 0;

		if (!prepared[c]) {
			assert_null(g);
			continue;
		}
		for (; g && n <= tmigr_levels(); g = tmigr_group_parent(g), n++)
			last = g;
		assert_true(n <= tmigr_levels());
		assert_ptr_equal(last, r);
	}
	if (tmigr_check_structure(why, sizeof(why)))
		fail_msg("structure: %s", why);
}

/* ---- allocation failure during prepare ---- */

/*
 * Prepare `cpu` (which must need new groups) with the k-th allocation
 * failing, for every k the prepare performs: it must fail cleanly (no
 * group kept, root unchanged, CPU not connected, hierarchy still
 * consistent), and a retry must then succeed.  `setup` rebuilds the
 * starting hierarchy each time.
 */
static void fail_each_allocation(void (*setup)(void), uint32_t control, uint32_t cpu)
{
	uint32_t need, before;

	setup();
	before = tmigr_group_count();
	assert_int_equal(prepare_from(control, cpu), 0);
	need = tmigr_group_count() - before;
	assert_true(need >= 1);
	for (uint32_t k = 1; k <= need; k++) {
		struct tmigr_group *old_root;

		setup();
		before = tmigr_group_count();
		old_root = tmigr_root();
		tmigr_fail_alloc_at = k;
		if (prepare_from(control, cpu) == 0)
			fail_msg("prepare of CPU %u succeeded with allocation %u of %u failing",
				 cpu, k, need);
		tmigr_fail_alloc_at = 0;
		if (tmigr_group_count() != before)
			fail_msg("failed prepare leaked groups: %u in use, %u before",
				 tmigr_group_count(), before);
		assert_ptr_equal(tmigr_root(), old_root);
		assert_null(tmigr_cpu_group(cpu));
		assert_int_equal(tmigr_cpu_groupmask(cpu), 0);
		assert_single_root();
		check_ok();
		/* a retry succeeds and the CPU works */
		assert_int_equal(prepare_from(control, cpu), 0);
		assert_int_equal(tmigr_group_count(), before + need);
		online(cpu);
		assert_single_root();
		check_ok();
	}
}

static void setup_full_root(void)
{
	/* CPUs 0..F^2-1 fill two levels: the next CPU needs a new level-0 group,
	 * a new level-1 group and a new root (three allocations) */
	boot(F * F + 2, 1, F * F);
}

static void setup_first_cpu(void)
{
	start(F + 1, 1);
	tmigr_yield_hook = hook;
}

#if F == 8
static void setup_two_nodes(void)
{
	boot(128, 2, 8);
}
#endif

/*
 * the k-th group allocation of a prepare fails, for every k up to
 * the number of groups that prepare creates: the first CPU ever (level 0,
 * the case Linux's unwind indexed below the array), a CPU that needs a
 * whole new branch and a new root, and (fan-out 8) a CPU of a second NUMA
 * node whose last allocation is made in phase 2, after phase 1 connected
 * the CPU to the new root.
 */
static void test_alloc_failure_at_each_level_unwinds_and_retry_succeeds(void **state)
{
	(void)state;
	fail_each_allocation(setup_first_cpu, 0, 0);
	fail_each_allocation(setup_full_root, 0, F * F);
#if F == 8
	fail_each_allocation(setup_two_nodes, 0, 64);
#endif
}

/* ---- one parent read per step ---- */

/*
 * Parent loads are counted per step: a "walk.step" yield opens a step,
 * "walk.step_end" closes it (steps nest: a remote expiry step runs whole
 * walks for the CPUs it serves).  The walk framework's own load, right
 * after "walk.step_end", moves up a level and is not a step's load.
 */
#define MAX_NEST	8
static uint32_t nest, loads[MAX_NEST], max_loads, steps_seen;
static bool after_step_end;

static void count_parent_loads(const char *where, const void *obj)
{
	(void)obj;
	if (!strcmp(where, "walk.step")) {
		assert_true(nest < MAX_NEST);
		loads[nest++] = 0;
		steps_seen++;
		after_step_end = false;
	} else if (!strcmp(where, "walk.step_end")) {
		assert_true(nest > 0);
		nest--;
		if (loads[nest] > max_loads)
			max_loads = loads[nest];
		after_step_end = true;
	} else if (!strcmp(where, "parent.load")) {
		if (after_step_end)
			after_step_end = false;		/* the framework's */
		else if (nest)
			loads[nest - 1]++;
	} else if (strcmp(where, "walk.mask_read") != 0) {
		after_step_end = false;
	}
}

static uint32_t fired;

static void fn_count(struct timer *t)
{
	(void)t;
	fired++;
}

/* Idle entry as kernel/idle.c does it (through the wheel). */
static void wheel_idle(uint32_t cpu)
{
	struct timer_next nx;

	host_set_cpu(cpu);
	timer_next_event(true, &nx);
}

static void wheel_interrupt(uint32_t cpu)
{
	host_set_cpu(cpu);
	timer_run_cpu();
	if (tmigr_requires_remote())
		tmigr_handle_remote();
}

/*
 * every step function (active_up, inactive_up with its
 * update_events, update_events on new-timer and remote walks,
 * requires_remote_up, handle_remote_up) loads `parent` at most once per
 * call, over a run with idle entry and exit, timers queued and expired
 * remotely by a migrator, the last CPU idling, and a growth of the root.
 */
static void test_every_walk_step_loads_parent_at_most_once(void **state)
{
	uint32_t n = F;
	struct timer t[4];

	(void)state;
	boot(F * F + 2, 1, n);
	nest = 0;
	max_loads = 0;
	steps_seen = 0;
	fired = 0;
	observer = count_parent_loads;
	for (uint32_t i = 0; i < 4; i++) {
		host_set_cpu(1 + i % (n - 1));	/* idle CPUs' timers */
		timer_setup(&t[i], fn_count, 0);
		timer_add(&t[i], START_J + 5 + i * 3);
	}
	for (uint32_t c = 1; c < n; c++)
		wheel_idle(c);
	for (uint32_t j = 1; j < 20; j++) {
		host_clock_set_ns((START_J + j) * TICK);
		wheel_interrupt(0);
	}
	assert_int_equal(fired, 4);
	host_set_cpu(0);
	tmigr_quick_check(TMIGR_INF);
	host_set_cpu(1);
	timer_add(&t[0], START_J + 40);
	wheel_idle(1);
	wheel_idle(0);			/* the last one: idle migrator */
	host_set_cpu(0);
	timer_idle_exit();
	assert_int_equal(prepare_from(0, n), 0);	/* CPU F: the root grows */
	online(n);
	host_set_cpu(1);
	timer_idle_exit();
	host_set_cpu(1);
	timer_del(&t[0]);
	check_ok();
	assert_int_equal(nest, 0);
	assert_true(steps_seen > 20);
	if (max_loads > 1)
		fail_msg("a walk step loaded parent %u times", max_loads);
}

/*
 * R-14, the race: CPU1 (idle) queues a new global timer; its update_events
 * step at the old root has loaded the root's parent (NULL) and taken the
 * root's lock ("update_events.locked") when CPU0, active, prepares the CPU
 * that makes the root grow and links the old root under the new one, and
 * that CPU comes online.  CPU1 then finishes the step with its snapshot
 * (old root = top) and the walk continues through the new link.  Same with
 * CPU1 going idle, stalled inside the update_events of its inactive_up
 * step at the old root.
 */
static uint32_t grow_cpu;

static void grow_from_cpu0(void)
{
	assert_int_equal(prepare_from(0, grow_cpu), 0);
	online(grow_cpu);
}

static void test_hotadd_inside_one_update_events_step_keeps_invariants(void **state)
{
	struct tmigr_group *old_root;

	(void)state;
	grow_cpu = F;
	boot(F + 2, 1, F);
	old_root = tmigr_root();
	for (uint32_t c = 1; c < F; c++)
		cpu_idle(c, 0);
	script_add(1, "update_events.locked", old_root, 1, grow_from_cpu0);
	host_set_cpu(1);
	tmigr_cpu_new_timer((START_J + 7) * TICK);
	script_assert_all_fired();
	assert_ptr_not_equal(tmigr_root(), old_root);
	check_ok();
	assert_single_root();

	boot(F + 2, 1, F);
	old_root = tmigr_root();
	for (uint32_t c = 2; c < F; c++)
		cpu_idle(c, 0);
	script_add(1, "update_events.locked", old_root, 1, grow_from_cpu0);
	cpu_idle(1, 9);
	script_assert_all_fired();
	check_ok();
	cpu_idle(F, 0);
	cpu_idle(0, 0);
	check_ok();
	assert_single_root();
}

/* ---- growth by an active control CPU, others racing at every YP ---- */

#if F == 8
/*
 * Bounded exhaustive: 9 CPUs, fan-out 8.  CPU0 (active) prepares CPU8,
 * which grows the root.  At every yield point CPU0 passes inside that
 * prepare, one of CPUs 1-3 goes idle (with or without a global timer) or
 * wakes, starting from every combination of CPUs 1-3 active or idle (4-7
 * idle); from "1-3 all active" and "1-3 all idle", every pair of such
 * operations at every pair of yield points (k1 <= k2) too.  Each interleaving forces "CPU0 is
 * stalled at yield point k inside setup; CPU c completes an idle entry or
 * exit meanwhile": the connect-vs-last-CPU-idle race (A) and the
 * stale-childmask race (B) of R-15 are among them.  Oracle: A1 at every
 * yield point (migrator never 0), Q1-Q10 after the prepare, after CPU8
 * comes online, after everybody idles and after a wake.
 */
#define R15_OPS		9	/* none, then for CPUs 1-3: idle, idle+timer, wake */

static uint32_t r15_state, r15_k[2], r15_op[2], r15_seen;
static bool r15_in_op;

static void r15_do(uint32_t op)
{
	uint32_t cpu = 1 + (op - 1) / 3, kind = (op - 1) % 3;

	if (op == 0)
		return;
	if (kind < 2 && cpu_active(cpu))
		cpu_idle(cpu, kind ? 20 + cpu : 0);
	else if (kind == 2 && tmigr_cpu_idle(cpu))
		cpu_wake(cpu);
}

static void r15_observer(const char *where, const void *obj)
{
	(void)where;
	(void)obj;
	if (r15_in_op || arch_cpu_id() != 0)
		return;
	r15_seen++;
	r15_in_op = true;
	for (uint32_t i = 0; i < 2; i++)
		if (r15_k[i] == r15_seen)
			r15_do(r15_op[i]);
	r15_in_op = false;
	host_set_cpu(0);
}

static void r15_run(void)
{
	boot(9, 1, 8);
	for (uint32_t c = 4; c < 8; c++)
		cpu_idle(c, c == 5 ? 30 : 0);
	for (uint32_t c = 1; c <= 3; c++)
		if (r15_state & (1u << c))
			cpu_idle(c, c == 2 ? 25 : 0);
	r15_seen = 0;
	r15_in_op = false;
	observer = r15_observer;
	assert_int_equal(prepare_from(0, 8), 0);
	observer = NULL;
	check_ok();
	assert_single_root();
	online(8);
	check_ok();
	for (uint32_t c = 0; c < 9; c++)
		if (cpu_active(c))
			cpu_idle(c, c == 8 ? 40 : 0);
	check_ok();
	cpu_wake(3);
	check_ok();
}

static void test_prepare_by_active_cpu_with_idle_and_wake_at_every_yield_point(void **state)
{
	uint32_t n_yp, runs = 0;

	(void)state;
	/* how many yield points CPU0 passes in the prepare, nothing interleaved */
	r15_state = 0;
	r15_k[0] = r15_k[1] = 0;
	r15_run();
	n_yp = r15_seen;
	assert_true(n_yp >= 4);
	for (r15_state = 0; r15_state < 16; r15_state += 2) {
		/* pairs from "CPUs 1-3 all active" and "all idle"; single ops from all */
		uint32_t o2_end = r15_state == 0 || r15_state == 14 ? R15_OPS + 1 : 1;

		for (uint32_t k1 = 1; k1 <= n_yp + 2; k1++) {
			for (uint32_t o1 = 1; o1 < R15_OPS + 1; o1++) {
				for (uint32_t k2 = k1; k2 <= n_yp + 2; k2++) {
					for (uint32_t o2 = 0; o2 < o2_end; o2++) {
						r15_k[0] = k1;
						r15_op[0] = o1 % (R15_OPS + 1);
						r15_k[1] = k2;
						r15_op[1] = o2;
						r15_run();
						runs++;
					}
				}
			}
		}
	}
	print_message("R-15: %u interleavings over %u yield points in prepare\n", runs, n_yp);
}

static int sim_teardown(void **state)
{
	(void)state;
	tmsim_stop();
	return 0;
}

/*
 * The same race on the threaded scheduler (tests/host/tmsim.h), so that
 * both operations can stop half-way and resume in either order, which the
 * stall-and-run-whole scripts above cannot express.  9 CPUs, fan-out 8;
 * CPU0 and CPU1 active, CPU1 with a global timer, CPUs 2-7 idle, CPU2 with
 * one too.  CPU0's prepare of CPU8 stops at its k-th yield point; then
 * CPU1's idle entry (or CPU2's idle exit) runs and stops at its own m-th
 * yield point; then either the prepare finishes first and the other
 * operation after it, or the other way round.  Every (k, m, operation,
 * order) up to the last yield point of each.  Oracle: tmsim's A1 at every
 * yield point, Q1-Q10 after both finish, after CPU8 comes online and after
 * everyone idles, and the timer oracle (both timers run once, on time).
 */
static uint32_t r15_sim_one(uint32_t k, uint32_t op, uint32_t m, bool prepare_first)
{
	static const struct tmsim_config cfg = { .ncpus = 9, .online = 8 };
	static struct tmsim_timer t1, t2;
	uint32_t other = op == 0 ? 1 : 2, result = 3;	/* 1: k past end, 2: m past end */
	enum tmsim_stop st;

	tmsim_start(&cfg);
	TMSIM_ASSERT(tmsim_arm(1, &t1, "T1", TMSIM_START_J + 20, false) == TMSIM_DONE, "arm T1");
	TMSIM_ASSERT(tmsim_arm(2, &t2, "T2", TMSIM_START_J + 15, false) == TMSIM_DONE, "arm T2");
	for (uint32_t c = 2; c < 8; c++)
		TMSIM_ASSERT(tmsim_idle(c) == TMSIM_DONE, "CPU%u idle", c);
	tmsim_break(0, NULL, NULL, k);
	st = tmsim_prepare(0, 8, 0);
	if (st == TMSIM_DONE) {
		result = 1;
	} else {
		tmsim_note("prepare stopped at %s; CPU%u %s", tmsim_where(0), other,
			   op == 0 ? "idles" : "wakes");
		tmsim_break(other, NULL, NULL, m);
		st = op == 0 ? tmsim_idle(other) : tmsim_wake(other);
		if (st == TMSIM_DONE)
			result = 2;
		if (prepare_first) {
			tmsim_finish(0);
			tmsim_finish(other);
		} else {
			tmsim_finish(other);
			tmsim_finish(0);
		}
		tmsim_break_clear(other);	/* not hit if its operation was shorter */
	}
	tmsim_break_clear(0);
	TMSIM_ASSERT(tmsim_prepare_result() == 0, "prepare of CPU8 failed");
	tmsim_check_quiescent();
	TMSIM_ASSERT_OK();
	TMSIM_ASSERT(tmsim_online(8) == TMSIM_DONE, "CPU8 online");
	tmsim_check_quiescent();
	TMSIM_ASSERT_OK();
	for (uint32_t c = 0; c < 9; c++)
		if (tmsim_mode(c) == TMSIM_ACTIVE)
			TMSIM_ASSERT(tmsim_idle(c) == TMSIM_DONE, "CPU%u idle", c);
	tmsim_check_quiescent();
	tmsim_advance_to(TMSIM_START_J + 30);
	TMSIM_ASSERT(tmsim_check_timers(), "timer oracle");
	tmsim_check_quiescent();
	TMSIM_ASSERT_OK();
	tmsim_stop();
	return result;
}

static void test_prepare_and_half_done_idle_or_wake_finish_in_either_order(void **state)
{
	uint32_t runs = 0;

	(void)state;
	for (uint32_t k = 1; k < 64; k++) {
		bool k_past_end = false;

		for (uint32_t op = 0; op < 2 && !k_past_end; op++) {
			for (uint32_t m = 1; m < 64; m++) {
				uint32_t r = r15_sim_one(k, op, m, true);

				runs++;
				if (r == 1) {
					k_past_end = true;
					break;
				}
				r15_sim_one(k, op, m, false);
				runs++;
				if (r == 2)
					break;
			}
		}
		if (k_past_end)
			break;
	}
	print_message("R-15 (tmsim): %u runs\n", runs);
}
#endif

/* ---- a walker stalled across one or two root growths ---- */

static uint32_t control_cpu;

static void wake_control_and_grow(void)
{
	cpu_wake(control_cpu);		/* stops at the already active group */
	assert_int_equal(prepare_from(control_cpu, grow_cpu), 0);
	online(grow_cpu);
}

#if F == 8
/*
 * R-16 (fan-out 8, 9 CPUs): all idle.  CPU0 starts to activate, CASes
 * GRP0:0 (the root) active and stalls before loading GRP0:0's parent (in
 * the mutant it has already read GRP0:0's groupmask, still 0: the mutant
 * sets it only when connecting).  CPU1 wakes (stops at GRP0:0, active),
 * prepares CPU8 (GRP0:1 and the new root GRP1:0; GRP0:0 linked under it,
 * probed active, GRP1:0 activated) and CPU8 comes online.  CPU0 resumes:
 * it follows the new parent with the mask it read.  Fixed: the mask was
 * preset to bit 0 when GRP0:0 became a top group, so CPU0 finds GRP1:0
 * active under its own bit and stops.  Mutant: CPU0 walks into GRP1:0
 * with childmask 0.  In this SC harness the ordered probe has always made
 * GRP1:0 active by then, so the zero mask cannot become migrator 0 here;
 * the walker's own assertion (childmask 0) reports it, and the test fails
 * on it.  Then everybody idles and wakes again under the checkers.
 */
static void test_stale_zero_groupmask_across_new_root(void **state)
{
	struct tmigr_group *old_root;

	(void)state;
	boot(9, 1, 8);
	old_root = tmigr_root();
	for (uint32_t c = 1; c < 8; c++)
		cpu_idle(c, c == 3 ? 12 : 0);
	cpu_idle(0, 0);
	check_ok();
	control_cpu = 1;
	grow_cpu = 8;
	script_add(0, "parent.load", old_root, 1, wake_control_and_grow);
	cpu_wake(0);
	script_assert_all_fired();
	check_ok();
	assert_single_root();
	assert_int_equal(tmigr_group_mask(old_root), 1);
	cpu_idle(1, 0);
	cpu_idle(8, 0);
	check_ok();
	cpu_idle(0, 0);
	check_ok();
	assert_int_not_equal(tmigr_cpu_wakeup(0), TMIGR_INF);
	cpu_wake(5);
	check_ok();
}
#endif

#if F == 2
/*
 * R-17 (fan-out 2, 5 CPUs: CPU2 grew GRP1:0 above GRP0:0, CPU4 grows GRP2:0
 * above GRP1:0).  All idle; CPU0 activates GRP0:0, follows GRP0:0.parent to
 * GRP1:0, activates it and stalls before loading GRP1:0.parent.  CPU1
 * wakes and prepares CPU4 (second growth: GRP1:0 linked under GRP2:0 with
 * its preset mask, probed active, GRP2:0 activated); CPU4 comes online.
 * CPU0 resumes, follows GRP1:0.parent to GRP2:0 and must use GRP1:0's
 * preset mask (bit 0).  A second script stalls CPU0 one level lower
 * (before GRP0:0.parent) across the same growth.
 *
 * The weak build (NAME_f2w) runs the script with every groupmask and
 * state load of CPU0 returning the oldest value its view allows
 * (tests/host/tmweak.h).  R-17 proper is a group's initialization not
 * being visible through a parent pointer published with a relaxed store
 * (MUTANT(R17)).  In this design that mutant is not observable on
 * the words the model tracks, and this test passes on it in both builds:
 * the masks a walker reads are preset when a group becomes a top group
 * and every walker that can reach a freshly linked group first
 * CASes the old root, whose latest modification is then either the
 * control CPU's ordered probe (O11: a release RMW issued after the links,
 * which the CAS reads from) or the walker's own CAS, which the probe then
 * sees and answers by propagating itself.  The release/acquire pair (O9)
 * is kept for the fields under the new group's lock that the model does
 * not track.  MUTANT(R16) fails this test (the walker uses mask 0).
 */
static void r17_script(const char *where_obj_level)
{
	struct tmigr_group *g0 = NULL, *g1;

	boot(5, 1, 4);
	for (uint32_t c = 1; c < 4; c++)
		cpu_idle(c, c == 3 ? 15 : 0);
	cpu_idle(0, 0);
	check_ok();
	g1 = tmigr_root();
	g0 = tmigr_cpu_group(0);
	assert_int_equal(tmigr_group_level(g1), 1);
	control_cpu = 1;
	grow_cpu = 4;
	script_add(0, "parent.load", where_obj_level[0] == '1' ? g1 : g0, 1,
		   wake_control_and_grow);
#ifdef TMSIM_WEAK
	tmweak_begin();
	tmweak_stale(0, TMWEAK_MASK | TMWEAK_STATE, NULL);
#endif
	cpu_wake(0);
#ifdef TMSIM_WEAK
	/* the adversary did return older values somewhere, and nothing broke */
	assert_int_not_equal(tmweak_stale_reads(0), 0);
	tmweak_end();
#endif
	script_assert_all_fired();
	check_ok();
	assert_single_root();
	assert_int_equal(tmigr_group_level(tmigr_root()), 2);
	assert_int_equal(tmigr_group_mask(g1), 1);
	for (uint32_t c = 0; c < 5; c++)
		if (cpu_active(c))
			cpu_idle(c, c == 4 ? 9 : 0);
	check_ok();
	cpu_wake(2);
	check_ok();
}

static void test_walker_stalled_across_two_root_growths_uses_preset_masks(void **state)
{
	(void)state;
	r17_script("1");
	r17_script("0");
}
#endif

/* ---- one root after every growth ---- */

static void boot_one_by_one(uint32_t possible, uint32_t from, uint32_t to)
{
	struct tmigr_group *old_roots[TMIGR_MAX_LEVELS];
	uint32_t n_old = 0;

	for (uint32_t c = from; c <= to; c++) {
		struct tmigr_group *before = tmigr_root();

		assert_int_equal(prepare_from(0, c), 0);
		online(c);
		if (before && tmigr_root() != before) {
			assert_true(n_old < TMIGR_MAX_LEVELS);
			old_roots[n_old++] = before;
		}
		assert_single_root();
		for (uint32_t i = 0; i < n_old; i++)
			assert_int_equal(tmigr_group_mask(old_roots[i]), 1);
		check_ok();
	}
	(void)possible;
}

/*
 * CPUs prepared one at a time by the active CPU0; after each
 * prepare (and online) exactly one group has no parent, it is the root,
 * every prepared CPU's path ends at it, and every former root has
 * groupmask bit 0.  Fan-out 8: 0..8 (first growth at CPU8) then 9..64
 * (second growth at CPU64).  Fan-out 2: 0..4 (growths at CPU2 and CPU4).
 */
static void test_every_growth_links_the_old_root_under_the_single_new_root(void **state)
{
	(void)state;
#if F == 8
	start(65, 1);
	tmigr_yield_hook = hook;
	boot_one_by_one(65, 0, 8);
	boot_one_by_one(65, 9, 64);
	assert_int_equal(tmigr_group_level(tmigr_root()), 2);
#else
	start(5, 1);
	tmigr_yield_hook = hook;
	boot_one_by_one(5, 0, 4);
	assert_int_equal(tmigr_group_level(tmigr_root()), 2);
#endif
	for (uint32_t c = 0; c < n_possible; c++)
		if (cpu_active(c))
			cpu_idle(c, c % 7 == 3 ? 10 + c : 0);
	check_ok();
}

/* ---- NUMA unfolding ---- */

#if F == 8
/*
 * 128 possible CPUs on 2 nodes (levels 3, crossnode level 2).  CPU0
 * (node 0) is prepared, then CPU64 (node 1), then a few more of each node.
 * Every group below the crossnode level must have only CPUs of one node
 * below it (A8, computed here from the CPUs, not from the groups' node
 * fields); one root (Q10); Q1-Q9.
 */
static void assert_groups_node_local(void)
{
	static uint64_t nodes_below[TMIGR_MAX_GROUPS];

	memset(nodes_below, 0, sizeof(nodes_below));
	for (uint32_t c = 0; c < n_possible; c++) {
		for (struct tmigr_group *g = tmigr_cpu_group(c); g; g = tmigr_group_parent(g))
			if (tmigr_group_level(g) < tmigr_crossnode_level())
				nodes_below[tmigr_group_id(g)] |= 1ull << node_of(c);
	}
	for (uint32_t id = 0; id < TMIGR_MAX_GROUPS; id++)
		if (__builtin_popcountll(nodes_below[id]) > 1)
			fail_msg("group %u (level %u) below the crossnode level spans nodes %#llx",
				 id, tmigr_group_level(tmigr_group_by_id(id)),
				 (unsigned long long)nodes_below[id]);
}

static void test_second_node_unfolds_per_node_groups_below_crossnode(void **state)
{
	static const uint32_t order[] = { 0, 64, 1, 65, 8, 72, 127, 63 };

	(void)state;
	start(128, 2);
	tmigr_yield_hook = hook;
	assert_int_equal(tmigr_levels(), 3);
	assert_int_equal(tmigr_crossnode_level(), 2);
	for (uint32_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		assert_int_equal(prepare_from(0, order[i]), 0);
		online(order[i]);
		assert_single_root();
		assert_groups_node_local();
		check_ok();
	}
	assert_int_equal(tmigr_group_level(tmigr_root()), 2);
	for (uint32_t i = 1; i < sizeof(order) / sizeof(order[0]); i++)
		cpu_idle(order[i], i);
	check_ok();
	cpu_idle(0, 0);
	check_ok();
}
#endif

/* ---- activation probe and delegation ---- */

#if F == 2
/*
 * R-21, the design's script in SC (fan-out 2, 5 CPUs, root GRP1:0).  CPU3,
 * the last active CPU, goes idle: GRP0:1 and GRP1:0 become idle, and CPU3
 * stalls before loading GRP1:0.parent.  CPU1 wakes: GRP0:0 becomes active,
 * CPU1 stalls before loading GRP0:0.parent.  CPU0 wakes (stops at GRP0:0)
 * and prepares CPU4: GRP2:0 is created, GRP1:0 linked under it and probed:
 * idle, so GRP2:0 is left alone.  CPU1 resumes and, ordered after the
 * probe, sees the new parent: it activates GRP1:0 and GRP2:0.  CPU3
 * resumes and finds GRP1:0 active again.  Oracle: Q1/Q2 (no active
 * subtree under an idle root, no phantom) at quiescence, A1 throughout.
 * In SC CPU1 always sees the link, so the mutant (a plain, unordered
 * probe) cannot be caught here: the weak build's test below catches it.
 */
static void r21_cpu0_grows(void)
{
	cpu_wake(0);
	assert_int_equal(prepare_from(0, 4), 0);
}

static void r21_cpu1_wakes(void)
{
	cpu_wake(1);
}

/* Both R-21 scripts: 5 CPUs, 0..3 online, CPU3 the only active one. */
static struct tmigr_group *r21_boot(void)
{
	boot(5, 1, 4);
	cpu_idle(0, 0);
	cpu_idle(1, 0);
	cpu_idle(2, 11);
	check_ok();
	return tmigr_root();
}

/* ... and after the script: CPU4 comes online, everybody idles. */
static void r21_online_and_idle(void)
{
	online(4);
	check_ok();
	cpu_idle(0, 0);
	cpu_idle(1, 0);
	cpu_idle(4, 0);
	check_ok();
}

static void test_hotadd_probe_orders_against_lagging_activator(void **state)
{
	struct tmigr_group *old_root;

	(void)state;
	old_root = r21_boot();
	script_add(3, "parent.load", old_root, 1, r21_cpu1_wakes);
	script_add(1, "parent.load", tmigr_cpu_group(1), 1, r21_cpu0_grows);
	cpu_idle(3, 0);
	script_assert_all_fired();
	check_ok();
	assert_single_root();
	r21_online_and_idle();
	assert_int_equal(TMIGR_ST_ACTIVE(tmigr_group_state(tmigr_root())), 0);
}

#ifdef TMSIM_WEAK
/*
 * R-21 in weak mode, the design's order (fan-out 2, 5 CPUs, root GRP1:0).
 * CPU1 wakes: GRP0:0 becomes active and CPU1 stalls before loading
 * GRP0:0.parent.  Meanwhile CPU3, the last active CPU, goes idle: GRP0:1
 * and GRP1:0 become idle and CPU3 stalls before loading GRP1:0.parent;
 * CPU0 wakes (stops at GRP0:0, active) and prepares CPU4: GRP2:0 is
 * created, GRP1:0 linked under it and probed (idle).  CPU3 resumes and
 * propagates "GRP1:0 idle" into GRP2:0.  CPU1 resumes last, activates
 * GRP1:0 and loads GRP1:0.parent asking for the oldest value its view
 * allows.  Fixed: the probe is an ordered RMW, so CPU1's CAS on GRP1:0
 * reads it and CPU1 must see the link: it activates GRP2:0.  Mutant (a
 * plain, unordered probe): CPU1's CAS reads CPU3's value, nothing orders
 * the link before CPU1's load, the model returns NULL, CPU1 stops at
 * GRP1:0 and an active subtree sits under an idle root.  Oracle: Q1 at quiescence.  (SC always returns the link: the SC
 * build cannot tell the mutant's plain read from the fix.)
 */
static void r21w_cpu3_idles(void)
{
	cpu_idle(3, 0);
}

static void test_hotadd_probe_publishes_link_to_activator_with_stale_view(void **state)
{
	struct tmigr_group *old_root;

	(void)state;
	old_root = r21_boot();
	tmweak_begin();
	tmweak_stale(1, TMWEAK_PARENT, NULL);
	script_add(1, "parent.load", tmigr_cpu_group(1), 1, r21w_cpu3_idles);
	script_add(3, "parent.load", old_root, 1, r21_cpu0_grows);
	cpu_wake(1);
	script_assert_all_fired();
	tmweak_end();
	check_ok();
	assert_single_root();
	assert_true(cpu_active(1));
	assert_int_not_equal(TMIGR_ST_ACTIVE(tmigr_group_state(tmigr_root())), 0);
	r21_online_and_idle();
}
#endif

/*
 * the control CPU (CPU5, never prepared) is outside the
 * hierarchy; every member is idle, and the platform runs the delegated
 * phase 2 on CPU0 like an IPI (CPU0 stays idle).  The probe reads the old
 * root idle: the new root must stay idle (the only legal outcome: no CPU
 * is active); a phantom active root over an idle tree is what Q2 reports.
 * R-21's mutant (a plain probe) reads the same idle state here, so this
 * test is not in the mutant table: only the weak build can observe it.
 */
static void test_hotadd_with_idle_old_root_leaves_new_root_idle(void **state)
{
	struct tmigr_group *old_root;

	(void)state;
	boot(6, 1, 4);
	old_root = tmigr_root();
	for (uint32_t c = 0; c < 4; c++)
		cpu_idle(c, c == 2 ? 8 : 0);
	check_ok();
	run_on_mode = RUN_ON_IPI;
	assert_int_equal(prepare_from(5, 4), 0);
	assert_int_equal(run_on_calls, 1);
	assert_true(run_on_target_available);
	assert_ptr_equal(tmigr_group_parent(old_root), tmigr_root());
	check_ok();
	assert_int_equal(TMIGR_ST_ACTIVE(tmigr_group_state(tmigr_root())), 0);
	online(4);
	check_ok();
	cpu_idle(4, 0);
	check_ok();
}
#endif

/*
 * R-23 (any fan-out): the control CPU (CPU F+1, never prepared) is not in
 * the hierarchy whose root grows when CPU F is prepared.
 *
 * (a) CPU1 is active, CPU0 idle; the platform delegates phase 2 to CPU0
 * the way kernel/idle.c does (the target leaves idle, then runs it).  At
 * the yield point right after the probe, CPU1 goes idle.  The old root
 * stays active through CPU0, so propagating the probe's "active" is right.
 * Mutant R-23 runs phase 2 on the control CPU itself: the probe sees CPU1's
 * activity, CPU1 idles before the propagation, and the new root is left
 * active over an idle subtree (Q2).
 * (b) every member idle: delegated to CPU0 (woken); clean.
 * (c) nobody available (all prepares before any online, like a deferred
 * init): no delegation, the old root is linked without activation; the
 * CPUs then come online and idle under the checkers.
 */
static void r23_cpu1_idles(void)
{
	cpu_idle(1, 6);
}

static void test_hotadd_from_cpu_outside_hierarchy_delegates_or_links_idle(void **state)
{
	uint32_t control = F + 1;
	struct tmigr_group *old_root;

	(void)state;
	/* (a) */
	boot(F + 2, 1, F);
	for (uint32_t c = 0; c < F; c++)
		if (c != 1)
			cpu_idle(c, c == 0 ? 5 : 0);
	/* whichever CPU runs phase 2 (CPU0 here, the control CPU in the mutant) */
	script_add(ANY_CPU, "setup.after_probe", NULL, 1, r23_cpu1_idles);
	assert_int_equal(prepare_from(control, F), 0);
	script_assert_all_fired();
	check_ok();
	assert_single_root();
	assert_int_equal(run_on_calls, 1);
	assert_int_equal(run_on_cpu, 0);
	assert_true(run_on_target_available);
	online(F);
	cpu_idle(F, 0);
	cpu_idle(0, 0);
	check_ok();

	/* (b) */
	boot(F + 2, 1, F);
	for (uint32_t c = 0; c < F; c++)
		cpu_idle(c, c == 1 ? 5 : 0);
	assert_int_equal(prepare_from(control, F), 0);
	assert_int_equal(run_on_calls, 1);
	check_ok();
	assert_single_root();
	cpu_idle(0, 0);
	check_ok();

	/* (c) */
	start(F + 2, 1);
	tmigr_yield_hook = hook;
	for (uint32_t c = 0; c <= F; c++)
		assert_int_equal(prepare_from(c == 0 ? 0 : control, c), 0);
	old_root = tmigr_cpu_group(0);
	assert_int_equal(run_on_calls, 0);
	assert_ptr_not_equal(tmigr_root(), old_root);
	assert_single_root();
	assert_int_equal(TMIGR_ST_ACTIVE(tmigr_group_state(tmigr_root())), 0);
	check_ok();
	for (uint32_t c = 0; c <= F; c++)
		online(c);
	check_ok();
	for (uint32_t c = 0; c <= F; c++)
		cpu_idle(c, c == 2 ? 7 : 0);
	check_ok();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_failure_at_each_level_unwinds_and_retry_succeeds),
		cmocka_unit_test(test_every_walk_step_loads_parent_at_most_once),
		cmocka_unit_test(test_hotadd_inside_one_update_events_step_keeps_invariants),
#if F == 8
		cmocka_unit_test(test_prepare_by_active_cpu_with_idle_and_wake_at_every_yield_point),
		cmocka_unit_test_teardown(test_prepare_and_half_done_idle_or_wake_finish_in_either_order,
					  sim_teardown),
		cmocka_unit_test(test_stale_zero_groupmask_across_new_root),
		cmocka_unit_test(test_second_node_unfolds_per_node_groups_below_crossnode),
#endif
#if F == 2
		cmocka_unit_test(test_walker_stalled_across_two_root_growths_uses_preset_masks),
		cmocka_unit_test(test_hotadd_probe_orders_against_lagging_activator),
#ifdef TMSIM_WEAK
		cmocka_unit_test(test_hotadd_probe_publishes_link_to_activator_with_stale_view),
#endif
		cmocka_unit_test(test_hotadd_with_idle_old_root_leaves_new_root_idle),
#endif
		cmocka_unit_test(test_every_growth_links_the_old_root_under_the_single_new_root),
		cmocka_unit_test(test_hotadd_from_cpu_outside_hierarchy_delegates_or_links_idle),
	};

	tmsim_test_filter();	/* TMSIM_TEST=<name>: that test only (run-mutants.sh) */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
