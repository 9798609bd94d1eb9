// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tick: the per-CPU tick, and the event interrupt that drives it.
 *
 * A CPU with work runs a tick at HZ; a CPU in its idle loop stops it
 * (kernel/idle.c) and programs a one-shot for its next event instead.  Both
 * are the same per-CPU event (arch_event_program, kernel/arch_services.h):
 * while the tick runs, every event interrupt programs the next jiffy
 * boundary, so ticks on all CPUs line up with jiffies and a late interrupt
 * never shifts the ones after it.
 *
 * The interrupt then runs this CPU's due timers (timer_run_cpu), tick or
 * not: in idle it is the wake-up for the one-shot, and the idle loop
 * decides again afterwards.  Then the migration hierarchy's duty
 * (kernel/tmigr.c): an active migrator, or an idle CPU whose hierarchy
 * wake-up is due, expires the global timers of idle CPUs below it.  The
 * wake-up is classified for the idle report: own timer, migrator duty, or
 * nothing; the wake IPI's handler, here too, classifies itself.  arch
 * acknowledges the interrupt before calling us: interrupts stay off until
 * the handler returns, and a callback that adds a timer for "now"
 * re-programs the event, which must not wait behind an unfinished EOI.
 *
 * The tick stopped while a timer is added for the next jiffy: a local add
 * happens in an interrupt handler or with the CPU not idle, and the idle
 * loop decides again after every interrupt (kernel/idle.c, I5); a remote
 * add to an idle CPU kicks it (kernel/timer.c, §1.11), and the wake IPI
 * ends its halt so it decides again.  Either way the decision that follows
 * sees the timer within one jiffy and starts the tick, which programs the
 * next jiffy boundary because tick_on[] was cleared when the tick stopped
 * (kernel/idle.c, I4): tick_on[] is true exactly while the event device
 * holds this CPU's next tick.
 *
 * tick_on[] is written only by its CPU (with interrupts off) and read by
 * its CPU: no atomics.  Counters are struct idle_stats (kernel/idle.h).
 */
#include "kernel/arch_services.h"
#include "kernel/idle.h"
#include "kernel/tick.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "lib/counter.h"

uint32_t tick_hz = HZ_DEFAULT;

static bool tick_on[IDLE_MAX_CPUS];		/* owner CPU only */

static void program_next_tick(void)
{
	arch_event_program(timer_jiffies_to_ns(timer_jiffies() + 1));
}

static void event_interrupt(void)
{
	struct idle_stats *st = idle_stats_mine();
	bool own, duty, forced;

	counter_add(&st->timer_irqs, 1);
	if (tick_on[arch_cpu_id()]) {
		counter_add(&st->ticks, 1);
		program_next_tick();
	}
	own = timer_run_cpu() != 0;
	duty = tmigr_requires_remote();
	/* a duty walk only for our forced wake-up: the pinned timer woke us */
	forced = duty && tmigr_duty_is_forced();
	if (duty)
		tmigr_handle_remote();
	/*
	 * Duty first: an idle migrator whose own global timer is due with the
	 * others would have been woken by the hierarchy anyway.
	 */
	idle_note_wake(duty && !forced ? WAKE_MIGRATOR : own ? WAKE_OWN_TIMER : WAKE_OTHER);
}

/* Nothing to do but be counted: the idle loop decides again after it. */
static void wake_ipi(void)
{
	counter_add(&idle_stats_mine()->wake_ipis, 1);
	idle_note_wake(WAKE_IPI);
}

void tick_init(uint32_t hz)
{
	tick_hz = hz;
	arch_event_set_handler(event_interrupt);
	arch_ipi_set_handler(ARCH_IPI_WAKE, wake_ipi);
}

void tick_reset(void)
{
	for (uint32_t c = 0; c < IDLE_MAX_CPUS; c++)
		tick_on[c] = false;
}

void tick_start_cpu(void)
{
	if (tick_on[arch_cpu_id()])
		return;
	tick_on[arch_cpu_id()] = true;
	program_next_tick();
}

void tick_stop_cpu(void)
{
	tick_on[arch_cpu_id()] = false;
}

uint64_t tick_count(uint32_t cpu)
{
	return counter_read(&idle_stats_of(cpu)->ticks);
}
