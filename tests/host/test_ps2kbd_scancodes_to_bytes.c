// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drivers/console/ps2kbd_decode: PS/2 scancodes, set 1 (the i8042
 * translating) and set 2, become the bytes a VT100-like terminal sends
 * for the same keys (docs/shell.md, "Keyboard"): every key the shell
 * needs, Shift and Ctrl held and released, extended (0xE0) codes, the
 * Pause sequence swallowed, and codes we do not map ignored without
 * disturbing what follows.  Expected bytes are written out by hand from
 * the scancode tables, never computed from the decoder's own tables.
 * The last tests feed the decoder's bytes to the shell's line editor
 * (kernel/shell_core.c), as kernel/shell.c does: edits made with the
 * arrow keys, Home, End, Backspace, Ctrl-U and Ctrl-C end in the command
 * the keys spell.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/console/ps2kbd_decode.h"
#include "kernel/shell_core.h"

static struct ps2kbd_decoder dec;

/* Feed n codes; return what came out, NUL-terminated. */
static const char *feed(const uint8_t *codes, size_t n)
{
	static char got[256];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t out[PS2KBD_OUT_MAX];
		size_t k = ps2kbd_decode(&dec, codes[i], out);

		assert_true(k <= PS2KBD_OUT_MAX);
		assert_true(len + k < sizeof(got));
		memcpy(got + len, out, k);
		len += k;
	}
	got[len] = '\0';
	return got;
}

#define FEED(...) feed((const uint8_t[]){ __VA_ARGS__ }, \
		       sizeof((const uint8_t[]){ __VA_ARGS__ }))

static int set1(void **state)
{
	(void)state;
	ps2kbd_decoder_init(&dec, PS2KBD_SET1);
	return 0;
}

static int set2(void **state)
{
	(void)state;
	ps2kbd_decoder_init(&dec, PS2KBD_SET2);
	return 0;
}

/* ---- set 1 ---- */

static void test_set1_letters_make_codes_give_lower_case(void **state)
{
	(void)state;
	/* q w e r t y u i o p / a s d f g h j k l / z x c v b n m */
	assert_string_equal(FEED(0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
				 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26,
				 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32),
			    "qwertyuiopasdfghjklzxcvbnm");
}

static void test_set1_digits_space_minus_enter_backspace(void **state)
{
	(void)state;
	assert_string_equal(FEED(0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b),
			    "1234567890");
	assert_string_equal(FEED(0x39, 0x0c, 0x1c, 0x0e), " -\r\b");
}

static void test_set1_break_codes_give_nothing(void **state)
{
	(void)state;
	/* press and release "a", then only releases */
	assert_string_equal(FEED(0x1e, 0x9e, 0x9e, 0x82, 0xb9, 0x9c), "a");
}

static void test_set1_shift_held_gives_upper_symbols_until_released(void **state)
{
	(void)state;
	/* LShift down, a 1 - ; LShift up, a */
	assert_string_equal(FEED(0x2a, 0x1e, 0x02, 0x0c, 0xaa, 0x1e), "A!_a");
	/* RShift down, z 0, RShift up, z */
	assert_string_equal(FEED(0x36, 0x2c, 0x0b, 0xb6, 0x2c), "Z)z");
	/* both shifts down, one released: still shifted */
	assert_string_equal(FEED(0x2a, 0x36, 0xaa, 0x1e, 0xb6, 0x1e), "Aa");
}

static void test_set1_ctrl_c_and_ctrl_u_give_control_bytes(void **state)
{
	(void)state;
	/* LCtrl c, LCtrl up, c */
	assert_string_equal(FEED(0x1d, 0x2e, 0x9d, 0x2e), "\x03" "c");
	/* RCtrl (E0 1D) u, RCtrl up (E0 9D), u */
	assert_string_equal(FEED(0xe0, 0x1d, 0x16, 0xe0, 0x9d, 0x16), "\x15" "u");
}

