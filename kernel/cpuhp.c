// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpuhp: parking, unparking and hot-adding CPUs after boot (docs/cpus.md
 * §7.5, §7.7, §7.8).
 *
 * A numbered CPU is ABSENT (never started: maxcpus= kept it out, or a
 * hot-add slot), ONLINE or PARKED.  Every operation is driven by a control
 * CPU, the caller, which must be online and not the CPU concerned:
 *
 *   cpu_down(ONLINE)   park work is queued on the CPU; there it leaves the
 *                      hierarchy (tmigr_clear_available: when it was the
 *                      last active CPU with events pending, another CPU is
 *                      forced active and takes them), stops its tick, moves
 *                      every pending timer, pinned ones too, to the control
 *                      CPU (timer_migrate_cpu), and enters the arch park
 *                      loop, interrupts off, woken only by arch_cpu_unpark
 *   cpu_up(PARKED)     arch_cpu_unpark; the CPU comes back inside its park
 *                      work, rejoins the hierarchy (tmigr_set_available) and
 *                      returns to its idle loop, which restarts its tick
 *   cpu_up(ABSENT)     hot-add: the control CPU prepares the hierarchy for
 *                      it (tmigr_prepare: new groups, maybe a new root),
 *                      starts it (arch_cpu_start: INIT, SIPI, SIPI), measures
 *                      its clock (arch_cpu_sync_clock), then lets it join
 *
 * Turns (docs/cpus.md §7.8).  One operation at a time: the caller that
 * holds the turn is its control CPU.  A caller that finds the turn taken
 * joins a FIFO of waiters and sleeps in idle_until() (running handed work,
 * tickless: never spinning, since under TCG the CPU that holds the turn may
 * share a host core with us); the control CPU that ends an operation hands
 * the turn straight to the oldest waiter whose CPU is online and kicks it,
 * so nobody can take it in between and every caller gets its turn in the
 * order it asked.  A waiter whose CPU an operation parks keeps its place
 * and is passed over until it is back online (it cannot act parked, and
 * handing it the turn would stop everyone until an unpark that needs the
 * turn).  With no online waiter the turn is free.  Two kinds of waiter:
 *
 *   cpu_up/cpu_down    sleep for the turn on the calling CPU, then act
 *   cpu_up_queue       a request: nothing sleeps; its turn queues its work
 *                      on the CPU that asked, which acts as the control
 *                      CPU there and then calls the request's done().  Any
 *                      context: the interrupt handler's and the way for
 *                      work that may run nested in an operation's wait
 *
 * Waiting is impossible for a sleeping call nested in its own CPU's
 * operation or wait (work run from that wait: the outer turn cannot end
 * until the nested call returns): that call alone is refused CPUHP_BUSY.
 *
 * Invariants.  `state[]` changes only at the end of a completed operation,
 * by its control CPU, so a refusal or a failure changes nothing.  A
 * parked CPU holds no lock, no timer and no place in the hierarchy; it
 * takes no interrupt (arch_cpu_parked_irqs counts the ones it took
 * anyway).  Nobody queues work or adds a timer on
 * a parked or absent CPU (callers ask cpuhp_state() first; the hierarchy
 * picks only available CPUs; a timer_add_on() that loses the race with a
 * park is redirected by kernel/timer.c to the CPU that took the parked
 * CPU's timers, race 5 there).  No CPU joins the hierarchy with an
 * unmeasured clock: the clock offset is measured before the join (§7.4);
 * a parked CPU keeps its offset, the TSC runs on through HLT.  Its
 * residency record (kernel/residency.c) says "parked" from just before the
 * park's sleep to just after it: that time is neither busy nor idle.
 *
 * Locking and memory ordering.  `turn_lock` (interrupts off, never held
 * across a wait or a call out) guards `turn_busy`, `turn_cpu`, the waiter
 * list, `turn_seq` and each CPU's `waiting`.  One operation's writes are
 * ordered before the next one's reads by the hand-over: the lock when the
 * turn is free; for a sleeping waiter a release store of its `granted` by
 * the CPU handing over, loaded with acquire by the waiter (its stack
 * entry may vanish the moment it sees it); for a request the work queue's
 * lock.  The control CPU and the target talk through the target's
 * `struct hp_cpu`: the control CPU writes `control`,
 * `go` and the work items before queueing the work or sending the IPI
 * that makes the target look (the queue's lock and the wake-up order
 * them); the target answers with a release store of `phase`, then kicks
 * the control CPU, which loads `phase` with acquire (it then sees the
 * timers the target moved to it and its hierarchy state).  `state[]` is
 * written by the control CPU holding the turn and read relaxed by anyone:
 * a snapshot (pass_turn() reads it holding the turn, so exactly).
 *
 * Latency (the records' "us") is measured on the control CPU's clock, from
 * the request to the moment it sees the target's answer; it halts
 * meanwhile and the target's kick wakes it.  It waits active, tick
 * running (idle_wait_active(), not idle_until()): a control CPU that went
 * idle would leave the target the last active CPU of the hierarchy, whose
 * park must then first hand its events to another CPU and wait for that
 * one more round trip between vCPUs inside every park of a quiet
 * machine (docs/cpus.md §7.8).
 */
#include <stddef.h>

#include "kernel/arch_services.h"
#include "kernel/cpuhp.h"
#include "kernel/idle.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/residency.h"
#include "kernel/spinlock.h"
#include "kernel/tick.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/workqueue.h"
#include "lib/container_of.h"
#include "lib/json.h"

#define CPUHP_MAX_CPUS		TIMER_MAX_CPUS
#define ANSWER_TIMEOUT_MS	2000	/* a target that has not answered by then is lost */

enum phase {
	PHASE_NONE,
	PHASE_PARKED,		/* target: in the park loop, timers moved */
	PHASE_ONLINE,		/* target: in the hierarchy, back to its idle loop */
};

struct hp_cpu {
	struct work park;	/* the park work; queued by the control CPU */
	struct work sync;	/* the clock measurement's half, for a hot-add */
	void (*sync_fn)(void *arg);
	void *sync_arg;
	uint32_t control;	/* the CPU that asked: timers go there, kicks too */
	uint32_t go;		/* hot-add: clock measured, join; release/acquire */
	uint32_t phase;		/* enum phase; release by the target, acquire by control */
	uint64_t answered_ns;	/* target: its clock at the answer; published by `phase` */
};

#define NO_CPU	UINT32_MAX

static struct hp_cpu hp[CPUHP_MAX_CPUS];
static uint32_t state[CPUHP_MAX_CPUS];	/* enum cpuhp_state; see the theory */
static uint32_t ncpus;
static uint64_t last_us;

static struct spinlock turn_lock = SPINLOCK_INIT;
static bool turn_busy;			/* under turn_lock: an operation has the turn */
static uint32_t turn_cpu = NO_CPU;	/* under turn_lock: the CPU acting in it (NO_CPU while
					   a request's work waits to run) */
static struct cpuhp_turn *waiters;		/* under turn_lock: oldest first */
static bool waiting[CPUHP_MAX_CPUS];	/* under turn_lock: a sleeping caller of that CPU waits */
static uint64_t turn_seq;		/* under turn_lock: turns begun */
static uint64_t turn_stats[3];		/* [0] turns taken at once, [1] after a wait, [2] of
					   those overtaken; under turn_lock, read relaxed */

static const char *const source_names[] = {
	[CPUHP_SRC_MAXCPUS] = "maxcpus",
	[CPUHP_SRC_ACPI] = "acpi",
	[CPUHP_SRC_SHELL] = "shell",
	[CPUHP_SRC_SCENARIO] = "scenario",
};

static const char *const err_names[] = {
	[CPUHP_OK] = "done",
	[CPUHP_NO_SUCH_CPU] = "no such CPU",
	[CPUHP_BSP] = "the boot CPU stays online",
	[CPUHP_LAST_ONLINE] = "it is the last online CPU",
	[CPUHP_ALREADY_PARKED] = "it is parked already",
	[CPUHP_NOT_ONLINE] = "it is absent, not online",
	[CPUHP_ALREADY_ONLINE] = "it is online already",
	[CPUHP_SELF] = "a CPU cannot park itself",
	[CPUHP_BUSY] = "this CPU is inside a CPU operation already; it cannot wait for itself",
	[CPUHP_NO_ANSWER] = "it did not answer",
};

const char *cpuhp_err_name(enum cpuhp_err e)
{
	return (uint32_t)e < sizeof(err_names) / sizeof(err_names[0]) ? err_names[e] : "?";
}

static void set_state(uint32_t cpu, enum cpuhp_state s)
{
	__atomic_store_n(&state[cpu], (uint32_t)s, __ATOMIC_RELAXED);
}

enum cpuhp_state cpuhp_state(uint32_t cpu)
{
	if (cpu >= ncpus)
		return CPUHP_ABSENT;
	return (enum cpuhp_state)__atomic_load_n(&state[cpu], __ATOMIC_RELAXED);
}

uint32_t cpuhp_online_count(void)
{
	uint32_t n = 0;

	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		n += cpuhp_state(cpu) == CPUHP_ONLINE;
	return n;
}

uint64_t cpuhp_last_us(void)
{
	return last_us;
}

uint64_t cpuhp_parked_irqs(void)
{
	uint64_t n = 0;

	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		n += arch_cpu_parked_irqs(cpu);
	return n;
}

void cpuhp_init(void)
{
	ncpus = arch_cpu_count();
	if (ncpus > CPUHP_MAX_CPUS)
		ncpus = CPUHP_MAX_CPUS;
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		set_state(cpu, arch_cpu_running(cpu) ? CPUHP_ONLINE : CPUHP_ABSENT);
}

/* ---- the target's side ---- */

/* Target: tell the control CPU how far we are, and wake it. */
static void answer(struct hp_cpu *h, enum phase p)
{
	h->answered_ns = arch_now_ns();	/* the synced clock (§7.4): comparable with the control CPU's */
	/* release: pairs with the acquire in answered(); our moves are seen first */
	__atomic_store_n(&h->phase, (uint32_t)p, __ATOMIC_RELEASE);
	arch_kick_cpu(h->control);
}

static void announce_parked(void *arg)
{
	answer(arg, PHASE_PARKED);
}

/*
 * Park work, on the CPU that parks (interrupts on, tick running, active in
 * the hierarchy: it left idle to run this).  It returns when the CPU is
 * unparked, and the idle loop takes over again.
 */
static void park_fn(struct work *w)
{
	struct hp_cpu *h = container_of(w, struct hp_cpu, park);
	uint32_t cpu = arch_cpu_id();

	/* our global timers are ours alone from here; a forced hand-over may sleep */
	tmigr_clear_available(cpu);
	arch_irq_disable();
	tick_stop_cpu();
	/* interrupts off from here to the park: no callback of ours runs, none re-arms here */
	timer_migrate_cpu(cpu, h->control);
	residency_cpu_park();	/* its time is parked from here: neither busy nor idle */
	arch_cpu_park_wait(announce_parked, h);
	/* unparked, interrupts off, event device stopped: the idle loop restarts it */
	residency_cpu_unpark();
	timer_cpu_online(cpu);
	tmigr_set_available(cpu);
	answer(h, PHASE_ONLINE);
	arch_irq_enable();
}

/* The entry of a hot-added CPU: run handed work (the clock sync) until told to join. */
static void hotadd_entry(void *arg)
{
	uint32_t cpu = arch_cpu_id();
	struct hp_cpu *h = &hp[cpu];

	(void)arg;
	for (;;) {
		arch_irq_disable();
		/* acquire: pairs with the release store in hotadd(); the offset is measured */
		if (__atomic_load_n(&h->go, __ATOMIC_ACQUIRE))
			break;
		if (work_pending(cpu)) {
			arch_irq_enable();
			work_run_pending();
			continue;
		}
		arch_idle_halt();	/* STI;HLT: the kick after `go` cannot be lost */
	}
	tmigr_set_available(cpu);
	answer(h, PHASE_ONLINE);
	idle_loop();
}

static void sync_work_fn(struct work *w)
{
	struct hp_cpu *h = container_of(w, struct hp_cpu, sync);

	h->sync_fn(h->sync_arg);
}

/* arch_cpu_sync_clock's "run this on CPU n": queue it and return. */
static void run_on_async(uint32_t cpu, void (*fn)(void *arg), void *arg)
{
	struct hp_cpu *h = &hp[cpu];

	h->sync.fn = sync_work_fn;
	h->sync_fn = fn;
	h->sync_arg = arg;
	work_queue_on(cpu, &h->sync);
}

/* ---- the control CPU's side ---- */

struct wait {
	struct hp_cpu *h;
	enum phase want;
	uint64_t deadline;
};

static bool answered(void *arg)
{
	struct wait *x = arg;

	/* acquire: pairs with the release store in answer() */
	return __atomic_load_n(&x->h->phase, __ATOMIC_ACQUIRE) == (uint32_t)x->want ||
	       arch_now_ns() >= x->deadline;
}

static void deadline_fired(struct timer *t)
{
	(void)t;	/* the wake-up is the point: answered() sees the deadline */
}

/*
 * Sleep until the target answers `want` (its kick ends our halt at once);
 * false after ANSWER_TIMEOUT_MS, which a pinned timer of ours bounds.
 */
static bool wait_answer(struct hp_cpu *h, enum phase want)
{
	struct wait x = { h, want, arch_now_ns() + ANSWER_TIMEOUT_MS * 1000000ull };
	struct timer t = { 0 };	/* timer_setup() reads it: no stack garbage */

	timer_setup(&t, deadline_fired, TIMER_PINNED);
	/* fires at least one jiffy after its expiry: after the deadline */
	timer_add(&t, timer_jiffies() + ANSWER_TIMEOUT_MS * 1000000ull / timer_tick_ns() + 1);
	idle_wait_active(answered, &x);
	timer_del_sync(&t);
	/* acquire: pairs with the release store in answer(), as in answered() */
	return __atomic_load_n(&h->phase, __ATOMIC_ACQUIRE) == (uint32_t)want;
}

static void record_refusal(const char *op, uint32_t cpu, enum cpuhp_err e)
{
	struct json_writer w;
	char buf[192];

	kprintf("cpuhp: %s CPU %u refused: %s\n", op, cpu, cpuhp_err_name(e));
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "cpuhp_refused");
	json_str(&w, "op", op);
	json_u64(&w, "cpu", cpu);
	json_str(&w, "why", cpuhp_err_name(e));
	report_emit(json_end(&w));
}

static void record_failure(const char *op, uint32_t cpu)
{
	struct json_writer w;
	char buf[192];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "cpuhp_failed");
	json_str(&w, "op", op);
	json_u64(&w, "cpu", cpu);
	json_u64(&w, "apic_id", arch_cpu_hw_id(cpu));
	json_str(&w, "state", cpuhp_state(cpu) == CPUHP_ABSENT ? "absent" :
			      cpuhp_state(cpu) == CPUHP_PARKED ? "parked" : "online");
	report_emit(json_end(&w));
}

