// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smp: what the kernel runs on its CPUs, and in which order they join.
 *
 * arch/x86_64/smpboot.c numbers the CPUs and knows how to start one; it
 * runs whatever entry it is given.  This file chooses that entry and the
 * order of the boot:
 *
 *   smp_init          number the CPUs (APIC ID and SRAT node recorded
 *                     in each CPU's start descriptor), local APIC mode
 *   smp_timers_init   the wheel of every possible CPU, the tick
 *   smp_tmigr_init    the hierarchy, CPUs prepared in topology order
 *   smp_bring_up      start the APs, sync their clocks, then join them
 *
 * Sync first, then join.  A new AP runs ap_entry(): it is online but not
 * yet in the timer hierarchy, its tick is off and no timer is armed; it
 * only runs work handed to it and sleeps otherwise.  The BSP measures each
 * AP's clock skew through that work (clock_sync_all, handed run_on_async
 * so arch code never calls the work queues), and only then sends every AP
 * ap_join(), which makes it available in the hierarchy and lets it leave
 * for the idle loop.  So no AP moves its wheel clock, or takes part in the
 * hierarchy's decisions, with a clock that is off by an unmeasured skew.
 * The joins run in parallel (one posted item per AP); the BSP sleeps
 * until all are in, bounded by JOIN_TIMEOUT_MS.  With maxcpus=N only CPUs
 * 0 .. N-1 are prepared and started; the others stay absent, and
 * kernel/cpuhp.c hot-adds them later (the same sync-then-join order).
 *
 * An AP in ap_entry holds nothing (no lock, no timer, no hierarchy
 * state), which is also what makes it safe to park there: test=restart_ap
 * parks one and starts it again through arch_cpu_start(), the path later
 * parking and hot-add take.
 *
 * Ordering.  `joined[cpu]` is written and acted on by that CPU only (the
 * BSP reads it, relaxed, for a message after a timeout).  The BSP
 * counts joins in `njoined`: each AP's release increment (after
 * tmigr_set_available) pairs with the BSP's acquire load, so when the BSP
 * sees all of them every AP is in the hierarchy.  A posted item belongs
 * to the work queue until its function starts (kernel/workqueue.h): the
 * clock sync posts to a CPU again only after its previous item finished,
 * and the join uses items of its own, so no item is ever queued twice.
 */
#include <stddef.h>

#include "arch/x86_64/clock.h"
#include "arch/x86_64/smpboot.h"
#include "drivers/apic/lapic.h"
#include "kernel/acpi.h"
#include "kernel/arch_services.h"
#include "kernel/boot_records.h"
#include "kernel/cpu_state_name.h"
#include "kernel/cpuhp.h"
#include "kernel/idle.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/smp.h"
#include "kernel/tick.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/tmigr_report.h"
#include "kernel/workqueue.h"
#include "lib/container_of.h"
#include "lib/json.h"
#include "lib/string.h"

#define JOIN_TIMEOUT_MS	2000	/* every AP has joined the hierarchy by then */

struct posted {
	struct work work;
	void (*fn)(void *arg);
	void *arg;
};

static const struct acpi_info *acpi;
static struct smp_test_hooks hooks;
static struct smp_options options;
static struct smp_result prep;
static struct smp_start_stats boot;
static struct clock_sync_result clock_sync;
static uint32_t online_aps[MAX_CPUS];	/* BSP only: the APs the boot start brought up */
static uint32_t nonline_aps;
static struct posted sync_posts[MAX_CPUS], join_posts[MAX_CPUS];
static bool joined[MAX_CPUS];		/* owner only: ap_entry may leave for the idle loop */
static uint32_t njoined;		/* release by each AP, acquire by the BSP */
static uint32_t boot_start;		/* CPUs 0 .. boot_start - 1 start at boot (maxcpus=) */

const struct smp_start_stats *smp_boot_stats(void)
{
	return &boot;
}

/* apic=: 0 auto, -1 xAPIC, 1 x2APIC, SMP_APIC_HANDOVER (struct smp_options.apic_force). */
static int apic_force_option(void)
{
	const char *v = option_str("apic");

	if (!strcmp(v, "xapic"))
		return -1;
	if (!strcmp(v, "firmware_x2apic"))
		return SMP_APIC_HANDOVER;
	return !strcmp(v, "x2apic");
}

