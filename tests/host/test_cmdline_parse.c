// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/cmdline: every rule of the command-line parser, and that each bad
 * piece of input costs exactly one warning line and leaves a defined result;
 * kernel/options: the kernel's option table read through that parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "kernel/cmdline.h"
#include "kernel/options.h"
#include "host_support.h"

static const char *const known_keys[] = { "cpus", "quiet", "title", "log", "timeout", NULL };

/* The parser's question "is this key known?", answered from a NULL-ended list. */
static bool in_keys(const char *key, void *ctx)
{
	for (const char *const *k = ctx; *k; k++)
		if (!strcmp(*k, key))
			return true;
	return false;
}

static struct cmdline cl;

/* Parse with a clean log; returns the number of warning lines. */
static int parse(const char *s)
{
	host_log_reset();
	cmdline_parse(&cl, s, in_keys, (void *)known_keys);
	return host_log_count("cmdline:");
}

static void test_key_value_flag_and_quoted_value(void **state)
{
	(void)state;
	assert_int_equal(parse("cpus=4 quiet title=\"hello  pull\tkern\" log=a=b"), 0);
	assert_int_equal(cl.n, 4);
	assert_string_equal(cmdline_get(&cl, "cpus"), "4");
	assert_string_equal(cmdline_get(&cl, "quiet"), "");
	assert_string_equal(cmdline_get(&cl, "title"), "hello  pull\tkern");
	assert_string_equal(cmdline_get(&cl, "log"), "a=b");
	assert_true(cmdline_has(&cl, "quiet"));
	assert_false(cmdline_has(&cl, "timeout"));
	assert_null(cmdline_get(&cl, "timeout"));
	assert_null(cmdline_get(&cl, "CPUS"));	/* keys are case-sensitive */
}

static void test_blanks_tabs_and_line_ends_separate_tokens(void **state)
{
	(void)state;
	assert_int_equal(parse("  \tcpus=2\t\tquiet \r\n"), 0);
	assert_int_equal(cl.n, 2);
	assert_string_equal(cmdline_get(&cl, "cpus"), "2");
	assert_string_equal(cmdline_get(&cl, "quiet"), "");
}

static void test_empty_quoted_value_and_empty_value(void **state)
{
	(void)state;
	assert_int_equal(parse("title=\"\" log="), 0);
	assert_string_equal(cmdline_get(&cl, "title"), "");
	assert_string_equal(cmdline_get(&cl, "log"), "");
}

static void test_leading_image_path_is_skipped_silently(void **state)
{
	(void)state;
	assert_int_equal(parse("/boot/pullkern.elf cpus=8"), 0);
	assert_int_equal(cl.n, 1);
	assert_string_equal(cmdline_get(&cl, "cpus"), "8");

	/* even with an '=' in it, and after leading blanks */
	assert_int_equal(parse("   /boot/a=b quiet"), 0);
	assert_int_equal(cl.n, 1);

	/* only the first token: a later path is an unknown option */
	assert_int_equal(parse("quiet /boot/pullkern.elf"), 1);
	assert_int_equal(host_log_count("unknown option '/boot/pullkern.elf'"), 1);
}

static void test_unknown_key_gives_exactly_one_warning_line(void **state)
{
	(void)state;
	assert_int_equal(parse("cpus=1 foo quiet"), 1);
	assert_int_equal(host_log_count("cmdline: unknown option 'foo' ignored"), 1);
	assert_int_equal(cl.n, 2);
	assert_null(cmdline_get(&cl, "foo"));

	assert_int_equal(parse("foo=1 bar=\"x y\" baz"), 3);
	assert_int_equal(host_log_count("unknown option 'foo'"), 1);
	assert_int_equal(host_log_count("unknown option 'bar'"), 1);
	assert_int_equal(host_log_count("unknown option 'baz'"), 1);
	assert_int_equal(cl.n, 0);
}

static void test_empty_key_is_warned_and_ignored(void **state)
{
	(void)state;
	assert_int_equal(parse("=x cpus=3 ="), 2);
	assert_int_equal(host_log_count("'=x' has an empty key"), 1);
	assert_int_equal(host_log_count("'=' has an empty key"), 1);
	assert_int_equal(cl.n, 1);
	assert_string_equal(cmdline_get(&cl, "cpus"), "3");
}

static void test_unterminated_quote_drops_the_rest_of_the_line(void **state)
{
	(void)state;
	assert_int_equal(parse("cpus=1 title=\"abc quiet log=2"), 1);
	assert_int_equal(host_log_count("unterminated quote in 'title=\"abc quiet log=2'"), 1);
	assert_int_equal(cl.n, 1);
	assert_string_equal(cmdline_get(&cl, "cpus"), "1");
	assert_false(cmdline_has(&cl, "quiet"));
	assert_false(cmdline_has(&cl, "title"));
}

