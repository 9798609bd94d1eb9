// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/acpi_hpet against crafted HPET tables (IA-PC HPET specification
 * 1.0a, 3.2.4): the QEMU shape, then each boundary: the minimum length,
 * one byte short of it, a truncated, zero-length, unmappable or
 * mis-checksummed table, and each refused base address.  Every refusal
 * must leave hpet.ok false, cost one log line, and never spoil the MADT
 * or the FADT read beside it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "acpi_fake.h"

#define HPET_QEMU_BASE	0xfed00000ull
#define HPET_QEMU_ID	0x8086a201u	/* Intel, legacy capable, 64-bit, 3 comparators, rev 1 */

/* An HPET table of `len` bytes (at least 55) as QEMU's pc machine makes it. */
static uint64_t make_hpet(size_t len, uint8_t space, uint64_t base)
{
	uint8_t body[64];

	assert_true(len >= 55 && len - 36 <= sizeof(body));
	memset(body, 0, sizeof(body));
	put32(body + 0, HPET_QEMU_ID);
	body[4] = space;
	body[5] = 64;
	put64(body + 8, base);
	body[16] = 0;			/* HPET number */
	put16(body + 17, 0x80);		/* minimum tick */
	if (len > 55)
		body[19] = 0;		/* page protection */
	return make_table("HPET", 1, body, len - 36);
}

/* RSDT listing FADT, MADT and the given tables. */
static void system_with(const uint64_t *extra, size_t n)
{
	uint64_t tables[8] = { qemu_fadt(), qemu_madt(1) };

	assert_true(n <= 6);
	if (n)		/* memcpy from NULL is undefined even for 0 bytes */
		memcpy(tables + 2, extra, n * sizeof(*extra));
	make_rsdp(0, make_rsdt(tables, 2 + n), 0);
	parse(20);
	assert_true(info.madt_ok);	/* an HPET problem never costs the CPUs */
	assert_true(info.fadt_ok);
	assert_int_equal(info.ncpus, 4);
}

static void one_hpet(uint64_t hpet)
{
	system_with(&hpet, 1);
}

static void assert_no_hpet(const char *line)
{
	assert_false(info.hpet.ok);
	assert_int_equal(info.hpet.base, 0);
	assert_int_equal(host_log_count(line), 1);
	assert_int_equal(host_log_count("no HPET"), 1);	/* one verdict, no more */
}

static void test_qemu_hpet_table_gives_base_and_block_fields(void **state)
{
	(void)state;
	one_hpet(make_hpet(56, 0, HPET_QEMU_BASE));
	assert_true(info.hpet.ok);
	assert_int_equal(info.hpet.base, HPET_QEMU_BASE);
	assert_int_equal(info.hpet.number, 0);
	assert_int_equal(info.hpet.min_tick, 0x80);
	assert_true(info.hpet.counter_64bit);
	assert_int_equal(info.hpet.comparators, 3);
	assert_int_equal(info.hpet.vendor, 0x8086);
	assert_int_equal(host_log_count("acpi: HPET 0 at 0xfed00000: 3 comparators, 64-bit counter"), 1);
}

static void test_no_hpet_table_is_silent_and_absent(void **state)
{
	(void)state;
	system_with(NULL, 0);
	assert_false(info.hpet.ok);
	assert_int_equal(host_log_count("HPET"), 0);
}

static void test_hpet_table_of_minimum_length_is_read(void **state)
{
	(void)state;
	one_hpet(make_hpet(ACPI_HPET_LEN, 0, HPET_QEMU_BASE));
	assert_true(info.hpet.ok);
}

static void test_hpet_table_one_byte_short_is_refused(void **state)
{
	(void)state;
	one_hpet(make_hpet(ACPI_HPET_LEN - 1, 0, HPET_QEMU_BASE));
	assert_no_hpet("acpi: HPET table of 55 bytes, shorter than 56; no HPET");
}

static void test_hpet_table_of_header_only_is_refused(void **state)
{
	uint64_t hpet = make_hpet(56, 0, HPET_QEMU_BASE);

	(void)state;
	put32(at(hpet) + 4, 36);	/* the fields lie outside the table */
	refix_table(hpet);
	one_hpet(hpet);
	assert_no_hpet("acpi: HPET table of 36 bytes, shorter than 56; no HPET");
}

static void test_zero_length_hpet_table_is_refused(void **state)
{
	uint64_t hpet = make_hpet(56, 0, HPET_QEMU_BASE);

	(void)state;
	put32(at(hpet) + 4, 0);
	one_hpet(hpet);
	assert_int_equal(host_log_count("HPET at 0x7ffe"), 1);	/* the table walk names it */
	assert_no_hpet("acpi: HPET table length below 36 bytes; no HPET");
}

