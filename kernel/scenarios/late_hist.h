/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * late_hist: the lateness histogram and bound the timer scenarios share
 * (timers, idle, lateness).
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

/*
 * The lateness bound the timer scenarios judge by (timers, idle,
 * lateness): the kernel's share, which each scenario derives from its own
 * delays in its theory comment, plus a slack for the emulator, at least
 * LATE_SLACK_US (under TCG a vCPU made runnable waits for a host core;
 * the measurements behind 300 ms are in kernel/scenarios/lateness.c).
 * The option lateness_bound_us= replaces the sum, e.g. with a tighter
 * bound on real hardware.  A timer later than the bound fails the run.
 */
#define LATE_SLACK_US		300000

struct late_bound {
	uint64_t kernel_us;	/* the scenario's share */
	uint64_t slack_us;	/* the emulator's share */
	uint64_t bound_ns;	/* what is judged: kernel + slack, or the option */
};

/* The default bound: kernel share plus slack. */
uint64_t late_bound_default_us(const struct late_bound *b);

/*
 * Jiffies after the start of its expiry jiffy within which the wheel runs
 * a timer armed at most max_delay_j ahead, generously: two granules of the
 * level that delay falls in (one for the bucket, whose expiry is the next
 * granule boundary after the timer's, one for a base clock that lagged
 * when it was armed), plus a jiffy for interrupt latency and one for a
 * migrator that finds the timer at its next tick.
 */
uint64_t late_wheel_bound_j(uint64_t max_delay_j);

struct json_writer;
/* over_bound, bound_us, bound_kernel_us, bound_slack_us, bound_overridden */
void late_bound_json(struct json_writer *w, const struct late_bound *b, uint64_t over);

#endif
