/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spinlock: a test-and-test-and-set lock, portable through arch_services.
 *
 * A CPU spins reading the lock word (shared in its cache, no bus traffic)
 * until it looks free, then tries to take it with one compare-exchange.
 * Release is a release store of 0; the successful acquire CAS pairs with
 * it, so everything written under the lock is visible to the next holder.
 * Locks are not recursive.  Code that may run in interrupt context on the
 * same CPU must use the _irqsave variants.
 *
 * Why not a ticket lock (fair, FIFO): a ticket lock hands the lock to the
 * next waiter in line whether or not that CPU is running.  Under QEMU
 * every vCPU is a host thread, and with 64 of them on 2 host cores the
 * next ticket holder is usually descheduled: every other waiter then
 * spins for its host time slice, and on a hot lock the queue never
 * drains.  Measured at -smp 64 under TCG (scenario=timers seconds=1,
 * seeds 1, 6, 8), where the timer migration hierarchy's group and base
 * locks are hot: with a ticket lock, timers up to 10 s late and some
 * lost; with this lock, the latest timer 117-169 ms late over four runs,
 * as with tmigr=off.  Here whoever runs when the lock is free takes it.  The price is fairness, which the short,
 * bounded critical sections of this kernel do not need.
 *
 * Lock debugging (LOCK_DEBUG: host builds always, the kernel with
 * `make LOCK_DEBUG=1`).  A function whose caller must hold a lock says so
 * with spin_assert_held(), which reports an arch_bug() when the lock is
 * not held.  On the host a lock also records its holder, the thread's CPU
 * number plus one (0 when free), written by the holder only, relaxed,
 * right after taking the lock and right before dropping it, and the check
 * is "held by this CPU": a CPU reads back either its own store or another
 * CPU's number, never a stale copy of its own, so the relaxed load cannot
 * mislead.  The kernel takes locks before arch_cpu_id() works (the boot
 * CPU's per-CPU area comes later), so there the check is "held by some
 * CPU".  In other builds the field and the checks do not exist.
 */
#ifndef PULLKERN_SPINLOCK_H
#define PULLKERN_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/arch_services.h"

/*
 * Weak host builds (TMSIM_WEAK) tell the memory model of tests/host/tmweak.h
 * when a lock changes hands; elsewhere these are nothing.
 */
#ifdef TMSIM_WEAK
#include "tmweak.h"
#define spin_model_acquired(l)	tmweak_lock_acquired(l)
#define spin_model_releasing(l)	tmweak_lock_releasing(l)
#else
#define spin_model_acquired(l)	do { (void)(l); } while (0)
#define spin_model_releasing(l)	do { (void)(l); } while (0)
#endif

#if defined(LOCK_DEBUG) && defined(PULLKERN_HOST)
#define SPIN_DEBUG_HOLDER	1
#endif

struct spinlock {
	uint32_t locked;	/* 0 free, 1 held; CAS to take, release store to drop */
#ifdef SPIN_DEBUG_HOLDER
	uint32_t holder;	/* arch_cpu_id() + 1 of the holder, 0 free; relaxed */
#endif
};

#ifdef SPIN_DEBUG_HOLDER
#define spin_debug_set_holder(l, h)	__atomic_store_n(&(l)->holder, (h), __ATOMIC_RELAXED)
#define spin_debug_me()			(arch_cpu_id() + 1)
#define spin_held(l)	(__atomic_load_n(&(l)->holder, __ATOMIC_RELAXED) == arch_cpu_id() + 1)
#else
#define spin_debug_set_holder(l, h)	do { (void)(l); } while (0)
#define spin_debug_me()			0
#define spin_held(l)	(__atomic_load_n(&(l)->locked, __ATOMIC_RELAXED) != 0)
#endif

#ifdef LOCK_DEBUG
#define spin_assert_held(l)						\
	do {								\
		if (!spin_held(l))					\
			arch_bug("%s: the caller does not hold lock %p", \
				 __func__, (const void *)(l));		\
	} while (0)
#else
#define spin_assert_held(l)		do { (void)(l); } while (0)
#endif

#define SPINLOCK_INIT { 0 }

static inline bool spin_trylock(struct spinlock *l)
{
	uint32_t expect = 0;

	/* acquire on success: pairs with the release store in spin_unlock() */
	if (!__atomic_compare_exchange_n(&l->locked, &expect, 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	spin_model_acquired(l);
	spin_debug_set_holder(l, spin_debug_me());
	return true;
}

static inline void spin_lock(struct spinlock *l)
{
	while (!spin_trylock(l))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			arch_cpu_relax();
}

static inline void spin_unlock(struct spinlock *l)
{
	spin_debug_set_holder(l, 0);
	spin_model_releasing(l);
	/* release: pairs with the acquire CAS in spin_trylock() */
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(struct spinlock *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l,
					  unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

#endif
