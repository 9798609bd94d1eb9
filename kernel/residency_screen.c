// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * residency_screen: a finished residency window drawn on the screens.
 *
 * Theory.  A machine with no serial port still has a screen, so the
 * window's result is drawn there (docs/residency-screen.md):
 *
 *   framebuffer (UEFI)   heatmap: one row per CPU, one column per sample,
 *                        colour = idle share; CPU numbers on the left, the
 *                        window's length on the time axis, the colour
 *                        scale below, the summary beside or below
 *   VGA text (BIOS)      one 80x25 page: the summary, the least idle CPU
 *                        per slice of the window, and a grid with one
 *                        character per CPU (its idle share as a digit and
 *                        a colour)
 *
 * Whatever does not fit is grouped, never dropped: when there are more
 * CPUs than pixel rows (or grid cells), one row stands for several CPUs,
 * and when there are more samples than pixel columns, one column for
 * several samples; the picture says so.  A grouped cell shows the least
 * idle of what it covers, so one busy CPU or one busy moment is never
 * averaged away.  A parked CPU, and any sample that is
 * RESIDENCY_NO_SAMPLE, has a colour of its own outside the scale.
 *
 * The scale is piecewise linear in integers (no floating point in the
 * kernel) with more colours near 100 %, where idle CPUs live and where
 * 99.0 % and 99.9 % must look different: stops at 0, 50, 90, 99 and
 * 100 %.
 *
 * Placement is computed first (residency_fb_layout) from the screen's
 * size alone, then drawn with fbcon's clipping primitives, so a screen
 * too small for the picture shows its top-left part and nothing is ever
 * written outside the buffer.  A quarter of the screen's height is left
 * below the picture for the text that follows.  The picture is drawn as
 * a page of its own (fbcon_clear first) and text continues under it; the
 * first scroll takes it away whole.  The VGA page is composed off screen
 * and shown in one copy (vga_text_page) for the same reason.
 *
 * Locking: the screens' state belongs to the console lock, which is held
 * for the whole drawing, so no printk line lands in the middle of the
 * picture.  The static VGA page buffer is used only under that lock.  The
 * view is read-only here and must not change while it is drawn (the
 * caller owns it: kernel/residency_view.h).  After the lock is dropped,
 * one @report record says where the picture went.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/console/fbcon.h"
#include "drivers/console/font8x16.h"
#include "drivers/console/vga_text.h"
#include "kernel/console.h"
#include "kernel/report.h"
#include "kernel/residency_screen.h"
#include "kernel/residency_view.h"
#include "lib/format.h"
#include "lib/json.h"
#include "lib/string.h"

#define FW		FONT8X16_WIDTH
#define FH		FONT8X16_HEIGHT
#define MARGIN		8		/* around the picture */
#define GAP		16		/* between the map and the summary */
#define TITLE_H		(FH + 8)
#define AXIS_H		(4 + FH + 4)	/* tick marks, their labels, a gap */
#define SCALE_H		10		/* the colour bar */
#define LEGEND_H	(FH + 2 + FH + 4)
#define SEG_W		48		/* one stop-to-stop stretch of the bar */
#define MIN_MAP_W	160		/* below this, the summary goes under the map */
#define MAX_CELL_W	16
#define MAX_ROW_H	16
#define SUMMARY_COLS	38
#define SUMMARY_LINES	14
#define LINE_MAX	(RESIDENCY_VGA_COLS + 1)

#define RGB_TEXT	0xAAAAAAu	/* the console's grey */
#define RGB_TITLE	0xFFFFFFu
#define RGB_BG		0x000000u

static const struct ramp_stop {
	uint16_t permille;
	uint32_t rgb;
} ramp[] = {
	{ 0, RESIDENCY_RGB_BUSY },
	{ 500, 0xF0C020 },	/* half idle: amber */
	{ 900, 0x40B040 },	/* green */
	{ 990, 0x20A0A0 },	/* teal */
	{ 1000, RESIDENCY_RGB_IDLE },
};
#define NSTOPS	(sizeof(ramp) / sizeof(ramp[0]))

