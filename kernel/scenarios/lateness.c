// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scenario lateness: lost wake-ups around HLT and IPIs (design §4, R-25).
 *
 * What it proves.  An idle CPU sleeps in HLT until the one event it was
 * told about.  If a wake-up is lost (the final checks made with interrupts
 * on, STI and HLT split by anything, a kick IPI not sent, or sent before
 * the state it announces is visible: design O15, O16), the CPU that owes a
 * timer sleeps on, and on an otherwise idle machine nothing else wakes it.
 * So the test keeps the machine idle except for a stream of short timers
 * and measures how late each one runs: a lost wake-up shows up as a timer
 * that runs far too late or never, not as one slightly late.
 *
 * The workload.  One CPU, the arming CPU (lateness_cpu=, default CPU 1, or
 * the BSP alone), has a pinned driver timer.  Each time it fires it runs a
 * round that arms 1 .. MAX_BURST timers, each 1 .. MAX_DELAY_J jiffies
 * ahead (seeded by seed=S):
 *
 *   global  (timer_add, not pinned) on the arming CPU's GLOBAL base; the
 *           arming CPU then idles until its next round, so most of them
 *           fall due while their owner sleeps and the hierarchy must get
 *           them run (tmigr=on: the idle migrator's wake-up and remote
 *           expiry; tmigr=off: the owner's own one-shot).
 *   remote  (timer_add_on, lateness_remote_pct= %, default 30) on another
 *           online CPU, which sleeps with no event at all: the kick IPI
 *           must end its HLT so that it programs its one-shot.
 *
 * Half the rounds arm from the driver's callback, in interrupt context,
 * where the arming CPU stays idle (the new-timer-while-idle walk); the
 * other half queue a work item, so the arming CPU leaves idle, arms while
 * active and goes idle again (the tick-stop walk: last CPU to go idle, it
 * takes the root's wake-up).  The next round comes
 *
 *   usually    1 .. MAX_GAP_MS later;
 *   MEET_PCT   in the very jiffy in which an outstanding remote timer
 *              runs, with that round's timers all remote (short, so likely
 *              each a new first timer: a kick) for the same CPU, spread
 *              over MEET_STAGGER_US: the kick lands while that CPU runs
 *              its timer and decides how to sleep again, the HLT-entry
 *              race of O16;
 *   PAUSE_PCT  after a pause of MIN_PAUSE_MS or more, longer than
 *              MAX_DELAY_J plus the default bound, in which nothing of
 *              ours can rescue a timer whose wake-up was lost.
 *
 * The driver is measured like the timers: a lost wake-up of the arming
 * CPU itself stops the rounds, and the driver is then late or lost.  No
 * other CPU has a timer of its own: the BSP sleeps on one pinned timer at
 * the end of the window.  A lost wake-up is rescued only by the next
 * unrelated event on that CPU: the arming CPU's next round, the next kick
 * of a remote CPU (at -smp 64 typically seconds later), or nothing.
 *
 * Lateness.  deadline = start of the timer's expiry jiffy (the earliest
 * instant the wheel may run it; before it is `early`), lateness = when the
 * callback starts minus that, on the CPU that runs it (an AP's clock may
 * lag the BSP's by the reported skew bound, never lead).  The bound:
 *
 *   kernel  KERNEL_BOUND_J = 2 jiffies.  A delay under LVL_START(1) = 63
 *           jiffies is on level 0, whose bucket for expiry j runs at the
 *           start of jiffy j + 1 (a timer never runs in its own jiffy):
 *           1 jiffy plus interrupt latency; one more for a migrator that
 *           finds the event at its next tick.  The driver's longer gaps
 *           are put just before a granule boundary (exact_expiry) so that
 *           the same holds for it.
 *   slack   LATE_SLACK_US = 300 ms for the emulator (late_hist.h, shared
 *           with the timers and idle scenarios).  Under TCG a vCPU
 *           made runnable by an IPI or its one-shot waits for a host core
 *           (64 vCPUs on 2 cores shared with other jobs).  Measured with
 *           the commands in tests/qemu/cases.sh, seconds=3, seeds 1-6 and
 *           11, while other jobs' builds shared the 2 cores (load 15-72):
 *           p50 1.16-1.68 ms, max 3.6-50 ms at -smp 8 and 2.4-43 ms at
 *           -smp 64 (tmigr=on), 4-9 ms with tmigr=off (seeds 1, 11);
 *           beside a busy 64-vCPU guest 31 ms (-smp 8) and 17 ms (-smp
 *           64).  Earlier versions of this workload (the same timers,
 *           rounds spaced otherwise) saw 102 and 207 ms once (-smp 64,
 *           tmigr=off, load 25).  300 ms keeps that under the bound.  The
 *           slack costs little: a lost wake-up leaves a timer lost (a CPU
 *           that sleeps on with a stale first timer is not even kicked
 *           again) or seconds late; only one rescued by an unrelated
 *           event within 300 ms goes unseen.
 *
 * lateness_bound_us= replaces kernel + slack (e.g. a tighter bound on real
 * hardware, where interrupt latency is microseconds; pauses stay as they
 * are).  Any early timer, any timer still unrun a drain time after the
 * window (lost), or any lateness above the bound fails the run; the
 * distribution is reported either way, the first few over-bound timers
 * are named on the console.
 *
 * Locking and ordering.  The driver, the rounds and the random generator
 * belong to the arming CPU and run with interrupts off (the work item
 * disables them, so a driver callback cannot interleave).  A slot is
 * armed only while !busy: the arming CPU writes expires and target, sets
 * busy and arms; timer_add/timer_add_on take the base lock, and the
 * expiring CPU collects the timer under the same lock, so the callback
 * sees them.  The callback records, then clears busy with a release store
 * that pairs with the arming CPU's (and the final check's) acquire load:
 * after that the slot may be re-armed.  Global and remote slots are
 * separate pools because timer_add_on pins a timer for good.  Counters and
 * the histogram are relaxed atomic adds from whatever CPU runs a callback.
 */