static void test_misplaced_quotes_are_warned_and_ignored(void **state)
{
	(void)state;
	assert_int_equal(parse("ti\"tle=x"), 1);
	assert_int_equal(host_log_count("misplaced quote in 'ti\"tle=x'"), 1);
	assert_int_equal(parse("title=a\"b"), 1);
	assert_int_equal(host_log_count("misplaced quote"), 1);
	assert_int_equal(parse("title=\"a\"b cpus=2"), 1);
	assert_int_equal(host_log_count("text after closing quote in 'title=\"a\"b'"), 1);
	assert_string_equal(cmdline_get(&cl, "cpus"), "2");
	assert_false(cmdline_has(&cl, "title"));
	/* a quoted key is two tokens, each with a stray quote */
	assert_int_equal(parse("\"quiet cpus\""), 2);
	assert_int_equal(cl.n, 0);
}

static void test_control_bytes_are_rejected_without_echo(void **state)
{
	(void)state;
	assert_int_equal(parse("title=\"a\x1b[2Jb\" cpus=5 log=\x7f"), 2);
	assert_int_equal(host_log_count("control characters"), 2);
	assert_null(strchr(host_log(), '\x1b'));
	assert_null(strchr(host_log(), '\x7f'));
	assert_int_equal(cl.n, 1);
	assert_string_equal(cmdline_get(&cl, "cpus"), "5");
}

static void test_over_long_option_is_warned_and_ignored(void **state)
{
	char line[600], val[400];

	(void)state;
	/* 255 bytes as written is the longest accepted token */
	memset(val, 'v', sizeof(val));
	val[255 - strlen("title=")] = '\0';
	snprintf(line, sizeof(line), "title=%s", val);
	assert_int_equal(strlen(line), 255);
	assert_int_equal(parse(line), 0);
	assert_string_equal(cmdline_get(&cl, "title"), val);

	val[256 - strlen("title=")] = '\0';
	val[255 - strlen("title=")] = 'v';
	snprintf(line, sizeof(line), "cpus=1 title=%s quiet", val);
	assert_int_equal(parse(line), 1);
	assert_int_equal(host_log_count("is 256 bytes (max 255), ignored"), 1);
	assert_false(cmdline_has(&cl, "title"));
	assert_int_equal(cl.n, 2);
}

static void test_duplicate_key_last_value_wins_with_warning(void **state)
{
	(void)state;
	assert_int_equal(parse("cpus=2 quiet cpus=4"), 1);
	assert_int_equal(host_log_count("option 'cpus' given again, last value '4' wins"), 1);
	assert_int_equal(cl.n, 2);
	assert_string_equal(cmdline_get(&cl, "cpus"), "4");
	/* the slot keeps its first-seen position */
	assert_string_equal(cl.opt[0].key, "cpus");

	assert_int_equal(parse("quiet quiet quiet"), 2);
	assert_int_equal(cl.n, 1);
}

static void test_too_many_options_keeps_the_first_ones(void **state)
{
	static char names[40][8];
	static const char *many[41];
	char line[512] = "";
	int i;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "k%d", i);
		many[i] = names[i];
		strcat(line, names[i]);
		strcat(line, "=1 ");
	}
	host_log_reset();
	cmdline_parse(&cl, line, in_keys, many);
	assert_int_equal(cl.n, CMDLINE_MAX_OPTS);
	assert_int_equal(host_log_count("cmdline:"), 40 - CMDLINE_MAX_OPTS);
	assert_int_equal(host_log_count("more than 32 options, 'k32' ignored"), 1);
	assert_true(cmdline_has(&cl, "k31"));
	assert_false(cmdline_has(&cl, "k32"));
	assert_false(cmdline_has(&cl, "k39"));
}

/* A line of exactly `len` bytes: cpus=4, blanks, then `tail` at the end. */
static void long_line(char *buf, size_t len, const char *tail, size_t pad_after)
{
	size_t tl = strlen(tail);

	memset(buf, ' ', len);
	memcpy(buf, "cpus=4", 6);
	memcpy(buf + len - tl - pad_after, tail, tl);
	buf[len] = '\0';
}

