// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timer: per-CPU hierarchical timer wheels (docs/timer-wheel.md, §1).
 *
 * Purpose.  Timeouts are armed far more often than they fire, so arming and
 * cancelling are O(1) and the price is paid in precision instead: a timer
 * runs in a bucket whose granularity grows with its distance, never early
 * and at most one granule late.  Nothing in this file knows the machine: it
 * reaches "now", "this CPU", "kick CPU", interrupts and locks through
 * kernel/arch_services.h, so the same file is linked into the host tests.
 *
 * Time.  jiffies = arch_now_ns() / tick_ns + bias, computed by whoever asks,
 * so every CPU sees the same jiffies and no CPU has to advance them (design
 * §1.1).  The kernel passes a bias that makes jiffies wrap past 2^64 about
 * a second after boot (jiffies_wrap_ms), so every run crosses the wrap and
 * every comparison must be the wrap-safe signed difference of time_before().
 *
 * Geometry (§1.2).  A wheel is DEPTH levels of 64 buckets (LVL_BITS 6), each
 * level 8 times coarser than the one below (CLK_SHIFT 3), in one flat array.
 * A timer goes to the lowest level whose range holds d = expires - clk:
 *
 *   level  bucket  granularity    d placed here (jiffies)      granularity
 *          offset  (jiffies)                                   at HZ=1000
 *     0       0             1            0 ..            62   1 ms
 *     1      64             8           63 ..           503   8 ms
 *     2     128            64          504 ..         4 031   64 ms
 *     3     192           512        4 032 ..        32 255   0.5 s
 *     4     256         4 096       32 256 ..       258 047   4.1 s
 *     5     320        32 768      258 048 ..     2 064 383   33 s
 *     6     384       262 144    2 064 384 ..    16 515 071   4.4 min
 *     7     448     2 097 152   16 515 072 ..   132 120 575   35 min
 *     8     512    16 777 216  132 120 576 .. 1 056 964 607   4.7 h
 *
 * LVL_START(n) = 63 * 8^(n-1) is the first d of level n.  DEPTH is 9 when
 * HZ > 100 (576 buckets; cutoff LVL_START(9) = 1 056 964 608 jiffies, 12.2
 * days at HZ=1000) and 8 otherwise (512 buckets; cutoff 132 120 576, 15.3
 * days at HZ=100).  d >= cutoff is clamped to the maximum timeout, cutoff -
 * 8^(DEPTH-1): such a timer fires at the clamp, the one case where a timer
 * runs before its expires.  Expired timers (d < 0) go to level 0 at clk.
 *
 * Mapping (§1.3).  At level n with shift s = 3n the timer's bucket expiry is
 * ((expires >> s) + 1) << s, the next granule boundary strictly after
 * expires: the +1 makes a timer run 1 .. 8^n jiffies after its expires,
 * never at it (armed at the very end of jiffy j for j + 1, it still gets a
 * whole jiffy).  Bucket index = 64n + ((expires >> s) + 1) % 64.  Because
 * LVL_START is one granule below the top of the level, a bucket expiry is
 * less than 64 granules past clk: a bucket holds exactly one expiry at a
 * time and timers never cascade between levels.  All of this is modulo 2^64
 * (64 * 8^8 divides 2^64), which is why jiffies may wrap.
 *
 *   struct timer_base  (bases[cpu][LOCAL | GLOBAL])
 *   +--------------------------------------------------------------+
 *   | lock                                                         |
 *   | clk          next jiffy to process (one ahead while expiring) |
 *   | next_expiry  earliest bucket expiry (lower bound if recalc)  |
 *   | pending_map  [level] 64-bit word, bit set <=> bucket non-empty|
 *   | bucket[576]  --> timer --> timer --> NULL  (next / pprev)    |
 *   | running_timer, running_cpu   callback in progress            |
 *   +--------------------------------------------------------------+
 *
 * A base is 576 list heads plus a little (4.6 KiB); bases for all
 * TIMER_MAX_CPUS CPUs are static (2.3 MiB of bss for 256 CPUs).
 *
 * Two bases per CPU (§1.9): LOCAL holds pinned timers (TIMER_PINNED, and
 * every timer_add_on), expired only by the owner; GLOBAL holds the others,
 * expired by the owner (timer_run_cpu) or by another CPU for it
 * (timer_run_remote, the migration hierarchy's hook).  Arming always places
 * a timer on the arming CPU's base (§1.5), except while its callback runs:
 * then it stays on the base that runs it, so a callback never runs twice at
 * once and timer_del_sync() knows where to wait.
 *
 * Expiry (§1.6).  The base clock jumps to next_expiry, the due bucket of
 * every level aligned with that jiffy is moved to a list on the stack, clk
 * becomes that jiffy + 1 and next_expiry is recomputed from the bitmaps
 * (§1.7, no timer is touched).  Callbacks then run with the lock dropped,
 * interrupts off and running_timer set.  Running one ahead means a callback
 * that re-arms for "now" lands in the next jiffy's bucket and cannot loop.
 * Collected timers still count as pending (timer_del() finds them on the
 * stack list, under the lock) and keep their old bucket index, which is
 * stale: it is trusted only when no collected timer can exist (race 2).
 * Collecting a bucket is O(1), a list splice: the expiry loop then touches
 * each timer once, which matters when a coarse bucket holds thousands.
 * Before any enqueue the base clock is forwarded to now, or to next_expiry
 * if that is earlier (§1.8), so a base that slept keeps fine granularity.
 *
 * Idle (§1.10, §1.11).  timer_next_event() reads both bases under both
 * locks.  The global event is offered to the migration hierarchy
 * (hierarchy_wakeup(): deactivate, new timer while idle, or a forecast)
 * only when it is earlier than the local one; the local one goes with it
 * as the CPU's forced wake-up, which the hierarchy exports instead when it
 * comes first (kernel/tmigr.c, R-29).  A CPU the hierarchy does
 * not pull for (tmigr=off, or not available in it) is its own migrator
 * and wakes for its global timers itself; only then is GLOBAL marked idle
 * beside LOCAL.  An enqueue from another CPU that makes a new first timer
 * on an idle marked base kicks the owner so it re-programs its wake-up.
 *
 * Locking.  Everything in a base, and the next/pprev/expires/bucket fields
 * of every timer linked in it, is under base->lock, taken with interrupts
 * off (callbacks and enqueues happen in interrupt context).  A timer's base
 * is named by t->cpu and its TIMER_PINNED flag; both change only while the
 * old base is locked and TIMER_MIGRATING is set, and lock_timer_base()
 * waits while that flag is set and re-checks both fields under the lock.
 * Two base locks are held at once only as LOCAL then GLOBAL of one CPU,
 * in timer_next_event() (the caller's own bases) and timer_with_export()
 * (any CPU's, for the hierarchy's remote expiry); both call into
 * kernel/tmigr.c with the two held, so the whole order is LOCAL -> GLOBAL
 * -> tmigr per-CPU lock -> tmigr group locks, child before parent
 * (docs/timer-wheel.md §1.9).  The one exception is timer_migrate_cpu()
 * (a CPU parks, docs/cpus.md §7.5): it holds the same kind of base of two
 * CPUs, the lower CPU's first, and takes no other lock meanwhile; nobody
 * else holds two CPUs' bases, so no cycle can form.  migrate() drops the old base's lock before
 * it takes the new one, and timer_del_sync() locks the run hint's base
 * only after unlocking the timer's.  No lock is held while a callback
 * runs, so a callback may arm, modify or delete any timer, its own included.
 *
 * Memory ordering.  t->flags and t->cpu are relaxed atomics (lock_timer_base
 * reads them unlocked), except one pair: migrate() stores the new cpu and
 * then the new flags with release, and lock_timer_base() loads flags with
 * acquire before cpu, so whoever sees the cleared MIGRATING bit also sees
 * the new cpu.  t->pprev is stored relaxed under the lock and loaded relaxed
 * by timer_pending(), which is a racy snapshot by nature.  next_expiry is
 * stored relaxed under the lock and loaded relaxed, unlocked, by the fast
 * path of run_base(); a stale value only sends that path into the lock one
 * tick early or late (design §3, O7), and every decision that lets a CPU
 * sleep is taken under the lock.  is_idle is stored under the lock, cleared
 * by its owner without it and loaded under the lock by enqueuers: the worst
 * stale read is one needless kick.  Statistics are charged to the CPU that
 * acts and written only by it, with interrupts off: relaxed load + store,
 * one cache line per CPU, read by reports with relaxed loads.
 *
 * Known races and the rule that excludes each:
 *  1. Two CPUs expire the same GLOBAL base (its owner and a migrator): the
 *     second finds running_timer set and leaves; the first handles the
 *     timers due when it started, so one base never runs two callbacks at
 *     once.  A timer that fell due since waits for the owner's next tick
 *     or the next remote expiry (tmigr.c, R-27).
 *  2. timer_mod() of a collected timer to an index equal to its old bucket
 *     would leave it on the expiry list and run it early.  Collected timers
 *     exist outside run_base() only while it has dropped the lock to run a
 *     callback, that is while running_timer is set, so timer_mod() takes
 *     its same-bucket shortcut only when running_timer is NULL, and
 *     otherwise unlinks and re-queues.
 *  3. timer_add_on() moves a timer whose callback is still running on
 *     another base: the flags remember that base (the run hint) and
 *     timer_del_sync() waits on it too.  Self-serialisation is given up for
 *     that one run, as the caller asked for a specific CPU.
 *  4. A remote enqueue races with the owner entering idle: either the
 *     enqueue takes the lock first and the owner's next-event computation
 *     sees the timer, or it comes second, sees is_idle and kicks.
 *  5. timer_add_on(cpu) races with the park of `cpu` (docs/cpus.md §7.5):
 *     the caller saw it online, then timer_migrate_cpu() emptied its bases,
 *     and the timer would wait on a wheel nobody runs until the unpark.
 *     timer_migrate_cpu() sets each emptied base's moved_to (the CPU that
 *     got its timers) under the same lock hold that empties it, and every
 *     enqueue, by any mode, checks moved_to of the base it holds locked
 *     and, if set, migrate()s on to that CPU's base of the same kind (and
 *     on again if that one has parked since): so the add either comes
 *     first and is moved with the rest, or comes second and is redirected;
 *     it never lands on a parked CPU.  One base lock at a time, as in any
 *     migrate().  timer_cpu_online() clears moved_to when the CPU is
 *     unparked, before it takes timers again.  Pinned timers of a parked
 *     CPU, moved or redirected, stay pinned on the CPU they went to and run
 *     there, also after the unpark (as at park time: nothing moves back).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch_services.h"
