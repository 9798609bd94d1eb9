// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/timer: the interface's behaviour, one CPU switch at a time
 * (host_set_cpu), plus two pthread tests where a callback really runs on
 * another thread while timer_del_sync() has to wait for it.
 *
 * Covered: add/mod/del/re-add and pending; the next event after adds and
 * deletes; callbacks that add, modify and delete timers, delete or re-arm
 * themselves (also into the past) and call timer_del_sync on themselves;
 * the placement rule (arming moves a timer to the arming CPU, except while
 * its callback runs); timer_add_on and the kick of an idle-marked remote
 * CPU; next-event export rules and idle marking (design §1.10/§1.11);
 * remote expiry of GLOBAL timers; jiffies wrapping past 2^64; misuse
 * (double add, NULL callback, never set up, freed while pending or while
 * running elsewhere), each giving exactly one bug report naming the
 * callback and leaving the wheel consistent; the statistics.
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

#define HZ		1000
#define TICK		1000000ull
#define START_J		1000
#define NCPUS		4

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

static uint64_t bias;

static void set_jiffies(uint64_t j)
{
	host_clock_set_ns((j - bias) * TICK);
}

static uint64_t now_j(void)
{
	return timer_jiffies();
}

static uint64_t ns_of(uint64_t j)
{
	return (j - bias) * TICK;
}

/* Fire log shared by all callbacks. */
struct rec {
	struct timer *t;
	uint32_t cpu;
	uint64_t j;
	bool irqs_off;
};

static struct rec recs[256];
static int nrec;

static void record(struct timer *t)
{
	if (nrec < 256)
		recs[nrec] = (struct rec){ t, arch_cpu_id(), timer_jiffies(), host_irqs_disabled() };
	nrec++;
}

static int fires_of(struct timer *t)
{
	int n = 0;

	for (int i = 0; i < nrec && i < 256; i++)
		n += recs[i].t == t;
	return n;
}

static void plain(struct timer *t)
{
	record(t);
}

enum action {
	ACT_NONE,
	ACT_ADD_OTHER,		/* timer_add(other, now + arg) */
	ACT_DEL_OTHER,		/* ret = timer_del(other) */
	ACT_MOD_OTHER,		/* ret = timer_mod(other, arg) */
	ACT_DEL_SELF,		/* ret = timer_del(self) */
	ACT_REARM,		/* timer_add(self, now + arg) while fires < limit */
	ACT_REARM_PAST,		/* timer_add(self, now - 5) while fires < limit */
	ACT_DEL_SYNC_SELF,	/* ret = timer_del_sync(self) */
	ACT_REARM_DEL_SYNC,	/* timer_add(self, now + 10); ret = timer_del_sync(self) */
	ACT_ARM_FROM_CPU,	/* as CPU arg: timer_mod(self, now + 10) */
	ACT_OWNER_RUNS,		/* as CPU arg: timer_run_cpu() while this runs remotely */
	ACT_FREE_FROM_CPU,	/* as CPU arg: timer_check_free(self) */
	ACT_BLOCK,		/* set started, spin until release */
};

struct tt {
	struct timer t;
	enum action action;
	struct timer *other;
	uint64_t arg;
	int limit;
	int fires;
	bool ret;
	bool pending_after;
};

static int started, release;	/* ACT_BLOCK handshake; atomics */

static void act(struct timer *t)
{
	struct tt *x = container_of(t, struct tt, t);
	uint32_t me = arch_cpu_id();

	record(t);
	x->fires++;
	switch (x->action) {
	case ACT_NONE:
		break;
	case ACT_ADD_OTHER:
		timer_add(x->other, now_j() + x->arg);
		break;
	case ACT_DEL_OTHER:
		x->ret = timer_del(x->other);
		break;
	case ACT_MOD_OTHER:
		x->ret = timer_mod(x->other, x->arg);
		break;
	case ACT_DEL_SELF:
		x->ret = timer_del(t);
		x->pending_after = timer_pending(t);
		break;
	case ACT_REARM:
		if (x->fires < x->limit)
			timer_add(t, now_j() + x->arg);
		break;
	case ACT_REARM_PAST:
		if (x->fires < x->limit)
			timer_add(t, now_j() - 5);
		break;
	case ACT_DEL_SYNC_SELF:
		x->ret = timer_del_sync(t);
		x->pending_after = timer_pending(t);
		break;
	case ACT_REARM_DEL_SYNC:
		timer_add(t, now_j() + 10);
		x->ret = timer_del_sync(t);
		x->pending_after = timer_pending(t);
		break;
	case ACT_ARM_FROM_CPU:
		host_set_cpu((uint32_t)x->arg);
		timer_mod(t, now_j() + 10);
		host_set_cpu(me);
		break;
	case ACT_OWNER_RUNS:
		host_set_cpu((uint32_t)x->arg);
		timer_run_cpu();
		host_set_cpu(me);
		break;
	case ACT_FREE_FROM_CPU:
		host_set_cpu((uint32_t)x->arg);
		timer_check_free(t);
		host_set_cpu(me);
		break;
	case ACT_BLOCK:
		__atomic_store_n(&started, 1, __ATOMIC_RELEASE);
		while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
			sched_yield();
		break;
	}
}

static void tt_setup(struct tt *x, enum action a, uint32_t flags)
{
	memset(x, 0, sizeof(*x));
	x->action = a;
	timer_setup(&x->t, act, flags);
}

