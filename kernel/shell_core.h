/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shell_core: the serial shell's line editor and command parser, portable
 * (no x86 header; tests/host/test_shell_hostile_input.c and the fuzz
 * target tests/fuzz/fuzz_shell.c drive it on the host).  The kernel side,
 * which reads COM1 and runs the commands, is kernel/shell.c; the
 * behaviour is described in docs/shell.md.
 */
#ifndef PULLKERN_KERNEL_SHELL_CORE_H
#define PULLKERN_KERNEL_SHELL_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes a command line holds; what is typed beyond is dropped and the line refused. */
#define SHELL_LINE_MAX		80
/* The longest residency window the shell measures, in seconds. */
#define SHELL_RESIDENCY_MAX_S	3600
/* The prompt, printed at the start of every line. */
#define SHELL_PROMPT		"pk> "

enum shell_cmd {
	SHELL_NONE,		/* empty line, or refused */
	SHELL_HELP,
	SHELL_CPUS,
	SHELL_UP,		/* arg: CPU number */
	SHELL_DOWN,		/* arg: CPU number */
	SHELL_TREE,
	SHELL_TIMERS,
	SHELL_RESIDENCY,	/* arg: seconds, 1 .. SHELL_RESIDENCY_MAX_S */
	SHELL_POWEROFF,
	SHELL_REBOOT,
	SHELL_CMD_NR
};

/*
 * What the core calls.  echo: editing output (typed bytes, backspaces,
 * cursor moves, the prompt), which only a terminal can render; lines:
 * whole lines ending in '\n' (errors, help, @report records); run: a
 * valid command, which prints its own result.  run returns true to go on
 * reading, false to stop the shell (poweroff, reboot).
 */
struct shell_ops {
	void (*echo)(void *ctx, const char *s, size_t n);
	void (*lines)(void *ctx, const char *s, size_t n);
	bool (*run)(void *ctx, enum shell_cmd cmd, uint32_t arg);
	void *ctx;
};

/* Escape-sequence decoder states. */
enum shell_esc {
	SHELL_ESC_NONE,
	SHELL_ESC_SEEN,		/* ESC */
	SHELL_ESC_CSI,		/* ESC [ and parameter bytes */
	SHELL_ESC_SS3,		/* ESC O */
};

/* One shell; all fields private to kernel/shell_core.c. */
struct shell {
	const struct shell_ops *ops;
	char line[SHELL_LINE_MAX + 1];
	uint32_t len;		/* bytes in line[] */
	uint32_t cur;		/* cursor, 0..len */
	uint32_t dropped;	/* bytes typed beyond SHELL_LINE_MAX in this line */
	int bad_byte;		/* first control byte typed in this line, -1: none */
	enum shell_esc esc;
	uint32_t esc_len;	/* parameter bytes of the CSI sequence so far */
	bool after_cr;		/* last byte was CR: a following LF is part of it */
	bool stopped;		/* run() returned false: input is ignored */
};

void shell_init(struct shell *sh, const struct shell_ops *ops);
/* Print the prompt (once at start; the core prints it after every line). */
void shell_prompt(struct shell *sh);
/* One received byte.  Returns false once the shell has stopped. */
bool shell_feed(struct shell *sh, uint8_t c);

/*
 * Parse a finished line (printable ASCII only, NUL-terminated).  Returns
 * the command, *arg its number; SHELL_NONE with *why a short reason code
 * (NULL for an empty line).  Reason codes: unknown_command,
 * missing_argument, bad_number, number_too_big, out_of_range (a number
 * outside the command's range), extra_argument.
 */
enum shell_cmd shell_parse(const char *line, uint32_t *arg, const char **why);
const char *shell_cmd_name(enum shell_cmd cmd);

#endif
