/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_support: what the firmware-parser fuzz targets share.
 *
 * kprintf() here formats every message with lib/format.c into a small
 * buffer and throws it away: the parsers' warnings are exercised (a bad
 * format argument is a fault the sanitizers see) but cost no I/O.
 *
 * fuzz_map() is the acpi_map_fn of the targets.  Physical memory is the
 * fuzz input's image at phys [base, base + size); each request gets a
 * fresh heap block of exactly the length asked for, so a parser that reads
 * one byte past what it mapped is stopped by AddressSanitizer, exactly as
 * a read past a table would fault (or read garbage) on a real machine.
 * With fix_csum set, a copy that is a whole SDT (its length field equals
 * the length mapped) gets its checksum byte fixed, so that mutated tables
 * reach the parsers behind the checksum; the other half of the inputs
 * keeps the bytes as given and tests the checksum path itself.
 * fuzz_mem_release() frees every block of one input.
 */
#ifndef PULLKERN_TESTS_FUZZ_SUPPORT_H
#define PULLKERN_TESTS_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FUZZ_MAX_MAPS 4096	/* later requests fail, as an exhausted map would */

struct fuzz_mem {
	uint64_t base;
	const uint8_t *img;
	size_t size;
	bool fix_csum;
	unsigned nmaps;
	void *maps[FUZZ_MAX_MAPS];
};

const void *fuzz_map(uint64_t phys, uint64_t len, void *ctx);
void fuzz_mem_release(struct fuzz_mem *m);

/*
 * A multiboot2 information block as the loader leaves it: a zeroed heap
 * block of total_size bytes (its first word) holding the input, or of the
 * input's length when total_size is one mb2_parse() refuses anyway (below
 * 8 or above its 16 MiB limit), and never below the 8-byte header.  *len
 * is the block's size; free() it.
 */
#define FUZZ_MBI_LIMIT (16u << 20)
uint8_t *fuzz_mbi_copy(const uint8_t *data, size_t size, size_t *len);

/*
 * Is option o written whole in the n bytes at s: `key=val`, `key="val"`
 * or, for an empty value, `key`, with a blank, a NUL or an end on each side?  (A command line
 * cut inside an option keeps a prefix of it, which this refuses.)
 */
struct cmdline_opt;
bool fuzz_whole_token(const uint8_t *s, size_t n, const struct cmdline_opt *o);

/* Make bytes [0, len) of p sum to zero by adjusting p[at]. */
void fuzz_fix_checksum(uint8_t *p, size_t len, size_t at);

static inline uint32_t fuzz_rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A violated invariant: say which, then abort (the fuzzer keeps the input). */
/*
 * A fuzz input read as a stream: fuzz_byte() gives the next byte, or 0
 * once the input is used up, so a short input is a valid one.
 */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_byte(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

void fuzz_fail(const char *what) __attribute__((noreturn));

#endif