void smp_init(const struct acpi_info *a, const struct smp_test_hooks *h)
{
	acpi = a;
	hooks = *h;
	options = (struct smp_options){
		.init_udelay = option_u64("init_udelay"),
		.init_udelay_one = option_u64_or("init_udelay_one", SMP_UDELAY_AUTO),
		.sipi_udelay = option_u64("sipi_udelay"),
		.sipi_retry_ms = option_u64("sipi_retry_ms"),
		.timeout_ms = option_u64("ap_timeout_ms"),
		.apic_force = apic_force_option(),
		.hold_last_ap = h->hold_last_ap,
		.drop_first_sipis = h->drop_first_sipis,
	};
	smp_prepare(acpi, &options, &prep);
	boot_start = (uint32_t)option_u64_or("maxcpus", prep.boot_cpus);
	if (boot_start > prep.boot_cpus)
		boot_start = prep.boot_cpus;
	if (boot_start < prep.boot_cpus)
		kprintf("smp: maxcpus=%u: CPUs %u .. %u stay absent until hot-added\n",
			boot_start, boot_start, prep.boot_cpus - 1);
}

/*
 * Jiffies start so that they wrap jiffies_wrap_ms after boot: every run
 * crosses 2^64 early, so wrap-safe comparisons are exercised for real.
 */
void smp_timers_init(void)
{
	uint32_t hz = (uint32_t)option_u64("hz");
	uint64_t wrap_ms = option_u64("jiffies_wrap_ms");

	timer_init(hz, 0 - wrap_ms * hz / 1000);
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		timer_cpu_init(cpu);
	tick_init(hz);
}

/* Topology order: node, then APIC ID, so SMT siblings and cores of a package sit together. */
static bool topo_before(uint32_t a, uint32_t b)
{
	if (smp_cpu_node(a) != smp_cpu_node(b))
		return smp_cpu_node(a) < smp_cpu_node(b);
	return smp_apic_id(a) < smp_apic_id(b);
}

static void report_tmigr(bool on, const char *why)
{
	tmigr_report(on, why, acpi->numa_nodes);
}

/*
 * The migration hierarchy, before any AP runs: the BSP prepares itself,
 * joins, then prepares every CPU that will be started at boot, in topology
 * order (the tree groups CPUs in the order they are prepared).  Hot-add
 * slots are prepared at their first online, which may grow the tree.
 */
void smp_tmigr_init(void)
{
	static uint32_t order[MAX_CPUS];
	struct tmigr_platform plat;
	struct tmigr_topology topo = {
		.possible_cpus = smp_cpu_count,
		.possible_nodes = acpi->numa_nodes ? acpi->numa_nodes : 1,
	};
	uint32_t n = 0;

	if (!strcmp(option_str("tmigr"), "off")) {
		report_tmigr(false, "tmigr=off");
		return;
	}
	idle_tmigr_platform(&plat);
	if (tmigr_init(&topo, &plat) || tmigr_prepare(0, smp_cpu_node(0))) {
		tmigr_disable();
		report_tmigr(false, "setup failed");
		return;
	}
	tmigr_set_available(0);
	for (uint32_t cpu = 1; cpu < boot_start; cpu++) {
		uint32_t i;

		for (i = n++; i > 0 && topo_before(cpu, order[i - 1]); i--)
			order[i] = order[i - 1];
		order[i] = cpu;
	}
	for (uint32_t i = 0; i < n; i++)
		tmigr_prepare(order[i], smp_cpu_node(order[i]));	/* a failure is logged; that CPU runs alone */
	report_tmigr(true, "default");
}

static void posted_fn(struct work *w)
{
	struct posted *p = container_of(w, struct posted, work);

	p->fn(p->arg);
}

static void post(struct posted *p, uint32_t cpu, void (*fn)(void *arg), void *arg)
{
	p->work.fn = posted_fn;
	p->fn = fn;
	p->arg = arg;
	work_queue_on(cpu, &p->work);
}

/* clock_sync_all's "run this on CPU n": queue it and return. */
static void run_on_async(uint32_t cpu, void (*fn)(void *arg), void *arg)
{
	post(&sync_posts[cpu], cpu, fn, arg);
}