static void test_set1_arrows_home_end_give_vt100_sequences(void **state)
{
	(void)state;
	assert_string_equal(FEED(0xe0, 0x4b, 0xe0, 0x4d, 0xe0, 0x48, 0xe0, 0x50),
			    "\033[D\033[C\033[A\033[B");
	assert_string_equal(FEED(0xe0, 0x47, 0xe0, 0x4f), "\033[H\033[F");
	/* their breaks give nothing */
	assert_string_equal(FEED(0xe0, 0xcb, 0xe0, 0xcd, 0xe0, 0xc7, 0xe0, 0xcf), "");
}

static void test_set1_extended_prefix_applies_to_one_code_only(void **state)
{
	(void)state;
	/* E0 4B is left; the next 4B alone is keypad 4, which we do not map */
	assert_string_equal(FEED(0xe0, 0x4b, 0x4b, 0x1e), "\033[Da");
	/* keypad Enter (E0 1C) is Enter */
	assert_string_equal(FEED(0xe0, 0x1c), "\r");
}

static void test_set1_fake_shifts_around_extended_keys_change_nothing(void **state)
{
	(void)state;
	/* E0 2A (fake LShift down), E0 47 Home, E0 AA (fake up), then a */
	assert_string_equal(FEED(0xe0, 0x2a, 0xe0, 0x47, 0xe0, 0xaa, 0x1e), "\033[Ha");
}

static void test_set1_unknown_codes_and_controller_bytes_are_ignored(void **state)
{
	(void)state;
	/* Esc, F1, F12, keypad 5, 0x00 error, 0xFA ack, 0xFF overrun, E0 5B (Windows), a */
	assert_string_equal(FEED(0x01, 0x3b, 0x58, 0x4c, 0x00, 0xfa, 0xff, 0xe0, 0x5b, 0x1e), "a");
}

static void test_set1_pause_sequence_is_swallowed_whole(void **state)
{
	(void)state;
	assert_string_equal(FEED(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e), "a");
}

static void test_set1_caps_lock_flips_letters_not_digits(void **state)
{
	(void)state;
	assert_string_equal(FEED(0x3a, 0xba, 0x1e, 0x02, 0x2a, 0x1e, 0xaa, 0x3a, 0x1e), "A1aa");
}

/* ---- set 2 ---- */

static void test_set2_letters_make_codes_give_lower_case(void **state)
{
	(void)state;
	/* q w e r t y u i o p / a s d f g h j k l / z x c v b n m */
	assert_string_equal(FEED(0x15, 0x1d, 0x24, 0x2d, 0x2c, 0x35, 0x3c, 0x43, 0x44, 0x4d,
				 0x1c, 0x1b, 0x23, 0x2b, 0x34, 0x33, 0x3b, 0x42, 0x4b,
				 0x1a, 0x22, 0x21, 0x2a, 0x32, 0x31, 0x3a),
			    "qwertyuiopasdfghjklzxcvbnm");
}

static void test_set2_digits_space_minus_enter_backspace(void **state)
{
	(void)state;
	assert_string_equal(FEED(0x16, 0x1e, 0x26, 0x25, 0x2e, 0x36, 0x3d, 0x3e, 0x46, 0x45),
			    "1234567890");
	assert_string_equal(FEED(0x29, 0x4e, 0x5a, 0x66), " -\r\b");
}

static void test_set2_release_prefix_gives_nothing_and_covers_one_code(void **state)
{
	(void)state;
	/* a, F0 a (release), a again */
	assert_string_equal(FEED(0x1c, 0xf0, 0x1c, 0x1c), "aa");
}

static void test_set2_shift_held_gives_upper_symbols_until_released(void **state)
{
	(void)state;
	assert_string_equal(FEED(0x12, 0x1c, 0x16, 0x4e, 0xf0, 0x12, 0x1c), "A!_a");
	assert_string_equal(FEED(0x59, 0x1a, 0x45, 0xf0, 0x59, 0x1a), "Z)z");
}

static void test_set2_ctrl_c_and_ctrl_u_give_control_bytes(void **state)
{
	(void)state;
	assert_string_equal(FEED(0x14, 0x21, 0xf0, 0x14, 0x21), "\x03" "c");
	/* RCtrl E0 14, u, release E0 F0 14, u */
	assert_string_equal(FEED(0xe0, 0x14, 0x3c, 0xe0, 0xf0, 0x14, 0x3c), "\x15" "u");
}

