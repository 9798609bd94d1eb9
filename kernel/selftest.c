// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * selftest: the test= hooks, run instead of a scenario.
 *
 *   fault      read an unmapped, canonical address: the page-fault path
 *              must print its diagnostic and the `exception` record and
 *              fail the run (a read that returns fails it too)
 *   late_ap    the bring-up held the last AP back (INIT, no SIPI) until
 *              the BSP declared it failed; now it gets its SIPIs: it must
 *              find its slot poisoned and halt, and the online count must
 *              not change
 *   lost_sipi  the bring-up withheld the last AP's first two SIPIs: the
 *              re-send must have brought it up
 *   restart_ap the last AP parked itself before joining and was started
 *              again with arch_cpu_start (kernel/smp.c checks it during
 *              the bring-up, where it must happen)
 *
 *   cpuhp      CPU hotplug (kernel/cpuhp.c, docs/cpus.md §7.5, §7.7, §7.8):
 *              every refusal prints its line and changes nothing; a
 *              hot-add whose CPU gets no SIPI fails, reported, the CPU
 *              absent, the tree intact; every absent CPU (maxcpus=),
 *              that one too, is hot-added and the hierarchy grows
 *              with one root; with timers pending on them, every CPU but
 *              the BSP parks (their timers move to the BSP), is sent a
 *              wake IPI it must not take, and unparks;
 *              every timer fires once, none early, no parked CPU takes an
 *              interrupt, and the hierarchy passes its invariant check
 *
 *   acpi_hotadd  real hot-add by the firmware (kernel/acpi_hotplug.c,
 *              docs/acpi-hotplug.md): waits up to hotadd_wait_s for
 *              hotadd_cpus CPUs to be plugged in (run-qemu.sh --hotadd
 *              does QEMU's device_add) and hot-added from the SCI; then
 *              the hierarchy passes its invariant check with one root;
 *              with hotadd_removes=N it also waits for N removal
 *              requests (run-qemu.sh --hotremove), each refused: the CPU
 *              stays online; with hotadd_churn=1 the BSP parks and
 *              unparks CPU 1 meanwhile, so the events meet a busy cpuhp
 *              (the hot-add work runs nested in those operations' waits)
 *
 *   wake_latency  the floor under park and unpark (docs/cpus.md §7.8): the
 *              BSP hands every AP of the quiet machine, one after the other
 *              and wake_rounds times each, a work item that only stamps the
 *              synced clock, and waits for it halted but active, kicked
 *              back by the AP, as kernel/cpuhp.c waits for an answer
 *              (idle_run_on_wait, IDLE_RUN_ACTIVE).  `one_way` is
 *              request to target running (a halted CPU woken by an IPI),
 *              `round_trip` request to the BSP awake again (two wake-ups);
 *              park and unpark pay both plus their own work.  A figure,
 *              never a verdict: the run fails only if an AP does not answer
 *   residency_screen  the residency picture on the real screen
 *              (kernel/residency_screen_test.c)
 *
 * The bring-up reads selftest_chosen() to arrange late_ap, lost_sipi and restart_ap
 * before the APs start; selftest_run() checks the outcome afterwards.
 * Boot CPU only.
 */
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/smpboot.h"
#include "kernel/acpi_hotplug.h"
#include "kernel/arch_services.h"
#include "kernel/cpu_state_name.h"
#include "kernel/cpuhp.h"
#include "kernel/idle.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/residency_screen.h"
#include "kernel/selftest.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/tmigr_shape.h"
#include "kernel/workqueue.h"
#include "kernel/verdict.h"
#include "lib/container_of.h"
#include "lib/counter.h"
#include "lib/json.h"
#include "lib/sorted.h"
#include "lib/string.h"

bool selftest_chosen(const char *name)
{
	const char *t = option_str("test");

	return t && !strcmp(t, name);
}

static void test_late_ap(void)
{
	uint32_t cpu = smp_held_cpu();
	uint32_t online_before = cpu_online_count();
	uint32_t arrived = cpu ? smp_start_held_ap(500) : 0;
	uint32_t online_after;
	struct json_writer w;
	char buf[256];

	udelay(20000);	/* give a wrongly admitted AP time to show up */
	online_after = cpu_online_count();
	kprintf("test=late_ap: CPU %u (APIC ID %u) %s after the timeout; state %s, online %u -> %u\n",
		cpu, smp_apic_id(cpu), arrived ? "arrived" : "did not arrive",
		cpu_state_name(cpu_state(cpu)), online_before, online_after);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "late_ap");
	json_u64(&w, "cpu", cpu);
	json_u64(&w, "apic_id", smp_apic_id(cpu));
	json_bool(&w, "arrived", arrived == 1);
	json_str(&w, "state", cpu_state_name(cpu_state(cpu)));
	json_u64(&w, "online_before", online_before);
	json_u64(&w, "online_after", online_after);
	report_emit(json_end(&w));
	if (!cpu)
		verdict_fail("test=late_ap needs at least two CPUs");
	else if (arrived != 1 || online_after != online_before ||
		 cpu_state(cpu) != CPU_FAILED)
		verdict_fail("a late AP was not parked on its poisoned slot");
}

static void test_lost_sipi(void)
{
	/* The SIPI re-send must have brought the AP up: checked by the harness. */
	if (!smp_boot_stats()->sipi_resends || cpu_online_count() != smp_cpu_count)
		verdict_fail("test=lost_sipi: the AP that missed its SIPIs did not come up");
}

/* test=restart_ap ran during the bring-up (kernel/smp.c); its failure is already recorded. */
static void test_restart_ap(void)
{
}

static void test_fault(void)
{
	/* Canonical, unmapped (above the 4 GiB identity map): #PF, not #GP. */
	volatile uint64_t *bad = (volatile uint64_t *)0x0000001000000000ull;

	kprintf("test=fault: reading %p on purpose\n", (void *)bad);
	(void)*bad;
	verdict_fail("test=fault: the read did not fault");
}

/* ---- test=cpuhp ---- */

#define HP_TIMERS	4	/* per CPU: two global, two pinned */
#define HP_PARKED_MS	100	/* stay parked this long: timers fall due meanwhile */

struct hp_timer {
	struct timer t;
	uint32_t fires;		/* release increment by the callback, acquire by the check */
	uint32_t early;		/* relaxed: read after the fires' acquire */
};

struct hp_lat {
	uint64_t us[MAX_CPUS];
	uint32_t n;
};

static struct hp_timer hp_timers[MAX_CPUS][HP_TIMERS];
static uint64_t hp_last_expiry_j;

static void hp_timer_fired(struct timer *t)
{
	struct hp_timer *x = container_of(t, struct hp_timer, t);

	if ((int64_t)(timer_jiffies() - t->expires) < 0)
		__atomic_store_n(&x->early, 1, __ATOMIC_RELAXED);
	/* release: pairs with the acquire in the final check */
	__atomic_fetch_add(&x->fires, 1, __ATOMIC_RELEASE);
}

/* On each CPU: timers of its own, from 100 to 600 ms ahead, two of them pinned. */
static void hp_arm_timers(void *arg)
{
	uint32_t cpu = (uint32_t)(uintptr_t)arg;
	uint64_t ms_j = 1000000ull / timer_tick_ns();

	for (uint32_t i = 0; i < HP_TIMERS; i++) {
		struct hp_timer *x = &hp_timers[cpu][i];
		uint64_t ms = 100 + (cpu * 37 + i * 97) % 500;

		x->fires = x->early = 0;
		timer_setup(&x->t, hp_timer_fired, i < 2 ? TIMER_PINNED : 0);
		timer_add(&x->t, timer_jiffies() + ms * ms_j);
	}
}

static void hp_lat_add(struct hp_lat *l, uint64_t us)
{
	sorted_insert(l->us, &l->n, MAX_CPUS, us);
}

static uint64_t hp_median(const struct hp_lat *l)
{
	return sorted_median(l->us, l->n);
}

static uint64_t hp_max(const struct hp_lat *l)
{
	return sorted_max(l->us, l->n);
}

/* What a refusal must not change. */
struct hp_snapshot {
	uint32_t state[MAX_CPUS];
	uint32_t groups, levels, online;
};

static void hp_snap(struct hp_snapshot *s)
{
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		s->state[cpu] = cpuhp_state(cpu);
	s->groups = tmigr_group_count();
	s->levels = tmigr_shape_levels();
	s->online = cpuhp_online_count();
}

struct hp_totals {
	uint32_t refusals, refusals_ok;
	struct hp_lat hotadd, park, unpark;
	uint32_t hotadd_failed, park_failed, unpark_failed;
	uint32_t still_parked_bad;	/* a parked CPU that left its park loop unasked */
	bool noanswer_tried, noanswer_ok;	/* a hot-add that never answered */
};

/* One refusal: the expected reason, and nothing changed. */
static void hp_refuse(struct hp_totals *t, bool down, uint32_t cpu, enum cpuhp_err want)
{
	static struct hp_snapshot before, after;
	enum cpuhp_err got;

	hp_snap(&before);
	got = down ? cpu_down(cpu, CPUHP_SRC_SCENARIO) : cpu_up(cpu, CPUHP_SRC_SCENARIO);
	hp_snap(&after);
	t->refusals++;
	if (got == want && !memcmp(&before, &after, sizeof(before)))
		t->refusals_ok++;
	else
		kprintf("test=cpuhp: %s CPU %u gave \"%s\", expected \"%s\"%s\n",
			down ? "park" : "online", cpu, cpuhp_err_name(got), cpuhp_err_name(want),
			memcmp(&before, &after, sizeof(before)) ? ", and something changed" : "");
}

/*
 * A hot-add whose CPU never answers (its SIPIs withheld): reported, the
 * CPU stays absent, the hierarchy (prepared for it already) keeps its
 * structure invariants, and the next try brings it up.
 */
static void hp_hotadd_no_answer(struct hp_totals *t, uint32_t cpu)
{
	char why[160];

	smp_withhold_next_start(cpu);
	t->noanswer_ok = cpu_up(cpu, CPUHP_SRC_MAXCPUS) == CPUHP_NO_ANSWER &&
			 cpuhp_state(cpu) == CPUHP_ABSENT &&
			 (!tmigr_enabled() || !tmigr_check_structure(why, sizeof(why)));
	t->noanswer_tried = true;
	if (!t->noanswer_ok)
		kprintf("test=cpuhp: a hot-add that got no answer left CPU %u %s\n", cpu,
			cpuhp_state(cpu) == CPUHP_ABSENT ? "absent, the hierarchy broken" : "not absent");
}

static void hp_hotadd_all(struct hp_totals *t)
{
	for (uint32_t cpu = smp_cpu_count - 1; cpu > 0; cpu--) {
		if (cpuhp_state(cpu) == CPUHP_ABSENT) {
			hp_hotadd_no_answer(t, cpu);
			break;
		}
	}
	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++) {
		if (cpuhp_state(cpu) != CPUHP_ABSENT)
			continue;
		if (cpu_up(cpu, CPUHP_SRC_MAXCPUS))
			t->hotadd_failed++;
		else
			hp_lat_add(&t->hotadd, cpuhp_last_us());
	}
}

