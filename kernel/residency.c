// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * residency: where each CPU's time goes, measured without waking anyone
 * (docs/residency.md).
 *
 * What.  Each CPU keeps one record (struct res_rec, residency.h): the
 * phase its time goes to now (busy, sleeping in idle state i, polling,
 * parked) and when that phase began on the synced clock (arch_now_ns),
 * the sums of the phases that ended, idle periods begun and ended, the
 * ended ones by wake-up cause (enum wake_cause, named by kernel/idle.c and
 * kernel/tick.c) and by length (log2 us), interrupts taken, other vectors,
 * its latest hardware counter reading (taken by the CPU at a halt's end
 * when the last is RES_HW_EVERY_NS old, and at the window's edges when
 * asked: reading MSRs costs a VM exit each under a hypervisor, so not at
 * every wake-up), and the 100 ms sample grid's
 * interval in progress.  A CPU is first counted at its first halt or park
 * (before that it is absent: not started, or a hot-added CPU whose clock
 * is not measured yet).
 *
 * Writer rule.  Only the CPU itself writes its record, in its hooks, with
 * interrupts off (idle entry and exit around each halt, the naming of
 * each interrupt, park and unpark): no hook runs nested in another, so
 * the owner needs no lock and no atomic read-modify-write.  It works on a
 * private copy (own) and publishes it whole after each change.
 *
 * Publishing: a sequence counter per CPU (seq, even when stable).  The
 * owner stores seq odd, a release fence, the words of the record as
 * relaxed stores, then seq even with a release store.  A reader loads seq
 * with acquire (retry while odd), copies the words with relaxed loads,
 * takes its clock, issues an acquire fence and loads seq again: equal
 * means the copy is one publish, whole, and that no publish began before
 * the clock was read.  The acquire load pairs with the release store that
 * ended the publish it copies (it sees that publish's words and the
 * samples written before it); the acquire fence pairs with the release
 * fence of a publish that overlapped the copy (a word of it seen means its
 * odd seq is seen by the second load, so the copy is retried).  A reader
 * never writes anything a CPU reads and never sends anything: it cannot
 * wake a CPU.  It may retry while the owner publishes (a few hundred
 * stores with interrupts off), never longer.  Yield points (YP, empty in
 * the kernel) halfway through a publish and through a copy let the host
 * tests force the two interleavings that matter
 * (tests/host/test_residency_seqcount.c); MUTANT(S01) and MUTANT(S02) put
 * back the bugs the two seq checks exclude (kernel/mutant.h).
 *
 * The phase in progress.  Sums hold ended phases only; the reader adds
 * [phase_ns, its clock) to the phase the record names, so a CPU asleep for
 * the whole window is counted up to the reader's "now" without waking.
 * The clocks of two CPUs agree to within the reported skew: an interval
 * that comes out negative counts as 0.
 *
 * Samples.  A window sets the grid's origin (epoch, the reader's clock at
 * its begin); interval i is [epoch + i*100 ms, epoch + (i+1)*100 ms).  The
 * CPU fills its intervals itself when a phase ends (at idle entry and
 * exit, when it is awake anyway, never from a timer): every interval the
 * phase covered is completed and stored, the one in progress keeps its
 * sleeping and awake time in the record (s_idle_ns, s_awake_ns).  Parked
 * time counts in neither: a sample is the sleeping share of the time the
 * CPU was there, and an interval with none is RESIDENCY_NO_SAMPLE.  The
 * reader completes the tail of a CPU still in its phase from the record
 * (residency_sample_of: the same rule, the phase in progress up to the
 * window's end).  Stored samples are final once sidx has passed them: a
 * reader reads only those below the sidx of its copy.
 *
 * Windows.  begin: if the machine has a hardware counter besides the TSC,
 * each online CPU is asked once to read its own (work on it: an edge
 * wake-up, before the window); then the epoch is set and every record is
 * read (the begin snapshot, each CPU completed to the reader's clock of
 * its copy).  end: every record is read again (the end snapshot), then
 * the hardware counters once more (edge wake-ups after the window).  The
 * figures are the differences, so the edges' wake-ups are outside them;
 * after the begin edge the reader sleeps EDGE_SETTLE_NS first, so that
 * the asked CPUs are back asleep (their tick stopped) when it opens.
 * Inside the window the residency code sends nothing: measure_wakeups
 * counts what it would send there (ask_cpu() while the window is open),
 * and stays 0.  The reader's own CPU sleeps through the window and wakes
 * for its end (its own pinned timer): that wake-up is the window's end,
 * counted as an edge wake-up and taken out of its figures.
 *
 * Window state (res_win, the snapshots: kernel/residency_internal.h) is
 * the reader's alone: one window at a time (win_busy, an atomic flag),
 * read by the report (kernel/residency_report.c) after end().
 */
#include <stddef.h>

#include "kernel/arch_services.h"
#include "kernel/hw_counters.h"
#include "kernel/idle.h"
#include "kernel/mutant.h"
#include "kernel/residency.h"
#include "kernel/residency_internal.h"
#include "kernel/residency_view.h"
#include "kernel/tmigr.h"	/* YP() */
#include "lib/bitops.h"
#include "lib/string.h"

/* After the begin edge's requests, before the window: their CPUs go back to sleep. */
#define EDGE_SETTLE_NS	(10 * 1000000ull)

struct res_cpu {
	uint32_t seq;			/* odd while the owner publishes */
	uint64_t pub[RES_REC_WORDS];	/* the published record, word by word */
	struct res_rec own;		/* the owner's working copy: owner only */
	uint16_t samples[RES_MAX_SAMPLES];	/* owner stores, relaxed; final below sidx */
} __attribute__((aligned(64)));

static struct res_cpu cpus[RES_MAX_CPUS];
static uint64_t sample_epoch;		/* the grid's origin, 0: none; relaxed atomic */
uint32_t res_ncpus = 1;
uint32_t (*res_hw_id)(uint32_t cpu);

/* ---- the owner's side ---- */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

uint32_t residency_hist_bucket(uint64_t ns)
{
	return log2_bucket_us(ns, RES_HIST_BUCKETS);
}

/* The sleeping share of an interval, per-mille (rounded), or none. */
static uint16_t share(uint64_t idle, uint64_t awake)
{
	uint64_t there = idle + awake;

	if (!there)
		return RESIDENCY_NO_SAMPLE;
	return (uint16_t)((idle * 1000 + there / 2) / there);
}

/* `ns` of the phase in progress, into the sample interval's parts. */
static void credit(uint64_t phase, uint64_t ns, uint64_t *idle, uint64_t *awake)
{
	if (phase == RES_PH_IDLE)
		*idle += ns;
	else if (phase != RES_PH_PARKED)
		*awake += ns;
}

static void store_sample(uint16_t *store, uint64_t i, uint16_t v)
{
	if (store && i < RES_MAX_SAMPLES)
		__atomic_store_n(&store[i], v, __ATOMIC_RELAXED);
}

/* Close sample interval sidx: store it, start the next one. */
static void close_interval(struct res_rec *r, uint16_t *store)
{
	store_sample(store, r->sidx, share(r->s_idle_ns, r->s_awake_ns));
	r->sidx++;
	r->s_idle_ns = r->s_awake_ns = 0;
}

/*
 * The phase in progress covered [a, b) on the grid (a >= epoch): fill the
 * intervals it completes.  Intervals the CPU was not counted in (a gap
 * before a) close with nothing: no sample.  Past the stored ones, whole
 * intervals are skipped at once.
 */
static void sample_span(struct res_rec *r, uint16_t *store, uint64_t a, uint64_t b)
{
	while (a < b) {
		uint64_t k = (a - r->epoch) / RES_SAMPLE_NS, end;

		while (r->sidx < k && r->sidx < RES_MAX_SAMPLES)
			close_interval(r, store);
		if (r->sidx < k) {	/* beyond the stored samples: jump */
			r->sidx = k;
			r->s_idle_ns = r->s_awake_ns = 0;
		}
		end = r->epoch + (r->sidx + 1) * RES_SAMPLE_NS;
		credit(r->phase, min_u64(b, end) - a, &r->s_idle_ns, &r->s_awake_ns);
		a = min_u64(b, end);
		if (a == end)
			close_interval(r, store);
	}
}

/* Add [phase_ns, now) to the sums of the phase in progress; it goes on from now. */
static void accrue_sums(struct res_rec *r, uint64_t now)
{
	uint64_t dt = now > r->phase_ns ? now - r->phase_ns : 0;

	switch (r->phase) {
	case RES_PH_BUSY:
		r->busy_ns += dt;
		break;
	case RES_PH_IDLE:
		r->state_ns[r->phase_state] += dt;
		break;
	case RES_PH_POLL:
		r->poll_ns += dt;
		break;
	default:
		r->parked_ns += dt;
		break;
	}
	r->phase_ns = max_u64(r->phase_ns, now);
}

/* The owner ends its phase at now: sums and samples. */
static void accrue(struct res_cpu *c, uint64_t now)
{
	struct res_rec *r = &c->own;
	uint64_t epoch = __atomic_load_n(&sample_epoch, __ATOMIC_RELAXED);

	if (r->epoch != epoch) {	/* a new window's grid: start it */
		r->epoch = epoch;
		r->sidx = 0;
		r->s_idle_ns = r->s_awake_ns = 0;
	}
	if (epoch && now > epoch)
		sample_span(r, c->samples, max_u64(r->phase_ns, epoch), now);
	accrue_sums(r, now);
}

static void publish(struct res_cpu *c)
{
	const uint64_t *src = (const uint64_t *)&c->own;
	uint32_t s = __atomic_load_n(&c->seq, __ATOMIC_RELAXED);

	if (!MUTANT(S01))	/* S01: the words change while seq says stable */
		__atomic_store_n(&c->seq, s + 1, __ATOMIC_RELAXED);
	/* release fence: pairs with the reader's acquire fence; odd seq before any word */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (size_t i = 0; i < RES_REC_WORDS; i++) {
		if (i == RES_REC_WORDS / 2)
			YP("residency.publish_half", NULL);
		__atomic_store_n(&c->pub[i], src[i], __ATOMIC_RELAXED);
	}
	/* release: pairs with the reader's acquire load of seq; the words (and samples) first */
	__atomic_store_n(&c->seq, s + 2, __ATOMIC_RELEASE);
}

/* This CPU's record, counted from now if it was not yet. */
static struct res_cpu *mine(uint64_t now)
{
	struct res_cpu *c = &cpus[arch_cpu_id()];

	if (c->own.state == RES_ABSENT) {
		c->own.state = RES_ONLINE;
		c->own.phase = RES_PH_BUSY;
		c->own.phase_ns = now;
	}
	return c;
}

static void read_hw(struct res_rec *r, uint64_t now)
{
	struct hw_counters h;

	arch_hw_counters_read(&h);
	r->hw_ns = now;
	r->hw_valid = h.valid;
	for (int i = 0; i < HWC_NR; i++)
		r->hw[i] = h.v[i];
}

void residency_idle_enter_state(uint32_t state, bool sleeps)
{
	uint64_t now = arch_now_ns();
	struct res_cpu *c = mine(now);

	accrue(c, now);
	c->own.phase = sleeps ? RES_PH_IDLE : RES_PH_POLL;
	c->own.phase_state = state < RES_MAX_STATES ? state : RES_MAX_STATES - 1;
	c->own.entries++;
	publish(c);
}

void residency_idle_enter(void)
{
	uint32_t s = arch_idle_state();

	residency_idle_enter_state(s, arch_idle_state_sleeps(s));
}

void residency_idle_exit(enum wake_cause cause)
{
	uint64_t now = arch_now_ns();
	struct res_cpu *c = mine(now);
	struct res_rec *r = &c->own;
	uint64_t len;

	if (r->phase != RES_PH_IDLE && r->phase != RES_PH_POLL)
		return;
	len = now > r->phase_ns ? now - r->phase_ns : 0;
	accrue(c, now);
	r->phase = RES_PH_BUSY;
	r->hist[residency_hist_bucket(len)]++;
	r->wakeups++;
	r->last_cause = (uint32_t)cause < WAKE_NR ? (uint32_t)cause : WAKE_UNNAMED;
	r->by_cause[r->last_cause]++;
	/* often enough that no counter wraps twice between two readings (RAPL's take minutes) */
	if (now - r->hw_ns >= RES_HW_EVERY_NS || !r->hw_valid)
		read_hw(r, now);
	publish(c);
}

/*
 * Interrupts do not start the count: a hot-added CPU takes some (its clock
 * measurement's work) before its clock is synced, and its first stamp
 * must be on the synced clock.  Its first halt in the idle loop starts it.
 */
static struct res_cpu *counted(void)
{
	struct res_cpu *c = &cpus[arch_cpu_id()];

	return c->own.state == RES_ABSENT ? NULL : c;
}

void residency_note_irq(void)
{
	struct res_cpu *c = counted();

	if (!c)
		return;
	c->own.irqs++;
	publish(c);
}

void residency_note_vector(uint32_t vector)
{
	struct res_cpu *c = counted();
	struct res_rec *r;
	uint32_t i;

	if (!c)
		return;
	r = &c->own;
	r->irqs++;
	for (i = 0; i < RES_VECTORS && r->vec_n[i] && r->vec[i] != vector; i++)
		;
	if (i == RES_VECTORS) {
		r->vec_more++;
	} else {
		r->vec[i] = vector;
		r->vec_n[i]++;
	}
	publish(c);
}

/* This CPU's time goes to `phase` from now on, and its state is `state`. */
static void switch_phase(enum res_phase phase, enum res_state state)
{
	uint64_t now = arch_now_ns();
	struct res_cpu *c = mine(now);

	accrue(c, now);
	c->own.phase = phase;
	c->own.state = state;
	publish(c);
}

void residency_cpu_park(void)
{
	switch_phase(RES_PH_PARKED, RES_PARKED);
}

void residency_cpu_unpark(void)
{
	switch_phase(RES_PH_BUSY, RES_ONLINE);
}

void residency_hw_refresh(void)
{
	struct res_cpu *c = counted();

	if (!c)
		return;
	read_hw(&c->own, arch_now_ns());
	publish(c);
}

/* ---- the reader's side ---- */

bool residency_try_read(uint32_t cpu, struct res_rec *out, uint64_t *at)
{
	struct res_cpu *c = &cpus[cpu];
	uint64_t *dst = (uint64_t *)out;
	/* acquire: pairs with the release store ending publish(); its words are seen */
	uint32_t s = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);

	if (s & 1)
		return false;	/* a publish is under way */
	for (size_t i = 0; i < RES_REC_WORDS; i++) {
		if (i == RES_REC_WORDS / 2)
			YP("residency.read_half", NULL);
		dst[i] = __atomic_load_n(&c->pub[i], __ATOMIC_RELAXED);
	}
	*at = arch_now_ns();
	/* acquire fence: pairs with publish()'s release fence (a torn copy sees seq move) */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (MUTANT(S02))	/* S02: the copy is taken without checking seq again */
		return true;
	return __atomic_load_n(&c->seq, __ATOMIC_RELAXED) == s;
}

