/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mutant: compile-time switches that put a known bug back.
 *
 * A regression test for a race proves something only if it fails when the
 * bug is back.  tests/host/run-mutants.sh builds each line of its table
 * with -DMUTANT_ID=<ID> (R08 for race R-08, I01 for idle race I-01, ...)
 * and runs the one test that must then fail.  Code that carries a switch
 * reads
 *
 *	if (MUTANT(R08))
 *		the buggy way;
 *	else
 *		the right way;
 *
 * In every other build MUTANT(x) is the constant 0, so the compiler drops
 * the buggy branch: no #if blocks on the hot paths, and both branches are
 * always compiled, so a mutant cannot rot unnoticed.
 */
#ifndef PULLKERN_MUTANT_H
#define PULLKERN_MUTANT_H

#ifdef MUTANT_ID
#define MUTANT_STR_(x)	#x
#define MUTANT_STR(x)	MUTANT_STR_(x)
#define MUTANT(id)	(__builtin_strcmp(MUTANT_STR(MUTANT_ID), #id) == 0)
#else
#define MUTANT(id)	0
#endif

#endif
