// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scenario idle: a machine with housekeeping timers and nothing else to do.
 *
 * Every online CPU arms a few global timers and maybe a pinned one, then
 * idles for the window.  This is the case the timer migration hierarchy
 * exists for: with it (tmigr=on) the global timers of idle CPUs are run
 * by one CPU, the idle migrator, so the others stay in HLT; without it
 * (tmigr=off) every CPU wakes for each of its own timers.
 *
 * Timers, per CPU, from a seeded generator (seed=S, so tmigr=on and off
 * see the same timers):
 *   idle_globals (default 4) global timers: half periodic "housekeeping"
 *     with a period of 100, 250, 500 or 1000 ms whose expiries are rounded
 *     to whole 100 ms (as housekeeping code rounds its timeouts so that
 *     they coincide), half one-shots at a random time in the window;
 *   on half of the CPUs (never the BSP), idle_pinned (default 1) pinned
 *     periodic timers of 500 or 1000 ms, also rounded: a CPU must wake for
 *     those itself whatever the hierarchy does.
 *
 * Each expiry is checked: early if it runs before the start of its expiry
 * jiffy, else its lateness goes into a histogram and is judged against
 * the bound below; at the end periodic timers stop re-arming, the BSP
 * waits LOST_AFTER_MS, and a timer still pending that long past its
 * expiry is lost.  Any early, lost or over-bound timer fails the run.
 *
 * The lateness bound (late_hist.h), from the start of the expiry jiffy:
 *
 *   kernel  late_wheel_bound_j() of the longest delay: a one-shot up to
 *           the window + 10 ms ahead, a periodic timer's first expiry up
 *           to its period (1000 ms at most) + ROUND_MS, plus the 2 jiffies
 *           by which an AP may arm before start_j.  At seconds=2 that is
 *           wheel level 2 (granule 64 jiffies): 2 x 64 + 2 jiffies.  The
 *           rounded housekeeping expiries wait for their level's granule
 *           by design; the migrator's next tick is in the sum.
 *   slack   LATE_SLACK_US, 300 ms, for the emulator (lateness.c says how
 *           it was measured).
 *
 * lateness_bound_us= replaces the sum.
 *
 * With the hierarchy, a CPU whose timers are all global must never wake
 * for them (the migrator runs them): its own-timer wake-ups must be none,
 * and any fails the run.
 *
 * The jiffy at which each timer ran is recorded.  distinct_instants, as
 * before: the distinct jiffies at which global timers ran plus the
 * distinct (CPU, 8-jiffy granule) pairs of pinned ones.
 *
 * The lower bound (wakeups_lower_bound): the distinct (CPU, jiffy) pairs
 * at which pinned timers ran, plus the distinct jiffies at which global
 * timers ran and no pinned timer did.  The jiffy of a run is that of the
 * event interrupt it ran in (idle_stats.irq_jiffy: when the CPU woke),
 * which for a timer run on time is its expiry jiffy; a callback or a
 * remote walk that ends in a later jiffy (a vCPU descheduled in it) does
 * not split one wake-up into two instants.  So wake-ups >= bound holds by
 * construction (each pair and each uncovered jiffy is a distinct halt's
 * wake-up, unless two interrupts in different jiffies end one halt), and
 * the QEMU case checks it.  Any design pays it, under two assumptions: a CPU wakes at most
 * once per jiffy (one wake-up serves all its pinned timers due then), and
 * a CPU awake at a jiffy can run every global timer due at it.  A pinned
 * timer runs only on its CPU, so each pair costs that CPU one wake-up that
 * nothing else can take; a global jiffy with a pinned wake-up costs
 * nothing more (that CPU runs them); a global jiffy without one needs some
 * CPU to wake.  The jiffies are those at which timers ran, so the wheel's
 * own batching (a level's granule) is taken as given: it is the
 * hierarchy's wake-ups the bound judges.  Under TCG a starved vCPU that
 * wakes late moves its timers to a later jiffy, which can split or merge
 * instants by that lateness: the bound is exact only for timers run on
 * time (make bench-idle reports the lateness beside it).  Only timers a
 * CPU runs between its own two snapshots are recorded for the bound, as
 * only its wake-ups between them are counted (in_window, the CPU's own
 * flag).  The records are exact per jiffy for a window of up to
 * BOUND_WINDOW_J jiffies; a longer one reports the bound as 0.
 *
 * Duplicate duty wake-ups.  A wake observer (idle_set_wake_observer())
 * marks the jiffy of each counted duty wake-up (duty_ran or duty_empty)
 * in duty_exact; one that finds its jiffy marked already is a duplicate,
 * two CPUs woken for one instant (duty_same_jiffy).  At the end,
 * duty_jiffies_pinned counts the jiffies with a duty wake-up in which some
 * CPU also ran a pinned timer: a hierarchy that knew that wake-up could
 * have spared the duty one.  Both are what the bound says a design pays
 * beyond it, named (docs/tmigr.md §2.16 says which remain by design).
 *
 * Measuring.  Each CPU snapshots its own counters (wake-ups by cause,
 * cycles in HLT, its TSC) in a work item at the start and at the end, so
 * residency = HLT cycles / window cycles needs no cross-CPU clock.  The
 * snapshot at the end is itself a wake-up (a call IPI) and the BSP's end of
 * window is its own pinned timer: those two are not counted.  Every
 * wake-up has one cause (kernel/idle.h, classified in kernel/tick.c):
 * own pinned, own global, duty that ran timers, duty that found none,
 * wake IPI, call IPI, tick, early one-shot (and by how much: the sum and
 * a log2 histogram in the window, early_us_log2), stale
 * one-shot, other interrupt (by vector), and "unnamed", the catch-all that
 * must stay under 1% (unnamed_pct).  The coarse fields of older reports
 * (wakeups_own_timer, _migrator, _ipi, _other) are sums of those
 * (wake_class_of).  Halts ended by other vectors are summed over all CPUs
 * around the window from the BSP (idle_wakes_by_vector), not per CPU.
 *
 * The residency report (kernel/residency.c, docs/residency.md) ends the
 * run: its window opens once every CPU has armed (after the arming work,
 * so those call IPIs are outside it) and closes when the BSP wakes at the
 * end, before the end-of-window snapshots' call IPIs.  Its figures come
 * from each CPU's own residency record, read without waking anyone; the
 * snapshots above stay for the older idle records.
 *
 * After the run all timers are deleted, the APs settle, and the hierarchy
 * is checked (one root, the invariants of the design's §5) and dumped.
 *
 * Locking: each struct idle_timer is touched by its callback (on whatever
 * CPU runs it) and by the BSP only after timer_del_sync(); counters are
 * relaxed atomics; the distinct-jiffy bitmaps are atomic ORs; in_window
 * is written and read by its CPU only, with interrupts off around the
 * write.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smpboot.h"
#include "kernel/arch_services.h"
#include "kernel/options.h"
#include "kernel/idle.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/residency.h"
#include "kernel/scenario.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/workqueue.h"
#include "kernel/scenarios/hier_check.h"
#include "kernel/scenarios/late_hist.h"
#include "lib/bitops.h"
#include "lib/container_of.h"
#include "lib/counter.h"
#include "lib/json.h"
#include "lib/rand.h"
#include "lib/string.h"

#define MAX_TIMERS_PER_CPU	8
#define ROUND_MS		100	/* housekeeping expiries are whole 100 ms */
#define LOST_AFTER_MS		1000	/* a starved vCPU can be hundreds of ms late */
#define MAX_WINDOW_J		(1u << 17)	/* bitmap size: 131 s at HZ=1000 */
#define SETTLE_MS		30
#define ONESHOT_MIN_MS		10	/* a one-shot's earliest expiry after start_j */
#define MAX_PERIOD_MS		1000
#define WORK_TIMEOUT_MS		5000	/* an AP's work item, queued by the BSP */
#define BOUND_WINDOW_J		(1u << 14)	/* exact pinned records: 16 s at HZ=1000 */

struct idle_timer {
	struct timer t;
	uint64_t expires;	/* jiffies of the outstanding arming */
	uint64_t period_j;	/* 0: one-shot */
	uint32_t owner;		/* CPU that armed it */
	bool pinned;
	bool used;
};

struct cpu_snap {
	uint64_t wakes[WAKE_NR];
	uint64_t early_ns_sum;
	uint64_t early_log2[IDLE_EARLY_BUCKETS];
	uint64_t idle_tsc, tsc;
	uint64_t entries, entry_tsc, exits, exit_tsc;
};

struct cpu_idle {
	struct work work;		/* snapshot or arming, queued by the BSP */
	bool done;			/* release by the CPU, acquire by the BSP */
	bool arm;			/* this work also arms the timers */
	bool in_window;			/* this CPU only: between its two snapshots */
	struct cpu_snap s0, s1;		/* written by the CPU in its work */
	struct rand_state rng;
	uint32_t cpu, npinned;
	struct idle_timer timers[MAX_TIMERS_PER_CPU];
};

static struct cpu_idle cpus[MAX_CPUS];
static uint64_t global_jiffies[MAX_WINDOW_J / 64];	/* jiffies at which global timers ran */
static uint64_t pinned_jiffies[MAX_CPUS][MAX_WINDOW_J / 64 / 8];	/* 8-jiffy granules suffice: pinned periods are >= 500 ms */
/* for the bound: jiffies at which timers ran on a CPU inside its window */
static uint64_t pinned_exact[MAX_CPUS][BOUND_WINDOW_J / 64];
static uint64_t global_exact[BOUND_WINDOW_J / 64];
static uint64_t duty_exact[BOUND_WINDOW_J / 64];	/* jiffies of counted duty wake-ups */
static uint64_t duty_same_jiffy;			/* relaxed atomic */
static uint64_t vectors0[256];				/* idle_wakes_by_vector at the start */
static uint64_t start_j;				/* window start; set before arming */
static uint64_t early, fired, over_bound;		/* relaxed atomics */
static struct late_hist late;				/* relaxed atomic adds */
static struct late_bound bound;				/* set before arming */
static uint32_t nglobals = 4, npinned_max = 1;
static bool stopping;					/* relaxed: periodic timers stop re-arming */

/* The next jiffy that is a whole ROUND_MS after start_j, at or after j. */
static uint64_t round_up_j(uint64_t j)
{
	uint64_t r = scenario_ms_to_jiffies(ROUND_MS), d = j - start_j;

	return start_j + (d + r - 1) / r * r;
}

static void mark(uint64_t *map, uint64_t bit, uint64_t nbits)
{
	if (bit < nbits)
		__atomic_fetch_or(&map[bit / 64], 1ull << (bit % 64), __ATOMIC_RELAXED);
}

static uint64_t map_weight(const uint64_t *map, size_t words)
{
	uint64_t n = 0;

	for (size_t i = 0; i < words; i++)
		n += bit_popcount64(map[i]);
	return n;
}

static void idle_timer_fn(struct timer *t)
{
	struct idle_timer *it = container_of(t, struct idle_timer, t);
	uint64_t now = arch_now_ns(), deadline = timer_jiffies_to_ns(it->expires);
	uint64_t now_j = timer_jiffies();
	bool counted = cpus[arch_cpu_id()].in_window;	/* its wake-ups are counted */
	uint64_t woke_j = idle_stats_of(arch_cpu_id())->irq_jiffy;	/* ours: we run in it */

	if (now < deadline) {
		__atomic_fetch_add(&early, 1, __ATOMIC_RELAXED);
	} else {
		late_hist_add(&late, now - deadline);
		if (now - deadline > bound.bound_ns)
			__atomic_fetch_add(&over_bound, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&fired, 1, __ATOMIC_RELAXED);
	if (it->pinned) {
		mark(pinned_jiffies[it->owner], (now_j - start_j) / 8, MAX_WINDOW_J / 8);
		if (counted)
			mark(pinned_exact[it->owner], woke_j - start_j, BOUND_WINDOW_J);
	} else {
		if (counted)
			mark(global_exact, woke_j - start_j, BOUND_WINDOW_J);
		mark(global_jiffies, now_j - start_j, MAX_WINDOW_J);
	}
	if (!it->period_j)
		return;
	if (__atomic_load_n(&stopping, __ATOMIC_RELAXED))
		return;
	/* skip periods a starved vCPU missed; stays on this base (running here) */
	do
		it->expires += it->period_j;
	while ((int64_t)(it->expires - now_j) <= 0);
	timer_add(t, it->expires);
}

static void snapshot(struct cpu_snap *s)
{
	const struct idle_stats *st = idle_stats_of(arch_cpu_id());

	for (int i = 0; i < WAKE_NR; i++)
		s->wakes[i] = counter_read(&st->wakes_by[i]);
	s->early_ns_sum = counter_read(&st->early_ns_sum);
	for (int i = 0; i < IDLE_EARLY_BUCKETS; i++)
		s->early_log2[i] = counter_read(&st->early_log2[i]);
	s->idle_tsc = counter_read(&st->idle_cycles);
	s->entries = counter_read(&st->idle_entries);
	s->entry_tsc = counter_read(&st->idle_entry_cycles);
	s->exits = counter_read(&st->idle_exits);
	s->exit_tsc = counter_read(&st->idle_exit_cycles);
	s->tsc = arch_cycles();
}

/*
 * A CPU whose arming work runs late (its vCPU waited for a host core)
 * must not arm a timer that is due before it can be idle: it would keep
 * its tick for it and run it itself, which the global-only check would
 * count as waking for its own timer.  Such an expiry moves to
 * ONESHOT_MIN_MS from now, a periodic one by whole periods (it stays on
 * its ROUND_MS grid).  On time, nothing moves: start_j is in the future
 * and every expiry at least ONESHOT_MIN_MS after it.
 */
static uint64_t not_before_soon(uint64_t expires, uint64_t period_j)
{
	uint64_t soon = timer_jiffies() + scenario_ms_to_jiffies(ONESHOT_MIN_MS);

	while ((int64_t)(expires - soon) < 0)
		expires += period_j ? period_j : soon - expires;
	return expires;
}

static void arm_timers(struct cpu_idle *ci, uint64_t window_ms)
{
	static const uint32_t periods_ms[] = { 100, 250, 500, 1000 };
	uint32_t n = 0;

	for (uint32_t i = 0; i < nglobals && n < MAX_TIMERS_PER_CPU; i++, n++) {
		struct idle_timer *it = &ci->timers[n];

		memset(it, 0, sizeof(*it));
		it->used = true;
		it->owner = ci->cpu;
		timer_setup(&it->t, idle_timer_fn, 0);
		if (rand_range(&ci->rng, 0, 2 - 1)) {
			it->period_j = scenario_ms_to_jiffies(periods_ms[rand_range(&ci->rng, 0, 4 - 1)]);
			it->expires = round_up_j(start_j + 1 + rand_range(&ci->rng, 0, it->period_j - 1));
		} else {
			it->expires = start_j + scenario_ms_to_jiffies(ONESHOT_MIN_MS +
								rand_range(&ci->rng, 0, window_ms - 1));
		}
		it->expires = not_before_soon(it->expires, it->period_j);
		timer_add(&it->t, it->expires);
	}
	for (uint32_t i = 0; i < ci->npinned && n < MAX_TIMERS_PER_CPU; i++, n++) {
		struct idle_timer *it = &ci->timers[n];

		memset(it, 0, sizeof(*it));
		it->used = true;
		it->pinned = true;
		it->owner = ci->cpu;
		timer_setup(&it->t, idle_timer_fn, TIMER_PINNED);
		it->period_j = scenario_ms_to_jiffies(rand_range(&ci->rng, 0, 2 - 1) ? 500 : 1000);
		it->expires = round_up_j(start_j + 1 + rand_range(&ci->rng, 0, it->period_j - 1));
		it->expires = not_before_soon(it->expires, it->period_j);
		timer_add(&it->t, it->expires);
	}
}

static uint64_t window_ms_arg;

/* The longest delay any timer is armed with, in jiffies (see the bound). */
static uint64_t max_delay_j(uint64_t window_ms)
{
	uint64_t ms = window_ms + ONESHOT_MIN_MS;

	if (ms < MAX_PERIOD_MS + ROUND_MS)
		ms = MAX_PERIOD_MS + ROUND_MS;
	return scenario_ms_to_jiffies(ms) + 2;
}

static void cpu_work(struct work *w)
{
	struct cpu_idle *ci = container_of(w, struct cpu_idle, work);
	unsigned long irq;

	/* interrupts off: no timer of ours runs between the snapshot and the flag */
	irq = arch_irq_save();
	if (ci->arm) {
		arm_timers(ci, window_ms_arg);
		snapshot(&ci->s0);
		ci->in_window = true;
	} else {
		snapshot(&ci->s1);
		ci->in_window = false;
	}
	arch_irq_restore(irq);
	/* release: pairs with the acquire in all_done(); s0/s1 are published */
	__atomic_store_n(&ci->done, true, __ATOMIC_RELEASE);
}

static void cpu_work_self(bool arm)
{
	cpus[0].arm = arm;
	cpu_work(&cpus[0].work);
}

static bool cpu_done(uint32_t cpu)
{
	/* acquire: pairs with the release in cpu_work(); s0/s1 are then visible */
	return cpu_state(cpu) != CPU_ONLINE || __atomic_load_n(&cpus[cpu].done, __ATOMIC_ACQUIRE);
}

static bool all_done(void)
{
	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++)
		if (!cpu_done(cpu))
			return false;
	return true;
}

/*
 * Run cpu_work on every AP and wait, sleeping in 1 ms steps (nothing else
 * would wake the BSP); the BSP's own work runs last when arming (its
 * window starts after its waiting) and first at the end (its window ends
 * before it).  An AP that has not run its work after WORK_TIMEOUT_MS is
 * named and the run fails: false.
 */
static bool on_all_cpus(bool arm)
{
	uint64_t deadline = arch_now_ns() + WORK_TIMEOUT_MS * 1000000ull;

	if (!arm)
		cpu_work_self(false);
	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++) {
		if (cpu_state(cpu) != CPU_ONLINE)
			continue;
		cpus[cpu].done = false;
		cpus[cpu].arm = arm;
		cpus[cpu].work.fn = cpu_work;
		work_queue_on(cpu, &cpus[cpu].work);
	}
	while (!all_done()) {
		if (arch_now_ns() >= deadline) {
			for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++)
				if (!cpu_done(cpu))
					kprintf("idle: CPU %u did not run its %s work within %u ms\n",
						cpu, arm ? "arming" : "end-of-window",
						WORK_TIMEOUT_MS);
			return false;
		}
		idle_sleep_until_ns(arch_now_ns() + 1000000ull);
	}
	if (arm)
		cpu_work_self(true);
	return true;
}

