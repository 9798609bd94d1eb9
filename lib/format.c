// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * format: the one printf engine shared by kprintf() and the snprintf family.
 *
 * Theory: fmt_vformat() walks the format string once.  Ordinary bytes are
 * emitted as they are; each '%' starts a conversion specification that is
 * parsed completely into a struct fmt_spec before any argument is fetched:
 *
 *	%  [flags -+ #0]  [width N|*]  [.precision N|*]  [length hh h l ll z t j]  conv
 *
 * Only when the conversion character is one we know (d i u x X o c s p %)
 * are the '*' arguments and the value taken from the va_list, in C99 order
 * (width, precision, value).  Anything else is copied to the output as it
 * was written, "%-5q" stays "%-5q", and consumes no argument: a typo in a
 * format string shows up on the console instead of shifting every later
 * argument.  %n is deliberately one of the unknown conversions (it would let
 * a format string write memory), as are %lc and %ls (no wide characters in
 * the kernel) and every floating-point conversion (no FPU state).
 *
 * Every character goes through emit(), which counts it and hands it to the
 * caller's putc.  The count is what C99 says a printf returns: the length
 * of the complete output, whether or not the sink kept it.  fmt_vsnprintf's
 * sink stores at most size - 1 bytes and the wrapper then writes the NUL,
 * so it never touches buf[size] or beyond, and buf is a string whenever
 * size > 0.
 *
 * Integers are converted from a uint64_t magnitude plus a sign; the most
 * negative value is negated in unsigned arithmetic, so INT64_MIN is exact.
 * Bases 8 and 16 use shifts and base 10 a native 64-bit divide, so nothing
 * here needs libgcc or an FPU (the kernel builds with -mgeneral-regs-only).
 *
 * Deliberate differences from glibc, each tested in tests/host:
 *   - width and precision are clamped to FMT_FIELD_MAX, so a garbage '*'
 *     argument cannot make kprintf pad a serial console for minutes;
 *   - a NULL %s prints "(null)" cut by the precision like any string
 *     (glibc prints nothing when the precision is below 6);
 *   - an output longer than INT_MAX returns -1 (glibc sets EOVERFLOW).
 * Like glibc, a NULL %p prints "(nil)" padded to the width; a non-NULL %p
 * prints like %#lx ("0x" and lowercase hex, flags and precision honoured).
 *
 * Locking: none.  The engine keeps all state on the stack and is reentrant;
 * serialising the output is the sink's business (kprintf's console lock).
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/format.h"

/* Largest width or precision honoured; larger values are clamped. */
#define FMT_FIELD_MAX 4096

/* <limits.h> is not on the kernel's list of headers; gcc predefines these. */
#define INT_MAX __INT_MAX__
#define INT_MIN (-__INT_MAX__ - 1)

enum fmt_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG,
	       LEN_SIZE, LEN_PTRDIFF, LEN_INTMAX };

enum fmt_flag {
	F_LEFT = 1 << 0,	/* '-' */
	F_PLUS = 1 << 1,	/* '+' */
	F_SPACE = 1 << 2,	/* ' ' */
	F_ALT = 1 << 3,		/* '#' */
	F_ZERO = 1 << 4,	/* '0' */
};

struct fmt_spec {
	unsigned flags;
	int width;		/* 0 when absent */
	int prec;		/* -1 when absent */
	bool width_star;
	bool prec_star;
	enum fmt_len len;
	char conv;
};

struct fmt_out {
	fmt_putc_fn putc;
	void *ctx;
	size_t count;		/* characters produced so far */
};

static void emit(struct fmt_out *o, char c)
{
	o->count++;
	o->putc(o->ctx, c);
}

