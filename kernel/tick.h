/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tick: the per-CPU tick at HZ, stopped while a CPU idles.
 */
#ifndef PULLKERN_TICK_H
#define PULLKERN_TICK_H

#include <stdbool.h>
#include <stdint.h>

#define HZ_DEFAULT	1000

extern uint32_t tick_hz;

void tick_init(uint32_t hz);		/* BSP, before APs start: event and wake IPI handlers */
void tick_start_cpu(void);		/* this CPU: tick at every jiffy boundary */
void tick_stop_cpu(void);		/* this CPU: no more ticks (caller arms its one-shot) */
uint64_t tick_count(uint32_t cpu);	/* ticks taken by `cpu` so far */
void tick_reset(void);			/* host tests: every CPU's tick stopped */

#endif