struct idle_totals {
	uint64_t wakes[WAKE_NR], total, max_cpu, lost;
	uint64_t early_ns_sum, early_ns_max;
	uint64_t early_log2[IDLE_EARLY_BUCKETS];	/* in the window */
	uint64_t pinned_pairs, global_uncovered, bound;	/* the lower bound */
	uint64_t duty_same_jiffy, duty_jiffies_pinned;	/* duty wake-ups beyond it */
	uint64_t entries, entry_tsc, exits, exit_tsc;
	uint64_t global_only_cpus, global_only_own;
	uint32_t res_min_x100, res_median_x100, res_999_cpus, ncpus;
	uint64_t entry_median, exit_median;	/* median over CPUs of each CPU's mean */
};

/* Mean cycles of one CPU's entries or exits in the window (0: none). */
static uint64_t cpu_mean(uint64_t n0, uint64_t n1, uint64_t c0, uint64_t c1)
{
	return n1 > n0 ? (c1 - c0) / (n1 - n0) : 0;
}

static uint64_t entry_mean(const struct cpu_idle *ci)
{
	return cpu_mean(ci->s0.entries, ci->s1.entries, ci->s0.entry_tsc, ci->s1.entry_tsc);
}

static uint64_t exit_mean(const struct cpu_idle *ci)
{
	return cpu_mean(ci->s0.exits, ci->s1.exits, ci->s0.exit_tsc, ci->s1.exit_tsc);
}

