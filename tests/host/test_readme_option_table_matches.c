// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * README.md's option table says what kernel/options.c's table says: the
 * same options in the same order, each with its form, help, default and
 * range.  The rows are rendered from the kernel's table and compared with
 * the README's byte for byte, so an option added, dropped or changed on
 * one side only fails here, with the row the README should have.
 *
 *   build/host/test_readme_option_table_matches --print
 *
 * prints the whole table, ready to paste under the README's header.
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

#include "kernel/options.h"

#ifndef README_MD
#define README_MD "README.md"
#endif

#define HEADER "| option | meaning | default | range |"
#define MAX_ROWS 64
#define ROW_LEN 512

/* s with every '|' written as "\|", as a markdown table cell needs. */
static void cell(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 3 < size; s++) {
		if (*s == '|')
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n] = '\0';
}

static void render_row(const struct option_desc *o, char *row, size_t size)
{
	char form[128], form_cell[160], help[320], def[64], range[64];

	snprintf(form, sizeof(form), "%s%s%s", o->name, o->arg ? "=" : "", o->arg ? o->arg : "");
	cell(form_cell, sizeof(form_cell), form);
	cell(help, sizeof(help), o->help);
	option_default_text(o, def, sizeof(def));
	option_range_text(o, range, sizeof(range));
	snprintf(row, size, "| `%s` | %s | %s |%s%s%s|", form_cell, help, def,
		 *range ? " " : "", range, *range ? " " : "");
}

static void print_table(FILE *f)
{
	const struct option_desc *t;
	char row[ROW_LEN];
	size_t n;

	t = options_table(&n);
	fprintf(f, "%s\n|---|---|---|---|\n", HEADER);
	for (size_t i = 0; i < n; i++) {
		render_row(&t[i], row, sizeof(row));
		fprintf(f, "%s\n", row);
	}
}

/* The README's rows under HEADER (after its |---| line); returns how many. */
static size_t readme_rows(char rows[][ROW_LEN], size_t max)
{
	FILE *f = fopen(README_MD, "r");
	char line[ROW_LEN];
	bool in_table = false, found = false;
	size_t n = 0;

	if (!f)
		fail_msg("cannot open %s", README_MD);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!in_table) {
			if (!strcmp(line, HEADER)) {
				found = in_table = true;
				if (!fgets(line, sizeof(line), f))
					break;	/* the |---| line */
			}
			continue;
		}
		if (line[0] != '|')
			break;
		if (n < max)
			strcpy(rows[n], line);
		n++;
	}
	fclose(f);
	if (!found)
		fail_msg("%s has no line '%s'", README_MD, HEADER);
	return n;
}

static void test_readme_rows_are_the_option_table_rendered(void **state)
{
	static char rows[MAX_ROWS][ROW_LEN];
	const struct option_desc *t;
	size_t n, nreadme;
	int bad = 0;

	(void)state;
	t = options_table(&n);
	nreadme = readme_rows(rows, MAX_ROWS);
	for (size_t i = 0; i < n || i < nreadme; i++) {
		char want[ROW_LEN];

		if (i < n)
			render_row(&t[i], want, sizeof(want));
		if (i < n && i < nreadme && !strcmp(rows[i], want))
			continue;
		bad++;
		fprintf(stderr, "README option row %zu:\n  is:        %s\n  should be: %s\n", i + 1,
			i < nreadme && i < MAX_ROWS ? rows[i] : "(no row)",
			i < n ? want : "(no option: kernel/options.c has none here)");
	}
	if (bad) {
		fprintf(stderr, "the table kernel/options.c gives (paste into README.md):\n");
		print_table(stderr);
		fail_msg("%d README option rows disagree with kernel/options.c", bad);
	}
}

/* Each option once: the README check above would pass a table listing one twice. */
static void test_option_table_names_each_option_once(void **state)
{
	const struct option_desc *t;
	size_t n;

	(void)state;
	t = options_table(&n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (!strcmp(t[i].name, t[j].name))
				fail_msg("option '%s' appears twice", t[i].name);
}

/* A fixed default the range would refuse could never be given back on the command line. */
static void test_option_fixed_defaults_lie_in_their_range(void **state)
{
	const struct option_desc *t;
	size_t n;

	(void)state;
	t = options_table(&n);
	for (size_t i = 0; i < n; i++)
		if (t[i].kind == OPTION_U64 && !t[i].def_text &&
		    (t[i].def < t[i].min || t[i].def > t[i].max))
			fail_msg("option '%s': default %llu outside %llu..%llu", t[i].name,
				 (unsigned long long)t[i].def, (unsigned long long)t[i].min,
				 (unsigned long long)t[i].max);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readme_rows_are_the_option_table_rendered),
		cmocka_unit_test(test_option_table_names_each_option_once),
		cmocka_unit_test(test_option_fixed_defaults_lie_in_their_range),
	};

	if (argc == 2 && !strcmp(argv[1], "--print")) {
		print_table(stdout);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