#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smpboot.h"
#include "kernel/arch_services.h"
#include "kernel/options.h"
#include "kernel/idle.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/scenario.h"
#include "kernel/scenarios/late_hist.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/workqueue.h"
#include "lib/container_of.h"
#include "lib/format.h"
#include "lib/counter.h"
#include "lib/json.h"
#include "lib/rand.h"
#include "lib/string.h"

#define MAX_DELAY_J		48	/* < LVL_START(1) = 63: level 0 even if clk lags a little */
#define MAX_GAP_MS		20	/* between rounds, usually */
#define PAUSE_PCT		3	/* share of rounds followed by a pause instead */
#define MIN_PAUSE_MS		400	/* > MAX_DELAY_J + the default bound */
#define PAUSE_SPREAD_MS		200
#define MAX_BURST		8	/* timers per round */
#define MEET_PCT		50	/* share of rounds timed to meet a remote expiry */
#define MEET_MAX_DELAY_J	4	/* their remote timers: short, so likely the first (a kick) */
#define MEET_STAGGER_US		100	/* and spread over the target's idle re-entry */
#define NO_FOCUS		UINT32_MAX
#define SLOTS			64	/* per pool; a round finding none free counts no_slot */
#define KERNEL_BOUND_J		2
#define SETTLE_MS		50
#define DRAIN_EXTRA_MS		200	/* after the last expiry plus the bound */

/* The driver is measured too: a lost wake-up of the arming CPU stalls it. */
enum kind { GLOBAL, REMOTE, DRIVER, NKINDS };
#define NSLOTKINDS	2	/* GLOBAL and REMOTE have slots */
static const char *const kind_name[NKINDS] = { "global", "remote", "driver" };

