// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lapic: one interface over the xAPIC and x2APIC backends.
 *
 * The backend is chosen once on the BSP, before any AP starts, and never
 * changes; every AP switches its own APIC into the same mode (ap_entry.S
 * for x2APIC, before it even reads its ID).  After that the backend pointer
 * is read-only, so lapic_read/write need no locking: each CPU only ever
 * touches its own APIC.
 *
 * Which mode is lapic_mode_choose()'s decision (lapic_mode.c) and every
 * register number and ICR word comes from apic_encode.h: both are pure,
 * so host tests cover the x2APIC paths QEMU TCG cannot run.
 *
 * Per-CPU setup (lapic_init_cpu) follows SDM Vol. 3A §11.4.7 / §11.9:
 * software-enable through the spurious-interrupt vector register, mask
 * every LVT entry we do not use, route APIC errors to VEC_LAPIC_ERROR,
 * clear the error status (write then read), accept all priorities (TPR 0).
 * LINT0/LINT1 stay masked (the 8259 is masked and we take no ExtINT)
 * unless the MADT's NMI entries wire one to NMI on this CPU
 * (acpi_nmi_pins(), kernel/acpi.c): then that pin delivers NMI with the
 * firmware's polarity, edge-triggered (apic_lvt_lint_nmi).  The wiring is
 * handed down once on the BSP (lapic_set_nmi_wiring) before any AP
 * starts, read-only after; a hot-added CPU programs its pins the same way.
 * An NMI from such a pin is a platform event (a hardware error, a front
 * panel or BMC NMI): the trap handler reports it and panics, as for any
 * NMI that is neither panic()'s nor a parked CPU's wake-up.
 *
 * The kernel's IPIs (kernel/arch_services.h: wake and call) go out at
 * VEC_IPI_WAKE and VEC_IPI_CALL; their interrupts acknowledge (EOI) and
 * then call the handler the kernel registered for the kind, which counts
 * and classifies the wake-up.  This driver knows nothing more about them.
 *
 * IPIs are sent with interrupts off so that an interrupt handler sending
 * its own IPI cannot land between the two xAPIC ICR writes.
 */
#include <stddef.h>

#include "arch/x86_64/apic_base.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/smpboot.h"
#include "drivers/apic/lapic.h"
#include "drivers/apic/lapic_mode.h"
#include "kernel/acpi.h"
#include "kernel/arch_services.h"
#include "kernel/printk.h"

#define XAPIC_DEFAULT_BASE	0xfee00000ull

uint8_t lapic_x2apic_mode;

static const struct lapic_backend *backend;
static bool firmware_x2apic;		/* IA32_APIC_BASE.EXTD at hand-over; BSP, once */
static const struct acpi_info *nmi_wiring;	/* set once on the BSP before any AP */
static uint32_t lint_nmi_cpus;		/* CPUs that programmed a LINT as NMI; relaxed */
static uint64_t spurious_count;
static uint64_t error_count;

bool lapic_ready(void)
{
	return backend != NULL;
}

const char *lapic_mode_name(void)
{
	return backend ? backend->name : "none";
}

uint32_t lapic_read(uint32_t reg)
{
	return backend->read(reg);
}

void lapic_write(uint32_t reg, uint32_t val)
{
	backend->write(reg, val);
}

uint32_t lapic_id(void)
{
	return apic_id_from_reg(lapic_x2apic_mode, lapic_read(LAPIC_ID));
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static bool send(uint32_t dest, uint32_t icr_lo)
{
	unsigned long flags;
	bool ok;

	/* An xAPIC would truncate a wide ID to some other CPU's, or broadcast. */
	if (!(icr_lo & ICR_DEST_ALL_BUT_SELF) &&
	    !apic_dest_ok(lapic_x2apic_mode, dest)) {
		kprintf("lapic: IPI to APIC ID %u refused: not addressable in %s mode\n",
			dest, lapic_mode_name());
		return false;
	}
	flags = read_rflags();
	irq_disable();
	ok = backend->send_icr(dest, icr_lo);
	if (flags & RFLAGS_IF)
		irq_enable();
	return ok;
}

bool lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	return send(apic_id, apic_icr_fixed(vector));
}

bool lapic_send_init(uint32_t apic_id)
{
	bool ok = send(apic_id, apic_icr_init_assert());

	/*
	 * Level de-assert: required by the MP spec's sequence, ignored by
	 * Pentium 4 and later (SDM §11.6.1); harmless either way.  Not in
	 * x2APIC mode, where the SDM lists it as unsupported.
	 */
	if (!lapic_x2apic_mode)
		ok = send(apic_id, apic_icr_init_deassert()) && ok;
	return ok;
}

bool lapic_send_sipi(uint32_t apic_id, uint8_t page)
{
	return send(apic_id, apic_icr_sipi(page));
}

bool lapic_send_nmi(uint32_t apic_id)
{
	return send(apic_id, apic_icr_nmi());
}

void lapic_send_nmi_all_but_self(void)
{
	send(0, apic_icr_nmi_all_but_self());
}

static void (*ipi_handler[ARCH_IPI_NR])(void);	/* set once at boot, before any IPI */
static const uint8_t ipi_vector[ARCH_IPI_NR] = {
	[ARCH_IPI_WAKE] = VEC_IPI_WAKE,
	[ARCH_IPI_CALL] = VEC_IPI_CALL,
};