static void hp_park_unpark_all(struct hp_totals *t)
{
	uint64_t ms_j = 1000000ull / timer_tick_ns();

	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++)
		if (cpuhp_state(cpu) == CPUHP_ONLINE)
			idle_run_on(cpu, hp_arm_timers, (void *)(uintptr_t)cpu, 1000);
	hp_last_expiry_j = timer_jiffies() + 600 * ms_j;
	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++) {
		if (cpuhp_state(cpu) != CPUHP_ONLINE)
			continue;
		if (cpu_down(cpu, CPUHP_SRC_SCENARIO))
			t->park_failed++;
		else
			hp_lat_add(&t->park, cpuhp_last_us());
	}
	if (smp_cpu_count > 1 && cpuhp_online_count() == 1) {
		hp_refuse(t, true, 1, CPUHP_ALREADY_PARKED);
		hp_refuse(t, true, 0, CPUHP_LAST_ONLINE);
	}
	/* ordinary IPIs to parked CPUs stay pending: none may be taken (parked_irqs) */
	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++)
		if (cpuhp_state(cpu) == CPUHP_PARKED)
			arch_kick_cpu(cpu);
	idle_sleep_until_ns(arch_now_ns() + HP_PARKED_MS * 1000000ull);
	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++) {
		if (cpu_state(cpu) != CPU_PARKED)
			t->still_parked_bad++;
		if (cpuhp_state(cpu) != CPUHP_PARKED)
			continue;
		if (cpu_up(cpu, CPUHP_SRC_SCENARIO))
			t->unpark_failed++;
		else
			hp_lat_add(&t->unpark, cpuhp_last_us());
	}
}

