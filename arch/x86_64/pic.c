// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pic: the legacy 8259 pair, put out of the way.
 *
 * We use only local APICs.  The 8259s are remapped to vectors 0x20-0x2f
 * (so a stray interrupt can never look like a CPU exception) and every
 * line is masked.  A spurious IRQ 7/15 can still arrive; idt.c drops it
 * without EOI.  ICW sequence per the 8259A datasheet.
 */
#include "arch/x86_64/idt.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/pic.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1

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
