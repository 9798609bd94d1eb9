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
#include "drivers/apic/lapic_timer.h"
#include "kernel/acpi.h"
#include "kernel/arch_services.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/multiboot2.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/scenario.h"
#include "kernel/smp.h"
#include "kernel/tick.h"
#include "kernel/time.h"
#include "kernel/workqueue.h"
#include "lib/json.h"
#include "lib/string.h"

void kmain(uint32_t magic, uint32_t mbi_phys);

static const struct cmdline_key known_options[] = {
	{ "hz", "tick rate in Hz (default 1000, 10..10000)" },
	{ "test", "run a built-in test: fault (page fault), late_ap (an AP answers after the timeout), lost_sipi (an AP misses its first SIPIs), restart_ap (an AP parks and is started again)" },
	{ "init_udelay", "microseconds to wait after INIT (default 10000, SDM)" },
	{ "sipi_udelay", "microseconds to wait after each SIPI (default 200)" },
	{ "sipi_retry_ms", "re-send SIPI to APs still silent this often (default 10)" },
	{ "ap_timeout_ms", "how long to wait for all APs (default 2000)" },
	{ "apic", "local APIC mode: auto, xapic or x2apic" },
	{ "lapic_timer", "LAPIC timer mode: auto or oneshot (no TSC-deadline)" },
	{ "tick_window_ms", "window over which ticks are counted, every CPU busy (default 200)" },
	{ "scenario", "what to run after boot: timers (default), quiet, idle, lateness, none" },
	{ "seconds", "scenario window in seconds (default 1)" },
	{ "seconds_ms", "scenario window in milliseconds (overrides seconds)" },
	{ "seed", "scenario random seed (default 1)" },
	{ "busy_pct", "timers scenario: share of driver actions that start 1-10 ms of busy work (default 5)" },
	{ "idle_globals", "idle scenario: global timers per CPU (default 4, 0..6)" },
	{ "idle_pinned", "idle scenario: pinned timers on CPUs that have them (default 1, 0..2)" },
	{ "lateness_cpu", "lateness scenario: the CPU that arms the timers (default 1, or 0 alone)" },
	{ "lateness_remote_pct", "lateness scenario: share of timers armed on other CPUs with timer_add_on (default 30)" },
	{ "lateness_bound_us", "lateness scenario: latest a timer may run after its expiry jiffy starts (default 2 jiffies + 300 ms of emulator slack)" },
	{ "jiffies_wrap_ms", "start jiffies so that they wrap this long after boot (default 1000)" },
	{ "tmigr", "timer migration hierarchy: on (default) or off (every CPU wakes for its own global timers)" },
	{ "tmigr_dump", "print the hierarchy (table and records) after the scenario: 1 or 0 (default 0; on failure always)" },
	{ "help", "list the command-line options" },
};

#define NOPTIONS (sizeof(known_options) / sizeof(known_options[0]))

static struct boot_info boot_info;
static struct cmdline cmdline;
static struct acpi_info acpi;
static struct tsc_calibration tsc_cal;
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

	cmdline_format(&cmdline, opts, sizeof(opts));
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
	uint64_t window_ms = cmdline_get_u64(&cmdline, "tick_window_ms", 200, 10, 60000);
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
		kprintf("  %-4u %-8u %-8s %7lu%s", cpu, smp_apic_id(cpu),
			smp_state_name(cpu_state(cpu)), (unsigned long)delta[cpu],
			(cpu % 2 == 1 || cpu == n - 1) ? "\n" : "    ");

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "tick");
	json_u64(&w, "hz", tick_hz);
	json_u64(&w, "window_ms", window_ms);
	json_u64(&w, "cpus", cpu_online_count());
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
	const char *t = cmdline_get(&cmdline, "test");

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
		cpu, smp_apic_id(cpu), arrived ? "arrived" : "did not arrive",
		smp_state_name(cpu_state(cpu)), online_before, online_after);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "late_ap");
	json_u64(&w, "cpu", cpu);
	json_u64(&w, "apic_id", smp_apic_id(cpu));
	json_bool(&w, "arrived", arrived == 1);
	json_str(&w, "state", smp_state_name(cpu_state(cpu)));
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
	if (!strcmp(name, "restart_ap"))
		return;	/* ran during bring-up (kernel/smp.c); a failure is already recorded */
	if (!strcmp(name, "lost_sipi")) {
		/* The SIPI re-send must have brought the AP up: checked by the harness. */
		if (!smp_boot_stats()->sipi_resends ||
		    cpu_online_count() != smp_cpu_count)
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
	kprintf("test: unknown test '%s' (known: fault, late_ap, lost_sipi, restart_ap)\n", name);
	fail("unknown test name");
}

static void run_scenario(void)
{
	const char *name = cmdline_get(&cmdline, "scenario");
	const struct scenario *sc;
	struct scenario_args args = { .cmdline = &cmdline };
	const char *reason = NULL;

	if (!name)
		name = "timers";
	if (!strcmp(name, "none"))
		return;
	sc = scenario_find(name);
	if (!sc) {
		fail("unknown scenario");
		return;
	}
	args.seconds_ms = cmdline_get_u64(&cmdline, "seconds", 1, 0, 3600) * 1000;
	args.seconds_ms = cmdline_get_u64(&cmdline, "seconds_ms", args.seconds_ms, 1, 3600000);
	args.seed = cmdline_get_u64(&cmdline, "seed", 1, 0, UINT64_MAX);
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
	cmdline_parse(&cmdline, boot_info.has_cmdline ? boot_info.cmdline : "",
		      known_options, NOPTIONS);
	if (cmdline_has(&cmdline, "help"))
		cmdline_print_help(known_options, NOPTIONS);
}

static bool deadline_option(void)
{
	const char *v = cmdline_get(&cmdline, "lapic_timer");

	if (!v || !strcmp(v, "auto"))
		return true;
	if (!strcmp(v, "oneshot"))
		return false;
	kprintf("cmdline: lapic_timer='%s' is not auto or oneshot; using auto\n", v);
	return true;
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
	const char *why;

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
	if (boot_info.rsdp)
		acpi_parse(boot_info.rsdp, boot_info.rsdp_len, acpi_map, NULL, &acpi);
	else
		acpi.error = "the loader passed no ACPI RSDP";	/* acpi is zeroed .bss */
	smp_init(&acpi, &cmdline, &(struct smp_test_hooks){
		.hold_last_ap = test_is("late_ap"),
		.drop_first_sipis = test_is("lost_sipi"),
		.restart_last_ap = test_is("restart_ap"),
	});
	tsc_calibrate(&acpi, &tsc_cal);
	clock_init();
	lapic_timer_calibrate(deadline_option());
	smp_timers_init();
	workqueue_init();
	smp_tmigr_init();
	if ((why = smp_bring_up()))
		fail(why);
	tick_start_cpu();
	irq_enable();

	report_boot();
	report_tsc();
	smp_report();
	measure_ticks();
	if (cmdline_get(&cmdline, "test"))
		run_test(cmdline_get(&cmdline, "test"));
	else
		run_scenario();
	kernel_exit(run_ok, run_ok ? "" : fail_reason);
}
