// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * idle_choice: idle= and max_cstate= against what the CPU offers
 * (docs/idle-states.md).
 *
 *   poll    always granted
 *   mwait   refused (hlt) without MONITOR/MWAIT in CPUID.01H:ECX[3], and
 *           with the caches disabled (CR0.CD, which some legacy BIOSes
 *           leave set): the monitor works on write-back memory only
 *           (Intel SDM Vol. 2B, MONITOR), so MWAIT would not sleep;
 *           otherwise MWAIT with the deepest C-state n <= max_cstate whose
 *           sub-state count in leaf 5 EDX (bits 4n+3:4n) is not zero, or
 *           C1 when leaf 5 does not enumerate them (ECX[0] clear).  The
 *           hint is (n - 1) << 4 with sub-state 0 (Intel SDM Vol. 2B,
 *           MWAIT, "MWAIT Extension Register (EAX)").  Deeper than C1
 *           needs ARAT (the LAPIC timer, our event device, keeps running,
 *           SDM Vol. 3A §11.5.4) and an invariant TSC (our clock keeps
 *           counting, SDM Vol. 3B §18.17.1): without either it is C1, and
 *           the limit says why, even when leaf 5 offers nothing deeper.
 *   hlt     always granted (the default)
 *
 * The result points at string constants only.
 */
#include "arch/x86_64/idle_choice.h"
#include "lib/string.h"

#define LEAF5_ECX_EMX	(1u << 0)
#define MWAIT_CSTATES	8	/* leaf 5 EDX: C0 .. C7 */

static uint32_t deepest_cstate(uint32_t max_cstate, const struct idle_caps *caps)
{
	uint32_t best = 1;

	if (!caps->leaf5 || !(caps->leaf5_ecx & LEAF5_ECX_EMX))
		return 1;
	for (uint32_t n = 1; n <= max_cstate && n < MWAIT_CSTATES; n++)
		if ((caps->leaf5_edx >> (4 * n)) & 0xf)
			best = n;
	return best;
}

struct idle_choice idle_choose(const char *asked, uint32_t max_cstate,
			       const struct idle_caps *caps)
{
	struct idle_choice c = { .kind = IDLE_KIND_HLT };

	if (!strcmp(asked, "poll")) {
		c.kind = IDLE_KIND_POLL;
		return c;
	}
	if (strcmp(asked, "mwait"))
		return c;
	if (!caps->monitor) {
		c.refused = "no MONITOR/MWAIT (CPUID.01H:ECX[3] clear): hlt";
		return c;
	}
	if (caps->caches_disabled) {
		c.refused = "caches disabled (CR0.CD set): MONITOR needs write-back memory: hlt";
		return c;
	}
	c.kind = IDLE_KIND_MWAIT;
	c.cstate = deepest_cstate(max_cstate, caps);
	if (!caps->arat)
		c.limit = "no ARAT (CPUID.06H:EAX[2]): the LAPIC timer may stop in deeper C-states, C1 only";
	else if (!caps->invariant_tsc)
		c.limit = "no invariant TSC (CPUID.80000007H:EDX[8]): the TSC may stop in deeper C-states, C1 only";
	if (c.limit)
		c.cstate = 1;
	c.hint = (c.cstate - 1) << 4;
	return c;
}
