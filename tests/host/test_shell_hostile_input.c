// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/shell_core: the serial shell's line editor and parser, fed what a
 * terminal, a careless user or line noise can send.  Every finished line
 * gives exactly one outcome: a command run with the right argument, one
 * error line plus its record with the right reason, the help block, or
 * nothing for an empty or abandoned line.  The echo is checked by playing
 * it on a model terminal: after every byte, the terminal shows the prompt
 * and the line buffer with the cursor where the editor thinks it is.
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

#include "kernel/shell_core.h"

#define OUT_MAX		(1 << 20)
#define TERM_COLS	4096

/* What the shell printed as whole lines, and the commands it ran. */
static char out[OUT_MAX];
static size_t out_len;
static int runs;
static enum shell_cmd last_cmd;
static uint32_t last_arg;

/* The model terminal: one row (the current line), a cursor. */
static char term[TERM_COLS];
static size_t term_len, term_cur;
static bool term_ok;

static void term_put(char c)
{
	if (c == '\n') {
		term_len = term_cur = 0;
		return;
	}
	if (c == '\b') {
		if (term_cur == 0)
			term_ok = false;	/* a backspace past the line start */
		else
			term_cur--;
		return;
	}
	if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f || term_cur >= TERM_COLS) {
		term_ok = false;		/* only printables, \b and \n are echoed */
		return;
	}
	term[term_cur++] = c;
	if (term_cur > term_len)
		term_len = term_cur;
}

static void fake_echo(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		term_put(s[i]);
}

static void fake_lines(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	assert_true(n > 0 && s[n - 1] == '\n');
	assert_true(out_len + n < OUT_MAX);
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = '\0';
	term_len = term_cur = 0;	/* a line starts at column 0 */
}

static bool stop_on_poweroff;

static bool fake_run(void *ctx, enum shell_cmd cmd, uint32_t arg)
{
	char line[64];
	int n;

	(void)ctx;
	runs++;
	last_cmd = cmd;
	last_arg = arg;
	n = snprintf(line, sizeof(line), "RUN %s %u\n", shell_cmd_name(cmd), arg);
	fake_lines(NULL, line, (size_t)n);
	return !(stop_on_poweroff && (cmd == SHELL_POWEROFF || cmd == SHELL_REBOOT));
}

static const struct shell_ops ops = { fake_echo, fake_lines, fake_run, NULL };
static struct shell sh;

/*
 * The terminal row must read: prompt, then the line; the cursor after the
 * prompt plus sh.cur.  (Trailing blanks left by an erase are allowed.)
 */
static void check_terminal(void)
{
	size_t p = sizeof(SHELL_PROMPT) - 1;

	assert_true(term_ok);
	assert_true(sh.len <= SHELL_LINE_MAX && sh.cur <= sh.len);
	if (sh.stopped)
		return;
	assert_true(term_len >= p + sh.len);
	assert_memory_equal(term, SHELL_PROMPT, p);
	assert_memory_equal(term + p, sh.line, sh.len);
	for (size_t i = p + sh.len; i < term_len; i++)
		assert_int_equal(term[i], ' ');
	assert_int_equal(term_cur, p + sh.cur);
}

static void start(void)
{
	out_len = 0;
	out[0] = '\0';
	runs = 0;
	last_cmd = SHELL_NONE;
	last_arg = 0;
	term_len = term_cur = 0;
	term_ok = true;
	stop_on_poweroff = true;
	shell_init(&sh, &ops);
	shell_prompt(&sh);
	check_terminal();
}

static void feed_n(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		shell_feed(&sh, (uint8_t)s[i]);
		check_terminal();
	}
}

static void feed(const char *s)
{
	feed_n(s, strlen(s));
}

