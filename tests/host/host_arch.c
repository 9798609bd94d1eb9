/*
 * host_arch: the host implementation of kernel/arch_services.h (see
 * host_arch.h for what each service does here).
 *
 * State shared between threads: the controlled clock, the real-clock
 * switch and the kick counters are relaxed atomics (tests order their
 * threads with joins and their own flags); the last bug message is under
 * bug_lock so a reader never sees half a message.  The CPU number and the
 * interrupt flag are thread-local.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host_arch.h"

#define BUG_MSG_SIZE	512

__thread bool host_irqs_off;
void (*host_relax_hook)(void);
static __thread uint32_t host_cpu;

static uint64_t clock_ns;		/* controlled clock; relaxed */
static bool clock_real;			/* relaxed */
static uint32_t kicks[HOST_MAX_CPUS];	/* relaxed */

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

void arch_kick_cpu(uint32_t cpu)
{
	if (cpu < HOST_MAX_CPUS)
		__atomic_fetch_add(&kicks[cpu], 1, __ATOMIC_RELAXED);
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
