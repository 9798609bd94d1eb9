/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apic_base: the IA32_APIC_BASE MSR (Intel SDM Vol. 3A §11.4.4, Figure
 * 11-5; the EXTD bit §11.12.1), shared by C and assembly.
 *
 * One definition for every reader: lapic.c reads the base address and
 * whether firmware left x2APIC on, the xAPIC and x2APIC backends set the
 * enable bits, and ap_entry.S switches an AP to x2APIC before it has a
 * stack.  Only the preprocessor runs over this file in assembly.
 */
#ifndef PULLKERN_ARCH_APIC_BASE_H
#define PULLKERN_ARCH_APIC_BASE_H

#define MSR_APIC_BASE		0x1b
#define APIC_BASE_BSP		(1 << 8)	/* read-only: this is the boot CPU */
#define APIC_BASE_EXTD		(1 << 10)	/* x2APIC mode (with EN) */
#define APIC_BASE_EN		(1 << 11)	/* the local APIC is enabled */
#define APIC_BASE_ADDR_MASK	0x000ffffffffff000	/* xAPIC MMIO page */

#endif
