// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tmigr_debug: the hierarchy's debug aids, apart from its hot paths.
 *
 * A dump of the tree (console table and @report "tmigr_group" records),
 * the per-CPU transition rings that kernel/tmigr.c fills, and the
 * invariant checkers of the design (docs/tmigr.md §5): the structure
 * (Q10, A4, A5, A8), the states against the CPUs' truth (A1, Q1, Q2), the
 * queues (A11, Q7) and the CPUs' duties (Q4, Q5, Q9).
 *
 * Locking: none.  The dump and the rings are lockless snapshots (a ring
 * is written by its owner only, with relaxed stores); the checkers are
 * meant for quiescent points, where no walk, setup, remote expiry or idle
 * transition is in flight, and read the pools directly.  The shared
 * objects come from kernel/tmigr_internal.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/tmigr.h"
#include "kernel/tmigr_internal.h"
#include "lib/bitops.h"
#include "lib/format.h"
#include "lib/json.h"
#include "lib/string.h"

static const char *const ring_names[] = {
	[RING_ACTIVE] = "active", [RING_IDLE] = "idle",
	[RING_NEW_TIMER] = "new_timer", [RING_STATE] = "group_state",
	[RING_REMOTE] = "remote", [RING_AVAILABLE] = "available",
	[RING_UNAVAILABLE] = "unavailable", [RING_PREPARE] = "prepare",
	[RING_WAKEUP] = "wakeup", [RING_POP] = "pop", [RING_SKIP] = "skip",
	[RING_UPD] = "upd",
};

static void print_expiry(const char *label, uint64_t ns)
{
	if (ns == TMIGR_INF)
		kprintf("%s%12s", label, "-");
	else
		kprintf("%s%12llu", label, (unsigned long long)ns);
}

#ifdef TMIGR_RING_TRACE
void tmigr_ring_foreach(void (*fn)(uint32_t cpu, uint64_t seq, uint64_t ns, const char *what,
				   uint32_t obj, uint64_t a, uint64_t b))
{
	for (uint32_t c = 0; c < TMIGR_MAX_CPUS; c++) {
		struct tmigr_ring *r = &tmigr_rings[c];
		uint32_t head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
		uint32_t n = head < RING_SIZE ? head : RING_SIZE;

		for (uint32_t i = head - n; i != head; i++) {
			const struct ring_entry *e = &r->e[i % RING_SIZE];

			fn(c, e->seq, e->ns, ring_names[e->kind], e->obj, e->a, e->b);
		}
	}
}
#endif

void tmigr_print_ring(uint32_t cpu)
{
	struct tmigr_ring *r;
	uint32_t head, n;

	if (cpu >= TMIGR_MAX_CPUS)
		return;
	r = &tmigr_rings[cpu];
	head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	n = head < RING_SIZE ? head : RING_SIZE;
	kprintf("tmigr: CPU %u, last %u transitions (ns, what, object, a, b):\n", cpu, n);
	for (uint32_t i = head - n; i != head; i++) {
		const struct ring_entry *e = &r->e[i % RING_SIZE];

		kprintf("  %14llu  %-11s %5u  %#llx  %#llx\n", (unsigned long long)e->ns,
			e->kind < sizeof(ring_names) / sizeof(ring_names[0]) ?
			ring_names[e->kind] : "?", e->obj,
			(unsigned long long)e->a, (unsigned long long)e->b);
	}
}

static void dump_record(const struct tmigr_group *g)
{
	struct json_writer w;
	char buf[640];
	uint32_t s = peek_state(g);
	const struct tmigr_group *p = tmigr_group_parent(g);

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "tmigr_group");
	json_u64(&w, "id", g->id);
	json_u64(&w, "level", g->level);
	if (g->node == TMIGR_NO_NODE)
		json_null(&w, "node");
	else
		json_u64(&w, "node", g->node);
	if (p)
		json_u64(&w, "parent", p->id);
	else
		json_null(&w, "parent");
	json_bool(&w, "root", g == tmigr_root());
	json_hex(&w, "groupmask", g->groupmask);
	json_u64(&w, "children", g->num_children);
	json_hex(&w, "active", TMIGR_ST_ACTIVE(s));
	json_hex(&w, "migrator", TMIGR_ST_MIGRATOR(s));
	json_u64(&w, "seq", TMIGR_ST_SEQ(s));
	if (next_expiry(g) == TMIGR_INF)
		json_null(&w, "next_expiry_ns");
	else
		json_u64(&w, "next_expiry_ns", next_expiry(g));
	json_array_begin(&w, "events");
	for (unsigned i = 0; i < TMIGR_FANOUT; i++) {
		const struct tmigr_event *e = g->queue[i];

		if (!e)
			continue;
		json_object_begin(&w, NULL);
		json_u64(&w, "slot", i);
		json_u64(&w, "cpu", e->cpu);
		json_u64(&w, "expires_ns", e->expires);
		json_bool(&w, "ignore", ev_ignored(e));
		json_object_end(&w);
	}
	json_array_end(&w);
	report_emit(json_end(&w));
}

