/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hpet: the HPET's main counter as a reference clock for calibration.
 */
#ifndef PULLKERN_DRIVERS_HPET_H
#define PULLKERN_DRIVERS_HPET_H

#include <stdbool.h>
#include <stdint.h>

struct hpet {
	volatile uint8_t *regs;		/* the 1 KiB register block, mapped */
	uint32_t period_fs;		/* main counter tick, femtoseconds */
	uint64_t hz;			/* 10^15 / period_fs */
	uint64_t mask;			/* all ones for a 64-bit counter, else 32 bits */
};

/*
 * Map the block at `phys` (from the ACPI HPET table), check its period,
 * enable the main counter if it is stopped and check that it advances.
 * False, with one console line saying why, if any check fails: the HPET
 * is then not to be used.  Boot CPU, before the TSC is calibrated.
 */
bool hpet_init(uint64_t phys, struct hpet *out);

/* The main counter (masked to its width). */
uint64_t hpet_read(const struct hpet *h);

#endif
