/*
 * workqueue: per-CPU FIFO queues of work items, run by the target CPU's
 * idle loop with interrupts enabled and its tick running.
 *
 * Any CPU (or an interrupt handler, e.g. a timer callback) queues an item
 * under the target's queue lock and sends it VEC_IPI_CALL, whose handler
 * only acknowledges: the point of the IPI is to end the target's HLT so its
 * idle loop sees the work.  A work item is owned by the queue from
 * work_queue_on() until its function is called; the function may queue it
 * again.  Queueing an item that is already queued is a bug.
 *
 * `head` is read without the lock by work_pending() as a hint (relaxed):
 * the idle loop re-checks with interrupts off before it halts, and the IPI
 * arrives after the locked enqueue, so no item can be missed.
 */
#include <stddef.h>

#include "arch/x86_64/idt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smpboot.h"
#include "drivers/apic/lapic.h"
#include "kernel/spinlock.h"
#include "kernel/workqueue.h"

struct work_queue {
	struct spinlock lock;
	struct work *head;	/* under lock; relaxed read as a hint */
	struct work *tail;	/* under lock */
};

static struct work_queue queues[MAX_CPUS];

static void call_ipi(struct trap_frame *f)
{
	(void)f;
	__atomic_fetch_add(&this_cpu()->call_ipis, 1, __ATOMIC_RELAXED);
	percpu_note_wake(this_cpu(), WAKE_IPI);
	lapic_eoi();
}

void workqueue_init(void)
{
	idt_set_handler(VEC_IPI_CALL, call_ipi);
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
	if (cpu != this_cpu_id())
		lapic_send_ipi(smp_apic_id(cpu), VEC_IPI_CALL);
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
	struct work_queue *q = &queues[this_cpu_id()];
	struct work *w;

	while ((w = dequeue(q)))
		w->fn(w);
}
