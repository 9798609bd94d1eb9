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
 * wake-up is classified for the idle report (kernel/idle.h), first match:
 *
 *   own_pinned   a LOCAL timer ran: nothing could have spared this wake-up
 *   duty_ran     the hierarchy ran idle CPUs' global timers, or our own
 *                global timers ran on a one-shot armed for the hierarchy's
 *                wake-up (we were the idle migrator: our timers were the
 *                duty, the same wake-up a remote expiry would be)
 *   own_global   our GLOBAL timers ran on a one-shot with no hierarchy
 *                wake-up armed: tmigr=off, or the hierarchy off for this CPU
 *   tick         the tick runs: nothing was due at this jiffy, or only our
 *                own global timers (a CPU keeps its tick while its next
 *                event is within a jiffy, and runs its global timers itself
 *                until it has stopped the tick: the hierarchy takes them
 *                only from a tickless CPU, so this is not a missed pull)
 *   duty_empty   the hierarchy's wake-up came (or an active migrator's
 *                duty walked) and found nothing due: done already by a CPU
 *                that woke for its own reasons (duplicate), or its event
 *                moved (stale)
 *   early        the one-shot fired before its deadline: nothing due yet;
 *                how early goes to the statistics
 *   stale        the one-shot at its deadline, and the local event it was
 *                armed for is gone (deleted, or moved later); or the
 *                interrupt of the deadline the halt's one-shot replaced
 *                (a tick), which was pending already: re-programming the
 *                LAPIC timer does not withdraw an interrupt it raised
 *
 * The wake and call IPIs and the interrupts no kernel handler claims (a
 * hook arch calls with the vector) classify themselves.  arch
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
	uint64_t deadline = timer_jiffies_to_ns(timer_jiffies() + 1);

	idle_stats_mine()->event_ns = deadline;
	arch_event_program(deadline);
}

static enum wake_cause classify(const struct idle_stats *st, uint32_t local_ran,
				uint32_t global_ran, bool duty, uint32_t duty_fired)
{
	uint64_t now;

	if (local_ran)
		return WAKE_OWN_PINNED;
	if (duty_fired || (global_ran && st->armed_duty))
		return WAKE_DUTY_RAN;
	if (tick_on[arch_cpu_id()])
		return WAKE_TICK;
	if (global_ran)
		return WAKE_OWN_GLOBAL;
	now = arch_now_ns();
	if (duty || (st->armed_duty && now >= st->armed_ns))
		return WAKE_DUTY_EMPTY;
	/* the interrupt of the deadline the one-shot replaced, pending since */
	if (st->replaced_ns && now >= st->replaced_ns)
		return WAKE_STALE;
	if (st->armed_ns != TIMER_NO_EVENT && now < st->armed_ns) {
		idle_note_early(st->armed_ns - now);
		return WAKE_EARLY;
	}
	return WAKE_STALE;
}

static void event_interrupt(void)
{
	struct idle_stats *st = idle_stats_mine();
	uint32_t local_ran, global_ran, duty_fired = 0;
	bool duty;

	counter_add(&st->timer_irqs, 1);
	st->irq_jiffy = timer_jiffies();	/* for callbacks: when this CPU woke */
	st->event_ns = 0;	/* taken: the device holds nothing until re-programmed */
	if (tick_on[arch_cpu_id()]) {
		counter_add(&st->ticks, 1);
		program_next_tick();
	}
	local_ran = timer_run_cpu_bases(&global_ran);
	duty = tmigr_requires_remote();
	if (duty)
		duty_fired = tmigr_handle_remote();
	idle_note_wake(classify(st, local_ran, global_ran, duty, duty_fired));
}

/* Nothing to do but be counted: the idle loop decides again after it. */
static void wake_ipi(void)
{
	counter_add(&idle_stats_mine()->wake_ipis, 1);
	idle_note_wake(WAKE_IPI_WAKE);
}

/* An interrupt arch has no kernel handler for: only named, by vector. */
static void other_interrupt(uint32_t vector)
{
	idle_note_vector(vector);
}

void tick_init(uint32_t hz)
{
	tick_hz = hz;
	arch_event_set_handler(event_interrupt);
	arch_ipi_set_handler(ARCH_IPI_WAKE, wake_ipi);
	arch_irq_set_other_handler(other_interrupt);
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