static uint32_t mix(uint32_t a, uint32_t b, uint32_t num, uint32_t den)
{
	uint32_t out = 0;

	for (int shift = 16; shift >= 0; shift -= 8) {
		int32_t ca = (int32_t)(a >> shift & 0xFF);
		int32_t cb = (int32_t)(b >> shift & 0xFF);

		out |= (uint32_t)(ca + (cb - ca) * (int32_t)num / (int32_t)den)
		       << shift;
	}
	return out;
}

uint32_t residency_rgb(uint32_t permille)
{
	size_t i;

	if (permille > 1000)
		return RESIDENCY_RGB_PARKED;
	for (i = 1; i < NSTOPS; i++)
		if (permille <= ramp[i].permille)
			return mix(ramp[i - 1].rgb, ramp[i].rgb,
				   permille - ramp[i - 1].permille,
				   ramp[i].permille - ramp[i - 1].permille);
	return RESIDENCY_RGB_IDLE;
}

/* ---- reading the view ---- */

static bool has_samples(const struct residency_view *v)
{
	return v->sample && v->nsamples > 0;
}

/* Columns of data: the samples, or one column of window totals. */
static uint32_t nsamples(const struct residency_view *v)
{
	return has_samples(v) ? v->nsamples : 1;
}

static uint32_t sample(const struct residency_view *v, uint32_t i, uint32_t s)
{
	const struct residency_view_cpu *c = &v->cpu[i];

	if (c->parked)
		return RESIDENCY_NO_SAMPLE;
	if (!has_samples(v))
		return c->idle_permille;
	return v->sample(v->ctx, c->cpu, s);
}

/* Least idle measured share of CPUs [cpu0, +ncpu) over samples [s0, +ns). */
static uint32_t least_idle(const struct residency_view *v, uint32_t cpu0,
			   uint32_t ncpu, uint32_t s0, uint32_t ns)
{
	uint32_t best = RESIDENCY_NO_SAMPLE, i, s, val;

	for (i = cpu0; i < cpu0 + ncpu && i < v->ncpus; i++)
		for (s = s0; s < s0 + ns && s < nsamples(v); s++) {
			val = sample(v, i, s);
			if (val <= 1000 && (best > 1000 || val < best))
				best = val;
		}
	return best;
}

struct extremes {
	uint32_t online;
	int32_t least_idle, most_wakeups, top_migrator;	/* index or -1 */
};

static void find_extremes(const struct residency_view *v, struct extremes *e)
{
	const struct residency_view_cpu *c;
	uint32_t i;

	e->online = 0;
	e->least_idle = e->most_wakeups = e->top_migrator = -1;
	for (i = 0; i < v->ncpus; i++) {
		c = &v->cpu[i];
		if (c->parked)
			continue;
		e->online++;
		if (e->least_idle < 0 ||
		    c->idle_permille < v->cpu[e->least_idle].idle_permille)
			e->least_idle = (int32_t)i;
		if (e->most_wakeups < 0 || c->wakeups_per_s_x100 >
		    v->cpu[e->most_wakeups].wakeups_per_s_x100)
			e->most_wakeups = (int32_t)i;
		if (e->top_migrator < 0 || c->migrator_permille >
		    v->cpu[e->top_migrator].migrator_permille)
			e->top_migrator = (int32_t)i;
	}
}

static uint32_t div_up(uint32_t a, uint32_t b)
{
	return a / b + (a % b != 0);
}

