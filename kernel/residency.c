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
 * Window state (win, the snapshots) is the reader's alone: one window at
 * a time (win_busy, an atomic flag), read by the report after end().
 */
#include <stddef.h>

#include "kernel/arch_services.h"
#include "kernel/hw_counters.h"
#include "kernel/idle.h"
#include "kernel/mutant.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/residency.h"
#include "kernel/residency_view.h"
#include "kernel/tmigr.h"
#include "lib/json.h"
#include "lib/format.h"
#include "lib/sorted.h"
#include "lib/string.h"

/*
 * The arch seam's residency functions (kernel/arch_services.h lists them;
 * arch implements them, kernel/residency_arch_fallback.c stands in until
 * then).  Declared here again, identically, so this file builds on either.
 */
void arch_hw_counters_read(struct hw_counters *out);
const char *arch_hw_counter_status(enum hw_counter c);
uint64_t arch_hw_energy_nj(enum hw_counter c, uint64_t units);
uint64_t arch_tsc_khz(void);
uint32_t arch_idle_state_count(void);
const char *arch_idle_state_name(uint32_t i);
bool arch_idle_state_sleeps(uint32_t i);
uint32_t arch_idle_state(void);
const char *arch_idle_fallback(void);

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
static uint32_t ncpus = 1;
static uint32_t (*hw_id_of)(uint32_t cpu);

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
	uint64_t us = ns / 1000;
	uint32_t k = 0;

	while (us >= 2 && k < RES_HIST_BUCKETS - 1) {
		us >>= 1;
		k++;
	}
	return k;
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

void residency_cpu_park(void)
{
	uint64_t now = arch_now_ns();
	struct res_cpu *c = mine(now);

	accrue(c, now);
	c->own.phase = RES_PH_PARKED;
	c->own.state = RES_PARKED;
	publish(c);
}