#include "kernel/mutant.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "lib/bitops.h"
#include "lib/counter.h"
#include "lib/string.h"

#define LVL_BITS		6
#define LVL_SIZE		(1u << LVL_BITS)		/* 64 buckets per level */
#define LVL_MASK		(LVL_SIZE - 1)
#define CLK_SHIFT		3
#define CLK_DIV			(1u << CLK_SHIFT)		/* 8x coarser per level */
#define CLK_MASK		(CLK_DIV - 1)
#define DEPTH_MAX		9				/* HZ > 100 */
#define DEPTH_LOW_HZ		8				/* HZ <= 100 */
#define BUCKETS_MAX		(LVL_SIZE * DEPTH_MAX)		/* 576 */
#define LVL_SHIFT(n)		((n) * CLK_SHIFT)
#define LVL_GRAN(n)		(1ull << LVL_SHIFT(n))
#define LVL_START(n)		((uint64_t)(LVL_SIZE - 1) << LVL_SHIFT((n) - 1))
#define NO_TIMER_DELTA		((1ull << 30) - 1)	/* empty base: next_expiry = clk + this */

#define TIMER_MAGIC		0x746du		/* "tm": set up */
#define TIMER_MAGIC_FREED	0x6672u		/* "fr": passed timer_check_free() */

/* timer->flags (16 bits) beside TIMER_PINNED: private. */
#define TIMER_MIGRATING		0x2u		/* between two bases, no lock held */
#define TIMER_HINT_SHIFT	2		/* base number + 1 it last ran on while moved */
#define TIMER_HINT_MASK		0xfffcu
#define TIMER_PUBLIC_FLAGS	TIMER_PINNED

#define NO_CPU			UINT32_MAX
#define BASE_ONLINE		UINT32_MAX	/* timer_base.moved_to of a running owner */

#define DEL_SYNC_WARN_NS	1000000000ull	/* a callback running this long is a bug */
#define MIGRATING_SPINS		(1u << 26)	/* the window is one lock acquisition */

enum { BASE_LOCAL, BASE_GLOBAL, NR_BASES };

_Static_assert(LVL_START(DEPTH_MAX) == 1056964608ull, "cutoff of depth 9 (design §1.2)");
_Static_assert(LVL_START(DEPTH_LOW_HZ) == 132120576ull, "cutoff of depth 8 (design §1.2)");
/*
 * A bucket expiry is at most clk - 1 + 64 granules of the top level, which
 * is clk + NO_TIMER_DELTA itself when clk = 1 (mod 8^8): the marker value
 * can be a real expiry, so "empty" is the timers_pending flag, never a
 * comparison with the marker.
 */
_Static_assert(LVL_START(DEPTH_MAX) - 1 + LVL_GRAN(DEPTH_MAX - 1) == NO_TIMER_DELTA,
	       "latest bucket expiry of depth 9 is exactly the empty-base marker");
_Static_assert(TIMER_MAX_CPUS * NR_BASES < (TIMER_HINT_MASK >> TIMER_HINT_SHIFT),
	       "run hint fits in flags above TIMER_PINNED and TIMER_MIGRATING (so t->cpu fits 16 bits)");
_Static_assert(BUCKETS_MAX <= UINT16_MAX, "a bucket index fits in timer->bucket");

