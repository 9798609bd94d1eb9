// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/acpi against crafted firmware tables.
 *
 * Tables are built in a fake physical memory window with correct
 * checksums (make_table() and make_rsdp() fix them), then corrupted one
 * byte or field at a time.  acpi_parse() reaches them only through
 * fake_map(), which can be told to refuse one table, so unmappable tables
 * are tested too.  Each test checks the parsed result and the log line
 * that explains it.
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

/* Sets up a UEFI-style system whose XSDT and RSDT lead to different MADTs. */
struct two_roots {
	uint64_t rsdt, xsdt;
};

static struct two_roots two_root_system(void)
{
	struct two_roots r;
	uint64_t xmadt = qemu_madt(1);	/* 4 CPUs: reached via the XSDT */
	uint64_t rmadt, fadt = qemu_fadt();
	uint64_t xt[2], rt[2];

	madt_begin(LAPIC_DEFAULT);	/* 1 CPU: reached via the RSDT */
	madt_lapic(0, 0, ENABLED);
	rmadt = madt_end(1);
	xt[0] = fadt;
	xt[1] = xmadt;
	rt[0] = fadt;
	rt[1] = rmadt;
	r.xsdt = make_xsdt(xt, 2);
	r.rsdt = make_rsdt(rt, 2);
	make_rsdp(2, r.rsdt, r.xsdt);
	return r;
}

/* --- the QEMU shapes ---------------------------------------------------- */

static void test_qemu_bios_tables_give_all_cpus_enabled_in_order(void **state)
{
	uint64_t rsdt = rsdt_system(qemu_madt(1), qemu_fadt());
	uint32_t i;

	(void)state;
	parse(20);
	assert_true(info.madt_ok);
	assert_null(info.error);
	assert_int_equal(info.rsdp_revision, 0);
	assert_false(info.used_xsdt);
	assert_int_equal(info.root_phys, rsdt);
	assert_int_equal(info.madt_revision, 1);
	assert_int_equal(info.madt_flags, 1);
	assert_int_equal(info.lapic_phys, LAPIC_DEFAULT);
	assert_false(info.lapic_override);
	assert_int_equal(info.ncpus, 4);
	assert_int_equal(info.nenabled, 4);
	assert_int_equal(info.npossible, 4);
	assert_int_equal(info.nskipped, 0);
	assert_int_equal(info.nioapic, 1);
	assert_int_equal(info.numa_nodes, 1);
	for (i = 0; i < 4; i++) {
		assert_int_equal(info.cpus[i].apic_id, i);
		assert_int_equal(info.cpus[i].uid, i);
		assert_int_equal(info.cpus[i].entry_type, 0);
		assert_true(info.cpus[i].enabled);
	}
	assert_int_equal(host_log_count("acpi: MADT rev 1: 4 CPUs enabled"), 1);
}

static void test_rev3_disabled_entries_are_hot_add_slots(void **state)
{
	(void)state;
	/* QEMU -smp 2,maxcpus=4: slots 2 and 3 are Enabled=0. */
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	madt_lapic(1, 1, ENABLED);
	madt_lapic(2, 2, 0);
	madt_lapic(3, 3, ONLINE_CAPABLE);	/* reserved bit before rev 5 */
	rsdt_system(madt_end(3), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.madt_revision, 3);
	assert_int_equal(info.ncpus, 4);
	assert_int_equal(info.nenabled, 2);
	assert_int_equal(info.npossible, 4);
	assert_int_equal(info.nskipped, 0);
	assert_false(info.cpus[2].enabled);
	assert_false(info.cpus[3].enabled);
}

static void test_rev5_disabled_cpu_is_possible_only_when_online_capable(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	madt_lapic(1, 1, ONLINE_CAPABLE);
	madt_lapic(2, 2, 0);
	madt_x2apic(3, ENABLED | ONLINE_CAPABLE, 3);
	rsdt_system(madt_end(5), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 3);
	assert_int_equal(info.nenabled, 2);
	assert_int_equal(info.npossible, 3);
	assert_int_equal(info.nskipped, 1);
	assert_int_equal(info.cpus[1].apic_id, 1);
	assert_false(info.cpus[1].enabled);
	assert_int_equal(info.cpus[2].apic_id, 3);
	assert_true(info.cpus[2].enabled);
	assert_int_equal(host_log_count("APIC ID 0x2 UID 2 skipped: disabled and not online-capable"), 1);
}

