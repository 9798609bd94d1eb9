/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hwcount: the arithmetic of hardware counters, kept apart from the MSR
 * reads so the host tests can drive it (tests/host/test_hw_counters_*.c).
 *
 * Widening.  The RAPL energy status registers hold 32 bits that wrap
 * (Intel SDM Vol. 3B §15.10.3; AMD's PPR for family 17h, the energy
 * status MSRs).  A reader that keeps its last raw reading adds the
 * difference modulo 2^32 to a 64-bit total: correct as long as the
 * counter did not wrap twice between two readings, which the caller
 * guarantees by reading often enough (docs/hw-counters.md says how
 * often).  The first reading starts the total at the raw value, so the
 * 64-bit value equals the register until its first wrap.
 *
 * Units.  Energy counts in units of 2^-esu joules, esu (the energy status
 * unit) read from the power-unit MSR, bits 12:8.
 *
 * One writer per struct (the CPU it belongs to, interrupts off): no
 * atomics here.
 */
#ifndef PULLKERN_LIB_HWCOUNT_H
#define PULLKERN_LIB_HWCOUNT_H

#include <stdbool.h>
#include <stdint.h>

struct widen32 {
	uint64_t total;		/* the widened value */
	uint32_t last;		/* the raw value read last */
	bool primed;		/* a first reading was taken */
};

/* Fold one raw reading in and return the widened value. */
static inline uint64_t widen32_update(struct widen32 *w, uint32_t raw)
{
	if (!w->primed) {
		w->primed = true;
		w->total = raw;
	} else {
		w->total += (uint32_t)(raw - w->last);	/* modulo 2^32 */
	}
	w->last = raw;
	return w->total;
}

/* The energy-unit exponent of a power-unit MSR value (bits 12:8). */
static inline uint32_t energy_unit_shift(uint64_t power_unit_msr)
{
	return (uint32_t)(power_unit_msr >> 8) & 0x1f;
}

/*
 * units x 2^-shift J in nanojoules, rounded down, without overflow for
 * any 64-bit count: whole joules and the fraction are scaled apart.
 * Overflows only past 2^64 nJ (about 585 years at 1 kW).
 */
static inline uint64_t energy_units_to_nj(uint64_t units, uint32_t shift)
{
	uint64_t whole = units >> shift;
	uint64_t frac = units & ((1ull << shift) - 1);

	return whole * 1000000000ull + ((frac * 1000000000ull) >> shift);
}

#endif
