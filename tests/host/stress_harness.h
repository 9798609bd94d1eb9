/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stress_harness: the wall-clock stress harness of kernel/tmigr +
 * kernel/timer that test_tmigr_stress.c and test_tmigr_hotplug_stress.c
 * share: free-running pthreads that play CPUs on a paced virtual clock,
 * timer churn (global, periodic, pinned and remote timers), the per-timer
 * FIFO oracle, the quiescent checks, the drain and the end-of-run
 * accounting.  The theory (the pacing, the oracle and its bounds, the
 * quiescent points) is in stress_harness.c's opening comment.
 *
 * A test supplies what is its own through struct stress_hooks: how the
 * hierarchy boots, which CPUs are in it, what a CPU's thread does around
 * its jiffy's duty and what more the run must reach and report.  One run
 * at a time: the harness state (`run`) is global.
 */
#ifndef PULLKERN_TESTS_HOST_STRESS_HARNESS_H
#define PULLKERN_TESTS_HOST_STRESS_HARNESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernel/timer.h"
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

enum kind { K_GLOBAL, K_PERIODIC, K_PINNED, K_REMOTE };

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
	uint64_t same_exp_coarser;		/* relaxed: timer_mod() to the unchanged
						   expiry, kept in a coarser bucket than a
						   fresh arming's (the bound stays, see st_arm) */
};

struct stress_run {
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
};

extern struct stress_run run;

/* What a test adds to the harness; a NULL hook does nothing (or the plain case). */
struct stress_hooks {
	const char *seconds_env;	/* least wall time of a run, in seconds */
	double default_seconds;
	/*
	 * Judge "early" against the timer's expiry (expires + 1) rather than
	 * its bucket: a timer a park moved may run in an earlier bucket.
	 */
	bool early_from_expiry;
	/* Wait for the clock with a 1 ms timeout, so a mailbox post is seen. */
	bool wait_1ms;
	void (*boot)(uint32_t ncpus);			/* the hierarchy up; run.ncpus set */
	void (*setup_cpu)(struct vcpu *v);		/* after the common set-up of v */
	void (*setup_done)(void);			/* all CPUs set up, no thread yet */
	/* K_REMOTE arming on `cpu`; NULL: st_arm_on() */
	void (*arm_remote)(struct stress_timer *st, uint64_t expires, uint64_t now,
			   uint32_t cpu);
	bool (*in_tree)(const struct vcpu *v);		/* quiescent check of v; NULL: all */
	void (*loop_top)(struct vcpu *v);		/* each turn of the thread's loop */
	bool (*jiffy_start)(struct vcpu *v);		/* false: no duty, only check in */
	void (*after_duty)(struct vcpu *v);		/* after the tick, before actions */
	bool (*minimum_reached)(void);			/* more minimum of work */
	void (*cpu_done)(struct vcpu *v);		/* at the end, per CPU */
	void (*report)(void);				/* one more summary line */
};

void fail_note(uint32_t cpu_a, uint32_t cpu_b, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool has_failed(void);
void futex_wake_all(uint32_t *word);

static inline void bump(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

void st_arm_on(struct stress_timer *st, uint64_t expires, uint64_t now, uint32_t cpu);
void stress_interrupt(void);
void idle_enter(struct vcpu *v);
void leave_idle(struct vcpu *v);

/*
 * One run on `ncpus` CPUs: boot, threads, supervise, drain, then the
 * checks every run must pass (each arming fired once or was cancelled,
 * a quiescent tree, no arch_bug(), timers pulled through the hierarchy).
 * Skips unless TMIGR_STRESS_CPUS is unset or names ncpus.
 */
void stress_run(uint32_t ncpus, const struct stress_hooks *hooks);

#endif
