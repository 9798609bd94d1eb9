/*
 * main: the boot CPU's path from the loader to the report.
 *
 *   consoles -> boot information -> command line -> CPU features -> memory
 *   -> per-CPU state -> ACPI -> local APIC -> TSC and LAPIC timer
 *   calibration -> AP bring-up -> tick on every CPU -> reports -> exit
 *
 * Each step that reads firmware input degrades instead of crashing: no
 * framebuffer means serial only, no MADT means one CPU, no calibration
 * source means an assumed TSC rate, each with a console line saying so.
 * Results go out twice: human lines and tables, and `@report` records.
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/clock.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/smpboot.h"
#include "drivers/apic/lapic.h"
#include "drivers/apic/lapic_timer.h"
#include "kernel/acpi.h"
#include "kernel/arch_services.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/idle.h"
#include "kernel/multiboot2.h"
#include "kernel/options.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/scenario.h"
#include "kernel/tick.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/workqueue.h"
#include "lib/json.h"
#include "lib/string.h"

void kmain(uint32_t magic, uint32_t mbi_phys);

static struct boot_info boot_info;
static struct cmdline cmdline;	/* the options' storage: kernel/options.h */
static struct acpi_info acpi;
static struct smp_result smp;
static struct tsc_calibration tsc_cal;
static struct clock_sync_result clock_sync;
static bool run_ok = true;
static char fail_reason[160];

static void fail(const char *why)
{
	if (run_ok)
		strlcpy(fail_reason, why, sizeof(fail_reason));
	run_ok = false;
}

static const void *acpi_map(uint64_t phys, uint64_t len, void *ctx)
{
	(void)ctx;
	return paging_map_mmio(phys, len);
}

static void setup_screen_console(void)
{
	const struct mb2_framebuffer *fb = &boot_info.fb;

	if (boot_info.efi)
		console_disable_vga();
	if (!fb->present)
		return;
	if (fb->type == 2) {
		console_use_ega_text(fb->addr, fb->width, fb->height);
	} else if (fb->type == 1) {
		struct fb_desc d = {
			.phys = fb->addr, .pitch = fb->pitch,
			.width = fb->width, .height = fb->height,
			.bpp = fb->bpp,
			.red_pos = fb->red_pos, .red_size = fb->red_size,
			.green_pos = fb->green_pos, .green_size = fb->green_size,
			.blue_pos = fb->blue_pos, .blue_size = fb->blue_size,
		};

		if (console_attach_framebuffer(&d))
			console_disable_vga();
	} else {
		kprintf("console: framebuffer type %u (indexed colour) not supported; serial only\n",
			fb->type);
	}
}

static void report_boot(void)
{
	struct json_writer w;
	/* once, on the BSP before any AP runs: static keeps them off its stack */
	static char buf[1536];
	static char opts[CMDLINE_MAX_LEN];
	const struct cpu_features *f = &cpu_features;

	options_format(opts, sizeof(opts));
	kprintf("boot: %s firmware, loader \"%s\", %lu MiB usable, consoles %s\n",
		boot_info.efi ? "UEFI" : "BIOS", boot_info.loader,
		(unsigned long)(mb2_usable_bytes(&boot_info) >> 20),
		console_names());
	kprintf("cpu:  %s family %#x model %#x%s%s; x2apic %s, tsc-deadline %s, arat %s, invariant tsc %s\n",
		f->vendor, f->family, f->model,
		f->hypervisor ? ", hypervisor " : "", f->hypervisor ? f->hv_vendor : "",
		f->x2apic ? "yes" : "no", f->tsc_deadline ? "yes" : "no",
		f->arat ? "yes" : "no", f->invariant_tsc ? "yes" : "no");
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "boot");
	json_str(&w, "firmware", boot_info.efi ? "uefi" : "bios");
	json_str(&w, "cmdline", opts);
	json_u64(&w, "mem_mib", mb2_usable_bytes(&boot_info) >> 20);
	json_str(&w, "loader", boot_info.loader);
	json_str(&w, "consoles", console_names());
	json_str(&w, "cpu_vendor", f->vendor);
	json_str(&w, "hypervisor", f->hypervisor ? f->hv_vendor : NULL);
	json_bool(&w, "x2apic", f->x2apic);
	json_bool(&w, "tsc_deadline", f->tsc_deadline);
	json_bool(&w, "arat", f->arat);
	json_bool(&w, "invariant_tsc", f->invariant_tsc);
	report_emit(json_end(&w));
}

