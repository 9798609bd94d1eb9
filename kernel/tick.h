/*
 * tick: the periodic per-CPU tick at HZ.
 */
#ifndef PULLKERN_TICK_H
#define PULLKERN_TICK_H

#include <stdint.h>

#define HZ_DEFAULT	1000

extern uint32_t tick_hz;

void tick_init(uint32_t hz);		/* BSP, before APs start */
void tick_start_cpu(void);		/* each CPU, on itself */
uint64_t tick_count(uint32_t cpu);	/* ticks taken by `cpu` so far */

#endif
