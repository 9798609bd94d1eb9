/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * format: printf-style formatting for freestanding code (kernel and host).
 *
 * One engine, fmt_vformat(), emits characters through a callback; the
 * snprintf family and the kernel's kprintf() are thin wrappers over it.
 * Conversions: d i u x X o c s p %, flags "-+ #0", width and precision
 * (numbers or '*'), length modifiers hh h l ll z t j.  No floating point:
 * the kernel has no FPU state.  Return values follow C99: the number of
 * characters the full output has, even when a buffer truncated it.
 */
#ifndef PULLKERN_LIB_FORMAT_H
#define PULLKERN_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_putc_fn)(void *ctx, char c);

int fmt_vformat(fmt_putc_fn putc, void *ctx, const char *fmt, va_list ap);
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
