/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options: the kernel's boot options, one table for all of them.
 *
 * Every option the kernel accepts is one row of the table in
 * kernel/options.c: name, kind, default, range and help.  That row is the
 * only place its default is written: options_parse() checks the command
 * line against the table, `help` prints it, and a host test
 * (tests/host/test_readme_option_table_matches.c) fails when the README's
 * option table says anything else.  Readers ask by name:
 *
 *	option_u64("init_udelay")	a number: the given value or the default
 *	option_str("apic")		a word: the given one or the default
 *
 * A bad value costs one warning at parse time and reads as the default, so
 * readers never see it and never warn again.
 *
 * Lifetime and locking: options_parse() runs once, on the boot CPU before
 * any other CPU starts; afterwards the table and the values are read-only
 * and readers need no lock.
 */
#ifndef PULLKERN_OPTIONS_H
#define PULLKERN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cmdline;

enum option_kind {
	OPTION_U64,	/* decimal or 0x-hex in [min, max] */
	OPTION_WORD,	/* one of `words`; anything else: warning, default */
	OPTION_NAME,	/* one of `words`, judged by its reader (an unknown one fails the run) */
	OPTION_FLAG,	/* present or not */
};

struct option_desc {
	const char *name;
	enum option_kind kind;
	/*
	 * OPTION_U64: the value's placeholder in help ("N", "US", "MS").
	 * OPTION_WORD and OPTION_NAME: the accepted words, "a|b|c".
	 */
	const char *arg;
	uint64_t def, min, max;		/* OPTION_U64 */
	/*
	 * A default that depends on the machine or on another option, in
	 * words ("2 jiffies + 300 ms"); its reader computes it and calls
	 * option_u64_or().  For words: the default word, NULL for none.
	 */
	const char *def_text;
	const char *help;		/* one line, no markup */
};

/*
 * Parse line (NULL: empty) into cl, keeping the options of the table, and
 * check every value given.  cl is the storage, kept by the caller (static:
 * it is about 1.5 KiB); the accessors below read it from now on.
 */
void options_parse(struct cmdline *cl, const char *line);

/* OPTION_U64 with a fixed default: the value given, else the default. */
uint64_t option_u64(const char *name);

/* OPTION_U64 with a computed default (def_text): the value given, else def. */
uint64_t option_u64_or(const char *name, uint64_t def);

/* OPTION_WORD or OPTION_NAME: the word given, else the default (NULL for none). */
const char *option_str(const char *name);

/* Whether the command line gave the option a usable value. */
bool option_given(const char *name);

/* `help`: one line per option with its default and range. */
void options_print_help(void);

/* The accepted options as one line that parses back (cmdline_format()). */
size_t options_format(char *buf, size_t size);

/* The row of option `name` (NULL, and a warning: a reader's bug). */
const struct option_desc *option_find(const char *name);

/* The table, for the README check: *n rows. */
const struct option_desc *options_table(size_t *n);

/*
 * The default and the range of o as help and the README write them:
 * "1000" / "10..10000", "auto" / "", "none" / "", "off" / "" (a flag).
 * snprintf-like.
 */
size_t option_default_text(const struct option_desc *o, char *buf, size_t size);
size_t option_range_text(const struct option_desc *o, char *buf, size_t size);

#endif
