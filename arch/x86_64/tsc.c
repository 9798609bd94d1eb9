// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tsc: calibrating the time-stamp counter, and waiting on it.
 *
 * Sources, in order of preference (CPUID leaf 15H: Intel SDM Vol. 2A,
 * CPUID; the PM timer: the ACPI specification's FADT, PM_TMR_BLK):
 *
 *   cpuid15     CPUID 0x15: crystal Hz * EBX / EAX, exact when complete
 *   hypervisor  CPUID 0x40000010 EAX: TSC kHz from KVM/QEMU, exact
 *   pmtimer     ACPI PM timer, 3.579545 MHz, port from the FADT
 *   pit         8254 channel 2, 1.193182 MHz, gated through port 0x61
 *
 * The first source that answers sets tsc_hz; the first *measured* source
 * other than it (pmtimer or pit) cross-checks it, and the disagreement is
 * reported in ppm.  Each measurement is sanity-checked: a PM timer that
 * does not advance or a PIT whose output never rises (a gated PIT on some
 * boards) is reported and skipped, never trusted, never waited on forever.
 *
 * Measurements run on the BSP, interrupts off, before any AP starts.  Each
 * measured source runs three times and the median counts: under a
 * hypervisor (or an SMI on hardware) one run can be stretched by a
 * preemption we cannot see, and a single sample would carry it.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/platform.h"
#include "kernel/acpi.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/time.h"
#include "lib/json.h"

#define PM_TIMER_HZ		3579545ull
#define PIT_HZ			1193182ull
#define CALIBRATE_MS		20
#define CALIBRATE_RUNS		3	/* median of three: one preempted run cannot skew it */
#define EARLY_TSC_HZ		10000000000ull	/* assumed before calibration */
#define POLL_LIMIT		50000000u	/* I/O polls before a source is declared dead */

uint64_t tsc_hz;

static uint64_t hz_or_early(void)
{
	uint64_t hz = __atomic_load_n(&tsc_hz, __ATOMIC_RELAXED);

	return hz ? hz : EARLY_TSC_HZ;
}

uint64_t arch_tsc_khz(void)
{
	return hz_or_early() / 1000;
}

uint64_t time_deadline_us(uint64_t us)
{
	return rdtsc() + us * (hz_or_early() / 1000000);
}

bool time_after_deadline(uint64_t deadline)
{
	return (int64_t)(rdtsc() - deadline) >= 0;
}

void udelay(uint64_t us)
{
	uint64_t deadline = time_deadline_us(us);

	while (!time_after_deadline(deadline))
		cpu_pause();
}

uint64_t tsc_to_us(uint64_t cycles)
{
	return cycles / (hz_or_early() / 1000000);
}

uint64_t tsc_to_ns(uint64_t cycles)
{
	uint64_t hz = hz_or_early();

	return (cycles / hz) * 1000000000ull +
	       (cycles % hz) * 1000000000ull / hz;
}

static uint64_t from_cpuid15(void)
{
	struct cpuid_regs r;

	if (cpu_features.max_leaf < 0x15)
		return 0;
	r = cpuid(0x15, 0);
	/* EAX/EBX = TSC/crystal ratio, ECX = crystal Hz; 0 = not enumerated. */
	if (!r.eax || !r.ebx || !r.ecx)
		return 0;
	return (uint64_t)r.ecx * r.ebx / r.eax;
}

static uint64_t from_hypervisor(void)
{
	if (!cpu_features.hypervisor)
		return 0;
	if (cpuid(0x40000000, 0).eax < 0x40000010)
		return 0;
	return (uint64_t)cpuid(0x40000010, 0).eax * 1000;
}

static uint32_t pm_read(const struct acpi_info *acpi)
{
	uint32_t v = inl((uint16_t)acpi->pm_timer_port);

	return acpi->pm_timer_32bit ? v : v & 0xffffff;
}

static uint64_t from_pmtimer(const struct acpi_info *acpi)
{
	uint32_t mask = acpi->pm_timer_32bit ? 0xffffffffu : 0xffffffu;
	uint32_t target = PM_TIMER_HZ * CALIBRATE_MS / 1000;
	uint32_t start, now, elapsed = 0;
	uint64_t t0, t1;
	unsigned polls = 0;

	if (!acpi || !acpi->fadt_ok || !acpi->pm_timer_port)
		return 0;
	start = pm_read(acpi);
	t0 = rdtsc();
	while (elapsed < target) {
		if (++polls > POLL_LIMIT) {
			kprintf("tsc: ACPI PM timer at port %#x does not advance; not used\n",
				acpi->pm_timer_port);
			return 0;
		}
		now = pm_read(acpi);
		elapsed = (now - start) & mask;
	}
	t1 = rdtsc();
	return (t1 - t0) * PM_TIMER_HZ / elapsed;
}

static uint64_t from_pit(void)
{
	uint16_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint8_t gate = inb(0x61);
	uint64_t t0, t1;
	unsigned polls = 0;

	/* Gate channel 2 on, speaker off; mode 0 (interrupt on terminal count). */
	outb(0x61, (gate & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	t0 = rdtsc();
	if (inb(0x61) & 0x20) {
		kprintf("tsc: PIT channel 2 output already high after programming; not used\n");
		outb(0x61, gate);
		return 0;
	}
	while (!(inb(0x61) & 0x20)) {
		if (++polls > POLL_LIMIT) {
			kprintf("tsc: PIT channel 2 never reached terminal count (gated PIT?); not used\n");
			outb(0x61, gate);
			return 0;
		}
	}
	t1 = rdtsc();
	outb(0x61, gate);
	return (t1 - t0) * PIT_HZ / count;
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
	if ((a <= b && b <= c) || (c <= b && b <= a))
		return b;
	if ((b <= a && a <= c) || (c <= a && a <= b))
		return a;
	return c;
}

/* Median of CALIBRATE_RUNS; 0 as soon as one run says the source is dead. */
static uint64_t measure(uint64_t (*fn)(const struct acpi_info *),
			const struct acpi_info *acpi)
{
	uint64_t v[CALIBRATE_RUNS];

	for (int i = 0; i < CALIBRATE_RUNS; i++) {
		v[i] = fn(acpi);
		if (!v[i])
			return 0;
	}
	return median3(v[0], v[1], v[2]);
}

static uint64_t pit_source(const struct acpi_info *acpi)
{
	(void)acpi;
	return from_pit();
}

static int64_t ppm_between(uint64_t ref, uint64_t other)
{
	return ((int64_t)other - (int64_t)ref) * 1000000 / (int64_t)ref;
}

void tsc_calibrate(const struct acpi_info *acpi, struct tsc_calibration *out)
{
	uint64_t c15 = from_cpuid15();
	uint64_t hv = from_hypervisor();
	uint64_t pm = measure(from_pmtimer, acpi);
	uint64_t pit = measure(pit_source, acpi);

	*out = (struct tsc_calibration){ 0 };
	if (c15) {
		out->hz = c15;
		out->source = "cpuid15";
	} else if (hv) {
		out->hz = hv;
		out->source = "hypervisor";
	} else if (pm) {
		out->hz = pm;
		out->source = "pmtimer";
	} else if (pit) {
		out->hz = pit;
		out->source = "pit";
	} else {
		out->hz = 1000000000ull;
		out->source = "none (assumed 1 GHz)";
		kprintf("tsc: no calibration source answered; assuming 1 GHz, times will be wrong\n");
	}
	if (pm && out->hz != pm) {
		out->check_hz = pm;
		out->check_source = "pmtimer";
	} else if (pit && out->hz != pit) {
		out->check_hz = pit;
		out->check_source = "pit";
	}
	if (out->check_hz)
		out->ppm = ppm_between(out->hz, out->check_hz);
	/* relaxed: calibration ends before any other CPU reads tsc_hz (they are not started yet) */
	__atomic_store_n(&tsc_hz, out->hz, __ATOMIC_RELAXED);
}

void tsc_report(const struct tsc_calibration *cal)
{
	struct json_writer w;
	char buf[320];

	kprintf("tsc:  %lu.%06lu MHz from %s", (unsigned long)(cal->hz / 1000000),
		(unsigned long)(cal->hz % 1000000), cal->source);
	if (cal->check_hz)
		kprintf(", %s says %lu.%06lu MHz (%ld ppm)", cal->check_source,
			(unsigned long)(cal->check_hz / 1000000),
			(unsigned long)(cal->check_hz % 1000000),
			(long)cal->ppm);
	kprintf("\n");
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "tsc");
	json_u64(&w, "hz", cal->hz);
	json_str(&w, "source", cal->source);
	if (cal->check_hz) {
		json_u64(&w, "check_hz", cal->check_hz);
		json_str(&w, "check_source", cal->check_source);
		json_i64(&w, "ppm", cal->ppm);
	} else {
		json_null(&w, "check_source");
	}
	report_emit(json_end(&w));
}
