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
 *                 measured against the calibrated TSC, the median of five
 *                 2 ms samples whose ends are each bracketed by TSC reads
 *                 (under an emulator a vCPU descheduled between reading
 *                 the count and the TSC measured the rate 0.5% low, and
 *                 every long one-shot fired milliseconds early); a delay
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
#define SAMPLE_US		2000	/* one calibration sample: 125000 counts at 62.5 MHz */
#define SAMPLES			5
#define BRACKET_NS		20000	/* a LAPIC access bracketed wider was interrupted */
#define MAX_DELAY_NS		(60ull * 1000000000ull)	/* keeps delay * count_hz in 64 bits */

struct lapic_timer_info lapic_timer;

static bool deadline_mode;

/*
 * One sample of the count-down rate against the TSC over SAMPLE_US.  Each
 * end is a LAPIC access bracketed by two TSC reads; a vCPU descheduled
 * inside a bracket (the host took our core) would skew the rate by the
 * time it lost, so a sample whose bracket is wider than BRACKET_NS is
 * refused (false; *hz is still its rate).  A delay between the brackets costs nothing: both
 * clocks run on.
 */
static bool sample_count_hz(uint64_t *hz)
{
	uint64_t a0, a1, b0, b1, counts, tsc;
	uint64_t wide = tsc_hz * BRACKET_NS / 1000000000ull;
	uint32_t left;

	lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	a0 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	a1 = rdtsc();
	udelay(SAMPLE_US);
	b0 = rdtsc();
	left = lapic_read(LAPIC_TIMER_CURRENT);
	b1 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0);
	counts = 0xffffffffu - left;
	tsc = (b0 + b1) / 2 - (a0 + a1) / 2;
	*hz = counts * tsc_hz / tsc;
	return a1 - a0 <= wide && b1 - b0 <= wide;
}

/*
 * The median of up to SAMPLES good samples among 4 * SAMPLES tries; if
 * none is good (a host busy throughout), the largest rate seen: a
 * descheduling inside the second bracket, the usual one, only lowers it,
 * and a rate too low fires one-shots early.
 */
static uint64_t measure_count_hz(void)
{
	uint64_t good[SAMPLES], hz, best = 0;
	uint32_t n = 0;

	for (uint32_t i = 0; i < 4 * SAMPLES && n < SAMPLES; i++) {
		if (sample_count_hz(&hz))
			good[n++] = hz;
		else if (hz > best)
			best = hz;
	}
	if (!n)
		return best;
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && good[j - 1] > good[j]; j--) {
			hz = good[j];
			good[j] = good[j - 1];
			good[j - 1] = hz;
		}
	return good[n / 2];
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
		if (deadline_mode) {
			/*
			 * Masked, but still in TSC-deadline mode: the deadline
			 * MSR is written only while the LVT selects that mode
			 * (SDM Vol. 3A 11.5.4.1: a write in another mode is
			 * ignored; Bochs logs it as "TSC-Deadline timer is
			 * disabled").  Writing 0 then disarms.
			 */
			lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED |
				    LVT_TIMER_TSC_DEADLINE | vector);
			wrmsr_fenced(MSR_TSC_DEADLINE, 0);
		} else {
			lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
			lapic_write(LAPIC_TIMER_INIT, 0);
		}
		return;
	}
	if (!deadline_mode) {
		arm_countdown(vector, deadline_ns);
		return;
	}
	/* mode first, then the deadline: the order SDM Vol. 3A 11.5.4.1 asks */
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