struct lat_slot {
	struct timer t;
	uint64_t expires;	/* jiffies; arming CPU, before arming (see theory) */
	uint32_t target;	/* CPU whose base holds it; arming CPU, before arming */
	bool busy;		/* armed, callback not finished; release/acquire */
	uint8_t kind;		/* set once at setup */
};

/* Per kind; relaxed atomics, added to by whatever CPU runs the callback. */
struct lat_stats {
	uint64_t armed, fired, early, over_bound, lost, no_slot;
	struct late_hist late;
	uint32_t max_late_cpu;	/* CPU that ran the latest one; with late.max_ns, racy */
};

/* The first few timers over the bound, printed after the run. */
#define LATE_LOG		8
struct late_event {
	uint64_t expires, late_ns;
	uint32_t kind, target, ran_on;
};

static struct late_event late_log[LATE_LOG];
static uint32_t late_logged;		/* relaxed fetch_add claims an entry; read after the drain */

static struct lat_slot slots[NSLOTKINDS][SLOTS];
static struct lat_stats st[NKINDS];
static struct timer driver;		/* pinned to arm_cpu */
static uint64_t driver_expires;		/* arm_cpu only, irqs off (its callback re-arms it) */
static struct work round_work;		/* queued on arm_cpu by the driver */
static struct work start_work;		/* queued on arm_cpu by the BSP */
static bool round_queued;		/* arm_cpu only, irqs off */
static struct rand_state rng;		/* arm_cpu only, irqs off */
static uint32_t arm_cpu, remote_pct, next_slot[NSLOTKINDS];
static uint32_t targets[MAX_CPUS], ntargets;	/* set before the driver starts */
static uint64_t bound_ns;		/* set before the driver starts */
static uint64_t rounds_irq, rounds_work, rounds_met;	/* arm_cpu only */
static uint32_t focus, work_focus;	/* arm_cpu only: remote target of the next round */
static bool running;			/* relaxed: the driver stops arming once clear */

