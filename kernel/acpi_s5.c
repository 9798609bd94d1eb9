// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acpi_s5: soft-off without an AML interpreter.
 *
 * Entering S5 (ACPI 6.5 7.4.2, 16.1.3.7 "Sleeping states") means writing
 * SLP_TYPa with SLP_EN to PM1a_CNT (and SLP_TYPb to PM1b_CNT when the
 * platform has one), where the two SLP_TYP values come from the `\_S5`
 * object in the DSDT.  That object is, on every firmware we know of, a
 * plain named package of integer constants, so a byte scan finds it:
 *
 *   NameOp 0x08  [RootChar '\' 0x5C]  "_S5_"  PackageOp 0x12  PkgLength
 *   NumElements  element0  element1  ...
 *
 * (ACPI 6.5 20.2.5.1 NameOp/DefName, 20.2.5.4 DefPackage, 20.2.4
 * PkgLength, 20.2.3 ZeroOp/OneOp/BytePrefix).  PkgLength is one to four
 * bytes: the lead byte's bits 7:6 give the number of bytes that follow;
 * with none, bits 5:0 are the length; otherwise bits 3:0 are its low
 * nibble, bits 5:4 must be zero and each following byte adds 8 more bits.
 * The length counts from the first PkgLength byte to the package's end,
 * which must lie inside the table.  Each of the first two elements must
 * be ZeroOp (0), OneOp (1) or BytePrefix 0x0A with a byte, inside the
 * package, and the value must fit the 3-bit SLP_TYP field; NumElements
 * must be at least 2.  Anything else (the name inside a string or a
 * method's code without a NameOp before it, a PkgLength running past the
 * table, a WordPrefix value, a computed element) is not this object: the
 * scan goes on to the next occurrence, and the first well-formed one
 * wins.  A DSDT whose `_S5_` is only computed at run time, or defined in
 * an SSDT, has no S5 for us; one line says so.
 *
 * The DSDT is X_DSDT (FADT offset 140, 64-bit) when the FADT is long
 * enough to hold it and it is non-zero, else DSDT (offset 40, 32-bit).
 * Each is validated like every table (kernel/acpi_table.h: length 36 to
 * 1 MiB, checksum, signature "DSDT"); a broken X_DSDT falls back to DSDT
 * with a line.  The scan is one pass over at most 1 MiB.
 *
 * PM1b_CNT_BLK (offset 68, X_ at 184) is taken by the rule every FADT
 * port block follows (acpi_fadt_port_block): a system I/O port block
 * inside the I/O space, or none.  Without PM1a_CNT there is no S5.
 *
 * Locking: none; called once from acpi_parse() on the boot CPU.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/acpi.h"
#include "kernel/acpi_s5.h"
#include "kernel/acpi_table.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define AML_NAME_OP		0x08
#define AML_ROOT_CHAR		0x5c
#define AML_PACKAGE_OP		0x12
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_BYTE_PREFIX		0x0a
#define SLP_TYP_MAX		7

#define FADT_DSDT		40
#define FADT_PM1B_CNT_BLK	68
#define FADT_PM1_CNT_LEN	89
#define FADT_X_DSDT		140
#define FADT_X_PM1B_CNT_BLK	184

/*
 * PkgLength at aml[*pos]: the package end (offset just past it), with
 * *pos moved past the PkgLength bytes; 0 if malformed or past `len`.
 */
static uint32_t pkg_end(const uint8_t *aml, uint32_t len, uint32_t *pos)
{
	uint32_t start = *pos, n, value;
	uint8_t lead;

	if (start >= len)
		return 0;
	lead = aml[start];
	n = lead >> 6;
	if (n == 0) {
		value = lead & 0x3f;
	} else {
		if (lead & 0x30)
			return 0;	/* bits 5:4 reserved with following bytes */
		if (n >= len - start)
			return 0;
		value = lead & 0x0f;
		for (uint32_t i = 1; i <= n; i++)
			value |= (uint32_t)aml[start + i] << (4 + 8 * (i - 1));
	}
	if (value < n + 1 || value > len - start)
		return 0;
	*pos = start + n + 1;
	return start + value;
}

/* One SLP_TYP element at aml[*pos] before `end`; false if not a small constant. */
static bool slp_element(const uint8_t *aml, uint32_t end, uint32_t *pos, uint8_t *out)
{
	uint32_t p = *pos;

	if (p >= end)
		return false;
	switch (aml[p]) {
	case AML_ZERO_OP:
		*out = 0;
		*pos = p + 1;
		return true;
	case AML_ONE_OP:
		*out = 1;
		*pos = p + 1;
		return true;
	case AML_BYTE_PREFIX:
		if (end - p < 2 || aml[p + 1] > SLP_TYP_MAX)
			return false;
		*out = aml[p + 1];
		*pos = p + 2;
		return true;
	default:
		return false;
	}
}

/* The package after the name ending at `pos`: true with both values. */
static bool s5_package(const uint8_t *aml, uint32_t len, uint32_t pos,
		       uint8_t *typa, uint8_t *typb)
{
	uint32_t end;

	if (pos >= len || aml[pos] != AML_PACKAGE_OP)
		return false;
	pos++;
	end = pkg_end(aml, len, &pos);
	if (!end || pos >= end || aml[pos] < 2)
		return false;	/* NumElements: two at least */
	pos++;
	return slp_element(aml, end, &pos, typa) && slp_element(aml, end, &pos, typb);
}

bool acpi_s5_scan(const uint8_t *aml, uint32_t len, uint8_t *typa,
		  uint8_t *typb, uint32_t *offset)
{
	for (uint32_t i = 1; len >= 4 && i <= len - 4; i++) {
		bool named;

		if (memcmp(aml + i, "_S5_", 4) != 0)
			continue;
		named = aml[i - 1] == AML_NAME_OP ||
			(i >= 2 && aml[i - 1] == AML_ROOT_CHAR && aml[i - 2] == AML_NAME_OP);
		if (named && s5_package(aml, len, i + 4, typa, typb)) {
			*offset = i;
			return true;
		}
	}
	return false;
}

/* The DSDT, X_DSDT first; NULL (logged) if neither validates. */
static const uint8_t *find_dsdt(acpi_map_fn map, void *ctx, const uint8_t *fadt,
				uint32_t flen, struct acpi_s5 *out)
{
	uint64_t x = flen >= FADT_X_DSDT + 8 ? acpi_rd64(fadt + FADT_X_DSDT) : 0;
	uint64_t d = flen >= FADT_DSDT + 4 ? acpi_rd32(fadt + FADT_DSDT) : 0;
	const uint8_t *t;
	enum acpi_table_err e;

	if (x) {
		e = acpi_map_table(map, ctx, x, "DSDT", &t);
		if (e == ACPI_TE_OK) {
			out->from_x_dsdt = true;
			out->dsdt_phys = x;
			return t;
		}
		kprintf("acpi: X_DSDT at %#llx: %s%s\n", (unsigned long long)x,
			acpi_table_err_text[e], d ? ", trying DSDT" : "");
	}
	if (!d)
		return NULL;
	e = acpi_map_table(map, ctx, d, "DSDT", &t);
	if (e != ACPI_TE_OK) {
		kprintf("acpi: DSDT at %#llx: %s\n", (unsigned long long)d,
			acpi_table_err_text[e]);
		return NULL;
	}
	out->dsdt_phys = d;
	return t;
}

/* PM1b_CNT_BLK as a port, 0 if none or unusable (logged). */
static uint16_t pm1b_cnt(const uint8_t *fadt, uint32_t flen)
{
	uint8_t cnt_len = flen > FADT_PM1_CNT_LEN ? fadt[FADT_PM1_CNT_LEN] : 0;

	if (cnt_len < 2)
		return 0;
	return (uint16_t)acpi_fadt_port_block(fadt, flen, FADT_PM1B_CNT_BLK,
					      FADT_X_PM1B_CNT_BLK, cnt_len, "PM1b_CNT_BLK");
}

void acpi_s5_parse(const struct acpi_root *root, const uint8_t *fadt,
		   struct acpi_info *info)
{
	struct acpi_s5 *out = &info->s5;
	const uint8_t *dsdt;
	uint32_t flen;

	memset(out, 0, sizeof(*out));
	if (!fadt) {
		out->error = "no FADT";
	} else if (!info->pm1a_cnt_port) {
		out->error = "the FADT names no PM1a_CNT_BLK";
	} else {
		flen = acpi_rd32(fadt + 4);
		dsdt = find_dsdt(root->map, root->ctx, fadt, flen, out);
		if (!dsdt)
			out->error = "no valid DSDT";
		else if (!acpi_s5_scan(dsdt, acpi_rd32(dsdt + 4), &out->slp_typa,
				       &out->slp_typb, &out->name_offset))
			out->error = "no _S5_ package of constants in the DSDT";
		else
			out->ok = true;
		out->pm1a_cnt = (uint16_t)info->pm1a_cnt_port;
		out->pm1b_cnt = pm1b_cnt(fadt, flen);
	}
	if (!out->ok) {
		kprintf("acpi: S5 (soft-off) not available: %s\n", out->error);
		return;
	}
	kprintf("acpi: S5 from %s at %#llx offset %u: SLP_TYPa %u SLP_TYPb %u, PM1a_CNT %#x, PM1b_CNT %#x\n",
		out->from_x_dsdt ? "X_DSDT" : "DSDT", (unsigned long long)out->dsdt_phys,
		out->name_offset, out->slp_typa, out->slp_typb, out->pm1a_cnt, out->pm1b_cnt);
}
