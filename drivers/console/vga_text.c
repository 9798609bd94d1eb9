// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vga_text: a VGA/EGA text-mode screen as a console.
 *
 * Theory.  The screen is an array of 16-bit cells, row-major, low byte the
 * code-page-437 character, high byte the attribute (background in bits
 * 7:4, foreground in bits 3:0).  We write light grey on black (0x07).
 *
 *   cells ──► [row 0: col 0 .. cols-1][row 1 ...] ... [row rows-1]
 *                        ▲ cursor (row, col): the next cell written
 *
 * Scrolling: when the cursor falls off the bottom we move the bottom half
 * of the screen to the top and clear the rest, instead of moving one line
 * per newline.  In QEMU the legacy VGA window is emulated MMIO (every
 * 16-bit access is a call into the device model) and many CPUs print, so
 * half-screen steps cut the copying by a factor of rows/2 for the price of
 * the top half of the old text disappearing at once.
 *
 * Bytes outside printable ASCII are shown as CP437 0xFE (a small square),
 * matching the framebuffer console's box.  The CRTC cursor (ports
 * 0x3D4/0x3D5, Cursor Location High/Low registers, indices 0x0E/0x0F, IBM
 * VGA technical reference) is moved once per write call, only when the
 * caller says this is the standard colour adapter.
 *
 * A page (vga_text_page, for kernel/residency_screen.c) replaces the
 * whole screen at once: cells the caller composed, with their own
 * attributes, copied top-left and clipped to the screen, the rest blank,
 * the cursor on the row the caller names.  The caller composes off screen
 * so the screen never shows half a page, and later text scrolls the page
 * away as it would any text.
 *
 * Locking: none here; the console lock covers every call.  In panic mode
 * (kernel/console.c) two CPUs may write at once, so the cursor is read
 * into locals and bounds-checked before every use: garbled text is
 * possible, a write outside the buffer is not.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/io.h"
#include "drivers/console/text_grid.h"
#include "drivers/console/vga_text.h"

#define CRTC_INDEX	0x3D4
#define CRTC_DATA	0x3D5
#define CRTC_CURSOR_HI	0x0E
#define CRTC_CURSOR_LO	0x0F

#define ATTR_GREY	0x07		/* light grey on black */
#define CP437_SQUARE	0xFE

/* All fields under the console lock. */
static struct {
	volatile uint16_t *cells;	/* NULL: not in use */
	uint32_t cols, rows;
	uint32_t row, col;		/* cursor */
	bool hw_cursor;
} vga;

static uint16_t cell(uint8_t ch)
{
	return (uint16_t)(ATTR_GREY << 8 | ch);
}

static void clear_rows(uint32_t first, uint32_t count)
{
	uint32_t i, end = (first + count) * vga.cols;

	for (i = first * vga.cols; i < end; i++)
		vga.cells[i] = cell(' ');
}

/* Discard the top half (rounded up); return the row the cursor moves to. */
static uint32_t scroll(void)
{
	uint32_t drop = (vga.rows + 1) / 2;
	uint32_t keep = vga.rows - drop;
	uint32_t i, n = keep * vga.cols;

	for (i = 0; i < n; i++)
		vga.cells[i] = vga.cells[i + drop * vga.cols];
	clear_rows(keep, drop);
	return keep;
}

static void move_hw_cursor(uint32_t row, uint32_t col)
{
	uint16_t pos = (uint16_t)(row * vga.cols + col);

	outb(CRTC_INDEX, CRTC_CURSOR_HI);
	outb(CRTC_DATA, (uint8_t)(pos >> 8));
	outb(CRTC_INDEX, CRTC_CURSOR_LO);
	outb(CRTC_DATA, (uint8_t)pos);
}

bool vga_text_geometry_ok(uint32_t cols, uint32_t rows)
{
	return cols > 0 && rows > 0 && cols <= VGA_TEXT_MAX_CELLS &&
	       rows <= VGA_TEXT_MAX_CELLS &&
	       cols * rows <= VGA_TEXT_MAX_CELLS;
}

void vga_text_init(volatile uint16_t *cells, uint32_t cols, uint32_t rows,
		   bool hw_cursor)
{
	vga.cells = cells;
	vga.cols = cols;
	vga.rows = rows;
	vga.row = 0;
	vga.col = 0;
	vga.hw_cursor = hw_cursor;
	clear_rows(0, rows);
	if (hw_cursor)
		move_hw_cursor(0, 0);
}

void vga_text_disable(void)
{
	vga.cells = NULL;
}

static void put_cell(uint32_t row, uint32_t col, uint8_t ch)
{
	if (ch < 0x20 || ch > 0x7E)
		ch = CP437_SQUARE;
	vga.cells[row * vga.cols + col] = cell(ch);
}

void vga_text_write(const char *s, size_t n)
{
	if (!vga.cells)
		return;
	/* see "Locking": text_grid_write re-checks a cursor another CPU moved */
	text_grid_write(&vga.row, &vga.col, vga.rows, vga.cols, s, n,
			put_cell, scroll);
	if (vga.hw_cursor)
		move_hw_cursor(vga.row, vga.col < vga.cols ? vga.col : vga.cols - 1);
}

bool vga_text_size(uint32_t *cols, uint32_t *rows)
{
	if (!vga.cells)
		return false;
	*cols = vga.cols;
	*rows = vga.rows;
	return true;
}

void vga_text_page(const uint16_t *cells, uint32_t cols, uint32_t rows,
		   uint32_t cursor_row)
{
	uint32_t r, c;

	if (!vga.cells)
		return;
	clear_rows(0, vga.rows);
	for (r = 0; r < rows && r < vga.rows; r++)
		for (c = 0; c < cols && c < vga.cols; c++)
			vga.cells[r * vga.cols + c] = cells[r * cols + c];
	vga.row = cursor_row < vga.rows ? cursor_row : vga.rows - 1;
	vga.col = 0;
	if (vga.hw_cursor)
		move_hw_cursor(vga.row, 0);
}
