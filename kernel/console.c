// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * console: where kernel text goes, and the one lock that orders it.
 *
 * Theory.  Three backends, each optional, all fed the same bytes in this
 * order (serial first: it is what the test harness reads):
 *
 *   console_write ─► [console lock] ─┬─► serial   the console's UART, if any
 *                                    ├─► vga_text 0xB8000 or GRUB's EGA text
 *                                    └─► fbcon    GRUB's direct-RGB framebuffer
 *
 * Boot learns about the machine in stages, so consoles come and go:
 * console_init_early() starts COM1 and VGA text; once the multiboot2 info
 * is read, console_disable_vga() (UEFI: there is no VGA text, and the
 * legacy window would scribble on the GOP framebuffer), or
 * console_use_ega_text() / console_attach_framebuffer() for GRUB's
 * framebuffer tag.  Attaching a graphics framebuffer always switches VGA
 * text off, usable or not: the display is in a graphics mode, where
 * writes to 0xB8000 land as garbage in video memory.
 *
 * The serial console is found, not assumed (docs/consoles.md).  Once the
 * options and the ACPI tables are known, console_choose() picks its UART:
 * the one console= names, else the one the SPCR table names, else the
 * first of COM1-COM4 that answers the probe, else none; console=fb or
 * console=vga asks for the screen alone.  A choice that does not answer
 * falls through to the next way, each failure one line.  The lines are
 * kept while the lock is held (kprintf takes it) and printed after the
 * switch, so they reach the consoles that work, the new UART included;
 * one line before the switch tells the early COM1 where output went.
 *
 * Locking and ordering.  One ticket lock (kernel/spinlock.h), taken with
 * interrupts off because interrupt handlers print.  It guards every
 * backend's state and the `active` set.  kernel/printk.c formats a whole
 * message under one acquisition (console_lock / console_write_locked /
 * console_unlock) so lines from different CPUs never interleave.  Nothing
 * here calls kprintf() with the lock held (it is not recursive): messages
 * are printed before it is taken.
 *
 * Panic mode.  A CPU that faults while holding the lock must not deadlock
 * its own diagnostics, so console_panic_mode() tries the lock a bounded
 * number of times, then sets `panic` and from then on nobody takes or
 * releases the lock again.  A CPU already queued on the ticket lock at
 * that moment keeps waiting until panic() stops it with an NMI or the run
 * exits; that is the one wait here without a bound, and only on a dying
 * machine.
 *
 * Known races, all in panic mode only:
 *  1. CPUs that panic() has not stopped yet print without the lock, so
 *     their text may interleave with the panic report for a few
 *     microseconds.  Accepted: muting them instead could swallow the
 *     final report of a CPU that panics just after another faulted.
 *  2. If the lock holder is alive but slow when the wait times out, two
 *     CPUs drive the same backend at once.  Each backend reads its cursor
 *     into locals and bounds-checks it before use, so the damage is
 *     garbled text, never a write outside the screen.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/paging.h"
#include "drivers/console/fbcon.h"
#include "drivers/console/serial.h"
#include "drivers/console/vga_text.h"
#include "kernel/acpi_spcr.h"
#include "kernel/arch_services.h"
#include "kernel/console.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/format.h"
#include "lib/string.h"

#define CON_SERIAL	0x1
#define CON_VGA		0x2
#define CON_FB		0x4

/*
 * ~10^7 pause loops: tens of milliseconds on hardware, about a second
 * under TCG; far longer than any legitimate holder needs.
 */
#define PANIC_LOCK_TRIES	10000000

/*
 * console_lock() sets this bit in the value it returns when it did not
 * take the lock (panic mode).  RFLAGS bit 63 is reserved and reads 0, so
 * it cannot collide with the saved interrupt state.
 */
#define TOKEN_UNLOCKED	(1ul << 63)

/* Identity map limit of the boot page tables (arch/x86_64/paging.h). */
#define BOOT_MAP_LIMIT	(4ull << 30)

