// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drivers/console/fbcon drawing into a memory buffer.
 *
 * Each test builds a small framebuffer in host memory (pitch wider than
 * the visible row, canary bytes all around), runs fbcon_init/fbcon_write
 * on it, and reads the text back by decoding every 8x16 cell against the
 * font: a cell must contain only foreground and background pixels and
 * match exactly one glyph.  So the tests prove glyph placement, pixel
 * format, wrapping and the half-screen scroll, and that nothing is written
 * outside the visible pixels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/console/fbcon.h"
#include "drivers/console/font8x16.h"
#include "host_support.h"
#include "kernel/console.h"

#define CANARY		0x5A
#define GUARD		64	/* canary bytes before and after the buffer */
#define NOT_A_GLYPH	(-1)
#define BOX		(-2)

struct fake_fb {
	struct fb_desc desc;
	uint8_t *mem;		/* GUARD + pitch * height + GUARD bytes */
	uint8_t *pixels;	/* mem + GUARD: what fbcon draws on */
	uint32_t fg;
};

static struct fake_fb make_fb(uint32_t width, uint32_t height, uint8_t bpp,
			      uint32_t pad)
{
	struct fake_fb f = { 0 };
	size_t size;

	f.desc.phys = 0xfd000000;
	f.desc.width = width;
	f.desc.height = height;
	f.desc.bpp = bpp;
	f.desc.pitch = width * (bpp / 8) + pad;
	f.desc.red_pos = 16;
	f.desc.red_size = 8;
	f.desc.green_pos = 8;
	f.desc.green_size = 8;
	f.desc.blue_pos = 0;
	f.desc.blue_size = 8;
	f.fg = 0xAAAAAA;
	size = (size_t)f.desc.pitch * height + 2 * GUARD;
	f.mem = malloc(size);
	assert_non_null(f.mem);
	memset(f.mem, CANARY, size);
	f.pixels = f.mem + GUARD;
	return f;
}

static void start(struct fake_fb *f)
{
	host_log_reset();
	assert_true(fbcon_check(&f->desc));
	fbcon_init(&f->desc, f->pixels);
}

static void finish(struct fake_fb *f)
{
	fbcon_disable();
	free(f->mem);
}

static void put(const char *s)
{
	fbcon_write(s, strlen(s));
}

static uint32_t pixel(const struct fake_fb *f, uint32_t x, uint32_t y)
{
	const uint8_t *p = f->pixels + (size_t)y * f->desc.pitch +
			   (size_t)x * (f->desc.bpp / 8);
	uint32_t v = p[0] | p[1] << 8 | p[2] << 16;

	if (f->desc.bpp == 32)
		v |= (uint32_t)p[3] << 24;
	return v;
}

/* The character in cell (row, col), BOX, or NOT_A_GLYPH. */
static int cell_char(const struct fake_fb *f, uint32_t row, uint32_t col)
{
	uint8_t bits[FONT8X16_HEIGHT];
	uint32_t x, y;
	int c;

	for (y = 0; y < FONT8X16_HEIGHT; y++) {
		bits[y] = 0;
		for (x = 0; x < FONT8X16_WIDTH; x++) {
			uint32_t v = pixel(f, col * 8 + x, row * 16 + y);

			if (v == f->fg)
				bits[y] |= (uint8_t)(0x80 >> x);
			else if (v != 0)
				return NOT_A_GLYPH;
		}
	}
	for (c = FONT8X16_FIRST; c <= FONT8X16_LAST; c++)
		if (!memcmp(bits, font8x16_glyph((unsigned char)c), 16))
			return c;
	if (!memcmp(bits, font8x16_data[FONT8X16_BOX], sizeof(bits)))
		return BOX;
	return NOT_A_GLYPH;
}

/* The text of one screen row, trailing blanks removed. */
static const char *row_text(const struct fake_fb *f, uint32_t row)
{
	static char line[FBCON_MAX_COLS + 1];
	uint32_t col, cols = f->desc.width / 8;
	size_t len = 0;

	if (cols > FBCON_MAX_COLS)
		cols = FBCON_MAX_COLS;
	for (col = 0; col < cols; col++) {
		int c = cell_char(f, row, col);

		line[col] = c == BOX ? '#' : c == NOT_A_GLYPH ? '!' : (char)c;
		if (line[col] != ' ')
			len = col + 1;
	}
	line[len] = '\0';
	return line;
}

