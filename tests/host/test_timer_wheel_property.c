// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/timer: a million random operations on 4 CPUs against a reference
 * model, a list of armed timers sorted by their latest allowed firing jiffy.
 *
 * Operations, each from a random CPU: add, add_on another CPU, mod, del,
 * del_sync, a next-event query (sometimes marking idle), and "advance":
 * time moves by 1 jiffy up to 2 million (large jumps make the wheel catch
 * up through many buckets in one run), then every CPU runs its wheel, some
 * of them after another CPU has already expired their GLOBAL base with
 * timer_run_remote().  Callbacks re-arm themselves (also with add_on),
 * modify, delete and del_sync other timers and themselves.
 *
 * For each arming the model derives, from the level and bucket the wheel
 * chose (t->bucket), the window the timer must fire in:
 *
 *   level > 0, or level 0 with expires in the future:
 *       bucket expiry b = ((expires >> 3l) + 1) << 3l, the index must match,
 *       lo = b, and b - expires must be 1 .. 8^l (never early, at most one
 *       granule late);
 *   level 0 with expires in the past: lo = expires + 1, b <= now + 1.
 *
 * and checks: a callback runs only for an armed timer (exactly once per
 * arming), never before lo, on its own CPU if pinned; after every advance
 * to jiffy J, no armed timer has a deadline (max(b, now + 1)) <= J, which
 * is "no later than its bucket, rounded up to the next tick that ran";
 * outside callbacks the chosen level is the design-table level of the
 * delay from now (the base clock is now or now + 1) and the timer sits on
 * the CPU the placement rule names; del/mod return values match the model;
 * the next event of a CPU lies between the earliest lo and the earliest
 * deadline of its timers.  At the end everything is drained: nothing lost,
 * and the per-CPU counters balance (added = fired + deleted).
 *
 * Delays never reach the clamp (cutoff), where firing early is intended.
 * The seed is fixed and printed; the first config starts 5 000 jiffies
 * before jiffies wrap past 2^64.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "host_arch.h"
#include "kernel/timer.h"

#define NCPUS		4
#define NTIMERS		256
#define MAX_JUMP	2000000ull

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

/* First relative delay of each level, design §1.2. */
static const uint64_t level_first_d[] = {
	0, 63, 504, 4032, 32256, 258048, 2064384, 16515072, 132120576, 1056964608,
};

struct mt {
	struct timer t;
	uint32_t id;
	bool armed;		/* an arming is outstanding */
	bool pinned;		/* must fire on `cpu` */
	uint32_t cpu;		/* t.cpu after arming */
	unsigned level;
	uint64_t expires, lo, hi;	/* fire at >= lo, by the first run at >= hi */
};

struct config {
	uint32_t hz;
	unsigned depth;
	uint64_t bias_to_wrap;	/* jiffies at start = 2^64 - this */
	uint64_t ops;
	uint64_t max_delay;
	uint64_t seed;
};

static struct mt timers[NTIMERS];
static uint32_t order[NTIMERS];		/* armed timer ids, sorted by hi */
static uint32_t norder;
static uint64_t origin;			/* keys are jiffies - origin */
static uint64_t tick_ns, bias;
static const struct config *cfg;
static uint64_t rng_state;
static bool draining;
static uint64_t n_fired, n_early_checks, n_armed, n_adv;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t key(uint64_t j)
{
	return j - origin;
}

static bool before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static unsigned table_level(uint64_t d)
{
	unsigned l = 0;

	while (l + 1 < cfg->depth && d >= level_first_d[l + 1])
		l++;
	return l;
}

/* ---- the sorted reference list ---- */

