/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fbcon: text on a direct-RGB linear framebuffer, with the built-in font.
 *
 * Portable: no x86 header, so the host tests draw into a memory buffer.
 * kernel/console.c validates with fbcon_check() (outside the console lock:
 * it prints), maps the memory, then calls fbcon_init() and fbcon_write()
 * under the console lock.
 */
#ifndef PULLKERN_FBCON_H
#define PULLKERN_FBCON_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/console.h"

/* Text grid limits: larger screens use their top-left part. */
#define FBCON_MAX_COLS	512
#define FBCON_MAX_ROWS	160

/* True if we can draw on fb; otherwise say why with kprintf(). */
bool fbcon_check(const struct fb_desc *fb);

/*
 * Draw on the framebuffer described by fb (which passed fbcon_check) whose
 * first byte is at `base`; clears the screen.
 */
void fbcon_init(const struct fb_desc *fb, void *base);

/* Stop drawing: later writes do nothing. */
void fbcon_disable(void);

void fbcon_write(const char *s, size_t n);

#endif
