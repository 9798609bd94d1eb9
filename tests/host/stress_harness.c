// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stress_harness: the harness test_tmigr_stress.c and
 * test_tmigr_hotplug_stress.c share (interface: stress_harness.h).
 * Free-running pthreads play CPUs that go idle and wake at random, arm,
 * modify and cancel global, pinned and remote timers, expire each other's
 * global timers through the hierarchy, and are stopped every so often at
 * a barrier so that the invariants of design §5.2 can be checked on a
 * still tree.
 *
 * Clock: a shared virtual clock paced by the CPUs, not the real one.  The
 * clock moves one jiffy when every CPU has done that jiffy's work: an
 * active CPU its tick and then its actions, an idle one the check of its
 * programmed deadline and of kicks (and the interrupt if either is due).
 * On a real machine a CPU takes its tick or its one-shot interrupt within
 * the jiffy it is due; a pthread on a 2-core host with 512 runnable
 * threads can be off the CPU for tens of milliseconds, so against
 * CLOCK_MONOTONIC the only lateness bound we could state would be
 * "eventually".  The pacing gives back the kernel's promise and with it a
 * tight oracle, and costs no concurrency inside a jiffy: every thread runs
 * its tick, walks and timer calls at the same time as the others, with no
 * turns.  The pacing counters are relaxed atomics, so ThreadSanitizer gets
 * no happens-before edge from them and judges the kernel code on its own
 * synchronisation.  (Relaxed is enough for counting on x86-64, the only
 * host this runs on; a thread also waits until the clock it reads has
 * reached its epoch.)  Actions come before the check-in, never after: a
 * CPU that acted after the clock moved would be a CPU that ignores its
 * tick interrupt, which the kernel never is for longer than a walk.
 *
 *   per CPU thread, per epoch (= jiffy J, clock = J * tick):
 *
 *     active:  tick: timer_run_cpu(); tmigr_requires_remote()? handle_remote
 *              then 0..2 random actions: go idle, or arm / modify / cancel
 *              one of its timers (global one-shot, global periodic,
 *              pinned, pinned on a random other CPU with timer_add_on),
 *              with a delay on the wheel's level 0 (1..50 jiffies), 1
 *              (80..480) or 2 (530..1000): see random_delay()
 *     idle:    while ticking, or deadline <= now, or a kick arrived:
 *                  interrupt (as above), then idle re-evaluation
 *                  (timer_next_event(true), as kernel/idle.c does)
 *              sometimes work arrives: leave idle (timer_idle_exit()),
 *                  then the tick, as an active CPU
 *     check in (the last one to check in moves the clock and wakes all)
 *     wait (futex) for the next epoch
 *
 * How active the machine is cycles through four phases of 200 jiffies
 * (nearly all idle, mostly idle, half, busy), so the root goes idle and the
 * last CPU's wake-up for everyone is exercised as much as hand-overs
 * between many active migrators.
 *
 * Oracle, per timer: a FIFO of the expiries whose callback is owed, kept
 * under the timer's mutex together with the wheel call that changes it
 * (add pushes; a mod that found the timer pending replaces the last entry,
 * otherwise pushes; a del that found it pending drops the last entry;
 * an entry left while the timer is not pending is a callback in flight).
 * An entry is the jiffy B the wheel's rule makes the timer due at: its
 * bucket expiry, the next granule boundary strictly after expires at the
 * level its delay selects (kernel/timer.c §1.3; expires + 1 on level 0).
 * Each delay range lies well inside its level's range, so the level does
 * not depend on how far the base's clk lags behind the jiffy of arming
 * (a lag means a late timer, which the oracle reports anyway).  The
 * callback pops the oldest entry:
 *   - none to pop: a spurious or double expiry;
 *   - now < B: early (the wheel never runs a timer before its bucket);
 *   - now > B + SLACK: late.  Whoever holds the duty when B starts
 *     (the active owner; the idle owner, whose deadline is B; the migrator
 *     of the first active group above an idle owner; the idle root's
 *     wake-up holder, whose deadline is <= B) handles it in B.  The duty
 *     moves during B only when the holder goes idle, which it does after
 *     its tick, or when a CPU leaving idle activates the group that holds
 *     the event, and such a CPU ticks right after it leaves idle (work
 *     came with the jiffy's interrupt).  An export is never due within a
 *     jiffy (those keep the tick), and a timer armed remotely in J is due
 *     at J + 2 at the earliest while the kick is seen at J + 1.  So the
 *     model allows 0 jiffies, which is what the runs show; we assert the
 *     design's bound (§4.0: bucket expiry + 1, SLACK 1), which leaves room
 *     for a lockless tick-time read that is one jiffy stale (§3.1).
 * At each quiescent point: tmigr_check_quiescent() must find nothing, every
 * idle CPU's programmed deadline must be no later than its hierarchy
 * wake-up (design Q9), the hierarchy's idle flag must match the model's,
 * no entry may be overdue (lost), and no arch_bug() may have fired.  At
 * the end the armings stop, the timers due later than half the drain are
 * cancelled (at the quiescent point that starts it), the run drains, and
 * every FIFO must be empty: armed = fired + cancelled, each callback
 * exactly once.
 *
 * Bounded by work, not by the clock.  Each CPU count runs until it has
 * done a minimum of work -- MIN_JIFFIES (the four activity phases once,
 * and the jiffies wrap), MIN_ARMED armings, MIN_FIRED expiries and
 * MIN_CHECKS quiescent checks, and what the test's hooks add -- and for
 * at least the test's seconds (hooks->seconds_env); a loaded machine makes it run longer, never do less.  If the minimum is
 * not reached within WALL_CAP_S seconds the case FAILS and says which
 * minimum was missed.
 *
 * The oracle is known to bite: built with -DMUTANT_ID=R04, R06, R10, R11
 * or R12 (kernel/tmigr.c) a one-second run of test_tmigr_stress fails (Q9, late timers, the
 * livelock check).  Races with a window of a few instructions
 * are the deterministic tests' business, not this one's.
 *
 * Jiffies start 300 jiffies before the 64-bit wrap (as the kernel's
 * jiffies_wrap_ms does), so every run crosses it; the oracle compares
 * jiffies with signed differences.
 *
 * The test's seconds variable (TMIGR_STRESS_SECONDS, TMIGR_HOTPLUG_SECONDS)
 * is the least wall time of each thread count (the minimum of work comes
 * first); TMIGR_STRESS_SEED the seed
 * (runs are not reproducible anyway: the threads are free);
 * TMIGR_STRESS_CPUS=N runs only the N-CPU case (to loop on it): the others
 * report themselves skipped, and the runners count them.  Built with -DTMIGR_RING_TRACE,
 * a failure also writes every CPU's transition ring (with a global
 * sequence number, remote pops and skips, every queue update) to the
 * file TMIGR_STRESS_TRACE names: that is how R-28 was found.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "host_arch.h"
