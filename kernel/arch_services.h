/*
 * arch_services: the narrow seam between portable code and the machine.
 *
 * Portable subsystems (parsers, locks, later the timer wheel and the
 * migration hierarchy) include this header and nothing from arch/.  It
 * selects one implementation at compile time:
 *
 *   kernel build   arch/x86_64/arch_impl.h   (real CPU: cli/sti, pause)
 *   host build     tests/host/host_arch.h    (pthreads play CPUs)
 *
 * Each implementation provides, as static inline functions or macros:
 *
 *   void arch_cpu_relax(void)                 spin-wait hint
 *   unsigned long arch_irq_save(void)         disable interrupts, return old state
 *   void arch_irq_restore(unsigned long)      restore what arch_irq_save returned
 */
#ifndef PULLKERN_ARCH_SERVICES_H
#define PULLKERN_ARCH_SERVICES_H

#ifdef PULLKERN_HOST
#include "host_arch.h"
#else
#include "arch/x86_64/arch_impl.h"
#endif

#endif
