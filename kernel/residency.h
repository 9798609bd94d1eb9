/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * residency: where each CPU's time goes (busy, each idle state, parked),
 * its wake-ups by cause, and a window's report, measured without waking
 * anyone (kernel/residency.c, the report kernel/residency_report.c; the
 * theory is docs/residency.md).
 *
 * Three kinds of caller:
 *   the CPU itself   the hooks below, interrupts off, on its own record
 *                    (kernel/idle.c around each halt and in the interrupt
 *                    naming, kernel/cpuhp.c around a park);
 *   a reader         residency_begin() .. residency_end() on one CPU,
 *                    interrupts on, then residency_report(): reads every
 *                    CPU's record through its sequence counter;
 *   host tests       the same, plus the scripted entry points at the end.
 */
#ifndef PULLKERN_RESIDENCY_H
#define PULLKERN_RESIDENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/hw_counters.h"
#include "kernel/idle.h"
#include "kernel/residency_view.h"

#define RES_MAX_CPUS		IDLE_MAX_CPUS
#define RES_MAX_STATES		8	/* idle states counted apart (more: the last one) */
#define RES_HIST_BUCKETS	24	/* idle periods: <2 us, [2^k, 2^(k+1)) us, >= 2^23 us */
#define RES_VECTORS		8	/* distinct other-interrupt vectors counted per CPU */
#define RES_SAMPLE_NS		100000000ull	/* one sample interval: 100 ms */
#define RES_MAX_SAMPLES		600	/* samples kept per CPU: the first 60 s of a window */
#define RES_MAX_WINDOW_S	3600	/* the shell's longest window */
#define RES_HW_EVERY_NS		1000000000ull	/* a wake-up reads the counters if the last is older */

/* What a CPU is, as its record says. */
enum res_state {
	RES_ABSENT,		/* never counted: not started (or not yet) */
	RES_ONLINE,
	RES_PARKED,
};

/* What its time is going to now. */
enum res_phase {
	RES_PH_BUSY,
	RES_PH_IDLE,		/* in a sleeping idle state (phase_state) */
	RES_PH_POLL,		/* in an idle state that does not sleep */
	RES_PH_PARKED,
};

/*
 * One CPU's accounting.  Every field is a uint64_t so that a record is
 * published and read word by word (kernel/residency.c, "Publishing").
 * Times are ns of the synced clock (arch_now_ns); counts since the CPU was
 * first counted.  The phase in progress is not in the sums: a reader adds
 * [phase_ns, now) itself.
 */
struct res_rec {
	uint64_t state;			/* enum res_state */
	uint64_t phase;			/* enum res_phase */
	uint64_t phase_state;		/* RES_PH_IDLE/POLL: the idle state's index */
	uint64_t phase_ns;		/* when the phase in progress began */
	uint64_t busy_ns, poll_ns, parked_ns;
	uint64_t state_ns[RES_MAX_STATES];	/* sleeping time per idle state */
	uint64_t entries;		/* idle periods begun */
	uint64_t wakeups;		/* idle periods ended */
	uint64_t irqs;			/* interrupts taken, busy or idle */
	uint64_t last_cause;		/* cause of the latest wake-up */
	uint64_t by_cause[WAKE_NR];
	uint64_t hist[RES_HIST_BUCKETS];	/* ended idle periods by length */
	uint64_t vec[RES_VECTORS];	/* other interrupts: the vector ... */
	uint64_t vec_n[RES_VECTORS];	/* ... and how many (0: slot free) */
	uint64_t vec_more;		/* on vectors beyond RES_VECTORS */
	uint64_t epoch;			/* the sample grid's origin these samples follow */
	uint64_t sidx;			/* the sample interval in progress */
	uint64_t s_idle_ns, s_awake_ns;	/* its sleeping and awake time so far */
	uint64_t hw_ns;			/* when the latest hardware reading was taken */
	uint64_t hw_valid;		/* struct hw_counters of that reading */
	uint64_t hw[HWC_NR];
};

#define RES_REC_WORDS	(sizeof(struct res_rec) / sizeof(uint64_t))

