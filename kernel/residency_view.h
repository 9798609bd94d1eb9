/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * residency_view: one finished residency window, as the screens draw it.
 *
 * kernel/residency.c measures a window and fills this view; the screen
 * renderers (the framebuffer heatmap and the VGA text summary) draw it and
 * know nothing else of the accounting.  All figures are fixed point so that
 * the kernel needs no floating point: per-mille for shares, hundredths for
 * rates.  The view owns no memory: samples() reads the accounting's own
 * storage, which stays valid until the next window starts.
 */
#ifndef PULLKERN_RESIDENCY_VIEW_H
#define PULLKERN_RESIDENCY_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#define RESIDENCY_NO_SAMPLE	0xffffu	/* not measured: absent, parked, after the window */

struct residency_view_cpu {
	uint32_t cpu;			/* dense CPU number */
	bool parked;			/* parked (or absent) for the whole window */
	uint16_t idle_permille;		/* idle share of the window, 0..1000 */
	uint32_t wakeups_per_s_x100;	/* wake-ups per second, hundredths */
	uint32_t migrator_permille;	/* this CPU's share of the system's duty wake-ups */
	uint64_t idle_mean_us;		/* mean idle period */
};

struct residency_view {
	uint32_t ncpus;			/* entries in cpu[] (CPUs numbered, in order) */
	const struct residency_view_cpu *cpu;
	uint32_t window_ms;
	uint32_t sample_ms;		/* length of one sample interval (100) */
	uint32_t nsamples;		/* samples per CPU in the window */
	/* Idle share of `cpu` in sample `i`, per-mille, or RESIDENCY_NO_SAMPLE. */
	uint16_t (*sample)(const void *ctx, uint32_t cpu, uint32_t i);
	const void *ctx;
	/* system row */
	uint16_t median_permille, min_permille;
	uint32_t wakeups_per_s_x100;	/* all CPUs together */
	uint32_t measure_wakeups, edge_wakeups;
	const char *idle_state;		/* "hlt", "mwait C1", "poll", ... */
	const char *tmigr;		/* "on" / "off" */
	bool has_pkg_watt;
	uint32_t pkg_mwatt, cor_mwatt;	/* valid when has_pkg_watt */
};

/*
 * Draw on the consoles that are screens (kernel/residency_screen.c): the
 * framebuffer gets the heatmap (idle share per CPU over time) and the
 * summary; the VGA text console a summary of at most 25 lines.  A console
 * that is not there is skipped.  Called once per finished window.
 */
void residency_screen_draw(const struct residency_view *v);

#endif
