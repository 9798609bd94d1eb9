// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/acpi_spcr.c against crafted SPCR tables: what a valid table
 * gives (port I/O, 8- and 32-bit MMIO, the baud code and revision 4's
 * precise rate, the IRQ), and every refusal with its line: each length
 * boundary of the revisions at one byte short and exactly enough, a
 * truncated, zero-length and mis-checksummed table, an interface type,
 * address space, width, offset or address we cannot drive.
 *
 * Tables go through acpi_parse() (tests/host/acpi_fake.h: RSDT, MADT,
 * FADT and the SPCR in fake physical memory), so the lookup, mapping and
 * checksum are those of the kernel.
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

#define IF_16550	0x00
#define IF_16450	0x01
#define IF_PL011	0x03
#define IF_16550_GAS	0x12

/* An SPCR body (after the header) in the shape of tools/acpi-table.py's spcr-com2. */
static uint8_t spcr[256 - 36];

static void spcr_default(void)
{
	memset(spcr, 0, sizeof(spcr));
	spcr[0] = IF_16550;		/* 36: interface type */
	spcr[4] = 1;			/* 40: GAS: system I/O */
	spcr[5] = 8;			/*     register bit width */
	spcr[7] = 1;			/*     access size: byte */
	put64(spcr + 8, 0x2F8);		/*     address */
	spcr[16] = 1;			/* 52: interrupt type: 8259 */
	spcr[17] = 3;			/* 53: IRQ */
	put32(spcr + 18, 3);		/* 54: GSI */
	spcr[22] = 7;			/* 58: baud code: 115200 */
	spcr[24] = 1;			/* 60: stop bits */
	put16(spcr + 28, 0xFFFF);	/* 64: not a PCI device */
	put16(spcr + 30, 0xFFFF);
}

/* Offsets into the whole table, for the tests' edits. */
#define GAS_SPACE	(40 - 36)
#define GAS_WIDTH	(41 - 36)
#define GAS_OFFSET	(42 - 36)
#define GAS_ACCESS	(43 - 36)
#define GAS_ADDR	(44 - 36)
#define INT_TYPE	(52 - 36)
#define IRQ		(53 - 36)
#define GSI		(54 - 36)
#define BAUD		(58 - 36)
#define CLOCK		(76 - 36)
#define PRECISE		(80 - 36)

/* A system whose root lists the MADT, the FADT and an SPCR of total length len. */
static uint64_t system_with_spcr(uint8_t rev, uint32_t len)
{
	uint64_t t[3];

	t[0] = qemu_madt(1);
	t[1] = qemu_fadt();
	t[2] = make_table("SPCR", rev, spcr, len - 36);
	make_rsdp(0, make_rsdt(t, 3), 0);
	return t[2];
}

static void parse_spcr(uint8_t rev, uint32_t len)
{
	system_with_spcr(rev, len);
	parse(20);
	assert_true(info.madt_ok);	/* the SPCR never changes the rest */
}

static void assert_refused(const char *why)
{
	assert_true(info.spcr.present);
	assert_false(info.spcr.ok);
	assert_string_equal(info.spcr.why, why);
	assert_int_equal(host_log_count("acpi: SPCR rev"), 1);
	assert_int_equal(host_log_count(why), 1);
}

/* --- what a valid table gives -------------------------------------------- */

static void test_qemu_recipe_com2_gives_io_0x2f8_irq3_115200(void **state)
{
	(void)state;
	spcr_default();
	parse_spcr(2, 80);
	assert_true(info.spcr.present);
	assert_true(info.spcr.ok);
	assert_null(info.spcr.why);
	assert_int_equal(info.spcr.revision, 2);
	assert_int_equal(info.spcr.uart.access, UART_IO);
	assert_int_equal(info.spcr.uart.addr, 0x2F8);
	assert_int_equal(info.spcr.uart.baud, 115200);
	assert_int_equal(info.spcr.uart.irq, 3);
	assert_int_equal(host_log_count("acpi: SPCR rev 2: console on io 0x2f8"), 1);
}

static void test_no_spcr_is_silent_and_absent(void **state)
{
	(void)state;
	rsdt_system(qemu_madt(1), qemu_fadt());
	parse(20);
	assert_false(info.spcr.present);
	assert_false(info.spcr.ok);
	assert_int_equal(host_log_count("SPCR"), 0);
}

