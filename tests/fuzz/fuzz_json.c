// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_json: libFuzzer target for lib/json.c, checked by a strict JSON
 * parser written here and by a model of the writer's rules.
 *
 * The input is a program of writer calls (strings with every byte value,
 * numbers, booleans, null, hex, fixed-point, nested arrays and objects,
 * keys given or left out, containers closed wrongly), run into a heap
 * buffer of exactly the size passed: a large one, or a small one the
 * input chooses.  The model applies the documented rules (kernel-facing
 * header lib/json.h): a key inside an array or none inside an object, an
 * _end that matches no open container, more than JSON_MAX_DEPTH open ones,
 * or json_end() with a container open are misuse.  Checked:
 *   - misuse gives NULL and an empty buffer; so does a buffer too small;
 *   - with the large buffer and no misuse, json_end() succeeds;
 *   - a successful line is one JSON object by RFC 8259's grammar (no
 *     blanks, no raw control bytes, every escape valid), and what it
 *     parses to is what was written, value by value: strings decoded
 *     byte for byte, numbers compared exactly as decimals, hex as
 *     "0x..." in lowercase.
 * Bytes 0x80 and up are passed through raw by design (json.h: strings are
 * taken as UTF-8); the parser accepts them as they are.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BIG		(64 * 1024)
#define MAX_OPS		200
#define EV_CAP		(256 * 1024)

static uint64_t word(struct fuzz_in *in)
{
	uint64_t v = 0;
	unsigned n = fuzz_byte(in) % 9;	/* small numbers are common */

	while (n--)
		v = v << 8 | fuzz_byte(in);
	return v;
}

/* Events as text: a tag, the length, ':', the bytes. */
struct events {
	char *buf;
	size_t len;
};

static struct events want, got;

static void ev(struct events *e, char tag, const char *s, size_t n)
{
	if (e->len + n + 32 > EV_CAP)
		fuzz_fail("event buffer too small: MAX_OPS too high");
	e->len += (size_t)sprintf(e->buf + e->len, "%c%zu:", tag, n);
	memcpy(e->buf + e->len, s, n);
	e->len += n;
}

/*
 * A decimal as sign, integer digits and fraction digits, reduced: no
 * leading zeros in the integer part, none trailing in the fraction, no
 * sign on zero.  Both sides of the comparison go through it.
 */
static void ev_decimal(struct events *e, bool neg, const char *ip, size_t in,
		       const char *fp, size_t fn)
{
	char out[64];
	size_t k = 0;
	bool zero = true;

	while (in > 1 && *ip == '0')
		ip++, in--;
	while (fn && fp[fn - 1] == '0')
		fn--;
	for (size_t i = 0; i < in; i++)
		zero &= ip[i] == '0';
	zero &= fn == 0;
	if (neg && !zero)
		out[k++] = '-';
	memcpy(out + k, ip, in);
	k += in;
	if (fn) {
		out[k++] = '.';
		memcpy(out + k, fp, fn);
		k += fn;
	}
	ev(e, 'n', out, k);
}

/* The writer's call and the model's rules. */
struct model {
	int depth;
	bool in_array[64];
	bool misuse;
};

static bool key_ok(struct model *m, const char *key)
{
	if (m->misuse)
		return false;
	if (m->depth < 1 || (m->in_array[m->depth - 1] ? key != NULL : key == NULL)) {
		m->misuse = true;
		return false;
	}
	if (key)
		ev(&want, 'k', key, strlen(key));
	return true;
}

static void fixed_text(int64_t v, unsigned dec)
{
	char d[32];
	int n = sprintf(d, "%" PRIu64, v < 0 ? -(uint64_t)v : (uint64_t)v);
	char ip[64];
	size_t in;

	if ((size_t)n > dec) {
		in = (size_t)n - dec;
		memcpy(ip, d, in);
		ev_decimal(&want, v < 0, ip, in, d + in, dec);
	} else {
		char fp[64];

		memset(fp, '0', dec - (size_t)n);
		memcpy(fp + dec - (size_t)n, d, (size_t)n);
		ev_decimal(&want, v < 0, "0", 1, fp, dec);
	}
}