/* Insertion sort: at most MAX_CPUS values, once per run. */
static void sort_u64(uint64_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t x = v[j];

			v[j] = v[j - 1];
			v[j - 1] = x;
		}
}

static uint64_t median_u64(uint64_t *v, uint32_t n)
{
	sort_u64(v, n);
	return n ? v[n / 2] : 0;
}

static uint64_t cpu_wakes(const struct cpu_idle *ci, int cause)
{
	uint64_t d = ci->s1.wakes[cause] - ci->s0.wakes[cause];

	/* not counted: the end snapshot's IPI (APs), the end-of-window timer (BSP) */
	if (ci->cpu && cause == WAKE_IPI_CALL && d)
		d--;
	if (!ci->cpu && cause == WAKE_OWN_PINNED && d)
		d--;
	return d;
}

static uint64_t cpu_class(const struct cpu_idle *ci, enum wake_class cl)
{
	uint64_t n = 0;

	for (int c = 0; c < WAKE_NR; c++)
		if (wake_class_of(c) == cl)
			n += cpu_wakes(ci, c);
	return n;
}

static uint64_t total_class(const struct idle_totals *t, enum wake_class cl)
{
	uint64_t n = 0;

	for (int c = 0; c < WAKE_NR; c++)
		if (wake_class_of(c) == cl)
			n += t->wakes[c];
	return n;
}

