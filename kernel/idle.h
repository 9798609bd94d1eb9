/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * idle: what a CPU does when it has nothing to do, and the idle and tick
 * statistics of every CPU.
 */
#ifndef PULLKERN_IDLE_H
#define PULLKERN_IDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/timer.h"

#define IDLE_MAX_CPUS	TIMER_MAX_CPUS

/*
 * Why an idle CPU's halt ended: every halt that ends is counted under
 * exactly one cause (kernel/idle.c says how).  The order is the strength:
 * when several interrupts end one halt (they were pending together), the
 * strongest is counted; one interrupt is classified by kernel/tick.c
 * into one cause.
 */
enum wake_cause {
	WAKE_UNNAMED,		/* no handler named a cause (an NMI, an SMI): must stay ~0 */
	WAKE_VECTOR,		/* an interrupt no kernel handler claims, by vector */
	WAKE_EARLY,		/* the one-shot fired before its deadline (by how much: early_ns_*) */
	WAKE_TICK,		/* the periodic tick: nothing due, or only our global timers */
	WAKE_STALE,		/* a one-shot whose event is gone: deleted, or the deadline
				   the halt's one-shot replaced, its interrupt already pending */
	WAKE_IPI_WAKE,		/* ARCH_IPI_WAKE: re-evaluate (a timer added on us) */
	WAKE_IPI_CALL,		/* ARCH_IPI_CALL: work queued on us */
	WAKE_DUTY_EMPTY,	/* the hierarchy's wake-up, but nothing was due (duplicate or stale) */
	WAKE_OWN_GLOBAL,	/* our global timers ran on a one-shot, no hierarchy wake-up armed */
	WAKE_DUTY_RAN,		/* the hierarchy's wake-up ran global timers (idle CPUs', ours too) */
	WAKE_OWN_PINNED,	/* one of our own pinned timers ran */
	WAKE_NR
};

/* The four coarse classes older reports carry (lateness, idle's own_timer_wakeups). */
enum wake_class {
	WAKE_CLASS_OTHER,	/* unnamed, vector, early, tick, stale */
	WAKE_CLASS_IPI,		/* either IPI */
	WAKE_CLASS_OWN_TIMER,	/* own pinned or own global */
	WAKE_CLASS_MIGRATOR,	/* the hierarchy's wake-up, whether it found timers or not */
	WAKE_CLASS_NR
};

enum wake_class wake_class_of(enum wake_cause cause);
/* Short names for reports: "own_pinned", "duty_ran", ... */
const char *wake_cause_name(enum wake_cause cause);

/*
 * One CPU's statistics.  Every field is written by its CPU only (lib/counter.h
 * counter_add) and read by anybody with counter_read: no ordering hangs on
 * them.  Cycles are arch_cycles() of the owner.
 */
/*
 * How early WAKE_EARLY one-shots fired, log2 buckets of microseconds:
 * bucket 0 is under 2 us, bucket k in [2^k, 2^(k+1)) us, the last one
 * everything from 2^(IDLE_EARLY_BUCKETS-1) us up.
 */
#define IDLE_EARLY_BUCKETS	12
uint32_t idle_early_bucket(uint64_t ns);

struct idle_stats {
	uint64_t ticks;			/* periodic ticks taken (kernel/tick.c) */
	uint64_t timer_irqs;		/* all event interrupts, tick or one-shot */
	uint64_t wake_ipis;		/* ARCH_IPI_WAKE taken */
	uint64_t call_ipis;		/* ARCH_IPI_CALL taken (kernel/workqueue.c) */
	uint64_t idle_wakeups;		/* halts that ended */
	uint64_t idle_cycles;		/* cycles spent halted */
	uint64_t wakes_by[WAKE_NR];	/* halts that ended, by cause */
	uint64_t early_ns_sum;		/* WAKE_EARLY halts: how early, summed ... */
	uint64_t early_ns_max;		/* ... and the most (owner store, counter_read) */
	uint64_t early_log2[IDLE_EARLY_BUCKETS];	/* ... and how many by how much */
	uint64_t idle_entries;		/* tick stops through the hierarchy */
	uint64_t idle_entry_cycles;	/* cycles spent deciding them */
	uint64_t idle_exits;		/* idle exits (timer bases + hierarchy) */
	uint64_t idle_exit_cycles;	/* cycles spent in them */
	/* owner only, interrupts off: the halt in progress */
	uint64_t event_ns;		/* the deadline the event device holds, not yet taken (0: none) */
	uint64_t replaced_ns;		/* a due one the halt's one-shot replaced: its interrupt
					   may be pending already (0: none) */
	uint64_t armed_ns;		/* the one-shot's deadline (TIMER_NO_EVENT: none) */
	bool armed_duty;		/* ... which is (also) the hierarchy's wake-up */
	uint64_t early_ns;		/* for WAKE_EARLY: how early */
	uint64_t irq_jiffy;		/* the jiffy at which the latest event interrupt came */
	uint32_t wake_cause;		/* why the current halt ends */
	uint32_t wake_vector;		/* for WAKE_VECTOR: which vector */
} __attribute__((aligned(64)));

