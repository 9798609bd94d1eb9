// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ps2kbd_decode: scancode set 1 or 2 to terminal bytes, US layout.
 *
 * Theory.  Keys are named internally by their set 1 make code (0x01 ..
 * 0x58, plus the 0xE0 "extended" flag); a set 2 code is first mapped to
 * that name with a table of the keys we know, the same correspondence an
 * i8042 applies when it translates.  From the name:
 *
 *   letters, digits, punctuation, space   ASCII; Shift (either) picks the
 *                                         upper symbol, Caps Lock flips
 *                                         letters only
 *   Ctrl (either) + letter                the control byte (Ctrl-C 0x03,
 *                                         Ctrl-U 0x15, ...)
 *   Enter, keypad Enter                   CR
 *   Backspace                             0x08; Tab 0x09
 *   left, right, up, down, Home, End      ESC [ D/C/A/B/H/F, what a VT100
 *                                         terminal sends and the line
 *                                         editor decodes
 *   Delete                                ESC [ 3 ~
 *
 * Releases only update the modifier state.  Esc, function keys, the
 * keypad's other keys and every code not in the tables give nothing;
 * so do the controller's own bytes that can appear in the stream (0x00
 * and 0xFF errors, 0xFA acknowledge, 0xAA self-test passed: in set 1 the
 * last is also Left Shift's release, which is harmless).  Pause sends a
 * sequence led by 0xE1 (set 1: E1 1D 45 E1 9D C5; set 2: E1 14 77 E1 F0
 * 14 F0 77) that has no release: it is swallowed whole.  The "fake
 * shift" codes some keyboards wrap around extended keys (E0 2A, E0 AA,
 * E0 12, ...) are extended codes we do not map, so they change nothing.
 *
 * No locking: a decoder belongs to one caller.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/console/ps2kbd_decode.h"

#define K_LCTRL		0x1d
#define K_LSHIFT	0x2a
#define K_RSHIFT	0x36
#define K_CAPS		0x3a
#define K_ENTER		0x1c
#define K_BACKSPACE	0x0e
#define K_TAB		0x0f
/* extended (after 0xE0) */
#define X_RCTRL		0x1d
#define X_KP_ENTER	0x1c
#define X_HOME		0x47
#define X_UP		0x48
#define X_LEFT		0x4b
#define X_RIGHT		0x4d
#define X_END		0x4f
#define X_DOWN		0x50
#define X_DELETE	0x53

#define PAUSE_SET1_LEN	5	/* bytes after the first 0xE1 */
#define PAUSE_SET2_LEN	7

/* Set 1 make code -> unshifted and shifted ASCII; 0: not a character. */
static const char plain[0x3a] = {
	[0x02] = '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=',
	[0x10] = 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']',
	[0x1e] = 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
	[0x2b] = '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/',
	[0x39] = ' ',
};

static const char shifted[0x3a] = {
	[0x02] = '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',
	[0x10] = 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}',
	[0x1e] = 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
	[0x2b] = '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?',
	[0x39] = ' ',
};

/* Set 2 code -> set 1 make code, for the keys above and the modifiers. */
static const uint8_t set2_to_set1[0x67] = {
	[0x16] = 0x02, [0x1e] = 0x03, [0x26] = 0x04, [0x25] = 0x05, [0x2e] = 0x06,
	[0x36] = 0x07, [0x3d] = 0x08, [0x3e] = 0x09, [0x46] = 0x0a, [0x45] = 0x0b,
	[0x4e] = 0x0c, [0x55] = 0x0d, [0x66] = K_BACKSPACE, [0x0d] = K_TAB,
	[0x15] = 0x10, [0x1d] = 0x11, [0x24] = 0x12, [0x2d] = 0x13, [0x2c] = 0x14,
	[0x35] = 0x15, [0x3c] = 0x16, [0x43] = 0x17, [0x44] = 0x18, [0x4d] = 0x19,
	[0x54] = 0x1a, [0x5b] = 0x1b, [0x5a] = K_ENTER, [0x14] = K_LCTRL,
	[0x1c] = 0x1e, [0x1b] = 0x1f, [0x23] = 0x20, [0x2b] = 0x21, [0x34] = 0x22,
	[0x33] = 0x23, [0x3b] = 0x24, [0x42] = 0x25, [0x4b] = 0x26, [0x4c] = 0x27,
	[0x52] = 0x28, [0x0e] = 0x29, [0x12] = K_LSHIFT, [0x5d] = 0x2b,
	[0x1a] = 0x2c, [0x22] = 0x2d, [0x21] = 0x2e, [0x2a] = 0x2f, [0x32] = 0x30,
	[0x31] = 0x31, [0x3a] = 0x32, [0x41] = 0x33, [0x49] = 0x34, [0x4a] = 0x35,
	[0x59] = K_RSHIFT, [0x29] = 0x39, [0x58] = K_CAPS,
};

