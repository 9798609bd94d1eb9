/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * text_grid: the cursor rules shared by the character consoles (VGA text
 * and the framebuffer console), so both treat \r, \n, \t, \b, line wrap and
 * scrolling the same way.  Portable: no x86 header.
 */
#ifndef PULLKERN_DRIVERS_TEXT_GRID_H
#define PULLKERN_DRIVERS_TEXT_GRID_H

#include <stddef.h>
#include <stdint.h>

#define TEXT_TAB_WIDTH	8

/* Put printable byte `ch` (or a stand-in for it) in one cell. */
typedef void (*text_draw_fn)(uint32_t row, uint32_t col, uint8_t ch);
/* Make room below the last row; return the row to continue on. */
typedef uint32_t (*text_scroll_fn)(void);

/*
 * Write n bytes starting at the cursor (*row, *col) of a rows x cols grid
 * and leave the cursor after them.  A cursor outside the grid (another CPU
 * moved it, see the callers' locking notes) restarts at the top left.
 */
void text_grid_write(uint32_t *row, uint32_t *col, uint32_t rows,
		     uint32_t cols, const char *s, size_t n,
		     text_draw_fn draw, text_scroll_fn scroll);

#endif
