/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ps2kbd: the i8042 keyboard controller's first port, read for the shell
 * (docs/shell.md).  Scancodes go through drivers/console/ps2kbd_decode.h.
 *
 * Not locked: the boot CPU alone calls these, with interrupts off or from
 * IRQ 1 itself.
 */
#ifndef PULLKERN_DRIVERS_PS2KBD_H
#define PULLKERN_DRIVERS_PS2KBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/console/ps2kbd_decode.h"

#define PS2KBD_IRQ	1

/*
 * The FADT's word (IAPC_BOOT_ARCH bit 1), before ps2kbd_init: said is
 * false when the FADT has no such field (revision 1, or no FADT).
 */
void ps2kbd_firmware_hint(bool said, bool has_8042);

/*
 * Probe the controller with bounded waits and, if it answers, enable its
 * first port and that port's interrupt (IRQ 1; the caller unmasks it).
 * *set: the scancode set the stream carries.  False, with *why a short
 * static reason, when there is no usable controller.
 */
bool ps2kbd_init(enum ps2kbd_set *set, const char **why);

/*
 * Up to max keyboard bytes (and at most 16: a controller that always says
 * "byte waiting" cannot hold the caller), without waiting; 0 if none or
 * no controller.
 */
size_t ps2kbd_read(uint8_t *buf, size_t max);

#endif
