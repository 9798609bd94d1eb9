// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fbcon: text on a direct-RGB linear framebuffer, with the built-in font.
 *
 * Theory.  GRUB hands over a multiboot2 framebuffer of type 1: `height`
 * rows of `width` pixels, each row starting `pitch` bytes after the last
 * (pitch may exceed width * bytes-per-pixel), each pixel 3 or 4 bytes whose
 * bit fields red/green/blue sit at the positions and sizes GRUB gives
 * (multiboot2 spec, "Framebuffer info", framebuffer_type 1).  Indexed
 * colour and other depths are refused with a message.
 *
 * The screen is a grid of 8x16 cells (drivers/console/font8x16.h); the
 * pixels right of and below the last whole cell stay black.  A shadow copy
 * of the characters lets us redraw without ever reading the framebuffer,
 * which on real hardware is uncached or write-combining and slow to read:
 *
 *   text[row][col]  ──draw_cell──►  base + row*16*pitch + col*8*bytespp
 *   (FBCON_MAX_ROWS x FBCON_MAX_COLS, only rows x cols used)
 *
 * Scrolling, chosen for speed under QEMU TCG (64 CPUs printing): moving
 * the whole framebuffer up one line per newline costs a full-screen copy
 * per line.  Instead, when the cursor falls off the bottom, the bottom
 * half of the text is redrawn at the top from the shadow and the rest is
 * cleared: one screenful of pixel writes per rows/2 lines, i.e. about two
 * text rows of pixels per printed line.  The price is that the oldest half
 * of the screen disappears at once.
 *
 * Pictures (kernel/residency_screen.c) draw with the primitives at the
 * end of this file: a filled rectangle and a line of text at any pixel
 * position, both clipped to the screen, so a caller's layout mistake or a
 * screen smaller than the picture can never write outside the buffer.  A
 * picture starts with fbcon_clear() (screen and shadow blank, cursor top
 * left) and ends with fbcon_text_below(): later text starts under it, and
 * the first scroll takes the picture away whole, because the shadow holds
 * blanks where it is and the redraw paints them over it.
 *
 * Bytes outside 0x20..0x7E are drawn as the font's box glyph; '\n', '\r',
 * '\t' and '\b' are interpreted (drivers/console/text_grid.c).  A line longer than the screen wraps.
 *
 * Locking: none here; kernel/console.c holds the console lock around
 * fbcon_init/fbcon_write/fbcon_disable.  fbcon_check prints, so it runs
 * outside that lock.  In console panic mode two CPUs may write at once:
 * the cursor is read into locals and bounds-checked before use, so text
 * may be garbled but no write lands outside the framebuffer or the shadow.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/console/fbcon.h"
#include "drivers/console/text_grid.h"
#include "drivers/console/font8x16.h"
#include "kernel/console.h"
#include "kernel/printk.h"

#define FONT_W		FONT8X16_WIDTH
#define FONT_H		FONT8X16_HEIGHT
#define GREY		0xAA	/* VGA light grey, per 8-bit channel */
/* no real mode is this big (8K at 32 bpp is 127 MiB): treat as corrupt */
#define FB_MAX_BYTES	(512ULL << 20)

/* A 32-bit pixel store that may be unaligned when the pitch is odd. */
typedef uint32_t fb_u32 __attribute__((aligned(1), may_alias));

/* All fields under the console lock; the geometry is set by fbcon_init. */
static struct {
	uint8_t *base;			/* NULL: not in use */
	uint32_t pitch, bytespp;
	uint32_t width, height;		/* pixels */
	uint32_t cols, rows;		/* text cells in use */
	uint32_t row, col;		/* cursor: the next cell written */
	uint32_t fg, bg;		/* pixel values in the fb's format */
	struct fb_desc fmt;		/* channel positions and sizes, for fbcon_rgb */
	uint8_t text[FBCON_MAX_ROWS][FBCON_MAX_COLS];
} fbc;

static bool channel_ok(const char *name, uint8_t pos, uint8_t size,
		       uint8_t bpp)
{
	if (size == 0 || size > 16 || pos + size > bpp) {
		kprintf("fbcon: %s channel at bit %u, %u bits wide, does not "
			"fit a %u-bit pixel\n", name, (unsigned int)pos,
			(unsigned int)size, (unsigned int)bpp);
		return false;
	}
	return true;
}

