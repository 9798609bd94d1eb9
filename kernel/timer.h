/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * timer: per-CPU hierarchical timer wheels (interface).
 *
 * Every CPU owns two bases: LOCAL for pinned timers, which only the owner
 * expires, and GLOBAL for the others, which the owner expires while it
 * runs and which the migration hierarchy (kernel/tmigr.c) lets another
 * CPU expire while the owner sleeps.  Time is in jiffies derived from
 * arch_now_ns(), so every CPU computes the same jiffies and no CPU has a
 * duty to advance them.  Design: docs/timer-wheel.md (§1).
 *
 * Callbacks run in interrupt context on the CPU that expires the base,
 * with no base lock held: a callback may add, modify or delete timers,
 * including its own.
 */
#ifndef PULLKERN_TIMER_H
#define PULLKERN_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#ifndef TIMER_MAX_CPUS
#define TIMER_MAX_CPUS		256
#endif

#define TIMER_PINNED		0x1u	/* LOCAL base: only its CPU expires it */

#define TIMER_NO_EVENT		UINT64_MAX	/* "no event", in ns */

struct timer;
typedef void (*timer_fn)(struct timer *t);

/*
 * What a timer runs, and its name for misuse messages: one static,
 * read-only descriptor per timer_setup() call site, so a timer carries a
 * single pointer for both (the descriptors of the callbacks in use stay
 * in cache; the timers, one per object that times out, need not).
 */
struct timer_callback {
	timer_fn fn;
	const char *name;		/* never NULL */
};

/*
 * 40 bytes: every field an add, delete or expiry reads or writes.  A
 * timer that starts on a cache line costs one line miss, and 100 000 of
 * them take 4 MB.
 */
struct timer {
	struct timer *next;		/* bucket list; under the base lock */
	struct timer **pprev;		/* NULL when not pending; under the base lock */
	uint64_t expires;		/* absolute jiffies */
	const struct timer_callback *cb;	/* set by timer_setup() */
	uint16_t flags;			/* TIMER_PINNED, plus private state */
	uint16_t cpu;			/* base owner while pending or running */
	uint16_t bucket;		/* index while pending; private */
	uint16_t magic;			/* debug: set by timer_setup, checked on use */
};

/* Wheel-wide setup, once, before any CPU uses timers. */
void timer_init(uint32_t hz, uint64_t jiffies_bias);
void timer_cpu_init(uint32_t cpu);

uint64_t timer_jiffies(void);			/* now, in jiffies */
uint64_t timer_jiffies_to_ns(uint64_t j);	/* start of jiffy j, arch_now_ns() scale */
uint64_t timer_tick_ns(void);

/*
 * timer_setup(t, fn, flags): fn must name a function (or be NULL, which
 * is reported); the call site gets a static descriptor with fn's name.
 */