struct timer_base {
	struct spinlock lock;
	uint32_t cpu;			/* owner; set by timer_init() */
	uint32_t kind;			/* BASE_LOCAL or BASE_GLOBAL; set by timer_init() */
	uint32_t running_cpu;		/* CPU running running_timer; under lock */
	struct timer *running_timer;	/* callback in progress; under lock */
	uint64_t clk;			/* next jiffy to process; under lock */
	uint64_t next_expiry;		/* stored under lock (relaxed); loaded unlocked by run_base() */
	bool recalc;			/* next_expiry is only a lower bound; under lock */
	bool timers_pending;		/* some bucket non-empty (valid unless recalc); under lock */
	bool is_idle;			/* set under lock, cleared by the owner unlocked; relaxed */
	uint32_t moved_to;		/* the owner is parked: its timers go to that CPU's
					   base (race 5); BASE_ONLINE otherwise; under lock */
	uint64_t pending_map[DEPTH_MAX];	/* bit per bucket; under lock */
	struct timer *bucket[BUCKETS_MAX];	/* heads; under lock */
} __attribute__((aligned(64)));

/* Counters of one CPU: written only by that CPU with interrupts off, read by anyone. */
struct cpu_stats {
	struct timer_stats s;
} __attribute__((aligned(64)));

static struct timer_base bases[TIMER_MAX_CPUS][NR_BASES];
static struct cpu_stats stats[TIMER_MAX_CPUS];	/* relaxed atomics */

/* Wheel-wide parameters: written by timer_init() before any CPU uses timers. */
static uint64_t tick_ns = 1000000;
static uint64_t tick_recip;	/* floor(2^64 / tick_ns): ns -> jiffies without a division */
static uint64_t jiffies_bias;
static unsigned wheel_depth = DEPTH_MAX;
static uint64_t wheel_cutoff = LVL_START(DEPTH_MAX);
static uint64_t wheel_max_timeout = LVL_START(DEPTH_MAX) - LVL_GRAN(DEPTH_MAX - 1);

/* ---- small helpers ---- */

static inline bool time_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static inline bool time_after(uint64_t a, uint64_t b)
{
	return time_before(b, a);
}

static inline uint32_t tflags(const struct timer *t)
{
	return __atomic_load_n(&t->flags, __ATOMIC_RELAXED);
}

static inline void set_tflags(struct timer *t, uint32_t f)
{
	__atomic_store_n(&t->flags, (uint16_t)f, __ATOMIC_RELAXED);
}

static inline uint32_t tcpu(const struct timer *t)
{
	return __atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
}

static inline void set_pprev(struct timer *t, struct timer **pprev)
{
	__atomic_store_n(&t->pprev, pprev, __ATOMIC_RELAXED);
}

static inline void set_next_expiry(struct timer_base *base, uint64_t v)
{
	/* relaxed: under the lock; the unlocked reader tolerates a stale value */
	__atomic_store_n(&base->next_expiry, v, __ATOMIC_RELAXED);
}

static inline bool base_idle(const struct timer_base *base)
{
	return __atomic_load_n(&base->is_idle, __ATOMIC_RELAXED);
}

static inline void set_base_idle(struct timer_base *base, bool idle)
{
	__atomic_store_n(&base->is_idle, idle, __ATOMIC_RELAXED);
}

/*
 * floor(ns / tick_ns) by multiplying with the reciprocal: every timer_add
 * asks for jiffies, and a 64-bit division costs more than the rest of the
 * enqueue.  The high half of ns * floor(2^64 / tick_ns) is the quotient or
 * one less, so one correction step makes it exact, which matters: jiffies
 * and timer_jiffies_to_ns() must agree to the nanosecond or a timer could
 * run before its deadline.
 */
static inline uint64_t ns_to_ticks(uint64_t ns)
{
	uint64_t q;

	if (!tick_recip)
		return ns / tick_ns;
	q = (uint64_t)(((unsigned __int128)ns * tick_recip) >> 64);
	if (ns - q * tick_ns >= tick_ns)
		q++;
	return q;
}

/* timer_jiffies(), inline for the enqueue and expiry paths. */
static inline uint64_t jiffies_now(void)
{
	return ns_to_ticks(arch_now_ns()) + jiffies_bias;
}

/* Statistics have a single writer (this CPU, interrupts off): lib/counter.h. */
static inline void count(uint64_t *counter)
{
	counter_add(counter, 1);
}

static uint32_t cur_cpu(void)
{
	uint32_t cpu = arch_cpu_id();

	if (cpu >= TIMER_MAX_CPUS) {
		arch_bug("timer: CPU %u is beyond TIMER_MAX_CPUS (%u)", cpu,
			 (unsigned)TIMER_MAX_CPUS);
		return 0;
	}
	return cpu;
}

static inline struct timer_base *base_of(uint32_t cpu, uint32_t flags)
{
	return &bases[cpu][(flags & TIMER_PINNED) ? BASE_LOCAL : BASE_GLOBAL];
}

static inline uint32_t base_number(const struct timer_base *base)
{
	return base->cpu * NR_BASES + base->kind;
}

/* The base a moved timer's callback may still be running on, or NULL. */
static struct timer_base *hint_base(uint32_t flags)
{
	uint32_t n = flags >> TIMER_HINT_SHIFT;

	if (n == 0 || n > TIMER_MAX_CPUS * NR_BASES)
		return NULL;
	n--;
	return &bases[n / NR_BASES][n % NR_BASES];
}

/* CPU running t's callback on `base`, if it is not `me`; else NO_CPU. */
static uint32_t running_elsewhere(const struct timer_base *base,
				  const struct timer *t, uint32_t me)
{
	if (base->running_timer == t && base->running_cpu != me)
		return base->running_cpu;
	return NO_CPU;
}

/*
 * Debug check at every entry point, split in two: the test every call
 * makes (one load of magic, on the line the operation touches anyway, and
 * for an arming one of fn, in the call site's descriptor, which every
 * timer of that site shares and so stays in cache) is inline, the
 * diagnosis of a failure is not.  A timer that was never set up has no
 * trustworthy descriptor, so its message gives the addresses instead.
 */
static __attribute__((noinline, cold)) void timer_report_invalid(const struct timer *t,
								  const char *op, bool need_fn)
{
	if (!t) {
		arch_bug("timer: %s of a NULL timer", op);
	} else if (t->magic == TIMER_MAGIC_FREED) {
		arch_bug("timer: %s of a timer after timer_check_free() (callback %s)",
			 op, t->cb->name);
	} else if (t->magic != TIMER_MAGIC) {
		arch_bug("timer: %s of a timer never set up with timer_setup() (timer %p, callback descriptor %p)",
			 op, (const void *)t, (const void *)t->cb);
	} else if (need_fn && !t->cb->fn) {
		arch_bug("timer: %s of a timer with a NULL callback (callback %s)",
			 op, t->cb->name);
	}
}

static inline bool timer_valid(const struct timer *t, const char *op, bool need_fn)
{
	if (__builtin_expect(t && t->magic == TIMER_MAGIC && (!need_fn || t->cb->fn), 1))
		return true;
	timer_report_invalid(t, op, need_fn);
	return false;
}

/* ---- wheel arithmetic (§1.3, §1.7) ---- */

/*
 * Level of delay d (0 <= d < wheel_cutoff): the largest n with
 * d >= LVL_START(n) = 63 << 3(n-1), without a loop.  With b the top bit of
 * d (b >= 5 from level 1 on), d >> 3(n-1) has b - 3(n-1) + 1 bits, so
 * n = (b - 2) / 3 gives it 6 to 8 bits: 7 or 8 bits are >= 63, and with 6
 * bits (32..63) only 63 is, else the level is n - 1.  Level n + 1 would
 * leave 3 to 5 bits, below 63.  No clamp to the depth is needed: d below
 * the cutoff LVL_START(depth) stays below level `depth`.
 */
