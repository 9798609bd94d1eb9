// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tmsim: the deterministic vCPU scheduler (see tmsim.h for the theory and
 * the interface).
 *
 * The baton.  `baton` names the one thread allowed to run: DRIVER (the
 * test) or a vCPU number.  Whoever holds it changes it under `mtx`, wakes
 * everybody on `cv` and waits until it names itself again.  A thread only
 * touches shared scheduler state while it holds the baton (so the mutex
 * is only for the hand-over itself), and kernel code runs only on the
 * baton holder: runs are exactly reproducible.
 *
 * Generations.  A test that fails leaves vCPU threads blocked inside
 * kernel code.  tmsim_start() bumps `gen`; a thread of an older
 * generation never matches the baton again and stays blocked, harmless,
 * until the process exits.  The kernel state it would have touched is
 * reset by timer_init()/tmigr_init().
 *
 *   struct vcpu: what the driver asked (fn, arg, breakpoint, stepping),
 *   why it stopped (why, where, obj), the pending call it waits for, and
 *   the simulated machine around it (mode, deadline, interrupt counts).
 *
 * Time is whole jiffies of the host clock; deliveries in
 * tmsim_advance_to() go lowest CPU first, which is one fixed, documented
 * order: tests that need another order script it themselves.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_arch.h"
#include "host_support.h"
#include "kernel/idle.h"
#include "kernel/tick.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "kernel/workqueue.h"
#include "tmsim.h"

#define DRIVER		(-1)
#define MAX_NAMES	48		/* distinct yield point names counted per vCPU */
#define TRACE_SIZE	8192		/* entries kept (a ring) */
#define TRACE_PRINT	400		/* entries printed on a failure */
#define FINISH_LIMIT	200000		/* scheduling rounds before "deadlock" */

struct hit {
	const char *name;
	uint32_t n;
};

struct vcpu {
	pthread_t th;
	bool thread;			/* th was created */
	bool exit;			/* driver: leave the thread loop */
	/* the operation */
	tmsim_fn fn;
	void *arg;
	bool busy;
	bool dead;			/* livelock: never resumed */
	enum tmsim_stop why;
	const char *where;
	const void *obj;
	/* breakpoint */
	bool bp_set, stepping;
	const char *bp_where;
	const void *bp_obj;
	uint32_t bp_left;
	/* a call on another vCPU this one waits for (TMSIM_CALL) */
	uint32_t call_cpu;
	tmsim_fn call_fn;
	void *call_arg;
	/* the simulated machine */
	enum tmsim_mode mode;
	uint64_t deadline;
	bool leave_loop;		/* TMSIM_IDLE_LOOP: idle_until() returns */
	uint32_t remote_runs;		/* "remote.before_run" in this operation */
	struct hit hits[MAX_NAMES];
	uint32_t hits_total;
};

struct trace_entry {
	uint64_t seq;
	uint64_t j;
	int cpu;
	const char *where;		/* static string, or NULL for a note */
	char text[72];			/* object name, or the note */
};

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int baton = DRIVER;		/* under mtx */
static uint32_t gen;			/* under mtx */
static __thread int self = DRIVER;
static __thread uint32_t my_gen;

static struct vcpu vcpus[TMSIM_MAX_CPUS];
static struct tmsim_config conf;
static int last_stopped = DRIVER;	/* who handed the baton to the driver */
static int prepare_result;

static struct trace_entry trace[TRACE_SIZE];
static uint64_t trace_seq;

static char failure[512];
static bool failed;

static struct tmsim_timer *armed;	/* oracle registry */

/* ---- trace and failures ---- */

static uint64_t now_j(void)
{
	return timer_jiffies();
}

static void obj_name(const void *obj, char *buf, size_t len)
{
	uint32_t n = tmigr_group_count(), seen = 0;

	if (!obj) {
		snprintf(buf, len, "-");
		return;
	}
	for (uint32_t id = 0; id < TMIGR_MAX_GROUPS && seen < n; id++) {
		struct tmigr_group *g = tmigr_group_by_id(id);

		if (!g)
			continue;
		seen++;
		if ((const void *)g == obj) {
			snprintf(buf, len, "GRP%u:id%u", tmigr_group_level(g), id);
			return;
		}
	}
	snprintf(buf, len, "%p", obj);
}

static struct trace_entry *trace_next(void)
{
	struct trace_entry *e = &trace[trace_seq % TRACE_SIZE];

	e->seq = trace_seq++;
	e->j = now_j();
	e->cpu = self;
	return e;
}

static void trace_yield(const char *where, const void *obj)
{
	struct trace_entry *e = trace_next();

	e->where = where;
	obj_name(obj, e->text, sizeof(e->text));
}

void tmsim_note(const char *fmt, ...)
{
	struct trace_entry *e = trace_next();
	va_list ap;

	e->where = NULL;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
}