static uint32_t lower_bound(uint64_t k)
{
	uint32_t lo = 0, hi = norder;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (key(timers[order[mid]].hi) < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void model_insert(struct mt *x)
{
	uint32_t pos = lower_bound(key(x->hi));

	memmove(&order[pos + 1], &order[pos], (norder - pos) * sizeof(order[0]));
	order[pos] = x->id;
	norder++;
}

static void model_remove(struct mt *x)
{
	uint32_t pos = lower_bound(key(x->hi));

	while (pos < norder && order[pos] != x->id)
		pos++;
	if (pos == norder)
		fail_msg("model: timer %u armed but not listed", x->id);
	memmove(&order[pos], &order[pos + 1], (norder - pos - 1) * sizeof(order[0]));
	norder--;
}

static void disarm(struct mt *x)
{
	if (x->armed)
		model_remove(x);
	x->armed = false;
}

/*
 * Lowest the base clock of (cpu, pinned) can be at jiffy j: forwarding
 * stops at a pending bucket, and a callback may have armed one <= j on a
 * base that had already run.  Otherwise clk is j or j + 1.
 */
static uint64_t base_clk_min(uint32_t cpu, bool pinned, uint64_t j, const struct mt *skip)
{
	uint64_t m = j;

	for (uint32_t i = 0; i < NTIMERS; i++) {
		const struct mt *y = &timers[i];

		if (y != skip && y->armed && y->cpu == cpu && y->pinned == pinned &&
		    before(y->lo, m))
			m = y->lo;
	}
	return m;
}

/*
 * Record an arming just made at jiffy j.  want_cpu: where the placement
 * rule puts it (UINT32_MAX: stays where it is, checked by the caller).
 */
static void model_armed(struct mt *x, uint64_t expires, uint64_t j, bool in_cb,
			uint32_t want_cpu)
{
	unsigned l = x->t.bucket / 64;
	uint32_t idx = x->t.bucket % 64;

	if (!timer_pending(&x->t))
		fail_msg("timer %u not pending after arming", x->id);
	if (x->t.expires != expires)
		fail_msg("timer %u: expires %" PRIu64 ", armed for %" PRIu64,
			 x->id, x->t.expires, expires);
	if (l >= cfg->depth)
		fail_msg("timer %u: level %u beyond depth", x->id, l);
	x->expires = expires;
	x->level = l;
	if (l > 0 || !before(expires, j + 1)) {
		uint64_t b = ((expires >> (3 * l)) + 1) << (3 * l);

		if (((b >> (3 * l)) & 63) != idx)
			fail_msg("timer %u: bucket index %u, expected %" PRIu64,
				 x->id, idx, (b >> (3 * l)) & 63);
		if (!before(expires, b) || b - expires > (1ull << (3 * l)))
			fail_msg("timer %u: bucket %" PRIu64 " for expires %" PRIu64 " at level %u",
				 x->id, b, expires, l);
		x->lo = b;
		x->hi = before(b, j + 1) ? j + 1 : b;
	} else {
		x->lo = expires + 1;
		x->hi = j + 1;
	}
	/* the base clock is at most j + 1, and outside callbacks at least base_clk_min */
	if (!before(expires, j + 1)) {
		unsigned lmin = table_level(expires - j - 1);
		unsigned lmax = table_level(expires - base_clk_min(x->t.cpu,
					x->t.flags & TIMER_PINNED, j, x));

		if (l < lmin || (!in_cb && l > lmax))
			fail_msg("timer %u: level %u for delay %" PRIu64 " (table: %u..%u)%s",
				 x->id, l, expires - j, lmin, lmax, in_cb ? " in a callback" : "");
	} else if (!in_cb && l != 0) {
		fail_msg("timer %u: expired arming at level %u", x->id, l);
	}
	if (want_cpu != UINT32_MAX && x->t.cpu != want_cpu)
		fail_msg("timer %u on CPU %u, placement rule says %u", x->id, x->t.cpu, want_cpu);
	x->cpu = x->t.cpu;
	x->pinned = x->t.flags & TIMER_PINNED;
	x->armed = true;
	model_insert(x);
	n_armed++;
}

/* ---- random choices ---- */

static uint64_t rand_expires(uint64_t j)
{
	uint64_t r = rnd() % 100;

	if (r < 5)
		return j - rnd() % 20;			/* in the past */
	if (r < 40)
		return j + rnd() % 9;
	if (r < 70)
		return j + rnd() % 64;
	if (r < 85)
		return j + rnd() % 4096;
	if (r < 95)
		return j + rnd() % 300000;
	if (r < 99)
		return j + rnd() % 20000000;
	return j + rnd() % cfg->max_delay;
}

static uint64_t rand_advance(void)
{
	uint64_t r = rnd() % 100;

	if (r < 70)
		return 1;
	if (r < 90)
		return 2 + rnd() % 63;
	if (r < 98)
		return 1 + rnd() % 5000;
	return 1 + rnd() % MAX_JUMP;
}

static struct mt *other_than(struct mt *self)
{
	struct mt *y = &timers[rnd() % NTIMERS];

	return y == self ? &timers[(self->id + 1) % NTIMERS] : y;
}

/* ---- the callback ---- */

static void fired(struct timer *t)
{
	struct mt *x = container_of(t, struct mt, t);
	uint64_t j = timer_jiffies();
	uint32_t me = arch_cpu_id();
	struct mt *y;
	uint64_t r;
	bool ret;

	if (!x->armed)
		fail_msg("timer %u fired with no arming outstanding (at %" PRIu64 ")", x->id, j);
	if (before(j, x->lo))
		fail_msg("timer %u fired early: at %" PRIu64 ", expires %" PRIu64 ", bucket %" PRIu64 ", level %u",
			 x->id, j, x->expires, x->lo, x->level);
	if (x->pinned && me != x->cpu)
		fail_msg("pinned timer %u of CPU %u fired on CPU %u", x->id, x->cpu, me);
	if (timer_pending(t))
		fail_msg("timer %u pending inside its own callback", x->id);
	if (!host_irqs_disabled())
		fail_msg("callback of timer %u with interrupts on", x->id);
	disarm(x);
	n_fired++;
	n_early_checks++;
	if (draining)
		return;

	r = rnd() % 100;
	if (r < 25) {
		uint64_t e = rand_expires(j);

		timer_add(t, e);	/* stays on the base that runs it */
		model_armed(x, e, j, true, x->cpu);
	} else if (r < 30) {
		uint64_t e = rand_expires(j);
		uint32_t c = (uint32_t)(rnd() % NCPUS);

		timer_add_on(t, e, c);
		model_armed(x, e, j, true, c);
	} else if (r < 40) {
		uint64_t e = rand_expires(j);
		bool same;

		y = other_than(x);
		same = y->armed && y->expires == e;
		ret = timer_mod(&y->t, e);
		if (ret != y->armed)
			fail_msg("timer_mod(%u) in a callback returned %d, model %d", y->id, ret, y->armed);
		if (!same) {
			disarm(y);
			model_armed(y, e, j, true, me);
		}
	} else if (r < 45) {
		y = other_than(x);
		ret = timer_del(&y->t);
		if (ret != y->armed)
			fail_msg("timer_del(%u) in a callback returned %d, model %d", y->id, ret, y->armed);
		disarm(y);
	} else if (r < 48) {
		if (rnd() & 1) {
			uint64_t e = rand_expires(j);

			timer_mod(t, e);
			model_armed(x, e, j, true, x->cpu);
		}
		ret = timer_del_sync(t);
		if (ret != x->armed)
			fail_msg("timer_del_sync(self %u) returned %d, model %d", x->id, ret, x->armed);
		disarm(x);
	} else if (r < 50) {
		y = other_than(x);
		ret = timer_del_sync(&y->t);
		if (ret != y->armed)
			fail_msg("timer_del_sync(%u) in a callback returned %d, model %d", y->id, ret, y->armed);
		disarm(y);
	}
}

/* ---- operations ---- */

static void set_jiffies(uint64_t j)
{
	host_clock_set_ns((j - bias) * tick_ns);
}

static void check_deadlines(uint64_t j)
{
	if (norder && !before(j, timers[order[0]].hi)) {
		struct mt *x = &timers[order[0]];

		fail_msg("timer %u late or lost: now %" PRIu64 ", expires %" PRIu64
			 ", deadline %" PRIu64 ", level %u, CPU %u%s",
			 x->id, j, x->expires, x->hi, x->level, x->cpu,
			 x->pinned ? " pinned" : "");
	}
}

static void advance(uint64_t by)
{
	uint64_t j = timer_jiffies() + by;
	uint32_t perm[NCPUS];

	set_jiffies(j);
	for (uint32_t i = 0; i < NCPUS; i++)
		perm[i] = i;
	for (uint32_t i = NCPUS - 1; i > 0; i--) {
		uint32_t k = (uint32_t)(rnd() % (i + 1)), tmp = perm[i];

		perm[i] = perm[k];
		perm[k] = tmp;
	}
	for (uint32_t i = 0; i < NCPUS; i++) {
		if (rnd() % 4 == 0) {
			host_set_cpu((perm[i] + 1 + (uint32_t)(rnd() % (NCPUS - 1))) % NCPUS);
			timer_run_remote(perm[i]);
		}
		host_set_cpu(perm[i]);
		timer_run_cpu();
	}
	check_deadlines(j);
	n_adv++;
}

static void check_next_event(uint32_t cpu)
{
	uint64_t j = timer_jiffies(), lo = 0, hi = 0, ns;
	bool any = false;
	struct timer_next nx;
	bool mark = rnd() & 1;

	for (uint32_t i = 0; i < NTIMERS; i++) {
		struct mt *x = &timers[i];

		if (!x->armed || x->cpu != cpu)
			continue;
		if (!any || before(x->lo, lo))
			lo = x->lo;
		if (!any || before(x->hi, hi))
			hi = x->hi;
		any = true;
	}
	host_set_cpu(cpu);
	ns = timer_next_event(mark, &nx);
	if (mark && rnd() % 2)
		timer_idle_exit();
	if (!any) {
		if (ns != TIMER_NO_EVENT)
			fail_msg("CPU %u has no timer but next event %" PRIu64, cpu, ns);
		return;
	}
	if (before(lo, j))
		lo = j;
	if (before(hi, j))
		hi = j;
	if (ns < (lo - bias) * tick_ns || ns > (hi - bias) * tick_ns)
		fail_msg("CPU %u: next event %" PRIu64 " ns outside jiffies %" PRIu64 "..%" PRIu64,
			 cpu, ns, lo, hi);
	if (nx.within_tick != !before(j + 1, ns / tick_ns + bias))
		fail_msg("CPU %u: within_tick %d for next event at jiffy %" PRIu64 ", now %" PRIu64,
			 cpu, nx.within_tick, ns / tick_ns + bias, j);
}

static void one_op(void)
{
	uint32_t cpu = (uint32_t)(rnd() % NCPUS);
	struct mt *x = &timers[rnd() % NTIMERS];
	uint64_t r = rnd() % 100, j = timer_jiffies(), e = rand_expires(j);
	bool same = x->armed && x->expires == e;	/* timer_mod keeps that arming */
	bool ret;

	host_set_cpu(cpu);
	if (r < 20) {
		if (!x->armed) {
			timer_add(&x->t, e);
		} else if (!timer_mod(&x->t, e)) {
			fail_msg("timer_mod(%u) says not pending", x->id);
		}
		if (!same) {
			disarm(x);
			model_armed(x, e, j, false, cpu);
		}
	} else if (r < 30) {
		uint32_t target = (uint32_t)(rnd() % NCPUS);

		if (x->armed)
			return;
		timer_add_on(&x->t, e, target);
		model_armed(x, e, j, false, target);
	} else if (r < 48) {
		ret = timer_mod(&x->t, e);
		if (ret != x->armed)
			fail_msg("timer_mod(%u) returned %d, model %d", x->id, ret, x->armed);
		if (!same) {
			disarm(x);
			model_armed(x, e, j, false, cpu);
		}
	} else if (r < 58) {
		ret = timer_del(&x->t);
		if (ret != x->armed)
			fail_msg("timer_del(%u) returned %d, model %d", x->id, ret, x->armed);
		disarm(x);
	} else if (r < 61) {
		ret = timer_del_sync(&x->t);
		if (ret != x->armed)
			fail_msg("timer_del_sync(%u) returned %d, model %d", x->id, ret, x->armed);
		disarm(x);
	} else if (r < 63) {
		check_next_event(cpu);
	} else {
		advance(rand_advance());
	}
	if (timer_pending(&x->t) != x->armed)
		fail_msg("timer %u: pending %d, model %d", x->id, timer_pending(&x->t), x->armed);
}

static void run_config(const struct config *c)
{
	struct timer_stats st;
	uint64_t added = 0, fired_n = 0, deleted = 0, last = 0;

	cfg = c;
	rng_state = c->seed;
	tick_ns = 1000000000ull / c->hz;
	bias = 0 - c->bias_to_wrap;
	origin = bias;
	host_set_cpu(0);
	host_clock_set_ns(0);
	host_bug_reset();
	timer_init(c->hz, bias);
	for (uint32_t i = 0; i < NCPUS; i++)
		timer_cpu_init(i);
	memset(timers, 0, sizeof(timers));
	norder = 0;
	draining = false;
	n_fired = n_armed = n_adv = 0;
	for (uint32_t i = 0; i < NTIMERS; i++) {
		timers[i].id = i;
		timer_setup(&timers[i].t, fired, i % 3 == 0 ? TIMER_PINNED : 0);
	}
	printf("# HZ %u depth %u: seed 0x%" PRIx64 ", %" PRIu64 " operations, jiffies start at 2^64 - %" PRIu64 "\n",
	       c->hz, c->depth, c->seed, c->ops, c->bias_to_wrap);

	for (uint64_t i = 0; i < c->ops; i++)
		one_op();

	/* drain: jump past every deadline; callbacks stop re-arming */
	draining = true;
	if (norder) {
		last = timers[order[norder - 1]].hi;	/* the list is sorted by hi */
		advance(last - timer_jiffies() + 1);
	}
	if (norder)
		fail_msg("%u timers never fired", norder);
	for (uint32_t i = 0; i < NTIMERS; i++) {
		if (timer_pending(&timers[i].t))
			fail_msg("timer %u still pending after the drain", i);
		timer_check_free(&timers[i].t);
	}
	for (uint32_t cpu = 0; cpu < NCPUS; cpu++) {
		timer_get_stats(cpu, &st);
		added += st.added;
		fired_n += st.fired;
		deleted += st.deleted;
		host_set_cpu(cpu);
		if (timer_next_event(false, NULL) != TIMER_NO_EVENT)
			fail_msg("CPU %u still has an event after the drain", cpu);
	}
	assert_int_equal(fired_n, n_fired);
	assert_int_equal(added, n_armed);
	assert_int_equal(added, fired_n + deleted);
	assert_int_equal(host_bug_count(), 0);
	printf("# %" PRIu64 " armings, %" PRIu64 " fired, %" PRIu64 " deleted, %" PRIu64
	       " advances, jiffies now %" PRIu64 "\n",
	       n_armed, n_fired, deleted, n_adv, timer_jiffies());
}

static void test_random_operations_match_the_sorted_list_model_across_the_wrap(void **state)
{
	static const struct config c = {
		1000, 9, 5000, 1000000, 500000000, 0x7133e7a11ce5eedull,
	};

	(void)state;
	run_config(&c);
}

static void test_random_operations_match_the_model_at_hz_100_depth_8(void **state)
{
	static const struct config c = {
		100, 8, 1ull << 40, 250000, 100000000, 0x5eed0000d8ull,
	};

	(void)state;
	run_config(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_operations_match_the_sorted_list_model_across_the_wrap),
		cmocka_unit_test(test_random_operations_match_the_model_at_hz_100_depth_8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