static int setup(void **state)
{
	(void)state;
	host_clock_use_real(false);
	host_set_cpu(0);
	bias = 0;
	set_jiffies(START_J);
	timer_init(HZ, bias);
	for (uint32_t c = 0; c < NCPUS; c++)
		timer_cpu_init(c);
	host_bug_reset();
	host_kicks_reset();
	nrec = 0;
	started = release = 0;
	return 0;
}

/*
 * Every test must end with no unexpected bug report and an empty wheel: a
 * stack timer left pending would be "freed while pending" when the test
 * returns, and timer_setup() of the next test would rightly refuse it.
 */
static int teardown(void **state)
{
	(void)state;
	if (host_bug_count())
		fail_msg("unexpected bug report: %s", host_last_bug());
	for (uint32_t c = 0; c < NCPUS; c++) {
		host_set_cpu(c);
		if (timer_next_event(false, NULL) != TIMER_NO_EVENT)
			fail_msg("test left a timer pending on CPU %u", c);
	}
	host_set_cpu(0);
	return 0;
}

/* Run every CPU's wheel at jiffy j, CPU 0 first; leaves CPU 0 current. */
static void run_all_at(uint64_t j)
{
	set_jiffies(j);
	for (uint32_t c = 0; c < NCPUS; c++) {
		host_set_cpu(c);
		timer_run_cpu();
	}
	host_set_cpu(0);
}

static bool is_on(const struct timer *t, uint32_t cpu, bool pinned)
{
	return t->cpu == cpu && !!(t->flags & TIMER_PINNED) == pinned;
}

/* ---- add / mod / del ---- */

static void test_add_makes_pending_and_del_reports_it_once(void **state)
{
	struct timer t;

	(void)state;
	timer_setup(&t, plain, 0);
	assert_false(timer_pending(&t));
	assert_false(timer_del(&t));
	timer_add(&t, START_J + 10);
	assert_true(timer_pending(&t));
	assert_int_equal(t.expires, START_J + 10);
	assert_true(timer_del(&t));
	assert_false(timer_pending(&t));
	assert_false(timer_del(&t));
	assert_false(timer_del_sync(&t));
	run_all_at(START_J + 100);
	assert_int_equal(nrec, 0);
	assert_int_equal(host_bug_count(), 0);
}

static void test_fires_once_at_its_bucket_and_can_be_re_added(void **state)
{
	struct timer t;

	(void)state;
	timer_setup(&t, plain, 0);
	timer_add(&t, START_J + 10);
	run_all_at(START_J + 10);
	assert_int_equal(nrec, 0);		/* never at its expires jiffy */
	run_all_at(START_J + 11);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].j, START_J + 11);
	assert_false(timer_pending(&t));
	run_all_at(START_J + 50);
	assert_int_equal(nrec, 1);
	timer_add(&t, START_J + 60);
	run_all_at(START_J + 61);
	assert_int_equal(nrec, 2);
	assert_int_equal(recs[1].j, START_J + 61);
}

static void test_mod_arms_an_idle_timer_and_moves_a_pending_one(void **state)
{
	struct timer t;

	(void)state;
	timer_setup(&t, plain, 0);
	assert_false(timer_mod(&t, START_J + 100));
	assert_true(timer_pending(&t));
	assert_true(timer_mod(&t, START_J + 20));	/* earlier */
	run_all_at(START_J + 21);
	assert_int_equal(nrec, 1);
	assert_false(timer_mod(&t, START_J + 30));
	assert_true(timer_mod(&t, START_J + 300));	/* later: not at the old time */
	run_all_at(START_J + 31);
	assert_int_equal(nrec, 1);
	/* d = 278 from clk 1022: level 1, next multiple of 8 after 1300 */
	run_all_at(START_J + 303);
	assert_int_equal(nrec, 1);
	run_all_at(START_J + 304);
	assert_int_equal(nrec, 2);
	assert_int_equal(recs[1].j, START_J + 304);
}

static void test_mod_within_the_same_bucket_keeps_it_correct(void **state)
{
	struct timer t;
	struct timer_next nx;
	uint32_t b;

	(void)state;
	timer_setup(&t, plain, 0);
	timer_add(&t, START_J + 100);		/* level 1: granule 8 */
	b = t.bucket;
	assert_true(timer_mod(&t, START_J + 99));
	assert_int_equal(t.bucket, b);
	assert_int_equal(t.expires, START_J + 99);
	assert_true(timer_mod(&t, START_J + 99));	/* same expiry: nothing to do */
	assert_int_equal(timer_next_event(false, &nx), ns_of(START_J + 104));
	run_all_at(START_J + 103);
	assert_int_equal(nrec, 0);
	run_all_at(START_J + 104);
	assert_int_equal(nrec, 1);
}

