// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * serial: the console's UART.
 *
 * Theory.  The kernel prints from its first instruction, before it knows
 * which serial port the machine's console is on, so boot starts with the
 * legacy COM1 (serial_init, probed like any UART: drivers/console/uart.c).
 * Once the options and the ACPI tables are read, kernel/console.c picks
 * the console's UART (SPCR, probe or console=: docs/consoles.md) and
 * serial_switch() replaces COM1 with it, or with nothing.  Whatever the
 * old UART still holds in its FIFO is sent first, so no line is cut at
 * the switch.  Everything else forwards to the one UART in use.
 *
 * Locking: none here.  Every function runs under the console lock
 * (kernel/console.c); serial_init and serial_switch run on the boot CPU
 * before other CPUs start.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/console/serial.h"
#include "drivers/console/uart.h"

/* Under the console lock. */
static struct uart con_uart;

bool serial_init(void)
{
	struct uart_desc d;
	const char *why;

	uart_com_desc(0, 115200, &d);
	return uart_probe(&con_uart, &d, NULL, &why);
}

void serial_switch(const struct uart *u)
{
	uart_drain(&con_uart);
	con_uart = *u;
}

void serial_drain(void)
{
	uart_drain(&con_uart);
}

const struct uart_desc *serial_desc(void)
{
	return con_uart.present ? &con_uart.d : NULL;
}

void serial_write(const char *s, size_t n)
{
	uart_write(&con_uart, s, n);
}

size_t serial_read(uint8_t *buf, size_t max)
{
	return uart_read(&con_uart, buf, max);
}

unsigned int serial_irq(void)
{
	return con_uart.present ? con_uart.d.irq : 0;
}

void serial_rx_irq_enable(void)
{
	uart_rx_irq_enable(&con_uart);
}

bool serial_present(void)
{
	return con_uart.present;
}

uint64_t serial_dropped(void)
{
	return con_uart.dropped;
}
