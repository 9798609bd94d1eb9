// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/acpi_s5.c: the `_S5_` byte scan of the DSDT and the choice of
 * the DSDT and PM1 control ports, against crafted tables.
 *
 * The scan is checked directly on heap buffers of exactly the AML's
 * length (a read past the end is an ASan report in the host-asan build):
 * the name at the very end, a PkgLength one byte past the table and one
 * exactly at its end, multi-byte PkgLengths, a truncated package, the
 * name inside a string, values that are no small constant.  The whole
 * path (FADT -> X_DSDT or DSDT -> scan) runs through acpi_parse() on the
 * fake physical window of acpi_fake.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "acpi_fake.h"
#include "kernel/acpi_s5.h"

#define NAME	0x08, '_', 'S', '5', '_'

struct scan {
	bool found;
	uint8_t a, b;
	uint32_t off;
};

/* Scan exactly `len` bytes copied to a block of their own. */
static struct scan scan(const uint8_t *aml, uint32_t len)
{
	struct scan r = { 0 };
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, aml, len);
	r.found = acpi_s5_scan(copy, len, &r.a, &r.b, &r.off);
	free(copy);
	return r;
}

static void test_qemu_package_of_four_zeros_gives_type_0(void **state)
{
	static const uint8_t aml[] = { 0xaa, NAME, 0x12, 0x06, 0x04, 0, 0, 0, 0 };
	struct scan r = scan(aml, sizeof(aml));

	(void)state;
	assert_true(r.found);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 0);
	assert_int_equal(r.off, 2);
}

static void test_root_prefixed_name_with_byte_and_one_ops(void **state)
{
	static const uint8_t aml[] = { 0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x07, 0x01 };
	struct scan r = scan(aml, sizeof(aml));

	(void)state;
	assert_true(r.found);
	assert_int_equal(r.a, 7);
	assert_int_equal(r.b, 1);
}

static void test_name_at_the_very_end_is_not_read_past(void **state)
{
	static const uint8_t aml[] = { 0, 0, NAME };
	static const uint8_t op_only[] = { NAME, 0x12 };

	(void)state;
	assert_false(scan(aml, sizeof(aml)).found);
	assert_false(scan(op_only, sizeof(op_only)).found);
	assert_false(scan(aml, 3).found);	/* the name cut short */
	assert_false(scan(aml, 0).found);
}

static void test_pkglength_one_byte_past_the_table_is_refused(void **state)
{
	/* PkgLength 6 counts 0x06 .. the 4th element: one byte missing */
	static const uint8_t aml[] = { NAME, 0x12, 0x06, 0x04, 0, 0, 0 };
	static const uint8_t exact[] = { NAME, 0x12, 0x05, 0x04, 0, 0, 0 };

	(void)state;
	assert_false(scan(aml, sizeof(aml)).found);
	assert_true(scan(exact, sizeof(exact)).found);	/* ends exactly at the end */
}

static void test_multi_byte_pkglengths_are_decoded(void **state)
{
	/* two bytes: lead 0x41 = 1 following, low nibble 1; + 0x01 << 4 = 0x11 */
	uint8_t two[5 + 1 + 0x11] = { NAME, 0x12, 0x41, 0x01, 0x02, 0x0a, 0x05, 0x0a, 0x06 };
	/* three bytes: 0x80 | 0x0b, 0x00, 0x00 = 11, to the table's end */
	static const uint8_t three[] = { NAME, 0x12, 0x8b, 0x00, 0x00, 0x04, 0x01, 0x00, 0, 0, 0, 0, 0 };
	/* four bytes, bits 5:4 of the lead set: reserved, not this object */
	static const uint8_t reserved[] = { NAME, 0x12, 0x70, 0x00, 0x00, 0x00, 0x02, 0, 0 };
	struct scan r;

	(void)state;
	r = scan(two, sizeof(two));
	assert_true(r.found);
	assert_int_equal(r.a, 5);
	assert_int_equal(r.b, 6);
	r = scan(three, sizeof(three));
	assert_true(r.found);
	assert_int_equal(r.a, 1);
	assert_int_equal(r.b, 0);
	assert_false(scan(reserved, sizeof(reserved)).found);
}

static void test_truncated_package_is_refused(void **state)
{
	/* NumElements 2 but the package holds one element: the next byte is outside it */
	static const uint8_t aml[] = { NAME, 0x12, 0x03, 0x02, 0x00, 0x00 };
	/* BytePrefix whose byte is past the package */
	static const uint8_t cut[] = { NAME, 0x12, 0x04, 0x02, 0x00, 0x0a, 0x05 };
	static const uint8_t one[] = { NAME, 0x12, 0x03, 0x01, 0x00 };

	(void)state;
	assert_false(scan(aml, sizeof(aml)).found);
	assert_false(scan(cut, sizeof(cut)).found);
	assert_false(scan(one, sizeof(one)).found);	/* NumElements 1 */
}

