// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * host_arch: the host implementation of kernel/arch_services.h (see
 * host_arch.h for what each service does here).
 *
 * State shared between threads: the controlled clock, the real-clock
 * switch and the kick counters are relaxed atomics (tests order their
 * threads with joins and their own flags); the last bug message is under
 * bug_lock so a reader never sees half a message.  The CPU number and the
 * interrupt flag are thread-local.  Pending interrupt flags and event
 * deadlines are relaxed atomics too: under the deterministic scheduler one
 * thread runs at a time and every hand-over is a barrier; elsewhere (the
 * stress test's kicks) only the flags are touched, by atomic or.  The
 * handlers are set once before any CPU runs.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host_arch.h"
#include "kernel/panic.h"

#define BUG_MSG_SIZE	512

__thread bool host_irqs_off;
void (*host_relax_hook)(void);
static __thread uint32_t host_cpu;

static uint64_t clock_ns;		/* controlled clock; relaxed */
static bool clock_real;			/* relaxed */
static uint32_t kicks[HOST_MAX_CPUS];	/* relaxed */

void (*host_halt_hook)(void);
static uint32_t pending[HOST_MAX_CPUS];		/* relaxed */
static uint64_t deadline[HOST_MAX_CPUS];	/* relaxed; valid when deadline_set */
static bool deadline_set[HOST_MAX_CPUS];	/* relaxed */
static void (*event_handler)(void);
static void (*ipi_handler[ARCH_IPI_NR])(void);

static pthread_mutex_t bug_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t bug_count;		/* under bug_lock */
static char bug_msg[BUG_MSG_SIZE];	/* under bug_lock */

uint64_t arch_now_ns(void)
{
	struct timespec ts;

	if (!__atomic_load_n(&clock_real, __ATOMIC_RELAXED))
		return __atomic_load_n(&clock_ns, __ATOMIC_RELAXED);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint32_t arch_cpu_id(void)
{
	return host_cpu;
}

uint64_t arch_cycles(void)
{
	return arch_now_ns();
}

void arch_hw_counters_read(struct hw_counters *out)
{
	*out = (struct hw_counters){ .valid = 1u << HWC_TSC };
	out->v[HWC_TSC] = arch_cycles();
}

const char *arch_hw_counter_status(enum hw_counter c)
{
	return c == HWC_TSC ? NULL : "not on the host";
}

uint64_t arch_hw_energy_nj(enum hw_counter c, uint64_t units)
{
	(void)c;
	(void)units;
	return 0;
}

uint64_t arch_tsc_khz(void)
{
	return 1000000;		/* arch_cycles() counts ns */
}

static const char *const idle_state_names[] = { "hlt", "poll" };
static uint32_t idle_state_now;	/* relaxed: set by a test before its vCPUs idle */

uint32_t arch_idle_state_count(void)
{
	return 2;
}

const char *arch_idle_state_name(uint32_t i)
{
	return i < 2 ? idle_state_names[i] : "?";
}

bool arch_idle_state_sleeps(uint32_t i)
{
	return i == 0;
}

uint32_t arch_idle_state(void)
{
	return __atomic_load_n(&idle_state_now, __ATOMIC_RELAXED);
}

const char *arch_idle_fallback(void)
{
	return NULL;
}

void host_idle_state_set(uint32_t i)
{
	__atomic_store_n(&idle_state_now, i < 2 ? i : 0, __ATOMIC_RELAXED);
}

void arch_send_ipi(uint32_t cpu, enum arch_ipi kind)
{
	if (cpu < HOST_MAX_CPUS)
		__atomic_fetch_or(&pending[cpu], 1u << kind, __ATOMIC_RELAXED);
}

void arch_kick_cpu(uint32_t cpu)
{
	if (cpu < HOST_MAX_CPUS)
		__atomic_fetch_add(&kicks[cpu], 1, __ATOMIC_RELAXED);
	arch_send_ipi(cpu, ARCH_IPI_WAKE);
}

void arch_ipi_set_handler(enum arch_ipi kind, void (*fn)(void))
{
	ipi_handler[kind] = fn;
}

/* The harness delivers only the event and the two IPIs: nothing else to name. */
void arch_irq_set_other_handler(void (*fn)(uint32_t vector))
{
	(void)fn;
}

void arch_event_set_handler(void (*fn)(void))
{
	event_handler = fn;
}

void arch_event_stop(void)
{
	__atomic_store_n(&deadline_set[host_cpu], false, __ATOMIC_RELAXED);
}

void arch_event_program(uint64_t deadline_ns)
{
	if (deadline_ns == UINT64_MAX) {
		arch_event_stop();
		return;
	}
	__atomic_store_n(&deadline[host_cpu], deadline_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&deadline_set[host_cpu], true, __ATOMIC_RELAXED);
	host_event_fire(host_cpu, arch_now_ns());	/* already reached: fires at once */
}

bool host_event_fire(uint32_t cpu, uint64_t now_ns)
{
	if (!__atomic_load_n(&deadline_set[cpu], __ATOMIC_RELAXED) ||
	    __atomic_load_n(&deadline[cpu], __ATOMIC_RELAXED) > now_ns)
		return false;
	__atomic_store_n(&deadline_set[cpu], false, __ATOMIC_RELAXED);	/* one-shot */
	__atomic_fetch_or(&pending[cpu], HOST_IRQ_EVENT, __ATOMIC_RELAXED);
	return true;
}

uint64_t host_event_deadline(uint32_t cpu)
{
	return __atomic_load_n(&deadline_set[cpu], __ATOMIC_RELAXED) ?
		__atomic_load_n(&deadline[cpu], __ATOMIC_RELAXED) : UINT64_MAX;
}

uint32_t host_irq_pending(uint32_t cpu)
{
	return __atomic_load_n(&pending[cpu], __ATOMIC_RELAXED);
}

/* Take every pending interrupt, highest vector first as the APIC would (call, wake, event). */
static void take_pending(void)
{
	uint32_t p = __atomic_exchange_n(&pending[host_cpu], 0, __ATOMIC_RELAXED);
	bool was_off = host_irqs_off;

	host_irqs_off = true;	/* handlers run with interrupts off */
	if ((p & (1u << ARCH_IPI_CALL)) && ipi_handler[ARCH_IPI_CALL])
		ipi_handler[ARCH_IPI_CALL]();
	if ((p & (1u << ARCH_IPI_WAKE)) && ipi_handler[ARCH_IPI_WAKE])
		ipi_handler[ARCH_IPI_WAKE]();
	if ((p & HOST_IRQ_EVENT) && event_handler)
		event_handler();
	host_irqs_off = was_off;
}

void host_irq_poll(void)
{
	if (!host_irqs_off && host_irq_pending(host_cpu))
		take_pending();
}

void arch_irq_enable(void)
{
	host_irqs_off = false;
	host_irq_poll();
}

void arch_idle_halt(void)
{
	while (!host_irq_pending(host_cpu)) {
		if (!host_halt_hook) {
			arch_bug("halt on CPU %u with no interrupt pending and nothing to deliver one",
				 host_cpu);
			return;
		}
		host_halt_hook();
	}
	take_pending();
	host_irqs_off = true;
}

void host_irq_reset(void)
{
	for (uint32_t i = 0; i < HOST_MAX_CPUS; i++) {
		__atomic_store_n(&pending[i], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&deadline_set[i], false, __ATOMIC_RELAXED);
	}
}

/* kernel/panic.h for portable code: a host test cannot go on after it. */
void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

void arch_bug(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&bug_lock);
	va_start(ap, fmt);
	vsnprintf(bug_msg, sizeof(bug_msg), fmt, ap);
	va_end(ap);
	bug_count++;
	if (getenv("PULLKERN_VERBOSE"))
		fprintf(stderr, "arch_bug: %s\n", bug_msg);
	pthread_mutex_unlock(&bug_lock);
}

void host_clock_set_ns(uint64_t ns)
{
	__atomic_store_n(&clock_ns, ns, __ATOMIC_RELAXED);
}

void host_clock_advance_ns(uint64_t ns)
{
	__atomic_fetch_add(&clock_ns, ns, __ATOMIC_RELAXED);
}

void host_clock_use_real(bool real)
{
	__atomic_store_n(&clock_real, real, __ATOMIC_RELAXED);
}

void host_set_cpu(uint32_t cpu)
{
	host_cpu = cpu;
}

bool host_irqs_disabled(void)
{
	return host_irqs_off;
}

uint32_t host_kicks(uint32_t cpu)
{
	return cpu < HOST_MAX_CPUS ? __atomic_load_n(&kicks[cpu], __ATOMIC_RELAXED) : 0;
}

void host_kicks_reset(void)
{
	for (uint32_t i = 0; i < HOST_MAX_CPUS; i++)
		__atomic_store_n(&kicks[i], 0, __ATOMIC_RELAXED);
}

uint32_t host_bug_count(void)
{
	uint32_t n;

	pthread_mutex_lock(&bug_lock);
	n = bug_count;
	pthread_mutex_unlock(&bug_lock);
	return n;
}

/* Stable until the next arch_bug() or host_bug_reset(). */
const char *host_last_bug(void)
{
	return bug_msg;
}

void host_bug_reset(void)
{
	pthread_mutex_lock(&bug_lock);
	bug_count = 0;
	bug_msg[0] = '\0';
	pthread_mutex_unlock(&bug_lock);
}
