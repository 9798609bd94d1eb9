/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * platform: facts about the machine we run on, and how a run ends.
 */
#ifndef PULLKERN_ARCH_PLATFORM_H
#define PULLKERN_ARCH_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

struct cpu_features {
	char vendor[13];
	uint32_t family, model, stepping;
	uint32_t max_leaf, max_ext_leaf;
	bool hypervisor;	/* CPUID.1:ECX[31] */
	char hv_vendor[13];
	bool qemu;		/* fw_cfg answers with "QEMU" */
	bool x2apic;		/* CPUID.1:ECX[21] */
	bool tsc_deadline;	/* CPUID.1:ECX[24] */
	bool arat;		/* CPUID.6:EAX[2] */
	bool invariant_tsc;	/* CPUID.80000007H:EDX[8] */
	bool nx;		/* CPUID.80000001H:EDX[20] */
};

extern struct cpu_features cpu_features;

void platform_detect(void);

/* Power QEMU off through isa-debug-exit with the result; returns on real hardware. */
void platform_exit(bool pass);

/* Reset the machine: keyboard controller pulse, then a triple fault.  Never returns. */
__attribute__((noreturn)) void platform_reset(void);

#endif
