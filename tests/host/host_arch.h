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
 */
#ifndef PULLKERN_HOST_ARCH_H
#define PULLKERN_HOST_ARCH_H

#include <stdbool.h>
#include <stdint.h>

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

uint64_t arch_now_ns(void);
uint32_t arch_cpu_id(void);
void arch_kick_cpu(uint32_t cpu);
void arch_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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
