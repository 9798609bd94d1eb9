/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serial: the COM1 16550 UART: the console, and received bytes for the shell.
 *
 * Not locked here: kernel/console.c calls every function under the console
 * lock (serial_init once, during early boot, before other CPUs run).
 */
#ifndef PULLKERN_SERIAL_H
#define PULLKERN_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Probe COM1 and program it for 115200 8N1.  False: no UART answered. */
bool serial_init(void);

/* Transmit n bytes, "\n" as "\r\n".  Does nothing if serial_init failed. */
void serial_write(const char *s, size_t n);

/* Up to max received bytes, without waiting; 0 if none or no UART. */
size_t serial_read(uint8_t *buf, size_t max);

/* Raise IRQ 4 when a byte arrives (until serial_read() empties the FIFO). */
void serial_rx_irq_enable(void);

/* serial_init found a UART. */
bool serial_present(void);

/* Bytes dropped because the transmitter never became ready. */
uint64_t serial_dropped(void);

#endif