static void test_name_inside_a_string_is_skipped_for_the_real_one(void **state)
{
	static const uint8_t aml[] = {
		0x0d, 'x', '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x01, 0x00,	/* a string */
		NAME, 0x12, 0x05, 0x02, 0x0a, 0x03, 0x00,
	};
	struct scan r = scan(aml, sizeof(aml));

	(void)state;
	assert_true(r.found);
	assert_int_equal(r.off, 13);
	assert_int_equal(r.a, 3);
}

static void test_values_that_are_no_small_constant_are_refused(void **state)
{
	static const uint8_t big[] = { NAME, 0x12, 0x05, 0x02, 0x0a, 0x08, 0x00 };
	static const uint8_t word[] = { NAME, 0x12, 0x06, 0x02, 0x0b, 0x05, 0x00, 0x00 };
	static const uint8_t not_pkg[] = { NAME, 0x0a, 0x05 };

	(void)state;
	assert_false(scan(big, sizeof(big)).found);
	assert_false(scan(word, sizeof(word)).found);
	assert_false(scan(not_pkg, sizeof(not_pkg)).found);
}

/* --- the whole path: FADT -> DSDT -> scan ----------------------------- */

static uint64_t make_dsdt(const uint8_t *aml, size_t len)
{
	return make_table("DSDT", 2, aml, len);
}

static const uint8_t s5_zero[] = { NAME, 0x12, 0x06, 0x04, 0, 0, 0, 0 };
static const uint8_t s5_five[] = { NAME, 0x12, 0x06, 0x04, 0x0a, 5, 0x0a, 5, 0, 0 };

/* A revision 3 FADT of `len` bytes with PM1a_CNT 0x604 and the DSDT pointers. */
static uint64_t fadt_with(size_t len, uint32_t dsdt, uint64_t x_dsdt)
{
	uint64_t f = make_fadt(3, len, 0x608, 4, 0, 0, 0);
	uint8_t *t = at(f);

	put32(t + 64, 0x604);
	t[89] = 2;
	put32(t + 40, dsdt);
	if (len >= 148)
		put64(t + 140, x_dsdt);
	refix_table(f);
	return f;
}

static void system_with(uint64_t fadt)
{
	rsdt_system(qemu_madt(3), fadt);
	parse(20);
}

static void test_dsdt_s5_is_found_through_the_fadt(void **state)
{
	uint64_t d = make_dsdt(s5_zero, sizeof(s5_zero));

	(void)state;
	system_with(fadt_with(116, (uint32_t)d, 0));
	assert_true(info.s5.ok);
	assert_null(info.s5.error);
	assert_false(info.s5.from_x_dsdt);
	assert_int_equal(info.s5.dsdt_phys, d);
	assert_int_equal(info.s5.pm1a_cnt, 0x604);
	assert_int_equal(info.s5.pm1b_cnt, 0);
	assert_int_equal(info.s5.name_offset, 37);
	assert_int_equal(host_log_count("acpi: S5 from DSDT"), 1);
}

static void test_x_dsdt_is_preferred_over_dsdt(void **state)
{
	uint64_t d = make_dsdt(s5_zero, sizeof(s5_zero));
	uint64_t x = make_dsdt(s5_five, sizeof(s5_five));

	(void)state;
	system_with(fadt_with(244, (uint32_t)d, x));
	assert_true(info.s5.ok);
	assert_true(info.s5.from_x_dsdt);
	assert_int_equal(info.s5.slp_typa, 5);
}

static void test_broken_x_dsdt_falls_back_to_dsdt_with_a_line(void **state)
{
	uint64_t d = make_dsdt(s5_zero, sizeof(s5_zero));
	uint64_t x = make_dsdt(s5_five, sizeof(s5_five));

	(void)state;
	at(x)[40] ^= 1;		/* checksum broken */
	system_with(fadt_with(244, (uint32_t)d, x));
	assert_true(info.s5.ok);
	assert_false(info.s5.from_x_dsdt);
	assert_int_equal(info.s5.slp_typa, 0);
	assert_int_equal(host_log_count("checksum mismatch, trying DSDT"), 1);
}

static void test_fadt_too_short_for_x_dsdt_uses_dsdt(void **state)
{
	uint64_t d = make_dsdt(s5_five, sizeof(s5_five));

	(void)state;
	system_with(fadt_with(147, (uint32_t)d, 0));	/* X_DSDT would end at 148 */
	assert_true(info.s5.ok);
	assert_false(info.s5.from_x_dsdt);
}