static uint64_t cpu_wakes_total(const struct cpu_idle *ci)
{
	uint64_t all = 0;

	for (int c = 0; c < WAKE_NR; c++)
		all += cpu_wakes(ci, c);
	return all;
}

/* Residency in 1/100 %, from the CPU's own TSC. */
static uint32_t residency_x100(const struct cpu_idle *ci)
{
	uint64_t win = ci->s1.tsc - ci->s0.tsc, hlt = ci->s1.idle_tsc - ci->s0.idle_tsc;

	if (!win)
		return 0;
	if (hlt > win)
		hlt = win;
	return (uint32_t)(hlt * 10000 / win);
}

static void delete_and_check(struct idle_totals *t)
{
	uint64_t now = arch_now_ns();

	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++) {
		for (uint32_t i = 0; i < MAX_TIMERS_PER_CPU; i++) {
			struct idle_timer *it = &cpus[cpu].timers[i];

			if (!it->used)
				continue;
			if (timer_del_sync(&it->t) &&
			    now > timer_jiffies_to_ns(it->expires) + LOST_AFTER_MS * 1000000ull) {
				t->lost++;
				kprintf("idle: CPU %u's %s timer due at jiffy %llu never ran\n",
					cpu, it->pinned ? "pinned" : "global",
					(unsigned long long)it->expires);
			}
			timer_check_free(&it->t);
			it->used = false;
		}
	}
}