static void test_set2_arrows_home_end_give_vt100_sequences(void **state)
{
	(void)state;
	assert_string_equal(FEED(0xe0, 0x6b, 0xe0, 0x74, 0xe0, 0x75, 0xe0, 0x72),
			    "\033[D\033[C\033[A\033[B");
	assert_string_equal(FEED(0xe0, 0x6c, 0xe0, 0x69, 0xe0, 0x5a), "\033[H\033[F\r");
	assert_string_equal(FEED(0xe0, 0xf0, 0x6b, 0xe0, 0xf0, 0x6c), "");
}

static void test_set2_unknown_codes_and_controller_bytes_are_ignored(void **state)
{
	(void)state;
	/* Esc 76, F1 05, F7 83, 0xAA self-test, 0xFA ack, 0xFE resend, 0x00, 0xFF, a */
	assert_string_equal(FEED(0x76, 0x05, 0x83, 0xaa, 0xfa, 0xfe, 0x00, 0xff, 0x1c), "a");
	/* an unknown key's release, E0 1F (Windows) and its release */
	assert_string_equal(FEED(0xf0, 0x76, 0xe0, 0x1f, 0xe0, 0xf0, 0x1f, 0x1c), "a");
}

static void test_set2_pause_sequence_is_swallowed_whole(void **state)
{
	(void)state;
	assert_string_equal(FEED(0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77, 0x1c), "a");
}

/* The shell's commands typed on set 2, as the QEMU case types them. */
static void test_set2_typing_a_command_line(void **state)
{
	(void)state;
	/* d o w n space 2 Enter, each key pressed and released */
	assert_string_equal(FEED(0x23, 0xf0, 0x23, 0x44, 0xf0, 0x44, 0x1d, 0xf0, 0x1d, 0x31,
				 0xf0, 0x31, 0x29, 0xf0, 0x29, 0x1e, 0xf0, 0x1e, 0x5a, 0xf0, 0x5a),
			    "down 2\r");
}

/* ---- through the line editor ---- */

static struct {
	enum shell_cmd cmd;
	uint32_t arg;
	int runs;
	int errors;
} ran;

static void ignore_echo(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	(void)s;
	(void)n;
}

static void count_errors(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (n > 6 && !memcmp(s, "shell:", 6))
		ran.errors++;
}

static bool record_run(void *ctx, enum shell_cmd cmd, uint32_t arg)
{
	(void)ctx;
	ran.cmd = cmd;
	ran.arg = arg;
	ran.runs++;
	return true;
}

static const struct shell_ops ops = { ignore_echo, count_errors, record_run, NULL };

/* Type set 1 codes into a fresh shell; return what ran. */
static void type_into_shell(const uint8_t *codes, size_t n)
{
	static struct shell sh;

	memset(&ran, 0, sizeof(ran));
	shell_init(&sh, &ops);
	for (size_t i = 0; i < n; i++) {
		uint8_t out[PS2KBD_OUT_MAX];
		size_t k = ps2kbd_decode(&dec, codes[i], out);

		for (size_t j = 0; j < k; j++)
			shell_feed(&sh, out[j]);
	}
}

#define TYPE(...) type_into_shell((const uint8_t[]){ __VA_ARGS__ }, \
				  sizeof((const uint8_t[]){ __VA_ARGS__ }))

#define LEFT	0xe0, 0x4b
#define HOME	0xe0, 0x47
#define END	0xe0, 0x4f
#define ENTER	0x1c
#define SPACE	0x39

static void test_keys_edited_with_arrows_and_end_run_down_2(void **state)
{
	(void)state;
	/* d w n, left left, o, End, space 2, Enter: "down 2" */
	TYPE(0x20, 0x11, 0x31, LEFT, LEFT, 0x18, END, SPACE, 0x03, ENTER);
	assert_int_equal(ran.runs, 1);
	assert_int_equal(ran.cmd, SHELL_DOWN);
	assert_int_equal(ran.arg, 2);
	assert_int_equal(ran.errors, 0);
}

