/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tmsim: a deterministic scheduler for the migration hierarchy's race tests.
 *
 * Theory.  Every vCPU is a pthread, and exactly one thread runs at a time:
 * the driver (the cmocka test) or one vCPU.  They pass a baton under one
 * mutex and condition variable, so every run is a single interleaving
 * chosen by the test, and every hand-over is a full barrier (the memory
 * model is sequential consistency; design §4.0, "SC mode"; programs
 * built with -DTMSIM_WEAK add the weak mode of tests/host/tmweak.h).
 *
 *   driver (test)                     vCPU threads (CPU 0 .. n-1)
 *   -------------                     ---------------------------
 *   tmsim_run(cpu, fn, arg)  --baton-->  fn(arg) runs kernel code
 *        waits                           tmigr_yield_hook(where, obj):
 *                                          breakpoint hit? --baton--> driver
 *   tmsim_resume(cpu)        --baton-->  continues after the yield point
 *        waits               <--baton--  fn returned: TMSIM_DONE
 *
 * kernel/tmigr.c calls tmigr_yield_hook() at its yield points (the YP(...)
 * sites: "walk.step", "parent.load", "inactive_up.before_cas", ...); tmsim
 * adds "softirq.after_global_base" between a CPU's own wheel run and its
 * remote handling.  A vCPU stops at a yield point when its breakpoint
 * matches (name, object, n-th hit) or when it single-steps.  A vCPU that
 * spins on a lock held by a stopped vCPU stops with TMSIM_SPIN (the host's
 * arch_cpu_relax() calls back here), so the test can run the holder.  A
 * platform hook that needs another CPU (force_active, run_on) stops the
 * caller with TMSIM_CALL; the helpers below serve such calls themselves.
 *
 * Virtual time is the host clock (host_clock_set_ns), in whole jiffies
 * (HZ 1000, jiffies start at TMSIM_START_J).  Each vCPU is active (a tick
 * at every jiffy), idle (one interrupt when its programmed deadline
 * passes, deadline as kernel/idle.c would program it) or offline.
 * tmsim_advance_to() walks time jiffy by jiffy and delivers those.
 *
 * The real idle loop.  A vCPU may instead run kernel/idle.c itself
 * (tmsim_idle_loop: idle_until() until tmsim_idle_loop_leave), with
 * kernel/tick.c's handlers and the host's interrupt model (host_arch.h):
 * its event deadline is what idle.c and tick.c programmed, IPIs sent to it
 * are pending flags, and arch_idle_halt() with nothing pending stops it
 * with TMSIM_HALT.  The driver resumes it (tmsim_resume) once something is
 * pending; tmsim_advance_to() fires its due event and resumes it until it
 * halts again.  Pending interrupts are also taken at the yield points it
 * reaches with interrupts on, as hardware would take them anywhere.
 * kernel/idle.c's yield points ("idle.after_work_check", "idle.decided",
 * "idle.before_halt") let a test stop it inside its decision.
 *
 * Oracles: the timer oracle (struct tmsim_timer: each armed timer runs
 * exactly once, never before its expiry, no later than its bucket expiry
 * plus one jiffy); the hierarchy's own quiescent invariant checker
 * (tmigr_check_quiescent, design §5.2); the "always" invariant A1 of every
 * group's state word at every yield point; a livelock detector (a vCPU
 * taking more than `livelock_irqs` interrupts within one jiffy, or more
 * remote expiries in one operation than CPUs plus groups).  Every failure
 * prints the trace of yield points (and operations, time steps) so the
 * interleaving can be replayed; random mode prints its seed too.
 *
 * Use from cmocka tests: include <cmocka.h> before this header for the
 * TMSIM_ASSERT macros.  The driver must not call kernel code that takes
 * locks while a vCPU is stopped holding them; introspection (tmigr_root,
 * tmigr_group_state, ...) and the checkers are fine.  A test that fails
 * with vCPUs stopped mid-operation leaves those threads blocked for good;
 * the next tmsim_start() starts a new generation of threads.
 */
#ifndef PULLKERN_TMSIM_H
#define PULLKERN_TMSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/timer.h"
#include "kernel/tmigr.h"

#define TMSIM_MAX_CPUS		64
#define TMSIM_HZ		1000
#define TMSIM_TICK_NS		UINT64_C(1000000)
#define TMSIM_START_J		UINT64_C(1000)	/* jiffies at tmsim_start() */

