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

#endif