static struct {
	struct spinlock lock;
	unsigned int active;	/* CON_* bits; under lock */
	bool no_vga;		/* console_disable_vga() called; under lock */
	bool panic;		/* set once, never cleared; relaxed atomics */
	const char *found;	/* how the serial console was found; boot CPU only */
} con = { .lock = SPINLOCK_INIT, .found = "early" };

unsigned long console_lock(void)
{
	unsigned long flags = arch_irq_save();

	/* relaxed: the flag publishes no data, it only says "skip the lock" */
	if (__atomic_load_n(&con.panic, __ATOMIC_RELAXED))
		return flags | TOKEN_UNLOCKED;
	spin_lock(&con.lock);
	return flags;
}

void console_unlock(unsigned long flags)
{
	if (!(flags & TOKEN_UNLOCKED))
		spin_unlock(&con.lock);
	arch_irq_restore(flags & ~TOKEN_UNLOCKED);
}

void console_write_locked(const char *s, size_t n)
{
	/* each backend ignores writes while it is not set up */
	serial_write(s, n);
	vga_text_write(s, n);
	fbcon_write(s, n);
}

void console_write(const char *s, size_t n)
{
	unsigned long flags = console_lock();

	console_write_locked(s, n);
	console_unlock(flags);
}

void console_init_early(void)
{
	unsigned long flags = console_lock();

	if (serial_init())
		con.active |= CON_SERIAL;
	else
		con.found = "none";
	if (!con.no_vga) {
		/* 0xB8000 is inside the boot identity map */
		vga_text_init((volatile uint16_t *)(uintptr_t)VGA_TEXT_PHYS,
			      VGA_TEXT_COLS, VGA_TEXT_ROWS, true);
		con.active |= CON_VGA;
	}
	console_unlock(flags);
}

static void stop_vga(void)
{
	unsigned long flags = console_lock();

	con.no_vga = true;
	con.active &= ~CON_VGA;
	vga_text_disable();
	console_unlock(flags);
}

void console_disable_vga(void)
{
	stop_vga();
}

void console_use_ega_text(uint64_t phys, uint32_t cols, uint32_t rows)
{
	uint64_t len = (uint64_t)cols * rows * 2;
	volatile uint16_t *cells;
	unsigned long flags;

	if (phys == 0 || (phys & 1) || !vga_text_geometry_ok(cols, rows)) {
		kprintf("console: EGA text %ux%u at %#llx is unusable, "
			"ignored\n", cols, rows, (unsigned long long)phys);
		return;
	}
	if (phys + len <= BOOT_MAP_LIMIT)
		cells = (volatile uint16_t *)(uintptr_t)phys;
	else
		cells = paging_map_mmio(phys, len);
	if (!cells) {
		kprintf("console: cannot map EGA text at %#llx, ignored\n",
			(unsigned long long)phys);
		return;
	}
	flags = console_lock();
	/* an explicit text mode from GRUB overrides console_disable_vga() */
	con.no_vga = false;
	vga_text_init(cells, cols, rows, phys == VGA_TEXT_PHYS);
	con.active |= CON_VGA;
	console_unlock(flags);
}

bool console_attach_framebuffer(const struct fb_desc *fb)
{
	unsigned long flags;
	void *base;

	stop_vga();
	if (!fb || !fbcon_check(fb)) {
		kprintf("console: framebuffer not used for text\n");
		return false;
	}
	base = paging_map_mmio(fb->phys, (uint64_t)fb->pitch * fb->height);
	if (!base) {
		kprintf("console: cannot map framebuffer at %#llx, not used\n",
			(unsigned long long)fb->phys);
		return false;
	}
	flags = console_lock();
	fbcon_init(fb, base);
	con.active |= CON_FB;
	console_unlock(flags);
	return true;
}

