/*
 * idle: tickless idle on HLT (design §1.12, without the hierarchy yet).
 *
 * One step of the loop, interrupts off throughout the decision:
 *
 *   work queued?          leave idle: clear the timer bases' idle marks,
 *                         start the tick, run the work with interrupts on
 *   next event <= 1 jiffy keep the tick running, it will wake us: HLT
 *   otherwise             stop the tick, arm the one-shot for the next
 *                         local or global timer (none: timer masked), HLT
 *
 * STI;HLT are adjacent (cpu_safe_halt): an interrupt arriving after the
 * decision cannot be lost between them, it ends the HLT.  The interrupt's
 * handler runs any due timers; the loop then decides again.  Interrupts
 * taken while idle do not count as leaving idle: only work does.  So a CPU
 * with no timers and no work takes no timer interrupt at all.
 *
 * Residency: the TSC around each HLT, summed per CPU (percpu->idle_tsc),
 * and a count of HLTs that ended (percpu->idle_wakeups); both written by
 * the owner only, read by reports with relaxed loads.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/percpu.h"
#include "kernel/arch_services.h"
#include "drivers/apic/lapic_timer.h"
#include "kernel/idle.h"
#include "kernel/tick.h"
#include "kernel/timer.h"
#include "kernel/workqueue.h"

static bool nohz[MAX_CPUS];	/* owner only: the tick is stopped for idle */

static void leave_idle(void)
{
	uint32_t cpu = this_cpu_id();

	if (nohz[cpu]) {
		nohz[cpu] = false;
		timer_idle_exit();
	}
	tick_start_cpu();
}

static void halt_accounted(struct percpu *pc)
{
	uint64_t t0 = rdtsc();

	cpu_safe_halt();
	irq_disable();
	__atomic_store_n(&pc->idle_tsc, pc->idle_tsc + (rdtsc() - t0),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&pc->idle_wakeups, pc->idle_wakeups + 1,
			 __ATOMIC_RELAXED);
}

/* One decision and one sleep; returns with interrupts off. */
static void idle_step(void)
{
	struct percpu *pc = this_cpu();
	struct timer_next nx;
	uint64_t next;

	irq_disable();
	if (work_pending(pc->cpu)) {
		leave_idle();
		irq_enable();
		work_run_pending();
		irq_disable();
		return;
	}
	next = timer_next_event(true, &nx);
	if (nx.within_tick) {
		tick_start_cpu();
	} else {
		tick_stop_cpu();
		nohz[pc->cpu] = true;
		lapic_timer_arm_at(VEC_LAPIC_TIMER,
				   next == TIMER_NO_EVENT ? UINT64_MAX : next);
	}
	halt_accounted(pc);
}

void idle_loop(void)
{
	for (;;)
		idle_step();
}

void idle_until(bool (*done)(void *arg), void *arg)
{
	for (;;) {
		irq_disable();
		if (done(arg))
			break;
		idle_step();
	}
	leave_idle();
	irq_enable();
}

static void wake_timer_fired(struct timer *t)
{
	(void)t;	/* the wake-up is the point; idle_until re-checks */
}

static bool deadline_reached(void *arg)
{
	return arch_now_ns() >= *(const uint64_t *)arg;
}

void idle_sleep_until_ns(uint64_t deadline)
{
	struct timer wake;
	uint64_t now = arch_now_ns();
	uint64_t tick = timer_tick_ns();
	uint64_t delta_j = deadline > now ? (deadline - now + tick - 1) / tick : 0;

	/* fires at least one jiffy after its expiry: never before the deadline */
	timer_setup(&wake, wake_timer_fired, TIMER_PINNED);
	timer_add(&wake, timer_jiffies() + delta_j);
	idle_until(deadline_reached, &deadline);
	timer_del_sync(&wake);
}
