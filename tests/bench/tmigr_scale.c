// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tmigr_scale: what idle entry and idle exit cost as the migration
 * hierarchy (kernel/tmigr.c) grows from 8 to 4096 CPUs, fan-out 8, one
 * level more per factor of 8 (8: 1 level, 64: 2, 512: 3, 4096: 4).
 *
 * The host plays every CPU from one thread (host_set_cpu), so each figure
 * is the cost of the code path alone, caches hot, no contention:
 *
 *   enter   timer_next_event(true), as kernel/idle.c calls it when it
 *           stops the tick: both wheel bases locked, next events found,
 *           then tmigr_cpu_deactivate() walks up
 *   exit    timer_idle_exit(): idle marks cleared, tmigr_cpu_activate()
 *           walks up
 *
 * in three cases:
 *
 *   cheap   every other CPU is active: the walk stops at level 0 (the
 *           CPU's group stays active), whatever the size
 *   worst   every other CPU is idle: the CPU going idle is the last one,
 *           every level goes inactive up to the root and it takes the
 *           root's first event as its wake-up; on exit it activates every
 *           level again.  One walk step per level.
 *   off     the same CPU with the hierarchy off (tmigr=off): the wheel's
 *           part of both paths, to subtract
 *
 * Every CPU has one global timer pending (a far, distinct expiry), so
 * each deactivation queues a real event and the queues on the way up
 * hold one event per child, as in a machine whose CPUs all have some
 * housekeeping timer.
 *
 * Timing: each operation between two lfence;rdtsc reads, the cost of an
 * empty pair subtracted; cycles converted to ns with the TSC rate measured
 * against CLOCK_MONOTONIC over the whole run.  A figure is the mean of
 * SAMPLES operations without their slowest 1% (interrupts, preemption),
 * after WARMUP untimed ones; the best of REPS such rounds is kept, and
 * the 99th percentile of that round is shown beside it.  Rounds go round
 * the sizes (each round builds its hierarchy anew), so a slow spell of a
 * shared host does not land on one size only.  Means, not
 * medians: under a hypervisor the TSC may advance in steps of tens of
 * cycles, so single readings sit on a grid and only their mean resolves
 * an operation of a few dozen cycles.  The
 * clock the code reads is the harness's controlled clock (one atomic
 * load): the kernel's arch_now_ns() (rdtsc and a multiply) costs a few
 * cycles more per call.  Nothing here fails on speed; the program exits 1
 * only when the hierarchy refuses a configuration or an invariant check
 * fails after a run.
 *
 * One table for people, then one `@report {"kind":"tmigr_scale",...}`
 * line per configuration for tools.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "host_arch.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "lib/json.h"

#define HZ		1000
#define TICK_NS		1000000ull
#define START_J		1000ull
#define FAR_J		100000ull	/* global timers: 100 s and later, never due */
#define SAMPLES		20000
#define WARMUP		2000
#define REPS		7

_Static_assert(TMIGR_MAX_CPUS >= 4096, "build with -DTIMER_MAX_CPUS=4096");

static const uint32_t sizes[] = { 8, 64, 512, 4096 };

struct figure {
	double mean;		/* cycles, slowest 1% dropped, empty rdtsc pair subtracted */
	uint64_t p99;		/* cycles, likewise */
};

struct row {
	uint32_t cpus, levels;
	struct figure enter[3], exit[3];	/* cheap, worst, off */
};

enum { CHEAP, WORST, OFF, NCASES };
static const char *const case_names[NCASES] = { "cheap", "worst", "off" };

static struct timer timers[4096];
static uint64_t samples_in[SAMPLES], samples_out[SAMPLES];
static double overhead;		/* cycles of an empty lfence;rdtsc pair */

static void never(struct timer *t)
{
	(void)t;
	fprintf(stderr, "tmigr_scale: a timer fired; expiries are meant to be far away\n");
	exit(1);
}