static void report_tsc(void)
{
	struct json_writer w;
	char buf[320];

	kprintf("tsc:  %lu.%06lu MHz from %s", (unsigned long)(tsc_cal.hz / 1000000),
		(unsigned long)(tsc_cal.hz % 1000000), tsc_cal.source);
	if (tsc_cal.check_hz)
		kprintf(", %s says %lu.%06lu MHz (%ld ppm)", tsc_cal.check_source,
			(unsigned long)(tsc_cal.check_hz / 1000000),
			(unsigned long)(tsc_cal.check_hz % 1000000),
			(long)tsc_cal.ppm);
	kprintf("\n");
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "tsc");
	json_u64(&w, "hz", tsc_cal.hz);
	json_str(&w, "source", tsc_cal.source);
	if (tsc_cal.check_hz) {
		json_u64(&w, "check_hz", tsc_cal.check_hz);
		json_str(&w, "check_source", tsc_cal.check_source);
		json_i64(&w, "ppm", tsc_cal.ppm);
	} else {
		json_null(&w, "check_source");
	}
	report_emit(json_end(&w));

	kprintf("lapic timer: %s (%s), %lu counts/s at divide-by-%u\n",
		lapic_timer.mode, lapic_timer.why,
		(unsigned long)lapic_timer.count_hz, lapic_timer.divider);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "lapic_timer");
	json_str(&w, "mode", lapic_timer.mode);
	json_str(&w, "why", lapic_timer.why);
	json_u64(&w, "count_hz", lapic_timer.count_hz);
	json_u64(&w, "divider", lapic_timer.divider);
	report_emit(json_end(&w));
}

static void report_clock(void)
{
	struct json_writer w;
	char buf[256];

	kprintf("clock: %u APs synced to the BSP's TSC (%u not), largest skew %lu us, error bound %lu ns (APs may lag, never lead)\n",
		clock_sync.synced, clock_sync.unsynced,
		(unsigned long)tsc_to_us(clock_sync.max_abs_skew_cycles),
		(unsigned long)tsc_to_ns(clock_sync.max_rtt_cycles));
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "clock");
	json_u64(&w, "synced", clock_sync.synced);
	json_u64(&w, "unsynced", clock_sync.unsynced);
	json_u64(&w, "max_skew_us", tsc_to_us(clock_sync.max_abs_skew_cycles));
	json_u64(&w, "error_bound_ns", tsc_to_ns(clock_sync.max_rtt_cycles));
	report_emit(json_end(&w));
	if (clock_sync.unsynced)
		fail("an AP's clock could not be synchronised");
}

