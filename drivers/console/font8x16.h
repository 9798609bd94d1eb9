/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * font8x16: the console's built-in bitmap font (printable ASCII, 8x16).
 *
 * The data is generated (tools/gen-font.py, from GNU Unifont); see the
 * licence at the top of font8x16.c.  One glyph per byte 0x20..0x7E, plus a
 * hollow box drawn for every other byte, so a lookup never fails.
 */
#ifndef PULLKERN_FONT8X16_H
#define PULLKERN_FONT8X16_H

#include <stdint.h>

#define FONT8X16_WIDTH	8
#define FONT8X16_HEIGHT	16
#define FONT8X16_FIRST	0x20
#define FONT8X16_LAST	0x7E
/* printable ASCII plus the box at the end */
#define FONT8X16_GLYPHS	(FONT8X16_LAST - FONT8X16_FIRST + 2)
#define FONT8X16_BOX	(FONT8X16_GLYPHS - 1)

extern const uint8_t font8x16_data[FONT8X16_GLYPHS][FONT8X16_HEIGHT];

/* Row bitmaps of the glyph for byte c: bit 7 of each row is the leftmost. */
static inline const uint8_t *font8x16_glyph(unsigned char c)
{
	if (c < FONT8X16_FIRST || c > FONT8X16_LAST)
		return font8x16_data[FONT8X16_BOX];
	return font8x16_data[c - FONT8X16_FIRST];
}

#endif
