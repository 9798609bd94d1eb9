// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/format against the host C library: every conversion, flag, width,
 * precision, '*' and length modifier we support must give the same bytes
 * and the same return value as glibc's snprintf, at every buffer size from
 * 0 to past the end, without writing one byte beyond the size given.
 * The table of cases is tests/host/format_cases.h, which the fuzz target
 * tests/fuzz/fuzz_format.c replays too.  The last tests cover the places
 * where we differ from glibc on purpose.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/format.h"
#include "tests/host/format_cases.h"

#define OUT_MAX 8192
#define CANARY 0x5a

static void describe(const struct fmt_case *c, const char *why, size_t n)
{
	print_error("format \"%s\" type %d value %#llx nstar %d (%d,%d) size %zu: %s\n",
		    c->fmt, c->type, (unsigned long long)c->v, c->nstar,
		    c->star[0], c->star[1], n, why);
}

/*
 * Compare at one size.  Both buffers start filled with a canary; every byte
 * at or beyond `n` must still be the canary afterwards.
 */
static void compare_at(const struct fmt_case *c, size_t n)
{
	static char ours[OUT_MAX + 16], libc[OUT_MAX + 16];
	int r_ours, r_libc;
	size_t i, cmp;

	memset(ours, CANARY, sizeof(ours));
	memset(libc, CANARY, sizeof(libc));
	r_ours = fmt_case_ours(n ? ours : NULL, n, c);
	r_libc = fmt_case_libc(n ? libc : NULL, n, c);
	if (r_ours != r_libc) {
		describe(c, "return value differs", n);
		assert_int_equal(r_ours, r_libc);
	}
	cmp = n < sizeof(ours) ? n : sizeof(ours);
	if (memcmp(ours, libc, cmp) != 0) {
		describe(c, "output differs", n);
		print_error("  ours: \"%.*s\"\n  libc: \"%.*s\"\n",
			    (int)cmp, ours, (int)cmp, libc);
		fail();
	}
	for (i = n; i < sizeof(ours); i++) {
		if ((unsigned char)ours[i] != CANARY) {
			describe(c, "wrote past the buffer", n);
			fail();
		}
	}
}

/* Full length, then every truncated size 0..len+1. */
static void compare_all_sizes(const struct fmt_case *c)
{
	char probe[OUT_MAX];
	int len = fmt_case_libc(probe, sizeof(probe), c);
	int n;

	assert_true(len >= 0 && len < OUT_MAX);
	compare_at(c, OUT_MAX);
	for (n = 0; n <= len + 1; n++)
		compare_at(c, (size_t)n);
}

static void test_table_matches_libc_at_every_size(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < FMT_NCASES; i++)
		compare_all_sizes(&fmt_cases[i]);
}

/* Several conversions in one call, to check the argument walk. */
static void test_multiple_arguments_match_libc(void **state)
{
	char a[256], b[256];
	int ra, rb;

	(void)state;
	ra = fmt_snprintf(a, sizeof(a), "%d %s %c %lx %hhd %*d %.*s %p %% %llu",
			  -1, "two", '3', 0x4UL, 0x105, 4, 6, 3, "sevenish",
			  (void *)0x8, 9ULL);
	rb = snprintf(b, sizeof(b), "%d %s %c %lx %hhd %*d %.*s %p %% %llu",
		      -1, "two", '3', 0x4UL, 0x105, 4, 6, 3, "sevenish",
		      (void *)0x8, 9ULL);
	assert_int_equal(ra, rb);
	assert_string_equal(a, b);
	assert_string_equal(a, "-1 two 3 4 5    6 sev 0x8 % 9");
}