static void test_gas_access_size_0_uses_the_bit_width(void **state)
{
	(void)state;
	spcr_default();
	spcr[GAS_ACCESS] = 0;		/* the layout Microsoft's example gives COM1 */
	put64(spcr + GAS_ADDR, 0x3F8);
	parse_spcr(1, 80);
	assert_true(info.spcr.ok);
	assert_int_equal(info.spcr.uart.access, UART_IO);
	assert_int_equal(info.spcr.uart.addr, 0x3F8);
}

static void test_mmio32_above_4gib_from_dword_access(void **state)
{
	(void)state;
	spcr_default();
	spcr[0] = IF_16550_GAS;
	spcr[GAS_SPACE] = 0;
	spcr[GAS_WIDTH] = 32;
	spcr[GAS_ACCESS] = 3;
	put64(spcr + GAS_ADDR, 0x4000001000ull);
	spcr[INT_TYPE] = 0;
	parse_spcr(2, 80);
	assert_true(info.spcr.ok);
	assert_int_equal(info.spcr.uart.access, UART_MMIO32);
	assert_int_equal(info.spcr.uart.addr, 0x4000001000ull);
	assert_int_equal(info.spcr.uart.irq, 0);	/* no interrupt given: polled */
}

static void test_mmio8_from_bit_width_8(void **state)
{
	(void)state;
	spcr_default();
	spcr[GAS_SPACE] = 0;
	spcr[GAS_ACCESS] = 0;
	put64(spcr + GAS_ADDR, 0xFED00000u);
	parse_spcr(2, 80);
	assert_true(info.spcr.ok);
	assert_int_equal(info.spcr.uart.access, UART_MMIO8);
}

static void test_16450_and_gas_16550_subtypes_are_accepted(void **state)
{
	(void)state;
	spcr_default();
	spcr[0] = IF_16450;
	parse_spcr(1, 80);
	assert_true(info.spcr.ok);
	assert_int_equal(info.spcr.interface_type, IF_16450);
}

static void test_baud_code_0_keeps_the_firmware_rate(void **state)
{
	(void)state;
	spcr_default();
	spcr[BAUD] = 0;
	parse_spcr(2, 80);
	assert_true(info.spcr.ok);
	assert_int_equal(info.spcr.uart.baud, 0);
}

static void test_baud_codes_3_4_6_give_their_rates(void **state)
{
	static const uint8_t code[] = { 3, 4, 6 };
	static const uint32_t rate[] = { 9600, 19200, 57600 };

	(void)state;
	for (unsigned int i = 0; i < 3; i++) {
		fake_top = 0;
		spcr_default();
		spcr[BAUD] = code[i];
		parse_spcr(2, 80);
		assert_true(info.spcr.ok);
		assert_int_equal(info.spcr.uart.baud, rate[i]);
	}
}

static void test_rev3_uart_clock_is_kept(void **state)
{
	(void)state;
	spcr_default();
	put32(spcr + CLOCK, 48000000);
	parse_spcr(3, 80);
	assert_true(info.spcr.ok);
	assert_int_equal(info.spcr.uart.clock_hz, 48000000);
}

static void test_rev4_precise_baud_overrides_the_code(void **state)
{
	(void)state;
	spcr_default();
	put32(spcr + PRECISE, 1500000);
	parse_spcr(4, 88);
	assert_true(info.spcr.ok);
	assert_int_equal(info.spcr.uart.baud, 1500000);
}

static void test_rev4_precise_baud_0_uses_the_code(void **state)
{
	(void)state;
	spcr_default();
	parse_spcr(4, 88);
	assert_true(info.spcr.ok);
	assert_int_equal(info.spcr.uart.baud, 115200);
}

static void test_ioapic_gsi_below_16_is_the_isa_irq(void **state)
{
	(void)state;
	spcr_default();
	spcr[INT_TYPE] = 2;
	spcr[IRQ] = 0;
	put32(spcr + GSI, 4);
	parse_spcr(2, 80);
	assert_int_equal(info.spcr.uart.irq, 4);
}

