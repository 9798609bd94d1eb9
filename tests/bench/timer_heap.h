/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * timer_heap: a binary min-heap timer queue, the baseline `make bench`
 * measures the timer wheel against.
 *
 * It is the queue a kernel would use instead of a wheel: one per CPU, a
 * lock, exact expiry (a timer runs at the first jiffy >= its expiry, with
 * no granularity), O(log n) add and delete, O(1) peek at the next event.
 *
 *	slot[]:  [0] [1] [2] [3] [4] ...      children of i: 2i+1, 2i+2
 *	          |   |
 *	          |   +-> { expires, t }  ->  struct heap_timer { expires, idx = 1 }
 *	          +-----> { expires, t }  ->  struct heap_timer { expires, idx = 0 }
 *
 * Invariants (under lock): slot[(i-1)/2].expires <= slot[i].expires;
 * slot[i].t->idx == i; a timer not queued has idx == HEAP_TIMER_IDLE;
 * next_expiry == slot[0].expires, or UINT64_MAX when the heap is empty.
 * Each slot keeps a copy of its timer's key so that sifting compares
 * within the array and only touches the timers it moves.
 *
 * Locking: `lock` guards everything; callbacks run with it dropped, so a
 * callback may add or delete timers, its own included.  next_expiry is
 * also read without the lock by timer_heap_run()'s early exit: a stale
 * value only delays or repeats that cheap test, as the wheel's does.
 */
#ifndef PULLKERN_TIMER_HEAP_H
#define PULLKERN_TIMER_HEAP_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/spinlock.h"

#define HEAP_TIMER_IDLE		UINT32_MAX

struct heap_timer;
typedef void (*heap_timer_fn)(struct heap_timer *t);

struct heap_timer {
	uint64_t expires;		/* absolute jiffies; under the heap lock */
	uint32_t idx;			/* slot while queued; under the heap lock */
	heap_timer_fn fn;
};

struct heap_slot {
	uint64_t expires;		/* copy of t->expires */
	struct heap_timer *t;
};

struct timer_heap {
	struct spinlock lock;
	uint64_t next_expiry;		/* written under lock, read locklessly */
	struct heap_slot *slot;		/* under lock */
	uint32_t count;			/* under lock */
	uint32_t cap;			/* set once by timer_heap_init() */
};

/* Room for `cap` timers, allocated once: false when out of memory. */
bool timer_heap_init(struct timer_heap *h, uint32_t cap);
void timer_heap_destroy(struct timer_heap *h);

void heap_timer_setup(struct heap_timer *t, heap_timer_fn fn);
/* Queue t (or move it if queued); false when the heap is full. */
bool timer_heap_add(struct timer_heap *h, struct heap_timer *t,
		    uint64_t expires);
/* Dequeue t; true if it was queued. */
bool timer_heap_del(struct timer_heap *h, struct heap_timer *t);
bool heap_timer_pending(const struct heap_timer *t);
/* Run every timer with expires <= now; returns how many ran. */
uint32_t timer_heap_run(struct timer_heap *h, uint64_t now);
uint64_t timer_heap_next(struct timer_heap *h);	/* UINT64_MAX when empty */
uint32_t timer_heap_count(struct timer_heap *h);
/* Debug: true if every invariant above holds (O(n)). */
bool timer_heap_check(struct timer_heap *h);

#endif
