// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The residency record's sequence counter (kernel/residency.c,
 * "Publishing"): a reader never takes a torn record for a whole one.
 *
 * A record is whole when it satisfies what every publish keeps:
 *   the sums of the ended phases plus the phase in progress up to the
 *   reader's clock equal the time since the CPU was first counted;
 *   the wake-ups by cause and the idle-period histogram each add up to
 *   the wake-ups; an idle period is in progress exactly when one more
 *   was begun than ended.
 * A copy made of words from two publishes breaks one of them: the
 * scripted wake-up below ends a long idle period, whose histogram bucket
 * lies in the second half of the record while the wake-up count lies in
 * the first.
 *
 * Two interleavings are forced at the yield points halfway through a
 * publish and through a copy (single thread, switching CPUs):
 *   a reader that starts while the owner is halfway through a publish
 *   (mutant S01: seq not made odd first) must refuse the copy;
 *   a publish that runs entirely while the reader is halfway through its
 *   copy (mutant S02: seq not checked again) must make it refuse.
 * The third test runs a writer thread against a reader thread on the real
 * clock for a while: nothing is forced, every copy taken must be whole.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host_arch.h"
#include "kernel/idle.h"
#include "kernel/residency.h"
#include "kernel/tmigr.h"
#include "tmsim.h"

#define WRITER	1
#define READER	0
#define START_NS	1000000000ull
#define LONG_BUCKET	21	/* a 3 s idle period's histogram bucket */

/* the two halves the yield points split a publish and a copy into (see above) */
_Static_assert(offsetof(struct res_rec, wakeups) / 8 < RES_REC_WORDS / 2,
	       "the wake-up count must be in the first half of a record");
_Static_assert(offsetof(struct res_rec, hist[LONG_BUCKET]) / 8 >= RES_REC_WORDS / 2,
	       "the long period's bucket must be in the second half of a record");

/* Whole by the rules above; `start` is when the CPU was first counted. */
static bool whole(const struct res_rec *r, uint64_t at, uint64_t start, char *why, size_t n)
{
	uint64_t sum = r->busy_ns + r->poll_ns + r->parked_ns, causes = 0, hist = 0;
	bool in_idle = r->phase == RES_PH_IDLE || r->phase == RES_PH_POLL;

	for (int s = 0; s < RES_MAX_STATES; s++)
		sum += r->state_ns[s];
	for (int c = 0; c < WAKE_NR; c++)
		causes += r->by_cause[c];
	for (int k = 0; k < RES_HIST_BUCKETS; k++)
		hist += r->hist[k];
	if (sum != at - start)
		snprintf(why, n, "torn record: phases sum to %lu ns, %lu ns since the start",
			 (unsigned long)sum, (unsigned long)(at - start));
	else if (causes != r->wakeups || hist != r->wakeups)
		snprintf(why, n, "torn record: %lu wake-ups, %lu by cause, %lu in the histogram",
			 (unsigned long)r->wakeups, (unsigned long)causes, (unsigned long)hist);
	else if (r->entries - r->wakeups != (uint64_t)in_idle)
		snprintf(why, n, "torn record: %lu entries, %lu wake-ups, idle now %d",
			 (unsigned long)r->entries, (unsigned long)r->wakeups, in_idle);
	else
		return true;
	return false;
}

static int setup(void **state)
{
	(void)state;
	residency_reset();
	residency_init(2, NULL);
	host_clock_use_real(false);
	host_clock_set_ns(START_NS);
	tmigr_yield_hook = NULL;
	return 0;
}

/* The writer's first hook: counted from START_NS, then asleep. */
static void writer_sleeps(void)
{
	host_set_cpu(WRITER);
	host_clock_set_ns(START_NS);
	residency_idle_enter_state(0, true);
}

/* ---- a reader arrives halfway through a publish ---- */

static bool hook_read_ok;
static bool hook_ran;
static struct res_rec hook_rec;
static uint64_t hook_at;

static void read_at_publish_half(const char *where, const void *obj)
{
	(void)obj;
	if (strcmp(where, "residency.publish_half") || hook_ran)
		return;
	hook_ran = true;
	host_set_cpu(READER);
	hook_read_ok = residency_try_read(WRITER, &hook_rec, &hook_at);
	host_set_cpu(WRITER);
}

