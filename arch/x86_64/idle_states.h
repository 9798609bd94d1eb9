/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * idle_states (arch side): how arch_idle_halt() waits, chosen at boot.
 * The kernel sees the seam in kernel/arch_services.h.
 */
#ifndef PULLKERN_ARCH_IDLE_STATES_H
#define PULLKERN_ARCH_IDLE_STATES_H

/*
 * Every CPU, once it is itself, interrupts off, before its first
 * arch_idle_halt().  The boot CPU's first call reads idle= and
 * max_cstate=, decides for the machine, and prints the choice (a line and
 * an `@report {"kind":"idle_state",...}` record).
 */
void idle_states_init_cpu(void);

#endif