/* Why control came back to the driver. */
enum tmsim_stop {
	TMSIM_DONE,		/* the operation returned (or none was in flight) */
	TMSIM_BREAK,		/* stopped at a yield point (breakpoint or step) */
	TMSIM_SPIN,		/* spinning on a lock another vCPU holds */
	TMSIM_CALL,		/* waits for a call it made on another vCPU */
	TMSIM_LIVELOCK,		/* detector fired: the vCPU is stopped for good */
	TMSIM_HALT,		/* the real idle loop halted with nothing pending */
};

/* What a vCPU does between operations. */
enum tmsim_mode {
	TMSIM_ACTIVE,		/* tick every jiffy */
	TMSIM_IDLE,		/* one interrupt at its programmed deadline */
	TMSIM_OFFLINE,		/* prepared or not, not online: nothing */
	TMSIM_IDLE_LOOP,	/* runs kernel/idle.c's loop: its own programmed event */
};

struct tmsim_config {
	uint32_t ncpus;			/* possible CPUs (1..TMSIM_MAX_CPUS) */
	uint32_t online;		/* brought up at start, CPUs 0..online-1; 0: all */
	uint32_t nodes;			/* possible nodes; 0 means 1 */
	const uint32_t *node_of;	/* node of each CPU, or NULL: all node 0 */
	uint32_t late_jiffies;		/* oracle: allowed past bucket expiry; 0 means 1 */
	uint32_t livelock_irqs;		/* detector: interrupts per jiffy; 0 means 4 */
	bool no_boot;			/* only tmigr_init: the test prepares CPUs itself */
};

/* Start a fresh machine: wheel, hierarchy, vCPU threads, CPUs 0..online-1 active. */
void tmsim_start(const struct tmsim_config *cfg);
/* Shorthand: `ncpus` possible and online, node 0. */
void tmsim_start_n(uint32_t ncpus);
/* Join idle vCPU threads (stopped ones stay blocked; see the theory comment). */
void tmsim_stop(void);
uint32_t tmsim_ncpus(void);

/* ---- operations on one vCPU ---- */

typedef void (*tmsim_fn)(void *arg);

/*
 * Breakpoint of `cpu`: stop at the nth (1 = next) yield point named
 * `where` (NULL: any name) on `obj` (NULL: any object), counted from now.
 * One per vCPU; cleared when hit.
 */
void tmsim_break(uint32_t cpu, const char *where, const void *obj, uint32_t nth);
void tmsim_break_clear(uint32_t cpu);

/* Start fn(arg) on `cpu` (which must have no operation in flight). */
enum tmsim_stop tmsim_run(uint32_t cpu, tmsim_fn fn, void *arg);
/* Continue a stopped vCPU until done or its next stop. */
enum tmsim_stop tmsim_resume(uint32_t cpu);
/* Continue a stopped vCPU up to its next yield point. */
enum tmsim_stop tmsim_step(uint32_t cpu);
/*
 * Continue `cpu` until its operation is done: serves its calls on other
 * vCPUs and, while it spins, runs the other stopped vCPUs (lowest number
 * first) until the lock frees.  Breakpoints are cleared.
 */
enum tmsim_stop tmsim_finish(uint32_t cpu);
/* tmsim_finish() on every vCPU with an operation in flight. */
void tmsim_finish_all(void);

bool tmsim_busy(uint32_t cpu);			/* an operation is in flight */
enum tmsim_stop tmsim_state(uint32_t cpu);	/* why it last stopped */
const char *tmsim_where(uint32_t cpu);		/* yield point it stopped at, or "" */
const void *tmsim_obj(uint32_t cpu);		/* its object */
enum tmsim_mode tmsim_mode(uint32_t cpu);
/* Yield points named `where` (NULL: all) that `cpu` hit since tmsim_start(). */
uint32_t tmsim_hits(uint32_t cpu, const char *where);

/*
 * The common CPU operations, run with tmsim_run() semantics (they return
 * TMSIM_BREAK if a breakpoint set before stops them, TMSIM_DONE
 * otherwise; calls on other vCPUs are served).  Each is also available as
 * a tmsim_fn (tmsim_op_*) whose argument is unused unless stated.
 */
