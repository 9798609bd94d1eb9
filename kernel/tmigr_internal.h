/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tmigr_internal: what kernel/tmigr.c shares with kernel/tmigr_debug.c.
 *
 * Only those two files include this header.  The hierarchy's objects
 * (events, groups, per-CPU records), the per-CPU transition rings, the
 * static pools they live in, and the lockless accessors the dumps and
 * checkers need.  The locking and memory-ordering rules of every field are
 * in the theory comment of kernel/tmigr.c (docs/tmigr.md explains them).
 */
#ifndef PULLKERN_TMIGR_INTERNAL_H
#define PULLKERN_TMIGR_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/spinlock.h"
#include "kernel/tmigr.h"

struct tmigr_event {
	uint64_t expires;		/* key; under the queue's group lock */
	uint32_t cpu;			/* CPU whose timer is first below; under that lock */
	uint8_t slot;			/* index in the parent's queue; final before reachable */
	bool queued;			/* under the queue's group lock */
	bool forced;			/* a pinned wake-up, not a global timer; under that lock */
	bool ignore;			/* atomic byte, see the theory comment (O6) */
};

struct tmigr_group {
	struct spinlock lock;
	struct tmigr_group *parent;	/* once, release; load acquire */
	struct tmigr_event groupevt;	/* queued in parent while this group is inactive */
	uint64_t next_expiry;		/* under lock; lockless relaxed readers */
	struct tmigr_event *queue[TMIGR_FANOUT];	/* under lock */
	uint32_t state;			/* CAS only */
	uint16_t node;			/* setup only */
	uint16_t id;			/* pool index, for dumps */
	uint8_t level;			/* setup only */
	uint8_t num_children;		/* setup lock: slots used, incl. a reserved slot 0 */
	uint8_t groupmask;		/* final before reachable */
	bool in_use;			/* setup lock */
	/* idle root only, under lock: the CPU armed for its first event */
	uint16_t holder_seq;		/* the root's state seq when recorded */
	uint32_t holder;		/* TMIGR_MAX_CPUS: none */
	uint64_t holder_at;
};

struct tmigr_cpu {
	struct spinlock lock;
	bool available;			/* per-CPU lock */
	bool idle;			/* per-CPU lock; written by the owner */
	bool remote;			/* per-CPU lock: a migrator runs our GLOBAL base */
	uint8_t groupmask;		/* set by prepare before the CPU runs */
	uint32_t node;
	struct tmigr_group *group;	/* set by prepare before the CPU runs */
	uint64_t wakeup;		/* under lock; lockless relaxed readers */
	uint64_t forced;		/* pinned wake-up not yet served; written by the owner,
					 * under lock; the remote re-queue reads it under lock */
	uint64_t holding;		/* recorded root holder's promise; owner, under lock */
	struct tmigr_event cpuevt;
};

/* ---- per-CPU transition ring (debug aid: printed when a check fails) ---- */

#ifdef TMIGR_RING_TRACE
#define RING_SIZE	4096		/* debug build: keep a whole run's detail */
#else
#define RING_SIZE	64
#endif

enum ring_kind {
	RING_ACTIVE, RING_IDLE, RING_NEW_TIMER, RING_STATE, RING_REMOTE,
	RING_AVAILABLE, RING_UNAVAILABLE, RING_PREPARE, RING_WAKEUP,
	RING_POP, RING_SKIP, RING_UPD,
};

struct ring_entry {
	uint64_t ns;
#ifdef TMIGR_RING_TRACE
	uint64_t seq;
#endif
	uint64_t a, b;
	uint32_t kind;
	uint32_t obj;
};

struct tmigr_ring {
	uint32_t head;			/* written by the owner only */
	struct ring_entry e[RING_SIZE];
};

/* Defined in kernel/tmigr.c; the checkers read them only at quiescent points. */
extern struct tmigr_cpu tmigr_cpus[TMIGR_MAX_CPUS];
extern struct tmigr_ring tmigr_rings[TMIGR_MAX_CPUS];
extern struct tmigr_group tmigr_pool[TMIGR_MAX_GROUPS];
extern uint32_t tmigr_possible_cpus;		/* set at init */

/* Introspection, dumps and checkers: the current value, outside any model. */
static inline uint32_t peek_state(const struct tmigr_group *g)
{
	return __atomic_load_n(&g->state, __ATOMIC_RELAXED);
}

static inline bool ev_ignored(const struct tmigr_event *e)
{
	return __atomic_load_n(&e->ignore, __ATOMIC_RELAXED);
}

static inline uint64_t next_expiry(const struct tmigr_group *g)
{
	return __atomic_load_n(&g->next_expiry, __ATOMIC_RELAXED);
}

#endif
