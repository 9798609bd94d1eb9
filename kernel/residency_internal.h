/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * residency_internal: what kernel/residency.c (the accounting and its
 * windows) shares with kernel/residency_report.c (the records, the table
 * and the screens' view of a finished window).  Nothing else includes it.
 *
 * Everything here is written by the reader of a window only (residency.c,
 * between residency_begin() and residency_end(), on the reader's CPU) and
 * read by the report on the same CPU after residency_end(): no locking.
 */
#ifndef PULLKERN_RESIDENCY_INTERNAL_H
#define PULLKERN_RESIDENCY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch_services.h"	/* the seam: hardware counters, idle states */
#include "kernel/hw_counters.h"
#include "kernel/residency.h"

struct res_window {
	bool done;			/* a window finished: the figures hold */
	bool open;			/* between begin's and end's snapshots */
	bool hw_edges;			/* hardware counters read at the edges */
	uint32_t reader;		/* the CPU that measures */
	uint64_t epoch, t0, t1;		/* the reader's clock: grid origin, snapshots */
	uint32_t measure_wakeups, edge_wakeups;	/* the reader's end wake-up not included */
};

extern struct res_window res_win;
extern uint32_t res_ncpus;			/* CPUs numbered (residency_init) */
extern uint32_t (*res_hw_id)(uint32_t cpu);	/* NULL: the CPU number */
/* The snapshots as read (the phase in progress not added: residency_figures does). */
extern struct res_rec res_snap0[RES_MAX_CPUS], res_snap1[RES_MAX_CPUS];
/* The edge readings of the hardware counters (valid 0: none). */
extern struct hw_counters res_hw0[RES_MAX_CPUS], res_hw1[RES_MAX_CPUS];
/* Per CPU: edge requests and requests inside the window (the latter stay 0). */
extern uint32_t res_cpu_edge[RES_MAX_CPUS], res_cpu_measure[RES_MAX_CPUS];

#endif
