/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ps2kbd_decode: PS/2 keyboard scancodes to the bytes a terminal would
 * send, for the shell (docs/shell.md).  Portable: no x86 header, driven
 * on the host by tests/host/test_ps2kbd_scancodes_to_bytes.c.  The
 * i8042 driver that reads the scancodes is drivers/console/ps2kbd.c.
 */
#ifndef PULLKERN_DRIVERS_PS2KBD_DECODE_H
#define PULLKERN_DRIVERS_PS2KBD_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most bytes one scancode byte can give (Delete: ESC [ 3 ~). */
#define PS2KBD_OUT_MAX	4

enum ps2kbd_set {
	PS2KBD_SET1,		/* the controller translates (config bit 6) */
	PS2KBD_SET2,		/* the keyboard's own codes, untranslated */
};

/* Decoder state; fields private to ps2kbd_decode.c. */
struct ps2kbd_decoder {
	enum ps2kbd_set set;
	bool e0;		/* 0xE0 prefix seen: the next code is extended */
	bool release;		/* set 2: 0xF0 prefix seen */
	uint8_t skip;		/* bytes of a Pause sequence still to swallow */
	bool lshift, rshift, lctrl, rctrl, caps;
};

void ps2kbd_decoder_init(struct ps2kbd_decoder *d, enum ps2kbd_set set);

/*
 * One byte from the keyboard.  Writes what the key means to out (0 to
 * PS2KBD_OUT_MAX bytes) and returns how many: nothing for a prefix, a
 * release, a modifier or a code we do not map.
 */
size_t ps2kbd_decode(struct ps2kbd_decoder *d, uint8_t code, uint8_t out[PS2KBD_OUT_MAX]);

#endif