static void report_smp(void)
{
	struct json_writer w;
	static char buf[4096];

	kprintf("smp:  %u of %u possible CPUs online (%u kicked) in %lu us, %u SIPI re-sends, APIC %s (%s), trampoline at %#lx\n",
		smp.online, smp.possible, smp.started,
		(unsigned long)smp.bringup_us, smp.sipi_resends, lapic_mode_name(),
		smp.apic_mode_reason, (unsigned long)smp.trampoline);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "smp");
	json_u64(&w, "possible", smp.possible);
	json_u64(&w, "online", smp.online);
	json_u64(&w, "started", smp.started);
	json_u64(&w, "bringup_us", smp.bringup_us);
	json_u64(&w, "sipi_resends", smp.sipi_resends);
	json_str(&w, "apic_mode", lapic_mode_name());
	json_str(&w, "apic_mode_reason", smp.apic_mode_reason);
	json_str(&w, "single_cpu_reason", smp.single_cpu_reason);
	json_hex(&w, "trampoline", smp.trampoline);
	json_u64(&w, "init_udelay", cmdline_get_u64(&cmdline, "init_udelay", 10000, 0, 1000000));
	json_array_begin(&w, "failed_apic_ids");
	for (uint32_t i = 0; i < smp.nfailed; i++)
		json_u64(&w, NULL, smp.failed_apic_ids[i]);
	json_array_end(&w);
	json_array_begin(&w, "apic_ids");
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		json_u64(&w, NULL, smp_apic_ids[cpu]);
	json_array_end(&w);
	report_emit(json_end(&w));
}

static const char *state_name(enum cpu_state s)
{
	switch (s) {
	case CPU_POSSIBLE: return "possible";
	case CPU_KICKED: return "kicked";
	case CPU_ONLINE: return "online";
	case CPU_FAILED: return "failed";
	default: return "absent";
	}
}

static uint64_t busy_until_ns;
static struct work busy_work[MAX_CPUS];

static void busy_fn(struct work *w)
{
	(void)w;
	while (arch_now_ns() < __atomic_load_n(&busy_until_ns, __ATOMIC_RELAXED))
		cpu_pause();
}

/* Make every other online CPU busy (so its tick runs) until `until_ns`; 0 ends it. */
static void keep_cpus_busy(uint64_t until_ns)
{
	__atomic_store_n(&busy_until_ns, until_ns, __ATOMIC_RELAXED);
	if (until_ns == 0)
		return;
	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++) {
		if (cpu_state(cpu) != CPU_ONLINE)
			continue;
		busy_work[cpu].fn = busy_fn;
		work_queue_on(cpu, &busy_work[cpu]);
	}
}

/*
 * Count ticks on every CPU while every CPU is busy: a CPU with work runs
 * its tick (an idle one is tickless), so all must tick.  The window is
 * tick_window_ms, stretched (up to 10 s) until every CPU has ticked: under
 * QEMU every vCPU is a host thread, and 64 busy vCPUs on a small host get
 * their turns slowly.  The stretch is reported.
 */
static void measure_ticks(void)
{
	static uint64_t before[MAX_CPUS], delta[MAX_CPUS];
	uint64_t window_ms = option_u64("tick_window_ms");
	uint64_t min = UINT64_MAX, max = 0, start, elapsed_ms;
	uint32_t n = smp_cpu_count, silent;
	static char buf[8192];
	struct json_writer w;
	uint64_t expected;

	keep_cpus_busy(UINT64_MAX);
	udelay(20000);	/* let every CPU pick its work up */
	for (uint32_t cpu = 0; cpu < n; cpu++)
		before[cpu] = tick_count(cpu);
	start = arch_now_ns();
	do {
		udelay(window_ms * 1000 / 4);
		silent = 0;
		for (uint32_t cpu = 0; cpu < n; cpu++)
			silent += cpu_state(cpu) == CPU_ONLINE &&
				  tick_count(cpu) == before[cpu];
		elapsed_ms = (arch_now_ns() - start) / 1000000;
	} while ((elapsed_ms < window_ms || silent) && elapsed_ms < 10000);
	for (uint32_t cpu = 0; cpu < n; cpu++) {
		delta[cpu] = tick_count(cpu) - before[cpu];
		if (cpu_state(cpu) != CPU_ONLINE)
			continue;
		min = delta[cpu] < min ? delta[cpu] : min;
		max = delta[cpu] > max ? delta[cpu] : max;
	}
	keep_cpus_busy(0);	/* their work returns: back to idle */
	window_ms = elapsed_ms;
	expected = tick_hz * window_ms / 1000;
	kprintf("tick: %u Hz, %lu ms window, expected %lu per CPU, min %lu, max %lu\n",
		tick_hz, (unsigned long)window_ms, (unsigned long)expected,
		(unsigned long)min, (unsigned long)max);
	kprintf("  %-4s %-8s %-8s %7s    %-4s %-8s %-8s %7s\n", "cpu", "apic_id",
		"state", "ticks", "cpu", "apic_id", "state", "ticks");
	for (uint32_t cpu = 0; cpu < n; cpu++)
		kprintf("  %-4u %-8u %-8s %7lu%s", cpu, smp_apic_ids[cpu],
			state_name(cpu_state(cpu)), (unsigned long)delta[cpu],
			(cpu % 2 == 1 || cpu == n - 1) ? "\n" : "    ");

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "tick");
	json_u64(&w, "hz", tick_hz);
	json_u64(&w, "window_ms", window_ms);
	json_u64(&w, "cpus", smp.online);
	json_u64(&w, "expected", expected);
	json_u64(&w, "min", min);
	json_u64(&w, "max", max);
	json_array_begin(&w, "per_cpu");
	for (uint32_t cpu = 0; cpu < n; cpu++)
		if (cpu_state(cpu) == CPU_ONLINE)
			json_u64(&w, NULL, delta[cpu]);
	json_array_end(&w);
	report_emit(json_end(&w));
	if (silent)
		fail("a CPU took no tick during the window");
}