static void emit_n(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal field from the format string, clamped so it cannot overflow. */
static int parse_num(const char **pp)
{
	const char *p = *pp;
	int v = 0;

	while (is_digit(*p)) {
		if (v <= FMT_FIELD_MAX)
			v = v * 10 + (*p - '0');
		p++;
	}
	*pp = p;
	return v > FMT_FIELD_MAX ? FMT_FIELD_MAX : v;
}

static void parse_flags(const char **pp, struct fmt_spec *s)
{
	for (;; (*pp)++) {
		switch (**pp) {
		case '-': s->flags |= F_LEFT; break;
		case '+': s->flags |= F_PLUS; break;
		case ' ': s->flags |= F_SPACE; break;
		case '#': s->flags |= F_ALT; break;
		case '0': s->flags |= F_ZERO; break;
		default: return;
		}
	}
}

static void parse_length(const char **pp, struct fmt_spec *s)
{
	const char *p = *pp;

	switch (*p) {
	case 'h':
		s->len = p[1] == 'h' ? LEN_CHAR : LEN_SHORT;
		p += p[1] == 'h' ? 2 : 1;
		break;
	case 'l':
		s->len = p[1] == 'l' ? LEN_LLONG : LEN_LONG;
		p += p[1] == 'l' ? 2 : 1;
		break;
	case 'z': s->len = LEN_SIZE; p++; break;
	case 't': s->len = LEN_PTRDIFF; p++; break;
	case 'j': s->len = LEN_INTMAX; p++; break;
	default: break;
	}
	*pp = p;
}

/*
 * Parse the specification after a '%'.  Returns false when the conversion
 * is not one we implement; *pp is then just past the offending character
 * (or at the terminating NUL), so the caller can echo [start, *pp).
 */
static bool parse_spec(const char **pp, struct fmt_spec *s)
{
	const char *p = *pp;

	s->flags = 0;
	s->width = 0;
	s->prec = -1;
	s->width_star = false;
	s->prec_star = false;
	s->len = LEN_INT;

	parse_flags(&p, s);
	if (*p == '*') {
		s->width_star = true;
		p++;
	} else {
		s->width = parse_num(&p);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			s->prec_star = true;
			p++;
		} else {
			s->prec = parse_num(&p);
		}
	}
	parse_length(&p, s);
	s->conv = *p;
	if (*p)
		p++;
	*pp = p;

	switch (s->conv) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'p':
	case '%':
		return true;
	case 'c': case 's':
		return s->len == LEN_INT;
	default:
		return false;
	}
}

