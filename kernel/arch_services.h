/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arch_services: the narrow seam between portable code and the machine.
 *
 * The portable core (parsers, locks, the timer wheel, the migration
 * hierarchy, idle, the tick and the work queues) includes this header and
 * nothing from arch/ or drivers/.  It selects one implementation at
 * compile time:
 *
 *   kernel build   arch/x86_64/arch_impl.h   (real CPU: cli/sti, hlt, LAPIC)
 *   host build     tests/host/host_arch.h    (pthreads play CPUs)
 *
 * Each implementation provides (static inline functions, macros, or
 * functions defined in its own .c files):
 *
 *   void arch_cpu_relax(void)                 spin-wait hint
 *   unsigned long arch_irq_save(void)         disable interrupts, return old state
 *   void arch_irq_restore(unsigned long)      restore what arch_irq_save returned
 *   void arch_irq_disable(void)               interrupts off on this CPU
 *   void arch_irq_enable(void)                interrupts on on this CPU
 *   uint64_t arch_now_ns(void)                monotonic ns, the same clock on every
 *                                             CPU (to within a small, reported skew)
 *   uint64_t arch_cycles(void)                this CPU's cycle counter (the TSC):
 *                                             residency and cost statistics only,
 *                                             never compared across CPUs
 *   uint32_t arch_cpu_id(void)                this CPU's dense number
 *   void arch_bug(const char *fmt, ...)       a kernel bug found by a debug check:
 *                                             the kernel panics; host tests record
 *                                             it and may continue
 *
 * The per-CPU event device (the LAPIC timer on x86-64), one one-shot per CPU:
 *
 *   void arch_event_set_handler(void (*fn)(void))
 *                                             once, before any CPU programs an
 *                                             event: fn runs on the CPU whose
 *                                             event fired, interrupts off, after
 *                                             arch acknowledged the interrupt (so
 *                                             fn may program the next event)
 *   void arch_event_program(uint64_t deadline_ns)
 *                                             this CPU, interrupts off: one event
 *                                             once arch_now_ns() reaches deadline_ns,
 *                                             replacing the programmed one.  A
 *                                             deadline already past fires at once,
 *                                             it is never dropped.  It may fire
 *                                             early (a device range shorter than
 *                                             the delay): the kernel decides again
 *                                             after every interrupt and re-programs.
 *                                             UINT64_MAX means never (a stop)
 *   void arch_event_stop(void)                this CPU: no event until the next
 *                                             arch_event_program()
 *
 * Inter-processor interrupts, two kinds, each with a kernel handler:
 *
 *   ARCH_IPI_WAKE                             end the target's halt so it
 *                                             re-evaluates its next event
 *   ARCH_IPI_CALL                             the target has work queued
 *   void arch_ipi_set_handler(enum arch_ipi kind, void (*fn)(void))
 *                                             once, before any IPI of that kind
 *                                             is sent: fn runs on the target,
 *                                             interrupts off, after arch's EOI
 *   void arch_send_ipi(uint32_t cpu, enum arch_ipi kind)
 *                                             any CPU, any context; to another CPU
 *   void arch_kick_cpu(uint32_t cpu)          arch_send_ipi(cpu, ARCH_IPI_WAKE)
 *
 * Other interrupts:
 *
 *   void arch_irq_set_other_handler(void (*fn)(uint32_t vector))
 *                                             once, at boot: fn runs on the CPU
 *                                             that took an interrupt no kernel
 *                                             handler claims (an unexpected
 *                                             vector, a spurious or an APIC
 *                                             error interrupt), interrupts off,
 *                                             after arch handled it; only to
 *                                             name it (idle's wake-up causes)
 *   bool arch_irq_attach_gsi(uint32_t gsi, bool level, bool active_low,
 *        void (*fn)(uint32_t vector))         kernel build only: route global
 *                                             system interrupt `gsi` (x86: an
 *                                             I/O APIC input, the MADT's
 *                                             numbering) to a vector of its own
 *                                             on the boot CPU; fn runs there,
 *                                             interrupts off, BEFORE arch
 *                                             acknowledges it, so a level-
 *                                             triggered fn must quiet its source
 *                                             first.  False (nothing changed)
 *                                             if no controller has that input
 *
 * Halting:
 *
 *   void arch_idle_halt(void)                 called with interrupts off: enable
 *                                             them and sleep in one atomic step
 *                                             (STI;HLT), so an interrupt already
 *                                             pending, or arriving after the
 *                                             caller's last check, ends the sleep
 *                                             at once; returns with interrupts off,
 *                                             after the waking interrupt's handler
 *                                             ran, in every idle state (below);
 *                                             idle=poll spins with interrupts
 *                                             on until an interrupt was taken
 *
 * Idle states (docs/idle-states.md), for reports:
 *
 *   uint32_t arch_idle_state_count(void)      the states this machine offers,
 *                                             numbered 0 .. count-1
 *   const char *arch_idle_state_name(uint32_t i)
 *                                             "hlt", "poll", "mwait_c6", ...
 *   bool arch_idle_state_sleeps(uint32_t i)   false for poll
 *   uint32_t arch_idle_state(void)            the state this CPU's next
 *                                             arch_idle_halt() enters (after
 *                                             any fall-back)
 *   const char *arch_idle_fallback(void)      NULL, or why idle= was not
 *                                             granted as asked (refused at
 *                                             boot, or the first CPU's fall-
 *                                             back at run time)
 *
 * Starting and stopping CPUs:
 *
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
 *
 * Hardware counters (kernel/hw_counters.h, docs/hw-counters.md):
 *
 *   void arch_hw_counters_read(struct hw_counters *out)
 *                                             this CPU, interrupts off: its own
 *                                             counters (and its package's), the
 *                                             energy ones widened to 64 bits;
 *                                             valid says which were read (the
 *                                             TSC always).  Never touches
 *                                             another CPU
 *   const char *arch_hw_counter_status(enum hw_counter c)
 *                                             NULL if c is read on this
 *                                             machine, else a short reason:
 *                                             "not in CPUID", "not on this
 *                                             model", "#GP on rdmsr", ...
 *   uint64_t arch_hw_energy_nj(enum hw_counter c, uint64_t units)
 *                                             an energy counter's units in nJ
 *   uint64_t arch_tsc_khz(void)               the cycle counter's rate
 *
 * Parking and hot-add (docs/cpus.md §7.5, §7.7; kernel build only, called
 * by kernel/cpuhp.c):
 *
 *   void arch_cpu_park_wait(void (*parked)(void *), void *arg)
 *                                             this CPU, holding nothing, out of
 *                                             the hierarchy, its timers moved:
 *                                             interrupts off, event device
 *                                             stopped and masked, then
 *                                             parked(arg) (the kernel announces
 *                                             the park), then a sleep that takes
 *                                             no interrupt until
 *                                             arch_cpu_unpark(); returns with
 *                                             interrupts off, the event device
 *                                             stopped.  x86: HLT with IF clear,
 *                                             ended by an NMI, never INIT
 *   bool arch_cpu_unpark(uint32_t cpu)        end that sleep (x86: an NMI IPI);
 *                                             false if `cpu` is not parked
 *   uint64_t arch_cpu_parked_irqs(uint32_t cpu)
 *                                             interrupts `cpu` took while
 *                                             parked, its unpark wake excluded
 *                                             (stays 0: anything else is a bug)
 *   uint32_t arch_cpu_count(void)             CPUs numbered (possible ones)
 *   uint32_t arch_cpu_hw_id(uint32_t cpu)     its hardware ID (x86: APIC ID)
 *   uint32_t arch_cpu_node(uint32_t cpu)      its NUMA node (SRAT; 0 without)
 *   bool arch_cpu_running(uint32_t cpu)       started and not stopped for good
 *                                             (online or parked)
 *   bool arch_cpu_sync_clock(uint32_t cpu, run_on)
 *                                             measure the clock offset of a
 *                                             CPU just started, running its
 *                                             half through run_on(cpu, fn, arg)
 *                                             (queue fn on it and return);
 *                                             false if it did not answer
 */
#ifndef PULLKERN_ARCH_SERVICES_H
#define PULLKERN_ARCH_SERVICES_H

/* The IPI kinds the kernel sends (see above). */
enum arch_ipi {
	ARCH_IPI_WAKE,
	ARCH_IPI_CALL,
	ARCH_IPI_NR
};

#ifdef PULLKERN_HOST
#include "host_arch.h"
#else
#include "arch/x86_64/arch_impl.h"
#endif

#endif