#include "host_support.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "lib/rand.h"
#include "stress_harness.h"

#ifdef __SANITIZE_THREAD__
/* A report must fail the run: the runner sees exit status 66. */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "halt_on_error=1 exitcode=66";
}
#endif

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

static const enum kind kinds[TIMERS_PER_CPU] = {
	K_GLOBAL, K_GLOBAL, K_PERIODIC, K_PINNED, K_PINNED, K_REMOTE,
};

static const char *const kind_names[] = {
	[K_GLOBAL] = "global", [K_PERIODIC] = "global periodic",
	[K_PINNED] = "pinned", [K_REMOTE] = "pinned remote",
};

struct stress_run run;
static const struct stress_hooks *hooks;	/* the running test's */

static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static bool failed;			/* under fail_lock; relaxed reads */
static char fail_why[512];		/* under fail_lock */
static uint32_t fail_cpus[2];		/* under fail_lock: rings to print */

void fail_note(uint32_t cpu_a, uint32_t cpu_b, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&fail_lock);
	if (!failed) {
		va_start(ap, fmt);
		vsnprintf(fail_why, sizeof(fail_why), fmt, ap);
		va_end(ap);
		fail_cpus[0] = cpu_a;
		fail_cpus[1] = cpu_b;
		__atomic_store_n(&failed, true, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&fail_lock);
}

bool has_failed(void)
{
	return __atomic_load_n(&failed, __ATOMIC_RELAXED);
}

static inline int64_t jdiff(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b);
}

/* ---- the pacing ---- */

/* Until *word != val; with hooks->wait_1ms, at most 1 ms (a mailbox post is seen). */
static void futex_wait(uint32_t *word, uint32_t val)
{
	struct timespec ts = { 0, 1000000 };

	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, hooks->wait_1ms ? &ts : NULL, NULL, 0);
}