/* Idle entry as kernel/idle.c does it: timer_next_event(true), deadline recorded. */
enum tmsim_stop tmsim_idle(uint32_t cpu);
/* Idle exit: timer_idle_exit(); the vCPU ticks again. */
enum tmsim_stop tmsim_wake(uint32_t cpu);
/*
 * Timer interrupt as kernel/tick.c does it: timer_run_cpu(), then
 * "softirq.after_global_base", then tmigr_requires_remote() and, if so,
 * tmigr_handle_remote(); then, on an idle vCPU, the idle re-evaluation.
 */
enum tmsim_stop tmsim_interrupt(uint32_t cpu);
/* Same, but tmigr_handle_remote() runs unconditionally (design §1.9 softirq). */
enum tmsim_stop tmsim_interrupt_softirq(uint32_t cpu);
/* Availability: tmigr_clear_available (park) and tmigr_set_available (online). */
enum tmsim_stop tmsim_park(uint32_t cpu);
enum tmsim_stop tmsim_online(uint32_t cpu);
/* tmigr_prepare(cpu, node) run on the control CPU `ctrl`. */
enum tmsim_stop tmsim_prepare(uint32_t ctrl, uint32_t cpu, uint32_t node);
/* Result of the last tmsim_prepare(). */
int tmsim_prepare_result(void);

void tmsim_op_idle(void *unused);
void tmsim_op_wake(void *unused);
void tmsim_op_interrupt(void *unused);
void tmsim_op_interrupt_softirq(void *unused);

/*
 * Deadline the vCPU programmed at its last idle evaluation (TIMER_NO_EVENT:
 * none); in the real idle loop, the event its kernel code programmed.
 */
uint64_t tmsim_deadline(uint32_t cpu);

/*
 * Run kernel/idle.c's loop on `cpu` (tmsim_run semantics; TMSIM_HALT once
 * it halts with nothing pending).  tmsim_idle_loop_leave() makes
 * idle_until() return (a wake IPI ends the halt) and finishes the
 * operation; the vCPU is then active, ticked by the simulation again.
 */
enum tmsim_stop tmsim_idle_loop(uint32_t cpu);
enum tmsim_stop tmsim_idle_loop_leave(uint32_t cpu);
void tmsim_op_idle_loop(void *unused);
/* Run a uint64_t (uint64_t) hierarchy entry on `cpu` to completion, e.g. tmigr_quick_check. */
uint64_t tmsim_call_u64(uint32_t cpu, uint64_t (*fn)(uint64_t), uint64_t arg);

/* ---- virtual time ---- */

uint64_t tmsim_jiffies(void);
uint64_t tmsim_ns(uint64_t j);			/* start of jiffy j */
/* Set the clock only: nothing is delivered (a vCPU may be mid-operation). */
void tmsim_set_jiffies(uint64_t j);
/*
 * Advance jiffy by jiffy to `j`: at each, ticks to active vCPUs and
 * interrupts to idle vCPUs whose deadline passed, lowest CPU first
 * (vCPUs with an operation in flight are skipped: interrupts are off).
 * False if the livelock detector fired.
 */
bool tmsim_advance_to(uint64_t j);
bool tmsim_advance(uint64_t jiffies);

/* ---- timer oracle ---- */

struct tmsim_timer {
	struct timer t;			/* first: the callback gets this back */
	const char *name;
	uint64_t expires;		/* jiffies */
	uint64_t armed_j;
	uint32_t armed_on;
	bool pinned, cancelled;
	uint32_t runs;			/* written by the callback */
	uint64_t ran_j;			/* jiffies when it (last) ran */
	uint32_t ran_on;		/* CPU that ran it */
	struct tmsim_timer *next_armed;	/* oracle's registry */
};

/*
 * Arm `tt` on `cpu` (timer_add, or pinned to that CPU); an idle vCPU then
 * re-evaluates its idle state as after the interrupt that armed it.
 */
enum tmsim_stop tmsim_arm(uint32_t cpu, struct tmsim_timer *tt, const char *name,
			  uint64_t expires, bool pinned);
/* The same from `cpu` onto `target` (timer_add_on: a kick if target idles). */
enum tmsim_stop tmsim_arm_on(uint32_t cpu, uint32_t target, struct tmsim_timer *tt,
			     const char *name, uint64_t expires, bool pinned);
/* Cancel it on `cpu` (timer_del); the oracle then expects no run. */
enum tmsim_stop tmsim_cancel(uint32_t cpu, struct tmsim_timer *tt);
/*
 * Re-arm it from `cpu` for `expires` (timer_mod: it moves to cpu's base);
 * the oracle then expects one run for the new expiry, judged from now
 * (a pending timer re-armed for its own expiry stays as it was).
 */