/* One publish of `cpu`'s record, whole, and the reader's clock while it held. */
static void read_pub(uint32_t cpu, struct res_rec *out, uint64_t *at)
{
	while (!residency_try_read(cpu, out, at))
		arch_cpu_relax();
}

void residency_read(uint32_t cpu, struct res_rec *out, uint64_t *at)
{
	read_pub(cpu, out, at);
	if (out->state != RES_ABSENT)
		accrue_sums(out, *at);	/* the phase in progress, up to now */
}

uint16_t residency_sample_of(const struct res_rec *rec, const uint16_t *stored,
			     uint64_t epoch, uint64_t now, uint32_t i)
{
	uint64_t start = epoch + (uint64_t)i * RES_SAMPLE_NS, end = start + RES_SAMPLE_NS;
	uint64_t sidx = 0, idle = 0, awake = 0, a;

	if (!epoch || end > now || rec->state == RES_ABSENT)
		return RESIDENCY_NO_SAMPLE;
	if (rec->epoch == epoch)
		sidx = rec->sidx;
	if (i < sidx)
		return i < RES_MAX_SAMPLES ? __atomic_load_n(&stored[i], __ATOMIC_RELAXED) :
					     RESIDENCY_NO_SAMPLE;
	if (i == sidx && rec->epoch == epoch) {
		idle = rec->s_idle_ns;
		awake = rec->s_awake_ns;
	}
	a = max_u64(rec->phase_ns, start);
	if (a < end)
		credit(rec->phase, end - a, &idle, &awake);
	return share(idle, awake);
}