void tmsim_print_trace(void)
{
	uint64_t first = trace_seq > TRACE_PRINT ? trace_seq - TRACE_PRINT : 0;

	printf("tmsim trace: %" PRIu64 " entries, the last %" PRIu64 " (seq jiffy cpu event object):\n",
	       trace_seq, trace_seq - first);
	for (uint64_t s = first; s < trace_seq; s++) {
		const struct trace_entry *e = &trace[s % TRACE_SIZE];
		char who[8];

		if (e->cpu == DRIVER)
			snprintf(who, sizeof(who), "drv");
		else
			snprintf(who, sizeof(who), "cpu%d", e->cpu);
		if (e->where)
			printf("  %6" PRIu64 " j%-6" PRIu64 " %-5s %-28s %s\n", e->seq, e->j, who,
			       e->where, e->text);
		else
			printf("  %6" PRIu64 " j%-6" PRIu64 " %-5s # %s\n", e->seq, e->j, who, e->text);
	}
	fflush(stdout);
}

void tmsim_failf(const char *fmt, ...)
{
	char buf[sizeof(failure)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("tmsim: FAILURE: %s\n", buf);
	tmsim_note("FAILURE: %.60s", buf);
	if (!failed) {
		failed = true;
		snprintf(failure, sizeof(failure), "%s", buf);
		tmsim_print_trace();
	}
}

bool tmsim_failed(void)
{
	if (!failed && host_bug_count())
		tmsim_failf("arch_bug: %s", host_last_bug());
	return failed;
}

const char *tmsim_failure(void)
{
	return failure;
}

/* ---- the baton ---- */

/* Holder: hand the baton to `to` and wait for it to come back (mtx held). */
static void pass_locked(int to)
{
	baton = to;
	pthread_cond_broadcast(&cv);
	while (baton != self || gen != my_gen)
		pthread_cond_wait(&cv, &mtx);
}

/* Driver: let `cpu` run until it hands the baton back; its state. */
static enum tmsim_stop drive(uint32_t cpu)
{
	pthread_mutex_lock(&mtx);
	pass_locked((int)cpu);
	pthread_mutex_unlock(&mtx);
	return vcpus[cpu].busy ? vcpus[cpu].why : TMSIM_DONE;
}

/* vCPU: stop here and give the driver the baton. */
static void stop_here(enum tmsim_stop why, const char *where, const void *obj)
{
	struct vcpu *v = &vcpus[self];

	v->why = why;
	v->where = where;
	v->obj = obj;
	last_stopped = self;
	pthread_mutex_lock(&mtx);
	pass_locked(DRIVER);
	pthread_mutex_unlock(&mtx);
}

static void *vcpu_main(void *p)
{
	struct vcpu *v = p;

	pthread_mutex_lock(&mtx);
	self = (int)(v - vcpus);
	my_gen = gen;
	host_set_cpu((uint32_t)self);
	for (;;) {
		while (baton != self || gen != my_gen)
			pthread_cond_wait(&cv, &mtx);
		if (v->exit)
			break;
		pthread_mutex_unlock(&mtx);
		v->fn(v->arg);
		v->busy = false;
		v->why = TMSIM_DONE;
		v->where = "";
		v->obj = NULL;
		tmsim_note("done");
		last_stopped = self;
		pthread_mutex_lock(&mtx);
		baton = DRIVER;
		pthread_cond_broadcast(&cv);
	}
	baton = DRIVER;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mtx);
	return NULL;
}

/* ---- hooks called by kernel code ---- */

static void count_hit(struct vcpu *v, const char *where)
{
	v->hits_total++;
	for (uint32_t i = 0; i < MAX_NAMES; i++) {
		if (!v->hits[i].name) {
			v->hits[i].name = where;
			v->hits[i].n = 1;
			return;
		}
		if (strcmp(v->hits[i].name, where) == 0) {
			v->hits[i].n++;
			return;
		}
	}
}

/* A1 at every yield point: every state word is well formed. */
static void check_always(void)
{
	uint32_t n = tmigr_group_count(), seen = 0;

	for (uint32_t id = 0; id < TMIGR_MAX_GROUPS && seen < n; id++) {
		struct tmigr_group *g = tmigr_group_by_id(id);
		uint32_t s;
		uint8_t a, m;

		if (!g)
			continue;
		seen++;
		s = tmigr_group_state(g);
		a = TMIGR_ST_ACTIVE(s);
		m = TMIGR_ST_MIGRATOR(s);
		if (m == 0 || (m == TMIGR_NONE) != (a == 0) ||
		    (m != TMIGR_NONE && (__builtin_popcount(m) != 1 || !(m & a)))) {
			tmsim_failf("A1: group %u (level %u) state active %#x migrator %#x",
				    id, tmigr_group_level(g), a, m);
			return;
		}
	}
}

static bool bp_match(struct vcpu *v, const char *where, const void *obj)
{
	if (v->stepping)
		return true;
	if (!v->bp_set)
		return false;
	if (v->bp_where && strcmp(v->bp_where, where) != 0)
		return false;
	if (v->bp_obj && v->bp_obj != obj)
		return false;
	if (--v->bp_left)
		return false;
	v->bp_set = false;
	return true;
}

