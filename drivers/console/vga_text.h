/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vga_text: a VGA/EGA text-mode screen as a console.
 *
 * Not locked here: kernel/console.c calls every function under the console
 * lock.  The caller maps the buffer; this file never picks an address.
 */
#ifndef PULLKERN_VGA_TEXT_H
#define PULLKERN_VGA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VGA_TEXT_PHYS	0xB8000
#define VGA_TEXT_COLS	80
#define VGA_TEXT_ROWS	25
/* the colour text window is 0xB8000..0xBFFFF: 16 Ki cells at most */
#define VGA_TEXT_MAX_CELLS	(0x8000 / 2)

/* True if cols x rows is a screen we can drive (prints nothing). */
bool vga_text_geometry_ok(uint32_t cols, uint32_t rows);

/*
 * Take over `cells` (cols x rows, 2 bytes each) and clear it.  hw_cursor:
 * also move the CRTC cursor at 0x3D4, only for the standard colour
 * adapter.  The geometry must have passed vga_text_geometry_ok().
 */
void vga_text_init(volatile uint16_t *cells, uint32_t cols, uint32_t rows,
		   bool hw_cursor);

/* Stop using the screen: later writes do nothing. */
void vga_text_disable(void);

void vga_text_write(const char *s, size_t n);

/* The screen in cells; false (nothing set) when not in use. */
bool vga_text_size(uint32_t *cols, uint32_t *rows);

/*
 * Replace the screen with a page: `cells` is cols x rows, row-major, each
 * (attribute << 8 | CP437 character), shown top-left and clipped; the rest
 * of the screen is blanked and text continues at column 0 of cursor_row
 * (the last row if it is past the end).  Nothing while not in use.
 */
void vga_text_page(const uint16_t *cells, uint32_t cols, uint32_t rows,
		   uint32_t cursor_row);

#endif
