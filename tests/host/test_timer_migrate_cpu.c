// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/timer: timer_migrate_cpu(), the timers of a CPU that parks
 * (docs/cpus.md §7.5).
 *
 * Proved here, one "CPU" switch at a time (host_set_cpu) except where a
 * second thread must really run: every pending timer of the parking CPU,
 * global and pinned, arrives on the target and fires there exactly once
 * and never before its expiry, overdue ones included; pinned timers stay
 * pinned (a remote expiry of the target does not run them); the source is
 * left with no event; moved timers can be deleted and modified as usual;
 * the target is kicked exactly when it gets a new first event; a remote
 * expiry of the source's GLOBAL base that is running a callback is waited
 * out, and what its callback re-armed on the source moves too; misuse is
 * reported and moves nothing.  Race 5 of kernel/timer.c: a timer_add_on()
 * of a CPU that parked after the caller saw it online lands on the CPU
 * that took the parked one's timers (on again if that one parked too) and
 * runs there on time, pinned; after timer_cpu_online() the CPU takes
 * timers again.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "host_arch.h"
#include "kernel/timer.h"
#include "tmsim.h"

#define HZ		1000
#define TICK		1000000ull
#define START_J		1000
#define NCPUS		4
#define NTIMERS		300

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

struct tt {
	struct timer t;
	uint64_t expires;
	uint32_t fires;
	uint32_t cpu;		/* where it last fired */
	uint64_t fired_j;	/* jiffy of its first run */
	bool early;
	bool block;		/* the callback waits for `release`, then re-arms once */
};

static struct tt timers[NTIMERS];
static int started, release;	/* block handshake; atomics */

static void set_jiffies(uint64_t j)
{
	host_clock_set_ns(j * TICK);
}

static void fired(struct timer *t)
{
	struct tt *x = container_of(t, struct tt, t);
	uint64_t now = timer_jiffies();

	if (!x->fires)
		x->fired_j = now;
	x->fires++;
	x->cpu = arch_cpu_id();
	if ((int64_t)(now - x->expires) < 0)
		x->early = true;
	if (x->block && x->fires == 1) {
		__atomic_store_n(&started, 1, __ATOMIC_RELEASE);
		while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
			sched_yield();
		x->expires = now + 5;
		timer_add(t, x->expires);	/* stays on the base that runs it (§1.5) */
	}
}

static void arm(struct tt *x, uint32_t cpu, uint64_t expires, bool pinned)
{
	memset(x, 0, sizeof(*x));
	host_set_cpu(cpu);
	timer_setup(&x->t, fired, pinned ? TIMER_PINNED : 0);
	x->expires = expires;
	timer_add(&x->t, expires);
}

static int setup(void **state)
{
	(void)state;
	host_clock_use_real(false);
	host_set_cpu(0);
	set_jiffies(START_J);
	timer_init(HZ, 0);
	for (uint32_t c = 0; c < NCPUS; c++)
		timer_cpu_init(c);
	host_bug_reset();
	host_kicks_reset();
	started = release = 0;
	return 0;
}