static bool test_is(const char *name)
{
	const char *t = option_str("test");

	return t && !strcmp(t, name);
}

/*
 * test=late_ap: the last AP got INIT but no SIPI, so the BSP declared it
 * failed at ap_timeout_ms.  Now it gets its SIPIs: it must find its slot
 * poisoned and halt, and the online count must not change.
 */
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
		cpu, smp_apic_ids[cpu], arrived ? "arrived" : "did not arrive",
		state_name(cpu_state(cpu)), online_before, online_after);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "late_ap");
	json_u64(&w, "cpu", cpu);
	json_u64(&w, "apic_id", smp_apic_ids[cpu]);
	json_bool(&w, "arrived", arrived == 1);
	json_str(&w, "state", state_name(cpu_state(cpu)));
	json_u64(&w, "online_before", online_before);
	json_u64(&w, "online_after", online_after);
	report_emit(json_end(&w));
	if (!cpu)
		fail("test=late_ap needs at least two CPUs");
	else if (arrived != 1 || online_after != online_before ||
		 cpu_state(cpu) != CPU_FAILED)
		fail("a late AP was not parked on its poisoned slot");
}

static void run_test(const char *name)
{
	if (!strcmp(name, "late_ap")) {
		test_late_ap();
		return;
	}
	if (!strcmp(name, "lost_sipi")) {
		/* The SIPI re-send must have brought the AP up: checked by the harness. */
		if (!smp.sipi_resends || smp.online != smp.possible)
			fail("test=lost_sipi: the AP that missed its SIPIs did not come up");
		return;
	}
	if (!strcmp(name, "fault")) {
		/* Canonical, unmapped (above the 4 GiB identity map): #PF, not #GP. */
		volatile uint64_t *bad = (volatile uint64_t *)0x0000001000000000ull;

		kprintf("test=fault: reading %p on purpose\n", (void *)bad);
		(void)*bad;
		fail("test=fault: the read did not fault");
		return;
	}
	kprintf("test: unknown test '%s' (known: fault, late_ap, lost_sipi)\n", name);
	fail("unknown test name");
}

static void run_scenario(void)
{
	const char *name = option_str("scenario");
	const struct scenario *sc;
	struct scenario_args args;
	const char *reason = NULL;

	if (!strcmp(name, "none"))
		return;
	sc = scenario_find(name);
	if (!sc) {
		fail("unknown scenario");
		return;
	}
	args.seconds_ms = option_u64_or("seconds_ms", option_u64("seconds") * 1000);
	args.seed = option_u64("seed");
	kprintf("scenario %s: %s\n", sc->name, sc->help);
	if (!sc->run(&args, &reason))
		fail(reason ? reason : "scenario failed");
}

