/*
 * idle: what a CPU does when it has nothing to do.
 */
#ifndef PULLKERN_IDLE_H
#define PULLKERN_IDLE_H

#include <stdbool.h>
#include <stdint.h>

/* An AP's life after it comes online: run work, otherwise sleep tickless. */
__attribute__((noreturn)) void idle_loop(void);

/*
 * The BSP (or any CPU) sleeps like an idle CPU, running work handed to it,
 * until done(arg) is true.  done() is called with interrupts off.
 */
void idle_until(bool (*done)(void *arg), void *arg);

/* Sleep like an idle CPU (running handed work) until arch_now_ns() >= deadline. */
void idle_sleep_until_ns(uint64_t deadline);

/*
 * Run fn(arg) on `cpu` as work (it leaves idle for it, which also makes it
 * active in the migration hierarchy) and wait until it ran, at most
 * timeout_ms: a CPU that does not answer by then is a kernel bug and
 * panics (the work item lives on our stack).  Interrupts on; not from `cpu`.
 */
bool idle_run_on(uint32_t cpu, void (*fn)(void *arg), void *arg, uint64_t timeout_ms);

/* The hooks kernel/tmigr.c needs, built on idle_run_on(). */
struct tmigr_platform;
void idle_tmigr_platform(struct tmigr_platform *out);

#endif