static inline unsigned delay_level(uint64_t d)
{
	unsigned lvl;

	if (d < LVL_START(1))
		return 0;
	lvl = ((unsigned)bit_fls64(d) - 2) / CLK_SHIFT;
	/* no branch: which way it goes depends on d, and delays are random */
	lvl -= (unsigned)((d >> LVL_SHIFT(lvl - 1)) < LVL_START(1));
	return lvl;
}

/* Bucket index for `expires` against base clock `clk`; its expiry jiffy in *bexp. */
static inline uint32_t calc_bucket(uint64_t expires, uint64_t clk, uint64_t *bexp)
{
	uint64_t d = expires - clk;
	unsigned lvl;
	uint64_t e;

	if ((int64_t)d < 0) {
		*bexp = clk;
		return (uint32_t)(clk & LVL_MASK);
	}
	if (d >= wheel_cutoff) {
		expires = clk + wheel_max_timeout;
		d = wheel_max_timeout;
	}
	lvl = delay_level(d);
	e = (expires >> LVL_SHIFT(lvl)) + 1;
	*bexp = e << LVL_SHIFT(lvl);
	return lvl * LVL_SIZE + (uint32_t)(e & LVL_MASK);
}

/* Distance from bucket `from` upward (wrapping) to the next pending one of `lvl`, or -1. */
static int next_pending(const struct timer_base *base, unsigned lvl, unsigned from)
{
	uint64_t map = base->pending_map[lvl];

	if (from)
		map = (map >> from) | (map << (LVL_SIZE - from));
	return bit_ffs64(map);
}

/*
 * next_expiry from the bitmaps alone.  At level n, c is clk rounded up to
 * that level's granule (in granules), so the first pending bucket at
 * distance pos expires at (c + pos) << 3n.  A hit no farther than the start
 * of the next level's first bucket cannot be beaten by a coarser level.
 */
static void recompute(struct timer_base *base)
{
	uint64_t c = base->clk;
	uint64_t next = base->clk + NO_TIMER_DELTA;
	bool found = false;

	spin_assert_held(&base->lock);
	for (unsigned lvl = 0; lvl < wheel_depth; lvl++) {
		int pos = next_pending(base, lvl, (unsigned)(c & LVL_MASK));
		unsigned low = (unsigned)(c & CLK_MASK);

		if (pos >= 0) {
			uint64_t e = (c + (uint64_t)pos) << LVL_SHIFT(lvl);

			if (time_before(e, next))
				next = e;
			found = true;
			if ((unsigned)pos <= ((CLK_DIV - low) & CLK_MASK))
				break;
		}
		c = (c >> CLK_SHIFT) + (low != 0);
	}
	set_next_expiry(base, next);
	base->timers_pending = found;
	base->recalc = false;
}

/* §1.8: move clk up to now, never past a pending bucket; now > clk. */
static void forward_clk_to(struct timer_base *base, uint64_t now)
{
	spin_assert_held(&base->lock);
	if (base->recalc)
		recompute(base);
	if (!base->timers_pending) {
		base->clk = now;
		set_next_expiry(base, now + NO_TIMER_DELTA);
	} else {
		base->clk = time_after(base->next_expiry, now) ? now : base->next_expiry;
	}
}

/* Inline, as a base whose clk is already at now is the common case of an enqueue. */
static inline void forward_clk(struct timer_base *base, uint64_t now)
{
	if (time_after(now, base->clk))
		forward_clk_to(base, now);
}

/* ---- bucket lists ---- */

static void unlink_timer(struct timer *t)
{
	struct timer **pprev = t->pprev;

	*pprev = t->next;
	if (t->next)
		set_pprev(t->next, pprev);
	t->next = NULL;
	set_pprev(t, NULL);
}

/* Queue t in base; true if it became the base's first event. */
static bool enqueue(struct timer_base *base, struct timer *t, uint64_t expires)
{
	uint64_t bexp;
	uint32_t idx = calc_bucket(expires, base->clk, &bexp);
	struct timer **head = &base->bucket[idx];

	spin_assert_held(&base->lock);
	t->expires = expires;
	t->bucket = (uint16_t)idx;
	t->next = *head;
	if (t->next)
		set_pprev(t->next, &t->next);
	*head = t;
	set_pprev(t, head);
	base->pending_map[idx / LVL_SIZE] |= 1ull << (idx % LVL_SIZE);
	if (base->timers_pending && !time_before(bexp, base->next_expiry))
		return false;
	/* exact even if recalc was set: the stale value was a lower bound */
	set_next_expiry(base, bexp);
	base->timers_pending = true;
	base->recalc = false;
	return true;
}

/*
 * For a collected timer t->bucket is stale; an empty bucket there has its
 * bit clear already (a bit is set exactly while its bucket is non-empty),
 * so clearing it again is harmless and recalc only costs a recompute.
 */
static bool detach_if_pending(struct timer_base *base, struct timer *t)
{
	uint32_t idx = t->bucket;

	spin_assert_held(&base->lock);
	if (!t->pprev)
		return false;
	unlink_timer(t);
	if (!base->bucket[idx]) {
		base->pending_map[idx / LVL_SIZE] &= ~(1ull << (idx % LVL_SIZE));
		base->recalc = true;
	}
	return true;
}

/* ---- finding and moving a timer's base ---- */

/*
 * Lock the base t is on (interrupts already off).  NULL only for a timer
 * whose cpu field is corrupt or that stays MIGRATING far longer than the
 * mover's single lock acquisition (freed or overwritten), after a bug
 * report.  The waiting and the reports are out of line: lock_timer_base()
 * below tries once inline, which is all a timer that is not moving needs.
 */
static __attribute__((noinline)) struct timer_base *lock_timer_base_wait(struct timer *t)
{
	for (uint32_t spins = 0;; spins++) {
		/* acquire: pairs with the release store in migrate() */
		uint32_t f = __atomic_load_n(&t->flags, __ATOMIC_ACQUIRE);
		uint32_t cpu = tcpu(t);
		struct timer_base *base;

		if (cpu >= TIMER_MAX_CPUS) {
			arch_bug("timer: timer names CPU %u, beyond TIMER_MAX_CPUS (callback %s)",
				 cpu, t->cb->name);
			return NULL;
		}
		if (!(f & TIMER_MIGRATING)) {
			base = base_of(cpu, f);
			spin_lock(&base->lock);
			if (tflags(t) == f && tcpu(t) == cpu)
				return base;
			spin_unlock(&base->lock);
		}
		if (spins == MIGRATING_SPINS) {
			arch_bug("timer: timer stuck between two bases (callback %s)",
				 t->cb->name);
			return NULL;
		}
		arch_cpu_relax();
	}
}

