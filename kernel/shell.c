// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shell: a command prompt on the serial console after the boot, or after
 * a scenario (`shell`, `then=shell`; docs/shell.md).
 *
 * Theory.  The boot CPU runs the shell in place of the exit.  Line
 * editing and parsing are portable (kernel/shell_core.c); this file
 * feeds it the bytes the serial console (docs/consoles.md) received and
 * the keys a PS/2 keyboard sent (drivers/console/ps2kbd.c, decoded to
 * the bytes a terminal would send by drivers/console/ps2kbd_decode.c),
 * and runs the commands: cpus,
 * up N, down N (kernel/cpuhp.c, source "shell"), tree (the hierarchy
 * dump), timers, residency S (a window of kernel/residency.c), poweroff
 * and reboot.  Each command prints a human table
 * or line and one `@report {"kind":"shell","cmd":...}` record.  reboot
 * tries the platform's reset methods in order, each announced by a
 * record (arch/x86_64/platform.c).
 *
 * Waiting for input sleeps: the boot CPU waits in idle_until() like an
 * idle CPU, and the serial console's receive interrupt (its ISA IRQ: 4 on
 * COM1, 3 on COM2; an MMIO UART has none and is polled) or the
 * keyboard's (IRQ 1), both through the 8259 in virtual-wire mode to the
 * boot CPU's LINT0 (arch/x86_64/pic.c), ends the halt.  The interrupt handler
 * drains both devices into rx[]; rx_ready(), called with interrupts off,
 * also drains them, so bytes the buffer could not take are read later.
 * If the lines cannot be routed (no local APIC yet), a pinned timer of
 * ours polls both devices every SHELL_POLL_MS instead, and a console
 * line says so: 20 wake-ups a second on the boot CPU while the shell
 * waits, none on the others.
 *
 * Echo goes to every console, whichever device the byte came from: the
 * editor's echo is printable bytes, "\b" and "\n", which the screen
 * consoles render as a VT100 does (drivers/console/text_grid.c).
 * Everything else goes through kprintf to every console too.
 *
 * Locking: the shell state is the boot CPU's alone.  COM1 is read under
 * the console lock, which every UART access takes (kernel/console.c);
 * the keyboard controller is the boot CPU's alone and takes no lock.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/pic.h"
#include "arch/x86_64/platform.h"
#include "drivers/console/ps2kbd.h"
#include "drivers/console/serial.h"
#include "kernel/arch_services.h"
#include "kernel/console.h"
#include "kernel/cpuhp.h"
#include "kernel/idle.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/residency.h"
#include "kernel/shell.h"
#include "kernel/shell_core.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "lib/json.h"
#include "lib/string.h"

#define SHELL_POLL_MS	50
#define RX_BUF		64

/*
 * The boot CPU's alone (see the theory); rx[] and rx_len are shared with
 * its interrupt handler, so the shell touches them with interrupts off.
 */
static struct {
	struct timer poll;
	uint8_t rx[RX_BUF];
	size_t rx_len;
	struct ps2kbd_decoder kbd;
	bool kbd_on;		/* a PS/2 controller answered */
	bool kbd_irq;		/* ... and IRQ 1 reaches us */
	bool polling;		/* no interrupt: the poll timer runs */
	bool stop_polling;
	enum shell_cmd last;	/* the command that stopped the shell */
} sh_k;

static uint64_t poll_jiffies(void)
{
	uint64_t j = SHELL_POLL_MS * 1000000ull / timer_tick_ns();

	return j ? j : 1;
}

/* The wake-up is the point: rx_ready() reads the FIFO after it. */
static void poll_fired(struct timer *t)
{
	if (!sh_k.stop_polling)
		timer_add(t, timer_jiffies() + poll_jiffies());
}

/*
 * Interrupts off: scancodes to bytes, as many codes as rx[] has room for
 * if each were the longest key, in one bounded read (a controller that
 * always says "byte waiting" cannot keep us here); what is left waits in
 * the controller (which then raises no new interrupt until it is read,
 * so rx_ready() reads it).
 */
static void drain_kbd(void)
{
	uint8_t codes[RX_BUF / PS2KBD_OUT_MAX];
	size_t n;

	if (!sh_k.kbd_on)
		return;
	n = ps2kbd_read(codes, (sizeof(sh_k.rx) - sh_k.rx_len) / PS2KBD_OUT_MAX);
	for (size_t i = 0; i < n; i++)
		sh_k.rx_len += ps2kbd_decode(&sh_k.kbd, codes[i], sh_k.rx + sh_k.rx_len);
}

