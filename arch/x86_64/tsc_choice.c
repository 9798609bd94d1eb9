// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tsc_choice: which calibration source to believe, and the TSC_ADJUST
 * alignment's steps.  No instruction here: tsc.c measures and clock.c
 * runs the alignment on each CPU; the decisions are host-tested.
 *
 * Choosing.  Sources come in a fixed order of preference: the exact
 * CPUID answers first, then the measurements (PM timer, HPET, PIT), then
 * CPUID 0x16's nominal base frequency, which is a label on the box rather
 * than a measurement (it is wrong on an overclocked CPU).  One source
 * alone is believed but reported as unchecked.  With two or more, the
 * answer must be confirmed: the primary is the most preferred source that
 * at least one other agrees with within TSC_AGREE_PPM, so two
 * measurements that agree outvote an exact-looking CPUID answer that
 * neither confirms.  The check prefers measured sources, being
 * independent of CPUID.  When no two agree the most preferred source is
 * used anyway, and the caller warns: a machine without a trustworthy
 * reference still boots.
 *
 * TSC_ADJUST (Intel SDM Vol. 3B 18.17.3, IA32_TSC_ADJUST): writing it
 * moves the TSC by the difference, so bringing an AP's value to the boot
 * CPU's undoes what firmware (or an SMM handler) added on that AP alone.
 * A write the CPU ignores (an emulator without the MSR behind it) reads
 * back unchanged and is reported as not aligned; the skew measurement
 * that follows copes with whatever offset remains.
 */
#include "arch/x86_64/tsc_choice.h"
#include "lib/string.h"

const char *const tsc_src_name[TSC_SRC_NR] = {
	[TSC_SRC_CPUID15] = "cpuid15",
	[TSC_SRC_HYPERVISOR] = "hypervisor",
	[TSC_SRC_PMTIMER] = "pmtimer",
	[TSC_SRC_HPET] = "hpet",
	[TSC_SRC_PIT] = "pit",
	[TSC_SRC_CPUID16] = "cpuid16",
};

const char *const tsc_agreement_name[] = {
	[TSC_AGREE_NONE] = "none",
	[TSC_AGREE_SINGLE] = "single",
	[TSC_AGREE_YES] = "agree",
	[TSC_AGREE_NO] = "disagree",
};

/* The order a check is looked for in: measurements first. */
static const enum tsc_src check_order[TSC_SRC_NR] = {
	TSC_SRC_PMTIMER, TSC_SRC_HPET, TSC_SRC_PIT,
	TSC_SRC_CPUID15, TSC_SRC_HYPERVISOR, TSC_SRC_CPUID16,
};

bool tsc_src_measured(enum tsc_src s)
{
	return s == TSC_SRC_PMTIMER || s == TSC_SRC_HPET || s == TSC_SRC_PIT;
}

#define PPM_LIMIT	1000000000000ll

int64_t tsc_ppm(uint64_t ref, uint64_t other)
{
	uint64_t mag = other >= ref ? other - ref : ref - other;
	int64_t ppm;

	/* in two steps, no 128-bit division: ref < 2^44 keeps each in 64 bits */
	if (!ref || mag / ref >= PPM_LIMIT / 1000000 || ref >= (1ull << 44))
		ppm = PPM_LIMIT;
	else
		ppm = (int64_t)((mag / ref) * 1000000 + (mag % ref) * 1000000 / ref);
	return other >= ref ? ppm : -ppm;
}

/*
 * |b - a| <= TSC_AGREE_PPM parts per million of the smaller one, exactly
 * (no truncated ppm lets 1000.4 pass) and the same whichever is asked first.
 */
static bool agree(uint64_t a, uint64_t b)
{
	uint64_t d = b >= a ? b - a : a - b;

	return d <= (a < b ? a : b) / (1000000 / TSC_AGREE_PPM);
}

/* The first source in check order other than p that answered (and agrees, if asked). */
static int find_check(const uint64_t hz[TSC_SRC_NR], int p, bool must_agree)
{
	for (int i = 0; i < TSC_SRC_NR; i++) {
		int q = check_order[i];

		if (q == p || !hz[q])
			continue;
		if (!must_agree || agree(hz[p], hz[q]))
			return q;
	}
	return -1;
}

void tsc_choose(const uint64_t hz[TSC_SRC_NR], struct tsc_choice *out)
{
	int first = -1;

	*out = (struct tsc_choice){ .primary = -1, .check = -1 };
	for (int p = 0; p < TSC_SRC_NR; p++) {
		int q;

		if (!hz[p])
			continue;
		if (first < 0)
			first = p;
		q = find_check(hz, p, true);
		if (q >= 0) {
			out->primary = p;
			out->check = q;
			out->agreement = TSC_AGREE_YES;
			out->ppm = tsc_ppm(hz[p], hz[q]);
			return;
		}
	}
	if (first < 0) {
		out->agreement = TSC_AGREE_NONE;
		return;
	}
	out->primary = first;
	out->check = find_check(hz, first, false);
	if (out->check < 0) {
		out->agreement = TSC_AGREE_SINGLE;
		return;
	}
	out->agreement = TSC_AGREE_NO;
	out->ppm = tsc_ppm(hz[first], hz[out->check]);
}

uint32_t tsc_exclude_mask(const char *list, const char **bad, size_t *bad_len)
{
	uint32_t mask = 0;
	const char *p = list;

	*bad = NULL;
	*bad_len = 0;
	while (p && *p) {
		size_t n = 0;
		int s;

		while (p[n] && p[n] != ',')
			n++;
		for (s = 0; s < TSC_SRC_NR; s++)
			if (strlen(tsc_src_name[s]) == n && !memcmp(p, tsc_src_name[s], n))
				break;
		if (s < TSC_SRC_NR)
			mask |= 1u << s;
		else if (n && !*bad) {
			*bad = p;
			*bad_len = n;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return mask;
}

void tsc_adjust_align(const struct tsc_adjust_ops *ops, int64_t bsp,
		      int64_t test_offset, struct tsc_adjust_cpu *out)
{
	uint64_t v;

	*out = (struct tsc_adjust_cpu){ 0 };
	if (test_offset)	/* unsigned: wraps like the MSR, never undefined */
		ops->write((uint64_t)bsp + (uint64_t)test_offset);
	if (!ops->read(&v))
		return;
	out->read_ok = true;
	out->before = (int64_t)v;
	out->after = out->before;
	if (out->before != bsp) {
		out->written = true;
		if (ops->write((uint64_t)bsp) && ops->read(&v))
			out->after = (int64_t)v;
	}
	out->aligned = out->after == bsp;
}