void tmigr_dump(bool records)
{
	struct tmigr_group *r = tmigr_root();

	kprintf("tmigr: %u levels (cross-node level %u), %u groups, root %d, fan-out %u\n",
		tmigr_levels(), tmigr_crossnode_level(), tmigr_group_count(),
		r ? (int)r->id : -1, (unsigned)TMIGR_FANOUT);
	kprintf("  group  level  node  parent  mask  active  migr   seq  next_expiry_ns  queued (slot:cpu@ns)\n");
	for (uint32_t l = 0; l < tmigr_levels(); l++) {
		for (uint32_t i = 0; i < TMIGR_MAX_GROUPS; i++) {
			const struct tmigr_group *g = &tmigr_pool[i];
			const struct tmigr_group *p;
			uint32_t s;

			if (!g->in_use || g->level != l)
				continue;
			s = peek_state(g);
			p = tmigr_group_parent(g);
			kprintf("  %5u  %5u  %4d  %6d  0x%02x    0x%02x  0x%02x  %4u", g->id,
				g->level, g->node == TMIGR_NO_NODE ? -1 : (int)g->node,
				p ? (int)p->id : -1, g->groupmask, TMIGR_ST_ACTIVE(s),
				TMIGR_ST_MIGRATOR(s), TMIGR_ST_SEQ(s));
			print_expiry("  ", next_expiry(g));
			kprintf("    ");
			for (unsigned q = 0; q < TMIGR_FANOUT; q++) {
				const struct tmigr_event *e = g->queue[q];

				if (e)
					kprintf(" %u:%u@%llu%s", q, e->cpu,
						(unsigned long long)e->expires,
						ev_ignored(e) ? "(ign)" : "");
			}
			kprintf("\n");
			if (records)
				dump_record(g);
		}
	}
}

struct check_ctx {
	char *why;
	size_t len;
	uint32_t bad;
	bool print;
	uint32_t bad_cpu;
};

