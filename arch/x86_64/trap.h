/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trap: CPU exceptions (vectors 0-31).
 */
#ifndef PULLKERN_ARCH_TRAP_H
#define PULLKERN_ARCH_TRAP_H

#include "arch/x86_64/idt.h"

void trap_exception(struct trap_frame *f);
const char *trap_name(uint64_t vector);

#endif