static void test_cpuhp(void)
{
	static struct hp_totals t;
	uint32_t levels_before = tmigr_shape_levels(), lost = 0, doubled = 0, early = 0, armed = 0;
	uint32_t violations, roots;
	uint64_t parked_irqs;
	struct json_writer w;
	char why[160], buf[768];
	uint32_t absent = 0;

	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		absent += cpuhp_state(cpu) == CPUHP_ABSENT;
	/* (c) refusals, nothing changed */
	hp_refuse(&t, true, smp_cpu_count, CPUHP_NO_SUCH_CPU);
	hp_refuse(&t, false, smp_cpu_count + 5, CPUHP_NO_SUCH_CPU);
	hp_refuse(&t, false, 0, CPUHP_ALREADY_ONLINE);
	hp_refuse(&t, true, 0, cpuhp_online_count() > 1 ? CPUHP_BSP : CPUHP_LAST_ONLINE);
	if (absent)
		hp_refuse(&t, true, smp_cpu_count - 1, CPUHP_NOT_ONLINE);
	/* (b) hot-add whatever maxcpus= kept out */
	hp_hotadd_all(&t);
	/* (a) park all but the BSP with timers pending, then unpark them */
	hp_park_unpark_all(&t);
	idle_sleep_until_ns(timer_jiffies_to_ns(hp_last_expiry_j) + 200000000ull);
	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++) {
		for (uint32_t i = 0; i < HP_TIMERS; i++) {
			struct hp_timer *x = &hp_timers[cpu][i];
			/* acquire: pairs with the callback's release increment */
			uint32_t f = __atomic_load_n(&x->fires, __ATOMIC_ACQUIRE);

			if (!x->t.cb)
				continue;	/* never armed: that CPU never came online */
			armed++;
			lost += f == 0;
			doubled += f > 1;
			early += __atomic_load_n(&x->early, __ATOMIC_RELAXED);
		}
	}
	parked_irqs = cpuhp_parked_irqs();
	why[0] = 0;
	violations = tmigr_enabled() ? tmigr_check_quiescent(why, sizeof(why), true) : 0;
	roots = tmigr_shape_roots();
	kprintf("test=cpuhp: %u hot-adds (%u failed), %u parks, %u unparks, %u of %u refusals right; %u timers: %u lost, %u doubled, %u early; parked_irqs %lu; levels %u -> %u, %u root(s), %u violation(s)\n",
		t.hotadd.n, t.hotadd_failed, t.park.n, t.unpark.n, t.refusals_ok, t.refusals,
		armed, lost, doubled, early, (unsigned long)parked_irqs, levels_before, tmigr_shape_levels(),
		roots, violations);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "cpuhp_test");
	json_u64(&w, "cpus", smp_cpu_count);
	json_u64(&w, "online", cpuhp_online_count());
	json_u64(&w, "hotadds", t.hotadd.n);
	json_u64(&w, "hotadd_failed", t.hotadd_failed);
	json_bool(&w, "noanswer_tried", t.noanswer_tried);
	json_bool(&w, "noanswer_ok", t.noanswer_ok);
	json_u64(&w, "parks", t.park.n);
	json_u64(&w, "park_failed", t.park_failed);
	json_u64(&w, "unparks", t.unpark.n);
	json_u64(&w, "unpark_failed", t.unpark_failed);
	json_u64(&w, "refusals", t.refusals);
	json_u64(&w, "refusals_ok", t.refusals_ok);
	json_u64(&w, "timers", armed);
	json_u64(&w, "lost", lost);
	json_u64(&w, "doubled", doubled);
	json_u64(&w, "early", early);
	json_u64(&w, "parked_irqs", parked_irqs);
	json_u64(&w, "left_park_unasked", t.still_parked_bad);
	json_u64(&w, "levels_before", levels_before);
	json_u64(&w, "levels", tmigr_shape_levels());
	json_u64(&w, "roots", roots);
	json_u64(&w, "violations", violations);
	json_str(&w, "first_violation", why);
	json_u64(&w, "hotadd_us_median", hp_median(&t.hotadd));
	json_u64(&w, "hotadd_us_max", hp_max(&t.hotadd));
	json_u64(&w, "park_us_median", hp_median(&t.park));
	json_u64(&w, "park_us_max", hp_max(&t.park));
	json_u64(&w, "unpark_us_median", hp_median(&t.unpark));
	json_u64(&w, "unpark_us_max", hp_max(&t.unpark));
	report_emit(json_end(&w));
	if (t.noanswer_tried && !t.noanswer_ok)
		verdict_fail("test=cpuhp: a hot-add that got no answer was not handled");
	if (t.refusals_ok != t.refusals)
		verdict_fail("test=cpuhp: a refusal was wrong or changed something");
	if (t.hotadd_failed || t.park_failed || t.unpark_failed ||
	    cpuhp_online_count() != smp_cpu_count)
		verdict_fail("test=cpuhp: a CPU operation failed");
	if (lost || doubled || early)
		verdict_fail("test=cpuhp: a timer was lost, doubled or early");
	if (parked_irqs || t.still_parked_bad)
		verdict_fail("test=cpuhp: a parked CPU took an interrupt or left its park");
	if (violations || (tmigr_enabled() && roots != 1))
		verdict_fail("test=cpuhp: the hierarchy check failed");
}

