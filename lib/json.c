// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json: one-line JSON objects written into a caller's buffer.
 *
 * Theory: the writer is a cursor into buf plus a stack of open containers:
 *
 *	depth:      1          2            3
 *	            {"a":1,"b":[2,3,{"c":true ...
 *	in_array:   false      true         false
 *	need_comma: true       true         true
 *
 * A value first writes the separator its level needs (a comma unless it is
 * the first there), then its key if the level is an object, then itself.
 * Keys are escaped exactly as string values are, so a key cannot break the
 * syntax either.  Numbers are formatted here from 64-bit integers, with no
 * FPU and no division helper: json_fixed() places the decimal point by
 * counting digits, so 12345 with 2 decimals prints 123.45 and -5 prints
 * -0.05.  Strings are taken as UTF-8 and passed through byte for byte
 * except '"', '\\' and the control bytes below 0x20, which RFC 8259 §7
 * requires escaped (we always use the \u00XX form).
 *
 * Invariants: len < size and buf[len] == '\0' after every call once
 * json_begin() has run with size > 0, so nothing is ever stored at or past
 * buf[size].  Once overflow or misuse is set the writer is dead: every
 * later call returns at once, and json_end() empties buf and returns NULL,
 * so a truncated object can never be mistaken for a complete one.
 *
 * Locking: none; a writer belongs to one caller.
 */
#include "lib/json.h"

static bool dead(const struct json_writer *w)
{
	return w->overflow || w->misuse;
}

static void put(struct json_writer *w, char c)
{
	if (dead(w))
		return;
	if (w->len + 1 >= w->size) {
		w->overflow = true;
		return;
	}
	w->buf[w->len++] = c;
	w->buf[w->len] = '\0';
}

static void put_raw(struct json_writer *w, const char *s)
{
	while (*s && !dead(w))
		put(w, *s++);
}

static void put_quoted(struct json_writer *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	put(w, '"');
	for (; *s && !dead(w); s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			put(w, '\\');
			put(w, (char)c);
		} else if (c < 0x20) {
			put_raw(w, "\\u00");
			put(w, hex[c >> 4]);
			put(w, hex[c & 0xf]);
		} else {
			put(w, (char)c);
		}
	}
	put(w, '"');
}

/* Decimal digits of v, most significant first; returns the count. */
static int u64_digits(char out[20], uint64_t v)
{
	char rev[20];
	int n = 0, i;

	do {
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	return n;
}

static void put_u64(struct json_writer *w, uint64_t v)
{
	char d[20];
	int n = u64_digits(d, v);

	for (int i = 0; i < n; i++)
		put(w, d[i]);
}

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

/*
 * Separator and key for the next value at the current level.  Returns
 * false (and writes nothing) when the writer is dead or the call is wrong
 * for the level: a key inside an array, none inside an object.
 */
static bool begin_value(struct json_writer *w, const char *key)
{
	int level = w->depth - 1;

	if (dead(w))
		return false;
	if (level < 0 || (w->in_array[level] ? key != NULL : key == NULL)) {
		w->misuse = true;
		return false;
	}
	if (w->need_comma[level])
		put(w, ',');
	w->need_comma[level] = true;
	if (key) {
		put_quoted(w, key);
		put(w, ':');
	}
	return !dead(w);
}

void json_begin(struct json_writer *w, char *buf, size_t size)
{
	w->buf = buf;
	w->size = buf ? size : 0;
	w->len = 0;
	w->depth = 1;
	for (int i = 0; i < JSON_MAX_DEPTH; i++) {
		w->need_comma[i] = false;
		w->in_array[i] = false;
	}
	w->misuse = false;
	w->overflow = w->size == 0;
	if (w->size)
		buf[0] = '\0';
	put(w, '{');
}

void json_str(struct json_writer *w, const char *key, const char *val)
{
	if (!begin_value(w, key))
		return;
	if (val)
		put_quoted(w, val);
	else
		put_raw(w, "null");
}

void json_u64(struct json_writer *w, const char *key, uint64_t v)
{
	if (begin_value(w, key))
		put_u64(w, v);
}

void json_i64(struct json_writer *w, const char *key, int64_t v)
{
	if (!begin_value(w, key))
		return;
	if (v < 0)
		put(w, '-');
	put_u64(w, magnitude(v));
}

void json_bool(struct json_writer *w, const char *key, bool v)
{
	if (begin_value(w, key))
		put_raw(w, v ? "true" : "false");
}

void json_null(struct json_writer *w, const char *key)
{
	if (begin_value(w, key))
		put_raw(w, "null");
}

void json_hex(struct json_writer *w, const char *key, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	int shift = 60;

	if (!begin_value(w, key))
		return;
	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	put_raw(w, "\"0x");
	for (; shift >= 0; shift -= 4)
		put(w, hex[(v >> shift) & 0xf]);
	put(w, '"');
}

void json_fixed(struct json_writer *w, const char *key, int64_t v,
		unsigned decimals)
{
	char d[20];
	int n;
	uint64_t total, lead, i;

	if (!begin_value(w, key))
		return;
	n = u64_digits(d, magnitude(v));
	/* At least one digit before the point: 5 with 2 decimals is 0.05. */
	total = (uint64_t)decimals + 1 > (uint64_t)n ? (uint64_t)decimals + 1 : (uint64_t)n;
	lead = total - (uint64_t)n;
	if (v < 0)
		put(w, '-');
	for (i = 0; i < total && !dead(w); i++) {
		if (decimals && i == total - decimals)
			put(w, '.');
		put(w, i < lead ? '0' : d[i - lead]);
	}
}

static void open_container(struct json_writer *w, const char *key,
			   bool array)
{
	if (!begin_value(w, key))
		return;
	if (w->depth >= JSON_MAX_DEPTH) {
		w->misuse = true;
		return;
	}
	put(w, array ? '[' : '{');
	w->need_comma[w->depth] = false;
	w->in_array[w->depth] = array;
	w->depth++;
}

/* Close the innermost container; the outer object only json_end closes. */
static void close_container(struct json_writer *w, bool array)
{
	if (dead(w))
		return;
	if (w->depth <= 1 || w->in_array[w->depth - 1] != array) {
		w->misuse = true;
		return;
	}
	put(w, array ? ']' : '}');
	w->depth--;
}

void json_array_begin(struct json_writer *w, const char *key)
{
	open_container(w, key, true);
}

void json_array_end(struct json_writer *w)
{
	close_container(w, true);
}

void json_object_begin(struct json_writer *w, const char *key)
{
	open_container(w, key, false);
}

void json_object_end(struct json_writer *w)
{
	close_container(w, false);
}

const char *json_end(struct json_writer *w)
{
	if (!dead(w) && w->depth != 1)
		w->misuse = true;
	put(w, '}');
	w->depth = 0;	/* any later call is misuse */
	if (dead(w)) {
		if (w->size)
			w->buf[0] = '\0';
		w->len = 0;
		return NULL;
	}
	return w->buf;
}
