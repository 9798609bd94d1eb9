/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tmweak: a weak-memory model for the hierarchy's race tests (design §4.0,
 * "weak mode").
 *
 * Theory.  The host harnesses run one CPU at a time, so every plain run is
 * sequentially consistent: a load always returns the last store.  Bugs of
 * ordering (a relaxed load where an acquire was needed, a missing fence, a
 * plain read where an ordered RMW was needed) cannot show there.  In weak
 * builds (-DTMSIM_WEAK) kernel/tmigr.c sends the shared words whose
 * ordering the design's table O1-O11 is about (group state, parent
 * pointer, groupmask) through this model, and kernel/spinlock.h reports
 * lock hand-overs to it.  The model is the view-based operational
 * semantics of C11 release/acquire (the fragment without out-of-thin-air
 * or load buffering):
 *
 *   - Every tracked location keeps its stores in modification order
 *     (messages).  Message 0 is the value the location had when tracking
 *     began, visible to everybody.
 *   - Each CPU has a view: per location, the oldest message it may still
 *     read.  A load may return any message from its view to the latest;
 *     the CPU's view then moves up to that message (coherence).
 *   - A release store (or an RMW with release, or any store after a
 *     release fence) carries the writer's view.  An acquire load reading
 *     it joins that view; a relaxed load remembers it for a later acquire
 *     fence.  RMWs always read the latest message and continue the release
 *     sequence of the message they read.
 *   - A seq_cst access counts as acquire/release; a seq_cst fence joins
 *     and publishes one global view (tmweak.c says why that is enough).
 *   - unlock publishes the holder's view with the lock, lock joins it.
 *
 * By default a load returns the latest message, so a weak build behaves
 * like the SC build.  A test asks for the adversary with tmweak_stale():
 * loads of the given kinds (and object) by that CPU return the OLDEST
 * message its view allows.  The fixed code must stay correct whatever it
 * reads; a mutant that dropped an ordering then reads a value the
 * machine really could return, and the test's oracle catches it.
 *
 * Not modelled: fields under a group lock other than the three above are
 * read as SC (the lock gives that in the real code too), and relaxed
 * lockless readers of next_expiry/wakeup read the latest value.  Only one
 * harness thread runs at a time; the model is still under a mutex.
 */
#ifndef PULLKERN_TMWEAK_H
#define PULLKERN_TMWEAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tmweak_kind {
	TMWEAK_STATE = 1u << 0,		/* tmigr_group.state */
	TMWEAK_PARENT = 1u << 1,	/* tmigr_group.parent */
	TMWEAK_MASK = 1u << 2,		/* tmigr_group.groupmask */
};

/* Accesses (kernel/tmigr.c through its TM_* macros).  `obj`: the group. */
uint64_t tmweak_load(unsigned kind, const void *obj, const void *p, size_t size, int order);
void tmweak_store(unsigned kind, const void *obj, void *p, size_t size, uint64_t v, int order);
bool tmweak_cas(unsigned kind, const void *obj, void *p, size_t size, void *expected,
		uint64_t desired, int success, int failure);
uint64_t tmweak_fetch_or(unsigned kind, const void *obj, void *p, size_t size, uint64_t v,
			 int order);
void tmweak_fence(int order);
/* Lock hand-over (kernel/spinlock.h): after taking, before dropping. */
void tmweak_lock_acquired(const void *lock);
void tmweak_lock_releasing(const void *lock);

/* ---- test control ---- */

/* Start tracking (forget everything: current values are message 0). */
void tmweak_begin(void);
/* Stop tracking: accesses go straight to memory again. */
void tmweak_end(void);
/*
 * From now on, loads by `cpu` of the kinds in `kinds` (on `obj`, or any
 * object if NULL) return the oldest message its view allows.  kinds 0:
 * back to "latest".
 */
void tmweak_stale(uint32_t cpu, unsigned kinds, const void *obj);
/* Loads by `cpu` that returned an older value than the latest, since begin. */
uint32_t tmweak_stale_reads(uint32_t cpu);

#endif