struct hotadd_wait {
	uint64_t want;
	uint64_t removes;
	uint64_t deadline;
};

static bool hotadd_done(void *arg)
{
	struct hotadd_wait *x = arg;
	const struct acpi_hotplug_stats *st = acpi_hotplug_stats();

	if (arch_now_ns() >= x->deadline)
		return true;
	return counter_read(&st->hotadded) + counter_read(&st->failed) +
	       counter_read(&st->unknown) >= x->want && counter_read(&st->removes) >= x->removes;
}

static void hotadd_deadline(struct timer *t)
{
	(void)t;	/* the wake-up is the point: hotadd_done() sees the deadline */
}

static void test_acpi_hotadd(void)
{
	const struct acpi_hotplug_stats *st = acpi_hotplug_stats();
	struct hotadd_wait x = { option_u64("hotadd_cpus"), option_u64("hotadd_removes"),
				 arch_now_ns() + option_u64("hotadd_wait_s") * 1000000000ull };
	uint32_t online_before = cpuhp_online_count(), levels_before = tmigr_shape_levels();
	uint32_t violations, roots;
	uint64_t added, polls;
	struct json_writer w;
	uint32_t churn = 0, churn_failed = 0;
	char why[160], buf[768];
	struct timer t = { 0 };	/* timer_setup() reads it: no stack garbage */

	kprintf("test=acpi_hotadd: waiting up to %lu s for %lu CPU(s) to be plugged in (mode %s)\n",
		(unsigned long)option_u64("hotadd_wait_s"), (unsigned long)x.want,
		acpi_hotplug_mode());
	timer_setup(&t, hotadd_deadline, TIMER_PINNED);
	timer_add(&t, timer_jiffies() + option_u64("hotadd_wait_s") * 1000000000ull /
			      timer_tick_ns() + 1);
	/*
	 * Back to back, no breath between operations: this CPU sleeps only
	 * inside them, so the hot-add events' scan work runs nested in their
	 * waits and its requests must get their turns in line between ours.
	 */
	while (option_u64("hotadd_churn") && smp_cpu_count > 1 && !hotadd_done(&x)) {
		churn++;
		churn_failed += cpu_down(1, CPUHP_SRC_SCENARIO) != CPUHP_OK;
		churn_failed += cpu_up(1, CPUHP_SRC_SCENARIO) != CPUHP_OK;
	}
	idle_until(hotadd_done, &x);
	timer_del_sync(&t);
	/* let the new CPUs settle into idle before the quiescent check */
	idle_sleep_until_ns(arch_now_ns() + 200000000ull);
	added = counter_read(&st->hotadded);
	polls = counter_read(&st->polls);
	why[0] = 0;
	violations = tmigr_enabled() ? tmigr_check_quiescent(why, sizeof(why), true) : 0;
	roots = tmigr_shape_roots();
	kprintf("test=acpi_hotadd: %lu of %lu hot-added (%lu failed, %lu unknown), online %u -> %u, %lu SCIs, %lu polls, %u root(s), %u violation(s)\n",
		(unsigned long)added, (unsigned long)x.want, (unsigned long)counter_read(&st->failed),
		(unsigned long)counter_read(&st->unknown), online_before, cpuhp_online_count(),
		(unsigned long)counter_read(&st->scis), (unsigned long)polls, roots, violations);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "acpi_hotadd_test");
	json_str(&w, "mode", acpi_hotplug_mode());
	json_u64(&w, "wanted", x.want);
	json_u64(&w, "hotadded", added);
	json_u64(&w, "failed", counter_read(&st->failed));
	json_u64(&w, "unknown", counter_read(&st->unknown));
	json_u64(&w, "removes", counter_read(&st->removes));
	json_u64(&w, "online_before", online_before);
	json_u64(&w, "online", cpuhp_online_count());
	json_u64(&w, "scis", counter_read(&st->scis));
	json_u64(&w, "scis_other", counter_read(&st->scis_other));
	json_u64(&w, "scans", counter_read(&st->scans));
	json_u64(&w, "polls", polls);
	json_u64(&w, "levels_before", levels_before);
	json_u64(&w, "levels", tmigr_shape_levels());
	json_u64(&w, "roots", roots);
	json_u64(&w, "violations", violations);
	json_str(&w, "first_violation", why);
	json_u64(&w, "parked_irqs", cpuhp_parked_irqs());
	json_u64(&w, "churn", churn);
	json_u64(&w, "churn_failed", churn_failed);
	json_u64(&w, "waited", counter_read(&st->waited));
	report_emit(json_end(&w));
	if (added < x.want)
		verdict_fail("test=acpi_hotadd: fewer CPUs were hot-added than asked for");
	if (churn_failed || cpuhp_parked_irqs())
		verdict_fail("test=acpi_hotadd: a park or unpark beside the hot-adds failed");
	if (counter_read(&st->removes) < x.removes)
		verdict_fail("test=acpi_hotadd: fewer removal requests arrived than asked for");
	if (online_before + added != cpuhp_online_count())
		verdict_fail("test=acpi_hotadd: the online count does not match the hot-adds");
	if (violations || (tmigr_enabled() && roots != 1))
		verdict_fail("test=acpi_hotadd: the hierarchy check failed");
}