/* xorshift64*: fixed seed, so a failure reproduces exactly. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rng_value(void)
{
	static const uint64_t edges[] = {
		0, 1, 2, 7, 8, 9, 10, 15, 16, 99, 100, 127, 128, 255, 256,
		0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, 0xffffffffffffffffULL,
		0xfffffffffffffffeULL, 0xffffffff80000000ULL,
	};

	switch (rng() % 4) {
	case 0:
		return edges[rng() % (sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return rng() % 1000;
	case 2:
		return (uint64_t)-(int64_t)(rng() % 100000);
	default:
		return rng() >> (rng() % 64);
	}
}

static const char *const words[] = {
	"", "x", "hello", "pullkern", "a b c", "0123456789abcdef", "%",
};

/* One random but well-defined conversion with literal text around it. */
static void random_case(struct fmt_case *c, char *fmt, size_t fmt_size)
{
	static const char convs[] = "diuxXocsp";
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };
	char conv = convs[rng() % (sizeof(convs) - 1)];
	const char *len = "";
	char flags[8], width[16] = "", prec[16] = "";
	size_t nf = 0;
	bool numeric = conv != 'c' && conv != 's';

	c->nstar = 0;
	c->s = NULL;
	c->v = rng_value();

	if (rng() % 3 == 0)
		flags[nf++] = '-';
	if (conv != 'c' && conv != 's') {
		bool sign_ok = conv == 'd' || conv == 'i' || conv == 'p';

		if (sign_ok && rng() % 3 == 0)
			flags[nf++] = '+';
		if (sign_ok && rng() % 3 == 0)
			flags[nf++] = ' ';
		if ((conv == 'x' || conv == 'X' || conv == 'o') && rng() % 2)
			flags[nf++] = '#';
		if (conv != 'p' && rng() % 3 == 0)
			flags[nf++] = '0';
	}
	flags[nf] = '\0';

	switch (rng() % 3) {
	case 0:
		break;
	case 1:
		snprintf(width, sizeof(width), "%u", (unsigned)(rng() % 30));
		if (width[0] == '0')	/* would read as a flag */
			width[0] = '\0';
		break;
	default:
		strcpy(width, "*");
		c->star[c->nstar++] = (int)(rng() % 41) - 20;
		break;
	}
	if (conv != 'c' && (conv != 'p' || c->v != 0)) {
		switch (rng() % 3) {
		case 0:
			break;
		case 1:
			snprintf(prec, sizeof(prec), ".%u", (unsigned)(rng() % 25));
			break;
		default:
			strcpy(prec, ".*");
			c->star[c->nstar++] = (int)(rng() % 30) - 5;
			break;
		}
	}

	if (numeric && conv != 'p')
		len = lens[rng() % (sizeof(lens) / sizeof(lens[0]))];

	if (conv == 'c') {
		c->type = A_INT;
		c->v = 32 + rng() % 95;
	} else if (conv == 's') {
		c->type = A_STR;
		c->s = words[rng() % (sizeof(words) / sizeof(words[0]))];
	} else if (conv == 'p') {
		c->type = A_PTR;
	} else if (!strcmp(len, "l")) {
		c->type = A_LONG;
	} else if (!strcmp(len, "ll")) {
		c->type = A_LLONG;
	} else if (!strcmp(len, "z")) {
		c->type = A_SIZE;
	} else if (!strcmp(len, "t")) {
		c->type = A_PTRDIFF;
	} else if (!strcmp(len, "j")) {
		c->type = A_INTMAX;
	} else {
		c->type = A_INT;	/* int, and hh/h promoted to int */
	}

	snprintf(fmt, fmt_size, "%s%%%s%s%s%s%c%s",
		 rng() % 2 ? "<" : "", flags, width, prec, len, conv,
		 rng() % 2 ? ">|" : "");
	c->fmt = fmt;
}

static void test_random_formats_match_libc(void **state)
{
	char fmt[64];
	struct fmt_case c;
	int i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		random_case(&c, fmt, sizeof(fmt));
		compare_at(&c, OUT_MAX);
		compare_at(&c, rng() % 12);
	}
}

/*
 * Below: behaviour that is ours and not glibc's.  Formats are passed
 * through variables so gcc's format checker lets us feed bad ones.
 */
