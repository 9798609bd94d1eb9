/*
 * tick: the per-CPU tick, and the LAPIC timer interrupt that drives it.
 *
 * A CPU with work runs a tick at HZ; a CPU in its idle loop stops it
 * (kernel/idle.c) and arms a one-shot for its next event instead.  Both are
 * the same one-shot LAPIC timer: while the tick runs, every timer
 * interrupt re-arms it for the next jiffy boundary, so ticks on all CPUs
 * line up with jiffies and a late interrupt never shifts the ones after it.
 *
 * The interrupt then runs this CPU's due timers (timer_run_cpu), tick or
 * not: in idle it is the wake-up for the one-shot, and the idle loop
 * re-evaluates afterwards.  Then the migration hierarchy's duty
 * (kernel/tmigr.c): an active migrator, or an idle CPU whose hierarchy
 * wake-up is due, expires the global timers of idle CPUs below it.  The
 * wake-up is classified for the idle report: own timer, migrator duty, or
 * nothing (IPIs classify themselves).  EOI comes before the callbacks: interrupts stay
 * off until the handler returns, and a callback that arms a timer for
 * "now" re-arms the LAPIC, which must not be masked by an unfinished EOI.
 *
 * tick_on[] is written only by its CPU (with interrupts off) and read by
 * its CPU: no atomics.  Counters in percpu are relaxed statistics.
 */
#include "arch/x86_64/idt.h"
#include "arch/x86_64/percpu.h"
#include "drivers/apic/lapic.h"
#include "drivers/apic/lapic_timer.h"
#include "kernel/tick.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"

uint32_t tick_hz = HZ_DEFAULT;

static bool tick_on[MAX_CPUS];		/* owner CPU only */

static void arm_next_tick(void)
{
	lapic_timer_arm_at(VEC_LAPIC_TIMER,
			   timer_jiffies_to_ns(timer_jiffies() + 1));
}

static void timer_interrupt(struct trap_frame *f)
{
	struct percpu *pc = this_cpu();
	bool own, duty;

	(void)f;
	__atomic_store_n(&pc->timer_irqs, pc->timer_irqs + 1, __ATOMIC_RELAXED);
	if (tick_on[pc->cpu]) {
		__atomic_store_n(&pc->ticks, pc->ticks + 1, __ATOMIC_RELAXED);
		arm_next_tick();
	}
	lapic_eoi();
	own = timer_run_cpu() != 0;
	duty = tmigr_requires_remote();
	if (duty)
		tmigr_handle_remote();
	/*
	 * Duty first: an idle migrator whose own global timer is due with the
	 * others would have been woken by the hierarchy anyway.
	 */
	percpu_note_wake(pc, duty ? WAKE_MIGRATOR : own ? WAKE_OWN_TIMER : WAKE_OTHER);
}

void tick_init(uint32_t hz)
{
	tick_hz = hz;
	idt_set_handler(VEC_LAPIC_TIMER, timer_interrupt);
}

void tick_start_cpu(void)
{
	if (tick_on[this_cpu_id()])
		return;
	tick_on[this_cpu_id()] = true;
	arm_next_tick();
}

void tick_stop_cpu(void)
{
	tick_on[this_cpu_id()] = false;
}

bool tick_running(void)
{
	return tick_on[this_cpu_id()];
}

uint64_t tick_count(uint32_t cpu)
{
	return __atomic_load_n(&cpu_percpu(cpu)->ticks, __ATOMIC_RELAXED);
}