static void test_type0_and_type9_entries_keep_table_order(void **state)
{
	static const uint32_t ids[] = { 0, 300, 1, 256 };
	static const uint8_t types[] = { 0, 9, 0, 9 };
	static const uint32_t uids[] = { 10, 70000, 11, 70001 };
	uint32_t i;

	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(10, 0, ENABLED);
	madt_x2apic(300, ENABLED, 70000);
	madt_lapic(11, 1, ENABLED);
	madt_x2apic(256, ENABLED, 70001);
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(info.cpus[i].apic_id, ids[i]);
		assert_int_equal(info.cpus[i].entry_type, types[i]);
		assert_int_equal(info.cpus[i].uid, uids[i]);
	}
}

static void test_x2apic_ids_above_255_are_kept_whole(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_x2apic(0x100, ENABLED, 1);
	madt_x2apic(0x12345, ENABLED, 2);
	madt_x2apic(0xff, ENABLED, 3);	/* not broadcast in a type 9 entry */
	madt_x2apic(0xfffffffeu, ENABLED, 4);
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 4);
	assert_int_equal(info.cpus[0].apic_id, 0x100);
	assert_int_equal(info.cpus[1].apic_id, 0x12345);
	assert_int_equal(info.cpus[2].apic_id, 0xff);
	assert_int_equal(info.cpus[3].apic_id, 0xfffffffeu);
	assert_int_equal(info.nskipped, 0);
}

/* --- root table choice -------------------------------------------------- */

static void test_xsdt_preferred_when_rsdp_revision_is_2(void **state)
{
	struct two_roots r = two_root_system();

	(void)state;
	parse(36);
	assert_true(info.madt_ok);
	assert_int_equal(info.rsdp_revision, 2);
	assert_true(info.used_xsdt);
	assert_int_equal(info.root_phys, r.xsdt);
	assert_int_equal(info.ncpus, 4);
}

static void test_bad_extended_checksum_falls_back_to_rsdt(void **state)
{
	struct two_roots r = two_root_system();

	(void)state;
	rsdp[32]++;
	parse(36);
	assert_true(info.madt_ok);
	assert_false(info.used_xsdt);
	assert_int_equal(info.root_phys, r.rsdt);
	assert_int_equal(info.ncpus, 1);
	assert_int_equal(host_log_count("acpi: RSDP extended checksum mismatch, using the RSDT"), 1);
}

static void test_bad_xsdt_checksum_falls_back_to_good_rsdt(void **state)
{
	struct two_roots r = two_root_system();

	(void)state;
	at(r.xsdt)[10] ^= 0x20;	/* OEM ID byte: only the checksum notices */
	parse(36);
	assert_true(info.madt_ok);
	assert_false(info.used_xsdt);
	assert_int_equal(info.root_phys, r.rsdt);
	assert_int_equal(info.ncpus, 1);
	assert_int_equal(host_log_count("checksum mismatch, falling back to the RSDT"), 1);
}

static void test_xsdt_address_zero_uses_rsdt(void **state)
{
	struct two_roots r = two_root_system();

	(void)state;
	make_rsdp(2, r.rsdt, 0);
	parse(36);
	assert_true(info.madt_ok);
	assert_false(info.used_xsdt);
	assert_int_equal(info.root_phys, r.rsdt);
	assert_int_equal(host_log_count("XSDT address is zero"), 1);
}

static void test_revision2_rsdp_of_20_bytes_uses_rsdt(void **state)
{
	struct two_roots r = two_root_system();

	(void)state;
	/* GRUB's tag 14 carries only the 20-byte ACPI 1.0 part. */
	parse(20);
	assert_true(info.madt_ok);
	assert_false(info.used_xsdt);
	assert_int_equal(info.root_phys, r.rsdt);
	assert_int_equal(host_log_count("RSDP revision 2 but only 20 bytes"), 1);
}

static void test_rsdp_length_beyond_given_bytes_uses_rsdt(void **state)
{
	struct two_roots r = two_root_system();

	(void)state;
	put32(rsdp + 20, 200);
	fix_checksum(rsdp, 20, 8);
	parse(36);
	assert_true(info.madt_ok);
	assert_false(info.used_xsdt);
	assert_int_equal(info.root_phys, r.rsdt);
	assert_int_equal(host_log_count("RSDP length 200 invalid"), 1);
}