void console_panic_mode(void)
{
	long i;

	/* a second call (trap handler, then panic()) must not wait again */
	if (__atomic_load_n(&con.panic, __ATOMIC_RELAXED))
		return;
	for (i = 0; i < PANIC_LOCK_TRIES; i++) {
		/* another CPU finished this already: the lock is dead */
		if (__atomic_load_n(&con.panic, __ATOMIC_RELAXED))
			return;
		/* on success the lock is simply never released */
		if (spin_trylock(&con.lock))
			break;
		arch_cpu_relax();
	}
	/* relaxed: see console_lock(); nothing is published through it */
	__atomic_store_n(&con.panic, true, __ATOMIC_RELAXED);
}

const char *console_names(void)
{
	static const char *const names[8] = {
		[0] = "none",
		[CON_SERIAL] = "serial",
		[CON_VGA] = "vga",
		[CON_SERIAL | CON_VGA] = "serial,vga",
		[CON_FB] = "fb",
		[CON_SERIAL | CON_FB] = "serial,fb",
		[CON_VGA | CON_FB] = "vga,fb",
		[CON_SERIAL | CON_VGA | CON_FB] = "serial,vga,fb",
	};
	unsigned long flags = console_lock();
	unsigned int active = con.active;

	console_unlock(flags);
	return names[active & 7];
}

/* --- choosing the serial console ------------------------------------------ */

/* Lines console_choose() prints once the switch is made. */
#define CHOOSE_LINES	8
#define CHOOSE_LINE_MAX	128

struct choice {
	struct uart uart;	/* the winner, or not present */
	const char *found;	/* "console=", "spcr", "probe", "none" */
	unsigned int nlines;
	char lines[CHOOSE_LINES][CHOOSE_LINE_MAX];
};

static void note(struct choice *c, const char *what, const struct uart_desc *d,
		 const char *why)
{
	char name[48];

	if (c->nlines == CHOOSE_LINES)
		return;
	uart_describe(d, name, sizeof(name));
	fmt_snprintf(c->lines[c->nlines++], CHOOSE_LINE_MAX,
		     "console: %s %s: %s\n", what, name, why);
}

/*
 * The registers of a memory-mapped UART (NULL for port I/O, or with *why
 * set when they cannot be used), mapped before the console lock is taken:
 * paging may print.  Registers over RAM are refused unmapped: a probe
 * writes them, and a bad address from the SPCR or console= must not
 * scribble on memory the kernel uses.
 */
static volatile void *map_regs(const struct uart_desc *d,
			       bool (*overlaps_ram)(uint64_t, uint64_t),
			       const char **why)
{
	volatile void *regs;

	if (d->access == UART_IO)
		return NULL;
	if (overlaps_ram && overlaps_ram(d->addr, uart_span(d))) {
		*why = "registers overlap RAM";
		return NULL;
	}
	regs = paging_map_mmio(d->addr, uart_span(d));
	if (!regs)
		*why = "registers cannot be mapped";
	return regs;
}

static bool try_uart(struct choice *c, const char *what, const struct uart_desc *d,
		     volatile void *regs, const char *map_why, const char *found)
{
	const char *why = map_why;

	if ((d->access == UART_IO || regs) && uart_probe(&c->uart, d, regs, &why)) {
		c->found = found;
		return true;
	}
	c->uart.present = false;
	note(c, what, d, why);
	return false;
}

/* What console= asks for: a UART (*d), the screen alone, or nothing usable. */
enum console_ask { ASK_AUTO, ASK_UART, ASK_SCREEN };

static enum console_ask parse_ask(const char *opt, struct uart_desc *d)
{
	const char *why;

	if (!opt)
		return ASK_AUTO;
	if (!strcmp(opt, "fb") || !strcmp(opt, "vga"))
		return ASK_SCREEN;
	if (uart_parse_option(opt, d, &why))
		return ASK_UART;
	kprintf("console: console=%s not understood (%s); choosing automatically\n",
		opt, why);
	return ASK_AUTO;
}

/* A UART to try, its registers mapped (memory) and why not (NULL: mapped). */
struct candidate {
	const struct uart_desc *d;
	volatile void *regs;
	const char *why;
};

