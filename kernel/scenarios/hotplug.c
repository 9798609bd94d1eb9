// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scenario hotplug: CPUs come and go while every online CPU churns timers
 * (docs/hotplug-scenario.md; the operations are kernel/cpuhp.c's, design
 * docs/cpus.md §7.5, §7.7, §7.8).
 *
 * Run with maxcpus= below the CPU count.  Every online CPU gets a driver:
 * a pinned timer whose callback, every DRIVER_MIN_MS..DRIVER_MAX_MS, does
 * one random thing to that CPU's slots (a slot is one timer under test,
 * pinned or global for the whole run):
 *
 *   arm     a free slot, one-shot or self-re-arming periodic, 1-300 ms
 *           ahead, on this CPU
 *   re-arm  an armed slot to a new expiry (timer_del, then timer_add here)
 *   cancel  an armed slot (timer_del)
 *
 * and between those the CPU idles tickless, as in scenario idle.
 * Meanwhile the BSP, the control CPU, does one operation at a random
 * moment (a gap of 1 .. 2 x hotplug_gap_ms), with CPUHP_SRC_SCENARIO:
 * hot-add an absent CPU, park an online one (never the BSP, never the
 * last online one) or unpark a parked one, chosen at random among those
 * possible.  When the window ends, every CPU still absent is hot-added and
 * every parked one unparked (the churn still runs), then the drivers stop
 * and the BSP waits out every arming.
 *
 * hotplug_idle_add=1 keeps the absent CPUs out of the churn: after the
 * drain, with no timer anywhere, the BSP waits until every other online
 * CPU is idle in the hierarchy and only then hot-adds them, so the first
 * of them that needs a new level builds its new root over a fully idle
 * tree.  Without it, a growth of the tree happens under the churn.  Which
 * one happened is in the report (grew_busy, grew_idle).
 *
 * A parked CPU's work stops and restarts cleanly: before parking a CPU
 * the BSP queues a stop work on it, which deletes its driver with
 * interrupts off (the driver is pinned there, so it is not running); the
 * park work comes after it in that CPU's FIFO queue.  So the CPU parks
 * with no driver, and cpuhp moves its slots (pinned ones too) to the BSP.
 * After the unpark the BSP queues the start work, which arms the driver
 * again; a hot-added CPU gets the same start work.
 *
 * Checks, each failing the run with a reason:
 *   - every arming ends once: armed = fired + cancelled after the drain,
 *     none still armed (lost), no callback for a slot with no arming
 *     outstanding (spurious: a double expiry);
 *   - none early: each expiry is checked against the start of its expiry
 *     jiffy;
 *   - a parked CPU's churn stopped before its park: a driver that runs
 *     off its own CPU (cpuhp moved it) counts driver_elsewhere;
 *   - a parked CPU holds no timer: right after each park every slot and
 *     driver is scanned for one still queued on it (left_on_parked);
 *   - every operation succeeded, and every absent CPU was hot-added;
 *   - no parked CPU took an interrupt (cpuhp_parked_irqs(), over the run);
 *   - the hierarchy has one root and passes the quiescent invariant check.
 *
 * Locking: as scenario timers, whose slots and expiry checks these are
 * (churn_slot.h): slot fields under slot->lock (irqsave); the callback
 * takes the slot lock, then may call timer_add: slot lock before base
 * lock, and nobody waits for a callback under a slot lock.
 * A re-arm or cancel acts only when timer_del says the timer was pending:
 * otherwise the expiry won and its callback, waiting on the slot lock,
 * accounts for that arming.  Re-arm is del + add, never timer_mod: the
 * slot may sit on another CPU's base (its owner parked meanwhile), whose
 * callback may be running.  Each cpu_run's driver and rng belong to its
 * CPU (the driver callback and the start and stop works, all on that CPU
 * with interrupts off); the BSP touches them only before the start and
 * after the drain, and reads a driver's pending state and base after a
 * park (a snapshot).  Lateness is reported, not judged (the BSP, which
 * runs a parked CPU's timers, spins through each hot-add).  Counters are relaxed atomics.  The latency arrays are
 * the BSP's.
 */
#include <stddef.h>

#include "kernel/arch_services.h"
#include "kernel/cpuhp.h"
#include "kernel/idle.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/scenario.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/tmigr_shape.h"
#include "kernel/workqueue.h"
#include "kernel/scenarios/churn_slot.h"
#include "kernel/scenarios/hier_check.h"
#include "kernel/scenarios/late_hist.h"
#include "lib/container_of.h"
#include "lib/json.h"
#include "lib/rand.h"
#include "lib/sorted.h"
#include "lib/string.h"

#define HP_MAX_CPUS	TIMER_MAX_CPUS
#define SLOTS_PER_CPU	8
#define MAX_DELAY_MS	300
#define MAX_PERIOD_MS	100
#define DRIVER_MIN_MS	5
#define DRIVER_MAX_MS	40
#define IDLE_WAIT_MS	3000	/* hotplug_idle_add: how long the others may take to idle */
#define SETTLE_MS	30
#define MAX_OPS		4096	/* latencies kept per operation kind */

struct cpu_run {
	struct timer driver;	/* pinned to this CPU */
	struct work start;	/* queued by the BSP: (re)start the driver */
	struct work stop;	/* queued by the BSP before a park */
	struct rand_state rng;	/* this CPU's: driver callback, start work */
	uint32_t cpu;
	struct churn_slot slots[SLOTS_PER_CPU];
};

struct totals {
	struct churn_counts slot;	/* armed, fired, cancelled, early, spurious, lost, late */
	uint64_t rearmed;
	uint64_t driver_elsewhere;	/* a driver ran off its CPU: its stop failed */
};

struct lat {
	uint64_t us[MAX_OPS];
	uint32_t n;
};

enum op { OP_HOTADD, OP_PARK, OP_UNPARK, OP_NR };

static const char *const op_names[OP_NR] = { "hotadd", "park", "unpark" };

static struct cpu_run runs[HP_MAX_CPUS];
static struct totals tot;	/* relaxed atomic adds from any CPU */
static struct lat lats[OP_NR];	/* BSP only */
static uint32_t failed_ops;	/* BSP only */
static uint32_t stranded;	/* BSP only: timers left on a CPU after its park */
static uint32_t ncpus;
static bool running;		/* relaxed: drivers and periodic slots stop once clear */

/* What the growth of the tree saw (BSP only). */
struct growth {
	uint32_t busy, idle;		/* growths under the churn / over an idle tree */
	uint32_t idle_adds;		/* hot-adds of the idle phase */
	uint32_t others_active_max;	/* other CPUs active in the tree at an idle hot-add */
};

static struct growth grow;

static void slot_fired(struct timer *t)
{
	struct churn_slot *s = container_of(t, struct churn_slot, t);
	uint64_t now = arch_now_ns();
	unsigned long flags = spin_lock_irqsave(&s->lock);
	uint64_t late_ns;

	if (churn_slot_expired(s, &tot.slot, now, &late_ns) == CHURN_SPURIOUS) {
		spin_unlock_irqrestore(&s->lock, flags);
		return;
	}
	/* on this CPU, which runs: online, or parking and about to move it */
	if (s->periodic && __atomic_load_n(&running, __ATOMIC_RELAXED))
		churn_slot_rearm_periodic(s, &tot.slot);
	else
		s->armed = false;
	spin_unlock_irqrestore(&s->lock, flags);
}

static void arm_slot(struct cpu_run *r, struct churn_slot *s)
{
	s->periodic = rand_pct(&r->rng, 25);
	s->period_j = scenario_ms_to_jiffies(rand_range(&r->rng, 1, MAX_PERIOD_MS));
	s->expires = timer_jiffies() +
		     scenario_ms_to_jiffies(rand_range(&r->rng, 1, MAX_DELAY_MS));
	s->armed = true;
	timer_add(&s->t, s->expires);
	churn_count(&tot.slot.armed);
}

static void act(struct cpu_run *r)
{
	struct churn_slot *s = &r->slots[rand_range(&r->rng, 0, SLOTS_PER_CPU - 1)];
	unsigned roll = (unsigned)rand_range(&r->rng, 0, 99);
	unsigned long flags = spin_lock_irqsave(&s->lock);

	if (!s->armed) {
		arm_slot(r, s);
	} else if (roll < 50) {
		uint64_t expires = timer_jiffies() +
				   scenario_ms_to_jiffies(rand_range(&r->rng, 1, MAX_DELAY_MS));

		if (timer_del(&s->t)) {
			s->expires = expires;
			timer_add(&s->t, expires);
			churn_count(&tot.rearmed);
		}
	} else if (roll < 75) {
		churn_slot_cancel(s, &tot.slot);
	}
	spin_unlock_irqrestore(&s->lock, flags);
}

static uint64_t driver_gap_j(struct cpu_run *r)
{
	return scenario_ms_to_jiffies(rand_range(&r->rng, DRIVER_MIN_MS, DRIVER_MAX_MS));
}

static void driver_fired(struct timer *t)
{
	struct cpu_run *r = container_of(t, struct cpu_run, driver);

	if (!__atomic_load_n(&running, __ATOMIC_RELAXED))
		return;
	if (arch_cpu_id() != r->cpu) {
		/* moved by a park: the stop work did not delete it first */
		churn_count(&tot.driver_elsewhere);
		return;
	}
	act(r);
	timer_add(t, timer_jiffies() + driver_gap_j(r));
}

/* On the CPU: interrupts off, so its pinned driver is not running meanwhile. */
static void start_cpu(struct work *w)
{
	struct cpu_run *r = container_of(w, struct cpu_run, start);
	unsigned long irq = arch_irq_save();

	if (__atomic_load_n(&running, __ATOMIC_RELAXED) && !timer_pending(&r->driver))
		timer_add(&r->driver, timer_jiffies() + driver_gap_j(r));
	arch_irq_restore(irq);
}

static void stop_cpu(struct work *w)
{
	struct cpu_run *r = container_of(w, struct cpu_run, stop);
	unsigned long irq = arch_irq_save();

	timer_del(&r->driver);
	arch_irq_restore(irq);
}

static void lat_add(struct lat *l, uint64_t us)
{
	sorted_insert(l->us, &l->n, MAX_OPS, us);
}

static uint64_t lat_median(const struct lat *l)
{
	return sorted_median(l->us, l->n);
}

static uint64_t lat_max(const struct lat *l)
{
	return sorted_max(l->us, l->n);
}

/* Online CPUs other than the caller that are active in the hierarchy. */
static uint32_t others_active(void)
{
	uint32_t n = 0, me = arch_cpu_id();

	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		n += cpu != me && cpuhp_state(cpu) == CPUHP_ONLINE && !tmigr_cpu_idle(cpu);
	return n;
}

static void op_done(enum op op, uint32_t cpu, enum cpuhp_err e)
{
	if (e) {
		failed_ops++;
		kprintf("hotplug: %s of CPU %u failed: %s\n", op_names[op], cpu,
			cpuhp_err_name(e));
		return;
	}
	lat_add(&lats[op], cpuhp_last_us());
}

static void do_hotadd(uint32_t cpu, bool busy)
{
	uint32_t before = tmigr_shape_levels();
	enum cpuhp_err e = cpu_up(cpu, CPUHP_SRC_SCENARIO);

	op_done(OP_HOTADD, cpu, e);
	if (e)
		return;
	if (tmigr_shape_levels() > before) {
		if (busy)
			grow.busy++;
		else
			grow.idle++;
	}
	if (busy)
		work_queue_on(cpu, &runs[cpu].start);
}

/*
 * Timers of ours still queued on `cpu`, just parked: none may be, cpuhp
 * moved them all.  Nothing adds a timer on a parked CPU (a periodic slot
 * re-arms where it runs, this scenario never uses timer_add_on), so a
 * pending timer whose base is the parked CPU's was left behind.  t->cpu is
 * the base owner while pending: read relaxed, a snapshot that the parked
 * CPU no longer changes.
 */
static uint32_t timers_left_on(uint32_t cpu)
{
	uint32_t n = 0;

	for (uint32_t c = 0; c < ncpus; c++) {
		struct cpu_run *r = &runs[c];

		n += timer_pending(&r->driver) &&
		     __atomic_load_n(&r->driver.cpu, __ATOMIC_RELAXED) == cpu;
		for (int i = 0; i < SLOTS_PER_CPU; i++) {
			struct churn_slot *s = &r->slots[i];
			unsigned long flags = spin_lock_irqsave(&s->lock);

			if (timer_pending(&s->t) && __atomic_load_n(&s->t.cpu, __ATOMIC_RELAXED) == cpu) {
				n++;
				kprintf("hotplug: slot %d of CPU %u (expiry jiffy %lu) stayed on parked CPU %u\n",
					i, c, (unsigned long)s->expires, cpu);
			}
			spin_unlock_irqrestore(&s->lock, flags);
		}
	}
	return n;
}

static void do_park(uint32_t cpu)
{
	enum cpuhp_err e;

	/* FIFO: the stop runs before the park work cpu_down() queues */
	work_queue_on(cpu, &runs[cpu].stop);
	e = cpu_down(cpu, CPUHP_SRC_SCENARIO);
	op_done(OP_PARK, cpu, e);
	if (e)
		work_queue_on(cpu, &runs[cpu].start);	/* it stays online: churn on */
	else
		stranded += timers_left_on(cpu);
}

static void do_unpark(uint32_t cpu)
{
	enum cpuhp_err e = cpu_up(cpu, CPUHP_SRC_SCENARIO);

	op_done(OP_UNPARK, cpu, e);
	if (!e)
		work_queue_on(cpu, &runs[cpu].start);
}

/* A random CPU in `want` state (parkable: not the BSP), or ncpus if none. */
static uint32_t pick(struct rand_state *rng, enum cpuhp_state want)
{
	uint32_t cands[HP_MAX_CPUS], n = 0;

	for (uint32_t cpu = 1; cpu < ncpus; cpu++)
		if (cpuhp_state(cpu) == want)
			cands[n++] = cpu;
	return n ? cands[rand_range(rng, 0, n - 1)] : ncpus;
}

/* One random operation among those possible now. */
static void control_step(struct rand_state *rng, bool adds)
{
	uint32_t absent = adds ? pick(rng, CPUHP_ABSENT) : ncpus;
	uint32_t online = cpuhp_online_count() > 1 ? pick(rng, CPUHP_ONLINE) : ncpus;
	uint32_t parked = pick(rng, CPUHP_PARKED);
	uint32_t choice[OP_NR], cpus_of[OP_NR], n = 0;

	if (absent < ncpus) {
		choice[n] = OP_HOTADD;
		cpus_of[n++] = absent;
	}
	if (online < ncpus) {
		choice[n] = OP_PARK;
		cpus_of[n++] = online;
	}
	if (parked < ncpus) {
		choice[n] = OP_UNPARK;
		cpus_of[n++] = parked;
	}
	if (!n)
		return;
	n = (uint32_t)rand_range(rng, 0, n - 1);
	if (choice[n] == OP_HOTADD)
		do_hotadd(cpus_of[n], true);
	else if (choice[n] == OP_PARK)
		do_park(cpus_of[n]);
	else
		do_unpark(cpus_of[n]);
}

static void collect_lost(void)
{
	for (uint32_t cpu = 0; cpu < ncpus; cpu++) {
		struct cpu_run *r = &runs[cpu];

		timer_del_sync(&r->driver);
		for (int i = 0; i < SLOTS_PER_CPU; i++) {
			struct churn_slot *s = &r->slots[i];
			unsigned long flags = spin_lock_irqsave(&s->lock);
			bool was = s->armed;

			if (was) {
				churn_count(&tot.slot.lost);
				kprintf("hotplug: LOST slot %d of CPU %u: expiry jiffy %lu, now %lu, %s\n",
					i, cpu, (unsigned long)s->expires,
					(unsigned long)timer_jiffies(),
					timer_pending(&s->t) ? "still pending" : "not pending");
			}
			timer_del(&s->t);
			s->armed = false;
			spin_unlock_irqrestore(&s->lock, flags);
			timer_del_sync(&s->t);
		}
	}
}

/*
 * hotplug_idle_add: with no timer anywhere, wait until every other online
 * CPU is idle in the tree, then hot-add each absent CPU.  False if the
 * others did not all idle within IDLE_WAIT_MS.
 */
static bool idle_phase(void)
{
	for (uint32_t cpu = 1; cpu < ncpus; cpu++) {
		uint64_t deadline = arch_now_ns() + IDLE_WAIT_MS * 1000000ull;
		uint32_t active;

		if (cpuhp_state(cpu) != CPUHP_ABSENT)
			continue;
		while ((active = others_active()) && arch_now_ns() < deadline)
			idle_sleep_until_ns(arch_now_ns() + 5000000ull);
		if (active > grow.others_active_max)
			grow.others_active_max = active;
		if (active) {
			kprintf("hotplug: %u other CPUs still active after %u ms; no idle hot-add\n",
				active, IDLE_WAIT_MS);
			return false;
		}
		do_hotadd(cpu, false);
		grow.idle_adds++;
	}
	return true;
}

/* After the run, the APs settled: one root, the invariants of design §5. */
static uint32_t check_hierarchy(char *why, size_t len)
{
	if (!tmigr_enabled()) {
		why[0] = 0;
		return 0;
	}
	return scenario_hier_check(why, len, false);
}

struct outcome {
	uint32_t absent_before, levels_before, violations, roots, levels, online;
	uint64_t parked_irqs;
	bool ok;
};

static void print_table(const struct outcome *o)
{
	kprintf("  %-8s %6s %10s %10s\n", "op", "count", "median_us", "max_us");
	for (int op = 0; op < OP_NR; op++)
		kprintf("  %-8s %6u %10lu %10lu\n", op_names[op], lats[op].n,
			(unsigned long)lat_median(&lats[op]), (unsigned long)lat_max(&lats[op]));
	kprintf("  %-8s %6lu %10s %10s\n", "timers", (unsigned long)tot.slot.armed, "fired",
		"cancelled");
	kprintf("  %-8s %6s %10lu %10lu\n", "", "", (unsigned long)tot.slot.fired,
		(unsigned long)tot.slot.cancelled);
	kprintf("hotplug: lost %lu, early %lu, spurious %lu, left on a parked CPU %u, late max %lu us; levels %u -> %u, %u root(s), %u violation(s), parked_irqs %lu\n",
		(unsigned long)tot.slot.lost, (unsigned long)tot.slot.early, (unsigned long)tot.slot.spurious,
		stranded, (unsigned long)(tot.slot.late.max_ns / 1000), o->levels_before, o->levels, o->roots,
		o->violations, (unsigned long)o->parked_irqs);
}

static void report(const struct scenario_args *args, const struct outcome *o)
{
	static char buf[2048];
	struct json_writer w;

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "hotplug");
	json_u64(&w, "cpus", ncpus);
	json_u64(&w, "online", o->online);
	json_u64(&w, "absent_before", o->absent_before);
	json_u64(&w, "window_ms", args->seconds_ms);
	json_u64(&w, "seed", args->seed);
	json_u64(&w, "hotadds", lats[OP_HOTADD].n);
	json_u64(&w, "parks", lats[OP_PARK].n);
	json_u64(&w, "unparks", lats[OP_UNPARK].n);
	json_u64(&w, "failed_ops", failed_ops);
	json_u64(&w, "left_on_parked", stranded);
	json_u64(&w, "driver_elsewhere", tot.driver_elsewhere);
	json_u64(&w, "armed", tot.slot.armed);
	json_u64(&w, "fired", tot.slot.fired);
	json_u64(&w, "rearmed", tot.rearmed);
	json_u64(&w, "cancelled", tot.slot.cancelled);
	json_u64(&w, "lost", tot.slot.lost);
	json_u64(&w, "early", tot.slot.early);
	json_u64(&w, "spurious", tot.slot.spurious);
	json_u64(&w, "max_late_us", tot.slot.late.max_ns / 1000);
	json_u64(&w, "p99_late_us", late_hist_percentile_us(&tot.slot.late, 99));
	json_u64(&w, "levels_before", o->levels_before);
	json_u64(&w, "levels", o->levels);
	json_u64(&w, "roots", o->roots);
	json_u64(&w, "violations", o->violations);
	json_u64(&w, "grew_busy", grow.busy);
	json_u64(&w, "grew_idle", grow.idle);
	json_u64(&w, "idle_hotadds", grow.idle_adds);
	json_u64(&w, "idle_add_others_active", grow.others_active_max);
	json_u64(&w, "hotadd_us_median", lat_median(&lats[OP_HOTADD]));
	json_u64(&w, "hotadd_us_max", lat_max(&lats[OP_HOTADD]));
	json_u64(&w, "unpark_us_median", lat_median(&lats[OP_UNPARK]));
	json_u64(&w, "unpark_us_max", lat_max(&lats[OP_UNPARK]));
	json_u64(&w, "park_us_median", lat_median(&lats[OP_PARK]));
	json_u64(&w, "park_us_max", lat_max(&lats[OP_PARK]));
	json_u64(&w, "parked_irqs", o->parked_irqs);
	json_str(&w, "result", o->ok ? "pass" : "fail");
	report_emit(json_end(&w));
}