enum tmsim_stop tmsim_mod(uint32_t cpu, struct tmsim_timer *tt, uint64_t expires);
/* Jiffy the wheel's bucket runs it at (design §1.3), from its arming jiffy. */
uint64_t tmsim_bucket_expiry(const struct tmsim_timer *tt);
/* That jiffy in ns: the value a CPU exports for it to the hierarchy. */
uint64_t tmsim_event_ns(const struct tmsim_timer *tt);
/* Has it already run correctly?  (once, not early, not late); prints why not. */
bool tmsim_timer_ok(const struct tmsim_timer *tt);
/* Every armed timer whose latest allowed jiffy has passed ran correctly. */
bool tmsim_check_timers(void);

/* ---- invariants, failures, trace ---- */

/* tmigr_check_quiescent(); a violation is recorded as a failure with the trace. */
bool tmsim_check_quiescent(void);
/* Record a failure (the first message is kept) and print the trace. */
void tmsim_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool tmsim_failed(void);
const char *tmsim_failure(void);
void tmsim_print_trace(void);
/* Free-form note in the trace ("CPU1 wakes", ...). */
void tmsim_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- seeded random interleavings (PCT-style priorities) ---- */

struct tmsim_task {
	uint32_t cpu;
	tmsim_fn fn;
	void *arg;
};

/*
 * Run the tasks (distinct vCPUs, none busy) concurrently, switching at
 * yield points: the runnable vCPU with the highest priority runs; at
 * `depth` random points the running one drops to the lowest priority; a
 * spinning vCPU yields to the others.  Deterministic for a given seed.
 * False on a deadlock or a failure (seed and trace printed).
 */
bool tmsim_run_random(const struct tmsim_task *tasks, uint32_t n, uint64_t seed,
		      uint32_t depth);

#ifdef fail_msg
/*
 * cmocka glue.  tmsim_test_filter(): call in main() before running the
 * tests, so that TMSIM_TEST=<test name> runs that test only (what
 * tests/host/run-mutants.sh does).  The program's other tests are not
 * dropped silently: cmocka_run_group_tests() is redefined here to replace
 * each of them by a call of skip(), so cmocka reports them skipped and the
 * runners count them (tests/run-host-tests.sh).  TMSIM_ASSERT*: fail the
 * test with the recorded failure (the trace is already printed).
 */
static inline const char **tmsim_only_test(void)
{
	static const char *name;	/* NULL: every test runs */

	return &name;
}

static inline void tmsim_test_filter(void)
{
	const char *f = getenv("TMSIM_TEST");

	*tmsim_only_test() = f && *f ? f : NULL;
}

static inline void tmsim_skipped_test(void **state)
{
	(void)state;
	skip();		/* filtered out by TMSIM_TEST */
}

static inline int tmsim_run_group_tests(const char *group, const struct CMUnitTest *tests,
					size_t n, CMFixtureFunction setup,
					CMFixtureFunction teardown)
{
	const char *only = *tmsim_only_test();
	struct CMUnitTest *run;
	int rc;

	if (!only)
		return _cmocka_run_group_tests(group, tests, n, setup, teardown);
	run = calloc(n, sizeof(*run));
	if (!run)
		return 1;
	for (size_t i = 0; i < n; i++) {
		run[i] = tests[i];
		if (strcmp(tests[i].name, only) != 0) {
			run[i].test_func = tmsim_skipped_test;
			run[i].setup_func = NULL;
			run[i].teardown_func = NULL;
		}
	}
	rc = _cmocka_run_group_tests(group, run, n, setup, teardown);
	free(run);
	return rc;
}

#undef cmocka_run_group_tests
#define cmocka_run_group_tests(group_tests, group_setup, group_teardown)	\
	tmsim_run_group_tests(#group_tests, (group_tests),			\
			      sizeof(group_tests) / sizeof((group_tests)[0]),	\
			      (group_setup), (group_teardown))

#define TMSIM_ASSERT(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			tmsim_failf(__VA_ARGS__);			\
			fail_msg("%s", tmsim_failure());		\
		}							\
	} while (0)
#define TMSIM_ASSERT_OK()						\
	do {								\
		if (tmsim_failed())					\
			fail_msg("%s", tmsim_failure());		\
	} while (0)
#endif

#endif
