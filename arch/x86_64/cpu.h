/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu: x86-64 instructions the kernel needs, as inline functions.
 * CPUID, MSRs, the TSC, control registers, interrupt flag, HLT.
 */
#ifndef PULLKERN_ARCH_CPU_H
#define PULLKERN_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_TSC_DEADLINE	0x6e0
#define MSR_EFER		0xc0000080
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101

#define RFLAGS_IF		(1ul << 9)

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

/*
 * WRMSR to x2APIC registers and IA32_TSC_DEADLINE is not serializing (SDM
 * §11.12.3): fence first so earlier stores are visible before the IPI or
 * timer they may trigger.
 */
static inline void wrmsr_fenced(uint32_t msr, uint64_t v)
{
	__asm__ volatile("mfence; lfence" : : : "memory");
	wrmsr(msr, v);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* RDTSC ordered after earlier loads and stores (for interval edges). */
static inline uint64_t rdtsc_ordered(void)
{
	__asm__ volatile("mfence; lfence" : : : "memory");
	return rdtsc();
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline bool irq_enabled(void)
{
	return read_rflags() & RFLAGS_IF;
}

static inline void cpu_pause(void)
{
	__asm__ volatile("pause" : : : "memory");
}

/*
 * Enable interrupts and halt as one step: STI's interrupt shadow covers the
 * next instruction, so a wake-up interrupt cannot slip in between (it is
 * taken once HLT has started, and ends it).
 */
static inline void cpu_safe_halt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

static inline void cpu_halt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" : : : "memory");
}

#endif
