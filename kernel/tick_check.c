// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tick_check: count every online CPU's ticks over a window, all CPUs busy.
 *
 * A CPU with work runs its tick and an idle one is tickless, so the check
 * keeps every other online CPU busy (a work item spinning until a shared
 * deadline) while the boot CPU counts.  The window is tick_window_ms,
 * stretched (up to 10 s) until every CPU has ticked: under QEMU every
 * vCPU is a host thread, and 64 busy vCPUs on a small host get their
 * turns slowly.  The stretch is reported (window_ms is the time counted).
 *
 * Record: {"kind":"tick","hz","window_ms","cpus","expected","min","max",
 * "per_cpu":[ticks of each online CPU]}.
 *
 * Ordering: busy_until_ns is a plain flag read relaxed by the busy work;
 * nothing else is published through it, and a CPU that sees the end late
 * only spins a little longer.
 */
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smpboot.h"
#include "kernel/arch_services.h"
#include "kernel/cpu_state_name.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/tick.h"
#include "kernel/tick_check.h"
#include "kernel/time.h"
#include "kernel/verdict.h"
#include "kernel/workqueue.h"
#include "lib/json.h"

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

void tick_check(uint32_t online_cpus)
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
		kprintf("  %-4u %-8u %-8s %7lu%s", cpu, smp_apic_id(cpu),
			cpu_state_name(cpu_state(cpu)), (unsigned long)delta[cpu],
			(cpu % 2 == 1 || cpu == n - 1) ? "\n" : "    ");

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "tick");
	json_u64(&w, "hz", tick_hz);
	json_u64(&w, "window_ms", window_ms);
	json_u64(&w, "cpus", online_cpus);
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
		verdict_fail("a CPU took no tick during the window");
}