static void on_yield(const char *where, const void *obj)
{
	struct vcpu *v;

	trace_yield(where, obj);
	if (self == DRIVER || my_gen != gen)
		return;
	v = &vcpus[self];
	count_hit(v, where);
	if (!failed)
		check_always();
	if (strcmp(where, "remote.before_run") == 0 &&
	    ++v->remote_runs > conf.ncpus + tmigr_group_count()) {
		tmsim_failf("livelock: CPU %d expired remote CPUs %u times in one operation",
			    self, v->remote_runs);
		v->dead = true;
		for (;;)
			stop_here(TMSIM_LIVELOCK, where, obj);
	}
	if (bp_match(v, where, obj))
		stop_here(TMSIM_BREAK, where, obj);
	/* the real idle loop: interrupts on here means they may be taken here */
	if (v->mode == TMSIM_IDLE_LOOP)
		host_irq_poll();
}

/* arch_idle_halt() with nothing pending: the driver decides what wakes us. */
static void on_halt(void)
{
	if (self == DRIVER) {
		tmsim_failf("the driver halted");
		abort();
	}
	trace_yield("halt", NULL);
	count_hit(&vcpus[self], "halt");
	stop_here(TMSIM_HALT, "halt", NULL);
}

static void on_relax(void)
{
	if (self == DRIVER) {
		tmsim_failf("the driver spins on a lock a stopped vCPU holds");
		abort();
	}
	if (my_gen != gen)
		return;
	trace_yield("spin", NULL);
	stop_here(TMSIM_SPIN, "spin", NULL);
}

/* Platform hooks: a call on another vCPU becomes a stop the driver serves. */
static void call_on(uint32_t cpu, tmsim_fn fn, void *arg)
{
	struct vcpu *v;

	if (self == DRIVER || (uint32_t)self == cpu || cpu >= conf.ncpus) {
		fn(arg);
		return;
	}
	v = &vcpus[self];
	v->call_cpu = cpu;
	v->call_fn = fn;
	v->call_arg = arg;
	tmsim_note("call on cpu%u", cpu);
	stop_here(TMSIM_CALL, "call", NULL);
	v->call_fn = NULL;
}

static void plat_force_active(uint32_t cpu)
{
	call_on(cpu, tmsim_op_wake, NULL);
}

static void plat_run_on(uint32_t cpu, void (*fn)(void *arg), void *arg)
{
	call_on(cpu, fn, arg);
}

/* ---- scheduling from the driver ---- */

static struct vcpu *vc(uint32_t cpu)
{
	if (cpu >= conf.ncpus) {
		tmsim_failf("no vCPU %u (%u started)", cpu, conf.ncpus);
		abort();
	}
	return &vcpus[cpu];
}

static enum tmsim_stop serve_call(uint32_t caller);

enum tmsim_stop tmsim_run(uint32_t cpu, tmsim_fn fn, void *arg)
{
	struct vcpu *v = vc(cpu);
	enum tmsim_stop st;

	if (v->busy) {
		tmsim_failf("tmsim_run on CPU %u, which is still in an operation", cpu);
		return v->why;
	}
	v->fn = fn;
	v->arg = arg;
	v->busy = true;
	v->remote_runs = 0;
	st = drive(cpu);
	while (st == TMSIM_CALL && v->why == TMSIM_CALL)
		st = serve_call(cpu);
	return st;
}

enum tmsim_stop tmsim_resume(uint32_t cpu)
{
	struct vcpu *v = vc(cpu);
	enum tmsim_stop st;

	if (!v->busy)
		return TMSIM_DONE;
	if (v->dead)
		return TMSIM_LIVELOCK;
	if (v->why == TMSIM_CALL)
		return serve_call(cpu);
	st = drive(cpu);
	while (st == TMSIM_CALL)
		st = serve_call(cpu);
	return st;
}

enum tmsim_stop tmsim_step(uint32_t cpu)
{
	struct vcpu *v = vc(cpu);
	enum tmsim_stop st;

	v->stepping = true;
	st = tmsim_resume(cpu);
	v->stepping = false;
	return st;
}

/* Stopped in arch_idle_halt() with nothing pending: only an interrupt moves it. */
static bool halted(uint32_t cpu)
{
	return vcpus[cpu].busy && vcpus[cpu].why == TMSIM_HALT && !host_irq_pending(cpu);
}

/* One round for everybody but `except`: serve a call or run to the next yield point. */
static bool step_others(uint32_t except)
{
	bool moved = false;

	for (uint32_t c = 0; c < conf.ncpus; c++) {
		struct vcpu *o = &vcpus[c];

		if (c == except || !o->busy || o->dead || halted(c))
			continue;
		if (o->why == TMSIM_CALL && vcpus[o->call_cpu].busy)
			continue;	/* its callee must finish first */
		moved = true;
		o->bp_set = false;
		tmsim_step(c);
	}
	return moved;
}

enum tmsim_stop tmsim_finish(uint32_t cpu)
{
	struct vcpu *v = vc(cpu);