static inline struct timer_base *lock_timer_base(struct timer *t)
{
	/* acquire: pairs with the release store in migrate() */
	uint32_t f = __atomic_load_n(&t->flags, __ATOMIC_ACQUIRE);
	uint32_t cpu = tcpu(t);

	if (__builtin_expect(!(f & TIMER_MIGRATING) && cpu < TIMER_MAX_CPUS, 1)) {
		struct timer_base *base = base_of(cpu, f);

		spin_lock(&base->lock);
		if (__builtin_expect(tflags(t) == f && tcpu(t) == cpu, 1))
			return base;
		spin_unlock(&base->lock);
	}
	return lock_timer_base_wait(t);
}

/*
 * Move unqueued t from locked `from` to `to`, returning with only `to`
 * locked.  While MIGRATING is set no lock covers t and lock_timer_base()
 * waits, so nobody can queue it twice.
 */
static void migrate(struct timer *t, struct timer_base *from,
		    struct timer_base *to, uint32_t newflags)
{
	spin_assert_held(&from->lock);
	newflags &= ~TIMER_MIGRATING;
	if (from->running_timer == t) {
		newflags &= ~TIMER_HINT_MASK;
		newflags |= (base_number(from) + 1) << TIMER_HINT_SHIFT;
	}
	set_tflags(t, tflags(t) | TIMER_MIGRATING);
	spin_unlock(&from->lock);
	spin_lock(&to->lock);
	__atomic_store_n(&t->cpu, (uint16_t)to->cpu, __ATOMIC_RELAXED);
	/* release: pairs with the acquire load in lock_timer_base() */
	__atomic_store_n(&t->flags, (uint16_t)newflags, __ATOMIC_RELEASE);
}

/* ---- arming ---- */

enum arm_mode { ARM_ADD, ARM_MOD, ARM_ADD_ON };

/* timer_add, timer_mod and timer_add_on; returns whether t was pending. */
static bool arm(struct timer *t, uint64_t expires, enum arm_mode mode,
		uint32_t on_cpu, const char *op)
{
	struct timer_base *base, *to;
	unsigned long irq;
	uint32_t me, f;
	uint64_t now, bexp;
	bool pending, kick;

	if (!timer_valid(t, op, true))
		return false;
	if (mode == ARM_ADD_ON && on_cpu >= TIMER_MAX_CPUS) {
		arch_bug("timer: %s to CPU %u, beyond TIMER_MAX_CPUS (callback %s)",
			 op, on_cpu, t->cb->name);
		return false;
	}
	irq = arch_irq_save();
	me = cur_cpu();
	base = lock_timer_base(t);
	if (!base) {
		arch_irq_restore(irq);
		return false;
	}
	pending = t->pprev != NULL;
	if (pending && mode != ARM_MOD) {
		spin_unlock(&base->lock);
		arch_irq_restore(irq);
		arch_bug("timer: %s of a timer that is already pending (callback %s); use timer_mod()",
			 op, t->cb->name);
		return true;
	}
	if (pending && t->expires == expires) {
		spin_unlock(&base->lock);
		arch_irq_restore(irq);
		return true;
	}

	f = tflags(t);
	if (mode == ARM_ADD_ON) {
		f |= TIMER_PINNED;
		to = &bases[on_cpu][BASE_LOCAL];
	} else {
		to = base_of(me, f);
		/* §1.5: a timer whose callback runs stays where it runs */
		if (to != base && base->running_timer == t)
			to = base;
	}
	now = jiffies_now();

	if (pending) {
		if (to == base) {
			forward_clk(base, now);
			if (!base->running_timer &&
			    calc_bucket(expires, base->clk, &bexp) == t->bucket) {
				/*
				 * Same bucket, hence the same bucket expiry.  With
				 * no callback running no timer is collected, so
				 * t->bucket is live (race 2).
				 */
				t->expires = expires;
				count(&stats[me].s.deleted);
				count(&stats[me].s.added);
				spin_unlock(&base->lock);
				arch_irq_restore(irq);
				return true;
			}
		}
		detach_if_pending(base, t);
		count(&stats[me].s.deleted);
	}
	if (to != base)
		migrate(t, base, to, f);
	/* race 5: never onto a parked CPU's base; its current flags keep a run hint */
	while (!MUTANT(T05) && to->moved_to != BASE_ONLINE) {
		struct timer_base *next = &bases[to->moved_to][to->kind];

		migrate(t, to, next, tflags(t));
		to = next;
	}
	forward_clk(to, now);
	/* §1.11: an idle owner must hear about a new first event from another CPU */
	kick = enqueue(to, t, expires) && to->cpu != me && base_idle(to);
	count(&stats[me].s.added);
	if (kick)
		count(&stats[me].s.kicks_sent);
	spin_unlock(&to->lock);
	arch_irq_restore(irq);
	if (kick)
		arch_kick_cpu(to->cpu);
	return pending;
}

/* ---- expiry ---- */

/* Move the buckets due at next_expiry to heads[]; returns the level count used. */
static unsigned collect(struct timer_base *base, struct timer **heads)
{
	uint64_t c = base->next_expiry;
	unsigned levels = 0;

	spin_assert_held(&base->lock);
	base->clk = c;
	for (unsigned lvl = 0; lvl < wheel_depth; lvl++) {
		uint32_t slot = (uint32_t)(c & LVL_MASK);
		uint64_t bit = 1ull << slot;

		heads[lvl] = NULL;
		if (base->pending_map[lvl] & bit) {
			struct timer **b = &base->bucket[lvl * LVL_SIZE + slot];

			base->pending_map[lvl] &= ~bit;
			heads[lvl] = *b;
			*b = NULL;
			set_pprev(heads[lvl], &heads[lvl]);
			levels = lvl + 1;
		}
		if (c & CLK_MASK)
			break;	/* coarser levels are not due at this jiffy */
		c >>= CLK_SHIFT;
	}
	base->clk++;	/* one ahead: a re-arm for "now" goes to the next jiffy */
	recompute(base);
	return levels;
}

/* Run the collected lists, coarsest first; base locked, interrupts off. */
static uint32_t expire(struct timer_base *base, struct timer **heads,
		       unsigned levels, uint32_t me)
{
	uint32_t ran = 0;
	struct timer *t;

	spin_assert_held(&base->lock);
	while (levels--) {
		while ((t = heads[levels]) != NULL) {
			timer_fn fn = t->cb->fn;

			unlink_timer(t);
			base->running_timer = t;
			base->running_cpu = me;
			spin_unlock(&base->lock);
			fn(t);	/* t may be re-armed or freed from here on */
			/* unlocked, running_timer still set: a remote run finds it busy */
			YP("timer.callback_returned", t);
			count(&stats[me].s.fired);
			spin_lock(&base->lock);
			base->running_timer = NULL;
			base->running_cpu = NO_CPU;
			ran++;
		}
	}
	return ran;
}

/* run_base() past its unlocked test: something may be due at `now`. */
static uint32_t run_base_locked(struct timer_base *base, uint32_t me, uint64_t now)
{
	struct timer *heads[DEPTH_MAX];
	uint32_t ran = 0;

	spin_lock(&base->lock);
	if (base->running_timer) {
		/* race 1: another CPU is expiring this base; what it leaves is for later */
		spin_unlock(&base->lock);
		return 0;
	}
	for (;;) {
		unsigned levels;

		if (base->recalc)
			recompute(base);
		if (time_before(now, base->clk) || time_before(now, base->next_expiry))
			break;
		if (!base->timers_pending) {
			base->clk = now;
			set_next_expiry(base, now + NO_TIMER_DELTA);
			break;
		}
		levels = collect(base, heads);
		ran += expire(base, heads, levels, me);
	}
	spin_unlock(&base->lock);
	return ran;
}