static uint32_t digits(uint32_t n)
{
	uint32_t d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* "10.0 s" or "800 ms": the window's length for an axis. */
static void fmt_window(char *buf, size_t size, uint32_t ms)
{
	if (ms >= 1000)
		fmt_snprintf(buf, size, "%u.%u s", ms / 1000, ms % 1000 / 100);
	else
		fmt_snprintf(buf, size, "%u ms", ms);
}

static const char *or_unknown(const char *s)
{
	return s ? s : "?";
}

/*
 * The summary as lines, SUMMARY_COLS characters at most for any plausible
 * view (a longer one is cut by the screen's edge); returns how many.
 * Shared by both screens; l (the framebuffer's layout) adds what one cell
 * stands for, which only the heatmap needs.
 */
static uint32_t summary_lines(const struct residency_view *v,
			      const struct residency_fb_layout *l,
			      char (*line)[LINE_MAX], uint32_t max)
{
	struct extremes e;
	uint32_t n = 0;
	const struct residency_view_cpu *c;

#define LINE(...) do { if (n < max) \
		fmt_snprintf(line[n++], LINE_MAX, __VA_ARGS__); } while (0)
	find_extremes(v, &e);
	LINE("CPUs       %u: %u online, %u parked", v->ncpus, e.online,
	     v->ncpus - e.online);
	LINE("residency  median %u.%u%%, min %u.%u%%", v->median_permille / 10,
	     v->median_permille % 10, v->min_permille / 10, v->min_permille % 10);
	LINE("wake-ups   %u.%02u/s, all CPUs", v->wakeups_per_s_x100 / 100,
	     v->wakeups_per_s_x100 % 100);
	LINE("idle state %s, tmigr %s", or_unknown(v->idle_state),
	     or_unknown(v->tmigr));
	LINE("measuring  %u wake-ups, %u at edges", v->measure_wakeups,
	     v->edge_wakeups);
	if (v->has_pkg_watt)
		LINE("PkgWatt    %u.%02u  CorWatt %u.%02u", v->pkg_mwatt / 1000,
		     v->pkg_mwatt % 1000 / 10, v->cor_mwatt / 1000,
		     v->cor_mwatt % 1000 / 10);
	else
		LINE("PkgWatt    not available");
	if (e.least_idle >= 0) {
		c = &v->cpu[e.least_idle];
		LINE("least idle CPU %u: %u.%u%%", c->cpu, c->idle_permille / 10,
		     c->idle_permille % 10);
		c = &v->cpu[e.most_wakeups];
		LINE("most woken CPU %u: %u.%02u/s", c->cpu,
		     c->wakeups_per_s_x100 / 100, c->wakeups_per_s_x100 % 100);
		c = &v->cpu[e.top_migrator];
		if (c->migrator_permille)
			LINE("migrator   CPU %u: %u.%u%% of duty", c->cpu,
			     c->migrator_permille / 10, c->migrator_permille % 10);
	}
	if (l) {
		LINE("cell       %u CPU%s x %u ms", l->cpus_per_row,
		     l->cpus_per_row > 1 ? "s" : "",
		     has_samples(v) ? l->samples_per_col * v->sample_ms : v->window_ms);
		if (l->cpus_per_row > 1 || l->samples_per_col > 1)
			LINE("           grouped: least idle shown");
	}
#undef LINE
	return n;
}

/* ---- framebuffer ---- */