	for (uint32_t round = 0; round < FINISH_LIMIT; round++) {
		if (!v->busy)
			return TMSIM_DONE;
		if (v->dead)
			return TMSIM_LIVELOCK;
		if (halted(cpu))
			return TMSIM_HALT;	/* the idle loop never finishes by itself */
		v->bp_set = false;
		if (v->why == TMSIM_SPIN) {
			if (!step_others(cpu)) {
				tmsim_failf("deadlock: CPU %u spins and nobody else can run", cpu);
				return TMSIM_SPIN;
			}
		} else if (v->why == TMSIM_CALL && vcpus[v->call_cpu].busy) {
			if (tmsim_finish(v->call_cpu) != TMSIM_DONE)
				return TMSIM_CALL;
			continue;
		}
		tmsim_resume(cpu);
	}
	tmsim_failf("CPU %u did not finish its operation in %u rounds", cpu, FINISH_LIMIT);
	return v->why;
}

void tmsim_finish_all(void)
{
	for (uint32_t c = 0; c < conf.ncpus; c++)
		if (vcpus[c].busy && !vcpus[c].dead)
			tmsim_finish(c);
}

/* Run the call `caller` waits for on its callee, to completion, then resume the caller. */
static enum tmsim_stop serve_call(uint32_t caller)
{
	struct vcpu *v = &vcpus[caller];
	uint32_t t = v->call_cpu;

	if (vcpus[t].busy && tmsim_finish(t) != TMSIM_DONE)
		return TMSIM_CALL;
	if (tmsim_run(t, v->call_fn, v->call_arg) != TMSIM_DONE &&
	    tmsim_finish(t) != TMSIM_DONE)
		return TMSIM_CALL;
	v->why = TMSIM_BREAK;	/* no longer waiting */
	return drive(caller);
}

void tmsim_break(uint32_t cpu, const char *where, const void *obj, uint32_t nth)
{
	struct vcpu *v = vc(cpu);

	v->bp_set = true;
	v->bp_where = where;
	v->bp_obj = obj;
	v->bp_left = nth ? nth : 1;
}

void tmsim_break_clear(uint32_t cpu)
{
	vc(cpu)->bp_set = false;
}

bool tmsim_busy(uint32_t cpu)
{
	return vc(cpu)->busy;
}

enum tmsim_stop tmsim_state(uint32_t cpu)
{
	return vc(cpu)->busy ? vc(cpu)->why : TMSIM_DONE;
}

const char *tmsim_where(uint32_t cpu)
{
	const char *w = vc(cpu)->where;

	return vc(cpu)->busy && w ? w : "";
}

const void *tmsim_obj(uint32_t cpu)
{
	return vc(cpu)->busy ? vc(cpu)->obj : NULL;
}

enum tmsim_mode tmsim_mode(uint32_t cpu)
{
	return vc(cpu)->mode;
}

uint32_t tmsim_hits(uint32_t cpu, const char *where)
{
	struct vcpu *v = vc(cpu);

	if (!where)
		return v->hits_total;
	for (uint32_t i = 0; i < MAX_NAMES && v->hits[i].name; i++)
		if (strcmp(v->hits[i].name, where) == 0)
			return v->hits[i].n;
	return 0;
}

uint32_t tmsim_ncpus(void)
{
	return conf.ncpus;
}

/* ---- CPU operations (run on the vCPU thread) ---- */

static struct vcpu *me(void)
{
	return &vcpus[self];
}

/* The idle loop's decision (kernel/idle.c): tick kept, or stopped with a deadline. */
static void idle_evaluate(void)
{
	struct timer_next nx;
	uint64_t d = timer_next_event(true, &nx);

	me()->mode = TMSIM_IDLE;
	me()->deadline = nx.within_tick ? tmsim_ns(now_j() + 1) : d;
}

void tmsim_op_idle(void *unused)
{
	(void)unused;
	tmsim_note("op idle");
	idle_evaluate();
	tmsim_note("deadline %" PRId64, me()->deadline == TIMER_NO_EVENT ? -1 :
		   (int64_t)(me()->deadline / TMSIM_TICK_NS));
}

void tmsim_op_wake(void *unused)
{
	(void)unused;
	tmsim_note("op wake");
	timer_idle_exit();
	me()->mode = TMSIM_ACTIVE;
	me()->deadline = TIMER_NO_EVENT;
}

static void interrupt(bool always_remote)
{
	bool idle = me()->mode == TMSIM_IDLE;
	uint64_t w;

	tmsim_note(idle ? "op interrupt (idle)" : "op tick");
	timer_run_cpu();
	on_yield("softirq.after_global_base", NULL);
	w = tmigr_cpu_wakeup((uint32_t)self);
	if (always_remote || tmigr_requires_remote())
		tmigr_handle_remote();
	/* Q12: the wake-up this interrupt served is not left behind in the past */
	if (idle && w != TMIGR_INF && w <= tmsim_ns(now_j())) {
		w = tmigr_cpu_wakeup((uint32_t)self);
		if (w != TMIGR_INF && w <= tmsim_ns(now_j()))
			tmsim_failf("Q12: CPU %d served its wake-up and kept j%" PRIu64 " (now j%" PRIu64 ")",
				    self, (uint64_t)(w / TMSIM_TICK_NS), now_j());
	}
	if (idle) {
		idle_evaluate();
		tmsim_note("deadline %" PRId64, me()->deadline == TIMER_NO_EVENT ? -1 :
			   (int64_t)(me()->deadline / TMSIM_TICK_NS));
	}
}

