// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main: the boot CPU's path from the loader to the verdict, as a list.
 *
 * kmain() is the sequence: early console and traps, boot information and
 * options, consoles, memory, the boot CPU's per-CPU state, ACPI, the CPUs,
 * their clocks, timers and hierarchy (kernel/smp.c), the boot reports (each beside
 * its subsystem), the tick check, then one built-in test (test=) or one
 * scenario, the shell if asked for (kernel/shell.h), and the exit with the
 * verdict (kernel/verdict.h).
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
#include "arch/x86_64/extable.h"
#include "arch/x86_64/hw_counters.h"
#include "arch/x86_64/idle_states.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/platform.h"
#include "drivers/apic/ioapic.h"
#include "drivers/apic/lapic_timer.h"
#include "drivers/console/ps2kbd.h"
#include "kernel/acpi.h"
#include "kernel/acpi_hotplug.h"
#include "kernel/arch_services.h"
#include "kernel/boot_report.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/multiboot2.h"
#include "kernel/options.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/residency.h"
#include "kernel/scenario.h"
#include "kernel/selftest.h"
#include "kernel/shell.h"
#include "kernel/smp.h"
#include "kernel/tick.h"
#include "kernel/tick_check.h"
#include "kernel/time.h"
#include "kernel/verdict.h"
#include "kernel/workqueue.h"
#include "lib/string.h"

void kmain(uint32_t magic, uint32_t mbi_phys);

static struct boot_info boot_info;
static struct cmdline cmdline;	/* the options' storage: kernel/options.h */
static struct acpi_info acpi;
static struct tsc_calibration tsc_cal;

static const void *acpi_map(uint64_t phys, uint64_t len, void *ctx)
{
	(void)ctx;
	return paging_map_mmio(phys, len);
}

/* ioapic_init()'s check: does [phys, phys+len) touch memory the map calls usable or ACPI? */
static bool overlaps_memory(uint64_t phys, uint64_t len)
{
	for (uint32_t i = 0; i < boot_info.mmap_count; i++) {
		const struct mb2_mmap_entry *e = &boot_info.mmap[i];

		if (e->type != MB2_MEM_AVAILABLE && e->type != MB2_MEM_ACPI_RECLAIM &&
		    e->type != MB2_MEM_NVS)
			continue;
		/* overlap, written so that no sum can wrap */
		if ((phys >= e->base && phys - e->base < e->len) ||
		    (e->base >= phys && e->base - phys < len))
			return true;
	}
	return false;
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
	extern char _kernel_start[], _kernel_end[];	/* linker.ld */

	mb2_set_kernel_image((uint64_t)_kernel_start, (uint64_t)_kernel_end);
	mb2_parse(magic, (const void *)(uint64_t)mbi_phys, mbi_phys, &boot_info);
	if (!boot_info.valid)
		kprintf("boot: boot information unusable (%s); continuing with defaults\n",
			boot_info.error ? boot_info.error : "unknown reason");
	options_parse(&cmdline, boot_info.has_cmdline ? boot_info.cmdline : "");
	if (option_given("help"))
		options_print_help();
	if (!strcmp(option_str("then"), "poweroff"))
		kernel_set_end(KERNEL_END_S5);
}

static void parse_acpi(void)
{
	if (boot_info.rsdp)
		acpi_parse(boot_info.rsdp, boot_info.rsdp_len, acpi_map, NULL, &acpi);
	else
		acpi.error = "the loader passed no ACPI RSDP";	/* acpi is zeroed .bss */
	ps2kbd_firmware_hint(acpi.boot_arch_ok, acpi.has_8042);	/* the shell's keyboard */
	if (acpi.reset_ok)	/* the shell's reboot tries it first */
		platform_set_reset_reg(acpi.reset_io, acpi.reset_addr, acpi.reset_value);
	if (acpi.s5.ok)		/* power-off: docs/firmware.md */
		platform_set_s5(acpi.s5.pm1a_cnt, acpi.s5.pm1b_cnt, acpi.s5.slp_typa,
				acpi.s5.slp_typb, (uint16_t)acpi.smi_cmd, acpi.acpi_enable);
}

/* lapic_timer=: whether the TSC-deadline mode may be used. */
static bool deadline_option(void)
{
	return strcmp(option_str("lapic_timer"), "oneshot");
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
	if (!extable_selftest())
		verdict_fail("extable: a #GP the exception table should catch was not");
	hw_counters_init_cpu();
	idle_states_init_cpu();
	parse_acpi();
	console_choose(&acpi.spcr, overlaps_memory);	/* console=, SPCR or a probe */
	ioapic_init(&acpi, overlaps_memory);	/* every input masked; the SCI is routed later */
	smp_init(&acpi, &(struct smp_test_hooks){
		.hold_last_ap = selftest_chosen("late_ap"),
		.drop_first_sipis = selftest_chosen("lost_sipi"),
		.restart_last_ap = selftest_chosen("restart_ap"),
	});
	tsc_calibrate(&acpi, &tsc_cal);
	clock_init();
	lapic_timer_calibrate(deadline_option());
	smp_timers_init();
	workqueue_init();
	smp_tmigr_init();
	if ((why = smp_bring_up()))
		verdict_fail(why);
	residency_init(arch_cpu_count(), arch_cpu_hw_id);
	tick_start_cpu();
	irq_enable();

	boot_report(&boot_info);
	tsc_report(&tsc_cal);
	lapic_timer_report();
	smp_report();
	platform_firmware_report(&acpi);	/* docs/firmware.md */
	tick_check(cpu_online_count());
	acpi_hotplug_init(&acpi);
	if (option_str("test"))
		selftest_run(option_str("test"));
	else if (!option_given("shell") || option_given("scenario"))
		run_scenario();	/* `shell` alone skips the default scenario */
	if (option_given("shell") || !strcmp(option_str("then"), "shell"))
		shell_run();
	verdict_exit();
}