void residency_fb_layout(const struct residency_view *v, uint32_t width,
			 uint32_t height, struct residency_fb_layout *l)
{
	uint32_t label_w = (digits(v->ncpus ? v->ncpus - 1 : 0) + 1) * FW;
	uint32_t ns = nsamples(v), n = v->ncpus;
	int64_t avail_w, avail_h, budget_h;

	memset(l, 0, sizeof(*l));
	l->width = width;
	l->height = height;
	l->map_x = MARGIN + label_w;
	l->map_y = TITLE_H;
	l->text_lines = SUMMARY_LINES;
	l->beside = width >= l->map_x + MIN_MAP_W + GAP + SUMMARY_COLS * FW +
			     MARGIN;
	avail_w = (int64_t)width - l->map_x - MARGIN -
		  (l->beside ? GAP + SUMMARY_COLS * FW : 0);
	/* a quarter of the screen stays free for the text that follows */
	budget_h = (int64_t)height - height / 4;
	avail_h = budget_h - l->map_y - AXIS_H - LEGEND_H -
		  (l->beside ? 0 : (int64_t)l->text_lines * FH + 4);
	if (avail_w > 0 && avail_h > 0 && n > 0) {
		l->samples_per_col = div_up(ns, (uint32_t)avail_w);
		l->cols = div_up(ns, l->samples_per_col);
		l->cell_w = (uint32_t)avail_w / l->cols;
		if (l->cell_w > MAX_CELL_W)
			l->cell_w = MAX_CELL_W;
		l->cpus_per_row = div_up(n, (uint32_t)avail_h);
		l->rows = div_up(n, l->cpus_per_row);
		l->row_h = (uint32_t)avail_h / l->rows;
		if (l->row_h > MAX_ROW_H)
			l->row_h = MAX_ROW_H;
	} else {
		l->samples_per_col = l->cpus_per_row = 1;
	}
	l->axis_y = l->map_y + l->rows * l->row_h;
	l->legend_y = l->axis_y + AXIS_H;
	if (l->beside) {
		l->text_x = l->map_x + l->cols * l->cell_w + GAP;
		l->text_y = l->map_y;
	} else {
		l->text_x = MARGIN;
		l->text_y = l->legend_y + LEGEND_H;
	}
	l->bottom = l->legend_y + LEGEND_H;
	if (l->text_y + l->text_lines * FH > l->bottom)
		l->bottom = l->text_y + l->text_lines * FH;
}

static void text(uint32_t x, uint32_t y, const char *s, uint32_t rgb)
{
	fbcon_text_at(x, y, s, fbcon_rgb(rgb), fbcon_rgb(RGB_BG));
}

static void draw_map(const struct residency_view *v,
		     const struct residency_fb_layout *l)
{
	uint32_t r, c, val;

	for (r = 0; r < l->rows; r++)
		for (c = 0; c < l->cols; c++) {
			val = least_idle(v, r * l->cpus_per_row, l->cpus_per_row,
					 c * l->samples_per_col,
					 l->samples_per_col);
			fbcon_fill(l->map_x + c * l->cell_w,
				   l->map_y + r * l->row_h, l->cell_w, l->row_h,
				   fbcon_rgb(residency_rgb(val)));
		}
}

/* CPU numbers left of the rows, as many as fit without overlapping. */
static void draw_cpu_axis(const struct residency_view *v,
			  const struct residency_fb_layout *l)
{
	uint32_t step = 1, r, y, bottom = l->map_y + l->rows * l->row_h;
	char buf[12];

	if (!l->rows)
		return;
	while (step * l->row_h < FH)
		step *= 2;
	for (r = 0; r < l->rows; r += step) {
		y = l->map_y + r * l->row_h;
		if (l->row_h > FH)
			y += (l->row_h - FH) / 2;
		if (r > 0 && y + FH > bottom)
			break;
		fmt_snprintf(buf, sizeof(buf), "%u",
			     v->cpu[r * l->cpus_per_row].cpu);
		text(l->map_x - (uint32_t)(strlen(buf) + 1) * FW, y, buf,
		     RGB_TEXT);
	}
}

static void draw_time_axis(const struct residency_view *v,
			   const struct residency_fb_layout *l)
{
	uint32_t w = l->cols * l->cell_w, px = fbcon_rgb(RGB_TEXT);
	uint32_t right_x, len;
	char buf[24];

	if (!l->rows)
		return;
	fbcon_fill(l->map_x, l->axis_y, 1, 4, px);
	fbcon_fill(l->map_x + w - 1, l->axis_y, 1, 4, px);
	text(l->map_x, l->axis_y + 4, "0", RGB_TEXT);
	fmt_window(buf, sizeof(buf), v->window_ms);
	len = (uint32_t)strlen(buf) * FW;
	right_x = w > len + 2 * FW ? l->map_x + w - len : l->map_x + 2 * FW;
	text(right_x, l->axis_y + 4, buf, RGB_TEXT);
	if (w > len + 10 * FW)
		text(l->map_x + 2 * FW, l->axis_y + 4, "time", RGB_TEXT);
}

