/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tick_check: the boot's proof that every online CPU takes its tick.
 */
#ifndef PULLKERN_TICK_CHECK_H
#define PULLKERN_TICK_CHECK_H

#include <stdint.h>

/*
 * Boot CPU, after every CPU started its tick: count ticks per CPU over
 * tick_window_ms with every CPU busy, print the table and the
 * `@report {"kind":"tick"}` record (cpus: online_cpus), and fail the run
 * if a CPU took none.
 */
void tick_check(uint32_t online_cpus);

#endif
