/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hw_counters (arch side): the boot probe of the hardware counters.  The
 * kernel reads them through kernel/arch_services.h (arch_hw_counters_read
 * and friends).
 */
#ifndef PULLKERN_ARCH_HW_COUNTERS_H
#define PULLKERN_ARCH_HW_COUNTERS_H

/*
 * Every CPU, once it is itself (percpu_init_cpu), interrupts off: probe
 * the counters on this CPU.  The boot CPU's first call also looks the
 * model up and prints what will be read (a line and an
 * `@report {"kind":"hw_counters",...}` record).  A CPU started again
 * keeps its first probe and its widened totals.
 */
void hw_counters_init_cpu(void);

#endif
