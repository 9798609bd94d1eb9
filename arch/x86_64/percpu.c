// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * percpu: per-CPU GDT, TSS and GS base.
 *
 * Every CPU has its own GDT because every CPU has its own TSS, and a TSS
 * descriptor is marked busy when loaded: two CPUs cannot share one.  The
 * TSS holds the IST stacks for double fault, NMI and machine check, which
 * must run on a known-good stack even when the interrupted stack is not.
 *
 * percpu_prepare() runs on the starter (the BSP at boot) before that CPU
 * starts: it allocates the IST stacks, so an AP coming up takes no lock at all (63
 * APs contending for the allocator's lock, with lock holders preempted by
 * the host, was what made bring-up slow under QEMU).  percpu_init_cpu()
 * then runs on the CPU it initialises, early, with interrupts off: the BSP
 * from kmain on the boot stack, an AP first thing in ap_start (smpboot.c).
 */
#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smpboot.h"
#include "kernel/page_alloc.h"
#include "lib/string.h"

/*
 * The start descriptors (arch/x86_64/cpu_start.h), written by smpboot.c,
 * live here with the rest of the per-CPU data: the APIC driver maps CPU
 * numbers to APIC IDs through them without depending on the bring-up code.
 */
struct cpu_start cpu_start_table[MAX_CPUS];

struct percpu percpu_area[MAX_CPUS];

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void gdt_set_tss(uint64_t *gdt, const struct tss *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	/* 16-byte system descriptor, type 9 = available 64-bit TSS, present. */
	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
			   (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

static void gdt_load(struct percpu *pc)
{
	struct gdt_ptr ptr = {
		.limit = sizeof(pc->gdt) - 1,
		.base = (uint64_t)pc->gdt,
	};

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ds\n\t"
			 "movw %w2, %%es\n\t"
			 "movw %w2, %%ss\n\t"
			 : : "m"(ptr), "i"((uint64_t)GDT_KERNEL_CODE),
			   "r"(GDT_KERNEL_DATA)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
}

bool percpu_prepare(uint32_t cpu)
{
	struct tss *tss = &percpu_area[cpu].tss;

	if (tss->ist[IST_COUNT - 1])
		return true;	/* started before: the stacks are still its own */
	memset(tss, 0, sizeof(*tss));
	for (int i = 1; i <= IST_COUNT; i++) {
		void *stack = page_alloc_pages(IST_STACK_SIZE / PAGE_SIZE);

		if (!stack)
			return false;
		tss->ist[i - 1] = (uint64_t)stack + IST_STACK_SIZE;
	}
	tss->iomap_base = sizeof(*tss);	/* no I/O permission bitmap */
	return true;
}

void percpu_init_cpu(uint32_t cpu)
{
	struct percpu *pc = &percpu_area[cpu];

	pc->self = pc;
	pc->cpu = cpu;
	pc->gdt[0] = 0;
	pc->gdt[GDT_KERNEL_CODE / 8] = 0x00af9a000000ffffull;
	pc->gdt[GDT_KERNEL_DATA / 8] = 0x00cf92000000ffffull;
	gdt_set_tss(pc->gdt, &pc->tss);
	gdt_load(pc);
	wrmsr(MSR_GS_BASE, (uint64_t)pc);
	idt_load();
}
