// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pic: the legacy 8259 pair, put out of the way, and the one line the
 * shell takes through it.
 *
 * The 8259s are remapped to vectors 0x20-0x2f (so a stray interrupt can
 * never look like a CPU exception) and every line is masked.  A spurious
 * IRQ 7/15 can still arrive; idt.c drops it without EOI.  ICW sequence per
 * the 8259A datasheet.
 *
 * pic_route_irq() opens one master line (the shell's COM1, IRQ 4, and
 * its PS/2 keyboard, IRQ 1; each call adds one) in virtual-wire mode: the boot CPU's LINT0 is programmed for ExtINT (SDM
 * Vol. 3A §11.5.1), so the 8259 delivers to it alone and supplies the
 * vector.  An ExtINT interrupt takes no local APIC EOI; the 8259 gets a
 * non-specific EOI after the handler.  The handler is the kernel's entry
 * point, handed down; the IDT entry is written before the line is
 * unmasked, and only the boot CPU can take the vector, so program order
 * on the boot CPU is all the ordering needed.  The wake-up is then named
 * to the kernel like any vector (idt_other_interrupt).  No I/O APIC is
 * involved: drivers/apic/ioapic.c keeps these ISA inputs masked at the
 * I/O APIC (routing them there would let any CPU take the line and drop
 * the ExtINT path).
 */
#include <stdbool.h>

#include "arch/x86_64/idt.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/pic.h"
#include "drivers/apic/lapic.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_EOI		0x20	/* OCW2: non-specific EOI */
#define PIC_CASCADE	2	/* the slave hangs on master line 2 */
#define LVT_EXTINT	(7u << 8)	/* delivery mode ExtINT, edge, unmasked */

static void (*line_fn[8])(void);	/* boot CPU; written before the line opens */

void pic_disable(void)
{
	outb(PIC1_CMD, 0x11);		/* ICW1: init, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, VEC_PIC_BASE);	/* ICW2: vector base */
	outb(PIC2_DATA, VEC_PIC_BASE + 8);
	outb(PIC1_DATA, 0x04);		/* ICW3: slave on IRQ2 */
	outb(PIC2_DATA, 0x02);
	outb(PIC1_DATA, 0x01);		/* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xff);		/* mask everything */
	outb(PIC2_DATA, 0xff);
}

static void legacy_irq(struct trap_frame *f)
{
	uint32_t irq = (uint32_t)(f->vector - VEC_PIC_BASE);

	if (irq < 8 && line_fn[irq])
		line_fn[irq]();
	outb(PIC1_CMD, PIC_EOI);
	idt_other_interrupt((uint8_t)f->vector);
}

bool pic_route_irq(unsigned int irq, void (*fn)(void))
{
	if (irq >= 8 || irq == PIC_CASCADE || !fn || !lapic_ready())
		return false;
	line_fn[irq] = fn;
	idt_set_handler((uint8_t)(VEC_PIC_BASE + irq), legacy_irq);
	lapic_write(LAPIC_LVT_LINT0, LVT_EXTINT);
	outb(PIC1_DATA, (uint8_t)(inb(PIC1_DATA) & ~(1u << irq)));
	return true;
}
