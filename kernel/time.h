/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * time: the TSC as the kernel's clock, and bounded waits on it.
 *
 * tsc_hz is 0 until calibration; until then deadlines assume a 10 GHz TSC,
 * which makes early waits longer than asked, never shorter.
 */
#ifndef PULLKERN_TIME_H
#define PULLKERN_TIME_H

#include <stdbool.h>
#include <stdint.h>

extern uint64_t tsc_hz;

uint64_t time_deadline_us(uint64_t us);
bool time_after_deadline(uint64_t deadline);
void udelay(uint64_t us);
uint64_t tsc_to_us(uint64_t cycles);
uint64_t tsc_to_ns(uint64_t cycles);

struct acpi_info;

#define TSC_SOURCES_MAX	8

struct tsc_calibration {
	uint64_t hz;
	const char *source;		/* "cpuid15", "hypervisor", "pmtimer", "hpet", "pit", "cpuid16" */
	uint64_t check_hz;		/* 0 when no second source answered */
	const char *check_source;
	int64_t ppm;			/* (check - hz) / hz in parts per million */
	const char *agreement;		/* "agree", "disagree" (warned), "single", "none" */
	bool agreed;			/* two sources agree within 1000 ppm */
	/* every source asked, in preference order: its answer, or why none */
	const char *src_name[TSC_SOURCES_MAX];	/* NULL ends the list */
	uint64_t src_hz[TSC_SOURCES_MAX];	/* 0: see src_why */
	const char *src_why[TSC_SOURCES_MAX];	/* "absent", "excluded", "failed" */
};

/*
 * Calibrate tsc_hz: ask every source tsc_exclude= leaves in, take the
 * answer two of them agree on, warn when no two agree (arch/x86_64/tsc.c).
 */
void tsc_calibrate(const struct acpi_info *acpi, struct tsc_calibration *out);

/* The calibration as a console line and an `@report {"kind":"tsc"}` record. */
void tsc_report(const struct tsc_calibration *cal);

#endif