/*
 * Expire what is due on `base` at jiffy `now` from CPU `me`; interrupts
 * off.  Most ticks find nothing due: that test is inline and takes no lock.
 */
static inline uint32_t run_base(struct timer_base *base, uint32_t me, uint64_t now)
{
	if (time_before(now, __atomic_load_n(&base->next_expiry, __ATOMIC_RELAXED)))
		return 0;
	return run_base_locked(base, me, now);
}

/*
 * The migration hierarchy's part of idle entry (§1.10).  On the tick-stop
 * path the CPU hands its exported global event to the hierarchy
 * (tmigr_cpu_deactivate); when it is already idle and re-evaluates after an
 * interrupt, a changed first global event is a new timer while idle
 * (tmigr_cpu_new_timer).  Either returns the wake-up the CPU owes as a
 * migrator (TIMER_NO_EVENT mostly); without the hierarchy (tmigr=off, or
 * the CPU not available in it) the CPU's own global event comes back: it
 * wakes for its global timers itself.  Called with both base locks held
 * (lock order: timer bases before the hierarchy's locks).
 */
static uint64_t hierarchy_wakeup(uint64_t global_ns, uint64_t local_ns, bool mark_idle,
				 bool was_idle)
{
	/*
	 * local_ns is when our one-shot fires for a pinned timer: a forced
	 * wake-up the hierarchy may rely on when it comes first.
	 */
	if (!mark_idle)
		return tmigr_quick_check(global_ns);
	if (was_idle)
		return tmigr_cpu_new_timer_at(global_ns, local_ns);
	return tmigr_cpu_deactivate_at(global_ns, local_ns);
}

/* Base's next event jiffy in *next; false if it has no timer.  Locked. */
static bool base_next(struct timer_base *base, uint64_t *next)
{
	spin_assert_held(&base->lock);
	if (base->recalc)
		recompute(base);
	*next = base->next_expiry;
	return base->timers_pending;
}

/* ---- interface ---- */

void timer_init(uint32_t hz, uint64_t bias)
{
	uint64_t now;

	if (hz == 0 || hz > 1000000) {
		kprintf("timer: HZ %u outside 1..1000000, using 1000\n", hz);
		hz = 1000;
	}
	tick_ns = 1000000000ull / hz;
	tick_recip = tick_ns > 1 ? UINT64_MAX / tick_ns : 0;
	jiffies_bias = bias;
	wheel_depth = hz > 100 ? DEPTH_MAX : DEPTH_LOW_HZ;
	wheel_cutoff = LVL_START(wheel_depth);
	wheel_max_timeout = wheel_cutoff - LVL_GRAN(wheel_depth - 1);
	memset(bases, 0, sizeof(bases));
	memset(stats, 0, sizeof(stats));
	now = jiffies_now();
	for (uint32_t cpu = 0; cpu < TIMER_MAX_CPUS; cpu++) {
		for (uint32_t k = 0; k < NR_BASES; k++) {
			struct timer_base *b = &bases[cpu][k];

			b->cpu = cpu;
			b->kind = k;
			b->running_cpu = NO_CPU;
			b->moved_to = BASE_ONLINE;
			b->clk = now;
			b->next_expiry = now + NO_TIMER_DELTA;
		}
	}
}

void timer_cpu_init(uint32_t cpu)
{
	uint64_t now = jiffies_now();

	if (cpu >= TIMER_MAX_CPUS) {
		arch_bug("timer: timer_cpu_init(%u) beyond TIMER_MAX_CPUS (%u)", cpu,
			 (unsigned)TIMER_MAX_CPUS);
		return;
	}
	for (uint32_t k = 0; k < NR_BASES; k++) {
		struct timer_base *b = &bases[cpu][k];
		unsigned long irq = spin_lock_irqsave(&b->lock);

		forward_clk(b, now);
		set_base_idle(b, false);
		b->moved_to = BASE_ONLINE;
		spin_unlock_irqrestore(&b->lock, irq);
	}
}

uint64_t timer_jiffies(void)
{
	return jiffies_now();
}

uint64_t timer_jiffies_to_ns(uint64_t j)
{
	uint64_t d = j - jiffies_bias;

	if ((int64_t)d < 0)
		return 0;		/* before the clock's origin */
	if (d > UINT64_MAX / tick_ns)
		return TIMER_NO_EVENT;	/* beyond what ns can express */
	return d * tick_ns;
}

uint64_t timer_tick_ns(void)
{
	return tick_ns;
}

void timer_setup_cb(struct timer *t, const struct timer_callback *cb,
		    uint32_t flags)
{
	static const struct timer_callback no_callback = { NULL, "?" };

	if (!cb)
		cb = &no_callback;	/* a set-up timer always has a descriptor */
	if (!t) {
		arch_bug("timer: timer_setup of a NULL timer (callback %s)", cb->name);
		return;
	}
	if (t->magic == TIMER_MAGIC && timer_pending(t)) {
		arch_bug("timer: timer_setup of a pending timer (callback %s)", t->cb->name);
		return;
	}
	if (!cb->fn)
		arch_bug("timer: timer_setup with a NULL callback (callback %s)", cb->name);
	if (flags & ~TIMER_PUBLIC_FLAGS) {
		arch_bug("timer: timer_setup with unknown flags 0x%x (callback %s)",
			 flags, cb->name);
		flags &= TIMER_PUBLIC_FLAGS;
	}
	t->next = NULL;
	set_pprev(t, NULL);
	t->expires = 0;
	t->cb = cb;
	set_tflags(t, flags);
	__atomic_store_n(&t->cpu, (uint16_t)cur_cpu(), __ATOMIC_RELAXED);
	t->bucket = 0;
	t->magic = TIMER_MAGIC;
}

void timer_add(struct timer *t, uint64_t expires)
{
	arm(t, expires, ARM_ADD, 0, "timer_add");
}

void timer_add_on(struct timer *t, uint64_t expires, uint32_t cpu)
{
	arm(t, expires, ARM_ADD_ON, cpu, "timer_add_on");
}

bool timer_mod(struct timer *t, uint64_t expires)
{
	return arm(t, expires, ARM_MOD, 0, "timer_mod");
}

bool timer_del(struct timer *t)
{
	struct timer_base *base;
	unsigned long irq;
	bool was;

	if (!timer_valid(t, "timer_del", false))
		return false;
	irq = arch_irq_save();
	base = lock_timer_base(t);
	if (!base) {
		arch_irq_restore(irq);
		return false;
	}
	was = detach_if_pending(base, t);
	if (was)
		count(&stats[cur_cpu()].s.deleted);
	spin_unlock(&base->lock);
	arch_irq_restore(irq);
	return was;
}

/*
 * Delete, then wait while the callback runs on another CPU (on t's base,
 * or on the base it was moved away from while running: race 3).  From the
 * callback itself running_cpu is this CPU, so there is nothing to wait for.
 * The wait is as long as the callback; past DEL_SYNC_WARN_NS it is
 * reported once, and continues: returning would let the caller free memory
 * the callback still uses.
 */
