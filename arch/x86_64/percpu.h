/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * percpu: one struct per CPU, reached through the GS base.
 *
 * Each CPU's IA32_GS_BASE points at its own struct percpu, whose first
 * field points at itself, so "this CPU" costs one %gs-relative load and
 * needs no table lookup.  The GS base is written once, by the CPU itself,
 * before it runs any code that asks who it is; there is no user mode, so
 * no SWAPGS and the base never changes afterwards.
 *
 * Fields are written by the owning CPU unless a comment says otherwise.
 * Other CPUs read the counters with relaxed atomic loads: they are
 * statistics, no ordering hangs on them.
 */
#ifndef PULLKERN_ARCH_PERCPU_H
#define PULLKERN_ARCH_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_CPUS		256
#define KERNEL_STACK_SIZE	(16 * 1024)
#define IST_STACK_SIZE		(8 * 1024)

/* IST slots (1-based in the IDT gate): stacks we trust when rsp may not be. */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3
#define IST_COUNT		3

/* 64-bit TSS (SDM Vol. 3A §8.7, Figure 8-11). */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* GDT slots of the per-CPU GDT: null, code, data, TSS (two slots). */
#define GDT_KERNEL_CODE		0x08
#define GDT_KERNEL_DATA		0x10
#define GDT_TSS			0x18
#define GDT_ENTRIES		5

struct percpu {
	struct percpu *self;		/* %gs:0; set once by the owner */
	uint32_t cpu;			/* dense number, BSP = 0; set once by the owner */
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss tss __attribute__((aligned(16)));

	uint64_t irqs;			/* all interrupts taken; relaxed */

	/* the park loop (smpboot.c, docs/cpus.md §7.5) */
	uint32_t parked;		/* owner: in arch_cpu_park_wait(); read by its NMI handler */
	uint32_t unpark;		/* any CPU: release store, then the NMI; acquire by the owner */
	uint32_t woken;			/* owner's NMI handler: the unpark NMI came; relaxed */
	uint64_t parked_irqs;		/* interrupts taken while parked, the wake excluded; relaxed */
	/* idle and tick statistics: the kernel's struct idle_stats (kernel/idle.h) */
};

extern struct percpu percpu_area[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

static inline uint32_t this_cpu_id(void)
{
	return this_cpu()->cpu;
}

/* For paths that may run before percpu_init_cpu() (panic): 0 until then. */
static inline uint32_t this_cpu_id_safe(void)
{
	uint64_t base;
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000101));
	base = ((uint64_t)hi << 32) | lo;
	return base ? ((struct percpu *)base)->cpu : 0;
}

static inline struct percpu *cpu_percpu(uint32_t cpu)
{
	return &percpu_area[cpu];
}

/*
 * The starter, before `cpu` starts: allocate its IST stacks, the first
 * time only (a CPU started again keeps them).  false: out of memory.
 */
bool percpu_prepare(uint32_t cpu);

/*
 * Bring this CPU's segmentation and interrupt state up: per-CPU GDT with its
 * TSS (IST stacks from percpu_prepare), IDT, GS base.  Called by each CPU on itself.
 */
void percpu_init_cpu(uint32_t cpu);

#endif