/* ---- windows ---- */

struct res_window res_win;
static bool win_busy;			/* a window is being measured; atomic */
struct res_rec res_snap0[RES_MAX_CPUS], res_snap1[RES_MAX_CPUS];
static uint64_t at0[RES_MAX_CPUS], at1[RES_MAX_CPUS];
struct hw_counters res_hw0[RES_MAX_CPUS], res_hw1[RES_MAX_CPUS];
uint32_t res_cpu_edge[RES_MAX_CPUS], res_cpu_measure[RES_MAX_CPUS];

void residency_init(uint32_t n, uint32_t (*hw_id)(uint32_t cpu))
{
	res_ncpus = n < RES_MAX_CPUS ? n : RES_MAX_CPUS;
	res_hw_id = hw_id;
}

/* Some counter besides the TSC is read on this machine. */
static bool hw_beyond_tsc(void)
{
	for (int c = 0; c < HWC_NR; c++)
		if (c != HWC_TSC && !arch_hw_counter_status((enum hw_counter)c))
			return true;
	return false;
}

static void hw_refresh_fn(void *arg)
{
	unsigned long irq = arch_irq_save();

	(void)arg;
	residency_hw_refresh();
	arch_irq_restore(irq);
}

/*
 * Make `cpu` read its own counters: work on it, so a wake-up unless it is
 * us.  Counted where it happens: inside the window it would be the
 * measurement's (none is ever asked there), outside an edge's.
 */