static void setup(const struct scenario_args *args)
{
	memset(&tot, 0, sizeof(tot));
	memset(lats, 0, sizeof(lats));
	memset(&grow, 0, sizeof(grow));
	failed_ops = 0;
	stranded = 0;
	for (uint32_t cpu = 0; cpu < ncpus; cpu++) {
		struct cpu_run *r = &runs[cpu];

		r->cpu = cpu;
		rand_seed(&r->rng, args->seed * 1000003ull + cpu);
		timer_setup(&r->driver, driver_fired, TIMER_PINNED);
		/* each slot keeps one kind for the run: pinned or global, at random */
		for (int i = 0; i < SLOTS_PER_CPU; i++) {
			memset(&r->slots[i], 0, sizeof(r->slots[i]));
			timer_setup(&r->slots[i].t, slot_fired,
				    rand_pct(&r->rng, 50) ? TIMER_PINNED : 0);
		}
		r->start.fn = start_cpu;
		r->stop.fn = stop_cpu;
	}
}

/* The churn with its operations; then every CPU online, the drivers stopped, drained. */
static void churn(const struct scenario_args *args, struct rand_state *rng, bool adds)
{
	uint64_t end = arch_now_ns() + args->seconds_ms * 1000000ull;
	uint64_t gap_ms = option_u64("hotplug_gap_ms");

	__atomic_store_n(&running, true, __ATOMIC_RELAXED);
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		if (cpuhp_state(cpu) == CPUHP_ONLINE)
			work_queue_on(cpu, &runs[cpu].start);
	while (arch_now_ns() < end) {
		idle_sleep_until_ns(arch_now_ns() + rand_range(rng, 1, 2 * gap_ms) * 1000000ull);
		control_step(rng, adds);
	}
	/* the rest, still under the churn */
	for (uint32_t cpu = 1; cpu < ncpus; cpu++) {
		if (adds && cpuhp_state(cpu) == CPUHP_ABSENT)
			do_hotadd(cpu, true);
		else if (cpuhp_state(cpu) == CPUHP_PARKED)
			do_unpark(cpu);
	}
	__atomic_store_n(&running, false, __ATOMIC_RELAXED);
	/* let every arming still out run: longest delay and period plus its granularity */
	idle_sleep_until_ns(arch_now_ns() + (MAX_DELAY_MS + MAX_PERIOD_MS) * 1000000ull +
		late_wheel_bound_j(scenario_ms_to_jiffies(MAX_DELAY_MS)) * timer_tick_ns());
	collect_lost();
}

