/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bitops: bit scanning and alignment arithmetic on 64-bit values.
 *
 * All helpers are static inline and portable (kernel and host).  Bit scans
 * use gcc builtins, which compile to bsf/bsr (or tzcnt/lzcnt) with no
 * library call.  Population count does not use __builtin_popcountll: without
 * -mpopcnt gcc turns that into a call to libgcc's __popcountdi2, and the
 * kernel links without libgcc, so it is done with the classic SWAR sum.
 *
 * Alignment helpers take power-of-two alignments only (checked by the
 * caller, e.g. with is_power_of_two()); align_up() wraps to 0 when the
 * result would not fit in 64 bits, and callers that take sizes from
 * firmware must check `align_up(x, a) >= x` themselves.
 */
#ifndef PULLKERN_LIB_BITOPS_H
#define PULLKERN_LIB_BITOPS_H

#include <stdbool.h>
#include <stdint.h>

/* Index (0..63) of the lowest set bit, -1 when x == 0. */
static inline int bit_ffs64(uint64_t x)
{
	return x ? __builtin_ctzll(x) : -1;
}

/* Index (0..63) of the highest set bit, -1 when x == 0. */
static inline int bit_fls64(uint64_t x)
{
	return x ? 63 - __builtin_clzll(x) : -1;
}

/* Number of set bits. */
static inline unsigned bit_popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

static inline bool is_power_of_two(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* Round x up to a multiple of a (a power of two). */
static inline uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Round x down to a multiple of a (a power of two). */
static inline uint64_t align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

/* ceil(n / d) for d != 0, without the overflow of (n + d - 1) / d. */
static inline uint64_t div_round_up(uint64_t n, uint64_t d)
{
	return n / d + (n % d != 0);
}

/*
 * The log2 bucket of a duration of `ns` counted in whole microseconds:
 * bucket 0 is under 2 us, bucket k is [2^k, 2^(k+1)) us, and the last of
 * `nbuckets` (at least 1) takes everything longer.
 */
static inline uint32_t log2_bucket_us(uint64_t ns, uint32_t nbuckets)
{
	uint64_t us = ns / 1000;
	uint32_t k = 0;

	while (us >= 2 && k + 1 < nbuckets) {
		us >>= 1;
		k++;
	}
	return k;
}

#endif
