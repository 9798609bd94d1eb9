// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lapic_timer_report: the LAPIC timer's mode and rate as the boot reports
 * them, `@report {"kind":"lapic_timer","mode","why","count_hz","divider"}`.
 *
 * Its own file beside lapic_timer.c: it reads only the public
 * struct lapic_timer_info that calibration filled, once, on the boot CPU.
 */
#include "drivers/apic/lapic_timer.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "lib/json.h"

void lapic_timer_report(void)
{
	struct json_writer w;
	char buf[320];

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
