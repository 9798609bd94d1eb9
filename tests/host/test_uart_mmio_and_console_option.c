// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drivers/console/uart.c on a fake register file: the MMIO accessor
 * paths (8-bit registers at stride 1, 32-bit registers at stride 4),
 * the probe's loopback check, the bounded transmit and receive, and the
 * console= values it parses.
 *
 * The register file is plain memory, which behaves enough like a 16550
 * for the probe: a byte written to THR is what RBR reads back (the
 * loopback), the scratch register keeps what is written, FCR's write is
 * what IIR reads (FIFO bits set), and LSR is whatever the test preset.
 * Each word of the 32-bit file starts as a sentinel in its upper bytes,
 * so a byte-wide write (the wrong width) leaves it visible, and LSR's
 * sentinel proves the driver looks at the low byte of a 32-bit read.
 * Port I/O is not reachable from a host test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/console/uart.h"

#define THR	0
#define IER	1
#define FCR	2
#define LCR	3
#define MCR	4
#define LSR	5
#define SCR	7

#define LSR_READY	0x61	/* DR, THRE, TEMT */
#define SENTINEL	0xEEEEEE00u

static uint32_t file32[8];
static uint8_t file8[32];	/* 8 registers, then bytes that must stay */

static struct uart u;
static struct uart_desc d;
static const char *why;

static int reset(void **state)
{
	(void)state;
	for (int i = 0; i < 8; i++)
		file32[i] = SENTINEL;
	file32[LSR] = SENTINEL | LSR_READY;
	memset(file8, 0xEE, sizeof(file8));
	file8[LSR] = LSR_READY;
	memset(&d, 0, sizeof(d));
	d.baud = 115200;
	why = NULL;
	return 0;
}

static bool probe32(void)
{
	d.access = UART_MMIO32;
	d.addr = 0xFE001000;
	return uart_probe(&u, &d, file32, &why);
}

static bool probe8(void)
{
	d.access = UART_MMIO8;
	d.addr = 0xFE002000;
	return uart_probe(&u, &d, file8, &why);
}

/* --- the accessor -------------------------------------------------------- */

static void test_mmio32_probe_writes_whole_words_at_stride_4(void **state)
{
	(void)state;
	assert_true(probe32());
	/* every register written is a whole 32-bit word: the sentinel is gone */
	assert_int_equal(file32[THR], 0xAE);	/* the loopback byte */
	assert_int_equal(file32[IER], 0);	/* polled */
	assert_int_equal(file32[FCR], 0xC7);	/* FIFO on, cleared, trigger 14 */
	assert_int_equal(file32[LCR], 0x03);	/* 8N1, DLAB clear */
	assert_int_equal(file32[MCR], 0x03);	/* out of loopback: RTS, DTR */
	assert_int_equal(file32[SCR], 0xA5);	/* the second scratch pattern */
	/* registers never written keep theirs */
	assert_int_equal(file32[LSR], SENTINEL | LSR_READY);
	assert_int_equal(file32[6], SENTINEL);
	assert_int_equal(u.burst, 16);		/* IIR read back FIFO bits */
}

static void test_mmio8_probe_writes_bytes_at_stride_1(void **state)
{
	(void)state;
	assert_true(probe8());
	assert_int_equal(file8[THR], 0xAE);
	assert_int_equal(file8[LCR], 0x03);
	assert_int_equal(file8[MCR], 0x03);
	assert_int_equal(file8[SCR], 0xA5);
	for (int i = 8; i < 32; i++)
		assert_int_equal(file8[i], 0xEE);	/* nothing past 8 registers */
}

static void test_no_received_byte_in_loopback_fails_the_probe(void **state)
{
	(void)state;
	file32[LSR] = SENTINEL | 0x60;	/* DR never set */
	assert_false(probe32());
	assert_false(u.present);
	assert_string_equal(why, "no UART answered (loopback)");
	assert_int_equal(file32[MCR], 0);	/* loopback left off again */
}

static void test_unmapped_mmio_is_refused_before_any_access(void **state)
{
	(void)state;
	d.access = UART_MMIO32;
	assert_false(uart_probe(&u, &d, NULL, &why));
	assert_string_equal(why, "registers not mapped");
}

static void test_baud_rate_the_clock_cannot_make_is_refused(void **state)
{
	(void)state;
	d.baud = 230400;	/* the PC's 1.8432 MHz gives 115200 at best */
	assert_false(probe32());
	assert_string_equal(why, "baud rate not reachable from the UART clock");
	assert_int_equal(file32[SCR], SENTINEL);	/* refused before touching it */
}

static void test_48mhz_clock_reaches_115200_within_2_percent(void **state)
{
	(void)state;
	d.clock_hz = 48000000;	/* divisor 26: 115385 baud, 0.16 % off */
	assert_true(probe32());
}

static void test_baud_0_keeps_the_divisor(void **state)
{
	(void)state;
	d.baud = 0;
	assert_true(probe32());
	/* DLAB never set: DLM (shared with IER) was not written after IER */
	assert_int_equal(file32[LCR], 0x03);
}

/* --- transmit and receive ------------------------------------------------ */

static void test_write_sends_cr_before_lf_and_counts_nothing_dropped(void **state)
{
	(void)state;
	assert_true(probe32());
	uart_write(&u, "ok\n", 3);
	assert_int_equal(file32[THR], '\n');	/* last of 'o' 'k' '\r' '\n' */
	assert_int_equal(u.room, 16 - 4);
	assert_int_equal(u.dropped, 0);
}

