/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * churn_slot: the timer under test that the churning scenarios share
 * (timers, hotplug), and how each of its expiries is checked.
 *
 * A slot is one timer with at most one arming outstanding.  Every arming
 * ends exactly once: fired (its callback ran), cancelled (timer_del said
 * it was pending) or, after the scenario's drain, pending or lost; so
 * armed = fired + cancelled (+ pending).  A callback for a slot with no
 * arming outstanding, or whose timer is queued again, is `spurious` (a
 * double expiry).  An expiry before the start of the slot's expiry jiffy
 * (the earliest instant the wheel may run it) is `early`; otherwise its
 * lateness from that instant goes into the histogram.  A periodic slot
 * re-arms from its callback on the CPU that runs it; one that fell a whole
 * period behind (its CPU did not run: under QEMU a vCPU can wait for a
 * host core for hundreds of ms) skips the missed periods, as a periodic
 * user would, with no catch-up burst, and that is an overrun.
 *
 * Locking: every slot field under slot->lock (irqsave); the callback takes
 * the slot lock, then may call timer_add: slot lock before base lock, and
 * nobody waits for a callback under a slot lock.  The counts are relaxed
 * atomic adds from any CPU, read after the drain.
 */
#ifndef PULLKERN_CHURN_SLOT_H
#define PULLKERN_CHURN_SLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/spinlock.h"
#include "kernel/timer.h"
#include "kernel/scenarios/late_hist.h"

struct churn_slot {
	struct timer t;
	struct spinlock lock;
	bool armed;		/* an arming is outstanding; under lock */
	bool periodic;		/* under lock */
	uint32_t fires_on;	/* CPU whose base holds it; under lock */
	uint64_t expires;	/* jiffies of the outstanding arming; under lock */
	uint64_t period_j;	/* under lock */
};

struct churn_counts {
	uint64_t armed, fired, cancelled, early, spurious, lost;
	struct late_hist late;
};

enum churn_expiry { CHURN_SPURIOUS, CHURN_EARLY, CHURN_LATE };

void churn_count(uint64_t *c);

/*
 * In the slot's callback, under its lock, `now_ns` read on entry: count
 * this expiry.  CHURN_SPURIOUS: nothing else to do for it.  CHURN_LATE:
 * its lateness is in the histogram and in *late_ns.
 */
enum churn_expiry churn_slot_expired(struct churn_slot *s, struct churn_counts *c,
				     uint64_t now_ns, uint64_t *late_ns);

/*
 * After a non-spurious expiry of a periodic slot, under its lock: arm the
 * next period here (the running CPU).  True when periods were skipped.
 */
bool churn_slot_rearm_periodic(struct churn_slot *s, struct churn_counts *c);

/* Under the lock, a slot that is armed: cancel it if it is still pending. */
void churn_slot_cancel(struct churn_slot *s, struct churn_counts *c);

#endif
