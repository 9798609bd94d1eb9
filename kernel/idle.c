// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * idle: tickless idle on a halt that interrupts end (design §1.12).
 *
 * Idle entry goes through the timer migration hierarchy (kernel/tmigr.c)
 * inside timer_next_event(): the first decision after leaving idle is the
 * tick-stop path (the CPU deactivates in the hierarchy and gets back the
 * wake-up it owes as a migrator), later ones are re-evaluations of an idle
 * CPU (a new first global timer is reported up).  The one-shot is
 * programmed for min(next pinned timer, hierarchy wake-up): the CPU's own
 * global timers are the migrator's business.  Leaving idle activates it
 * again.
 *
 * One step of the loop, interrupts off from the work check to the halt:
 *
 *   work queued?          leave idle: clear the timer bases' idle marks,
 *                         start the tick, run the work with interrupts on
 *   next event <= 1 jiffy keep the tick running, it will wake us: halt
 *   otherwise             stop the tick, program the one-shot for the next
 *                         local or global timer (none: no event), halt
 *
 * Lost wake-ups, and the rules that exclude them.  Everything another CPU
 * does to us between our check and our halt ends in an interrupt: work
 * queued sends ARCH_IPI_CALL after the locked enqueue (kernel/workqueue.c);
 * a timer added on us as the new first timer of a base marked idle sends
 * ARCH_IPI_WAKE (kernel/timer.c, §1.11).  timer_next_event() marks the
 * LOCAL base (and GLOBAL when no hierarchy pulls our global timers) under
 * the bases' locks in the same step that reads their first expiries, so an
 * add either precedes the read (and is seen) or follows the mark (and
 * kicks).  The rules:
 *
 *   I1  the halt enables interrupts and sleeps in one atomic step
 *       (arch_idle_halt, STI;HLT on x86-64): an interrupt pending since
 *       the decision ends it at once.  "Enable, then halt" would take the
 *       interrupt in between and sleep with its reason forgotten (a remote
 *       timer_add_on's kick, and the one-shot never programmed for it);
 *   I2  interrupts stay off from the work check through the decision to
 *       the halt: an IPI sent meanwhile stays pending instead of running
 *       its handler before we sleep (work queued after the check would
 *       wait for some later interrupt);
 *   I3  the one-shot is programmed even for a deadline already reached
 *       (a hierarchy wake-up due exactly now): the event device fires at
 *       once for a past deadline, so the halt ends and the due global
 *       timers run;
 *   I4  stopping the tick for a one-shot marks it stopped (tick_stop_cpu)
 *       before the device is programmed for something else: the next
 *       decision that needs the tick (a timer added for the next jiffy
 *       while we stopped it) must find it stopped to program it again;
 *   I5  after every halt the loop decides again from scratch: the waking
 *       interrupt's handler ran due timers, and whatever it or another CPU
 *       changed is read by the next decision, never assumed.
 *
 * The interrupt's handler (kernel/tick.c) runs any due timers and the
 * hierarchy's duty.  Interrupts taken while idle do not count as leaving
 * idle: only work does.  So a CPU with no timers and no work takes no
 * timer interrupt at all.
 *
 * Statistics: struct idle_stats (idle.h), one per CPU, written by its CPU
 * only with counter_add and read by reports with counter_read: cycles
 * around each halt, halts that ended by cause, entries and exits with
 * their cost.  The tick and the IPI handlers count in the same structure.
 *
 * Wake-up causes (enum wake_cause, idle.h).  Before each halt the cause is
 * reset to WAKE_UNNAMED and the halt's one-shot is recorded (armed_ns, and
 * armed_duty when it is also the hierarchy's wake-up, tmigr_cpu_wakeup();
 * replaced_ns when it replaced a deadline already due, whose interrupt may
 * be pending).  Every handler that runs before the halt returns names its
 * interrupt's cause: the event interrupt one of own_pinned .. stale
 * (kernel/tick.c), the IPIs theirs, an unclaimed vector WAKE_VECTOR.  A
 * halt is counted once, when it returns, under its cause; when several
 * interrupts end one halt (pending together when it ended, or taken
 * before interrupts went off again) the strongest is counted, the enum's
 * order: a pinned timer that had to run beats the duty, the duty an IPI,
 * and so on.  A halt no handler named stays WAKE_UNNAMED, the only
 * catch-all (an NMI or SMI would end HLT without a handler of ours).
 *
 * Residency (kernel/residency.c, docs/residency.md).  Around each halt
 * the CPU stamps its own residency record: residency_idle_enter() just
 * before it (the idle state arch_idle_state() names), residency_idle_exit()
 * with the halt's cause just after.  Every interrupt's handler names it
 * once, through idle_note_wake() or idle_note_vector() (idle_note_early()
 * only qualifies the event interrupt's later naming), and each of those
 * counts the interrupt in the record.  All of it with interrupts off, on
 * the CPU's own record: nothing here reads or wakes another CPU.
 *
 * Yield points (YP, empty in the kernel; the host harness stops a vCPU
 * there, tests/host/test_idle_races.c): "idle.after_work_check" between
 * the work check and the decision, "idle.decided" between the decision
 * and programming the event device, "idle.before_halt" between that and
 * the halt.  The MUTANT(I0n) branches put back the bug rule In excludes
 * (kernel/mutant.h; mutants I-01..I-04 of tests/host/tmigr_mutants.txt).
 */
#include "kernel/arch_services.h"
#include "kernel/idle.h"
#include "kernel/mutant.h"
#include "kernel/panic.h"
#include "kernel/residency.h"
#include "kernel/tick.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/workqueue.h"
#include "lib/bitops.h"
#include "lib/counter.h"

static bool nohz[IDLE_MAX_CPUS];	/* owner only: the tick is stopped for idle */
static struct idle_stats stats[IDLE_MAX_CPUS];
uint64_t idle_wakes_by_vector[256];

static const char *const cause_names[WAKE_NR] = {
	[WAKE_UNNAMED] = "unnamed",
	[WAKE_VECTOR] = "vector",
	[WAKE_EARLY] = "early",
	[WAKE_TICK] = "tick",
	[WAKE_STALE] = "stale",
	[WAKE_IPI_WAKE] = "ipi_wake",
	[WAKE_IPI_CALL] = "ipi_call",
	[WAKE_DUTY_EMPTY] = "duty_empty",
	[WAKE_OWN_GLOBAL] = "own_global",
	[WAKE_DUTY_RAN] = "duty_ran",
	[WAKE_OWN_PINNED] = "own_pinned",
};

const char *wake_cause_name(enum wake_cause cause)
{
	return (uint32_t)cause < WAKE_NR ? cause_names[cause] : "?";
}

enum wake_class wake_class_of(enum wake_cause cause)
{
	switch (cause) {
	case WAKE_IPI_WAKE:
	case WAKE_IPI_CALL:
		return WAKE_CLASS_IPI;
	case WAKE_OWN_PINNED:
	case WAKE_OWN_GLOBAL:
		return WAKE_CLASS_OWN_TIMER;
	case WAKE_DUTY_RAN:
	case WAKE_DUTY_EMPTY:
		return WAKE_CLASS_MIGRATOR;
	default:
		return WAKE_CLASS_OTHER;
	}
}

const struct idle_stats *idle_stats_of(uint32_t cpu)
{
	return &stats[cpu];
}

struct idle_stats *idle_stats_mine(void)
{
	return &stats[arch_cpu_id()];
}

uint32_t idle_early_bucket(uint64_t ns)
{
	return log2_bucket_us(ns, IDLE_EARLY_BUCKETS);
}

static idle_wake_observer_fn wake_observer;	/* atomic: set by one CPU, read by all */

void idle_set_wake_observer(idle_wake_observer_fn fn)
{
	/* release: pairs with the acquire in halt_accounted(); fn's data is ready */
	__atomic_store_n(&wake_observer, fn, __ATOMIC_RELEASE);
}

static void raise_cause(enum wake_cause cause)
{
	struct idle_stats *st = idle_stats_mine();

	if ((uint32_t)cause > st->wake_cause)
		st->wake_cause = cause;
}

/* Each interrupt's handler names it exactly once: here, or idle_note_vector(). */
void idle_note_wake(enum wake_cause cause)
{
	raise_cause(cause);
	residency_note_irq();
}

/* Not an interrupt of its own: the event interrupt names it again after. */
void idle_note_early(uint64_t ns)
{
	struct idle_stats *st = idle_stats_mine();

	raise_cause(WAKE_EARLY);
	st->early_ns = ns;
}

void idle_note_vector(uint32_t vector)
{
	struct idle_stats *st = idle_stats_mine();

	raise_cause(WAKE_VECTOR);
	st->wake_vector = vector & 0xff;
	residency_note_vector(vector & 0xff);
}

void idle_reset(void)
{
	idle_set_wake_observer(NULL);
	for (uint32_t c = 0; c < IDLE_MAX_CPUS; c++) {
		nohz[c] = false;
		stats[c] = (struct idle_stats){ 0 };
	}
	for (uint32_t v = 0; v < 256; v++)
		idle_wakes_by_vector[v] = 0;
	residency_reset();
}

static void leave_idle(uint32_t cpu)
{
	struct idle_stats *st = &stats[cpu];

	if (nohz[cpu]) {
		uint64_t t0 = arch_cycles();

		nohz[cpu] = false;
		timer_idle_exit();	/* clears the idle marks and activates in the hierarchy */
		counter_add(&st->idle_exit_cycles, arch_cycles() - t0);
		counter_add(&st->idle_exits, 1);
	}
	tick_start_cpu();
}

static void halt_accounted(struct idle_stats *st)
{
	idle_wake_observer_fn observe;
	uint64_t t0;

	st->wake_cause = WAKE_UNNAMED;
	YP("idle.before_halt", NULL);
	if (MUTANT(I01)) {
		/* I1 broken: a pending interrupt is taken here, the halt sleeps on */
		arch_irq_enable();
		arch_irq_disable();
	}
	residency_idle_enter();
	t0 = arch_cycles();
	arch_idle_halt();
	counter_add(&st->idle_cycles, arch_cycles() - t0);
	residency_idle_exit(st->wake_cause);
	counter_add(&st->wakes_by[st->wake_cause], 1);
	counter_add(&st->idle_wakeups, 1);
	if (st->wake_cause == WAKE_EARLY) {
		counter_add(&st->early_ns_sum, st->early_ns);
		counter_add(&st->early_log2[idle_early_bucket(st->early_ns)], 1);
		if (st->early_ns > counter_read(&st->early_ns_max))
			__atomic_store_n(&st->early_ns_max, st->early_ns, __ATOMIC_RELAXED);
	}
	if (st->wake_cause == WAKE_VECTOR)
		__atomic_fetch_add(&idle_wakes_by_vector[st->wake_vector], 1, __ATOMIC_RELAXED);
	/* acquire: pairs with the release in idle_set_wake_observer() */
	observe = __atomic_load_n(&wake_observer, __ATOMIC_ACQUIRE);
	if (observe)
		observe(st->wake_cause, st->irq_jiffy);
	st->armed_ns = TIMER_NO_EVENT;	/* interrupts outside a halt are not its cause */
	st->replaced_ns = 0;
	st->armed_duty = false;
}

/* One decision and one sleep; returns with interrupts off. */
static void idle_step(void)
{
	uint32_t cpu = arch_cpu_id();
	struct idle_stats *st = &stats[cpu];
	struct timer_next nx;
	uint64_t next;

	if (MUTANT(I02))
		arch_irq_enable();	/* I2 broken: the check runs with interrupts on */
	else
		arch_irq_disable();
	if (work_pending(cpu)) {
		leave_idle(cpu);
		arch_irq_enable();
		work_run_pending();
		arch_irq_disable();
		return;
	}
	YP("idle.after_work_check", NULL);
	if (MUTANT(I02))
		arch_irq_disable();
	if (nohz[cpu]) {
		next = timer_next_event(true, &nx);	/* already idle: new-timer path */
	} else {
		uint64_t t0 = arch_cycles();

		next = timer_next_event(true, &nx);	/* tick-stop path: deactivate */
		if (!nx.within_tick) {
			counter_add(&st->idle_entry_cycles, arch_cycles() - t0);
			counter_add(&st->idle_entries, 1);
		}
	}
	YP("idle.decided", NULL);
	st->armed_ns = TIMER_NO_EVENT;
	st->replaced_ns = 0;
	st->armed_duty = false;
	if (nx.within_tick) {
		tick_start_cpu();
	} else {
		st->armed_ns = next;
		/* the one-shot is (also) the hierarchy's wake-up: duty, not our timer */
		st->armed_duty = next != TIMER_NO_EVENT && next == tmigr_cpu_wakeup(cpu);
		if (!MUTANT(I04))	/* I4 broken: the tick believed running */
			tick_stop_cpu();
		nohz[cpu] = true;
		/* a deadline due (within a jiffy) may have raised its interrupt already */
		if (st->event_ns && st->event_ns <= arch_now_ns() + timer_tick_ns())
			st->replaced_ns = st->event_ns;
		st->event_ns = next == TIMER_NO_EVENT ? 0 : next;
		if (next == TIMER_NO_EVENT)
			arch_event_stop();
		else if (MUTANT(I03) && next <= arch_now_ns())
			;	/* I3 broken: "already due, some interrupt will come" */
		else
			arch_event_program(next);
	}
	halt_accounted(st);
}

void idle_loop(void)
{
	for (;;)
		idle_step();
}

void idle_until(bool (*done)(void *arg), void *arg)
{
	for (;;) {
		arch_irq_disable();
		if (done(arg))
			break;
		idle_step();
	}
	leave_idle(arch_cpu_id());
	arch_irq_enable();
}

/*
 * A short wait for another CPU's answer, as an active CPU: the tick keeps
 * running (leave_idle() starts it if we come from idle), the hierarchy is
 * never told we are idle, and each halt lasts at most a jiffy.  Used where
 * the wait is part of an operation on another CPU (kernel/cpuhp.c waits
 * for its target's answer, tens of microseconds): a waiter that went idle
 * would be deactivated and activated again around every answer, and while
 * it sleeps idle a target leaving the hierarchy may be the last active
 * CPU, which must hand its events over with a round trip to another CPU
 * (kernel/tmigr.c, R-03) before it can answer.  The same lost-wake-up
 * rules as idle_step(): done() and the work check run with interrupts off,
 * the halt enables them atomically (I1, I2), so the answer's kick after
 * its store ends the halt.  Not for long waits: the tick wakes us every
 * jiffy.
 */
void idle_wait_active(bool (*done)(void *arg), void *arg)
{
	uint32_t cpu = arch_cpu_id();

	arch_irq_disable();
	leave_idle(cpu);
	while (!done(arg)) {
		if (work_pending(cpu)) {
			arch_irq_enable();
			work_run_pending();
			arch_irq_disable();
			continue;
		}
		arch_idle_halt();
	}
	arch_irq_enable();
}

static void wake_timer_fired(struct timer *t)
{
	(void)t;	/* the wake-up is the point; idle_until re-checks */
}

static bool deadline_reached(void *arg)
{
	return arch_now_ns() >= *(const uint64_t *)arg;
}

void idle_sleep_until_ns(uint64_t deadline)
{
	/*
	 * Zeroed: timer_setup() reads an old magic and pending state to catch
	 * a set-up of a pending timer, and stack garbage (another caller's
	 * frame) can look like one.
	 */
	struct timer wake = { 0 };
	uint64_t now = arch_now_ns();
	uint64_t tick = timer_tick_ns();
	uint64_t delta_j = deadline > now ? (deadline - now + tick - 1) / tick : 0;

	/* fires at least one jiffy after its expiry: never before the deadline */
	timer_setup(&wake, wake_timer_fired, TIMER_PINNED);
	timer_add(&wake, timer_jiffies() + delta_j);
	idle_until(deadline_reached, &deadline);
	timer_del_sync(&wake);
}

struct run_on_work {
	struct work work;		/* first: the work callback gets this back */
	void (*fn)(void *arg);
	void *arg;
	uint32_t waiter;		/* the CPU to kick once done, when kick */
	bool kick;			/* the waiter halts in idle_wait_active() */
	bool done;			/* release by the target, acquire by the waiter */
};

static void run_on_fn(struct work *w)
{
	struct run_on_work *r = (struct run_on_work *)w;
	uint32_t waiter = r->waiter;
	bool kick = r->kick;

	r->fn(r->arg);
	/* release: pairs with the acquire in run_on_done(); r may vanish after */
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	if (kick)
		arch_kick_cpu(waiter);	/* after done: idle_wait_active()'s rule */
}

struct run_on_wait {
	struct run_on_work *r;
	uint64_t deadline;
};

static bool run_on_done(void *arg)
{
	struct run_on_wait *x = arg;

	/* acquire: pairs with the release store in run_on_fn() */
	return __atomic_load_n(&x->r->done, __ATOMIC_ACQUIRE) ||
	       arch_now_ns() >= x->deadline;
}

bool idle_run_on_wait(uint32_t cpu, void (*fn)(void *arg), void *arg,
		      uint64_t timeout_ms, enum idle_run_wait how)
{
	struct run_on_work r = {
		.work.fn = run_on_fn, .fn = fn, .arg = arg,
		.waiter = arch_cpu_id(), .kick = how == IDLE_RUN_ACTIVE,
	};
	struct run_on_wait x = { &r, arch_now_ns() + timeout_ms * 1000000ull };

	work_queue_on(cpu, &r.work);
	if (how == IDLE_RUN_ACTIVE) {
		idle_wait_active(run_on_done, &x);
	} else {
		/*
		 * Sleep, not spin: the target may be a vCPU thread that needs
		 * our host core.  A short pinned timer bounds each sleep.
		 */
		while (!run_on_done(&x))
			idle_sleep_until_ns(arch_now_ns() + 1000000ull);
	}
	if (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE))
		/* the work is still queued on our stack: we cannot return */
		panic("idle: CPU %u did not run the work handed to it within %lu ms",
		      cpu, (unsigned long)timeout_ms);
	return true;
}

bool idle_run_on(uint32_t cpu, void (*fn)(void *arg), void *arg, uint64_t timeout_ms)
{
	return idle_run_on_wait(cpu, fn, arg, timeout_ms, IDLE_RUN_SLEEP);
}

static void nothing(void *arg)
{
	(void)arg;
}

static void force_active(uint32_t cpu)
{
	idle_run_on(cpu, nothing, NULL, 1000);
}

static void run_on_sync(uint32_t cpu, void (*fn)(void *arg), void *arg)
{
	idle_run_on(cpu, fn, arg, 1000);
}

void idle_tmigr_platform(struct tmigr_platform *out)
{
	out->force_active = force_active;
	out->run_on = run_on_sync;
}