static void test_bad_xsdt_and_bad_rsdt_fail_cleanly(void **state)
{
	struct two_roots r = two_root_system();

	(void)state;
	at(r.xsdt)[10] ^= 1;
	at(r.rsdt)[10] ^= 1;
	parse(36);
	assert_false(info.madt_ok);
	assert_false(info.fadt_ok);
	assert_string_equal(info.error, "no valid RSDT or XSDT");
	assert_int_equal(info.ncpus, 0);
	assert_int_equal(host_log_count("acpi: no valid RSDT or XSDT; booting without the MADT"), 1);
}

/* --- RSDP rejects ------------------------------------------------------- */

static void test_bad_rsdp_checksum_rejected(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1), qemu_fadt());
	rsdp[8]++;
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "RSDP checksum mismatch");
	assert_int_equal(info.ncpus, 0);
	assert_int_equal(fctx.calls, 0);
	assert_int_equal(host_log_count("acpi: RSDP checksum mismatch"), 1);
}

static void test_null_or_short_rsdp_rejected(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1), qemu_fadt());
	acpi_parse(NULL, 36, fake_map, &fctx, &info);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "RSDP missing or shorter than 20 bytes");
	parse(19);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "RSDP missing or shorter than 20 bytes");
	assert_int_equal(fctx.calls, 0);
	assert_int_equal(host_log_count("acpi: RSDP missing or shorter than 20 bytes"), 2);
}

static void test_bad_rsdp_signature_rejected(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1), qemu_fadt());
	rsdp[7] = 'X';
	fix_checksum(rsdp, 20, 8);
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "RSDP signature is not \"RSD PTR \"");
}

static void test_missing_map_function_rejected(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1), qemu_fadt());
	acpi_parse(rsdp, 20, NULL, NULL, &info);
	assert_false(info.madt_ok);
	assert_non_null(info.error);
}

/* --- table rejects ------------------------------------------------------ */

static void test_bad_madt_checksum_rejected_but_fadt_still_read(void **state)
{
	uint64_t madt = qemu_madt(1);

	(void)state;
	rsdt_system(madt, qemu_fadt());
	at(madt)[36 + 8 + 3] = 7;	/* first CPU's APIC ID */
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "MADT checksum mismatch");
	assert_int_equal(info.ncpus, 0);
	assert_true(info.fadt_ok);
	assert_int_equal(info.pm_timer_port, 0x608);
	assert_int_equal(host_log_count("acpi: APIC at"), 1);
}

static void test_missing_madt_reported(void **state)
{
	uint64_t fadt = qemu_fadt();

	(void)state;
	make_rsdp(0, make_rsdt(&fadt, 1), 0);
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "MADT not found");
	assert_true(info.fadt_ok);
	assert_int_equal(host_log_count("acpi: MADT not found; booting without the MADT (one CPU)"), 1);
}

static void test_later_valid_madt_used_after_a_corrupt_copy(void **state)
{
	uint64_t bad = qemu_madt(1), good, tables[2];

	(void)state;
	at(bad)[20] ^= 1;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 5, ENABLED);
	good = madt_end(1);
	tables[0] = bad;
	tables[1] = good;
	make_rsdp(0, make_rsdt(tables, 2), 0);
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 1);
	assert_int_equal(info.cpus[0].apic_id, 5);
	assert_int_equal(host_log_count("checksum mismatch, ignored"), 1);
}

static void test_unmappable_madt_reported(void **state)
{
	uint64_t madt = qemu_madt(1);

	(void)state;
	rsdt_system(madt, qemu_fadt());
	fctx.deny_phys = madt;
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "MADT cannot be mapped");
	assert_true(info.fadt_ok);
	/* once per table lookup that walks past it (the MADT's, the SPCR's, ...) */
	assert_true(host_log_count("acpi: table 1 at") >= 1);
}

static void test_madt_whose_body_cannot_be_mapped_reported(void **state)
{
	uint64_t madt = qemu_madt(1);

	(void)state;
	rsdt_system(madt, qemu_fadt());
	fctx.deny_phys = madt;
	fctx.deny_whole_only = true;
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "MADT cannot be mapped");
}

static void test_unmappable_root_table_reported(void **state)
{
	uint64_t rsdt = rsdt_system(qemu_madt(1), qemu_fadt());

	(void)state;
	fctx.deny_phys = rsdt;
	parse(20);
	assert_false(info.madt_ok);
	assert_false(info.fadt_ok);
	assert_string_equal(info.error, "no valid RSDT or XSDT");
	assert_int_equal(host_log_count("acpi: RSDT at"), 1);
	assert_int_equal(host_log_count("cannot be mapped"), 1);
}

