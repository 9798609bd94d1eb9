/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PULLKERN_ARCH_PIC_H
#define PULLKERN_ARCH_PIC_H

#include <stdbool.h>

/* Remap the legacy 8259s out of the exception vectors and mask them. */
void pic_disable(void);

/*
 * Boot CPU, after its local APIC is up: deliver master line `irq` (not 2)
 * to this CPU alone through LINT0 (virtual wire); fn runs in the
 * interrupt, interrupts off, before the 8259's EOI.  False if it cannot.
 */
bool pic_route_irq(unsigned int irq, void (*fn)(void));

#endif
