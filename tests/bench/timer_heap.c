// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timer_heap: a binary min-heap timer queue (see timer_heap.h for the
 * layout, invariants and locking).
 *
 * Sifting moves a hole rather than swapping: the entry being placed is
 * held aside, each parent or child that must move is copied into the hole
 * once (and told its new index), and the entry is written once at the
 * end.  Deleting slot i fills it with the last entry, which then moves up
 * if it is earlier than i's parent and down otherwise; deleting the
 * minimum is the same with i = 0.  Keys are absolute 64-bit jiffies, which
 * do not wrap in practice, so plain unsigned comparison orders them.
 */
#include <stdlib.h>

#include "tests/bench/timer_heap.h"

static void heap_place(struct timer_heap *h, uint32_t i, struct heap_slot s)
{
	h->slot[i] = s;
	s.t->idx = i;
}

static void sift_up(struct timer_heap *h, uint32_t i, struct heap_slot s)
{
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (h->slot[parent].expires <= s.expires)
			break;
		heap_place(h, i, h->slot[parent]);
		i = parent;
	}
	heap_place(h, i, s);
}

static void sift_down(struct timer_heap *h, uint32_t i, struct heap_slot s)
{
	uint32_t n = h->count;

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && h->slot[c + 1].expires < h->slot[c].expires)
			c++;
		if (s.expires <= h->slot[c].expires)
			break;
		heap_place(h, i, h->slot[c]);
		i = c;
	}
	heap_place(h, i, s);
}

/* Put s at slot i, where it may break the order in either direction. */
static void heap_fix(struct timer_heap *h, uint32_t i, struct heap_slot s)
{
	if (i > 0 && s.expires < h->slot[(i - 1) / 2].expires)
		sift_up(h, i, s);
	else
		sift_down(h, i, s);
}

static void update_next(struct timer_heap *h)
{
	uint64_t next = h->count ? h->slot[0].expires : UINT64_MAX;

	/* relaxed: timer_heap_run()'s unlocked test tolerates a stale value */
	__atomic_store_n(&h->next_expiry, next, __ATOMIC_RELAXED);
}

static void heap_remove(struct timer_heap *h, struct heap_timer *t)
{
	uint32_t i = t->idx;
	struct heap_slot last = h->slot[--h->count];

	t->idx = HEAP_TIMER_IDLE;
	if (i != h->count)
		heap_fix(h, i, last);
}

bool timer_heap_init(struct timer_heap *h, uint32_t cap)
{
	h->lock = (struct spinlock)SPINLOCK_INIT;
	h->next_expiry = UINT64_MAX;
	h->count = 0;
	h->cap = cap;
	h->slot = calloc(cap ? cap : 1, sizeof(*h->slot));
	return h->slot != NULL;
}

void timer_heap_destroy(struct timer_heap *h)
{
	free(h->slot);
	h->slot = NULL;
	h->count = h->cap = 0;
}

void heap_timer_setup(struct heap_timer *t, heap_timer_fn fn)
{
	t->expires = 0;
	t->idx = HEAP_TIMER_IDLE;
	t->fn = fn;
}

bool timer_heap_add(struct timer_heap *h, struct heap_timer *t,
		    uint64_t expires)
{
	unsigned long flags = spin_lock_irqsave(&h->lock);
	struct heap_slot s = { expires, t };
	bool ok = true;

	t->expires = expires;
	if (t->idx != HEAP_TIMER_IDLE)
		heap_fix(h, t->idx, s);
	else if (h->count < h->cap)
		sift_up(h, h->count++, s);
	else
		ok = false;
	update_next(h);
	spin_unlock_irqrestore(&h->lock, flags);
	return ok;
}

bool timer_heap_del(struct timer_heap *h, struct heap_timer *t)
{
	unsigned long flags = spin_lock_irqsave(&h->lock);
	bool was = t->idx != HEAP_TIMER_IDLE;

	if (was) {
		heap_remove(h, t);
		update_next(h);
	}
	spin_unlock_irqrestore(&h->lock, flags);
	return was;
}

bool heap_timer_pending(const struct heap_timer *t)
{
	return t->idx != HEAP_TIMER_IDLE;
}

uint32_t timer_heap_run(struct timer_heap *h, uint64_t now)
{
	unsigned long flags;
	uint32_t ran = 0;

	/* relaxed: see update_next(); the locked loop below decides */
	if (now < __atomic_load_n(&h->next_expiry, __ATOMIC_RELAXED))
		return 0;
	flags = spin_lock_irqsave(&h->lock);
	while (h->count && h->slot[0].expires <= now) {
		struct heap_timer *t = h->slot[0].t;

		heap_remove(h, t);
		update_next(h);
		spin_unlock_irqrestore(&h->lock, flags);
		t->fn(t);
		ran++;
		flags = spin_lock_irqsave(&h->lock);
	}
	spin_unlock_irqrestore(&h->lock, flags);
	return ran;
}

uint64_t timer_heap_next(struct timer_heap *h)
{
	return __atomic_load_n(&h->next_expiry, __ATOMIC_RELAXED);
}

uint32_t timer_heap_count(struct timer_heap *h)
{
	unsigned long flags = spin_lock_irqsave(&h->lock);
	uint32_t n = h->count;

	spin_unlock_irqrestore(&h->lock, flags);
	return n;
}

bool timer_heap_check(struct timer_heap *h)
{
	unsigned long flags = spin_lock_irqsave(&h->lock);
	bool ok = h->count <= h->cap;
	uint32_t i;

	for (i = 0; ok && i < h->count; i++) {
		const struct heap_slot *s = &h->slot[i];

		ok = s->t->idx == i && s->t->expires == s->expires &&
		     (i == 0 || h->slot[(i - 1) / 2].expires <= s->expires);
	}
	if (ok)
		ok = h->next_expiry ==
		     (h->count ? h->slot[0].expires : UINT64_MAX);
	spin_unlock_irqrestore(&h->lock, flags);
	return ok;
}