static void test_next_event_follows_adds_and_deletes(void **state)
{
	struct timer a, b, c;
	struct timer_next nx;

	(void)state;
	timer_setup(&a, plain, 0);
	timer_setup(&b, plain, 0);
	timer_setup(&c, plain, TIMER_PINNED);
	assert_int_equal(timer_next_event(false, &nx), TIMER_NO_EVENT);
	assert_int_equal(nx.local_ns, TIMER_NO_EVENT);
	assert_int_equal(nx.global_ns, TIMER_NO_EVENT);
	assert_false(nx.within_tick);
	timer_add(&b, START_J + 1000);		/* level 2: runs at 2048 */
	assert_int_equal(timer_next_event(false, NULL), ns_of(2048));
	timer_add(&a, START_J + 10);
	assert_int_equal(timer_next_event(false, NULL), ns_of(START_J + 11));
	timer_add(&c, START_J + 40);
	assert_int_equal(timer_next_event(false, NULL), ns_of(START_J + 11));
	assert_true(timer_del(&a));
	assert_int_equal(timer_next_event(false, NULL), ns_of(START_J + 41));
	assert_true(timer_del(&c));
	assert_int_equal(timer_next_event(false, NULL), ns_of(2048));
	assert_true(timer_del(&b));
	assert_int_equal(timer_next_event(false, NULL), TIMER_NO_EVENT);
}

/* ---- callbacks ---- */

static void test_callbacks_run_with_interrupts_off_on_the_owning_cpu(void **state)
{
	struct timer a, b;

	(void)state;
	timer_setup(&a, plain, 0);
	timer_setup(&b, plain, TIMER_PINNED);
	host_set_cpu(2);
	timer_add(&a, START_J + 5);
	host_set_cpu(3);
	timer_add(&b, START_J + 5);
	assert_false(host_irqs_disabled());
	run_all_at(START_J + 6);
	assert_int_equal(nrec, 2);
	assert_int_equal(recs[0].t, &a);
	assert_int_equal(recs[0].cpu, 2);
	assert_true(recs[0].irqs_off);
	assert_int_equal(recs[1].t, &b);
	assert_int_equal(recs[1].cpu, 3);
	assert_true(recs[1].irqs_off);
	assert_false(host_irqs_disabled());
}

static void test_callback_can_add_another_timer(void **state)
{
	struct tt x;
	struct timer y;

	(void)state;
	tt_setup(&x, ACT_ADD_OTHER, 0);
	timer_setup(&y, plain, 0);
	x.other = &y;
	x.arg = 20;
	timer_add(&x.t, START_J + 5);
	run_all_at(START_J + 6);
	assert_true(timer_pending(&y));
	assert_int_equal(y.expires, START_J + 26);
	run_all_at(START_J + 27);
	assert_int_equal(fires_of(&y), 1);
}

/* y sits in the same bucket as x, so it is already on the expiry list when x runs. */
static void test_callback_deleting_a_timer_of_the_same_bucket_stops_it(void **state)
{
	struct tt x, z;
	struct timer y;

	(void)state;
	for (int order = 0; order < 2; order++) {
		setup(NULL);
		tt_setup(&x, ACT_DEL_OTHER, 0);
		tt_setup(&z, ACT_DEL_OTHER, 0);
		timer_setup(&y, plain, 0);
		x.other = z.other = &y;
		/* list order is head-first: try y queued before and after x */
		if (order)
			timer_add(&y, START_J + 5);
		timer_add(&x.t, START_J + 5);
		if (!order)
			timer_add(&y, START_J + 5);
		timer_add(&z.t, START_J + 5);
		run_all_at(START_J + 6);
		assert_int_equal(fires_of(&x.t) + fires_of(&z.t), 2);
		/* whichever of x, z ran before y deleted it; y must not run after */
		assert_int_equal(fires_of(&y), x.ret || z.ret ? 0 : 1);
		assert_true(x.ret || z.ret);
		assert_false(timer_pending(&y));
	}
}

/*
 * Race 2 of timer.c: x and y share a level-0 bucket; x moves y 64 jiffies
 * on, which is the same bucket index.  y must leave the expiry list and run
 * 64 jiffies later, not now.
 */
static void test_callback_moving_a_collected_timer_to_the_same_index_does_not_run_it_early(void **state)
{
	struct tt x, y;

	(void)state;
	for (int order = 0; order < 2; order++) {
		setup(NULL);
		tt_setup(&x, ACT_MOD_OTHER, 0);
		tt_setup(&y, ACT_MOD_OTHER, 0);
		x.other = &y.t;
		y.other = &x.t;
		x.arg = y.arg = START_J + 5 + 64;
		if (order) {
			timer_add(&x.t, START_J + 5);
			timer_add(&y.t, START_J + 5);
		} else {
			timer_add(&y.t, START_J + 5);
			timer_add(&x.t, START_J + 5);
		}
		run_all_at(START_J + 6);
		/* the first to run re-armed the other: exactly one ran now */
		assert_int_equal(nrec, 1);
		run_all_at(START_J + 5 + 64);
		assert_int_equal(nrec, 1);
		run_all_at(START_J + 5 + 65);
		assert_int_equal(nrec, 2);
		assert_int_equal(recs[1].j, START_J + 70);
		/* the second re-armed the first in turn */
		assert_true(timer_del(&x.t) || timer_del(&y.t));
	}
}

static void test_callback_deleting_itself_gets_false_and_nothing_breaks(void **state)
{
	struct tt x;

	(void)state;
	tt_setup(&x, ACT_DEL_SELF, 0);
	timer_add(&x.t, START_J + 3);
	run_all_at(START_J + 4);
	assert_int_equal(x.fires, 1);
	assert_false(x.ret);
	assert_false(x.pending_after);
	run_all_at(START_J + 500);
	assert_int_equal(x.fires, 1);
	assert_int_equal(host_bug_count(), 0);
}

