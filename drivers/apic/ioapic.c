// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ioapic: the I/O APICs, every input masked but the ones the kernel asks
 * for, each delivered to the boot CPU.
 *
 * Theory
 *
 * An I/O APIC is two 32-bit MMIO registers: IOREGSEL (offset 0x00) picks
 * an internal register, IOWIN (offset 0x10) reads or writes it.  Register
 * 1 gives the version and, in bits 23:16, the index of the last
 * redirection entry; entry i is registers 0x10 + 2i (low half: vector,
 * delivery mode, destination mode, polarity in bit 13, trigger in bit 15,
 * mask in bit 16) and 0x11 + 2i (high half: the physical destination APIC
 * ID in bits 31:24).  Input i of an I/O APIC whose MADT entry gives GSI
 * base B is GSI B + i (ACPI 6.5 5.2.12.3; the register layout is the
 * 82093AA I/O APIC datasheet's, which chipsets keep).
 *
 * The MADT is hostile input: an I/O APIC address inside memory the
 * loader's map lists (usable, ACPI, NVS) is refused before any write, and
 * one whose version register reads all ones is taken as absent.
 *
 * ioapic_init() masks every input of every I/O APIC at boot: the firmware
 * may have left some routed, and pullkern takes no device interrupt it did
 * not ask for.  The legacy 8259 pair stays masked too (arch/x86_64/pic.c).
 * arch_irq_attach_gsi() (kernel/arch_services.h) gives a GSI a vector of
 * its own from VEC_GSI_BASE, installs the dispatcher for it and programs
 * the entry last, so the vector has its handler before it can fire.  The
 * dispatcher calls the kernel's handler first and acknowledges the local
 * APIC after it: for a level-triggered input the EOI is what lets the I/O
 * APIC deliver again, so the handler quiets the source before that, or
 * the interrupt comes straight back.
 *
 * Mapping: paging_map_mmio() adds an uncached mapping above 4 GiB; below,
 * the boot map is uncached around 0xfec00000 (where every PC puts its
 * I/O APICs) and elsewhere relies on the firmware's MTRRs marking MMIO
 * uncacheable, as they do.
 *
 * Destination: the boot CPU, in physical mode.  An xAPIC-format entry
 * holds an 8-bit APIC ID; a wider one would need interrupt remapping, so
 * it is refused.
 *
 * Locking: the IOREGSEL/IOWIN pair is not atomic, so every access to an
 * I/O APIC holds `lock` with interrupts off.  The table of attached GSIs
 * is written before the entry is unmasked and only read afterwards (the
 * unmask, an uncached MMIO write, comes after it in program order on the
 * CPU that attaches, and only that CPU takes the interrupt).
 */
#include <stddef.h>

#include "arch/x86_64/idt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smpboot.h"
#include "drivers/apic/ioapic.h"
#include "drivers/apic/lapic.h"
#include "kernel/acpi.h"
#include "kernel/arch_services.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"

#define IOREGSEL		0x00
#define IOWIN			0x10
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REDIR(i)		(0x10 + 2 * (i))
#define REDIR_POLARITY_LOW	(1u << 13)
#define REDIR_LEVEL		(1u << 15)
#define REDIR_MASKED		(1u << 16)
#define IOAPIC_MMIO_LEN		0x20

struct ioapic {
	volatile uint32_t *mmio;
	uint32_t gsi_base;
	uint32_t inputs;	/* redirection entries */
	uint8_t id;
};

struct gsi_handler {
	uint32_t gsi;
	void (*fn)(uint32_t vector);
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static uint32_t nioapics;
static struct spinlock lock = SPINLOCK_INIT;
static struct gsi_handler handlers[VEC_GSI_COUNT];	/* by vector - VEC_GSI_BASE */
static uint32_t nhandlers;

static uint32_t reg_read(struct ioapic *io, uint32_t reg)
{
	io->mmio[IOREGSEL / 4] = reg;
	return io->mmio[IOWIN / 4];
}

static void reg_write(struct ioapic *io, uint32_t reg, uint32_t val)
{
	io->mmio[IOREGSEL / 4] = reg;
	io->mmio[IOWIN / 4] = val;
}

static void mask_all(struct ioapic *io)
{
	for (uint32_t i = 0; i < io->inputs; i++) {
		reg_write(io, IOAPIC_REDIR(i), REDIR_MASKED);
		reg_write(io, IOAPIC_REDIR(i) + 1, 0);
	}
}

uint32_t ioapic_init(const struct acpi_info *acpi, bool (*is_memory)(uint64_t phys, uint64_t len))
{
	unsigned long flags;

	for (uint32_t i = 0; i < acpi->nioapic && i < ACPI_MAX_IOAPICS; i++) {
		const struct acpi_ioapic *a = &acpi->ioapics[i];
		struct ioapic *io = &ioapics[nioapics];
		uint32_t ver;

		if (is_memory(a->phys, IOAPIC_MMIO_LEN)) {
			kprintf("ioapic: I/O APIC %u at %#x lies in memory, not MMIO: ignored\n",
				a->id, a->phys);
			continue;
		}
		io->mmio = paging_map_mmio(a->phys, IOAPIC_MMIO_LEN);
		if (!io->mmio)
			continue;
		flags = spin_lock_irqsave(&lock);
		ver = reg_read(io, IOAPIC_REG_VER);
		spin_unlock_irqrestore(&lock, flags);
		if (ver == 0xffffffffu) {
			kprintf("ioapic: I/O APIC %u at %#x does not answer, ignored\n", a->id,
				a->phys);
			continue;
		}
		io->gsi_base = a->gsi_base;
		io->inputs = ((ver >> 16) & 0xff) + 1;
		io->id = a->id;
		flags = spin_lock_irqsave(&lock);
		mask_all(io);
		spin_unlock_irqrestore(&lock, flags);
		kprintf("ioapic: I/O APIC %u at %#x: GSI %u .. %u, version %#x, all masked\n",
			a->id, a->phys, io->gsi_base, io->gsi_base + io->inputs - 1, ver & 0xff);
		nioapics++;
	}
	return nioapics;
}

static struct ioapic *ioapic_of(uint32_t gsi)
{
	for (uint32_t i = 0; i < nioapics; i++)
		if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].inputs)
			return &ioapics[i];
	return NULL;
}

