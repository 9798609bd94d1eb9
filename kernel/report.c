// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report: emit one "@report {json}" line.  See report.h.
 */
#include "kernel/printk.h"
#include "kernel/report.h"

void report_emit(const char *json)
{
	if (!json) {
		kprintf("@report {\"kind\":\"report_overflow\"}\n");
		return;
	}
	kprintf("@report %s\n", json);
}