static void test_callback_re_arming_itself_runs_periodically(void **state)
{
	struct tt x;

	(void)state;
	tt_setup(&x, ACT_REARM, TIMER_PINNED);
	x.arg = 10;
	x.limit = 5;
	timer_add(&x.t, START_J + 10);
	for (uint64_t j = START_J + 1; j <= START_J + 100; j++)
		run_all_at(j);
	assert_int_equal(x.fires, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(recs[i].j, START_J + 11 + 11 * (uint64_t)i);
	assert_false(timer_pending(&x.t));
}

/* clk runs one ahead while expiring, so a re-arm into the past cannot loop. */
static void test_callback_re_arming_itself_in_the_past_runs_once_per_jiffy(void **state)
{
	struct tt x;

	(void)state;
	tt_setup(&x, ACT_REARM_PAST, 0);
	x.limit = 1000;
	timer_add(&x.t, START_J + 2);
	run_all_at(START_J + 3);
	assert_int_equal(x.fires, 1);
	assert_true(timer_pending(&x.t));
	run_all_at(START_J + 3);
	assert_int_equal(x.fires, 1);		/* due at START_J + 4 */
	run_all_at(START_J + 4);
	assert_int_equal(x.fires, 2);
	assert_true(timer_del(&x.t));
}

static void test_del_sync_from_own_callback_does_not_wait(void **state)
{
	struct tt x, y;

	(void)state;
	tt_setup(&x, ACT_DEL_SYNC_SELF, 0);
	tt_setup(&y, ACT_REARM_DEL_SYNC, 0);
	timer_add(&x.t, START_J + 3);
	timer_add(&y.t, START_J + 3);
	run_all_at(START_J + 4);		/* a wait here would never end */
	assert_int_equal(x.fires, 1);
	assert_false(x.ret);
	assert_int_equal(y.fires, 1);
	assert_true(y.ret);			/* its own re-arm was pending */
	assert_false(y.pending_after);
	run_all_at(START_J + 100);
	assert_int_equal(nrec, 2);
}

/* ---- timer_del_sync against a callback on another thread ---- */

struct del_sync_arg {
	struct timer *t;
	uint32_t cpu;
	int done;
	bool ret;
};

static void *run_cpu_thread(void *p)
{
	host_set_cpu(*(uint32_t *)p);
	timer_run_cpu();
	return NULL;
}

static void *del_sync_thread(void *p)
{
	struct del_sync_arg *a = p;

	host_set_cpu(a->cpu);
	a->ret = timer_del_sync(a->t);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void wait_started(void)
{
	for (int i = 0; i < 5000 && !__atomic_load_n(&started, __ATOMIC_ACQUIRE); i++) {
		struct timespec ms = { 0, 1000000 };

		nanosleep(&ms, NULL);
	}
	assert_true(__atomic_load_n(&started, __ATOMIC_ACQUIRE));
}

static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000 };

	nanosleep(&ts, NULL);
}

/* move: 0 = leave it; 1 = timer_add_on moves it while running (race 3) */
static void del_sync_waits(int move)
{
	struct tt x;
	struct del_sync_arg a = { &x.t, 0, 0, false };
	pthread_t runner, deleter;
	uint32_t cpu1 = 1;

	tt_setup(&x, ACT_BLOCK, 0);
	host_set_cpu(1);
	timer_add(&x.t, START_J + 5);
	host_set_cpu(0);
	set_jiffies(START_J + 6);
	assert_int_equal(pthread_create(&runner, NULL, run_cpu_thread, &cpu1), 0);
	wait_started();
	if (move) {
		timer_add_on(&x.t, START_J + 1000, 2);
		assert_true(is_on(&x.t, 2, true));
		a.cpu = 3;
	}
	assert_int_equal(pthread_create(&deleter, NULL, del_sync_thread, &a), 0);
	sleep_ms(50);
	assert_int_equal(__atomic_load_n(&a.done, __ATOMIC_ACQUIRE), 0);
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	pthread_join(runner, NULL);
	pthread_join(deleter, NULL);
	assert_int_equal(a.done, 1);
	assert_int_equal(a.ret, move);		/* the moved one was pending */
	assert_false(timer_pending(&x.t));
	assert_int_equal(x.fires, 1);
}

static void test_del_sync_waits_for_a_callback_running_on_another_cpu(void **state)
{
	(void)state;
	del_sync_waits(0);
}

static void test_del_sync_waits_for_a_callback_whose_timer_add_on_moved_away(void **state)
{
	(void)state;
	del_sync_waits(1);
}

/* ---- placement ---- */

static void test_arming_moves_the_timer_to_the_arming_cpu(void **state)
{
	struct timer g, p;

	(void)state;
	timer_setup(&g, plain, 0);
	timer_setup(&p, plain, TIMER_PINNED);
	host_set_cpu(1);
	timer_add(&g, START_J + 50);
	timer_add(&p, START_J + 50);
	assert_true(is_on(&g, 1, false));
	assert_true(is_on(&p, 1, true));
	host_set_cpu(2);
	assert_true(timer_mod(&g, START_J + 60));
	assert_true(timer_mod(&p, START_J + 60));
	assert_true(is_on(&g, 2, false));
	assert_true(is_on(&p, 2, true));
	host_set_cpu(1);
	assert_int_equal(timer_next_event(false, NULL), TIMER_NO_EVENT);
	host_set_cpu(2);
	assert_int_equal(timer_next_event(false, NULL), ns_of(START_J + 61));
	run_all_at(START_J + 61);
	assert_int_equal(nrec, 2);
	assert_int_equal(recs[0].cpu, 2);
	assert_int_equal(recs[1].cpu, 2);
}

