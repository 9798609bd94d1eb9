/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apic_encode: the local APIC's register encodings, as pure functions.
 *
 * Both backends (xapic.c, x2apic.c) and lapic.c build their register
 * numbers and ICR words here, so each encoding is written once and host
 * tests can check every bit of it: QEMU TCG has no x2APIC, so no boot test
 * ever runs the x2APIC side.  Only stdint/stdbool, no state, no x86
 * header: this file compiles into the kernel and into host tests alike.
 *
 * Register numbers (SDM Vol. 3A §11.12.1.2): a register at xAPIC MMIO
 * offset X is x2APIC MSR 0x800 + X/16, e.g. EOI 0xb0 -> 0x80b, ICR 0x300
 * -> 0x830.  Registers are 16 bytes apart, so X/16 loses nothing.
 *
 * Interrupt command register (§11.6.1 xAPIC, §11.12.9 x2APIC):
 *
 *   low word (same in both modes)
 *     19:18 shorthand   15 trigger (1 level)   14 level (1 assert)
 *     12 delivery status (xAPIC only, read-only)
 *     10:8 delivery mode (000 fixed, 100 NMI, 101 INIT, 110 start-up)
 *      7:0 vector
 *   xAPIC:  high word is its own register (0x310), destination in 31:24;
 *           writing the low word (0x300) sends.
 *   x2APIC: one 64-bit MSR 0x830, destination in 63:32, low word in 31:0;
 *           one WRMSR sends, and there is no delivery-status bit.
 *
 * Destinations: an xAPIC destination is 8 bits and 0xff is broadcast, so
 * only 0..0xfe name one CPU; wider values would be cut to another CPU's
 * ID by the shift.  An x2APIC destination is 32 bits and 0xffffffff is
 * broadcast (§11.12.9).  Callers check before sending: a stray broadcast
 * INIT resets every CPU, the sender included.
 *
 * SIPI: the vector is the page number of the real-mode start address
 * (the AP starts at CS:IP = VV00:0000), so the start must be 4 KiB-aligned
 * below 1 MiB (§11.6.1 "Start-Up"; MP spec 1.4 §B.4.2, which also
 * reserves vectors 0xa0-0xbf, the legacy video window).
 *
 * APIC ID register (0x20): xAPIC keeps the ID in bits 31:24 (§11.4.6);
 * the x2APIC ID register (MSR 0x802) is the full 32-bit ID (§11.12).
 */
#ifndef PULLKERN_DRIVERS_APIC_ENCODE_H
#define PULLKERN_DRIVERS_APIC_ENCODE_H

#include <stdbool.h>
#include <stdint.h>

/* ICR low word (SDM Vol. 3A §11.6.1). */
#define ICR_DM_FIXED		(0u << 8)
#define ICR_DM_NMI		(4u << 8)
#define ICR_DM_INIT		(5u << 8)
#define ICR_DM_STARTUP		(6u << 8)
#define ICR_DELIVERY_PENDING	(1u << 12)
#define ICR_LEVEL_ASSERT	(1u << 14)
#define ICR_TRIGGER_LEVEL	(1u << 15)
#define ICR_DEST_SELF		(1u << 18)
#define ICR_DEST_ALL_BUT_SELF	(3u << 18)

#define X2APIC_MSR_BASE		0x800u
#define XAPIC_BROADCAST		0xffu
#define X2APIC_BROADCAST	0xffffffffu
#define SIPI_ADDR_LIMIT		0x100000ull	/* 1 MiB: vector is 8 bits */
#define SIPI_RESERVED_FIRST	0xa0u		/* MP spec §B.4.2 */
#define SIPI_RESERVED_LAST	0xbfu

/* x2APIC MSR for the register at xAPIC MMIO offset `reg`. */
static inline uint32_t apic_x2apic_msr(uint32_t reg)
{
	return X2APIC_MSR_BASE + (reg >> 4);
}

