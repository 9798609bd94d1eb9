// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/tmigr + kernel/timer under stress: free-running pthreads play 8,
 * 64 and 512 CPUs that go idle and wake at random, arm, modify and cancel
 * global, pinned and remote timers, expire each other's global timers
 * through the hierarchy, and are stopped every so often at a barrier so
 * that the invariants of design §5.2 can be checked on a still tree.
 *
 * The harness (the paced virtual clock, the per-timer FIFO oracle, the
 * quiescent points, the drain) is tests/host/stress_harness.c, shared
 * with test_tmigr_hotplug_stress.c; its theory comment says how it works
 * and what it proves.  Here every CPU is online from the boot to the end,
 * and a remote arming may target any of them.
 *
 * TMIGR_STRESS_SECONDS (default 1) is the least wall time of each thread
 * count; TMIGR_STRESS_SEED, TMIGR_STRESS_CPUS and TMIGR_STRESS_TRACE as
 * the harness's theory comment says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "host_support.h"
#include "stress_harness.h"

#define DEFAULT_SECONDS		1.0

/* All CPUs up, as the kernel's boot leaves them. */
static void boot(uint32_t ncpus)
{
	/* jiffies wrap WRAP_AFTER_J into the run */
	uint64_t bias = 0 - (START_J + WRAP_AFTER_J);

	assert_int_equal(host_boot_hierarchy(ncpus, HZ, bias), 0);
}

static const struct stress_hooks hooks = {
	.seconds_env = "TMIGR_STRESS_SECONDS",
	.default_seconds = DEFAULT_SECONDS,
	.boot = boot,
};

static void stress(uint32_t ncpus)
{
	stress_run(ncpus, &hooks);
}

static void test_stress_8_cpus_every_timer_fires_once_in_bound(void **state)
{
	(void)state;
	stress(8);
}

static void test_stress_64_cpus_every_timer_fires_once_in_bound(void **state)
{
	(void)state;
	stress(64);
}

static void test_stress_512_cpus_every_timer_fires_once_in_bound(void **state)
{
	(void)state;
	stress(512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress_8_cpus_every_timer_fires_once_in_bound),
		cmocka_unit_test(test_stress_64_cpus_every_timer_fires_once_in_bound),
		cmocka_unit_test(test_stress_512_cpus_every_timer_fires_once_in_bound),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
