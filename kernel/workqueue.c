// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workqueue: per-CPU FIFO queues of work items, run by the target CPU's
 * idle loop with interrupts enabled and its tick running.
 *
 * Any CPU (or an interrupt handler, e.g. a timer callback) queues an item
 * under the target's queue lock and sends it ARCH_IPI_CALL, whose handler
 * only counts: the point of the IPI is to end the target's halt so its
 * idle loop sees the work.  A work item is owned by the queue from
 * work_queue_on() until its function is called; the function may queue it
 * again.  Queueing an item that is already queued is a bug.
 *
 * `head` is read without the lock by work_pending() as a hint (relaxed):
 * the idle loop checks with interrupts off and keeps them off until its
 * halt, which enables them atomically (kernel/idle.c, I1 and I2); the IPI
 * is sent after the locked enqueue, so an item queued after the check
 * leaves the IPI pending and the halt ends at once: no item is missed.
 */
#include <stddef.h>

#include "kernel/arch_services.h"
#include "kernel/idle.h"
#include "kernel/spinlock.h"
#include "kernel/workqueue.h"
#include "lib/counter.h"

struct work_queue {
	struct spinlock lock;
	struct work *head;	/* under lock; relaxed read as a hint */
	struct work *tail;	/* under lock */
};

static struct work_queue queues[IDLE_MAX_CPUS];

static void call_ipi(void)
{
	counter_add(&idle_stats_mine()->call_ipis, 1);
	idle_note_wake(WAKE_IPI_CALL);
}

void workqueue_init(void)
{
	arch_ipi_set_handler(ARCH_IPI_CALL, call_ipi);
}

void work_queue_on(uint32_t cpu, struct work *w)
{
	struct work_queue *q = &queues[cpu];
	unsigned long flags = spin_lock_irqsave(&q->lock);

	w->next = NULL;
	if (q->tail)
		q->tail->next = w;
	else
		__atomic_store_n(&q->head, w, __ATOMIC_RELAXED);
	q->tail = w;
	spin_unlock_irqrestore(&q->lock, flags);
	if (cpu != arch_cpu_id())
		arch_send_ipi(cpu, ARCH_IPI_CALL);
}

void workqueue_reset(void)
{
	for (uint32_t c = 0; c < IDLE_MAX_CPUS; c++)
		queues[c] = (struct work_queue){ 0 };
}

bool work_pending(uint32_t cpu)
{
	return __atomic_load_n(&queues[cpu].head, __ATOMIC_RELAXED) != NULL;
}

static struct work *dequeue(struct work_queue *q)
{
	unsigned long flags = spin_lock_irqsave(&q->lock);
	struct work *w = q->head;

	if (w) {
		__atomic_store_n(&q->head, w->next, __ATOMIC_RELAXED);
		if (!w->next)
			q->tail = NULL;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return w;
}

void work_run_pending(void)
{
	struct work_queue *q = &queues[arch_cpu_id()];
	struct work *w;

	while ((w = dequeue(q)))
		w->fn(w);
}