void tmsim_op_interrupt(void *unused)
{
	(void)unused;
	interrupt(false);
}

void tmsim_op_interrupt_softirq(void *unused)
{
	(void)unused;
	interrupt(true);
}

static void op_park(void *unused)
{
	(void)unused;
	tmsim_note("op park");
	tmigr_clear_available((uint32_t)self);
	me()->mode = TMSIM_OFFLINE;
	me()->deadline = TIMER_NO_EVENT;
}

static void op_online(void *unused)
{
	(void)unused;
	tmsim_note("op online");
	timer_cpu_init((uint32_t)self);
	tmigr_set_available((uint32_t)self);
	me()->mode = TMSIM_ACTIVE;
	me()->deadline = TIMER_NO_EVENT;
}

struct prepare_arg {
	uint32_t cpu, node;
};

static void op_prepare(void *arg)
{
	struct prepare_arg *a = arg;

	tmsim_note("op prepare cpu%u node %u", a->cpu, a->node);
	prepare_result = tmigr_prepare(a->cpu, a->node);
}

struct call_arg {
	uint64_t (*fn)(uint64_t);
	uint64_t in, out;
};

static void op_call(void *arg)
{
	struct call_arg *a = arg;

	a->out = a->fn(a->in);
}

enum tmsim_stop tmsim_idle(uint32_t cpu)
{
	return tmsim_run(cpu, tmsim_op_idle, NULL);
}

enum tmsim_stop tmsim_wake(uint32_t cpu)
{
	return tmsim_run(cpu, tmsim_op_wake, NULL);
}

enum tmsim_stop tmsim_interrupt(uint32_t cpu)
{
	return tmsim_run(cpu, tmsim_op_interrupt, NULL);
}

enum tmsim_stop tmsim_interrupt_softirq(uint32_t cpu)
{
	return tmsim_run(cpu, tmsim_op_interrupt_softirq, NULL);
}

enum tmsim_stop tmsim_park(uint32_t cpu)
{
	return tmsim_run(cpu, op_park, NULL);
}

enum tmsim_stop tmsim_online(uint32_t cpu)
{
	return tmsim_run(cpu, op_online, NULL);
}

enum tmsim_stop tmsim_prepare(uint32_t ctrl, uint32_t cpu, uint32_t node)
{
	static struct prepare_arg a;

	a.cpu = cpu;
	a.node = node;
	return tmsim_run(ctrl, op_prepare, &a);
}

int tmsim_prepare_result(void)
{
	return prepare_result;
}

uint64_t tmsim_call_u64(uint32_t cpu, uint64_t (*fn)(uint64_t), uint64_t arg)
{
	struct call_arg a = { fn, arg, TIMER_NO_EVENT };

	if (tmsim_run(cpu, op_call, &a) != TMSIM_DONE)
		tmsim_finish(cpu);
	return a.out;
}

uint64_t tmsim_deadline(uint32_t cpu)
{
	if (vc(cpu)->mode == TMSIM_IDLE_LOOP)
		return host_event_deadline(cpu);
	return vc(cpu)->deadline;
}

/* ---- the real idle loop ---- */

static bool loop_left(void *unused)
{
	(void)unused;
	return me()->leave_loop;
}

void tmsim_op_idle_loop(void *unused)
{
	(void)unused;
	tmsim_note("op idle loop");
	me()->mode = TMSIM_IDLE_LOOP;
	me()->leave_loop = false;
	arch_irq_disable();
	tick_start_cpu();	/* it comes from work: its tick runs, as on a real CPU */
	arch_irq_enable();
	idle_until(loop_left, NULL);
	/* back to the simulated tick: the device's event is not ours any more */
	arch_event_stop();
	me()->mode = TMSIM_ACTIVE;
	me()->deadline = TIMER_NO_EVENT;
	tmsim_note("left the idle loop");
}

enum tmsim_stop tmsim_idle_loop(uint32_t cpu)
{
	return tmsim_run(cpu, tmsim_op_idle_loop, NULL);
}

enum tmsim_stop tmsim_idle_loop_leave(uint32_t cpu)
{
	struct vcpu *v = vc(cpu);

	if (v->mode != TMSIM_IDLE_LOOP) {
		tmsim_failf("CPU %u is not in the idle loop", cpu);
		return tmsim_state(cpu);
	}
	v->leave_loop = true;
	tmsim_note("cpu%u: leave the idle loop", cpu);
	arch_send_ipi(cpu, ARCH_IPI_WAKE);
	return tmsim_finish(cpu);
}

/* ---- time ---- */

uint64_t tmsim_jiffies(void)
{
	return now_j();
}

uint64_t tmsim_ns(uint64_t j)
{
	return timer_jiffies_to_ns(j);
}

void tmsim_set_jiffies(uint64_t j)
{
	host_clock_set_ns(tmsim_ns(j));
	tmsim_note("time -> j%" PRIu64, j);
}

/* Run a delivery to completion (its stops are not the test's business). */
static bool deliver(uint32_t cpu)
{
	enum tmsim_stop st = tmsim_interrupt(cpu);

	if (st != TMSIM_DONE)
		st = tmsim_finish(cpu);
	return st == TMSIM_DONE;
}

