// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The MADT's Local APIC NMI (type 4) and Local x2APIC NMI (type 0xA)
 * entries: what kernel/acpi.c keeps, what it refuses with a line, and
 * which LINT pin of which CPU acpi_nmi_pins() makes an NMI.
 *
 * Tables are built in the fake physical window of acpi_fake.h with
 * correct checksums, then given one flaw at a time: a LINT# above 1,
 * each reserved flag encoding, a repeat, one entry too many, and entries
 * one byte short of their type or running one byte past the table.
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

#define POL_HIGH	0x1u
#define POL_LOW		0x3u
#define TRIG_EDGE	0x4u
#define TRIG_LEVEL	0xcu

static void madt_lapic_nmi(uint8_t uid, uint16_t flags, uint8_t lint)
{
	uint8_t *e = madt_entry(4, 6);

	e[2] = uid;
	put16(e + 3, flags);
	e[5] = lint;
}

static void madt_x2apic_nmi(uint32_t uid, uint16_t flags, uint8_t lint)
{
	uint8_t *e = madt_entry(0xa, 12);

	put16(e + 2, flags);
	put32(e + 4, uid);
	e[8] = lint;
}

/* Four xAPIC CPUs (UID = ID = 0..3), then what the test appends. */
static void four_cpus(void)
{
	madt_begin(LAPIC_DEFAULT);
	for (uint8_t i = 0; i < 4; i++)
		madt_lapic(i, i, ENABLED);
}