/*
 * The operation's own latency: from the request (`t0`, control CPU) to the
 * target's answer, both on the synced clock; 0 if a skew between the two
 * CPUs' clocks makes it negative.  "us" in the records adds the control
 * CPU's own wake-up after the answer (docs/cpus.md §7.8).
 */
static uint64_t done_us(uint32_t cpu, uint64_t t0)
{
	uint64_t a = hp[cpu].answered_ns;

	return a > t0 ? (a - t0) / 1000 : 0;
}

static void record_parked(uint32_t cpu, uint64_t us, uint64_t us_done)
{
	struct json_writer w;
	char buf[128];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "cpu_parked");
	json_u64(&w, "cpu", cpu);
	json_u64(&w, "us", us);
	json_u64(&w, "us_done", us_done);
	report_emit(json_end(&w));
}

static void record_online(uint32_t cpu, bool hotadd, enum cpuhp_source src, uint64_t us,
			  uint64_t us_done)
{
	struct json_writer w;
	char buf[192];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "cpu_online");
	json_u64(&w, "cpu", cpu);
	json_u64(&w, "apic_id", arch_cpu_hw_id(cpu));
	json_str(&w, "how", hotadd ? "hotadd" : "unpark");
	json_str(&w, "source", (uint32_t)src < 4 ? source_names[src] : "?");
	json_u64(&w, "us", us);
	json_u64(&w, "us_done", us_done);
	report_emit(json_end(&w));
}