static bool judge(const struct outcome *o, bool idle_ok, const char **reason)
{
	if (tot.slot.lost || tot.slot.early || tot.slot.spurious ||
	    tot.slot.armed != tot.slot.fired + tot.slot.cancelled) {
		*reason = "hotplug: a timer was lost, early or ran twice";
		return false;
	}
	if (!idle_ok) {
		*reason = "hotplug: the CPUs did not all idle for the idle hot-add";
		return false;
	}
	if (tot.driver_elsewhere) {
		*reason = "hotplug: a parked CPU's churn did not stop before its park";
		return false;
	}
	if (stranded) {
		*reason = "hotplug: a parked CPU kept timers (they were not moved)";
		return false;
	}
	if (failed_ops || lats[OP_HOTADD].n != o->absent_before ||
	    o->online != ncpus) {
		*reason = "hotplug: a CPU operation failed or an absent CPU was not hot-added";
		return false;
	}
	if (o->parked_irqs) {
		*reason = "hotplug: a parked CPU took an interrupt";
		return false;
	}
	if (tmigr_enabled() && (o->violations || o->roots != 1)) {
		*reason = "hotplug: the hierarchy is inconsistent after the run";
		return false;
	}
	if (!tot.slot.fired) {
		*reason = "hotplug: no timer fired";
		return false;
	}
	return true;
}