static void count(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static void log_late(enum kind kind, uint32_t target, uint64_t expires, uint64_t late_ns)
{
	uint32_t i = __atomic_fetch_add(&late_logged, 1, __ATOMIC_RELAXED);

	if (i < LATE_LOG)
		late_log[i] = (struct late_event){ expires, late_ns, kind, target, arch_cpu_id() };
}

static void record_lateness(enum kind kind, uint32_t target, uint64_t expires,
			    uint64_t late_ns)
{
	struct lat_stats *s = &st[kind];

	if (late_hist_add(&s->late, late_ns))
		__atomic_store_n(&s->max_late_cpu, arch_cpu_id(), __ATOMIC_RELAXED);
	if (late_ns > bound_ns) {
		count(&s->over_bound);
		log_late(kind, target, expires, late_ns);
	}
}

/* First thing in a callback: how late it runs. */
static void measure(enum kind kind, uint32_t target, uint64_t expires)
{
	uint64_t now = arch_now_ns();
	uint64_t deadline = timer_jiffies_to_ns(expires);

	count(&st[kind].fired);
	if (now < deadline)
		count(&st[kind].early);
	else
		record_lateness(kind, target, expires, now - deadline);
}

static void slot_fired(struct timer *t)
{
	struct lat_slot *s = container_of(t, struct lat_slot, t);

	measure((enum kind)s->kind, s->target, s->expires);
	/* release: pairs with the acquire in take_slot() and drain_and_count_lost() */
	__atomic_store_n(&s->busy, false, __ATOMIC_RELEASE);
}

static struct lat_slot *take_slot(enum kind kind)
{
	for (uint32_t i = 0; i < SLOTS; i++) {
		struct lat_slot *s = &slots[kind][(next_slot[kind] + i) % SLOTS];

		/* acquire: pairs with the release in slot_fired(); its run is over */
		if (!__atomic_load_n(&s->busy, __ATOMIC_ACQUIRE)) {
			next_slot[kind] = (next_slot[kind] + i + 1) % SLOTS;
			return s;
		}
	}
	count(&st[kind].no_slot);
	return NULL;
}

static void arm_one(uint32_t focus_cpu)
{
	enum kind kind = focus_cpu != NO_FOCUS || (ntargets && rand_pct(&rng, remote_pct)) ?
			 REMOTE : GLOBAL;
	uint64_t delay = rand_range(&rng, 1, MAX_DELAY_J);
	uint32_t target = arm_cpu;
	struct lat_slot *s = take_slot(kind);

	if (!s)
		return;
	if (kind == REMOTE && focus_cpu != NO_FOCUS) {
		uint64_t until = arch_now_ns() + rand_range(&rng, 0, MEET_STAGGER_US) * 1000;

		target = focus_cpu;
		delay = rand_range(&rng, 1, MEET_MAX_DELAY_J);
		while (arch_now_ns() < until)	/* a local delay, waits for no one */
			cpu_pause();
	} else if (kind == REMOTE) {
		target = targets[rand_range(&rng, 0, ntargets - 1)];
	}
	s->expires = timer_jiffies() + delay;
	s->target = target;
	/* relaxed: the callback's CPU learns of the arming through the base lock */
	__atomic_store_n(&s->busy, true, __ATOMIC_RELAXED);
	count(&st[kind].armed);
	if (kind == REMOTE)
		timer_add_on(&s->t, s->expires, target);
	else
		timer_add(&s->t, s->expires);
}

/* One round; arm_cpu, interrupts off.  focus_cpu: where remote timers go, or NO_FOCUS. */
static void arm_round(uint32_t focus_cpu)
{
	uint64_t n = rand_range(&rng, 1, MAX_BURST);

	if (!__atomic_load_n(&running, __ATOMIC_RELAXED))
		return;
	while (n--)
		arm_one(focus_cpu);
}

/* A remote timer still to run, due within MAX_DELAY_J, chosen at random; NULL if none. */
static struct lat_slot *pick_outstanding_remote(void)
{
	uint64_t now_j = timer_jiffies();
	uint32_t start = (uint32_t)rand_range(&rng, 0, SLOTS - 1);

	for (uint32_t i = 0; i < SLOTS; i++) {
		struct lat_slot *s = &slots[REMOTE][(start + i) % SLOTS];
		int64_t d = (int64_t)(s->expires - now_j);

		/* acquire: pairs with slot_fired(); only this CPU writes expires */
		if (__atomic_load_n(&s->busy, __ATOMIC_ACQUIRE) && d > 0 && d <= MAX_DELAY_J)
			return s;
	}
	return NULL;
}

static void round_from_work(struct work *w)
{
	unsigned long irq = arch_irq_save();

	(void)w;
	round_queued = false;
	rounds_work++;
	arm_round(work_focus);
	arch_irq_restore(irq);
}

/*
 * An expiry about d jiffies from now that the wheel runs exactly one jiffy
 * after it, as it does on level 0: beyond level 0 a bucket runs at the
 * next granule boundary (timer.c), so put expires just before one.  The
 * level is that of d (LVL_START(n) = 63 * 8^(n-1)), which the driver's
 * base clock, forwarded to now when it arms, also sees.
 */
static uint64_t exact_expiry(uint64_t d)
{
	uint64_t now_j = timer_jiffies(), g = 1, e;

	for (;;) {
		while (d >= 63 * g)
			g *= 8;
		e = (now_j + d) | (g - 1);
		if (e - now_j < 63 * g)
			return e;
		d = e - now_j;	/* rounding moved it up a level: again */
	}
}

/*
 * The next round: usually 1 .. MAX_GAP_MS away; sometimes a pause that
 * nothing of ours interrupts; sometimes (MEET_PCT) in the very jiffy in
 * which an outstanding remote timer runs, with all of that round's timers
 * for the same CPU, so that the kicks arrive while that CPU is busy
 * running its timer and deciding how to sleep again (the HLT-entry race).
 */
static uint64_t next_round_jiffy(void)
{
	struct lat_slot *s;

	focus = NO_FOCUS;
	if (rand_pct(&rng, PAUSE_PCT))
		return exact_expiry(scenario_ms_to_jiffies(MIN_PAUSE_MS + rand_range(&rng, 0, PAUSE_SPREAD_MS)));
	if (rand_pct(&rng, MEET_PCT) && (s = pick_outstanding_remote())) {
		focus = s->target;
		rounds_met++;
		return s->expires;	/* same expiry, same level-0 bucket: same jiffy */
	}
	return exact_expiry(scenario_ms_to_jiffies(rand_range(&rng, 1, MAX_GAP_MS)));
}

static void driver_fired(struct timer *t)
{
	measure(DRIVER, arm_cpu, driver_expires);
	if (!__atomic_load_n(&running, __ATOMIC_RELAXED))
		return;
	if (rand_pct(&rng, 50) || round_queued) {
		rounds_irq++;
		arm_round(focus);	/* stays idle: new-timer-while-idle path */
	} else {
		round_queued = true;	/* leaves idle, arms active, idles again */
		work_focus = focus;
		work_queue_on(arm_cpu, &round_work);
	}
	driver_expires = next_round_jiffy();
	count(&st[DRIVER].armed);
	timer_add(t, driver_expires);
}

/* On arm_cpu: the driver is armed there, so no kick is involved in starting it. */
static void start_driver(struct work *w)
{
	unsigned long irq = arch_irq_save();

	(void)w;
	driver_expires = timer_jiffies() + 1;
	count(&st[DRIVER].armed);
	timer_add(&driver, driver_expires);
	arch_irq_restore(irq);
}

static uint32_t choose_arm_cpu(void)
{
	uint32_t def = cpu_online_count() > 1 && cpu_state(1) == CPU_ONLINE ? 1 : 0;
	uint32_t c = (uint32_t)option_u64_or("lateness_cpu", def);

	if (c >= smp_cpu_count || cpu_state(c) != CPU_ONLINE) {
		kprintf("lateness: CPU %u is not online; arming on CPU %u instead\n", c, def);
		c = def;
	}
	return c;
}

static void setup(const struct scenario_args *args, uint64_t default_bound_us)
{
	uint64_t bound_us;

	memset(st, 0, sizeof(st));
	late_logged = 0;
	arm_cpu = choose_arm_cpu();
	remote_pct = (uint32_t)option_u64("lateness_remote_pct");
	bound_us = option_u64_or("lateness_bound_us", default_bound_us);
	bound_ns = bound_us * 1000;
	rand_seed(&rng, args->seed * 1000003ull + 25);
	ntargets = 0;
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		if (cpu != arm_cpu && cpu_state(cpu) == CPU_ONLINE)
			targets[ntargets++] = cpu;
	for (int k = 0; k < NSLOTKINDS; k++)
		for (int i = 0; i < SLOTS; i++) {
			slots[k][i].kind = (uint8_t)k;
			slots[k][i].busy = false;
			timer_setup(&slots[k][i].t, slot_fired, 0);
		}
	round_work.fn = round_from_work;
	start_work.fn = start_driver;
	round_queued = false;
	rounds_irq = rounds_work = rounds_met = 0;
	focus = work_focus = NO_FOCUS;
	timer_setup(&driver, driver_fired, TIMER_PINNED);
}

static void report_lost(enum kind k, uint32_t cpu, uint64_t expires, uint64_t now_j,
			bool pending)
{
	count(&st[k].lost);
	kprintf("lateness: LOST %s timer for CPU %u, expiry jiffy %lu, now %lu (%lu ms later), %s\n",
		kind_name[k], cpu, (unsigned long)expires, (unsigned long)now_j,
		(unsigned long)((now_j - expires) * timer_tick_ns() / 1000000),
		pending ? "still pending" : "not pending");
}

/*
 * After the window and the drain, which outlasts every delay, pause and
 * the bound: a slot still busy, or a driver still pending, never ran.
 */
static void drain_and_count_lost(void)
{
	uint64_t now_j = timer_jiffies();

	if (timer_del_sync(&driver))
		report_lost(DRIVER, arm_cpu, driver_expires, now_j, true);
	for (int k = 0; k < NSLOTKINDS; k++)
		for (int i = 0; i < SLOTS; i++) {
			struct lat_slot *s = &slots[k][i];
			bool pending = timer_del_sync(&s->t);

			/* acquire: pairs with the release in slot_fired() */
			if (!__atomic_load_n(&s->busy, __ATOMIC_ACQUIRE))
				continue;
			report_lost(k, s->target, s->expires, now_j, pending);
			s->busy = false;
		}
}

/* All kinds together; counters and histogram only. */
static void merge_all(struct lat_stats *all)
{
	memset(all, 0, sizeof(*all));
	for (int k = 0; k < NKINDS; k++) {
		all->armed += st[k].armed;
		all->fired += st[k].fired;
		all->early += st[k].early;
		all->over_bound += st[k].over_bound;
		all->lost += st[k].lost;
		all->no_slot += st[k].no_slot;
		if (st[k].late.max_ns > all->late.max_ns)
			all->max_late_cpu = st[k].max_late_cpu;
		late_hist_merge(&all->late, &st[k].late);
	}
}

/* Coarse distribution for the report: counts at or below each edge, then the rest. */
static const uint64_t coarse_edges_us[] = { 1000, 1500, 2000, 3000, 5000, 10000, 20000,
					    50000, 100000, 1000000 };
#define NCOARSE (sizeof(coarse_edges_us) / sizeof(coarse_edges_us[0]))

static void coarse(const struct lat_stats *s, uint64_t out[NCOARSE + 1])
{
	memset(out, 0, (NCOARSE + 1) * sizeof(out[0]));
	for (uint32_t b = 0; b <= LATE_HIST_BUCKETS; b++) {
		uint64_t edge = late_hist_edge_us(b);
		size_t c = 0;

		while (c < NCOARSE && edge > coarse_edges_us[c])
			c++;
		out[c] += s->late.count[b];
	}
}

struct wake_counts {
	uint64_t wakes[WAKE_CLASS_NR];	/* summed over online CPUs, by class */
	uint64_t kicks;			/* sent by the arming CPU */
};

static void wakes_snapshot(struct wake_counts *d)
{
	struct timer_stats ts;

	memset(d, 0, sizeof(*d));
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++) {
		if (cpu_state(cpu) != CPU_ONLINE)
			continue;
		for (int c = 0; c < WAKE_NR; c++)
			d->wakes[wake_class_of(c)] += counter_read(&idle_stats_of(cpu)->wakes_by[c]);
	}
	timer_get_stats(arm_cpu, &ts);
	d->kicks = ts.kicks_sent;
}

