// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * panic: fatal errors and the end of a run.
 *
 * The first CPU to panic wins a compare-and-exchange on panic_cpu; any
 * other CPU that panics later halts quietly, so the console shows one
 * story.  The winner stops the others with an NMI (they see
 * panic_in_progress() in their NMI handler and halt), then reports
 * "fail" and exits.  NMI, not a maskable IPI: a CPU spinning with
 * interrupts off must stop too.
 *
 * The end of a run (kernel_exit) after the summary: under QEMU the exit
 * device carries the result; then, as kernel_set_end() chose, halt (the
 * default: on a real machine the report stays on the screen) or power off
 * through ACPI S5 (arch/x86_64/platform.c), with one line when S5 is not
 * available or did not take effect, and halt.
 *
 * arch_bug() (kernel/arch_services.h), a debug check of the portable core
 * that failed, is a panic here; host tests record it instead.
 */
#include <stdarg.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/platform.h"
#include "drivers/apic/lapic.h"
#include "kernel/arch_services.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "lib/format.h"
#include "lib/json.h"

#define PANIC_NONE	UINT32_MAX

static uint32_t panic_cpu = PANIC_NONE;
static enum kernel_end end_how;	/* boot CPU, before the end; read by whoever ends */

bool panic_in_progress(void)
{
	/* relaxed: only ever compared, the NMI itself orders nothing */
	return __atomic_load_n(&panic_cpu, __ATOMIC_RELAXED) != PANIC_NONE;
}

static void report_summary(bool pass, const char *reason)
{
	struct json_writer w;
	char buf[256];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "summary");
	json_str(&w, "result", pass ? "pass" : "fail");
	json_str(&w, "reason", reason);
	report_emit(json_end(&w));
}

void kernel_set_end(enum kernel_end end)
{
	end_how = end;
}

static void power_off(void)
{
	if (!platform_poweroff_has()) {
		kprintf("power-off not available (no ACPI S5): halted\n");
		return;
	}
	kprintf("pullkern: powering off (ACPI S5)\n");
	platform_poweroff();
	kprintf("power-off not available (ACPI S5 did not take effect): halted\n");
}

void kernel_exit(bool pass, const char *reason)
{
	kprintf("pullkern: %s%s%s\n", pass ? "PASS" : "FAIL",
		reason && *reason ? ": " : "", reason ? reason : "");
	report_summary(pass, reason);
	if (end_how != KERNEL_END_S5)
		platform_exit(pass);
	if (end_how != KERNEL_END_HALT)
		power_off();
	cpu_halt_forever();
}

void panic(const char *fmt, ...)
{
	uint32_t none = PANIC_NONE;
	uint32_t me = this_cpu_id_safe();
	char reason[200];
	va_list ap;

	irq_disable();
	/* relaxed is enough: the NMI sent below is the event others act on */
	if (!__atomic_compare_exchange_n(&panic_cpu, &none, me, false,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		cpu_halt_forever();

	console_panic_mode();
	va_start(ap, fmt);
	fmt_vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	kprintf("\nPANIC on cpu %u: %s\n", me, reason);
	if (lapic_ready())
		lapic_send_nmi_all_but_self();
	kernel_exit(false, reason);
}

void arch_bug(const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	panic("BUG: %s", msg);
}
