// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * churn_slot: see churn_slot.h.  The counts are relaxed atomic adds (only
 * the totals matter, read after the drain, nothing is published with
 * them); every slot field is read and written under the slot lock.
 */
#include "kernel/arch_services.h"
#include "kernel/scenarios/churn_slot.h"

void churn_count(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

enum churn_expiry churn_slot_expired(struct churn_slot *s, struct churn_counts *c,
				     uint64_t now_ns, uint64_t *late_ns)
{
	uint64_t deadline;

	if (!s->armed || timer_pending(&s->t)) {
		churn_count(&c->spurious);
		return CHURN_SPURIOUS;
	}
	deadline = timer_jiffies_to_ns(s->expires);
	churn_count(&c->fired);
	if (now_ns < deadline) {
		churn_count(&c->early);
		return CHURN_EARLY;
	}
	*late_ns = now_ns - deadline;
	late_hist_add(&c->late, *late_ns);
	return CHURN_LATE;
}

bool churn_slot_rearm_periodic(struct churn_slot *s, struct churn_counts *c)
{
	uint64_t now_j = timer_jiffies();
	bool overrun = false;

	s->expires += s->period_j;
	if ((int64_t)(s->expires - now_j) <= 0) {
		s->expires = now_j + s->period_j;
		overrun = true;
	}
	s->fires_on = arch_cpu_id();	/* re-armed here: placement rule */
	timer_add(&s->t, s->expires);
	churn_count(&c->armed);
	return overrun;
}

void churn_slot_cancel(struct churn_slot *s, struct churn_counts *c)
{
	if (timer_del(&s->t)) {
		s->armed = false;
		churn_count(&c->cancelled);
	}
}
