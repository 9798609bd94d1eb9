// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * text_grid: cursor movement over a grid of character cells.
 *
 * The rules, as a terminal does them: \r goes to column 0; \n goes to the
 * next row's column 0; \t moves to the next multiple of TEXT_TAB_WIDTH
 * without erasing; \b moves one column left without erasing and stops at
 * column 0, as a VT100 does (no reverse wrap; the shell's echo relies on
 * it, docs/shell.md); a byte written past the last column wraps first; a row
 * past the last asks the caller to scroll, which says where to go on.  The
 * column may equal `cols` (a full line not yet wrapped): the wrap happens
 * when the next byte arrives, so a line of exactly `cols` characters
 * followed by \n takes one row, not two.
 *
 * Works on copies of the cursor and writes it back at the end, so the
 * caller's state is updated once per call.
 */
#include "drivers/console/text_grid.h"

void text_grid_write(uint32_t *row_p, uint32_t *col_p, uint32_t rows,
		     uint32_t cols, const char *s, size_t n,
		     text_draw_fn draw, text_scroll_fn scroll)
{
	uint32_t row = *row_p, col = *col_p;

	if (row >= rows || col > cols)
		row = col = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = (uint8_t)s[i];

		if (ch == '\r') {
			col = 0;
			continue;
		}
		if (ch == '\b') {
			if (col > 0)
				col--;	/* from `cols` (wrap pending) to the last cell */
			continue;
		}
		if (ch == '\n' || col >= cols) {
			col = 0;
			if (++row >= rows)
				row = scroll();
			if (ch == '\n')
				continue;
		}
		if (ch == '\t') {
			col = (col / TEXT_TAB_WIDTH + 1) * TEXT_TAB_WIDTH;
			if (col > cols)
				col = cols;
			continue;
		}
		draw(row, col++, ch);
	}
	*row_p = row;
	*col_p = col;
}