static void test_arming_a_timer_whose_callback_runs_keeps_it_on_that_base(void **state)
{
	struct tt x;

	(void)state;
	tt_setup(&x, ACT_ARM_FROM_CPU, 0);
	x.arg = 3;			/* CPU 3 re-arms it while CPU 1 runs it */
	host_set_cpu(1);
	timer_add(&x.t, START_J + 5);
	run_all_at(START_J + 6);
	assert_int_equal(x.fires, 1);
	assert_true(is_on(&x.t, 1, false));
	/* no longer running: the same call from CPU 3 moves it */
	host_set_cpu(3);
	assert_true(timer_mod(&x.t, START_J + 50));
	assert_true(is_on(&x.t, 3, false));
	assert_true(timer_del(&x.t));
}

static void test_add_on_pins_the_timer_to_that_cpu_where_it_fires(void **state)
{
	struct timer t;

	(void)state;
	timer_setup(&t, plain, 0);
	timer_add_on(&t, START_J + 7, 2);
	assert_true(is_on(&t, 2, true));
	host_set_cpu(2);
	assert_int_equal(timer_next_event(false, NULL), ns_of(START_J + 8));
	host_set_cpu(0);
	assert_int_equal(timer_next_event(false, NULL), TIMER_NO_EVENT);
	/* a pinned timer is never expired remotely */
	set_jiffies(START_J + 8);
	assert_int_equal(timer_run_remote(2), 0);
	run_all_at(START_J + 8);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].cpu, 2);
	/* pinned for good: a later timer_add goes to this CPU's LOCAL base */
	timer_add(&t, START_J + 20);
	assert_true(is_on(&t, 0, true));
	assert_true(timer_del(&t));
}

/* Put `cpu` through idle entry with the tick stopped (nothing due within a tick). */
static void enter_idle(uint32_t cpu)
{
	struct timer_next nx;

	host_set_cpu(cpu);
	timer_next_event(true, &nx);
	assert_false(nx.within_tick);
	host_set_cpu(0);
}

static void test_add_on_kicks_an_idle_cpu_only_for_a_new_first_timer(void **state)
{
	struct timer a, b, c;

	(void)state;
	timer_setup(&a, plain, 0);
	timer_setup(&b, plain, 0);
	timer_setup(&c, plain, 0);
	enter_idle(2);
	timer_add_on(&a, START_J + 100, 2);
	assert_int_equal(host_kicks(2), 1);
	timer_add_on(&b, START_J + 200, 2);	/* not first */
	assert_int_equal(host_kicks(2), 1);
	timer_add_on(&c, START_J + 50, 2);	/* new first */
	assert_int_equal(host_kicks(2), 2);
	assert_int_equal(host_kicks(0) + host_kicks(1) + host_kicks(3), 0);
	/* the kicked CPU re-evaluates and finds c first */
	host_set_cpu(2);
	assert_int_equal(timer_next_event(true, NULL), ns_of(START_J + 51));
	assert_true(timer_del(&a) && timer_del(&b) && timer_del(&c));
}

static void test_no_kick_when_the_target_is_awake_or_is_this_cpu(void **state)
{
	struct timer a, b, c;

	(void)state;
	timer_setup(&a, plain, 0);
	timer_setup(&b, plain, 0);
	timer_setup(&c, plain, 0);
	timer_add_on(&a, START_J + 100, 1);	/* CPU 1 never went idle */
	enter_idle(2);
	host_set_cpu(2);
	timer_next_event(false, NULL);		/* a mere query: still idle-marked */
	timer_idle_exit();
	host_set_cpu(0);
	timer_add_on(&b, START_J + 100, 2);	/* left idle */
	enter_idle(0);
	timer_add_on(&c, START_J + 100, 0);	/* this CPU itself */
	assert_int_equal(host_kicks(0) + host_kicks(1) + host_kicks(2), 0);
	assert_true(timer_del(&a) && timer_del(&b) && timer_del(&c));
}

static void test_query_without_mark_idle_never_leads_to_kicks(void **state)
{
	struct timer a;

	(void)state;
	timer_setup(&a, plain, 0);
	host_set_cpu(2);
	timer_next_event(false, NULL);
	host_set_cpu(0);
	timer_add_on(&a, START_J + 100, 2);
	assert_int_equal(host_kicks(2), 0);
	assert_true(timer_del(&a));
}

/* ---- next event (design §1.10) ---- */