/* On the AP, clock measured: join the hierarchy, then the idle loop. */
static void ap_join(void *arg)
{
	uint32_t cpu = arch_cpu_id();

	(void)arg;
	tmigr_set_available(cpu);	/* our timer works and our clock is right */
	__atomic_store_n(&joined[cpu], true, __ATOMIC_RELAXED);
	/* release: pairs with the BSP's acquire in wait_joined(), after our join */
	__atomic_fetch_add(&njoined, 1, __ATOMIC_RELEASE);
}

/*
 * Every AP starts here, online, interrupts off, tick off, not in the
 * hierarchy.  It runs handed work (the clock sync, then ap_join) and
 * sleeps otherwise; STI;HLT are adjacent, so the work's IPI cannot be lost
 * between the check and the halt.
 */
static void ap_entry(void *arg)
{
	uint32_t cpu = arch_cpu_id();

	(void)arg;
	for (;;) {
		arch_irq_disable();
		if (__atomic_load_n(&joined[cpu], __ATOMIC_RELAXED))
			break;
		if (work_pending(cpu)) {
			arch_irq_enable();
			work_run_pending();
			continue;
		}
		arch_idle_halt();
	}
	idle_loop();
}

static void park_self(void *arg)
{
	(void)arg;
	arch_cpu_park();
}

/* Sleep until `cpu` is in state `want`, at most timeout_ms. */
static bool wait_state(uint32_t cpu, enum cpu_state want, uint64_t timeout_ms)
{
	uint64_t deadline = arch_now_ns() + timeout_ms * 1000000ull;

	while (cpu_state(cpu) != want) {
		if (arch_now_ns() >= deadline)
			return false;
		idle_sleep_until_ns(arch_now_ns() + 1000000ull);
	}
	return true;
}

/*
 * test=restart_ap: the path of a parked or hot-added CPU, at boot.  The
 * last AP, online in ap_entry but not yet synced or joined (no tick, no
 * timer, outside the hierarchy: it holds nothing), parks itself with
 * arch_cpu_park(); once it is PARKED the BSP starts it again with
 * arch_cpu_start(), which INITs the halted CPU back into wait-for-SIPI and
 * runs ap_entry on it again.  Then it syncs and joins like every other AP.
 */
static const char *test_restart_ap(const uint32_t *cpus, uint32_t n)
{
	uint32_t cpu = 0;
	bool parked = false, restarted = false;
	struct json_writer w;
	char buf[256];

	for (uint32_t i = 0; i < n; i++)
		if (cpu_state(cpus[i]) == CPU_ONLINE)
			cpu = cpus[i];
	if (cpu) {
		post(&sync_posts[cpu], cpu, park_self, NULL);
		parked = wait_state(cpu, CPU_PARKED, 1000);
		restarted = parked && arch_cpu_start(cpu, ap_entry, NULL);
	}
	kprintf("test=restart_ap: CPU %u %s, %s\n", cpu,
		parked ? "parked" : "did not park",
		restarted ? "started again" : "not started again");
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "restart_ap");
	json_u64(&w, "cpu", cpu);
	json_bool(&w, "parked", parked);
	json_bool(&w, "restarted", restarted);
	json_str(&w, "state", cpu_state_name(cpu_state(cpu)));
	report_emit(json_end(&w));
	if (!cpu)
		return "test=restart_ap needs at least two CPUs";
	return restarted ? NULL : "test=restart_ap: the AP did not park and start again";
}

static bool wait_joined(uint32_t want)
{
	uint64_t deadline = arch_now_ns() + JOIN_TIMEOUT_MS * 1000000ull;

	/* acquire: pairs with the release increment in ap_join() */
	while (__atomic_load_n(&njoined, __ATOMIC_ACQUIRE) < want) {
		if (arch_now_ns() >= deadline)
			return false;
		/* sleep, not spin: the APs may be vCPU threads that need our host core */
		idle_sleep_until_ns(arch_now_ns() + 1000000ull);
	}
	return true;
}