static void print_table(const struct lat_stats *all)
{
	uint64_t h[NKINDS][NCOARSE + 1];

	for (int k = 0; k < NKINDS; k++)
		coarse(&st[k], h[k]);
	kprintf("  %-12s %8s %8s %8s\n", "late <=", kind_name[GLOBAL], kind_name[REMOTE],
		kind_name[DRIVER]);
	for (size_t c = 0; c <= NCOARSE; c++) {
		char edge[24];

		if (c < NCOARSE)
			fmt_snprintf(edge, sizeof(edge), "%lu us", (unsigned long)coarse_edges_us[c]);
		else
			fmt_snprintf(edge, sizeof(edge), "more");
		kprintf("  %-12s %8lu %8lu %8lu\n", edge, (unsigned long)h[GLOBAL][c],
			(unsigned long)h[REMOTE][c], (unsigned long)h[DRIVER][c]);
	}
	kprintf("  %-12s %8lu %8lu %8lu\n", "armed", (unsigned long)st[GLOBAL].armed,
		(unsigned long)st[REMOTE].armed, (unsigned long)st[DRIVER].armed);
	kprintf("  %-12s %8lu %8lu %8lu\n", "lost", (unsigned long)st[GLOBAL].lost,
		(unsigned long)st[REMOTE].lost, (unsigned long)st[DRIVER].lost);
	for (uint32_t i = 0; i < late_logged && i < LATE_LOG; i++)
		kprintf("lateness: OVER BOUND %s timer for CPU %u, expiry jiffy %lu, ran %lu us late on CPU %u\n",
			kind_name[late_log[i].kind], late_log[i].target,
			(unsigned long)late_log[i].expires,
			(unsigned long)(late_log[i].late_ns / 1000), late_log[i].ran_on);
	for (int k = 0; k < NKINDS; k++)
		kprintf("lateness: %-6s p50 <= %lu us, p99 <= %lu us, max %lu us (run on CPU %u)\n",
			kind_name[k], (unsigned long)late_hist_percentile_us(&st[k].late, 50),
			(unsigned long)late_hist_percentile_us(&st[k].late, 99),
			(unsigned long)(st[k].late.max_ns / 1000), st[k].max_late_cpu);
	kprintf("lateness: %lu armed, %lu fired, %lu lost, %lu early, %lu over the bound of %lu us; max %lu us\n",
		(unsigned long)all->armed, (unsigned long)all->fired, (unsigned long)all->lost,
		(unsigned long)all->early, (unsigned long)all->over_bound,
		(unsigned long)(bound_ns / 1000), (unsigned long)(all->late.max_ns / 1000));
}