static void test_over_long_line_is_cut_at_an_option_boundary(void **state)
{
	char line[2048];

	(void)state;
	/* exactly the maximum: no warning, everything kept */
	long_line(line, CMDLINE_MAX_LEN - 1, "quiet", 0);
	assert_int_equal(parse(line), 0);
	assert_true(cmdline_has(&cl, "quiet"));

	/* the cut falls inside "quiet": it is dropped, with a warning */
	long_line(line, CMDLINE_MAX_LEN + 2, "quiet", 0);
	assert_int_equal(parse(line), 2);
	assert_int_equal(host_log_count("longer than 1023 bytes"), 1);
	assert_int_equal(host_log_count("option 'qu' cut by the length limit, ignored"), 1);
	assert_false(cmdline_has(&cl, "quiet"));
	assert_string_equal(cmdline_get(&cl, "cpus"), "4");

	/* the cut falls right after "quiet": it is whole, and kept */
	long_line(line, CMDLINE_MAX_LEN + 50, "quiet", 51);
	assert_int_equal(line[CMDLINE_MAX_LEN - 1], ' ');
	assert_int_equal(line[CMDLINE_MAX_LEN - 2], 't');
	assert_int_equal(parse(line), 1);
	assert_true(cmdline_has(&cl, "quiet"));

	/* the cut falls inside a quoted value that would have contained blanks */
	long_line(line, CMDLINE_MAX_LEN + 20, "title=\"a      b      c      d\"", 0);
	assert_int_equal(parse(line), 2);
	assert_false(cmdline_has(&cl, "title"));
	assert_int_equal(cl.n, 1);

	/* a huge line of junk: one warning for the length, one for the cut token */
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(parse(line), 2);
	assert_int_equal(cl.n, 0);
}

static void test_empty_and_null_input(void **state)
{
	(void)state;
	assert_int_equal(parse(NULL), 0);
	assert_int_equal(cl.n, 0);
	assert_null(cmdline_get(&cl, "cpus"));
	assert_int_equal(parse(""), 0);
	assert_int_equal(cl.n, 0);
	assert_int_equal(parse(" \t \r\n "), 0);
	assert_int_equal(cl.n, 0);

	/* NULL everywhere is harmless */
	host_log_reset();
	cmdline_parse(NULL, "cpus=1", in_keys, (void *)known_keys);
	cmdline_parse(&cl, "cpus=1", NULL, NULL);
	assert_int_equal(host_log_count("unknown option 'cpus'"), 1);
	assert_null(cmdline_get(NULL, "cpus"));
	assert_null(cmdline_get(&cl, NULL));
	assert_int_equal(cmdline_get_u64(NULL, "cpus", 7, 0, 10), 7);
}

/*
 * The string ends on the last byte of a page whose successor is
 * PROT_NONE: one byte read beyond the NUL would kill the test.
 */
static void test_never_reads_past_the_terminating_nul(void **state)
{
	static const char text[] = "cpus=12 title=\"x";
	long page = sysconf(_SC_PAGESIZE);
	char *map, *s;

	(void)state;
	map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + page, (size_t)page, PROT_NONE), 0);
	s = map + page - sizeof(text);
	memcpy(s, text, sizeof(text));

	assert_int_equal(parse(s), 1);
	assert_string_equal(cmdline_get(&cl, "cpus"), "12");
	assert_int_equal(parse(map + page - 1), 0);	/* "" */
	assert_int_equal(cl.n, 0);
	munmap(map, (size_t)page * 2);
}

static void test_u64_values_parse_or_warn_and_default(void **state)
{
	(void)state;
	parse("cpus=64 log=0x1f timeout=0X10 title=18446744073709551615");
	host_log_reset();
	assert_int_equal(cmdline_get_u64(&cl, "cpus", 1, 1, 64), 64);
	assert_int_equal(cmdline_get_u64(&cl, "log", 0, 0, 100), 31);
	assert_int_equal(cmdline_get_u64(&cl, "timeout", 0, 0, 100), 16);
	assert_true(cmdline_get_u64(&cl, "title", 0, 0, UINT64_MAX) == UINT64_MAX);
	/* absent: the default, silently */
	assert_int_equal(cmdline_get_u64(&cl, "quiet", 9, 0, 100), 9);
	assert_int_equal(host_log_count("cmdline:"), 0);

	/* out of range: default and one warning naming key and value */
	assert_int_equal(cmdline_get_u64(&cl, "cpus", 4, 1, 63), 4);
	assert_int_equal(host_log_count("cmdline: cpus=64 is outside 1..63, using 4"), 1);

	static const char *const bad[] = {
		"cpus=abc", "cpus=", "cpus=-1", "cpus=+1", "cpus=0x", "cpus=1x",
		"cpus=0x1g", "cpus=18446744073709551616", "cpus=0x10000000000000000",
		"cpus=1.5", "cpus",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[64];

		assert_int_equal(parse(bad[i]), 0);
		assert_true(cmdline_has(&cl, "cpus"));
		assert_int_equal(cmdline_get_u64(&cl, "cpus", 4, 0, UINT64_MAX), 4);
		snprintf(want, sizeof(want), "cmdline: cpus='%s' is not a number, using 4",
			 cmdline_get(&cl, "cpus"));
		if (host_log_count(want) != 1 || host_log_count("cmdline:") != 1)
			fail_msg("input %s: log was: %s", bad[i], host_log());
	}

	/* decimal with leading zeros is still decimal */
	parse("cpus=010");
	assert_int_equal(cmdline_get_u64(&cl, "cpus", 0, 0, 100), 10);
}