/* Interrupts off: move what COM1 and the keyboard hold into rx[], as far as it fits. */
static void drain(void)
{
	unsigned long flags = console_lock();

	sh_k.rx_len += serial_read(sh_k.rx + sh_k.rx_len, sizeof(sh_k.rx) - sh_k.rx_len);
	console_unlock(flags);
	drain_kbd();
}

/* COM1's and the keyboard's interrupt, on the boot CPU. */
static void rx_irq(void)
{
	drain();
}

/* Interrupts off (idle_until). */
static bool rx_ready(void *arg)
{
	(void)arg;
	drain();
	return sh_k.rx_len > 0;
}

/* Take what was received, with interrupts off against rx_irq(). */
static size_t take_rx(uint8_t *buf)
{
	unsigned long flags = arch_irq_save();
	size_t n = sh_k.rx_len;

	memcpy(buf, sh_k.rx, n);
	sh_k.rx_len = 0;
	arch_irq_restore(flags);
	return n;
}

/* The PS/2 keyboard, if there is one: it feeds the same rx[]. */
static void start_kbd(void)
{
	enum ps2kbd_set set = PS2KBD_SET1;
	const char *why = "";

	sh_k.kbd_on = ps2kbd_init(&set, &why);
	if (!sh_k.kbd_on) {
		kprintf("shell: no PS/2 keyboard (%s)\n", why);
		return;
	}
	ps2kbd_decoder_init(&sh_k.kbd, set);
	sh_k.kbd_irq = pic_route_irq(PS2KBD_IRQ, rx_irq);
	kprintf("shell: PS/2 keyboard, scancode set %u, %s (%s)\n", set == PS2KBD_SET1 ? 1 : 2,
		sh_k.kbd_irq ? "IRQ 1" : "polled", why);
}

static void start_input(void)
{
	unsigned long flags;
	unsigned int irq;

	sh_k.rx_len = 0;
	sh_k.stop_polling = false;
	sh_k.polling = false;
	start_kbd();
	if (!serial_present())
		return;		/* a screen and a keyboard alone (docs/consoles.md) */
	/* the console's UART (docs/consoles.md): an MMIO one has no ISA IRQ */
	irq = serial_irq();
	sh_k.polling = !irq || !pic_route_irq(irq, rx_irq);
	if (sh_k.polling) {
		kprintf("shell: the serial console's interrupt (IRQ %u) cannot be routed; polling every %u ms\n",
			irq, SHELL_POLL_MS);
		timer_setup(&sh_k.poll, poll_fired, TIMER_PINNED);
		timer_add(&sh_k.poll, timer_jiffies() + poll_jiffies());
		return;
	}
	flags = console_lock();
	serial_rx_irq_enable();
	console_unlock(flags);
}

/* Every console: the screen ones move left on "\b" like a terminal. */
static void echo_all(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write(s, n);
}

static void print_lines(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	kprintf("%.*s", (int)n, s);
}

/* ---- commands ---- */

static const char *state_name(enum cpuhp_state s)
{
	return s == CPUHP_ONLINE ? "online" : s == CPUHP_PARKED ? "parked" : "absent";
}

static void cmd_cpus(void)
{
	uint32_t n = arch_cpu_count(), count[3] = { 0, 0, 0 };
	char states[TIMER_MAX_CPUS + 1];
	struct json_writer w;
	char buf[TIMER_MAX_CPUS + 160];

	if (n > TIMER_MAX_CPUS)
		n = TIMER_MAX_CPUS;
	kprintf("  cpu  state    apic  node\n");
	for (uint32_t cpu = 0; cpu < n; cpu++) {
		enum cpuhp_state s = cpuhp_state(cpu);

		kprintf("  %3u  %-7s  %4u  %4u\n", cpu, state_name(s), arch_cpu_hw_id(cpu),
			arch_cpu_node(cpu));
		count[s]++;
		states[cpu] = s == CPUHP_ONLINE ? 'o' : s == CPUHP_PARKED ? 'p' : 'a';
	}
	states[n] = '\0';
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "shell");
	json_str(&w, "cmd", "cpus");
	json_str(&w, "result", "ok");
	json_u64(&w, "cpus", n);
	json_u64(&w, "online", count[CPUHP_ONLINE]);
	json_u64(&w, "parked", count[CPUHP_PARKED]);
	json_u64(&w, "absent", count[CPUHP_ABSENT]);
	json_str(&w, "states", states);
	report_emit(json_end(&w));
}

