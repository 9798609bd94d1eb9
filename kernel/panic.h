/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * panic: the two ways a run ends.
 *
 * kernel_exit() ends a run normally: it prints the summary record and
 * powers QEMU off with the result (or halts on real hardware).  panic()
 * ends it on a fatal error: message, stop every other CPU, summary "fail".
 */
#ifndef PULLKERN_PANIC_H
#define PULLKERN_PANIC_H

#include <stdbool.h>

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

__attribute__((noreturn))
void kernel_exit(bool pass, const char *reason);

bool panic_in_progress(void);

#endif
