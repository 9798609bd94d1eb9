// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_format: libFuzzer target comparing lib/format.c with the host C
 * library's snprintf.
 *
 * The input is a program: each conversion takes bytes for its flags,
 * width, precision, length modifier, conversion letter, literal text
 * around it, its argument and a buffer size, and is then formatted by
 * fmt_snprintf() and snprintf() into a full buffer and into one of the
 * chosen size.  The return values and the bytes written must be equal.
 * Only what C99 defines is generated (format.h lists what we support):
 * '#' only with o, x, X; '0' and a precision only with numbers (and a
 * precision with s); '+' and ' ' only with d and i; length modifiers only
 * with numbers; %p only non-NULL, with '-' and a width at most; %% bare.
 * The buffers are heap blocks of exactly the size passed, so a write past
 * them is an AddressSanitizer report.  Cases and their calls are
 * tests/host/format_cases.h's, whose hand-written table (the host test's)
 * is replayed once at start-up the same way.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/host/format_cases.h"

#define FMT_BUF 96	/* a built format: literals, one specification, literals */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t word(struct fuzz_in *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | fuzz_byte(in);
	return v;
}

/* Literal text: printable bytes, '%' doubled. */
static void literal(struct fuzz_in *in, char *f, size_t *k)
{
	unsigned n = fuzz_byte(in) % 4;

	while (n--) {
		char ch = (char)(0x20 + fuzz_byte(in) % 95);

		f[(*k)++] = ch;
		if (ch == '%')
			f[(*k)++] = '%';
	}
}

static void make_spec(struct fuzz_in *in, struct fmt_case *c, char *f, char *str,
		      size_t str_cap)
{
	static const char convs[] = "diuxXocsp%";
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };
	char conv = convs[fuzz_byte(in) % (sizeof(convs) - 1)];
	uint8_t flags = fuzz_byte(in), wsel = fuzz_byte(in), psel = fuzz_byte(in);
	bool num = strchr("diuxXo", conv) != NULL;
	const char *len = num ? lens[fuzz_byte(in) % 8] : "";
	size_t k = 0;

	memset(c, 0, sizeof(*c));
	memset(f, 0, FMT_BUF);	/* the %p rewrite below looks for the last '%' */
	c->fmt = f;
	literal(in, f, &k);
	f[k++] = '%';
	if (conv != '%') {
		if (flags & 1)
			f[k++] = '-';
		if ((flags & 2) && (conv == 'd' || conv == 'i'))
			f[k++] = '+';
		if ((flags & 4) && (conv == 'd' || conv == 'i'))
			f[k++] = ' ';
		if ((flags & 8) && strchr("oxX", conv))
			f[k++] = '#';
		if ((flags & 16) && num)
			f[k++] = '0';
		if (wsel % 4 == 1)
			k += (size_t)sprintf(f + k, "%u", wsel / 4 % 40);
		else if (wsel % 4 == 2 && conv != 'p') {
			f[k++] = '*';
			c->star[c->nstar++] = (int8_t)fuzz_byte(in) % 48;
		}
		if ((num || conv == 's') && psel % 4 == 1) {
			k += (size_t)sprintf(f + k, ".%u", psel / 4 % 40);
		} else if ((num || conv == 's') && psel % 4 == 2) {
			k += (size_t)sprintf(f + k, ".*");
			c->star[c->nstar++] = (int8_t)fuzz_byte(in) % 48;
		}
		if (conv == 'p')
			k = (size_t)(strrchr(f, '%') - f) + 1 +
			    (size_t)sprintf(strrchr(f, '%') + 1, "%s%u", flags & 1 ? "-" : "",
					    wsel / 4 % 40);
	}
	k += (size_t)sprintf(f + k, "%s%c", len, conv);
	literal(in, f, &k);
	f[k] = '\0';

	c->v = word(in);
	if (conv == '%')
		c->type = A_NONE;
	else if (conv == 's') {
		size_t n = fuzz_byte(in) % str_cap;

		for (size_t i = 0; i < n; i++)
			str[i] = (char)(1 + fuzz_byte(in) % 255);
		str[n] = '\0';
		c->type = A_STR;
		c->s = str;
	} else if (conv == 'p') {
		c->type = A_PTR;
		c->v |= 1;	/* never NULL: glibc prints "(nil)" */
	} else if (conv == 'c' || len[0] == 'h' || !len[0]) {
		c->type = A_INT;
	} else {
		c->type = A_LLONG;
	}
}

static void compare(const struct fmt_case *c, size_t n)
{
	char *a = malloc(n ? n : 1), *b = malloc(n ? n : 1);
	int ra, rb;

	if (!a || !b)
		abort();
	memset(a, 0x5a, n ? n : 1);
	memset(b, 0x5a, n ? n : 1);
	ra = fmt_case_ours(n ? a : NULL, n, c);
	rb = fmt_case_libc(n ? b : NULL, n, c);
	if (ra != rb || (n && memcmp(a, b, n))) {
		fprintf(stderr, "format \"%s\" size %zu: ours %d \"%.*s\", libc %d \"%.*s\"\n",
			c->fmt, n, ra, (int)(n ? n - 1 : 0), a, rb, (int)(n ? n - 1 : 0), b);
		fuzz_fail("fmt_snprintf differs from snprintf");
	}
	free(a);
	free(b);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < FMT_NCASES; i++) {
		compare(&fmt_cases[i], 256);
		for (size_t n = 0; n < 24; n++)
			compare(&fmt_cases[i], n);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct fmt_case c;
	char fmt[FMT_BUF], str[64];

	while (in.left) {
		make_spec(&in, &c, fmt, str, sizeof(str) - 1);
		compare(&c, 256);
		compare(&c, fuzz_byte(&in) % 24);
	}
	return 0;
}
