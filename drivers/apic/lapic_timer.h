/*
 * lapic_timer: each CPU's own timer, the kernel's only event source.
 */
#ifndef PULLKERN_DRIVERS_LAPIC_TIMER_H
#define PULLKERN_DRIVERS_LAPIC_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct lapic_timer_info {
	const char *mode;	/* "periodic" or "tsc-deadline" */
	const char *why;	/* why that mode */
	uint64_t count_hz;	/* timer counts per second at our divider */
	uint32_t divider;
};

extern struct lapic_timer_info lapic_timer;

/* BSP, once, after the TSC is calibrated.  want_deadline: not "lapic_timer=oneshot". */
void lapic_timer_calibrate(bool want_deadline);

/* This CPU: interrupt at vector `vector` every 1/hz seconds. */
void lapic_timer_start_periodic(uint8_t vector, uint32_t hz);

/* From the timer interrupt: arm the next period (TSC-deadline mode only). */
void lapic_timer_periodic_rearm(void);

void lapic_timer_stop(void);

#endif
