// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * idt: the interrupt descriptor table, shared by all CPUs.
 *
 * One table, built once by the BSP before any AP starts and before
 * interrupts are enabled, then loaded by every CPU.  All gates are 64-bit
 * interrupt gates (IF cleared on entry).  NMI, double fault and machine
 * check switch to their IST stacks: they can arrive with a bad %rsp.
 *
 * The handler table is written only at boot (idt_set_handler before the
 * vector can fire) and only read afterwards, but for the 8259 line the
 * shell opens later (arch/x86_64/pic.c), written on the boot CPU before
 * the line is unmasked, for a vector only the boot CPU takes; the IPI or the LAPIC setup
 * that makes a vector live comes after, so no ordering beyond program
 * order on the CPU that installs it is needed.  The same holds for the
 * acknowledge of an unclaimed vector, which the local APIC driver hands
 * in (idt_set_eoi): the IDT calls no driver by name, so the two files do
 * not depend on each other.
 *
 * An interrupt that no kernel handler claims (no handler at all, the
 * masked PIC's spurious IRQs, and, through idt_other_interrupt(), the
 * local APIC's spurious and error vectors) is handed to the kernel's
 * "other" hook with its vector, after arch handled it: the kernel only
 * names it (kernel/idle.h, WAKE_VECTOR).  Set once at boot, like the table.
 */
#include "arch/x86_64/idt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "kernel/arch_services.h"
#include "kernel/printk.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern const uint64_t isr_stub_table[256];

static struct idt_gate idt[256] __attribute__((aligned(16)));
static irq_handler_fn irq_handlers[256];
static void (*eoi_fn)(void);	/* the interrupt controller's acknowledge; set at boot */
static uint64_t unexpected_vectors;
static void (*other_fn)(uint32_t vector);	/* the kernel's hook; set at boot */

static void idt_set_gate(int vec, uint64_t addr, uint8_t ist)
{
	struct idt_gate *g = &idt[vec];

	g->offset_lo = addr & 0xffff;
	g->selector = GDT_KERNEL_CODE;
	g->ist = ist;
	g->type_attr = 0x8e;	/* present, DPL0, 64-bit interrupt gate */
	g->offset_mid = (addr >> 16) & 0xffff;
	g->offset_hi = addr >> 32;
	g->reserved = 0;
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		idt_set_gate(v, isr_stub_table[v], 0);
	idt[2].ist = IST_NMI;
	idt[8].ist = IST_DOUBLE_FAULT;
	idt[18].ist = IST_MACHINE_CHECK;
}

void idt_load(void)
{
	struct idt_ptr ptr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(ptr));
}

void idt_set_handler(uint8_t vector, irq_handler_fn fn)
{
	irq_handlers[vector] = fn;
}

void idt_set_eoi(void (*eoi)(void))
{
	eoi_fn = eoi;
}

void arch_irq_set_other_handler(void (*fn)(uint32_t vector))
{
	other_fn = fn;
}

void idt_other_interrupt(uint8_t vector)
{
	if (other_fn)
		other_fn(vector);
}

void interrupt_dispatch(struct trap_frame *f)
{
	irq_handler_fn fn;

	if (f->vector < 32) {
		trap_exception(f);
		return;
	}
	__atomic_fetch_add(&this_cpu()->irqs, 1, __ATOMIC_RELAXED);
	/* a parked CPU runs with IF clear: this can only be a bug (docs/cpus.md §7.5) */
	if (__atomic_load_n(&this_cpu()->parked, __ATOMIC_RELAXED))
		__atomic_fetch_add(&this_cpu()->parked_irqs, 1, __ATOMIC_RELAXED);
	fn = irq_handlers[f->vector];
	if (fn) {
		fn(f);
		return;
	}
	/* The PIC is masked; its spurious IRQ7/15 need no EOI. */
	if (f->vector >= VEC_PIC_BASE && f->vector < VEC_PIC_BASE + 16) {
		idt_other_interrupt((uint8_t)f->vector);
		return;
	}
	if (__atomic_fetch_add(&unexpected_vectors, 1, __ATOMIC_RELAXED) < 8)
		kprintf("cpu %u: unexpected interrupt vector %lu\n",
			this_cpu_id(), (unsigned long)f->vector);
	if (eoi_fn)
		eoi_fn();
	idt_other_interrupt((uint8_t)f->vector);
}