/*
 * Halts ended by an interrupt no kernel handler claims, by vector, summed
 * over CPUs (relaxed atomic adds: any CPU writes).  Read with counter_read.
 */
extern uint64_t idle_wakes_by_vector[256];

/* `cpu`'s statistics, for reports (fields read with counter_read). */
const struct idle_stats *idle_stats_of(uint32_t cpu);
/* This CPU's, for its own interrupt handlers (counter_add). */
struct idle_stats *idle_stats_mine(void);
/* This CPU, interrupts off: raise the cause of the current wake-up. */
void idle_note_wake(enum wake_cause cause);
/* This CPU, interrupts off: the one-shot fired `ns` before its deadline. */
void idle_note_early(uint64_t ns);
/* This CPU, interrupts off: an interrupt at `vector` that no kernel handler claims. */
void idle_note_vector(uint32_t vector);

/*
 * An instrument's hook (a scenario's): called by each CPU after each of its
 * counted halts, interrupts off, with the halt's cause and the jiffy of its
 * latest event interrupt.  NULL: none.  Set with idle_set_wake_observer().
 */
typedef void (*idle_wake_observer_fn)(enum wake_cause cause, uint64_t irq_jiffy);
void idle_set_wake_observer(idle_wake_observer_fn fn);

/* Host tests: forget every CPU's idle state and statistics. */
void idle_reset(void);

/* An AP's life after it comes online: run work, otherwise sleep tickless. */
__attribute__((noreturn)) void idle_loop(void);

/*
 * The BSP (or any CPU) sleeps like an idle CPU, running work handed to it,
 * until done(arg) is true.  done() is called with interrupts off.
 */
void idle_until(bool (*done)(void *arg), void *arg);

/*
 * Wait, halted but active (tick running, never idle in the hierarchy),
 * running handed work, until done(arg) is true; done() is called with
 * interrupts off.  For short waits on another CPU's answer, which must
 * kick us after making done() true (kernel/idle.c says why).
 */
void idle_wait_active(bool (*done)(void *arg), void *arg);

/* Sleep like an idle CPU (running handed work) until arch_now_ns() >= deadline. */
void idle_sleep_until_ns(uint64_t deadline);

/*
 * Run fn(arg) on `cpu` as work (it leaves idle for it, which also makes it
 * active in the migration hierarchy) and wait until it ran, at most
 * timeout_ms: a CPU that does not answer by then is a kernel bug and
 * panics (the work item lives on our stack).  Interrupts on; not from `cpu`.
 */
bool idle_run_on(uint32_t cpu, void (*fn)(void *arg), void *arg, uint64_t timeout_ms);

/*
 * How idle_run_on_wait() waits for the target.  IDLE_RUN_SLEEP sleeps like
 * an idle CPU, woken at least every millisecond (idle_run_on's way: the
 * target may need our host core).  IDLE_RUN_ACTIVE halts active
 * (idle_wait_active) and the target kicks us right after fn ran, so the
 * wait ends at the target's answer: for measuring the wake-up itself
 * (test=wake_latency).
 */
enum idle_run_wait {
	IDLE_RUN_SLEEP,
	IDLE_RUN_ACTIVE,
};

/* idle_run_on() with the waiting style chosen. */
bool idle_run_on_wait(uint32_t cpu, void (*fn)(void *arg), void *arg,
		      uint64_t timeout_ms, enum idle_run_wait how);

/* The hooks kernel/tmigr.c needs, built on idle_run_on(). */
struct tmigr_platform;
void idle_tmigr_platform(struct tmigr_platform *out);

#endif
