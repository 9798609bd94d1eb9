/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acpi_s5: what soft-off (ACPI S5) needs, found without an AML
 * interpreter: the SLP_TYPa/SLP_TYPb values of the DSDT's `_S5_` package
 * and the PM1 control ports they go to.  See kernel/acpi_s5.c.
 */
#ifndef PULLKERN_ACPI_S5_H
#define PULLKERN_ACPI_S5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct acpi_s5 {
	bool ok;		/* everything below is usable: S5 can be entered */
	const char *error;	/* static string, why not; NULL when ok */
	bool from_x_dsdt;	/* the DSDT came from X_DSDT, else DSDT */
	uint64_t dsdt_phys;	/* the DSDT scanned, 0 = none */
	uint32_t name_offset;	/* where `_S5_` was found in it */
	uint8_t slp_typa;	/* 3-bit SLP_TYP for PM1a_CNT */
	uint8_t slp_typb;	/* 3-bit SLP_TYP for PM1b_CNT */
	uint16_t pm1a_cnt;	/* I/O port of PM1a_CNT_BLK */
	uint16_t pm1b_cnt;	/* I/O port of PM1b_CNT_BLK, 0 = none */
};

/*
 * Scan `len` bytes of AML (a whole DSDT, header included) for the first
 * well-formed `Name(_S5_, Package(){a, b, ...})`; true with *typa, *typb
 * and *offset (of the name) set.  Reads nothing outside [aml, aml+len).
 */
bool acpi_s5_scan(const uint8_t *aml, uint32_t len, uint8_t *typa,
		  uint8_t *typb, uint32_t *offset);

struct acpi_info;
struct acpi_root;

/*
 * From acpi_parse(): fill info->s5 from the validated FADT `fadt` (NULL
 * if none) and the DSDT it names; info's PM1a_CNT port must be known.
 */
void acpi_s5_parse(const struct acpi_root *root, const uint8_t *fadt,
		   struct acpi_info *info);

#endif