static void stat_inc(uint32_t i)
{
	__atomic_store_n(&turn_stats[i], turn_stats[i] + 1, __ATOMIC_RELAXED);
}

/* Under turn_lock: append `t` to the waiters. */
static void enqueue(struct cpuhp_turn *t)
{
	struct cpuhp_turn **pp = &waiters;

	t->ahead = 0;
	while (*pp) {
		pp = &(*pp)->next;
		t->ahead++;
	}
	t->next = NULL;
	t->seq = turn_seq;
	*pp = t;
}

/* Under turn_lock: a turn begins, `t`'s if it waited for it. */
static void turn_begins(struct cpuhp_turn *t)
{
	if (t) {
		stat_inc(1);
		/* FIFO: only the waiters that were ahead of t began turns meanwhile */
		if (turn_seq - t->seq > t->ahead)
			stat_inc(2);
	} else {
		stat_inc(0);
	}
	turn_seq++;
}

static void request_fn(struct work *w);

/*
 * The turn holder, at the end of its operation: hand the turn to the
 * oldest waiter whose CPU is online (our state[] writes are done), else
 * free it.  After the hand-over the waiter may run at once: its entry is
 * not touched again.
 */
static void pass_turn(void)
{
	struct cpuhp_turn **pp, *t = NULL;
	struct cpuhp_request *req = NULL;
	unsigned long flags;
	uint32_t to = NO_CPU;

	flags = spin_lock_irqsave(&turn_lock);
	for (pp = &waiters; *pp; pp = &(*pp)->next) {
		if (cpuhp_state((*pp)->cpu) == CPUHP_ONLINE) {
			t = *pp;
			*pp = t->next;
			break;
		}
	}
	if (!t) {
		turn_busy = false;
		turn_cpu = NO_CPU;
	} else {
		turn_begins(t);
		to = t->cpu;
		req = t->req;
		turn_cpu = req ? NO_CPU : to;
		if (!req)
			/* release: pairs with the acquire in granted(); t may vanish after */
			__atomic_store_n(&t->granted, 1, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&turn_lock, flags);
	if (req) {
		req->work.fn = request_fn;
		work_queue_on(to, &req->work);
	} else if (to != NO_CPU) {
		arch_kick_cpu(to);
	}
}

static bool granted(void *arg)
{
	struct cpuhp_turn *t = arg;

	/* acquire: pairs with the release store in pass_turn() */
	return __atomic_load_n(&t->granted, __ATOMIC_ACQUIRE) != 0;
}

/*
 * A sleeping caller: take the turn, waiting in line for it; false only
 * when this CPU already holds it or waits for it further down its stack.
 */
static bool take_turn(void)
{
	uint32_t me = arch_cpu_id();
	struct cpuhp_turn t = { .cpu = me };
	unsigned long flags;

	flags = spin_lock_irqsave(&turn_lock);
	if (turn_cpu == me || waiting[me]) {
		spin_unlock_irqrestore(&turn_lock, flags);
		return false;
	}
	if (!turn_busy) {
		turn_busy = true;
		turn_cpu = me;
		turn_begins(NULL);
		spin_unlock_irqrestore(&turn_lock, flags);
		return true;
	}
	enqueue(&t);
	waiting[me] = true;
	spin_unlock_irqrestore(&turn_lock, flags);
	idle_until(granted, &t);
	flags = spin_lock_irqsave(&turn_lock);
	waiting[me] = false;
	spin_unlock_irqrestore(&turn_lock, flags);
	return true;
}

uint64_t cpuhp_turns_waited(void)
{
	return __atomic_load_n(&turn_stats[1], __ATOMIC_RELAXED);
}

uint64_t cpuhp_turns_overtaken(void)
{
	return __atomic_load_n(&turn_stats[2], __ATOMIC_RELAXED);
}

static enum cpuhp_err down_refusal(uint32_t cpu)
{
	if (cpu >= ncpus)
		return CPUHP_NO_SUCH_CPU;
	if (cpuhp_state(cpu) == CPUHP_PARKED)
		return CPUHP_ALREADY_PARKED;
	if (cpuhp_state(cpu) == CPUHP_ABSENT)
		return CPUHP_NOT_ONLINE;
	if (cpuhp_online_count() <= 1)
		return CPUHP_LAST_ONLINE;
	if (cpu == 0)
		return CPUHP_BSP;
	if (cpu == arch_cpu_id())
		return CPUHP_SELF;
	return CPUHP_OK;
}

enum cpuhp_err cpu_down(uint32_t cpu, enum cpuhp_source src)
{
	struct hp_cpu *h;
	enum cpuhp_err e;
	uint64_t t0, us, us_done;

	(void)src;
	if (!take_turn()) {
		record_refusal("park", cpu, CPUHP_BUSY);
		return CPUHP_BUSY;
	}
	e = down_refusal(cpu);
	if (e) {
		pass_turn();
		record_refusal("park", cpu, e);
		return e;
	}
	h = &hp[cpu];
	t0 = arch_now_ns();
	h->control = arch_cpu_id();
	__atomic_store_n(&h->phase, PHASE_NONE, __ATOMIC_RELAXED);
	h->park.fn = park_fn;
	work_queue_on(cpu, &h->park);
	if (!wait_answer(h, PHASE_PARKED)) {
		/* its park work stays queued: it may still park, and we cannot take it back */
		kprintf("cpuhp: CPU %u did not park within %u ms\n", cpu, ANSWER_TIMEOUT_MS);
		pass_turn();
		record_failure("park", cpu);
		return CPUHP_NO_ANSWER;
	}
	us = (arch_now_ns() - t0) / 1000;
	us_done = done_us(cpu, t0);	/* before the next operation may answer */
	last_us = us;
	set_state(cpu, CPUHP_PARKED);
	pass_turn();
	record_parked(cpu, us, us_done);
	return CPUHP_OK;
}

static enum cpuhp_err unpark(uint32_t cpu)
{
	struct hp_cpu *h = &hp[cpu];

	h->control = arch_cpu_id();
	if (!arch_cpu_unpark(cpu) || !wait_answer(h, PHASE_ONLINE)) {
		kprintf("cpuhp: CPU %u did not come back from its park within %u ms\n",
			cpu, ANSWER_TIMEOUT_MS);
		return CPUHP_NO_ANSWER;
	}
	return CPUHP_OK;
}

/*
 * Hot-add.  The hierarchy is prepared first, by us (active and available):
 * a CPU that then never answers stays prepared but unavailable, which the
 * hierarchy allows (a prepared CPU takes part only once available), so the
 * tree stays consistent and a later try starts it again.
 */
static enum cpuhp_err hotadd(uint32_t cpu)
{
	struct hp_cpu *h = &hp[cpu];

	if (tmigr_prepare(cpu, arch_cpu_node(cpu)))
		kprintf("cpuhp: CPU %u is not in the timer hierarchy; it will handle its own timers\n",
			cpu);
	h->control = arch_cpu_id();
	__atomic_store_n(&h->go, 0, __ATOMIC_RELAXED);
	if (!arch_cpu_start(cpu, hotadd_entry, NULL)) {
		kprintf("cpuhp: CPU %u (APIC ID %u) did not answer its start; it stays absent\n",
			cpu, arch_cpu_hw_id(cpu));
		return CPUHP_NO_ANSWER;
	}
	if (!arch_cpu_sync_clock(cpu, run_on_async))
		kprintf("cpuhp: CPU %u: its clock could not be measured; it may lag\n", cpu);
	/* release: pairs with the acquire in hotadd_entry(); the measured offset is there */
	__atomic_store_n(&h->go, 1, __ATOMIC_RELEASE);
	arch_kick_cpu(cpu);
	if (!wait_answer(h, PHASE_ONLINE)) {
		kprintf("cpuhp: CPU %u started but did not join within %u ms\n", cpu,
			ANSWER_TIMEOUT_MS);
		return CPUHP_NO_ANSWER;
	}
	return CPUHP_OK;
}

/* Holding the turn: bring `cpu` up; the turn is passed on before the record. */
static enum cpuhp_err up_in_turn(uint32_t cpu, enum cpuhp_source src)
{
	enum cpuhp_state was;
	enum cpuhp_err e;
	uint64_t t0, us = 0, us_done = 0;

	was = cpuhp_state(cpu);
	e = cpu >= ncpus ? CPUHP_NO_SUCH_CPU :
	    was == CPUHP_ONLINE ? CPUHP_ALREADY_ONLINE : CPUHP_OK;
	if (e) {
		pass_turn();
		record_refusal("online", cpu, e);
		return e;
	}
	__atomic_store_n(&hp[cpu].phase, PHASE_NONE, __ATOMIC_RELAXED);
	t0 = arch_now_ns();
	e = was == CPUHP_PARKED ? unpark(cpu) : hotadd(cpu);
	if (!e) {
		us = (arch_now_ns() - t0) / 1000;
		us_done = done_us(cpu, t0);	/* before the next operation may answer */
		last_us = us;
		set_state(cpu, CPUHP_ONLINE);
	}
	pass_turn();
	if (!e)
		record_online(cpu, was == CPUHP_ABSENT, src, us, us_done);
	else
		record_failure(was == CPUHP_ABSENT ? "hotadd" : "unpark", cpu);
	return e;
}

enum cpuhp_err cpu_up(uint32_t cpu, enum cpuhp_source src)
{
	if (!take_turn()) {
		record_refusal("online", cpu, CPUHP_BUSY);
		return CPUHP_BUSY;
	}
	return up_in_turn(cpu, src);
}

/* A request's turn, as work on the CPU that queued it: act, then tell. */
static void request_fn(struct work *w)
{
	struct cpuhp_request *r = container_of(w, struct cpuhp_request, work);
	unsigned long flags;
	enum cpuhp_err e;

	flags = spin_lock_irqsave(&turn_lock);
	turn_cpu = arch_cpu_id();
	spin_unlock_irqrestore(&turn_lock, flags);
	e = up_in_turn(r->cpu, r->src);
	r->done(r, e);
}

bool cpu_up_queue(struct cpuhp_request *r, uint32_t cpu, enum cpuhp_source src,
		  void (*done)(struct cpuhp_request *r, enum cpuhp_err e))
{
	struct cpuhp_turn *t = &r->turn;
	uint32_t me = arch_cpu_id();
	unsigned long flags;
	bool now;

	r->cpu = cpu;
	r->src = src;
	r->done = done;
	*t = (struct cpuhp_turn){ .cpu = me, .req = r };
	flags = spin_lock_irqsave(&turn_lock);
	now = !turn_busy;
	if (now) {
		turn_busy = true;	/* turn_cpu stays NO_CPU until the work runs */
		turn_begins(NULL);
	} else {
		enqueue(t);
	}
	spin_unlock_irqrestore(&turn_lock, flags);
	if (now) {
		r->work.fn = request_fn;
		work_queue_on(me, &r->work);
	}
	return !now;
}