/* Run every CPU's own timers, jiffy by jiffy, up to `until`. */
static void run_until(uint64_t until)
{
	for (uint64_t j = timer_jiffies(); (int64_t)(j - until) <= 0; j++) {
		set_jiffies(j);
		for (uint32_t c = 0; c < NCPUS; c++) {
			host_set_cpu(c);
			timer_run_cpu();
		}
	}
	host_set_cpu(0);
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

/*
 * Random timers on CPUs 1-3 (a third pinned, some already overdue, delays
 * across five wheel levels); CPU 1 then CPU 2 park onto CPU 0 while the
 * clock moves on between the two.  Every timer fires once, none early,
 * and nothing runs on a parked CPU.
 */
static void test_every_timer_moves_and_fires_once_never_early(void **state)
{
	uint64_t seed = 12345;
	uint32_t on[NTIMERS], moved;

	(void)state;
	for (uint32_t i = 0; i < NTIMERS; i++) {
		uint64_t d = lcg(&seed) % 40000;

		on[i] = 1 + (uint32_t)(lcg(&seed) % 3);
		arm(&timers[i], on[i], START_J - 3 + d % (1u << (3 * (1 + lcg(&seed) % 5))),
		    lcg(&seed) % 3 == 0);
	}
	set_jiffies(START_J + 2);	/* the overdue ones are now due on a dead CPU */
	host_set_cpu(1);
	moved = timer_migrate_cpu(1, 0);
	run_until(START_J + 40);
	host_set_cpu(2);
	moved += timer_migrate_cpu(2, 0);
	host_set_cpu(0);

	uint32_t expect = 0, fired_early = 0;

	for (uint32_t i = 0; i < NTIMERS; i++)
		if (on[i] != 3)
			expect += on[i] == 1 || !timers[i].fires;
	assert_int_equal(moved, expect);
	/* between the two parks only CPU 2 and 3 ran: nothing moved fired there */
	run_until(START_J + 50000);
	for (uint32_t i = 0; i < NTIMERS; i++) {
		assert_int_equal(timers[i].fires, 1);
		fired_early += timers[i].early;
		if (on[i] == 1)
			assert_int_equal(timers[i].cpu, 0);
		assert_false(timer_pending(&timers[i].t));
	}
	assert_int_equal(fired_early, 0);
	assert_int_equal(host_bug_count(), 0);
}

/* A pinned timer stays pinned: remote expiry of the target skips it. */
static void test_pinned_timers_stay_pinned_on_the_target(void **state)
{
	(void)state;
	arm(&timers[0], 1, START_J + 10, true);
	arm(&timers[1], 1, START_J + 10, false);
	host_set_cpu(1);
	assert_int_equal(timer_migrate_cpu(1, 0), 2);
	set_jiffies(START_J + 100);
	host_set_cpu(2);
	assert_int_equal(timer_run_remote(0), 1);	/* the global one only */
	assert_int_equal(timers[1].fires, 1);
	assert_int_equal(timers[0].fires, 0);
	assert_true(timer_pending(&timers[0].t));
	host_set_cpu(0);
	assert_int_equal(timer_run_cpu(), 1);
	assert_int_equal(timers[0].fires, 1);
	assert_int_equal(timers[0].cpu, 0);
}

/* The parked CPU has no event left; the target's next event is the moved one. */
static void test_the_source_is_left_with_no_event(void **state)
{
	struct timer_next nx;

	(void)state;
	arm(&timers[0], 1, START_J + 700, true);
	arm(&timers[1], 1, START_J + 300, false);
	host_set_cpu(1);
	timer_migrate_cpu(1, 0);
	assert_int_equal(timer_next_event(false, &nx), TIMER_NO_EVENT);
	host_set_cpu(0);
	timer_next_event(false, &nx);
	assert_true(nx.global_ns != TIMER_NO_EVENT);
	assert_true(nx.global_ns >= (START_J + 300) * TICK);
	assert_true(nx.local_ns >= (START_J + 300) * TICK);
}

/* Moved timers are ordinary timers on the target: delete and modify work. */
static void test_moved_timers_can_be_deleted_and_modified(void **state)
{
	(void)state;
	arm(&timers[0], 1, START_J + 50, false);
	arm(&timers[1], 1, START_J + 60, true);
	host_set_cpu(1);
	timer_migrate_cpu(1, 0);
	host_set_cpu(2);
	assert_true(timer_del(&timers[0].t));
	assert_false(timer_del(&timers[0].t));
	host_set_cpu(0);
	timers[1].expires = START_J + 90;
	assert_true(timer_mod(&timers[1].t, START_J + 90));
	run_until(START_J + 200);
	assert_int_equal(timers[0].fires, 0);
	assert_int_equal(timers[1].fires, 1);
	assert_false(timers[1].early);
	assert_int_equal(host_bug_count(), 0);
}

/* The target is kicked when, and only when, a moved timer is its new first event. */
static void test_the_target_is_kicked_only_for_a_new_first_event(void **state)
{
	(void)state;
	arm(&timers[0], 0, START_J + 10, false);
	arm(&timers[1], 0, START_J + 10, true);
	arm(&timers[2], 1, START_J + 400, false);
	arm(&timers[3], 1, START_J + 400, true);
	host_set_cpu(1);
	timer_migrate_cpu(1, 0);
	assert_int_equal(host_kicks(0), 0);
	arm(&timers[4], 2, START_J + 2, false);
	host_set_cpu(2);
	timer_migrate_cpu(2, 0);
	assert_int_equal(host_kicks(0), 1);
	arm(&timers[5], 3, START_J + 1, true);
	host_set_cpu(3);
	timer_migrate_cpu(3, 0);
	assert_int_equal(host_kicks(0), 2);
	/* the target moving another CPU's timers to itself kicks nobody */
	arm(&timers[6], 2, START_J + 1, true);
	host_set_cpu(0);
	timer_migrate_cpu(2, 0);
	assert_int_equal(host_kicks(0), 2);
}

static void *remote_expiry(void *arg)
{
	(void)arg;
	host_set_cpu(2);
	timer_run_remote(1);
	return NULL;
}

static int migrate_done;

static void *park_cpu1(void *arg)
{
	uint32_t *moved = arg;

	host_set_cpu(1);
	*moved = timer_migrate_cpu(1, 0);
	__atomic_store_n(&migrate_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * CPU 2 is running a callback of CPU 1's GLOBAL base (a migrator's remote
 * expiry) when CPU 1 parks.  The move waits until the callback returns;
 * the callback re-armed its timer on CPU 1's base, and that timer moves
 * too and fires once more, on CPU 0: nothing is left behind on CPU 1.
 */
static void test_a_remote_expiry_in_progress_is_waited_out(void **state)
{
	pthread_t rx, px;
	uint32_t moved = 0;
	struct timespec ms = { 0, 1000000 };

	(void)state;
	migrate_done = 0;
	arm(&timers[0], 1, START_J + 3, false);
	timers[0].block = true;
	arm(&timers[1], 1, START_J + 900, false);
	set_jiffies(START_J + 10);
	pthread_create(&rx, NULL, remote_expiry, NULL);
	while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
		sched_yield();
	pthread_create(&px, NULL, park_cpu1, &moved);
	for (int i = 0; i < 20; i++)
		nanosleep(&ms, NULL);
	/* a move that did not wait would have returned by now, leaving the re-arm behind */
	assert_int_equal(__atomic_load_n(&migrate_done, __ATOMIC_ACQUIRE), 0);
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	pthread_join(rx, NULL);
	pthread_join(px, NULL);
	assert_int_equal(moved, 2);	/* the re-armed one and the untouched one */
	host_set_cpu(1);
	assert_int_equal(timer_next_event(false, NULL), TIMER_NO_EVENT);
	run_until(START_J + 2000);
	assert_int_equal(timers[0].fires, 2);
	assert_int_equal(timers[0].cpu, 0);
	assert_false(timers[0].early);
	assert_int_equal(timers[1].fires, 1);
	assert_int_equal(timers[1].cpu, 0);
}

/* Run the timers of every CPU but `skip` (parked: it runs nothing), up to `until`. */
static void run_until_but(uint64_t until, uint32_t skip)
{
	for (uint64_t j = timer_jiffies(); (int64_t)(j - until) <= 0; j++) {
		set_jiffies(j);
		for (uint32_t c = 0; c < NCPUS; c++) {
			if (c == skip)
				continue;
			host_set_cpu(c);
			timer_run_cpu();
		}
	}
	host_set_cpu(0);
}

/*
 * Race 5, forced: CPU 2 has seen CPU 1 online (the check callers make),
 * then CPU 1 parks onto CPU 0, then CPU 2's timer_add_on(1) lands.  The
 * timer must run once, on CPU 0, in its level-0 bucket (one jiffy after
 * its expiry), while CPU 1 stays parked; without the redirection it sits
 * on CPU 1's wheel until the unpark.  After timer_cpu_online(1) an add on
 * CPU 1 goes to CPU 1 again.
 */
static void test_add_on_a_cpu_that_parked_after_the_check_runs_on_time_elsewhere(void **state)
{
	struct tt *x = &timers[0], *y = &timers[1];
	uint32_t pinned, global;

	(void)state;
	memset(x, 0, sizeof(*x));
	memset(y, 0, sizeof(*y));
	host_set_cpu(2);
	timer_setup(&x->t, fired, 0);
	timer_setup(&y->t, fired, 0);
	/* here CPU 2 checked cpuhp_state(1): online */
	host_set_cpu(1);
	assert_int_equal(timer_migrate_cpu(1, 0), 0);	/* the park, with nothing to move */
	host_set_cpu(2);
	x->expires = START_J + 10;
	timer_add_on(&x->t, x->expires, 1);
	timer_count_pending(1, &pinned, &global);
	if (pinned + global)
		fail_msg("race 5: the add landed on parked CPU 1");
	timer_count_pending(0, &pinned, &global);
	assert_int_equal(pinned, 1);			/* still pinned, on CPU 0 */
	run_until_but(START_J + 100, 1);
	assert_int_equal(x->fires, 1);
	assert_int_equal(x->cpu, 0);
	assert_false(x->early);
	assert_int_equal(x->fired_j, x->expires + 1);	/* its level-0 bucket, not the unpark */

	/* the unpark: CPU 1 takes timers again */
	host_set_cpu(1);
	timer_cpu_online(1);
	host_set_cpu(2);
	y->expires = START_J + 120;
	timer_add_on(&y->t, y->expires, 1);
	timer_count_pending(1, &pinned, &global);
	assert_int_equal(pinned, 1);
	run_until(START_J + 200);
	assert_int_equal(y->fires, 1);
	assert_int_equal(y->cpu, 1);
	assert_int_equal(host_bug_count(), 0);
}

/*
 * The CPU that took a parked CPU's timers parks too (1 onto 2, then 2 onto
 * 0): an add on CPU 1 follows both moves, to CPU 0, and runs there on time.
 */
static void test_add_on_follows_a_chain_of_parks(void **state)
{
	struct tt *x = &timers[0];
	uint32_t pinned, global;

	(void)state;
	memset(x, 0, sizeof(*x));
	host_set_cpu(3);
	timer_setup(&x->t, fired, 0);
	host_set_cpu(1);
	timer_migrate_cpu(1, 2);
	host_set_cpu(2);
	timer_migrate_cpu(2, 0);
	host_set_cpu(3);
	x->expires = START_J + 30;
	timer_add_on(&x->t, x->expires, 1);
	timer_count_pending(1, &pinned, &global);
	if (pinned + global)
		fail_msg("race 5: the add landed on parked CPU 1");
	timer_count_pending(0, &pinned, &global);
	assert_int_equal(pinned, 1);
	timer_count_pending(2, &pinned, &global);
	assert_int_equal(pinned + global, 0);
	for (uint64_t j = timer_jiffies(); (int64_t)(j - (START_J + 100)) <= 0; j++) {
		set_jiffies(j);
		host_set_cpu(0);
		timer_run_cpu();
		host_set_cpu(3);
		timer_run_cpu();
	}
	assert_int_equal(x->fires, 1);
	assert_int_equal(x->cpu, 0);
	assert_int_equal(x->fired_j, x->expires + 1);
	assert_int_equal(host_bug_count(), 0);
}

/* No such pair: one bug report each, nothing moved. */
static void test_misuse_is_reported_and_moves_nothing(void **state)
{
	(void)state;
	arm(&timers[0], 1, START_J + 10, false);
	host_set_cpu(1);
	assert_int_equal(timer_migrate_cpu(1, 1), 0);
	assert_int_equal(host_bug_count(), 1);
	assert_int_equal(timer_migrate_cpu(1, TIMER_MAX_CPUS), 0);
	assert_int_equal(host_bug_count(), 2);
	assert_true(timer_next_event(false, NULL) != TIMER_NO_EVENT);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_every_timer_moves_and_fires_once_never_early),
		T(test_pinned_timers_stay_pinned_on_the_target),
		T(test_the_source_is_left_with_no_event),
		T(test_moved_timers_can_be_deleted_and_modified),
		T(test_the_target_is_kicked_only_for_a_new_first_event),
		T(test_a_remote_expiry_in_progress_is_waited_out),
		T(test_misuse_is_reported_and_moves_nothing),
		T(test_add_on_a_cpu_that_parked_after_the_check_runs_on_time_elsewhere),
		T(test_add_on_follows_a_chain_of_parks),
	};

	tmsim_test_filter();	/* TMSIM_TEST: tests/host/run-mutants.sh runs one test */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
