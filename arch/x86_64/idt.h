/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * idt: interrupt vectors and their dispatch.
 *
 * Every one of the 256 vectors has an assembly stub (isr.S) that builds a
 * struct trap_frame and calls interrupt_dispatch().  Vectors 0-31 are
 * exceptions (trap.c); the others dispatch through a handler table filled
 * at boot, before interrupts are enabled, and read-only afterwards.
 */
#ifndef PULLKERN_ARCH_IDT_H
#define PULLKERN_ARCH_IDT_H

#include <stdint.h>

/* Vector map.  The legacy PIC is remapped out of the exception range and masked. */
#define VEC_PIC_BASE		0x20	/* 0x20-0x2f: 8259, masked but for the shell's IRQ 4 */
#define VEC_GSI_BASE		0x30	/* 0x30-0x37: I/O APIC inputs (drivers/apic/ioapic.c) */
#define VEC_GSI_COUNT		8
#define VEC_LAPIC_TIMER		0xf0
#define VEC_IPI_WAKE		0xf1	/* wake a CPU from HLT, no other action */
#define VEC_IPI_CALL		0xf2	/* run this CPU's pending cross-call */
#define VEC_LAPIC_ERROR		0xfe
#define VEC_SPURIOUS		0xff

/* What the stubs push, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

typedef void (*irq_handler_fn)(struct trap_frame *f);

void idt_init(void);		/* BSP, once: build the table */
void idt_load(void);		/* every CPU */
void idt_set_handler(uint8_t vector, irq_handler_fn fn);
/* How to acknowledge a vector no handler claimed (none until the APIC is up). */
void idt_set_eoi(void (*eoi)(void));
/* An interrupt no kernel handler claims, after arch handled it: name it to the kernel. */
void idt_other_interrupt(uint8_t vector);

void interrupt_dispatch(struct trap_frame *f);

#endif