const char *smp_bring_up(void)
{
	static uint32_t list[MAX_CPUS];
	const char *why = NULL, *test_why = NULL;
	uint32_t n = 0;

	for (uint32_t cpu = 1; cpu < boot_start; cpu++)
		list[n++] = cpu;
	smp_start_cpus(list, n, ap_entry, NULL, &boot);
	if (boot.error)
		prep.single_cpu_reason = boot.error;
	if (prep.single_cpu_reason)
		kprintf("smp: single-CPU boot: %s\n", prep.single_cpu_reason);
	if (hooks.restart_last_ap)
		test_why = test_restart_ap(list, n);
	for (uint32_t i = 0; i < n; i++)
		if (cpu_state(list[i]) == CPU_ONLINE)
			online_aps[nonline_aps++] = list[i];

	clock_sync_all(online_aps, nonline_aps, run_on_async, &clock_sync);
	for (uint32_t i = 0; i < nonline_aps; i++)
		post(&join_posts[online_aps[i]], online_aps[i], ap_join, NULL);
	if (!wait_joined(nonline_aps)) {
		for (uint32_t i = 0; i < nonline_aps; i++)
			if (!__atomic_load_n(&joined[online_aps[i]], __ATOMIC_RELAXED))
				kprintf("smp: CPU %u did not join the timer hierarchy within %u ms\n",
					online_aps[i], JOIN_TIMEOUT_MS);
		why = "an AP did not join the timer hierarchy";
	}
	if (clock_sync.unsynced)
		why = "an AP's clock could not be synchronised";
	/* test=late_ap holds one AP back on purpose: that one may fail. */
	if (boot.nfailed > (options.hold_last_ap && smp_held_cpu() ? 1u : 0u))
		why = "some APs did not come online";
	cpuhp_init();
	return test_why ? test_why : why;
}

_Static_assert(MAX_CPUS <= RECORD_MAX_IDS, "the smp record holds every CPU's ID");

static void report_smp(void)
{
	static char buf[SMP_RECORD_MAX];
	struct smp_record r = {
		.possible = prep.possible,
		.online = cpu_online_count(),
		.started = boot.started,
		.bringup_us = boot.bringup_us,
		.sipi_resends = boot.sipi_resends,
		.apic_mode = lapic_mode_name(),
		.apic_mode_reason = prep.apic_mode_reason,
		.single_cpu_reason = prep.single_cpu_reason,
		.trampoline = boot.trampoline,
		.init_udelay = options.init_udelay,
		.init_udelay_one = prep.init_udelay_one,
		.failed_apic_ids = boot.failed_apic_ids,
		.nfailed = boot.nfailed,
		.apic_id = smp_apic_id,
		.ncpus = smp_cpu_count,
	};

	kprintf("smp:  %u of %u possible CPUs online (%u kicked) in %lu us, %u SIPI re-sends, APIC %s (%s), trampoline at %#lx\n",
		cpu_online_count(), prep.possible, boot.started,
		(unsigned long)boot.bringup_us, boot.sipi_resends, lapic_mode_name(),
		prep.apic_mode_reason, (unsigned long)boot.trampoline);
	/* sized for MAX_CPUS IDs of 10 digits: kernel/boot_records.h */
	report_emit(smp_record_json(&r, buf, sizeof(buf)));
}

static void report_clock(void)
{
	struct json_writer w;
	char buf[384];

	clock_report_tsc_adjust();
	kprintf("clock: %u APs synced to the BSP's TSC (%u not), largest skew %lu us, error bound %lu ns (APs may lag, never lead); aim %lu ns, %u APs above it, %u retries\n",
		clock_sync.synced, clock_sync.unsynced,
		(unsigned long)tsc_to_us(clock_sync.max_abs_skew_cycles),
		(unsigned long)tsc_to_ns(clock_sync.max_rtt_cycles),
		(unsigned long)clock_sync.good_rtt_ns,
		clock_sync.over_good, clock_sync.retries);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "clock");
	json_u64(&w, "synced", clock_sync.synced);
	json_u64(&w, "unsynced", clock_sync.unsynced);
	json_u64(&w, "max_skew_us", tsc_to_us(clock_sync.max_abs_skew_cycles));
	json_u64(&w, "error_bound_ns", tsc_to_ns(clock_sync.max_rtt_cycles));
	json_u64(&w, "sync_aim_ns", clock_sync.good_rtt_ns);
	json_u64(&w, "over_aim", clock_sync.over_good);
	json_u64(&w, "retries", clock_sync.retries);
	json_u64(&w, "attempts_max", clock_sync.attempts_max);
	report_emit(json_end(&w));
}

void smp_report(void)
{
	report_smp();
	report_clock();
}