static void ask_cpu(uint32_t cpu)
{
	if (cpu == arch_cpu_id()) {
		hw_refresh_fn(NULL);
		return;
	}
	if (res_win.open) {
		res_win.measure_wakeups++;
		res_cpu_measure[cpu]++;
	} else {
		res_win.edge_wakeups++;
		res_cpu_edge[cpu]++;
	}
	idle_run_on(cpu, hw_refresh_fn, NULL, 1000);
}

static void hw_edge(struct hw_counters *into)
{
	struct res_rec r;
	uint64_t at;

	for (uint32_t cpu = 0; cpu < res_ncpus; cpu++) {
		read_pub(cpu, &r, &at);
		if (r.state == RES_ONLINE)
			ask_cpu(cpu);
	}
	for (uint32_t cpu = 0; cpu < res_ncpus; cpu++) {
		read_pub(cpu, &r, &at);
		into[cpu].valid = (uint32_t)r.hw_valid;
		for (int i = 0; i < HWC_NR; i++)
			into[cpu].v[i] = r.hw[i];
	}
}

bool residency_begin(void)
{
	if (__atomic_exchange_n(&win_busy, true, __ATOMIC_ACQUIRE))
		return false;	/* acquire: pairs with the release in residency_end() */
	memset(&res_win, 0, sizeof(res_win));
	memset(res_cpu_edge, 0, sizeof(res_cpu_edge));
	memset(res_cpu_measure, 0, sizeof(res_cpu_measure));
	memset(res_hw0, 0, sizeof(res_hw0));
	memset(res_hw1, 0, sizeof(res_hw1));
	res_win.reader = arch_cpu_id();
	res_win.hw_edges = hw_beyond_tsc();
	if (res_win.hw_edges) {
		hw_edge(res_hw0);
		/* what the asked CPUs do after (their tick until they stop it) stays outside */
		idle_sleep_until_ns(arch_now_ns() + EDGE_SETTLE_NS);
	}
	res_win.epoch = arch_now_ns();
	__atomic_store_n(&sample_epoch, res_win.epoch, __ATOMIC_RELAXED);
	for (uint32_t cpu = 0; cpu < res_ncpus; cpu++)
		read_pub(cpu, &res_snap0[cpu], &at0[cpu]);
	res_win.t0 = arch_now_ns();
	res_win.open = true;
	return true;
}

