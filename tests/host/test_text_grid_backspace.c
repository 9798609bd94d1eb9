// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drivers/console/text_grid: \b moves the cursor one cell left without
 * erasing and stops at column 0 (a VT100's rule), so the shell's echo,
 * which edits with "\b", spaces and rewritten tails, shows the same line
 * on the screen consoles as on a terminal.  The last test plays the line
 * editor (kernel/shell_core.c) through the grid for an edit in the
 * middle of a line and a backspace, and reads the row back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/console/text_grid.h"
#include "kernel/shell_core.h"

#define ROWS	4
#define COLS	12

static char cells[ROWS][COLS + 1];
static uint32_t row, col;

static void draw(uint32_t r, uint32_t c, uint8_t ch)
{
	cells[r][c] = (char)ch;
}

static uint32_t scroll(void)
{
	memmove(cells[0], cells[1], sizeof(cells[0]) * (ROWS - 1));
	memset(cells[ROWS - 1], ' ', COLS);
	return ROWS - 1;
}

static int clear(void **state)
{
	(void)state;
	for (int r = 0; r < ROWS; r++) {
		memset(cells[r], ' ', COLS);
		cells[r][COLS] = '\0';
	}
	row = col = 0;
	return 0;
}

static void put(const char *s, size_t n)
{
	text_grid_write(&row, &col, ROWS, COLS, s, n, draw, scroll);
}

#define PUT(s) put(s, sizeof(s) - 1)

static void test_backspace_moves_left_without_erasing(void **state)
{
	(void)state;
	PUT("abc\b\bX");
	assert_string_equal(cells[0], "aXc         ");
	assert_int_equal(col, 2);
}

static void test_backspace_stops_at_column_zero(void **state)
{
	(void)state;
	PUT("ab\n\b\b\bZ");
	assert_string_equal(cells[0], "ab          ");
	assert_string_equal(cells[1], "Z           ");
	assert_int_equal(row, 1);
}

static void test_backspace_after_a_full_row_lands_on_its_last_cell(void **state)
{
	(void)state;
	PUT("0123456789ab\bX");	/* the wrap is pending at column 12 */
	assert_string_equal(cells[0], "0123456789aX");
	assert_int_equal(row, 0);
	assert_string_equal(cells[1], "            ");
}

static void echo(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	put(s, n);
}

static void lines(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	put(s, n);
}

static bool run(void *ctx, enum shell_cmd cmd, uint32_t arg)
{
	(void)ctx;
	(void)cmd;
	(void)arg;
	return true;
}

static void test_shell_echo_shows_the_edited_line(void **state)
{
	static const struct shell_ops ops = { echo, lines, run, NULL };
	static struct shell sh;
	const char *keys = "dwn\033[D\033[Do\033[F 22\b";

	(void)state;
	shell_init(&sh, &ops);
	shell_prompt(&sh);
	for (const char *k = keys; *k; k++)
		shell_feed(&sh, (uint8_t)*k);
	/* the second 2 was rubbed out: a blank where it stood, the cursor there */
	assert_string_equal(cells[0], "pk> down 2  ");
	assert_int_equal(row, 0);
	assert_int_equal(col, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_backspace_moves_left_without_erasing, clear),
		cmocka_unit_test_setup(test_backspace_stops_at_column_zero, clear),
		cmocka_unit_test_setup(test_backspace_after_a_full_row_lands_on_its_last_cell, clear),
		cmocka_unit_test_setup(test_shell_echo_shows_the_edited_line, clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