void futex_wake_all(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static uint64_t epoch_ns(uint32_t e)
{
	return (START_J + e) * TICK_NS;
}

/* This CPU did the duty of its epoch; the last one moves the clock. */
static void check_in(void)
{
	uint64_t n = __atomic_add_fetch(&run.checkins, 1, __ATOMIC_RELAXED);

	if (n % run.ncpus)
		return;
	host_clock_advance_ns(TICK_NS);
	__atomic_store_n(&run.epoch, (uint32_t)(n / run.ncpus), __ATOMIC_RELAXED);
	futex_wake_all(&run.epoch);
}

/* ---- timers and the oracle ---- */

/*
 * The wheel's rule (kernel/timer.c §1.2, §1.3): a timer armed at jiffy
 * `now` for `expires` goes to the level whose range holds the delay
 * (LVL_START(1) = 63, LVL_START(2) = 504) and is due at that level's next
 * granule boundary strictly after expires.  Wrap-safe: 64 * 8^8 divides
 * 2^64.
 */
static uint64_t bucket_expiry(uint64_t expires, uint64_t now)
{
	uint64_t d = expires - now;
	unsigned shift = d < 63 ? 0 : d < 504 ? 3 : 6;

	return ((expires >> shift) + 1) << shift;
}

static void fifo_push(struct stress_timer *st, uint64_t due, uint64_t expires)
{
	if (st->n == FIFO_CAP) {
		fail_note(st->owner, st->owner, "oracle: %u armings of CPU %u's timer %u owed at once",
			  st->n + 1, st->owner, st->slot);
		return;
	}
	st->armed_exp[st->n] = expires;
	st->expect[st->n++] = due;
	bump(&run.tot.armed);
}

static void stress_fn(struct timer *t)
{
	struct stress_timer *st = container_of(t, struct stress_timer, t);
	uint64_t now = timer_jiffies();
	uint32_t me = arch_cpu_id();

	pthread_mutex_lock(&st->lock);
	if (st->n == 0) {
		fail_note(st->owner, me, "timer %u of CPU %u (%s) ran on CPU %u at jiffy %llu with no arming owed",
			  st->slot, st->owner, kind_names[st->kind], me,
			  (unsigned long long)now);
	} else {
		uint64_t due = st->expect[0], exp0 = st->armed_exp[0];
		int64_t late = jdiff(now, due);

		memmove(st->expect, st->expect + 1, (st->n - 1) * sizeof(st->expect[0]));
		memmove(st->armed_exp, st->armed_exp + 1, (st->n - 1) * sizeof(st->armed_exp[0]));
		st->n--;
		bump(&run.tot.fired);
		if (hooks->early_from_expiry ? jdiff(now, exp0) < 1 : late < 0)
			fail_note(st->owner, me, "timer %u of CPU %u (%s) due in the bucket of jiffy %llu ran early at %llu (expiry %llu) on CPU %u",
				  st->slot, st->owner, kind_names[st->kind],
				  (unsigned long long)due, (unsigned long long)now,
				  (unsigned long long)exp0, me);
		else if (late > SLACK)
			fail_note(st->owner, me, "timer %u of CPU %u (%s) due in the bucket of jiffy %llu ran %lld jiffies late (bound %d) on CPU %u",
				  st->slot, st->owner, kind_names[st->kind],
				  (unsigned long long)due, (long long)late, SLACK, me);
		bump(&run.tot.late_hist[late < 0 ? 0 : late >= LATE_HIST ? LATE_HIST - 1 : late]);
	}
	if (st->kind == K_PERIODIC && st->periodic_on &&
	    !__atomic_load_n(&run.draining, __ATOMIC_RELAXED)) {
		/* re-armed from its callback: stays on the base that runs it */
		fifo_push(st, bucket_expiry(now + st->period, now), now + st->period);
		timer_add(t, now + st->period);
	} else if (st->kind == K_PERIODIC) {
		st->periodic_on = false;
	}
	pthread_mutex_unlock(&st->lock);
}

/* Arm or re-arm st at jiffy `now` for `expires`; the wheel call and the FIFO change under st->lock. */
static void st_arm(struct stress_timer *st, uint64_t expires, uint64_t now)
{
	uint64_t due = bucket_expiry(expires, now);

	pthread_mutex_lock(&st->lock);
	/* nobody else arms it, so "not pending" cannot change under us */
	if (!timer_pending(&st->t)) {
		if (st->n < FIFO_CAP) {
			fifo_push(st, due, expires);
			timer_add(&st->t, expires);
		}
	} else if (timer_mod(&st->t, expires)) {
		/*
		 * The pending arming moved, and is owed at the new bucket's
		 * expiry.  Not when the expiry is the one it already has:
		 * kernel/timer.c's arm() then leaves the timer where it is
		 * (a no-op), in the bucket of the arming that placed it, which
		 * may be a coarser level's than a fresh arming at this jiffy
		 * would pick (the delay has shrunk since); its bound stays.
		 * Taking the re-arm's finer bucket here reported a timer that
		 * ran on time as late.
		 */
		if (st->armed_exp[st->n - 1] != expires)
			st->expect[st->n - 1] = due;
		else if (jdiff(st->expect[st->n - 1], due) > SLACK)
			bump(&run.tot.same_exp_coarser);	/* the old rule's false "late" */
		st->armed_exp[st->n - 1] = expires;
		bump(&run.tot.armed);
		bump(&run.tot.cancelled);
	} else {
		fifo_push(st, due, expires);	/* it fired meanwhile: a new arming */
	}
	pthread_mutex_unlock(&st->lock);
}

static void st_cancel(struct stress_timer *st)
{
	pthread_mutex_lock(&st->lock);
	st->periodic_on = false;
	if (timer_del(&st->t)) {
		st->n--;
		bump(&run.tot.cancelled);
	}
	pthread_mutex_unlock(&st->lock);
}

void st_arm_on(struct stress_timer *st, uint64_t expires, uint64_t now, uint32_t cpu)
{
	pthread_mutex_lock(&st->lock);
	if (st->n == 0 && !timer_pending(&st->t)) {
		fifo_push(st, bucket_expiry(expires, now), expires);
		timer_add_on(&st->t, expires, cpu);
	}
	pthread_mutex_unlock(&st->lock);
}

static void st_start_periodic(struct stress_timer *st)
{
	uint64_t e = timer_jiffies() + st->period;

	pthread_mutex_lock(&st->lock);
	if (!st->periodic_on && st->n == 0 && !timer_pending(&st->t)) {
		st->periodic_on = true;
		fifo_push(st, bucket_expiry(e, e - st->period), e);
		timer_add(&st->t, e);
	}
	pthread_mutex_unlock(&st->lock);
}

/* ---- what a CPU does ---- */

/* The timer interrupt, as kernel/tick.c handles it. */
void stress_interrupt(void)
{
	unsigned long irq = arch_irq_save();

	timer_run_cpu();
	if (tmigr_requires_remote())
		tmigr_handle_remote();
	arch_irq_restore(irq);
}

/* One idle decision, as kernel/idle.c's idle_step() makes it. */
void idle_enter(struct vcpu *v)
{
	struct timer_next nx;
	uint64_t next;

	v->kicks_seen = host_kicks(v->id);	/* a kick from now on wakes us */
	next = timer_next_event(true, &nx);
	if (nx.within_tick) {
		v->ticking = true;
	} else {
		v->ticking = false;
		v->nohz = true;
		v->deadline = next;
	}
	if (v->active)
		v->idle_entries++;
	v->active = false;
}

void leave_idle(struct vcpu *v)
{
	if (v->nohz) {
		v->nohz = false;
		timer_idle_exit();
	}
	v->ticking = false;
	v->deadline = UINT64_MAX;
	v->active = true;
}

static uint32_t phase(uint32_t e)
{
	return (e / PHASE_J) % 4;
}

/* Per phase: % of actions that are "go idle"; per mille of idle jiffies that bring work. */
static const unsigned idle_pct[4] = { 60, 30, 10, 3 };
static const unsigned work_permille[4] = { 1, 20, 100, 400 };

static void epoch_duty(struct vcpu *v, uint32_t e)
{
	uint64_t now = arch_now_ns();

	if (v->active) {
		stress_interrupt();
		return;
	}
	for (uint32_t loops = 0;; loops++) {
		uint32_t kicks = host_kicks(v->id);

		if (!v->ticking && v->deadline > now && kicks == v->kicks_seen)
			break;
		if (loops == MAX_WAKE_LOOPS) {
			fail_note(v->id, v->id, "livelock: idle CPU %u woke %u times in jiffy %u (deadline %llu, now %llu)",
				  v->id, loops, e, (unsigned long long)v->deadline,
				  (unsigned long long)now);
			break;
		}
		v->wakeups++;
		stress_interrupt();
		idle_enter(v);
		if (v->ticking)
			break;		/* the tick wakes it again next jiffy */
	}
	if (rand_next(&v->rng) % 1000 < work_permille[phase(e)]) {
		/* work came with this jiffy's interrupt: the tick runs first */
		leave_idle(v);
		stress_interrupt();
	}
}

/*
 * A delay on one of the wheel's first three levels (kernel/timer.c §1.2:
 * level 0 holds 0..62 jiffies, 1 holds 63..503, 2 holds 504..4031), each
 * range at least 13 jiffies inside its level's (see bucket_expiry()).
 */
static uint64_t random_delay(struct vcpu *v)
{
	unsigned r = (unsigned)rand_range(&v->rng, 0, 99);
	unsigned lvl = r < 65 ? 0 : r < 93 ? 1 : 2;

	bump(&run.tot.delays[lvl]);
	if (lvl == 0)
		return rand_range(&v->rng, 1, 50);
	if (lvl == 1)
		return rand_range(&v->rng, 80, 480);
	return rand_range(&v->rng, 530, 1000);
}

static void random_action(struct vcpu *v, uint32_t e)
{
	struct stress_timer *st;
	uint64_t now;

	if (rand_pct(&v->rng, idle_pct[phase(e)])) {
		idle_enter(v);
		return;
	}
	st = &v->timers[rand_range(&v->rng, 0, TIMERS_PER_CPU - 1)];
	now = timer_jiffies();
	switch (st->kind) {
	case K_GLOBAL:
	case K_PINNED:
		if (rand_pct(&v->rng, 25))
			st_cancel(st);
		else
			st_arm(st, now + random_delay(v), now);
		break;
	case K_PERIODIC:
		if (rand_pct(&v->rng, 30))
			st_cancel(st);
		else
			st_start_periodic(st);
		break;
	case K_REMOTE:
		if (rand_pct(&v->rng, 25))
			st_cancel(st);
		else
			(hooks->arm_remote ? hooks->arm_remote : st_arm_on)
				(st, now + random_delay(v), now,
				 (uint32_t)rand_range(&v->rng, 0, run.ncpus - 1));
		break;
	}
}

/* ---- quiescent points ---- */

#ifdef TMIGR_RING_TRACE
void tmigr_ring_foreach(void (*fn)(uint32_t cpu, uint64_t seq, uint64_t ns, const char *what,
				   uint32_t obj, uint64_t a, uint64_t b));
static FILE *trace_file;

static void trace_line(uint32_t cpu, uint64_t seq, uint64_t ns, const char *what,
		       uint32_t obj, uint64_t a, uint64_t b)
{
	fprintf(trace_file, "%llu %llu cpu %u %s %u %#llx %#llx\n", (unsigned long long)seq,
		(unsigned long long)ns, cpu, what, obj, (unsigned long long)a,
		(unsigned long long)b);
}

static void write_trace(void)
{
	const char *path = getenv("TMIGR_STRESS_TRACE");

	if (!path || !(trace_file = fopen(path, "w")))
		return;
	tmigr_ring_foreach(trace_line);
	fclose(trace_file);
}
#else
static void write_trace(void)
{
}
#endif

static void print_failure_context(void)
{
	uint32_t a, b;

	pthread_mutex_lock(&fail_lock);
	a = fail_cpus[0];
	b = fail_cpus[1];
	pthread_mutex_unlock(&fail_lock);
	write_trace();
	host_log_reset();
	if (a < run.ncpus)
		tmigr_print_ring(a);
	if (b < run.ncpus && b != a)
		tmigr_print_ring(b);
	tmigr_dump(false);
	printf("%s", host_log());
}

/*
 * Serial thread, all others parked at the barrier, so no callback is in
 * flight: a timer owes an arming exactly when it is pending.  Those due
 * after half the drain are cancelled, so the drain stays short although
 * delays reach level 2.
 */
static void cancel_far_timers(uint64_t now_j)
{
	for (uint32_t c = 0; c < run.ncpus; c++) {
		for (uint32_t i = 0; i < TIMERS_PER_CPU; i++) {
			struct stress_timer *st = &run.cpus[c].timers[i];

			pthread_mutex_lock(&st->lock);
			if (st->n && jdiff(st->expect[st->n - 1], now_j + DRAIN_J / 2) > 0 &&
			    timer_del(&st->t)) {
				st->n--;
				bump(&run.tot.cancelled);
				bump(&run.tot.far_cancelled);
			}
			pthread_mutex_unlock(&st->lock);
		}
	}
}

/* Serial thread, all others parked at the barrier. */
static void quiescent_check(uint32_t e)
{
	uint64_t now_j = timer_jiffies();
	char why[256];

	bump(&run.tot.quiescent_checks);
	host_log_reset();
	if (tmigr_check_quiescent(why, sizeof(why), true)) {
		fail_note(run.ncpus, run.ncpus, "quiescent check at jiffy %u: %s", e, why);
		printf("%s", host_log());
	}
	for (uint32_t c = 0; c < run.ncpus && !has_failed(); c++) {
		struct vcpu *v = &run.cpus[c];
		uint64_t wk = tmigr_cpu_wakeup(c);
		uint64_t dl = v->ticking ? epoch_ns(e) : v->deadline;

		if (hooks->in_tree && !hooks->in_tree(v))
			;	/* not in the tree (parked, absent): no deadline */
		else if (tmigr_cpu_idle(c) != v->nohz)
			fail_note(c, c, "CPU %u: hierarchy idle %d, but the CPU %s", c,
				  tmigr_cpu_idle(c), v->nohz ? "stopped its tick" : "did not stop its tick");
		else if (v->nohz && dl > wk)
			fail_note(c, c, "Q9: idle CPU %u sleeps until %llu, past its hierarchy wake-up %llu",
				  c, (unsigned long long)dl, (unsigned long long)wk);
		for (uint32_t i = 0; i < TIMERS_PER_CPU; i++) {
			struct stress_timer *st = &v->timers[i];

			pthread_mutex_lock(&st->lock);
			if (st->n && jdiff(now_j, st->expect[0] + SLACK) > 0)
				fail_note(c, c, "lost: timer %u of CPU %u (%s) due in the bucket of jiffy %llu has not run at %llu (pending %d)",
					  i, c, kind_names[st->kind],
					  (unsigned long long)st->expect[0],
					  (unsigned long long)now_j, timer_pending(&st->t));
			pthread_mutex_unlock(&st->lock);
		}
	}
	if (host_bug_count())
		fail_note(run.ncpus, run.ncpus, "arch_bug: %s", host_last_bug());
	if (has_failed()) {
		print_failure_context();
		run.stop = true;
		return;
	}
	if (!run.drain_from && __atomic_load_n(&run.drain_req, __ATOMIC_RELAXED)) {
		run.drain_from = e;
		__atomic_store_n(&run.draining, true, __ATOMIC_RELAXED);
		cancel_far_timers(now_j);
	}
	if (run.drain_from && e - run.drain_from >= DRAIN_J)
		run.stop = true;
}

/* Park at the barrier; the serial thread checks.  True: the run is over. */
static bool quiesce(uint32_t e)
{
	if (pthread_barrier_wait(&run.barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
		quiescent_check(e);
	pthread_barrier_wait(&run.barrier);
	return run.stop;
}


/* A CPU's thread: its jiffy's duty, then random actions, then check in. */
static void *vcpu_main(void *arg)
{
	struct vcpu *v = arg;

	host_set_cpu(v->id);
	for (;;) {
		uint32_t e = __atomic_load_n(&run.epoch, __ATOMIC_RELAXED);

		if (hooks->loop_top)
			hooks->loop_top(v);
		if (e == v->epoch) {
			futex_wait(&run.epoch, e);
			continue;
		}
		__atomic_store_n(&v->epoch, e, __ATOMIC_RELAXED);
		while (arch_now_ns() < epoch_ns(e))
			arch_cpu_relax();	/* relaxed pacing: the clock store may lag */
		if (e % QUIESCE_EVERY == 0 && quiesce(e)) {
			__atomic_fetch_add(&run.exited, 1, __ATOMIC_RELAXED);
			break;
		}
		if (hooks->jiffy_start && !hooks->jiffy_start(v)) {
			check_in();	/* no tick, no work */
			continue;
		}
		epoch_duty(v, e);
		if (hooks->after_duty)
			hooks->after_duty(v);
		if (v->active && !__atomic_load_n(&run.draining, __ATOMIC_RELAXED)) {
			for (uint32_t n = (uint32_t)rand_range(&v->rng, 0, 2); n && v->active; n--)
				random_action(v, e);
		}
		check_in();
	}
	return NULL;
}

/* ---- one run ---- */

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double stress_seconds(void)
{
	const char *s = getenv(hooks->seconds_env);
	double v = s ? strtod(s, NULL) : hooks->default_seconds;

	return v > 0 ? v : hooks->default_seconds;
}


/* The clock at epoch 0, then the test's boot of the hierarchy. */
static void boot(uint32_t ncpus)
{
	host_clock_use_real(false);
	host_clock_set_ns(epoch_ns(0));
	host_kicks_reset();
	host_bug_reset();
	hooks->boot(ncpus);
}

static void setup_cpus(uint32_t ncpus)
{
	memset(&run, 0, sizeof(run));
	run.ncpus = ncpus;
	run.seed = getenv("TMIGR_STRESS_SEED") ?
		strtoull(getenv("TMIGR_STRESS_SEED"), NULL, 0) : 1;
	run.cpus = aligned_alloc(64, sizeof(struct vcpu) * ncpus);
	assert_non_null(run.cpus);
	memset(run.cpus, 0, sizeof(struct vcpu) * ncpus);
	for (uint32_t c = 0; c < ncpus; c++) {
		struct vcpu *v = &run.cpus[c];

		v->id = c;
		v->active = true;
		if (hooks->setup_cpu)
			hooks->setup_cpu(v);
		v->deadline = UINT64_MAX;
		v->epoch = UINT32_MAX;	/* so epoch 0 is new */
		rand_seed(&v->rng, run.seed * 0x9e3779b97f4a7c15ull + c);
		host_set_cpu(c);
		for (uint32_t i = 0; i < TIMERS_PER_CPU; i++) {
			struct stress_timer *st = &v->timers[i];

			st->owner = c;
			st->slot = i;
			st->kind = kinds[i];
			st->period = (uint32_t)rand_range(&v->rng, 2, MAX_PERIOD);
			pthread_mutex_init(&st->lock, NULL);
			timer_setup(&st->t, stress_fn,
				    st->kind == K_PINNED ? TIMER_PINNED : 0);
		}
	}
	host_set_cpu(0);
	if (hooks->setup_done)
		hooks->setup_done();
	pthread_barrier_init(&run.barrier, NULL, ncpus);
	pthread_mutex_lock(&fail_lock);
	failed = false;
	fail_why[0] = '\0';
	pthread_mutex_unlock(&fail_lock);
}

static bool minimum_reached(void)
{
	return __atomic_load_n(&run.epoch, __ATOMIC_RELAXED) >= MIN_JIFFIES &&
	       __atomic_load_n(&run.tot.armed, __ATOMIC_RELAXED) >= MIN_ARMED &&
	       __atomic_load_n(&run.tot.fired, __ATOMIC_RELAXED) >= MIN_FIRED &&
	       __atomic_load_n(&run.tot.quiescent_checks, __ATOMIC_RELAXED) >= MIN_CHECKS &&
	       (!hooks->minimum_reached || hooks->minimum_reached());
}

/*
 * Main thread: once the minimum of work is done and `secs` have passed
 * (or at a failure, or at the wall-clock cap) ask for the drain; dump if
 * stuck.  Returns whether the minimum was reached when the drain was asked.
 */
static bool supervise(double secs)
{
	double start = wall_s(), last_move = start;
	uint32_t last = 0;
	bool asked = false, reached = false;

	for (;;) {
		uint32_t e = __atomic_load_n(&run.epoch, __ATOMIC_RELAXED);
		double now = wall_s();

		if (__atomic_load_n(&run.exited, __ATOMIC_RELAXED) == run.ncpus)
			break;
		if (!asked && (has_failed() || now - start >= WALL_CAP_S ||
			       (now - start >= secs && minimum_reached()))) {
			reached = minimum_reached();
			asked = true;
			__atomic_store_n(&run.drain_req, true, __ATOMIC_RELAXED);
		}
		if (e != last) {
			last = e;
			last_move = now;
		} else if (now - last_move > WATCHDOG_S) {
			fprintf(stderr, "stress: no jiffy for %d s at epoch %u; CPUs not through it:",
				WATCHDOG_S, e);
			for (uint32_t c = 0; c < run.ncpus; c++)
				if (__atomic_load_n(&run.cpus[c].epoch, __ATOMIC_RELAXED) != e)
					fprintf(stderr, " %u", c);
			fprintf(stderr, "\n");
			abort();
		}
		usleep(20000);
	}
	for (uint32_t c = 0; c < run.ncpus; c++)
		pthread_join(run.cpus[c].thread, NULL);
	return reached;
}

void stress_run(uint32_t ncpus, const struct stress_hooks *h)
{
	struct tmigr_stats ts, sum = { 0 };
	pthread_attr_t attr;
	double t0, secs;
	bool enough;
	uint64_t idles = 0, wakes = 0, kicks = 0, owed = 0;
	char why[256];
	const char *only = getenv("TMIGR_STRESS_CPUS");

	if (only && strtoul(only, NULL, 0) != ncpus)
		skip();		/* one CPU count only, to loop on it */
	hooks = h;
	secs = stress_seconds();
	memset(&run, 0, sizeof(run));
	run.ncpus = ncpus;	/* the platform hooks may run during the boot's prepares */
	boot(ncpus);
	setup_cpus(ncpus);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	t0 = wall_s();
	for (uint32_t c = 0; c < ncpus; c++)
		assert_int_equal(pthread_create(&run.cpus[c].thread, &attr, vcpu_main,
						&run.cpus[c]), 0);
	pthread_attr_destroy(&attr);
	enough = supervise(secs);

	host_set_cpu(0);
	for (uint32_t c = 0; c < ncpus; c++) {
		struct vcpu *v = &run.cpus[c];

		tmigr_get_stats(c, &ts);
		sum.remote_cpus += ts.remote_cpus;
		sum.remote_fired += ts.remote_fired;
		sum.remote_walks += ts.remote_walks;
		idles += v->idle_entries;
		wakes += v->wakeups;
		kicks += host_kicks(c);
		for (uint32_t i = 0; i < TIMERS_PER_CPU; i++) {
			owed += v->timers[i].n;
			timer_del(&v->timers[i].t);
			pthread_mutex_destroy(&v->timers[i].lock);
		}
		if (hooks->cpu_done)
			hooks->cpu_done(v);
	}
	printf("stress: %u CPUs, %.2f s, %u jiffies (%.0f/s), %u quiescent checks; seed %llu\n",
	       ncpus, wall_s() - t0, run.epoch, run.epoch / (wall_s() - t0),
	       (unsigned)run.tot.quiescent_checks, (unsigned long long)run.seed);
	printf("stress:   timers armed %llu, fired %llu, cancelled %llu, owed at the end %llu;"
	       " fired remotely %llu (for %llu idle CPUs, %llu walks)\n",
	       (unsigned long long)run.tot.armed, (unsigned long long)run.tot.fired,
	       (unsigned long long)run.tot.cancelled, (unsigned long long)owed,
	       (unsigned long long)sum.remote_fired, (unsigned long long)sum.remote_cpus,
	       (unsigned long long)sum.remote_walks);
	printf("stress:   delays on wheel levels 0/1/2: %llu/%llu/%llu; cancelled at the drain (due after half of it) %llu\n",
	       (unsigned long long)run.tot.delays[0], (unsigned long long)run.tot.delays[1],
	       (unsigned long long)run.tot.delays[2], (unsigned long long)run.tot.far_cancelled);
	printf("stress:   re-armed to the expiry they had, kept in a bucket more than %d jiffies past a fresh arming's: %llu\n",
	       SLACK, (unsigned long long)run.tot.same_exp_coarser);
	if (hooks->report)
		hooks->report();
	printf("stress:   idle entries %llu, idle wake-ups %llu, kicks %llu; jiffies after the bucket expiry:",
	       (unsigned long long)idles, (unsigned long long)wakes, (unsigned long long)kicks);
	for (uint32_t i = 0; i < LATE_HIST; i++)
		printf(" %s%u:%llu", i == LATE_HIST - 1 ? ">=" : "", i,
		       (unsigned long long)run.tot.late_hist[i]);
	printf("\n");
	pthread_barrier_destroy(&run.barrier);
	free(run.cpus);

	if (has_failed())
		fail_msg("%s", fail_why);
	if (!enough)
		fail_msg("stress: %u CPUs did not reach the minimum of work within %d s (machine too loaded?): %u of %u jiffies, %llu of %u armings, %llu of %u expiries, %llu of %u quiescent checks",
			 ncpus, WALL_CAP_S, run.epoch, MIN_JIFFIES,
			 (unsigned long long)run.tot.armed, MIN_ARMED,
			 (unsigned long long)run.tot.fired, MIN_FIRED,
			 (unsigned long long)run.tot.quiescent_checks, MIN_CHECKS);
	assert_int_equal(owed, 0);
	assert_int_equal(run.tot.armed, run.tot.fired + run.tot.cancelled);
	assert_int_equal(tmigr_check_quiescent(why, sizeof(why), false), 0);
	assert_int_equal(host_bug_count(), 0);
	assert_true(sum.remote_fired > 0);	/* the hierarchy did pull timers */
}

