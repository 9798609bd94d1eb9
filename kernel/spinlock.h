/*
 * spinlock: a ticket lock, fair between CPUs, portable through arch_services.
 *
 * A CPU takes a ticket with one atomic fetch-add on `next` and spins until
 * `owner` reaches it.  Release publishes the critical section with a
 * release store of `owner + 1`; the acquire load in the spin loop pairs
 * with it, so everything written under the lock is visible to the next
 * holder.  Locks are not recursive.  Code that may run in interrupt
 * context on the same CPU must use the _irqsave variants.
 */
#ifndef PULLKERN_SPINLOCK_H
#define PULLKERN_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/arch_services.h"

struct spinlock {
	uint16_t next;	/* ticket dispenser, fetch-add by lockers */
	uint16_t owner;	/* ticket being served, written by the holder */
};

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(struct spinlock *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	/* acquire: pairs with the release store in spin_unlock() */
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		arch_cpu_relax();
}

static inline bool spin_trylock(struct spinlock *l)
{
	uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint16_t expect = owner;

	/* acquire on success: pairs with the release store in spin_unlock() */
	return __atomic_compare_exchange_n(&l->next, &expect,
					   (uint16_t)(owner + 1), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
	uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	/* release: pairs with the acquire load in spin_lock()/spin_trylock() */
	__atomic_store_n(&l->owner, (uint16_t)(owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(struct spinlock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
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