bool timer_del_sync(struct timer *t)
{
	uint64_t start = 0;
	bool was = false, timing = false, warned = false;
	uint32_t me;

	if (!timer_valid(t, "timer_del_sync", false))
		return false;
	me = cur_cpu();
	for (;;) {
		unsigned long irq = arch_irq_save();
		struct timer_base *base = lock_timer_base(t);
		struct timer_base *hint;
		uint32_t busy;

		if (!base) {
			arch_irq_restore(irq);
			return was;
		}
		if (detach_if_pending(base, t)) {
			was = true;
			count(&stats[me].s.deleted);
		}
		busy = running_elsewhere(base, t, me);
		hint = hint_base(tflags(t));
		spin_unlock(&base->lock);
		if (busy == NO_CPU && hint && hint != base) {
			spin_lock(&hint->lock);
			busy = running_elsewhere(hint, t, me);
			spin_unlock(&hint->lock);
		}
		arch_irq_restore(irq);
		if (busy == NO_CPU)
			return was;
		if (!timing) {
			start = arch_now_ns();
			timing = true;
		} else if (!warned && arch_now_ns() - start > DEL_SYNC_WARN_NS) {
			kprintf("timer: timer_del_sync waits > 1 s for callback %s on CPU %u\n",
				t->cb->name, busy);
			warned = true;
		}
		arch_cpu_relax();
	}
}

bool timer_pending(const struct timer *t)
{
	return __atomic_load_n(&t->pprev, __ATOMIC_RELAXED) != NULL;
}

void timer_check_free(struct timer *t)
{
	struct timer_base *base;
	unsigned long irq;
	uint32_t busy, cpu;
	bool was;

	if (!t || t->magic != TIMER_MAGIC)
		return;		/* never set up, or already checked: nothing queued */
	irq = arch_irq_save();
	base = lock_timer_base(t);
	if (!base) {
		arch_irq_restore(irq);
		return;
	}
	was = detach_if_pending(base, t);	/* the wheel must not keep a pointer to freed memory */
	if (was)
		count(&stats[cur_cpu()].s.deleted);
	busy = running_elsewhere(base, t, cur_cpu());
	cpu = base->cpu;
	spin_unlock(&base->lock);
	arch_irq_restore(irq);
	if (was)
		arch_bug("timer: timer freed while pending on CPU %u (callback %s); removed it",
			 cpu, t->cb->name);
	if (busy != NO_CPU)
		arch_bug("timer: timer freed while its callback runs on CPU %u (callback %s); use timer_del_sync()",
			 busy, t->cb->name);
	t->magic = TIMER_MAGIC_FREED;
}

uint32_t timer_run_cpu_bases(uint32_t *global_ran)
{
	uint32_t me = cur_cpu(), ran, g;
	unsigned long irq = arch_irq_save();
	uint64_t now = jiffies_now();

	ran = run_base(&bases[me][BASE_LOCAL], me, now);
	if (ran)
		now = jiffies_now();	/* LOCAL's callbacks took time: read it again */
	g = run_base(&bases[me][BASE_GLOBAL], me, now);
	arch_irq_restore(irq);
	if (global_ran)
		*global_ran = g;
	return ran;
}

uint32_t timer_run_cpu(void)
{
	uint32_t g, l = timer_run_cpu_bases(&g);

	return l + g;
}

uint32_t timer_run_remote(uint32_t cpu)
{
	unsigned long irq;
	uint32_t ran, me;

	if (cpu >= TIMER_MAX_CPUS) {
		arch_bug("timer: timer_run_remote(%u) beyond TIMER_MAX_CPUS (%u)", cpu,
			 (unsigned)TIMER_MAX_CPUS);
		return 0;
	}
	me = cur_cpu();
	irq = arch_irq_save();
	ran = run_base(&bases[cpu][BASE_GLOBAL], me, jiffies_now());
	arch_irq_restore(irq);
	return ran;
}

uint64_t timer_next_event(bool mark_idle, struct timer_next *out)
{
	uint32_t me = cur_cpu();
	struct timer_base *lb = &bases[me][BASE_LOCAL];
	struct timer_base *gb = &bases[me][BASE_GLOBAL];
	struct timer_next tn = { TIMER_NO_EVENT, TIMER_NO_EVENT, false };
	unsigned long irq;
	uint64_t basej, nl, ng;
	bool has_l, has_g;

	irq = spin_lock_irqsave(&lb->lock);
	spin_lock(&gb->lock);		/* lock order: LOCAL before GLOBAL */
	basej = jiffies_now();
	has_l = base_next(lb, &nl);
	has_g = base_next(gb, &ng);
	if (has_l || has_g) {
		bool local_first = has_l && (!has_g || !time_after(nl, ng));
		uint64_t next = local_first ? nl : ng;

		if (!time_after(next, basej + 1)) {
			/* due within a tick: keep the tick, nothing to export */
			tn.within_tick = true;
			tn.local_ns = timer_jiffies_to_ns(time_after(next, basej) ? next : basej);
			if (!local_first)
				tn.global_ns = tn.local_ns;
		} else {
			/* the global event matters to others only if it comes first */
			if (!local_first)
				tn.global_ns = timer_jiffies_to_ns(ng);
			if (has_l)
				tn.local_ns = timer_jiffies_to_ns(nl);
		}
	}
	if (!tn.within_tick) {
		bool pulled = tmigr_cpu_available(me);	/* a migrator pulls our global timers */
		uint64_t w = hierarchy_wakeup(tn.global_ns, tn.local_ns, mark_idle,
					      base_idle(lb));

		if (w < tn.local_ns)
			tn.local_ns = w;
		if (mark_idle) {
			set_base_idle(lb, true);
			/*
			 * Only LOCAL takes remote enqueues that must kick us.
			 * GLOBAL does too when no hierarchy pulls our global
			 * timers (a callback re-arming on our GLOBAL base
			 * while a migrator runs it is re-exported by that
			 * migrator, not kicked).
			 */
			set_base_idle(gb, !pulled);
		}
		/* with the hierarchy the global event is its business, not ours */
		if (pulled)
			tn.global_ns = TIMER_NO_EVENT;
	}
	forward_clk(lb, basej);
	forward_clk(gb, basej);
	spin_unlock(&gb->lock);
	spin_unlock_irqrestore(&lb->lock, irq);
	if (out)
		*out = tn;
	return tn.local_ns < tn.global_ns ? tn.local_ns : tn.global_ns;
}

void timer_idle_exit(void)
{
	uint32_t me = cur_cpu();
	unsigned long irq = arch_irq_save();

	/* unlocked: a stale "idle" seen by an enqueuer costs one needless kick */
	set_base_idle(&bases[me][BASE_LOCAL], false);
	set_base_idle(&bases[me][BASE_GLOBAL], false);
	tmigr_cpu_activate();		/* right after, so the two never disagree for long */
	arch_irq_restore(irq);
}