static int ours(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static void test_unknown_conversion_is_printed_literally_and_takes_no_argument(void **state)
{
	const char *f1 = "%q %d", *f2 = "a%-5.2hqb", *f3 = "%n|%d", *f4 = "%ls %lc %d";
	const char *f5 = "%f %e %d", *f6 = "%*q %d";
	char buf[64];

	(void)state;
	assert_int_equal(ours(buf, sizeof(buf), f1, 7), 4);
	assert_string_equal(buf, "%q 7");
	assert_int_equal(ours(buf, sizeof(buf), f2), 9);
	assert_string_equal(buf, "a%-5.2hqb");
	ours(buf, sizeof(buf), f3, 5);
	assert_string_equal(buf, "%n|5");
	ours(buf, sizeof(buf), f4, 3);
	assert_string_equal(buf, "%ls %lc 3");
	ours(buf, sizeof(buf), f5, 1);
	assert_string_equal(buf, "%f %e 1");
	/* '*' of an unknown conversion is not fetched either */
	ours(buf, sizeof(buf), f6, 11);
	assert_string_equal(buf, "%*q 11");
}

static void test_format_ending_inside_a_specification_is_printed(void **state)
{
	const char *f1 = "abc%", *f2 = "abc%-08.3l", *f3 = "%";
	char buf[32];

	(void)state;
	assert_int_equal(ours(buf, sizeof(buf), f1), 4);
	assert_string_equal(buf, "abc%");
	assert_int_equal(ours(buf, sizeof(buf), f2), 10);
	assert_string_equal(buf, "abc%-08.3l");
	assert_int_equal(ours(buf, sizeof(buf), f3), 1);
	assert_string_equal(buf, "%");
}

static void test_null_string_prints_null_cut_by_precision(void **state)
{
	const char *null = NULL, *f1 = "[%s]", *f2 = "[%8s]", *f3 = "[%.3s]";
	char buf[32];

	(void)state;
	assert_int_equal(ours(buf, sizeof(buf), f1, null), 8);
	assert_string_equal(buf, "[(null)]");
	assert_int_equal(ours(buf, sizeof(buf), f2, null), 10);
	assert_string_equal(buf, "[  (null)]");
	ours(buf, sizeof(buf), f3, null);
	assert_string_equal(buf, "[(nu]");
}

static void test_precision_bounds_string_reads(void **state)
{
	/* Not NUL-terminated: %.4s must not read beyond the 4 bytes. */
	char unterminated[4] = { 'a', 'b', 'c', 'd' };
	char buf[16];

	(void)state;
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.4s|", unterminated), 5);
	assert_string_equal(buf, "abcd|");
}

static void test_huge_width_and_precision_are_clamped(void **state)
{
	static char buf[8192];
	const char *f1 = "%999999999999d", *f2 = "%.99999d", *star = "%*d";

	(void)state;
	assert_int_equal(ours(buf, sizeof(buf), star, 1 << 30, 1), 4096);
	assert_int_equal(ours(buf, sizeof(buf), star, -2147483647 - 1, 1), 4096);
	assert_int_equal(buf[0], '1');
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.*d", 1 << 30, 1), 4096);
	assert_int_equal(ours(buf, sizeof(buf), f1, 1), 4096);
	assert_int_equal(ours(buf, sizeof(buf), f2, 1), 4096);
	assert_int_equal(buf[0], '0');
}

static void test_null_or_empty_buffer_only_counts(void **state)
{
	char one[1] = { 'x' };

	(void)state;
	assert_int_equal(fmt_snprintf(NULL, 0, "%d-%s", 12345, "ab"), 8);
	assert_int_equal(fmt_snprintf(one, 0, "%d", 5), 1);
	assert_int_equal(one[0], 'x');
	assert_int_equal(fmt_snprintf(one, 1, "%d", 5), 1);
	assert_int_equal(one[0], '\0');
}

struct sink {
	char text[64];
	size_t n;
};

static void sink_putc(void *ctx, char c)
{
	struct sink *s = ctx;

	if (s->n < sizeof(s->text))
		s->text[s->n++] = c;
}

static int via_vformat(struct sink *s, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vformat(sink_putc, s, fmt, ap);
	va_end(ap);
	return r;
}

static void test_vformat_hands_every_byte_to_putc_including_nul(void **state)
{
	struct sink s = { .n = 0 };

	(void)state;
	assert_int_equal(via_vformat(&s, "a%cb%3d", 0, 7), 6);
	assert_int_equal(s.n, 6);
	assert_memory_equal(s.text, "a\0b  7", 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_libc_at_every_size),
		cmocka_unit_test(test_multiple_arguments_match_libc),
		cmocka_unit_test(test_random_formats_match_libc),
		cmocka_unit_test(test_unknown_conversion_is_printed_literally_and_takes_no_argument),
		cmocka_unit_test(test_format_ending_inside_a_specification_is_printed),
		cmocka_unit_test(test_null_string_prints_null_cut_by_precision),
		cmocka_unit_test(test_precision_bounds_string_reads),
		cmocka_unit_test(test_huge_width_and_precision_are_clamped),
		cmocka_unit_test(test_null_or_empty_buffer_only_counts),
		cmocka_unit_test(test_vformat_hands_every_byte_to_putc_including_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
