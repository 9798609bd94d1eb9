/*
 * late_hist: the lateness histogram the timer scenarios share (timers,
 * lateness).
 *
 * Buckets are 10 us wide up to 10 ms, then 1 ms wide up to 1 s, then one
 * overflow bucket; a percentile is the upper edge of the bucket it falls
 * in (an upper bound), or the exact maximum when it falls in the overflow.
 * Any CPU adds with relaxed atomics (counts need no order: they are read
 * after the scenario has drained); the reader runs once everything has
 * stopped.
 */
#ifndef PULLKERN_LATE_HIST_H
#define PULLKERN_LATE_HIST_H

#include <stdbool.h>
#include <stdint.h>

#define LATE_HIST_FINE_US	10
#define LATE_HIST_FINE		1000
#define LATE_HIST_COARSE_US	1000
#define LATE_HIST_COARSE	990
#define LATE_HIST_BUCKETS	(LATE_HIST_FINE + LATE_HIST_COARSE)

struct late_hist {
	uint64_t count[LATE_HIST_BUCKETS + 1];	/* the last one: overflow */
	uint64_t max_ns;
};

/* Record one lateness; true when it is the largest so far. */
bool late_hist_add(struct late_hist *h, uint64_t late_ns);
/* dst += src (the reader's side: no concurrent adds). */
void late_hist_merge(struct late_hist *dst, const struct late_hist *src);
/* Upper edge of bucket b in us; UINT64_MAX for the overflow bucket. */
uint64_t late_hist_edge_us(uint32_t b);
/* Upper bound of the pct-th percentile in us (0 when empty). */
uint64_t late_hist_percentile_us(const struct late_hist *h, uint64_t pct);

#endif
