// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shell_core: line editing and parsing for the serial shell (docs/shell.md).
 *
 * Theory.  Bytes arrive one at a time from a terminal (or a test that
 * types), in any order and any mix: shell_feed() is a small state machine
 * that never fails and never grows.  The line lives in a fixed buffer of
 * SHELL_LINE_MAX bytes; what is typed beyond is dropped and counted.  A
 * line is judged only when it ends (CR, LF, or CR LF), and a refused line
 * gives exactly one human error line ("shell: ...") plus one record
 * (`@report {"kind":"shell","result":"error","why":...}`), whatever went
 * wrong in it and however often:
 *
 *   first control byte typed  why "control_byte" (bytes below 0x20 other
 *                             than the editing keys, 0x80 and up, an ESC
 *                             that starts no sequence we decode)
 *   bytes were dropped        why "overlong_line"
 *   else the parser's reason  unknown_command, missing_argument,
 *                             bad_number, number_too_big, out_of_range,
 *                             extra_argument
 *
 * Editing keys: Backspace (0x08) and DEL (0x7f) erase before the cursor,
 * Ctrl-U erases the line, Ctrl-C abandons it ("^C", a new prompt, no
 * error), left/right arrows (ESC [ D / ESC [ C, or ESC O D / ESC O C),
 * Home/End (ESC [ H / ESC [ F) move the cursor.  Other complete CSI
 * sequences (up, down, function keys) are ignored; a sequence cut by a
 * byte that cannot continue it counts as a control byte, and that byte is
 * then taken on its own.  CSI parameters are bounded (SHELL_ESC_MAX): a
 * longer run is a control byte too.  Echo is for a VT100-like terminal:
 * characters, "\b" to move left, rewriting the tail after an edit inside
 * the line.
 *
 * Numbers are decimal digits only ("+3", "-1", "0x3", "3a" are bad) and
 * must fit below 2^32; whether the CPU exists is the command's business.
 *
 * No locking: a struct shell belongs to one caller (the shell's CPU).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/shell_core.h"
#include "lib/format.h"
#include "lib/json.h"
#include "lib/string.h"

#define CTRL_C		0x03
#define BS		0x08
#define LF		0x0a
#define CR		0x0d
#define CTRL_U		0x15
#define ESC		0x1b
#define DEL		0x7f
/* CSI parameter and intermediate bytes accepted before the final byte */
#define SHELL_ESC_MAX	8
/* the first word as quoted back in an error */
#define WORD_QUOTE_MAX	16

/* A command's number argument, when it takes one: its letter in help, its range. */
struct cmd_arg {
	const char *letter;
	uint32_t min, max;
};

static const struct cmd_arg cpu_arg = { "N", 0, UINT32_MAX };
static const struct cmd_arg seconds_arg = { "S", 1, SHELL_RESIDENCY_MAX_S };

struct cmd_desc {
	const char *name;
	const struct cmd_arg *arg;	/* NULL: takes none */
	const char *help;
};

static const struct cmd_desc cmds[SHELL_CMD_NR] = {
	[SHELL_HELP] = { "help", NULL, "this list" },
	[SHELL_CPUS] = { "cpus", NULL, "each CPU: online, parked or absent, APIC ID, node" },
	[SHELL_UP] = { "up", &cpu_arg, "bring CPU N online (unpark or hot-add)" },
	[SHELL_DOWN] = { "down", &cpu_arg, "park CPU N" },
	[SHELL_TREE] = { "tree", NULL, "the timer migration hierarchy" },
	[SHELL_TIMERS] = { "timers", NULL, "pending timers: next expiries per CPU" },
	[SHELL_RESIDENCY] = { "residency", &seconds_arg,
			      "idle residency of every CPU over S seconds (1..3600)" },
	[SHELL_POWEROFF] = { "poweroff", NULL, "end the run: QEMU exit device, else ACPI S5 power-off" },
	[SHELL_REBOOT] = { "reboot", NULL, "reset the machine" },
};

const char *shell_cmd_name(enum shell_cmd cmd)
{
	if ((unsigned)cmd < SHELL_CMD_NR && cmds[cmd].name)
		return cmds[cmd].name;
	return "none";
}

/* ---- parsing ---- */

static bool is_space(char c)
{
	return c == ' ';
}

/* The next word of *p: its start and length; *p moves past it. */
static size_t next_word(const char **p, const char **start)
{
	const char *s = *p;
	size_t n = 0;

	while (is_space(*s))
		s++;
	*start = s;
	while (s[n] && !is_space(s[n]))
		n++;
	*p = s + n;
	return n;
}

static bool word_is(const char *w, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(w, name, n);
}

/* A CPU number: decimal digits only, below 2^32. */
static const char *parse_number(const char *w, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		if (w[i] < '0' || w[i] > '9')
			return "bad_number";
	for (size_t i = 0; i < n; i++) {
		v = v * 10 + (uint64_t)(w[i] - '0');
		if (v > UINT32_MAX)
			return "number_too_big";
	}
	*out = (uint32_t)v;
	return NULL;
}

enum shell_cmd shell_parse(const char *line, uint32_t *arg, const char **why)
{
	const char *p = line, *w;
	size_t n = next_word(&p, &w);
	enum shell_cmd cmd = SHELL_NONE;

	*arg = 0;
	*why = NULL;
	if (n == 0)
		return SHELL_NONE;
	for (unsigned c = 1; c < SHELL_CMD_NR; c++)
		if (word_is(w, n, cmds[c].name))
			cmd = (enum shell_cmd)c;
	if (cmd == SHELL_NONE) {
		*why = "unknown_command";
		return SHELL_NONE;
	}
	if (cmds[cmd].arg) {
		n = next_word(&p, &w);
		if (n == 0) {
			*why = "missing_argument";
			return SHELL_NONE;
		}
		*why = parse_number(w, n, arg);
		if (*why)
			return SHELL_NONE;
		if (*arg < cmds[cmd].arg->min || *arg > cmds[cmd].arg->max) {
			*why = "out_of_range";
			return SHELL_NONE;
		}
	}
	if (next_word(&p, &w)) {
		*why = "extra_argument";
		return SHELL_NONE;
	}
	return cmd;
}

/* ---- output ---- */

static void echo(struct shell *sh, const char *s, size_t n)
{
	if (n)
		sh->ops->echo(sh->ops->ctx, s, n);
}

static void echo_repeat(struct shell *sh, char c, uint32_t n)
{
	char buf[16];

	memset(buf, c, sizeof(buf));
	while (n) {
		uint32_t k = n < sizeof(buf) ? n : (uint32_t)sizeof(buf);

		echo(sh, buf, k);
		n -= k;
	}
}

static void put_line(struct shell *sh, const char *s)
{
	sh->ops->lines(sh->ops->ctx, s, strlen(s));
}

void shell_prompt(struct shell *sh)
{
	echo(sh, SHELL_PROMPT, sizeof(SHELL_PROMPT) - 1);
}

/* The first word of the line, printable ASCII, at most WORD_QUOTE_MAX bytes. */
static void first_word(const struct shell *sh, char *out, size_t size)
{
	const char *p = sh->line, *w;
	size_t n = next_word(&p, &w);

	if (n > WORD_QUOTE_MAX)
		n = WORD_QUOTE_MAX;
	if (n >= size)
		n = size - 1;
	memcpy(out, w, n);
	out[n] = '\0';
}

static const char *human_reason(const char *why)
{
	static const struct { const char *why, *text; } texts[] = {
		{ "unknown_command", "unknown command (try help)" },
		{ "missing_argument", "a number is missing" },
		{ "bad_number", "not a number (decimal digits only)" },
		{ "number_too_big", "number too big" },
		{ "out_of_range", "number out of range (see help)" },
		{ "extra_argument", "too many arguments" },
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!strcmp(texts[i].why, why))
			return texts[i].text;
	return why;
}

/* The one error line and its record. */
static void refuse(struct shell *sh, const char *why)
{
	char word[WORD_QUOTE_MAX + 1], text[160], rec[256];
	struct json_writer w;

	first_word(sh, word, sizeof(word));
	if (!strcmp(why, "control_byte"))
		fmt_snprintf(text, sizeof(text),
			     "shell: control byte 0x%02x in the line, line refused\n",
			     (unsigned)sh->bad_byte);
	else if (!strcmp(why, "overlong_line"))
		fmt_snprintf(text, sizeof(text),
			     "shell: line longer than %u bytes (%u dropped), line refused\n",
			     (unsigned)SHELL_LINE_MAX, (unsigned)sh->dropped);
	else
		fmt_snprintf(text, sizeof(text), "shell: '%s': %s\n", word, human_reason(why));
	put_line(sh, text);
	json_begin(&w, rec, sizeof(rec));
	json_str(&w, "kind", "shell");
	json_str(&w, "result", "error");
	json_str(&w, "why", why);
	json_str(&w, "word", word);
	if (!strcmp(why, "control_byte"))
		json_u64(&w, "byte", (uint64_t)sh->bad_byte);
	if (!strcmp(why, "overlong_line"))
		json_u64(&w, "dropped", sh->dropped);
	/* at most 16 quoted bytes: it always fits */
	fmt_snprintf(text, sizeof(text), "@report %s\n", json_end(&w));
	put_line(sh, text);
}

static void help(struct shell *sh)
{
	char form[16], text[128];

	put_line(sh, "commands:\n");
	for (unsigned c = 1; c < SHELL_CMD_NR; c++) {
		fmt_snprintf(form, sizeof(form), "%s%s%s", cmds[c].name,
			     cmds[c].arg ? " " : "", cmds[c].arg ? cmds[c].arg->letter : "");
		fmt_snprintf(text, sizeof(text), "  %-11s %s\n", form, cmds[c].help);
		put_line(sh, text);
	}
	put_line(sh, "keys: Backspace, Ctrl-U (erase line), Ctrl-C (abandon line), left/right, Home/End\n");
	fmt_snprintf(text, sizeof(text),
		     "@report {\"kind\":\"shell\",\"cmd\":\"help\",\"result\":\"ok\",\"commands\":%u}\n",
		     (unsigned)(SHELL_CMD_NR - 1));
	put_line(sh, text);
}

/* ---- the line ---- */

static void reset_line(struct shell *sh)
{
	sh->len = 0;
	sh->cur = 0;
	sh->dropped = 0;
	sh->bad_byte = -1;
	sh->line[0] = '\0';
}

void shell_init(struct shell *sh, const struct shell_ops *ops)
{
	sh->ops = ops;
	sh->esc = SHELL_ESC_NONE;
	sh->esc_len = 0;
	sh->after_cr = false;
	sh->stopped = false;
	reset_line(sh);
}

static void note_bad(struct shell *sh, uint8_t c)
{
	if (sh->bad_byte < 0)
		sh->bad_byte = c;
}

static void execute(struct shell *sh)
{
	enum shell_cmd cmd;
	const char *why;
	uint32_t arg;

	sh->line[sh->len] = '\0';
	if (sh->bad_byte >= 0) {
		refuse(sh, "control_byte");
		return;
	}
	if (sh->dropped) {
		refuse(sh, "overlong_line");
		return;
	}
	cmd = shell_parse(sh->line, &arg, &why);
	if (why) {
		refuse(sh, why);
		return;
	}
	if (cmd == SHELL_HELP)
		help(sh);
	else if (cmd != SHELL_NONE && !sh->ops->run(sh->ops->ctx, cmd, arg))
		sh->stopped = true;
}

static void end_line(struct shell *sh)
{
	echo(sh, "\n", 1);
	execute(sh);
	reset_line(sh);
	if (!sh->stopped)
		shell_prompt(sh);
}

static void insert(struct shell *sh, char c)
{
	if (sh->len == SHELL_LINE_MAX) {
		sh->dropped++;
		return;
	}
	memmove(sh->line + sh->cur + 1, sh->line + sh->cur, sh->len - sh->cur);
	sh->line[sh->cur] = c;
	sh->len++;
	echo(sh, sh->line + sh->cur, sh->len - sh->cur);
	sh->cur++;
	echo_repeat(sh, '\b', sh->len - sh->cur);
}

static void backspace(struct shell *sh)
{
	if (sh->cur == 0)
		return;
	memmove(sh->line + sh->cur - 1, sh->line + sh->cur, sh->len - sh->cur);
	sh->cur--;
	sh->len--;
	echo(sh, "\b", 1);
	echo(sh, sh->line + sh->cur, sh->len - sh->cur);
	echo(sh, " ", 1);
	echo_repeat(sh, '\b', sh->len - sh->cur + 1);
}

static void erase_line(struct shell *sh)
{
	echo_repeat(sh, '\b', sh->cur);
	echo_repeat(sh, ' ', sh->len);
	echo_repeat(sh, '\b', sh->len);
	reset_line(sh);
}

static void move_left(struct shell *sh, uint32_t n)
{
	if (n > sh->cur)
		n = sh->cur;
	echo_repeat(sh, '\b', n);
	sh->cur -= n;
}

static void move_right(struct shell *sh, uint32_t n)
{
	if (n > sh->len - sh->cur)
		n = sh->len - sh->cur;
	echo(sh, sh->line + sh->cur, n);
	sh->cur += n;
}

/* The final byte of a complete CSI or SS3 sequence. */
static void escape_final(struct shell *sh, uint8_t c, bool no_params)
{
	if (!no_params)
		return;		/* modified keys, Delete (ESC [ 3 ~), ...: ignored */
	switch (c) {
	case 'C':
		move_right(sh, 1);
		break;
	case 'D':
		move_left(sh, 1);
		break;
	case 'H':
		move_left(sh, sh->cur);
		break;
	case 'F':
		move_right(sh, sh->len - sh->cur);
		break;
	default:
		break;		/* up, down and the rest: no history here */
	}
}

/*
 * Inside an escape sequence: true if c was taken by it.  A byte that
 * cannot continue it ends the sequence as a control byte (ESC) and is
 * then handled on its own.
 */
static bool escape_byte(struct shell *sh, uint8_t c)
{
	switch (sh->esc) {
	case SHELL_ESC_SEEN:
		if (c == '[' || c == 'O') {
			sh->esc = c == '[' ? SHELL_ESC_CSI : SHELL_ESC_SS3;
			sh->esc_len = 0;
			return true;
		}
		break;
	case SHELL_ESC_CSI:
		if (c >= 0x20 && c <= 0x3f && sh->esc_len < SHELL_ESC_MAX) {
			sh->esc_len++;
			return true;
		}
		if (c >= 0x40 && c <= 0x7e) {
			sh->esc = SHELL_ESC_NONE;
			escape_final(sh, c, sh->esc_len == 0);
			return true;
		}
		break;
	case SHELL_ESC_SS3:
		if (c >= 0x40 && c <= 0x7e) {
			sh->esc = SHELL_ESC_NONE;
			escape_final(sh, c, true);
			return true;
		}
		break;
	case SHELL_ESC_NONE:
		return false;
	}
	sh->esc = SHELL_ESC_NONE;
	note_bad(sh, ESC);
	return false;
}

bool shell_feed(struct shell *sh, uint8_t c)
{
	bool after_cr = sh->after_cr;

	if (sh->stopped)
		return false;
	sh->after_cr = false;
	if (sh->esc != SHELL_ESC_NONE && escape_byte(sh, c))
		return true;
	switch (c) {
	case CR:
		sh->after_cr = true;
		end_line(sh);
		break;
	case LF:
		if (!after_cr)
			end_line(sh);
		break;
	case BS:
	case DEL:
		backspace(sh);
		break;
	case CTRL_U:
		erase_line(sh);
		break;
	case CTRL_C:
		echo(sh, "^C\n", 3);
		reset_line(sh);
		shell_prompt(sh);
		break;
	case ESC:
		sh->esc = SHELL_ESC_SEEN;
		break;
	default:
		if (c < 0x20 || c >= 0x7f)
			note_bad(sh, c);
		else
			insert(sh, (char)c);
		break;
	}
	return !sh->stopped;
}
