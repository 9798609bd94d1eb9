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
 * Why an idle CPU's halt ended, weakest first: when several interrupts end
 * one halt the strongest cause is counted (a CPU woken by an IPI whose own
 * timer is also due counts as woken by its timer).
 */
enum wake_cause {
	WAKE_OTHER,		/* an interrupt with nothing for us (tick, early one-shot) */
	WAKE_IPI,		/* wake or call IPI: work or a re-programming request */
	WAKE_OWN_TIMER,		/* one of our own timers ran */
	WAKE_MIGRATOR,		/* the hierarchy's wake-up: idle CPUs' global timers (ours too) */
	WAKE_NR
};

/*
 * One CPU's statistics.  Every field is written by its CPU only (lib/counter.h
 * counter_add) and read by anybody with counter_read: no ordering hangs on
 * them.  Cycles are arch_cycles() of the owner.
 */
struct idle_stats {
	uint64_t ticks;			/* periodic ticks taken (kernel/tick.c) */
	uint64_t timer_irqs;		/* all event interrupts, tick or one-shot */
	uint64_t wake_ipis;		/* ARCH_IPI_WAKE taken */
	uint64_t call_ipis;		/* ARCH_IPI_CALL taken (kernel/workqueue.c) */
	uint64_t idle_wakeups;		/* halts that ended */
	uint64_t idle_cycles;		/* cycles spent halted */
	uint64_t wakes_by[WAKE_NR];	/* halts that ended, by cause */
	uint64_t idle_entries;		/* tick stops through the hierarchy */
	uint64_t idle_entry_cycles;	/* cycles spent deciding them */
	uint64_t idle_exits;		/* idle exits (timer bases + hierarchy) */
	uint64_t idle_exit_cycles;	/* cycles spent in them */
	uint32_t wake_cause;		/* owner only, interrupts off: why the current halt ends */
} __attribute__((aligned(64)));

/* `cpu`'s statistics, for reports (fields read with counter_read). */
const struct idle_stats *idle_stats_of(uint32_t cpu);
/* This CPU's, for its own interrupt handlers (counter_add). */
struct idle_stats *idle_stats_mine(void);
/* This CPU, interrupts off: raise the cause of the current wake-up. */
void idle_note_wake(enum wake_cause cause);

/* Host tests: forget every CPU's idle state and statistics. */
void idle_reset(void);

/* An AP's life after it comes online: run work, otherwise sleep tickless. */
__attribute__((noreturn)) void idle_loop(void);

/*
 * The BSP (or any CPU) sleeps like an idle CPU, running work handed to it,
 * until done(arg) is true.  done() is called with interrupts off.
 */
void idle_until(bool (*done)(void *arg), void *arg);

/* Sleep like an idle CPU (running handed work) until arch_now_ns() >= deadline. */
void idle_sleep_until_ns(uint64_t deadline);

/*
 * Run fn(arg) on `cpu` as work (it leaves idle for it, which also makes it
 * active in the migration hierarchy) and wait until it ran, at most
 * timeout_ms: a CPU that does not answer by then is a kernel bug and
 * panics (the work item lives on our stack).  Interrupts on; not from `cpu`.
 */
bool idle_run_on(uint32_t cpu, void (*fn)(void *arg), void *arg, uint64_t timeout_ms);

/* The hooks kernel/tmigr.c needs, built on idle_run_on(). */
struct tmigr_platform;
void idle_tmigr_platform(struct tmigr_platform *out);

#endif
