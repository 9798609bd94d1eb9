// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * verdict: the run's pass or fail, and the first reason for a fail.
 *
 * Boot CPU only (the boot path and the scenario drivers run there), so
 * plain variables: no other CPU reads or writes them.
 */
#include "kernel/panic.h"
#include "kernel/verdict.h"
#include "lib/string.h"

static bool run_ok = true;
static char fail_reason[160];

void verdict_fail(const char *why)
{
	if (run_ok)
		strlcpy(fail_reason, why, sizeof(fail_reason));
	run_ok = false;
}

bool verdict_ok(void)
{
	return run_ok;
}

void verdict_exit(void)
{
	kernel_exit(run_ok, run_ok ? "" : fail_reason);
}
