/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tmsim_steps: the short checked steps the scripted race tests are written
 * in (tests/host/test_tmigr_races.c, test_tmigr_busy_remote_expiry.c).
 *
 * Each step runs one tmsim operation or oracle and fails the cmocka test,
 * with the yield-point trace already printed, when it does not complete
 * or an oracle found a failure.  Include after <cmocka.h> and "tmsim.h".
 */
#ifndef PULLKERN_TMSIM_STEPS_H
#define PULLKERN_TMSIM_STEPS_H

#include <stdint.h>

#include "kernel/tmigr.h"
#include "tmsim.h"
#ifdef TMSIM_WEAK
#include "tmweak.h"
#endif

#define J(n)		(TMSIM_START_J + (n))
#define NS(j)		tmsim_ns(j)

#define EQ(a, b)							\
	do {								\
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);	\
		TMSIM_ASSERT(a_ == b_, "%s == %s: %llu != %llu", #a, #b,	\
			     (unsigned long long)a_, (unsigned long long)b_);	\
	} while (0)

static inline void done(enum tmsim_stop st)
{
	TMSIM_ASSERT(st == TMSIM_DONE, "operation stopped (state %d) instead of completing", (int)st);
}

static inline void idle(uint32_t cpu)
{
	done(tmsim_idle(cpu));
}

static inline void wake(uint32_t cpu)
{
	done(tmsim_wake(cpu));
}

/* A global timer of `cpu` for jiffy j. */
static inline void arm(uint32_t cpu, struct tmsim_timer *tt, const char *name, uint64_t j)
{
	done(tmsim_arm(cpu, tt, name, j, false));
}

static inline void quiescent_ok(void)
{
	tmsim_check_quiescent();
	TMSIM_ASSERT_OK();
}

static inline void structure_ok(void)
{
	char why[256];

	TMSIM_ASSERT(tmigr_check_structure(why, sizeof(why)) == 0, "structure: %s", why);
	TMSIM_ASSERT_OK();
}

static inline void advance_ok(uint64_t j)
{
	tmsim_advance_to(j);
	TMSIM_ASSERT_OK();
}

static inline void timer_ok(const struct tmsim_timer *tt)
{
	tmsim_timer_ok(tt);
	TMSIM_ASSERT_OK();
}

/* cmocka teardown of every scripted test: the model off, the vCPUs gone. */
static inline int teardown(void **state)
{
	(void)state;
#ifdef TMSIM_WEAK
	tmweak_end();
#endif
	tmsim_stop();
	return 0;
}

#endif