void residency_cpu_unpark(void)
{
	uint64_t now = arch_now_ns();
	struct res_cpu *c = mine(now);

	accrue(c, now);
	c->own.phase = RES_PH_BUSY;
	c->own.state = RES_ONLINE;
	publish(c);
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

static struct {
	bool done;			/* a window finished: the figures below hold */
	bool open;			/* between begin's and end's snapshots */
	bool hw_edges;			/* hardware counters read at the edges */
	uint32_t reader;		/* the CPU that measures */
	uint64_t epoch, t0, t1;		/* the reader's clock */
	uint32_t measure_wakeups, edge_wakeups;
} win;
static bool win_busy;			/* a window is being measured; atomic */
static struct res_rec snap0[RES_MAX_CPUS], snap1[RES_MAX_CPUS];
static uint64_t at0[RES_MAX_CPUS], at1[RES_MAX_CPUS];
static struct hw_counters hw0[RES_MAX_CPUS], hw1[RES_MAX_CPUS];	/* edge readings */
static uint32_t cpu_edge[RES_MAX_CPUS], cpu_measure[RES_MAX_CPUS];

void residency_init(uint32_t n, uint32_t (*hw_id)(uint32_t cpu))
{
	ncpus = n < RES_MAX_CPUS ? n : RES_MAX_CPUS;
	hw_id_of = hw_id;
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
	if (win.open) {
		win.measure_wakeups++;
		cpu_measure[cpu]++;
	} else {
		win.edge_wakeups++;
		cpu_edge[cpu]++;
	}
	idle_run_on(cpu, hw_refresh_fn, NULL, 1000);
}

static void hw_edge(struct hw_counters *into)
{
	struct res_rec r;
	uint64_t at;

	for (uint32_t cpu = 0; cpu < ncpus; cpu++) {
		read_pub(cpu, &r, &at);
		if (r.state == RES_ONLINE)
			ask_cpu(cpu);
	}
	for (uint32_t cpu = 0; cpu < ncpus; cpu++) {
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
	memset(&win, 0, sizeof(win));
	memset(cpu_edge, 0, sizeof(cpu_edge));
	memset(cpu_measure, 0, sizeof(cpu_measure));
	memset(hw0, 0, sizeof(hw0));
	memset(hw1, 0, sizeof(hw1));
	win.reader = arch_cpu_id();
	win.hw_edges = hw_beyond_tsc();
	if (win.hw_edges) {
		hw_edge(hw0);
		/* what the asked CPUs do after (their tick until they stop it) stays outside */
		idle_sleep_until_ns(arch_now_ns() + EDGE_SETTLE_NS);
	}
	win.epoch = arch_now_ns();
	__atomic_store_n(&sample_epoch, win.epoch, __ATOMIC_RELAXED);
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		read_pub(cpu, &snap0[cpu], &at0[cpu]);
	win.t0 = arch_now_ns();
	win.open = true;
	return true;
}

void residency_end(void)
{
	win.t1 = arch_now_ns();
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		read_pub(cpu, &snap1[cpu], &at1[cpu]);
	win.open = false;
	/* no grid until the next window: CPUs stop filling samples (those kept stay) */
	__atomic_store_n(&sample_epoch, 0, __ATOMIC_RELAXED);
	if (win.hw_edges)
		hw_edge(hw1);
	win.done = true;
	/* release: pairs with the acquire in residency_begin(); this window's data first */
	__atomic_store_n(&win_busy, false, __ATOMIC_RELEASE);
}

uint32_t residency_measure_wakeups(void)
{
	return win.measure_wakeups;
}

uint32_t residency_edge_wakeups(void)
{
	/* the reader's end wake-up, when figures() took it out */
	struct res_cpu_fig f;

	return win.edge_wakeups + (residency_figures(win.reader, &f) && f.edge_woke);
}

uint32_t residency_nsamples(void)
{
	uint64_t n;

	if (!win.done)
		return 0;
	n = (win.t1 - win.epoch) / RES_SAMPLE_NS;
	return (uint32_t)min_u64(n, RES_MAX_SAMPLES);
}

uint16_t residency_sample(uint32_t cpu, uint32_t i)
{
	if (!win.done || cpu >= ncpus || i >= residency_nsamples())
		return RESIDENCY_NO_SAMPLE;
	return residency_sample_of(&snap1[cpu], cpus[cpu].samples, win.epoch, at1[cpu], i);
}

bool residency_figures(uint32_t cpu, struct res_cpu_fig *f)
{
	static struct res_rec a_, b_;	/* the reader's alone */
	const struct res_rec *a = &a_, *b = &b_;
	uint64_t sum;

	memset(f, 0, sizeof(*f));
	if (!win.done || cpu >= ncpus)
		return false;
	/* the snapshots as read, each completed to the reader's clock of its copy */
	a_ = snap0[cpu];
	b_ = snap1[cpu];
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
	if (cpu == win.reader && f->wakeups && b->last_cause == WAKE_OWN_PINNED &&
	    f->by_cause[WAKE_OWN_PINNED]) {
		f->by_cause[WAKE_OWN_PINNED]--;
		f->wakeups--;
		if (f->irqs)
			f->irqs--;
		f->edge_woke = true;
	}
	return true;
}

/* ---- the report ---- */

/* num * scale / den without overflowing 64 bits (precision drops for huge num). */
static uint64_t ratio(uint64_t num, uint64_t den, uint64_t scale)
{
	while (num > UINT64_MAX / scale) {
		num >>= 1;
		den >>= 1;
	}
	return den ? num * scale / den : 0;
}

/* Share of the window in 1/1000 % (3 decimals). */
static uint64_t pct_x1000(uint64_t ns, uint64_t span)
{
	return ratio(ns, span, 100000);
}

/* Per second in 1/1000 (3 decimals) over span_ns. */
static uint64_t per_s_x1000(uint64_t n, uint64_t span_ns)
{
	return ratio(n, span_ns, 1000000000000ull);
}

static const char *state_name(uint32_t s)
{
	switch (s) {
	case RES_ONLINE:
		return "online";
	case RES_PARKED:
		return "parked";
	default:
		return "absent";
	}
}

static uint32_t nstates(void)
{
	uint32_t n = arch_idle_state_count();

	return n < RES_MAX_STATES ? n : RES_MAX_STATES;
}

static uint64_t duty_of(const struct res_cpu_fig *f)
{
	return f->by_cause[WAKE_DUTY_RAN] + f->by_cause[WAKE_DUTY_EMPTY];
}

struct res_sys {
	uint32_t online, parked, absent;
	uint64_t wakeups, duty;
	uint64_t median_x1000, min_x1000;
};

static void sys_figures(struct res_sys *s)
{
	static uint64_t idle[RES_MAX_CPUS];
	uint32_t n = 0;

	memset(s, 0, sizeof(*s));
	for (uint32_t cpu = 0; cpu < ncpus; cpu++) {
		struct res_cpu_fig f;

		residency_figures(cpu, &f);
		if (f.state == RES_ABSENT) {
			s->absent++;
			continue;
		}
		s->wakeups += f.wakeups;
		s->duty += duty_of(&f);
		if (f.state == RES_PARKED) {
			s->parked++;
			continue;
		}
		s->online++;
		sorted_insert(idle, &n, RES_MAX_CPUS, pct_x1000(f.idle_ns, f.span_ns));
	}
	s->median_x1000 = sorted_median(idle, n);
	s->min_x1000 = n ? idle[0] : 0;
}

/* A hardware counter's difference over the window on `cpu` (false: none, or it never advances). */
static bool hw_delta(uint32_t cpu, enum hw_counter c, uint64_t *d)
{
	uint32_t bit = 1u << c;

	if (!win.hw_edges || !(hw0[cpu].valid & bit) || !(hw1[cpu].valid & bit))
		return false;
	*d = hw1[cpu].v[c] - hw0[cpu].v[c];
	return *d != 0;
}

/* Counter c as a share of the TSC on `cpu`, 3 decimals, or null. */
static void hw_pct(struct json_writer *w, const char *key, uint32_t cpu, enum hw_counter c)
{
	uint64_t d, tsc;

	if (hw_delta(cpu, c, &d) && hw_delta(cpu, HWC_TSC, &tsc))
		json_fixed(w, key, (int64_t)pct_x1000(d, tsc), 3);
	else
		json_null(w, key);
}

/* Bzy_MHz: the TSC's rate times APERF / MPERF; 0 when unknown. */
static uint64_t bzy_mhz(uint32_t cpu)
{
	uint64_t a, m, khz = arch_tsc_khz();

	if (!khz || !hw_delta(cpu, HWC_APERF, &a) || !hw_delta(cpu, HWC_MPERF, &m))
		return 0;
	return ratio(a, m, khz) / 1000;
}

static void json_null_fields(struct json_writer *w, const char *const *keys)
{
	for (; *keys; keys++)
		json_null(w, *keys);
}

static void record_cpu(uint32_t cpu, const struct res_sys *s)
{
	static char buf[4096];
	static const char *const absent_nulls[] = {
		"busy_pct", "idle_pct", "poll_pct", "parked_pct", "entries", "idle_mean_us",
		"wakeups", "wakeups_per_s", "migrator_pct", "irq", NULL
	};
	const struct res_rec *b = &snap1[cpu], *a = &snap0[cpu];
	struct res_cpu_fig f;
	struct json_writer w;
	uint64_t bz;

	residency_figures(cpu, &f);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "residency_cpu");
	json_u64(&w, "cpu", cpu);
	json_u64(&w, "apic_id", hw_id_of ? hw_id_of(cpu) : cpu);
	json_str(&w, "state", state_name(f.state));
	json_u64(&w, "window_ms", f.span_ns / 1000000);
	if (f.state == RES_ABSENT) {
		json_null_fields(&w, absent_nulls);
		json_u64(&w, "measure_wakeups", 0);
		json_u64(&w, "edge_wakeups", 0);
		report_emit(json_end(&w));
		return;
	}
	json_fixed(&w, "busy_pct", (int64_t)pct_x1000(f.busy_ns, f.span_ns), 3);
	json_fixed(&w, "idle_pct", (int64_t)pct_x1000(f.idle_ns, f.span_ns), 3);
	json_fixed(&w, "poll_pct", (int64_t)pct_x1000(f.poll_ns, f.span_ns), 3);
	json_fixed(&w, "parked_pct", (int64_t)pct_x1000(f.parked_ns, f.span_ns), 3);
	json_object_begin(&w, "states");
	for (uint32_t i = 0; i < nstates(); i++)
		if (arch_idle_state_sleeps(i))
			json_fixed(&w, arch_idle_state_name(i),
				   (int64_t)pct_x1000(f.state_ns[i], f.span_ns), 3);
	json_object_end(&w);
	json_u64(&w, "entries", f.entries);
	json_u64(&w, "idle_mean_us",
		 f.periods ? (f.idle_ns + f.poll_ns) / f.periods / 1000 : 0);
	json_array_begin(&w, "idle_hist_log2_us");
	for (int k = 0; k < RES_HIST_BUCKETS; k++)
		json_u64(&w, NULL, f.hist[k]);
	json_array_end(&w);
	json_u64(&w, "wakeups", f.wakeups);
	json_fixed(&w, "wakeups_per_s", (int64_t)per_s_x1000(f.wakeups, f.span_ns), 3);
	json_object_begin(&w, "wakeups_by");
	for (int c = WAKE_NR - 1; c >= 0; c--)
		json_u64(&w, wake_cause_name((enum wake_cause)c), f.by_cause[c]);
	json_object_end(&w);
	json_object_begin(&w, "vectors");
	for (int i = 0; i < RES_VECTORS; i++) {
		uint64_t n = b->vec_n[i];
		char key[12];

		if (!n)
			continue;
		for (int j = 0; j < RES_VECTORS; j++)
			if (a->vec_n[j] && a->vec[j] == b->vec[i])
				n -= a->vec_n[j];
		if (n) {
			fmt_snprintf(key, sizeof(key), "%u", (unsigned)b->vec[i]);
			json_u64(&w, key, n);
		}
	}
	if (b->vec_more - a->vec_more)
		json_u64(&w, "more", b->vec_more - a->vec_more);
	json_object_end(&w);
	json_fixed(&w, "migrator_pct", (int64_t)ratio(duty_of(&f), s->duty, 100000), 3);
	json_u64(&w, "irq", f.irqs);
	json_object_begin(&w, "hw");
	hw_pct(&w, "busy_pct", cpu, HWC_MPERF);
	bz = bzy_mhz(cpu);
	if (bz)
		json_u64(&w, "bzy_mhz", bz);
	else
		json_null(&w, "bzy_mhz");
	hw_pct(&w, "c1_pct", cpu, HWC_CORE_C1);
	hw_pct(&w, "c3_pct", cpu, HWC_CORE_C3);
	hw_pct(&w, "c6_pct", cpu, HWC_CORE_C6);
	hw_pct(&w, "c7_pct", cpu, HWC_CORE_C7);
	json_object_end(&w);
	json_u64(&w, "measure_wakeups", cpu_measure[cpu]);
	json_u64(&w, "edge_wakeups", cpu_edge[cpu] + f.edge_woke);
	report_emit(json_end(&w));
}

/* "read", or why not: arch's reason, or "never advances" over the window. */
static const char *counter_status(enum hw_counter c)
{
	const char *why = arch_hw_counter_status(c);
	uint64_t d;

	if (why)
		return why;
	if (!win.hw_edges)
		return c == HWC_TSC ? "read" : "not read at the window's edges";
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		if (hw_delta(cpu, c, &d))
			return "read";
	return "never advances";
}

/* Energy counter c over the window, in mW (false: none). */
static bool energy_mw(enum hw_counter c, uint64_t *mw)
{
	uint64_t d;

	if (!hw_delta(win.reader, c, &d) || win.t1 <= win.t0)
		return false;
	*mw = ratio(arch_hw_energy_nj(c, d), win.t1 - win.t0, 1000);
	return true;
}

static void watt(struct json_writer *w, const char *key, enum hw_counter c)
{
	uint64_t mw;

	if (energy_mw(c, &mw))
		json_fixed(w, key, (int64_t)mw, 3);
	else
		json_null(w, key);
}

static void record_system(const struct res_sys *s)
{
	static char buf[3072];
	static const struct { const char *key; enum hw_counter c; } pkg[] = {
		{ "pc2_pct", HWC_PKG_C2 }, { "pc3_pct", HWC_PKG_C3 }, { "pc6_pct", HWC_PKG_C6 },
		{ "pc7_pct", HWC_PKG_C7 }, { "pc8_pct", HWC_PKG_C8 }, { "pc9_pct", HWC_PKG_C9 },
		{ "pc10_pct", HWC_PKG_C10 },
	};
	uint64_t span = win.t1 - win.t0;
	struct json_writer w;

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "residency");
	json_u64(&w, "cpus", ncpus);
	json_u64(&w, "online", s->online);
	json_u64(&w, "parked", s->parked);
	json_u64(&w, "absent", s->absent);
	json_u64(&w, "window_ms", span / 1000000);
	json_fixed(&w, "median_pct", (int64_t)s->median_x1000, 3);
	json_fixed(&w, "min_pct", (int64_t)s->min_x1000, 3);
	json_u64(&w, "wakeups", s->wakeups);
	json_fixed(&w, "wakeups_per_s", (int64_t)per_s_x1000(s->wakeups, span), 3);
	json_u64(&w, "measure_wakeups", residency_measure_wakeups());
	json_u64(&w, "edge_wakeups", residency_edge_wakeups());
	json_str(&w, "idle_state", arch_idle_state_name(arch_idle_state()));
	json_str(&w, "idle_fallback", arch_idle_fallback());
	json_str(&w, "tmigr", tmigr_enabled() ? "on" : "off");
	json_str(&w, "source", "tsc");
	json_u64(&w, "sample_ms", RES_SAMPLE_NS / 1000000);
	json_u64(&w, "samples", residency_nsamples());
	json_object_begin(&w, "pkg");
	for (size_t i = 0; i < sizeof(pkg) / sizeof(pkg[0]); i++)
		hw_pct(&w, pkg[i].key, win.reader, pkg[i].c);
	json_object_end(&w);
	watt(&w, "pkg_watt", HWC_ENERGY_PKG);
	watt(&w, "cor_watt", HWC_ENERGY_CORE);
	watt(&w, "ram_watt", HWC_ENERGY_DRAM);
	json_object_begin(&w, "counters");
	for (int c = 0; c < HWC_NR; c++)
		json_str(&w, hw_counter_name((enum hw_counter)c), counter_status((enum hw_counter)c));
	json_object_end(&w);
	report_emit(json_end(&w));
}