/* ---- test=cpuhp_turns ---- */

/*
 * Two callers issue CPU operations back to back, no gap: the BSP parks
 * and unparks CPU 1, CPU 2 (from a work item) parks and unparks CPU 3.
 * Each must get every operation done, never refused (before cpuhp had
 * turns the second caller got CPUHP_BUSY), and each in its turn: cpuhp
 * counts a wait in which more turns began than there were waiters ahead
 * of it when it joined the line (a caller that barges in as a turn ends,
 * or a hand-over out of order), and none may be; at least one operation
 * must have waited, or the run proved nothing.
 */
#define TURNS_CYCLES	25

struct turns_caller {
	uint32_t target;
	uint32_t done;			/* operations completed; the caller's */
	uint32_t failed;		/* any result but done, CPUHP_BUSY included */
	uint32_t finished;		/* release by the caller, acquire by the BSP */
	struct work work;
};

static void turns_op(struct turns_caller *c, bool down)
{
	enum cpuhp_err e = down ? cpu_down(c->target, CPUHP_SRC_SCENARIO) :
				  cpu_up(c->target, CPUHP_SRC_SCENARIO);

	c->failed += e != CPUHP_OK;
	c->done++;
}

static void turns_loop(struct turns_caller *c)
{
	for (uint32_t i = 0; i < TURNS_CYCLES; i++) {
		turns_op(c, true);
		turns_op(c, false);
	}
	/* release: pairs with the acquire in turns_finished() */
	__atomic_store_n(&c->finished, 1, __ATOMIC_RELEASE);
	if (arch_cpu_id() != 0)
		arch_kick_cpu(0);	/* the BSP may sleep tickless in idle_until() */
}