static void test_ioapic_gsi_above_15_is_polled(void **state)
{
	(void)state;
	spcr_default();
	spcr[INT_TYPE] = 2;
	put32(spcr + GSI, 40);
	parse_spcr(2, 80);
	assert_true(info.spcr.ok);
	assert_int_equal(info.spcr.uart.irq, 0);
}

/* --- lengths: one byte short and exactly enough ---------------------------- */

static void test_rev2_of_79_bytes_is_refused(void **state)
{
	(void)state;
	spcr_default();
	parse_spcr(2, 79);
	assert_refused("shorter than the 80 bytes of revisions 1-3");
}

static void test_rev2_of_exactly_80_bytes_is_used(void **state)
{
	(void)state;
	spcr_default();
	parse_spcr(2, 80);
	assert_true(info.spcr.ok);
}

static void test_rev4_of_87_bytes_is_refused(void **state)
{
	(void)state;
	spcr_default();
	parse_spcr(4, 87);
	assert_refused("shorter than the 88 bytes of revision 4");
}

static void test_header_only_table_is_refused(void **state)
{
	(void)state;
	spcr_default();
	parse_spcr(2, 36);
	assert_refused("shorter than the 80 bytes of revisions 1-3");
}

static void test_zero_length_table_is_ignored_with_a_line(void **state)
{
	uint64_t t;

	(void)state;
	spcr_default();
	t = system_with_spcr(2, 80);
	put32(at(t) + 4, 0);
	refix_table(t);
	parse(20);
	assert_false(info.spcr.present);
	assert_int_equal(host_log_count("acpi: SPCR at 0x"), 1);
	assert_int_equal(host_log_count("length below 36 bytes, ignored"), 1);
}

static void test_length_past_the_mapping_is_ignored_with_a_line(void **state)
{
	uint64_t t;

	(void)state;
	spcr_default();
	t = system_with_spcr(2, 80);
	put32(at(t) + 4, FAKE_SIZE);	/* runs past the fake memory: unmappable */
	parse(20);
	assert_false(info.spcr.present);
	assert_int_equal(host_log_count("acpi: SPCR at 0x"), 1);
	assert_int_equal(host_log_count("cannot be mapped, ignored"), 1);
}

static void test_bad_checksum_is_ignored_with_a_line(void **state)
{
	uint64_t t;

	(void)state;
	spcr_default();
	t = system_with_spcr(2, 80);
	at(t)[9] ^= 1;
	parse(20);
	assert_false(info.spcr.present);
	assert_int_equal(host_log_count("acpi: SPCR at 0x"), 1);
	assert_int_equal(host_log_count("checksum mismatch, ignored"), 1);
}

/* --- what we cannot drive ------------------------------------------------ */

static void test_pl011_is_refused(void **state)
{
	(void)state;
	spcr_default();
	spcr[0] = IF_PL011;
	parse_spcr(2, 80);
	assert_refused("interface type is not a 16550 or 16450");
}

static void test_gas_subtype_in_rev1_is_refused(void **state)
{
	(void)state;
	spcr_default();
	spcr[0] = IF_16550_GAS;		/* revision 1 knows only 0 and 1 */
	parse_spcr(1, 80);
	assert_refused("interface type is not a 16550 or 16450");
}

static void test_address_0_means_redirection_off(void **state)
{
	(void)state;
	spcr_default();
	put64(spcr + GAS_ADDR, 0);
	parse_spcr(2, 80);
	assert_refused("base address 0: console redirection is off");
}

static void test_bit_offset_is_refused(void **state)
{
	(void)state;
	spcr_default();
	spcr[GAS_OFFSET] = 8;
	parse_spcr(2, 80);
	assert_refused("register bit offset is not 0");
}

static void test_16_bit_access_is_refused(void **state)
{
	(void)state;
	spcr_default();
	spcr[GAS_SPACE] = 0;
	spcr[GAS_ACCESS] = 2;
	parse_spcr(2, 80);
	assert_refused("register width is neither 8 nor 32 bits");
}

static void test_32_bit_io_registers_are_refused(void **state)
{
	(void)state;
	spcr_default();
	spcr[GAS_ACCESS] = 3;
	parse_spcr(2, 80);
	assert_refused("I/O registers wider than 8 bits");
}

