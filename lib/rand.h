/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rand: a small, fast, seedable PRNG (splitmix64) for scenarios and tests.
 * Not for secrets.  Each user keeps its own state, so CPUs never share one.
 */
#ifndef PULLKERN_LIB_RAND_H
#define PULLKERN_LIB_RAND_H

#include <stdint.h>

struct rand_state {
	uint64_t s;
};

static inline void rand_seed(struct rand_state *r, uint64_t seed)
{
	r->s = seed;
}

static inline uint64_t rand_next(struct rand_state *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi] (inclusive); a tiny modulo bias is fine here. */
static inline uint64_t rand_range(struct rand_state *r, uint64_t lo, uint64_t hi)
{
	return lo + rand_next(r) % (hi - lo + 1);
}

/* true with probability pct/100 */
static inline int rand_pct(struct rand_state *r, unsigned pct)
{
	return rand_next(r) % 100 < pct;
}

#endif