static void turns_work(struct work *w)
{
	turns_loop(container_of(w, struct turns_caller, work));
}

static bool turns_finished(void *arg)
{
	/* acquire: pairs with the release store in turns_loop() */
	return __atomic_load_n(&((struct turns_caller *)arg)->finished, __ATOMIC_ACQUIRE);
}

static void test_cpuhp_turns(void)
{
	static struct turns_caller a = { .target = 1 }, b = { .target = 3 };
	uint64_t waited0 = cpuhp_turns_waited(), waited;
	uint64_t overtaken0 = cpuhp_turns_overtaken(), overtaken;
	struct json_writer w;
	char buf[384];

	if (smp_cpu_count < 4) {
		verdict_fail("test=cpuhp_turns: needs 4 CPUs");
		return;
	}
	b.work.fn = turns_work;
	work_queue_on(2, &b.work);
	turns_loop(&a);
	idle_until(turns_finished, &b);
	waited = cpuhp_turns_waited() - waited0;
	overtaken = cpuhp_turns_overtaken() - overtaken0;
	kprintf("test=cpuhp_turns: CPU 0 did %u operations (%u failed), CPU 2 %u (%u failed); %lu waited for a turn, %lu of them overtaken\n",
		a.done, a.failed, b.done, b.failed, (unsigned long)waited,
		(unsigned long)overtaken);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "cpuhp_turns_test");
	json_u64(&w, "ops_a", a.done);
	json_u64(&w, "ops_b", b.done);
	json_u64(&w, "failed", a.failed + b.failed);
	json_u64(&w, "waited", waited);
	json_u64(&w, "overtaken", overtaken);
	json_u64(&w, "online", cpuhp_online_count());
	report_emit(json_end(&w));
	if (a.failed || b.failed)
		verdict_fail("test=cpuhp_turns: an operation was refused or failed");
	if (overtaken)
		verdict_fail("test=cpuhp_turns: a caller was overtaken: turns out of order");
	if (!waited)
		verdict_fail("test=cpuhp_turns: no operation met another: nothing was tested");
	if (cpuhp_online_count() != smp_cpu_count)
		verdict_fail("test=cpuhp_turns: not every CPU is back online");
}

