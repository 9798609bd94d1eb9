/*
 * arch_impl: the kernel's implementation of kernel/arch_services.h.
 * Included only through that header.
 */
#ifndef PULLKERN_ARCH_IMPL_H
#define PULLKERN_ARCH_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"

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

static inline uint32_t arch_cpu_id(void)
{
	return this_cpu_id();
}

/* arch/x86_64/clock.c: TSC scaled to ns, corrected by this CPU's measured skew. */
uint64_t arch_now_ns(void);

/* arch/x86_64/clock.c: IPI VEC_IPI_WAKE to `cpu`. */
void arch_kick_cpu(uint32_t cpu);

__attribute__((noreturn, format(printf, 1, 2)))
void arch_bug(const char *fmt, ...);

/* arch/x86_64/smpboot.c: INIT/SIPI `cpu` into entry(arg); false if it did not answer. */
bool arch_cpu_start(uint32_t cpu, void (*entry)(void *arg), void *arg);

/* arch/x86_64/smpboot.c: this CPU stops for good, until arch_cpu_start() again. */
__attribute__((noreturn)) void arch_cpu_park(void);

#endif