void residency_end(void)
{
	res_win.t1 = arch_now_ns();
	for (uint32_t cpu = 0; cpu < res_ncpus; cpu++)
		read_pub(cpu, &res_snap1[cpu], &at1[cpu]);
	res_win.open = false;
	/* no grid until the next window: CPUs stop filling samples (those kept stay) */
	__atomic_store_n(&sample_epoch, 0, __ATOMIC_RELAXED);
	if (res_win.hw_edges)
		hw_edge(res_hw1);
	res_win.done = true;
	/* release: pairs with the acquire in residency_begin(); this window's data first */
	__atomic_store_n(&win_busy, false, __ATOMIC_RELEASE);
}

uint32_t residency_measure_wakeups(void)
{
	return res_win.measure_wakeups;
}

uint32_t residency_edge_wakeups(void)
{
	/* the reader's end wake-up, when figures() took it out */
	struct res_cpu_fig f;

	return res_win.edge_wakeups + (residency_figures(res_win.reader, &f) && f.edge_woke);
}

uint32_t residency_nsamples(void)
{
	uint64_t n;

	if (!res_win.done)
		return 0;
	n = (res_win.t1 - res_win.epoch) / RES_SAMPLE_NS;
	return (uint32_t)min_u64(n, RES_MAX_SAMPLES);
}