static inline uint64_t tsc(void)
{
	_mm_lfence();
	return __rdtsc();
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Trimmed mean and p99 of raw readings, the empty pair's cost taken off. */
static struct figure summarize(uint64_t *s, uint32_t n, double minus)
{
	struct figure f;
	uint32_t keep = n - n / 100;
	double sum = 0;

	qsort(s, n, sizeof(*s), cmp_u64);
	for (uint32_t i = 0; i < keep; i++)
		sum += (double)s[i];
	f.mean = sum / keep - minus;
	if (f.mean < 0)
		f.mean = 0;
	f.p99 = (double)s[keep] > minus ? s[keep] - (uint64_t)(minus + 0.5) : 0;
	return f;
}

static void measure_overhead(void)
{
	for (uint32_t i = 0; i < SAMPLES; i++) {
		uint64_t t0 = tsc();

		samples_in[i] = tsc() - t0;
	}
	overhead = summarize(samples_in, SAMPLES, 0).mean;
}

/* Idle entry as kernel/idle.c makes it (the tick stops: nothing due within a jiffy). */
static void enter_idle(uint32_t cpu)
{
	struct timer_next nx;

	host_set_cpu(cpu);
	timer_next_event(true, &nx);
	if (nx.within_tick) {
		fprintf(stderr, "tmigr_scale: CPU %u has an event within a jiffy\n", cpu);
		exit(1);
	}
}

static void boot(uint32_t n)
{
	struct tmigr_topology topo = { n, 1 };

	host_clock_use_real(false);
	host_clock_set_ns(START_J * TICK_NS);
	host_set_cpu(0);
	timer_init(HZ, 0);
	for (uint32_t c = 0; c < n; c++)
		timer_cpu_init(c);
	if (tmigr_init(&topo, NULL) || tmigr_prepare(0, 0)) {
		fprintf(stderr, "tmigr_scale: no hierarchy for %u CPUs\n", n);
		exit(1);
	}
	tmigr_set_available(0);
	for (uint32_t c = 1; c < n; c++)
		if (tmigr_prepare(c, 0)) {
			fprintf(stderr, "tmigr_scale: CPU %u could not join\n", c);
			exit(1);
		}
	for (uint32_t c = 0; c < n; c++) {
		host_set_cpu(c);
		if (c)
			tmigr_set_available(c);
		timer_setup(&timers[c], never, 0);
		timer_add(&timers[c], START_J + FAR_J + c);
	}
}

/* One round: SAMPLES enter/exit pairs of `cpu` after WARMUP. */
static void time_round(struct figure *in, struct figure *out)
{
	for (uint32_t i = 0; i < WARMUP + SAMPLES; i++) {
		struct timer_next nx;
		uint64_t t0, t1, t2;

		t0 = tsc();
		timer_next_event(true, &nx);
		t1 = tsc();
		timer_idle_exit();
		t2 = tsc();
		if (i >= WARMUP) {
			samples_in[i - WARMUP] = t1 - t0;
			samples_out[i - WARMUP] = t2 - t1;
		}
	}
	*in = summarize(samples_in, SAMPLES, overhead);
	*out = summarize(samples_out, SAMPLES, overhead);
}

/* One round for `cpu`, kept where it beats the best so far; the rest of the machine as it is. */
static void time_pairs(uint32_t cpu, struct figure *in, struct figure *out, bool first)
{
	struct figure a, b;

	host_set_cpu(cpu);
	time_round(&a, &b);
	if (first || a.mean < in->mean)
		*in = a;
	if (first || b.mean < out->mean)
		*out = b;
}

static void check(uint32_t n, const char *what)
{
	char why[256];

	if (tmigr_check_quiescent(why, sizeof(why), false)) {
		fprintf(stderr, "tmigr_scale: %u CPUs, %s: invariant violated: %s\n", n, what, why);
		exit(1);
	}
}

static void run_size(uint32_t n, struct row *r, bool first)
{
	uint32_t me = n - 1;

	r->cpus = n;
	boot(n);
	r->levels = tmigr_levels();
	check(n, "boot");

	/* cheap: everybody else active, the walk stops at level 0 */
	time_pairs(me, &r->enter[CHEAP], &r->exit[CHEAP], first);
	check(n, "cheap");

	/* worst: everybody else idle, `me` is the last active CPU */
	for (uint32_t c = 0; c < n; c++)
		if (c != me)
			enter_idle(c);
	time_pairs(me, &r->enter[WORST], &r->exit[WORST], first);
	check(n, "worst");

	/* off: the wheel's part alone */
	tmigr_disable();
	time_pairs(me, &r->enter[OFF], &r->exit[OFF], first);
}

static double ns(double cycles, double ghz)
{
	return cycles / ghz;
}

static double wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void report(const struct row *r, double ghz)
{
	struct json_writer w;
	char line[1024];

	json_begin(&w, line, sizeof(line));
	json_str(&w, "kind", "tmigr_scale");
	json_u64(&w, "cpus", r->cpus);
	json_u64(&w, "levels", r->levels);
	json_u64(&w, "fanout", TMIGR_FANOUT);
	json_fixed(&w, "tsc_ghz", (int64_t)(ghz * 1000 + 0.5), 3);
	for (int c = 0; c < NCASES; c++) {
		json_object_begin(&w, case_names[c]);
		json_fixed(&w, "enter_ns", (int64_t)(ns(r->enter[c].mean, ghz) * 10 + 0.5), 1);
		json_u64(&w, "enter_cycles", (uint64_t)(r->enter[c].mean + 0.5));
		json_u64(&w, "enter_p99_cycles", r->enter[c].p99);
		json_fixed(&w, "exit_ns", (int64_t)(ns(r->exit[c].mean, ghz) * 10 + 0.5), 1);
		json_u64(&w, "exit_cycles", (uint64_t)(r->exit[c].mean + 0.5));
		json_u64(&w, "exit_p99_cycles", r->exit[c].p99);
		json_object_end(&w);
	}
	printf("@report %s\n", json_end(&w));
}

int main(void)
{
	struct row rows[sizeof(sizes) / sizeof(sizes[0])];
	double w0, w1, ghz;
	uint64_t c0, c1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	measure_overhead();
	w0 = wall_ns();
	c0 = __rdtsc();
	/* rounds interleaved over the sizes: a slow spell of the host hits all alike */
	for (uint32_t rep = 0; rep < REPS; rep++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			run_size(sizes[i], &rows[i], rep == 0);
	w1 = wall_ns();
	c1 = __rdtsc();
	ghz = (double)(c1 - c0) / (w1 - w0);

	printf("tmigr_scale: idle entry (timer_next_event(true)) and exit (timer_idle_exit()),\n");
	printf("fan-out %u; best of %u rounds of %u, mean without the slowest 1%%, p99 in brackets;\n",
	       (unsigned)TMIGR_FANOUT, REPS, SAMPLES);
	printf("TSC %.3f GHz, an empty rdtsc pair (%.1f cycles) subtracted\n", ghz, overhead);
	printf("%6s %6s  %-6s %10s %16s %10s %16s\n", "cpus", "levels", "case",
	       "enter ns", "enter cycles", "exit ns", "exit cycles");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const struct row *r = &rows[i];

		for (int c = 0; c < NCASES; c++)
			printf("%6u %6u  %-6s %10.1f %7.0f [%6" PRIu64 "] %10.1f %7.0f [%6" PRIu64
			       "]\n", r->cpus, r->levels, case_names[c],
			       ns(r->enter[c].mean, ghz), r->enter[c].mean, r->enter[c].p99,
			       ns(r->exit[c].mean, ghz), r->exit[c].mean, r->exit[c].p99);
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		report(&rows[i], ghz);
	return 0;
}