static uint64_t fetch_unsigned(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	/* C99 7.19.6.1: 't' with u/x/o names ptrdiff_t's unsigned twin. */
	case LEN_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
	case LEN_INTMAX: return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static int64_t fetch_signed(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	/* 'z' with d/i names size_t's signed twin: same width, reinterpret. */
	case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	case LEN_INTMAX: return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

/* Digits of v in base 8, 10 or 16, least significant first; returns count. */
static int to_digits(char *out, uint64_t v, unsigned base, bool upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		if (base == 10) {
			out[n++] = set[v % 10];
			v /= 10;
		} else {
			unsigned shift = base == 16 ? 4 : 3;

			out[n++] = set[v & (base - 1)];
			v >>= shift;
		}
	} while (v);
	return n;
}

static void emit_padded_field(struct fmt_out *o, const struct fmt_spec *s,
			      const char *prefix, int nprefix, int zeros,
			      const char *rdigits, int ndigits)
{
	int body = nprefix + zeros + ndigits;
	int pad = s->width > body ? s->width - body : 0;
	int i;

	/* C99: '0' pads with zeros after the prefix unless '-' or a precision. */
	if ((s->flags & (F_ZERO | F_LEFT)) == F_ZERO && s->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(s->flags & F_LEFT))
		emit_n(o, ' ', pad);
	for (i = 0; i < nprefix; i++)
		emit(o, prefix[i]);
	emit_n(o, '0', zeros);
	for (i = ndigits - 1; i >= 0; i--)
		emit(o, rdigits[i]);
	if (s->flags & F_LEFT)
		emit_n(o, ' ', pad);
}

/*
 * One integer conversion.  `neg` and `mag` are sign and magnitude; `is_signed`
 * says whether '+' and ' ' apply (d, i, and p as glibc does it).
 */
static void emit_integer(struct fmt_out *o, const struct fmt_spec *s,
			 bool neg, uint64_t mag, bool is_signed)
{
	char digits[24];	/* 2^64 - 1 has 22 octal digits */
	char prefix[3];
	int nprefix = 0, ndigits, zeros;
	unsigned base = 10;
	bool alt = s->flags & F_ALT;

	if (s->conv == 'x' || s->conv == 'X' || s->conv == 'p')
		base = 16;
	else if (s->conv == 'o')
		base = 8;

	/* C99: precision 0 and value 0 produce no digits at all. */
	if (s->prec == 0 && mag == 0)
		ndigits = 0;
	else
		ndigits = to_digits(digits, mag, base, s->conv == 'X');
	zeros = s->prec > ndigits ? s->prec - ndigits : 0;

	if (neg)
		prefix[nprefix++] = '-';
	else if (is_signed && (s->flags & F_PLUS))
		prefix[nprefix++] = '+';
	else if (is_signed && (s->flags & F_SPACE))
		prefix[nprefix++] = ' ';

	if (s->conv == 'p' || (alt && base == 16 && mag != 0)) {
		prefix[nprefix++] = '0';
		prefix[nprefix++] = s->conv == 'X' ? 'X' : 'x';
	}
	/* C99: '#' with o raises the precision so the first digit is 0. */
	if (alt && base == 8 && zeros == 0 && (ndigits == 0 || mag != 0))
		zeros = 1;

	emit_padded_field(o, s, prefix, nprefix, zeros, digits, ndigits);
}

/* %s and %c: at most `len` bytes of str, never reading beyond them. */
static void emit_string(struct fmt_out *o, const struct fmt_spec *s,
			const char *str, size_t limit)
{
	int n = 0, pad;

	while ((size_t)n < limit && n < INT_MAX && str[n])
		n++;
	pad = s->width > n ? s->width - n : 0;
	if (!(s->flags & F_LEFT))
		emit_n(o, ' ', pad);
	for (int i = 0; i < n; i++)
		emit(o, str[i]);
	if (s->flags & F_LEFT)
		emit_n(o, ' ', pad);
}

static void emit_char(struct fmt_out *o, const struct fmt_spec *s, char c)
{
	int pad = s->width > 1 ? s->width - 1 : 0;

	if (!(s->flags & F_LEFT))
		emit_n(o, ' ', pad);
	emit(o, c);	/* may be NUL: %c of 0 writes a NUL, as C99 says */
	if (s->flags & F_LEFT)
		emit_n(o, ' ', pad);
}

/* Fetch the '*' arguments; C99: a negative width means '-' and its size. */
static void fetch_stars(va_list *ap, struct fmt_spec *s)
{
	if (s->width_star) {
		int w = va_arg(*ap, int);

		if (w < 0) {
			s->flags |= F_LEFT;
			w = w == INT_MIN ? INT_MAX : -w;
		}
		s->width = w > FMT_FIELD_MAX ? FMT_FIELD_MAX : w;
	}
	if (s->prec_star) {
		int p = va_arg(*ap, int);

		/* A negative precision is taken as if it were omitted. */
		s->prec = p < 0 ? -1 : (p > FMT_FIELD_MAX ? FMT_FIELD_MAX : p);
	}
}

static void convert(struct fmt_out *o, struct fmt_spec *s, va_list *ap)
{
	fetch_stars(ap, s);

	switch (s->conv) {
	case 'd':
	case 'i': {
		int64_t v = fetch_signed(ap, s->len);
		uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

		emit_integer(o, s, v < 0, mag, true);
		break;
	}
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		emit_integer(o, s, false, fetch_unsigned(ap, s->len), false);
		break;
	case 'p': {
		const void *ptr = va_arg(*ap, const void *);

		if (!ptr) {
			s->prec = -1;
			emit_string(o, s, "(nil)", 5);
		} else {
			emit_integer(o, s, false, (uintptr_t)ptr, true);
		}
		break;
	}
	case 'c':
		emit_char(o, s, (char)va_arg(*ap, int));
		break;
	case 's': {
		const char *str = va_arg(*ap, const char *);

		emit_string(o, s, str ? str : "(null)",
			    s->prec < 0 ? SIZE_MAX : (size_t)s->prec);
		break;
	}
	default:	/* '%': glibc ignores flags and width here, so do we */
		emit(o, '%');
		break;
	}
}

int fmt_vformat(fmt_putc_fn putc, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_out o = { putc, ctx, 0 };
	struct fmt_spec s;
	va_list args;

	if (!fmt)
		fmt = "(null fmt)";
	/* A copy we may pass by address to helpers (va_list is an array type). */
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		fmt++;
		if (parse_spec(&fmt, &s)) {
			convert(&o, &s, &args);
		} else {
			while (start < fmt)
				emit(&o, *start++);
		}
	}
	va_end(args);
	return o.count > INT_MAX ? -1 : (int)o.count;
}

struct fmt_buf {
	char *buf;
	size_t size;
	size_t pos;		/* bytes stored, always < size when size > 0 */
};

static void buf_putc(void *ctx, char c)
{
	struct fmt_buf *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos++] = c;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = { buf, buf ? size : 0, 0 };
	int n = fmt_vformat(buf_putc, &b, fmt, ap);

	if (b.size)
		buf[b.pos] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