static void record_samples(void)
{
	uint32_t n = residency_nsamples();

	for (uint32_t cpu = 0; cpu < ncpus; cpu++) {
		for (uint32_t i = 0; i < n; i++) {
			uint16_t v = residency_sample(cpu, i);
			struct json_writer w;
			char buf[128];

			if (v == RESIDENCY_NO_SAMPLE)
				continue;
			json_begin(&w, buf, sizeof(buf));
			json_str(&w, "kind", "residency_sample");
			json_u64(&w, "cpu", cpu);
			json_u64(&w, "t_ms", (uint64_t)i * (RES_SAMPLE_NS / 1000000));
			json_fixed(&w, "idle_pct", v, 1);
			report_emit(json_end(&w));
		}
	}
}

/* ---- the human table (turbostat's columns, and ours) ---- */

/* A percentage with 3 decimals, right-aligned in `width`. */
static void put_pct(uint64_t x1000, int width)
{
	char s[24];

	fmt_snprintf(s, sizeof(s), "%lu.%03lu", (unsigned long)(x1000 / 1000),
		     (unsigned long)(x1000 % 1000));
	kprintf(" %*s", width, s);
}

/* A rate with 2 decimals. */
static void put_rate(uint64_t x1000, int width)
{
	char s[24];

	x1000 = (x1000 + 5) / 10;
	fmt_snprintf(s, sizeof(s), "%lu.%02lu", (unsigned long)(x1000 / 100),
		     (unsigned long)(x1000 % 100));
	kprintf(" %*s", width, s);
}

