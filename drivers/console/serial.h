/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serial: the console's UART (drivers/console/uart.h): COM1 from early
 * boot, then the one kernel/console.c chooses; received bytes for the shell.
 *
 * Not locked here: kernel/console.c calls every function under the console
 * lock (serial_init once, during early boot, before other CPUs run).
 */
#ifndef PULLKERN_SERIAL_H
#define PULLKERN_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/console/uart.h"

/* Probe COM1 and program it for 115200 8N1.  False: no UART answered. */
bool serial_init(void);

/*
 * Make u (probed, or not present: no serial console) the console's UART,
 * after what the old one still holds has been sent.
 */
void serial_switch(const struct uart *u);

/* Wait (bounded) until the UART has sent everything written to it. */
void serial_drain(void);

/* The console's UART, if any (NULL: none). */
const struct uart_desc *serial_desc(void);

/* Transmit n bytes, "\n" as "\r\n".  Does nothing without a UART. */
void serial_write(const char *s, size_t n);

/* Up to max received bytes, without waiting; 0 if none or no UART. */
size_t serial_read(uint8_t *buf, size_t max);

/* The ISA IRQ of the UART's receive interrupt; 0: none, poll it. */
unsigned int serial_irq(void);

/* Raise serial_irq() when a byte arrives (until serial_read() empties the FIFO). */
void serial_rx_irq_enable(void);

/* The console has a UART. */
bool serial_present(void);

/* Bytes dropped because the transmitter never became ready. */
uint64_t serial_dropped(void);

#endif
