/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acpi_table: what the ACPI table parsers share (kernel/acpi.c and the
 * parsers of one table each beside it): reading unaligned little-endian
 * fields, mapping and validating a table, finding one by signature in the
 * root table, and the per-entry warning limit.
 *
 * Every table parser follows the rules in kernel/acpi.c's theory: the
 * bytes are untrusted, a table is used only after acpi_map_table() checked
 * its length (36 bytes to 1 MiB) and checksum, every field is read only
 * after the length that holds it was checked, and every refusal prints
 * one line (per-entry lines through acpi_warn_ok()) and leaves a defined
 * result.  Not for callers outside the ACPI parsers: they use acpi.h.
 */
#ifndef PULLKERN_ACPI_TABLE_H
#define PULLKERN_ACPI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/acpi.h"

#define ACPI_SDT_HDR_LEN	36	/* the common header (ACPI 6.5 5.2.6) */
#define ACPI_SDT_MAX_LEN	(1024u * 1024u)
#define ACPI_WARN_LIMIT		8	/* lines per kind of per-entry warning */

/* Why a table could not be used; indexes acpi_table_err_text[]. */
enum acpi_table_err {
	ACPI_TE_OK,
	ACPI_TE_MISSING,
	ACPI_TE_ZERO,
	ACPI_TE_MAP,
	ACPI_TE_SIG,
	ACPI_TE_SHORT,
	ACPI_TE_LONG,
	ACPI_TE_CSUM,
	ACPI_TE_NR
};

extern const char *const acpi_table_err_text[ACPI_TE_NR];

/* The validated RSDT or XSDT. */
struct acpi_root {
	acpi_map_fn map;
	void *ctx;
	const uint8_t *table;
	uint32_t nentries;
	uint32_t entry_size;	/* 4 for the RSDT, 8 for the XSDT */
};

/* Firmware data need not be aligned: read little-endian bytes. */
static inline uint16_t acpi_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t acpi_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t acpi_rd64(const uint8_t *p)
{
	return (uint64_t)acpi_rd32(p) | (uint64_t)acpi_rd32(p + 4) << 32;
}

/* True while *count is below ACPI_WARN_LIMIT; counts every call. */
bool acpi_warn_ok(uint32_t *count);

/* The summary line for the warnings acpi_warn_ok() held back, if any. */
void acpi_warn_summary(uint32_t count, const char *what);

bool acpi_checksum_ok(const uint8_t *p, size_t len);

/*
 * Map the table at `phys` whole (header first, to learn its length) and
 * check signature (when `sig` is not NULL), length and checksum.  For
 * tables reached other than through the root table (the FADT's DSDT).
 */
enum acpi_table_err acpi_map_table(acpi_map_fn map, void *ctx, uint64_t phys,
				   const char *sig, const uint8_t **table);

/*
 * The first valid table with signature `sig` listed in the root table.  A
 * broken table with the right signature does not stop the search; on
 * failure *err tells the most specific reason seen.
 */
const uint8_t *acpi_find_table(const struct acpi_root *root, const char *sig,
			       enum acpi_table_err *err);

/*
 * A FADT port block of `blk_len` bytes: the X_ GAS at x_off when it is a
 * usable system I/O address, else the 32-bit field at off; 0 if neither
 * or if the block would run past the I/O space (each refusal logged,
 * `name` naming the block).  One rule for every block: PM1a/PM1b event
 * and control, GPE0.
 */
uint32_t acpi_fadt_port_block(const uint8_t *t, uint32_t len, uint32_t off,
			      uint32_t x_off, uint32_t blk_len, const char *name);

#endif