#define timer_setup(t, fn, flags)						\
	do {									\
		static const struct timer_callback timer_cb_ = { (fn), #fn };	\
		timer_setup_cb((t), &timer_cb_, (flags));			\
	} while (0)
void timer_setup_cb(struct timer *t, const struct timer_callback *cb,
		    uint32_t flags);

void timer_add(struct timer *t, uint64_t expires);
void timer_add_on(struct timer *t, uint64_t expires, uint32_t cpu);
bool timer_mod(struct timer *t, uint64_t expires);	/* true if it was pending */
bool timer_del(struct timer *t);			/* true if it was pending */
bool timer_del_sync(struct timer *t);			/* also waits out a running callback */
bool timer_pending(const struct timer *t);

/* Debug: call before freeing a timer's memory; a pending timer is a bug. */
void timer_check_free(struct timer *t);

/* Expire this CPU's due LOCAL and GLOBAL timers (tick or wake-up interrupt); returns timers run. */
uint32_t timer_run_cpu(void);
/* The same, apart: returns the LOCAL (pinned) timers run, *global_ran the GLOBAL ones. */
uint32_t timer_run_cpu_bases(uint32_t *global_ran);

/*
 * Expire the due GLOBAL timers of `cpu` from the calling CPU (the
 * hierarchy's migrator does this for idle CPUs).  Returns timers run.
 */
uint32_t timer_run_remote(uint32_t cpu);

/*
 * For the migration hierarchy's remote expiry: with `cpu`'s LOCAL and
 * GLOBAL base locks held, compute the global event it exports (§1.10:
 * its first GLOBAL expiry when earlier than its first LOCAL one, else
 * TIMER_NO_EVENT) and call fn(cpu, global_ns, expiring, arg) before
 * unlocking, so the owner cannot add an earlier timer in between.
 * `expiring`: some CPU is in the middle of running that GLOBAL base's
 * callbacks (timer_run_remote() then ran nothing); it runs what was due
 * when it started, so global_ns may still be due (a timer that fell due
 * since waits for the owner's next tick or the next remote expiry).
 * Interrupts off.
 */
/*
 * The timers pending on `cpu`'s two bases now, for reports (the shell's
 * `timers`): a snapshot under both locks, O(buckets + timers).
 */
void timer_count_pending(uint32_t cpu, uint32_t *pinned, uint32_t *global);

void timer_with_export(uint32_t cpu,
		       void (*fn)(uint32_t cpu, uint64_t global_ns, bool expiring, void *arg),
		       void *arg);

/*
 * CPU park (docs/cpus.md §7.5): move every pending timer of `from`, pinned
 * ones included (they stay pinned, on `to`), to `to`, keeping each
 * expiry; returns how many moved.  `from` must run no timers of its own
 * meanwhile (it is the caller, interrupts on or off, outside any callback,
 * or it is parked); a remote expiry of its GLOBAL base in progress is
 * waited out.  Both CPUs' bases are locked together, lower CPU first;
 * `to` is kicked when it gets a new first event.  Any context but a
 * callback of `from`.
 */
uint32_t timer_migrate_cpu(uint32_t from, uint32_t to);
/*
 * From the park on, `from`'s bases are offline: anything armed on them,
 * timer_add_on(from) included, goes to `to` (kernel/timer.c, race 5), so a
 * caller that saw `from` online just before the park loses nothing.
 * timer_cpu_online(cpu) takes a CPU's bases back, at its unpark, before it
 * takes timers (timer_cpu_init() does it too).  Timers that went elsewhere
 * stay there, pinned ones included.
 */
void timer_cpu_online(uint32_t cpu);

/* Next events of this CPU at idle entry (design §1.10), in arch_now_ns() scale. */
struct timer_next {
	uint64_t local_ns;	/* earliest event this CPU must wake for itself */
	uint64_t global_ns;	/* first GLOBAL event, when earlier than local; else TIMER_NO_EVENT */
	bool within_tick;	/* an event is due within one jiffy: do not stop the tick */
};

/*
 * Compute this CPU's next events.  With mark_idle, also mark its bases
 * idle (§1.11) when the next event is more than a jiffy away, so remote
 * enqueues of a new first timer kick it.  Returns min(local, global).
 */
uint64_t timer_next_event(bool mark_idle, struct timer_next *out);

/* This CPU left idle: clear the idle marks (§1.11). */
void timer_idle_exit(void);

/*
 * Counters for reports, per CPU, charged to the CPU that acted (whatever
 * base the timer is on).  added: armings made (add, add_on, and a mod that
 * changed the expiry); deleted: armings cancelled (del, del_sync, such a
 * mod, check_free); fired: callbacks run, remote expiry included;
 * kicks_sent: IPIs sent.  Summed over CPUs, added = fired + deleted +
 * pending.
 */
struct timer_stats {
	uint64_t added, fired, deleted, kicks_sent;
};
void timer_get_stats(uint32_t cpu, struct timer_stats *out);

#endif