/* The colour bar with its stops labelled under it, and "parked". */
static void draw_legend(const struct residency_fb_layout *l)
{
	uint32_t x = l->map_x, y = l->legend_y, bar_y = y + (FH - SCALE_H) / 2;
	uint32_t i, k;
	char buf[8];

	for (i = 0; i + 1 < NSTOPS; i++, x += SEG_W)
		for (k = 0; k < SEG_W; k++)
			fbcon_fill(x + k, bar_y, 1, SCALE_H, fbcon_rgb(residency_rgb(
				ramp[i].permille + (ramp[i + 1].permille -
				ramp[i].permille) * k / (SEG_W - 1))));
	fbcon_fill(x + GAP, bar_y, SEG_W / 2, SCALE_H,
		   fbcon_rgb(RESIDENCY_RGB_PARKED));
	text(x + GAP + SEG_W / 2 + FW, y, "parked, not measured", RGB_TEXT);
	for (i = 0, x = l->map_x; i < NSTOPS; i++, x += SEG_W) {
		fmt_snprintf(buf, sizeof(buf), "%u%s", ramp[i].permille / 10,
			     i + 1 == NSTOPS ? "%" : "");
		/* the last label past the bar's end: "99" sits at its left */
		text(i + 1 == NSTOPS ? x - FW : x, y + FH + 2, buf, RGB_TEXT);
	}
}

static void draw_fb(const struct residency_view *v,
		    struct residency_fb_layout *l)
{
	char line[SUMMARY_LINES][LINE_MAX];
	char win[24], title[LINE_MAX];
	uint32_t i, n;

	fbcon_clear();
	n = summary_lines(v, l, line, SUMMARY_LINES);
	/* the layout kept room for SUMMARY_LINES; text may start after n */
	l->text_lines = n;
	l->bottom = l->legend_y + LEGEND_H;
	if (l->text_y + n * FH > l->bottom)
		l->bottom = l->text_y + n * FH;
	fmt_window(win, sizeof(win), v->window_ms);
	fmt_snprintf(title, sizeof(title),
		     "pullkern idle residency: idle share per CPU over time, "
		     "%u CPUs, window %s", v->ncpus, win);
	text(MARGIN, 4, title, RGB_TITLE);
	draw_map(v, l);
	draw_cpu_axis(v, l);
	draw_time_axis(v, l);
	draw_legend(l);
	for (i = 0; i < n; i++)
		text(l->text_x, l->text_y + i * FH, line[i], RGB_TEXT);
	fbcon_text_below(l->bottom);
}

/* ---- VGA text ---- */

/* Background colours 0-7 only: bit 7 of the attribute may mean blink. */
#define VGA_BLACK	0x0
#define VGA_BLUE	0x1
#define VGA_GREEN	0x2
#define VGA_CYAN	0x3
#define VGA_RED		0x4
#define VGA_BROWN	0x6
#define VGA_GREY	0x7
#define VGA_WHITE	0xF
#define ATTR(bg, fg)	((uint8_t)((bg) << 4 | (fg)))
#define ATTR_TEXT	ATTR(VGA_BLACK, VGA_GREY)
#define ATTR_TITLE	ATTR(VGA_BLACK, VGA_WHITE)
#define GRID_PER_LINE	64	/* cells on one grid line, in groups of 8 */
#define GRID_COL0	5	/* after the line's first CPU number */
#define VGA_FIXED_LINES	11	/* every line but the grid's */

struct page {
	uint16_t *cells;
	uint32_t cols, rows;	/* the box drawn in: at most 80 x 25 */
	uint32_t stride;	/* the buffer's columns */
	uint32_t clipped;
};

static void put(struct page *pg, uint32_t row, uint32_t col, const char *s,
		uint8_t attr)
{
	for (; *s; s++, col++) {
		if (row >= pg->rows || col >= pg->cols) {
			pg->clipped++;
			continue;
		}
		pg->cells[row * pg->stride + col] = (uint16_t)(attr << 8 |
							       (uint8_t)*s);
	}
}