static void parse_boot_info(uint32_t magic, uint32_t mbi_phys)
{
	mb2_parse(magic, (const void *)(uint64_t)mbi_phys, mbi_phys, &boot_info);
	if (!boot_info.valid)
		kprintf("boot: boot information unusable (%s); continuing with defaults\n",
			boot_info.error ? boot_info.error : "unknown reason");
	options_parse(&cmdline, boot_info.has_cmdline ? boot_info.cmdline : "");
	if (option_given("help"))
		options_print_help();
}

/* apic=: 0 auto, -1 xAPIC, 1 x2APIC (struct smp_options.apic_force). */
static int apic_force_option(void)
{
	const char *v = option_str("apic");

	if (!strcmp(v, "xapic"))
		return -1;
	return !strcmp(v, "x2apic");
}

/* lapic_timer=: whether the TSC-deadline mode may be used. */
static bool deadline_option(void)
{
	return strcmp(option_str("lapic_timer"), "oneshot");
}

/*
 * Jiffies start so that they wrap jiffies_wrap_ms after boot: every run
 * crosses 2^64 early, so wrap-safe comparisons are exercised for real.
 */
static void init_timers(void)
{
	uint32_t hz = (uint32_t)cmdline_get_u64(&cmdline, "hz", HZ_DEFAULT, 10, 10000);
	uint64_t wrap_ms = cmdline_get_u64(&cmdline, "jiffies_wrap_ms", 1000, 0, 3600000);

	timer_init(hz, 0 - wrap_ms * hz / 1000);
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		timer_cpu_init(cpu);
	tick_init(hz);
}

static uint32_t node_of[MAX_CPUS];	/* boot CPU, init_tmigr() only: SRAT node per CPU */

/* The MADT entry of a CPU, NULL without one (a single-CPU boot). */
static const struct acpi_cpu *acpi_cpu_of(uint32_t cpu)
{
	for (uint32_t i = 0; i < acpi.ncpus; i++)
		if (acpi.cpus[i].apic_id == smp_apic_ids[cpu])
			return &acpi.cpus[i];
	return NULL;
}

/* Topology order: node, then APIC ID, so SMT siblings and cores of a package sit together. */
static bool topo_before(uint32_t a, uint32_t b)
{
	if (node_of[a] != node_of[b])
		return node_of[a] < node_of[b];
	return smp_apic_ids[a] < smp_apic_ids[b];
}

static void report_tmigr(bool on, const char *why)
{
	struct json_writer w;
	char buf[256];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "tmigr");
	json_bool(&w, "enabled", on);
	json_str(&w, "why", why);
	json_u64(&w, "levels", on ? tmigr_levels() : 0);
	json_u64(&w, "crossnode_level", on ? tmigr_crossnode_level() : 0);
	json_u64(&w, "groups", on ? tmigr_group_count() : 0);
	json_u64(&w, "nodes", acpi.numa_nodes ? acpi.numa_nodes : 1);
	json_u64(&w, "fanout", TMIGR_FANOUT);
	report_emit(json_end(&w));
	if (on)
		kprintf("tmigr: on, %u levels, %u groups, %u node%s\n", tmigr_levels(),
			tmigr_group_count(), acpi.numa_nodes, acpi.numa_nodes == 1 ? "" : "s");
	else
		kprintf("tmigr: off (%s): every CPU wakes for its own global timers\n", why);
}

/*
 * The migration hierarchy, before any AP runs: the BSP prepares itself,
 * joins, then prepares every CPU that will be started, in topology order
 * (the tree groups CPUs in the order they are prepared).  Disabled-but-
 * possible CPUs are prepared at their first online, which may grow the tree.
 */
