// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_timers: the timer wheel (kernel/timer.c) against a binary-heap
 * timer queue (tests/bench/timer_heap.c), measured side by side.
 *
 * For each N in {1 000, 100 000, 1 000 000} both queues get N pending
 * timers with expiries drawn uniformly from 1 ms .. 10 s (1 .. 10 000
 * jiffies at HZ=1000), and three workloads are timed, in this order:
 *
 *   add_del       add a timer with a random expiry, then delete that same
 *                 timer: ns per pair.  The heap's best case: the new entry
 *                 sits at the bottom, or a few levels up, and leaves from
 *                 there, all in cache.
 *   add_del_fifo  the common life of a timeout: with N pending, arm a new
 *                 timeout and cancel the OLDEST pending one (the reply to
 *                 the oldest request arrived), so N stay pending: ns per
 *                 pair.  The oldest timer's expiry is random, so the heap
 *                 deletes from a random slot, and for both queues the
 *                 cancelled timer was last touched N pairs ago.
 *   add_expire    steady state with N pending: advance one jiffy, run what
 *                 is due, re-add each expired timer with a new random
 *                 delay: ns per timer, the per-jiffy expiry work amortised
 *                 over the timers it ran.  Timed after 2 x 10 s of
 *                 simulated warm-up, so the pending expiries have reached
 *                 their steady spread.
 *
 * Then, on a fresh set of N, the timeout rows: every delay is the same
 * (--timeout, 200 jiffies: a retransmit or I/O timeout), and the timers
 * armed one after another are scattered in memory (ring position k is
 * timer perm[k], a fixed random permutation), as sockets' are:
 *
 *   timeout_fifo    arm a timeout, cancel the oldest pending one, with the
 *                   clock moving one jiffy every 2N / delay pairs, so each
 *                   timeout is cancelled at about half its delay and none
 *                   fires (checked): ns per pair.  The heap's honest case
 *                   for deletes: the oldest timeout is the earliest, at or
 *                   near the root, and the newest, which replaces it,
 *                   sinks to the bottom.
 *   timeout_expire  every timeout fires and is re-armed for now + delay:
 *                   ns per timer, after 2 delays of warm-up.
 *
 * The FIFO of add_del_fifo is the ring of timers [0, N + SPARE) in arming
 * order: setup arms [0, N) in index order, so the oldest is timer 0; each
 * pair arms the free timer N places after the oldest and cancels the
 * oldest, which advances one place.  add_del uses the SPARE timers after
 * the first N, so it runs first, before the FIFO turns through them.  The
 * clock does not move during either add+del workload: nothing expires.
 * The cancelled timers are thus visited in memory order on both sides (a
 * hardware prefetcher sees a stream); what each queue touches besides the
 * timer is its own: the wheel's list neighbour of the cancelled timer
 * (armed into the same bucket just after it), the heap's slot of the
 * cancelled timer and the entries its replacement sifts past.
 *
 * Figures per row: ns per operation (pair or expired timer), the same as
 * millions of operations per second, and the throughput ratio wheel/heap
 * (= heap ns / wheel ns; above 1 the wheel is faster).
 *
 * Memory: by default each queue's timers are a dense array of its own
 * struct (the wheel's 40 bytes; the heap's 24 plus a 16-byte slot in its
 * array), so both working sets are 40 bytes per timer and whichever cache
 * holds one holds the other.  --stride B puts every timer of both queues
 * in its own B-byte object instead.  Per N the program prints each
 * queue's bytes and the cost of one random line read in a working set of
 * that size, measured in the same run (probe_ns()).
 *
 * Fairness: the same expiries come from the same splitmix64 sequence
 * (lib/rand.h, fixed seed, restarted for every measurement) on both sides;
 * both take a spinlock with irqsave per operation and drop it around
 * callbacks; the harness reads "now" for both through timer_jiffies().
 * Each queue has its own simulated clock, swapped in before it runs, so
 * neither sees the other's time pass.  Whatever else the wheel does per
 * call (debug checks, per-CPU statistics, finding a timer's base, reading
 * the clock to forward its base) is its own cost and stays in its column.
 * The wheel runs a timer up to one granule late (at most about 1/8 of its
 * delay) and the heap exactly at its jiffy: that slack is what the wheel
 * trades for O(1) expiry.
 *
 * Timing: each run lasts at least --min-ms of CLOCK_MONOTONIC time, cut
 * into 1 ms windows; a run's figure is its median window (see run_once()),
 * and a row's is the best of --reps runs, wheel and heap runs alternating.
 * The loop and random-number cost is in both columns and printed once on
 * its own.  Nothing here fails on speed; the program exits 1 only when a
 * correctness check breaks (a delete that found nothing, a timer run
 * early, a timeout run before its cancel, callbacks not matching the
 * wheel's counters, a pending count other than N, a broken heap);
 * tests/host/test_timer_bench_correctness runs it tiny in `make test`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host_arch.h"
#include "kernel/timer.h"
#include "lib/json.h"
#include "lib/rand.h"
#include "tests/bench/timer_heap.h"

#define BENCH_HZ	1000
#define DELAY_MIN	1		/* jiffies: 1 ms at HZ=1000 */
#define DELAY_MAX	10000		/* jiffies: 10 s at HZ=1000 */
#define BENCH_SEED	0x5eed0f7133e7ull
#define SPARE		256		/* add_del cycles through these timers */
#define PAIR_BATCH	1024		/* add_del pairs between clock reads */
#define TICK_BATCH	64		/* add_expire jiffies between clock reads */
#define WARM_JIFFIES	(2 * DELAY_MAX)
#define START_NS	1000000000ull	/* both simulated clocks start at 1 s */
#define WINDOW_NS	1000000ull	/* a run's figure: the median 1 ms window */
#define MAX_WINDOWS	65536

/*
 * Expiry work on the wheel comes in bursts: delays below 32 256 jiffies
 * use levels 0..3, and a level-3 bucket (512 jiffies wide) empties every
 * 512 jiffies.  An add_expire window therefore spans whole periods of 512
 * jiffies, so every window holds the same share of bursts and the median
 * window is not a window that missed them.
 */
#define WHEEL_PERIOD	512
#define TICK_PERIOD_BATCHES	(WHEEL_PERIOD / TICK_BATCH)
_Static_assert(DELAY_MAX < 32256, "delays stay in wheel levels 0..3");
_Static_assert(WHEEL_PERIOD % TICK_BATCH == 0, "a period is whole batches");

static const uint32_t default_sizes[] = { 1000, 100000, 1000000 };

struct run {
	double ns_op;		/* median of the run's windows */
	double mean_ns;		/* the whole run's time / operations */
	unsigned cpu_pct;	/* this thread's CPU time / wall time */
};

struct result {
	struct run wheel, heap;
};

/* Timers of the current size: [0, n) pending, [n, n + SPARE) for add_del. */
/*
 * Timer i of each queue sits `stride` bytes after timer i - 1: by default
 * each queue's timers are a dense array of its own struct; --stride B puts
 * every timer of both queues at the start of its own B-byte object, as a
 * kernel embeds a timer in the socket or request it times out.
 */
static char *wt, *ht;
static size_t wstride = sizeof(struct timer), hstride = sizeof(struct heap_timer);
#define WT(i)	((struct timer *)(wt + (size_t)(i) * wstride))
#define HT(i)	((struct heap_timer *)(ht + (size_t)(i) * hstride))
static struct timer_heap heap;
static uint32_t n_pending;

/* Expired timers waiting to be re-added, filled by the callbacks. */
static struct timer **wfree;
static struct heap_timer **hfree;
static uint32_t nfree;

static struct rand_state rng;
static uint64_t now_j;			/* jiffy being expired, for the early check */
static uint64_t wheel_clock_ns, heap_clock_ns;
static uint64_t wheel_fired, heap_fired;
static double windows[MAX_WINDOWS];	/* ns per op of each window of a run */
static uint64_t failures;
static uint64_t sink;

/* add_del_fifo: ring index of each queue's oldest pending timer. */
static uint32_t wheel_oldest, heap_oldest;

/*
 * The timeout population: ring position k is timer perm[k], a random
 * permutation, so timeouts armed one after another lie scattered in
 * memory as the timers of sockets or requests do.
 */
static uint64_t timeout_j = 200;	/* the one delay of the timeout rows */
static uint32_t *perm;
static uint32_t pairs_per_jiffy;	/* timeout_fifo: the clock's pace */
static uint32_t wheel_pij, heap_pij;	/* pairs done in the current jiffy */

static uint64_t min_ns = 300000000ull;
static const char *only;		/* --only OP: time that row alone */
static unsigned reps = 3;

/* A broken check: the first few are printed, all are counted. */
static void fail(const char *what, uint64_t got, uint64_t want)
{
	if (failures++ < 10)
		fprintf(stderr, "bench_timers: FAIL: %s: %" PRIu64 ", expected %" PRIu64 "\n",
			what, got, want);
}

/* Uniform in [DELAY_MIN, DELAY_MAX] by multiply-shift: no division. */
static inline uint64_t rand_delay(void)
{
	uint64_t r = rand_next(&rng) >> 32;

	return DELAY_MIN + ((r * (DELAY_MAX - DELAY_MIN + 1)) >> 32);
}

static uint64_t read_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The 1-minute load average, or -1: a busy host skews the figures. */
static double load1(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double v = -1;

	if (f) {
		if (fscanf(f, "%lf", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/*
 * The wheel's rule (kernel/timer.c, the geometry comment): a timer runs
 * in a jiffy after its expiry jiffy, never in it; the heap's runs in it.
 */
static void wheel_cb(struct timer *t)
{
	if (now_j <= t->expires)
		fail("wheel ran a timer in or before its expiry jiffy, jiffies", now_j,
		     t->expires + 1);
	wfree[nfree++] = t;
	wheel_fired++;
}

static void heap_cb(struct heap_timer *t)
{
	if (t->expires > now_j)
		fail("heap ran a timer early, jiffies", now_j, t->expires);
	hfree[nfree++] = t;
	heap_fired++;
}

/* Batches: each returns the operations it did. */

static uint64_t overhead_pairs(void)
{
	uint64_t now = timer_jiffies();
	uint32_t i;

	for (i = 0; i < PAIR_BATCH; i++)
		sink += now + rand_delay();
	return PAIR_BATCH;
}

/*
 * The floor under any add+del pair in this harness: the loop, the random
 * delay and the two lock round trips (irqsave, lock, unlock, irqrestore)
 * that both queues take, with no queue work at all.  No queue can beat
 * it, so heap_ns / floor_ns bounds the add_del ratio any wheel could
 * reach against this heap: printed beside the rows, measured, not assumed.
 */
static struct spinlock floor_lock = SPINLOCK_INIT;

static uint64_t lock_floor_pairs(void)
{
	uint64_t now = timer_jiffies();
	unsigned long flags;
	uint32_t i;

	for (i = 0; i < PAIR_BATCH; i++) {
		flags = spin_lock_irqsave(&floor_lock);
		sink += now + rand_delay();
		spin_unlock_irqrestore(&floor_lock, flags);
		flags = spin_lock_irqsave(&floor_lock);
		sink++;
		spin_unlock_irqrestore(&floor_lock, flags);
	}
	return PAIR_BATCH;
}

/*
 * The two queues behind one set of operations.  Each workload below is
 * written once, as an always-inline function of `wheel`, and compiled
 * twice with it constant (the one-line wrappers), so each column runs
 * straight calls into its own queue: no test of `wheel` and no indirect
 * call is left in a timed loop.  Timers are named by index: WT(i), HT(i).
 */
#define QUEUE_OP	static inline __attribute__((always_inline))

QUEUE_OP bool q_add(bool wheel, uint32_t i, uint64_t expires)
{
	if (wheel) {
		timer_add(WT(i), expires);
		return true;
	}
	return timer_heap_add(&heap, HT(i), expires);
}

QUEUE_OP bool q_del(bool wheel, uint32_t i)
{
	return wheel ? timer_del(WT(i)) : timer_heap_del(&heap, HT(i));
}

QUEUE_OP void q_run(bool wheel, uint64_t now)
{
	if (wheel)
		timer_run_cpu();
	else
		timer_heap_run(&heap, now);
}

/* Re-arm the last timer the callbacks handed back. */
QUEUE_OP void q_readd(bool wheel, uint64_t expires)
{
	if (wheel)
		timer_add(wfree[--nfree], expires);
	else
		timer_heap_add(&heap, hfree[--nfree], expires);
}

QUEUE_OP uint64_t q_fired(bool wheel)
{
	return wheel ? wheel_fired : heap_fired;
}

static void qfail(bool wheel, const char *what, uint64_t got, uint64_t want)
{
	char text[128];

	snprintf(text, sizeof(text), "%s %s", wheel ? "wheel" : "heap", what);
	fail(text, got, want);
}

/* add_del: add a spare timer, delete it. */
QUEUE_OP uint64_t pairs(bool wheel)
{
	uint64_t now = timer_jiffies();
	uint32_t i, found = 0;

	for (i = 0; i < PAIR_BATCH; i++) {
		uint32_t t = n_pending + i % SPARE;

		q_add(wheel, t, now + rand_delay());
		found += q_del(wheel, t);
	}
	if (found != PAIR_BATCH)
		qfail(wheel, "deletes that found their timer", found, PAIR_BATCH);
	return PAIR_BATCH;
}

/* The timer n_pending places after `i` on the ring [0, n_pending + SPARE). */
static inline uint32_t ring_after(uint32_t i)
{
	uint32_t j = i + n_pending;

	return j >= n_pending + SPARE ? j - (n_pending + SPARE) : j;
}

/*
 * add_del_fifo, and timeout_fifo when `timeout`: arm the timer N places
 * after the oldest, cancel the oldest.  For timeouts the ring goes through
 * perm[], and one jiffy passes every pairs_per_jiffy pairs, running what
 * is due: nothing, as each timeout is cancelled at about half its delay.
 */
QUEUE_OP uint64_t fifo_pairs(bool wheel, bool timeout)
{
	uint32_t *oldest = wheel ? &wheel_oldest : &heap_oldest;
	uint32_t *pij = wheel ? &wheel_pij : &heap_pij;
	uint32_t i, found = 0, old = *oldest;
	uint64_t now = timer_jiffies();

	for (i = 0; i < PAIR_BATCH; i++) {
		uint32_t next = ring_after(old);

		if (timeout && ++*pij == pairs_per_jiffy) {
			*pij = 0;
			host_clock_advance_ns(timer_tick_ns());
			now_j = now = timer_jiffies();
			q_run(wheel, now);
			if (nfree)
				qfail(wheel, "timeouts that fired before their cancel", nfree, 0);
		}
		if (timeout)
			q_add(wheel, perm[next], now + timeout_j);
		else
			q_add(wheel, next, now + rand_delay());
		found += q_del(wheel, timeout ? perm[old] : old);
		if (++old == n_pending + SPARE)
			old = 0;
	}
	*oldest = old;
	if (found != PAIR_BATCH)
		qfail(wheel, "deletes of the oldest that found it", found, PAIR_BATCH);
	return PAIR_BATCH;
}

/*
 * add_expire, and timeout_expire when `timeout`: each jiffy, run what is
 * due and re-arm each timer that ran, for a random delay or the timeout.
 */
QUEUE_OP uint64_t ticks(bool wheel, bool timeout)
{
	uint64_t before = q_fired(wheel), tick_ns = timer_tick_ns();
	uint32_t i;

	for (i = 0; i < TICK_BATCH; i++) {
		host_clock_advance_ns(tick_ns);
		now_j = timer_jiffies();
		q_run(wheel, now_j);
		while (nfree)
			q_readd(wheel, now_j + (timeout ? timeout_j : rand_delay()));
	}
	return q_fired(wheel) - before;
}

static uint64_t wheel_pairs(void) { return pairs(true); }
static uint64_t heap_pairs(void) { return pairs(false); }
static uint64_t wheel_fifo_pairs(void) { return fifo_pairs(true, false); }
static uint64_t heap_fifo_pairs(void) { return fifo_pairs(false, false); }
static uint64_t wheel_ticks(void) { return ticks(true, false); }
static uint64_t heap_ticks(void) { return ticks(false, false); }
static uint64_t wheel_timeout_fifo(void) { return fifo_pairs(true, true); }
static uint64_t heap_timeout_fifo(void) { return fifo_pairs(false, true); }
static uint64_t wheel_timeout_ticks(void) { return ticks(true, true); }
static uint64_t heap_timeout_ticks(void) { return ticks(false, true); }

/* A timed workload: one table row and one @bench line per size. */
struct workload {
	const char *op;			/* row name; "op" of the @bench line */
	const char *per;		/* what one operation is: "pair" or "timer" */
	uint64_t (*wheel)(void);
	uint64_t (*heap)(void);
	unsigned period;		/* batches per timing window */
	bool timeout;			/* the timeout population, not the uniform one */
	uint64_t (*warm_wheel)(void);	/* simulated time to run first, or NULL */
	uint64_t (*warm_heap)(void);
};

/* In this order: add_del needs the spare timers the FIFO later turns through. */
static const struct workload workloads[] = {
	{ "add_del", "pair", wheel_pairs, heap_pairs, 1, false, NULL, NULL },
	{ "add_del_fifo", "pair", wheel_fifo_pairs, heap_fifo_pairs, 1, false,
	  NULL, NULL },
	{ "add_expire", "timer", wheel_ticks, heap_ticks, TICK_PERIOD_BATCHES, false,
	  wheel_ticks, heap_ticks },
	{ "timeout_fifo", "pair", wheel_timeout_fifo, heap_timeout_fifo, 1, true,
	  NULL, NULL },
	{ "timeout_expire", "timer", wheel_timeout_ticks, heap_timeout_ticks,
	  TICK_PERIOD_BATCHES, true, wheel_timeout_ticks, heap_timeout_ticks },
};
#define NR_WORKLOADS	(sizeof(workloads) / sizeof(workloads[0]))

static const struct workload *find_workload(const char *op)
{
	for (size_t k = 0; k < NR_WORKLOADS; k++)
		if (!strcmp(workloads[k].op, op))
			return &workloads[k];
	return NULL;
}

/* Rows this run times: all, or the --only one. */
static bool selected(const struct workload *wl)
{
	return !only || !strcmp(only, wl->op);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * One run of at least min_ns on the queue whose simulated clock is
 * *clock_ns, with the random sequence restarted.  The run is cut into
 * windows of at least WINDOW_NS of CLOCK_MONOTONIC time and a multiple of
 * `period` batches, and its figure is the median window's ns per
 * operation: a window in which another process took the CPU, or flushed
 * the caches, is an outlier, and a median ignores outliers where a mean
 * of the whole run does not.  The mean is kept too, with the thread's
 * share of a CPU.
 */
static struct run run_once(uint64_t (*batch)(void), unsigned period,
			   uint64_t *clock_ns)
{
	struct run res = { 1e9, 1e9, 0 };
	uint64_t ops = 0, wops = 0, t0, w0, c0, now, dc;
	uint32_t nwin = 0, nbatch = 0;

	host_clock_set_ns(*clock_ns);
	rand_seed(&rng, BENCH_SEED);
	c0 = read_clock(CLOCK_THREAD_CPUTIME_ID);
	t0 = w0 = read_clock(CLOCK_MONOTONIC);
	do {
		wops += batch();
		nbatch++;
		now = read_clock(CLOCK_MONOTONIC);
		if (now - w0 >= WINDOW_NS && nbatch % period == 0 && wops) {
			if (nwin < MAX_WINDOWS)
				windows[nwin++] = (double)(now - w0) / (double)wops;
			ops += wops;
			wops = 0;
			w0 = now;
		}
	} while (now - t0 < min_ns || !nwin);
	dc = read_clock(CLOCK_THREAD_CPUTIME_ID) - c0;
	*clock_ns = arch_now_ns();
	ops += wops;
	if (!ops) {
		fail("operations in a timed run", 0, 1);
		return res;
	}
	qsort(windows, nwin, sizeof(windows[0]), cmp_double);
	res.ns_op = windows[nwin / 2];
	res.mean_ns = (double)(now - t0) / (double)ops;
	res.cpu_pct = dc >= now - t0 ? 100 : (unsigned)(dc * 100 / (now - t0));
	return res;
}

static void keep_best(struct run *best, struct run r, unsigned rep)
{
	if (rep == 0 || r.ns_op < best->ns_op)
		*best = r;
}

static double best_of(uint64_t (*batch)(void), uint64_t *clock_ns)
{
	struct run best = { 0, 0, 0 };
	unsigned r;

	for (r = 0; r < reps; r++)
		keep_best(&best, run_once(batch, 1, clock_ns), r);
	return best.ns_op;
}

/* Best of `reps` for each queue, wheel and heap runs alternating. */
static struct result measure_pair(uint64_t (*wheel)(void),
				  uint64_t (*heapb)(void), unsigned period)
{
	struct result res;
	unsigned r;

	memset(&res, 0, sizeof(res));
	for (r = 0; r < reps; r++) {
		keep_best(&res.wheel, run_once(wheel, period, &wheel_clock_ns), r);
		keep_best(&res.heap, run_once(heapb, period, &heap_clock_ns), r);
	}
	return res;
}

/* Untimed: run each queue's simulated clock forward by `jiffies`. */
static void warm_up(const struct workload *wl, uint64_t jiffies)
{
	uint64_t done;

	host_clock_set_ns(wheel_clock_ns);
	rand_seed(&rng, BENCH_SEED ^ 1);
	for (done = 0; done < jiffies; done += TICK_BATCH)
		wl->warm_wheel();
	wheel_clock_ns = arch_now_ns();

	host_clock_set_ns(heap_clock_ns);
	rand_seed(&rng, BENCH_SEED ^ 1);
	for (done = 0; done < jiffies; done += TICK_BATCH)
		wl->warm_heap();
	heap_clock_ns = arch_now_ns();
}

/* Zeroed, starting on a cache line (timers are placed from the array's start). */
static void *alloc_or_die(size_t n, size_t size)
{
	size_t bytes = (n * size + 63) & ~(size_t)63;
	void *p = aligned_alloc(64, bytes);

	if (!p) {
		fprintf(stderr, "bench_timers: out of memory (%zu x %zu bytes)\n",
			n, size);
		exit(2);
	}
	return memset(p, 0, bytes);
}

/*
 * Arm [0, n) on each queue in index order, on its own clock: random
 * delays, or (timeout) ring positions as timeouts, the clock moving at
 * the pairs' pace.  Either way the oldest pending timer is ring index 0.
 */
static void arm_pending(uint32_t n, bool timeout)
{
	for (int wheel = 1; wheel >= 0; wheel--) {
		uint64_t *clock_ns = wheel ? &wheel_clock_ns : &heap_clock_ns;
		uint32_t i, pij = 0;

		host_clock_set_ns(*clock_ns);
		rand_seed(&rng, BENCH_SEED);
		for (i = 0; i < n; i++) {
			bool ok;

			if (timeout && ++pij == pairs_per_jiffy) {
				pij = 0;
				host_clock_advance_ns(timer_tick_ns());
			}
			if (timeout)
				ok = q_add(wheel, perm[i], timer_jiffies() + timeout_j);
			else
				ok = q_add(wheel, i, timer_jiffies() + rand_delay());
			if (!ok)
				qfail(wheel, "adds that fit", i, n);
		}
		*clock_ns = arch_now_ns();
	}
	wheel_oldest = heap_oldest = 0;
	wheel_pij = heap_pij = 0;
}

static void setup_size(uint32_t n, bool timeout)
{
	uint32_t i;

	n_pending = n;
	wt = alloc_or_die(n + SPARE, wstride);
	ht = alloc_or_die(n + SPARE, hstride);
	wfree = alloc_or_die(n + SPARE, sizeof(*wfree));
	hfree = alloc_or_die(n + SPARE, sizeof(*hfree));
	if (!timer_heap_init(&heap, n + SPARE)) {
		fprintf(stderr, "bench_timers: out of memory for the heap\n");
		exit(2);
	}
	for (i = 0; i < n + SPARE; i++) {
		timer_setup(WT(i), wheel_cb, 0);
		heap_timer_setup(HT(i), heap_cb);
	}
	if (timeout) {
		/* Fisher-Yates: the ring's order in memory */
		perm = alloc_or_die(n + SPARE, sizeof(*perm));
		rand_seed(&rng, BENCH_SEED ^ 2);
		for (i = 0; i < n + SPARE; i++)
			perm[i] = i;
		for (i = n + SPARE - 1; i > 0; i--) {
			uint32_t j = (uint32_t)(rand_next(&rng) % (i + 1)), x = perm[i];

			perm[i] = perm[j];
			perm[j] = x;
		}
		/* each timeout is cancelled at about half its delay */
		pairs_per_jiffy = (uint32_t)((2ull * n + timeout_j - 1) / timeout_j);
	}
	arm_pending(n, timeout);
}

/* Check both queues hold exactly the N pending timers, then empty them. */
static void check_and_teardown(uint32_t n)
{
	struct timer_stats st;
	uint32_t i, wp = 0, hp = 0;

	if (nfree)
		fail("expired timers not re-added", nfree, 0);
	for (i = 0; i < n + SPARE; i++) {
		wp += timer_pending(WT(i));
		hp += heap_timer_pending(HT(i));
	}
	if (wp != n)
		fail("wheel timers pending", wp, n);
	if (hp != n || timer_heap_count(&heap) != n)
		fail("heap timers pending", hp, n);
	if (!timer_heap_check(&heap))
		fail("heap invariants hold", 0, 1);
	timer_get_stats(0, &st);
	if (st.fired != wheel_fired)
		fail("wheel fired counter against callbacks", st.fired,
		     wheel_fired);

	for (i = 0; i < n + SPARE; i++) {
		timer_del(WT(i));
		timer_check_free(WT(i));
		timer_heap_del(&heap, HT(i));
	}
	timer_heap_destroy(&heap);
	free(perm);
	perm = NULL;
	free(wt);
	free(ht);
	free(wfree);
	free(hfree);
}

static unsigned min_cpu_pct(struct result r)
{
	return r.wheel.cpu_pct < r.heap.cpu_pct ? r.wheel.cpu_pct : r.heap.cpu_pct;
}

static int64_t centi(double v)
{
	return (int64_t)(v * 100.0 + 0.5);
}

/*
 * What one random access costs in a working set of each queue's size at
 * N: a dependent chase through a random cycle over that many bytes of
 * cache lines.  Both queues' operations touch timers scattered across
 * their working set, so on a machine whose caches hold one queue's
 * timers and not the other's, this is most of the difference.
 */
struct footprint {
	size_t wheel_bytes, heap_bytes;		/* timers (and the heap's slots) */
	double wheel_probe_ns, heap_probe_ns;
};

#define PROBE_LOADS	(1u << 21)

static double probe_ns(size_t bytes)
{
	size_t lines = (bytes + 63) / 64, i;
	uint64_t *buf = alloc_or_die(lines, 64), t0;
	size_t at = 0;

	/* Sattolo's shuffle: one cycle through every line */
	for (i = 0; i < lines; i++)
		buf[i * 8] = i;
	rand_seed(&rng, BENCH_SEED ^ 3);
	for (i = lines - 1; i > 0; i--) {
		size_t j = (size_t)(rand_next(&rng) % i);
		uint64_t x = buf[i * 8];

		buf[i * 8] = buf[j * 8];
		buf[j * 8] = x;
	}
	for (i = 0; i < lines; i++)	/* warm the caches and the TLB */
		at = buf[at * 8];
	t0 = read_clock(CLOCK_MONOTONIC);
	for (i = 0; i < PROBE_LOADS; i++)
		at = buf[at * 8];
	t0 = read_clock(CLOCK_MONOTONIC) - t0;
	sink += at;
	free(buf);
	return (double)t0 / PROBE_LOADS;
}

static struct footprint measure_footprint(uint32_t n)
{
	struct footprint fp;

	fp.wheel_bytes = (size_t)(n + SPARE) * wstride;
	fp.heap_bytes = (size_t)(n + SPARE) * (hstride + sizeof(struct heap_slot));
	fp.wheel_probe_ns = probe_ns(fp.wheel_bytes);
	fp.heap_probe_ns = probe_ns(fp.heap_bytes);
	return fp;
}

/* Millions of operations per second from ns per operation. */
static double mops(double ns_op)
{
	return 1000.0 / ns_op;
}

static void print_row(uint32_t n, const struct workload *wl, struct result r)
{
	printf("%9" PRIu32 "  %-14s  %-5s  %9.1f  %9.1f  %11.2f  %10.2f  %10.2f%s\n",
	       n, wl->op, wl->per, r.wheel.ns_op, r.heap.ns_op,
	       mops(r.wheel.ns_op), mops(r.heap.ns_op),
	       r.heap.ns_op / r.wheel.ns_op, min_cpu_pct(r) < 95 ? "  *" : "");
}

/* Per N: how far a queue with no cost at all could take each pair row. */
static void print_floor(uint32_t n, double floor_ns, const struct result *rows)
{
	for (size_t k = 0; k < NR_WORKLOADS; k++) {
		if (strcmp(workloads[k].per, "pair") || !selected(&workloads[k]))
			continue;
		printf("  N=%-8" PRIu32 " %-14s  best wheel/heap any queue could reach: %.2f\n",
		       n, workloads[k].op, rows[k].heap.ns_op / floor_ns);
	}
}

static double pair_floor_ns;	/* measured in main(), for the @bench lines */

/*
 * One @bench line per row.  Fields of the first version keep their names
 * and meaning (ratio = heap ns / wheel ns = wheel/heap throughput); per,
 * heap_mops and the two ops_per_s came with add_del_fifo; dist "fixed"
 * with delay_j, the bytes per timer and the probes with the timeout rows.
 */
static void print_machine(uint32_t n, const struct workload *wl, struct result r,
			  const struct footprint *fp, double load)
{
	struct json_writer w;
	const char *out;
	char line[1024];

	json_begin(&w, line, sizeof(line));
	json_str(&w, "kind", "timer_bench");
	json_u64(&w, "n", n);
	json_str(&w, "op", wl->op);
	json_str(&w, "per", wl->per);
	json_fixed(&w, "wheel_ns", centi(r.wheel.ns_op), 2);
	json_fixed(&w, "heap_ns", centi(r.heap.ns_op), 2);
	json_fixed(&w, "ratio", centi(r.heap.ns_op / r.wheel.ns_op), 2);
	json_fixed(&w, "wheel_mops", centi(mops(r.wheel.ns_op)), 2);
	json_fixed(&w, "heap_mops", centi(mops(r.heap.ns_op)), 2);
	json_u64(&w, "wheel_ops_per_s", (uint64_t)(1e9 / r.wheel.ns_op + 0.5));
	json_u64(&w, "heap_ops_per_s", (uint64_t)(1e9 / r.heap.ns_op + 0.5));
	json_fixed(&w, "wheel_mean_ns", centi(r.wheel.mean_ns), 2);
	json_fixed(&w, "heap_mean_ns", centi(r.heap.mean_ns), 2);
	json_u64(&w, "hz", BENCH_HZ);
	if (wl->timeout) {
		json_str(&w, "dist", "fixed");
		json_u64(&w, "delay_j", timeout_j);
	} else {
		json_str(&w, "dist", "uniform");
		json_u64(&w, "delay_min_j", DELAY_MIN);
		json_u64(&w, "delay_max_j", DELAY_MAX);
	}
	json_u64(&w, "wheel_bytes_per_timer", fp->wheel_bytes / (n + SPARE));
	json_u64(&w, "heap_bytes_per_timer", fp->heap_bytes / (n + SPARE));
	json_fixed(&w, "wheel_probe_ns", centi(fp->wheel_probe_ns), 2);
	json_fixed(&w, "heap_probe_ns", centi(fp->heap_probe_ns), 2);
	json_u64(&w, "reps", reps);
	json_u64(&w, "min_ms", min_ns / 1000000);
	json_u64(&w, "cpu_pct", min_cpu_pct(r));
	if (!strcmp(wl->per, "pair") && pair_floor_ns > 0) {
		json_fixed(&w, "pair_floor_ns", centi(pair_floor_ns), 2);
		json_fixed(&w, "ratio_ceiling", centi(r.heap.ns_op / pair_floor_ns), 2);
	}
	if (load >= 0)
		json_fixed(&w, "load1", centi(load), 2);
	out = json_end(&w);
	if (out)
		printf("@bench %s\n", out);
	else
		fail("@bench line fits its buffer, bytes", sizeof(line), 0);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_timers [--min-ms MS] [--reps R] [--only ROW] [--timeout J]\n"
		"                    [--stride B] [N ...]\n"
		"  N        pending timers per size (default 1000 100000 1000000)\n"
		"  --only   time one row (add_del, add_del_fifo, add_expire, timeout_fifo,\n"
		"           timeout_expire)\n"
		"  --timeout J  the timeout rows' delay, 64..30000 jiffies (default 200)\n"
		"  --stride B   every timer of both queues in its own B-byte object\n"
		"           (default: dense arrays, each queue's own struct size)\n");
	exit(2);
}

static uint64_t parse_u64(const char *s, uint64_t lo, uint64_t hi)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (!*s || *end || v < lo || v > hi)
		usage();
	return v;
}

static const char *stride_text(void)
{
	static char text[96];

	if (wstride == sizeof(struct timer) && hstride == sizeof(struct heap_timer))
		snprintf(text, sizeof(text), "dense arrays (wheel %zu, heap %zu bytes each)",
			 wstride, hstride);
	else
		snprintf(text, sizeof(text), "each in its own %zu-byte object (--stride)",
			 wstride);
	return text;
}

int main(int argc, char **argv)
{
	uint32_t sizes[16], nsizes = 0, i, k;
	struct result rows[16][NR_WORKLOADS];
	struct footprint fps[16];
	double overhead, floor_ns, load;
	bool busy = false;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--min-ms") && a + 1 < argc)
			min_ns = parse_u64(argv[++a], 1, 60000) * 1000000ull;
		else if (!strcmp(argv[a], "--only") && a + 1 < argc)
			only = argv[++a];
		else if (!strcmp(argv[a], "--stride") && a + 1 < argc)
			wstride = hstride = parse_u64(argv[++a], sizeof(struct timer), 4096);
		else if (!strcmp(argv[a], "--timeout") && a + 1 < argc)
			timeout_j = parse_u64(argv[++a], 64, 30000);
		else if (!strcmp(argv[a], "--reps") && a + 1 < argc)
			reps = (unsigned)parse_u64(argv[++a], 1, 100);
		else if (nsizes < 16 && argv[a][0] != '-')
			sizes[nsizes++] = (uint32_t)parse_u64(argv[a], 1, 10000000);
		else
			usage();
	}
	if (wstride % _Alignof(struct timer) || hstride % _Alignof(struct heap_timer)) {
		fprintf(stderr, "bench_timers: --stride must be a multiple of %zu\n",
			_Alignof(struct timer));
		usage();
	}
	if (only && !find_workload(only)) {
		fprintf(stderr, "bench_timers: no row named %s\n", only);
		usage();
	}
	if (!nsizes) {
		memcpy(sizes, default_sizes, sizeof(default_sizes));
		nsizes = sizeof(default_sizes) / sizeof(default_sizes[0]);
	}

	host_set_cpu(0);
	host_clock_set_ns(START_NS);
	timer_init(BENCH_HZ, 0);
	timer_cpu_init(0);
	wheel_clock_ns = heap_clock_ns = START_NS;

	printf("timer bench: HZ=%u, expiries uniform in [%u, %u] jiffies (1 ms .. 10 s), seed %#llx,\n"
	       "median 1 ms window of a run of >= %" PRIu64 " ms, best of %u runs, one CPU;\n"
	       "wheel = kernel/timer.c, heap = tests/bench/timer_heap.c (binary min-heap, same lock)\n"
	       "add_del: add a timer, then delete it (ns per pair); add_del_fifo: add a timer, delete\n"
	       "the oldest pending one (ns per pair); add_expire: steady state, each jiffy runs what is\n"
	       "due and re-adds as many (ns per timer, expiry amortised); timeout_fifo and\n"
	       "timeout_expire: the same with every delay %" PRIu64 " jiffies, the clock moving, and the\n"
	       "timers armed one after another scattered in memory; Mop/s = 1000 / ns per op;\n"
	       "wheel/heap = throughput ratio (heap ns / wheel ns): above 1, the wheel is faster\n"
	       "timers: %s\n",
	       BENCH_HZ, DELAY_MIN, DELAY_MAX, BENCH_SEED, min_ns / 1000000, reps,
	       timeout_j, stride_text());
	load = load1();
	if (load >= 0)
		printf("load average (1 min) at start: %.2f\n", load);
	fflush(stdout);

	overhead = best_of(overhead_pairs, &wheel_clock_ns);
	floor_ns = best_of(lock_floor_pairs, &wheel_clock_ns);
	pair_floor_ns = floor_ns;
	for (i = 0; i < nsizes; i++) {
		for (int pop = 0; pop < 2; pop++) {
			bool any = false;

			for (k = 0; k < NR_WORKLOADS; k++)
				any |= workloads[k].timeout == pop && selected(&workloads[k]);
			if (!any)
				continue;
			setup_size(sizes[i], pop);
			for (k = 0; k < NR_WORKLOADS; k++) {
				const struct workload *wl = &workloads[k];

				if (wl->timeout != pop || !selected(wl))
					continue;
				if (wl->warm_wheel)
					warm_up(wl, wl->timeout ? 2 * timeout_j : WARM_JIFFIES);
				rows[i][k] = measure_pair(wl->wheel, wl->heap, wl->period);
			}
			check_and_teardown(sizes[i]);
		}
		fps[i] = measure_footprint(sizes[i]);
		fprintf(stderr, "bench_timers: N=%" PRIu32 " done\n", sizes[i]);
	}

	printf("\n%9s  %-14s  %-5s  %9s  %9s  %11s  %10s  %10s\n", "N", "op", "per",
	       "wheel ns", "heap ns", "wheel Mop/s", "heap Mop/s", "wheel/heap");
	for (i = 0; i < nsizes; i++)
		for (k = 0; k < NR_WORKLOADS; k++)
			if (selected(&workloads[k]))
				print_row(sizes[i], &workloads[k], rows[i][k]);
	printf("\n%9s  %21s  %21s\n", "", "wheel", "heap");
	printf("%9s  %10s  %9s  %10s  %9s\n", "N", "bytes", "probe ns", "bytes", "probe ns");
	for (i = 0; i < nsizes; i++)
		printf("%9" PRIu32 "  %10zu  %9.1f  %10zu  %9.1f\n", sizes[i],
		       fps[i].wheel_bytes, fps[i].wheel_probe_ns,
		       fps[i].heap_bytes, fps[i].heap_probe_ns);
	printf("(bytes: the timers, and the heap's slot array; probe: one random cache-line\n"
	       " read in a working set that large, a dependent chain, measured in this run)\n");
	printf("(loop and random-number cost, in both columns: %.1f ns/op)\n",
	       overhead);
	printf("(floor of a pair: loop, random number and the two lock round trips\n"
	       " both queues take, no queue work: %.1f ns; a zero-cost queue would\n"
	       " reach add_del wheel/heap = heap ns / %.1f)\n", floor_ns, floor_ns);
	for (i = 0; i < nsizes; i++)
		print_floor(sizes[i], floor_ns, rows[i]);
	for (i = 0; i < nsizes; i++)
		for (k = 0; k < NR_WORKLOADS; k++)
			busy |= selected(&workloads[k]) && min_cpu_pct(rows[i][k]) < 95;
	if (busy)
		printf("* under 95%% of a CPU in a best run: other processes ran; the median\n"
		       "  window discounts most of that, but compare rows from a quiet host\n");
	for (i = 0; i < nsizes; i++)
		for (k = 0; k < NR_WORKLOADS; k++)
			if (selected(&workloads[k]))
				print_machine(sizes[i], &workloads[k], rows[i][k],
					      &fps[i], load);
	if (failures) {
		fprintf(stderr, "bench_timers: %" PRIu64 " correctness check(s) failed\n",
			failures);
		return 1;
	}
	return 0;
}
