// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tmigr: the pull-model timer migration hierarchy.
 *
 * Purpose.  A global (not pinned) timer of an idle CPU should not wake that
 * CPU: some CPU that is awake anyway can run it.  Timers are always armed
 * on the arming CPU's own wheel (kernel/timer.c); only at expiry are the
 * idle CPUs' global timers "pulled" by one active CPU, the migrator.  Which
 * CPU that is comes from a tree of groups (the design: docs/tmigr.md
 * §2-§5, the algorithm Linux merged in 6.9 plus every fix made since; the
 * races R-nn: docs/races.md; the code here is ours).  "design §n" below
 * is a section of docs/tmigr.md.
 *
 *                           GRP2:0  (root)
 *                 ____________/ \____________
 *            GRP1:0                         GRP1:1          level 1
 *         /   ...   \                    /   ...   \
 *     GRP0:0  ...  GRP0:7            GRP0:8  ...  GRP0:15   level 0
 *     /  ..  \                        /  ..  \
 *   CPU0 .. CPU7                   CPU64 .. CPU71
 *
 * Each group has up to TMIGR_FANOUT children (CPUs at level 0, groups
 * above).  A group is active when one of its children is; it then names
 * exactly one active child its migrator.  Following migrator bits down
 * from any active group ends at an active CPU, which at every tick checks
 * the queues of every group it is migrator of (and of any group above with
 * no migrator at all) for due events.
 *
 * Events.  Every CPU and every group owns one event.  An idle CPU puts its
 * first global expiry, or its forced wake-up when that comes first (see
 * below), into its level-0 group's queue.  A group
 * that is inactive puts its own first event into its parent's queue, and so
 * on up to the first active group, whose migrator sees it, or to the root.
 * When the root becomes inactive the CPU that made it so gets the root's
 * first event as its `wakeup` and programs it: the idle migrator.  Queues
 * hold at most one event per child, so a queue is an array of TMIGR_FANOUT
 * slots (child slot = bit index of the child's groupmask) and the first
 * event is a linear minimum; next_expiry caches it for lockless readers.
 *
 * State word (32 bits, CAS only): active mask (bits 0-7), migrator bit or
 * TMIGR_NONE (bits 8-15), sequence count (bits 16-31, +1 on every update;
 * it defeats the ABA of R-01).  Legal: migrator == NONE iff active == 0,
 * otherwise exactly one bit that is also in active; never 0.
 *
 * Walks.  A CPU's own change (activate, deactivate, new timer while idle)
 * walks from its level-0 group to the root under its per-CPU lock, one step
 * per level, loading `parent` once per level.  activate stops at the
 * first group that was already active; deactivate stops at the first group
 * that stays active; each deactivation step also fixes the queues
 * (update_events).  A migrator's remote expiry pops a due event, runs that
 * CPU's GLOBAL wheel (always, itself included: R-22), then re-walks the
 * CPU's path so that whatever was queued behind it moves up again.
 *
 * Growth (hot-add).  Groups are created when a CPU is prepared for its
 * first online, by an active control CPU, from a static pool.  When
 * the root is full a new root is created above it: the new top is given
 * its final groupmask (bit 0) at creation and the next root keeps slot 0
 * for the old root; parent pointers are published with a
 * release store after everything they lead to is initialized; the
 * old root is linked under the new one and then probed with a fully
 * ordered read-modify-write: if it is active, the control CPU propagates
 * that activity upward, otherwise any CPU activating it later is ordered
 * after the probe and sees the new parent, and the idle old root's
 * queued events are exported into the new root (Q7).  Linking the old root
 * always uses the new root's reserved slot, never a search for room (with
 * fan-out 2 the new root is full).  If linking fails, the CPU's fresh
 * branch is undone, so a retry starts over.  Groups never go away.
 *
 * Locking (order, outermost first): timer base locks (LOCAL, GLOBAL) ->
 * per-CPU lock -> group locks bottom-up (child before parent).  The setup
 * lock serializes growth, the available lock changes of availability; both
 * are taken before any of the above.  State words are never under a lock
 * but update_events reads them with the child and group locks held.
 *
 *   group field     guard
 *   lock            -
 *   parent          written once under setup lock, release; read acquire
 *   groupmask, slot final before the group is reachable (O10)
 *   state           CAS only (O1-O4)
 *   queue[], events queued here: expires, cpu, queued   group lock
 *   event.ignore    set true locklessly, false only under the queue's lock,
 *                   read once per update_events (O6, R-18)
 *   next_expiry     written under lock, read locklessly (O7): never later
 *                   than the first non-ignored event, may be earlier
 *
 *   cpu field       guard
 *   available, idle, remote   per-CPU lock (O12)
 *   wakeup          written under per-CPU lock, read locklessly (O8)
 *   forced          owner, under per-CPU lock; read by the owner and by
 *                   the remote re-queue under the lock
 *   holding         owner, with interrupts off; read by walkers at the
 *                   idle root under its lock
 *
 *   root field      guard (meaningful while the group is the idle root)
 *   holder, holder_at, holder_seq   group lock
 *   group, groupmask set by prepare before the CPU runs (O14)
 *
 * Memory ordering, per site of the design's table: O1 every successful
 * state CAS is seq_cst; O2 inactive_up reads the group state with acquire
 * (pairs with the activator's CAS on it, so the child state it then reads
 * is at least as new as what the activator wrote there first); O3 an
 * acquire fence after a failed CAS before the child is re-read; O4
 * active_up's first read is relaxed (the value only seeds the CAS); O9
 * parent is store-release / load-acquire; O11 the hot-add probe is a
 * seq_cst fetch_or of 0.  Everything a CPU may sleep on (idle entry, new
 * timer while idle, remote re-walk, park) goes through locks or those
 * orderings; only the tick-time checks read locklessly, and they repeat
 * every tick.
 *
 * Duplicate idle migrators (our addition to the design).  Several idle
 * CPUs can hold a wake-up for the idle root's first event: the last CPU
 * that went idle and every idle CPU whose new-timer walk reached the idle
 * root (design Q9: "at least one").  Left alone, each of them re-derives
 * the root's next event every time it wakes, so they all keep waking at
 * every instant.  Rule: an idle CPU whose wake-up was due and that found no
 * due event on its whole way up retires (wake-up INF).  Whoever removed
 * those events still covers what follows: a CPU that popped one walks on
 * to the top and takes the next event as its wake-up, or stops below an
 * active group whose migrator checks every tick; an event that vanished
 * because its owner woke made the owner's path active.  A CPU woken early
 * (by its own timer, R-04) is not retired: its wake-up was not due.
 *
 * Forced wake-ups (ours, design §2.16).  When an idle CPU's one-shot fires
 * for a pinned timer at or before its first global timer, it exports that
 * time instead, marked forced (event.forced, under the queue's lock like
 * expires; a group event copies its first event's mark).  A group whose
 * first event is forced owes no wake-up (duty_expiry): its owner wakes then,
 * and every other event below is at or after it.  So the last CPU going
 * idle, a walk reaching the idle root and a duty walk's top level take no
 * wake-up for it, and no CPU wakes for a global event that a CPU awake at or
 * before it will run.  What this relies on, exactly:
 *  - the promise: the owner sets c->forced (owner only, under its
 *    per-CPU lock, before the walk that publishes the event) and clears it
 *    only in its duty walk at or after that time, or when it leaves idle or
 *    the hierarchy; served, it becomes the owner's own event if that is a
 *    later forced one still published (exported over the earlier, or left
 *    queued by a decision with nothing to export), so that no forced event
 *    stays queued without its promise.  While it is set, the owner's
 *    idle decision programs the one-shot no later than it:
 *    tmigr_cpu_deactivate_at() and tmigr_cpu_new_timer_at() return at most
 *    c->forced, and the one-shot is programmed only from that return
 *    (kernel/idle.c).  Another CPU that
 *    deletes or moves the pinned timer never reprograms the owner's device
 *    (a remote add kicks only for an earlier first timer, a delete never),
 *    so the one-shot stays armed and the wake-up happens, even when the
 *    owner decides again meanwhile with nothing new to export;
 *  - the duty walk: an idle CPU whose forced wake-up is due answers
 *    tmigr_requires_remote() with true, so kernel/tick.c's interrupt runs
 *    tmigr_handle_remote(): it pops every due event on its way up (its own
 *    forced event too, which runs its GLOBAL wheel and re-exports its next
 *    global timer by the remote walk) and takes the topmost idle level's
 *    first event as its wake-up (none if that is forced: its owner covers
 *    it).  Its next idle decision exports its next forced wake-up or global
 *    timer; that walk, reaching the idle root, takes the root's duty as
 *    every walk does (R-06, R-11, R-26 keep holding as for any wake-up).
 *    A forced wake-up is no hierarchy wake-up for R-26: an owner that
 *    re-exported its global timer after publishing the forced one may alone
 *    owe the idle root's first event, so a duty walk at the forced time
 *    that pops nothing keeps the wake-up it found;
 *  - lateness: a global timer covered by a forced wake-up runs no later
 *    than its bucket expiry plus the lateness of the CPU relied on (a
 *    starved vCPU delays the duty walk, which then runs all that is due);
 *    never lost, by the promise;
 *  - every pinned wake-up known: c->forced is the CPU's pinned
 *    one-shot time even when a global timer comes first, and the remote
 *    re-queue exports it, marked forced, once the global timers before it
 *    have run (unless it is already past: the owner is late);
 *  - one holder: the idle root records the CPU that took its first
 *    event; a later walk that finds a valid record at or before that event
 *    takes none.  The holder's c->holding is a promise like c->forced
 *    (one-shot never later, duty walk when due, served there), and a
 *    recorded holder never retires under R-26 (root_holder_take());
 *  - duplicates that remain: a record goes stale when the root is
 *    activated, and a CPU that took a global event E keeps that one-shot
 *    when another CPU later publishes an earlier forced wake-up; both
 *    wake at E and the one that pops nothing retires or finds the
 *    other's record.  A one-shot cannot be taken back without waking its
 *    CPU.  Active migrators pop due forced events like others (an empty
 *    remote wheel run: work, not a wake-up).
 *
 * Known races (design §4, docs/races.md), each excluded by construction;
 * the host harness (tests/host/test_tmigr_races.c; test_tmigr_growth.c for
 * test_tmigr_busy_remote_expiry.c for R-27) forces each
 * interleaving and a mutant build (MUTANT(Rnn), kernel/mutant.h) puts the
 * bug back to prove the test (the invariant checkers those tests and the
 * stress test use, and the dumps, are in kernel/tmigr_debug.c):
 *  R-01 ABA on a state word             seq count bumped on every CAS
 *  R-02 child read before group read    acquire load, fence after failed CAS
 *  R-03 offline hand-off via a flag     park forces another CPU active
 *  R-04 idle migrator woken early       firstexp = each level's next_expiry
 *  R-05 stale firstexp after remote     remote walks never compute firstexp
 *  last idle CPU w/o timer    ignored event still does the root check
 *  R-07 forecast of unavailable CPU     every entry returns its own event
 *  R-08 new timer vs last idle CPU      states read under the locks
 *  R-09 quick check only at the top     minimum over all levels
 *  R-11 stale idle-migrator wakeup      not on duty: walk anyway, store INF
 *  R-12 unchanged expiry, stale owner   owner refreshed even when kept
 *  R-13 unwind out of bounds            free only what this call allocated,
 *                                       undo phase 1 if phase 2 fails
 *  R-14 parent read twice in one step   one snapshot per step
 *  R-15 growth by the incoming CPU      growth by an active control CPU
 *  stale mask via new parent  mask preset, parent released last
 *  R-19 old root not linked             slot 0 reserved, one root asserted
 *  R-20 cross-node under node group     unfold per-node groups
 *  R-21 new root idle under active old  ordered RMW probe of the old root
 *  R-22 remote expiry skipping self     run the wheel unconditionally
 *  R-23 control CPU outside hierarchy   delegate to a member, or link idle
 *  R-27 (ours) remote expiry while the  the wheel runs nothing and the event
 *       owner runs its own callbacks    comes back due: re-queue it at the
 *                                       next jiffy, not where it was
 *  R-28 (ours) the group we leave goes  a deactivation that queued its event
 *       idle between our CAS and our    into a group it finds idle under the
 *       queuing (its last CPU exported  lock walks on like a new timer
 *       its queue without our event)
 *  R-29 (ours) a forced wake-up relied  the one-shot never later than the
 *       on, then its timer deleted      published c->forced until served
 *  R-30 (ours) the forced CPU is late   its duty walk runs all due at its
 *                                       wake-up: late by its lateness only
 *  R-31 (ours) a forced wake-up finds   retire only when the
 *       nothing due and retires, the    hierarchy wake-up was due, never
 *       root's duty with it             for the forced one alone
 *  R-32 (ours) a later forced event     serving c->forced re-records our
 *       outlives the served c->forced   own forced event if still queued
 *  R-33 (ours) two CPUs armed for the   the idle root records its holder;
 *       idle root's first event         a valid record covers later walks
 *  R-34 (ours) a pinned wake-up lost    c->forced always recorded, and
 *       after a remote expiry           re-exported by the remote re-queue
 *  R-35 (ours) a due forced event whose a forced event owes no wake-up only
 *       promise was served covers       until it is due (duty_expiry)
 *       the events behind it
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
#include "kernel/tmigr_internal.h"
#include "lib/bitops.h"
#include "lib/counter.h"
#include "lib/string.h"

#if TMIGR_FANOUT < 2 || TMIGR_FANOUT > 8 || (TMIGR_FANOUT & (TMIGR_FANOUT - 1))
#error "TMIGR_FANOUT must be a power of two from 2 to 8"
#endif

void (*tmigr_yield_hook)(const char *where, const void *obj);
uint32_t tmigr_fail_alloc_at;

struct tmigr_walk {
	uint64_t nextexp;		/* in: exported global event of the CPU */
	uint64_t firstexp;		/* out: first event of the idle root, or per level */
	uint64_t now;			/* remote walks: one snapshot for the whole walk */
	struct tmigr_event *evt;	/* the CPU event (re)queued at level 0 */
	uint8_t childmask;		/* our bit in the current group */
	bool remote;			/* this walk follows a remote expiry */
	bool forced;			/* in: the CPU's event is its forced wake-up */
	bool check;			/* out of requires_remote_up */
	bool popped;			/* out of handle_remote_up: an event was due */
	bool record;			/* in: a walk at the idle root may record us its holder */
	bool held;			/* out: it did */
	uint32_t fired;			/* out of handle_remote_up: timers the expiries ran */
	/* out of update_events: g was idle under its lock; its parent, or NULL */
	struct tmigr_group *idle_parent;
};

typedef bool (*tmigr_step)(struct tmigr_group *g, struct tmigr_group *child,
			   struct tmigr_walk *w);

/* ---- globals ---- */

/* shared with kernel/tmigr_debug.c through kernel/tmigr_internal.h */
struct tmigr_cpu tmigr_cpus[TMIGR_MAX_CPUS];
struct tmigr_ring tmigr_rings[TMIGR_MAX_CPUS];
struct tmigr_group tmigr_pool[TMIGR_MAX_GROUPS];
uint32_t tmigr_possible_cpus;

#ifdef TMIGR_RING_TRACE
static uint64_t ring_seq;		/* relaxed: a global order of entries */
#endif
static struct tmigr_stats stats[TMIGR_MAX_CPUS];
static struct tmigr_group *level_list[TMIGR_MAX_LEVELS][TMIGR_MAX_GROUPS / 2 + 8];
static uint32_t level_count[TMIGR_MAX_LEVELS];	/* setup lock */
static struct tmigr_group *root;		/* setup lock; relaxed for readers */
static struct spinlock setup_lock = SPINLOCK_INIT;
static struct spinlock available_lock = SPINLOCK_INIT;
static struct tmigr_platform platform;
static uint32_t levels, crossnode_level;
static bool enabled;				/* set at init, cleared by tmigr=off */

/* ---- small helpers ---- */

static inline uint32_t st_pack(uint8_t active, uint8_t migrator, uint16_t seq)
{
	return (uint32_t)active | ((uint32_t)migrator << 8) | ((uint32_t)seq << 16);
}

static inline uint32_t st_next_seq(uint32_t s)
{
	if (MUTANT(R01))
		return s;	/* mutant: no sequence count, ABA possible */
	return st_pack(TMIGR_ST_ACTIVE(s), TMIGR_ST_MIGRATOR(s),
		       (uint16_t)(TMIGR_ST_SEQ(s) + 1));
}

/*
 * The words whose ordering the design's table (O1-O11) is about -- group
 * state, parent pointer, groupmask -- are accessed through these.  In
 * the kernel they are the __atomic builtins; in weak host builds
 * (TMSIM_WEAK) they go through the weak-memory model of
 * tests/host/tmweak.h, which may return any value the C11 model allows.
 */
#ifdef TMSIM_WEAK
#include "tmweak.h"
#define TM_LOAD(kind, obj, p, order)					\
	((__typeof__(*(p)))(uintptr_t)tmweak_load((kind), (obj), (p), sizeof(*(p)), (order)))
#define TM_STORE(kind, obj, p, v, order)				\
	tmweak_store((kind), (obj), (p), sizeof(*(p)), (uint64_t)(uintptr_t)(v), (order))
#define TM_CAS(kind, obj, p, expp, v, succ, fail)			\
	tmweak_cas((kind), (obj), (p), sizeof(*(p)), (expp), (uint64_t)(v), (succ), (fail))
#define TM_FETCH_OR(kind, obj, p, v, order)				\
	((__typeof__(*(p)))tmweak_fetch_or((kind), (obj), (p), sizeof(*(p)), (v), (order)))
#define TM_FENCE(order)		tmweak_fence(order)
#else
#define TM_LOAD(kind, obj, p, order)		__atomic_load_n((p), (order))
#define TM_STORE(kind, obj, p, v, order)	__atomic_store_n((p), (v), (order))
#define TM_CAS(kind, obj, p, expp, v, succ, fail)			\
	__atomic_compare_exchange_n((p), (expp), (v), false, (succ), (fail))
#define TM_FETCH_OR(kind, obj, p, v, order)	__atomic_fetch_or((p), (v), (order))
#define TM_FENCE(order)				__atomic_thread_fence(order)
#endif

static inline uint32_t load_state(const struct tmigr_group *g, int order)
{
	return TM_LOAD(TMWEAK_STATE, g, &g->state, order);
}

static inline struct tmigr_group *load_parent(const struct tmigr_group *g)
{
	YP("parent.load", g);
	/* acquire: pairs with the release store in connect() (O9, R-17) */
	return TM_LOAD(TMWEAK_PARENT, g, &g->parent, __ATOMIC_ACQUIRE);
}

/* Final before the group is reachable (O10): relaxed, ordered by the parent load. */
static inline uint8_t load_mask(const struct tmigr_group *g)
{
	return TM_LOAD(TMWEAK_MASK, g, &g->groupmask, __ATOMIC_RELAXED);
}

static inline void set_ignore(struct tmigr_event *e, bool v)
{
	__atomic_store_n(&e->ignore, v, __ATOMIC_RELAXED);
}

static inline void set_next_expiry(struct tmigr_group *g, uint64_t v)
{
	__atomic_store_n(&g->next_expiry, v, __ATOMIC_RELAXED);
}

static inline void set_wakeup(struct tmigr_cpu *c, uint64_t v)
{
	__atomic_store_n(&c->wakeup, v, __ATOMIC_RELAXED);
}

/*
 * Owner only, under its per-CPU lock; relaxed: its lockless reader is the
 * owner, the remote re-queue reads it under the lock.
 */
static inline void set_forced(struct tmigr_cpu *c, uint64_t v)
{
	__atomic_store_n(&c->forced, v, __ATOMIC_RELAXED);
}

/*
 * Written by the owner only, with interrupts off (its walks, under its
 * per-CPU lock except the duty walk of its own interrupt), and by a park
 * under the per-CPU lock.  Relaxed: a walker at the idle root reads it
 * under the root's lock to check that a record's promise still stands;
 * the owner's write that makes the record is under that lock too.
 */
static inline void set_holding(struct tmigr_cpu *c, uint64_t v)
{
	__atomic_store_n(&c->holding, v, __ATOMIC_RELAXED);
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static inline unsigned lowest_bit(uint8_t m)
{
	return (unsigned)__builtin_ctz(m);
}

static uint32_t tmigr_this_cpu(void)
{
	uint32_t cpu = arch_cpu_id();

	if (cpu >= TMIGR_MAX_CPUS) {
		arch_bug("tmigr: CPU %u beyond TMIGR_MAX_CPUS (%u)", cpu,
			 (unsigned)TMIGR_MAX_CPUS);
		return 0;
	}
	return cpu;
}

static void ring_add(uint32_t kind, uint32_t obj, uint64_t a, uint64_t b)
{
	struct tmigr_ring *r = &tmigr_rings[tmigr_this_cpu()];
	uint32_t h = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	struct ring_entry *e = &r->e[h % RING_SIZE];

	e->ns = arch_now_ns();
#ifdef TMIGR_RING_TRACE
	e->seq = __atomic_fetch_add(&ring_seq, 1, __ATOMIC_RELAXED);
#endif
	e->kind = kind;
	e->obj = obj;
	e->a = a;
	e->b = b;
	__atomic_store_n(&r->head, h + 1, __ATOMIC_RELAXED);
}

/* Tick-aligned "now" in ns: the start of the current jiffy (design notation). */
static uint64_t tick_now(void)
{
	return timer_jiffies_to_ns(timer_jiffies());
}

/* ---- queues (group lock held) ---- */

/* Drop ignored events, refresh next_expiry, return the first one left. */
static struct tmigr_event *first_event(struct tmigr_group *g)
{
	struct tmigr_event *first = NULL;

	spin_assert_held(&g->lock);
	for (unsigned i = 0; i < TMIGR_FANOUT; i++) {
		struct tmigr_event *e = g->queue[i];

		if (!e)
			continue;
		if (ev_ignored(e)) {
			g->queue[i] = NULL;
			e->queued = false;
			continue;
		}
		/* on a tie the forced wake-up leads: it covers the other */
		if (!first || e->expires < first->expires ||
		    (e->expires == first->expires && e->forced && !first->forced))
			first = e;
	}
	set_next_expiry(g, first ? first->expires : TMIGR_INF);
	return first;
}

static void queue_remove(struct tmigr_group *g, struct tmigr_event *e)
{
	spin_assert_held(&g->lock);
	g->queue[e->slot] = NULL;
	e->queued = false;
}

/* Insert; next_expiry only ever moves earlier here, so it stays a lower bound. */
static void queue_insert(struct tmigr_group *g, struct tmigr_event *e)
{
	spin_assert_held(&g->lock);
	if (g->queue[e->slot])
		arch_bug("tmigr: group %u slot %u already holds an event", g->id, e->slot);
	g->queue[e->slot] = e;
	e->queued = true;
	if (e->expires < next_expiry(g))
		set_next_expiry(g, e->expires);
}

/* Remove and return the first non-ignored event if due at `now`. */
static struct tmigr_event *pop_expired(struct tmigr_group *g, uint64_t now)
{
	struct tmigr_event *e = first_event(g);

	if (!e || e->expires > now)
		return NULL;
	queue_remove(g, e);
	first_event(g);
	return e;
}

/*
 * The wake-up a CPU owes for a group whose first event is `f`: a
 * forced wake-up needs none, its owner wakes then anyway and walks on duty
 * (tmigr_requires_remote), and every other event below is at or after it.
 * Unless it is due already (R-35, finding F5 of the spin model,
 * docs/tmigr-model.md section 9): its owner may have served its promise
 * in a duty walk that stopped below an active group, which then went idle
 * before its migrator looked; the event is then nobody's promise.  Owed
 * then, at once: the walker wakes and pops it (one wake-up at most, in
 * that race).  The clock is read now, under the group's lock: an event not
 * yet due is still promised, as its owner serves it only in a duty walk at
 * or after it, which comes after this read and finds the event, or stops
 * at an active group whose migrator finds it due.  Caller holds the lock
 * of the group `f` is in.
 */
static uint64_t duty_expiry(const struct tmigr_event *f)
{
	if (!f)
		return TMIGR_INF;
	if (!f->forced)
		return f->expires;
	if (!MUTANT(R35) && f->expires <= tick_now())
		return f->expires;	/* due: owed, whoever's promise it was */
	return TMIGR_INF;
}

/*
 * The idle root's holder record: the wake-up a walk that reaches
 * the idle root owes for its first event `fe` (already duty_expiry()'d).
 * A record names the idle CPU that took the root's first event at
 * `holder_at` in an earlier walk; it is valid while the root's state has
 * not changed since (same seq: the root stayed idle, so that CPU has not
 * woken into activity) and while that CPU still promises it (its
 * `holding` no later than `holder_at`: the 16-bit seq may wrap, and a
 * parked CPU's promise is gone).  A valid record of another CPU at or
 * before `fe` covers us: we owe nothing.  Otherwise we owe `fe` and record
 * ourselves, promising it in c->holding, which keeps our one-shot no later
 * than it (with_forced) until our duty walk at or after it, like a forced
 * wake-up.  Our own record is dropped first: a walk of ours
 * re-decides what we owe (the promise check alone would also void it once
 * our duty walk served `holding`, but a record should say what is true).
 */
static uint64_t root_holder_take(struct tmigr_group *g, uint32_t gs, uint64_t fe,
				 struct tmigr_walk *w)
{
	uint32_t me = tmigr_this_cpu(), h = g->holder;

	spin_assert_held(&g->lock);
	if (MUTANT(R33))
		return fe;	/* mutant R-33: no record, every walk at the idle root owes */
	if (h == me)
		g->holder = h = TMIGR_MAX_CPUS;	/* ours: re-decided below */
	if (fe == TMIGR_INF)
		return fe;
	if (h != TMIGR_MAX_CPUS && h != me && g->holder_seq == TMIGR_ST_SEQ(gs) &&
	    g->holder_at <= fe &&
	    __atomic_load_n(&tmigr_cpus[h].holding, __ATOMIC_RELAXED) <= g->holder_at)
		return TMIGR_INF;
	g->holder = me;
	g->holder_at = fe;
	g->holder_seq = (uint16_t)TMIGR_ST_SEQ(gs);
	/* ours, before the root's lock is dropped: a walker that reads the record reads this */
	if (fe < tmigr_cpus[me].holding)
		set_holding(&tmigr_cpus[me], fe);
	w->held = true;
	return fe;
}

/* ---- the walk framework (design §2.6) ---- */

static void walk_from(tmigr_step step, struct tmigr_walk *w,
		      struct tmigr_group *child, struct tmigr_group *group)
{
	uint32_t depth = 0;
	bool stop;

	while (group) {		/* NULL: nothing above (a top group) */
		YP("walk.step", group);
		stop = step(group, child, w);
		YP("walk.step_end", group);	/* a step's own parent loads end here */
		if (stop)
			return;
		child = group;
		if (MUTANT(R16)) {
			/* mutant: mask read before the parent that makes it meaningful */
			w->childmask = load_mask(child);
			YP("walk.mask_read", child);
			group = load_parent(child);
		} else {
			group = load_parent(child);
			w->childmask = load_mask(child);	/* final before child was reachable (O10) */
		}
		if (!group)
			return;
		if (++depth >= TMIGR_MAX_LEVELS || !w->childmask)
			arch_bug("tmigr: walk from group %u: depth %u, childmask %#x",
				 child->id, depth, w->childmask);
	}
}

static void walk_cpu(tmigr_step step, struct tmigr_walk *w, struct tmigr_cpu *c)
{
	w->childmask = c->groupmask;
	walk_from(step, w, NULL, c->group);
}

static bool is_my_duty(const struct tmigr_group *g, uint8_t mask)
{
	uint8_t m = TMIGR_ST_MIGRATOR(load_state(g, __ATOMIC_RELAXED));

	return m == mask || m == TMIGR_NONE;
}

static void trace_state(const struct tmigr_group *g, uint32_t old, uint32_t nxt)
{
	ring_add(RING_STATE, g->id, old, nxt);
}

/* ---- child became active (design §2.8) ---- */

static bool active_up(struct tmigr_group *g, struct tmigr_group *child,
		      struct tmigr_walk *w)
{
	uint8_t m = w->childmask;
	/* relaxed (O4): the new value does not depend on the child's state */
	uint32_t cur = load_state(g, __ATOMIC_RELAXED), nxt;
	bool stop;

	(void)child;
	YP("active_up.before_cas", g);
	do {
		uint8_t active = TMIGR_ST_ACTIVE(cur) | m;
		uint8_t migr = TMIGR_ST_MIGRATOR(cur);

		stop = true;
		if (migr == TMIGR_NONE) {
			migr = m;	/* group was inactive: the parent must learn */
			stop = false;
		}
		nxt = st_next_seq(st_pack(active, migr, TMIGR_ST_SEQ(cur)));
		/* seq_cst on success (O1): publishes the child's CAS to whoever acquires ours */
	} while (!TM_CAS(TMWEAK_STATE, g, &g->state, &cur, nxt,
			 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	trace_state(g, cur, nxt);
	YP("active_up.after_cas", g);
	set_ignore(&g->groupevt, true);		/* lockless true is allowed (O6) */
	return stop;
}

/* ---- the only place that changes queues on the way up (design §2.10) ---- */

static bool update_events(struct tmigr_group *g, struct tmigr_group *child,
			  struct tmigr_walk *w)
{
	/* one parent snapshot for every decision of this step */
	struct tmigr_group *p = load_parent(g);
	struct tmigr_event *ev, *first;
	uint32_t gs;
	uint64_t nexp;
	bool ign, nforced, stop = false;

	w->idle_parent = NULL;
	if (child) {
		uint32_t cs;

		if (MUTANT(R08))
			gs = load_state(g, __ATOMIC_RELAXED);	/* mutant: state read before the locks */
		YP("update_events.before_lock", g);
		spin_lock(&child->lock);
		spin_lock(&g->lock);
		/* both states under both locks (O5, R-08) */
		cs = load_state(child, __ATOMIC_RELAXED);
		if (!MUTANT(R08))
			gs = load_state(g, __ATOMIC_RELAXED);
		if (TMIGR_ST_ACTIVE(cs)) {
			/* an active child's migrator handles its queue */
			spin_unlock(&g->lock);
			spin_unlock(&child->lock);
			return true;
		}
		first = first_event(child);
		nexp = next_expiry(child);
		ev = &child->groupevt;
		ign = nexp == TMIGR_INF;
		nforced = first && first->forced;
		set_ignore(ev, ign);	/* under child's lock; may race with a lockless true */
	} else {
		ev = w->evt;
		first = ev;
		nexp = w->nextexp;
		nforced = w->forced;
		ign = ev_ignored(ev);	/* read once */
		/*
		 * The parent-level step purges it; at the root we must check
		 * (R-10; the mutant takes the fast return even at the root).
		 */
		if (ign && !w->remote && (p || MUTANT(R10)))
			return true;
		if (MUTANT(R08)) {
			gs = load_state(g, __ATOMIC_RELAXED);	/* mutant: state read before the lock */
			YP("update_events.state_read", g);
		}
		YP("update_events.before_lock", g);
		spin_lock(&g->lock);
		if (!MUTANT(R08))
			gs = load_state(g, __ATOMIC_RELAXED);
	}
	YP("update_events.locked", g);
	/* read under g's lock: whoever made g idle propagated before us, or will after */
	w->idle_parent = !ign && TMIGR_ST_MIGRATOR(gs) == TMIGR_NONE ? p : NULL;
#ifdef TMIGR_RING_TRACE
	ring_add(RING_UPD, g->id,
		 (child ? child->id : 0xffffu) | ((uint64_t)ev->queued << 16) |
		 ((uint64_t)ign << 17) | ((uint64_t)w->remote << 18) |
		 ((uint64_t)(gs & 0xffff) << 32),
		 ign ? TMIGR_INF : nexp);
#endif

	if (MUTANT(P01) && child && ev->queued && !ign && nexp < ev->expires)
		goto top;	/* mutant P-01: a group's earlier first expiry is not propagated */
	if (ev->queued) {
		if (ev->expires == nexp && ev->forced == nforced && !ign) {
			if (!MUTANT(R12))
				ev->cpu = first->cpu;	/* refresh the owner even if kept */
			goto top;
		}
		queue_remove(g, ev);
		first_event(g);
	}
	if (ign) {
		/*
		 * Nothing to propagate from here, except on a remote walk
		 * through an idle group: its copy above must be refreshed.
		 */
		if (!w->remote || TMIGR_ST_ACTIVE(gs))
			stop = true;
	} else {
		ev->expires = nexp;
		ev->forced = nforced;
		ev->cpu = first->cpu;
		queue_insert(g, ev);
	}
top:
	if (MUTANT(R14))
		p = load_parent(g);	/* mutant: a second read for the root decision */
	if (MUTANT(R06) && ign && !p && !w->remote) {
		spin_unlock(&g->lock);
		if (child)
			spin_unlock(&child->lock);
		return true;	/* mutant: no root check when nothing to export */
	}
	if (!p && TMIGR_ST_MIGRATOR(gs) == TMIGR_NONE) {
		/* g is the idle root: whoever touches it owes the first event */
		stop = true;
		if (!w->remote) {
			w->firstexp = duty_expiry(first_event(g));
			if (w->record)
				w->firstexp = root_holder_take(g, gs, w->firstexp, w);
		}
	}
	spin_unlock(&g->lock);
	if (child)
		spin_unlock(&child->lock);
	return stop;
}

/* ---- child became inactive (design §2.9) ---- */

static bool inactive_up(struct tmigr_group *g, struct tmigr_group *child,
			struct tmigr_walk *w)
{
	uint8_t m = w->childmask;
	uint32_t cur, nxt;
	bool stop;

	/*
	 * acquire (O2): pairs with the seq_cst CAS of an activator on g.
	 * The mutant reads relaxed: the child read is not ordered after it.
	 */
	cur = load_state(g, MUTANT(R02) ? __ATOMIC_RELAXED : __ATOMIC_ACQUIRE);
	for (;;) {
		uint32_t cs = child ? load_state(child, __ATOMIC_RELAXED) : 0;
		uint8_t active = TMIGR_ST_ACTIVE(cur);
		uint8_t migr = TMIGR_ST_MIGRATOR(cur);

		stop = true;
		if (!TMIGR_ST_ACTIVE(cs)) {
			active &= (uint8_t)~m;
			if (migr == m) {
				if (active) {
					migr = (uint8_t)(1u << lowest_bit(active));
				} else {
					migr = TMIGR_NONE;
					stop = false;	/* g is idle now: tell the parent */
				}
			}
		}
		nxt = st_next_seq(st_pack(active, migr, TMIGR_ST_SEQ(cur)));
		YP("inactive_up.before_cas", g);
		/* seq_cst on success (O1) */
		if (TM_CAS(TMWEAK_STATE, g, &g->state, &cur, nxt,
			   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			break;
		/* a failed CAS orders nothing: fence before re-reading the child (O3) */
		if (!MUTANT(R02F))	/* mutant: no fence after a failed CAS */
			TM_FENCE(__ATOMIC_ACQUIRE);
	}
	trace_state(g, cur, nxt);
	YP("inactive_up.after_cas", g);
	w->remote = false;
	update_events(g, child, w);
	if (!MUTANT(R28) && stop && w->idle_parent) {
		/*
		 * R-28 (ours): g was still active at our CAS, but its last
		 * active CPUs went idle before we queued our event, and the
		 * last of them may already have exported g's queue without
		 * it.  Carry it up as a new-timer walk does (same parent
		 * snapshot, R-14): it stops at an active group, or reaches
		 * the idle root and gives us its first event as our wake-up.
		 */
		w->childmask = load_mask(g);
		walk_from(update_events, w, g, w->idle_parent);
	}
	return stop;
}

/* ---- idle entry, idle exit, new timer (design §2.14 a-c, f) ---- */

static struct tmigr_cpu *me_cpu(uint32_t *id)
{
	*id = tmigr_this_cpu();
	return &tmigr_cpus[*id];
}

void tmigr_cpu_activate(void)
{
	uint32_t id;
	struct tmigr_cpu *c = me_cpu(&id);
	struct tmigr_walk w = { .firstexp = TMIGR_INF };
	unsigned long irq;

	if (!enabled)
		return;
	irq = spin_lock_irqsave(&c->lock);
	if (!c->available || !c->idle) {
		spin_unlock_irqrestore(&c->lock, irq);
		return;
	}
	c->idle = false;
	set_ignore(&c->cpuevt, true);
	set_wakeup(c, TMIGR_INF);
	set_forced(c, TMIGR_INF);	/* awake: the forced wake-up is served */
	if (c->holding != TMIGR_INF)	/* rare: spare the idle exit a store */
		set_holding(c, TMIGR_INF);	/* awake: the root is active, or will be */
	walk_cpu(active_up, &w, c);
	counter_add(&stats[id].activations, 1);
	ring_add(RING_ACTIVE, id, 0, 0);
	spin_unlock_irqrestore(&c->lock, irq);
}

/*
 * What an idle CPU exports: its first global timer, or, when its
 * one-shot fires first or at the same time for a pinned timer, that forced
 * wake-up, marked so.  The forced wake-up is also recorded in c->forced
 * (earliest not yet served), and the CPU's one-shot is never programmed
 * later than it: tmigr_cpu_deactivate_at() and tmigr_cpu_new_timer_at()
 * return at most c->forced (the mutant returns the hierarchy's wake-up
 * alone, so a re-decision may move the one-shot later).
 */
static void export_value(struct tmigr_cpu *c, uint64_t global_ns, uint64_t forced_ns,
			 struct tmigr_walk *w)
{
	w->nextexp = global_ns;
	w->forced = false;
	w->record = true;
	if (forced_ns != TMIGR_INF && forced_ns <= global_ns) {
		w->nextexp = forced_ns;
		w->forced = true;
	}
	/*
	 * Recorded even when the global timer comes first: a re-queue may
	 * export it (R-34; the mutant records only an exported one).  Before
	 * the event can be seen (we hold our per-CPU lock).
	 */
	if (forced_ns < c->forced && (w->forced || !MUTANT(R34)))
		set_forced(c, forced_ns);
}

/* The one-shot: never later than a promise others rely on. */
static uint64_t with_forced(const struct tmigr_cpu *c, uint64_t wakeup)
{
	if (!MUTANT(R33C))	/* mutant R-33c: a holder's one-shot may move past its record */
		wakeup = min_u64(wakeup, c->holding);
	if (MUTANT(R29))
		return wakeup;	/* mutant: the one-shot may move past a published forced wake-up */
	return min_u64(wakeup, c->forced);
}

uint64_t tmigr_cpu_deactivate_at(uint64_t global_ns, uint64_t forced_ns)
{
	uint32_t id;
	struct tmigr_cpu *c = me_cpu(&id);
	struct tmigr_walk w = { .firstexp = TMIGR_INF, .evt = &c->cpuevt };
	unsigned long irq;
	uint64_t r;

	if (!enabled)
		return global_ns;
	irq = spin_lock_irqsave(&c->lock);
	if (!c->available || c->idle) {
		/* unavailable: handles its own timers */
		r = c->available ? with_forced(c, __atomic_load_n(&c->wakeup, __ATOMIC_RELAXED))
				 : global_ns;
		spin_unlock_irqrestore(&c->lock, irq);
		return r;
	}
	export_value(c, global_ns, forced_ns, &w);
	if (w.nextexp != TMIGR_INF)
		set_ignore(&c->cpuevt, false);	/* under our lock; the walk queues it */
	walk_cpu(inactive_up, &w, c);
	c->idle = true;
	set_wakeup(c, w.firstexp);
	counter_add(&stats[id].deactivations, 1);
	ring_add(RING_IDLE, id, w.nextexp, w.firstexp);
	r = with_forced(c, w.firstexp);
	spin_unlock_irqrestore(&c->lock, irq);
	return r;
}

uint64_t tmigr_cpu_deactivate(uint64_t global_ns)
{
	return tmigr_cpu_deactivate_at(global_ns, TMIGR_INF);
}

uint64_t tmigr_cpu_new_timer_at(uint64_t global_ns, uint64_t forced_ns)
{
	uint32_t id;
	struct tmigr_cpu *c = me_cpu(&id);
	struct tmigr_walk w = { .firstexp = TMIGR_INF, .evt = &c->cpuevt };
	unsigned long irq;
	uint64_t r;

	if (!enabled)
		return global_ns;
	irq = spin_lock_irqsave(&c->lock);
	if (!c->available) {
		spin_unlock_irqrestore(&c->lock, irq);
		return global_ns;
	}
	r = __atomic_load_n(&c->wakeup, __ATOMIC_RELAXED);
	export_value(c, global_ns, forced_ns, &w);
	if (MUTANT(P02) && w.nextexp == c->cpuevt.expires)
		w.nextexp = TMIGR_INF;	/* mutant P-02: our ignored event of that expiry stays ignored */
	if (w.nextexp != TMIGR_INF &&
	    (w.nextexp != c->cpuevt.expires || w.forced != c->cpuevt.forced ||
	     ev_ignored(&c->cpuevt))) {
		if (c->remote) {
			r = TMIGR_INF;	/* the migrator re-walks for us after expiring */
		} else {
			set_ignore(&c->cpuevt, false);
			walk_cpu(update_events, &w, c);
			r = w.firstexp;	/* not INF only if the root is idle */
		}
		set_wakeup(c, r);
		counter_add(&stats[id].new_timers, 1);
		ring_add(RING_NEW_TIMER, id, w.nextexp, r);
	}
	r = with_forced(c, r);
	spin_unlock_irqrestore(&c->lock, irq);
	return r;
}

uint64_t tmigr_cpu_new_timer(uint64_t global_ns)
{
	return tmigr_cpu_new_timer_at(global_ns, TMIGR_INF);
}

uint64_t tmigr_quick_check(uint64_t global_ns)
{
	uint32_t id;
	struct tmigr_cpu *c = me_cpu(&id);
	struct tmigr_group *g;
	uint32_t s;

	if (!enabled || !__atomic_load_n(&c->available, __ATOMIC_RELAXED)) {
		if (MUTANT(R07) && enabled)
			return TMIGR_INF;	/* mutant: forecast forgets its own timer */
		return global_ns;		/* */
	}
	g = c->group;
	s = load_state(g, __ATOMIC_RELAXED);
	if ((TMIGR_ST_MIGRATOR(s) != c->groupmask && TMIGR_ST_MIGRATOR(s) != TMIGR_NONE) ||
	    bit_popcount64(TMIGR_ST_ACTIVE(s)) > 1)
		return TMIGR_INF;
	if (MUTANT(R09)) {
		/* mutant: only the top level's next_expiry counts */
		struct tmigr_group *top = g;

		for (; g; g = load_parent(g)) {
			if (bit_popcount64(TMIGR_ST_ACTIVE(load_state(g, __ATOMIC_RELAXED))) > 1)
				return TMIGR_INF;
			top = g;
		}
		return next_expiry(top) < global_ns ? next_expiry(top) : global_ns;
	}
	for (; g; g = load_parent(g)) {		/* by parent links (R-08b) */
		uint64_t e;

		if (bit_popcount64(TMIGR_ST_ACTIVE(load_state(g, __ATOMIC_RELAXED))) > 1)
			return TMIGR_INF;	/* someone else stays active */
		e = next_expiry(g);
		if (e < global_ns)
			global_ns = e;		/* minimum over all levels */
	}
	return global_ns;
}

/* ---- tick-time check and remote expiry (design §2.12, §2.13) ---- */

static bool requires_remote_up(struct tmigr_group *g, struct tmigr_group *child,
			       struct tmigr_walk *w)
{
	(void)child;
	if (!is_my_duty(g, w->childmask))
		return true;
	w->firstexp = next_expiry(g);
	if (w->now >= w->firstexp) {
		w->check = true;
		return true;
	}
	return false;
}

bool tmigr_requires_remote(void)
{
	uint32_t id;
	struct tmigr_cpu *c = me_cpu(&id);
	struct tmigr_walk w = { .firstexp = TMIGR_INF };

	if (!enabled || !__atomic_load_n(&c->available, __ATOMIC_RELAXED))
		return false;
	w.now = tick_now();
	if (__atomic_load_n(&c->idle, __ATOMIC_RELAXED)) {
		uint64_t wk = __atomic_load_n(&c->wakeup, __ATOMIC_RELAXED);

		/* our forced wake-up: others relied on us to walk now */
		if (!MUTANT(R30) && w.now >= __atomic_load_n(&c->forced, __ATOMIC_RELAXED))
			return true;
		/* our record at the idle root: others relied on us too */
		if (w.now >= __atomic_load_n(&c->holding, __ATOMIC_RELAXED))
			return true;
		return w.now >= wk;
	}
	/* lockless: repeated every tick, a stale read costs one tick (§3.1) */
	walk_cpu(requires_remote_up, &w, c);
	return w.check;
}

/*
 * Called by the wheel with `t`'s LOCAL and GLOBAL base locks held (arg:
 * the walk's `now`): re-queue t's event and end our remote expiry of it.
 */
static void requeue_locked(uint32_t t, uint64_t g, bool expiring, void *arg)
{
	uint64_t now = *(const uint64_t *)arg;
	struct tmigr_cpu *tc = &tmigr_cpus[t];
	struct tmigr_walk w = { .firstexp = TMIGR_INF, .evt = &tc->cpuevt,
				.remote = true, .now = now };

	/*
	 * t's callbacks are running elsewhere (t itself, in an
	 * interrupt), so the wheel ran nothing for us, and what fell due
	 * after that runner took its jiffies is still in it: g may be due.
	 * Queued as it is, it would be popped again at once until the
	 * runner is done (seconds for a preempted vCPU), and, first in its
	 * group, it would hide every other due event below that group from
	 * the levels above.  Look at t again at the next jiffy: by then the
	 * runner has returned (and keeps its tick for what it left due, as
	 * §1.10 keeps it for any event within a tick), or we find it busy
	 * again.  t's event is then later than its first global timer (Q6
	 * relaxed) for at most a jiffy after the runner returns.  (The
	 * mutant re-queues it as it is: popped again and again.)
	 */
	if (!MUTANT(R27) && expiring && g <= now)
		g = now + timer_tick_ns();
	w.nextexp = g;
	spin_lock(&tc->lock);
	/*
	 * t wakes at tc->forced for its pinned timer anyway (its one-shot
	 * is never later, R-29), so when that comes first it is what t exports,
	 * marked forced, as t's own idle decision would have (the wheel hides
	 * a global timer behind an earlier pinned one: g is then INF).  One
	 * already due is not: t is late and its duty walk comes; exported, it
	 * would be popped again at once.
	 */
	if (!MUTANT(R34) && (MUTANT(R34B) || tc->forced > now) && tc->forced <= g) {
		w.nextexp = tc->forced;
		w.forced = true;
	}
	if (tc->available && tc->idle) {
		/* g follows §1.10 under the base locks: a new timer of t waits for us */
		set_ignore(&tc->cpuevt, (MUTANT(R34C) ? g : w.nextexp) == TMIGR_INF);
		walk_cpu(update_events, &w, tc);
	}
	tc->remote = false;
	spin_unlock(&tc->lock);
}

/*
 * Expire idle CPU t's due global timers and re-queue its next event;
 * returns how many timers ran.
 */
static uint32_t handle_remote_cpu(uint32_t t, uint64_t now)
{
	struct tmigr_cpu *tc = &tmigr_cpus[t];
	uint32_t me = tmigr_this_cpu();
	unsigned long irq;
	uint32_t fired;

	irq = spin_lock_irqsave(&tc->lock);
	if (!tc->available || tc->remote || ev_ignored(&tc->cpuevt) ||
	    now < tc->cpuevt.expires) {
		/* parked / another migrator on it / it woke / it re-queued later */
#ifdef TMIGR_RING_TRACE
		ring_add(RING_SKIP, t, (uint64_t)!tc->available | (uint64_t)tc->remote << 1 |
			 (uint64_t)ev_ignored(&tc->cpuevt) << 2, tc->cpuevt.expires);
#endif
		spin_unlock_irqrestore(&tc->lock, irq);
		return 0;
	}
	tc->remote = true;
	set_wakeup(tc, TMIGR_INF);	/* its duty is ours now */
	spin_unlock_irqrestore(&tc->lock, irq);

	YP("remote.before_run", tc);
	/* always, also for ourselves: the wheel's jiffies >= now */
	if (MUTANT(R22) && t == me)
		fired = 0;	/* mutant: our own wheel is skipped */
	else
		fired = timer_run_remote(t);
	YP("remote.after_run", tc);
	counter_add(&stats[me].remote_cpus, 1);
	counter_add(&stats[me].remote_fired, fired);
	ring_add(RING_REMOTE, t, now, fired);

	irq = arch_irq_save();
	timer_with_export(t, requeue_locked, &now);	/* also clears tc->remote */
	arch_irq_restore(irq);
	return fired;
}

static bool handle_remote_up(struct tmigr_group *g, struct tmigr_group *child,
			     struct tmigr_walk *w)
{
	uint32_t loops = 0;

	(void)child;
	for (;;) {
		struct tmigr_event *e;
		unsigned long irq;
		uint32_t target;

		if (!is_my_duty(g, w->childmask))
			return true;	/* an active migrator owns g */
		irq = spin_lock_irqsave(&g->lock);
		e = pop_expired(g, w->now);
		if (!e) {
			/* topmost visited level wins */
			/* mutant R05: after an expiry the level's head is not re-read */
			if (!MUTANT(R05) || !loops) {
				uint32_t gs = load_state(g, __ATOMIC_RELAXED);

				w->firstexp = duty_expiry(first_event(g));
				/* the idle root: our duty too may be covered */
				if (!load_parent(g) && TMIGR_ST_MIGRATOR(gs) == TMIGR_NONE)
					w->firstexp = root_holder_take(g, gs, w->firstexp, w);
			}
			if (MUTANT(R04))
				w->firstexp = TMIGR_INF;	/* mutant: the level's head is dropped */
			spin_unlock_irqrestore(&g->lock, irq);
			return false;
		}
		target = e->cpu;
		w->popped = true;
#ifdef TMIGR_RING_TRACE
		ring_add(RING_POP, g->id, e->expires, target);
#endif
		spin_unlock_irqrestore(&g->lock, irq);
		w->fired += handle_remote_cpu(target, w->now);	/* re-queues only past now */
		if (++loops > TMIGR_MAX_CPUS + TMIGR_MAX_GROUPS) {
			arch_bug("tmigr: handle_remote_up livelock at group %u", g->id);
			return true;
		}
	}
}

/*
 * The forced wake-up we still publish once the recorded one is served at
 * `now`: our own event, when it is a later forced one (exported
 * over the earlier one, which c->forced kept as the minimum, or left
 * queued by a decision that had nothing to export).  Until it is served
 * too it covers what comes after it, so it stays our promise.  Under our
 * lock: every walk that writes our event's expires and mark holds it.
 */
static uint64_t published_forced(const struct tmigr_cpu *c, uint64_t now)
{
	const struct tmigr_event *e = &c->cpuevt;

	if (MUTANT(R32))
		return TMIGR_INF;	/* mutant: the later forced event is nobody's promise */
	if (c->idle && e->forced && !ev_ignored(e) && e->expires > now)
		return e->expires;
	return TMIGR_INF;
}

uint32_t tmigr_handle_remote(void)
{
	uint32_t id;
	struct tmigr_cpu *c = me_cpu(&id);
	struct tmigr_walk w = { .firstexp = TMIGR_INF, .record = true };
	unsigned long irq;
	uint64_t wakeup, forced, holding;

	if (!enabled || !__atomic_load_n(&c->available, __ATOMIC_RELAXED))
		return 0;
	wakeup = __atomic_load_n(&c->wakeup, __ATOMIC_RELAXED);
	forced = __atomic_load_n(&c->forced, __ATOMIC_RELAXED);	/* ours: no race */
	holding = __atomic_load_n(&c->holding, __ATOMIC_RELAXED);	/* ours too */
	/* a forced wake-up, and a holder's, is a duty wake-up too */
	if (!is_my_duty(c->group, c->groupmask) && wakeup == TMIGR_INF && forced == TMIGR_INF &&
	    holding == TMIGR_INF)
		return 0;
	if (MUTANT(R11) && !is_my_duty(c->group, c->groupmask))
		return 0;		/* mutant: a stale wakeup is never reset */
	/* not on duty but wakeup set: walk anyway so it gets reset */
	w.now = tick_now();
	walk_cpu(handle_remote_up, &w, c);
	counter_add(&stats[id].remote_walks, 1);
	/*
	 * our number for this rule in tests/host/tmigr_mutants.txt.
	 * Only a due hierarchy wake-up makes a duplicate: at a forced one
	 * that finds nothing due we may be the only CPU owing the root's
	 * first event (our own, re-exported since we published the forced
	 * one), so the walk's wake-up stands.
	 */
	/* the recorded holder never retires: others rely on it */
	if (!MUTANT(R26) && w.now >= (MUTANT(R31) && forced < wakeup ? forced : wakeup) &&
	    !w.popped && (!w.held || MUTANT(R33D)))
		w.firstexp = TMIGR_INF;	/* a duplicate idle migrator retires (see theory) */
	irq = spin_lock_irqsave(&c->lock);
	if (c->idle || w.firstexp == TMIGR_INF)
		set_wakeup(c, w.firstexp);
	if (w.now >= c->forced)
		set_forced(c, published_forced(c, w.now));	/* served */
	/* served too; our walk may have recorded us again (root_holder_take) */
	if (w.now >= holding)
		set_holding(c, w.held && c->idle ? w.firstexp : TMIGR_INF);
	ring_add(RING_WAKEUP, id, w.now, w.firstexp);
	spin_unlock_irqrestore(&c->lock, irq);
	return w.fired;
}

/* ---- availability: online / unpark, park (design §2.14 g, h) ---- */

void tmigr_set_available(uint32_t cpu)
{
	struct tmigr_cpu *c = &tmigr_cpus[cpu];
	struct tmigr_walk w = { .firstexp = TMIGR_INF };
	unsigned long irq;

	if (!enabled || cpu >= TMIGR_MAX_CPUS)
		return;
	if (!c->group) {
		arch_bug("tmigr: CPU %u goes online without tmigr_prepare()", cpu);
		return;
	}
	irq = spin_lock_irqsave(&available_lock);
	spin_lock(&c->lock);
	if (!c->available) {
		c->idle = false;	/* it runs: its base is not idle here */
		set_ignore(&c->cpuevt, true);
		set_wakeup(c, TMIGR_INF);
		set_forced(c, TMIGR_INF);
		set_holding(c, TMIGR_INF);
		walk_cpu(active_up, &w, c);
		c->available = true;
		ring_add(RING_AVAILABLE, cpu, 0, 0);
	}
	spin_unlock(&c->lock);
	spin_unlock_irqrestore(&available_lock, irq);
}

void tmigr_clear_available(uint32_t cpu)
{
	struct tmigr_cpu *c = &tmigr_cpus[cpu];
	struct tmigr_walk w = { .nextexp = TMIGR_INF, .firstexp = TMIGR_INF,
				.evt = &c->cpuevt };
	unsigned long irq;
	uint32_t other = TMIGR_MAX_CPUS;

	if (!enabled || cpu >= TMIGR_MAX_CPUS)
		return;
	irq = spin_lock_irqsave(&available_lock);
	spin_lock(&c->lock);
	if (!c->available) {
		spin_unlock(&c->lock);
		spin_unlock_irqrestore(&available_lock, irq);
		return;
	}
	c->available = false;
	set_wakeup(c, TMIGR_INF);
	set_forced(c, TMIGR_INF);
	set_holding(c, TMIGR_INF);
	set_ignore(&c->cpuevt, true);	/* its timers will be moved, not exported */
	if (!c->idle)
		walk_cpu(inactive_up, &w, c);
	else
		walk_cpu(update_events, &w, c);
	c->idle = false;
	ring_add(RING_UNAVAILABLE, cpu, 0, w.firstexp);
	spin_unlock(&c->lock);
	if (w.firstexp != TMIGR_INF) {
		/* we were the last active CPU and events remain: hand over */
		for (uint32_t i = 0; i < tmigr_possible_cpus; i++) {
			if (i != cpu && __atomic_load_n(&tmigr_cpus[i].available, __ATOMIC_RELAXED)) {
				other = i;
				break;
			}
		}
	}
	/* the mutant lets nobody take over: the events wait for a chance wake-up */
	if (!MUTANT(R03) && other < TMIGR_MAX_CPUS && platform.force_active)
		platform.force_active(other);
	spin_unlock_irqrestore(&available_lock, irq);
}

/* ---- growth: prepare a CPU for its first online (design §2.14 i) ---- */

static struct tmigr_group *group_alloc(uint32_t level, uint32_t node)
{
	struct tmigr_group *g = NULL;

	if (tmigr_fail_alloc_at && --tmigr_fail_alloc_at == 0)
		return NULL;		/* fault injection (host harness) */
	for (uint32_t i = 0; i < TMIGR_MAX_GROUPS; i++) {
		if (!tmigr_pool[i].in_use) {
			g = &tmigr_pool[i];
			break;
		}
	}
	if (!g)
		return NULL;
	memset(g, 0, sizeof(*g));
	g->in_use = true;
	g->holder = TMIGR_MAX_CPUS;
	g->id = (uint16_t)(g - tmigr_pool);
	g->level = (uint8_t)level;
	g->node = (uint16_t)(level < crossnode_level ? node : TMIGR_NO_NODE);
	/* the model (weak builds) must see the re-initialization of a reused slot */
	TM_STORE(TMWEAK_STATE, g, &g->state, st_pack(0, TMIGR_NONE, 0), __ATOMIC_RELAXED);
	TM_STORE(TMWEAK_PARENT, g, &g->parent, NULL, __ATOMIC_RELAXED);
	TM_STORE(TMWEAK_MASK, g, &g->groupmask, 0, __ATOMIC_RELAXED);
	g->next_expiry = TMIGR_INF;
	g->groupevt.expires = TMIGR_INF;
	g->groupevt.ignore = true;
	g->groupevt.cpu = TMIGR_MAX_CPUS;
	level_list[level][level_count[level]++] = g;
	return g;
}

static void group_free(struct tmigr_group *g)
{
	uint32_t l = g->level;

	for (uint32_t i = 0; i < level_count[l]; i++) {
		if (level_list[l][i] == g) {
			level_list[l][i] = level_list[l][--level_count[l]];
			break;
		}
	}
	g->in_use = false;
}

static struct tmigr_group *group_find(uint32_t level, uint32_t node)
{
	for (uint32_t i = 0; i < level_count[level]; i++) {
		struct tmigr_group *g = level_list[level][i];

		if (g->num_children >= TMIGR_FANOUT)
			continue;
		if (level < crossnode_level && g->node != node)
			continue;
		return g;
	}
	return NULL;
}

static void set_mask(struct tmigr_group *g, uint8_t mask)
{
	TM_STORE(TMWEAK_MASK, g, &g->groupmask, mask, __ATOMIC_RELAXED);
	g->groupevt.slot = (uint8_t)lowest_bit(mask);
}

/* A brand-new top group gets its final mask now, before anyone can reach it. */
static bool mark_new_root(struct tmigr_group *g)
{
	if (g->parent || g == root)
		return false;
	if (!MUTANT(R16))	/* mutant: the mask is set only when linked */
		set_mask(g, 1);
	return true;
}

static void connect(struct tmigr_group *child, struct tmigr_group *parent,
		    bool old_root_branch)
{
	if (mark_new_root(parent))
		parent->num_children = 1;	/* slot 0 stays for the current root */
	if (!parent->parent && old_root_branch) {
		/* the old root (or its node's new intermediate) takes slot 0 */
		if (parent->num_children != 2 && parent->num_children != 1)
			arch_bug("tmigr: new root %u has %u children when the old root joins",
				 parent->id, parent->num_children);
		set_mask(child, 1);
		if (MUTANT(R19) && parent->num_children == 2)
			return;	/* mutant: off-by-one, the old root is never linked */
	} else {
		set_mask(child, (uint8_t)(1u << parent->num_children++));
	}
	YP("setup.before_publish", child);
	/*
	 * release: everything above is visible to walkers that load it (O9);
	 * the mutant stores relaxed.
	 */
	TM_STORE(TMWEAK_PARENT, child, &child->parent, parent,
		 MUTANT(R17) ? __ATOMIC_RELAXED : __ATOMIC_RELEASE);
}

static void connect_cpu(uint32_t cpu, struct tmigr_group *g)
{
	struct tmigr_cpu *c = &tmigr_cpus[cpu];

	mark_new_root(g);
	c->groupmask = (uint8_t)(1u << g->num_children++);
	c->cpuevt.slot = (uint8_t)lowest_bit(c->groupmask);
	/* the CPU runs only after prepare returns (O14): plain stores suffice */
	c->group = g;
}

/*
 * An idle old root just linked under the new root: whatever is queued in
 * it must be queued above too (Q7), or the new root's idle migrator would
 * not see it.  The old root's first event already is some idle CPU's
 * wakeup, so the firstexp this walk finds is nobody's new duty.  A
 * concurrent activation is ordered by the group locks (update_events).
 */
static void export_old_root(struct tmigr_group *start)
{
	struct tmigr_walk w = { .childmask = load_mask(start), .firstexp = TMIGR_INF };
	/* group locks are also taken from the tick: never with interrupts on */
	unsigned long irq = arch_irq_save();

	walk_from(update_events, &w, start, load_parent(start));
	arch_irq_restore(irq);
}

/*
 * Find or create the groups from `start`'s level + 1 (or level 0) up to an
 * existing branch or a single top; connect them top-down.  Returns 0 or -1.
 */
static int setup_groups(uint32_t cpu, uint32_t node, struct tmigr_group *start,
			bool activate)
{
	struct tmigr_group *stack[TMIGR_MAX_LEVELS] = { 0 };
	bool fresh[TMIGR_MAX_LEVELS] = { false };
	uint32_t first_lvl = 0, top = 0, i;
	bool mismatch = root && root->node != TMIGR_NO_NODE && root->node != node;
	bool failed = false;

	if (start) {
		stack[start->level] = start;
		first_lvl = start->level + 1u;
	}
	if (MUTANT(R20))
		mismatch = false;	/* mutant: cross-node groups never unfold */
	for (i = first_lvl; i < levels; i++) {
		struct tmigr_group *g;

		/*
		 * Linking the old root: the new root kept slot 0 for it,
		 * whatever room it has left (none with fan-out 2).
		 */
		if (start && root && i == root->level)
			g = root;
		else
			g = group_find(i, node);
		if (!g) {
			g = group_alloc(i, node);
			if (!g) {
				failed = true;
				break;
			}
			fresh[i] = true;
		}
		top = i;
		stack[i] = g;
		if (g->parent)
			break;		/* joined an existing branch */
		if ((!mismatch || i >= crossnode_level) && level_count[i] == 1)
			break;		/* single group at this level: the top */
	}
	if (!failed && i >= levels) {
		kprintf("tmigr: no single top group within %u levels\n", levels);
		failed = true;
	}
	if (failed) {
		/* free only what this call allocated, bounded by first_lvl */
		/* the mutant's bound is off by one: the lowest fresh group leaks */
		for (uint32_t j = first_lvl + MUTANT(R13); j < levels && j <= i; j++)
			if (fresh[j] && stack[j])
				group_free(stack[j]);
		return -1;
	}
	for (i = top; i >= first_lvl && i <= top; i--) {
		if (i == 0)
			connect_cpu(cpu, stack[0]);
		else
			connect(stack[i - 1], stack[i], start != NULL);
		if (i == 0)
			break;
	}
	if (activate) {
		/* ordered RMW probe of the old root (O11, R-21) */
		uint32_t s;

		if (MUTANT(R21))	/* mutant: a plain, unordered load */
			s = load_state(start, __ATOMIC_RELAXED);
		else
			s = TM_FETCH_OR(TMWEAK_STATE, start, &start->state, 0, __ATOMIC_SEQ_CST);
		YP("setup.after_probe", start);
		if (TMIGR_ST_ACTIVE(s)) {
			struct tmigr_walk w = { .childmask = load_mask(start),
						.firstexp = TMIGR_INF };

			walk_from(active_up, &w, start, load_parent(start));
		} else {
			/* an activator still on its way is ordered after us and sees the link */
			export_old_root(start);
		}
	} else if (start) {
		export_old_root(start);		/* nobody available: idle, normally empty */
	}
	if (level_count[top] == 1) {
		if (level_list[top][0]->parent)
			arch_bug("tmigr: the single group at level %u has a parent", top);
		/* release: pairs with tmigr_root(), which then sees an initialized group */
		__atomic_store_n(&root, level_list[top][0], __ATOMIC_RELEASE);
	}
	return 0;
}

struct phase2_arg {
	struct tmigr_group *old_root;
	int err;
};

static void phase2_on_member(void *arg)
{
	struct phase2_arg *a = arg;

	a->err = setup_groups(0, a->old_root->node, a->old_root, true);
}

static bool cpu_active_member(uint32_t cpu)
{
	return cpu < TMIGR_MAX_CPUS && __atomic_load_n(&tmigr_cpus[cpu].available, __ATOMIC_RELAXED) &&
	       !__atomic_load_n(&tmigr_cpus[cpu].idle, __ATOMIC_RELAXED);
}

/*
 * Phase 2 failed: undo phase 1.  The root grew, so phase 1 built
 * `cpu` a fresh branch up to the new root; nothing can reach it yet (the
 * CPU has not run, the old root is not linked), so it can simply go.
 */
static void unprepare_new_branch(uint32_t cpu, struct tmigr_group *old_root)
{
	struct tmigr_cpu *c = &tmigr_cpus[cpu];
	struct tmigr_group *g = c->group, *p;

	for (; g && g != old_root; g = p) {
		p = g->parent;
		group_free(g);
	}
	c->group = NULL;
	c->groupmask = 0;
	/* release: pairs with tmigr_root() */
	__atomic_store_n(&root, old_root, __ATOMIC_RELEASE);
}

static int add_cpu(uint32_t cpu, uint32_t node)
{
	struct tmigr_group *old_root = root;
	int err = setup_groups(cpu, node, NULL, false);
	uint32_t me = arch_cpu_id();

	if (err || !old_root || old_root == root)
		return err;
	/* the root grew: link the old root under the new one (phase 2) */
	/* the mutant runs phase 2 on the control CPU, member or not */
	if (MUTANT(R23) || cpu_active_member(me)) {
		err = setup_groups(cpu, old_root->node, old_root, true);
	} else {
		uint32_t y = TMIGR_MAX_CPUS;

		for (uint32_t i = 0; i < tmigr_possible_cpus; i++)
			if (i != cpu && __atomic_load_n(&tmigr_cpus[i].available, __ATOMIC_RELAXED)) {
				y = i;
				break;
			}
		if (y < TMIGR_MAX_CPUS && platform.run_on) {
			struct phase2_arg a = { old_root, 0 };

			platform.run_on(y, phase2_on_member, &a);	/* */
			err = a.err;
		} else {
			/* nobody available: the old root must be idle; just link it */
			if (TMIGR_ST_ACTIVE(load_state(old_root, __ATOMIC_SEQ_CST)))
				arch_bug("tmigr: old root %u active with no available CPU",
					 old_root->id);
			err = setup_groups(cpu, old_root->node, old_root, false);
		}
	}
	if (err)
		unprepare_new_branch(cpu, old_root);
	return err;
}

int tmigr_prepare(uint32_t cpu, uint32_t node)
{
	struct tmigr_cpu *c;
	int err;

	if (!enabled)
		return 0;
	if (cpu >= tmigr_possible_cpus || cpu >= TMIGR_MAX_CPUS) {
		kprintf("tmigr: prepare of CPU %u beyond %u possible CPUs refused\n",
			cpu, tmigr_possible_cpus);
		return -1;
	}
	c = &tmigr_cpus[cpu];
	if (c->group)
		return 0;		/* not the first online: groups persist */
	c->cpuevt.expires = TMIGR_INF;
	c->cpuevt.ignore = true;
	c->cpuevt.cpu = cpu;
	c->remote = false;
	c->wakeup = TMIGR_INF;
	set_forced(c, TMIGR_INF);
	set_holding(c, TMIGR_INF);
	c->node = node;
	/*
	 * Interrupts stay on: a delegated phase 2 makes us wait for
	 * another CPU, which must be able to wake us.  Setup never runs in
	 * interrupt context, so the plain lock cannot deadlock against it.
	 */
	spin_lock(&setup_lock);
	err = add_cpu(cpu, node);
	spin_unlock(&setup_lock);
	if (err || !c->group || !c->groupmask) {
		kprintf("tmigr: CPU %u could not join the hierarchy; it will handle its own timers\n",
			cpu);
		return -1;
	}
	ring_add(RING_PREPARE, cpu, c->group->id, c->groupmask);
	return 0;
}

/* ---- init ---- */

static uint32_t ceil_log2(uint32_t n)
{
	return n <= 1 ? 0 : 32u - (uint32_t)__builtin_clz(n - 1);
}

void tmigr_reset(void)
{
	memset(tmigr_cpus, 0, sizeof(tmigr_cpus));
	memset(tmigr_rings, 0, sizeof(tmigr_rings));
	memset(stats, 0, sizeof(stats));
	memset(tmigr_pool, 0, sizeof(tmigr_pool));
	memset(level_count, 0, sizeof(level_count));
	root = NULL;
	levels = crossnode_level = 0;
	tmigr_possible_cpus = 0;
	enabled = false;
	tmigr_fail_alloc_at = 0;
}

int tmigr_init(const struct tmigr_topology *topo, const struct tmigr_platform *plat)
{
	uint32_t nodes = topo->possible_nodes ? topo->possible_nodes : 1;
	uint32_t per_node, shift = (uint32_t)__builtin_ctz(TMIGR_FANOUT);
	uint32_t cpu_levels, node_levels;

	tmigr_reset();
	if (topo->possible_cpus == 0 || topo->possible_cpus > TMIGR_MAX_CPUS ||
	    nodes > TMIGR_MAX_NODES) {
		kprintf("tmigr: %u possible CPUs on %u nodes is beyond the limits (%u CPUs, %u nodes); hierarchy off\n",
			topo->possible_cpus, nodes, (unsigned)TMIGR_MAX_CPUS,
			(unsigned)TMIGR_MAX_NODES);
		return -1;
	}
	tmigr_possible_cpus = topo->possible_cpus;
	per_node = (tmigr_possible_cpus + nodes - 1) / nodes;
	cpu_levels = (ceil_log2(per_node) + shift - 1) / shift;
	node_levels = (ceil_log2(nodes) + shift - 1) / shift;
	if (cpu_levels == 0)
		cpu_levels = 1;		/* one CPU still gets a group: it keeps the code uniform */
	levels = cpu_levels + node_levels;
	crossnode_level = cpu_levels;
	if (levels > TMIGR_MAX_LEVELS) {
		kprintf("tmigr: %u levels needed, %u supported; hierarchy off\n", levels,
			(unsigned)TMIGR_MAX_LEVELS);
		return -1;
	}
	if (plat)
		platform = *plat;
	else
		memset(&platform, 0, sizeof(platform));
	enabled = true;
	return 0;
}

bool tmigr_enabled(void)
{
	return enabled;
}

void tmigr_disable(void)
{
	enabled = false;
}

uint32_t tmigr_levels(void)
{
	return levels;
}

uint32_t tmigr_crossnode_level(void)
{
	return crossnode_level;
}

/* ---- state for others ---- */

bool tmigr_cpu_available(uint32_t cpu)
{
	return cpu < TMIGR_MAX_CPUS && __atomic_load_n(&tmigr_cpus[cpu].available, __ATOMIC_RELAXED);
}

bool tmigr_cpu_idle(uint32_t cpu)
{
	return cpu < TMIGR_MAX_CPUS && __atomic_load_n(&tmigr_cpus[cpu].idle, __ATOMIC_RELAXED);
}

uint64_t tmigr_cpu_wakeup(uint32_t cpu)
{
	return cpu < TMIGR_MAX_CPUS ? __atomic_load_n(&tmigr_cpus[cpu].wakeup, __ATOMIC_RELAXED)
				    : TMIGR_INF;
}

uint64_t tmigr_cpu_forced(uint32_t cpu)
{
	return cpu < TMIGR_MAX_CPUS ? __atomic_load_n(&tmigr_cpus[cpu].forced, __ATOMIC_RELAXED)
				    : TMIGR_INF;
}

void tmigr_get_stats(uint32_t cpu, struct tmigr_stats *out)
{
	const uint64_t *src = (const uint64_t *)&stats[cpu < TMIGR_MAX_CPUS ? cpu : 0];
	uint64_t *dst = (uint64_t *)out;

	for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

struct tmigr_group *tmigr_root(void)
{
	/* acquire: pairs with the release stores of root in setup */
	return __atomic_load_n(&root, __ATOMIC_ACQUIRE);
}

struct tmigr_group *tmigr_cpu_group(uint32_t cpu)
{
	return cpu < TMIGR_MAX_CPUS ? tmigr_cpus[cpu].group : NULL;
}

struct tmigr_group *tmigr_group_parent(const struct tmigr_group *g)
{
	/* acquire: pairs with the release store in connect() (O9), like load_parent() */
	return __atomic_load_n(&g->parent, __ATOMIC_ACQUIRE);
}

uint32_t tmigr_group_state(const struct tmigr_group *g)
{
	return peek_state(g);
}

uint32_t tmigr_group_level(const struct tmigr_group *g)
{
	return g->level;
}

uint32_t tmigr_group_id(const struct tmigr_group *g)
{
	return g->id;
}

uint8_t tmigr_group_mask(const struct tmigr_group *g)
{
	return g->groupmask;
}

uint64_t tmigr_group_next_expiry(const struct tmigr_group *g)
{
	return next_expiry(g);
}

uint8_t tmigr_cpu_groupmask(uint32_t cpu)
{
	return cpu < TMIGR_MAX_CPUS ? tmigr_cpus[cpu].groupmask : 0;
}

uint32_t tmigr_group_count(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < TMIGR_MAX_GROUPS; i++)
		n += tmigr_pool[i].in_use;
	return n;
}

struct tmigr_group *tmigr_group_by_id(uint32_t id)
{
	return id < TMIGR_MAX_GROUPS && tmigr_pool[id].in_use ? &tmigr_pool[id] : NULL;
}