static void cmd_updown(enum shell_cmd cmd, uint32_t cpu)
{
	enum cpuhp_err e = cmd == SHELL_UP ? cpu_up(cpu, CPUHP_SRC_SHELL) :
			   cpu_down(cpu, CPUHP_SRC_SHELL);
	struct json_writer w;
	char buf[256];

	/* cpuhp printed its line and record; this one closes the command */
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "shell");
	json_str(&w, "cmd", shell_cmd_name(cmd));
	json_u64(&w, "cpu", cpu);
	json_str(&w, "result", e == CPUHP_OK ? "ok" : e == CPUHP_NO_ANSWER ? "failed" : "refused");
	if (e != CPUHP_OK)
		json_str(&w, "why", cpuhp_err_name(e));
	else
		json_u64(&w, "us", cpuhp_last_us());
	json_str(&w, "state", state_name(cpuhp_state(cpu)));
	report_emit(json_end(&w));
}

static void cmd_tree(void)
{
	char why[160] = "";
	uint32_t bad;
	struct json_writer w;
	char buf[320];

	tmigr_dump(true);
	bad = tmigr_check_structure(why, sizeof(why));
	if (bad)
		kprintf("tree: %u structural violation(s), first: %s\n", bad, why);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "shell");
	json_str(&w, "cmd", "tree");
	json_str(&w, "result", "ok");
	json_u64(&w, "levels", tmigr_levels());
	json_u64(&w, "groups", tmigr_group_count());
	json_bool(&w, "has_root", tmigr_root() != NULL);
	json_u64(&w, "violations", bad);
	report_emit(json_end(&w));
}

struct export {
	uint64_t global_ns;
	bool expiring;
};

static void take_export(uint32_t cpu, uint64_t global_ns, bool expiring, void *arg)
{
	struct export *x = arg;

	(void)cpu;
	x->global_ns = global_ns;
	x->expiring = expiring;
}

/*
 * Per CPU: the timers pending on it now, pinned and global (a snapshot
 * under its base locks), the first global expiry it exports to the
 * hierarchy (its first GLOBAL timer when that comes before its first
 * pinned one), and what it armed, fired and deleted.  Those counters are
 * charged to the CPU that acted (kernel/timer.h), so only their sum says
 * how many are pending; the per-CPU counts say where.
 */
static void cmd_timers(void)
{
	uint32_t n = arch_cpu_count(), with_event = 0, pinned_all = 0, global_all = 0;
	uint64_t added = 0, fired = 0, deleted = 0, now = arch_now_ns();
	struct json_writer w;
	char buf[256];

	if (n > TIMER_MAX_CPUS)
		n = TIMER_MAX_CPUS;
	kprintf("  cpu  state    pinned  global        added        fired      deleted  next global (ms from now)\n");
	for (uint32_t cpu = 0; cpu < n; cpu++) {
		struct export x = { TIMER_NO_EVENT, false };
		struct timer_stats st;
		unsigned long flags;
		uint32_t pinned, global;

		timer_get_stats(cpu, &st);
		added += st.added;
		fired += st.fired;
		deleted += st.deleted;
		if (cpuhp_state(cpu) == CPUHP_ABSENT)
			continue;
		flags = arch_irq_save();
		timer_with_export(cpu, take_export, &x);
		arch_irq_restore(flags);
		timer_count_pending(cpu, &pinned, &global);
		pinned_all += pinned;
		global_all += global;
		kprintf("  %3u  %-7s %6u  %6u %12llu %12llu %12llu  ", cpu, state_name(cpuhp_state(cpu)),
			pinned, global, (unsigned long long)st.added, (unsigned long long)st.fired,
			(unsigned long long)st.deleted);
		if (x.global_ns == TIMER_NO_EVENT) {
			kprintf("-\n");
		} else {
			with_event++;
			kprintf("%lld%s\n", ((long long)(x.global_ns - now)) / 1000000,
				x.expiring ? " (expiring)" : "");
		}
	}
	kprintf("  pending (armed - fired - deleted, all CPUs): %llu\n",
		(unsigned long long)(added - fired - deleted));
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "shell");
	json_str(&w, "cmd", "timers");
	json_str(&w, "result", "ok");
	json_u64(&w, "pending", added - fired - deleted);
	json_u64(&w, "pending_pinned", pinned_all);
	json_u64(&w, "pending_global", global_all);
	json_u64(&w, "added", added);
	json_u64(&w, "fired", fired);
	json_u64(&w, "deleted", deleted);
	json_u64(&w, "cpus_with_global_event", with_event);
	report_emit(json_end(&w));
}

