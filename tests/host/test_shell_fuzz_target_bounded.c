// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shell's fuzz target (tests/fuzz/fuzz_shell.c) run for a bounded
 * number of inputs, so `make test` exercises its invariants without
 * clang or libFuzzer: a fixed seed generates inputs mixing command words,
 * digits, editing keys, escape sequences cut anywhere, long runs and raw
 * bytes.  A violated invariant aborts (the test program dies: a failure).
 * The open-ended run is `make fuzz-shell` and build/fuzz/fuzz_shell.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define FUZZ_INPUTS	20000
#define FUZZ_MAX_LEN	600

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* One input: pieces drawn from what a terminal sends, and noise. */
static size_t make_input(uint8_t *buf, size_t max)
{
	static const char *const pieces[] = {
		"cpus", "up ", "down ", "tree", "timers", "help", "poweroff", "reboot", " ",
		"0", "3", "-1", "99999999999", "4294967296", "\r", "\n", "\r\n", "\b", "\x7f",
		"\x03", "\x15", "\x1b", "\x1b[", "\x1b[C", "\x1b[D", "\x1b[H", "\x1b[F", "\x1bO",
		"\x1bOD", "\x1b[1;5C", "\x1b[3~", "\x1b[12345678901234", "\t", "\x01", "\xff",
	};
	size_t n = 0, target = next() % max;

	while (n < target) {
		uint32_t r = next() % 100;

		if (r < 70) {
			const char *p = pieces[next() % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t k = strlen(p);

			if (n + k > max)
				break;
			memcpy(buf + n, p, k);
			n += k;
		} else if (r < 80) {
			size_t k = next() % 200;	/* a long run of one byte */
			uint8_t c = (uint8_t)('a' + next() % 26);

			while (k-- && n < max)
				buf[n++] = c;
		} else {
			buf[n++] = (uint8_t)next();
		}
	}
	return n;
}

static void test_fuzz_target_holds_on_generated_inputs(void **state)
{
	static uint8_t buf[FUZZ_MAX_LEN];

	(void)state;
	for (int i = 0; i < FUZZ_INPUTS; i++)
		assert_int_equal(LLVMFuzzerTestOneInput(buf, make_input(buf, sizeof(buf))), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_target_holds_on_generated_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
