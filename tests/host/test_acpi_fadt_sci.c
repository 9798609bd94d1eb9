// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/acpi: what the CPU hot-add path needs from the tables, against
 * crafted good and broken ones: the FADT's SCI, ACPI mode switch, PM1a
 * and GPE0 blocks (X_ fields preferred when usable), the MADT's I/O APICs
 * and interrupt source overrides, and acpi_sci_route() joining them
 * (docs/acpi-hotplug.md); the reset register and the IA-PC boot
 * architecture flags the shell's reboot and keyboard use (docs/shell.md).  Every rejection must leave a defined "absent"
 * value and a log line saying why.
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

#define FADT_FULL	244

/* A FADT body (after the header) as QEMU's `pc` machine fills it. */
static uint8_t fadt_body[FADT_FULL - 36];

static void fadt_pc(void)
{
	uint8_t *b = fadt_body - 36;	/* index with FADT offsets */

	memset(fadt_body, 0, sizeof(fadt_body));
	put16(b + 46, 9);		/* SCI_INT */
	put32(b + 48, 0xb2);		/* SMI_CMD */
	b[52] = 0xf1;			/* ACPI_ENABLE */
	put32(b + 56, 0x600);		/* PM1a_EVT_BLK */
	put32(b + 64, 0x604);		/* PM1a_CNT_BLK */
	put32(b + 76, 0x608);		/* PM_TMR_BLK */
	put32(b + 80, 0xafe0);		/* GPE0_BLK */
	b[88] = 4;			/* PM1_EVT_LEN */
	b[89] = 2;			/* PM1_CNT_LEN */
	b[91] = 4;			/* PM_TMR_LEN */
	b[92] = 4;			/* GPE0_BLK_LEN */
}

/* Generic address structure at FADT offset `off`. */
static void fadt_gas(size_t off, uint8_t space, uint64_t addr)
{
	uint8_t *g = fadt_body - 36 + off;

	g[0] = space;
	g[1] = 8;
	put64(g + 4, addr);
}

/* QEMU's `pc` MADT: 4 CPUs, one I/O APIC, IRQ 0 -> GSI 2, IRQ 9 level high. */
static uint64_t madt_pc(void)
{
	uint8_t *e;

	madt_begin(LAPIC_DEFAULT);
	for (int i = 0; i < 4; i++)
		madt_lapic((uint8_t)i, (uint8_t)i, ENABLED);
	madt_ioapic();
	madt_irq_override();		/* IRQ 0 -> GSI 2, conforming */
	e = madt_entry(2, 10);
	e[3] = 9;
	put32(e + 4, 9);
	put16(e + 8, 0xd);		/* active high, level */
	return madt_end(1);
}

static void boot(uint64_t madt, size_t fadt_len, uint8_t rev)
{
	rsdt_system(madt, make_table("FACP", rev, fadt_body, fadt_len - 36));
	parse(20);
}

static void test_qemu_pc_fadt_gives_sci_pm1_and_gpe0(void **state)
{
	(void)state;
	fadt_pc();
	boot(madt_pc(), 116, 1);
	assert_true(info.fadt_ok && info.sci_ok);
	assert_int_equal(info.sci_int, 9);
	assert_int_equal(info.smi_cmd, 0xb2);
	assert_int_equal(info.acpi_enable, 0xf1);
	assert_int_equal(info.pm1a_evt_port, 0x600);
	assert_int_equal(info.pm1_evt_len, 4);
	assert_int_equal(info.pm1a_cnt_port, 0x604);
	assert_int_equal(info.gpe0_port, 0xafe0);
	assert_int_equal(info.gpe0_len, 4);
	assert_int_equal(info.pm_timer_port, 0x608);
	assert_int_equal(host_log_count("acpi: FADT SCI IRQ 9, SMI_CMD 0xb2"), 1);
}

