// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lapic_timer: the local APIC timer as a one-shot event device.
 *
 * Two backends behind one interface, chosen once on the BSP and reported:
 *
 *   tsc-deadline  CPUID.1:ECX[24]; the LVT timer in mode 10b fires when the
 *                 TSC reaches IA32_TSC_DEADLINE (SDM Vol. 3A §11.5.4.1).
 *                 The deadline is this CPU's own TSC value for the instant
 *                 (clock_ns_to_local_tsc adds the CPU's measured skew).
 *   oneshot       the count-down timer (mode 00b), divide by 16, its rate
 *                 measured against the calibrated TSC over 10 ms; a delay
 *                 longer than 2^32 counts (68 s at 62.5 MHz) is cut short
 *                 and the caller re-arms when it fires.
 *
 * There is no periodic mode: the periodic tick is a one-shot re-armed at
 * every jiffy boundary (kernel/tick.c), so the tick and tickless idle use
 * one mechanism and ticks line up with jiffies on every CPU.
 *
 * It is also the kernel's event device (kernel/arch_services.h): the
 * arch_event_* services arm it at VEC_LAPIC_TIMER, and its interrupt
 * acknowledges (EOI) before it calls the kernel's handler, so the handler
 * may arm the next event at once without it being held behind this one.
 *
 * QEMU TCG does not offer TSC-deadline (CPUID.1:ECX[24] is clear): one-shot there.
 * Writing the LVT and then the deadline MSR needs a fence between them in
 * xAPIC mode (MMIO write vs WRMSR): wrmsr_fenced() provides it.  Every
 * function acts on the calling CPU's own APIC, with interrupts off.
 */
#include "arch/x86_64/clock.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/platform.h"
#include "drivers/apic/lapic.h"
#include "drivers/apic/lapic_timer.h"
#include "kernel/arch_services.h"
#include "kernel/time.h"

#define LVT_TIMER_ONESHOT	(0u << 17)
#define LVT_TIMER_TSC_DEADLINE	(2u << 17)
#define DIVIDE_BY_16		0x3
#define CALIBRATE_US		10000
#define MAX_DELAY_NS		(60ull * 1000000000ull)	/* keeps delay * count_hz in 64 bits */

struct lapic_timer_info lapic_timer;

static bool deadline_mode;

static uint64_t measure_count_hz(void)
{
	uint64_t t0, t1;
	uint32_t left;

	lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	t0 = rdtsc();
	udelay(CALIBRATE_US);
	left = lapic_read(LAPIC_TIMER_CURRENT);
	t1 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0);
	return (uint64_t)(0xffffffffu - left) * tsc_hz / (t1 - t0);
}

void lapic_timer_calibrate(bool want_deadline)
{
	lapic_timer.divider = 16;
	lapic_timer.count_hz = measure_count_hz();
	if (cpu_features.tsc_deadline && want_deadline) {
		deadline_mode = true;
		lapic_timer.mode = "tsc-deadline";
		lapic_timer.why = "CPUID offers TSC-deadline";
	} else {
		lapic_timer.mode = "oneshot";
		lapic_timer.why = cpu_features.tsc_deadline ?
			"lapic_timer=oneshot on the command line" :
			"no TSC-deadline in CPUID";
	}
}

static void arm_countdown(uint8_t vector, uint64_t deadline_ns)
{
	uint64_t now = arch_now_ns();
	uint64_t delay = deadline_ns > now ? deadline_ns - now : 0;
	uint64_t counts;

	if (delay > MAX_DELAY_NS)
		delay = MAX_DELAY_NS;
	/*
	 * Round up and add 1/4096 (244 ppm, several times the calibration
	 * error we measure): a one-shot that fires before its deadline is a
	 * wasted wake-up, since the timer it is for is not due yet.
	 */
	counts = (delay * lapic_timer.count_hz + 999999999ull) / 1000000000ull;
	counts += counts >> 12;
	if (counts > 0xffffffffull)
		counts = 0xffffffffull;
	if (!counts)
		counts = 1;	/* 0 would disarm: fire at once instead */
	lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_ONESHOT | vector);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)counts);
}

/*
 * This CPU: one interrupt at `vector` once arch_now_ns() reaches
 * deadline_ns (at once if it has passed); UINT64_MAX disarms.  A deadline
 * beyond the count-down range fires early, at the end of the range: the
 * kernel's handler re-evaluates and re-programs.
 */
static void arm_at(uint8_t vector, uint64_t deadline_ns)
{
	if (deadline_ns == UINT64_MAX) {
		lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
		if (deadline_mode)
			wrmsr_fenced(MSR_TSC_DEADLINE, 0);
		else
			lapic_write(LAPIC_TIMER_INIT, 0);
		return;
	}
	if (!deadline_mode) {
		arm_countdown(vector, deadline_ns);
		return;
	}
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | vector);
	/* a deadline already past fires at once, which is what we want */
	wrmsr_fenced(MSR_TSC_DEADLINE, clock_ns_to_local_tsc(deadline_ns));
}

static void (*event_handler)(void);	/* set once at boot, before any event */

static void event_interrupt(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
	event_handler();
}

void arch_event_set_handler(void (*fn)(void))
{
	event_handler = fn;
	idt_set_handler(VEC_LAPIC_TIMER, event_interrupt);
}

void arch_event_program(uint64_t deadline_ns)
{
	arm_at(VEC_LAPIC_TIMER, deadline_ns);	/* UINT64_MAX: never */
}

void arch_event_stop(void)
{
	arm_at(VEC_LAPIC_TIMER, UINT64_MAX);
}