static void finish(void)
{
	rsdt_system(madt_end(3), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
}

static void test_qemu_all_cpus_lint1_entry_makes_lint1_nmi_on_every_cpu(void **state)
{
	struct acpi_nmi_pin pins[2];

	(void)state;
	four_cpus();
	madt_lapic_nmi(0xff, 0, 1);	/* QEMU's: all processors, conforming, LINT1 */
	finish();
	assert_int_equal(info.nlapic_nmi, 1);
	assert_int_equal(info.lapic_nmi_refused, 0);
	assert_int_equal(info.lapic_nmis[0].uid, ACPI_NMI_ALL_CPUS);
	assert_int_equal(info.lapic_nmis[0].entry_type, 4);
	for (uint32_t id = 0; id < 4; id++) {
		assert_int_equal(acpi_nmi_pins(&info, id, pins), 1);
		assert_false(pins[0].nmi);
		assert_true(pins[1].nmi);
		assert_false(pins[1].active_low);	/* conforming: ISA, high */
		assert_false(pins[1].level);
	}
	assert_int_equal(host_log_count("1 LINT NMI entries"), 1);
}

static void test_lapic_nmi_for_one_uid_wires_only_that_cpu(void **state)
{
	struct acpi_nmi_pin pins[2];

	(void)state;
	four_cpus();
	madt_lapic_nmi(2, POL_LOW | TRIG_LEVEL, 0);
	finish();
	assert_int_equal(acpi_nmi_pins(&info, 2, pins), 1);
	assert_true(pins[0].nmi);
	assert_true(pins[0].active_low);
	assert_true(pins[0].level);
	assert_false(pins[1].nmi);
	for (uint32_t id = 0; id < 4; id++) {
		if (id != 2)
			assert_int_equal(acpi_nmi_pins(&info, id, pins), 0);
	}
}

static void test_x2apic_nmi_matches_an_x2apic_cpu_by_its_32_bit_uid(void **state)
{
	struct acpi_nmi_pin pins[2];

	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_x2apic(0, ENABLED, 0);
	madt_x2apic(0x10000, ENABLED, 70000);
	madt_x2apic(300, ENABLED, 300);
	madt_x2apic_nmi(70000, POL_HIGH | TRIG_EDGE, 1);
	madt_x2apic_nmi(0xffffffffu, POL_LOW, 0);	/* all processors */
	finish();
	assert_int_equal(info.nlapic_nmi, 2);
	assert_int_equal(info.lapic_nmis[0].entry_type, 0xa);
	assert_int_equal(acpi_nmi_pins(&info, 0x10000, pins), 2);
	assert_true(pins[1].nmi);
	assert_false(pins[1].active_low);
	assert_true(pins[0].nmi);
	assert_true(pins[0].active_low);
	assert_int_equal(acpi_nmi_pins(&info, 300, pins), 1);
	assert_false(pins[1].nmi);
	assert_true(pins[0].nmi);
}

static void test_first_entry_naming_a_pin_decides_it(void **state)
{
	struct acpi_nmi_pin pins[2];

	(void)state;
	four_cpus();
	madt_lapic_nmi(1, POL_LOW, 1);		/* CPU 1's own, first */
	madt_lapic_nmi(0xff, POL_HIGH, 1);	/* then all */
	finish();
	assert_int_equal(info.nlapic_nmi, 2);
	assert_int_equal(acpi_nmi_pins(&info, 1, pins), 1);
	assert_true(pins[1].active_low);
	assert_int_equal(acpi_nmi_pins(&info, 3, pins), 1);
	assert_false(pins[1].active_low);
}

static void test_cpu_the_madt_does_not_list_gets_only_all_cpu_entries(void **state)
{
	struct acpi_nmi_pin pins[2];

	(void)state;
	four_cpus();
	madt_lapic_nmi(9, 0, 0);
	madt_lapic_nmi(0xff, 0, 1);
	finish();
	assert_int_equal(acpi_nmi_pins(&info, 9, pins), 1);	/* APIC ID 9: not listed */
	assert_false(pins[0].nmi);
	assert_true(pins[1].nmi);
}

static void test_lint_above_1_is_refused_with_a_line(void **state)
{
	(void)state;
	four_cpus();
	madt_lapic_nmi(0xff, 0, 2);
	madt_x2apic_nmi(0xffffffffu, 0, 0xff);
	finish();
	assert_int_equal(info.nlapic_nmi, 0);
	assert_int_equal(info.lapic_nmi_refused, 2);
	assert_int_equal(host_log_count("LINT# is neither 0 nor 1"), 2);
}

static void test_reserved_flag_encodings_are_refused_each_with_its_reason(void **state)
{
	(void)state;
	four_cpus();
	madt_lapic_nmi(0, 0x2, 1);		/* polarity 10b */
	madt_lapic_nmi(1, 0x8, 1);		/* trigger 10b */
	madt_lapic_nmi(2, 0x10, 1);		/* bit 4 */
	madt_x2apic_nmi(3, 0x8000, 1);		/* bit 15 */
	madt_lapic_nmi(3, POL_LOW | TRIG_EDGE, 1);	/* fine */
	finish();
	assert_int_equal(info.nlapic_nmi, 1);
	assert_int_equal(info.lapic_nmis[0].uid, 3);
	assert_int_equal(info.lapic_nmi_refused, 4);
	assert_int_equal(host_log_count("refused: reserved polarity"), 1);
	assert_int_equal(host_log_count("refused: reserved trigger mode"), 1);
	assert_int_equal(host_log_count("refused: reserved flag bits set"), 2);
}

static void test_a_repeated_uid_and_pin_is_refused_and_the_first_kept(void **state)
{
	(void)state;
	four_cpus();
	madt_lapic_nmi(0xff, POL_HIGH, 1);
	madt_lapic_nmi(0xff, POL_LOW, 1);
	madt_x2apic_nmi(0xffffffffu, POL_LOW, 1);	/* all, again, other type */
	finish();
	assert_int_equal(info.nlapic_nmi, 1);
	assert_int_equal(info.lapic_nmis[0].flags, POL_HIGH);
	assert_int_equal(info.lapic_nmi_refused, 2);
	assert_int_equal(host_log_count("repeats an earlier entry"), 2);
}

static void test_entries_past_the_limit_are_refused_with_bounded_lines(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	for (uint32_t i = 0; i < ACPI_MAX_LAPIC_NMIS + 20; i++)
		madt_x2apic_nmi(i, 0, i & 1);
	finish();
	assert_int_equal(info.nlapic_nmi, ACPI_MAX_LAPIC_NMIS);
	assert_int_equal(info.lapic_nmi_refused, 20);
	assert_int_equal(host_log_count("beyond the supported number"), 8);
	assert_int_equal(host_log_count("acpi: 12 more refused MADT NMI entries not shown"), 1);
}

static void test_minimum_lengths_are_accepted(void **state)
{
	(void)state;
	four_cpus();
	madt_lapic_nmi(0, 0, 0);	/* 6 bytes */
	madt_x2apic_nmi(1, 0, 1);	/* 12 bytes */
	finish();
	assert_int_equal(info.nlapic_nmi, 2);
	assert_int_equal(host_log_count("truncated"), 0);
}

static void test_type4_one_byte_short_stops_the_walk(void **state)
{
	static const uint8_t short4[5] = { 4, 5, 0xff, 0, 0 };

	(void)state;
	four_cpus();
	madt_raw(short4, sizeof(short4));
	madt_lapic(9, 9, ENABLED);	/* after the bad entry: never seen */
	finish();
	assert_int_equal(info.nlapic_nmi, 0);
	assert_int_equal(info.ncpus, 4);
	assert_int_equal(host_log_count("truncated entry at offset 76 (type 4, length 5)"), 1);
}

static void test_type_0xa_one_byte_short_stops_the_walk(void **state)
{
	static const uint8_t short_x[11] = { 0xa, 11 };

	(void)state;
	four_cpus();
	madt_raw(short_x, sizeof(short_x));
	finish();
	assert_int_equal(info.nlapic_nmi, 0);
	assert_int_equal(host_log_count("(type 10, length 11)"), 1);
}

static void test_entry_running_one_byte_past_the_table_is_not_read(void **state)
{
	static const uint8_t over[5] = { 4, 6, 0xff, 0, 0 };	/* LINT# would be past the end */

	(void)state;
	four_cpus();
	madt_raw(over, sizeof(over));
	finish();
	assert_int_equal(info.nlapic_nmi, 0);
	assert_int_equal(host_log_count("(type 4, length 6), walk stopped"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_qemu_all_cpus_lint1_entry_makes_lint1_nmi_on_every_cpu, reset),
		cmocka_unit_test_setup(test_lapic_nmi_for_one_uid_wires_only_that_cpu, reset),
		cmocka_unit_test_setup(test_x2apic_nmi_matches_an_x2apic_cpu_by_its_32_bit_uid, reset),
		cmocka_unit_test_setup(test_first_entry_naming_a_pin_decides_it, reset),
		cmocka_unit_test_setup(test_cpu_the_madt_does_not_list_gets_only_all_cpu_entries, reset),
		cmocka_unit_test_setup(test_lint_above_1_is_refused_with_a_line, reset),
		cmocka_unit_test_setup(test_reserved_flag_encodings_are_refused_each_with_its_reason, reset),
		cmocka_unit_test_setup(test_a_repeated_uid_and_pin_is_refused_and_the_first_kept, reset),
		cmocka_unit_test_setup(test_entries_past_the_limit_are_refused_with_bounded_lines, reset),
		cmocka_unit_test_setup(test_minimum_lengths_are_accepted, reset),
		cmocka_unit_test_setup(test_type4_one_byte_short_stops_the_walk, reset),
		cmocka_unit_test_setup(test_type_0xa_one_byte_short_stops_the_walk, reset),
		cmocka_unit_test_setup(test_entry_running_one_byte_past_the_table_is_not_read, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
