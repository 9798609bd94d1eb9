// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/x86_64/idle_choice.c: idle=mwait gets the deepest C-state leaf 5
 * enumerates up to max_cstate, only where both the LAPIC timer and the
 * TSC keep running (C1 otherwise, with the reason); it is refused, for
 * hlt, without MONITOR/MWAIT or with the caches disabled; poll and hlt
 * are granted as asked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86_64/idle_choice.h"

/* Leaf 5 EDX 0x01022220: sub-states for C0 .. C4 and C6, none for C5 and C7; ARAT, invariant TSC. */
static const struct idle_caps modern = {
	.monitor = true, .leaf5 = true, .leaf5_ecx = 3, .leaf5_edx = 0x01022220,
	.arat = true, .invariant_tsc = true,
};

static void poll_and_hlt_are_granted_as_asked(void **state)
{
	struct idle_caps none = { 0 };
	struct idle_choice p = idle_choose("poll", 7, &none);
	struct idle_choice h = idle_choose("hlt", 7, &modern);

	(void)state;
	assert_int_equal(p.kind, IDLE_KIND_POLL);
	assert_int_equal(h.kind, IDLE_KIND_HLT);
	assert_null(p.refused);
	assert_null(h.refused);
}

static void mwait_without_monitor_is_refused_for_hlt(void **state)
{
	struct idle_caps c = modern;
	struct idle_choice r;

	(void)state;
	c.monitor = false;
	r = idle_choose("mwait", 7, &c);
	assert_int_equal(r.kind, IDLE_KIND_HLT);
	assert_non_null(r.refused);
}

static void mwait_with_caches_disabled_is_refused_for_hlt(void **state)
{
	struct idle_caps c = modern;
	struct idle_choice r;

	(void)state;
	c.caches_disabled = true;	/* CR0.CD: the monitor would never arm */
	r = idle_choose("mwait", 7, &c);
	assert_int_equal(r.kind, IDLE_KIND_HLT);
	assert_non_null(r.refused);
	c.monitor = false;
	assert_string_not_equal(idle_choose("mwait", 7, &c).refused, r.refused);
	assert_int_equal(idle_choose("poll", 7, &c).kind, IDLE_KIND_POLL);
}

static void mwait_takes_the_deepest_enumerated_state_up_to_max_cstate(void **state)
{
	struct idle_choice r;

	(void)state;
	/* EDX 0x01022220: C1..C4 have sub-states, C5 none, C6 one, C7 none */
	r = idle_choose("mwait", 7, &modern);
	assert_int_equal(r.kind, IDLE_KIND_MWAIT);
	assert_int_equal(r.cstate, 6);
	assert_int_equal(r.hint, 0x50);
	assert_null(r.limit);
	r = idle_choose("mwait", 5, &modern);	/* C5 has no sub-state: C4 */
	assert_int_equal(r.cstate, 4);
	assert_int_equal(r.hint, 0x30);
	r = idle_choose("mwait", 1, &modern);
	assert_int_equal(r.cstate, 1);
	assert_int_equal(r.hint, 0);
}

static void without_enumeration_mwait_is_c1(void **state)
{
	struct idle_caps c = modern;
	struct idle_choice r;

	(void)state;
	c.leaf5_ecx = 0;	/* EDX not enumerated (QEMU's -cpu max) */
	r = idle_choose("mwait", 7, &c);
	assert_int_equal(r.kind, IDLE_KIND_MWAIT);
	assert_int_equal(r.cstate, 1);
	c = modern;
	c.leaf5 = false;
	r = idle_choose("mwait", 7, &c);
	assert_int_equal(r.cstate, 1);
}

static void without_arat_or_invariant_tsc_only_c1_with_the_reason(void **state)
{
	struct idle_caps no_arat = modern, no_itsc = modern;
	struct idle_choice a, t;

	(void)state;
	no_arat.arat = false;
	no_itsc.invariant_tsc = false;
	a = idle_choose("mwait", 7, &no_arat);
	t = idle_choose("mwait", 7, &no_itsc);
	assert_int_equal(a.kind, IDLE_KIND_MWAIT);
	assert_int_equal(a.cstate, 1);
	assert_int_equal(a.hint, 0);
	assert_non_null(a.limit);
	assert_int_equal(t.cstate, 1);
	assert_non_null(t.limit);
	assert_string_not_equal(a.limit, t.limit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(poll_and_hlt_are_granted_as_asked),
		cmocka_unit_test(mwait_without_monitor_is_refused_for_hlt),
		cmocka_unit_test(mwait_with_caches_disabled_is_refused_for_hlt),
		cmocka_unit_test(mwait_takes_the_deepest_enumerated_state_up_to_max_cstate),
		cmocka_unit_test(without_enumeration_mwait_is_c1),
		cmocka_unit_test(without_arat_or_invariant_tsc_only_c1_with_the_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
