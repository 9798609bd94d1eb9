// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scenario timers: random timers on every CPU, each expiry checked.
 *
 * Every online CPU gets a driver: a pinned timer whose callback, every 1-20
 * jiffies, does one random thing to that CPU's slots (a slot is one timer
 * under test):
 *
 *   arm       a free slot (each slot is pinned or global for the whole
 *             run), one-shot or self-re-arming periodic, 1-300 ms
 *             ahead; sometimes on another CPU (add_on, which pins it)
 *   modify    an armed slot to a new expiry (timer_mod)
 *   cancel    an armed slot (timer_del)
 *   busy      queue 1-10 ms of busy work on this CPU (its tick runs), in
 *             busy_pct % of the actions (default 5: under QEMU every busy
 *             vCPU is a host thread, and a small host oversubscribed by
 *             busy vCPUs makes every timer late)
 *
 * and otherwise the CPU idles tickless.  Each expiry is checked: `early`
 * if arch_now_ns() is before the start of the slot's expiry jiffy, else
 * its lateness goes into a histogram and is judged against the bound
 * below.  At the end the drivers stop, the BSP sleeps past the longest
 * delay plus its wheel granularity, and every slot still armed is
 * `pending`; one whose expiry is past that bound also counts as `lost`.
 * Every arming ends exactly once, so armed = fired + cancelled + pending.
 * `spurious` counts callbacks for a slot with no arming outstanding.
 * A periodic slot that fell a whole period behind (its CPU did not run:
 * under QEMU a vCPU can wait for a host core for hundreds of ms) skips the
 * missed periods and counts an overrun.  Any early, lost or spurious
 * timer, or one later than the bound, fails the run.
 *
 * The lateness bound (late_hist.h), from the start of the expiry jiffy:
 *
 *   kernel  late_wheel_bound_j(MAX_DELAY_MS): delays and periods up to
 *           300 ms sit on wheel level 1 (granule 8 jiffies), so 2 x 8 + 2
 *           jiffies, plus MAX_BUSY_MS.  A busy period itself delays no
 *           timer (the work runs with interrupts on and the tick running,
 *           so its CPU's timers and its migrator duty still run), but under
 *           QEMU the busy vCPU holds a host core for up to MAX_BUSY_MS that
 *           an idle vCPU woken for a timer may be waiting for.
 *   slack   LATE_SLACK_US (300 ms, lateness.c says how it was measured)
 *           plus SLACK_PER_CPU_US (60 ms) per online CPU, for the emulator.
 *           Unlike the idle and lateness scenarios, this one keeps every
 *           vCPU busy, so under TCG the guest itself oversubscribes the
 *           host: n runnable vCPU threads share its cores, and the wait
 *           for one grows with n.  Measured on a 2-core host shared with
 *           other jobs: at -smp 8 at most 93 ms late (load 15-30); at -smp
 *           64, 0.4-2.1 s in 10 runs at load 8-57, against 4.1 s allowed.
 *
 * lateness_bound_us= replaces the sum.  The first timers over the bound
 * are named on the console after the run.
 *
 * Locking: slot fields under slot->lock (irqsave).  The callback takes the
 * slot lock, then may call timer_add (base lock inside): slot lock before
 * base lock everywhere, and no one waits for a callback while holding a
 * slot lock (timer_del, never timer_del_sync, under it).
 *
 * A modify or cancel acts only on a slot whose timer is pending, under the
 * slot lock; if timer_del/timer_mod says it was not pending after all, the
 * expiry won the race and its callback, waiting on the slot lock, will
 * account for that arming.  Modify of a slot whose callback may run on
 * another CPU (armed elsewhere, or global: a migrator may be running it)
 * is done as del + add for that reason: timer_mod would re-arm a timer
 * whose old arming is still being reported.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smpboot.h"
#include "kernel/arch_services.h"
#include "kernel/options.h"
#include "kernel/idle.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/scenario.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"
#include "kernel/workqueue.h"
#include "kernel/scenarios/churn_slot.h"
#include "kernel/scenarios/late_hist.h"
#include "lib/container_of.h"
#include "lib/counter.h"
#include "lib/json.h"
#include "lib/rand.h"

#define SLOTS_PER_CPU	12
#define MAX_DELAY_MS	300
#define MAX_PERIOD_MS	100
#define MAX_BUSY_MS	10
#define SLACK_PER_CPU_US	60000	/* see the bound in the theory comment */

struct cpu_run {
	struct timer driver;	/* pinned to this CPU */
	struct work start;	/* queued by the BSP to begin */
	struct work busy;	/* busy periods */
	uint64_t busy_until_ns;	/* owner only */
	bool busy_queued;	/* owner only: `busy` is in the work queue */
	struct rand_state rng;	/* owner only (driver callback) */
	uint32_t cpu;
	struct churn_slot slots[SLOTS_PER_CPU];
	uint64_t wakeups0, irqs0;	/* snapshot at start; BSP only */
};

struct totals {
	struct churn_counts slot;	/* armed, fired, cancelled, early, spurious, lost, late */
	uint64_t modified, overruns;
	uint64_t pending;	/* armings still outstanding after the drain */
	uint64_t over_bound;
};

/* The first few timers over the bound, printed after the run. */
#define LATE_LOG	8
struct late_event {
	uint64_t expires, late_ns;
	uint32_t fires_on, ran_on;
};

static struct late_event late_log[LATE_LOG];
static uint32_t late_logged;		/* relaxed fetch_add claims an entry; read after the drain */
static struct late_bound bound;		/* set before the drivers start */

static struct cpu_run runs[MAX_CPUS];
static struct totals tot;		/* relaxed atomic adds from any CPU */
static bool running;			/* relaxed: drivers stop arming once clear */
static unsigned busy_pct = 5;		/* set before the drivers start */
static uint32_t ncpus_online;

/* A lateness already in the histogram: judge it against the bound. */
static void record_lateness(const struct churn_slot *s, uint64_t late_ns)
{
	uint32_t i;

	if (late_ns <= bound.bound_ns)
		return;
	churn_count(&tot.over_bound);
	i = __atomic_fetch_add(&late_logged, 1, __ATOMIC_RELAXED);
	if (i < LATE_LOG)
		late_log[i] = (struct late_event){ s->expires, late_ns, s->fires_on,
						   arch_cpu_id() };
}

static void slot_fired(struct timer *t)
{
	struct churn_slot *s = container_of(t, struct churn_slot, t);
	uint64_t now = arch_now_ns();
	unsigned long flags = spin_lock_irqsave(&s->lock);
	uint64_t late_ns;

	switch (churn_slot_expired(s, &tot.slot, now, &late_ns)) {
	case CHURN_SPURIOUS:
		spin_unlock_irqrestore(&s->lock, flags);
		return;
	case CHURN_LATE:
		record_lateness(s, late_ns);
		break;
	case CHURN_EARLY:
		break;
	}
	if (s->periodic && __atomic_load_n(&running, __ATOMIC_RELAXED)) {
		if (churn_slot_rearm_periodic(s, &tot.slot))
			churn_count(&tot.overruns);
	} else {
		s->armed = false;
	}
	spin_unlock_irqrestore(&s->lock, flags);
}

static void arm_slot(struct cpu_run *r, struct churn_slot *s)
{
	uint64_t delay = scenario_ms_to_jiffies(rand_range(&r->rng, 1, MAX_DELAY_MS));
	uint32_t target = r->cpu;

	s->periodic = rand_pct(&r->rng, 25);
	s->period_j = scenario_ms_to_jiffies(rand_range(&r->rng, 1, MAX_PERIOD_MS));
	s->expires = timer_jiffies() + delay;
	s->armed = true;
	if (ncpus_online > 1 && rand_pct(&r->rng, 10)) {
		/* pinned to another online CPU */
		do
			target = (uint32_t)rand_range(&r->rng, 0, smp_cpu_count - 1);
		while (cpu_state(target) != CPU_ONLINE || target == r->cpu);
		s->fires_on = target;
		timer_add_on(&s->t, s->expires, target);
	} else {
		s->fires_on = r->cpu;
		timer_add(&s->t, s->expires);
	}
	churn_count(&tot.slot.armed);
}

static void modify_slot(struct cpu_run *r, struct churn_slot *s)
{
	uint64_t expires = timer_jiffies() +
			   scenario_ms_to_jiffies(rand_range(&r->rng, 1, MAX_DELAY_MS));
	/* add_on pins a global slot; relaxed: we hold the slot, its only arm-er */
	bool pinned = __atomic_load_n(&s->t.flags, __ATOMIC_RELAXED) & TIMER_PINNED;

	if (pinned && s->fires_on == r->cpu) {
		/*
		 * Pinned here: only this CPU runs its callback, and we run with
		 * interrupts off, so it is not in flight.  A global slot's
		 * callback may be running on a migrator right now, even though
		 * it was armed here: the hierarchy pulls the global timers of a
		 * CPU that is idle in it, and this CPU handles its pinned
		 * driver's interrupt without leaving idle (and with its pinned
		 * wake-up exported, R-34, the migrator comes at that very
		 * jiffy).  timer_mod would re-arm the unlinked timer under the
		 * running callback, which then finds it pending: del + add.
		 */
		if (timer_mod(&s->t, expires)) {
			s->expires = expires;
			churn_count(&tot.modified);
		}
		return;
	}
	if (timer_del(&s->t)) {
		s->expires = expires;
		if (!pinned && s->fires_on == r->cpu)
			timer_add(&s->t, expires);	/* stays global */
		else
			timer_add_on(&s->t, expires, s->fires_on);
		churn_count(&tot.modified);
	}
}

static void busy_work(struct work *w)
{
	struct cpu_run *r = container_of(w, struct cpu_run, busy);

	r->busy_queued = false;
	while (arch_now_ns() < r->busy_until_ns)
		cpu_pause();
}

static void act(struct cpu_run *r)
{
	struct churn_slot *s = &r->slots[rand_range(&r->rng, 0, SLOTS_PER_CPU - 1)];
	unsigned roll = (unsigned)rand_range(&r->rng, 0, 99);
	unsigned long flags;

	if (roll >= 100 - busy_pct) {
		if (!r->busy_queued && r->busy_until_ns < arch_now_ns()) {
			r->busy_until_ns = arch_now_ns() +
				rand_range(&r->rng, 1, MAX_BUSY_MS) * 1000000ull;
			r->busy_queued = true;
			work_queue_on(r->cpu, &r->busy);
		}
		return;
	}
	flags = spin_lock_irqsave(&s->lock);
	if (!s->armed)
		arm_slot(r, s);
	else if (timer_pending(&s->t) && roll < 55)
		modify_slot(r, s);
	else if (timer_pending(&s->t) && roll < 75)
		churn_slot_cancel(s, &tot.slot);
	spin_unlock_irqrestore(&s->lock, flags);
}

static void driver_fired(struct timer *t)
{
	struct cpu_run *r = container_of(t, struct cpu_run, driver);

	if (!__atomic_load_n(&running, __ATOMIC_RELAXED))
		return;
	act(r);
	timer_add(t, timer_jiffies() + rand_range(&r->rng, 1, 20));
}

static void start_cpu(struct work *w)
{
	struct cpu_run *r = container_of(w, struct cpu_run, start);

	timer_setup(&r->driver, driver_fired, TIMER_PINNED);
	timer_add(&r->driver, timer_jiffies() + 1);
}

static void collect_lost(void)
{
	uint64_t now_j = timer_jiffies();
	uint64_t bound = late_wheel_bound_j(scenario_ms_to_jiffies(MAX_DELAY_MS));

	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++) {
		struct cpu_run *r = &runs[cpu];

		if (cpu_state(cpu) != CPU_ONLINE)
			continue;
		timer_del_sync(&r->driver);
		for (int i = 0; i < SLOTS_PER_CPU; i++) {
			struct churn_slot *s = &r->slots[i];
			unsigned long flags = spin_lock_irqsave(&s->lock);

			if (s->armed && (int64_t)(now_j - (s->expires + bound)) > 0) {
				churn_count(&tot.slot.lost);
				kprintf("timers: LOST slot %d of cpu %u: expires %lu, now %lu, on cpu %u, %s\n",
					i, cpu, (unsigned long)s->expires,
					(unsigned long)now_j, s->fires_on,
					timer_pending(&s->t) ? "still pending" : "not pending");
			}
			if (s->armed)
				churn_count(&tot.pending);
			timer_del(&s->t);
			s->armed = false;
			spin_unlock_irqrestore(&s->lock, flags);
			timer_del_sync(&s->t);
		}
	}
}

