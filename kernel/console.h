/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * console: where kernel text goes (a UART, VGA text, a linear framebuffer).
 *
 * Boot brings consoles up in stages as it learns about the machine:
 *
 *   console_init_early()          COM1 (if a UART answers) and VGA text
 *   console_choose()              the serial console found (docs/consoles.md)
 *   console_disable_vga()         booted via UEFI: there is no 0xB8000
 *   console_use_ega_text()        GRUB framebuffer tag, type 2 (EGA text)
 *   console_attach_framebuffer()  GRUB framebuffer tag, type 1 (direct RGB)
 *
 * Every write goes to every active console under one irq-safe lock.  The
 * lock/unlock/write_locked trio exists for kernel/printk.c, which formats a
 * whole message under one acquisition; other code calls console_write().
 */
#ifndef PULLKERN_CONSOLE_H
#define PULLKERN_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A multiboot2 framebuffer of type 1 (direct RGB), as GRUB reported it. */
struct fb_desc {
	uint64_t phys;
	uint32_t pitch, width, height;	/* pitch in bytes, sizes in pixels */
	uint8_t bpp;			/* only 24 and 32 are accepted */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* COM1 if a UART answers, plus VGA text at 0xB8000 unless disabled. */
void console_init_early(void);

struct acpi_spcr;

/*
 * Once the options and the ACPI tables are known: choose the serial
 * console (console=, else the SPCR's UART, else the first of COM1-COM4
 * that answers, else none) and switch to it from the early COM1, with a
 * line naming it and how it was found, and one per failed probe.
 * spcr may be NULL (no ACPI); overlaps_ram (may be NULL) says whether a
 * physical range touches memory, where no MMIO UART may be.
 */
void console_choose(const struct acpi_spcr *spcr,
		    bool (*overlaps_ram)(uint64_t phys, uint64_t len));

/* How the serial console was found: "early", "console=", "spcr", "probe", "none". */
const char *console_serial_found(void);

/* Never touch 0xB8000 or the VGA CRTC again (UEFI has no VGA text). */
void console_disable_vga(void);

/* Text mode at `phys`, cols x rows cells of 2 bytes (GRUB type 2). */
void console_use_ega_text(uint64_t phys, uint32_t cols, uint32_t rows);

/*
 * Draw text on a direct-RGB framebuffer (GRUB type 1).  Returns false,
 * with a message on the other consoles, when it cannot be used.  Either
 * way VGA text is switched off: the display is in a graphics mode.
 */
bool console_attach_framebuffer(const struct fb_desc *fb);

/* Write n bytes to every console, atomically with respect to other CPUs. */
void console_write(const char *s, size_t n);

/*
 * Fatal path: wait a bounded time for the console lock, then ignore it for
 * the rest of the kernel's life so a CPU that died holding it cannot
 * silence the diagnostics.
 */
void console_panic_mode(void);

/* Active consoles for the boot report: "serial,vga", "serial,fb", ... */
const char *console_names(void);

/* For kernel/printk.c: several writes under one lock acquisition. */
unsigned long console_lock(void);
void console_write_locked(const char *s, size_t n);
void console_unlock(unsigned long flags);

#endif
