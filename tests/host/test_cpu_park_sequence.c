// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The park sequence of kernel/cpuhp.c (docs/cpus.md §7.5) on the portable
 * core, one "CPU" switch at a time: the parking CPU leaves the hierarchy
 * (tmigr_clear_available) and moves its timers to the control CPU
 * (timer_migrate_cpu); later it rejoins (tmigr_set_available).  Around it
 * a small driver plays the idle loops: an idle CPU takes an interrupt when
 * its programmed deadline comes or when it is kicked, an active one every
 * jiffy, and each then decides again with timer_next_event().
 *
 * Proved: when the parking CPU is the last active one while the idle
 * CPUs' global events wait in the tree, another CPU is forced active and
 * takes them (none is late beyond its wheel granule); the parked CPU's
 * timers, global and pinned, fire once each, on the control CPU, none
 * early; nothing runs on the parked CPU; the hierarchy passes its
 * quiescent invariant check parked and after the unpark; the unparked CPU
 * takes timers again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "host_arch.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"

#define HZ		1000
#define TICK		1000000ull
#define START_J		1000
#define NCPUS		4
#define PARKER		1
#define CONTROL		0
#define UNPARK_J	(START_J + 120)
#define END_J		(START_J + 1200)

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

struct tt {
	struct timer t;
	uint64_t expires;
	uint32_t fires, cpu;
	uint64_t fired_j;
};

static struct tt timers[16];
static uint32_t ntimers;
static bool cpu_idle_sim[NCPUS], parked[NCPUS];
static uint64_t deadline[NCPUS];
static uint32_t kicks_seen[NCPUS];
static uint32_t forced_cpu, forced_calls;
static uint32_t ran_while_parked;

static void fired(struct timer *t)
{
	struct tt *x = container_of(t, struct tt, t);

	if (!x->fires++) {
		x->fired_j = timer_jiffies();
		x->cpu = arch_cpu_id();
	}
	if (parked[arch_cpu_id()])
		ran_while_parked++;
}

/* What kernel/idle.c's force_active does: the CPU leaves idle. */
static void plat_force_active(uint32_t cpu)
{
	uint32_t me = arch_cpu_id();

	forced_calls++;
	forced_cpu = cpu;
	host_set_cpu(cpu);
	timer_idle_exit();
	cpu_idle_sim[cpu] = false;
	host_set_cpu(me);
}

static const struct tmigr_platform plat = { .force_active = plat_force_active };

static void check_ok(void)
{
	char why[200];

	if (tmigr_check_quiescent(why, sizeof(why), true))
		fail_msg("invariant: %s", why);
}

/* The idle loop's decision on `cpu`: tickless with a one-shot, or ticking. */
static void decide(uint32_t cpu)
{
	struct timer_next nx;
	uint64_t d;

	host_set_cpu(cpu);
	d = timer_next_event(true, &nx);
	cpu_idle_sim[cpu] = !nx.within_tick;
	deadline[cpu] = nx.within_tick ? 0 : d;
}

static void interrupt(uint32_t cpu)
{
	host_set_cpu(cpu);
	timer_run_cpu();
	if (tmigr_requires_remote())
		tmigr_handle_remote();
}

/* One jiffy of every running CPU's idle loop. */
static void step(uint64_t j)
{
	host_clock_set_ns(j * TICK);
	for (uint32_t c = 0; c < NCPUS; c++) {
		bool kicked = host_kicks(c) != kicks_seen[c];

		if (parked[c])
			continue;
		kicks_seen[c] = host_kicks(c);
		if (!cpu_idle_sim[c] || kicked ||
		    (deadline[c] != TIMER_NO_EVENT && j * TICK >= deadline[c])) {
			interrupt(c);
			decide(c);
		}
	}
}

static void arm(uint32_t cpu, uint64_t delay, bool pinned)
{
	struct tt *x = &timers[ntimers++];

	host_set_cpu(cpu);
	memset(x, 0, sizeof(*x));
	timer_setup(&x->t, fired, pinned ? TIMER_PINNED : 0);
	x->expires = START_J + delay;
	timer_add(&x->t, x->expires);
}

/* The wheel's granule for a delay (docs/timer-wheel.md §1.2): the latest a timer may run. */
static uint64_t granule(uint64_t delay)
{
	return delay < 63 ? 1 : delay < 504 ? 8 : 64;
}