static void test_truncated_zero_length_and_bad_checksum_dsdt_give_no_s5(void **state)
{
	uint64_t d = make_dsdt(s5_zero, sizeof(s5_zero));

	(void)state;
	put32(at(d) + 4, 20);	/* shorter than its header */
	system_with(fadt_with(116, (uint32_t)d, 0));
	assert_false(info.s5.ok);
	assert_string_equal(info.s5.error, "no valid DSDT");
	assert_int_equal(host_log_count("length below 36 bytes"), 1);

	reset(NULL);
	d = make_dsdt(s5_zero, sizeof(s5_zero));
	put32(at(d) + 4, 0);
	system_with(fadt_with(116, (uint32_t)d, 0));
	assert_false(info.s5.ok);

	reset(NULL);
	d = make_dsdt(s5_zero, sizeof(s5_zero));
	at(d)[38] ^= 0x40;
	system_with(fadt_with(116, (uint32_t)d, 0));
	assert_false(info.s5.ok);
	assert_int_equal(host_log_count("DSDT at"), 1);
	assert_int_equal(host_log_count("checksum mismatch"), 1);
	assert_int_equal(host_log_count("S5 (soft-off) not available: no valid DSDT"), 1);
}

static void test_dsdt_without_s5_and_fadt_without_dsdt_say_why(void **state)
{
	static const uint8_t other[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x03, 0x02, 0, 0 };
	uint64_t d = make_dsdt(other, sizeof(other));

	(void)state;
	system_with(fadt_with(116, (uint32_t)d, 0));
	assert_false(info.s5.ok);
	assert_int_equal(host_log_count("no _S5_ package of constants in the DSDT"), 1);

	reset(NULL);
	system_with(fadt_with(116, 0, 0));
	assert_false(info.s5.ok);
	assert_string_equal(info.s5.error, "no valid DSDT");
}

static void test_no_pm1a_cnt_means_no_s5(void **state)
{
	uint64_t d = make_dsdt(s5_zero, sizeof(s5_zero));
	uint64_t f = fadt_with(116, (uint32_t)d, 0);

	(void)state;
	put32(at(f) + 64, 0);
	refix_table(f);
	system_with(f);
	assert_false(info.s5.ok);
	assert_int_equal(host_log_count("the FADT names no PM1a_CNT_BLK"), 1);
}

static void test_pm1b_cnt_is_taken_when_the_fadt_has_one(void **state)
{
	uint64_t d = make_dsdt(s5_five, sizeof(s5_five));
	uint64_t f = fadt_with(116, (uint32_t)d, 0);

	(void)state;
	put32(at(f) + 68, 0x640);
	refix_table(f);
	system_with(f);
	assert_true(info.s5.ok);
	assert_int_equal(info.s5.pm1b_cnt, 0x640);
	assert_int_equal(info.s5.slp_typb, 5);
}

static void test_no_tables_leave_a_reason(void **state)
{
	(void)state;
	parse(0);
	assert_false(info.s5.ok);
	assert_non_null(info.s5.error);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_qemu_package_of_four_zeros_gives_type_0, reset),
		cmocka_unit_test_setup(test_root_prefixed_name_with_byte_and_one_ops, reset),
		cmocka_unit_test_setup(test_name_at_the_very_end_is_not_read_past, reset),
		cmocka_unit_test_setup(test_pkglength_one_byte_past_the_table_is_refused, reset),
		cmocka_unit_test_setup(test_multi_byte_pkglengths_are_decoded, reset),
		cmocka_unit_test_setup(test_truncated_package_is_refused, reset),
		cmocka_unit_test_setup(test_name_inside_a_string_is_skipped_for_the_real_one, reset),
		cmocka_unit_test_setup(test_values_that_are_no_small_constant_are_refused, reset),
		cmocka_unit_test_setup(test_dsdt_s5_is_found_through_the_fadt, reset),
		cmocka_unit_test_setup(test_x_dsdt_is_preferred_over_dsdt, reset),
		cmocka_unit_test_setup(test_broken_x_dsdt_falls_back_to_dsdt_with_a_line, reset),
		cmocka_unit_test_setup(test_fadt_too_short_for_x_dsdt_uses_dsdt, reset),
		cmocka_unit_test_setup(test_truncated_zero_length_and_bad_checksum_dsdt_give_no_s5, reset),
		cmocka_unit_test_setup(test_dsdt_without_s5_and_fadt_without_dsdt_say_why, reset),
		cmocka_unit_test_setup(test_no_pm1a_cnt_means_no_s5, reset),
		cmocka_unit_test_setup(test_pm1b_cnt_is_taken_when_the_fadt_has_one, reset),
		cmocka_unit_test_setup(test_no_tables_leave_a_reason, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