static void json_kind(struct json_writer *w, enum kind k)
{
	char key[24];

	fmt_snprintf(key, sizeof(key), "armed_%s", kind_name[k]);
	json_u64(w, key, st[k].armed);
	fmt_snprintf(key, sizeof(key), "lost_%s", kind_name[k]);
	json_u64(w, key, st[k].lost);
	fmt_snprintf(key, sizeof(key), "p99_late_%s_us", kind_name[k]);
	json_u64(w, key, late_hist_percentile_us(&st[k].late, 99));
	fmt_snprintf(key, sizeof(key), "max_late_%s_us", kind_name[k]);
	json_u64(w, key, st[k].late.max_ns / 1000);
}

static void report(const struct scenario_args *args, const struct lat_stats *all,
		   const struct wake_counts *w0, const struct wake_counts *w1, bool ok)
{
	static char buf[4096];
	struct json_writer w;
	uint64_t h[NCOARSE + 1];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "lateness");
	json_bool(&w, "tmigr", tmigr_enabled());
	json_u64(&w, "cpus", cpu_online_count());
	json_u64(&w, "arming_cpu", arm_cpu);
	json_u64(&w, "window_ms", args->seconds_ms);
	json_u64(&w, "seed", args->seed);
	json_u64(&w, "hz", 1000000000ull / timer_tick_ns());
	json_u64(&w, "remote_pct", remote_pct);
	json_u64(&w, "rounds_idle", rounds_irq);
	json_u64(&w, "rounds_active", rounds_work);
	json_u64(&w, "rounds_met_remote", rounds_met);
	json_u64(&w, "armed", all->armed);
	json_u64(&w, "fired", all->fired);
	json_u64(&w, "lost", all->lost);
	json_u64(&w, "early", all->early);
	json_u64(&w, "no_slot", all->no_slot);
	json_u64(&w, "p50_late_us", late_hist_percentile_us(&all->late, 50));
	json_u64(&w, "p99_late_us", late_hist_percentile_us(&all->late, 99));
	json_u64(&w, "max_late_us", all->late.max_ns / 1000);
	for (int k = 0; k < NKINDS; k++)
		json_kind(&w, (enum kind)k);
	late_bound_json(&w, &(struct late_bound){ KERNEL_BOUND_J * timer_tick_ns() / 1000,
						 LATE_SLACK_US, bound_ns }, all->over_bound);
	json_array_begin(&w, "hist_edges_us");
	for (size_t c = 0; c < NCOARSE; c++)
		json_u64(&w, NULL, coarse_edges_us[c]);
	json_array_end(&w);
	coarse(all, h);
	json_array_begin(&w, "hist");
	for (size_t c = 0; c <= NCOARSE; c++)
		json_u64(&w, NULL, h[c]);
	json_array_end(&w);
	json_u64(&w, "kicks_sent", w1->kicks - w0->kicks);
	json_u64(&w, "wakes_ipi", w1->wakes[WAKE_CLASS_IPI] - w0->wakes[WAKE_CLASS_IPI]);
	json_u64(&w, "wakes_own_timer", w1->wakes[WAKE_CLASS_OWN_TIMER] - w0->wakes[WAKE_CLASS_OWN_TIMER]);
	json_u64(&w, "wakes_migrator", w1->wakes[WAKE_CLASS_MIGRATOR] - w0->wakes[WAKE_CLASS_MIGRATOR]);
	json_u64(&w, "wakes_other", w1->wakes[WAKE_CLASS_OTHER] - w0->wakes[WAKE_CLASS_OTHER]);
	json_str(&w, "result", ok ? "pass" : "fail");
	report_emit(json_end(&w));
}

