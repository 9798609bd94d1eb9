/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmdline: the kernel command line as key=value options.
 *
 * Syntax (kernel/cmdline.c has the full rules and every warning):
 *
 *	[/path/of/image] key=value key="value with spaces" flag ...
 *
 * Only keys the caller knows are kept; everything else is warned about
 * on one kprintf line and dropped.  All storage is inside struct
 * cmdline (about 1.5 KiB: make it static in the kernel, not a stack local).
 * The struct is filled once at boot by cmdline_parse() and only read
 * afterwards, so readers need no lock.
 */
#ifndef PULLKERN_CMDLINE_H
#define PULLKERN_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX_LEN 1024	/* input bytes kept, including the NUL */
#define CMDLINE_MAX_OPTS 32	/* distinct accepted options */
#define CMDLINE_MAX_TOKEN 256	/* one option as written, including NUL */

struct cmdline_opt {
	const char *key;	/* points into text[] */
	const char *val;	/* into text[], or "" for a bare flag */
};

struct cmdline {
	char text[CMDLINE_MAX_LEN];	/* private: input split in place */
	unsigned n;
	struct cmdline_opt opt[CMDLINE_MAX_OPTS];	/* in first-seen order */
};

/*
 * Parse s (NULL means empty) into cl, keeping only keys for which
 * known(key, ctx) is true (kernel/options.c asks its table).  Never fails:
 * bad pieces are warned about and skipped.
 */
void cmdline_parse(struct cmdline *cl, const char *s,
		   bool (*known)(const char *key, void *ctx), void *ctx);

/* Value of key, "" for a bare flag, NULL if absent. */
const char *cmdline_get(const struct cmdline *cl, const char *key);
bool cmdline_has(const struct cmdline *cl, const char *key);

/* The whole of s as decimal, or hex with a 0x/0X prefix; false on junk, a sign or overflow. */
bool cmdline_parse_u64(const char *s, uint64_t *out);

/*
 * key's value as cmdline_parse_u64() reads it.  Absent -> def, silently.
 * Not a number or outside [min, max] -> one warning naming the key and the
 * value, and def.  The kernel reads its options with option_u64()
 * (kernel/options.h), whose table holds the default and the range.
 */
uint64_t cmdline_get_u64(const struct cmdline *cl, const char *key,
			 uint64_t def, uint64_t min, uint64_t max);

/*
 * The accepted options as one normalised line, e.g. `cpus=4 quiet
 * title="a b"`, for the boot report.  Values with blanks are quoted and
 * empty values print as a bare key, so the line parses back to the same
 * options.  snprintf-like: returns the full length, writes at most size - 1
 * bytes plus a NUL when size > 0.
 */
size_t cmdline_format(const struct cmdline *cl, char *buf, size_t size);

#endif
