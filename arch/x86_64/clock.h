/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clock: arch_now_ns() and its helpers (see clock.c for the theory).
 */
#ifndef PULLKERN_ARCH_CLOCK_H
#define PULLKERN_ARCH_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/idt.h"

void clock_init(void);			/* BSP, after TSC calibration, before APs */
struct clock_sync_result {
	uint32_t synced, unsynced;
	uint64_t max_rtt_cycles;	/* error bound: an AP's clock lags by at most this */
	uint64_t max_abs_skew_cycles;
	uint64_t good_rtt_cycles;	/* the round trip the retries aim for ... */
	uint64_t good_rtt_ns;		/* ... in nanoseconds */
	uint32_t over_good;		/* synced APs whose best round trip stayed above it */
	uint32_t retries;		/* attempts after each AP's first */
	uint32_t attempts_max;		/* per AP, first included */
};

/*
 * Start fn(arg) on `cpu` and return without waiting (the caller's queue
 * keeps what it needs; one call per CPU at a time: clock_sync_all() posts
 * again to a CPU only after its previous fn has finished).
 */
typedef void (*clock_run_on_fn)(uint32_t cpu, void (*fn)(void *arg), void *arg);

/*
 * BSP, after bring-up: measure the TSC skew of cpus[0 .. n), online APs,
 * one at a time; run_on() gets the AP's side onto each of them.  Later
 * (a hot-added CPU, arch_cpu_sync_clock) any synced CPU may measure: the
 * skew is taken against its own TSC and its own skew added, so it is the
 * BSP's scale again (the two error bounds add up).
 */
void clock_sync_all(const uint32_t *cpus, uint32_t n, clock_run_on_fn run_on,
		    struct clock_sync_result *res);
int64_t clock_skew_cycles(uint32_t cpu);

/* Boot CPU, after clock_sync_all(): every CPU's IA32_TSC_ADJUST, as found. */
void clock_report_tsc_adjust(void);

/* An arch_now_ns() instant as this CPU's TSC value (for TSC-deadline). */
uint64_t clock_ns_to_local_tsc(uint64_t ns);

#endif
