/*
 * main: the boot CPU's path from the loader to the verdict, as a list.
 *
 * kmain() is the sequence: early console and traps, boot information and
 * options, consoles, memory, the boot CPU's per-CPU state, the CPUs and
 * their clocks and timers (bring_up_cpus), the boot reports (each beside
 * its subsystem), the tick check, then one built-in test (test=) or one
 * scenario, and the exit with the verdict (kernel/verdict.h).
 *
 * Each step that reads firmware input degrades instead of crashing: no
 * framebuffer means serial only, no MADT means one CPU, no calibration
 * source means an assumed TSC rate, each with a console line saying so.
 * Results go out twice: human lines and tables, and `@report` records.
 * Options are read by name from kernel/options.c's table.
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
#include "kernel/boot_report.h"
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
#include "kernel/selftest.h"
#include "kernel/tick.h"
#include "kernel/tick_check.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/tmigr_report.h"
#include "kernel/verdict.h"
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

/*
 * Transitional names for the bring-up code below (bring_up_cpus and what
 * it calls), which moves to its own file: there it calls verdict_fail(),
 * selftest_chosen(), tmigr_report() and option_u64() directly.
 */
static void fail(const char *why)
{
	verdict_fail(why);
}

static bool test_is(const char *name)
{
	return selftest_chosen(name);
}

static void report_tmigr(bool on, const char *why)
{
	tmigr_report(on, why, acpi.numa_nodes);
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
		verdict_fail("unknown scenario");
		return;
	}
	args.seconds_ms = option_u64_or("seconds_ms", option_u64("seconds") * 1000);
	args.seed = option_u64("seed");
	kprintf("scenario %s: %s\n", sc->name, sc->help);
	if (!sc->run(&args, &reason))
		verdict_fail(reason ? reason : "scenario failed");
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

	boot_report(&boot_info);
	tsc_report(&tsc_cal);
	lapic_timer_report();
	report_smp();
	report_clock();
	tick_check(smp.online);
	if (option_str("test"))
		selftest_run(option_str("test"), &smp);
	else
		run_scenario();
	verdict_exit();
}