bool scenario_lateness(const struct scenario_args *args, const char **reason)
{
	uint64_t default_bound_us = KERNEL_BOUND_J * timer_tick_ns() / 1000 + LATE_SLACK_US;
	static struct lat_stats all;	/* 16 KiB of histogram: not on a 16 KiB stack */
	struct wake_counts w0, w1;
	uint64_t end;
	bool ok = true;

	setup(args, default_bound_us);
	kprintf("lateness: %u CPUs, arming on CPU %u, %lu ms, seed %lu, %u%% remote, bound %lu us%s, tmigr %s\n",
		cpu_online_count(), arm_cpu, (unsigned long)args->seconds_ms,
		(unsigned long)args->seed, remote_pct, (unsigned long)(bound_ns / 1000),
		bound_ns != default_bound_us * 1000 ? " (lateness_bound_us)" : "",
		tmigr_enabled() ? "on" : "off");
	idle_sleep_until_ns(arch_now_ns() + SETTLE_MS * 1000000ull);
	wakes_snapshot(&w0);
	__atomic_store_n(&running, true, __ATOMIC_RELAXED);
	work_queue_on(arm_cpu, &start_work);
	end = arch_now_ns() + args->seconds_ms * 1000000ull;
	idle_sleep_until_ns(end);
	__atomic_store_n(&running, false, __ATOMIC_RELAXED);
	/* outlast every arming made so far (delay or pause), then the bound */
	idle_sleep_until_ns(arch_now_ns() + (MAX_DELAY_J + 1) * timer_tick_ns() +
			    (MIN_PAUSE_MS + PAUSE_SPREAD_MS + DRAIN_EXTRA_MS) * 1000000ull +
			    bound_ns);
	wakes_snapshot(&w1);
	drain_and_count_lost();
	merge_all(&all);
	print_table(&all);
	if (all.lost || all.early || all.over_bound) {
		ok = false;
		*reason = "lateness: a timer was lost, early or later than the bound (lost wake-up?)";
	} else if (!st[GLOBAL].fired && !st[REMOTE].fired) {
		ok = false;
		*reason = "lateness: no timer fired";
	}
	report(args, &all, &w0, &w1, ok);
	return ok;
}