static void report(const struct scenario_args *args)
{
	static char buf[16384];
	struct json_writer w;
	uint64_t p99 = late_hist_percentile_us(&tot.slot.late, 99);

	kprintf("timers: %lu armed, %lu fired, %lu modified, %lu cancelled, %lu pending at the end, %lu lost, %lu early, %lu spurious\n",
		(unsigned long)tot.slot.armed, (unsigned long)tot.slot.fired,
		(unsigned long)tot.modified, (unsigned long)tot.slot.cancelled,
		(unsigned long)tot.pending, (unsigned long)tot.slot.lost,
		(unsigned long)tot.slot.early, (unsigned long)tot.slot.spurious);
	for (uint32_t i = 0; i < late_logged && i < LATE_LOG; i++)
		kprintf("timers: OVER BOUND timer of CPU %u, expiry jiffy %lu, ran %lu us late on CPU %u\n",
			late_log[i].fires_on, (unsigned long)late_log[i].expires,
			(unsigned long)(late_log[i].late_ns / 1000), late_log[i].ran_on);
	kprintf("timers: lateness p50 <= %lu us, p99 <= %lu us, max %lu us (buckets of 10 us below 10 ms, 1 ms above); %lu over the bound of %lu us\n",
		(unsigned long)late_hist_percentile_us(&tot.slot.late, 50), (unsigned long)p99,
		(unsigned long)(tot.slot.late.max_ns / 1000), (unsigned long)tot.over_bound,
		(unsigned long)(bound.bound_ns / 1000));
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "timers");
	json_u64(&w, "cpus", ncpus_online);
	json_u64(&w, "window_ms", args->seconds_ms);
	json_u64(&w, "seed", args->seed);
	json_u64(&w, "hz", 1000000000ull / timer_tick_ns());
	json_u64(&w, "armed", tot.slot.armed);
	json_u64(&w, "fired", tot.slot.fired);
	json_u64(&w, "modified", tot.modified);
	json_u64(&w, "cancelled", tot.slot.cancelled);
	json_u64(&w, "pending", tot.pending);
	json_u64(&w, "lost", tot.slot.lost);
	json_u64(&w, "early", tot.slot.early);
	json_u64(&w, "spurious", tot.slot.spurious);
	json_u64(&w, "periodic_overruns", tot.overruns);
	json_u64(&w, "max_late_us", tot.slot.late.max_ns / 1000);
	json_u64(&w, "p50_late_us", late_hist_percentile_us(&tot.slot.late, 50));
	json_u64(&w, "p99_late_us", p99);
	late_bound_json(&w, &bound, tot.over_bound);
	json_array_begin(&w, "wakeups");
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		if (cpu_state(cpu) == CPU_ONLINE)
			json_u64(&w, NULL, counter_read(&idle_stats_of(cpu)->idle_wakeups) - runs[cpu].wakeups0);
	json_array_end(&w);
	json_array_begin(&w, "timer_irqs");
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		if (cpu_state(cpu) == CPU_ONLINE)
			json_u64(&w, NULL, counter_read(&idle_stats_of(cpu)->timer_irqs) - runs[cpu].irqs0);
	json_array_end(&w);
	report_emit(json_end(&w));
}

