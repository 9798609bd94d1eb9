/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * format_cases.h: lib/format.c's conversions as cases the host C library's
 * snprintf can check, shared by tests/host/test_format_matches_libc.c (the
 * hand-written table at every buffer size, and random cases) and
 * tests/fuzz/fuzz_format.c (the table replayed once under ASan with
 * exact-size buffers, then cases built from the fuzzer's bytes).
 *
 * A case is a format with at most one conversion argument, `v` (an
 * integer reinterpreted as `type`, or the pointer's value) or `s`, after
 * up to two int arguments for '*'.  fmt_case_ours() and fmt_case_libc()
 * call fmt_snprintf() and snprintf() with exactly those arguments.  The
 * table holds only what C99 defines, so libc is the reference.
 */
#ifndef PULLKERN_TESTS_FORMAT_CASES_H
#define PULLKERN_TESTS_FORMAT_CASES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/format.h"

enum fmt_arg { A_NONE, A_INT, A_UINT, A_LONG, A_ULONG, A_LLONG, A_ULLONG,
	       A_SIZE, A_PTRDIFF, A_INTMAX, A_UINTMAX, A_STR, A_PTR };

struct fmt_case {
	const char *fmt;
	enum fmt_arg type;
	uint64_t v;		/* integer argument, reinterpreted per type */
	const char *s;		/* A_STR argument */
	int nstar;		/* leading int arguments for '*' */
	int star[2];
};

/* Call fn (snprintf or fmt_snprintf) with the case's arguments. */
#define FMT_CALL_STARS(fn, buf, n, c, val)				\
	((c)->nstar == 0 ? fn(buf, n, (c)->fmt, val) :			\
	 (c)->nstar == 1 ? fn(buf, n, (c)->fmt, (c)->star[0], val) :	\
	 fn(buf, n, (c)->fmt, (c)->star[0], (c)->star[1], val))

#define FMT_CALL_TYPED(fn, buf, n, c)					\
	switch ((c)->type) {						\
	case A_NONE: return FMT_CALL_STARS(fn, buf, n, c, 0);		\
	case A_INT: return FMT_CALL_STARS(fn, buf, n, c, (int)(c)->v);	\
	case A_UINT: return FMT_CALL_STARS(fn, buf, n, c, (unsigned)(c)->v); \
	case A_LONG: return FMT_CALL_STARS(fn, buf, n, c, (long)(c)->v); \
	case A_ULONG: return FMT_CALL_STARS(fn, buf, n, c, (unsigned long)(c)->v); \
	case A_LLONG: return FMT_CALL_STARS(fn, buf, n, c, (long long)(c)->v); \
	case A_ULLONG: return FMT_CALL_STARS(fn, buf, n, c, (unsigned long long)(c)->v); \
	case A_SIZE: return FMT_CALL_STARS(fn, buf, n, c, (size_t)(c)->v); \
	case A_PTRDIFF: return FMT_CALL_STARS(fn, buf, n, c, (ptrdiff_t)(c)->v); \
	case A_INTMAX: return FMT_CALL_STARS(fn, buf, n, c, (intmax_t)(c)->v); \
	case A_UINTMAX: return FMT_CALL_STARS(fn, buf, n, c, (uintmax_t)(c)->v); \
	case A_STR: return FMT_CALL_STARS(fn, buf, n, c, (c)->s);	\
	case A_PTR: return FMT_CALL_STARS(fn, buf, n, c, (void *)(uintptr_t)(c)->v); \
	}								\
	return -2

static inline int fmt_case_ours(char *buf, size_t n, const struct fmt_case *c)
{
	FMT_CALL_TYPED(fmt_snprintf, buf, n, c);
}

static inline int fmt_case_libc(char *buf, size_t n, const struct fmt_case *c)
{
	FMT_CALL_TYPED(snprintf, buf, n, c);
}

#define I(f, val) { f, A_INT, (uint64_t)(int64_t)(val), NULL, 0, { 0, 0 } }
#define U(f, val) { f, A_UINT, (uint64_t)(val), NULL, 0, { 0, 0 } }
#define L(f, val) { f, A_LONG, (uint64_t)(int64_t)(val), NULL, 0, { 0, 0 } }
#define UL(f, val) { f, A_ULONG, (uint64_t)(val), NULL, 0, { 0, 0 } }
#define LL(f, val) { f, A_LLONG, (uint64_t)(int64_t)(val), NULL, 0, { 0, 0 } }
#define ULL(f, val) { f, A_ULLONG, (uint64_t)(val), NULL, 0, { 0, 0 } }
#define T(f, ty, val) { f, ty, (uint64_t)(val), NULL, 0, { 0, 0 } }
#define S(f, str) { f, A_STR, 0, str, 0, { 0, 0 } }
#define P(f, val) { f, A_PTR, (uint64_t)(val), NULL, 0, { 0, 0 } }
#define N(f) { f, A_NONE, 0, NULL, 0, { 0, 0 } }
#define STAR1(f, ty, a, val) { f, ty, (uint64_t)(int64_t)(val), NULL, 1, { a, 0 } }
#define STAR2(f, ty, a, b, val) { f, ty, (uint64_t)(int64_t)(val), NULL, 2, { a, b } }
#define STARS(f, a, b, str) { f, A_STR, 0, str, 2, { a, b } }

static const struct fmt_case fmt_cases[] = {
	/* plain text and %% */
	N(""), N("hello, world"), N("100%%"), N("%%%%"), N("a%%b%%c"),
	/* d and i */
	I("%d", 0), I("%d", 1), I("%d", -1), I("%i", 12345), I("%d", INT32_MAX),
	I("%d", INT32_MIN), I("[%5d]", 42), I("[%-5d]", 42), I("[%05d]", 42),
	I("[%05d]", -42), I("[%+d]", 42), I("[%+d]", -42), I("[% d]", 42),
	I("[% d]", -42), I("[%+ d]", 42), I("[% 05d]", 42), I("[%-05d]", 42),
	I("[%.3d]", 7), I("[%.3d]", -7), I("[%8.3d]", -7), I("[%-8.3d]", 7),
	I("[%08.3d]", 7), I("[%.0d]", 0), I("[%5.0d]", 0), I("[%+.0d]", 0),
	I("[% .0d]", 0), I("[%.0d]", 1), I("[%.10d]", INT32_MIN), I("[%1d]", 123456),
	I("[%-+8d]", 9), I("[%0+8d]", 9), I("[%0 8i]", -9), I("[%40d]", 5),
	I("[%.40d]", 5), I("[%-40.30d]", -5),
	/* u, x, X, o */
	U("%u", 0), U("%u", UINT32_MAX), U("[%10u]", 77), U("[%-10u]", 77),
	U("[%010u]", 77), U("[%.5u]", 77), U("[%+u]", 77), U("[% u]", 77),
	U("%x", 0xdeadbeef), U("%X", 0xdeadbeef), U("%#x", 0xdeadbeef),
	U("%#X", 0xdeadbeef), U("%#x", 0), U("%#X", 0), U("[%#10x]", 255),
	U("[%#-10x]", 255), U("[%#010x]", 255), U("[%#08x]", 255),
	U("[%#.8x]", 255), U("[%#12.8x]", 255), U("[%#.0x]", 0), U("[%.0x]", 0),
	U("[%#.0x]", 1), U("%o", 0), U("%o", 8), U("%o", UINT32_MAX),
	U("%#o", 0), U("%#o", 8), U("[%#.0o]", 0), U("[%.0o]", 0),
	U("[%#.5o]", 8), U("[%#5o]", 8), U("[%#05o]", 8), U("[%#-6o]", 8),
	U("[%#.1o]", 0), U("[%#.2o]", 1),
	/* length modifiers */
	I("%hhd", 127), I("%hhd", 128), I("%hhd", -129), I("%hhd", 0x1ff),
	I("%hhu", -1), I("%hhx", 0x1234), I("%hho", -1), I("%hd", 32767),
	I("%hd", 32768), I("%hd", -40000), I("%hu", -1), I("%hx", 0x12345),
	I("%#hX", -2),
	L("%ld", INT64_MIN), L("%ld", INT64_MAX), L("%li", -1), UL("%lu", UINT64_MAX),
	UL("%lx", UINT64_MAX), UL("%#lo", UINT64_MAX), UL("%lX", 0x0123456789abcdefULL),
	LL("%lld", INT64_MIN), LL("%lld", INT64_MAX), LL("[%+25lld]", INT64_MIN),
	LL("[%-+25lld]", INT64_MAX), LL("[%025lld]", INT64_MIN), LL("[%.25lld]", INT64_MIN),
	ULL("%llu", UINT64_MAX), ULL("%llx", UINT64_MAX), ULL("%#llx", UINT64_MAX),
	ULL("%llo", UINT64_MAX), ULL("%#llo", UINT64_MAX), ULL("%#.30llo", 1),
	T("%zu", A_SIZE, SIZE_MAX), T("%zx", A_SIZE, 0x1000), T("%zd", A_SIZE, -5),
	T("%zi", A_SIZE, 123), T("%td", A_PTRDIFF, -77), T("%tx", A_PTRDIFF, -1),
	T("%tu", A_PTRDIFF, 5), T("%jd", A_INTMAX, INT64_MIN),
	T("%ju", A_UINTMAX, UINT64_MAX), T("%jx", A_UINTMAX, 0xabc),
	T("%#jo", A_UINTMAX, 0), T("%ji", A_INTMAX, -1),
	/* c */
	I("%c", 'A'), I("[%5c]", 'x'), I("[%-5c]", 'x'), I("[%c]", 0),
	I("[%3c]", 0), I("%c", 0x1ff), I("[%.0c]", 'q'),
	/* s */
	S("%s", "hello"), S("[%10s]", "hello"), S("[%-10s]", "hello"),
	S("[%.3s]", "hello"), S("[%10.3s]", "hello"), S("[%-10.3s]", "hello"),
	S("[%.0s]", "hello"), S("[%.10s]", "hello"), S("[%s]", ""),
	S("[%5s]", ""), S("[%2s]", "toolong"), S("[%s|%%|]", "x"),
	/* p */
	P("%p", 0x1234), P("%p", UINT64_MAX), P("%p", 0xffff800000000000ULL),
	P("[%20p]", 0xdeadbeef), P("[%-20p]", 0xdeadbeef), P("[%020p]", 0xdeadbeef),
	P("[%.12p]", 0xdeadbeef), P("[%+p]", 0x10), P("[% p]", 0x10),
	P("%p", 0), P("[%10p]", 0), P("[%-10p]", 0), P("[%010p]", 0),
	/* '*' width and precision, including negative values */
	STAR1("[%*d]", A_INT, 6, 42), STAR1("[%*d]", A_INT, -6, 42),
	STAR1("[%-*d]", A_INT, 6, 42), STAR1("[%*d]", A_INT, 0, 42),
	STAR1("[%.*d]", A_INT, 5, 42), STAR1("[%.*d]", A_INT, -1, 42),
	STAR1("[%.*d]", A_INT, 0, 0), STAR1("[%0.*d]", A_INT, -3, 42),
	STAR1("[%0*d]", A_INT, 8, -42), STAR1("[%0*d]", A_INT, -8, -42),
	STAR2("[%*.*d]", A_INT, 10, 4, -42), STAR2("[%*.*x]", A_UINT, -10, 4, 0xab),
	STAR2("[%#*.*o]", A_UINT, 7, 0, 0), STAR2("[%*.*lld]", A_LLONG, 30, 25, INT64_MIN),
	STARS("[%*.*s]", 8, 3, "abcdef"), STARS("[%*.*s]", -8, -3, "abcdef"),
	STARS("[%*.*s]", 0, 0, "abcdef"),
	/* text around conversions, so truncation cuts in every part */
	I("cpu %d online", 63), S("name=%s;", "pullkern"),
	UL("addr 0x%016lx end", 0xfee00000UL), LL("delta=%+lld ns", -1500),
};

#define FMT_NCASES (sizeof(fmt_cases) / sizeof(fmt_cases[0]))

#undef I
#undef U
#undef L
#undef UL
#undef LL
#undef ULL
#undef T
#undef S
#undef P
#undef N
#undef STAR1
#undef STAR2
#undef STARS

#endif