static void choose_locked(struct choice *c, enum console_ask ask,
			  const struct candidate *asked,
			  const struct candidate *spcr)
{
	struct uart_desc com;

	c->uart.present = false;
	c->nlines = 0;
	c->found = "none";
	if (ask == ASK_SCREEN) {
		c->found = "console=";
		return;
	}
	if (ask == ASK_UART && try_uart(c, "console= names", asked->d,
					asked->regs, asked->why, "console="))
		return;
	if (spcr->d && try_uart(c, "the SPCR names", spcr->d, spcr->regs,
				spcr->why, "spcr"))
		return;
	for (unsigned int i = 0; i < UART_COM_PORTS; i++) {
		uart_com_desc(i, 115200, &com);
		if (try_uart(c, "probe of", &com, NULL, NULL, "probe"))
			return;
	}
}

static void say_choice(const struct choice *c, const char *old_name)
{
	static const char *const how[][2] = {
		{ "console=", "the option console=" },
		{ "spcr", "the firmware's SPCR table" },
		{ "probe", "probing COM1-COM4" },
	};
	const char *by = c->found;
	char name[48];

	if (!c->uart.present) {
		kprintf("console: no serial console: %s\n",
			strcmp(c->found, "console=") ?
			"no UART answered; screen only" :
			"console= asks for the screen alone");
		return;
	}
	for (size_t i = 0; i < sizeof(how) / sizeof(how[0]); i++)
		if (!strcmp(how[i][0], c->found))
			by = how[i][1];
	uart_describe(&c->uart.d, name, sizeof(name));
	if (!strcmp(name, old_name))
		kprintf("console: serial console %s, chosen by %s (the early console)\n",
			name, by);
	else
		kprintf("console: serial console %s, chosen by %s%s%s\n", name,
			by, old_name[0] ? "; the early console was " : "",
			old_name);
}

/* The early console hears where the output went. */
static void tell_early(const struct uart_desc *old, const struct choice *c,
		       enum console_ask ask)
{
	char name[48];

	if (!old)
		return;
	if (!c->uart.present) {
		kprintf("console: serial output ends here: %s\n",
			ask == ASK_SCREEN ? "console= asks for the screen alone" :
			"no UART answered");
		return;
	}
	if (old->access == c->uart.d.access && old->addr == c->uart.d.addr)
		return;
	uart_describe(&c->uart.d, name, sizeof(name));
	kprintf("console: output moves to %s\n", name);
}

static void switch_serial(const struct choice *c)
{
	unsigned long flags = console_lock();

	serial_switch(&c->uart);
	if (c->uart.present)
		con.active |= CON_SERIAL;
	else
		con.active &= ~CON_SERIAL;
	con.found = c->found;
	console_unlock(flags);
}

void console_choose(const struct acpi_spcr *spcr,
		    bool (*overlaps_ram)(uint64_t phys, uint64_t len))
{
	static struct choice c;	/* boot CPU, once: off the small boot stack */
	const struct uart_desc *old = serial_desc();
	char old_name[48] = "";
	struct uart_desc asked_d;
	struct candidate asked = { .d = &asked_d }, firmware = { 0 };
	enum console_ask ask;
	unsigned long flags;

	ask = parse_ask(option_str("console"), &asked_d);
	if (ask == ASK_UART)
		asked.regs = map_regs(&asked_d, overlaps_ram, &asked.why);
	if (ask != ASK_SCREEN && spcr && spcr->ok) {
		firmware.d = &spcr->uart;
		firmware.regs = map_regs(firmware.d, overlaps_ram, &firmware.why);
	}
	if (old)
		uart_describe(old, old_name, sizeof(old_name));

	flags = console_lock();
	serial_drain();		/* a probe of the same UART clears its FIFO */
	choose_locked(&c, ask, &asked, &firmware);
	console_unlock(flags);

	tell_early(old, &c, ask);
	switch_serial(&c);

	for (unsigned int i = 0; i < c.nlines; i++)
		kprintf("%s", c.lines[i]);
	say_choice(&c, old ? old_name : "");
}

const char *console_serial_found(void)
{
	return con.found;
}