static void test_next_event_exports_global_only_when_it_comes_first(void **state)
{
	struct timer l, g;
	struct timer_next nx;

	(void)state;
	timer_setup(&l, plain, TIMER_PINNED);
	timer_setup(&g, plain, 0);
	timer_add(&l, START_J + 20);
	timer_add(&g, START_J + 40);
	assert_int_equal(timer_next_event(false, &nx), ns_of(START_J + 21));
	assert_int_equal(nx.local_ns, ns_of(START_J + 21));
	assert_int_equal(nx.global_ns, TIMER_NO_EVENT);	/* local first: wakes anyway */
	assert_false(nx.within_tick);
	assert_true(timer_mod(&g, START_J + 10));
	assert_int_equal(timer_next_event(false, &nx), ns_of(START_J + 11));
	assert_int_equal(nx.global_ns, ns_of(START_J + 11));
	/* no hierarchy yet: the CPU wakes for its own global event */
	assert_int_equal(nx.local_ns, ns_of(START_J + 11));
	assert_true(timer_del(&l));
	assert_int_equal(timer_next_event(false, &nx), ns_of(START_J + 11));
	assert_int_equal(nx.global_ns, ns_of(START_J + 11));
	/* equal expiries count as local first */
	timer_add(&l, START_J + 10);
	timer_next_event(false, &nx);
	assert_int_equal(nx.global_ns, TIMER_NO_EVENT);
	assert_int_equal(nx.local_ns, ns_of(START_J + 11));
	assert_true(timer_del(&l) && timer_del(&g));
}

static void test_next_event_within_a_tick_keeps_the_tick_and_marks_nothing(void **state)
{
	struct timer l, g, x;
	struct timer_next nx;

	(void)state;
	timer_setup(&l, plain, TIMER_PINNED);
	timer_setup(&g, plain, 0);
	timer_setup(&x, plain, TIMER_PINNED);
	timer_add(&g, START_J);			/* runs at START_J + 1 */
	timer_add(&l, START_J + 30);
	assert_int_equal(timer_next_event(true, &nx), ns_of(START_J + 1));
	assert_true(nx.within_tick);
	assert_int_equal(nx.local_ns, ns_of(START_J + 1));
	assert_int_equal(nx.global_ns, ns_of(START_J + 1));
	/* overdue: clamped to now */
	set_jiffies(START_J + 5);
	assert_int_equal(timer_next_event(true, &nx), ns_of(START_J + 5));
	assert_true(nx.within_tick);
	/* nothing was marked idle: a remote enqueue of a new first timer does not kick */
	host_set_cpu(1);
	timer_add_on(&x, START_J + 6, 0);
	assert_int_equal(host_kicks(0), 0);
	/* two jiffies away is not within a tick */
	host_set_cpu(0);
	run_all_at(START_J + 20);
	assert_int_equal(timer_next_event(false, &nx), ns_of(START_J + 31));
	assert_false(nx.within_tick);
	assert_int_equal(nx.global_ns, TIMER_NO_EVENT);
	set_jiffies(START_J + 29);
	timer_next_event(false, &nx);
	assert_false(nx.within_tick);
	set_jiffies(START_J + 30);
	timer_next_event(false, &nx);
	assert_true(nx.within_tick);
	assert_int_equal(nx.global_ns, TIMER_NO_EVENT);
	assert_true(timer_del(&l));
}

static void test_idle_marking_needs_mark_idle_and_idle_exit_clears_it(void **state)
{
	struct timer a, b, c;

	(void)state;
	timer_setup(&a, plain, 0);
	timer_setup(&b, plain, 0);
	timer_setup(&c, plain, 0);
	host_set_cpu(1);
	timer_next_event(false, NULL);
	host_set_cpu(0);
	timer_add_on(&a, START_J + 100, 1);
	assert_int_equal(host_kicks(1), 0);
	enter_idle(1);
	timer_add_on(&b, START_J + 50, 1);
	assert_int_equal(host_kicks(1), 1);
	host_set_cpu(1);
	timer_idle_exit();
	host_set_cpu(0);
	timer_add_on(&c, START_J + 10, 1);
	assert_int_equal(host_kicks(1), 1);
	assert_true(timer_del(&a) && timer_del(&b) && timer_del(&c));
}

/* ---- remote expiry ---- */

static void test_remote_run_expires_global_timers_on_the_calling_cpu(void **state)
{
	struct timer g1, g2, p;

	(void)state;
	timer_setup(&g1, plain, 0);
	timer_setup(&g2, plain, 0);
	timer_setup(&p, plain, TIMER_PINNED);
	timer_add(&g1, START_J + 5);
	timer_add(&g2, START_J + 500);
	timer_add(&p, START_J + 5);
	set_jiffies(START_J + 6);
	host_set_cpu(3);
	assert_int_equal(timer_run_remote(0), 1);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].t, &g1);
	assert_int_equal(recs[0].cpu, 3);
	assert_true(recs[0].irqs_off);
	assert_int_equal(timer_run_remote(0), 0);
	host_set_cpu(0);
	timer_run_cpu();
	assert_int_equal(nrec, 2);
	assert_int_equal(recs[1].t, &p);
	assert_true(timer_del(&g2));
}

/*
 * Race 1 of timer.c: the owner wakes while a migrator catches up on its
 * GLOBAL base.  The migrator has collected jiffy 1006 (x) but not yet 1008
 * (y) when x's callback runs; the owner's timer_run_cpu() inside it must
 * leave y to the migrator instead of running it concurrently.
 */
static void test_owner_does_not_expire_a_base_a_migrator_is_expiring(void **state)
{
	struct tt x;
	struct timer y;

	(void)state;
	tt_setup(&x, ACT_OWNER_RUNS, 0);
	timer_setup(&y, plain, 0);
	x.arg = 0;
	timer_add(&x.t, START_J + 5);
	timer_add(&y, START_J + 7);
	set_jiffies(START_J + 10);
	host_set_cpu(2);
	assert_int_equal(timer_run_remote(0), 2);
	host_set_cpu(0);
	assert_int_equal(nrec, 2);
	assert_int_equal(recs[0].t, &x.t);
	assert_int_equal(recs[1].t, &y);
	assert_int_equal(recs[1].cpu, 2);
}

