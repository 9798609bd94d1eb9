/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scenario: named workloads run after boot, chosen with scenario=NAME.
 */
#ifndef PULLKERN_SCENARIO_H
#define PULLKERN_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/timer.h"

struct cmdline;

struct scenario_args {
	uint64_t seconds_ms;		/* seconds=N (milliseconds, for short test windows: seconds_ms=) */
	uint64_t seed;			/* seed=S */
	/* scenario-specific options: option_u64() and friends (kernel/options.h) */
};

struct scenario {
	const char *name;
	const char *help;
	/* Runs on the BSP; returns pass or fail and sets *reason on fail. */
	bool (*run)(const struct scenario_args *args, const char **reason);
};

bool scenario_timers(const struct scenario_args *args, const char **reason);
bool scenario_quiet(const struct scenario_args *args, const char **reason);
bool scenario_idle(const struct scenario_args *args, const char **reason);
bool scenario_lateness(const struct scenario_args *args, const char **reason);
bool scenario_hotplug(const struct scenario_args *args, const char **reason);

/* ms as whole jiffies at the running HZ, at least 1 (a timer delay). */
static inline uint64_t scenario_ms_to_jiffies(uint64_t ms)
{
	uint64_t j = ms * 1000000ull / timer_tick_ns();

	return j ? j : 1;
}

/* The scenario called `name`, or NULL (with a message listing the known ones). */
const struct scenario *scenario_find(const char *name);

#endif