static void assert_canaries_intact(const struct fake_fb *f)
{
	size_t row_bytes = (size_t)f->desc.width * (f->desc.bpp / 8);
	size_t i, y;

	for (i = 0; i < GUARD; i++) {
		assert_int_equal(f->mem[i], CANARY);
		assert_int_equal(f->pixels[(size_t)f->desc.pitch *
					   f->desc.height + i], CANARY);
	}
	for (y = 0; y < f->desc.height; y++)
		for (i = row_bytes; i < f->desc.pitch; i++)
			assert_int_equal(f->pixels[y * f->desc.pitch + i],
					 CANARY);
}

static void test_glyph_drawn_in_grey_at_cursor_cell(void **state)
{
	struct fake_fb f = make_fb(64, 48, 32, 12);

	(void)state;
	start(&f);
	put("A");
	assert_int_equal(cell_char(&f, 0, 0), 'A');
	assert_int_equal(cell_char(&f, 0, 1), ' ');
	/* a pixel that is set in Unifont's 'A': row 9 is its crossbar */
	assert_int_equal(pixel(&f, 1, 9), 0xAAAAAA);
	assert_int_equal(pixel(&f, 0, 9), 0);
	assert_string_equal(row_text(&f, 0), "A");
	assert_canaries_intact(&f);
	finish(&f);
}

static void test_init_clears_all_visible_pixels_and_only_those(void **state)
{
	/* 70x40: partial cells at the right and bottom edges */
	struct fake_fb f = make_fb(70, 40, 32, 8);
	uint32_t x, y;

	(void)state;
	start(&f);
	for (y = 0; y < 40; y++)
		for (x = 0; x < 70; x++)
			assert_int_equal(pixel(&f, x, y), 0);
	assert_canaries_intact(&f);
	finish(&f);
}

static void test_long_line_wraps_without_blank_line(void **state)
{
	struct fake_fb f = make_fb(64, 64, 32, 0);	/* 8 x 4 cells */

	(void)state;
	start(&f);
	put("12345678\nabc");	/* exactly one row, then a newline */
	assert_string_equal(row_text(&f, 0), "12345678");
	assert_string_equal(row_text(&f, 1), "abc");
	put("defghij");		/* overflows row 1 into row 2 */
	assert_string_equal(row_text(&f, 1), "abcdefgh");
	assert_string_equal(row_text(&f, 2), "ij");
	finish(&f);
}

static void test_carriage_return_and_tab_move_cursor(void **state)
{
	struct fake_fb f = make_fb(128, 32, 32, 0);	/* 16 x 2 cells */

	(void)state;
	start(&f);
	put("abcd\rX\tY");
	assert_string_equal(row_text(&f, 0), "Xbcd    Y");
	finish(&f);
}

static void test_scroll_moves_bottom_half_to_top_and_clears_rest(void **state)
{
	struct fake_fb f = make_fb(64, 64, 32, 4);	/* 8 x 4 cells */

	(void)state;
	start(&f);
	put("a\nb\nc\nd");
	assert_string_equal(row_text(&f, 3), "d");
	put("\ne");		/* falls off the bottom: drop 2, keep 2 */
	assert_string_equal(row_text(&f, 0), "c");
	assert_string_equal(row_text(&f, 1), "d");
	assert_string_equal(row_text(&f, 2), "e");
	assert_string_equal(row_text(&f, 3), "");
	put("\nf\ng");		/* and again */
	assert_string_equal(row_text(&f, 0), "e");
	assert_string_equal(row_text(&f, 1), "f");
	assert_string_equal(row_text(&f, 2), "g");
	assert_string_equal(row_text(&f, 3), "");
	assert_canaries_intact(&f);
	finish(&f);
}

static void test_scroll_on_odd_row_count_drops_the_larger_half(void **state)
{
	struct fake_fb f = make_fb(64, 80, 32, 0);	/* 8 x 5 cells */

	(void)state;
	start(&f);
	put("1\n2\n3\n4\n5\n6");	/* drop 3 rows, keep 4 and 5 */
	assert_string_equal(row_text(&f, 0), "4");
	assert_string_equal(row_text(&f, 1), "5");
	assert_string_equal(row_text(&f, 2), "6");
	assert_string_equal(row_text(&f, 3), "");
	assert_string_equal(row_text(&f, 4), "");
	finish(&f);
}