static void test_home_then_typing_and_backspace_run_up_12(void **state)
{
	(void)state;
	/* "p 12", Home, u, End, "3", Backspace, Enter: "up 12" */
	TYPE(0x19, SPACE, 0x02, 0x03, HOME, 0x16, END, 0x04, 0x0e, ENTER);
	assert_int_equal(ran.runs, 1);
	assert_int_equal(ran.cmd, SHELL_UP);
	assert_int_equal(ran.arg, 12);
}

static void test_ctrl_u_and_ctrl_c_drop_what_was_typed(void **state)
{
	(void)state;
	/* "xx" Ctrl-U "cpus" Enter: cpus runs */
	TYPE(0x2d, 0x2d, 0x1d, 0x16, 0x9d, 0x2e, 0x19, 0x16, 0x1f, ENTER);
	assert_int_equal(ran.runs, 1);
	assert_int_equal(ran.cmd, SHELL_CPUS);
	assert_int_equal(ran.errors, 0);
	/* "cpus" Ctrl-C: nothing runs, no error */
	TYPE(0x2e, 0x19, 0x16, 0x1f, 0x1d, 0x2e, 0x9d);
	assert_int_equal(ran.runs, 0);
	assert_int_equal(ran.errors, 0);
}

static void test_shifted_command_word_is_refused(void **state)
{
	(void)state;
	/* Shift held over "help": HELP is no command */
	TYPE(0x2a, 0x23, 0x12, 0x26, 0x19, 0xaa, ENTER);
	assert_int_equal(ran.runs, 0);
	assert_int_equal(ran.errors, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_set1_letters_make_codes_give_lower_case, set1),
		cmocka_unit_test_setup(test_set1_digits_space_minus_enter_backspace, set1),
		cmocka_unit_test_setup(test_set1_break_codes_give_nothing, set1),
		cmocka_unit_test_setup(test_set1_shift_held_gives_upper_symbols_until_released, set1),
		cmocka_unit_test_setup(test_set1_ctrl_c_and_ctrl_u_give_control_bytes, set1),
		cmocka_unit_test_setup(test_set1_arrows_home_end_give_vt100_sequences, set1),
		cmocka_unit_test_setup(test_set1_extended_prefix_applies_to_one_code_only, set1),
		cmocka_unit_test_setup(test_set1_fake_shifts_around_extended_keys_change_nothing, set1),
		cmocka_unit_test_setup(test_set1_unknown_codes_and_controller_bytes_are_ignored, set1),
		cmocka_unit_test_setup(test_set1_pause_sequence_is_swallowed_whole, set1),
		cmocka_unit_test_setup(test_set1_caps_lock_flips_letters_not_digits, set1),
		cmocka_unit_test_setup(test_set2_letters_make_codes_give_lower_case, set2),
		cmocka_unit_test_setup(test_set2_digits_space_minus_enter_backspace, set2),
		cmocka_unit_test_setup(test_set2_release_prefix_gives_nothing_and_covers_one_code, set2),
		cmocka_unit_test_setup(test_set2_shift_held_gives_upper_symbols_until_released, set2),
		cmocka_unit_test_setup(test_set2_ctrl_c_and_ctrl_u_give_control_bytes, set2),
		cmocka_unit_test_setup(test_set2_arrows_home_end_give_vt100_sequences, set2),
		cmocka_unit_test_setup(test_set2_unknown_codes_and_controller_bytes_are_ignored, set2),
		cmocka_unit_test_setup(test_set2_pause_sequence_is_swallowed_whole, set2),
		cmocka_unit_test_setup(test_set2_typing_a_command_line, set2),
		cmocka_unit_test_setup(test_keys_edited_with_arrows_and_end_run_down_2, set1),
		cmocka_unit_test_setup(test_home_then_typing_and_backspace_run_up_12, set1),
		cmocka_unit_test_setup(test_ctrl_u_and_ctrl_c_drop_what_was_typed, set1),
		cmocka_unit_test_setup(test_shifted_command_word_is_refused, set1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