static void test_qemu_pc_madt_gives_ioapic_and_overrides(void **state)
{
	(void)state;
	fadt_pc();
	boot(madt_pc(), 116, 1);
	assert_int_equal(info.nioapic, 1);
	assert_int_equal(info.ioapics[0].phys, 0xfec00000u);
	assert_int_equal(info.ioapics[0].gsi_base, 0);
	assert_int_equal(info.noverride, 2);
	assert_int_equal(info.overrides[0].source, 0);
	assert_int_equal(info.overrides[0].gsi, 2);
	assert_int_equal(info.overrides[1].source, 9);
	assert_int_equal(info.overrides[1].flags, 0xd);
}

static void test_sci_route_follows_the_override_of_its_irq(void **state)
{
	struct acpi_irq_route r;

	(void)state;
	fadt_pc();
	boot(madt_pc(), 116, 1);
	assert_true(acpi_sci_route(&info, &r));
	assert_int_equal(r.gsi, 9);
	assert_true(r.overridden);
	assert_true(r.level);
	assert_false(r.active_low);
}

static void test_sci_without_override_is_level_low_on_its_own_gsi(void **state)
{
	struct acpi_irq_route r;

	(void)state;
	fadt_pc();
	put16(fadt_body - 36 + 46, 20);	/* no override names IRQ 20 */
	boot(madt_pc(), 116, 1);
	assert_true(acpi_sci_route(&info, &r));
	assert_int_equal(r.gsi, 20);
	assert_false(r.overridden);
	assert_true(r.level);
	assert_true(r.active_low);
}

static void test_conforming_override_keeps_the_sci_level_low(void **state)
{
	struct acpi_irq_route r;

	(void)state;
	fadt_pc();
	put16(fadt_body - 36 + 46, 0);	/* IRQ 0's override has flags 0 */
	boot(madt_pc(), 116, 1);
	assert_true(acpi_sci_route(&info, &r));
	assert_int_equal(r.gsi, 2);
	assert_true(r.overridden && r.level && r.active_low);
}

static void test_x_gpe0_block_preferred_when_in_io_space(void **state)
{
	(void)state;
	fadt_pc();
	fadt_gas(220, 1, 0x620);
	fadt_gas(172, 1, 0x1604);
	boot(madt_pc(), FADT_FULL, 3);
	assert_int_equal(info.gpe0_port, 0x620);
	assert_int_equal(info.pm1a_cnt_port, 0x1604);
	assert_int_equal(info.pm1a_evt_port, 0x600);	/* no X field: the legacy one */
}

static void test_x_gpe0_block_in_memory_space_falls_back_to_the_port(void **state)
{
	(void)state;
	fadt_pc();
	fadt_gas(220, 0, 0xfed00000u);
	boot(madt_pc(), FADT_FULL, 3);
	assert_int_equal(info.gpe0_port, 0xafe0);
	assert_int_equal(host_log_count("X_GPE0_BLK in address space 0"), 1);
}

static void test_odd_gpe0_length_means_no_gpe_block(void **state)
{
	(void)state;
	fadt_pc();
	fadt_body[92 - 36] = 3;
	boot(madt_pc(), 116, 1);
	assert_int_equal(info.gpe0_port, 0);
	assert_int_equal(info.gpe0_len, 0);
	assert_int_equal(host_log_count("GPE0_BLK_LEN 3 is odd"), 1);
}

static void test_gpe0_block_past_the_io_space_is_dropped(void **state)
{
	(void)state;
	fadt_pc();
	put32(fadt_body - 36 + 80, 0xfffe);
	boot(madt_pc(), 116, 1);
	assert_int_equal(info.gpe0_port, 0);
	assert_int_equal(host_log_count("GPE0_BLK 0xfffe + 4 runs past the I/O space"), 1);
}

static void test_short_pm1_event_length_means_no_event_block(void **state)
{
	(void)state;
	fadt_pc();
	fadt_body[88 - 36] = 2;		/* below the 4 bytes ACPI requires */
	boot(madt_pc(), 116, 1);
	assert_int_equal(info.pm1a_evt_port, 0);
	assert_int_equal(info.pm1_evt_len, 0);
}