static void ipi_interrupt(enum arch_ipi kind)
{
	lapic_eoi();
	if (ipi_handler[kind])
		ipi_handler[kind]();
}

static void wake_interrupt(struct trap_frame *f)
{
	(void)f;
	ipi_interrupt(ARCH_IPI_WAKE);
}

static void call_interrupt(struct trap_frame *f)
{
	(void)f;
	ipi_interrupt(ARCH_IPI_CALL);
}

void arch_ipi_set_handler(enum arch_ipi kind, void (*fn)(void))
{
	ipi_handler[kind] = fn;
	idt_set_handler(ipi_vector[kind],
			kind == ARCH_IPI_WAKE ? wake_interrupt : call_interrupt);
}

void arch_send_ipi(uint32_t cpu, enum arch_ipi kind)
{
	lapic_send_ipi(smp_apic_id(cpu), ipi_vector[kind]);
}

void arch_kick_cpu(uint32_t cpu)
{
	arch_send_ipi(cpu, ARCH_IPI_WAKE);
}

static void spurious_handler(struct trap_frame *f)
{
	(void)f;
	/* No EOI for a spurious interrupt (SDM §11.9). */
	__atomic_fetch_add(&spurious_count, 1, __ATOMIC_RELAXED);
	idt_other_interrupt(VEC_SPURIOUS);
}

static void error_handler(struct trap_frame *f)
{
	uint32_t esr;

	(void)f;
	lapic_write(LAPIC_ESR, 0);
	esr = lapic_read(LAPIC_ESR);
	if (__atomic_fetch_add(&error_count, 1, __ATOMIC_RELAXED) < 8)
		kprintf("lapic: cpu %u APIC error, ESR %#x\n", this_cpu_id(),
			esr);
	lapic_eoi();
	idt_other_interrupt(VEC_LAPIC_ERROR);
}

/* The decision is lapic_mode_choose()'s; this only reads its inputs. */
static const char *choose_mode(uint64_t apic_base, uint32_t max_apic_id,
			       int force)
{
	const char *why;
	enum lapic_mode mode = lapic_mode_choose(cpu_features.x2apic,
						 apic_base & APIC_BASE_EXTD,
						 max_apic_id, force, &why);

	backend = mode == LAPIC_MODE_X2APIC ? &x2apic_backend : &xapic_backend;
	return why;
}

const char *lapic_init_bsp(uint64_t madt_base, uint32_t max_apic_id,
			   int force)
{
	uint64_t apic_base = rdmsr(MSR_APIC_BASE);
	uint64_t msr_addr = apic_base & APIC_BASE_ADDR_MASK;
	const char *why = choose_mode(apic_base, max_apic_id, force);

	firmware_x2apic = apic_base & APIC_BASE_EXTD;

	lapic_mmio_base = msr_addr ? msr_addr : XAPIC_DEFAULT_BASE;
	if (madt_base && madt_base != lapic_mmio_base)
		kprintf("lapic: MADT says base %#lx, IA32_APIC_BASE says %#lx; using the MSR\n",
			(unsigned long)madt_base,
			(unsigned long)lapic_mmio_base);
	lapic_x2apic_mode = backend == &x2apic_backend;
	idt_set_handler(VEC_SPURIOUS, spurious_handler);
	idt_set_handler(VEC_LAPIC_ERROR, error_handler);
	idt_set_eoi(lapic_eoi);
	return why;
}

void lapic_set_nmi_wiring(const struct acpi_info *acpi)
{
	nmi_wiring = acpi->madt_ok ? acpi : NULL;
}

bool lapic_firmware_x2apic(void)
{
	return firmware_x2apic;
}

uint32_t lapic_lint_nmi_cpus(void)
{
	return __atomic_load_n(&lint_nmi_cpus, __ATOMIC_RELAXED);
}

/* LINT0/LINT1 as the MADT's NMI entries say; masked (already) otherwise. */
static void program_lints(void)
{
	static const uint32_t reg[2] = { LAPIC_LVT_LINT0, LAPIC_LVT_LINT1 };
	struct acpi_nmi_pin pins[2];
	uint32_t id = lapic_id();

	if (!nmi_wiring || !acpi_nmi_pins(nmi_wiring, id, pins))
		return;
	for (int i = 0; i < 2; i++) {
		if (!pins[i].nmi)
			continue;
		lapic_write(reg[i], apic_lvt_lint_nmi(pins[i].active_low));
		/* one CPU says it; the others count (the firmware record) */
		if (this_cpu_id_safe() == 0)
			kprintf("lapic: LINT%d is NMI (active %s, %s-triggered per MADT%s)\n", i,
				pins[i].active_low ? "low" : "high", pins[i].level ? "level" : "edge",
				pins[i].level ? "; programmed edge, the only NMI trigger" : "");
	}
	__atomic_fetch_add(&lint_nmi_cpus, 1, __ATOMIC_RELAXED);
}

void lapic_init_cpu(void)
{
	backend->enable_mode();
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_THERMAL, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_PERF, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_MASKED);
	program_lints();
	lapic_write(LAPIC_LVT_ERROR, VEC_LAPIC_ERROR);
	lapic_write(LAPIC_ESR, 0);
	(void)lapic_read(LAPIC_ESR);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
	lapic_eoi();	/* drop anything left in service by firmware */
}