static int count_lines(const char *prefix)
{
	int n = 0;

	for (const char *p = out; *p; p = strchr(p, '\n') + 1)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

static int all_lines(void)
{
	return count_lines("");
}

/* One line fed: exactly one error line and one error record with `why`. */
static void expect_refused(const char *line, const char *why)
{
	char rec[128];

	start();
	feed(line);
	feed("\r");
	snprintf(rec, sizeof(rec), "@report {\"kind\":\"shell\",\"result\":\"error\",\"why\":\"%s\"",
		 why);
	if (all_lines() != 2 || count_lines("shell: ") != 1 || count_lines(rec) != 1)
		fail_msg("line '%s': expected one error and one %s record, got:\n%s", line, why,
			 out);
	assert_int_equal(runs, 0);
}

static void expect_run(const char *line, enum shell_cmd cmd, uint32_t arg)
{
	start();
	feed(line);
	feed("\r");
	if (runs != 1 || last_cmd != cmd || last_arg != arg || all_lines() != 1)
		fail_msg("line '%s': expected one run of %s %u, got:\n%s", line,
			 shell_cmd_name(cmd), arg, out);
}

static void test_each_command_runs_with_its_argument(void **state)
{
	(void)state;
	expect_run("cpus", SHELL_CPUS, 0);
	expect_run("up 3", SHELL_UP, 3);
	expect_run("down 63", SHELL_DOWN, 63);
	expect_run("  down   7  ", SHELL_DOWN, 7);
	expect_run("down 007", SHELL_DOWN, 7);
	expect_run("up 4294967295", SHELL_UP, 4294967295u);
	expect_run("tree", SHELL_TREE, 0);
	expect_run("timers", SHELL_TIMERS, 0);
	expect_run("poweroff", SHELL_POWEROFF, 0);
	expect_run("reboot", SHELL_REBOOT, 0);
	expect_run("residency 1", SHELL_RESIDENCY, 1);
	expect_run("residency 3600", SHELL_RESIDENCY, SHELL_RESIDENCY_MAX_S);
}

static void test_residency_seconds_outside_1_to_3600_refused(void **state)
{
	(void)state;
	expect_refused("residency 0", "out_of_range");
	expect_refused("residency 3601", "out_of_range");
	expect_refused("residency 4294967295", "out_of_range");
	expect_refused("residency", "missing_argument");
	expect_refused("residency 1.5", "bad_number");
	expect_refused("residency 10 s", "extra_argument");
}

static void test_bad_words_and_numbers_get_one_error_line(void **state)
{
	(void)state;
	expect_refused("frobnicate", "unknown_command");
	expect_refused("CPUS", "unknown_command");
	expect_refused("cpu", "unknown_command");
	expect_refused("down -1", "bad_number");
	expect_refused("down +1", "bad_number");
	expect_refused("down 3a", "bad_number");
	expect_refused("down 0x3", "bad_number");
	expect_refused("down 99999999999", "number_too_big");
	expect_refused("up 4294967296", "number_too_big");
	expect_refused("up 184467440737095516160", "number_too_big");
	expect_refused("up", "missing_argument");
	expect_refused("down    ", "missing_argument");
	expect_refused("up 3 4", "extra_argument");
	expect_refused("cpus now", "extra_argument");
	expect_refused("help me", "extra_argument");
}

static void test_error_record_quotes_the_word_escaped_and_bounded(void **state)
{
	(void)state;
	expect_refused("\"\\frob", "unknown_command");
	assert_non_null(strstr(out, "\"word\":\"\\\"\\\\frob\""));
	expect_refused("abcdefghijklmnopqrstuvwxyz", "unknown_command");
	assert_non_null(strstr(out, "\"word\":\"abcdefghijklmnop\"}"));
}

static void test_overlong_line_is_cut_and_refused_once(void **state)
{
	char line[501];

	(void)state;
	memset(line, 'x', 500);
	line[500] = '\0';
	memcpy(line, "cpus ", 5);
	expect_refused(line, "overlong_line");
	assert_non_null(strstr(out, "\"dropped\":420"));
	assert_int_equal(sh.len, 0);
	/* the next line is read normally */
	feed("cpus\r");
	assert_int_equal(runs, 1);
	assert_int_equal(last_cmd, SHELL_CPUS);
	/* exactly full is fine */
	memset(line, ' ', SHELL_LINE_MAX);
	memcpy(line, "tree", 4);
	line[SHELL_LINE_MAX] = '\0';
	expect_run(line, SHELL_TREE, 0);
}

static void test_control_bytes_refuse_the_line_once(void **state)
{
	(void)state;
	expect_refused("\x01" "cpus", "control_byte");
	assert_non_null(strstr(out, "\"byte\":1"));
	expect_refused("cpus\t", "control_byte");
	expect_refused("cp\x80us", "control_byte");
	expect_refused("\xff\xfe\x04\x07\x1a\x1c", "control_byte");
	assert_non_null(strstr(out, "\"byte\":255"));
	/* a control byte and an overlong line: still one error */
	start();
	feed("\x02");
	for (int i = 0; i < 300; i++)
		feed("y");
	feed("\r");
	assert_int_equal(all_lines(), 2);
	assert_int_equal(count_lines("shell: control byte 0x02"), 1);
}

static void test_editing_keys_change_the_line(void **state)
{
	(void)state;
	expect_run("cpz\bus", SHELL_CPUS, 0);
	expect_run("cpz\x7fus", SHELL_CPUS, 0);
	expect_run("frobnicate\x15tree", SHELL_TREE, 0);
	expect_run("cus\x1b[D\x1b[Dp", SHELL_CPUS, 0);		/* left twice, insert */
	expect_run("cus\x1bOD\x1bODp", SHELL_CPUS, 0);		/* the same in SS3 form */
	expect_run("pus\x1b[Hc", SHELL_CPUS, 0);			/* Home */
	expect_run("pu\x1b[H\x1b[F" "s\x1b[Hc", SHELL_CPUS, 0);	/* End */
	expect_run("cpXus\x1b[D\x1b[D\b", SHELL_CPUS, 0);	/* delete inside */
	expect_run("treee\x1b[D\x1b[D\x1b[D\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\b", SHELL_TREE, 0);
	expect_run("\b\b\x1b[D\x1b[D" "tree", SHELL_TREE, 0);	/* nothing to erase */
	expect_run("tree\x1b[A\x1b[B\x1b[3~\x1b[1;5C", SHELL_TREE, 0);	/* ignored keys */
}

static void test_ctrl_c_abandons_the_line_without_error(void **state)
{
	(void)state;
	start();
	feed("down 3\x03");
	assert_int_equal(runs, 0);
	assert_int_equal(all_lines(), 0);
	assert_int_equal(sh.len, 0);
	feed("\x01\x03" "tree\r");
	assert_int_equal(runs, 1);
	assert_int_equal(last_cmd, SHELL_TREE);
	assert_int_equal(all_lines(), 1);
}

static void test_cut_escape_sequences_are_control_bytes(void **state)
{
	(void)state;
	expect_refused("cpus\x1b[", "control_byte");
	assert_non_null(strstr(out, "\"byte\":27"));
	expect_refused("cpus\x1b", "control_byte");
	expect_refused("cpus\x1bO", "control_byte");
	expect_refused("\x1bxcpus", "control_byte");
	expect_refused("cpus\x1b[1;2;3;4;5;6;7;8;9;10D", "control_byte");
	/* the byte that cut the sequence is taken on its own: here Ctrl-U */
	start();
	feed("frob\x1b[\x15" "cpus\r");
	assert_int_equal(runs, 1);
	assert_int_equal(last_cmd, SHELL_CPUS);
}

static void test_line_ends_cr_lf_crlf_each_end_one_line(void **state)
{
	(void)state;
	start();
	feed("cpus\rtree\ntimers\r\nhelp\n\r\r\n\n");
	assert_int_equal(runs, 3);
	assert_int_equal(count_lines("RUN "), 3);
	assert_int_equal(count_lines("shell:"), 0);
	assert_int_equal(count_lines("@report {\"kind\":\"shell\",\"cmd\":\"help\""), 1);
}

static void test_help_lists_every_command(void **state)
{
	(void)state;
	start();
	feed("help\r");
	for (unsigned c = SHELL_HELP; c < SHELL_CMD_NR; c++) {
		char word[32];

		snprintf(word, sizeof(word), "  %s", shell_cmd_name((enum shell_cmd)c));
		assert_int_equal(count_lines(word), 1);
	}
	assert_int_equal(runs, 0);
}

static void test_poweroff_stops_reading(void **state)
{
	(void)state;
	start();
	feed("poweroff\r");
	assert_true(sh.stopped);
	assert_false(shell_feed(&sh, 'c'));
	feed("cpus\r");
	assert_int_equal(runs, 1);
}

/*
 * Random bytes, biased towards the interesting ones, checked line by
 * line: each finished line adds nothing, one RUN, one error pair, or the
 * help block; the terminal model holds after every byte.
 */
static void test_random_bytes_every_line_has_one_outcome(void **state)
{
	static const char alphabet[] = "cpusdowntreeimhlfr 0123456789-+x\r\n\b\x7f\x03\x15\x1b[OACDHF~;";
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int round = 0; round < 200; round++) {
		start();
		stop_on_poweroff = false;
		for (int i = 0; i < 2000; i++) {
			size_t before = out_len;
			int runs_before = runs;
			uint8_t c;
			static const char rec[] = "@report {\"kind\":\"shell\",\"result\":\"error\",";
			const char *p;
			int lines = 0, errors = 0, records = 0, helps = 0;

			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			c = (seed >> 60) < 12 ? (uint8_t)alphabet[(seed >> 33) % (sizeof(alphabet) - 1)]
					      : (uint8_t)(seed >> 40);
			shell_feed(&sh, c);
			check_terminal();
			for (p = out + before; *p; p = strchr(p, '\n') + 1) {
				lines++;
				errors += !strncmp(p, "shell: ", 7);
				records += !strncmp(p, rec, sizeof(rec) - 1);
				helps += !strncmp(p, "commands:", 9);
			}
			if (helps)
				continue;
			if (!(lines == 0 || (lines == 1 && runs == runs_before + 1) ||
			      (lines == 2 && errors == 1 && records == 1)))
				fail_msg("byte 0x%02x gave:\n%s", c, out + before);
		}
		/* whatever came before, a clean line still works */
		feed("\x03" "cpus\r");
		assert_int_equal(last_cmd, SHELL_CPUS);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_command_runs_with_its_argument),
		cmocka_unit_test(test_bad_words_and_numbers_get_one_error_line),
		cmocka_unit_test(test_residency_seconds_outside_1_to_3600_refused),
		cmocka_unit_test(test_error_record_quotes_the_word_escaped_and_bounded),
		cmocka_unit_test(test_overlong_line_is_cut_and_refused_once),
		cmocka_unit_test(test_control_bytes_refuse_the_line_once),
		cmocka_unit_test(test_editing_keys_change_the_line),
		cmocka_unit_test(test_ctrl_c_abandons_the_line_without_error),
		cmocka_unit_test(test_cut_escape_sequences_are_control_bytes),
		cmocka_unit_test(test_line_ends_cr_lf_crlf_each_end_one_line),
		cmocka_unit_test(test_help_lists_every_command),
		cmocka_unit_test(test_poweroff_stops_reading),
		cmocka_unit_test(test_random_bytes_every_line_has_one_outcome),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
