/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tmigr: the pull-model timer migration hierarchy (interface).
 *
 * Idle CPUs publish their first global timer into a tree of groups; one
 * active CPU per active group, its migrator, expires the due global timers
 * of the idle CPUs below it, so those stay asleep.  When the last CPU goes
 * idle it takes the first event of the whole tree as its wake-up.  The
 * theory, locking and every race with the rule that excludes it are in
 * kernel/tmigr.c; the design is docs/tmigr.md (§2, §3), docs/races.md (§4)
 * and docs/invariants.md (§5).
 *
 * The file is portable: the kernel and the host harness (tests/host, where
 * pthreads play CPUs) compile the same code.  It reaches the machine only
 * through kernel/arch_services.h and the wheel only through kernel/timer.h.
 *
 * Contexts (docs/tmigr.md §2.14):
 *
 *   tmigr_init            boot CPU, once, before any prepare
 *   tmigr_prepare         a control CPU that is available and active (or the
 *                         boot CPU preparing itself), before the CPU first runs
 *   tmigr_set_available   the CPU itself, once its timer works (online/unpark)
 *   tmigr_clear_available the CPU itself, before it parks (its timers move away)
 *   tmigr_cpu_activate    idle exit, interrupts off
 *   tmigr_cpu_deactivate  tick-stop path, interrupts off, its base locks held
 *   tmigr_cpu_new_timer   idle re-evaluation of an already idle CPU, same
 *   tmigr_quick_check     forecast by an active CPU, no state change
 *   tmigr_requires_remote tick interrupt: is there remote expiry to do?
 *   tmigr_handle_remote   after the CPU's own timers ran: expire idle CPUs' timers
 */
#ifndef PULLKERN_TMIGR_H
#define PULLKERN_TMIGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/timer.h"

/* Children per group: a power of two, 2..8 (tests build deep trees with 2). */
#ifndef TMIGR_FANOUT
#define TMIGR_FANOUT		8
#endif

#ifndef TMIGR_MAX_CPUS
#define TMIGR_MAX_CPUS		TIMER_MAX_CPUS
#endif

#define TMIGR_MAX_LEVELS	16	/* fan-out 2 and 4096 CPUs need 12 */
#define TMIGR_MAX_NODES		64
#define TMIGR_NO_NODE		0xffffu
#define TMIGR_INF		UINT64_MAX	/* "no event" */
#define TMIGR_NONE		0xffu		/* migrator of an inactive group */

/* Upper bound of groups: one per CPU, plus per-level, per-node spares for unfolding. */
#define TMIGR_MAX_GROUPS	(TMIGR_MAX_CPUS + TMIGR_MAX_LEVELS * 4 + 64)

/* Packed group state: active mask, migrator bit (or NONE), sequence count. */
#define TMIGR_ST_ACTIVE(s)	((uint8_t)((s) & 0xffu))
#define TMIGR_ST_MIGRATOR(s)	((uint8_t)(((s) >> 8) & 0xffu))
#define TMIGR_ST_SEQ(s)		((uint16_t)((s) >> 16))

/* Hooks the integrator provides; any may be NULL (see tmigr.c for the fallbacks). */
struct tmigr_platform {
	/*
	 * Make `cpu` leave idle and go through tmigr_cpu_activate(), and
	 * return once it has: used when the last active CPU parks while
	 * events remain (design §2.14(g)).
	 */
	void (*force_active)(uint32_t cpu);
	/*
	 * Run fn(arg) on `cpu` and return once it ran (hot-add delegation,
	 * `cpu` must be active in the hierarchy while fn runs (leave
	 * idle first, as kernel/idle.c's work does): fn's probe may find the
	 * old root active only through another CPU, which may idle meanwhile.
	 */
	void (*run_on)(uint32_t cpu, void (*fn)(void *arg), void *arg);
};

/* Topology facts for tmigr_init(). */
struct tmigr_topology {
	uint32_t possible_cpus;
	uint32_t possible_nodes;	/* 1 without SRAT */
};

int tmigr_init(const struct tmigr_topology *topo, const struct tmigr_platform *plat);
bool tmigr_enabled(void);		/* false before init, or with tmigr=off */
void tmigr_disable(void);		/* tmigr=off: every CPU handles its own timers */
uint32_t tmigr_levels(void);
uint32_t tmigr_crossnode_level(void);

