/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu_state_name: a CPU's bring-up state as the reports write it.
 */
#ifndef PULLKERN_CPU_STATE_NAME_H
#define PULLKERN_CPU_STATE_NAME_H

#include "arch/x86_64/smpboot.h"

static inline const char *cpu_state_name(enum cpu_state s)
{
	switch (s) {
	case CPU_POSSIBLE: return "possible";
	case CPU_KICKED: return "kicked";
	case CPU_ONLINE: return "online";
	case CPU_FAILED: return "failed";
	case CPU_PARKED: return "parked";
	default: return "absent";
	}
}

#endif