static void step(struct fuzz_in *in, struct json_writer *w, struct model *m,
		 char keys[][24], char *str)
{
	uint8_t op = fuzz_byte(in);
	bool want_key = m->depth >= 1 && !m->in_array[m->depth - 1];
	const char *key;
	char num[32];

	/* one call in sixteen gets the key wrong */
	if ((op >> 4) == 15)
		want_key = !want_key;
	key = want_key ? keys[op >> 4 & 3] : NULL;
	switch (op % 11) {
	case 0: {
		size_t n = fuzz_byte(in) % 24;

		for (size_t i = 0; i < n; i++)
			str[i] = (char)(1 + fuzz_byte(in) % 255);
		str[n] = '\0';
		bool null = fuzz_byte(in) % 8 == 0;

		json_str(w, key, null ? NULL : str);
		if (key_ok(m, key))
			ev(&want, null ? 'z' : 's', str, null ? 0 : n);
		break;
	}
	case 1: {
		uint64_t v = word(in);

		json_u64(w, key, v);
		if (key_ok(m, key))
			ev_decimal(&want, false, num, (size_t)sprintf(num, "%" PRIu64, v), "", 0);
		break;
	}
	case 2: {
		int64_t v = (int64_t)word(in);

		json_i64(w, key, v);
		if (key_ok(m, key))
			ev_decimal(&want, v < 0, num,
				   (size_t)sprintf(num, "%" PRIu64, v < 0 ? -(uint64_t)v : (uint64_t)v),
				   "", 0);
		break;
	}
	case 3: {
		bool v = fuzz_byte(in) & 1;

		json_bool(w, key, v);
		if (key_ok(m, key))
			ev(&want, 'b', v ? "true" : "false", v ? 4 : 5);
		break;
	}
	case 4:
		json_null(w, key);
		if (key_ok(m, key))
			ev(&want, 'z', "", 0);
		break;
	case 5: {
		uint64_t v = word(in);

		json_hex(w, key, v);
		if (key_ok(m, key))
			ev(&want, 's', num, (size_t)sprintf(num, "0x%" PRIx64, v));
		break;
	}
	case 6: {
		int64_t v = (int64_t)word(in);
		unsigned dec = fuzz_byte(in) % 24;

		json_fixed(w, key, v, dec);
		if (key_ok(m, key))
			fixed_text(v, dec);
		break;
	}
	case 7: case 8: {
		bool array = op % 11 == 7;

		if (array)
			json_array_begin(w, key);
		else
			json_object_begin(w, key);
		if (!key_ok(m, key))
			break;
		if (m->depth >= JSON_MAX_DEPTH) {
			m->misuse = true;
			break;
		}
		m->in_array[m->depth++] = array;
		ev(&want, array ? '[' : '{', "", 0);
		break;
	}
	default: {
		bool array = op & 0x40;

		if (array)
			json_array_end(w);
		else
			json_object_end(w);
		if (m->misuse)
			break;
		if (m->depth <= 1 || m->in_array[m->depth - 1] != array) {
			m->misuse = true;
			break;
		}
		m->depth--;
		ev(&want, array ? ']' : '}', "", 0);
		break;
	}
	}
}

/* The strict parser: p walks s, events go to `got`. */
struct parser {
	const char *p, *end;
	char tmp[4096];
};

static bool value(struct parser *ps, int depth);

static bool string(struct parser *ps, char tag)
{
	size_t n = 0;

	if (ps->p == ps->end || *ps->p++ != '"')
		return false;
	for (;;) {
		unsigned char c;

		if (ps->p == ps->end || n + 1 >= sizeof(ps->tmp))
			return false;
		c = (unsigned char)*ps->p++;
		if (c == '"')
			break;
		if (c < 0x20)
			return false;
		if (c != '\\') {
			ps->tmp[n++] = (char)c;
			continue;
		}
		if (ps->p == ps->end)
			return false;
		c = (unsigned char)*ps->p++;
		switch (c) {
		case '"': case '\\': case '/': ps->tmp[n++] = (char)c; break;
		case 'b': ps->tmp[n++] = '\b'; break;
		case 'f': ps->tmp[n++] = '\f'; break;
		case 'n': ps->tmp[n++] = '\n'; break;
		case 'r': ps->tmp[n++] = '\r'; break;
		case 't': ps->tmp[n++] = '\t'; break;
		case 'u': {
			unsigned v = 0;

			for (int i = 0; i < 4; i++) {
				char h;

				if (ps->p == ps->end)
					return false;
				h = *ps->p++;
				if (h >= '0' && h <= '9')
					v = v * 16 + (unsigned)(h - '0');
				else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
					v = v * 16 + (unsigned)((h | 0x20) - 'a' + 10);
				else
					return false;
			}
			if (v >= 0x80)
				return false;	/* the writer escapes only control bytes */
			ps->tmp[n++] = (char)v;
			break;
		}
		default:
			return false;
		}
	}
	ev(&got, tag, ps->tmp, n);
	return true;
}

