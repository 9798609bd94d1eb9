/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu_start: the start descriptor of one CPU, shared by C and assembly.
 *
 * One struct cpu_start per CPU number (cpu_start_table, defined with the
 * per-CPU data in percpu.c and filled by smpboot.c) holds
 * everything the CPU needs to start and everything the rest of the kernel
 * asks about it: its APIC ID and SRAT node (from the firmware, when the
 * CPUs are numbered), its lifecycle state, and the stack, entry and
 * argument the starter chose.  ap_entry.S reads it before the AP has a
 * stack, through the CPU_START_* offsets below; the C definition checks
 * each of them at compile time, so the two layouts cannot drift apart.
 */
#ifndef PULLKERN_ARCH_CPU_START_H
#define PULLKERN_ARCH_CPU_START_H

#define CPU_START_APIC_ID	0
#define CPU_START_STATE		4
#define CPU_START_STACK_TOP	8
#define CPU_START_ENTRY		16
#define CPU_START_ARG		24
#define CPU_START_NODE		32
#define CPU_START_SIZE		40

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* What a started CPU runs, on its own stack; it must not return. */
typedef void (*cpu_entry_fn)(void *arg);

/*
 * Written by the starter (the BSP at boot) before the CPU's first INIT and
 * read by that CPU after it; `state` alone changes afterwards, by
 * compare-and-exchange (smpboot.c says who may move it where).
 */
struct cpu_start {
	uint32_t apic_id;	/* what the AP's own APIC ID register says */
	uint32_t state;		/* enum cpu_state */
	uint64_t stack_top;	/* 0: no stack yet (never started) */
	cpu_entry_fn entry;
	void *arg;
	uint32_t node;		/* dense SRAT node; 0 without an SRAT */
	uint32_t reserved;
};

_Static_assert(offsetof(struct cpu_start, apic_id) == CPU_START_APIC_ID, "CPU_START_APIC_ID");
_Static_assert(offsetof(struct cpu_start, state) == CPU_START_STATE, "CPU_START_STATE");
_Static_assert(offsetof(struct cpu_start, stack_top) == CPU_START_STACK_TOP, "CPU_START_STACK_TOP");
_Static_assert(offsetof(struct cpu_start, entry) == CPU_START_ENTRY, "CPU_START_ENTRY");
_Static_assert(offsetof(struct cpu_start, arg) == CPU_START_ARG, "CPU_START_ARG");
_Static_assert(offsetof(struct cpu_start, node) == CPU_START_NODE, "CPU_START_NODE");
_Static_assert(sizeof(struct cpu_start) == CPU_START_SIZE, "CPU_START_SIZE");
#endif

#endif