static void test_reader_refuses_a_record_halfway_published(void **state)
{
	char why[160];

	(void)state;
	assert_int_equal(residency_hist_bucket(3000000000ull), LONG_BUCKET);
	writer_sleeps();
	host_clock_set_ns(START_NS + 3000000000ull);	/* a 3 s idle period: LONG_BUCKET */
	hook_ran = false;
	tmigr_yield_hook = read_at_publish_half;
	residency_idle_exit(WAKE_OWN_PINNED);
	tmigr_yield_hook = NULL;
	assert_true(hook_ran);
	if (hook_read_ok) {
		if (hook_rec.state != RES_ABSENT && hook_at >= hook_rec.phase_ns) {
			uint64_t dt = hook_at - hook_rec.phase_ns;

			if (hook_rec.phase == RES_PH_IDLE)
				hook_rec.state_ns[hook_rec.phase_state] += dt;
			else
				hook_rec.busy_ns += dt;
		}
		if (!whole(&hook_rec, hook_at, START_NS, why, sizeof(why)))
			fail_msg("%s", why);
	}
	/* once the publish is over, the copy is taken and whole */
	host_set_cpu(READER);
	residency_read(WRITER, &hook_rec, &hook_at);
	assert_true(whole(&hook_rec, hook_at, START_NS, why, sizeof(why)));
	assert_int_equal(hook_rec.wakeups, 1);
}

/* ---- a whole publish lands halfway through a copy ---- */

static void publish_at_read_half(const char *where, const void *obj)
{
	(void)obj;
	if (strcmp(where, "residency.read_half") || hook_ran)
		return;
	hook_ran = true;
	host_set_cpu(WRITER);
	residency_idle_exit(WAKE_DUTY_RAN);	/* ends the 3 s period */
	host_set_cpu(READER);
}

static void test_reader_refuses_a_copy_a_publish_overlapped(void **state)
{
	struct res_rec r;
	uint64_t at;
	bool ok;
	char why[160];

	(void)state;
	writer_sleeps();
	host_clock_set_ns(START_NS + 3000000000ull);
	host_set_cpu(READER);
	hook_ran = false;
	tmigr_yield_hook = publish_at_read_half;
	ok = residency_try_read(WRITER, &r, &at);
	tmigr_yield_hook = NULL;
	assert_true(hook_ran);
	if (ok) {
		if (at >= r.phase_ns) {
			uint64_t dt = at - r.phase_ns;

			if (r.phase == RES_PH_IDLE)
				r.state_ns[r.phase_state] += dt;
			else
				r.busy_ns += dt;
		}
		if (!whole(&r, at, START_NS, why, sizeof(why)))
			fail_msg("%s", why);
	}
	residency_read(WRITER, &r, &at);
	assert_true(whole(&r, at, START_NS, why, sizeof(why)));
	assert_int_equal(r.by_cause[WAKE_DUTY_RAN], 1);
}

/* ---- a writer thread against a reader thread, real clock ---- */

#define WRITER_ROUNDS	200000

static uint64_t real_start;
static int writer_done;

static void *writer_main(void *arg)
{
	(void)arg;
	host_set_cpu(WRITER);
	for (uint32_t i = 0; i < WRITER_ROUNDS; i++) {
		residency_idle_enter_state(i % 3 == 2 ? 1 : 0, i % 3 != 2);
		residency_note_irq();
		residency_idle_exit((enum wake_cause)(i % WAKE_NR));
		if (i % 64 == 0)
			residency_note_vector(32 + i % 20);
	}
	__atomic_store_n(&writer_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_reader_thread_sees_only_whole_records_of_a_writer_thread(void **state)
{
	pthread_t t;
	uint32_t reads = 0;
	char why[160];

	(void)state;
	host_clock_use_real(true);
	host_set_cpu(WRITER);
	real_start = arch_now_ns();
	residency_idle_enter_state(0, true);	/* first counted: real_start or just after */
	residency_idle_exit(WAKE_TICK);
	host_set_cpu(READER);
	{
		struct res_rec r;
		uint64_t at;

		residency_read(WRITER, &r, &at);
		/* the start is phase sums' origin: recover it from a quiet read */
		real_start = at - (r.busy_ns + r.state_ns[0]);
	}
	__atomic_store_n(&writer_done, 0, __ATOMIC_RELAXED);
	assert_int_equal(pthread_create(&t, NULL, writer_main, NULL), 0);
	while (!__atomic_load_n(&writer_done, __ATOMIC_ACQUIRE) || reads < 1000) {
		struct res_rec r;
		uint64_t at;

		residency_read(WRITER, &r, &at);
		reads++;
		if (!whole(&r, at, real_start, why, sizeof(why)))
			fail_msg("read %u: %s", reads, why);
	}
	pthread_join(t, NULL);
	host_clock_use_real(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reader_refuses_a_record_halfway_published, setup),
		cmocka_unit_test_setup(test_reader_refuses_a_copy_a_publish_overlapped, setup),
		cmocka_unit_test_setup(test_reader_thread_sees_only_whole_records_of_a_writer_thread,
				       setup),
	};

	tmsim_test_filter();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
