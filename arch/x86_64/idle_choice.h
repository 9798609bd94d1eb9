/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * idle_choice: which idle state idle= and max_cstate= get on a CPU with
 * given capabilities.  A pure function of CPUID's answers, no instruction:
 * portable, so the host tests drive it (test_idle_state_choice).
 */
#ifndef PULLKERN_ARCH_IDLE_CHOICE_H
#define PULLKERN_ARCH_IDLE_CHOICE_H

#include <stdbool.h>
#include <stdint.h>

enum idle_kind { IDLE_KIND_HLT, IDLE_KIND_POLL, IDLE_KIND_MWAIT };

/* What CPUID says (idle_states.c fills it). */
struct idle_caps {
	bool monitor;		/* CPUID.01H:ECX[3] MONITOR/MWAIT */
	bool leaf5;		/* CPUID leaf 5 exists */
	uint32_t leaf5_ecx;	/* [0]: EDX enumerates sub-states */
	uint32_t leaf5_edx;	/* sub-states per MWAIT C-state, 4 bits each, C0 lowest */
	bool arat;		/* CPUID.06H:EAX[2]: the LAPIC timer runs in every C-state */
	bool invariant_tsc;	/* CPUID.80000007H:EDX[8] */
	bool caches_disabled;	/* CR0.CD: all memory uncached */
};

struct idle_choice {
	enum idle_kind kind;
	uint32_t cstate;	/* IDLE_KIND_MWAIT: the MWAIT C-state, 1 = C1 */
	uint32_t hint;		/* ... and MWAIT's EAX: (cstate - 1) << 4, sub-state 0 */
	const char *refused;	/* idle= not granted (then hlt); NULL */
	const char *limit;	/* why deeper C-states were not taken; NULL */
};

/* asked: "hlt", "mwait" or "poll" (anything else reads as hlt). */
struct idle_choice idle_choose(const char *asked, uint32_t max_cstate,
			       const struct idle_caps *caps);

#endif
