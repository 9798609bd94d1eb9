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
 * them is an AddressSanitizer report.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t word(struct fuzz_in *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | fuzz_byte(in);
	return v;
}

enum arg { A_NONE, A_INT, A_LONG, A_STR, A_PTR };

struct spec {
	char fmt[96];
	enum arg type;
	int nstar, star[2];
	long long v;
	const char *s;
	void *ptr;
};

static int ours(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static int theirs(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

#define CALL(fn, buf, n, c, val)						\
	((c)->nstar == 0 ? fn(buf, n, (c)->fmt, val) :				\
	 (c)->nstar == 1 ? fn(buf, n, (c)->fmt, (c)->star[0], val) :		\
	 fn(buf, n, (c)->fmt, (c)->star[0], (c)->star[1], val))

static int run(int (*fn)(char *, size_t, const char *, ...), char *buf, size_t n,
	       const struct spec *c)
{
	switch (c->type) {
	case A_INT:
		return CALL(fn, buf, n, c, (int)c->v);
	case A_LONG:
		return CALL(fn, buf, n, c, c->v);
	case A_STR:
		return CALL(fn, buf, n, c, c->s);
	case A_PTR:
		return CALL(fn, buf, n, c, c->ptr);
	default:
		return CALL(fn, buf, n, c, 0);	/* %%: the argument is not read */
	}
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

static void make_spec(struct fuzz_in *in, struct spec *c, char *str, size_t str_cap)
{
	static const char convs[] = "diuxXocsp%";
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };
	char conv = convs[fuzz_byte(in) % (sizeof(convs) - 1)];
	uint8_t flags = fuzz_byte(in), wsel = fuzz_byte(in), psel = fuzz_byte(in);
	bool num = strchr("diuxXo", conv) != NULL;
	const char *len = num ? lens[fuzz_byte(in) % 8] : "";
	size_t k = 0;

	memset(c, 0, sizeof(*c));
	literal(in, c->fmt, &k);
	c->fmt[k++] = '%';
	if (conv != '%') {
		if (flags & 1)
			c->fmt[k++] = '-';
		if ((flags & 2) && (conv == 'd' || conv == 'i'))
			c->fmt[k++] = '+';
		if ((flags & 4) && (conv == 'd' || conv == 'i'))
			c->fmt[k++] = ' ';
		if ((flags & 8) && strchr("oxX", conv))
			c->fmt[k++] = '#';
		if ((flags & 16) && num)
			c->fmt[k++] = '0';
		if (wsel % 4 == 1)
			k += (size_t)sprintf(c->fmt + k, "%u", wsel / 4 % 40);
		else if (wsel % 4 == 2 && conv != 'p') {
			c->fmt[k++] = '*';
			c->star[c->nstar++] = (int8_t)fuzz_byte(in) % 48;
		}
		if ((num || conv == 's') && psel % 4 == 1) {
			k += (size_t)sprintf(c->fmt + k, ".%u", psel / 4 % 40);
		} else if ((num || conv == 's') && psel % 4 == 2) {
			k += (size_t)sprintf(c->fmt + k, ".*");
			c->star[c->nstar++] = (int8_t)fuzz_byte(in) % 48;
		}
		if (conv == 'p')
			k = (size_t)(strrchr(c->fmt, '%') - c->fmt) + 1 +
			    (size_t)sprintf(strrchr(c->fmt, '%') + 1, "%s%u", flags & 1 ? "-" : "",
					    wsel / 4 % 40);
	}
	k += (size_t)sprintf(c->fmt + k, "%s%c", len, conv);
	literal(in, c->fmt, &k);
	c->fmt[k] = '\0';

	c->v = (long long)word(in);
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
		c->ptr = (void *)(uintptr_t)(c->v | 1);
	} else if (conv == 'c' || len[0] == 'h' || !len[0]) {
		c->type = A_INT;
	} else {
		c->type = A_LONG;
	}
}

static void compare(const struct spec *c, size_t n)
{
	char *a = malloc(n ? n : 1), *b = malloc(n ? n : 1);
	int ra, rb;

	if (!a || !b)
		abort();
	memset(a, 0x5a, n ? n : 1);
	memset(b, 0x5a, n ? n : 1);
	ra = run(ours, n ? a : NULL, n, c);
	rb = run(theirs, n ? b : NULL, n, c);
	if (ra != rb || (n && memcmp(a, b, n))) {
		fprintf(stderr, "format \"%s\" size %zu: ours %d \"%.*s\", libc %d \"%.*s\"\n",
			c->fmt, n, ra, (int)(n ? n - 1 : 0), a, rb, (int)(n ? n - 1 : 0), b);
		fuzz_fail("fmt_snprintf differs from snprintf");
	}
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct spec c;
	char str[64];

	while (in.left) {
		make_spec(&in, &c, str, sizeof(str) - 1);
		compare(&c, 256);
		compare(&c, fuzz_byte(&in) % 24);
	}
	return 0;
}