bool fbcon_check(const struct fb_desc *fb)
{
	uint64_t bytes = (uint64_t)fb->pitch * fb->height;

	if (fb->bpp != 24 && fb->bpp != 32) {
		kprintf("fbcon: %u bits per pixel not supported (only 24 and "
			"32)\n", (unsigned int)fb->bpp);
		return false;
	}
	if (fb->width < FONT_W || fb->height < FONT_H) {
		kprintf("fbcon: %ux%u pixels is smaller than one character\n",
			fb->width, fb->height);
		return false;
	}
	if ((uint64_t)fb->width * (fb->bpp / 8) > fb->pitch) {
		kprintf("fbcon: pitch %u bytes is shorter than a row of %u "
			"pixels\n", fb->pitch, fb->width);
		return false;
	}
	if (fb->phys == 0 || bytes > FB_MAX_BYTES ||
	    fb->phys + bytes < fb->phys) {
		kprintf("fbcon: implausible framebuffer at %#llx, %llu bytes\n",
			(unsigned long long)fb->phys,
			(unsigned long long)bytes);
		return false;
	}
	if (!channel_ok("red", fb->red_pos, fb->red_size, fb->bpp) ||
	    !channel_ok("green", fb->green_pos, fb->green_size, fb->bpp) ||
	    !channel_ok("blue", fb->blue_pos, fb->blue_size, fb->bpp))
		return false;
	if (fb->width / FONT_W > FBCON_MAX_COLS ||
	    fb->height / FONT_H > FBCON_MAX_ROWS)
		kprintf("fbcon: %ux%u pixels: using only the top-left %ux%u "
			"characters\n", fb->width, fb->height,
			FBCON_MAX_COLS, FBCON_MAX_ROWS);
	return true;
}

/* An 8-bit intensity scaled to a channel of `size` bits at `pos`. */
static uint32_t channel(uint32_t v8, uint8_t pos, uint8_t size)
{
	uint32_t v = size <= 8 ? v8 >> (8 - size) : v8 << (size - 8);

	return v << pos;
}

static uint32_t rgb(const struct fb_desc *fb, uint32_t r, uint32_t g,
		    uint32_t b)
{
	return channel(r, fb->red_pos, fb->red_size) |
	       channel(g, fb->green_pos, fb->green_size) |
	       channel(b, fb->blue_pos, fb->blue_size);
}

static void put_px24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
}

/* Paint pixel rows [y0, y1), columns [0, w), in the background colour. */
static void fill_bg(uint32_t y0, uint32_t y1, uint32_t w)
{
	uint8_t *line = fbc.base + (size_t)y0 * fbc.pitch;
	uint32_t x, y;

	for (y = y0; y < y1; y++, line += fbc.pitch) {
		if (fbc.bytespp == 4) {
			fb_u32 *px = (fb_u32 *)line;

			for (x = 0; x < w; x++)
				px[x] = fbc.bg;
		} else {
			for (x = 0; x < w; x++)
				put_px24(line + 3 * x, fbc.bg);
		}
	}
}

static void draw_cell(uint32_t row, uint32_t col, uint8_t ch)
{
	const uint8_t *glyph = font8x16_glyph(ch);
	uint8_t *line = fbc.base + (size_t)row * FONT_H * fbc.pitch +
			(size_t)col * FONT_W * fbc.bytespp;
	uint32_t x, y;

	fbc.text[row][col] = ch;
	for (y = 0; y < FONT_H; y++, line += fbc.pitch) {
		unsigned int bits = glyph[y];

		if (fbc.bytespp == 4) {
			fb_u32 *px = (fb_u32 *)line;

			for (x = 0; x < FONT_W; x++)
				px[x] = bits & (0x80u >> x) ? fbc.fg : fbc.bg;
		} else {
			for (x = 0; x < FONT_W; x++)
				put_px24(line + 3 * x, bits & (0x80u >> x) ?
							fbc.fg : fbc.bg);
		}
	}
}

/* Drop the top half of the text (rounded up); return the cursor's new row. */
static uint32_t scroll(void)
{
	uint32_t drop = (fbc.rows + 1) / 2;
	uint32_t keep = fbc.rows - drop;
	uint32_t r, c;

	for (r = 0; r < keep; r++)
		for (c = 0; c < fbc.cols; c++)
			draw_cell(r, c, fbc.text[r + drop][c]);
	for (r = keep; r < fbc.rows; r++)
		for (c = 0; c < fbc.cols; c++)
			fbc.text[r][c] = ' ';
	fill_bg(keep * FONT_H, fbc.rows * FONT_H, fbc.cols * FONT_W);
	return keep;
}

