/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verdict: whether this run passes, decided along the way.
 *
 * Any step of the boot or of a scenario that finds something wrong calls
 * verdict_fail() with one line saying what; the run goes on (later steps
 * still report), and verdict_exit() ends it with "fail" and the first
 * reason given.  Only the boot CPU calls these, so they take no lock.
 */
#ifndef PULLKERN_VERDICT_H
#define PULLKERN_VERDICT_H

#include <stdbool.h>

/* The run fails; the first reason is the one reported. */
void verdict_fail(const char *why);

bool verdict_ok(void);

/* End the run with the verdict (kernel_exit()). */
__attribute__((noreturn))
void verdict_exit(void);

#endif