static void test_format_writes_back_accepted_options_and_round_trips(void **state)
{
	static struct cmdline again;
	char buf[256], small[8];
	size_t n;

	(void)state;
	parse("/boot/k cpus=4 bogus quiet title=\"a b\" log=  title=\"x\ty z\"");
	n = cmdline_format(&cl, buf, sizeof(buf));
	assert_string_equal(buf, "cpus=4 quiet title=\"x\ty z\" log");
	assert_int_equal(n, strlen(buf));

	host_log_reset();
	cmdline_parse(&again, buf, in_keys, (void *)known_keys);
	assert_int_equal(host_log_count("cmdline:"), 0);
	assert_int_equal(again.n, cl.n);
	for (unsigned i = 0; i < cl.n; i++) {
		assert_string_equal(again.opt[i].key, cl.opt[i].key);
		assert_string_equal(again.opt[i].val, cl.opt[i].val);
	}

	/* truncation: snprintf-like */
	memset(small, 'Z', sizeof(small));
	assert_int_equal(cmdline_format(&cl, small, 5), n);
	assert_string_equal(small, "cpus");
	assert_int_equal(small[5], 'Z');
	assert_int_equal(cmdline_format(&cl, NULL, 0), n);

	parse("");
	assert_int_equal(cmdline_format(&cl, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

/* kernel/options: the table's view of the same line. */
static int parse_options(const char *s)
{
	host_log_reset();
	options_parse(&cl, s);
	return host_log_count("cmdline:");
}

static void test_options_absent_read_as_their_table_default(void **state)
{
	(void)state;
	assert_int_equal(parse_options(""), 0);
	assert_int_equal(option_u64("init_udelay"), 10000);
	assert_int_equal(option_u64("hz"), 1000);
	assert_string_equal(option_str("apic"), "auto");
	assert_string_equal(option_str("scenario"), "timers");
	assert_null(option_str("test"));
	assert_false(option_given("hz"));
	/* a computed default is the reader's */
	assert_int_equal(option_u64_or("lateness_bound_us", 1234), 1234);
	assert_int_equal(host_log_count("options:"), 0);
}

static void test_options_given_values_are_read_back(void **state)
{
	(void)state;
	assert_int_equal(parse_options("/boot/k hz=250 apic=x2apic test=late_ap "
				       "lateness_bound_us=0x10 help"), 0);
	assert_int_equal(option_u64("hz"), 250);
	assert_true(option_given("hz"));
	assert_string_equal(option_str("apic"), "x2apic");
	assert_string_equal(option_str("test"), "late_ap");
	assert_int_equal(option_u64_or("lateness_bound_us", 1234), 16);
	assert_true(option_given("help"));
}

static void test_option_bad_value_warns_once_and_reads_as_default(void **state)
{
	(void)state;
	assert_int_equal(parse_options("hz=5 init_udelay=abc apic=xx2apic seconds_ms=0"), 4);
	assert_int_equal(host_log_count("cmdline: hz=5 is outside 10..10000, using 1000"), 1);
	assert_int_equal(host_log_count("cmdline: init_udelay='abc' is not a number, using 10000"), 1);
	assert_int_equal(host_log_count("cmdline: apic='xx2apic' is not one of auto|xapic|x2apic|firmware_x2apic, using auto"), 1);
	assert_int_equal(host_log_count("cmdline: seconds_ms=0 is outside 1..3600000, using seconds x 1000"), 1);
	host_log_reset();
	assert_int_equal(option_u64("hz"), 1000);
	assert_int_equal(option_u64("init_udelay"), 10000);
	assert_string_equal(option_str("apic"), "auto");
	assert_int_equal(option_u64_or("seconds_ms", 2000), 2000);
	assert_false(option_given("hz"));
	/* reading again does not warn again */
	assert_int_equal(host_log_count("cmdline:"), 0);
}

/*
 * A range says what is done: seconds=0 used to give a 0 ms window while
 * seconds_ms=0 was refused, and tick_window_ms accepted 60000 although the
 * tick check stops at 10 s.
 */
static void test_option_ranges_hold_only_windows_that_are_run(void **state)
{
	(void)state;
	assert_int_equal(parse_options("seconds=0 tick_window_ms=60000"), 2);
	assert_int_equal(host_log_count("cmdline: seconds=0 is outside 1..3600, using 1"), 1);
	assert_int_equal(host_log_count("cmdline: tick_window_ms=60000 is outside 10..10000, using 200"), 1);
	assert_int_equal(option_u64("seconds"), 1);
	assert_int_equal(option_u64("tick_window_ms"), 200);
	assert_int_equal(parse_options("seconds=1 tick_window_ms=10000"), 0);
	assert_int_equal(option_u64("tick_window_ms"), 10000);
}

/* A scenario or test name is its reader's to judge: kept as given. */
static void test_option_names_are_left_to_their_reader(void **state)
{
	(void)state;
	assert_int_equal(parse_options("scenario=nosuch test=nosuch"), 0);
	assert_string_equal(option_str("scenario"), "nosuch");
	assert_string_equal(option_str("test"), "nosuch");
}

static void test_option_not_in_table_is_unknown_and_a_reader_bug(void **state)
{
	(void)state;
	assert_int_equal(parse_options("cpus=4"), 1);
	assert_int_equal(host_log_count("cmdline: unknown option 'cpus' ignored"), 1);
	host_log_reset();
	assert_int_equal(option_u64("cpus"), 0);
	assert_int_equal(host_log_count("options: BUG: no option 'cpus'"), 1);
}

static void test_help_lists_every_option_with_default_and_range(void **state)
{
	const struct option_desc *t;
	size_t n;

	(void)state;
	t = options_table(&n);
	host_log_reset();
	options_print_help();
	for (size_t i = 0; i < n; i++) {
		char def[64], range[64], want[160];

		assert_non_null(strstr(host_log(), t[i].help));
		if (t[i].kind == OPTION_FLAG)
			continue;
		option_default_text(&t[i], def, sizeof(def));
		option_range_text(&t[i], range, sizeof(range));
		snprintf(want, sizeof(want), "(default %s%s%s)\n", def, *range ? "; " : "", range);
		if (!strstr(host_log(), want))
			fail_msg("help lacks '%s' for %s: %s", want, t[i].name, host_log());
	}
	assert_int_equal(host_log_count("  hz=N "), 1);
	assert_int_equal(host_log_count("(default 1000; 10..10000)"), 1);
	assert_int_equal(host_log_count("  apic=auto|xapic|x2apic|firmware_x2apic"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_value_flag_and_quoted_value),
		cmocka_unit_test(test_blanks_tabs_and_line_ends_separate_tokens),
		cmocka_unit_test(test_empty_quoted_value_and_empty_value),
		cmocka_unit_test(test_leading_image_path_is_skipped_silently),
		cmocka_unit_test(test_unknown_key_gives_exactly_one_warning_line),
		cmocka_unit_test(test_empty_key_is_warned_and_ignored),
		cmocka_unit_test(test_unterminated_quote_drops_the_rest_of_the_line),
		cmocka_unit_test(test_misplaced_quotes_are_warned_and_ignored),
		cmocka_unit_test(test_control_bytes_are_rejected_without_echo),
		cmocka_unit_test(test_over_long_option_is_warned_and_ignored),
		cmocka_unit_test(test_duplicate_key_last_value_wins_with_warning),
		cmocka_unit_test(test_too_many_options_keeps_the_first_ones),
		cmocka_unit_test(test_over_long_line_is_cut_at_an_option_boundary),
		cmocka_unit_test(test_empty_and_null_input),
		cmocka_unit_test(test_never_reads_past_the_terminating_nul),
		cmocka_unit_test(test_u64_values_parse_or_warn_and_default),
		cmocka_unit_test(test_format_writes_back_accepted_options_and_round_trips),
		cmocka_unit_test(test_options_absent_read_as_their_table_default),
		cmocka_unit_test(test_options_given_values_are_read_back),
		cmocka_unit_test(test_option_bad_value_warns_once_and_reads_as_default),
		cmocka_unit_test(test_option_ranges_hold_only_windows_that_are_run),
		cmocka_unit_test(test_option_names_are_left_to_their_reader),
		cmocka_unit_test(test_option_not_in_table_is_unknown_and_a_reader_bug),
		cmocka_unit_test(test_help_lists_every_option_with_default_and_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