bool ioapic_route(uint32_t gsi, uint8_t vector, bool level, bool active_low, uint32_t dest)
{
	struct ioapic *io = ioapic_of(gsi);
	uint32_t lo = vector, pin;
	unsigned long flags;

	if (!io || dest > 0xff)
		return false;
	pin = gsi - io->gsi_base;
	if (level)
		lo |= REDIR_LEVEL;
	if (active_low)
		lo |= REDIR_POLARITY_LOW;
	flags = spin_lock_irqsave(&lock);
	reg_write(io, IOAPIC_REDIR(pin), REDIR_MASKED);
	reg_write(io, IOAPIC_REDIR(pin) + 1, dest << 24);
	reg_write(io, IOAPIC_REDIR(pin), lo);	/* unmasked last */
	spin_unlock_irqrestore(&lock, flags);
	return true;
}

static void gsi_interrupt(struct trap_frame *f)
{
	struct gsi_handler *h = &handlers[f->vector - VEC_GSI_BASE];

	h->fn((uint32_t)f->vector);
	lapic_eoi();	/* after the handler: a level input re-fires if still asserted */
}

bool arch_irq_attach_gsi(uint32_t gsi, bool level, bool active_low, void (*fn)(uint32_t vector))
{
	uint8_t vector;

	if (nhandlers == VEC_GSI_COUNT || !ioapic_of(gsi)) {
		kprintf("ioapic: GSI %u: %s\n", gsi,
			nhandlers == VEC_GSI_COUNT ? "no vector left" : "no I/O APIC has it");
		return false;
	}
	vector = (uint8_t)(VEC_GSI_BASE + nhandlers);
	handlers[nhandlers].gsi = gsi;
	handlers[nhandlers].fn = fn;
	idt_set_handler(vector, gsi_interrupt);
	if (!ioapic_route(gsi, vector, level, active_low, smp_apic_id(0))) {
		kprintf("ioapic: GSI %u cannot reach APIC ID %u\n", gsi, smp_apic_id(0));
		idt_set_handler(vector, NULL);
		return false;
	}
	nhandlers++;
	kprintf("ioapic: GSI %u -> vector %#x on APIC ID %u, %s, active %s\n", gsi, vector,
		smp_apic_id(0), level ? "level" : "edge", active_low ? "low" : "high");
	return true;
}
