// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uart: a 16550-compatible UART as a polled console, over port I/O or
 * memory-mapped registers, and its receive side for the shell.
 *
 * Theory.  One driver for every UART the console can be told about
 * (docs/consoles.md): the PC COM ports, what the ACPI SPCR table names
 * and what console= gives.  They differ only in how a register is
 * reached, which the accessor below hides:
 *
 *   UART_IO      inb/outb at port + reg                (PC COM ports)
 *   UART_MMIO8   a byte at regs + reg                  (stride 1)
 *   UART_MMIO32  a 32-bit word at regs + 4 * reg, the  (stride 4: SoC and
 *                register in its low byte               BMC UARTs)
 *
 * Register layout and bits follow the PC16550D datasheet (National
 * Semiconductor, now TI SNLS378), "Register Summary" table.
 *
 * Probe.  An absent UART reads back 0xFF from every port (or whatever the
 * bus gives for memory), so nothing is trusted before two checks pass:
 *   1. scratch register (offset 7): two patterns must read back unchanged;
 *   2. loopback (MCR bit 4): a byte written to THR must arrive in RBR.
 * Only then is the line kept: 8N1, FIFO on, and the baud rate asked for
 * (divisor = clock / (16 x baud), within 2 %; baud 0 keeps the divisor
 * the firmware set, as the SPCR's "as is" asks).
 *
 * Transmit polls LSR.THRE ("transmitter holding register empty"), which on
 * a 16550A with the FIFO enabled means the whole 16-byte transmit FIFO is
 * empty: after one successful poll we may write up to 16 bytes without
 * polling again.  That matters under QEMU, where every register read is
 * an exit to the device model.  A chip whose FIFO does not enable (IIR
 * bits 7:6 not both set: an 8250/16450) gets one byte per poll.
 *
 * No unbounded spin: each wait for THRE gives up after UART_POLLS reads,
 * drops the byte and counts it.  Once a wait has timed out the UART is
 * presumed wedged and later waits use the much smaller UART_STUCK_POLLS
 * budget, so a dead port costs little per byte; the first byte that gets
 * through restores the full budget.
 *
 * Receive is polled too: uart_read() drains what LSR.DR says the receive
 * FIFO holds, bounded by the caller's buffer, so a chattering line cannot
 * keep it looping.  The interrupt is off (IER 0, OUT2 clear) until
 * uart_rx_irq_enable(): then "received data available" raises the UART's
 * line (OUT2 gates it on PCs) with the receive trigger at one byte, and
 * the condition clears once uart_read() has emptied the FIFO.  Reading
 * RBR while a transmit polls LSR is fine: reading LSR does not clear DR.
 *
 * Locking: none here.  The console (kernel/console.c) calls every
 * function under its lock, and probes only on the boot CPU.  MMIO
 * registers are reached through volatile pointers: each access must
 * happen, once, in order; that is device access, not synchronisation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/io.h"
#include "drivers/console/uart.h"
#include "kernel/cmdline.h"
#include "lib/format.h"
#include "lib/string.h"

/* register offsets, in registers (PC16550D register summary) */
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
#define LSR_TEMT	0x40	/* transmitter empty: FIFO and shift register */

#define PC_UART_CLOCK	1843200	/* the PC's crystal: divisor 1 = 115200 */
#define FIFO_DEPTH	16

/*
 * One byte lasts ~87 us at 115200 and a full FIFO ~1.4 ms; a register
 * read is about 1 us on real hardware, so 65536 polls leave a wide margin.
 */
#define UART_POLLS		65536
#define UART_STUCK_POLLS	256
#define LOOPBACK_POLLS		65536
#define LOOPBACK_BYTE		0xAE

static const struct {
	uint16_t port;
	uint8_t irq;
} com_ports[UART_COM_PORTS] = {
	{ 0x3F8, 4 }, { 0x2F8, 3 }, { 0x3E8, 4 }, { 0x2E8, 3 },
};

void uart_com_desc(unsigned int com, uint32_t baud, struct uart_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->access = UART_IO;
	d->addr = com_ports[com % UART_COM_PORTS].port;
	d->irq = com_ports[com % UART_COM_PORTS].irq;
	d->baud = baud;
}

/* The COM port index of a port-I/O UART, or -1. */
static int com_index(const struct uart_desc *d)
{
	for (int i = 0; i < UART_COM_PORTS; i++)
		if (d->access == UART_IO && d->addr == com_ports[i].port)
			return i;
	return -1;
}

static uint8_t reg_in(const struct uart *u, unsigned int reg)
{
	switch (u->d.access) {
	case UART_MMIO8:
		return u->regs[reg];
	case UART_MMIO32:
		return (uint8_t)*(volatile uint32_t *)(u->regs + 4 * reg);
	case UART_IO:
	default:
		return inb((uint16_t)(u->d.addr + reg));
	}
}

static void reg_out(const struct uart *u, unsigned int reg, uint8_t v)
{
	switch (u->d.access) {
	case UART_MMIO8:
		u->regs[reg] = v;
		break;
	case UART_MMIO32:
		*(volatile uint32_t *)(u->regs + 4 * reg) = v;
		break;
	case UART_IO:
	default:
		outb((uint16_t)(u->d.addr + reg), v);
		break;
	}
}

static bool scratch_works(const struct uart *u)
{
	reg_out(u, UART_SCR, 0x5A);
	if (reg_in(u, UART_SCR) != 0x5A)
		return false;
	reg_out(u, UART_SCR, 0xA5);
	return reg_in(u, UART_SCR) == 0xA5;
}

/* With MCR.LOOP set the transmitter feeds the receiver internally. */
static bool loopback_works(const struct uart *u)
{
	reg_out(u, UART_MCR, MCR_LOOP | MCR_RTS | MCR_DTR);
	reg_out(u, UART_THR, LOOPBACK_BYTE);
	for (int i = 0; i < LOOPBACK_POLLS; i++)
		if (reg_in(u, UART_LSR) & LSR_DR)
			return reg_in(u, UART_RBR) == LOOPBACK_BYTE;
	return false;
}

/* The divisor for d's baud rate within 2 %, or 0 when there is none. */
static uint32_t divisor(const struct uart_desc *d)
{
	uint64_t clock = d->clock_hz ? d->clock_hz : PC_UART_CLOCK;
	uint64_t div, real;

	if (d->baud == 0)
		return 0;
	div = (clock + 8ull * d->baud) / (16ull * d->baud);	/* nearest */
	if (div == 0 || div > 0xFFFF)
		return 0;
	real = clock / (16 * div);
	if (50 * (real > d->baud ? real - d->baud : d->baud - real) > d->baud)
		return 0;
	return (uint32_t)div;
}

static void program_line(const struct uart *u, uint32_t div)
{
	reg_out(u, UART_IER, 0);		/* polled: no interrupts */
	if (div) {
		reg_out(u, UART_LCR, LCR_DLAB);
		reg_out(u, UART_DLL, (uint8_t)div);
		reg_out(u, UART_DLM, (uint8_t)(div >> 8));
	}
	reg_out(u, UART_LCR, LCR_8N1);
	reg_out(u, UART_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX |
			     FCR_TRIGGER_14);
}

bool uart_probe(struct uart *u, const struct uart_desc *d, volatile void *regs,
		const char **why)
{
	uint32_t div = divisor(d);

	memset(u, 0, sizeof(*u));
	u->d = *d;
	u->regs = regs;
	if (d->access != UART_IO && !regs) {
		*why = "registers not mapped";
		return false;
	}
	if (d->baud && !div) {
		*why = "baud rate not reachable from the UART clock";
		return false;
	}
	if (!scratch_works(u)) {
		*why = "no UART answered (scratch register)";
		return false;
	}
	program_line(u, div);
	if (!loopback_works(u)) {
		reg_out(u, UART_MCR, 0);
		*why = "no UART answered (loopback)";
		return false;
	}
	/* leave loopback; OUT2 stays clear until uart_rx_irq_enable() */
	reg_out(u, UART_MCR, MCR_RTS | MCR_DTR);
	u->burst = (reg_in(u, UART_IIR) & IIR_FIFO_MASK) == IIR_FIFO_MASK ?
		   FIFO_DEPTH : 1;
	u->present = true;
	return true;
}

static bool wait_lsr(struct uart *u, uint8_t bit)
{
	int budget = u->stuck ? UART_STUCK_POLLS : UART_POLLS;

	for (int i = 0; i < budget; i++) {
		if (reg_in(u, UART_LSR) & bit) {
			u->stuck = false;
			return true;
		}
	}
	u->stuck = true;
	return false;
}

static void put_byte(struct uart *u, uint8_t c)
{
	/* room > burst: two CPUs raced here in console panic mode */
	if (u->room == 0 || u->room > u->burst) {
		if (!wait_lsr(u, LSR_THRE)) {
			u->dropped++;
			return;
		}
		u->room = u->burst;
	}
	reg_out(u, UART_THR, c);
	u->room--;
}

void uart_write(struct uart *u, const char *s, size_t n)
{
	if (!u->present)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put_byte(u, '\r');
		put_byte(u, (uint8_t)s[i]);
	}
}