static void test_single_row_screen_scrolls_to_blank(void **state)
{
	struct fake_fb f = make_fb(32, 16, 32, 0);	/* 4 x 1 cells */

	(void)state;
	start(&f);
	put("ab\ncd");
	assert_string_equal(row_text(&f, 0), "cd");
	assert_canaries_intact(&f);
	finish(&f);
}

static void test_unprintable_bytes_drawn_as_box(void **state)
{
	struct fake_fb f = make_fb(64, 32, 32, 0);

	(void)state;
	start(&f);
	put("x\x01\x7f\xff" "y");
	assert_string_equal(row_text(&f, 0), "x###y");
	finish(&f);
}

static void test_24bpp_pixels_are_three_bytes_wide(void **state)
{
	/* odd pitch: 75 bytes */
	struct fake_fb f = make_fb(24, 32, 24, 3);

	(void)state;
	/* a 4-bit green makes the three bytes differ, so order is checked */
	f.desc.green_size = 4;
	f.fg = 0xAA0AAA;
	start(&f);
	put("Hi\nW");
	assert_string_equal(row_text(&f, 0), "Hi");
	assert_string_equal(row_text(&f, 1), "W");
	assert_canaries_intact(&f);
	finish(&f);
}

static void test_colour_follows_channel_positions_and_sizes(void **state)
{
	struct fake_fb f = make_fb(16, 16, 32, 0);

	(void)state;
	/* 10-bit channels, red low: x2b10g10r10 */
	f.desc.red_pos = 0;
	f.desc.red_size = 10;
	f.desc.green_pos = 10;
	f.desc.green_size = 10;
	f.desc.blue_pos = 20;
	f.desc.blue_size = 10;
	f.fg = 0x2A8u | 0x2A8u << 10 | 0x2A8u << 20;	/* 0xAA << 2 each */
	start(&f);
	put("M");
	assert_int_equal(cell_char(&f, 0, 0), 'M');
	finish(&f);
}

static void test_unsupported_depth_rejected_with_message(void **state)
{
	struct fake_fb f = make_fb(64, 32, 16, 0);

	(void)state;
	host_log_reset();
	assert_false(fbcon_check(&f.desc));
	assert_int_equal(host_log_count("16 bits per pixel not supported"), 1);
	f.desc.bpp = 8;
	assert_false(fbcon_check(&f.desc));
	assert_int_equal(host_log_count("8 bits per pixel not supported"), 1);
	free(f.mem);
}

static void test_bad_geometry_rejected_with_message(void **state)
{
	struct fake_fb f = make_fb(64, 32, 32, 0);

	(void)state;
	host_log_reset();
	f.desc.pitch = 64 * 4 - 1;
	assert_false(fbcon_check(&f.desc));
	assert_int_equal(host_log_count("shorter than a row of 64 pixels"), 1);
	f.desc.pitch = 64 * 4;
	f.desc.height = 15;
	assert_false(fbcon_check(&f.desc));
	assert_int_equal(host_log_count("smaller than one character"), 1);
	f.desc.height = 32;
	f.desc.phys = 0;
	assert_false(fbcon_check(&f.desc));
	f.desc.phys = UINT64_MAX - 100;
	assert_false(fbcon_check(&f.desc));
	assert_int_equal(host_log_count("implausible framebuffer"), 2);
	f.desc.phys = 0xfd000000;
	f.desc.blue_pos = 28;	/* 28 + 8 > 32 */
	assert_false(fbcon_check(&f.desc));
	assert_int_equal(host_log_count("blue channel at bit 28"), 1);
	f.desc.blue_pos = 0;
	f.desc.red_size = 0;
	assert_false(fbcon_check(&f.desc));
	assert_int_equal(host_log_count("red channel"), 1);
	free(f.mem);
}