bool scenario_timers(const struct scenario_args *args, const char **reason)
{
	uint64_t end;

	ncpus_online = cpu_online_count();
	busy_pct = (unsigned)option_u64("busy_pct");
	bound.kernel_us = late_wheel_bound_j(scenario_ms_to_jiffies(MAX_DELAY_MS)) *
			  timer_tick_ns() / 1000 + MAX_BUSY_MS * 1000;
	bound.slack_us = LATE_SLACK_US + SLACK_PER_CPU_US * ncpus_online;
	bound.bound_ns = option_u64_or("lateness_bound_us",
					late_bound_default_us(&bound)) * 1000;
	kprintf("timers: %u CPUs, %lu ms, seed %lu, lateness bound %lu us\n", ncpus_online,
		(unsigned long)args->seconds_ms, (unsigned long)args->seed,
		(unsigned long)(bound.bound_ns / 1000));
	__atomic_store_n(&running, true, __ATOMIC_RELAXED);
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++) {
		struct cpu_run *r = &runs[cpu];

		if (cpu_state(cpu) != CPU_ONLINE)
			continue;
		r->cpu = cpu;
		rand_seed(&r->rng, args->seed * 1000003ull + cpu);
		/* each slot keeps one kind for the run: pinned or global, at random */
		for (int i = 0; i < SLOTS_PER_CPU; i++)
			timer_setup(&r->slots[i].t, slot_fired,
				    rand_pct(&r->rng, 50) ? TIMER_PINNED : 0);
		r->busy.fn = busy_work;
		r->start.fn = start_cpu;
		r->wakeups0 = counter_read(&idle_stats_of(cpu)->idle_wakeups);
		r->irqs0 = counter_read(&idle_stats_of(cpu)->timer_irqs);
		work_queue_on(cpu, &r->start);
	}
	end = arch_now_ns() + args->seconds_ms * 1000000ull;
	idle_sleep_until_ns(end);
	__atomic_store_n(&running, false, __ATOMIC_RELAXED);
	/* let every arming still out run: longest delay and period plus its granularity */
	idle_sleep_until_ns(arch_now_ns() +
		       (MAX_DELAY_MS + MAX_PERIOD_MS) * 1000000ull +
		       late_wheel_bound_j(scenario_ms_to_jiffies(MAX_DELAY_MS)) * timer_tick_ns());
	collect_lost();
	report(args);
	if (tot.slot.lost || tot.slot.early || tot.slot.spurious) {
		*reason = "timers: a timer was lost, early or spurious";
		return false;
	}
	if (tot.over_bound) {
		*reason = "timers: a timer ran later than the lateness bound";
		return false;
	}
	if (!tot.slot.fired) {
		*reason = "timers: no timer fired";
		return false;
	}
	return true;
}