/* ---- test=wake_latency ---- */

#define WAKE_SAMPLES_MAX	1024

/* On the probed CPU, as handed work: when it ran. */
static void wake_probe_stamp(void *arg)
{
	*(uint64_t *)arg = arch_now_ns();
}

static uint64_t one_way[WAKE_SAMPLES_MAX], round_trip[WAKE_SAMPLES_MAX];

/*
 * One probe of `cpu` (a CPU that does not answer within a second panics):
 * we halt active and the target kicks us once it ran the stamp, so the
 * round trip is two wake-ups, not the 1 ms sleep of idle_run_on().
 */
static void wake_probe_once(uint32_t cpu, uint32_t *n)
{
	uint64_t ran_ns = 0, t0, t1;

	idle_sleep_until_ns(arch_now_ns() + 2000000ull);	/* let it fall asleep */
	t0 = arch_now_ns();
	idle_run_on_wait(cpu, wake_probe_stamp, &ran_ns, 1000, IDLE_RUN_ACTIVE);
	t1 = arch_now_ns();
	if (*n < WAKE_SAMPLES_MAX) {
		/* both arrays hold the same number of samples: insert at one count */
		uint32_t k = *n;

		sorted_insert(one_way, &k, WAKE_SAMPLES_MAX,
			      ran_ns > t0 ? (ran_ns - t0) / 1000 : 0);
		sorted_insert(round_trip, n, WAKE_SAMPLES_MAX, (t1 - t0) / 1000);
	}
}

