// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/x86_64/cpu_numbering.c: CPU numbers from MADTs whose APIC IDs no
 * emulator here produces (above 254, above 0xFFFF), in both APIC modes.
 *
 * The MADT is parsed by kernel/acpi.c from tables built in the fake
 * window of acpi_fake.h, so the numbering sees what the kernel would.
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
#include "arch/x86_64/cpu_numbering.h"

static struct cpu_slot slots[300];
static struct cpu_numbering n;

/* BSP 0x10000 listed third; x2APIC 255..260 enabled, 0x20000 a hot-add slot, 3 enabled. */
static void wide_system(void)
{
	madt_begin(LAPIC_DEFAULT);
	for (uint32_t id = 255; id <= 257; id++)
		madt_x2apic(id, ENABLED, id);
	madt_x2apic(0x20000, 0, 77);		/* rev 4: disabled = hot-add slot */
	madt_x2apic(0x10000, ENABLED, 1);	/* the boot CPU */
	madt_lapic(3, 3, ENABLED);
	for (uint32_t id = 258; id <= 260; id++)
		madt_x2apic(id, ENABLED, id);
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
}

static void test_x2apic_numbers_bsp_first_then_enabled_then_slots(void **state)
{
	static const uint32_t want[] = { 0x10000, 255, 256, 257, 3, 258, 259, 260, 0x20000 };

	(void)state;
	wide_system();
	cpu_number(&info, 0x10000, true, slots, 300, &n);
	assert_null(n.single_cpu_reason);
	assert_int_equal(n.count, 9);
	assert_int_equal(n.boot_cpus, 8);
	assert_int_equal(n.unaddressable, 0);
	for (uint32_t i = 0; i < 9; i++) {
		assert_int_equal(slots[i].apic_id, want[i]);
		assert_int_equal(slots[i].enabled, i < 8);
	}
	assert_int_equal(host_log_count("not in the MADT"), 0);
}

static void test_xapic_mode_skips_ids_above_254_with_bounded_lines(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	for (uint32_t id = 250; id <= 270; id++)
		madt_x2apic(id, ENABLED, id + 100);
	rsdt_system(madt_end(4), qemu_fadt());
	parse(20);
	cpu_number(&info, 0, false, slots, 300, &n);
	assert_int_equal(n.count, 6);		/* 0 and 250..254 */
	assert_int_equal(slots[5].apic_id, 254);
	assert_int_equal(n.unaddressable, 16);
	assert_int_equal(host_log_count("cannot be addressed in xapic mode; CPU skipped"), 8);
	assert_int_equal(host_log_count("smp: 8 more CPUs with APIC IDs the mode cannot address not shown"), 1);
}

static void test_bsp_missing_from_the_madt_is_cpu_0_with_a_line(void **state)
{
	(void)state;
	wide_system();
	cpu_number(&info, 0x7fffffff, true, slots, 300, &n);
	assert_int_equal(slots[0].apic_id, 0x7fffffff);
	assert_int_equal(n.count, 10);
	assert_int_equal(host_log_count("the boot CPU (APIC ID 2147483647) is not in the MADT"), 1);
}

static void test_slot_limit_counts_the_rest(void **state)
{
	(void)state;
	wide_system();
	cpu_number(&info, 0x10000, true, slots, 4, &n);
	assert_int_equal(n.count, 4);
	assert_int_equal(n.boot_cpus, 4);
	assert_int_equal(n.over_limit, 5);
	assert_int_equal(host_log_count("smp: 5 CPUs ignored: more than 4 CPUs"), 1);
}

static void test_bsp_takes_its_srat_node_from_its_entry(void **state)
{
	(void)state;
	wide_system();
	info.cpus[4].node = 3;	/* the 0x10000 entry */
	cpu_number(&info, 0x10000, true, slots, 300, &n);
	assert_int_equal(slots[0].node, 3);
}

static void test_no_madt_is_one_cpu_with_the_reason(void **state)
{
	(void)state;
	parse(0);
	cpu_number(&info, 0x12345, true, slots, 300, &n);
	assert_int_equal(n.count, 1);
	assert_int_equal(n.boot_cpus, 1);
	assert_int_equal(slots[0].apic_id, 0x12345);
	assert_non_null(n.single_cpu_reason);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_x2apic_numbers_bsp_first_then_enabled_then_slots, reset),
		cmocka_unit_test_setup(test_xapic_mode_skips_ids_above_254_with_bounded_lines, reset),
		cmocka_unit_test_setup(test_bsp_missing_from_the_madt_is_cpu_0_with_a_line, reset),
		cmocka_unit_test_setup(test_slot_limit_counts_the_rest, reset),
		cmocka_unit_test_setup(test_bsp_takes_its_srat_node_from_its_entry, reset),
		cmocka_unit_test_setup(test_no_madt_is_one_cpu_with_the_reason, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