static void test_root_table_outside_memory_reported(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1), qemu_fadt());
	make_rsdp(0, 0xfffffff0u, 0);	/* header would cross the window end */
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "no valid RSDT or XSDT");
}

static void test_table_length_below_header_rejected(void **state)
{
	uint64_t madt = qemu_madt(1);

	(void)state;
	rsdt_system(madt, qemu_fadt());
	put32(at(madt) + 4, 20);
	refix_table(madt);
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "MADT length out of range");
	assert_int_equal(host_log_count("length below 36 bytes"), 1);
}

static void test_table_length_above_1mib_rejected(void **state)
{
	uint64_t madt = qemu_madt(1);
	uint64_t rsdt;

	(void)state;
	rsdt = rsdt_system(madt, qemu_fadt());
	put32(at(madt) + 4, 2u << 20);
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "MADT length out of range");
	assert_int_equal(host_log_count("length above 1 MiB"), 1);

	host_log_reset();
	put32(at(rsdt) + 4, 0x80000000u);
	parse(20);
	assert_string_equal(info.error, "no valid RSDT or XSDT");
	assert_int_equal(host_log_count("length above 1 MiB"), 1);
}

static void test_madt_shorter_than_its_fixed_fields_rejected(void **state)
{
	uint8_t body[4] = { 0, 0, 0xe0, 0xfe };

	(void)state;
	rsdt_system(make_table("APIC", 1, body, sizeof(body)), qemu_fadt());
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "MADT shorter than its 44-byte header");
}

/* --- MADT entry walk ---------------------------------------------------- */

static void test_truncated_entry_stops_walk_and_keeps_earlier_cpus(void **state)
{
	static const uint8_t short_lapic[6] = { 0, 6, 2, 2, 1, 0 };

	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	madt_lapic(1, 1, ENABLED);
	madt_raw(short_lapic, sizeof(short_lapic));
	madt_lapic(3, 3, ENABLED);
	rsdt_system(madt_end(1), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 2);
	assert_int_equal(info.cpus[1].apic_id, 1);
	assert_int_equal(host_log_count("acpi: MADT truncated entry at offset 60 (type 0, length 6)"), 1);
}

/* An x2APIC entry (16 bytes) whose last `missing` bytes lie past the table's end. */
static void check_x2apic_entry_cut_short(uint32_t missing)
{
	uint8_t *e;

	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	e = madt_entry(9, 16);
	put32(e + 4, 7);
	put32(e + 8, ENABLED);
	madt_len -= missing;
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 1);
	assert_int_equal(host_log_count("truncated entry at offset 52 (type 9, length 16)"), 1);
}

static void test_entry_running_past_table_end_is_truncated(void **state)
{
	(void)state;
	check_x2apic_entry_cut_short(8);	/* the table ends halfway through the entry */
}

static void test_single_trailing_byte_is_truncated_entry(void **state)
{
	static const uint8_t lone = 0;

	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	madt_raw(&lone, 1);
	rsdt_system(madt_end(1), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 1);
	assert_int_equal(host_log_count("truncated entry"), 1);
}

static void test_entry_overrunning_the_table_by_one_byte_is_truncated(void **state)
{
	(void)state;
	check_x2apic_entry_cut_short(1);	/* the table ends one byte before the entry does */
}

/* The types the parser reads, each with the length of its structure. */
static const struct { uint8_t type, len; } madt_sizes[] = {
	{ 0, 8 },	/* Processor Local APIC */
	{ 1, 12 },	/* I/O APIC */
	{ 2, 10 },	/* Interrupt Source Override */
	{ 5, 12 },	/* Local APIC Address Override */
	{ 9, 16 },	/* Processor Local x2APIC */
};

/* A CPU, then an entry of `type` and `len` (an enabled CPU 5 if a CPU), then a CPU. */
static void madt_around(uint8_t type, uint8_t len)
{
	uint8_t *e;

	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	e = madt_entry(type, len);
	if (type == 0) {
		e[3] = 5;
		if (len >= 8)
			put32(e + 4, ENABLED);
	} else if (type == 9 && len >= 12) {
		put32(e + 4, 5);
		put32(e + 8, ENABLED);
	} else if (type == 5 && len >= 12) {
		put64(e + 4, 0xfee10000u);
	} else if (type == 1 && len >= 8) {
		put32(e + 4, 0xfec00000u);
	} else if (type == 2 && len >= 4) {
		e[3] = 9;
	}
	madt_lapic(2, 2, ENABLED);
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
}

