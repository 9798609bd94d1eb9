/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_support: what host test programs provide in place of the kernel.
 *
 * kprintf() appends to a capture buffer (and echoes to stderr when the
 * environment variable PULLKERN_VERBOSE is set), so tests can assert on the
 * warnings portable code prints.
 */
#ifndef PULLKERN_HOST_SUPPORT_H
#define PULLKERN_HOST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* Everything kprintf() printed since the last host_log_reset(). */
const char *host_log(void);
void host_log_reset(void);
/* Number of lines in the capture that contain `needle`. */
int host_log_count(const char *needle);

/*
 * Boot the wheel and the hierarchy the way the kernel does on one node:
 * timer_init(hz, jiffies_bias), every CPU's bases, then CPU0 prepared and
 * available, then the others (each made available as itself).  Leaves the
 * thread as CPU0.  0, or the first failing call's error.
 */
int host_boot_hierarchy(uint32_t ncpus, uint32_t hz, uint64_t jiffies_bias);

#endif