static void test_wake_latency(void)
{
	uint32_t rounds = (uint32_t)option_u64("wake_rounds");
	uint32_t n = 0, cpu, r;
	struct json_writer w;
	char buf[256];

	for (r = 0; r < rounds; r++)
		for (cpu = 1; cpu < smp_cpu_count; cpu++)
			if (cpuhp_state(cpu) == CPUHP_ONLINE)
				wake_probe_once(cpu, &n);
	kprintf("test=wake_latency: %u probes; one way median %lu us (max %lu), round trip median %lu us (max %lu)\n",
		n, (unsigned long)sorted_median(one_way, n), (unsigned long)sorted_max(one_way, n),
		(unsigned long)sorted_median(round_trip, n), (unsigned long)sorted_max(round_trip, n));
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "wake_latency");
	json_u64(&w, "probes", n);
	json_u64(&w, "one_way_us_median", sorted_median(one_way, n));
	json_u64(&w, "one_way_us_min", n ? one_way[0] : 0);
	json_u64(&w, "one_way_us_max", sorted_max(one_way, n));
	json_u64(&w, "round_trip_us_median", sorted_median(round_trip, n));
	json_u64(&w, "round_trip_us_min", n ? round_trip[0] : 0);
	json_u64(&w, "round_trip_us_max", sorted_max(round_trip, n));
	report_emit(json_end(&w));
	if (!n)
		verdict_fail("test=wake_latency: needs at least two CPUs");
}

/* The names are test='s words in kernel/options.c (tests/checks/ compares the two). */
static const struct selftest {
	const char *name;
	void (*run)(void);
} selftests[] = {
	{ "fault", test_fault },
	{ "late_ap", test_late_ap },
	{ "lost_sipi", test_lost_sipi },
	{ "restart_ap", test_restart_ap },
	{ "cpuhp", test_cpuhp },
	{ "acpi_hotadd", test_acpi_hotadd },
	{ "cpuhp_turns", test_cpuhp_turns },
	{ "wake_latency", test_wake_latency },
	{ "residency_screen", residency_screen_selftest },
};

void selftest_run(const char *name)
{
	for (size_t i = 0; i < sizeof(selftests) / sizeof(selftests[0]); i++) {
		if (!strcmp(selftests[i].name, name)) {
			selftests[i].run();
			return;
		}
	}
	kprintf("test: unknown test '%s' (known: %s)\n", name, option_find("test")->arg);
	verdict_fail("unknown test name");
}
