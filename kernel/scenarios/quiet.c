// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scenario quiet: no timers anywhere, every CPU idle for the window.
 *
 * Proves the tickless idle: an idle CPU with no timer pending and no work
 * must take no timer interrupt at all.  The BSP sleeps in idle_until() on
 * the one timer it needs to end the window (its own pinned timer), so it
 * takes a handful; every AP must take zero.  APs get a settling time first
 * so that the tick left over from earlier work has been stopped.
 */
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smpboot.h"
#include "kernel/arch_services.h"
#include "kernel/idle.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/scenario.h"
#include "kernel/timer.h"
#include "lib/counter.h"
#include "lib/json.h"

#define SETTLE_MS	50

static uint64_t irqs0[MAX_CPUS], wakeups0[MAX_CPUS];

bool scenario_quiet(const struct scenario_args *args, const char **reason)
{
	uint64_t settle = arch_now_ns() + SETTLE_MS * 1000000ull;
	uint64_t end, max_ap = 0, noisy = 0;
	static char buf[8192];
	struct json_writer w;

	idle_sleep_until_ns(settle);
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++) {
		irqs0[cpu] = counter_read(&idle_stats_of(cpu)->timer_irqs);
		wakeups0[cpu] = counter_read(&idle_stats_of(cpu)->idle_wakeups);
	}
	end = arch_now_ns() + args->seconds_ms * 1000000ull;
	idle_sleep_until_ns(end);

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "quiet");
	json_u64(&w, "window_ms", args->seconds_ms);
	json_u64(&w, "cpus", cpu_online_count());
	json_array_begin(&w, "timer_irqs");
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++) {
		uint64_t d = counter_read(&idle_stats_of(cpu)->timer_irqs) - irqs0[cpu];

		if (cpu_state(cpu) != CPU_ONLINE)
			continue;
		json_u64(&w, NULL, d);
		if (cpu && d > max_ap)
			max_ap = d;
		noisy += cpu && d;
	}
	json_array_end(&w);
	json_array_begin(&w, "wakeups");
	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		if (cpu_state(cpu) == CPU_ONLINE)
			json_u64(&w, NULL, counter_read(&idle_stats_of(cpu)->idle_wakeups) - wakeups0[cpu]);
	json_array_end(&w);
	json_u64(&w, "max_ap_timer_irqs", max_ap);
	json_u64(&w, "aps_with_timer_irqs", noisy);
	report_emit(json_end(&w));
	kprintf("quiet: %lu ms with no timers: %lu APs took timer interrupts (max %lu); the BSP took %lu\n",
		(unsigned long)args->seconds_ms, (unsigned long)noisy,
		(unsigned long)max_ap,
		(unsigned long)(counter_read(&idle_stats_of(0)->timer_irqs) - irqs0[0]));
	if (noisy) {
		*reason = "quiet: an idle AP with no timers took timer interrupts";
		return false;
	}
	return true;
}
