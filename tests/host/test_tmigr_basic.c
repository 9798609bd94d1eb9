// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/tmigr: the basic hand-over of global timers, one CPU switch at a
 * time (host_set_cpu), with the quiescent invariant checker after every
 * operation.
 *
 * Covered: the tree a 4-CPU and a 20-CPU boot builds (one root, levels as
 * design §2.2 says); an idle CPU's global timer run by the active migrator
 * at its tick, not by its owner; the last CPU going idle receives the first
 * event of everyone as its wake-up and, woken for it, expires it remotely
 * and takes the next one; a CPU that wakes handles its own timer again;
 * of two idle CPUs owing the same event, the one that finds it already
 * handled retires (tmigr.c "duplicate idle migrators", mutant R-26); the
 * tmigr=off fallback returns each CPU's own global event.
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
#include "host_support.h"
#include "tmsim.h"

#define HZ		1000
#define TICK		1000000ull
#define START_J		1000

static uint32_t fired_on[64];
static uint32_t fired_cpu;
static uint64_t fired_j;

static void set_j(uint64_t j)
{
	host_clock_set_ns(j * TICK);
}

static void fn_global(struct timer *t)
{
	(void)t;
	fired_cpu = arch_cpu_id();
	fired_on[fired_cpu]++;
	fired_j = timer_jiffies();
}

static void check_ok(void)
{
	char why[200];

	if (tmigr_check_quiescent(why, sizeof(why), true))
		fail_msg("invariant: %s", why);
}

static void boot(uint32_t ncpus)
{
	host_clock_use_real(false);
	set_j(START_J);
	assert_int_equal(host_boot_hierarchy(ncpus, HZ, 0), 0);
	memset(fired_on, 0, sizeof(fired_on));
	host_bug_reset();
	check_ok();
}

/* Idle entry as kernel/idle.c does it: returns the deadline to program. */
static uint64_t go_idle(uint32_t cpu)
{
	struct timer_next nx;
	uint64_t d;

	host_set_cpu(cpu);
	d = timer_next_event(true, &nx);
	assert_false(nx.within_tick);
	return d;
}

static void interrupt(uint32_t cpu)
{
	host_set_cpu(cpu);
	timer_run_cpu();
	if (tmigr_requires_remote())
		tmigr_handle_remote();
}

static void test_tree_shape(void **state)
{
	(void)state;
	boot(4);
	assert_int_equal(tmigr_levels(), 1);
	assert_int_equal(tmigr_group_level(tmigr_root()), 0);
	boot(20);
	assert_int_equal(tmigr_levels(), 2);
	assert_int_equal(tmigr_group_level(tmigr_root()), 1);
	assert_int_equal(tmigr_group_count(), 4);
	assert_int_equal(tmigr_group_mask(tmigr_cpu_group(0)), 1);
	assert_int_equal(tmigr_group_mask(tmigr_cpu_group(19)), 4);
	assert_int_equal(host_bug_count(), 0);
}

static void test_migrator_runs_idle_cpus_global_timer(void **state)
{
	struct timer t;

	(void)state;
	boot(20);
	host_set_cpu(9);
	timer_setup(&t, fn_global, 0);
	timer_add(&t, START_J + 10);
	assert_int_equal(go_idle(9), TIMER_NO_EVENT);	/* others are awake */
	for (uint32_t c = 1; c < 20; c++)
		if (c != 9)
			assert_int_equal(go_idle(c), TIMER_NO_EVENT);
	check_ok();
	set_j(START_J + 10);
	interrupt(0);
	assert_int_equal(fired_on[0], 0);	/* not due yet: runs a jiffy after */
	set_j(START_J + 11);
	interrupt(0);
	assert_int_equal(fired_on[0], 1);
	assert_int_equal(fired_j, START_J + 11);
	assert_false(timer_pending(&t));
	check_ok();
	assert_int_equal(host_bug_count(), 0);
}

static void test_last_idle_cpu_wakes_for_everyone(void **state)
{
	struct timer a, b;
	uint64_t d;

	(void)state;
	boot(20);
	host_set_cpu(9);
	timer_setup(&a, fn_global, 0);
	timer_setup(&b, fn_global, 0);
	timer_add(&a, START_J + 10);
	host_set_cpu(17);
	timer_add(&b, START_J + 30);
	for (uint32_t c = 1; c < 20; c++)
		go_idle(c);
	d = go_idle(0);			/* CPU0 is the last: the idle migrator */
	assert_int_equal(d, (START_J + 11) * TICK);
	check_ok();
	set_j(START_J + 11);
	interrupt(0);
	assert_int_equal(fired_on[0], 1);
	assert_int_equal(tmigr_cpu_wakeup(0), (START_J + 31) * TICK);
	d = go_idle(0);			/* idle re-evaluation: new-timer path */
	assert_int_equal(d, (START_J + 31) * TICK);
	check_ok();
	set_j(START_J + 31);
	interrupt(0);
	assert_int_equal(fired_on[0], 2);
	assert_int_equal(tmigr_cpu_wakeup(0), TMIGR_INF);
	check_ok();
	assert_int_equal(host_bug_count(), 0);
}

