/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uart: a 16550-compatible UART as a polled console, reached through port
 * I/O or memory-mapped registers of 8 or 32 bits (docs/consoles.md).
 *
 * A UART is first described (struct uart_desc: from the ACPI SPCR table,
 * the console= option or the list of PC COM ports), then probed into a
 * struct uart, which holds the mapped registers and the transmit state.
 * Not locked here: the console (kernel/console.c) calls every function
 * under its lock; uart_parse_option() and uart_describe() touch no state.
 */
#ifndef PULLKERN_UART_H
#define PULLKERN_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum uart_access {
	UART_IO,	/* port I/O, one byte per register, stride 1 */
	UART_MMIO8,	/* memory, one byte per register, stride 1 */
	UART_MMIO32,	/* memory, a 32-bit access per register, stride 4 */
};

/* What a UART is and how to talk to it, before it is probed. */
struct uart_desc {
	enum uart_access access;
	uint64_t addr;		/* I/O port, or physical address of register 0 */
	uint32_t baud;		/* 0: keep the divisor the firmware set */
	uint32_t clock_hz;	/* input clock; 0: the PC's 1.8432 MHz */
	uint8_t irq;		/* ISA IRQ of its receive interrupt; 0: none */
};

#define UART_COM_PORTS	4

/*
 * Ports below this are the PC's fixed devices (PIC, PIT, keyboard
 * controller, CMOS, DMA, the debug-exit port): no UART a probe may write.
 */
#define UART_IO_MIN	0x100

/* COM1-COM4 as PCs place them: 0x3F8 IRQ 4, 0x2F8 IRQ 3, 0x3E8, 0x2E8. */
void uart_com_desc(unsigned int com, uint32_t baud, struct uart_desc *d);

/* One UART in use; all fields private to drivers/console/uart.c. */
struct uart {
	struct uart_desc d;
	volatile uint8_t *regs;	/* mapped register 0 for the MMIO kinds */
	bool present;		/* probe passed, line programmed */
	bool stuck;		/* last THRE wait timed out */
	unsigned int burst;	/* bytes we may write per THRE: 16 or 1 */
	unsigned int room;	/* bytes still known free in the TX FIFO */
	uint64_t dropped;
};

/*
 * Probe the UART d describes (regs: its registers mapped, for the MMIO
 * kinds; ignored for port I/O) and, when it answers, program the line
 * (8N1, FIFO on, d->baud) into *u.  False with *why set (a static string)
 * when no UART answered or the baud rate cannot be made from its clock.
 */
bool uart_probe(struct uart *u, const struct uart_desc *d, volatile void *regs,
		const char **why);

/* Transmit n bytes, "\n" as "\r\n"; nothing unless probed. */
void uart_write(struct uart *u, const char *s, size_t n);

/* Wait (bounded) until everything written has left the transmitter. */
void uart_drain(struct uart *u);

/* Up to max received bytes, without waiting. */
size_t uart_read(struct uart *u, uint8_t *buf, size_t max);

/* Raise the UART's interrupt (OUT2 gates it) when a byte arrives. */
void uart_rx_irq_enable(struct uart *u);

/* Bytes the 8 registers span from addr (the stride is 4 for UART_MMIO32). */
static inline uint64_t uart_span(const struct uart_desc *d)
{
	return d->access == UART_MMIO32 ? 32 : 8;
}

/*
 * Parse the serial half of a console= value: "ttyS0".."ttyS3[,BAUD]",
 * "uart,io,0xPORT[,BAUD]", "uart,mmio,0xADDR[,BAUD]" (8-bit registers),
 * "uart,mmio32,0xADDR[,BAUD]".  False with *why set when it is not one.
 */
bool uart_parse_option(const char *s, struct uart_desc *d, const char **why);

/* "ttyS1 (io 0x2f8)", "mmio32 0xfe001000": for console lines and records. */
size_t uart_describe(const struct uart_desc *d, char *buf, size_t size);

/* "ttyS1", "io:0x2f8", "mmio32:0xfe001000": the boot record's form. */
size_t uart_name(const struct uart_desc *d, char *buf, size_t size);

#endif
