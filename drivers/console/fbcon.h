/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fbcon: text on a direct-RGB linear framebuffer, with the built-in font.
 *
 * Portable: no x86 header, so the host tests draw into a memory buffer.
 * kernel/console.c validates with fbcon_check() (outside the console lock:
 * it prints), maps the memory, then calls fbcon_init() and fbcon_write()
 * under the console lock.
 */
#ifndef PULLKERN_FBCON_H
#define PULLKERN_FBCON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/console.h"

/* Text grid limits: larger screens use their top-left part. */
#define FBCON_MAX_COLS	512
#define FBCON_MAX_ROWS	160

/* True if we can draw on fb; otherwise say why with kprintf(). */
bool fbcon_check(const struct fb_desc *fb);

/*
 * Draw on the framebuffer described by fb (which passed fbcon_check) whose
 * first byte is at `base`; clears the screen.
 */
void fbcon_init(const struct fb_desc *fb, void *base);

/* Stop drawing: later writes do nothing. */
void fbcon_disable(void);

void fbcon_write(const char *s, size_t n);

/*
 * Picture primitives, called under the console lock like the rest.  Every
 * drawing call clips to the screen and does nothing while fbcon is not in
 * use.  Colours are 0xRRGGBB, turned into the screen's format once by
 * fbcon_rgb() (valid until the next fbcon_init()).
 */
/* The screen in pixels; false (nothing set) when fbcon is not in use. */
bool fbcon_size(uint32_t *width, uint32_t *height);
uint32_t fbcon_rgb(uint32_t rgb24);
/* Fill w x h pixels from (x, y) with pixel value px. */
void fbcon_fill(uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t px);
/*
 * Draw s from pixel (x, y), one 8x16 glyph per byte, outside the text
 * grid (the shadow does not see it); returns the glyphs started.
 */
uint32_t fbcon_text_at(uint32_t x, uint32_t y, const char *s, uint32_t fg,
		       uint32_t bg);
/* Blank screen and text, cursor top left: a picture begins. */
void fbcon_clear(void);
/* Later text starts on the first text row at or below pixel row y. */
void fbcon_text_below(uint32_t y);

#endif