static void test_smi_cmd_beyond_the_port_space_is_ignored(void **state)
{
	(void)state;
	fadt_pc();
	put32(fadt_body - 36 + 48, 0x12345);
	boot(madt_pc(), 116, 1);
	assert_int_equal(info.smi_cmd, 0);
	assert_int_equal(host_log_count("SMI_CMD 0x12345 is no I/O port"), 1);
}

static void test_fadt_too_short_for_the_sci_names_none(void **state)
{
	struct acpi_irq_route r = { .gsi = 77 };

	(void)state;
	fadt_pc();
	boot(madt_pc(), 46, 1);		/* ends just before SCI_INT */
	assert_true(info.fadt_ok);
	assert_false(info.sci_ok);
	assert_int_equal(info.gpe0_port, 0);
	assert_int_equal(info.pm1a_cnt_port, 0);
	assert_false(acpi_sci_route(&info, &r));
	assert_int_equal(r.gsi, 77);
}

static void test_fadt_cut_inside_the_gpe0_fields_reads_no_block(void **state)
{
	(void)state;
	fadt_pc();
	boot(madt_pc(), 92, 1);		/* GPE0_BLK there, GPE0_BLK_LEN not */
	assert_true(info.sci_ok);
	assert_int_equal(info.gpe0_port, 0);
	assert_int_equal(info.pm1a_evt_port, 0x600);
}

static void test_fadt_with_bad_checksum_gives_no_sci(void **state)
{
	uint64_t rsdt, madt = madt_pc(), fadt;
	struct acpi_irq_route r;

	(void)state;
	fadt_pc();
	fadt = make_table("FACP", 1, fadt_body, 116 - 36);
	rsdt = rsdt_system(madt, fadt);
	(void)rsdt;
	at(fadt)[50] ^= 1;
	parse(20);
	assert_true(info.madt_ok);
	assert_false(info.fadt_ok);
	assert_false(info.sci_ok);
	assert_int_equal(info.gpe0_port, 0);
	assert_false(acpi_sci_route(&info, &r));
	assert_int_equal(host_log_count("FACP at"), 1);
}

static void test_ioapic_at_address_zero_is_dropped(void **state)
{
	uint8_t *e;

	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	e = madt_entry(1, 12);
	e[2] = 3;			/* address 0 */
	madt_ioapic();
	fadt_pc();
	boot(madt_end(1), 116, 1);
	assert_int_equal(info.nioapic, 1);
	assert_int_equal(info.ioapics[0].phys, 0xfec00000u);
	assert_int_equal(host_log_count("I/O APIC 3 at address 0 ignored"), 1);
}

