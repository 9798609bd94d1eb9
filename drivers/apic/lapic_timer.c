/*
 * lapic_timer: the local APIC timer in periodic or TSC-deadline mode.
 *
 * Two backends behind one interface, chosen once on the BSP and reported:
 *
 *   tsc-deadline  CPUID.1:ECX[24]; the LVT timer in mode 10b fires when the
 *                 TSC reaches IA32_TSC_DEADLINE (SDM Vol. 3A §11.5.4.1).  A
 *                 periodic tick re-arms from the handler at last + period,
 *                 so the period does not drift with interrupt latency.
 *   periodic      the count-down timer (mode 01b), divide by 16, its rate
 *                 measured against the calibrated TSC over 10 ms.
 *
 * QEMU TCG offers no TSC-deadline (research-facts C.3): periodic there;
 * KVM exercises the deadline path.  Writing the LVT and then the deadline
 * MSR needs a fence between them in xAPIC mode (MMIO write vs WRMSR):
 * wrmsr_fenced() provides it.
 *
 * period_tsc[] and next_deadline[] are indexed by CPU number and touched
 * only by their owner CPU, from its timer interrupt or with interrupts
 * off: no lock, no atomics.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/platform.h"
#include "drivers/apic/lapic.h"
#include "drivers/apic/lapic_timer.h"
#include "kernel/time.h"

#define LVT_TIMER_PERIODIC	(1u << 17)
#define LVT_TIMER_TSC_DEADLINE	(2u << 17)
#define DIVIDE_BY_16		0x3
#define CALIBRATE_US		10000

struct lapic_timer_info lapic_timer;

static bool deadline_mode;
static uint64_t period_tsc[MAX_CPUS];		/* owner CPU only */
static uint64_t next_deadline[MAX_CPUS];	/* owner CPU only */

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
		lapic_timer.mode = "periodic";
		lapic_timer.why = cpu_features.tsc_deadline ?
			"lapic_timer=oneshot on the command line" :
			"no TSC-deadline in CPUID";
	}
}

void lapic_timer_start_periodic(uint8_t vector, uint32_t hz)
{
	uint32_t cpu = this_cpu_id();

	if (deadline_mode) {
		period_tsc[cpu] = tsc_hz / hz;
		next_deadline[cpu] = rdtsc() + period_tsc[cpu];
		lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | vector);
		wrmsr_fenced(MSR_TSC_DEADLINE, next_deadline[cpu]);
		return;
	}
	lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | vector);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(lapic_timer.count_hz / hz));
}

void lapic_timer_periodic_rearm(void)
{
	uint32_t cpu = this_cpu_id();
	uint64_t now;

	if (!deadline_mode)
		return;
	now = rdtsc();
	next_deadline[cpu] += period_tsc[cpu];
	/* Fell behind (a long stall): skip missed periods, do not storm. */
	if ((int64_t)(next_deadline[cpu] - now) <= 0)
		next_deadline[cpu] = now + period_tsc[cpu];
	wrmsr_fenced(MSR_TSC_DEADLINE, next_deadline[cpu]);
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	if (deadline_mode)
		wrmsr_fenced(MSR_TSC_DEADLINE, 0);
	else
		lapic_write(LAPIC_TIMER_INIT, 0);
}