static void init_tmigr(void)
{
	const char *v = cmdline_get(&cmdline, "tmigr");
	static uint32_t order[MAX_CPUS];
	struct tmigr_platform plat;
	struct tmigr_topology topo = {
		.possible_cpus = smp_cpu_count,
		.possible_nodes = acpi.numa_nodes ? acpi.numa_nodes : 1,
	};
	uint32_t n = 0;

	if (v && !strcmp(v, "off")) {
		report_tmigr(false, "tmigr=off");
		return;
	}
	if (v && strcmp(v, "on"))
		kprintf("cmdline: tmigr='%s' is not on or off; using on\n", v);
	idle_tmigr_platform(&plat);
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++) {
		const struct acpi_cpu *e = acpi_cpu_of(cpu);

		node_of[cpu] = e ? e->node : 0;
	}
	if (tmigr_init(&topo, &plat) || tmigr_prepare(0, node_of[0])) {
		tmigr_disable();
		report_tmigr(false, "setup failed");
		return;
	}
	tmigr_set_available(0);
	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++) {
		const struct acpi_cpu *e = acpi_cpu_of(cpu);
		uint32_t i;

		if (!e || !e->enabled)
			continue;	/* a hot-add slot: prepared at its first online */
		for (i = n++; i > 0 && topo_before(cpu, order[i - 1]); i--)
			order[i] = order[i - 1];
		order[i] = cpu;
	}
	for (uint32_t i = 0; i < n; i++)
		tmigr_prepare(order[i], node_of[order[i]]);	/* a failure is logged; that CPU runs alone */
	report_tmigr(true, "default");
}

static void bring_up_cpus(void)
{
	struct smp_options opt = {
		.init_udelay = cmdline_get_u64(&cmdline, "init_udelay", 10000, 0, 1000000),
		.sipi_udelay = cmdline_get_u64(&cmdline, "sipi_udelay", 200, 0, 1000000),
		.sipi_retry_ms = cmdline_get_u64(&cmdline, "sipi_retry_ms", 10, 1, 600000),
		.timeout_ms = cmdline_get_u64(&cmdline, "ap_timeout_ms", 2000, 10, 600000),
		.apic_force = apic_force_option(),
		.hold_last_ap = test_is("late_ap"),
		.drop_first_sipis = test_is("lost_sipi"),
	};

	if (boot_info.rsdp)
		acpi_parse(boot_info.rsdp, boot_info.rsdp_len, acpi_map, NULL, &acpi);
	else
		acpi.error = "the loader passed no ACPI RSDP";	/* acpi is zeroed .bss */
	smp_prepare(&acpi, &opt, &smp);
	tsc_calibrate(&acpi, &tsc_cal);
	clock_init();
	lapic_timer_calibrate(deadline_option());
	init_timers();
	workqueue_init();
	init_tmigr();
	smp_boot_aps(&opt, &smp);
	clock_sync_all(&clock_sync);
	/* test=late_ap holds one AP back on purpose: that one may fail. */
	if (smp.nfailed > (opt.hold_last_ap && smp_held_cpu() ? 1u : 0u))
		fail("some APs did not come online");
	tick_start_cpu();
	irq_enable();
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
	console_init_early();
	idt_init();
	idt_load();
	kprintf("pullkern: booting\n");
	parse_boot_info(magic, mbi_phys);
	setup_screen_console();
	platform_detect();
	pic_disable();
	page_alloc_init(&boot_info);
	if (!percpu_prepare(0))
		panic("no memory for the boot CPU's interrupt stacks");
	percpu_init_cpu(0);
	bring_up_cpus();

	report_boot();
	report_tsc();
	report_smp();
	report_clock();
	measure_ticks();
	if (option_str("test"))
		run_test(option_str("test"));
	else
		run_scenario();
	kernel_exit(run_ok, run_ok ? "" : fail_reason);
}