void fbcon_init(const struct fb_desc *fb, void *base)
{
	uint32_t r, c;

	fbc.base = base;
	fbc.pitch = fb->pitch;
	fbc.bytespp = fb->bpp / 8;
	fbc.width = fb->width;
	fbc.height = fb->height;
	fbc.cols = fb->width / FONT_W;
	if (fbc.cols > FBCON_MAX_COLS)
		fbc.cols = FBCON_MAX_COLS;
	fbc.rows = fb->height / FONT_H;
	if (fbc.rows > FBCON_MAX_ROWS)
		fbc.rows = FBCON_MAX_ROWS;
	fbc.row = 0;
	fbc.col = 0;
	fbc.fmt = *fb;
	fbc.fg = rgb(fb, GREY, GREY, GREY);
	fbc.bg = rgb(fb, 0, 0, 0);
	for (r = 0; r < fbc.rows; r++)
		for (c = 0; c < fbc.cols; c++)
			fbc.text[r][c] = ' ';
	fill_bg(0, fbc.height, fbc.width);
}

void fbcon_disable(void)
{
	fbc.base = NULL;
}

void fbcon_write(const char *s, size_t n)
{
	if (!fbc.base)
		return;
	/* see "Locking": text_grid_write re-checks a cursor another CPU moved */
	text_grid_write(&fbc.row, &fbc.col, fbc.rows, fbc.cols, s, n,
			draw_cell, scroll);
}

/* ---- picture primitives (see "Pictures" above); under the console lock ---- */

bool fbcon_size(uint32_t *width, uint32_t *height)
{
	if (!fbc.base)
		return false;
	*width = fbc.width;
	*height = fbc.height;
	return true;
}

uint32_t fbcon_rgb(uint32_t rgb24)
{
	return rgb(&fbc.fmt, rgb24 >> 16 & 0xFF, rgb24 >> 8 & 0xFF,
		   rgb24 & 0xFF);
}

static void put_px(uint32_t x, uint32_t y, uint32_t px)
{
	uint8_t *p = fbc.base + (size_t)y * fbc.pitch + (size_t)x * fbc.bytespp;

	if (fbc.bytespp == 4)
		*(fb_u32 *)p = px;
	else
		put_px24(p, px);
}

void fbcon_fill(uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t px)
{
	uint32_t i, j;

	if (!fbc.base || x >= fbc.width || y >= fbc.height)
		return;
	if (w > fbc.width - x)
		w = fbc.width - x;
	if (h > fbc.height - y)
		h = fbc.height - y;
	for (j = y; j < y + h; j++)
		for (i = x; i < x + w; i++)
			put_px(i, j, px);
}

uint32_t fbcon_text_at(uint32_t x, uint32_t y, const char *s, uint32_t fg,
		       uint32_t bg)
{
	uint32_t gx, gy, n = 0;

	if (!fbc.base)
		return 0;
	for (; *s && x < fbc.width && x + FONT_W > x; s++, x += FONT_W, n++) {
		const uint8_t *glyph = font8x16_glyph((uint8_t)*s);

		for (gy = 0; gy < FONT_H && y + gy < fbc.height; gy++)
			for (gx = 0; gx < FONT_W && x + gx < fbc.width; gx++)
				put_px(x + gx, y + gy, glyph[gy] & (0x80u >> gx) ?
				       fg : bg);
	}
	return n;
}

void fbcon_clear(void)
{
	uint32_t r, c;

	if (!fbc.base)
		return;
	for (r = 0; r < fbc.rows; r++)
		for (c = 0; c < fbc.cols; c++)
			fbc.text[r][c] = ' ';
	fill_bg(0, fbc.height, fbc.width);
	fbc.row = 0;
	fbc.col = 0;
}

void fbcon_text_below(uint32_t y)
{
	uint32_t row = (y + FONT_H - 1) / FONT_H;

	if (!fbc.base)
		return;
	fbc.row = row < fbc.rows ? row : fbc.rows - 1;
	fbc.col = 0;
}
