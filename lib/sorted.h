/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sorted: a small array of samples kept in ascending order, for the
 * median and the maximum of a run's latencies.
 *
 * Each insert shifts the larger samples up one place (insertion sort), so
 * the array is sorted after every call and the median and maximum are a
 * single index.  Quadratic in the worst case: meant for the few thousand
 * samples a scenario or self-test gathers, read once at its end.  A full
 * array drops further samples rather than write past its end.  One owner
 * at a time: nothing here is atomic.
 */
#ifndef PULLKERN_LIB_SORTED_H
#define PULLKERN_LIB_SORTED_H

#include <stdint.h>

/* Insert @x into v[0..*n) (ascending) unless it already holds @cap samples. */
static inline void sorted_insert(uint64_t *v, uint32_t *n, uint32_t cap, uint64_t x)
{
	uint32_t i;

	if (*n >= cap)
		return;
	for (i = (*n)++; i > 0 && v[i - 1] > x; i--)
		v[i] = v[i - 1];
	v[i] = x;
}

/* The upper median (v[n / 2]); 0 for no samples. */
static inline uint64_t sorted_median(const uint64_t *v, uint32_t n)
{
	return n ? v[n / 2] : 0;
}

/* The largest sample; 0 for no samples. */
static inline uint64_t sorted_max(const uint64_t *v, uint32_t n)
{
	return n ? v[n - 1] : 0;
}

#endif