/* The 64-bit value written to the x2APIC ICR (MSR 0x830). */
static inline uint64_t apic_x2apic_icr(uint32_t dest, uint32_t icr_lo)
{
	return ((uint64_t)dest << 32) | icr_lo;
}

/* The xAPIC ICR high word; only meaningful if apic_xapic_dest_ok(dest). */
static inline uint32_t apic_xapic_icr_hi(uint32_t dest)
{
	return dest << 24;
}

/* Does `dest` name exactly one CPU in xAPIC mode? */
static inline bool apic_xapic_dest_ok(uint32_t dest)
{
	return dest < XAPIC_BROADCAST;
}

/* Does `dest` name exactly one CPU in x2APIC mode? */
static inline bool apic_x2apic_dest_ok(uint32_t dest)
{
	return dest != X2APIC_BROADCAST;
}

static inline bool apic_dest_ok(bool x2apic, uint32_t dest)
{
	return x2apic ? apic_x2apic_dest_ok(dest) : apic_xapic_dest_ok(dest);
}

/* Fixed delivery, physical destination, edge: an ordinary IPI. */
static inline uint32_t apic_icr_fixed(uint8_t vector)
{
	return ICR_DM_FIXED | vector;
}

/* INIT, level-triggered, assert (§11.6.1). */
static inline uint32_t apic_icr_init_assert(void)
{
	return ICR_DM_INIT | ICR_TRIGGER_LEVEL | ICR_LEVEL_ASSERT;
}

/* INIT level de-assert: xAPIC only; x2APIC does not support it. */
static inline uint32_t apic_icr_init_deassert(void)
{
	return ICR_DM_INIT | ICR_TRIGGER_LEVEL;
}

/*
 * May the AP start at physical address `addr`?  4 KiB-aligned, below
 * 1 MiB (so the page fits the 8-bit vector) and not a reserved vector.
 */
static inline bool apic_sipi_addr_ok(uint64_t addr)
{
	uint64_t page = addr >> 12;

	return (addr & 0xfff) == 0 && addr < SIPI_ADDR_LIMIT &&
	       (page < SIPI_RESERVED_FIRST || page > SIPI_RESERVED_LAST);
}

/* Start-up IPI to page `page` (start address page << 12). */
static inline uint32_t apic_icr_sipi(uint8_t page)
{
	return ICR_DM_STARTUP | page;
}

/* NMI to one CPU (SDM Vol. 3A §11.6.1, delivery mode 100b; the vector field is ignored). */
static inline uint32_t apic_icr_nmi(void)
{
	return ICR_DM_NMI;
}

/* NMI to every CPU but the sender; the destination field is ignored. */
static inline uint32_t apic_icr_nmi_all_but_self(void)
{
	return ICR_DM_NMI | ICR_DEST_ALL_BUT_SELF;
}

/* LVT fields (SDM Vol. 3A §11.5.1, Figure 11-8). */
#define LVT_DM_NMI		(4u << 8)
#define LVT_ACTIVE_LOW		(1u << 13)
#define LVT_TRIGGER_LEVEL	(1u << 15)
#define LVT_MASKED		(1u << 16)

/*
 * An LINT0/LINT1 entry delivering NMI, unmasked, with the pin's polarity.
 * Always edge: with delivery mode NMI the trigger mode bit is not used
 * and the SDM says to leave it 0 on LINT1 (§11.5.1), so a level trigger
 * the firmware names is reported by the caller, never written.
 */
static inline uint32_t apic_lvt_lint_nmi(bool active_low)
{
	return LVT_DM_NMI | (active_low ? LVT_ACTIVE_LOW : 0);
}

/* The APIC ID held in the ID register's value `id_reg`. */
static inline uint32_t apic_id_from_reg(bool x2apic, uint32_t id_reg)
{
	return x2apic ? id_reg : id_reg >> 24;
}

#endif
