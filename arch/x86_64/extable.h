/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * extable: instructions allowed to fault, and the fault-tolerant MSR
 * accessors built on them (arch/x86_64/msr_safe.S, extable.c).
 */
#ifndef PULLKERN_ARCH_EXTABLE_H
#define PULLKERN_ARCH_EXTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/idt.h"

/* RDMSR/WRMSR that return false on #GP instead of panicking; *val untouched then. */
bool rdmsr_safe(uint32_t msr, uint64_t *val);
bool wrmsr_safe(uint32_t msr, uint64_t val);

/*
 * trap.c, on an exception: if f->rip is an instruction of the table and
 * the exception is #GP, move f->rip to its fix-up and return true (the
 * exception is handled); else false.
 */
bool extable_fixup(struct trap_frame *f);

/* Faults fixed up so far, all CPUs. */
uint64_t extable_fixups(void);

/*
 * Boot CPU, once, IDT loaded: make instructions of the table fault on
 * purpose and check each came back through its fix-up.  Prints a line
 * and an `@report {"kind":"extable_selftest",...}` record; false if one
 * was not caught.
 */
bool extable_selftest(void);

#endif
