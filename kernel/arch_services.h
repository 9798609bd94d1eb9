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
 * Each implementation provides (static inline functions, macros, or
 * functions defined in its own .c file):
 *
 *   void arch_cpu_relax(void)                 spin-wait hint
 *   unsigned long arch_irq_save(void)         disable interrupts, return old state
 *   void arch_irq_restore(unsigned long)      restore what arch_irq_save returned
 *   uint64_t arch_now_ns(void)                monotonic ns, the same clock on every
 *                                             CPU (to within a small, reported skew)
 *   uint32_t arch_cpu_id(void)                this CPU's dense number
 *   void arch_kick_cpu(uint32_t cpu)          make `cpu` leave HLT and re-evaluate
 *                                             its next event (an IPI)
 *   void arch_bug(const char *fmt, ...)       a kernel bug found by a debug check:
 *                                             the kernel panics; host tests record
 *                                             it and may continue
 *   bool arch_cpu_start(uint32_t cpu,         start `cpu` (never started, or parked)
 *        void (*entry)(void *), void *arg)    running entry(arg) on its own stack,
 *                                             interrupts off; false if it did not
 *                                             come up within the start timeout.
 *                                             One start at a time; kernel build
 *                                             only (no host caller).  x86: INIT,
 *                                             SIPI, SIPI (SDM Vol. 3A §9.4.4.1)
 *   void arch_cpu_park(void)                  this CPU stops for good: interrupts
 *                                             off, event device masked, halted
 *                                             until arch_cpu_start() again.  The
 *                                             caller has left the hierarchy and
 *                                             holds nothing.  x86: INIT resets a
 *                                             halted CPU into wait-for-SIPI (SDM
 *                                             Vol. 3A §9.4, §11.6.1); kernel only
 */
#ifndef PULLKERN_ARCH_SERVICES_H
#define PULLKERN_ARCH_SERVICES_H

#ifdef PULLKERN_HOST
#include "host_arch.h"
#else
#include "arch/x86_64/arch_impl.h"
#endif

#endif