static void test_each_entry_type_at_its_minimum_length_is_read(void **state)
{
	for (size_t i = 0; i < sizeof(madt_sizes) / sizeof(madt_sizes[0]); i++) {
		uint8_t type = madt_sizes[i].type;
		bool cpu = type == 0 || type == 9;

		reset(state);
		madt_around(type, madt_sizes[i].len);
		assert_true(info.madt_ok);
		assert_int_equal(info.ncpus, cpu ? 3 : 2);
		if (cpu)
			assert_int_equal(info.cpus[1].apic_id, 5);
		assert_int_equal(info.cpus[cpu ? 2 : 1].apic_id, 2);
		assert_int_equal(info.nioapic, type == 1);
		assert_int_equal(info.noverride, type == 2);
		assert_int_equal(info.lapic_override, type == 5);
		assert_int_equal(host_log_count("truncated entry"), 0);
	}
}

static void test_each_entry_type_one_byte_short_stops_the_walk(void **state)
{
	for (size_t i = 0; i < sizeof(madt_sizes) / sizeof(madt_sizes[0]); i++) {
		uint8_t type = madt_sizes[i].type, len = madt_sizes[i].len - 1;
		char msg[96];

		reset(state);
		madt_around(type, len);
		assert_true(info.madt_ok);
		assert_int_equal(info.ncpus, 1);	/* nothing from it on */
		assert_int_equal(info.nioapic, 0);
		assert_int_equal(info.noverride, 0);
		assert_false(info.lapic_override);
		snprintf(msg, sizeof(msg), "truncated entry at offset 52 (type %u, length %u)",
			 type, len);
		assert_int_equal(host_log_count(msg), 1);
	}
}

static void test_entries_longer_than_their_type_are_stepped_over_whole(void **state)
{
	uint8_t *e;

	(void)state;
	madt_begin(LAPIC_DEFAULT);
	e = madt_entry(0, 10);		/* 2 bytes beyond the structure */
	e[3] = 4;
	put32(e + 4, ENABLED);
	e[8] = 0xff;
	e[9] = 0xff;
	e = madt_entry(9, 20);		/* 4 bytes beyond */
	put32(e + 4, 0x400);
	put32(e + 8, ENABLED);
	memset(e + 16, 0xff, 4);
	madt_lapic(1, 1, ENABLED);
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 3);
	assert_int_equal(info.cpus[0].apic_id, 4);
	assert_int_equal(info.cpus[1].apic_id, 0x400);
	assert_int_equal(info.cpus[2].apic_id, 1);
}

static void test_zero_length_entry_stops_walk(void **state)
{
	static const uint8_t zero_len[2] = { 0x7f, 0 };

	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	madt_raw(zero_len, sizeof(zero_len));
	madt_lapic(1, 1, ENABLED);
	rsdt_system(madt_end(1), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 1);
	assert_int_equal(host_log_count("truncated entry at offset 52 (type 127, length 0)"), 1);
}

static void test_no_enabled_cpu_fails_the_madt(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, 0);
	madt_lapic(1, 1, 0);
	rsdt_system(madt_end(3), qemu_fadt());
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "MADT lists no enabled CPU");
	assert_int_equal(info.ncpus, 2);
	assert_int_equal(info.nenabled, 0);
	assert_int_equal(host_log_count("acpi: MADT lists no enabled CPU"), 1);
}

static void test_empty_madt_fails_the_madt(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_ioapic();
	rsdt_system(madt_end(5), qemu_fadt());
	parse(20);
	assert_false(info.madt_ok);
	assert_string_equal(info.error, "MADT lists no enabled CPU");
	assert_int_equal(info.nioapic, 1);
}

static void test_duplicate_apic_id_keeps_first_entry(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(1, 1, ENABLED);
	madt_lapic(7, 1, ENABLED);
	madt_x2apic(1, ENABLED, 9);	/* same CPU described again as x2APIC */
	madt_lapic(2, 2, ENABLED);
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 2);
	assert_int_equal(info.cpus[0].uid, 1);
	assert_int_equal(info.cpus[0].entry_type, 0);
	assert_int_equal(info.cpus[1].apic_id, 2);
	assert_int_equal(info.nskipped, 2);
	assert_int_equal(host_log_count("duplicate APIC ID, first entry kept"), 2);
}