/* The column of idle state i: turbostat's C1% for HLT, else its name's last word. */
static void state_column(uint32_t i, char *out, size_t size)
{
	const char *name = arch_idle_state_name(i), *last = name;

	for (const char *p = name; *p; p++)
		if (*p == ' ')
			last = p + 1;
	if (!strcmp(name, "hlt"))
		last = "C1";
	fmt_snprintf(out, size, "%s%%", last);
}

/* Wake-ups in the table's short groups: pin glb duty ipi tick oth. */
static uint64_t group(const struct res_cpu_fig *f, int g)
{
	const uint64_t *c = f->by_cause;

	switch (g) {
	case 0:
		return c[WAKE_OWN_PINNED];
	case 1:
		return c[WAKE_OWN_GLOBAL];
	case 2:
		return c[WAKE_DUTY_RAN] + c[WAKE_DUTY_EMPTY];
	case 3:
		return c[WAKE_IPI_WAKE] + c[WAKE_IPI_CALL];
	case 4:
		return c[WAKE_TICK];
	default:
		return c[WAKE_EARLY] + c[WAKE_STALE] + c[WAKE_VECTOR] + c[WAKE_UNNAMED];
	}
}

static void print_header(void)
{
	static const char *const groups[] = { "pin/s", "glb/s", "duty/s", "ipi/s", "tick/s", "oth/s" };
	char col[24];

	kprintf("%4s %8s %7s", "CPU", "Busy%", "Bzy_MHz");
	for (uint32_t i = 0; i < nstates(); i++) {
		if (!arch_idle_state_sleeps(i))
			continue;
		state_column(i, col, sizeof(col));
		kprintf(" %8s", col);
	}
	kprintf(" %8s %8s %6s %7s", "Poll%", "Park%", "IRQ", "Wk/s");
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		kprintf(" %6s", groups[g]);
	kprintf(" %10s %7s\n", "IdleMean_us", "Migr%");
}