/* ---- hooks: this CPU, interrupts off ---- */

/* A halt begins in the idle state arch_idle_state() names. */
void residency_idle_enter(void);
/* The halt ended with this cause (after the waking interrupts' handlers). */
void residency_idle_exit(enum wake_cause cause);
/* An interrupt was taken (its handler named a cause). */
void residency_note_irq(void);
/* ... at a vector no kernel handler claims (counted as an interrupt too). */
void residency_note_vector(uint32_t vector);
/* This CPU parks now / is back from its park. */
void residency_cpu_park(void);
void residency_cpu_unpark(void);
/* Read this CPU's hardware counters into its record (window edges). */
void residency_hw_refresh(void);

/* ---- reader ---- */

/*
 * Once, from the boot CPU: CPUs numbered (reported, absent ones too) and
 * their hardware IDs (NULL: the CPU number).  Writes no record: CPUs may
 * count already.
 */
void residency_init(uint32_t ncpus, uint32_t (*hw_id)(uint32_t cpu));

/*
 * A window: begin snapshots every CPU (after asking each online one to
 * read its hardware counters if any besides the TSC exist: an edge
 * wake-up), end snapshots them again.  Interrupts on, one window at a
 * time (begin returns false while another is open).  end() treats the
 * latest wake-up of the reader's own CPU, if its own pinned timer, as the
 * window's end: an edge wake-up, not in the figures.
 */
bool residency_begin(void);
void residency_end(void);
/*
 * kernel/residency_report.c (top layer: it calls the screens).  The
 * finished window: records, the table, the screens.
 */
void residency_report(void);
/* begin, sleep ms, end, report (the shell's `residency S`). */
bool residency_measure_ms(uint64_t ms);

/* ---- figures of the finished window (tests, and the report) ---- */

struct res_cpu_fig {
	uint32_t state;			/* enum res_state at the end */
	uint64_t span_ns;		/* this CPU's window */
	uint64_t busy_ns, idle_ns, poll_ns, parked_ns;	/* parked: or not started */
	uint64_t state_ns[RES_MAX_STATES];
	uint64_t entries, wakeups, irqs;
	uint64_t by_cause[WAKE_NR];
	uint64_t hist[RES_HIST_BUCKETS];
	uint64_t periods;		/* idle periods in the window: ended + in progress */
	bool edge_woke;			/* one wake-up taken out as the window's edge */
};

/* `cpu`'s figures in the finished window; false if no window finished. */
bool residency_figures(uint32_t cpu, struct res_cpu_fig *out);
/* Idle share of `cpu` in sample i of the finished window, per-mille, or RESIDENCY_NO_SAMPLE. */
uint16_t residency_sample(uint32_t cpu, uint32_t i);
uint32_t residency_nsamples(void);
uint32_t residency_measure_wakeups(void);
uint32_t residency_edge_wakeups(void);

/* ---- pure helpers, shared by the writer, the reader and tests ---- */

/* Log2 bucket of an idle period of `ns`. */
uint32_t residency_hist_bucket(uint64_t ns);
/*
 * Sample i of the grid starting at `epoch` for a record read at `now`:
 * intervals before rec->sidx come from `stored`, later ones from the
 * phase in progress; an interval not complete at `now` is
 * RESIDENCY_NO_SAMPLE.
 */
uint16_t residency_sample_of(const struct res_rec *rec, const uint16_t *stored,
			     uint64_t epoch, uint64_t now, uint32_t i);

/* ---- host tests ---- */

/* Forget every record and window. */
void residency_reset(void);
/* The hooks with the idle state given, not asked of arch. */
void residency_idle_enter_state(uint32_t state, bool sleeps);
/* One attempt of the reader: false if a publish was under way or overlapped the copy. */
bool residency_try_read(uint32_t cpu, struct res_rec *out, uint64_t *at);
/* A copy of `cpu`'s record as a reader sees it, completed to the reader's now. */
void residency_read(uint32_t cpu, struct res_rec *out, uint64_t *at);

#endif
