/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tsc_choice: the decisions of the TSC calibration and of the TSC_ADJUST
 * alignment, apart from the instructions that feed them: which source's
 * answer becomes tsc_hz and which one checks it, which sources tsc_exclude=
 * leaves out, and what an AP does with an IA32_TSC_ADJUST that differs
 * from the boot CPU's.  Portable, so the host tests drive them
 * (test_tsc_choice); arch/x86_64/tsc.c and clock.c call them.
 */
#ifndef PULLKERN_ARCH_TSC_CHOICE_H
#define PULLKERN_ARCH_TSC_CHOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* In the order of preference for tsc_hz (see tsc_choose()). */
enum tsc_src {
	TSC_SRC_CPUID15,	/* CPUID 0x15: crystal * ratio, exact */
	TSC_SRC_HYPERVISOR,	/* CPUID 0x40000010: the hypervisor's TSC kHz */
	TSC_SRC_PMTIMER,	/* measured against the ACPI PM timer */
	TSC_SRC_HPET,		/* measured against the HPET main counter */
	TSC_SRC_PIT,		/* measured against 8254 channel 2 */
	TSC_SRC_CPUID16,	/* CPUID 0x16 base MHz: nominal, the weakest */
	TSC_SRC_NR
};

#define TSC_AGREE_PPM	1000	/* two sources this close agree */

extern const char *const tsc_src_name[TSC_SRC_NR];

bool tsc_src_measured(enum tsc_src s);

enum tsc_agreement {
	TSC_AGREE_NONE,		/* no source answered */
	TSC_AGREE_SINGLE,	/* one source: nothing to compare */
	TSC_AGREE_YES,		/* primary and check within TSC_AGREE_PPM */
	TSC_AGREE_NO,		/* two or more sources, no two within it */
};

extern const char *const tsc_agreement_name[];

struct tsc_choice {
	int primary;		/* enum tsc_src, -1 when none answered */
	int check;		/* enum tsc_src, -1 when no second source */
	int64_t ppm;		/* (check - primary) / primary, 0 without a check */
	enum tsc_agreement agreement;
};

/* (other - ref) / ref in parts per million, saturated to +-10^12. */
int64_t tsc_ppm(uint64_t ref, uint64_t other);

/*
 * hz[s] is source s's answer, 0 when it is absent, excluded or failed.
 * The primary is the most preferred source that some other source agrees
 * with, and the check the first such other one, measured sources before
 * the rest; when no two agree, the most preferred source and the first
 * other one in that check order, and the agreement says so.
 */
void tsc_choose(const uint64_t hz[TSC_SRC_NR], struct tsc_choice *out);

/*
 * tsc_exclude=: a comma-separated list of source names to leave out.
 * Returns the mask (bit s = enum tsc_src s); the first unknown name, if
 * any, is returned in *bad / *bad_len (else *bad is NULL).
 */
uint32_t tsc_exclude_mask(const char *list, const char **bad, size_t *bad_len);

/* IA32_TSC_ADJUST on one CPU, as the alignment found and left it. */
struct tsc_adjust_cpu {
	bool read_ok;		/* false: RDMSR faulted, nothing else done */
	int64_t before;		/* the value found (after any test offset) */
	int64_t after;		/* the value left */
	bool written;		/* before differed from the boot CPU's */
	bool aligned;		/* after == the boot CPU's value */
};

struct tsc_adjust_ops {
	bool (*read)(uint64_t *val);	/* the fault-tolerant RDMSR of 0x3B */
	bool (*write)(uint64_t val);	/* the fault-tolerant WRMSR of 0x3B */
};

/*
 * On the CPU itself: when test_offset is not 0, first write bsp +
 * test_offset (a firmware-like difference, for tests); then read the
 * MSR and, when it differs from `bsp`, write `bsp` and read it back.
 */
void tsc_adjust_align(const struct tsc_adjust_ops *ops, int64_t bsp,
		      int64_t test_offset, struct tsc_adjust_cpu *out);

#endif