static void print_cpu(uint32_t cpu, const struct res_sys *s)
{
	struct res_cpu_fig f;
	uint64_t bz;

	residency_figures(cpu, &f);
	if (f.state == RES_ABSENT) {
		kprintf("%4u %8s (absent)\n", cpu, "-");
		return;
	}
	kprintf("%4u", cpu);
	put_pct(pct_x1000(f.busy_ns, f.span_ns), 8);
	bz = bzy_mhz(cpu);
	if (bz)
		kprintf(" %7lu", (unsigned long)bz);
	else
		kprintf(" %7s", "-");
	for (uint32_t i = 0; i < nstates(); i++)
		if (arch_idle_state_sleeps(i))
			put_pct(pct_x1000(f.state_ns[i], f.span_ns), 8);
	put_pct(pct_x1000(f.poll_ns, f.span_ns), 8);
	put_pct(pct_x1000(f.parked_ns, f.span_ns), 8);
	kprintf(" %6lu", (unsigned long)f.irqs);
	put_rate(per_s_x1000(f.wakeups, f.span_ns), 7);
	for (int g = 0; g < 6; g++)
		put_rate(per_s_x1000(group(&f, g), f.span_ns), 6);
	kprintf(" %10lu", (unsigned long)(f.periods ? (f.idle_ns + f.poll_ns) / f.periods / 1000 : 0));
	put_pct(ratio(duty_of(&f), s->duty, 100000), 7);
	kprintf("%s\n", f.state == RES_PARKED ? " parked" : "");
}