void uart_drain(struct uart *u)
{
	if (u->present)
		wait_lsr(u, LSR_TEMT);
}

size_t uart_read(struct uart *u, uint8_t *buf, size_t max)
{
	size_t n = 0;

	if (!u->present)
		return 0;
	while (n < max && (reg_in(u, UART_LSR) & LSR_DR))
		buf[n++] = reg_in(u, UART_RBR);
	return n;
}

void uart_rx_irq_enable(struct uart *u)
{
	if (!u->present)
		return;
	reg_out(u, UART_FCR, FCR_ENABLE | FCR_TRIGGER_1);
	reg_out(u, UART_MCR, MCR_RTS | MCR_DTR | MCR_OUT2);
	reg_out(u, UART_IER, IER_RX_DATA);
}

/* --- console= ------------------------------------------------------------ */

#define OPT_FIELD_MAX	24

/* The comma-separated field of s that starts at *pos, into buf; false: too long. */
static bool next_field(const char **pos, char *buf)
{
	size_t n = 0;

	while (**pos && **pos != ',') {
		if (n == OPT_FIELD_MAX - 1)
			return false;
		buf[n++] = *(*pos)++;
	}
	buf[n] = '\0';
	if (**pos == ',')
		(*pos)++;
	return true;
}

/* ",BAUD" or nothing, then the end of the value. */
static bool tail_ok(const char *pos, struct uart_desc *d, const char **why)
{
	char f[OPT_FIELD_MAX];
	uint64_t baud;

	if (!*pos)
		return true;
	if (!next_field(&pos, f) || !cmdline_parse_u64(f, &baud) ||
	    baud == 0 || baud > 4000000) {
		*why = "the baud rate is not a number in 1..4000000";
		return false;
	}
	if (*pos) {
		*why = "text after the baud rate";
		return false;
	}
	d->baud = (uint32_t)baud;
	return true;
}