static void sum_up(struct idle_totals *t)
{
	static uint64_t res[MAX_CPUS], en[MAX_CPUS], ex[MAX_CPUS];
	uint32_t nen = 0, nex = 0;

	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++) {
		const struct cpu_idle *ci = &cpus[cpu];
		uint64_t all = cpu_wakes_total(ci);

		if (cpu_state(cpu) != CPU_ONLINE)
			continue;
		for (int c = 0; c < WAKE_NR; c++)
			t->wakes[c] += cpu_wakes(ci, c);
		t->total += all;
		if (all > t->max_cpu)
			t->max_cpu = all;
		t->early_ns_sum += ci->s1.early_ns_sum - ci->s0.early_ns_sum;
		for (int i = 0; i < IDLE_EARLY_BUCKETS; i++)
			t->early_log2[i] += ci->s1.early_log2[i] - ci->s0.early_log2[i];
		if (counter_read(&idle_stats_of(cpu)->early_ns_max) > t->early_ns_max)
			t->early_ns_max = counter_read(&idle_stats_of(cpu)->early_ns_max);
		t->entries += ci->s1.entries - ci->s0.entries;
		t->entry_tsc += ci->s1.entry_tsc - ci->s0.entry_tsc;
		t->exits += ci->s1.exits - ci->s0.exits;
		t->exit_tsc += ci->s1.exit_tsc - ci->s0.exit_tsc;
		if (cpu && !ci->npinned) {
			t->global_only_cpus++;
			t->global_only_own += cpu_class(ci, WAKE_CLASS_OWN_TIMER);
		}
		en[nen] = entry_mean(ci);
		nen += en[nen] != 0;
		ex[nex] = exit_mean(ci);
		nex += ex[nex] != 0;
		res[t->ncpus] = residency_x100(ci);
		t->res_999_cpus += res[t->ncpus] >= 9990;
		t->ncpus++;
	}
	t->res_median_x100 = (uint32_t)median_u64(res, t->ncpus);	/* sorts res */
	t->res_min_x100 = t->ncpus ? (uint32_t)res[0] : 0;
	t->entry_median = median_u64(en, nen);
	t->exit_median = median_u64(ex, nex);
}

static void print_table(void)
{
	kprintf("  %-4s %6s %6s %6s %6s %6s %9s %7s %8s %8s\n", "cpu", "wakes", "own", "migr",
		"ipi", "other", "residency", "pinned", "entry_cy", "exit_cy");
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++) {
		const struct cpu_idle *ci = &cpus[cpu];
		uint32_t r = residency_x100(ci);

		if (cpu_state(cpu) != CPU_ONLINE)
			continue;
		kprintf("  %-4u %6lu %6lu %6lu %6lu %6lu %5u.%02u%% %7u %8lu %8lu\n", cpu,
			(unsigned long)cpu_wakes_total(ci),
			(unsigned long)cpu_class(ci, WAKE_CLASS_OWN_TIMER),
			(unsigned long)cpu_class(ci, WAKE_CLASS_MIGRATOR),
			(unsigned long)cpu_class(ci, WAKE_CLASS_IPI),
			(unsigned long)cpu_class(ci, WAKE_CLASS_OTHER), r / 100, r % 100, ci->npinned,
			(unsigned long)entry_mean(ci), (unsigned long)exit_mean(ci));
	}
}