void timer_with_export(uint32_t cpu,
		       void (*fn)(uint32_t cpu, uint64_t global_ns, bool expiring, void *arg),
		       void *arg)
{
	struct timer_base *lb, *gb;
	uint64_t nl, ng, g = TIMER_NO_EVENT;
	bool has_l, has_g;

	if (cpu >= TIMER_MAX_CPUS) {
		arch_bug("timer: timer_with_export(%u) beyond TIMER_MAX_CPUS", cpu);
		return;
	}
	lb = &bases[cpu][BASE_LOCAL];
	gb = &bases[cpu][BASE_GLOBAL];
	spin_lock(&lb->lock);
	spin_lock(&gb->lock);		/* lock order: LOCAL before GLOBAL */
	has_l = base_next(lb, &nl);
	has_g = base_next(gb, &ng);
	if (has_g && (!has_l || time_before(ng, nl)))
		g = timer_jiffies_to_ns(ng);
	/* running_timer is set only while a callback runs with the lock dropped */
	fn(cpu, g, gb->running_timer != NULL, arg);
	spin_unlock(&gb->lock);
	spin_unlock(&lb->lock);
}

/* ---- CPU park: moving every timer of a CPU (docs/cpus.md §7.5) ---- */

/*
 * Lock `from` and `to` (one kind, two CPUs), lower CPU first, once no
 * callback of `from` runs: a remote expiry in progress holds collected
 * timers on its stack, which cannot be moved, and its callbacks re-arm on
 * `from` (§1.5), so we wait it out and move what it left.  false (nothing
 * locked) when the running callback is the caller itself: a bug.
 */
static bool lock_pair_idle(struct timer_base *from, struct timer_base *to, uint32_t me)
{
	struct timer_base *first = from->cpu < to->cpu ? from : to;
	struct timer_base *second = first == from ? to : from;

	for (;;) {
		spin_lock(&first->lock);
		spin_lock(&second->lock);
		if (!from->running_timer)
			return true;
		if (from->running_cpu == me) {
			spin_unlock(&second->lock);
			spin_unlock(&first->lock);
			arch_bug("timer: timer_migrate_cpu(%u) from a callback of that CPU's (callback %s)",
				 from->cpu, from->running_timer->cb->name);
			return false;
		}
		spin_unlock(&second->lock);
		spin_unlock(&first->lock);
		arch_cpu_relax();
	}
}

/*
 * Move every timer queued in `from` to `to`, both locked; true if one
 * became `to`'s first event.  t->expires is kept and the timer is placed
 * against `to`'s clock, forwarded to now first: its new bucket expires
 * after t->expires (or at once if that is past), never before.  t->cpu is
 * stored relaxed: lock_timer_base() trusts it only after re-reading it
 * under the base lock, and both locks are held here.
 */
static bool move_base(struct timer_base *from, struct timer_base *to, uint32_t *moved)
{
	uint32_t buckets = LVL_SIZE * wheel_depth;
	bool first = false;

	spin_assert_held(&from->lock);
	spin_assert_held(&to->lock);
	forward_clk(to, jiffies_now());
	for (uint32_t idx = 0; idx < buckets; idx++) {
		struct timer *t;

		while ((t = from->bucket[idx]) != NULL) {
			unlink_timer(t);
			__atomic_store_n(&t->cpu, (uint16_t)to->cpu, __ATOMIC_RELAXED);
			first |= enqueue(to, t, t->expires);
			(*moved)++;
		}
	}
	memset(from->pending_map, 0, sizeof(from->pending_map));
	from->timers_pending = false;
	from->recalc = false;
	set_next_expiry(from, from->clk + NO_TIMER_DELTA);
	return first;
}

uint32_t timer_migrate_cpu(uint32_t from, uint32_t to)
{
	uint32_t me = cur_cpu(), moved = 0;
	bool kick = false;

	if (from >= TIMER_MAX_CPUS || to >= TIMER_MAX_CPUS || from == to) {
		arch_bug("timer: timer_migrate_cpu(%u, %u): no such pair of CPUs", from, to);
		return 0;
	}
	for (uint32_t k = 0; k < NR_BASES; k++) {
		struct timer_base *fb = &bases[from][k], *tb = &bases[to][k];
		unsigned long irq = arch_irq_save();

		if (!lock_pair_idle(fb, tb, me)) {
			arch_irq_restore(irq);
			return moved;
		}
		kick |= move_base(fb, tb, &moved);
		/* race 5: from here an enqueue onto fb lands on tb */
		fb->moved_to = to;
		spin_unlock(&tb->lock);
		spin_unlock(&fb->lock);
		arch_irq_restore(irq);
	}
	/*
	 * A new first timer on `to`: it re-evaluates its wake-up, and, idle in
	 * the hierarchy, exports the new global event (the kick is the same a
	 * remote timer_add_on sends, §1.11; here GLOBAL too, which no remote
	 * enqueue otherwise reaches).
	 */
	if (kick && to != me) {
		count(&stats[me].s.kicks_sent);
		arch_kick_cpu(to);
	}
	return moved;
}

void timer_cpu_online(uint32_t cpu)
{
	if (cpu >= TIMER_MAX_CPUS) {
		arch_bug("timer: timer_cpu_online(%u) beyond TIMER_MAX_CPUS", cpu);
		return;
	}
	for (uint32_t k = 0; k < NR_BASES; k++) {
		struct timer_base *b = &bases[cpu][k];
		unsigned long irq = spin_lock_irqsave(&b->lock);

		b->moved_to = BASE_ONLINE;
		forward_clk(b, jiffies_now());
		spin_unlock_irqrestore(&b->lock, irq);
	}
}

/* Timers linked in `base`; under its lock.  Walks every non-empty bucket. */
static uint32_t base_count(struct timer_base *base)
{
	uint32_t n = 0;

	spin_assert_held(&base->lock);
	for (uint32_t i = 0; i < BUCKETS_MAX; i++)
		for (struct timer *t = base->bucket[i]; t; t = t->next)
			n++;
	return n;
}

void timer_count_pending(uint32_t cpu, uint32_t *pinned, uint32_t *global)
{
	struct timer_base *lb, *gb;
	unsigned long irq;

	*pinned = *global = 0;
	if (cpu >= TIMER_MAX_CPUS)
		return;
	lb = &bases[cpu][BASE_LOCAL];
	gb = &bases[cpu][BASE_GLOBAL];
	irq = spin_lock_irqsave(&lb->lock);
	spin_lock(&gb->lock);		/* lock order: LOCAL before GLOBAL */
	*pinned = base_count(lb);
	*global = base_count(gb);
	spin_unlock(&gb->lock);
	spin_unlock_irqrestore(&lb->lock, irq);
}

void timer_get_stats(uint32_t cpu, struct timer_stats *out)
{
	if (cpu >= TIMER_MAX_CPUS) {
		memset(out, 0, sizeof(*out));
		return;
	}
	out->added = __atomic_load_n(&stats[cpu].s.added, __ATOMIC_RELAXED);
	out->fired = __atomic_load_n(&stats[cpu].s.fired, __ATOMIC_RELAXED);
	out->deleted = __atomic_load_n(&stats[cpu].s.deleted, __ATOMIC_RELAXED);
	out->kicks_sent = __atomic_load_n(&stats[cpu].s.kicks_sent, __ATOMIC_RELAXED);
}
