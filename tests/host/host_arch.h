/*
 * host_arch: arch services for host test programs, where pthreads play CPUs.
 * There are no interrupts on the host, so irq save/restore only keep a token.
 */
#ifndef PULLKERN_HOST_ARCH_H
#define PULLKERN_HOST_ARCH_H

static inline void arch_cpu_relax(void)
{
	__builtin_ia32_pause();
}

static inline unsigned long arch_irq_save(void)
{
	return 0;
}

static inline void arch_irq_restore(unsigned long flags)
{
	(void)flags;
}

#endif
