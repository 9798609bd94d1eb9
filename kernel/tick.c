/*
 * tick: every CPU runs a periodic tick at HZ from its own LAPIC timer.
 *
 * This is the first user of the time base; the timer wheel will hang off
 * this interrupt.  The handler only counts (percpu->ticks, written by the
 * owner, read by others with relaxed loads for reports) and re-arms the
 * timer in TSC-deadline mode.
 */
#include "arch/x86_64/idt.h"
#include "arch/x86_64/percpu.h"
#include "drivers/apic/lapic.h"
#include "drivers/apic/lapic_timer.h"
#include "kernel/tick.h"

uint32_t tick_hz = HZ_DEFAULT;

static void tick_interrupt(struct trap_frame *f)
{
	struct percpu *pc = this_cpu();

	(void)f;
	__atomic_store_n(&pc->ticks, pc->ticks + 1, __ATOMIC_RELAXED);
	lapic_timer_periodic_rearm();
	lapic_eoi();
}

void tick_init(uint32_t hz)
{
	tick_hz = hz;
	idt_set_handler(VEC_LAPIC_TIMER, tick_interrupt);
}

void tick_start_cpu(void)
{
	lapic_timer_start_periodic(VEC_LAPIC_TIMER, tick_hz);
}

uint64_t tick_count(uint32_t cpu)
{
	return __atomic_load_n(&cpu_percpu(cpu)->ticks, __ATOMIC_RELAXED);
}
