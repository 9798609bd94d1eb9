// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmdline: split the boot loader's command line into known key=value options.
 *
 * Theory: the string comes from the boot loader (the multiboot2 command
 * line tag) and is untrusted: it may be missing, longer than we keep, or
 * malformed in any way.  cmdline_parse() therefore
 *
 *   1. copies at most CMDLINE_MAX_LEN - 1 bytes into cl->text, reading the
 *      source one byte at a time and never past its NUL;
 *   2. splits that copy in place into tokens, writing NULs (shown as |)
 *      over separators, '=' signs and closing quotes, so keys and values
 *      point into text[]:
 *
 *	input   /boot/pullkern.elf cpus=4 title="a b" quiet
 *	text    /boot/pullkern.elf|cpus|4|title|"a b||quiet|
 *	opt[]   {"cpus", "4"}  {"title", "a b"}  {"quiet", ""}
 *
 *   3. checks each token against the rules below and either records it or
 *      prints exactly one warning line saying why it was dropped.
 *
 * Rules:
 *   - Tokens are separated by blanks: space and tab, and also CR and LF,
 *     which loaders reading the line from a file tend to leave at the end.
 *   - key=value; key="value with blanks" (the quote is special only as
 *     the first byte of a value, and the value ends at the next quote,
 *     which must end the token); a bare key is a flag with value "".
 *   - The first token, if it starts with '/', is the kernel image path that
 *     some loaders prepend; it is skipped without a word.
 *   - Dropped with one warning each: an unknown key; an empty key ("=x");
 *     a quote anywhere else, or text after a closing quote; an unterminated
 *     quote (it swallows the rest of the line); a token of CMDLINE_MAX_TOKEN
 *     bytes or more; a token holding control bytes (not echoed, so a hostile
 *     line cannot drive the console); a new key once CMDLINE_MAX_OPTS are
 *     stored.
 *   - A repeated key: the last value wins, with a warning.
 *   - Input longer than CMDLINE_MAX_LEN - 1 bytes: one warning for the
 *     length, and the option the cut falls into is dropped with a warning
 *     of its own (a cut `hz=1000` must not become `hz=10`), so the result
 *     is always a run of whole options.  The cut is seen only if the byte
 *     after the kept ones is still there: a caller that copied the line
 *     first must keep at least CMDLINE_MAX_LEN bytes of it (struct
 *     boot_info does).
 *
 * Lifetime and locking: cl is written only by cmdline_parse(), once, on the
 * boot CPU before other CPUs run; afterwards it is read-only and the
 * getters need no lock.
 */
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "lib/string.h"