static void cpu_array(struct json_writer *w, const char *key, int cause, int cl)
{
	json_array_begin(w, key);
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		if (cpu_state(cpu) == CPU_ONLINE)
			json_u64(w, NULL, cause >= 0 ? cpu_wakes(&cpus[cpu], cause) :
					  cpu_class(&cpus[cpu], cl));
	json_array_end(w);
}

/*
 * Per CPU: the total, the coarse classes older tools read, and one array
 * per cause under "by_cause" (each CPU's causes sum to its total).
 */
static void report_cpus(void)
{
	static char buf[32768];
	struct json_writer w;

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "idle_cpus");
	json_bool(&w, "tmigr", tmigr_enabled());
	json_array_begin(&w, "wakeups");
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		if (cpu_state(cpu) == CPU_ONLINE)
			json_u64(&w, NULL, cpu_wakes_total(&cpus[cpu]));
	json_array_end(&w);
	cpu_array(&w, "own_timer_wakeups", -1, WAKE_CLASS_OWN_TIMER);
	cpu_array(&w, "migrator_wakeups", -1, WAKE_CLASS_MIGRATOR);
	json_object_begin(&w, "by_cause");
	for (int c = 0; c < WAKE_NR; c++)
		cpu_array(&w, wake_cause_name(c), c, 0);
	json_object_end(&w);
	json_array_begin(&w, "residency_pct");
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		if (cpu_state(cpu) == CPU_ONLINE)
			json_fixed(&w, NULL, residency_x100(&cpus[cpu]), 2);
	json_array_end(&w);
	json_array_begin(&w, "pinned_timers");
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		if (cpu_state(cpu) == CPU_ONLINE)
			json_u64(&w, NULL, cpus[cpu].npinned);
	json_array_end(&w);
	report_emit(json_end(&w));
}

/* wakeups / bound in 1/100 (0 when there is no bound). */
static uint64_t per_bound_x100(const struct idle_totals *t)
{
	return t->bound ? t->total * 100 / t->bound : 0;
}

/* The catch-all's share of all wake-ups, in 1/100 %. */
static uint64_t unnamed_x100(const struct idle_totals *t)
{
	return t->total ? t->wakes[WAKE_UNNAMED] * 10000 / t->total : 0;
}

static void report_totals(const struct idle_totals *t, uint64_t window_ms,
			  uint64_t seed, uint64_t limit, bool ok)
{
	static char buf[3072];
	struct json_writer w;

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "idle");
	json_bool(&w, "tmigr", tmigr_enabled());
	json_u64(&w, "cpus", t->ncpus);
	json_u64(&w, "window_ms", window_ms);
	json_u64(&w, "seed", seed);
	json_u64(&w, "idle_globals", nglobals);
	json_u64(&w, "idle_pinned", npinned_max);
	json_u64(&w, "timers_fired", fired);
	json_u64(&w, "distinct_instants", limit);
	json_u64(&w, "wakeups_total", t->total);
	json_u64(&w, "wakeups_max_cpu", t->max_cpu);
	json_u64(&w, "wakeups_lower_bound", t->bound);
	json_u64(&w, "bound_pinned_pairs", t->pinned_pairs);
	json_u64(&w, "bound_global_uncovered", t->global_uncovered);
	json_fixed(&w, "wakeups_per_bound", (int64_t)per_bound_x100(t), 2);
	json_u64(&w, "duty_same_jiffy", t->duty_same_jiffy);
	json_u64(&w, "duty_jiffies_pinned", t->duty_jiffies_pinned);
	json_u64(&w, "wakeups_own_timer", total_class(t, WAKE_CLASS_OWN_TIMER));
	json_u64(&w, "wakeups_migrator", total_class(t, WAKE_CLASS_MIGRATOR));
	json_u64(&w, "wakeups_ipi", total_class(t, WAKE_CLASS_IPI));
	json_u64(&w, "wakeups_other", total_class(t, WAKE_CLASS_OTHER));
	json_object_begin(&w, "wakeups_by_cause");
	for (int c = 0; c < WAKE_NR; c++)
		json_u64(&w, wake_cause_name(c), t->wakes[c]);
	json_object_end(&w);
	json_fixed(&w, "unnamed_pct", (int64_t)unnamed_x100(t), 2);
	json_u64(&w, "early_ns_sum", t->early_ns_sum);
	json_u64(&w, "early_ns_max_since_boot", t->early_ns_max);
	json_array_begin(&w, "early_us_log2");
	for (int i = 0; i < IDLE_EARLY_BUCKETS; i++)
		json_u64(&w, NULL, t->early_log2[i]);
	json_array_end(&w);
	json_object_begin(&w, "wakeups_by_vector");
	for (uint32_t v = 0; v < 256; v++) {
		uint64_t n = counter_read(&idle_wakes_by_vector[v]) - vectors0[v];
		char key[8];

		if (!n)
			continue;
		key[0] = '0';
		key[1] = 'x';
		key[2] = "0123456789abcdef"[v >> 4];
		key[3] = "0123456789abcdef"[v & 15];
		key[4] = 0;
		json_u64(&w, key, n);
	}
	json_object_end(&w);
	json_u64(&w, "global_only_cpus", t->global_only_cpus);
	json_u64(&w, "global_only_own_wakeups", t->global_only_own);
	json_fixed(&w, "residency_min_pct", t->res_min_x100, 2);
	json_fixed(&w, "residency_median_pct", t->res_median_x100, 2);
	json_u64(&w, "cpus_at_99_9_pct", t->res_999_cpus);
	json_u64(&w, "idle_entry_cycles", t->entries ? t->entry_tsc / t->entries : 0);
	json_u64(&w, "idle_exit_cycles", t->exits ? t->exit_tsc / t->exits : 0);
	/* one vCPU descheduled by the host inflates a mean: the median resists */
	json_u64(&w, "idle_entry_cycles_median_cpu", t->entry_median);
	json_u64(&w, "idle_exit_cycles_median_cpu", t->exit_median);
	json_u64(&w, "lost", t->lost);
	json_u64(&w, "early", early);
	json_u64(&w, "max_late_us", late.max_ns / 1000);
	json_u64(&w, "p99_late_us", late_hist_percentile_us(&late, 99));
	late_bound_json(&w, &bound, over_bound);
	json_str(&w, "result", ok ? "pass" : "fail");
	report_emit(json_end(&w));
}

