/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arch_impl: the kernel's implementation of kernel/arch_services.h.
 * Included only through that header.
 */
#ifndef PULLKERN_ARCH_IMPL_H
#define PULLKERN_ARCH_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "kernel/hw_counters.h"

static inline void arch_cpu_relax(void)
{
	cpu_pause();
}

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags = read_rflags();

	irq_disable();
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		irq_enable();
}

static inline void arch_irq_disable(void)
{
	irq_disable();
}

static inline void arch_irq_enable(void)
{
	irq_enable();
}

static inline uint32_t arch_cpu_id(void)
{
	return this_cpu_id();
}

static inline uint64_t arch_cycles(void)
{
	return rdtsc();
}

/*
 * arch/x86_64/idle_states.c: arch_idle_halt() in the state idle= chose
 * (STI;HLT, MONITOR + STI;MWAIT, or a PAUSE loop with interrupts on), and
 * the states for reports.
 */
void arch_idle_halt(void);
uint32_t arch_idle_state_count(void);
const char *arch_idle_state_name(uint32_t i);
bool arch_idle_state_sleeps(uint32_t i);
uint32_t arch_idle_state(void);
const char *arch_idle_fallback(void);

/* arch/x86_64/clock.c: TSC scaled to ns, corrected by this CPU's measured skew. */
uint64_t arch_now_ns(void);

/* drivers/apic/lapic_timer.c: the LAPIC timer at VEC_LAPIC_TIMER. */
void arch_event_set_handler(void (*fn)(void));
void arch_event_program(uint64_t deadline_ns);
void arch_event_stop(void);

/* drivers/apic/lapic.c: fixed IPIs at VEC_IPI_WAKE and VEC_IPI_CALL. */
void arch_ipi_set_handler(enum arch_ipi kind, void (*fn)(void));
void arch_send_ipi(uint32_t cpu, enum arch_ipi kind);
void arch_kick_cpu(uint32_t cpu);

/* arch/x86_64/idt.c: interrupts no kernel handler claims, by vector. */
void arch_irq_set_other_handler(void (*fn)(uint32_t vector));

/* drivers/apic/ioapic.c: a GSI through the I/O APIC to the boot CPU. */
bool arch_irq_attach_gsi(uint32_t gsi, bool level, bool active_low, void (*fn)(uint32_t vector));

/* arch/x86_64/hw_counters.c: this CPU's hardware counters (kernel/hw_counters.h). */
void arch_hw_counters_read(struct hw_counters *out);
const char *arch_hw_counter_status(enum hw_counter c);
uint64_t arch_hw_energy_nj(enum hw_counter c, uint64_t units);

/* arch/x86_64/tsc.c: the calibrated TSC rate (an assumed one before calibration). */
uint64_t arch_tsc_khz(void);

/* kernel/panic.c */
__attribute__((noreturn, format(printf, 1, 2)))
void arch_bug(const char *fmt, ...);

/* arch/x86_64/smpboot.c: INIT/SIPI `cpu` into entry(arg); false if it did not answer. */
bool arch_cpu_start(uint32_t cpu, void (*entry)(void *arg), void *arg);

/* arch/x86_64/smpboot.c: this CPU stops for good, until arch_cpu_start() again. */
__attribute__((noreturn)) void arch_cpu_park(void);

/* arch/x86_64/smpboot.c: the park loop, IF clear, HLT ended by an NMI (docs/cpus.md §7.5). */
void arch_cpu_park_wait(void (*parked)(void *arg), void *arg);
bool arch_cpu_unpark(uint32_t cpu);
uint64_t arch_cpu_parked_irqs(uint32_t cpu);

/* arch/x86_64/smpboot.c: the numbered CPUs (docs/cpus.md §7.1). */
uint32_t arch_cpu_count(void);
uint32_t arch_cpu_hw_id(uint32_t cpu);
uint32_t arch_cpu_node(uint32_t cpu);
bool arch_cpu_running(uint32_t cpu);

/* arch/x86_64/clock.c: measure a newly started CPU's clock against ours. */
bool arch_cpu_sync_clock(uint32_t cpu, void (*run_on)(uint32_t cpu, void (*fn)(void *arg), void *arg));

#endif