static void test_wake_then_run_own(void **state)
{
	struct timer a;

	(void)state;
	boot(4);
	host_set_cpu(2);
	timer_setup(&a, fn_global, 0);
	timer_add(&a, START_J + 10);
	go_idle(2);
	host_set_cpu(2);
	timer_idle_exit();		/* CPU2 wakes: it handles its own timer again */
	check_ok();
	for (uint32_t c = 0; c < 4; c++)
		if (c != 2)
			go_idle(c);
	check_ok();
	set_j(START_J + 11);
	interrupt(2);
	assert_int_equal(fired_on[2], 1);
	assert_int_equal(host_bug_count(), 0);
}

/*
 * CPU0 goes idle last and owes A, recorded as the idle root's holder.
 * Then idle CPU17 arms B; its new-timer walk reaches the idle root, whose
 * record of CPU0 covers A, so CPU17 owes nothing.  At A, CPU0 handles it
 * and takes B.
 */
static void test_walk_at_idle_root_covered_by_holder_takes_no_wakeup(void **state)
{
	struct timer a, b;

	(void)state;
	boot(20);
	host_set_cpu(9);
	timer_setup(&a, fn_global, 0);
	timer_add(&a, START_J + 10);
	for (uint32_t c = 1; c < 20; c++)
		go_idle(c);
	assert_int_equal(go_idle(0), (START_J + 11) * TICK);
	host_set_cpu(17);
	timer_setup(&b, fn_global, 0);
	timer_add(&b, START_J + 30);
	if (go_idle(17) != TIMER_NO_EVENT)
		fail_msg("CPU 17 took a wake-up that CPU 0's record covers: %llu",
			 (unsigned long long)tmigr_cpu_wakeup(17));
	check_ok();
	set_j(START_J + 11);
	interrupt(0);
	assert_int_equal(fired_on[0], 1);
	assert_int_equal(tmigr_cpu_wakeup(0), (START_J + 31) * TICK);
	check_ok();
	set_j(START_J + 31);
	interrupt(0);
	assert_int_equal(fired_on[0], 2);
	assert_false(timer_pending(&b));
	assert_int_equal(host_bug_count(), 0);
}

/*
 * an idle CPU whose wake-up came and that found nothing due retires.
 * CPU0 goes idle last and owes A (CPU9's timer); CPU9 then wakes and
 * stays awake, so the root is active and CPU9 runs A itself at its tick.
 * CPU0's one-shot still fires at A: its walk pops nothing, and stops below
 * the active root with its own group's first event, C (CPU1's), which the
 * active migrator sees at every tick.  CPU0 must retire instead of keeping
 * a wake-up for C (and for every later instant): no holder record is
 * involved (the walk never reaches an idle root), so only R-26 retires it.
 */
static void test_duplicate_idle_migrator_retires(void **state)
{
	struct timer a, c;

	(void)state;
	boot(20);
	host_set_cpu(9);
	timer_setup(&a, fn_global, 0);
	timer_add(&a, START_J + 10);
	host_set_cpu(1);
	timer_setup(&c, fn_global, 0);
	timer_add(&c, START_J + 50);
	for (uint32_t c9 = 1; c9 < 20; c9++)
		go_idle(c9);
	assert_int_equal(go_idle(0), (START_J + 11) * TICK);
	host_set_cpu(9);
	timer_idle_exit();
	check_ok();
	set_j(START_J + 11);
	interrupt(9);
	assert_int_equal(fired_on[9], 1);
	interrupt(0);
	if (tmigr_cpu_wakeup(0) != TMIGR_INF)
		fail_msg("duplicate idle migrator CPU 0 not retired: wake-up %llu",
			 (unsigned long long)tmigr_cpu_wakeup(0));
	assert_int_equal(go_idle(0), TIMER_NO_EVENT);
	assert_int_equal(go_idle(9), (START_J + 51) * TICK);
	check_ok();
	set_j(START_J + 51);
	interrupt(9);
	assert_int_equal(fired_on[9], 2);
	assert_false(timer_pending(&c));
	assert_int_equal(host_bug_count(), 0);
}

static void test_tmigr_off_returns_own_event(void **state)
{
	struct timer a;

	(void)state;
	boot(4);
	tmigr_disable();
	host_set_cpu(1);
	timer_setup(&a, fn_global, 0);
	timer_add(&a, START_J + 10);
	assert_int_equal(go_idle(1), (START_J + 11) * TICK);
	timer_idle_exit();
	assert_true(timer_del(&a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_shape),
		cmocka_unit_test(test_migrator_runs_idle_cpus_global_timer),
		cmocka_unit_test(test_last_idle_cpu_wakes_for_everyone),
		cmocka_unit_test(test_wake_then_run_own),
		cmocka_unit_test(test_walk_at_idle_root_covered_by_holder_takes_no_wakeup),
		cmocka_unit_test(test_duplicate_idle_migrator_retires),
		cmocka_unit_test(test_tmigr_off_returns_own_event),
	};

	tmsim_test_filter();	/* TMSIM_TEST=<name>: that test only (run-mutants.sh) */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