static void print_counters(void)
{
	kprintf("residency: hardware counters:");
	for (int c = 0; c < HWC_NR; c++)
		kprintf(" %s=%s", hw_counter_name((enum hw_counter)c),
			counter_status((enum hw_counter)c));
	kprintf("\n");
}

static void print_table(const struct res_sys *s)
{
	uint64_t span = win.t1 - win.t0;
	const char *fb = arch_idle_fallback();

	kprintf("residency: %u CPUs (%u online, %u parked, %u absent), window %lu ms, idle state %s%s%s, tmigr %s\n",
		ncpus, s->online, s->parked, s->absent, (unsigned long)(span / 1000000),
		arch_idle_state_name(arch_idle_state()), fb ? " (fallback: " : "",
		fb ? fb : "", tmigr_enabled() ? "on" : "off");
	if (fb)
		kprintf(")\n");
	print_header();
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		print_cpu(cpu, s);
	kprintf(" sys residency median");
	put_pct(s->median_x1000, 0);
	kprintf("%% min");
	put_pct(s->min_x1000, 0);
	kprintf("%%, wake-ups/s");
	put_rate(per_s_x1000(s->wakeups, span), 0);
	kprintf(", measure_wakeups %u, edge_wakeups %u\n", residency_measure_wakeups(),
		residency_edge_wakeups());
	print_counters();
}

