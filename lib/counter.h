/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * counter: statistics with one writer and any number of readers.
 *
 * The owner (one CPU, with its own code never racing itself) adds with a
 * plain read and a relaxed store: no locked instruction on the hot path.
 * Readers on other CPUs load it relaxed: a counter is a statistic, no
 * ordering hangs on it, and a relaxed 64-bit load never sees a torn value.
 */
#ifndef PULLKERN_LIB_COUNTER_H
#define PULLKERN_LIB_COUNTER_H

#include <stdint.h>

/* Owner only (or under the lock that makes the caller the only writer). */
static inline void counter_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v,
			 __ATOMIC_RELAXED);
}

/* Any CPU. */
static inline uint64_t counter_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

#endif