uint16_t residency_sample(uint32_t cpu, uint32_t i)
{
	if (!res_win.done || cpu >= res_ncpus || i >= residency_nsamples())
		return RESIDENCY_NO_SAMPLE;
	return residency_sample_of(&res_snap1[cpu], cpus[cpu].samples, res_win.epoch, at1[cpu], i);
}

bool residency_figures(uint32_t cpu, struct res_cpu_fig *f)
{
	static struct res_rec a_, b_;	/* the reader's alone */
	const struct res_rec *a = &a_, *b = &b_;
	uint64_t sum;

	memset(f, 0, sizeof(*f));
	if (!res_win.done || cpu >= res_ncpus)
		return false;
	/* the snapshots as read, each completed to the reader's clock of its copy */
	a_ = res_snap0[cpu];
	b_ = res_snap1[cpu];
	if (a_.state != RES_ABSENT)
		accrue_sums(&a_, at0[cpu]);
	if (b_.state != RES_ABSENT)
		accrue_sums(&b_, at1[cpu]);
	f->state = (uint32_t)b->state;
	f->span_ns = at1[cpu] > at0[cpu] ? at1[cpu] - at0[cpu] : 0;
	if (b->state == RES_ABSENT)
		return true;
	f->busy_ns = b->busy_ns - a->busy_ns;
	f->poll_ns = b->poll_ns - a->poll_ns;
	f->parked_ns = b->parked_ns - a->parked_ns;
	for (int s = 0; s < RES_MAX_STATES; s++) {
		f->state_ns[s] = b->state_ns[s] - a->state_ns[s];
		f->idle_ns += f->state_ns[s];
	}
	sum = f->busy_ns + f->idle_ns + f->poll_ns + f->parked_ns;
	if (sum < f->span_ns)	/* not started for part of the window */
		f->parked_ns += f->span_ns - sum;
	f->entries = b->entries - a->entries;
	f->wakeups = b->wakeups - a->wakeups;
	f->irqs = b->irqs - a->irqs;
	for (int c = 0; c < WAKE_NR; c++)
		f->by_cause[c] = b->by_cause[c] - a->by_cause[c];
	for (int k = 0; k < RES_HIST_BUCKETS; k++)
		f->hist[k] = b->hist[k] - a->hist[k];
	f->periods = f->wakeups + (b->phase == RES_PH_IDLE || b->phase == RES_PH_POLL);
	/* the reader's wake-up for the window's end is the edge, not a figure */
	if (cpu == res_win.reader && f->wakeups && b->last_cause == WAKE_OWN_PINNED &&
	    f->by_cause[WAKE_OWN_PINNED]) {
		f->by_cause[WAKE_OWN_PINNED]--;
		f->wakeups--;
		if (f->irqs)
			f->irqs--;
		f->edge_woke = true;
	}
	return true;
}

void residency_reset(void)
{
	memset(cpus, 0, sizeof(cpus));
	memset(&res_win, 0, sizeof(res_win));
	memset(res_snap0, 0, sizeof(res_snap0));
	memset(res_snap1, 0, sizeof(res_snap1));
	__atomic_store_n(&sample_epoch, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&win_busy, false, __ATOMIC_RELAXED);
	res_ncpus = 1;
	res_hw_id = NULL;
}