/*
 * A residency window of `seconds` on every CPU (kernel/residency.c): the
 * boot CPU sleeps through it, then the table and the residency records;
 * the shell's record closes it.
 */
static void cmd_residency(uint32_t seconds)
{
	struct json_writer w;
	bool done;
	char buf[160];

	kprintf("shell: measuring idle residency for %u s\n", seconds);
	done = residency_measure_ms((uint64_t)seconds * 1000);
	if (!done)
		kprintf("shell: a residency window is being measured already\n");
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "shell");
	json_str(&w, "cmd", "residency");
	json_str(&w, "result", done ? "ok" : "refused");
	json_u64(&w, "seconds", seconds);
	if (!done)
		json_str(&w, "why", "window_open");
	report_emit(json_end(&w));
}

static void record_ok(const char *cmd)
{
	struct json_writer w;
	char buf[128];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "shell");
	json_str(&w, "cmd", cmd);
	json_str(&w, "result", "ok");
	report_emit(json_end(&w));
}

/*
 * The start record says how input arrives: "irq" or "poll" (the
 * fallback), and the keyboard's way: "irq", "poll" or "none".
 */
static void record_start(void)
{
	struct json_writer w;
	char buf[128];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "shell");
	json_str(&w, "cmd", "start");
	json_str(&w, "result", "ok");
	json_str(&w, "input", sh_k.polling ? "poll" : "irq");
	json_str(&w, "keyboard", !sh_k.kbd_on ? "none" : sh_k.kbd_irq ? "irq" : "poll");
	report_emit(json_end(&w));
}

static bool run(void *ctx, enum shell_cmd cmd, uint32_t arg)
{
	(void)ctx;
	switch (cmd) {
	case SHELL_CPUS:
		cmd_cpus();
		break;
	case SHELL_UP:
	case SHELL_DOWN:
		cmd_updown(cmd, arg);
		break;
	case SHELL_TREE:
		cmd_tree();
		break;
	case SHELL_TIMERS:
		cmd_timers();
		break;
	case SHELL_RESIDENCY:
		cmd_residency(arg);
		break;
	case SHELL_POWEROFF:
	case SHELL_REBOOT:
		record_ok(shell_cmd_name(cmd));
		sh_k.last = cmd;
		return false;
	default:
		break;
	}
	return true;
}

/*
 * Every reset method in order (arch/x86_64/platform.c), each announced
 * by a record first: the last record before the machine goes says which
 * one worked.
 */
static void reboot(void)
{
	for (int m = 0; m < RESET_METHOD_NR; m++) {
		struct json_writer w;
		char buf[128];

		if (!platform_reset_has((enum reset_method)m)) {
			kprintf("shell: reset by %s not available (%s)\n",
				platform_reset_name((enum reset_method)m),
				platform_reset_absent_why((enum reset_method)m));
			continue;
		}
		kprintf("shell: resetting the machine (%s)\n",
			platform_reset_name((enum reset_method)m));
		json_begin(&w, buf, sizeof(buf));
		json_str(&w, "kind", "shell");
		json_str(&w, "cmd", "reset");
		json_str(&w, "result", "ok");
		json_str(&w, "method", platform_reset_name((enum reset_method)m));
		report_emit(json_end(&w));
		platform_reset_try((enum reset_method)m);
		kprintf("shell: reset by %s did not take effect\n",
			platform_reset_name((enum reset_method)m));
	}
	platform_reset();
}

static const struct shell_ops kernel_ops = { echo_all, print_lines, run, NULL };

void shell_run(void)
{
	static struct shell sh;
	uint8_t buf[RX_BUF];
	bool going = true;

	start_input();
	if (!serial_present() && !sh_k.kbd_on) {
		kprintf("shell: no serial console and no PS/2 keyboard; no shell\n");
		return;
	}
	kprintf("shell: type help for the commands\n");
	shell_init(&sh, &kernel_ops);
	sh_k.last = SHELL_NONE;
	record_start();
	shell_prompt(&sh);
	while (going) {
		size_t n;

		idle_until(rx_ready, NULL);
		n = take_rx(buf);
		for (size_t i = 0; i < n && going; i++)
			going = shell_feed(&sh, buf[i]);
	}
	if (sh_k.polling) {
		sh_k.stop_polling = true;
		timer_del_sync(&sh_k.poll);
	}
	if (sh_k.last == SHELL_REBOOT)
		reboot();
	if (sh_k.last == SHELL_POWEROFF)	/* on a real machine: ACPI S5 */
		kernel_set_end(KERNEL_END_POWEROFF);
}
