// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/residency_screen.c drawing a synthetic residency window.
 *
 * The framebuffer is faked as in test_fbcon_render.c: host memory with a
 * pitch wider than the visible row and canary bytes all around, drawn on
 * by the real drivers/console/fbcon.c.  The VGA text console is faked
 * here (vga_text.c talks to the CRTC's ports): an 80x25 array that
 * vga_text_page() copies into exactly as the driver does, so a page that
 * does not fit shows up as characters the renderer counted as clipped.
 * The console lock is a no-op: one thread.
 *
 * The synthetic window: CPU 0 always busy (0 per-mille), CPU 1 always
 * idle (1000), CPU 2 parked, CPU 3 not measured in its first half, every
 * other CPU 995.  Heatmap cells are found through residency_fb_layout(),
 * the layout the drawing used, and read at their centre pixel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/console/fbcon.h"
#include "drivers/console/font8x16.h"
#include "drivers/console/vga_text.h"
#include "host_support.h"
#include "kernel/console.h"
#include "kernel/residency_screen.h"
#include "kernel/residency_view.h"

#define CANARY		0x5A
#define GUARD		64
#define MAX_CPUS	1024
#define BUSY_CPU	0
#define IDLE_CPU	1
#define PARKED_CPU	2
#define HALF_CPU	3	/* no sample in the first half of the window */
#define OTHERS		995

/* ---- the kernel services residency_screen.c calls ---- */

unsigned long console_lock(void)
{
	return 0;
}

void console_unlock(unsigned long flags)
{
	(void)flags;
}

static struct {
	bool on;
	uint16_t cells[VGA_TEXT_ROWS][VGA_TEXT_COLS];
	uint32_t cursor_row;
	int pages;
} vga;

bool vga_text_size(uint32_t *cols, uint32_t *rows)
{
	if (!vga.on)
		return false;
	*cols = VGA_TEXT_COLS;
	*rows = VGA_TEXT_ROWS;
	return true;
}

void vga_text_page(const uint16_t *cells, uint32_t cols, uint32_t rows,
		   uint32_t cursor_row)
{
	uint32_t r, c;

	assert_true(vga.on);
	for (r = 0; r < VGA_TEXT_ROWS; r++)
		for (c = 0; c < VGA_TEXT_COLS; c++)
			vga.cells[r][c] = r < rows && c < cols ?
					  cells[r * cols + c] : 0x0720;
	vga.cursor_row = cursor_row;
	vga.pages++;
}

/* ---- the synthetic window ---- */

static struct residency_view_cpu cpus[MAX_CPUS];

static uint16_t synthetic_sample(const void *ctx, uint32_t cpu, uint32_t i)
{
	const struct residency_view *v = ctx;

	if (cpu == BUSY_CPU)
		return 0;
	if (cpu == IDLE_CPU)
		return 1000;
	if (cpu == HALF_CPU && i < v->nsamples / 2)
		return RESIDENCY_NO_SAMPLE;
	return OTHERS;
}

static struct residency_view make_view(uint32_t ncpus, uint32_t nsamples)
{
	struct residency_view v = {
		.ncpus = ncpus, .cpu = cpus, .window_ms = nsamples * 100,
		.sample_ms = 100, .nsamples = nsamples,
		.sample = synthetic_sample, .median_permille = OTHERS,
		.min_permille = 0, .wakeups_per_s_x100 = 3120,
		.idle_state = "hlt", .tmigr = "on",
	};
	uint32_t i;

	assert_true(ncpus <= MAX_CPUS);
	for (i = 0; i < ncpus; i++)
		cpus[i] = (struct residency_view_cpu){
			.cpu = i, .parked = i == PARKED_CPU,
			.idle_permille = i == BUSY_CPU ? 0 : i == IDLE_CPU ?
					 1000 : OTHERS,
			.wakeups_per_s_x100 = 50 + i,
		};
	return v;
}

/* ---- the fake framebuffer ---- */

struct fake_fb {
	struct fb_desc desc;
	uint8_t *mem;
	uint8_t *pixels;
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
	size = (size_t)f.desc.pitch * height + 2 * GUARD;
	f.mem = malloc(size);
	assert_non_null(f.mem);
	memset(f.mem, CANARY, size);
	f.pixels = f.mem + GUARD;
	memset(&vga, 0, sizeof(vga));	/* the framebuffer alone */
	host_log_reset();
	assert_true(fbcon_check(&f.desc));
	fbcon_init(&f.desc, f.pixels);
	return f;
}

static void finish(struct fake_fb *f)
{
	fbcon_disable();
	free(f->mem);
}

/* 0xRRGGBB of one pixel (the fake's channels are laid out that way). */
static uint32_t pixel(const struct fake_fb *f, uint32_t x, uint32_t y)
{
	const uint8_t *p = f->pixels + (size_t)y * f->desc.pitch +
			   (size_t)x * (f->desc.bpp / 8);

	return p[0] | p[1] << 8 | (uint32_t)p[2] << 16;
}

static void assert_nothing_outside(const struct fake_fb *f)
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

/* Colour at the centre of heatmap cell (row, col). */
static uint32_t cell(const struct fake_fb *f,
		     const struct residency_fb_layout *l, uint32_t row,
		     uint32_t col)
{
	assert_true(row < l->rows && col < l->cols);
	return pixel(f, l->map_x + col * l->cell_w + l->cell_w / 2,
		     l->map_y + row * l->row_h + l->row_h / 2);
}

/* The text of `len` glyphs drawn in grey from pixel (x, y); '?' if none. */
static const char *text_at(const struct fake_fb *f, uint32_t x, uint32_t y,
			   size_t len)
{
	static char out[128];
	uint8_t bits[FONT8X16_HEIGHT];
	size_t i;
	uint32_t gx, gy;
	int c;

	assert_true(len < sizeof(out));
	for (i = 0; i < len; i++) {
		for (gy = 0; gy < FONT8X16_HEIGHT; gy++) {
			bits[gy] = 0;
			for (gx = 0; gx < FONT8X16_WIDTH; gx++)
				if (pixel(f, x + (uint32_t)i * 8 + gx, y + gy))
					bits[gy] |= (uint8_t)(0x80 >> gx);
		}
		out[i] = '?';
		for (c = FONT8X16_FIRST; c <= FONT8X16_LAST; c++)
			if (!memcmp(bits, font8x16_glyph((unsigned char)c), 16))
				out[i] = (char)c;
	}
	out[len] = '\0';
	return out;
}

static void assert_text(const struct fake_fb *f, uint32_t x, uint32_t y,
			const char *want)
{
	assert_string_equal(text_at(f, x, y, strlen(want)), want);
}

/* ---- tests ---- */

static void test_scale_ends_and_parked_colour(void **state)
{
	uint32_t p, prev_blue = 0;

	(void)state;
	assert_int_equal(residency_rgb(0), RESIDENCY_RGB_BUSY);
	assert_int_equal(residency_rgb(1000), RESIDENCY_RGB_IDLE);
	assert_int_equal(residency_rgb(RESIDENCY_NO_SAMPLE), RESIDENCY_RGB_PARKED);
	assert_int_equal(residency_rgb(1001), RESIDENCY_RGB_PARKED);
	/* 99.0 % and 99.9 % must not look alike */
	assert_int_not_equal(residency_rgb(990), residency_rgb(999));
	/* no share in the scale is mistaken for "parked" */
	for (p = 0; p <= 1000; p++) {
		assert_int_not_equal(residency_rgb(p), RESIDENCY_RGB_PARKED);
		if (p >= 990) {	/* towards the idle end blue only grows */
			assert_true((residency_rgb(p) & 0xFF) >= prev_blue);
			prev_blue = residency_rgb(p) & 0xFF;
		}
	}
}

static void test_nothing_written_outside_the_buffer_at_any_size(void **state)
{
	static const struct { uint32_t w, h; uint8_t bpp; uint32_t pad; } sizes[] = {
		{ 1280, 800, 32, 64 }, { 800, 600, 32, 0 }, { 640, 480, 24, 5 },
		{ 320, 200, 32, 12 }, { 100, 70, 24, 3 }, { 64, 32, 32, 4 },
		{ 8, 16, 32, 4 }, { 9, 17, 24, 1 },
	};
	static const uint32_t ncpus[] = { 1, 4, 64, 256, 1024 };
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (k = 0; k < sizeof(ncpus) / sizeof(ncpus[0]); k++) {
			struct fake_fb f = make_fb(sizes[i].w, sizes[i].h,
						   sizes[i].bpp, sizes[i].pad);
			struct residency_view v = make_view(ncpus[k], 100);
			struct residency_fb_layout l;

			v.ctx = &v;
			residency_screen_draw(&v);
			assert_nothing_outside(&f);
			residency_fb_layout(&v, sizes[i].w, sizes[i].h, &l);
			/* the map, when there is one, is on the screen */
			if (l.rows) {
				assert_true(l.map_x + l.cols * l.cell_w <= l.width);
				assert_true(l.map_y + l.rows * l.row_h <= l.height);
			}
			finish(&f);
		}
}

static void test_busy_idle_and_parked_rows_have_their_colours(void **state)
{
	struct fake_fb f = make_fb(1280, 800, 32, 64);
	struct residency_view v = make_view(64, 100);
	struct residency_fb_layout l;
	uint32_t c;

	(void)state;
	v.ctx = &v;
	residency_screen_draw(&v);
	residency_fb_layout(&v, 1280, 800, &l);
	/* 64 CPUs and 100 samples fit 1280x800 one to a cell */
	assert_int_equal(l.rows, 64);
	assert_int_equal(l.cols, 100);
	assert_int_equal(l.cpus_per_row, 1);
	assert_int_equal(l.samples_per_col, 1);
	assert_true(l.row_h >= 2 && l.cell_w >= 2);
	for (c = 0; c < l.cols; c++) {
		assert_int_equal(cell(&f, &l, BUSY_CPU, c), RESIDENCY_RGB_BUSY);
		assert_int_equal(cell(&f, &l, IDLE_CPU, c), RESIDENCY_RGB_IDLE);
		assert_int_equal(cell(&f, &l, PARKED_CPU, c), RESIDENCY_RGB_PARKED);
		assert_int_equal(cell(&f, &l, HALF_CPU, c), c < 50 ?
				 RESIDENCY_RGB_PARKED : residency_rgb(OTHERS));
		assert_int_equal(cell(&f, &l, 63, c), residency_rgb(OTHERS));
	}
	assert_int_equal(host_log_count("\"kind\":\"residency_screen\",\"screen\":\"fb\""), 1);
	assert_nothing_outside(&f);
	finish(&f);
}

static void test_cpus_beyond_the_rows_are_grouped_least_idle_shown(void **state)
{
	struct fake_fb f = make_fb(800, 600, 32, 0);
	struct residency_view v = make_view(1000, 600);
	struct residency_fb_layout l;
	uint32_t c, r;

	(void)state;
	v.ctx = &v;
	residency_screen_draw(&v);
	residency_fb_layout(&v, 800, 600, &l);
	assert_true(l.cpus_per_row > 1);
	assert_true(l.samples_per_col > 1);
	assert_true(l.rows * l.cpus_per_row >= 1000);
	assert_true(l.cols * l.samples_per_col >= 600);
	assert_true(l.row_h >= 1 && l.cell_w >= 1);
	/* the first row holds the busy CPU: busy wins over idle and parked */
	for (c = 0; c < l.cols; c++)
		assert_int_equal(cell(&f, &l, 0, c), RESIDENCY_RGB_BUSY);
	for (r = 1; r < l.rows; r++)
		assert_int_equal(cell(&f, &l, r, l.cols - 1), residency_rgb(OTHERS));
	/* the picture says it grouped */
	assert_text(&f, l.text_x, l.text_y + 9 * 16,
		    "           grouped: least idle shown");
	assert_nothing_outside(&f);
	finish(&f);
}

static void test_summary_text_beside_the_map(void **state)
{
	struct fake_fb f = make_fb(1024, 768, 32, 0);
	struct residency_view v = make_view(8, 100);
	struct residency_fb_layout l;

	(void)state;
	v.ctx = &v;
	v.has_pkg_watt = true;
	v.pkg_mwatt = 12345;
	v.cor_mwatt = 8100;
	residency_screen_draw(&v);
	residency_fb_layout(&v, 1024, 768, &l);
	assert_true(l.beside);
	assert_true(l.text_x >= l.map_x + l.cols * l.cell_w);
	assert_text(&f, l.text_x, l.text_y, "CPUs       8: 7 online, 1 parked");
	assert_text(&f, l.text_x, l.text_y + 16, "residency  median 99.5%, min 0.0%");
	assert_text(&f, l.text_x, l.text_y + 5 * 16, "PkgWatt    12.34  CorWatt 8.10");
	finish(&f);
}

/* A cell of the VGA page: its character and attribute. */
static uint16_t vga_cell(uint32_t row, uint32_t col)
{
	return vga.cells[row][col];
}

/* The grid row whose label is CPU `first`. */
static uint32_t grid_row(uint32_t first)
{
	char want[8];
	uint32_t r, c;

	snprintf(want, sizeof(want), "%4u", first);
	for (r = 0; r < VGA_TEXT_ROWS; r++) {
		for (c = 0; c < 4 && (char)vga_cell(r, c) == want[c]; c++)
			;
		if (c == 4 && (char)vga_cell(r, 4) == ' ' &&
		    (vga_cell(r, 5) >> 12) != 0)	/* a coloured cell follows */
			return r;
	}
	fail_msg("no grid row for CPU %u", first);
	return 0;
}

static void test_vga_summary_fits_25x80_with_64_cpus(void **state)
{
	struct residency_view v = make_view(64, 100);
	uint32_t r;

	(void)state;
	v.ctx = &v;
	memset(&vga, 0, sizeof(vga));
	vga.on = true;
	host_log_reset();
	residency_screen_draw(&v);
	assert_int_equal(vga.pages, 1);
	assert_int_equal(host_log_count("\"screen\":\"vga\""), 1);
	assert_int_equal(host_log_count("\"clipped\":0"), 1);
	assert_int_equal(host_log_count("\"cpus_per_cell\":1"), 1);
	assert_true(vga.cursor_row < VGA_TEXT_ROWS);
	r = grid_row(0);
	/* CPU 0 busy: '0' on red; CPU 1 idle: '*' on blue; CPU 2 parked: '-' */
	assert_int_equal(vga_cell(r, 5), 0x4F00 | '0');
	assert_int_equal(vga_cell(r, 6), 0x1F00 | '*');
	assert_int_equal(vga_cell(r, 7), 0x7000 | '-');
	assert_int_equal(vga_cell(r, 8) & 0xFF, '9');
	/* all 64 on one line, a space after every 8 */
	assert_int_equal(vga_cell(r, 5 + 8) & 0xFF, ' ');
	assert_int_equal(vga_cell(r, 5 + 63 + 7) & 0xFF, '9');
	/* the cursor row comes after the page, so printing goes on below */
	assert_true(vga.cursor_row > r);
}

static void test_vga_page_groups_cpus_that_do_not_fit(void **state)
{
	static uint16_t big[60][132];
	struct residency_view v = make_view(MAX_CPUS, 100);
	struct residency_vga_result res;
	uint32_t r, c;

	(void)state;
	v.ctx = &v;
	residency_vga_render(&v, &big[0][0], 132, 60, &res);
	assert_int_equal(res.clipped, 0);
	assert_true(res.rows_used < RESIDENCY_VGA_ROWS);
	assert_true(res.cpus_per_cell > 1);
	/* a bigger screen gets the same 80x25 page, top-left */
	for (r = 0; r < 60; r++)
		for (c = 0; c < 132; c++)
			if (r >= RESIDENCY_VGA_ROWS || c >= RESIDENCY_VGA_COLS)
				assert_int_equal(big[r][c] & 0xFF, ' ');
}

static void test_vga_page_on_a_small_screen_counts_what_is_clipped(void **state)
{
	uint16_t small[10 * 40];
	struct residency_view v = make_view(64, 100);
	struct residency_vga_result res;

	(void)state;
	v.ctx = &v;
	residency_vga_render(&v, small, 40, 10, &res);
	assert_true(res.clipped > 0);
	assert_true(res.rows_used >= 1);
}

static void test_no_screen_draws_nothing_and_says_so(void **state)
{
	struct residency_view v = make_view(4, 10);

	(void)state;
	v.ctx = &v;
	memset(&vga, 0, sizeof(vga));
	host_log_reset();
	residency_screen_draw(&v);
	assert_int_equal(vga.pages, 0);
	assert_int_equal(host_log_count("\"screen\":\"none\""), 1);
}

static void test_view_without_samples_draws_window_totals(void **state)
{
	struct fake_fb f = make_fb(800, 600, 32, 0);
	struct residency_view v = make_view(8, 0);
	struct residency_fb_layout l;

	(void)state;
	v.sample = NULL;
	v.window_ms = 2000;
	residency_screen_draw(&v);
	residency_fb_layout(&v, 800, 600, &l);
	assert_int_equal(l.cols, 1);
	assert_int_equal(cell(&f, &l, BUSY_CPU, 0), RESIDENCY_RGB_BUSY);
	assert_int_equal(cell(&f, &l, IDLE_CPU, 0), RESIDENCY_RGB_IDLE);
	assert_int_equal(cell(&f, &l, PARKED_CPU, 0), RESIDENCY_RGB_PARKED);
	assert_nothing_outside(&f);
	finish(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale_ends_and_parked_colour),
		cmocka_unit_test(test_nothing_written_outside_the_buffer_at_any_size),
		cmocka_unit_test(test_busy_idle_and_parked_rows_have_their_colours),
		cmocka_unit_test(test_cpus_beyond_the_rows_are_grouped_least_idle_shown),
		cmocka_unit_test(test_summary_text_beside_the_map),
		cmocka_unit_test(test_vga_summary_fits_25x80_with_64_cpus),
		cmocka_unit_test(test_vga_page_groups_cpus_that_do_not_fit),
		cmocka_unit_test(test_vga_page_on_a_small_screen_counts_what_is_clipped),
		cmocka_unit_test(test_no_screen_draws_nothing_and_says_so),
		cmocka_unit_test(test_view_without_samples_draws_window_totals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
