/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * printk: the kernel's formatted output.
 *
 * kprintf() formats with lib/format and writes to every console under the
 * console lock, so lines from different CPUs never interleave mid-line.
 * Portable code may call kprintf(); host test programs provide their own
 * kprintf() (tests/host/host_support.c) that captures the text.
 */
#ifndef PULLKERN_PRINTK_H
#define PULLKERN_PRINTK_H

#include <stdarg.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

#endif