/* ---- jiffies wrap ---- */

static void test_timers_across_the_jiffies_wrap_fire_in_order(void **state)
{
	static struct timer ts[6];
	const uint64_t delay[6] = { 1, 20, 70, 100, 600, 5000 };
	uint64_t start;

	(void)state;
	bias = UINT64_MAX - 49;			/* jiffies = 2^64 - 50 at ns 0 ... */
	set_jiffies(UINT64_MAX - 49 + 10);	/* ... and 2^64 - 40 now */
	timer_init(HZ, bias);
	timer_cpu_init(0);
	start = now_j();
	assert_int_equal(start, UINT64_MAX - 39);
	for (int i = 0; i < 6; i++) {
		timer_setup(&ts[i], plain, i & 1 ? TIMER_PINNED : 0);
		timer_add(&ts[i], start + delay[i]);
	}
	assert_int_equal(timer_next_event(false, NULL), ns_of(start + 2));
	for (uint64_t d = 1; d <= 6000; d++)
		run_all_at(start + d);
	assert_int_equal(nrec, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(recs[i].t, &ts[i]);
		/* never early, within one granule of the level */
		assert_true((int64_t)(recs[i].j - (start + delay[i])) >= 1);
		assert_true(recs[i].j - (start + delay[i]) <=
			    (delay[i] < 63 ? 1 : delay[i] < 504 ? 8 : delay[i] < 4032 ? 64 : 512));
	}
	assert_true(recs[5].j < 10000);		/* wrapped past zero */
	assert_int_equal(timer_next_event(false, NULL), TIMER_NO_EVENT);
}

static void test_a_long_idle_empty_base_places_new_timers_against_now(void **state)
{
	struct timer t;
	uint64_t j = START_J + (3ull << 30);	/* longer than the empty-base marker */

	(void)state;
	timer_setup(&t, plain, 0);
	set_jiffies(j);
	timer_add(&t, j + 10);
	assert_int_equal(t.bucket / 64, 0);
	assert_int_equal(timer_next_event(false, NULL), ns_of(j + 11));
	run_all_at(j + 11);
	assert_int_equal(nrec, 1);
}

/* ---- misuse ---- */

static void assert_one_bug_naming(const char *what, const char *name)
{
	if (host_bug_count() != 1)
		fail_msg("expected one bug (%s), got %u: \"%s\"", what, host_bug_count(),
			 host_last_bug());
	if (!strstr(host_last_bug(), what) || !strstr(host_last_bug(), name))
		fail_msg("bug \"%s\" lacks \"%s\" or \"%s\"", host_last_bug(), what, name);
	host_bug_reset();
}

static void my_handler(struct timer *t)
{
	record(t);
}

static void test_double_add_is_reported_and_changes_nothing(void **state)
{
	struct timer t;

	(void)state;
	timer_setup(&t, my_handler, 0);
	timer_add(&t, START_J + 10);
	timer_add(&t, START_J + 500);
	assert_one_bug_naming("already pending", "my_handler");
	timer_add_on(&t, START_J + 500, 2);
	assert_one_bug_naming("already pending", "my_handler");
	assert_int_equal(t.expires, START_J + 10);
	assert_true(is_on(&t, 0, false));
	run_all_at(START_J + 11);
	assert_int_equal(nrec, 1);
	run_all_at(START_J + 600);
	assert_int_equal(nrec, 1);
}

static void test_null_callback_is_reported_and_never_queued(void **state)
{
	struct timer t;

	(void)state;
	timer_setup(&t, NULL, 0);
	assert_one_bug_naming("NULL callback", "NULL");
	timer_add(&t, START_J + 10);
	assert_one_bug_naming("NULL callback", "NULL");
	assert_false(timer_pending(&t));
	run_all_at(START_J + 100);
	assert_int_equal(host_bug_count(), 0);
}

static void test_timer_never_set_up_is_reported_by_every_entry_point(void **state)
{
	struct timer t;

	(void)state;
	memset(&t, 0x5a, sizeof(t));
	t.pprev = NULL;
	timer_add(&t, START_J + 10);
	assert_one_bug_naming("never set up", "timer_add");
	timer_mod(&t, START_J + 10);
	assert_one_bug_naming("never set up", "timer_mod");
	timer_add_on(&t, START_J + 10, 1);
	assert_one_bug_naming("never set up", "timer_add_on");
	assert_false(timer_del(&t));
	assert_one_bug_naming("never set up", "timer_del");
	assert_false(timer_del_sync(&t));
	assert_one_bug_naming("never set up", "timer_del_sync");
	timer_check_free(&t);			/* nothing can be queued: silent */
	assert_int_equal(host_bug_count(), 0);
	assert_int_equal(timer_next_event(false, NULL), TIMER_NO_EVENT);
}

static void test_timer_freed_while_pending_is_reported_and_unlinked(void **state)
{
	struct timer t, u;

	(void)state;
	timer_setup(&t, my_handler, 0);
	timer_setup(&u, plain, 0);
	timer_add(&t, START_J + 10);
	timer_add(&u, START_J + 10);		/* same bucket as t */
	timer_check_free(&t);
	assert_one_bug_naming("freed while pending", "my_handler");
	assert_false(timer_pending(&t));
	memset(&t, 0xee, sizeof(t));		/* "freed": the wheel must not touch it */
	run_all_at(START_J + 11);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].t, &u);
	/* after check_free a timer must be set up again */
	timer_setup(&t, my_handler, 0);
	timer_check_free(&t);
	assert_int_equal(host_bug_count(), 0);
	timer_add(&t, START_J + 20);
	assert_one_bug_naming("timer_check_free", "my_handler");
}

