// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * serial: the COM1 16550 UART as a polled console, and its receive side
 * for the shell (kernel/shell.c, docs/shell.md).
 *
 * Theory.  Many modern boards have no COM1, and an absent UART reads back
 * 0xFF from every port, so we probe before trusting it:
 *
 *   1. scratch register (offset 7): two patterns must read back unchanged;
 *   2. loopback (MCR bit 4): a byte written to THR must arrive in RBR.
 *
 * Only if both pass is the port programmed (115200 8N1, FIFO on) and used.
 * Register layout and bits follow the PC16550D datasheet (National
 * Semiconductor, now TI SNLS378), "Register Summary" table.
 *
 * Transmit polls LSR.THRE ("transmitter holding register empty"), which on
 * a 16550A with the FIFO enabled means the whole 16-byte transmit FIFO is
 * empty: after one successful poll we may write up to 16 bytes without
 * polling again.  That matters under QEMU, where every port read is an
 * exit to the device model.  A chip whose FIFO does not enable (IIR bits
 * 7:6 not both set: an 8250/16450) gets one byte per poll.
 *
 * No unbounded spin: each wait for THRE gives up after SERIAL_POLLS reads,
 * drops the byte and counts it (serial_dropped()).  Once a wait has timed
 * out the UART is presumed wedged and later waits use the much smaller
 * SERIAL_STUCK_POLLS budget, so a dead port costs little per byte; the
 * first byte that gets through restores the full budget.
 *
 * Receive is polled too: serial_read() drains what LSR.DR says the
 * receive FIFO holds, bounded by the caller's buffer, so a chattering
 * line cannot keep it looping.  The UART's interrupt is off (IER 0, OUT2
 * clear) until serial_rx_irq_enable(): then "received data available"
 * raises IRQ 4 (OUT2 gates the line on PCs) with the receive trigger at
 * one byte, and the interrupt condition clears once serial_read() has
 * emptied the FIFO.
 * Reading RBR while a transmit is polling LSR is fine: reading LSR does
 * not clear DR, only reading RBR does.
 *
 * Locking: none here.  Every function runs under the console lock
 * (kernel/console.c); serial_init runs once on the boot CPU.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/io.h"
#include "drivers/console/serial.h"

#define COM1		0x3F8

/* register offsets from the base port (PC16550D register summary) */
#define UART_THR	0	/* write: transmit holding (DLAB=0) */
#define UART_RBR	0	/* read: receive buffer (DLAB=0) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLM	1	/* divisor latch high (DLAB=1) */
#define UART_IIR	2	/* read: interrupt identification */
#define UART_FCR	2	/* write: FIFO control */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define UART_SCR	7	/* scratch */

#define LCR_8N1		0x03	/* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB	0x80	/* divisor latch access */
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_CLEAR_TX	0x04
#define FCR_TRIGGER_14	0xC0	/* receive trigger level; irrelevant, polled */
#define FCR_TRIGGER_1	0x00	/* interrupt on every received byte */
#define IER_RX_DATA	0x01	/* interrupt: received data available */
#define MCR_OUT2	0x08	/* gates the UART's interrupt onto the IRQ line */
#define IIR_FIFO_MASK	0xC0	/* both set: FIFOs enabled (16550A) */
#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_LOOP	0x10
#define LSR_DR		0x01	/* receive data ready */
#define LSR_THRE	0x20	/* transmit holding register (FIFO) empty */

/* 1.8432 MHz crystal / 16 = 115200: divisor 1 gives 115200 baud */
#define BAUD_DIVISOR	1
#define FIFO_DEPTH	16

/*
 * One byte lasts ~87 us at 115200 and a full FIFO ~1.4 ms; a port read is
 * about 1 us on real hardware, so 65536 polls leave a wide margin.
 */
#define SERIAL_POLLS		65536
#define SERIAL_STUCK_POLLS	256
#define LOOPBACK_POLLS		65536
#define LOOPBACK_BYTE		0xAE