static void test_broadcast_ids_skipped(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0xff, ENABLED);
	madt_x2apic(0xffffffffu, ENABLED, 1);
	madt_lapic(2, 0, ENABLED);
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 1);
	assert_int_equal(info.cpus[0].apic_id, 0);
	assert_int_equal(info.nskipped, 2);
	assert_int_equal(host_log_count("skipped: broadcast APIC ID"), 2);
}

static void test_lapic_address_override_replaces_header_address(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	madt_lapic_override(0x1fee00000ull);
	rsdt_system(madt_end(1), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_true(info.lapic_override);
	assert_int_equal(info.lapic_phys, 0x1fee00000ull);
	assert_int_equal(host_log_count("local APIC at 0x1fee00000 (override)"), 1);
}

static void test_lapic_override_to_zero_ignored(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic_override(0);
	madt_lapic(0, 0, ENABLED);
	rsdt_system(madt_end(1), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_false(info.lapic_override);
	assert_int_equal(info.lapic_phys, LAPIC_DEFAULT);
	assert_int_equal(host_log_count("override to address 0 ignored"), 1);
}

/*
 * A MADT of 1000 disabled, not online-capable CPU entries (revision 5):
 * every one is skipped, but the console gets ACPI_WARN_LIMIT (8) lines and
 * one summary, not a line each (a 1 MiB MADT once gave 11 MB of log).
 */
static void test_skipped_madt_entries_give_limited_lines_and_a_summary(void **state)
{
	uint32_t i;

	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	for (i = 1; i <= 1000; i++)
		madt_x2apic(0x1000 + i, 0, i);
	for (i = 0; i < 20; i++) {
		uint8_t *e = madt_entry(1, 12);	/* I/O APIC at address 0 */

		e[2] = (uint8_t)i;
	}
	rsdt_system(madt_end(5), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 1);
	assert_int_equal(info.nskipped, 1000);
	assert_int_equal(host_log_count("skipped: disabled and not online-capable"), 8);
	assert_int_equal(host_log_count("acpi: 992 more skipped MADT CPU entries not shown"), 1);
	assert_int_equal(host_log_count("at address 0 ignored"), 8);
	assert_int_equal(host_log_count("acpi: 12 more ignored MADT I/O APIC entries not shown"), 1);
	assert_int_equal(host_log_count("acpi: MADT rev 5: 1 CPUs enabled, 1 possible, 1000 skipped"), 1);
}

/*
 * An RSDT of 200 entries that cannot be mapped before the FADT and the
 * MADT: each table lookup prints ACPI_WARN_LIMIT lines and one summary.
 */
static void test_unmappable_root_entries_give_limited_lines_and_a_summary(void **state)
{
	static uint8_t body[4 * 202];
	uint64_t madt = qemu_madt(1), fadt = qemu_fadt();
	uint32_t i, lookups;

	(void)state;
	for (i = 0; i < 200; i++)
		put32(body + 4 * i, 0x1000 + 0x1000 * i);	/* outside the fake window */
	put32(body + 4 * 200, (uint32_t)fadt);
	put32(body + 4 * 201, (uint32_t)madt);
	make_rsdp(0, make_table("RSDT", 1, body, sizeof(body)), 0);
	parse(20);
	assert_true(info.madt_ok);
	assert_true(info.fadt_ok);
	/* each lookup (APIC, FACP, SRAT, SPCR, ...): 8 lines and a summary */
	lookups = host_log_count("acpi: 192 more root-table entries that cannot be mapped not shown");
	assert_true(lookups >= 3);
	assert_int_equal(host_log_count("acpi: table "), lookups * 8);
}

/*
 * An XSDT of 1000 entries, all but the last two at scattered addresses
 * (each new 1 GiB region above 4 GiB used to cost a page-table page,
 * never freed): only the first 256 entries are looked at, each lookup
 * maps at most that many headers, and entries no table can be at are
 * refused without a mapping.
 */
static void test_root_table_entries_looked_at_are_bounded(void **state)
{
	static uint8_t body[8 * 1000];
	uint64_t madt = qemu_madt(1), fadt = qemu_fadt();
	uint32_t i;

	(void)state;
	for (i = 0; i < 998; i++)
		put64(body + 8 * i, (5ull << 32) + ((uint64_t)i << 30));
	put64(body + 8 * 0, UINT64_MAX - 8);	/* no table fits there: never mapped */
	put64(body + 8 * 998, fadt);
	put64(body + 8 * 999, madt);
	make_rsdp(2, make_rsdt(&madt, 1), make_table("XSDT", 1, body, sizeof(body)));
	parse(36);
	assert_true(info.used_xsdt);
	assert_int_equal(host_log_count("acpi: XSDT lists 1000 tables, only the first 256 are looked at"), 1);
	assert_false(info.madt_ok);	/* listed past the bound */
	assert_string_equal(info.error, "MADT cannot be mapped");
	/*
	 * four lookups (APIC, FACP, HPET, SPCR; no SRAT without a MADT), each
	 * mapping at most 255 headers (entry 0 refused)
	 */
	assert_true(fctx.calls <= 4 + 4 * 255);
	assert_int_equal(host_log_count("at 0xfffffffffffffff7"), 0);
}

static void test_more_than_max_cpus_stops_adding_at_limit(void **state)
{
	const uint32_t n = ACPI_MAX_CPUS + 76;
	uint32_t i;

	(void)state;
	madt_begin(LAPIC_DEFAULT);
	for (i = 0; i < n; i++)
		madt_x2apic(i, ENABLED, i);
	madt_ioapic();	/* after the limit: the walk must still see it */
	rsdt_system(madt_end(5), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, ACPI_MAX_CPUS);
	assert_int_equal(info.nenabled, ACPI_MAX_CPUS);
	assert_int_equal(info.cpus[ACPI_MAX_CPUS - 1].apic_id, ACPI_MAX_CPUS - 1);
	assert_int_equal(info.nskipped, 76);
	assert_int_equal(info.nioapic, 1);
	assert_int_equal(host_log_count("acpi: MADT lists 76 CPUs beyond the 1024 supported"), 1);
}

/* --- FADT PM timer ------------------------------------------------------ */

static void test_fadt_legacy_pm_timer_is_24_bit_without_tmr_val_ext(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1), make_fadt(1, 116, 0x608, 4, 0, 0, 0));
	parse(20);
	assert_true(info.fadt_ok);
	assert_int_equal(info.pm_timer_port, 0x608);
	assert_false(info.pm_timer_32bit);
	assert_int_equal(host_log_count("PM timer at port 0x608 (24-bit, PM_TMR_BLK)"), 1);
}

