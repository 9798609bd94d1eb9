/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpuhp: CPUs that come and go after boot: park, unpark, hot-add
 * (kernel/cpuhp.c; design docs/cpus.md §7.5, §7.7, §7.8).
 */
#ifndef PULLKERN_KERNEL_CPUHP_H
#define PULLKERN_KERNEL_CPUHP_H

#include <stdbool.h>
#include <stdint.h>

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
	CPUHP_BUSY,		/* refused: another operation is in progress */
	CPUHP_NO_ANSWER,	/* failed: the CPU did not answer; it stays as it was */
};

/* Boot CPU, after the bring-up: record which CPUs run. */
void cpuhp_init(void);

/*
 * From an online CPU other than `cpu`, interrupts on, not in interrupt
 * context (the caller sleeps until the operation is done).  Each prints
 * one line and a record: cpu_parked / cpu_online when done, cpuhp_refused
 * with the reason otherwise (then nothing has changed).
 */
enum cpuhp_err cpu_down(uint32_t cpu, enum cpuhp_source src);
enum cpuhp_err cpu_up(uint32_t cpu, enum cpuhp_source src);

enum cpuhp_state cpuhp_state(uint32_t cpu);
uint32_t cpuhp_online_count(void);
/* The latency of the last completed operation, microseconds (guest clock of the caller). */
uint64_t cpuhp_last_us(void);
/* Interrupts taken by parked CPUs, summed, the unpark wakes excluded (docs/cpus.md §7.5). */
uint64_t cpuhp_parked_irqs(void);
const char *cpuhp_err_name(enum cpuhp_err e);

#endif
