/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smp: the kernel's side of bringing CPUs up (see kernel/smp.c).
 */
#ifndef PULLKERN_KERNEL_SMP_H
#define PULLKERN_KERNEL_SMP_H

#include <stdbool.h>

#include "arch/x86_64/smpboot.h"

struct acpi_info;

/* The test= hooks of bring-up; all false in a normal boot. */
struct smp_test_hooks {
	bool hold_last_ap;	/* test=late_ap: the last AP gets no SIPI */
	bool drop_first_sipis;	/* test=lost_sipi: the last AP misses its first SIPIs */
	bool restart_last_ap;	/* test=restart_ap: the last AP parks and is started again */
};

/*
 * BSP, after ACPI: number the CPUs and choose the local APIC mode.  The
 * options (init_udelay, sipi_udelay, sipi_retry_ms, ap_timeout_ms, apic,
 * hz, jiffies_wrap_ms, tmigr) are read from the option table.
 */
void smp_init(const struct acpi_info *acpi, const struct smp_test_hooks *hooks);

/* BSP, after the clock and the LAPIC timer: the wheel on every CPU, the tick. */
void smp_timers_init(void);

/* BSP, before any AP runs: the migration hierarchy, CPUs in topology order. */
void smp_tmigr_init(void);

/*
 * BSP: start every CPU enabled at boot, measure their clocks, then let
 * each join the timer hierarchy.  Returns NULL, or why the run must fail.
 */
const char *smp_bring_up(void);

/* The smp and clock reports (console line and @report record each). */
void smp_report(void);

/* What the boot start did (sipi_resends, failures). */
const struct smp_start_stats *smp_boot_stats(void);

#endif