static void test_fadt_tmr_val_ext_makes_pm_timer_32_bit(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1), make_fadt(1, 116, 0x608, 4, 1u << 8, 0, 0));
	parse(20);
	assert_true(info.fadt_ok);
	assert_int_equal(info.pm_timer_port, 0x608);
	assert_true(info.pm_timer_32bit);
}

static void test_fadt_x_pm_tmr_blk_preferred_when_system_io(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1),
		    make_fadt(3, 244, 0x608, 4, 1u << 8, 1, 0xb008));
	parse(20);
	assert_true(info.fadt_ok);
	assert_int_equal(info.pm_timer_port, 0xb008);
	assert_true(info.pm_timer_32bit);
	assert_int_equal(host_log_count("(32-bit, X_PM_TMR_BLK)"), 1);
}

static void test_fadt_x_pm_tmr_blk_in_memory_space_falls_back_to_legacy(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1),
		    make_fadt(3, 244, 0x608, 4, 0, 0, 0xfed00000u));
	parse(20);
	assert_true(info.fadt_ok);
	assert_int_equal(info.pm_timer_port, 0x608);
	assert_int_equal(host_log_count("not system I/O; trying PM_TMR_BLK"), 1);
}

static void test_fadt_x_block_past_table_length_not_read(void **state)
{
	uint64_t fadt = make_fadt(1, 116, 0x608, 4, 0, 0, 0);
	uint8_t *beyond = at(fadt) + 208;

	(void)state;
	rsdt_system(qemu_madt(1), fadt);
	/* A plausible GAS in the bytes after the table: must be ignored. */
	beyond[0] = 1;
	put64(beyond + 4, 0x1234);
	parse(20);
	assert_int_equal(info.pm_timer_port, 0x608);
}

static void test_fadt_without_pm_timer_reports_none(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1), make_fadt(5, 244, 0, 0, 1u << 8, 0, 0));
	parse(20);
	assert_true(info.fadt_ok);
	assert_int_equal(info.pm_timer_port, 0);
	assert_false(info.pm_timer_32bit);
	assert_int_equal(host_log_count("acpi: FADT rev 5: no PM timer"), 1);
}

