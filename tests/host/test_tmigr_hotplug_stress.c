// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/tmigr + kernel/timer under stress while CPUs park, unpark and are
 * hot-added (the park sequence of kernel/cpuhp.c, docs/cpus.md §7.5,
 * §7.7, §7.8), built plain and under ThreadSanitizer.
 *
 * The harness is tests/host/stress_harness.c, shared with
 * test_tmigr_stress.c (its theory comment explains the paced virtual
 * clock, the per-timer FIFO oracle and the quiescent points); what this
 * file adds is CPUs that come and go.  Each pthread
 * plays one CPU in one of three states: ABSENT (possible, never started:
 * not prepared in the hierarchy), ONLINE or PARKED.  CPU 0, the control
 * CPU, never parks; in a jiffy in which it is active and no operation is
 * in flight it may start one (about every 8th such jiffy), chosen at
 * random among those possible:
 *
 *   hot-add   CPU 0 calls tmigr_prepare(X) itself (active and available,
 *             as kernel/cpuhp.c's control CPU is): new groups, new levels
 *             and a new root when X needs them; then X's thread, in its
 *             next jiffy, runs tmigr_set_available(X) and goes online
 *   park      X's thread, in its next jiffy, does what cpuhp's park work
 *             does: leaves idle if it was (the work's wake-up), runs its
 *             tick, tmigr_clear_available(X) (the last active CPU with
 *             events pending makes another CPU active: force_active; CPU 0
 *             goes idle after half its requests, as cpuhp's control CPU
 *             sleeps until the answer, so that case comes up), then
 *             timer_migrate_cpu(X, 0), pinned timers too, and parks: it
 *             only checks in from then on, takes no tick, acts on nothing
 *   unpark    X's thread runs tmigr_set_available(X) and goes online,
 *             active (it comes back inside its park work)
 *
 * The request is a word of X's (`req`), written by CPU 0 and cleared by X
 * with release when done (CPU 0 loads it with acquire): one operation at
 * a time, as cpuhp's `busy`.  The hierarchy's platform hooks run a
 * function on another CPU's thread (call_on): force_active and run_on
 * post it in that CPU's mailbox and wait; the target runs it at the top
 * of its loop, after leaving idle (so it is active, as run_on requires).
 * The target cannot be stuck at a barrier meanwhile (the caller is inside
 * its own jiffy's duty, past this jiffy's barriers, and the clock cannot
 * move before the caller checks in), and it waits on the clock's futex
 * with a 1 ms timeout, so a post between its check and its wait is seen.
 *
 * Remote arming (timer_add_on) targets only an online CPU, and holds that
 * CPU's `hp_lock` for reading across the check and the add; a park holds
 * it for writing from its clear_available to its state change.  That is
 * the rule kernel/cpuhp.c states for its callers (nobody adds a timer on
 * a parked CPU) made exact for the harness: without it a remote add that
 * lands after the move would be a harness bug, not a kernel one.
 *
 * Oracle: the harness's, with one change (hooks.early_from_expiry): a
 * timer moved by a park
 * goes into a bucket of the target's wheel that expires after its expiry
 * (kernel/timer.c, move_base) but may be earlier than the bucket it left,
 * so "early" is judged against the timer's expiry (it must run at
 * expires + 1 or later, the level-0 bucket), and "late" against the
 * bucket it was armed into plus SLACK, as before (a move never makes the
 * bucket later).  A timer_mod to the expiry the timer already has keeps
 * the bound of the arming that placed it (the harness's st_arm(); this
 * harness's 4-CPU case met it about once in 15 runs).  At each quiescent
 * point: tmigr_check_quiescent() finds nothing, every online idle CPU's deadline is no later than its
 * hierarchy wake-up (Q9) and its idle flag matches, no entry is overdue
 * (lost), no arch_bug().  At the end the operations stop, every parked
 * CPU is unparked and the run drains: every FIFO empty (each arming fired
 * exactly once or was cancelled), at least one hot-add, park and unpark
 * happened, and the tree grew by the levels the case expects, with one
 * root.
 *
 * Cases (fan-out 8): 4 CPUs from 2 (few CPUs: the parking CPU is often
 * the last active one, and force_active runs tens of times a run), 16
 * CPUs from 1 online (one level grows to two), 72 CPUs from 64 (two
 * levels grow to three: a new root over the old one), 64 CPUs from 8.
 * Built with -DMUTANT_ID=R03 (the last active CPU parks and nobody takes
 * its events over) the 4-CPU case fails, on Q9 or a late timer, in each
 * of the seeds 1-5 tried.  Each runs until a minimum of work (as the stress test,
 * plus MIN_OPS operations) and at least TMIGR_HOTPLUG_SECONDS (default
 * 0.5) of wall time; TMIGR_STRESS_SEED as the stress test's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_arch.h"
#include "host_support.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/tmigr_shape.h"
#include "stress_harness.h"

#define DEFAULT_SECONDS		0.5
#define OP_ONE_IN		8	/* CPU 0 starts an operation in 1 of this many jiffies */
#define MIN_OPS			24

enum hp_state { HP_ABSENT, HP_ONLINE, HP_PARKED };
enum hp_req { REQ_NONE, REQ_START, REQ_PARK, REQ_UNPARK };

/* What a CPU of this test has beside the harness's struct vcpu, by its id. */
struct hp_cpu {
	uint32_t state;			/* enum hp_state; written by this thread (and CPU 0 at a hot-add's start, under req); relaxed */
	uint32_t req;			/* enum hp_req; CPU 0 sets it, this CPU clears it (release) */
	void (*call_fn)(void *arg);	/* mailbox: run this here; see call_on() */
	void *call_arg;
	uint32_t call_posted;		/* release by the poster, acquire here */
	uint32_t call_done;		/* release here, acquire by the poster */
	pthread_rwlock_t hp_lock;	/* remote adds (read) against the park (write) */
} __attribute__((aligned(64)));

static struct {
	struct hp_cpu *cpus;		/* run.ncpus of them */
	uint64_t hotadds, parks, unparks;	/* relaxed */
	uint64_t forced, run_ons;		/* relaxed: platform hooks called */
	uint64_t moved;				/* relaxed: timers moved by parks */
	uint32_t online;		/* CPUs online at the start */
	uint32_t levels0;		/* hierarchy levels at the start */
	uint32_t op_cpu;		/* CPU 0 only: target of the operation in flight, or ncpus */
	uint32_t nlevels, nroots;	/* at the end */
} hp;

static struct hp_cpu *hp_of(const struct vcpu *v)
{
	return &hp.cpus[v->id];
}


/* Remote arming on an online CPU only; see hp_lock in the theory comment. */
static void arm_remote(struct stress_timer *st, uint64_t expires, uint64_t now, uint32_t cpu)
{
	struct hp_cpu *ht = &hp.cpus[cpu];

	/* try only: the parking CPU may wait for us (force_active) while it holds the lock */
	if (pthread_rwlock_tryrdlock(&ht->hp_lock))
		return;
	if (__atomic_load_n(&ht->state, __ATOMIC_RELAXED) == HP_ONLINE)
		st_arm_on(st, expires, now, cpu);
	pthread_rwlock_unlock(&ht->hp_lock);
}

/* ---- CPUs that come and go ---- */

static uint32_t hp_state(const struct vcpu *v)
{
	return __atomic_load_n(&hp_of(v)->state, __ATOMIC_RELAXED);
}

/* This CPU's thread: run what another CPU posted, active (leave idle first). */
static void serve_mailbox(struct vcpu *v)
{
	struct hp_cpu *h = hp_of(v);

	/* acquire: pairs with the release in call_on(); fn and arg are set */
	if (!__atomic_load_n(&h->call_posted, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&h->call_posted, 0, __ATOMIC_RELAXED);
	if (hp_state(v) == HP_ONLINE) {
		if (!v->active)
			leave_idle(v);
		if (h->call_fn)
			h->call_fn(h->call_arg);
	} else {
		fail_note(v->id, v->id, "a platform hook picked CPU %u, which is not online", v->id);
	}
	/* release: pairs with the acquire in call_on(); what fn did is seen */
	__atomic_store_n(&h->call_done, 1, __ATOMIC_RELEASE);
}

/* Run fn(arg) on `cpu`'s thread, active, and wait for it (see the theory comment). */
static void call_on(uint32_t cpu, void (*fn)(void *arg), void *arg)
{
	struct hp_cpu *ht = &hp.cpus[cpu];

	if (cpu == arch_cpu_id()) {
		if (fn)
			fn(arg);
		return;
	}
	ht->call_fn = fn;
	ht->call_arg = arg;
	__atomic_store_n(&ht->call_done, 0, __ATOMIC_RELAXED);
	/* release: pairs with the acquire in serve_mailbox() */
	__atomic_store_n(&ht->call_posted, 1, __ATOMIC_RELEASE);
	futex_wake_all(&run.epoch);
	/* acquire: pairs with the release in serve_mailbox() */
	while (!__atomic_load_n(&ht->call_done, __ATOMIC_ACQUIRE) && !has_failed())
		sched_yield();
}

static void plat_force_active(uint32_t cpu)
{
	bump(&hp.forced);
	call_on(cpu, NULL, NULL);
}

static void plat_run_on(uint32_t cpu, void (*fn)(void *arg), void *arg)
{
	bump(&hp.run_ons);
	call_on(cpu, fn, arg);
}

static const struct tmigr_platform plat = {
	.force_active = plat_force_active,
	.run_on = plat_run_on,
};

static void req_done(struct vcpu *v)
{
	/* release: pairs with the acquire in control(); the operation is complete */
	__atomic_store_n(&hp_of(v)->req, REQ_NONE, __ATOMIC_RELEASE);
}

/* cpuhp's park work, on this CPU's thread. */
static void park_self(struct vcpu *v)
{
	unsigned long irq;

	if (!v->active) {
		leave_idle(v);	/* the park work woke it */
		stress_interrupt();
	}
	pthread_rwlock_wrlock(&hp_of(v)->hp_lock);
	tmigr_clear_available(v->id);
	irq = arch_irq_save();
	__atomic_fetch_add(&hp.moved, timer_migrate_cpu(v->id, 0), __ATOMIC_RELAXED);
	arch_irq_restore(irq);
	v->active = false;
	v->nohz = false;
	v->ticking = false;
	v->deadline = UINT64_MAX;
	__atomic_store_n(&hp_of(v)->state, HP_PARKED, __ATOMIC_RELAXED);
	pthread_rwlock_unlock(&hp_of(v)->hp_lock);
	bump(&hp.parks);
}

/* A hot-added CPU's first online, or an unpark: it joins, active. */
static void come_online(struct vcpu *v)
{
	timer_cpu_online(v->id);	/* kernel/cpuhp.c's park_fn(), after the park loop */
	tmigr_set_available(v->id);
	v->active = true;
	v->nohz = false;
	v->ticking = false;
	v->deadline = UINT64_MAX;
	__atomic_store_n(&hp_of(v)->state, HP_ONLINE, __ATOMIC_RELAXED);
}

/* This CPU's request, in its jiffy. */
static void serve_request(struct vcpu *v)
{
	/* acquire: pairs with the release in control(); the prepare is done */
	uint32_t req = __atomic_load_n(&hp_of(v)->req, __ATOMIC_ACQUIRE);

	if (req == REQ_NONE)
		return;
	if (req == REQ_PARK && hp_state(v) == HP_ONLINE) {
		park_self(v);
	} else if (req == REQ_START && hp_state(v) == HP_ABSENT) {
		come_online(v);
		bump(&hp.hotadds);
	} else if (req == REQ_UNPARK && hp_state(v) == HP_PARKED) {
		come_online(v);
		bump(&hp.unparks);
	} else {
		fail_note(v->id, v->id, "CPU %u: request %u in state %u", v->id, req, hp_state(v));
	}
	req_done(v);
}

/* A random CPU (not 0) in `state`, or ncpus. */
static uint32_t pick(struct vcpu *v, uint32_t state)
{
	uint32_t start = (uint32_t)rand_range(&v->rng, 1, run.ncpus - 1);

	for (uint32_t i = 0; i < run.ncpus - 1; i++) {
		uint32_t c = 1 + (start - 1 + i) % (run.ncpus - 1);

		if (hp_state(&run.cpus[c]) == state)
			return c;
	}
	return run.ncpus;
}

/* CPU 0, active, in its jiffy: maybe start an operation. */
static void control(struct vcpu *v)
{
	uint32_t cand[3], reqs[3], n = 0, k;

	if (hp.op_cpu < run.ncpus) {
		/* acquire: pairs with the release in req_done() */
		if (__atomic_load_n(&hp.cpus[hp.op_cpu].req, __ATOMIC_ACQUIRE) != REQ_NONE)
			return;
		hp.op_cpu = run.ncpus;
	}
	if (!v->active || rand_range(&v->rng, 0, OP_ONE_IN - 1))
		return;
	if ((cand[n] = pick(v, HP_ABSENT)) < run.ncpus)
		reqs[n++] = REQ_START;
	if ((cand[n] = pick(v, HP_ONLINE)) < run.ncpus)
		reqs[n++] = REQ_PARK;
	if ((cand[n] = pick(v, HP_PARKED)) < run.ncpus)
		reqs[n++] = REQ_UNPARK;
	if (!n)
		return;
	k = (uint32_t)rand_range(&v->rng, 0, n - 1);
	if (reqs[k] == REQ_START && tmigr_prepare(cand[k], 0)) {
		fail_note(cand[k], 0, "tmigr_prepare(%u) failed", cand[k]);
		return;
	}
	hp.op_cpu = cand[k];
	/* release: pairs with the acquire in serve_request(); the prepare is seen */
	__atomic_store_n(&hp.cpus[cand[k]].req, reqs[k], __ATOMIC_RELEASE);
	/*
	 * cpuhp's control CPU sleeps until the answer: idle now after a park
	 * request (half the time after the others), so that the parking CPU
	 * is often the last active one (force_active)
	 */
	if (reqs[k] == REQ_PARK || rand_pct(&v->rng, 50))
		idle_enter(v);
}

/* CPU 0 at the drain: every parked CPU comes back (one request each, in turn). */
static void control_drain(void)
{
	uint32_t c;

	if (hp.op_cpu < run.ncpus) {
		if (__atomic_load_n(&hp.cpus[hp.op_cpu].req, __ATOMIC_ACQUIRE) != REQ_NONE)
			return;
		hp.op_cpu = run.ncpus;
	}
	for (c = 1; c < run.ncpus; c++)
		if (hp_state(&run.cpus[c]) == HP_PARKED)
			break;
	if (c == run.ncpus)
		return;
	hp.op_cpu = c;
	/* release: pairs with the acquire in serve_request() */
	__atomic_store_n(&hp.cpus[c].req, REQ_UNPARK, __ATOMIC_RELEASE);
}

/* ---- the harness's hooks ---- */

/* CPUs 0 .. online-1 up, as maxcpus= leaves them; the rest absent, not prepared. */
static void boot(uint32_t ncpus)
{
	/* jiffies wrap WRAP_AFTER_J into the run */
	uint64_t bias = 0 - (START_J + WRAP_AFTER_J);
	struct tmigr_topology topo = { ncpus, 1 };
	uint32_t online = hp.online;

	free(hp.cpus);
	memset(&hp, 0, sizeof(hp));
	hp.online = online;
	hp.op_cpu = ncpus;
	hp.cpus = aligned_alloc(64, sizeof(struct hp_cpu) * ncpus);
	assert_non_null(hp.cpus);
	memset(hp.cpus, 0, sizeof(struct hp_cpu) * ncpus);
	tmigr_reset();
	host_set_cpu(0);
	timer_init(HZ, bias);
	for (uint32_t c = 0; c < ncpus; c++)
		timer_cpu_init(c);
	assert_int_equal(tmigr_init(&topo, &plat), 0);
	for (uint32_t c = 0; c < online; c++)
		assert_int_equal(tmigr_prepare(c, 0), 0);
	for (uint32_t c = 0; c < online; c++) {
		host_set_cpu(c);
		tmigr_set_available(c);
	}
	host_set_cpu(0);
}

static void setup_cpu(struct vcpu *v)
{
	v->active = v->id < hp.online;
	hp_of(v)->state = v->id < hp.online ? HP_ONLINE : HP_ABSENT;
	pthread_rwlock_init(&hp_of(v)->hp_lock, NULL);
}

static void setup_done(void)
{
	hp.levels0 = tmigr_shape_levels();
}

static bool in_tree(const struct vcpu *v)
{
	return hp_state(v) == HP_ONLINE;
}

/* The serve_request() of this jiffy; false: absent or parked, no tick, no work. */
static bool jiffy_start(struct vcpu *v)
{
	serve_request(v);
	return hp_state(v) == HP_ONLINE;
}

static void after_duty(struct vcpu *v)
{
	if (v->id != 0)
		return;
	if (!__atomic_load_n(&run.draining, __ATOMIC_RELAXED))
		control(v);
	else
		control_drain();
}

static bool minimum_reached(void)
{
	return __atomic_load_n(&hp.hotadds, __ATOMIC_RELAXED) +
	       __atomic_load_n(&hp.parks, __ATOMIC_RELAXED) +
	       __atomic_load_n(&hp.unparks, __ATOMIC_RELAXED) >= MIN_OPS;
}

static void cpu_done(struct vcpu *v)
{
	pthread_rwlock_destroy(&hp_of(v)->hp_lock);
}

static void report(void)
{
	hp.nlevels = tmigr_shape_levels();
	hp.nroots = tmigr_shape_roots();
	printf("stress:   from %u of %u CPUs online: %llu hot-adds, %llu parks (%llu timers moved), %llu unparks; force_active %llu, run_on %llu; levels %u -> %u, %u root(s)\n",
	       hp.online, run.ncpus, (unsigned long long)hp.hotadds,
	       (unsigned long long)hp.parks, (unsigned long long)hp.moved,
	       (unsigned long long)hp.unparks, (unsigned long long)hp.forced,
	       (unsigned long long)hp.run_ons, hp.levels0, hp.nlevels, hp.nroots);
}

static const struct stress_hooks hooks = {
	.seconds_env = "TMIGR_HOTPLUG_SECONDS",
	.default_seconds = DEFAULT_SECONDS,
	.early_from_expiry = true,
	.wait_1ms = true,
	.boot = boot,
	.setup_cpu = setup_cpu,
	.setup_done = setup_done,
	.arm_remote = arm_remote,
	.in_tree = in_tree,
	.loop_top = serve_mailbox,
	.jiffy_start = jiffy_start,
	.after_duty = after_duty,
	.minimum_reached = minimum_reached,
	.cpu_done = cpu_done,
	.report = report,
};

/* ---- one run ---- */

static void stress(uint32_t ncpus, uint32_t online, uint32_t levels_at_least)
{
	hp.online = online;
	stress_run(ncpus, &hooks);
	assert_true(hp.hotadds > 0 && hp.parks > 0 && hp.unparks > 0);
	assert_int_equal(hp.parks, hp.unparks);	/* all back at the drain */
	if (hp.hotadds == ncpus - online)
		assert_true(hp.nlevels >= levels_at_least);
	assert_int_equal(hp.nroots, 1);
}

static void test_hotplug_4_cpus_from_2_every_timer_fires_once(void **state)
{
	(void)state;
	stress(4, 2, 1);	/* few CPUs: the parking one is often the last active */
}

static void test_hotplug_16_cpus_from_1_every_timer_fires_once(void **state)
{
	(void)state;
	stress(16, 1, 2);	/* one level grows to two */
}

static void test_hotplug_72_cpus_from_64_new_root_every_timer_fires_once(void **state)
{
	(void)state;
	stress(72, 64, 3);	/* two levels grow to three: a new root */
}

static void test_hotplug_64_cpus_from_8_every_timer_fires_once(void **state)
{
	(void)state;
	stress(64, 8, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hotplug_4_cpus_from_2_every_timer_fires_once),
		cmocka_unit_test(test_hotplug_16_cpus_from_1_every_timer_fires_once),
		cmocka_unit_test(test_hotplug_72_cpus_from_64_new_root_every_timer_fires_once),
		cmocka_unit_test(test_hotplug_64_cpus_from_8_every_timer_fires_once),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
