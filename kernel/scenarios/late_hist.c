// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * late_hist: see late_hist.h.  Adds are relaxed atomics from any CPU; the
 * maximum is a relaxed CAS loop (only the value matters, nothing is
 * published with it).  Reads happen after the scenario drained.
 */
#include "kernel/scenarios/late_hist.h"
#include "lib/json.h"

static uint32_t bucket_of(uint64_t late_us)
{
	if (late_us < LATE_HIST_FINE * LATE_HIST_FINE_US)
		return (uint32_t)(late_us / LATE_HIST_FINE_US);
	late_us -= LATE_HIST_FINE * LATE_HIST_FINE_US;
	late_us = LATE_HIST_FINE + late_us / LATE_HIST_COARSE_US;
	return late_us < LATE_HIST_BUCKETS ? (uint32_t)late_us : LATE_HIST_BUCKETS;
}

bool late_hist_add(struct late_hist *h, uint64_t late_ns)
{
	uint64_t max = __atomic_load_n(&h->max_ns, __ATOMIC_RELAXED);

	__atomic_fetch_add(&h->count[bucket_of(late_ns / 1000)], 1, __ATOMIC_RELAXED);
	while (late_ns > max) {
		if (__atomic_compare_exchange_n(&h->max_ns, &max, late_ns, true,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

void late_hist_merge(struct late_hist *dst, const struct late_hist *src)
{
	for (uint32_t b = 0; b <= LATE_HIST_BUCKETS; b++)
		dst->count[b] += src->count[b];
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
}

uint64_t late_hist_edge_us(uint32_t b)
{
	if (b >= LATE_HIST_BUCKETS)
		return UINT64_MAX;
	if (b < LATE_HIST_FINE)
		return (b + 1ull) * LATE_HIST_FINE_US;
	return LATE_HIST_FINE * LATE_HIST_FINE_US +
	       (b - LATE_HIST_FINE + 1ull) * LATE_HIST_COARSE_US;
}

uint64_t late_hist_percentile_us(const struct late_hist *h, uint64_t pct)
{
	uint64_t total = 0, seen = 0;

	for (uint32_t b = 0; b <= LATE_HIST_BUCKETS; b++)
		total += h->count[b];
	for (uint32_t b = 0; b <= LATE_HIST_BUCKETS; b++) {
		seen += h->count[b];
		if (total && seen * 100 >= total * pct)
			return b < LATE_HIST_BUCKETS ? late_hist_edge_us(b) : h->max_ns / 1000;
	}
	return 0;
}

uint64_t late_bound_default_us(const struct late_bound *b)
{
	return b->kernel_us + b->slack_us;
}

uint64_t late_wheel_bound_j(uint64_t max_delay_j)
{
	/* level n >= 1 holds delays from 63 * 8^(n-1); its granule is 8^n */
	uint64_t g = 1;

	while (g * 63 <= max_delay_j)
		g *= 8;
	return 2 * g + 2;
}

void late_bound_json(struct json_writer *w, const struct late_bound *b, uint64_t over)
{
	json_u64(w, "over_bound", over);
	json_u64(w, "bound_us", b->bound_ns / 1000);
	json_u64(w, "bound_kernel_us", b->kernel_us);
	json_u64(w, "bound_slack_us", b->slack_us);
	json_bool(w, "bound_overridden", b->bound_ns != late_bound_default_us(b) * 1000);
}