/*
 * A vCPU in the real idle loop: its programmed event fires when due, and
 * whatever is pending ends its halt; run it until it halts again.  Stopped
 * anywhere else it has interrupts off: nothing is delivered.
 */
static bool deliver_loop(uint32_t cpu, uint64_t now)
{
	struct vcpu *v = &vcpus[cpu];
	uint32_t irqs = 0;

	if (!v->busy || v->why != TMSIM_HALT)
		return true;
	while (host_event_fire(cpu, now) || host_irq_pending(cpu)) {
		if (++irqs > conf.livelock_irqs) {
			tmsim_failf("livelock: CPU %u (idle loop) woke %u times in jiffy %" PRIu64,
				    cpu, irqs - 1, now_j());
			return false;
		}
		if (tmsim_resume(cpu) != TMSIM_HALT) {
			tmsim_failf("CPU %u (idle loop) stopped at %s, not in its halt",
				    cpu, tmsim_where(cpu));
			return false;
		}
	}
	return true;
}

bool tmsim_advance_to(uint64_t j)
{
	uint32_t limit = conf.livelock_irqs;

	while (now_j() < j) {
		uint64_t t = now_j() + 1;

		tmsim_set_jiffies(t);
		for (uint32_t c = 0; c < conf.ncpus; c++) {
			struct vcpu *v = &vcpus[c];
			uint32_t irqs = 0;

			if (v->mode == TMSIM_IDLE_LOOP) {
				if (!deliver_loop(c, tmsim_ns(t)))
					return false;
				continue;
			}
			if (v->busy || v->mode == TMSIM_OFFLINE)
				continue;
			if (v->mode == TMSIM_ACTIVE) {
				if (!deliver(c))
					return false;
				continue;
			}
			while (v->mode == TMSIM_IDLE && v->deadline <= tmsim_ns(t)) {
				if (++irqs > limit) {
					tmsim_failf("livelock: CPU %u took %u interrupts in jiffy %" PRIu64
						    " (deadline j%" PRIu64 ")", c, irqs - 1, t,
						    (uint64_t)(v->deadline / TMSIM_TICK_NS));
					return false;
				}
				if (!deliver(c))
					return false;
			}
		}
	}
	return !failed;
}

bool tmsim_advance(uint64_t jiffies)
{
	return tmsim_advance_to(now_j() + jiffies);
}

/* ---- timer oracle ---- */

static void oracle_fn(struct timer *t)
{
	struct tmsim_timer *tt = (struct tmsim_timer *)t;

	tt->runs++;
	tt->ran_j = now_j();
	tt->ran_on = arch_cpu_id();
	tmsim_note("timer %s runs (expires j%" PRIu64 ")", tt->name, tt->expires);
	if (tt->runs > 1)
		tmsim_failf("timer %s ran %u times", tt->name, tt->runs);
	if (tt->ran_j <= tt->expires)
		tmsim_failf("timer %s ran early: j%" PRIu64 ", expires j%" PRIu64, tt->name,
			    tt->ran_j, tt->expires);
}

/*
 * Arm or cancel (tt->cancelled) on this vCPU, onto arm_target when that is
 * another CPU (timer_add_on); tt outlives a stop in here.
 */
static uint32_t arm_target = UINT32_MAX;

static void op_arm(void *arg)
{
	struct tmsim_timer *tt = arg;

	if (tt->cancelled) {
		tmsim_note("cancel %s", tt->name);
		timer_del(&tt->t);
	} else {
		tmsim_note("arm %s j%" PRIu64 "%s", tt->name, tt->expires,
			   tt->pinned ? " pinned" : "");
		timer_setup(&tt->t, oracle_fn, tt->pinned ? TIMER_PINNED : 0);
		if (arm_target != UINT32_MAX && arm_target != (uint32_t)self) {
			tmsim_note("... on cpu%u", arm_target);
			timer_add_on(&tt->t, tt->expires, arm_target);
		} else {
			timer_add(&tt->t, tt->expires);
		}
	}
	if (me()->mode == TMSIM_IDLE)
		idle_evaluate();	/* as after the interrupt that did it */
}

enum tmsim_stop tmsim_arm(uint32_t cpu, struct tmsim_timer *tt, const char *name,
			  uint64_t expires, bool pinned)
{
	struct tmsim_timer *p;

	tt->name = name;
	tt->expires = expires;
	tt->armed_j = now_j();
	tt->armed_on = cpu;
	tt->pinned = pinned;
	tt->cancelled = false;
	tt->runs = 0;
	tt->ran_j = 0;
	tt->ran_on = UINT32_MAX;
	for (p = armed; p && p != tt; p = p->next_armed)
		;
	if (!p) {
		/* first arming in this run: whatever the memory held is not a timer */
		memset(&tt->t, 0, sizeof(tt->t));
		tt->next_armed = armed;
		armed = tt;
	}
	return tmsim_run(cpu, op_arm, tt);
}

