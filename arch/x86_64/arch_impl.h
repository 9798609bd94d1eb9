/*
 * arch_impl: the kernel's implementation of kernel/arch_services.h.
 * Included only through that header.
 */
#ifndef PULLKERN_ARCH_IMPL_H
#define PULLKERN_ARCH_IMPL_H

#include "arch/x86_64/cpu.h"

static inline void arch_cpu_relax(void)
{
	cpu_pause();
}

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags = read_rflags();

	irq_disable();
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		irq_enable();
}

#endif