static void test_ioapics_beyond_the_table_are_dropped(void **state)
{
	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	for (int i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
		madt_ioapic();
	fadt_pc();
	boot(madt_end(1), 116, 1);
	assert_true(info.madt_ok);
	assert_int_equal(info.nioapic, ACPI_MAX_IOAPICS);
	assert_int_equal(host_log_count("beyond the 8 supported ignored"), 2);
}

static void test_second_override_of_one_irq_keeps_the_first(void **state)
{
	struct acpi_irq_route r;
	uint8_t *e;

	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	madt_ioapic();
	e = madt_entry(2, 10);
	e[3] = 9;
	put32(e + 4, 9);
	put16(e + 8, 0xd);
	e = madt_entry(2, 10);
	e[3] = 9;
	put32(e + 4, 17);
	e = madt_entry(2, 10);
	e[2] = 1;			/* not the ISA bus */
	e[3] = 4;
	fadt_pc();
	boot(madt_end(1), 116, 1);
	assert_int_equal(info.noverride, 1);
	assert_true(acpi_sci_route(&info, &r));
	assert_int_equal(r.gsi, 9);
	assert_int_equal(host_log_count("second override of IRQ 9 ignored"), 1);
	assert_int_equal(host_log_count("override of bus 1 (not ISA) ignored"), 1);
}

/* QEMU q35's reset register: port 0xcf9, value 0x0f, RESET_REG_SUP set. */
static void fadt_reset_reg(uint8_t space, uint64_t addr, uint8_t value)
{
	uint8_t *b = fadt_body - 36;

	put32(b + 112, 1u << 10);	/* FLAGS: RESET_REG_SUP */
	fadt_gas(116, space, addr);
	b[128] = value;
}

static void test_reset_register_in_io_space_is_used(void **state)
{
	(void)state;
	fadt_pc();
	fadt_reset_reg(1, 0xcf9, 0x0f);
	boot(madt_pc(), FADT_FULL, 3);
	assert_true(info.reset_ok && info.reset_io);
	assert_int_equal(info.reset_addr, 0xcf9);
	assert_int_equal(info.reset_value, 0x0f);
	assert_int_equal(host_log_count("acpi: FADT RESET_REG port 0xcf9 value 0xf"), 1);
}

static void test_reset_register_in_memory_space_is_used(void **state)
{
	(void)state;
	fadt_pc();
	fadt_reset_reg(0, 0xfee0f000, 0x06);
	boot(madt_pc(), FADT_FULL, 3);
	assert_true(info.reset_ok && !info.reset_io);
	assert_int_equal(info.reset_addr, 0xfee0f000);
	assert_int_equal(info.reset_value, 0x06);
}

static void test_reset_register_without_reset_reg_sup_is_not_used(void **state)
{
	(void)state;
	fadt_pc();
	fadt_reset_reg(1, 0xcf9, 0x0f);
	put32(fadt_body - 36 + 112, 0);
	boot(madt_pc(), FADT_FULL, 3);
	assert_false(info.reset_ok);
}

static void test_fadt_cut_before_reset_value_has_no_reset_register(void **state)
{
	(void)state;
	fadt_pc();
	fadt_reset_reg(1, 0xcf9, 0x0f);
	boot(madt_pc(), 128, 3);	/* RESET_VALUE is byte 128 */
	assert_true(info.fadt_ok);
	assert_false(info.reset_ok);
}

static void test_reset_register_in_pci_config_space_is_ignored(void **state)
{
	(void)state;
	fadt_pc();
	fadt_reset_reg(2, 0xcf9, 0x0f);
	boot(madt_pc(), FADT_FULL, 3);
	assert_false(info.reset_ok);
	assert_int_equal(host_log_count("acpi: FADT RESET_REG ignored (address space unsupported"), 1);
}

static void test_reset_port_beyond_the_io_space_is_ignored(void **state)
{
	(void)state;
	fadt_pc();
	fadt_reset_reg(1, 0x10000, 0x0f);
	boot(madt_pc(), FADT_FULL, 3);
	assert_false(info.reset_ok);
	assert_int_equal(host_log_count("acpi: FADT RESET_REG ignored (port beyond the I/O space"), 1);
}

static void test_reset_register_at_address_zero_is_ignored(void **state)
{
	(void)state;
	fadt_pc();
	fadt_reset_reg(0, 0, 0x0f);
	boot(madt_pc(), FADT_FULL, 3);
	assert_false(info.reset_ok);
	assert_int_equal(host_log_count("acpi: FADT RESET_REG ignored (address 0"), 1);
}

static void test_reset_register_with_bit_offset_or_wide_access_is_ignored(void **state)
{
	uint8_t *g = fadt_body - 36 + 116;

	(void)state;
	fadt_pc();
	fadt_reset_reg(1, 0xcf9, 0x0f);
	g[2] = 1;			/* bit offset */
	boot(madt_pc(), FADT_FULL, 3);
	assert_false(info.reset_ok);
	fadt_pc();
	fadt_reset_reg(1, 0xcf9, 0x0f);
	g[1] = 16;			/* a 16-bit register */
	boot(madt_pc(), FADT_FULL, 3);
	assert_false(info.reset_ok);
	assert_int_equal(host_log_count("acpi: FADT RESET_REG ignored (not a whole byte"), 2);
}

static void test_boot_arch_8042_flag_is_read_from_revision_2_on(void **state)
{
	uint8_t *b = fadt_body - 36;

	(void)state;
	fadt_pc();
	b[109] = 0x02;			/* IAPC_BOOT_ARCH: 8042 */
	boot(madt_pc(), FADT_FULL, 3);
	assert_true(info.boot_arch_ok && info.has_8042);
	fadt_pc();
	b[109] = 0x01;			/* legacy devices, no 8042 */
	boot(madt_pc(), FADT_FULL, 3);
	assert_true(info.boot_arch_ok);
	assert_false(info.has_8042);
}

static void test_revision_1_fadt_says_nothing_about_the_8042(void **state)
{
	uint8_t *b = fadt_body - 36;

	(void)state;
	fadt_pc();
	b[109] = 0x02;
	boot(madt_pc(), 116, 1);
	assert_false(info.boot_arch_ok);
	assert_false(info.has_8042);
	assert_false(info.reset_ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_qemu_pc_fadt_gives_sci_pm1_and_gpe0, reset),
		cmocka_unit_test_setup(test_qemu_pc_madt_gives_ioapic_and_overrides, reset),
		cmocka_unit_test_setup(test_sci_route_follows_the_override_of_its_irq, reset),
		cmocka_unit_test_setup(test_sci_without_override_is_level_low_on_its_own_gsi, reset),
		cmocka_unit_test_setup(test_conforming_override_keeps_the_sci_level_low, reset),
		cmocka_unit_test_setup(test_x_gpe0_block_preferred_when_in_io_space, reset),
		cmocka_unit_test_setup(test_x_gpe0_block_in_memory_space_falls_back_to_the_port, reset),
		cmocka_unit_test_setup(test_odd_gpe0_length_means_no_gpe_block, reset),
		cmocka_unit_test_setup(test_gpe0_block_past_the_io_space_is_dropped, reset),
		cmocka_unit_test_setup(test_short_pm1_event_length_means_no_event_block, reset),
		cmocka_unit_test_setup(test_smi_cmd_beyond_the_port_space_is_ignored, reset),
		cmocka_unit_test_setup(test_fadt_too_short_for_the_sci_names_none, reset),
		cmocka_unit_test_setup(test_fadt_cut_inside_the_gpe0_fields_reads_no_block, reset),
		cmocka_unit_test_setup(test_fadt_with_bad_checksum_gives_no_sci, reset),
		cmocka_unit_test_setup(test_ioapic_at_address_zero_is_dropped, reset),
		cmocka_unit_test_setup(test_ioapics_beyond_the_table_are_dropped, reset),
		cmocka_unit_test_setup(test_second_override_of_one_irq_keeps_the_first, reset),
		cmocka_unit_test_setup(test_reset_register_in_io_space_is_used, reset),
		cmocka_unit_test_setup(test_reset_register_in_memory_space_is_used, reset),
		cmocka_unit_test_setup(test_reset_register_without_reset_reg_sup_is_not_used, reset),
		cmocka_unit_test_setup(test_fadt_cut_before_reset_value_has_no_reset_register, reset),
		cmocka_unit_test_setup(test_reset_register_in_pci_config_space_is_ignored, reset),
		cmocka_unit_test_setup(test_reset_port_beyond_the_io_space_is_ignored, reset),
		cmocka_unit_test_setup(test_reset_register_at_address_zero_is_ignored, reset),
		cmocka_unit_test_setup(test_reset_register_with_bit_offset_or_wide_access_is_ignored, reset),
		cmocka_unit_test_setup(test_boot_arch_8042_flag_is_read_from_revision_2_on, reset),
		cmocka_unit_test_setup(test_revision_1_fadt_says_nothing_about_the_8042, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