static void boot(void)
{
	struct tmigr_topology topo = { NCPUS, 1 };

	host_clock_use_real(false);
	host_clock_set_ns(START_J * TICK);
	host_set_cpu(0);
	timer_init(HZ, 0);
	for (uint32_t c = 0; c < NCPUS; c++)
		timer_cpu_init(c);
	tmigr_reset();
	assert_int_equal(tmigr_init(&topo, &plat), 0);
	assert_int_equal(tmigr_prepare(0, 0), 0);
	tmigr_set_available(0);
	for (uint32_t c = 1; c < NCPUS; c++)
		assert_int_equal(tmigr_prepare(c, 0), 0);
	for (uint32_t c = 1; c < NCPUS; c++) {
		host_set_cpu(c);
		tmigr_set_available(c);
	}
	memset(cpu_idle_sim, 0, sizeof(cpu_idle_sim));
	memset(parked, 0, sizeof(parked));
	memset(kicks_seen, 0, sizeof(kicks_seen));
	host_kicks_reset();
	host_bug_reset();
	ntimers = 0;
	forced_calls = 0;
	forced_cpu = NCPUS;
	ran_while_parked = 0;
}

/* kernel/cpuhp.c park_fn(), without the arch park loop. */
static void park(uint32_t cpu, uint32_t control)
{
	host_set_cpu(cpu);
	tmigr_clear_available(cpu);
	timer_migrate_cpu(cpu, control);
	parked[cpu] = true;
	cpu_idle_sim[cpu] = false;
}

static void unpark(uint32_t cpu)
{
	host_set_cpu(cpu);
	parked[cpu] = false;
	timer_cpu_online(cpu);
	tmigr_set_available(cpu);
	cpu_idle_sim[cpu] = false;	/* back from its park work: active, ticking */
}

static void test_last_active_cpu_parks_with_events_pending_and_nothing_is_lost(void **state)
{
	uint64_t parker_timers_from;

	(void)state;
	boot();
	arm(0, 30, false);
	arm(2, 50, false);
	arm(2, 70, true);
	arm(3, 20, false);
	arm(3, 400, false);
	parker_timers_from = ntimers;
	arm(PARKER, 0, false);		/* due at the next jiffy */
	arm(PARKER, 5, false);
	arm(PARKER, 40, false);
	arm(PARKER, 300, false);
	arm(PARKER, 15, true);
	arm(PARKER, 200, true);
	/* every other CPU idles: the parker is the last active CPU */
	decide(0);
	decide(2);
	decide(3);
	assert_true(cpu_idle_sim[0] && cpu_idle_sim[2] && cpu_idle_sim[3]);
	park(PARKER, CONTROL);
	/* the tree's events had nobody awake: one CPU was made to take them */
	if (forced_calls != 1)
		fail_msg("R-03: the last active CPU parked with events pending; force_active ran %u times, not once",
			 (unsigned)forced_calls);
	assert_true(forced_cpu != PARKER && forced_cpu < NCPUS);
	assert_false(tmigr_cpu_available(PARKER));
	host_set_cpu(PARKER);
	assert_int_equal(timer_next_event(false, NULL), TIMER_NO_EVENT);
	check_ok();
	for (uint64_t j = START_J; j < UNPARK_J; j++)
		step(j);
	host_set_cpu(0);
	check_ok();
	unpark(PARKER);
	arm(PARKER, UNPARK_J - START_J + 10, false);	/* it takes timers again */
	arm(PARKER, UNPARK_J - START_J + 12, true);
	for (uint64_t j = UNPARK_J; j < END_J; j++)
		step(j);
	for (uint32_t c = 0; c < NCPUS; c++)
		decide(c);
	host_set_cpu(0);
	check_ok();
	assert_int_equal(ran_while_parked, 0);
	for (uint32_t i = 0; i < ntimers; i++) {
		struct tt *x = &timers[i];
		uint64_t delay = x->expires - START_J;

		assert_int_equal(x->fires, 1);
		assert_true(x->fired_j >= x->expires);			/* never early */
		assert_true(x->fired_j <= x->expires + granule(delay));	/* nor stranded */
		if (i >= parker_timers_from && i < parker_timers_from + 6)
			assert_int_equal(x->cpu != PARKER || x->fired_j >= UNPARK_J, 1);
		assert_false(timer_pending(&x->t));
	}
	/* the pinned ones moved with their pin: they ran on the control CPU */
	assert_int_equal(timers[parker_timers_from + 4].cpu, CONTROL);
	assert_int_equal(timers[parker_timers_from + 5].cpu, CONTROL);
	assert_int_equal(timers[ntimers - 1].cpu, PARKER);	/* pinned after the unpark: its own */
	assert_int_equal(host_bug_count(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_active_cpu_parks_with_events_pending_and_nothing_is_lost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
