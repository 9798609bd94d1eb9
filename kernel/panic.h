/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * panic: the two ways a run ends.
 *
 * kernel_exit() ends a run normally: it prints the summary record and
 * powers QEMU off with the result (or halts on real hardware, or powers
 * off as kernel_set_end() asked).  panic() ends it on a fatal error:
 * message, stop every other CPU, summary "fail".
 */
#ifndef PULLKERN_PANIC_H
#define PULLKERN_PANIC_H

#include <stdbool.h>

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

/* How kernel_exit() leaves the machine after the summary (docs/firmware.md). */
enum kernel_end {
	KERNEL_END_HALT,	/* QEMU's exit device, else halt: the report stays on screen */
	KERNEL_END_POWEROFF,	/* QEMU's exit device, else ACPI S5 (the shell's poweroff) */
	KERNEL_END_S5,		/* ACPI S5 even under QEMU (then=poweroff) */
};

/* Boot CPU, before the end: how the run ends. */
void kernel_set_end(enum kernel_end end);

__attribute__((noreturn))
void kernel_exit(bool pass, const char *reason);

bool panic_in_progress(void);

#endif