static void test_io_port_0xfff8_is_the_last_that_fits(void **state)
{
	(void)state;
	spcr_default();
	put64(spcr + GAS_ADDR, 0xFFF8);
	parse_spcr(2, 80);
	assert_true(info.spcr.ok);
	fake_top = 0;
	host_log_reset();
	put64(spcr + GAS_ADDR, 0xFFF9);
	parse_spcr(2, 80);
	assert_refused("I/O port beyond 0xFFF8");
}

static void test_io_port_below_0x100_is_refused_and_0x100_used(void **state)
{
	(void)state;
	spcr_default();
	put64(spcr + GAS_ADDR, 0xF0);	/* 0xF4 would be QEMU's debug-exit port */
	parse_spcr(2, 80);
	assert_refused("I/O port among the PC's fixed devices (below 0x100)");
	fake_top = 0;
	host_log_reset();
	put64(spcr + GAS_ADDR, 0x100);
	parse_spcr(2, 80);
	assert_true(info.spcr.ok);
}

static void test_mmio32_at_the_top_of_memory_is_refused(void **state)
{
	(void)state;
	spcr_default();
	spcr[GAS_SPACE] = 0;
	spcr[GAS_ACCESS] = 3;
	put64(spcr + GAS_ADDR, UINT64_MAX - 30);	/* 31 bytes left, 32 needed */
	parse_spcr(2, 80);
	assert_refused("registers run past the top of memory");
}

static void test_pci_config_space_is_refused(void **state)
{
	(void)state;
	spcr_default();
	spcr[GAS_SPACE] = 2;
	parse_spcr(2, 80);
	assert_refused("address space is neither system memory nor I/O");
}

static void test_unknown_baud_code_is_refused(void **state)
{
	(void)state;
	spcr_default();
	spcr[BAUD] = 5;			/* reserved between 19200 and 57600 */
	parse_spcr(2, 80);
	assert_refused("unknown baud rate code");
}

/* acpi_spcr_decode() on its own: no read before the length allows it. */
static void test_decode_reads_nothing_past_a_short_length(void **state)
{
	uint8_t t[36];
	struct acpi_spcr s;

	(void)state;
	memset(t, 0, sizeof(t));
	assert_false(acpi_spcr_decode(t, 35, &s));
	assert_string_equal(s.why, "shorter than its header");
	assert_false(acpi_spcr_decode(t, 36, &s));
	assert_string_equal(s.why, "shorter than the 80 bytes of revisions 1-3");
}

#define T(fn) cmocka_unit_test_setup(fn, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_qemu_recipe_com2_gives_io_0x2f8_irq3_115200),
		T(test_no_spcr_is_silent_and_absent),
		T(test_gas_access_size_0_uses_the_bit_width),
		T(test_mmio32_above_4gib_from_dword_access),
		T(test_mmio8_from_bit_width_8),
		T(test_16450_and_gas_16550_subtypes_are_accepted),
		T(test_baud_code_0_keeps_the_firmware_rate),
		T(test_baud_codes_3_4_6_give_their_rates),
		T(test_rev3_uart_clock_is_kept),
		T(test_rev4_precise_baud_overrides_the_code),
		T(test_rev4_precise_baud_0_uses_the_code),
		T(test_ioapic_gsi_below_16_is_the_isa_irq),
		T(test_ioapic_gsi_above_15_is_polled),
		T(test_rev2_of_79_bytes_is_refused),
		T(test_rev2_of_exactly_80_bytes_is_used),
		T(test_rev4_of_87_bytes_is_refused),
		T(test_header_only_table_is_refused),
		T(test_zero_length_table_is_ignored_with_a_line),
		T(test_length_past_the_mapping_is_ignored_with_a_line),
		T(test_bad_checksum_is_ignored_with_a_line),
		T(test_pl011_is_refused),
		T(test_gas_subtype_in_rev1_is_refused),
		T(test_address_0_means_redirection_off),
		T(test_bit_offset_is_refused),
		T(test_16_bit_access_is_refused),
		T(test_32_bit_io_registers_are_refused),
		T(test_io_port_0xfff8_is_the_last_that_fits),
		T(test_io_port_below_0x100_is_refused_and_0x100_used),
		T(test_mmio32_at_the_top_of_memory_is_refused),
		T(test_pci_config_space_is_refused),
		T(test_unknown_baud_code_is_refused),
		T(test_decode_reads_nothing_past_a_short_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
