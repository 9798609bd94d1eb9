/*
 * lapic_timer: each CPU's own timer, the kernel's only event source.
 */
#ifndef PULLKERN_DRIVERS_LAPIC_TIMER_H
#define PULLKERN_DRIVERS_LAPIC_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct lapic_timer_info {
	const char *mode;	/* "oneshot" or "tsc-deadline" */
	const char *why;	/* why that mode */
	uint64_t count_hz;	/* count-down rate at our divider */
	uint32_t divider;
};

extern struct lapic_timer_info lapic_timer;

/* BSP, once, after the TSC is calibrated.  want_deadline: not "lapic_timer=oneshot". */
void lapic_timer_calibrate(bool want_deadline);

/*
 * This CPU: one interrupt at `vector` once arch_now_ns() reaches
 * deadline_ns (at once if it has passed); UINT64_MAX disarms.  A deadline
 * beyond the count-down range fires early, at the end of the range: the
 * caller re-evaluates and re-arms.
 */
void lapic_timer_arm_at(uint8_t vector, uint64_t deadline_ns);

/* The mode chosen and the count-down rate: a console line and an @report record. */
void lapic_timer_report(void);

#endif
