// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_cmdline: libFuzzer target for kernel/cmdline.c and the option
 * table's reading of it (kernel/options.c).
 *
 * The input, up to its first NUL, is the command line, in a heap copy of
 * exactly its length plus the NUL (a read past the NUL is a report).
 * Checked:
 *   - every stored option's key and value (unless "") are strings inside
 *     cl->text,
 *     keys known, non-empty and distinct, at most CMDLINE_MAX_OPTS;
 *   - cmdline_format() returns the length it wrote, and its line parses
 *     back to the same options in the same order (its documented promise);
 *   - cmdline_parse_u64() agrees with a reference built on strtoull: the
 *     whole string decimal, or hex after 0x/0X, no sign, no overflow;
 *   - options_parse() (the kernel's table, with every value's check) runs
 *     clean on the same line;
 *   - each stored option is a whole token of the input: `key`,
 *     `key=val` or `key="val"` between blanks (an option cut by the
 *     CMDLINE_MAX_LEN - 1 limit is dropped, never kept in part).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/options.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = { "cpus", "hz", "seconds", "title", "quiet", "seed", "x", NULL };
static struct cmdline cl, back, kernel_cl;
static char line[2 * CMDLINE_MAX_LEN];

static bool known(const char *key, void *ctx)
{
	(void)ctx;
	for (int i = 0; keys[i]; i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

static bool ref_u64(const char *s, uint64_t *out)
{
	int base = 10;
	const char *d = s;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		d = s + 2;
	}
	if (!*d)
		return false;
	for (const char *p = d; *p; p++)
		if (!(base == 16 ? (*p >= '0' && *p <= '9') || (unsigned)((*p | 0x20) - 'a') < 6u :
		      *p >= '0' && *p <= '9'))
			return false;
	errno = 0;
	*out = strtoull(d, &end, base);
	return errno != ERANGE;
}

static void check_u64(const char *s)
{
	uint64_t got = 0, want = 0;
	bool ok = cmdline_parse_u64(s, &got);

	if (ok != ref_u64(s, &want) || (ok && got != want))
		fuzz_fail("cmdline_parse_u64 disagrees with strtoull");
}

static bool inside_text(const struct cmdline *c, const char *p)
{
	return p >= c->text && p < c->text + sizeof(c->text) &&
	       memchr(p, 0, (size_t)(c->text + sizeof(c->text) - p));
}

static void check(const char *s)
{
	size_t n;

	cmdline_parse(&cl, s, known, NULL);
	if (cl.n > CMDLINE_MAX_OPTS)
		fuzz_fail("more options than CMDLINE_MAX_OPTS");
	for (unsigned i = 0; i < cl.n; i++) {
		if (!inside_text(&cl, cl.opt[i].key) ||
		    (*cl.opt[i].val && !inside_text(&cl, cl.opt[i].val)))
			fuzz_fail("an option's key or value is not a string inside text[]");
		if (!*cl.opt[i].key || !known(cl.opt[i].key, NULL))
			fuzz_fail("an empty or unknown key was stored");
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(cl.opt[i].key, cl.opt[j].key))
				fuzz_fail("a key stored twice");
		if (cmdline_get(&cl, cl.opt[i].key) != cl.opt[i].val)
			fuzz_fail("cmdline_get does not find a stored option");
		check_u64(cl.opt[i].val);
		if (!fuzz_whole_token((const uint8_t *)s, strlen(s), &cl.opt[i]))
			fuzz_fail("a stored option is not a whole token of the input");
		(void)cmdline_get_u64(&cl, cl.opt[i].key, 7, 1, 1000);
	}
	n = cmdline_format(&cl, line, sizeof(line));
	if (n >= sizeof(line) || n != strlen(line))
		fuzz_fail("cmdline_format's length is not what it wrote");
	cmdline_parse(&back, line, known, NULL);
	if (back.n != cl.n)
		fuzz_fail("cmdline_format's line parses back to another number of options");
	for (unsigned i = 0; i < cl.n; i++)
		if (strcmp(back.opt[i].key, cl.opt[i].key) || strcmp(back.opt[i].val, cl.opt[i].val))
			fuzz_fail("cmdline_format's line parses back to other options");
	check_u64(s);
	options_parse(&kernel_cl, s);
	(void)options_format(line, sizeof(line));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t len = nul ? (size_t)(nul - data) : size;
	char *s = malloc(len + 1);

	if (!s)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	check(s);
	free(s);
	return 0;
}