static void test_truncated_hpet_table_is_refused(void **state)
{
	uint64_t hpet = make_hpet(56, 0, HPET_QEMU_BASE);

	(void)state;
	fctx.deny_phys = hpet;		/* the header maps, the whole table not */
	fctx.deny_whole_only = true;
	one_hpet(hpet);
	assert_int_equal(host_log_count("HPET at 0x7ffe"), 1);
	assert_no_hpet("acpi: HPET table cannot be mapped; no HPET");
}

static void test_hpet_table_with_bad_checksum_is_refused(void **state)
{
	uint64_t hpet = make_hpet(56, 0, HPET_QEMU_BASE);

	(void)state;
	at(hpet)[40 + 4] ^= 0x10;	/* base address changed after the checksum */
	one_hpet(hpet);
	assert_int_equal(host_log_count("checksum mismatch, ignored"), 1);
	assert_no_hpet("acpi: HPET table checksum mismatch; no HPET");
}

static void test_hpet_base_in_io_space_is_refused(void **state)
{
	(void)state;
	one_hpet(make_hpet(56, 1, 0x400));
	assert_no_hpet("HPET base address unusable (not in system memory: space 1, 0x400)");
}

static void test_hpet_base_zero_is_refused(void **state)
{
	(void)state;
	one_hpet(make_hpet(56, 0, 0));
	assert_no_hpet("HPET base address unusable (address 0");
}

static void test_hpet_base_not_1k_aligned_is_refused(void **state)
{
	(void)state;
	one_hpet(make_hpet(56, 0, HPET_QEMU_BASE + 0x200));
	assert_no_hpet("HPET base address unusable (not 1 KiB aligned");
}

static void test_hpet_block_that_would_wrap_is_refused(void **state)
{
	(void)state;
	one_hpet(make_hpet(56, 0, UINT64_MAX - 1023));	/* 1 KiB aligned, last byte 2^64 */
	assert_no_hpet("HPET base address unusable (block wraps");
}

static void test_hpet_block_ending_at_the_top_of_the_address_space_is_kept(void **state)
{
	(void)state;
	one_hpet(make_hpet(56, 0, UINT64_MAX - 2047));	/* ends at 2^64 - 1024 */
	assert_true(info.hpet.ok);
}

static void test_32bit_counter_and_one_comparator_are_read_as_given(void **state)
{
	uint64_t hpet = make_hpet(56, 0, HPET_QEMU_BASE);

	(void)state;
	put32(at(hpet) + 36, 0x10de0001u);	/* no COUNT_SIZE_CAP, comparators - 1 = 0 */
	refix_table(hpet);
	one_hpet(hpet);
	assert_true(info.hpet.ok);
	assert_false(info.hpet.counter_64bit);
	assert_int_equal(info.hpet.comparators, 1);
	assert_int_equal(info.hpet.vendor, 0x10de);
}

static void test_valid_hpet_after_a_corrupt_copy_is_used(void **state)
{
	uint64_t tables[2];

	(void)state;
	tables[0] = make_hpet(56, 0, HPET_QEMU_BASE);
	at(tables[0])[50] ^= 1;		/* checksum now wrong */
	tables[1] = make_hpet(56, 0, 0xfed01000ull);
	system_with(tables, 2);
	assert_true(info.hpet.ok);
	assert_int_equal(info.hpet.base, 0xfed01000ull);
}

static void test_bad_rsdp_leaves_hpet_absent(void **state)
{
	(void)state;
	make_hpet(56, 0, HPET_QEMU_BASE);
	make_rsdp(0, 0, 0);
	rsdp[0] = 'X';
	parse(20);
	assert_false(info.madt_ok);
	assert_false(info.hpet.ok);
}

#define T(fn) cmocka_unit_test_setup(fn, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_qemu_hpet_table_gives_base_and_block_fields),
		T(test_no_hpet_table_is_silent_and_absent),
		T(test_hpet_table_of_minimum_length_is_read),
		T(test_hpet_table_one_byte_short_is_refused),
		T(test_hpet_table_of_header_only_is_refused),
		T(test_zero_length_hpet_table_is_refused),
		T(test_truncated_hpet_table_is_refused),
		T(test_hpet_table_with_bad_checksum_is_refused),
		T(test_hpet_base_in_io_space_is_refused),
		T(test_hpet_base_zero_is_refused),
		T(test_hpet_base_not_1k_aligned_is_refused),
		T(test_hpet_block_that_would_wrap_is_refused),
		T(test_hpet_block_ending_at_the_top_of_the_address_space_is_kept),
		T(test_32bit_counter_and_one_comparator_are_read_as_given),
		T(test_valid_hpet_after_a_corrupt_copy_is_used),
		T(test_bad_rsdp_leaves_hpet_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
