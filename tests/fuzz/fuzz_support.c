// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_support: kprintf() and the exact-length ACPI map of the firmware
 * fuzz targets (the theory is in fuzz_support.h).  FUZZ_VERBOSE=1 in the
 * environment echoes the parsers' messages to stderr, to read a seed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "tests/fuzz/fuzz_support.h"

int kvprintf(const char *fmt, va_list ap)
{
	static int verbose = -1;
	char line[256];
	int n;

	n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (verbose)
		fputs(line, stderr);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void fuzz_fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

const void *fuzz_map(uint64_t phys, uint64_t len, void *ctx)
{
	struct fuzz_mem *m = ctx;
	uint8_t *copy;

	if (phys < m->base || len > m->size || phys - m->base > m->size - len)
		return NULL;
	if (m->nmaps == FUZZ_MAX_MAPS)
		return NULL;
	copy = malloc(len);	/* zero bytes asked for: any read is past the end */
	if (!copy)
		abort();
	memcpy(copy, m->img + (phys - m->base), len);
	if (m->fix_csum && len >= 36 && fuzz_rd32(copy + 4) == len)
		fuzz_fix_checksum(copy, len, 9);
	m->maps[m->nmaps++] = copy;
	return copy;
}

void fuzz_mem_release(struct fuzz_mem *m)
{
	while (m->nmaps)
		free(m->maps[--m->nmaps]);
}

static bool edge(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

static bool has_token(const uint8_t *s, size_t n, const char *tok, size_t k)
{
	for (size_t i = 0; k && i + k <= n; i++)
		if (!memcmp(s + i, tok, k) && (i == 0 || edge(s[i - 1])) &&
		    (i + k == n || edge(s[i + k])))
			return true;
	return false;
}

bool fuzz_whole_token(const uint8_t *s, size_t n, const struct cmdline_opt *o)
{
	static const char *const forms[] = { "%s=%s", "%s=\"%s\"", "%s%s" };
	static char tok[2 * CMDLINE_MAX_LEN];

	for (int i = 0; i < 3; i++) {
		int k = snprintf(tok, sizeof(tok), forms[i], o->key, o->val);

		if (!(i == 2 && *o->val) && has_token(s, n, tok, (size_t)k))
			return true;
	}
	return false;
}

void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz invariant violated: %s\n", what);
	abort();
}

/* The block as the loader would leave it in memory; *len its size. */
uint8_t *fuzz_mbi_copy(const uint8_t *data, size_t size, size_t *len)
{
	uint8_t head[4] = { 0 }, *mbi;
	uint32_t total;

	memcpy(head, data, size < 4 ? size : 4);	/* as the zero padding reads */
	total = fuzz_rd32(head);

	*len = total >= 8 && total <= FUZZ_MBI_LIMIT ? total : size;
	if (*len < 8)
		*len = 8;	/* the header is always there: the loader wrote it */
	mbi = calloc(1, *len);
	if (!mbi)
		abort();
	memcpy(mbi, data, size < *len ? size : *len);
	return mbi;
}
