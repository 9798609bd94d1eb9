/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serial: the COM1 16550 UART as a transmit-only console.
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

/* Bytes dropped because the transmitter never became ready. */
uint64_t serial_dropped(void);

#endif
