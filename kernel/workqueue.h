/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workqueue: hand a function to another CPU.
 */
#ifndef PULLKERN_WORKQUEUE_H
#define PULLKERN_WORKQUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct work;
typedef void (*work_fn)(struct work *w);

struct work {
	struct work *next;	/* under the target CPU's queue lock */
	work_fn fn;
};

void workqueue_init(void);			/* BSP, before APs start */
void work_queue_on(uint32_t cpu, struct work *w);	/* any CPU, any context */
bool work_pending(uint32_t cpu);
void work_run_pending(void);
void workqueue_reset(void);			/* host tests: every queue empty */			/* this CPU, interrupts on, idle loop only */

#endif
