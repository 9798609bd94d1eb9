/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_arch: arch services for host test programs, where pthreads play CPUs.
 *
 * The clock is a test-controlled nanosecond counter (host_clock_set_ns,
 * host_clock_advance_ns), so tests are deterministic; host_clock_use_real()
 * switches to CLOCK_MONOTONIC for stress runs.  arch_cpu_id() is a
 * thread-local number set by host_set_cpu() (0 until then): single-threaded
 * tests switch "CPUs" by calling it, threaded ones call it once per thread.
 * There are no interrupts on the host: irq save/restore keep a thread-local
 * "interrupts off" flag so tests can check where code runs with them off.
 * arch_kick_cpu() counts kicks per CPU; arch_bug() records the formatted
 * message and returns, so a test can assert on a debug check and continue.
 * Everything here is safe to call from several threads (relaxed atomics for
 * counters and the clock, a mutex for the last bug message).
 *
 * Interrupts.  Each CPU has pending flags (wake IPI, call IPI, event) and a
 * programmed event deadline.  arch_send_ipi() sets the target's flag;
 * arch_event_program() records the deadline, or sets the event flag at
 * once when the deadline has already been reached (a past deadline fires,
 * it is never dropped); host_event_fire() sets it when the test's clock
 * has reached the deadline.  Pending interrupts are taken, i.e. the
 * kernel's registered handlers run with interrupts off, at three places
 * only: arch_idle_halt(), arch_irq_enable(), and host_irq_poll() (which the
 * deterministic scheduler calls at yield points reached with interrupts
 * on).  arch_irq_restore() does not take them: the kernel's lock paths
 * restore a state that was on only outside the idle loop's window.
 * arch_idle_halt() returns at once when an interrupt is pending (what
 * STI;HLT's atomicity gives); otherwise it calls host_halt_hook until one
 * is, so the scheduler can hand the baton on (no hook: an arch_bug, since
 * nothing could ever wake the CPU).
 */
#ifndef PULLKERN_HOST_ARCH_H
#define PULLKERN_HOST_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/hw_counters.h"

#include "kernel/arch_services.h"	/* enum arch_ipi; it includes us back, guarded */

#ifndef HOST_MAX_CPUS
#define HOST_MAX_CPUS		256	/* CPUs whose kicks are counted */
#endif

extern __thread bool host_irqs_off;	/* this thread's "interrupts disabled" */

/*
 * Called instead of PAUSE when set: a spinning vCPU of the deterministic
 * scheduler (tests/host/tmsim.c) hands the baton on instead of spinning
 * forever against a lock holder that cannot run.
 */
extern void (*host_relax_hook)(void);

static inline void arch_cpu_relax(void)
{
	if (host_relax_hook)
		host_relax_hook();
	else
		__builtin_ia32_pause();
}

static inline unsigned long arch_irq_save(void)
{
	unsigned long was = host_irqs_off;

	host_irqs_off = true;
	return was;
}

static inline void arch_irq_restore(unsigned long flags)
{
	host_irqs_off = flags != 0;
}

static inline void arch_irq_disable(void)
{
	host_irqs_off = true;
}

void arch_irq_enable(void);

uint64_t arch_now_ns(void);
uint64_t arch_cycles(void);		/* the controlled clock's ns */
uint32_t arch_cpu_id(void);
void arch_kick_cpu(uint32_t cpu);
void arch_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void arch_event_set_handler(void (*fn)(void));
void arch_event_program(uint64_t deadline_ns);
void arch_event_stop(void);
void arch_ipi_set_handler(enum arch_ipi kind, void (*fn)(void));
void arch_irq_set_other_handler(void (*fn)(uint32_t vector));
void arch_send_ipi(uint32_t cpu, enum arch_ipi kind);
void arch_idle_halt(void);

/*
 * Hardware counters (kernel/hw_counters.h): the host has the TSC only,
 * which is arch_cycles(), counting at 1 GHz (one per controlled ns).
 */
void arch_hw_counters_read(struct hw_counters *out);
const char *arch_hw_counter_status(enum hw_counter c);	/* non-TSC: "not on the host" */
uint64_t arch_hw_energy_nj(enum hw_counter c, uint64_t units);	/* 0 */
uint64_t arch_tsc_khz(void);				/* 1000000 */

/*
 * Idle states: "hlt" (0, sleeps) and "poll" (1, does not); this CPU's
 * next halt enters host_idle_state_set()'s choice (0 until set), no
 * fallback.  arch_idle_halt() behaves the same in both.
 */
uint32_t arch_idle_state_count(void);
const char *arch_idle_state_name(uint32_t i);
bool arch_idle_state_sleeps(uint32_t i);
uint32_t arch_idle_state(void);
const char *arch_idle_fallback(void);
void host_idle_state_set(uint32_t i);			/* every CPU */

/*
 * Called by arch_idle_halt() while nothing is pending: the deterministic
 * scheduler stops the vCPU there (TMSIM_HALT) until the driver resumes it.
 */
extern void (*host_halt_hook)(void);

/* Interrupts. */
#define HOST_IRQ_EVENT		(1u << ARCH_IPI_NR)	/* after the IPI kinds' bits */
uint32_t host_irq_pending(uint32_t cpu);	/* (1 << enum arch_ipi) | HOST_IRQ_EVENT */
void host_irq_poll(void);			/* this CPU, interrupts on: take what is pending */
uint64_t host_event_deadline(uint32_t cpu);	/* programmed, UINT64_MAX: none */
bool host_event_fire(uint32_t cpu, uint64_t now_ns);	/* deadline reached: make it pending */
void host_irq_reset(void);			/* no deadline, nothing pending, anywhere */

/* Clock. */
void host_clock_set_ns(uint64_t ns);
void host_clock_advance_ns(uint64_t ns);
void host_clock_use_real(bool real);	/* true: CLOCK_MONOTONIC; false: controlled */

/* CPUs. */
void host_set_cpu(uint32_t cpu);	/* this thread plays `cpu` */
bool host_irqs_disabled(void);		/* inside arch_irq_save() on this thread */

/* Kicks sent with arch_kick_cpu(), per target CPU. */
uint32_t host_kicks(uint32_t cpu);
void host_kicks_reset(void);

/* Bugs reported with arch_bug(). */
uint32_t host_bug_count(void);
const char *host_last_bug(void);	/* "" when none since the last reset */
void host_bug_reset(void);

#endif
