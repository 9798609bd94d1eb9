/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lapic_timer: each CPU's own timer, the kernel's only event source
 * (the arch_event_* services of kernel/arch_services.h).
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
 * The one-shot itself is reached through kernel/arch_services.h:
 * arch_event_set_handler, arch_event_program, arch_event_stop.
 */

/* The mode chosen and the count-down rate: a console line and an @report record. */
void lapic_timer_report(void);

#endif
