// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * printk: kprintf() for the kernel, one message per console lock hold.
 *
 * Theory.  lib/format's engine emits characters one at a time; we gather
 * them in a small buffer on the caller's stack and hand full buffers to
 * the consoles.  The console lock is held from the first character to the
 * last, so a message longer than the buffer is streamed in chunks but is
 * still never interleaved with another CPU's output, and never truncated.
 *
 *   kvprintf: console_lock
 *             fmt_vformat ─► printk_putc ─► buf[256] ─(full)─► console_write_locked
 *             final flush ─────────────────────────────────► console_write_locked
 *             console_unlock
 *
 * Interrupt handlers print, so console_lock() disables interrupts for the
 * duration (kernel/console.c).  Formatting runs under the lock: a "%s"
 * with a bad pointer faults while holding it, which is why the trap
 * handler enters console_panic_mode() before printing.
 *
 * The buffer is small on purpose: interrupt and NMI stacks are a few KiB.
 */
#include <stdarg.h>
#include <stddef.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "lib/format.h"

#define PRINTK_CHUNK	256

struct printk_buf {
	size_t len;
	char data[PRINTK_CHUNK];
};

static void printk_flush(struct printk_buf *b)
{
	if (b->len)
		console_write_locked(b->data, b->len);
	b->len = 0;
}

static void printk_putc(void *ctx, char c)
{
	struct printk_buf *b = ctx;

	if (b->len == sizeof(b->data))
		printk_flush(b);
	b->data[b->len++] = c;
}

int kvprintf(const char *fmt, va_list ap)
{
	struct printk_buf b = { .len = 0 };
	unsigned long flags;
	int n;

	flags = console_lock();
	n = fmt_vformat(printk_putc, &b, fmt, ap);
	printk_flush(&b);
	console_unlock(flags);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