static void test_fadt_pm_timer_with_wrong_length_rejected(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1), make_fadt(1, 116, 0x608, 2, 0, 0, 0));
	parse(20);
	assert_true(info.fadt_ok);
	assert_int_equal(info.pm_timer_port, 0);
	assert_int_equal(host_log_count("PM_TMR_BLK 0x608 (length 2) unusable"), 1);
}

static void test_bad_fadt_never_spoils_the_madt(void **state)
{
	uint64_t fadt = qemu_fadt();

	(void)state;
	rsdt_system(qemu_madt(1), fadt);
	at(fadt)[76] = 0x10;
	parse(20);
	assert_true(info.madt_ok);
	assert_null(info.error);
	assert_int_equal(info.ncpus, 4);
	assert_false(info.fadt_ok);
	assert_int_equal(info.pm_timer_port, 0);
	assert_int_equal(host_log_count("acpi: FACP at"), 1);
	assert_int_equal(host_log_count("acpi: FADT checksum mismatch, no PM timer"), 1);
}

#define T(fn) cmocka_unit_test_setup(fn, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_qemu_bios_tables_give_all_cpus_enabled_in_order),
		T(test_rev3_disabled_entries_are_hot_add_slots),
		T(test_rev5_disabled_cpu_is_possible_only_when_online_capable),
		T(test_type0_and_type9_entries_keep_table_order),
		T(test_x2apic_ids_above_255_are_kept_whole),
		T(test_xsdt_preferred_when_rsdp_revision_is_2),
		T(test_bad_extended_checksum_falls_back_to_rsdt),
		T(test_bad_xsdt_checksum_falls_back_to_good_rsdt),
		T(test_xsdt_address_zero_uses_rsdt),
		T(test_revision2_rsdp_of_20_bytes_uses_rsdt),
		T(test_rsdp_length_beyond_given_bytes_uses_rsdt),
		T(test_bad_xsdt_and_bad_rsdt_fail_cleanly),
		T(test_bad_rsdp_checksum_rejected),
		T(test_null_or_short_rsdp_rejected),
		T(test_bad_rsdp_signature_rejected),
		T(test_missing_map_function_rejected),
		T(test_bad_madt_checksum_rejected_but_fadt_still_read),
		T(test_missing_madt_reported),
		T(test_later_valid_madt_used_after_a_corrupt_copy),
		T(test_unmappable_madt_reported),
		T(test_madt_whose_body_cannot_be_mapped_reported),
		T(test_unmappable_root_table_reported),
		T(test_root_table_outside_memory_reported),
		T(test_table_length_below_header_rejected),
		T(test_table_length_above_1mib_rejected),
		T(test_madt_shorter_than_its_fixed_fields_rejected),
		T(test_truncated_entry_stops_walk_and_keeps_earlier_cpus),
		T(test_entry_running_past_table_end_is_truncated),
		T(test_single_trailing_byte_is_truncated_entry),
		T(test_entry_overrunning_the_table_by_one_byte_is_truncated),
		T(test_each_entry_type_at_its_minimum_length_is_read),
		T(test_each_entry_type_one_byte_short_stops_the_walk),
		T(test_entries_longer_than_their_type_are_stepped_over_whole),
		T(test_zero_length_entry_stops_walk),
		T(test_no_enabled_cpu_fails_the_madt),
		T(test_empty_madt_fails_the_madt),
		T(test_duplicate_apic_id_keeps_first_entry),
		T(test_broadcast_ids_skipped),
		T(test_lapic_address_override_replaces_header_address),
		T(test_lapic_override_to_zero_ignored),
		T(test_more_than_max_cpus_stops_adding_at_limit),
		T(test_root_table_entries_looked_at_are_bounded),
		T(test_skipped_madt_entries_give_limited_lines_and_a_summary),
		T(test_unmappable_root_entries_give_limited_lines_and_a_summary),
		T(test_fadt_legacy_pm_timer_is_24_bit_without_tmr_val_ext),
		T(test_fadt_tmr_val_ext_makes_pm_timer_32_bit),
		T(test_fadt_x_pm_tmr_blk_preferred_when_system_io),
		T(test_fadt_x_pm_tmr_blk_in_memory_space_falls_back_to_legacy),
		T(test_fadt_x_block_past_table_length_not_read),
		T(test_fadt_without_pm_timer_reports_none),
		T(test_fadt_pm_timer_with_wrong_length_rejected),
		T(test_bad_fadt_never_spoils_the_madt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