/* All fields under the console lock. */
static struct {
	bool present;		/* probe passed, port programmed */
	bool stuck;		/* last THRE wait timed out */
	unsigned int burst;	/* bytes we may write per THRE: 16 or 1 */
	unsigned int room;	/* bytes still known free in the TX FIFO */
	uint64_t dropped;
} com1;

static uint8_t uart_in(unsigned int reg)
{
	return inb((uint16_t)(COM1 + reg));
}

static void uart_out(unsigned int reg, uint8_t v)
{
	outb((uint16_t)(COM1 + reg), v);
}

static bool scratch_works(void)
{
	uart_out(UART_SCR, 0x5A);
	if (uart_in(UART_SCR) != 0x5A)
		return false;
	uart_out(UART_SCR, 0xA5);
	return uart_in(UART_SCR) == 0xA5;
}

/* With MCR.LOOP set the transmitter feeds the receiver internally. */
static bool loopback_works(void)
{
	int i;

	uart_out(UART_MCR, MCR_LOOP | MCR_RTS | MCR_DTR);
	uart_out(UART_THR, LOOPBACK_BYTE);
	for (i = 0; i < LOOPBACK_POLLS; i++)
		if (uart_in(UART_LSR) & LSR_DR)
			return uart_in(UART_RBR) == LOOPBACK_BYTE;
	return false;
}

static void program_line(void)
{
	uart_out(UART_IER, 0);			/* polled: no interrupts */
	uart_out(UART_LCR, LCR_DLAB);
	uart_out(UART_DLL, BAUD_DIVISOR & 0xFF);
	uart_out(UART_DLM, BAUD_DIVISOR >> 8);
	uart_out(UART_LCR, LCR_8N1);
	uart_out(UART_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX |
			   FCR_TRIGGER_14);
}

bool serial_init(void)
{
	com1.present = false;
	if (!scratch_works())
		return false;
	program_line();
	if (!loopback_works()) {
		uart_out(UART_MCR, 0);
		return false;
	}
	/* leave loopback; OUT2 stays clear until serial_rx_irq_enable() */
	uart_out(UART_MCR, MCR_RTS | MCR_DTR);
	com1.burst = (uart_in(UART_IIR) & IIR_FIFO_MASK) == IIR_FIFO_MASK ?
		     FIFO_DEPTH : 1;
	com1.room = 0;
	com1.stuck = false;
	com1.present = true;
	return true;
}

static bool wait_tx_empty(void)
{
	int budget = com1.stuck ? SERIAL_STUCK_POLLS : SERIAL_POLLS;
	int i;

	for (i = 0; i < budget; i++) {
		if (uart_in(UART_LSR) & LSR_THRE) {
			com1.stuck = false;
			return true;
		}
	}
	com1.stuck = true;
	return false;
}

static void put_byte(uint8_t c)
{
	/* room > burst: two CPUs raced here in console panic mode */
	if (com1.room == 0 || com1.room > com1.burst) {
		if (!wait_tx_empty()) {
			com1.dropped++;
			return;
		}
		com1.room = com1.burst;
	}
	uart_out(UART_THR, c);
	com1.room--;
}

void serial_write(const char *s, size_t n)
{
	size_t i;

	if (!com1.present)
		return;
	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			put_byte('\r');
		put_byte((uint8_t)s[i]);
	}
}

size_t serial_read(uint8_t *buf, size_t max)
{
	size_t n = 0;

	if (!com1.present)
		return 0;
	while (n < max && (uart_in(UART_LSR) & LSR_DR))
		buf[n++] = uart_in(UART_RBR);
	return n;
}

void serial_rx_irq_enable(void)
{
	if (!com1.present)
		return;
	uart_out(UART_FCR, FCR_ENABLE | FCR_TRIGGER_1);
	uart_out(UART_MCR, MCR_RTS | MCR_DTR | MCR_OUT2);
	uart_out(UART_IER, IER_RX_DATA);
}

bool serial_present(void)
{
	return com1.present;
}

uint64_t serial_dropped(void)
{
	return com1.dropped;
}
