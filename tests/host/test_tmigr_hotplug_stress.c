// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/tmigr + kernel/timer under stress while CPUs park, unpark and are
 * hot-added (the park sequence of kernel/cpuhp.c, docs/cpus.md §7.5,
 * §7.7, §7.8), built plain and under ThreadSanitizer.
 *
 * The harness is test_tmigr_stress.c's (its theory comment explains the
 * paced virtual clock, the per-timer FIFO oracle and the quiescent
 * points); what this file adds is CPUs that come and go.  Each pthread
 * plays one CPU in one of three states: ABSENT (possible, never started:
 * not prepared in the hierarchy), ONLINE or PARKED.  CPU 0, the control
 * CPU, never parks; in a jiffy in which it is active and no operation is
 * in flight it may start one (about every 8th such jiffy), chosen at
 * random among those possible:
 *
 *   hot-add   CPU 0 calls tmigr_prepare(X) itself (active and available,
 *             as kernel/cpuhp.c's control CPU is): new groups, new levels
 *             and a new root when X needs them; then X's thread, in its
 *             next jiffy, runs tmigr_set_available(X) and goes online
 *   park      X's thread, in its next jiffy, does what cpuhp's park work
 *             does: leaves idle if it was (the work's wake-up), runs its
 *             tick, tmigr_clear_available(X) (the last active CPU with
 *             events pending makes another CPU active: force_active; CPU 0
 *             goes idle after half its requests, as cpuhp's control CPU
 *             sleeps until the answer, so that case comes up), then
 *             timer_migrate_cpu(X, 0), pinned timers too, and parks: it
 *             only checks in from then on, takes no tick, acts on nothing
 *   unpark    X's thread runs tmigr_set_available(X) and goes online,
 *             active (it comes back inside its park work)
 *
 * The request is a word of X's (`req`), written by CPU 0 and cleared by X
 * with release when done (CPU 0 loads it with acquire): one operation at
 * a time, as cpuhp's `busy`.  The hierarchy's platform hooks run a
 * function on another CPU's thread (call_on): force_active and run_on
 * post it in that CPU's mailbox and wait; the target runs it at the top
 * of its loop, after leaving idle (so it is active, as run_on requires).
 * The target cannot be stuck at a barrier meanwhile (the caller is inside
 * its own jiffy's duty, past this jiffy's barriers, and the clock cannot
 * move before the caller checks in), and it waits on the clock's futex
 * with a 1 ms timeout, so a post between its check and its wait is seen.
 *
 * Remote arming (timer_add_on) targets only an online CPU, and holds that
 * CPU's `hp_lock` for reading across the check and the add; a park holds
 * it for writing from its clear_available to its state change.  That is
 * the rule kernel/cpuhp.c states for its callers (nobody adds a timer on
 * a parked CPU) made exact for the harness: without it a remote add that
 * lands after the move would be a harness bug, not a kernel one.
 *
 * Oracle: as in the stress test, with one change: a timer moved by a park
 * goes into a bucket of the target's wheel that expires after its expiry
 * (kernel/timer.c, move_base) but may be earlier than the bucket it left,
 * so "early" is judged against the timer's expiry (it must run at
 * expires + 1 or later, the level-0 bucket), and "late" against the
 * bucket it was armed into plus SLACK, as before (a move never makes the
 * bucket later).  A timer_mod to the expiry the timer already has keeps
 * its bucket (kernel/timer.c, arm()), which may be a coarser level's than
 * an arming at the jiffy of the mod would get: the oracle keeps the old
 * bucket then (the stress test's oracle would call that late; it is rare
 * there, and this harness's 4-CPU case met it about once in 15 runs).  At each quiescent point: tmigr_check_quiescent() finds
 * nothing, every online idle CPU's deadline is no later than its
 * hierarchy wake-up (Q9) and its idle flag matches, no entry is overdue
 * (lost), no arch_bug().  At the end the operations stop, every parked
 * CPU is unparked and the run drains: every FIFO empty (each arming fired
 * exactly once or was cancelled), at least one hot-add, park and unpark
 * happened, and the tree grew by the levels the case expects, with one
 * root.
 *
 * Cases (fan-out 8): 4 CPUs from 2 (few CPUs: the parking CPU is often
 * the last active one, and force_active runs tens of times a run), 16
 * CPUs from 1 online (one level grows to two), 72 CPUs from 64 (two
 * levels grow to three: a new root over the old one), 64 CPUs from 8.
 * Built with -DMUTANT_ID=R03 (the last active CPU parks and nobody takes
 * its events over) the 4-CPU case fails, on Q9 or a late timer, in each
 * of the seeds 1-5 tried.  Each runs until a minimum of work (as the stress test,
 * plus MIN_OPS operations) and at least TMIGR_HOTPLUG_SECONDS (default
 * 0.5) of wall time; TMIGR_STRESS_SEED as the stress test's.
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
#include "kernel/tmigr_shape.h"
#include "lib/rand.h"

#define HZ			1000
#define TICK_NS			1000000ull
#define START_J			1000ull
#define WRAP_AFTER_J		300ull		/* jiffies wrap this long into the run */
#define MAX_PERIOD		20
#define SLACK			1		/* jiffies, see the theory comment */
#define QUIESCE_EVERY		64		/* jiffies between checks */
#define DRAIN_J			(2 * QUIESCE_EVERY)	/* > DRAIN_J / 2 + MAX_PERIOD + SLACK */
#define PHASE_J			200
#define MIN_JIFFIES		(4 * PHASE_J)	/* every phase once; > WRAP_AFTER_J */
#define MIN_CHECKS		(MIN_JIFFIES / QUIESCE_EVERY)
#define MIN_ARMED		4000
#define MIN_FIRED		2000
#define WALL_CAP_S		60		/* minimum of work not reached by then: fail */
#define TIMERS_PER_CPU		6
#define FIFO_CAP		4
#define MAX_WAKE_LOOPS		8		/* interrupts of one idle CPU in one jiffy */
#define WATCHDOG_S		60		/* no epoch for this long: dump and abort */
#define LATE_HIST		(SLACK + 3)

#define DEFAULT_SECONDS		0.5
#define OP_ONE_IN		8	/* CPU 0 starts an operation in 1 of this many jiffies */
#define MIN_OPS			24

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

enum hp_state { HP_ABSENT, HP_ONLINE, HP_PARKED };
enum hp_req { REQ_NONE, REQ_START, REQ_PARK, REQ_UNPARK };

enum kind { K_GLOBAL, K_PERIODIC, K_PINNED, K_REMOTE };

static const enum kind kinds[TIMERS_PER_CPU] = {
	K_GLOBAL, K_GLOBAL, K_PERIODIC, K_PINNED, K_PINNED, K_REMOTE,
};

static const char *const kind_names[] = {
	[K_GLOBAL] = "global", [K_PERIODIC] = "global periodic",
	[K_PINNED] = "pinned", [K_REMOTE] = "pinned remote",
};

struct stress_timer {
	struct timer t;
	pthread_mutex_t lock;
	uint32_t owner, slot;		/* set before the threads start */
	enum kind kind;
	uint32_t period;		/* jiffies, K_PERIODIC */
	bool periodic_on;		/* under lock */
	uint32_t n;			/* under lock: entries in expect[] */
	uint64_t expect[FIFO_CAP];	/* under lock: owed bucket expiries B, oldest first */
	uint64_t armed_exp[FIFO_CAP];	/* under lock: the expiry each entry was armed for */
};

/* One simulated CPU; everything but `epoch` is touched by its thread only. */
struct vcpu {
	uint32_t id;
	struct rand_state rng;
	bool active;			/* running work: ticks every jiffy */
	bool nohz;			/* went idle with the tick stopped (idle.c) */
	bool ticking;			/* idle, but an event is due within a jiffy */
	uint64_t deadline;		/* programmed one-shot, ns; UINT64_MAX none */
	uint32_t kicks_seen;
	uint32_t epoch;			/* relaxed: read by the watchdog */
	uint32_t state;			/* enum hp_state; written by this thread (and CPU 0 at a hot-add's start, under req); relaxed */
	uint32_t req;			/* enum hp_req; CPU 0 sets it, this CPU clears it (release) */
	void (*call_fn)(void *arg);	/* mailbox: run this here; see call_on() */
	void *call_arg;
	uint32_t call_posted;		/* release by the poster, acquire here */
	uint32_t call_done;		/* release here, acquire by the poster */
	pthread_rwlock_t hp_lock;	/* remote adds (read) against the park (write) */
	uint64_t idle_entries, wakeups;
	struct stress_timer timers[TIMERS_PER_CPU];
	pthread_t thread;
} __attribute__((aligned(64)));

struct totals {
	uint64_t armed, fired, cancelled;	/* relaxed atomics */
	uint64_t late_hist[LATE_HIST];		/* relaxed: fired at B + i */
	uint64_t far_cancelled;			/* at the drain: due after half of it */
	uint64_t delays[3];			/* relaxed: random delays per wheel level */
	uint64_t quiescent_checks;		/* relaxed: read by the main thread */
	uint64_t hotadds, parks, unparks;	/* relaxed */
	uint64_t forced, run_ons;		/* relaxed: platform hooks called */
	uint64_t moved;				/* relaxed: timers moved by parks */
};

static struct {
	uint32_t ncpus;
	struct vcpu *cpus;
	uint32_t epoch;			/* futex word; relaxed */
	uint64_t checkins;		/* relaxed */
	pthread_barrier_t barrier;
	bool drain_req;			/* relaxed: set by the main thread */
	uint32_t drain_from;		/* serial thread at a barrier; 0 none */
	bool draining;			/* relaxed: read by callbacks */
	bool stop;			/* written between the two barriers */
	uint32_t exited;		/* relaxed: threads out of their loop */
	struct totals tot;
	uint64_t seed;
	uint32_t online0;		/* CPUs online at the start */
	uint32_t levels0;		/* hierarchy levels at the start */
	uint32_t op_cpu;		/* CPU 0 only: target of the operation in flight, or ncpus */
} run;

static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static bool failed;			/* under fail_lock; relaxed reads */
static char fail_why[512];		/* under fail_lock */
static uint32_t fail_cpus[2];		/* under fail_lock: rings to print */

static void fail_note(uint32_t cpu_a, uint32_t cpu_b, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail_note(uint32_t cpu_a, uint32_t cpu_b, const char *fmt, ...)
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

static bool has_failed(void)
{
	return __atomic_load_n(&failed, __ATOMIC_RELAXED);
}

static inline void bump(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static inline int64_t jdiff(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b);
}

/* ---- the pacing ---- */


static void futex_wake_all(uint32_t *word)
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

static void fifo_push(struct stress_timer *st, uint64_t expires, uint64_t exp)
{
	if (st->n == FIFO_CAP) {
		fail_note(st->owner, st->owner, "oracle: %u armings of CPU %u's timer %u owed at once",
			  st->n + 1, st->owner, st->slot);
		return;
	}
	st->armed_exp[st->n] = exp;
	st->expect[st->n++] = expires;
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
		uint64_t due = st->expect[0];
		int64_t late = jdiff(now, due);

		uint64_t exp0 = st->armed_exp[0];

		memmove(st->expect, st->expect + 1, (st->n - 1) * sizeof(st->expect[0]));
		memmove(st->armed_exp, st->armed_exp + 1, (st->n - 1) * sizeof(st->armed_exp[0]));
		st->n--;
		bump(&run.tot.fired);
		if (jdiff(now, exp0) < 1)
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
		 * the pending arming moved; to the same expiry it stays in its
		 * bucket (kernel/timer.c, arm()), which may be a coarser level's
		 * than a fresh arming at this jiffy would get
		 */
		if (st->armed_exp[st->n - 1] != expires)
			st->expect[st->n - 1] = due;
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

static void st_arm_on(struct stress_timer *st, uint64_t expires, uint64_t now, uint32_t cpu)
{
	pthread_mutex_lock(&st->lock);
	if (st->n == 0 && !timer_pending(&st->t)) {
		fifo_push(st, bucket_expiry(expires, now), expires);
		timer_add_on(&st->t, expires, cpu);
	}
	pthread_mutex_unlock(&st->lock);
}

/* Remote arming on an online CPU only; see hp_lock in the theory comment. */
static void arm_remote(struct stress_timer *st, uint64_t expires, uint64_t now, uint32_t cpu)
{
	struct vcpu *t = &run.cpus[cpu];

	/* try only: the parking CPU may wait for us (force_active) while it holds the lock */
	if (pthread_rwlock_tryrdlock(&t->hp_lock))
		return;
	if (__atomic_load_n(&t->state, __ATOMIC_RELAXED) == HP_ONLINE)
		st_arm_on(st, expires, now, cpu);
	pthread_rwlock_unlock(&t->hp_lock);
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
static void interrupt(void)
{
	unsigned long irq = arch_irq_save();

	timer_run_cpu();
	if (tmigr_requires_remote())
		tmigr_handle_remote();
	arch_irq_restore(irq);
}

/* One idle decision, as kernel/idle.c's idle_step() makes it. */
static void idle_enter(struct vcpu *v)
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

static void leave_idle(struct vcpu *v)
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
		interrupt();
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
		interrupt();
		idle_enter(v);
		if (v->ticking)
			break;		/* the tick wakes it again next jiffy */
	}
	if (rand_next(&v->rng) % 1000 < work_permille[phase(e)]) {
		/* work came with this jiffy's interrupt: the tick runs first */
		leave_idle(v);
		interrupt();
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
			arm_remote(st, now + random_delay(v), now,
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

		if (__atomic_load_n(&v->state, __ATOMIC_RELAXED) != HP_ONLINE)
			;	/* parked or absent: not in the tree, no deadline */
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

/* ---- CPUs that come and go ---- */

static uint32_t hp_state(const struct vcpu *v)
{
	return __atomic_load_n(&v->state, __ATOMIC_RELAXED);
}

/* This CPU's thread: run what another CPU posted, active (leave idle first). */
static void serve_mailbox(struct vcpu *v)
{
	/* acquire: pairs with the release in call_on(); fn and arg are set */
	if (!__atomic_load_n(&v->call_posted, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&v->call_posted, 0, __ATOMIC_RELAXED);
	if (hp_state(v) == HP_ONLINE) {
		if (!v->active)
			leave_idle(v);
		if (v->call_fn)
			v->call_fn(v->call_arg);
	} else {
		fail_note(v->id, v->id, "a platform hook picked CPU %u, which is not online", v->id);
	}
	/* release: pairs with the acquire in call_on(); what fn did is seen */
	__atomic_store_n(&v->call_done, 1, __ATOMIC_RELEASE);
}

/* Run fn(arg) on `cpu`'s thread, active, and wait for it (see the theory comment). */
static void call_on(uint32_t cpu, void (*fn)(void *arg), void *arg)
{
	struct vcpu *t = &run.cpus[cpu];

	if (cpu == arch_cpu_id()) {
		if (fn)
			fn(arg);
		return;
	}
	t->call_fn = fn;
	t->call_arg = arg;
	__atomic_store_n(&t->call_done, 0, __ATOMIC_RELAXED);
	/* release: pairs with the acquire in serve_mailbox() */
	__atomic_store_n(&t->call_posted, 1, __ATOMIC_RELEASE);
	futex_wake_all(&run.epoch);
	/* acquire: pairs with the release in serve_mailbox() */
	while (!__atomic_load_n(&t->call_done, __ATOMIC_ACQUIRE) && !has_failed())
		sched_yield();
}

static void plat_force_active(uint32_t cpu)
{
	bump(&run.tot.forced);
	call_on(cpu, NULL, NULL);
}

static void plat_run_on(uint32_t cpu, void (*fn)(void *arg), void *arg)
{
	bump(&run.tot.run_ons);
	call_on(cpu, fn, arg);
}

static const struct tmigr_platform plat = {
	.force_active = plat_force_active,
	.run_on = plat_run_on,
};

static void req_done(struct vcpu *v)
{
	/* release: pairs with the acquire in control(); the operation is complete */
	__atomic_store_n(&v->req, REQ_NONE, __ATOMIC_RELEASE);
}

/* cpuhp's park work, on this CPU's thread. */
static void park_self(struct vcpu *v)
{
	unsigned long irq;

	if (!v->active) {
		leave_idle(v);	/* the park work woke it */
		interrupt();
	}
	pthread_rwlock_wrlock(&v->hp_lock);
	tmigr_clear_available(v->id);
	irq = arch_irq_save();
	__atomic_fetch_add(&run.tot.moved, timer_migrate_cpu(v->id, 0), __ATOMIC_RELAXED);
	arch_irq_restore(irq);
	v->active = false;
	v->nohz = false;
	v->ticking = false;
	v->deadline = UINT64_MAX;
	__atomic_store_n(&v->state, HP_PARKED, __ATOMIC_RELAXED);
	pthread_rwlock_unlock(&v->hp_lock);
	bump(&run.tot.parks);
}

/* A hot-added CPU's first online, or an unpark: it joins, active. */
static void come_online(struct vcpu *v)
{
	timer_cpu_online(v->id);	/* kernel/cpuhp.c's park_fn(), after the park loop */
	tmigr_set_available(v->id);
	v->active = true;
	v->nohz = false;
	v->ticking = false;
	v->deadline = UINT64_MAX;
	__atomic_store_n(&v->state, HP_ONLINE, __ATOMIC_RELAXED);
}

/* This CPU's request, in its jiffy. */
static void serve_request(struct vcpu *v)
{
	/* acquire: pairs with the release in control(); the prepare is done */
	uint32_t req = __atomic_load_n(&v->req, __ATOMIC_ACQUIRE);

	if (req == REQ_NONE)
		return;
	if (req == REQ_PARK && hp_state(v) == HP_ONLINE) {
		park_self(v);
	} else if (req == REQ_START && hp_state(v) == HP_ABSENT) {
		come_online(v);
		bump(&run.tot.hotadds);
	} else if (req == REQ_UNPARK && hp_state(v) == HP_PARKED) {
		come_online(v);
		bump(&run.tot.unparks);
	} else {
		fail_note(v->id, v->id, "CPU %u: request %u in state %u", v->id, req, hp_state(v));
	}
	req_done(v);
}

/* A random CPU (not 0) in `state`, or ncpus. */
static uint32_t pick(struct vcpu *v, uint32_t state)
{
	uint32_t start = (uint32_t)rand_range(&v->rng, 1, run.ncpus - 1);

	for (uint32_t i = 0; i < run.ncpus - 1; i++) {
		uint32_t c = 1 + (start - 1 + i) % (run.ncpus - 1);

		if (hp_state(&run.cpus[c]) == state)
			return c;
	}
	return run.ncpus;
}

/* CPU 0, active, in its jiffy: maybe start an operation. */
static void control(struct vcpu *v)
{
	uint32_t cand[3], reqs[3], n = 0, k;

	if (run.op_cpu < run.ncpus) {
		/* acquire: pairs with the release in req_done() */
		if (__atomic_load_n(&run.cpus[run.op_cpu].req, __ATOMIC_ACQUIRE) != REQ_NONE)
			return;
		run.op_cpu = run.ncpus;
	}
	if (!v->active || rand_range(&v->rng, 0, OP_ONE_IN - 1))
		return;
	if ((cand[n] = pick(v, HP_ABSENT)) < run.ncpus)
		reqs[n++] = REQ_START;
	if ((cand[n] = pick(v, HP_ONLINE)) < run.ncpus)
		reqs[n++] = REQ_PARK;
	if ((cand[n] = pick(v, HP_PARKED)) < run.ncpus)
		reqs[n++] = REQ_UNPARK;
	if (!n)
		return;
	k = (uint32_t)rand_range(&v->rng, 0, n - 1);
	if (reqs[k] == REQ_START && tmigr_prepare(cand[k], 0)) {
		fail_note(cand[k], 0, "tmigr_prepare(%u) failed", cand[k]);
		return;
	}
	run.op_cpu = cand[k];
	/* release: pairs with the acquire in serve_request(); the prepare is seen */
	__atomic_store_n(&run.cpus[cand[k]].req, reqs[k], __ATOMIC_RELEASE);
	/*
	 * cpuhp's control CPU sleeps until the answer: idle now after a park
	 * request (half the time after the others), so that the parking CPU
	 * is often the last active one (force_active)
	 */
	if (reqs[k] == REQ_PARK || rand_pct(&v->rng, 50))
		idle_enter(v);
}

/* CPU 0 at the drain: every parked CPU comes back (one request each, in turn). */
static void control_drain(void)
{
	uint32_t c;

	if (run.op_cpu < run.ncpus) {
		if (__atomic_load_n(&run.cpus[run.op_cpu].req, __ATOMIC_ACQUIRE) != REQ_NONE)
			return;
		run.op_cpu = run.ncpus;
	}
	for (c = 1; c < run.ncpus; c++)
		if (hp_state(&run.cpus[c]) == HP_PARKED)
			break;
	if (c == run.ncpus)
		return;
	run.op_cpu = c;
	/* release: pairs with the acquire in serve_request() */
	__atomic_store_n(&run.cpus[c].req, REQ_UNPARK, __ATOMIC_RELEASE);
}

static void futex_wait_1ms(uint32_t *word, uint32_t val)
{
	struct timespec ts = { 0, 1000000 };

	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, &ts, NULL, 0);
}

static void *vcpu_main(void *arg)
{
	struct vcpu *v = arg;

	host_set_cpu(v->id);
	for (;;) {
		uint32_t e = __atomic_load_n(&run.epoch, __ATOMIC_RELAXED);

		serve_mailbox(v);
		if (e == v->epoch) {
			futex_wait_1ms(&run.epoch, e);
			continue;
		}
		__atomic_store_n(&v->epoch, e, __ATOMIC_RELAXED);
		while (arch_now_ns() < epoch_ns(e))
			arch_cpu_relax();	/* relaxed pacing: the clock store may lag */
		if (e % QUIESCE_EVERY == 0 && quiesce(e)) {
			__atomic_fetch_add(&run.exited, 1, __ATOMIC_RELAXED);
			break;
		}
		serve_request(v);
		if (hp_state(v) != HP_ONLINE) {
			check_in();	/* absent or parked: no tick, no work */
			continue;
		}
		epoch_duty(v, e);
		if (v->id == 0) {
			if (!__atomic_load_n(&run.draining, __ATOMIC_RELAXED))
				control(v);
			else
				control_drain();
		}
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
	const char *s = getenv("TMIGR_HOTPLUG_SECONDS");
	double v = s ? strtod(s, NULL) : DEFAULT_SECONDS;

	return v > 0 ? v : DEFAULT_SECONDS;
}

/* CPUs 0 .. online-1 up, as maxcpus= leaves them; the rest absent, not prepared. */
static void boot(uint32_t ncpus, uint32_t online)
{
	/* jiffies wrap WRAP_AFTER_J into the run */
	uint64_t bias = 0 - (START_J + WRAP_AFTER_J);
	struct tmigr_topology topo = { ncpus, 1 };

	host_clock_use_real(false);
	host_clock_set_ns(epoch_ns(0));
	host_kicks_reset();
	host_bug_reset();
	tmigr_reset();
	host_set_cpu(0);
	timer_init(HZ, bias);
	for (uint32_t c = 0; c < ncpus; c++)
		timer_cpu_init(c);
	assert_int_equal(tmigr_init(&topo, &plat), 0);
	for (uint32_t c = 0; c < online; c++)
		assert_int_equal(tmigr_prepare(c, 0), 0);
	for (uint32_t c = 0; c < online; c++) {
		host_set_cpu(c);
		tmigr_set_available(c);
	}
	host_set_cpu(0);
}

static void setup_cpus(uint32_t ncpus, uint32_t online)
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
		v->active = c < online;
		v->state = c < online ? HP_ONLINE : HP_ABSENT;
		pthread_rwlock_init(&v->hp_lock, NULL);
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
	run.online0 = online;
	run.op_cpu = ncpus;
	run.levels0 = tmigr_shape_levels();
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
	       __atomic_load_n(&run.tot.hotadds, __ATOMIC_RELAXED) +
	       __atomic_load_n(&run.tot.parks, __ATOMIC_RELAXED) +
	       __atomic_load_n(&run.tot.unparks, __ATOMIC_RELAXED) >= MIN_OPS;
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

static void stress(uint32_t ncpus, uint32_t online, uint32_t levels_at_least)
{
	struct tmigr_stats ts, sum = { 0 };
	pthread_attr_t attr;
	double t0, secs = stress_seconds();
	bool enough;
	uint64_t idles = 0, wakes = 0, kicks = 0, owed = 0;
	char why[256];
	const char *only = getenv("TMIGR_STRESS_CPUS");
	uint32_t nlevels, nroots, levels_before;

	if (only && strtoul(only, NULL, 0) != ncpus)
		skip();		/* one CPU count only, to loop on it */
	memset(&run, 0, sizeof(run));
	run.ncpus = ncpus;	/* the platform hooks may run during the boot's prepares */
	boot(ncpus, online);
	setup_cpus(ncpus, online);
	levels_before = run.levels0;
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
		pthread_rwlock_destroy(&v->hp_lock);
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
	nlevels = tmigr_shape_levels();
	nroots = tmigr_shape_roots();
	printf("stress:   from %u of %u CPUs online: %llu hot-adds, %llu parks (%llu timers moved), %llu unparks; force_active %llu, run_on %llu; levels %u -> %u, %u root(s)\n",
	       online, ncpus, (unsigned long long)run.tot.hotadds,
	       (unsigned long long)run.tot.parks, (unsigned long long)run.tot.moved,
	       (unsigned long long)run.tot.unparks, (unsigned long long)run.tot.forced,
	       (unsigned long long)run.tot.run_ons, levels_before, nlevels, nroots);
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
	assert_true(run.tot.hotadds > 0 && run.tot.parks > 0 && run.tot.unparks > 0);
	assert_int_equal(run.tot.parks, run.tot.unparks);	/* all back at the drain */
	if (run.tot.hotadds == ncpus - online)
		assert_true(nlevels >= levels_at_least);
	assert_int_equal(nroots, 1);
}

static void test_hotplug_4_cpus_from_2_every_timer_fires_once(void **state)
{
	(void)state;
	stress(4, 2, 1);	/* few CPUs: the parking one is often the last active */
}

static void test_hotplug_16_cpus_from_1_every_timer_fires_once(void **state)
{
	(void)state;
	stress(16, 1, 2);	/* one level grows to two */
}

static void test_hotplug_72_cpus_from_64_new_root_every_timer_fires_once(void **state)
{
	(void)state;
	stress(72, 64, 3);	/* two levels grow to three: a new root */
}

static void test_hotplug_64_cpus_from_8_every_timer_fires_once(void **state)
{
	(void)state;
	stress(64, 8, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hotplug_4_cpus_from_2_every_timer_fires_once),
		cmocka_unit_test(test_hotplug_16_cpus_from_1_every_timer_fires_once),
		cmocka_unit_test(test_hotplug_72_cpus_from_64_new_root_every_timer_fires_once),
		cmocka_unit_test(test_hotplug_64_cpus_from_8_every_timer_fires_once),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