static size_t digits(struct parser *ps)
{
	const char *s = ps->p;

	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
		ps->p++;
	return (size_t)(ps->p - s);
}

static bool number(struct parser *ps)
{
	bool neg = false;
	const char *ip, *fp = "";
	size_t in, fn = 0;

	if (ps->p < ps->end && *ps->p == '-') {
		neg = true;
		ps->p++;
	}
	ip = ps->p;
	in = digits(ps);
	if (!in || (in > 1 && *ip == '0'))
		return false;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		fp = ps->p;
		fn = digits(ps);
		if (!fn)
			return false;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E'))
		return false;	/* the writer never writes exponents */
	ev_decimal(&got, neg, ip, in, fp, fn);
	return true;
}

static bool word_is(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n))
		return false;
	ps->p += n;
	return true;
}

static bool container(struct parser *ps, int depth, bool array)
{
	ps->p++;
	ev(&got, array ? '[' : '{', "", 0);
	if (ps->p < ps->end && *ps->p == (array ? ']' : '}')) {
		ps->p++;
		ev(&got, array ? ']' : '}', "", 0);
		return true;
	}
	for (;;) {
		if (!array && (!string(ps, 'k') || ps->p == ps->end || *ps->p++ != ':'))
			return false;
		if (!value(ps, depth + 1) || ps->p == ps->end)
			return false;
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p++ != (array ? ']' : '}'))
			return false;
		ev(&got, array ? ']' : '}', "", 0);
		return true;
	}
}

/*
 * `depth` is the container this value would open: the writer allows
 * JSON_MAX_DEPTH open containers, and scalars inside the deepest one.
 */
static bool value(struct parser *ps, int depth)
{
	if (ps->p == ps->end)
		return false;
	switch (*ps->p) {
	case '{': return depth <= JSON_MAX_DEPTH && container(ps, depth, false);
	case '[': return depth <= JSON_MAX_DEPTH && container(ps, depth, true);
	case '"': return string(ps, 's');
	case 't': return word_is(ps, "true") && (ev(&got, 'b', "true", 4), true);
	case 'f': return word_is(ps, "false") && (ev(&got, 'b', "false", 5), true);
	case 'n': return word_is(ps, "null") && (ev(&got, 'z', "", 0), true);
	default: return number(ps);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char keys[4][24] = { "a", "kind", "x\"y", "\\\x01\x1f\x7f" };
	struct fuzz_in in = { data, size };
	struct json_writer w;
	struct model m = { 1, { false }, false };
	struct parser ps;
	size_t bufsize = size && data[0] < 0xc0 ? BIG : (size > 1 ? data[1] : 0);
	char *buf = malloc(bufsize ? bufsize : 1), str[32];
	const char *line;

	if (!buf)
		abort();
	if (!want.buf) {
		want.buf = malloc(EV_CAP);
		got.buf = malloc(EV_CAP);
	}
	want.len = got.len = 0;
	in.p += size > 2 ? 2 : size;
	in.left -= size > 2 ? 2 : size;
	json_begin(&w, buf, bufsize);
	ev(&want, '{', "", 0);
	for (int i = 0; i < MAX_OPS && in.left; i++)
		step(&in, &w, &m, keys, str);
	if (!m.misuse && m.depth != 1)
		m.misuse = true;
	ev(&want, '}', "", 0);
	line = json_end(&w);
	if (bufsize && strlen(buf) >= bufsize)
		fuzz_fail("the writer's line is not terminated inside its buffer");
	if (!line && bufsize && buf[0])
		fuzz_fail("a failed line left bytes in the buffer");
	if (m.misuse && line)
		fuzz_fail("misuse the model saw gave a line");
	if (!m.misuse && bufsize == BIG && !line)
		fuzz_fail("a well-formed program in a large buffer gave no line");
	if (line) {
		ps.p = line;
		ps.end = line + strlen(line);
		if (*line != '{' || !value(&ps, 1) || ps.p != ps.end)
			fuzz_fail("the line is not one strict JSON object");
		if (got.len != want.len || memcmp(got.buf, want.buf, got.len))
			fuzz_fail("the line parses to other values than were written");
	}
	free(buf);
	return 0;
}