bool scenario_hotplug(const struct scenario_args *args, const char **reason)
{
	bool idle_add = option_u64("hotplug_idle_add");
	struct rand_state rng;
	struct outcome o;
	bool idle_ok = true;
	char why[160];

	memset(&o, 0, sizeof(o));
	ncpus = arch_cpu_count();
	if (ncpus > HP_MAX_CPUS)
		ncpus = HP_MAX_CPUS;
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		o.absent_before += cpuhp_state(cpu) == CPUHP_ABSENT;
	o.levels_before = tmigr_shape_levels();
	o.parked_irqs = cpuhp_parked_irqs();
	rand_seed(&rng, args->seed * 7919 + 1);
	setup(args);
	kprintf("hotplug: %u CPUs, %u online, %u absent, %lu ms, seed %lu, %s\n", ncpus,
		cpuhp_online_count(), o.absent_before, (unsigned long)args->seconds_ms,
		(unsigned long)args->seed,
		idle_add ? "absent CPUs hot-added after the churn, all idle" :
			   "absent CPUs hot-added under the churn");
	churn(args, &rng, !idle_add);
	if (idle_add)
		idle_ok = idle_phase();
	idle_sleep_until_ns(arch_now_ns() + SETTLE_MS * 1000000ull);
	o.parked_irqs = cpuhp_parked_irqs() - o.parked_irqs;
	o.violations = check_hierarchy(why, sizeof(why));
	o.roots = tmigr_shape_roots();
	o.levels = tmigr_shape_levels();
	o.online = cpuhp_online_count();
	o.ok = judge(&o, idle_ok, reason);
	print_table(&o);
	report(args, &o);
	return o.ok;
}