/* A grid cell: the idle share's tens digit ('*' for 100 %) on its colour. */
static void put_share(struct page *pg, uint32_t row, uint32_t col,
		      uint32_t permille)
{
	char s[2] = { '-', 0 };
	uint8_t attr = ATTR(VGA_GREY, VGA_BLACK);

	if (permille <= 1000) {
		s[0] = permille == 1000 ? '*' : (char)('0' + permille / 100);
		attr = permille < 500 ? ATTR(VGA_RED, VGA_WHITE) :
		       permille < 900 ? ATTR(VGA_BROWN, VGA_WHITE) :
		       permille < 990 ? ATTR(VGA_GREEN, VGA_WHITE) :
		       permille < 1000 ? ATTR(VGA_CYAN, VGA_WHITE) :
		       ATTR(VGA_BLUE, VGA_WHITE);
	}
	put(pg, row, col, s, attr);
}

/* The least idle CPU in each of up to 64 slices of the window. */
static void put_time_row(const struct residency_view *v, struct page *pg,
			 uint32_t row)
{
	uint32_t ns = nsamples(v), slices = ns < GRID_PER_LINE ? ns : GRID_PER_LINE;
	uint32_t i, s0, s1;
	char buf[16];

	put(pg, row, 0, "time", ATTR_TEXT);
	for (i = 0; i < slices; i++) {
		s0 = (uint32_t)((uint64_t)ns * i / slices);
		s1 = (uint32_t)((uint64_t)ns * (i + 1) / slices);
		put_share(pg, row, 5 + i, least_idle(v, 0, v->ncpus, s0, s1 - s0));
	}
	fmt_window(buf, sizeof(buf), v->window_ms);
	put(pg, row, 5 + slices + 1, buf, ATTR_TEXT);
}

void residency_vga_render(const struct residency_view *v, uint16_t *cells,
			  uint32_t cols, uint32_t rows,
			  struct residency_vga_result *out)
{
	struct page pg = { cells, cols, rows, cols, 0 };
	char line[SUMMARY_LINES][LINE_MAX], buf[LINE_MAX], win[24];
	uint32_t grid_lines, per_cell, cells_n, i, r = 0, n, g, col;

	if (pg.cols > RESIDENCY_VGA_COLS)
		pg.cols = RESIDENCY_VGA_COLS;
	if (pg.rows > RESIDENCY_VGA_ROWS)
		pg.rows = RESIDENCY_VGA_ROWS;
	for (i = 0; i < cols * rows; i++)
		cells[i] = (uint16_t)(ATTR_TEXT << 8 | ' ');
	/* the last row stays free for the cursor */
	grid_lines = pg.rows > VGA_FIXED_LINES + 1 ?
		     pg.rows - VGA_FIXED_LINES - 1 : 1;
	per_cell = div_up(v->ncpus ? v->ncpus : 1, grid_lines * GRID_PER_LINE);
	cells_n = div_up(v->ncpus, per_cell);