enum tmsim_stop tmsim_arm_on(uint32_t cpu, uint32_t target, struct tmsim_timer *tt,
			     const char *name, uint64_t expires, bool pinned)
{
	enum tmsim_stop st;

	arm_target = target;
	st = tmsim_arm(cpu, tt, name, expires, pinned);
	arm_target = UINT32_MAX;
	return st;
}

enum tmsim_stop tmsim_cancel(uint32_t cpu, struct tmsim_timer *tt)
{
	tt->cancelled = true;
	return tmsim_run(cpu, op_arm, tt);
}

static void op_mod(void *arg)
{
	struct tmsim_timer *tt = arg;

	tmsim_note("mod %s j%" PRIu64, tt->name, tt->expires);
	timer_mod(&tt->t, tt->expires);
	if (me()->mode == TMSIM_IDLE)
		idle_evaluate();	/* as after the interrupt that did it */
}

enum tmsim_stop tmsim_mod(uint32_t cpu, struct tmsim_timer *tt, uint64_t expires)
{
	bool same = !tt->cancelled && tt->runs == 0 && tt->expires == expires;

	/* timer_mod of a pending timer to its own expiry changes nothing: old bucket */
	if (!same) {
		tt->expires = expires;
		tt->armed_j = now_j();
		tt->armed_on = cpu;
	}
	tt->cancelled = false;
	tt->runs = 0;
	tt->ran_j = 0;
	tt->ran_on = UINT32_MAX;
	return tmsim_run(cpu, op_mod, tt);
}

uint64_t tmsim_bucket_expiry(const struct tmsim_timer *tt)
{
	int64_t d = (int64_t)(tt->expires - tt->armed_j);
	uint64_t start = 63;
	unsigned lvl = 0, shift;

	if (d < 0)
		return tt->armed_j;
	while (lvl < 8 && (uint64_t)d >= start) {
		lvl++;
		start *= 8;
	}
	shift = 3 * lvl;
	return ((tt->expires >> shift) + 1) << shift;
}

uint64_t tmsim_event_ns(const struct tmsim_timer *tt)
{
	return tmsim_ns(tmsim_bucket_expiry(tt));
}

static uint64_t latest(const struct tmsim_timer *tt)
{
	return tmsim_bucket_expiry(tt) + conf.late_jiffies;
}

bool tmsim_timer_ok(const struct tmsim_timer *tt)
{
	if (tt->cancelled) {
		if (tt->runs) {
			tmsim_failf("timer %s ran although cancelled", tt->name);
			return false;
		}
		return true;
	}
	if (tt->runs != 1) {
		tmsim_failf("timer %s (expires j%" PRIu64 ", bucket j%" PRIu64 ", armed on CPU %u) ran %u times by j%" PRIu64,
			    tt->name, tt->expires, tmsim_bucket_expiry(tt), tt->armed_on,
			    tt->runs, now_j());
		return false;
	}
	if (tt->ran_j <= tt->expires || tt->ran_j > latest(tt)) {
		tmsim_failf("timer %s ran at j%" PRIu64 " on CPU %u; allowed j%" PRIu64 "..j%" PRIu64,
			    tt->name, tt->ran_j, tt->ran_on, tt->expires + 1, latest(tt));
		return false;
	}
	return true;
}

bool tmsim_check_timers(void)
{
	bool ok = true;

	for (struct tmsim_timer *tt = armed; tt; tt = tt->next_armed) {
		if (tt->cancelled || now_j() > latest(tt) || tt->runs)
			ok &= tmsim_timer_ok(tt);
	}
	return ok;
}

/* ---- invariants ---- */

bool tmsim_check_quiescent(void)
{
	char why[256];

	for (uint32_t c = 0; c < conf.ncpus; c++) {
		if (vcpus[c].busy) {
			tmsim_failf("quiescent check while CPU %u is in an operation", c);
			return false;
		}
	}
	if (tmigr_check_quiescent(why, sizeof(why), false)) {
		tmigr_dump(false);
		printf("%s", host_log());
		host_log_reset();
		tmsim_failf("invariant: %s", why);
		return false;
	}
	return !tmsim_failed();
}

/* ---- seeded random interleavings ---- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: small, seedable, good enough to pick interleavings */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