int tmigr_prepare(uint32_t cpu, uint32_t node);	/* 0, or -1 with a message */
void tmigr_set_available(uint32_t cpu);
void tmigr_clear_available(uint32_t cpu);

void tmigr_cpu_activate(void);
uint64_t tmigr_cpu_deactivate(uint64_t global_ns);
uint64_t tmigr_cpu_new_timer(uint64_t global_ns);
/*
 * The same, with the CPU's forced wake-up: the time its one-shot fires
 * for a pinned timer (TMIGR_INF: none).  When it comes at or before the
 * first global timer it is exported instead, marked forced, and the CPU
 * promises to wake then and walk on duty; the return value (the one-shot's
 * hierarchy part) is then never later than it.
 */
uint64_t tmigr_cpu_deactivate_at(uint64_t global_ns, uint64_t forced_ns);
uint64_t tmigr_cpu_new_timer_at(uint64_t global_ns, uint64_t forced_ns);
uint64_t tmigr_quick_check(uint64_t global_ns);
bool tmigr_requires_remote(void);
/* The duty walk (tick.c, when tmigr_requires_remote()); returns the timers it ran. */
uint32_t tmigr_handle_remote(void);

/* State of this CPU in the hierarchy, for the idle loop and reports. */
bool tmigr_cpu_available(uint32_t cpu);
bool tmigr_cpu_idle(uint32_t cpu);
uint64_t tmigr_cpu_wakeup(uint32_t cpu);
uint64_t tmigr_cpu_forced(uint32_t cpu);	/* published forced wake-up not yet served */

/* Counters per CPU, written by the CPU that acts, read with relaxed loads. */
struct tmigr_stats {
	uint64_t activations, deactivations, new_timers;
	uint64_t remote_walks;		/* tmigr_handle_remote() that walked */
	uint64_t remote_cpus;		/* idle CPUs whose global base this CPU ran */
	uint64_t remote_fired;		/* timers those runs fired */
};
void tmigr_get_stats(uint32_t cpu, struct tmigr_stats *out);

/* ---- debug aids ---- */

/* Tree as a table on the console (kprintf) and as @report "tmigr_group" records. */
void tmigr_dump(bool records);

/*
 * Check the invariants of design §5 that hold when nothing is in flight
 * (no walk, no setup, no remote expiry, no idle entry/exit).  Returns the
 * number of violations; each is described in `why` (first one) and, with
 * `print`, on the console together with the transition rings of the CPUs
 * concerned.
 */
uint32_t tmigr_check_quiescent(char *why, size_t why_len, bool print);

/* Structure only (Q10, A4, A5, A8): safe at any time under no setup. */
uint32_t tmigr_check_structure(char *why, size_t why_len);

/* The last transitions of a CPU, oldest first, one kprintf line each. */
void tmigr_print_ring(uint32_t cpu);

/* ---- introspection for tests and dumps (reads, no locks) ---- */

struct tmigr_group;
struct tmigr_group *tmigr_root(void);
struct tmigr_group *tmigr_cpu_group(uint32_t cpu);
struct tmigr_group *tmigr_group_parent(const struct tmigr_group *g);
uint32_t tmigr_group_state(const struct tmigr_group *g);
uint32_t tmigr_group_level(const struct tmigr_group *g);
uint32_t tmigr_group_id(const struct tmigr_group *g);
uint8_t tmigr_group_mask(const struct tmigr_group *g);
uint64_t tmigr_group_next_expiry(const struct tmigr_group *g);
uint8_t tmigr_cpu_groupmask(uint32_t cpu);
uint32_t tmigr_group_count(void);
struct tmigr_group *tmigr_group_by_id(uint32_t id);

/*
 * Host harness only: a yield point between the atomic steps of a walk.
 * `where` names the point, `obj` the group or CPU it concerns.  NULL in
 * the kernel, where the call compiles away.
 */
extern void (*tmigr_yield_hook)(const char *where, const void *obj);

/* A yield point in portable code (the hierarchy, the wheel): empty in the kernel. */
#ifdef PULLKERN_HOST
#define YP(where, obj)							\
	do {								\
		if (tmigr_yield_hook)					\
			tmigr_yield_hook((where), (obj));		\
	} while (0)
#else
#define YP(where, obj)	do { (void)(obj); } while (0)
#endif
/* Host harness only: make the n-th group allocation from now fail (0: never). */
extern uint32_t tmigr_fail_alloc_at;

/* Reset everything (host tests run many hierarchies in one process). */
void tmigr_reset(void);

#endif