static void test_huge_screen_uses_top_left_cells(void **state)
{
	uint32_t width = (FBCON_MAX_COLS + 10) * 8;
	struct fake_fb f = make_fb(width, 32, 32, 0);
	char line[FBCON_MAX_COLS + 2];

	(void)state;
	host_log_reset();
	assert_true(fbcon_check(&f.desc));
	assert_int_equal(host_log_count("using only the top-left"), 1);
	fbcon_init(&f.desc, f.pixels);
	memset(line, 'z', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	put(line);		/* FBCON_MAX_COLS + 1 characters */
	assert_int_equal(strlen(row_text(&f, 0)), FBCON_MAX_COLS);
	assert_string_equal(row_text(&f, 1), "z");
	assert_int_equal(cell_char(&f, 0, FBCON_MAX_COLS), ' ');
	assert_canaries_intact(&f);
	finish(&f);
}

static void test_write_after_disable_draws_nothing(void **state)
{
	struct fake_fb f = make_fb(64, 32, 32, 0);

	(void)state;
	start(&f);
	fbcon_disable();
	put("A");
	assert_string_equal(row_text(&f, 0), "");
	free(f.mem);
}

static void test_picture_primitives_clip_to_the_screen(void **state)
{
	struct fake_fb f = make_fb(70, 40, 32, 12);
	uint32_t w = 0, h = 0;

	(void)state;
	start(&f);
	assert_true(fbcon_size(&w, &h));
	assert_int_equal(w, 70);
	assert_int_equal(h, 40);
	fbcon_fill(60, 30, 100, 100, fbcon_rgb(0x123456));
	assert_int_equal(pixel(&f, 60, 30), 0x123456);
	assert_int_equal(pixel(&f, 69, 39), 0x123456);
	assert_int_equal(pixel(&f, 59, 30), 0);
	fbcon_fill(70, 0, 5, 5, fbcon_rgb(0xFFFFFF));	/* wholly off screen */
	/* 'A' starts at x 66 and is cut at 70; 'B' would start off screen */
	assert_int_equal(fbcon_text_at(66, 30, "AB", f.fg, 0), 1);
	assert_canaries_intact(&f);
	finish(&f);
}

static void test_text_after_a_picture_starts_below_it_and_a_scroll_takes_it_away(void **state)
{
	struct fake_fb f = make_fb(64, 64, 32, 0);	/* 4 text rows */
	uint32_t x, y;

	(void)state;
	start(&f);
	put("old text");
	fbcon_clear();
	assert_string_equal(row_text(&f, 0), "");
	fbcon_fill(0, 0, 64, 20, fbcon_rgb(0xD02020));
	fbcon_text_below(20);		/* rows 0 and 1 hold the picture */
	put("x");
	assert_int_equal(cell_char(&f, 2, 0), 'x');
	assert_int_equal(pixel(&f, 5, 5), 0xD02020);
	put("\ny\nz");			/* z needs row 4: rows 2-3 move up */
	for (y = 0; y < 64; y++)
		for (x = 0; x < 64; x++)
			assert_int_not_equal(pixel(&f, x, y), 0xD02020);
	assert_string_equal(row_text(&f, 0), "x");
	assert_string_equal(row_text(&f, 1), "y");
	assert_string_equal(row_text(&f, 2), "z");
	finish(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glyph_drawn_in_grey_at_cursor_cell),
		cmocka_unit_test(test_init_clears_all_visible_pixels_and_only_those),
		cmocka_unit_test(test_long_line_wraps_without_blank_line),
		cmocka_unit_test(test_carriage_return_and_tab_move_cursor),
		cmocka_unit_test(test_scroll_moves_bottom_half_to_top_and_clears_rest),
		cmocka_unit_test(test_scroll_on_odd_row_count_drops_the_larger_half),
		cmocka_unit_test(test_single_row_screen_scrolls_to_blank),
		cmocka_unit_test(test_unprintable_bytes_drawn_as_box),
		cmocka_unit_test(test_24bpp_pixels_are_three_bytes_wide),
		cmocka_unit_test(test_colour_follows_channel_positions_and_sizes),
		cmocka_unit_test(test_unsupported_depth_rejected_with_message),
		cmocka_unit_test(test_bad_geometry_rejected_with_message),
		cmocka_unit_test(test_huge_screen_uses_top_left_cells),
		cmocka_unit_test(test_write_after_disable_draws_nothing),
		cmocka_unit_test(test_picture_primitives_clip_to_the_screen),
		cmocka_unit_test(test_text_after_a_picture_starts_below_it_and_a_scroll_takes_it_away),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