static bool tty_option(const char *s, struct uart_desc *d, const char **why)
{
	if (s[0] < '0' || s[0] >= '0' + UART_COM_PORTS ||
	    (s[1] && s[1] != ',')) {
		*why = "ttyS takes 0 to 3 (COM1-COM4)";
		return false;
	}
	uart_com_desc((unsigned int)(s[0] - '0'), 115200, d);
	return tail_ok(s[1] ? s + 2 : s + 1, d, why);
}

static bool uart_kind(const char *f, enum uart_access *a)
{
	if (!strcmp(f, "io"))
		*a = UART_IO;
	else if (!strcmp(f, "mmio"))
		*a = UART_MMIO8;
	else if (!strcmp(f, "mmio32"))
		*a = UART_MMIO32;
	else
		return false;
	return true;
}

bool uart_parse_option(const char *s, struct uart_desc *d, const char **why)
{
	char f[OPT_FIELD_MAX];
	uint64_t addr;
	int com;

	memset(d, 0, sizeof(*d));
	if (!strncmp(s, "ttyS", 4))
		return tty_option(s + 4, d, why);
	if (!next_field(&s, f) || (strcmp(f, "uart") && strcmp(f, "uart8250"))) {
		*why = "not ttyS0-3, uart,..., fb or vga";
		return false;
	}
	if (!next_field(&s, f) || !uart_kind(f, &d->access)) {
		*why = "uart takes io, mmio or mmio32";
		return false;
	}
	if (!next_field(&s, f) || !cmdline_parse_u64(f, &addr) || addr == 0) {
		*why = "the address is not a non-zero number";
		return false;
	}
	d->addr = addr;
	if (d->access == UART_IO && addr < UART_IO_MIN) {
		*why = "I/O ports below 0x100 are the PC's fixed devices";
		return false;
	}
	if (d->access == UART_IO ? addr > 0xFFFF - 7 :
	    addr > UINT64_MAX - (uart_span(d) - 1)) {
		*why = "the registers do not fit below the top of their space";
		return false;
	}
	d->baud = 115200;
	com = com_index(d);
	d->irq = com >= 0 ? com_ports[com].irq : 0;
	return tail_ok(s, d, why);
}

static const char *const access_name[] = {
	[UART_IO] = "io", [UART_MMIO8] = "mmio", [UART_MMIO32] = "mmio32",
};

size_t uart_describe(const struct uart_desc *d, char *buf, size_t size)
{
	int com = com_index(d);

	if (com >= 0)
		return (size_t)fmt_snprintf(buf, size, "ttyS%d (COM%d, io %#llx)",
					    com, com + 1,
					    (unsigned long long)d->addr);
	return (size_t)fmt_snprintf(buf, size, "%s %#llx",
				    access_name[d->access],
				    (unsigned long long)d->addr);
}

size_t uart_name(const struct uart_desc *d, char *buf, size_t size)
{
	int com = com_index(d);

	if (com >= 0)
		return (size_t)fmt_snprintf(buf, size, "ttyS%d", com);
	return (size_t)fmt_snprintf(buf, size, "%s:%#llx",
				    access_name[d->access],
				    (unsigned long long)d->addr);
}
