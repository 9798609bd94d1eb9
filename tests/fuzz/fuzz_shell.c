// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_shell: libFuzzer target for the serial shell's line editor and
 * parser (kernel/shell_core.c).
 *
 * Each input is a byte stream typed into a fresh shell.  Invariants,
 * checked after every byte (a violation aborts, which the fuzzer reports):
 *   - the line buffer never exceeds SHELL_LINE_MAX and the cursor stays
 *     inside it;
 *   - every piece of line output is whole lines;
 *   - each byte ends at most one line, and that line gives one outcome:
 *     nothing, one command run, the help block, or exactly one error line
 *     followed by exactly one error record;
 *   - echo is printable ASCII, '\b' and '\n' only, and never moves the
 *     cursor left of the line start.
 * Built two ways: `make fuzz-shell` (clang -fsanitize=fuzzer,address,
 * undefined; run build/fuzz/fuzz_shell for as long as you like), and into
 * tests/host/test_shell_fuzz_target_bounded.c, which `make test` runs for a
 * fixed number of generated inputs under gcc's sanitizers.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/shell_core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	int lines, errors, records, helps, runs;
	size_t col;		/* echo cursor column, prompt included */
	bool partial;		/* a line output did not end in '\n' */
	bool bad_echo;
} seen;

static void fz_echo(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			seen.col = 0;
		else if (c == '\b')
			seen.bad_echo |= seen.col-- == 0;
		else if (c >= 0x20 && c < 0x7f)
			seen.col++;
		else
			seen.bad_echo = true;
	}
}

static void fz_lines(void *ctx, const char *s, size_t n)
{
	static const char rec[] = "@report {\"kind\":\"shell\",\"result\":\"error\",";

	(void)ctx;
	seen.partial |= n == 0 || s[n - 1] != '\n';
	for (size_t i = 0; i < n; i++) {
		if (i && s[i - 1] != '\n')
			continue;
		seen.lines++;
		seen.errors += n - i >= 7 && !memcmp(s + i, "shell: ", 7);
		seen.records += n - i >= sizeof(rec) - 1 && !memcmp(s + i, rec, sizeof(rec) - 1);
		seen.helps += n - i >= 9 && !memcmp(s + i, "commands:", 9);
	}
	seen.col = 0;
}

static bool fz_run(void *ctx, enum shell_cmd cmd, uint32_t arg)
{
	(void)ctx;
	(void)arg;
	if (cmd <= SHELL_NONE || cmd >= SHELL_CMD_NR || cmd == SHELL_HELP)
		abort();	/* the core runs only real commands, help itself */
	seen.runs++;
	return true;		/* poweroff/reboot would stop the stream: keep going */
}

static const struct shell_ops fz_ops = { fz_echo, fz_lines, fz_run, NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shell sh;

	memset(&seen, 0, sizeof(seen));
	shell_init(&sh, &fz_ops);
	shell_prompt(&sh);
	for (size_t i = 0; i < size; i++) {
		int lines = seen.lines, errors = seen.errors, records = seen.records;
		int helps = seen.helps, runs = seen.runs, new_lines;

		shell_feed(&sh, data[i]);
		new_lines = seen.lines - lines;
		if (sh.len > SHELL_LINE_MAX || sh.cur > sh.len || seen.partial || seen.bad_echo)
			abort();
		if (seen.helps > helps)
			continue;
		/* fz_run prints nothing: a run is no line and one more run */
		if (seen.runs - runs > 1)
			abort();
		if (!(new_lines == 0 ||
		      (new_lines == 2 && seen.errors == errors + 1 && seen.records == records + 1 &&
		       seen.runs == runs)))
			abort();
	}
	return 0;
}
