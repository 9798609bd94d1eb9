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
};

/* BSP, after bring-up: measure every online AP's TSC skew, one at a time. */
void clock_sync_all(struct clock_sync_result *res);
int64_t clock_skew_cycles(uint32_t cpu);

/* An arch_now_ns() instant as this CPU's TSC value (for TSC-deadline). */
uint64_t clock_ns_to_local_tsc(uint64_t ns);

#endif
