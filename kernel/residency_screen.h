/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * residency_screen: the pieces of the residency picture that tests look at.
 *
 * kernel/residency_view.h declares residency_screen_draw(), the one entry
 * point the kernel uses.  This header adds what the host test and the
 * test=residency_screen hook need to find and judge what was drawn: the
 * colour scale, the framebuffer layout, and the VGA page renderer.
 * docs/residency-screen.md describes the picture.
 */
#ifndef PULLKERN_RESIDENCY_SCREEN_H
#define PULLKERN_RESIDENCY_SCREEN_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/residency_view.h"

/* The colour scale's ends and the colour of "not measured", 0xRRGGBB. */
#define RESIDENCY_RGB_BUSY	0xD02020u	/* idle 0 per-mille */
#define RESIDENCY_RGB_IDLE	0x2040C0u	/* idle 1000 per-mille */
#define RESIDENCY_RGB_PARKED	0x707070u	/* RESIDENCY_NO_SAMPLE, parked CPUs */

/* The scale: idle per-mille (0..1000) to 0xRRGGBB; NO_SAMPLE to parked. */
uint32_t residency_rgb(uint32_t permille);

/* Where the framebuffer picture puts things, in pixels. */
struct residency_fb_layout {
	uint32_t width, height;		/* the screen */
	uint32_t map_x, map_y;		/* the heatmap's top-left pixel */
	uint32_t cols, rows;		/* heatmap cells across and down (0: no map) */
	uint32_t cell_w, row_h;		/* one cell's size */
	uint32_t samples_per_col;	/* samples one column covers */
	uint32_t cpus_per_row;		/* CPUs one row covers */
	uint32_t axis_y, legend_y;	/* time axis and colour scale, below the map */
	uint32_t text_x, text_y;	/* the summary's first line */
	uint32_t text_lines;		/* room kept for summary lines */
	bool beside;			/* summary right of the map, else below */
	uint32_t bottom;		/* first pixel row below the picture */
};

/* The layout of v's picture on a width x height screen. */
void residency_fb_layout(const struct residency_view *v, uint32_t width,
			 uint32_t height, struct residency_fb_layout *l);

/* The VGA text summary fits this box (a bigger screen shows it top-left). */
#define RESIDENCY_VGA_COLS	80
#define RESIDENCY_VGA_ROWS	25

/* What residency_vga_render() did. */
struct residency_vga_result {
	uint32_t rows_used;		/* rows holding the summary */
	uint32_t clipped;		/* characters that did not fit (0 when it fits) */
	uint32_t cpus_per_cell;		/* CPUs one grid cell stands for */
	uint32_t grid_row, grid_col;	/* the first grid cell (the first CPU) */
};

/* Grid cell i of the VGA page sits this many columns right of grid_col. */
#define RESIDENCY_VGA_GRID_COL(i)	((i) % 64 + (i) % 64 / 8)
#define RESIDENCY_VGA_GRID_ROW(i)	((i) / 64)

/*
 * Compose the VGA summary into cells (cols x rows, row-major, attribute <<
 * 8 | character); it uses at most RESIDENCY_VGA_COLS x RESIDENCY_VGA_ROWS
 * and leaves the last row it may use free for the cursor.
 */
void residency_vga_render(const struct residency_view *v, uint16_t *cells,
			  uint32_t cols, uint32_t rows,
			  struct residency_vga_result *out);

/*
 * test=residency_screen (kernel/residency_screen_test.c): draw a window
 * of known shares, state where the busy, idle and parked cells are and
 * their colours, and wait for a judgement of the screen's pixels typed on
 * the keyboard (docs/residency-screen.md).
 */
void residency_screen_selftest(void);

#endif