static void test_timer_freed_while_its_callback_runs_elsewhere_is_reported(void **state)
{
	struct tt x;

	(void)state;
	tt_setup(&x, ACT_FREE_FROM_CPU, 0);
	x.arg = 2;
	timer_add(&x.t, START_J + 3);
	run_all_at(START_J + 4);
	assert_one_bug_naming("callback runs on CPU 0", "act");
	/* freeing from the callback's own CPU is the normal pattern */
	tt_setup(&x, ACT_FREE_FROM_CPU, 0);
	x.arg = 0;
	timer_add(&x.t, START_J + 10);
	run_all_at(START_J + 11);
	assert_int_equal(host_bug_count(), 0);
}

/* ---- statistics ---- */

static void test_statistics_count_arming_firing_deleting_and_kicks(void **state)
{
	struct timer a, b, c;
	struct timer_stats s0, s2;

	(void)state;
	timer_setup(&a, plain, 0);
	timer_setup(&b, plain, 0);
	timer_setup(&c, plain, 0);
	enter_idle(2);
	timer_add(&a, START_J + 5);		/* all charged to CPU 0, which acts */
	timer_add(&b, START_J + 5);
	assert_true(timer_mod(&b, START_J + 300));	/* deleted + added */
	assert_true(timer_mod(&b, START_J + 300));	/* unchanged: not counted */
	timer_add_on(&c, START_J + 5, 2);	/* added; CPU 0 kicks CPU 2 */
	host_set_cpu(1);
	assert_true(timer_del(&b));		/* CPU 1 deletes CPU 0's timer */
	host_set_cpu(0);
	run_all_at(START_J + 6);		/* a fires on CPU 0, c on CPU 2 */
	timer_get_stats(0, &s0);
	timer_get_stats(2, &s2);
	assert_int_equal(s0.added, 4);
	assert_int_equal(s0.deleted, 1);
	assert_int_equal(s0.fired, 1);
	assert_int_equal(s0.kicks_sent, 1);
	assert_int_equal(s2.added, 0);
	assert_int_equal(s2.fired, 1);
	assert_int_equal(s2.kicks_sent, 0);
	timer_get_stats(1, &s2);
	assert_int_equal(s2.deleted, 1);
	assert_int_equal(s2.added + s2.fired + s2.kicks_sent, 0);
	timer_get_stats(TIMER_MAX_CPUS, &s0);
	assert_int_equal(s0.added, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_add_makes_pending_and_del_reports_it_once),
		T(test_fires_once_at_its_bucket_and_can_be_re_added),
		T(test_mod_arms_an_idle_timer_and_moves_a_pending_one),
		T(test_mod_within_the_same_bucket_keeps_it_correct),
		T(test_next_event_follows_adds_and_deletes),
		T(test_callbacks_run_with_interrupts_off_on_the_owning_cpu),
		T(test_callback_can_add_another_timer),
		T(test_callback_deleting_a_timer_of_the_same_bucket_stops_it),
		T(test_callback_moving_a_collected_timer_to_the_same_index_does_not_run_it_early),
		T(test_callback_deleting_itself_gets_false_and_nothing_breaks),
		T(test_callback_re_arming_itself_runs_periodically),
		T(test_callback_re_arming_itself_in_the_past_runs_once_per_jiffy),
		T(test_del_sync_from_own_callback_does_not_wait),
		T(test_del_sync_waits_for_a_callback_running_on_another_cpu),
		T(test_del_sync_waits_for_a_callback_whose_timer_add_on_moved_away),
		T(test_arming_moves_the_timer_to_the_arming_cpu),
		T(test_arming_a_timer_whose_callback_runs_keeps_it_on_that_base),
		T(test_add_on_pins_the_timer_to_that_cpu_where_it_fires),
		T(test_add_on_kicks_an_idle_cpu_only_for_a_new_first_timer),
		T(test_no_kick_when_the_target_is_awake_or_is_this_cpu),
		T(test_query_without_mark_idle_never_leads_to_kicks),
		T(test_next_event_exports_global_only_when_it_comes_first),
		T(test_next_event_within_a_tick_keeps_the_tick_and_marks_nothing),
		T(test_idle_marking_needs_mark_idle_and_idle_exit_clears_it),
		T(test_remote_run_expires_global_timers_on_the_calling_cpu),
		T(test_owner_does_not_expire_a_base_a_migrator_is_expiring),
		T(test_timers_across_the_jiffies_wrap_fire_in_order),
		T(test_a_long_idle_empty_base_places_new_timers_against_now),
		T(test_double_add_is_reported_and_changes_nothing),
		T(test_null_callback_is_reported_and_never_queued),
		T(test_timer_never_set_up_is_reported_by_every_entry_point),
		T(test_timer_freed_while_pending_is_reported_and_unlinked),
		T(test_timer_freed_while_its_callback_runs_elsewhere_is_reported),
		T(test_statistics_count_arming_firing_deleting_and_kicks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