	fmt_window(win, sizeof(win), v->window_ms);
	fmt_snprintf(buf, sizeof(buf), "pullkern idle residency: %u CPUs, window %s, %u samples",
		     v->ncpus, win, has_samples(v) ? v->nsamples : 0);
	put(&pg, r++, 0, buf, ATTR_TITLE);
	/* the summary's lines two to a row: 38 + 2 + 38 columns */
	n = summary_lines(v, NULL, line, SUMMARY_LINES);
	for (i = 0; i < n && i < 10; i += 2) {
		put(&pg, r, 0, line[i], ATTR_TEXT);
		if (i + 1 < n)
			put(&pg, r, SUMMARY_COLS + 2, line[i + 1], ATTR_TEXT);
		r++;
	}
	r++;
	put(&pg, r++, 0, "least idle CPU over the window:", ATTR_TEXT);
	put_time_row(v, &pg, r++);
	if (per_cell > 1)
		fmt_snprintf(buf, sizeof(buf), "per CPU, %u CPUs a cell (least idle shown):",
			     per_cell);
	else
		fmt_snprintf(buf, sizeof(buf), "per CPU, one cell each:");
	put(&pg, r++, 0, buf, ATTR_TEXT);
	out->grid_row = r;
	out->grid_col = GRID_COL0;
	for (g = 0; g * GRID_PER_LINE < cells_n; g++, r++) {
		fmt_snprintf(buf, sizeof(buf), "%4u",
			     v->cpu[g * GRID_PER_LINE * per_cell].cpu);
		put(&pg, r, 0, buf, ATTR_TEXT);
		for (i = 0; i < GRID_PER_LINE && g * GRID_PER_LINE + i < cells_n; i++) {
			col = GRID_COL0 + RESIDENCY_VGA_GRID_COL(i);
			put_share(&pg, r, col, least_idle(v, (g * GRID_PER_LINE + i) *
					per_cell, per_cell, 0, nsamples(v)));
		}
	}
	put(&pg, r, 0, "cell: tens digit of idle %, * 100%, - parked", ATTR_TEXT);
	for (i = 0, col = 48; i < NSTOPS; i++) {
		static const char *const key[NSTOPS] = {
			"<50%", "<90", "<99", "<100", "100"
		};

		put_share(&pg, r, col, ramp[i].permille);
		put(&pg, r, col + 1, key[i], ATTR_TEXT);
		col += (uint32_t)strlen(key[i]) + 2;
	}
	r++;
	out->rows_used = r;
	out->clipped = pg.clipped;
	out->cpus_per_cell = per_cell;
}

/* ---- which screen ---- */

static uint16_t vga_page[RESIDENCY_VGA_ROWS * RESIDENCY_VGA_COLS];

static void report(const char *screen, const struct residency_fb_layout *l,
		   const struct residency_vga_result *t)
{
	struct json_writer w;
	char buf[512];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "residency_screen");
	json_str(&w, "screen", screen);
	if (l) {
		json_u64(&w, "width", l->width);
		json_u64(&w, "height", l->height);
		json_u64(&w, "map_x", l->map_x);
		json_u64(&w, "map_y", l->map_y);
		json_u64(&w, "cols", l->cols);
		json_u64(&w, "rows", l->rows);
		json_u64(&w, "cell_w", l->cell_w);
		json_u64(&w, "row_h", l->row_h);
		json_u64(&w, "samples_per_col", l->samples_per_col);
		json_u64(&w, "cpus_per_row", l->cpus_per_row);
		json_str(&w, "summary", l->beside ? "beside" : "below");
	}
	if (t) {
		json_u64(&w, "rows_used", t->rows_used);
		json_u64(&w, "clipped", t->clipped);
		json_u64(&w, "cpus_per_cell", t->cpus_per_cell);
	}
	report_emit(json_end(&w));
}

void residency_screen_draw(const struct residency_view *v)
{
	struct residency_fb_layout l;
	struct residency_vga_result t;
	uint32_t w, h;
	bool fb, vga;
	unsigned long flags = console_lock();

	fb = fbcon_size(&w, &h);
	if (fb) {
		residency_fb_layout(v, w, h, &l);
		draw_fb(v, &l);
	}
	vga = vga_text_size(&w, &h);
	if (vga) {
		if (w > RESIDENCY_VGA_COLS)
			w = RESIDENCY_VGA_COLS;
		if (h > RESIDENCY_VGA_ROWS)
			h = RESIDENCY_VGA_ROWS;
		residency_vga_render(v, vga_page, w, h, &t);
		vga_text_page(vga_page, w, h, t.rows_used);
	}
	console_unlock(flags);
	report(fb && vga ? "fb,vga" : fb ? "fb" : vga ? "vga" : "none",
	       fb ? &l : NULL, vga ? &t : NULL);
}