static void test_transmitter_never_ready_drops_bounded(void **state)
{
	(void)state;
	assert_true(probe32());
	file32[LSR] = SENTINEL;		/* THRE never set */
	u.room = 0;
	uart_write(&u, "ab", 2);
	assert_int_equal(u.dropped, 2);
	assert_true(u.stuck);		/* the second wait used the small budget */
}

static void test_read_stops_at_the_callers_buffer(void **state)
{
	uint8_t buf[4];

	(void)state;
	assert_true(probe32());
	/* DR stays set: a chattering line; the read must still end */
	assert_int_equal(uart_read(&u, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(buf[3], 0xAE);
}

static void test_read_without_data_returns_nothing(void **state)
{
	uint8_t buf[4];

	(void)state;
	assert_true(probe8());
	file8[LSR] = 0x60;
	assert_int_equal(uart_read(&u, buf, sizeof(buf)), 0);
}

static void test_rx_irq_enable_sets_out2_and_ier(void **state)
{
	(void)state;
	assert_true(probe32());
	uart_rx_irq_enable(&u);
	assert_int_equal(file32[MCR], 0x0B);	/* RTS, DTR, OUT2 */
	assert_int_equal(file32[IER], 0x01);	/* received data available */
	assert_int_equal(file32[FCR], 0x01);	/* trigger at one byte */
}

/* --- console= ---------------------------------------------------------------- */

static void test_ttys1_with_baud_is_com2(void **state)
{
	char name[32];

	(void)state;
	assert_true(uart_parse_option("ttyS1,57600", &d, &why));
	assert_int_equal(d.access, UART_IO);
	assert_int_equal(d.addr, 0x2F8);
	assert_int_equal(d.irq, 3);
	assert_int_equal(d.baud, 57600);
	uart_name(&d, name, sizeof(name));
	assert_string_equal(name, "ttyS1");
}

static void test_ttys0_to_3_are_com1_to_com4(void **state)
{
	static const uint16_t port[] = { 0x3F8, 0x2F8, 0x3E8, 0x2E8 };
	char opt[16];

	(void)state;
	for (int i = 0; i < 4; i++) {
		snprintf(opt, sizeof(opt), "ttyS%d", i);
		assert_true(uart_parse_option(opt, &d, &why));
		assert_int_equal(d.addr, port[i]);
		assert_int_equal(d.baud, 115200);
	}
}

static void test_uart_mmio32_address_and_baud(void **state)
{
	char name[40];

	(void)state;
	assert_true(uart_parse_option("uart,mmio32,0xfe001000,9600", &d, &why));
	assert_int_equal(d.access, UART_MMIO32);
	assert_int_equal(d.addr, 0xFE001000);
	assert_int_equal(d.baud, 9600);
	assert_int_equal(d.irq, 0);		/* no ISA IRQ: the shell polls */
	uart_name(&d, name, sizeof(name));
	assert_string_equal(name, "mmio32:0xfe001000");
}

static void test_uart_mmio_is_8_bit_and_uart8250_is_the_same(void **state)
{
	(void)state;
	assert_true(uart_parse_option("uart8250,mmio,0x10000000", &d, &why));
	assert_int_equal(d.access, UART_MMIO8);
	assert_int_equal(d.baud, 115200);
}

static void test_uart_io_at_a_com_port_gets_its_irq(void **state)
{
	(void)state;
	assert_true(uart_parse_option("uart,io,0x3e8", &d, &why));
	assert_int_equal(d.irq, 4);
	assert_true(uart_parse_option("uart,io,0x500", &d, &why));
	assert_int_equal(d.irq, 0);
}

static void test_bad_console_values_are_refused_with_a_reason(void **state)
{
	static const char *const bad[] = {
		"ttyS4", "ttyS", "ttyS12", "ttyS1,fast", "ttyS1,0",
		"ttyS1,115200,n8", "uart", "uart,pci,0x3f8", "uart,io",
		"uart,io,0", "uart,io,0xff", "uart,io,0xfff9", "uart,mmio32,0xffffffffffffffe1",
		"uart,mmio,junk", "serial0", "",
		"uart,mmio32,0x1000000000000000000000000000000",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_false(uart_parse_option(bad[i], &d, &why));
		assert_non_null(why);
	}
}

static void test_last_port_and_address_that_fit_are_accepted(void **state)
{
	(void)state;
	assert_true(uart_parse_option("uart,io,0xfff8", &d, &why));
	assert_true(uart_parse_option("uart,io,0x100", &d, &why));
	assert_true(uart_parse_option("uart,mmio32,0xffffffffffffffe0", &d, &why));
}

#define T(fn) cmocka_unit_test_setup(fn, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_mmio32_probe_writes_whole_words_at_stride_4),
		T(test_mmio8_probe_writes_bytes_at_stride_1),
		T(test_no_received_byte_in_loopback_fails_the_probe),
		T(test_unmapped_mmio_is_refused_before_any_access),
		T(test_baud_rate_the_clock_cannot_make_is_refused),
		T(test_48mhz_clock_reaches_115200_within_2_percent),
		T(test_baud_0_keeps_the_divisor),
		T(test_write_sends_cr_before_lf_and_counts_nothing_dropped),
		T(test_transmitter_never_ready_drops_bounded),
		T(test_read_stops_at_the_callers_buffer),
		T(test_read_without_data_returns_nothing),
		T(test_rx_irq_enable_sets_out2_and_ier),
		T(test_ttys1_with_baud_is_com2),
		T(test_ttys0_to_3_are_com1_to_com4),
		T(test_uart_mmio32_address_and_baud),
		T(test_uart_mmio_is_8_bit_and_uart8250_is_the_same),
		T(test_uart_io_at_a_com_port_gets_its_irq),
		T(test_bad_console_values_are_refused_with_a_reason),
		T(test_last_port_and_address_that_fit_are_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