/* The wake observer: this CPU, interrupts off, after a counted halt. */
static void note_duty_wake(enum wake_cause cause, uint64_t irq_jiffy)
{
	uint64_t j = irq_jiffy - start_j, bit;

	if (cause != WAKE_DUTY_RAN && cause != WAKE_DUTY_EMPTY)
		return;
	if (!cpus[arch_cpu_id()].in_window || j >= BOUND_WINDOW_J)
		return;
	bit = 1ull << (j % 64);
	if (__atomic_fetch_or(&duty_exact[j / 64], bit, __ATOMIC_RELAXED) & bit)
		__atomic_fetch_add(&duty_same_jiffy, 1, __ATOMIC_RELAXED);
}

/*
 * The lower bound of the theory comment: every (CPU, jiffy) with a pinned
 * expiry, plus every global jiffy no pinned expiry covers; only timers run
 * on a CPU between its two snapshots, as its wake-ups are counted.
 */
static void lower_bound(struct idle_totals *t, uint64_t window_ms)
{
	static uint64_t any_pinned[BOUND_WINDOW_J / 64];

	if (scenario_ms_to_jiffies(window_ms + LOST_AFTER_MS) >= BOUND_WINDOW_J)
		return;
	memset(any_pinned, 0, sizeof(any_pinned));
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++) {
		t->pinned_pairs += map_weight(pinned_exact[cpu], BOUND_WINDOW_J / 64);
		for (uint32_t i = 0; i < BOUND_WINDOW_J / 64; i++)
			any_pinned[i] |= pinned_exact[cpu][i];
	}
	for (uint32_t i = 0; i < BOUND_WINDOW_J / 64; i++) {
		t->global_uncovered += bit_popcount64(global_exact[i] & ~any_pinned[i]);
		t->duty_jiffies_pinned += bit_popcount64(duty_exact[i] & any_pinned[i]);
	}
	t->duty_same_jiffy = __atomic_load_n(&duty_same_jiffy, __ATOMIC_RELAXED);
	t->bound = t->pinned_pairs + t->global_uncovered;
}

/* After the run, with the APs settled idle: one root, consistent states. */
static bool check_hierarchy(bool dump)
{
	char why[160];

	if (!tmigr_enabled())
		return true;
	return scenario_hier_check(why, sizeof(why), dump) == 0;
}