static void violation(struct check_ctx *x, uint32_t cpu, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void violation(struct check_ctx *x, uint32_t cpu, const char *fmt, ...)
{
	char buf[192];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (x->bad == 0) {
		if (x->why && x->len) {
			strlcpy(x->why, buf, x->len);
		}
		x->bad_cpu = cpu;
	}
	x->bad++;
	if (x->print)
		kprintf("tmigr: invariant violated: %s\n", buf);
}

static bool cpu_truly_active(const struct tmigr_cpu *c)
{
	return c->available && !c->idle;
}

static void check_structure(struct check_ctx *x)
{
	struct tmigr_group *r = tmigr_root();
	uint32_t tops = 0;

	for (uint32_t i = 0; i < TMIGR_MAX_GROUPS; i++) {
		struct tmigr_group *g = &tmigr_pool[i];
		struct tmigr_group *p;
		uint8_t seen = 0;

		if (!g->in_use)
			continue;
		p = tmigr_group_parent(g);
		if (!p) {
			tops++;
			if (g != r)
				violation(x, TMIGR_MAX_CPUS, "Q10: group %u has no parent but the root is %d",
					  g->id, r ? (int)r->id : -1);
		} else {
			if (p->level != g->level + 1)
				violation(x, TMIGR_MAX_CPUS, "A4: group %u (level %u) under group %u (level %u)",
					  g->id, g->level, p->id, p->level);
			if (bit_popcount64(g->groupmask) != 1)
				violation(x, TMIGR_MAX_CPUS, "A5: group %u has mask %#x", g->id, g->groupmask);
			if (p->level < tmigr_crossnode_level() && p->node != g->node)
				violation(x, TMIGR_MAX_CPUS, "A8: group %u (node %u) under group %u (node %u)",
					  g->id, g->node, p->id, p->node);
		}
		/* distinct masks among children */
		for (uint32_t j = 0; j < TMIGR_MAX_GROUPS; j++) {
			if (tmigr_pool[j].in_use && tmigr_group_parent(&tmigr_pool[j]) == g) {
				if (seen & tmigr_pool[j].groupmask)
					violation(x, TMIGR_MAX_CPUS, "A5: two children of group %u share mask %#x",
						  g->id, tmigr_pool[j].groupmask);
				seen |= tmigr_pool[j].groupmask;
			}
		}
		for (uint32_t c = 0; c < tmigr_possible_cpus; c++) {
			if (tmigr_cpus[c].group == g) {
				if (seen & tmigr_cpus[c].groupmask)
					violation(x, c, "A5: CPU %u shares mask %#x in group %u",
						  c, tmigr_cpus[c].groupmask, g->id);
				seen |= tmigr_cpus[c].groupmask;
			}
		}
	}
	if (r && tops != 1)
		violation(x, TMIGR_MAX_CPUS, "Q10: %u parentless groups (want 1)", tops);
	for (uint32_t c = 0; c < tmigr_possible_cpus; c++) {
		struct tmigr_group *g = tmigr_cpus[c].group, *last = NULL;
		uint32_t n = 0;

		if (!g)
			continue;
		for (; g && n <= tmigr_levels(); g = tmigr_group_parent(g), n++)
			last = g;
		if (last != r || n > tmigr_levels())
			violation(x, c, "Q10: CPU %u's path (%u groups) ends at group %d, root %d",
				  c, n, last ? (int)last->id : -1, r ? (int)r->id : -1);
	}
}

/* Active mask each group should have: bottom-up from the CPUs (Q1, Q2). */
static void check_states(struct check_ctx *x, uint8_t *truth)
{
	for (uint32_t l = 0; l < tmigr_levels(); l++) {
		for (uint32_t i = 0; i < TMIGR_MAX_GROUPS; i++) {
			struct tmigr_group *g = &tmigr_pool[i];
			uint8_t act = 0;
			uint32_t s;

			if (!g->in_use || g->level != l)
				continue;
			for (uint32_t c = 0; l == 0 && c < tmigr_possible_cpus; c++)
				if (tmigr_cpus[c].group == g && cpu_truly_active(&tmigr_cpus[c]))
					act |= tmigr_cpus[c].groupmask;
			for (uint32_t j = 0; l > 0 && j < TMIGR_MAX_GROUPS; j++)
				if (tmigr_pool[j].in_use && tmigr_group_parent(&tmigr_pool[j]) == g && truth[j])
					act |= tmigr_pool[j].groupmask;
			truth[i] = act;
			s = peek_state(g);
			if (TMIGR_ST_MIGRATOR(s) == 0 ||
			    (TMIGR_ST_MIGRATOR(s) == TMIGR_NONE) != (TMIGR_ST_ACTIVE(s) == 0) ||
			    (TMIGR_ST_MIGRATOR(s) != TMIGR_NONE &&
			     (bit_popcount64(TMIGR_ST_MIGRATOR(s)) != 1 ||
			      !(TMIGR_ST_MIGRATOR(s) & TMIGR_ST_ACTIVE(s)))))
				violation(x, TMIGR_MAX_CPUS, "A1: group %u state active %#x migrator %#x",
					  g->id, TMIGR_ST_ACTIVE(s), TMIGR_ST_MIGRATOR(s));
			if (TMIGR_ST_ACTIVE(s) != act)
				violation(x, TMIGR_MAX_CPUS, "Q1/Q2: group %u active %#x, its children say %#x",
					  g->id, TMIGR_ST_ACTIVE(s), act);
		}
	}
}

static void check_queues(struct check_ctx *x)
{
	for (uint32_t i = 0; i < TMIGR_MAX_GROUPS; i++) {
		struct tmigr_group *g = &tmigr_pool[i];
		struct tmigr_group *p;
		uint64_t first = TMIGR_INF;

		if (!g->in_use)
			continue;
		for (unsigned q = 0; q < TMIGR_FANOUT; q++) {
			const struct tmigr_event *e = g->queue[q];

			if (e && !ev_ignored(e) && e->expires < first)
				first = e->expires;
		}
		if (next_expiry(g) > first)
			violation(x, TMIGR_MAX_CPUS, "A11: group %u next_expiry %llu later than its first event %llu",
				  g->id, (unsigned long long)next_expiry(g),
				  (unsigned long long)first);
		p = tmigr_group_parent(g);
		if (first == TMIGR_INF || !p || TMIGR_ST_ACTIVE(peek_state(g)))
			continue;
		if (!g->groupevt.queued || ev_ignored(&g->groupevt) || g->groupevt.expires > first)
			violation(x, TMIGR_MAX_CPUS, "Q7: idle group %u holds an event at %llu its parent %u does not see",
				  g->id, (unsigned long long)first, p->id);
	}
}

static void check_cpus(struct check_ctx *x)
{
	struct tmigr_group *r = tmigr_root();
	uint64_t root_first = TMIGR_INF;
	bool covered = false;

	for (uint32_t c = 0; c < tmigr_possible_cpus; c++) {
		const struct tmigr_cpu *tc = &tmigr_cpus[c];
		uint64_t wk = __atomic_load_n(&tc->wakeup, __ATOMIC_RELAXED);

		if (!tc->group)
			continue;
		if (cpu_truly_active(tc) && (wk != TMIGR_INF || !ev_ignored(&tc->cpuevt) || tc->remote))
			violation(x, c, "Q4: active CPU %u has wakeup %llu, ignore %d, remote %d", c,
				  (unsigned long long)wk, ev_ignored(&tc->cpuevt), tc->remote);
		if (!tc->available && (wk != TMIGR_INF ||
				       (tc->cpuevt.queued && !ev_ignored(&tc->cpuevt))))
			violation(x, c, "Q5: unavailable CPU %u has wakeup %llu or a live event", c,
				  (unsigned long long)wk);
	}
	if (!r || TMIGR_ST_ACTIVE(peek_state(r)))
		return;
	for (unsigned q = 0; q < TMIGR_FANOUT; q++) {
		const struct tmigr_event *e = r->queue[q];

		if (e && !ev_ignored(e) && e->expires < root_first)
			root_first = e->expires;
	}
	if (root_first == TMIGR_INF)
		return;
	for (uint32_t c = 0; c < tmigr_possible_cpus; c++)
		if (tmigr_cpus[c].available && tmigr_cpus[c].idle &&
		    (__atomic_load_n(&tmigr_cpus[c].wakeup, __ATOMIC_RELAXED) <= root_first ||
		     __atomic_load_n(&tmigr_cpus[c].forced, __ATOMIC_RELAXED) <= root_first ||
		     __atomic_load_n(&tmigr_cpus[c].holding, __ATOMIC_RELAXED) <= root_first))
			covered = true;	/* a forced wake-up or a holder's covers it too */
	if (!covered)
		violation(x, TMIGR_MAX_CPUS, "Q9: idle root's first event %llu is nobody's wakeup or forced wake-up",
			  (unsigned long long)root_first);
}

uint32_t tmigr_check_structure(char *why, size_t why_len)
{
	struct check_ctx x = { why, why_len, 0, false, TMIGR_MAX_CPUS };

	if (why && why_len)
		why[0] = '\0';
	if (!tmigr_enabled())
		return 0;
	check_structure(&x);
	return x.bad;
}

uint32_t tmigr_check_quiescent(char *why, size_t why_len, bool print)
{
	static uint8_t truth[TMIGR_MAX_GROUPS];
	struct check_ctx x = { why, why_len, 0, print, TMIGR_MAX_CPUS };

	if (why && why_len)
		why[0] = '\0';
	if (!tmigr_enabled())
		return 0;
	check_structure(&x);
	memset(truth, 0, sizeof(truth));
	check_states(&x, truth);
	check_queues(&x);
	check_cpus(&x);
	if (x.bad && print && x.bad_cpu < TMIGR_MAX_CPUS)
		tmigr_print_ring(x.bad_cpu);
	return x.bad;
}
