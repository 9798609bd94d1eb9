/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpuhp: CPUs that come and go after boot: park, unpark, hot-add
 * (kernel/cpuhp.c; design docs/cpus.md §7.5, §7.7, §7.8).
 */
#ifndef PULLKERN_KERNEL_CPUHP_H
#define PULLKERN_KERNEL_CPUHP_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/workqueue.h"

/* What a numbered CPU is, as far as hotplug goes. */
enum cpuhp_state {
	CPUHP_ABSENT,		/* numbered (in the MADT), never started, or its start failed */
	CPUHP_ONLINE,		/* running: in the hierarchy, taking work and timers */
	CPUHP_PARKED,		/* stopped in the park loop, holding nothing */
};

/* Who asked: goes into the cpu_online record. */
enum cpuhp_source {
	CPUHP_SRC_MAXCPUS,	/* a CPU that maxcpus= kept out at boot */
	CPUHP_SRC_ACPI,		/* a firmware hot-add event */
	CPUHP_SRC_SHELL,	/* the serial shell */
	CPUHP_SRC_SCENARIO,	/* a scenario or a test= hook */
};

/* Why an operation did not happen (0: it did). */
enum cpuhp_err {
	CPUHP_OK = 0,
	CPUHP_NO_SUCH_CPU,	/* refused: not a numbered CPU */
	CPUHP_BSP,		/* refused: CPU 0 stays online */
	CPUHP_LAST_ONLINE,	/* refused: the last online CPU */
	CPUHP_ALREADY_PARKED,	/* refused: parking a parked CPU */
	CPUHP_NOT_ONLINE,	/* refused: parking an absent CPU */
	CPUHP_ALREADY_ONLINE,	/* refused: onlining an online CPU */
	CPUHP_SELF,		/* refused: the caller is the CPU to park */
	CPUHP_BUSY,		/* refused: nested in its own CPU's operation or wait */
	CPUHP_NO_ANSWER,	/* failed: the CPU did not answer; it stays as it was */
};

/* Boot CPU, after the bring-up: record which CPUs run. */
void cpuhp_init(void);

/*
 * From an online CPU other than `cpu`, interrupts on, not in interrupt
 * context (the caller sleeps until the operation is done).  One operation
 * at a time: a caller that finds another in progress sleeps until its
 * turn, which comes in the order of asking (kernel/cpuhp.c, "Turns").
 * CPUHP_BUSY only when waiting is impossible: the call runs nested in an
 * operation of its own CPU, or in its own CPU's wait for a turn (use
 * cpu_up_queue() there).  Each prints one line and a record: cpu_parked /
 * cpu_online when done, cpuhp_refused with the reason otherwise (then
 * nothing has changed).
 */
enum cpuhp_err cpu_down(uint32_t cpu, enum cpuhp_source src);
enum cpuhp_err cpu_up(uint32_t cpu, enum cpuhp_source src);

/*
 * A caller's place in line for the turn (kernel/cpuhp.c, "Turns"):
 * cpuhp's alone.
 */
struct cpuhp_request;
struct cpuhp_turn {
	struct cpuhp_turn *next;
	uint32_t cpu;			/* the CPU that asked, and will act */
	uint32_t granted;		/* a sleeping caller's: release/acquire */
	struct cpuhp_request *req;	/* NULL: a sleeping caller */
	uint64_t seq;			/* turns begun when it joined the line */
	uint32_t ahead;			/* waiters ahead of it then */
};

/*
 * cpu_up() without sleeping, from any context (an interrupt handler, work
 * that may run nested in an operation's wait): the request waits in line
 * with the sleeping callers, and in its turn runs as work on the CPU that
 * queued it, which then calls done(r, result) there, in that work, after
 * passing the turn on (done may queue another request).  `r` is cpuhp's
 * until done() is called; its other fields are set here.  The queueing
 * CPU must stay online or be unparked: a parked CPU's request waits.
 */
struct cpuhp_request {
	struct work work;		/* cpuhp's */
	struct cpuhp_turn turn;		/* cpuhp's */
	uint32_t cpu;
	enum cpuhp_source src;
	void (*done)(struct cpuhp_request *r, enum cpuhp_err e);
};
/* True: it waits in line behind another operation. */
bool cpu_up_queue(struct cpuhp_request *r, uint32_t cpu, enum cpuhp_source src,
		  void (*done)(struct cpuhp_request *r, enum cpuhp_err e));

/* How many operations waited for their turn (sleepers and requests). */
uint64_t cpuhp_turns_waited(void);
/*
 * How many of those saw more turns begin while they waited than there
 * were waiters ahead of them when they joined the line: overtaken, out of
 * order.  Only a waiter passed over while its CPU was parked may be.
 */
uint64_t cpuhp_turns_overtaken(void);

enum cpuhp_state cpuhp_state(uint32_t cpu);
uint32_t cpuhp_online_count(void);
/* The latency of the last completed operation, microseconds (guest clock of the caller). */
uint64_t cpuhp_last_us(void);
/* Interrupts taken by parked CPUs, summed, the unpark wakes excluded (docs/cpus.md §7.5). */
uint64_t cpuhp_parked_irqs(void);
const char *cpuhp_err_name(enum cpuhp_err e);

#endif