/* One token located in text[]: [start, end) as written. */
struct token {
	char *start;
	char *end;		/* blank or NUL after the token */
	char *key_end;		/* '=' or end */
	char *val;		/* first value byte, NULL for a flag */
	char *close_quote;	/* closing quote of a quoted value, or NULL */
	bool unterminated;	/* opening quote without a closing one */
	bool stray_quote;	/* a quote in the key or an unquoted value */
	bool after_quote;	/* bytes between the closing quote and end */
	bool control;		/* a byte < 0x20 other than tab, or 0x7f */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_control(char c)
{
	unsigned char u = (unsigned char)c;

	return (u < 0x20 && c != '\t') || u == 0x7f;
}

/* Unquoted run up to a blank (or, for a key, an '='); notes stray quotes. */
static char *scan_bare(struct token *t, char *q, char *end, bool stop_at_eq)
{
	while (q < end && !is_blank(*q) && !(stop_at_eq && *q == '=')) {
		if (*q == '"')
			t->stray_quote = true;
		q++;
	}
	return q;
}

static void scan_token(struct token *t, char *start, char *end)
{
	char *q;

	*t = (struct token){ .start = start };
	q = scan_bare(t, start, end, true);
	t->key_end = q;
	if (q < end && *q == '=') {
		t->val = ++q;
		if (q < end && *q == '"') {
			t->val = ++q;
			while (q < end && *q != '"')
				q++;
			if (q == end) {
				t->unterminated = true;
			} else {
				t->close_quote = q++;
				t->after_quote = q < end && !is_blank(*q);
			}
		}
	}
	t->end = scan_bare(t, q, end, false);
	for (q = start; q < t->end; q++) {
		if (is_control(*q))
			t->control = true;
	}
}

static struct cmdline_opt *find_opt(const struct cmdline *cl, const char *key)
{
	for (unsigned i = 0; i < cl->n; i++) {
		if (!strcmp(cl->opt[i].key, key))
			return (struct cmdline_opt *)&cl->opt[i];
	}
	return NULL;
}

/* Why t cannot be used, after printing it; false if it is well formed. */
static bool token_rejected(const struct token *t)
{
	size_t len = (size_t)(t->end - t->start);

	if (t->control) {
		kprintf("cmdline: option with control characters ignored\n");
	} else if (t->unterminated) {
		kprintf("cmdline: unterminated quote in '%.64s', ignored\n",
			t->start);
	} else if (len >= CMDLINE_MAX_TOKEN) {
		kprintf("cmdline: option '%.32s...' is %zu bytes (max %d), ignored\n",
			t->start, len, CMDLINE_MAX_TOKEN - 1);
	} else if (t->key_end == t->start) {
		kprintf("cmdline: option '%s' has an empty key, ignored\n",
			t->start);
	} else if (t->after_quote) {
		kprintf("cmdline: text after closing quote in '%s', ignored\n",
			t->start);
	} else if (t->stray_quote) {
		kprintf("cmdline: misplaced quote in '%s', ignored\n",
			t->start);
	} else {
		return false;
	}
	return true;
}

/* Split a well-formed token into key and value and store it if known. */
static void accept_token(struct cmdline *cl, struct token *t,
			 bool (*known)(const char *key, void *ctx), void *ctx)
{
	struct cmdline_opt *o;
	const char *key = t->start;
	const char *val = "";

	if (t->val) {
		if (t->close_quote)
			*t->close_quote = '\0';
		val = t->val;
	}
	*t->key_end = '\0';	/* the '=' or the token's own terminator */

	if (!known || !known(key, ctx)) {
		kprintf("cmdline: unknown option '%s' ignored\n", key);
		return;
	}
	o = find_opt(cl, key);
	if (o) {
		kprintf("cmdline: option '%s' given again, last value '%s' wins\n",
			key, val);
		o->val = val;
		return;
	}
	if (cl->n == CMDLINE_MAX_OPTS) {
		kprintf("cmdline: more than %d options, '%s' ignored\n",
			CMDLINE_MAX_OPTS, key);
		return;
	}
	cl->opt[cl->n].key = key;
	cl->opt[cl->n].val = val;
	cl->n++;
}

/* Copy at most CMDLINE_MAX_LEN - 1 bytes; true if s was longer. */
static bool copy_bounded(struct cmdline *cl, const char *s, size_t *lenp)
{
	size_t len = 0;

	while (len < CMDLINE_MAX_LEN - 1 && s[len]) {
		cl->text[len] = s[len];
		len++;
	}
	cl->text[len] = '\0';
	*lenp = len;
	/* s[len] is readable: either it is the NUL, or s[len - 1] was not. */
	return s[len] != '\0';
}

void cmdline_parse(struct cmdline *cl, const char *s,
		   bool (*known)(const char *key, void *ctx), void *ctx)
{
	bool truncated, cut_in_token, first = true;
	char *p, *end;
	size_t len;

	if (!cl)
		return;
	cl->n = 0;
	cl->text[0] = '\0';
	if (!s)
		return;

	truncated = copy_bounded(cl, s, &len);
	cut_in_token = truncated && !is_blank(s[len]);
	if (truncated)
		kprintf("cmdline: longer than %d bytes, cut after the last whole option\n",
			CMDLINE_MAX_LEN - 1);

	p = cl->text;
	end = p + len;
	while (p < end) {
		struct token t;
		bool cut;

		while (p < end && is_blank(*p))
			p++;
		if (p == end)
			break;
		scan_token(&t, p, end);
		/* The option the cut fell into is partial: never use it. */
		cut = t.end == end && truncated && (cut_in_token || t.unterminated);
		p = t.end < end ? t.end + 1 : end;
		*t.end = '\0';

		if (first && *t.start == '/') {
			first = false;
			continue;
		}
		first = false;
		if (cut) {
			kprintf("cmdline: option '%.32s' cut by the length limit, ignored\n",
				t.start);
			continue;
		}
		if (token_rejected(&t))
			continue;
		accept_token(cl, &t, known, ctx);
	}
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
	const struct cmdline_opt *o;

	if (!cl || !key)
		return NULL;
	o = find_opt(cl, key);
	return o ? o->val : NULL;
}

bool cmdline_has(const struct cmdline *cl, const char *key)
{
	return cmdline_get(cl, key) != NULL;
}

static int digit_value(char c, unsigned base)
{
	int d = -1;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && (unsigned)d < base ? d : -1;
}

bool cmdline_parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		int d = digit_value(*s, base);

		if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return true;
}

uint64_t cmdline_get_u64(const struct cmdline *cl, const char *key,
			 uint64_t def, uint64_t min, uint64_t max)
{
	const char *val = cmdline_get(cl, key);
	uint64_t v;

	if (!val)
		return def;
	if (!cmdline_parse_u64(val, &v)) {
		kprintf("cmdline: %s='%s' is not a number, using %llu\n",
			key, val, (unsigned long long)def);
		return def;
	}
	if (v < min || v > max) {
		kprintf("cmdline: %s=%s is outside %llu..%llu, using %llu\n",
			key, val, (unsigned long long)min,
			(unsigned long long)max, (unsigned long long)def);
		return def;
	}
	return v;
}

struct out {
	char *buf;
	size_t size;
	size_t len;	/* full length so far, may exceed size */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_str(struct out *o, const char *s)
{
	while (*s)
		out_char(o, *s++);
}

size_t cmdline_format(const struct cmdline *cl, char *buf, size_t size)
{
	struct out o = { buf, buf ? size : 0, 0 };

	for (unsigned i = 0; cl && i < cl->n; i++) {
		const char *val = cl->opt[i].val;
		bool quote = false;

		for (const char *v = val; *v; v++)
			quote |= is_blank(*v);
		if (i)
			out_char(&o, ' ');
		out_str(&o, cl->opt[i].key);
		if (!*val)
			continue;
		out_char(&o, '=');
		if (quote)
			out_char(&o, '"');
		out_str(&o, val);
		if (quote)
			out_char(&o, '"');
	}
	if (o.size)
		buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return o.len;
}
