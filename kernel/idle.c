/*
 * idle: tickless idle on HLT (design §1.12, without the hierarchy yet).
 *
 * Idle entry goes through the timer migration hierarchy (kernel/tmigr.c)
 * inside timer_next_event(): the first decision after leaving idle is the
 * tick-stop path (the CPU deactivates in the hierarchy and gets back the
 * wake-up it owes as a migrator), later ones are re-evaluations of an idle
 * CPU (a new first global timer is reported up).  The one-shot is armed
 * for min(next pinned timer, hierarchy wake-up): the CPU's own global
 * timers are the migrator's business.  Leaving idle activates it again.
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
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/workqueue.h"

static bool nohz[MAX_CPUS];	/* owner only: the tick is stopped for idle */

static void add_relaxed(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);	/* owner is the only writer */
}

static void leave_idle(void)
{
	struct percpu *pc = this_cpu();

	if (nohz[pc->cpu]) {
		uint64_t t0 = rdtsc();

		nohz[pc->cpu] = false;
		timer_idle_exit();	/* clears the idle marks and activates in the hierarchy */
		add_relaxed(&pc->idle_exit_tsc, rdtsc() - t0);
		add_relaxed(&pc->idle_exits, 1);
	}
	tick_start_cpu();
}

static void halt_accounted(struct percpu *pc)
{
	uint64_t t0;

	pc->wake_cause = WAKE_OTHER;
	t0 = rdtsc();
	cpu_safe_halt();
	irq_disable();
	add_relaxed(&pc->idle_tsc, rdtsc() - t0);
	add_relaxed(&pc->wakes_by[pc->wake_cause], 1);
	add_relaxed(&pc->idle_wakeups, 1);
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
	if (nohz[pc->cpu]) {
		next = timer_next_event(true, &nx);	/* already idle: new-timer path */
	} else {
		uint64_t t0 = rdtsc();

		next = timer_next_event(true, &nx);	/* tick-stop path: deactivate */
		if (!nx.within_tick) {
			add_relaxed(&pc->idle_entry_tsc, rdtsc() - t0);
			add_relaxed(&pc->idle_entries, 1);
		}
	}
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

struct run_on_work {
	struct work work;		/* first: the work callback gets this back */
	void (*fn)(void *arg);
	void *arg;
	bool done;			/* release by the target, acquire by the waiter */
};

static void run_on_fn(struct work *w)
{
	struct run_on_work *r = (struct run_on_work *)w;

	r->fn(r->arg);
	/* release: pairs with the acquire in run_on_done(); r may vanish after */
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
}

struct run_on_wait {
	struct run_on_work *r;
	uint64_t deadline;
};

static bool run_on_done(void *arg)
{
	struct run_on_wait *x = arg;

	/* acquire: pairs with the release store in run_on_fn() */
	return __atomic_load_n(&x->r->done, __ATOMIC_ACQUIRE) ||
	       arch_now_ns() >= x->deadline;
}

bool idle_run_on(uint32_t cpu, void (*fn)(void *arg), void *arg, uint64_t timeout_ms)
{
	struct run_on_work r = { .work.fn = run_on_fn, .fn = fn, .arg = arg };
	struct run_on_wait x = { &r, arch_now_ns() + timeout_ms * 1000000ull };

	work_queue_on(cpu, &r.work);
	/*
	 * Sleep, not spin: the target may be a vCPU thread that needs our
	 * host core.  A short pinned timer bounds each sleep.
	 */
	while (!run_on_done(&x))
		idle_sleep_until_ns(arch_now_ns() + 1000000ull);
	if (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE))
		/* the work is still queued on our stack: we cannot return */
		panic("idle: CPU %u did not run the work handed to it within %lu ms",
		      cpu, (unsigned long)timeout_ms);
	return true;
}

static void nothing(void *arg)
{
	(void)arg;
}

static void force_active(uint32_t cpu)
{
	idle_run_on(cpu, nothing, NULL, 1000);
}

static void run_on_sync(uint32_t cpu, void (*fn)(void *arg), void *arg)
{
	idle_run_on(cpu, fn, arg, 1000);
}

void idle_tmigr_platform(struct tmigr_platform *out)
{
	out->force_active = force_active;
	out->run_on = run_on_sync;
}
