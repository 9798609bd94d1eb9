// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/tmigr + kernel/timer: seeded random sequences of whole operations
 * on the deterministic scheduler (tests/host/tmsim.h) keep every invariant
 * of docs/invariants.md §5.2 and run every timer exactly once, on time.
 *
 * One vCPU runs at a time and every operation runs to its end, so the
 * hierarchy is quiescent between two of them: after EVERY operation the
 * quiescent checker (tmigr_check_quiescent: Q1, Q2, A11, Q4, Q5, Q7, Q9)
 * and the timer oracle (each timer once, never before its expiry, at the
 * latest its bucket expiry plus one jiffy; A13) run; A1 runs at every
 * yield point and Q12 after every interrupt, as in every tmsim test.
 * Races inside an operation are the scripted tests' business; here the
 * subject is the sequence: which events must move up, be refreshed or be
 * re-exported after a given history of arming, cancelling, re-arming,
 * idling, waking, remote expiry and parking.  Those histories are what the
 * free-running stress test reaches only by volume (and only at 64 and 512
 * CPUs for some of them); here they come from a seed, on small deep trees,
 * and replay exactly.
 *
 * Operations, chosen at random with fixed weights (the CPU and the timer
 * at random too; a choice that does not apply now is drawn again):
 *   arm      a global timer on an online CPU (timer_add), delay on level 0
 *            (1..58 jiffies), 1 (66..495) or 2 (512..900) of the wheel
 *            (kernel/timer.c §1.2), away from the level boundaries so the
 *            level does not depend on a base clock that lags by a jiffy
 *   pin      the same, pinned (LOCAL base)
 *   arm_on   a pinned timer from one CPU onto another (timer_add_on); the
 *            kick it sends to an idle target is delivered as an interrupt
 *   mod      re-arm a pending timer from an online CPU (timer_mod: it moves
 *            to that CPU's base), new delay as above
 *   cancel   a pending timer (timer_del), from an online CPU
 *   re-add   a cancelled timer, for the same expiry, on the CPU that armed
 *            it (timer_add): the CPU may still hold an ignored event of
 *            exactly that expiry
 *   idle     an active CPU goes idle (tmsim_idle: kernel/idle.c's decision)
 *   wake     an idle CPU leaves idle (work handed to it: tmsim_wake)
 *   advance  1..4 jiffies mostly, up to 200 sometimes: ticks to active
 *            CPUs, interrupts to idle ones whose deadline passed
 *   park     an active CPU whose bases hold no pending timer leaves the
 *            hierarchy (never the last online one); R-03's hand-over may
 *            force another CPU active
 *   online   a parked CPU comes back
 * At the end the run drains: time advances past the latest allowed jiffy
 * of every pending timer, and each timer armed and not cancelled must have
 * run exactly once.
 *
 * Several CPU counts, each with several seeds, bounded by operations, not
 * by the clock.  test_tmigr_random_ops_keep_invariants is built with the
 * kernel's fan-out 8 (3 CPUs: one group; 8: one full group; 17: three
 * groups under a root) and as _f2 with fan-out 2 (2, 3, 5 levels).
 *
 * A failure prints the seed, the CPU count and the whole operation list
 * (the tmsim trace of the last yield points comes before it).
 * TMIGR_RANDOM_SEED=S replays seed S alone in every test: the test then
 * fails if S fails, and otherwise reports itself skipped, since the
 * default seeds did not run (a replay never passes for the whole suite;
 * tests/run-host-tests.sh counts skips).  TMIGR_RANDOM_OPS=N changes the
 * operations per seed (to hunt with more); the count is part of the replay.
 *
 * It bites: mutants P-01 (a group's first expiry gets earlier and its
 * parent keeps the later one) and P-02 (an idle CPU arms a timer whose
 * expiry equals that of its own ignored event and does not re-export it)
 * in kernel/tmigr.c fail it within the default seeds, and so do R-04,
 * and R-11 (tests/host/tmigr_mutants.txt).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_arch.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "lib/rand.h"
#include "tmsim.h"
#include "tmsim_steps.h"

#define TIMERS_PER_CPU	4
#define DEFAULT_OPS	300
#define MAX_OPS		20000
#define OP_TEXT		48

enum op {
	OP_ARM, OP_PIN, OP_ARM_ON, OP_MOD, OP_CANCEL, OP_READD, OP_IDLE, OP_WAKE,
	OP_ADVANCE, OP_PARK, OP_ONLINE, OP_COUNT
};

/* relative weights of the operations (they happen to sum to 100) */
static const unsigned weight[OP_COUNT] = {
	[OP_ARM] = 16, [OP_PIN] = 6, [OP_ARM_ON] = 4, [OP_MOD] = 8, [OP_CANCEL] = 6,
	[OP_READD] = 6, [OP_IDLE] = 22, [OP_WAKE] = 8, [OP_ADVANCE] = 20, [OP_PARK] = 2,
	[OP_ONLINE] = 2,
};

struct run {
	struct rand_state rng;
	uint64_t seed;
	uint32_t ncpus, nops;
	struct tmsim_timer timers[TMSIM_MAX_CPUS * TIMERS_PER_CPU];
	char names[TMSIM_MAX_CPUS * TIMERS_PER_CPU][12];
	char (*log)[OP_TEXT];		/* the operations done, for the failure report */
	uint32_t logged, log_cap;
};

static struct run run;

static uint32_t ntimers(void)
{
	return run.ncpus * TIMERS_PER_CPU;
}

static void note_op(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void note_op(const char *fmt, ...)
{
	char *line;
	va_list ap;
	int n;

	if (run.logged >= run.log_cap)
		return;		/* cannot happen: two lines per operation at most */
	line = run.log[run.logged];
	n = snprintf(line, OP_TEXT, "j%" PRIu64 " ", tmsim_jiffies() - TMSIM_START_J);
	va_start(ap, fmt);
	vsnprintf(line + n, OP_TEXT - (size_t)n, fmt, ap);
	va_end(ap);
	tmsim_note("op %s", line);
	run.logged++;
}

static void print_ops(void)
{
	printf("random ops: seed %" PRIu64 ", %u CPUs, fan-out %u, %u operations (replay: "
	       "TMIGR_RANDOM_SEED=%" PRIu64 " TMIGR_RANDOM_OPS=%u):\n", run.seed, run.ncpus,
	       (unsigned)TMIGR_FANOUT, run.logged, run.seed, run.nops);
	for (uint32_t i = 0; i < run.logged; i++)
		printf("  %4u  %s\n", i, run.log[i]);
	fflush(stdout);
}

static bool pending(const struct tmsim_timer *tt)
{
	return tt->name && !tt->cancelled && tt->runs == 0;
}

static uint64_t pick_delay(void)
{
	switch (rand_range(&run.rng, 0, 9)) {
	case 0 ... 5:
		return rand_range(&run.rng, 1, 58);		/* level 0 */
	case 6 ... 8:
		return rand_range(&run.rng, 66, 495);		/* level 1, granule 8 */
	default:
		return rand_range(&run.rng, 512, 900);		/* level 2, granule 64 */
	}
}

static uint64_t pick_advance(void)
{
	switch (rand_range(&run.rng, 0, 19)) {
	case 0 ... 13:
		return rand_range(&run.rng, 1, 4);
	case 14 ... 18:
		return rand_range(&run.rng, 5, 40);
	default:
		return rand_range(&run.rng, 41, 200);
	}
}

/* A random CPU in `mode` (online: anything but offline), or -1. */
static int pick_cpu(int mode)
{
	uint32_t n = 0, which;
	int c;

	for (c = 0; c < (int)run.ncpus; c++)
		if (mode < 0 ? tmsim_mode((uint32_t)c) != TMSIM_OFFLINE :
		    tmsim_mode((uint32_t)c) == (enum tmsim_mode)mode)
			n++;
	if (!n)
		return -1;
	which = (uint32_t)rand_range(&run.rng, 0, n - 1);
	for (c = 0; c < (int)run.ncpus; c++)
		if (mode < 0 ? tmsim_mode((uint32_t)c) != TMSIM_OFFLINE :
		    tmsim_mode((uint32_t)c) == (enum tmsim_mode)mode)
			if (!which--)
				return c;
	return -1;
}

#define ANY_ONLINE	(-1)

/* A random timer, pending or not as asked, or NULL. */
static struct tmsim_timer *pick_timer(bool want_pending)
{
	uint32_t i = (uint32_t)rand_range(&run.rng, 0, ntimers() - 1);

	for (uint32_t k = 0; k < ntimers(); k++) {
		struct tmsim_timer *tt = &run.timers[(i + k) % ntimers()];

		if (pending(tt) == want_pending)
			return tt;
	}
	return NULL;
}

static bool cpu_holds_timers(uint32_t cpu)
{
	for (uint32_t i = 0; i < ntimers(); i++) {
		const struct tmsim_timer *tt = &run.timers[i];

		if (pending(tt) && tt->t.cpu == cpu)
			return true;
	}
	return false;
}

static uint32_t online_count(void)
{
	uint32_t n = 0;

	for (uint32_t c = 0; c < run.ncpus; c++)
		n += tmsim_mode(c) != TMSIM_OFFLINE;
	return n;
}

/* After every operation: nothing in flight, so every quiescent invariant and the oracle. */
static void check_all(void)
{
	tmsim_check_quiescent();
	tmsim_check_timers();
	if (tmsim_failed()) {
		print_ops();
		fail_msg("seed %" PRIu64 ", %u CPUs: %s", run.seed, run.ncpus, tmsim_failure());
	}
}

/* Every operation runs to its end: nothing here stops it at a yield point. */
static void must(enum tmsim_stop st)
{
	if (st != TMSIM_DONE)
		tmsim_failf("operation stopped (state %d) instead of completing", (int)st);
	check_all();
}

static void deliver_kick(uint32_t target, uint32_t kicks_before)
{
	if (tmsim_mode(target) == TMSIM_IDLE && host_kicks(target) != kicks_before) {
		note_op("kick cpu%u", target);
		must(tmsim_interrupt(target));
	}
}

/* One operation; false if the drawn one does not apply now (draw again). */
static bool one_op(void)
{
	unsigned total = 0, r, sum = 0;
	enum op op = OP_ADVANCE;
	struct tmsim_timer *tt;
	uint32_t kicks;
	int c, t;

	for (unsigned i = 0; i < OP_COUNT; i++)
		total += weight[i];
	r = (unsigned)rand_range(&run.rng, 0, total - 1);
	for (unsigned i = 0; i < OP_COUNT; i++) {
		sum += weight[i];
		if (r < sum) {
			op = (enum op)i;
			break;
		}
	}
	switch (op) {
	case OP_ARM:
	case OP_PIN:
		c = pick_cpu(ANY_ONLINE);
		tt = pick_timer(false);
		if (c < 0 || !tt)
			return false;
		tt->expires = tmsim_jiffies() + pick_delay();
		note_op("cpu%d %s %s j%" PRIu64, c, op == OP_PIN ? "pins" : "arms",
			run.names[tt - run.timers], tt->expires - TMSIM_START_J);
		must(tmsim_arm((uint32_t)c, tt, run.names[tt - run.timers], tt->expires,
			       op == OP_PIN));
		return true;
	case OP_ARM_ON:
		c = pick_cpu(ANY_ONLINE);
		t = pick_cpu(ANY_ONLINE);
		tt = pick_timer(false);
		if (c < 0 || t < 0 || c == t || !tt)
			return false;
		tt->expires = tmsim_jiffies() + pick_delay();
		note_op("cpu%d arms %s on cpu%d j%" PRIu64, c, run.names[tt - run.timers], t,
			tt->expires - TMSIM_START_J);
		kicks = host_kicks((uint32_t)t);
		must(tmsim_arm_on((uint32_t)c, (uint32_t)t, tt, run.names[tt - run.timers],
				  tt->expires, true));
		deliver_kick((uint32_t)t, kicks);
		return true;
	case OP_MOD:
		c = pick_cpu(ANY_ONLINE);
		tt = pick_timer(true);
		if (c < 0 || !tt)
			return false;
		t = tt->t.cpu;
		{
			uint64_t e = tmsim_jiffies() + pick_delay();

			note_op("cpu%d mods %s j%" PRIu64 " (on cpu%d)", c, tt->name,
				e - TMSIM_START_J, t);
			must(tmsim_mod((uint32_t)c, tt, e));
		}
		return true;
	case OP_CANCEL:
		c = pick_cpu(ANY_ONLINE);
		tt = pick_timer(true);
		if (c < 0 || !tt)
			return false;
		note_op("cpu%d cancels %s", c, tt->name);
		must(tmsim_cancel((uint32_t)c, tt));
		return true;
	case OP_READD:
		tt = pick_timer(false);
		if (!tt || !tt->name || tt->expires <= tmsim_jiffies() ||
		    tmsim_mode(tt->armed_on) == TMSIM_OFFLINE)
			return false;
		note_op("cpu%u re-adds %s j%" PRIu64, tt->armed_on, tt->name,
			tt->expires - TMSIM_START_J);
		must(tmsim_arm(tt->armed_on, tt, tt->name, tt->expires, tt->pinned));
		return true;
	case OP_IDLE:
		c = pick_cpu(TMSIM_ACTIVE);
		if (c < 0)
			return false;
		note_op("cpu%d idles", c);
		must(tmsim_idle((uint32_t)c));
		return true;
	case OP_WAKE:
		c = pick_cpu(TMSIM_IDLE);
		if (c < 0)
			return false;
		note_op("cpu%d wakes", c);
		must(tmsim_wake((uint32_t)c));
		return true;
	case OP_ADVANCE: {
		uint64_t k = pick_advance();

		note_op("advance %" PRIu64, k);
		tmsim_advance_to(tmsim_jiffies() + k);
		return true;
	}
	case OP_PARK:
		c = pick_cpu(TMSIM_ACTIVE);
		if (c < 0 || online_count() < 2 || cpu_holds_timers((uint32_t)c))
			return false;
		note_op("cpu%d parks", c);
		must(tmsim_park((uint32_t)c));
		return true;
	case OP_ONLINE:
		c = pick_cpu(TMSIM_OFFLINE);
		if (c < 0)
			return false;
		note_op("cpu%d comes online", c);
		must(tmsim_online((uint32_t)c));
		return true;
	default:
		return false;
	}
}

static void drain(void)
{
	uint64_t last = tmsim_jiffies();

	for (uint32_t i = 0; i < ntimers(); i++) {
		const struct tmsim_timer *tt = &run.timers[i];

		if (pending(tt) && tmsim_bucket_expiry(tt) + 2 > last)
			last = tmsim_bucket_expiry(tt) + 2;
	}
	/* the machine goes quiet: idle CPUs take only their own interrupts */
	for (uint32_t c = 0; c < run.ncpus; c++) {
		if (tmsim_mode(c) == TMSIM_ACTIVE) {
			note_op("cpu%u idles", c);
			must(tmsim_idle(c));
		}
	}
	note_op("drain to j%" PRIu64, last - TMSIM_START_J);
	tmsim_advance_to(last);
	check_all();
	for (uint32_t i = 0; i < ntimers(); i++) {
		const struct tmsim_timer *tt = &run.timers[i];

		if (tt->name)
			tmsim_timer_ok(tt);
	}
	check_all();
}

static void run_seed(uint32_t ncpus, uint64_t seed, uint32_t nops)
{
	memset(&run.timers, 0, sizeof(run.timers));
	run.ncpus = ncpus;
	run.seed = seed;
	run.nops = nops;
	run.logged = 0;
	rand_seed(&run.rng, seed * 0x100000001b3ull + ncpus);
	for (uint32_t i = 0; i < ntimers(); i++)
		snprintf(run.names[i], sizeof(run.names[i]), "T%u", i);
	/* names are given at the first arming; before it `name` NULL means "never armed" */
	tmsim_start_n(ncpus);
	host_kicks_reset();
	note_op("start: %u CPUs active, seed %" PRIu64, ncpus, seed);
	check_all();
	for (uint32_t i = 0; i < nops; i++) {
		uint32_t tries = 0;

		while (!one_op() && ++tries < 64)
			;
		check_all();
	}
	drain();
	tmsim_stop();
}

static uint64_t env_u64(const char *name, uint64_t dflt, bool *set)
{
	const char *s = getenv(name);
	char *end;
	uint64_t v;

	if (set)
		*set = false;
	if (!s || !*s)
		return dflt;
	v = strtoull(s, &end, 0);
	if (*end) {
		fprintf(stderr, "%s=%s: not a number\n", name, s);
		abort();
	}
	if (set)
		*set = true;
	return v;
}

static void random_ops(uint32_t ncpus, uint64_t seeds)
{
	uint32_t nops = (uint32_t)env_u64("TMIGR_RANDOM_OPS", DEFAULT_OPS, NULL);
	bool replay;
	uint64_t seed = env_u64("TMIGR_RANDOM_SEED", 0, &replay);

	if (nops > MAX_OPS)
		nops = MAX_OPS;
	run.log_cap = 2 * nops + TMSIM_MAX_CPUS + 4;	/* an operation and its kick; start, drain */
	run.log = calloc(run.log_cap, sizeof(*run.log));
	assert_non_null(run.log);
	if (replay) {
		run_seed(ncpus, seed, nops);
		free(run.log);
		run.log = NULL;
		skip();		/* one seed passed: the default seeds did not run */
		return;
	}
	for (seed = 1; seed <= seeds; seed++)
		run_seed(ncpus, seed, nops);
	free(run.log);
	run.log = NULL;
}

/*
 * The three tests differ only in the tree: at fan-out 8, one group of 3,
 * one full group of 8, three groups under a root for 17; at fan-out 2 (the
 * _f2 program) trees of 2, 3 and 5 levels, where an event may have to
 * climb four groups and a remote expiry re-walks as many.
 */
static void test_random_ops_on_3_cpus_keep_invariants_and_timers(void **state)
{
	(void)state;
	random_ops(3, 32);
}

static void test_random_ops_on_8_cpus_keep_invariants_and_timers(void **state)
{
	(void)state;
	random_ops(8, 4);
}

static void test_random_ops_on_17_cpus_keep_invariants_and_timers(void **state)
{
	(void)state;
	random_ops(17, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_random_ops_on_3_cpus_keep_invariants_and_timers, teardown),
		cmocka_unit_test_teardown(test_random_ops_on_8_cpus_keep_invariants_and_timers, teardown),
		cmocka_unit_test_teardown(test_random_ops_on_17_cpus_keep_invariants_and_timers, teardown),
	};
	tmsim_test_filter();	/* TMSIM_TEST=<name>: that test only (run-mutants.sh) */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
