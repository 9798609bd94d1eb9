// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tsc: calibrating the time-stamp counter, and waiting on it.
 *
 * Sources (CPUID leaves 15H and 16H: Intel SDM Vol. 2A, CPUID; the PM
 * timer: the ACPI specification's FADT, PM_TMR_BLK; the HPET: the IA-PC
 * HPET specification 1.0a), in arch/x86_64/tsc_choice.h's order:
 *
 *   cpuid15     CPUID 0x15: crystal Hz * EBX / EAX, exact when complete
 *   hypervisor  CPUID 0x40000010 EAX: TSC kHz from KVM/QEMU, exact
 *   pmtimer     ACPI PM timer, 3.579545 MHz, port from the FADT
 *   hpet        HPET main counter, period from its capabilities register,
 *               block from the ACPI HPET table (drivers/hpet/)
 *   pit         8254 channel 2, 1.193182 MHz, gated through port 0x61
 *   cpuid16     CPUID 0x16 EAX: the processor's base MHz, nominal only
 *
 * Every source that exists is asked, unless tsc_exclude= names it (an
 * excluded source is not touched at all, so a test can prove calibration
 * on a machine without a PIT or a PM timer).  tsc_choose() then picks the
 * answer two sources agree on (within 1000 ppm), preferring the exact
 * ones, and the source that confirmed it; when no two agree the preferred
 * answer is used and a warning says so, on the console and in the record:
 * a machine with bad references still boots, visibly (tsc_test_skew_ppm=
 * makes the sources disagree on purpose, to show it).  Each measurement
 * is sanity-checked: a PM timer or an HPET that does not advance or a
 * PIT whose output never rises (a gated PIT on some boards, or none, as
 * with QEMU's -machine pc,pit=off) is reported and skipped, never
 * trusted, never waited on forever.
 *
 * Measurements run on the BSP, interrupts off, before any AP starts.  Each
 * measured source runs three times and the median counts: under a
 * hypervisor (or an SMI on hardware) one run can be stretched by a
 * preemption we cannot see, and a single sample would carry it.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/tsc_choice.h"
#include "drivers/hpet/hpet.h"
#include "kernel/acpi.h"
#include "kernel/options.h"
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

_Static_assert(TSC_SRC_NR <= TSC_SOURCES_MAX, "struct tsc_calibration holds every source");

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

static uint64_t from_cpuid16(void)
{
	if (cpu_features.max_leaf < 0x16)
		return 0;
	/* EAX[15:0]: base frequency in MHz, 0 = not enumerated */
	return (uint64_t)(cpuid(0x16, 0).eax & 0xffff) * 1000000;
}

static uint64_t from_hypervisor(void)
{
	if (!cpu_features.hypervisor)
		return 0;
	if (cpuid(0x40000000, 0).eax < 0x40000010)
		return 0;
	return (uint64_t)cpuid(0x40000010, 0).eax * 1000;
}

/*
 * TSC cycles over at least `ticks` ticks of a free-running reference
 * counter (`read`, wrapping at `mask`); *elapsed gets the ticks that
 * passed.  0 when the counter stops advancing within POLL_LIMIT reads.
 */
static uint64_t tsc_over_ticks(uint64_t (*read)(const struct acpi_info *),
			       const struct acpi_info *acpi, uint64_t mask,
			       uint64_t ticks, uint64_t *elapsed)
{
	uint64_t start = read(acpi), t0 = rdtsc();
	unsigned polls = 0;

	*elapsed = 0;
	while (*elapsed < ticks) {
		if (++polls > POLL_LIMIT)
			return 0;
		*elapsed = (read(acpi) - start) & mask;
	}
	return rdtsc() - t0;
}

static uint64_t pm_read(const struct acpi_info *acpi)
{
	return inl((uint16_t)acpi->pm_timer_port);
}

static uint64_t from_pmtimer(const struct acpi_info *acpi)
{
	uint64_t mask = acpi->pm_timer_32bit ? 0xffffffffu : 0xffffffu;
	uint64_t elapsed, cycles;

	cycles = tsc_over_ticks(pm_read, acpi, mask, PM_TIMER_HZ * CALIBRATE_MS / 1000,
				&elapsed);
	if (!cycles) {
		kprintf("tsc: ACPI PM timer at port %#x does not advance; not used\n",
			acpi->pm_timer_port);
		return 0;
	}
	return cycles * PM_TIMER_HZ / elapsed;
}

static struct hpet hpet;	/* set up once, before the HPET is measured */

static uint64_t hpet_now(const struct acpi_info *acpi)
{
	(void)acpi;
	return hpet_read(&hpet);
}

static uint64_t from_hpet(const struct acpi_info *acpi)
{
	uint64_t elapsed, cycles;

	cycles = tsc_over_ticks(hpet_now, acpi, hpet.mask, hpet.hz * CALIBRATE_MS / 1000,
				&elapsed);
	if (!cycles) {
		kprintf("tsc: HPET main counter stopped during calibration; not used\n");
		return 0;
	}
	/*
	 * Through nanoseconds, whatever the HPET's rate: elapsed * period is
	 * ~2 * 10^13 fs (the window), and cycles * 10^9 fits 64 bits up to
	 * 18 GHz over it; a nanosecond is 0.05 ppm of the window.
	 */
	return cycles * 1000000000ull / (elapsed * hpet.period_fs / 1000000);
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

/* Sources tsc_exclude= names; an unknown name is one warning line. */
static uint32_t excluded_sources(void)
{
	const char *bad;
	size_t bad_len;
	uint32_t mask = tsc_exclude_mask(option_str("tsc_exclude"), &bad, &bad_len);

	if (bad)
		kprintf("tsc: tsc_exclude names no source '%.*s' (known: cpuid15, hypervisor, pmtimer, hpet, pit, cpuid16); ignored\n",
			(int)bad_len, bad);
	return mask;
}

/* Ask source s; its answer in Hz, or 0 with *why set. */
static uint64_t ask(enum tsc_src s, const struct acpi_info *acpi, const char **why)
{
	uint64_t hz = 0;

	*why = "absent";
	switch (s) {
	case TSC_SRC_CPUID15:
		return from_cpuid15();
	case TSC_SRC_HYPERVISOR:
		return from_hypervisor();
	case TSC_SRC_CPUID16:
		return from_cpuid16();
	case TSC_SRC_PMTIMER:
		if (!acpi || !acpi->fadt_ok || !acpi->pm_timer_port)
			return 0;
		hz = measure(from_pmtimer, acpi);
		break;
	case TSC_SRC_HPET:
		if (!acpi || !acpi->hpet.ok)
			return 0;
		if (hpet_init(acpi->hpet.base, &hpet))
			hz = measure(from_hpet, acpi);
		break;
	case TSC_SRC_PIT:
		hz = measure(pit_source, acpi);
		break;
	case TSC_SRC_NR:
		break;
	}
	if (!hz)
		*why = "failed";	/* its own line said why */
	return hz;
}

/*
 * tsc_test_skew_ppm=N: the answer of source s (its number in the order of
 * preference) is made s * N ppm fast, so that with N above the agreement
 * limit no two agree and the warning path runs (a test, never a fix).
 */
static void test_skew(uint64_t hz[TSC_SRC_NR])
{
	uint64_t ppm = option_u64("tsc_test_skew_ppm");

	if (!ppm)
		return;
	kprintf("tsc: tsc_test_skew_ppm=%llu: each source's answer made (its number x %llu) ppm fast, a test\n",
		(unsigned long long)ppm, (unsigned long long)ppm);
	for (int s = 0; s < TSC_SRC_NR; s++)
		hz[s] += hz[s] / 1000000 * ppm * (uint64_t)s;
}

void tsc_calibrate(const struct acpi_info *acpi, struct tsc_calibration *out)
{
	uint32_t excluded = excluded_sources();
	uint64_t hz[TSC_SRC_NR];
	struct tsc_choice c;

	*out = (struct tsc_calibration){ 0 };
	for (int s = 0; s < TSC_SRC_NR; s++) {
		out->src_name[s] = tsc_src_name[s];
		if (excluded & (1u << s)) {
			hz[s] = 0;
			out->src_why[s] = "excluded";
		} else {
			hz[s] = ask((enum tsc_src)s, acpi, &out->src_why[s]);
		}
	}
	test_skew(hz);
	for (int s = 0; s < TSC_SRC_NR; s++)
		out->src_hz[s] = hz[s];
	tsc_choose(hz, &c);
	out->agreement = tsc_agreement_name[c.agreement];
	out->agreed = c.agreement == TSC_AGREE_YES;
	if (c.primary < 0) {
		out->hz = 1000000000ull;
		out->source = "none (assumed 1 GHz)";
		kprintf("tsc: no calibration source answered; assuming 1 GHz, times will be wrong\n");
	} else {
		out->hz = hz[c.primary];
		out->source = tsc_src_name[c.primary];
	}
	if (c.check >= 0) {
		out->check_hz = hz[c.check];
		out->check_source = tsc_src_name[c.check];
		out->ppm = c.ppm;
	}
	if (c.agreement == TSC_AGREE_NO)
		kprintf("tsc: WARNING: no two calibration sources agree within %u ppm (%s and %s differ by %ld ppm); using %s, times may be off\n",
			TSC_AGREE_PPM, out->source, out->check_source, (long)out->ppm,
			out->source);
	else if (c.agreement == TSC_AGREE_SINGLE)
		kprintf("tsc: only %s answered: the rate is not cross-checked\n", out->source);
	/* relaxed: calibration ends before any other CPU reads tsc_hz (they are not started yet) */
	__atomic_store_n(&tsc_hz, out->hz, __ATOMIC_RELAXED);
}

void tsc_report(const struct tsc_calibration *cal)
{
	struct json_writer w;
	char buf[640];

	kprintf("tsc:  %lu.%06lu MHz from %s", (unsigned long)(cal->hz / 1000000),
		(unsigned long)(cal->hz % 1000000), cal->source);
	if (cal->check_hz)
		kprintf(", %s says %lu.%06lu MHz (%ld ppm, %s)", cal->check_source,
			(unsigned long)(cal->check_hz / 1000000),
			(unsigned long)(cal->check_hz % 1000000),
			(long)cal->ppm, cal->agreement);
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
	json_str(&w, "agreement", cal->agreement);
	json_bool(&w, "agreed", cal->agreed);
	json_object_begin(&w, "sources");
	for (int s = 0; s < TSC_SOURCES_MAX && cal->src_name[s]; s++) {
		if (cal->src_hz[s])
			json_u64(&w, cal->src_name[s], cal->src_hz[s]);
		else
			json_str(&w, cal->src_name[s], cal->src_why[s]);
	}
	json_object_end(&w);
	report_emit(json_end(&w));
}
