// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scenario: the table of scenarios.  Each lives in kernel/scenarios/.
 *
 * The table refers to the scenarios and nothing in a scenario refers back
 * to this file (their shared helpers are inline in scenario.h), so the
 * table and the scenarios form no cycle.
 */
#include <stddef.h>

#include "kernel/printk.h"
#include "kernel/scenario.h"
#include "lib/string.h"

static const struct scenario scenarios[] = {
	{ "timers", "random pinned and global timers on every CPU, checked against their deadlines",
	  scenario_timers },
	{ "quiet", "every CPU idle with no timers: idle CPUs must take no timer interrupt",
	  scenario_quiet },
	{ "idle", "housekeeping global timers and a few pinned ones, every CPU idle: wake-ups and residency",
	  scenario_idle },
	{ "lateness", "one CPU arms short global and remote timers, the rest idle: lateness bound (lost wake-ups)",
	  scenario_lateness },
	{ "hotplug", "CPUs hot-added, parked and unparked at random while every online CPU churns timers",
	  scenario_hotplug },
};

const struct scenario *scenario_find(const char *name)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	kprintf("scenario: unknown scenario '%s'; known:", name);
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		kprintf(" %s", scenarios[i].name);
	kprintf("\n");
	return NULL;
}
