/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shell: the serial console shell (kernel/shell.c, docs/shell.md).
 */
#ifndef PULLKERN_KERNEL_SHELL_H
#define PULLKERN_KERNEL_SHELL_H

/*
 * Boot CPU, interrupts on, after the boot (and the scenario): read
 * commands from COM1 until poweroff (returns; the caller exits with the
 * run's verdict) or reboot (does not return).  Returns at once when no
 * UART answered.
 */
void shell_run(void);

#endif