/* ---- the screens ---- */

/*
 * Until kernel/residency_screen.c (the screens) is merged: draws nothing.
 * Its definition replaces this weak one.
 */
__attribute__((weak)) void residency_screen_draw(const struct residency_view *v)
{
	(void)v;
}

static uint16_t view_sample(const void *ctx, uint32_t cpu, uint32_t i)
{
	(void)ctx;
	return residency_sample(cpu, i);
}

static void draw_screens(const struct res_sys *s)
{
	static struct residency_view_cpu vc[RES_MAX_CPUS];
	struct residency_view v;
	uint64_t span = win.t1 - win.t0, mw;

	for (uint32_t cpu = 0; cpu < ncpus; cpu++) {
		struct res_cpu_fig f;

		residency_figures(cpu, &f);
		vc[cpu] = (struct residency_view_cpu){
			.cpu = cpu,
			.parked = f.state != RES_ONLINE,
			.idle_permille = (uint16_t)(pct_x1000(f.idle_ns, f.span_ns) / 100),
			.wakeups_per_s_x100 = (uint32_t)(per_s_x1000(f.wakeups, f.span_ns) / 10),
			.migrator_permille = (uint32_t)ratio(duty_of(&f), s->duty, 1000),
			.idle_mean_us = f.periods ? (f.idle_ns + f.poll_ns) / f.periods / 1000 : 0,
		};
	}
	v = (struct residency_view){
		.ncpus = ncpus,
		.cpu = vc,
		.window_ms = (uint32_t)(span / 1000000),
		.sample_ms = (uint32_t)(RES_SAMPLE_NS / 1000000),
		.nsamples = residency_nsamples(),
		.sample = view_sample,
		.ctx = NULL,
		.median_permille = (uint16_t)(s->median_x1000 / 100),
		.min_permille = (uint16_t)(s->min_x1000 / 100),
		.wakeups_per_s_x100 = (uint32_t)(per_s_x1000(s->wakeups, span) / 10),
		.measure_wakeups = residency_measure_wakeups(),
		.edge_wakeups = residency_edge_wakeups(),
		.idle_state = arch_idle_state_name(arch_idle_state()),
		.tmigr = tmigr_enabled() ? "on" : "off",
	};
	if (energy_mw(HWC_ENERGY_PKG, &mw)) {
		v.has_pkg_watt = true;
		v.pkg_mwatt = (uint32_t)mw;
		if (energy_mw(HWC_ENERGY_CORE, &mw))
			v.cor_mwatt = (uint32_t)mw;
	}
	residency_screen_draw(&v);
}

void residency_report(void)
{
	struct res_sys s;

	if (!win.done) {
		kprintf("residency: no window measured\n");
		return;
	}
	sys_figures(&s);
	print_table(&s);
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		record_cpu(cpu, &s);
	record_samples();
	record_system(&s);
	draw_screens(&s);
}

bool residency_measure_ms(uint64_t ms)
{
	uint64_t end;

	if (!residency_begin())
		return false;
	end = win.epoch + ms * 1000000ull;
	idle_sleep_until_ns(end);
	residency_end();
	residency_report();
	return true;
}

void residency_reset(void)
{
	memset(cpus, 0, sizeof(cpus));
	memset(&win, 0, sizeof(win));
	memset(snap0, 0, sizeof(snap0));
	memset(snap1, 0, sizeof(snap1));
	__atomic_store_n(&sample_epoch, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&win_busy, false, __ATOMIC_RELAXED);
	ncpus = 1;
	hw_id_of = NULL;
}