bool scenario_idle(const struct scenario_args *args, const char **reason)
{
	struct idle_totals t;
	uint64_t end, limit;
	bool ok = true, dump, measuring;

	memset(&t, 0, sizeof(t));
	memset(global_jiffies, 0, sizeof(global_jiffies));
	memset(pinned_jiffies, 0, sizeof(pinned_jiffies));
	memset(pinned_exact, 0, sizeof(pinned_exact));
	memset(global_exact, 0, sizeof(global_exact));
	memset(duty_exact, 0, sizeof(duty_exact));
	early = fired = over_bound = duty_same_jiffy = 0;
	memset(&late, 0, sizeof(late));
	stopping = false;
	nglobals = (uint32_t)option_u64("idle_globals");
	npinned_max = (uint32_t)option_u64("idle_pinned");
	dump = option_u64("tmigr_dump");
	window_ms_arg = args->seconds_ms;
	bound.kernel_us = late_wheel_bound_j(max_delay_j(args->seconds_ms)) *
			  timer_tick_ns() / 1000;
	bound.slack_us = LATE_SLACK_US;
	bound.bound_ns = option_u64_or("lateness_bound_us",
					late_bound_default_us(&bound)) * 1000;
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++) {
		struct cpu_idle *ci = &cpus[cpu];

		ci->cpu = cpu;
		ci->in_window = false;
		rand_seed(&ci->rng, args->seed * 1000003ull + cpu);
		ci->npinned = cpu && rand_range(&ci->rng, 0, 2 - 1) ? npinned_max : 0;
	}
	idle_sleep_until_ns(arch_now_ns() + SETTLE_MS * 1000000ull);
	start_j = timer_jiffies() + 2;
	end = timer_jiffies_to_ns(start_j) + args->seconds_ms * 1000000ull;
	kprintf("idle: %u CPUs, %lu ms, seed %lu, %u global timers per CPU, pinned on about half, tmigr %s, lateness bound %lu us\n",
		cpu_online_count(), (unsigned long)args->seconds_ms, (unsigned long)args->seed,
		nglobals, tmigr_enabled() ? "on" : "off", (unsigned long)(bound.bound_ns / 1000));
	for (uint32_t v = 0; v < 256; v++)
		vectors0[v] = counter_read(&idle_wakes_by_vector[v]);
	idle_set_wake_observer(note_duty_wake);	/* counts only CPUs in their window */
	if (!on_all_cpus(true)) {
		idle_set_wake_observer(NULL);
		*reason = "idle: a CPU did not arm its timers in time";
		return false;
	}
	/* the residency window: from start_j (or now, if arming took longer) to the end */
	idle_sleep_until_ns(timer_jiffies_to_ns(start_j));
	measuring = residency_begin();
	idle_sleep_until_ns(end);
	if (measuring)
		residency_end();
	if (!on_all_cpus(false)) {
		idle_set_wake_observer(NULL);
		*reason = "idle: a CPU did not take its end-of-window snapshot in time";
		return false;
	}
	idle_set_wake_observer(NULL);
	__atomic_store_n(&stopping, true, __ATOMIC_RELAXED);
	idle_sleep_until_ns(arch_now_ns() + LOST_AFTER_MS * 1000000ull);
	delete_and_check(&t);
	sum_up(&t);
	limit = map_weight(global_jiffies, MAX_WINDOW_J / 64);
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		limit += map_weight(pinned_jiffies[cpu], MAX_WINDOW_J / 64 / 8);
	lower_bound(&t, args->seconds_ms);
	if (t.lost || early) {
		ok = false;
		*reason = "idle: a timer was lost or ran early";
	}
	if (over_bound) {
		ok = false;
		*reason = "idle: a timer ran later than the lateness bound";
	}
	if (tmigr_enabled() && t.global_only_own) {
		ok = false;
		*reason = "idle: CPUs with only global timers woke for them themselves";
	}
	print_table();
	kprintf("idle: %lu timers ran at %lu distinct instants; %lu wake-ups (own %lu, migrator %lu, ipi %lu, other %lu), most on one CPU %lu\n",
		(unsigned long)fired, (unsigned long)limit, (unsigned long)t.total,
		(unsigned long)total_class(&t, WAKE_CLASS_OWN_TIMER),
		(unsigned long)total_class(&t, WAKE_CLASS_MIGRATOR),
		(unsigned long)total_class(&t, WAKE_CLASS_IPI),
		(unsigned long)total_class(&t, WAKE_CLASS_OTHER), (unsigned long)t.max_cpu);
	kprintf("idle: lower bound %lu wake-ups (%lu pinned (CPU, jiffy) + %lu uncovered global jiffies); wake-ups / bound %lu.%02lu\n",
		(unsigned long)t.bound, (unsigned long)t.pinned_pairs,
		(unsigned long)t.global_uncovered, (unsigned long)(per_bound_x100(&t) / 100),
		(unsigned long)(per_bound_x100(&t) % 100));
	kprintf("idle: duty wake-ups beyond the bound: %lu in a jiffy another CPU woke for too, %lu jiffies in which a pinned timer ran\n",
		(unsigned long)t.duty_same_jiffy, (unsigned long)t.duty_jiffies_pinned);
	kprintf("idle: by cause:");
	for (int c = 0; c < WAKE_NR; c++)
		kprintf(" %s %lu", wake_cause_name(c), (unsigned long)t.wakes[c]);
	kprintf("; early one-shots %lu us in all\n", (unsigned long)(t.early_ns_sum / 1000));
	if (t.wakes[WAKE_EARLY]) {
		kprintf("idle: early one-shots by how early (log2 us: <2, 2-4, 4-8, ...):");
		for (int i = 0; i < IDLE_EARLY_BUCKETS; i++)
			kprintf(" %lu", (unsigned long)t.early_log2[i]);
		kprintf("\n");
	}
	kprintf("idle: lateness p99 <= %lu us, max %lu us; %lu over the bound of %lu us\n",
		(unsigned long)late_hist_percentile_us(&late, 99),
		(unsigned long)(late.max_ns / 1000), (unsigned long)over_bound,
		(unsigned long)(bound.bound_ns / 1000));
	kprintf("idle: residency min %u.%02u%%, median %u.%02u%%, %u of %u CPUs at >= 99.9%%; idle entry %lu cycles, exit %lu cycles (averages)\n",
		t.res_min_x100 / 100, t.res_min_x100 % 100, t.res_median_x100 / 100,
		t.res_median_x100 % 100, t.res_999_cpus, t.ncpus,
		(unsigned long)(t.entries ? t.entry_tsc / t.entries : 0),
		(unsigned long)(t.exits ? t.exit_tsc / t.exits : 0));
	idle_sleep_until_ns(arch_now_ns() + SETTLE_MS * 1000000ull);
	if (!check_hierarchy(dump)) {
		ok = false;
		*reason = "idle: the hierarchy is inconsistent after the run";
	}
	report_cpus();
	report_totals(&t, args->seconds_ms, args->seed, limit, ok);
	if (measuring)
		residency_report();
	return ok;
}