/* Set 2 extended code -> set 1 extended code. */
static uint8_t set2_ext_to_set1(uint8_t c)
{
	switch (c) {
	case 0x14: return X_RCTRL;
	case 0x5a: return X_KP_ENTER;
	case 0x6c: return X_HOME;
	case 0x75: return X_UP;
	case 0x6b: return X_LEFT;
	case 0x74: return X_RIGHT;
	case 0x69: return X_END;
	case 0x72: return X_DOWN;
	case 0x71: return X_DELETE;
	default: return 0;
	}
}

void ps2kbd_decoder_init(struct ps2kbd_decoder *d, enum ps2kbd_set set)
{
	*d = (struct ps2kbd_decoder){ .set = set };
}

static size_t seq(uint8_t out[PS2KBD_OUT_MAX], const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)s[i];
	return n;
}

static size_t extended_key(struct ps2kbd_decoder *d, uint8_t key, bool up,
			   uint8_t out[PS2KBD_OUT_MAX])
{
	if (key == X_RCTRL) {
		d->rctrl = !up;
		return 0;
	}
	if (up)
		return 0;
	switch (key) {
	case X_KP_ENTER: return seq(out, "\r", 1);
	case X_LEFT: return seq(out, "\033[D", 3);
	case X_RIGHT: return seq(out, "\033[C", 3);
	case X_UP: return seq(out, "\033[A", 3);
	case X_DOWN: return seq(out, "\033[B", 3);
	case X_HOME: return seq(out, "\033[H", 3);
	case X_END: return seq(out, "\033[F", 3);
	case X_DELETE: return seq(out, "\033[3~", 4);
	default: return 0;
	}
}

static size_t plain_key(struct ps2kbd_decoder *d, uint8_t key, bool up,
			uint8_t out[PS2KBD_OUT_MAX])
{
	bool shift = d->lshift || d->rshift;
	char c;

	switch (key) {
	case K_LSHIFT: d->lshift = !up; return 0;
	case K_RSHIFT: d->rshift = !up; return 0;
	case K_LCTRL: d->lctrl = !up; return 0;
	default: break;
	}
	if (up)
		return 0;
	switch (key) {
	case K_CAPS: d->caps = !d->caps; return 0;
	case K_ENTER: return seq(out, "\r", 1);
	case K_BACKSPACE: return seq(out, "\b", 1);
	case K_TAB: return seq(out, "\t", 1);
	default: break;
	}
	if (key >= sizeof(plain) || !plain[key])
		return 0;
	c = shift ? shifted[key] : plain[key];
	if (c >= 'a' && c <= 'z' && d->caps)
		c = (char)(c - 'a' + 'A');
	else if (c >= 'A' && c <= 'Z' && d->caps)
		c = (char)(c - 'A' + 'a');
	if ((d->lctrl || d->rctrl) && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		c = (char)(c & 0x1f);
	out[0] = (uint8_t)c;
	return 1;
}

size_t ps2kbd_decode(struct ps2kbd_decoder *d, uint8_t code, uint8_t out[PS2KBD_OUT_MAX])
{
	bool ext, up;
	uint8_t key;

	if (d->skip) {
		d->skip--;
		return 0;
	}
	if (code == 0xe0) {
		d->e0 = true;
		return 0;
	}
	if (code == 0xe1) {
		d->skip = d->set == PS2KBD_SET1 ? PAUSE_SET1_LEN : PAUSE_SET2_LEN;
		d->e0 = d->release = false;
		return 0;
	}
	if (d->set == PS2KBD_SET2 && code == 0xf0) {
		d->release = true;
		return 0;
	}
	ext = d->e0;
	d->e0 = false;
	if (d->set == PS2KBD_SET1) {
		up = code & 0x80;
		key = code & 0x7f;
	} else {
		up = d->release;
		d->release = false;
		if (ext)
			key = set2_ext_to_set1(code);
		else
			key = code < sizeof(set2_to_set1) ? set2_to_set1[code] : 0;
	}
	if (!key)
		return 0;
	return ext ? extended_key(d, key, up, out) : plain_key(d, key, up, out);
}