bool tmsim_run_random(const struct tmsim_task *tasks, uint32_t n, uint64_t seed,
		      uint32_t depth)
{
	uint32_t prio[TMSIM_MAX_CPUS] = { 0 };
	uint64_t change[8] = { 0 };
	uint64_t steps = 0;

	rng_state = seed ? seed : 0x9e3779b97f4a7c15ull;
	if (depth > 8)
		depth = 8;
	tmsim_note("random run: seed %" PRIu64 ", %u tasks, depth %u", seed, n, depth);
	for (uint32_t i = 0; i < depth; i++)
		change[i] = rng() % 200;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = tasks[i].cpu;

		prio[c] = 100 + (uint32_t)(rng() % 1000);
		vc(c)->stepping = true;
		if (tmsim_run(c, tasks[i].fn, tasks[i].arg) == TMSIM_DONE)
			vc(c)->stepping = false;
	}
	for (;;) {
		int best = -1;
		bool spin_only = true;

		for (uint32_t i = 0; i < n; i++) {
			uint32_t c = tasks[i].cpu;
			struct vcpu *v = &vcpus[c];

			if (!v->busy || v->dead)
				continue;
			if (v->why != TMSIM_SPIN)
				spin_only = false;
		}
		for (uint32_t i = 0; i < n; i++) {
			uint32_t c = tasks[i].cpu;
			struct vcpu *v = &vcpus[c];

			if (!v->busy || v->dead)
				continue;
			if (!spin_only && v->why == TMSIM_SPIN)
				continue;
			if (best < 0 || prio[c] > prio[best])
				best = (int)c;
		}
		if (best < 0)
			break;
		for (uint32_t i = 0; i < depth; i++)
			if (change[i] == steps)
				prio[best] = (uint32_t)i;	/* below every initial priority */
		steps++;
		if (steps > FINISH_LIMIT) {
			tmsim_failf("random run (seed %" PRIu64 ") did not end: deadlock?", seed);
			return false;
		}
		vcpus[best].stepping = true;
		tmsim_resume((uint32_t)best);
		if (!vcpus[best].busy)
			vcpus[best].stepping = false;
		if (failed) {
			printf("tmsim: random run seed %" PRIu64 "\n", seed);
			return false;
		}
	}
	for (uint32_t i = 0; i < n; i++)
		vcpus[tasks[i].cpu].stepping = false;
	return !tmsim_failed();
}

/* ---- start and stop ---- */

void tmsim_start(const struct tmsim_config *cfg)
{
	static const struct tmigr_platform plat = {
		.force_active = plat_force_active,
		.run_on = plat_run_on,
	};
	struct tmigr_topology topo;

	conf = *cfg;
	if (conf.ncpus == 0 || conf.ncpus > TMSIM_MAX_CPUS) {
		fprintf(stderr, "tmsim: %u CPUs (1..%u)\n", conf.ncpus, TMSIM_MAX_CPUS);
		abort();
	}
	if (!conf.online || conf.online > conf.ncpus)
		conf.online = conf.ncpus;
	if (!conf.nodes)
		conf.nodes = 1;
	if (!conf.late_jiffies)
		conf.late_jiffies = 1;
	if (!conf.livelock_irqs)
		conf.livelock_irqs = 4;

	pthread_mutex_lock(&mtx);
	gen++;
	my_gen = gen;
	baton = DRIVER;
	pthread_mutex_unlock(&mtx);
	self = DRIVER;
	memset(vcpus, 0, sizeof(vcpus));
	memset(trace, 0, sizeof(trace));
	trace_seq = 0;
	failed = false;
	failure[0] = '\0';
	armed = NULL;
	last_stopped = DRIVER;

	host_clock_use_real(false);
	host_clock_set_ns(TMSIM_START_J * TMSIM_TICK_NS);
	host_set_cpu(0);
	host_bug_reset();
	host_log_reset();
	host_relax_hook = on_relax;
	host_halt_hook = on_halt;
	tmigr_yield_hook = on_yield;
	host_irq_reset();
	idle_reset();
	tick_reset();
	workqueue_reset();
	tick_init(TMSIM_HZ);
	workqueue_init();
	timer_init(TMSIM_HZ, 0);
	for (uint32_t c = 0; c < conf.ncpus; c++)
		timer_cpu_init(c);
	topo.possible_cpus = conf.ncpus;
	topo.possible_nodes = conf.nodes;
	if (tmigr_init(&topo, &plat)) {
		fprintf(stderr, "tmsim: tmigr_init failed\n");
		abort();
	}
	for (uint32_t c = 0; c < conf.ncpus; c++) {
		struct vcpu *v = &vcpus[c];

		v->mode = TMSIM_OFFLINE;
		v->deadline = TIMER_NO_EVENT;
		v->where = "";
		if (pthread_create(&v->th, NULL, vcpu_main, v)) {
			perror("tmsim: pthread_create");
			abort();
		}
		v->thread = true;
	}
	if (conf.no_boot)
		return;
	/* the boot CPU prepares itself, then every other online CPU */
	tmsim_prepare(0, 0, conf.node_of ? conf.node_of[0] : 0);
	tmsim_online(0);
	for (uint32_t c = 1; c < conf.online; c++) {
		tmsim_prepare(0, c, conf.node_of ? conf.node_of[c] : 0);
		if (prepare_result)
			tmsim_failf("tmigr_prepare(%u) failed at boot", c);
		tmsim_online(c);
	}
	tmsim_note("booted %u of %u CPUs", conf.online, conf.ncpus);
}

void tmsim_start_n(uint32_t ncpus)
{
	struct tmsim_config cfg = { .ncpus = ncpus };

	tmsim_start(&cfg);
}

void tmsim_stop(void)
{
	for (uint32_t c = 0; c < conf.ncpus; c++) {
		struct vcpu *v = &vcpus[c];

		if (!v->thread)
			continue;
		if (v->busy) {
			pthread_detach(v->th);	/* blocked for good: see the theory comment */
		} else {
			v->exit = true;
			drive(c);
			pthread_join(v->th, NULL);
		}
		v->thread = false;
	}
	tmigr_yield_hook = NULL;
	host_relax_hook = NULL;
	host_halt_hook = NULL;
}
