// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * APIC IDs above 254 end to end on the host: every structure the kernel
 * keys by APIC ID takes 32-bit IDs (docs/firmware.md).  The MADT's CPU
 * list (kernel/acpi.c) with x2APIC IDs 255..300, 0xFFFF, 0x10000 and
 * 0xFFFFFFFE, its broadcast IDs and its limit; the SRAT's nodes for such
 * IDs; the LINT NMI lookup by such an ID; the mode decision
 * (drivers/apic/lapic_mode.c) and the destination and ICR encodings
 * (drivers/apic/apic_encode.h) for them.  The smp record with 256
 * ten-digit IDs is tested in test_boot_records_whole_or_marked_truncated.
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
#include "drivers/apic/apic_encode.h"
#include "drivers/apic/lapic_mode.h"

static const uint32_t wide[] = { 0xffff, 0x10000, 0xfffffffeu };

/* BSP 0 (type 0), x2APIC 255..300, then the wide IDs: 50 CPUs. */
static void big_madt(void)
{
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	for (uint32_t id = 255; id <= 300; id++)
		madt_x2apic(id, ENABLED, id + 1000);
	for (size_t i = 0; i < 3; i++)
		madt_x2apic(wide[i], ENABLED, (uint32_t)i + 5000);
}

static void test_x2apic_ids_255_to_300_and_wide_ones_are_kept_in_order(void **state)
{
	(void)state;
	big_madt();
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, 50);
	assert_int_equal(info.nenabled, 50);
	assert_int_equal(info.nskipped, 0);
	for (uint32_t i = 1; i <= 46; i++) {
		assert_int_equal(info.cpus[i].apic_id, 254 + i);
		assert_int_equal(info.cpus[i].uid, 1254 + i);
		assert_int_equal(info.cpus[i].entry_type, 9);
	}
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(info.cpus[47 + i].apic_id, wide[i]);
}

static void test_broadcast_ids_of_both_types_are_skipped_and_said(void **state)
{
	(void)state;
	big_madt();
	madt_lapic(7, 0xff, ENABLED);
	madt_x2apic(0xffffffffu, ENABLED, 7);
	madt_x2apic(300, ENABLED, 9);		/* 300 again */
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	assert_int_equal(info.ncpus, 50);
	assert_int_equal(info.nskipped, 3);
	assert_int_equal(host_log_count("broadcast APIC ID"), 2);
	assert_int_equal(host_log_count("APIC ID 0x12c UID 9 skipped: duplicate APIC ID"), 1);
}

static void test_more_x2apic_cpus_than_the_limit_keep_the_first_1024(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	for (uint32_t i = 0; i < ACPI_MAX_CPUS + 6; i++)
		madt_x2apic(0x20000 + i * 3, ENABLED, i);
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	assert_int_equal(info.ncpus, ACPI_MAX_CPUS);
	assert_int_equal(info.cpus[ACPI_MAX_CPUS - 1].apic_id, 0x20000 + (ACPI_MAX_CPUS - 1) * 3);
	assert_int_equal(info.nskipped, 6);
	assert_int_equal(host_log_count("acpi: MADT lists 6 CPUs beyond the 1024 supported, ignored"), 1);
}

static void test_srat_places_cpus_with_wide_ids_on_their_nodes(void **state)
{
	static uint8_t body[256];
	size_t len = 12;
	uint64_t tables[3];

	(void)state;
	big_madt();
	tables[1] = madt_end(4);
	put32(body, 1);
	for (size_t i = 0; i < 3; i++) {
		uint8_t *e = table_entry(body, sizeof(body), &len, 2, 24);

		put32(e + 4, 40 + (uint32_t)i % 2);	/* domains 40, 41, 40 */
		put32(e + 8, wide[i]);
		put32(e + 12, 1);
	}
	tables[0] = qemu_fadt();
	tables[2] = make_table("SRAT", 3, body, len);
	make_rsdp(0, make_rsdt(tables, 3), 0);
	parse(20);
	assert_true(info.srat_ok);
	assert_int_equal(info.numa_nodes, 2);
	assert_int_equal(info.cpus[47].node, 0);
	assert_int_equal(info.cpus[48].node, 1);
	assert_int_equal(info.cpus[49].node, 0);
	assert_int_equal(info.srat_unnamed, 47);	/* the others: node 0, said */
}

static void test_lint_nmi_lookup_by_a_wide_id(void **state)
{
	struct acpi_nmi_pin pins[2];
	uint8_t *e;

	(void)state;
	big_madt();
	e = madt_entry(0xa, 12);
	put32(e + 4, 5001);	/* the UID of APIC ID 0x10000 */
	e[8] = 0;
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	assert_int_equal(acpi_nmi_pins(&info, 0x10000, pins), 1);
	assert_true(pins[0].nmi);
	assert_int_equal(acpi_nmi_pins(&info, 0xffff, pins), 0);
	assert_int_equal(acpi_nmi_pins(&info, 0x10000 & 0xff, pins), 0);	/* no truncation */
}

static void test_mode_is_x2apic_for_ids_above_254_and_they_are_addressable_only_there(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(lapic_mode_choose(true, false, 255, 0, &why), LAPIC_MODE_X2APIC);
	assert_int_equal(lapic_mode_choose(true, false, 0xfffffffeu, 0, &why), LAPIC_MODE_X2APIC);
	assert_int_equal(lapic_mode_choose(false, true, 0xfffffffeu, -1, &why), LAPIC_MODE_X2APIC);
	assert_string_equal(why, "firmware enabled x2APIC");
	for (uint32_t id = 255; id <= 300; id++) {
		assert_false(apic_xapic_dest_ok(id));
		assert_true(apic_x2apic_dest_ok(id));
	}
	for (size_t i = 0; i < 3; i++) {
		assert_true(apic_x2apic_dest_ok(wide[i]));
		assert_int_equal(apic_x2apic_icr(wide[i], apic_icr_init_assert()) >> 32, wide[i]);
	}
	assert_false(apic_x2apic_dest_ok(0xffffffffu));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_x2apic_ids_255_to_300_and_wide_ones_are_kept_in_order, reset),
		cmocka_unit_test_setup(test_broadcast_ids_of_both_types_are_skipped_and_said, reset),
		cmocka_unit_test_setup(test_more_x2apic_cpus_than_the_limit_keep_the_first_1024, reset),
		cmocka_unit_test_setup(test_srat_places_cpus_with_wide_ids_on_their_nodes, reset),
		cmocka_unit_test_setup(test_lint_nmi_lookup_by_a_wide_id, reset),
		cmocka_unit_test_setup(test_mode_is_x2apic_for_ids_above_254_and_they_are_addressable_only_there, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
