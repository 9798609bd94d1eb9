// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hw_counters: the hardware's idle-residency and energy counters, read by
 * each CPU on itself (kernel/hw_counters.h has the portable view).
 *
 * What exists, decided once at boot on the boot CPU:
 *
 *   tsc            always (RDTSC)
 *   aperf, mperf   CPUID.06H:ECX[0] (Intel SDM Vol. 3B §15.2, "hardware
 *                  coordination feedback"; AMD: the same leaf and MSRs)
 *   residency, energy
 *                  the model's row in arch/x86_64/hw_model.c (vendor,
 *                  family, model from CPUID.0 and CPUID.1)
 *
 * and then probed: every candidate MSR is read once through rdmsr_safe(),
 * on the boot CPU and again on each CPU as it starts (hw_counters_init_cpu).
 * A #GP there (real hardware and hypervisors that trap unknown MSRs) marks
 * the counter unavailable with the reason "#GP on rdmsr" instead of
 * crashing.  An emulator that returns 0 for an MSR it does not know (QEMU's
 * TCG) passes the probe: the counter then never advances, which the
 * residency report detects over its window and says.
 *
 * Reading (arch_hw_counters_read): this CPU, interrupts off, its own MSRs
 * only; no CPU reads another's counters (an IPI to do it would wake the
 * CPU being measured).  Package counters are read by every CPU of the
 * package and are the same register for all of them.  The 32-bit energy
 * counters are widened to 64 bits against this CPU's own last reading
 * (lib/hwcount.h): each CPU keeps its own widening state, so no two
 * writers ever share one.
 *
 * Data and ordering.  The model row, the unit exponents and the first
 * statuses are written by the boot CPU before any AP starts (the AP's
 * start is the ordering point) and read-only afterwards, but for a
 * status an AP's probe may replace with "#GP on rdmsr on some CPU"
 * (relaxed pointer store: a diagnostic string, nothing else hangs on it).
 * struct hw_cpu is written by its CPU only.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/hw_counters.h"
#include "arch/x86_64/hw_model.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/platform.h"
#include "kernel/arch_services.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "lib/hwcount.h"
#include "lib/json.h"
#include "lib/string.h"

#define ENERGY_FIRST	HWC_ENERGY_PKG
#define ENERGY_NR	(HWC_ENERGY_DRAM - HWC_ENERGY_PKG + 1)

static bool is_energy(uint32_t c)
{
	return c >= ENERGY_FIRST && c < ENERGY_FIRST + ENERGY_NR;
}

struct hw_cpu {
	uint32_t mask;			/* HWM_BIT(c): c reads on this CPU */
	bool probed;
	struct widen32 energy[ENERGY_NR];
} __attribute__((aligned(64)));

static struct hw_cpu hw_cpus[MAX_CPUS];
static struct hw_model model;
static uint32_t boot_mask;		/* passed the boot CPU's probe */
static uint32_t energy_shift;		/* 2^-n J per energy unit (the unit MSR) */
static bool boot_done;
static const char *status[HWC_NR];	/* NULL: read; relaxed pointer */

static void set_status(uint32_t c, const char *why)
{
	__atomic_store_n(&status[c], why, __ATOMIC_RELAXED);
}

const char *arch_hw_counter_status(enum hw_counter c)
{
	if ((uint32_t)c >= HWC_NR)
		return "no such counter";
	return __atomic_load_n(&status[c], __ATOMIC_RELAXED);
}

uint64_t arch_hw_energy_nj(enum hw_counter c, uint64_t units)
{
	if (!is_energy(c))
		return 0;
	if (c == HWC_ENERGY_DRAM && model.dram_unit_shift)
		return energy_units_to_nj(units, model.dram_unit_shift);
	return energy_units_to_nj(units, energy_shift);
}

static bool aperf_in_cpuid(void)
{
	return cpu_features.max_leaf >= 6 && (cpuid(6, 0).ecx & 1);
}

/* The boot CPU: which counters are candidates, and why the others are not. */
static uint32_t candidates(void)
{
	const char *absent = model.family_name ? "not on this model" : "model not in the table";
	uint32_t mask = HWM_BIT(HWC_TSC);
	uint64_t unit;

	if (aperf_in_cpuid()) {
		mask |= HWM_BIT(HWC_APERF) | HWM_BIT(HWC_MPERF);
	} else {
		set_status(HWC_APERF, "not in CPUID");
		set_status(HWC_MPERF, "not in CPUID");
	}
	for (uint32_t c = HWC_CORE_C1; c < HWC_NR; c++) {
		if (model.counters & HWM_BIT(c))
			mask |= HWM_BIT(c);
		else
			set_status(c, absent);
	}
	if (!(mask & (HWM_BIT(HWC_ENERGY_PKG) | HWM_BIT(HWC_ENERGY_CORE) | HWM_BIT(HWC_ENERGY_DRAM))))
		return mask;
	if (rdmsr_safe(model.amd ? MSR_AMD_RAPL_POWER_UNIT : MSR_INTEL_RAPL_POWER_UNIT, &unit)) {
		energy_shift = energy_unit_shift(unit);
		return mask;
	}
	for (uint32_t c = ENERGY_FIRST; c < ENERGY_FIRST + ENERGY_NR; c++) {
		if (mask & HWM_BIT(c))
			set_status(c, "#GP on rdmsr of the unit MSR");
		mask &= ~HWM_BIT(c);
	}
	return mask;
}

/* This CPU: which of `want` read without a #GP; energy widening primed. */
static uint32_t probe(struct hw_cpu *h, uint32_t want, const char *why)
{
	uint32_t ok = HWM_BIT(HWC_TSC);

	for (uint32_t c = HWC_APERF; c < HWC_NR; c++) {
		uint64_t v;

		if (!(want & HWM_BIT(c)))
			continue;
		if (!rdmsr_safe(hw_model_msr((enum hw_counter)c, model.amd), &v)) {
			set_status(c, why);
			continue;
		}
		ok |= HWM_BIT(c);
		if (is_energy(c))
			widen32_update(&h->energy[c - ENERGY_FIRST], (uint32_t)v);
	}
	return ok;
}

static void report_boot(void)
{
	const struct cpu_features *f = &cpu_features;
	struct hw_counters first;
	struct json_writer w;
	char buf[1536];	/* 17 counters with their longest reasons fit */

	arch_hw_counters_read(&first);	/* the read path, once: its valid mask goes in the record */

	kprintf("hw_counters: %s family %#x model %#x (%s)%s: read",
		f->vendor, f->family, f->model,
		model.family_name ? model.family_name : "not in the model table",
		f->hypervisor ? " under a hypervisor" : "");
	for (uint32_t c = 0; c < HWC_NR; c++)
		if (!status[c])
			kprintf(" %s", hw_counter_name((enum hw_counter)c));
	/* the others grouped by reason, each reason once, in counter order */
	for (uint32_t c = 0; c < HWC_NR; c++) {
		bool first_of_reason = status[c];

		for (uint32_t p = 0; p < c && first_of_reason; p++)
			first_of_reason = !status[p] || strcmp(status[p], status[c]);
		if (!first_of_reason)
			continue;
		kprintf("; %s:", status[c]);
		for (uint32_t d = c; d < HWC_NR; d++)
			if (status[d] && !strcmp(status[d], status[c]))
				kprintf(" %s", hw_counter_name((enum hw_counter)d));
	}
	kprintf("\n");
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "hw_counters");
	json_str(&w, "vendor", f->vendor);
	json_u64(&w, "family", f->family);
	json_u64(&w, "model", f->model);
	if (model.family_name)
		json_str(&w, "table", model.family_name);
	else
		json_null(&w, "table");
	json_bool(&w, "hypervisor", f->hypervisor);
	json_u64(&w, "energy_unit_shift", energy_shift);
	json_hex(&w, "valid", first.valid);
	json_object_begin(&w, "counters");
	for (uint32_t c = 0; c < HWC_NR; c++)
		json_str(&w, hw_counter_name((enum hw_counter)c), status[c] ? status[c] : "read");
	json_object_end(&w);
	report_emit(json_end(&w));
}

void hw_counters_init_cpu(void)
{
	struct hw_cpu *h = &hw_cpus[this_cpu_id()];

	if (!boot_done) {	/* the boot CPU, before any AP starts */
		const struct cpu_features *f = &cpu_features;

		model = hw_model_lookup(f->vendor, f->family, f->model);
		boot_mask = probe(h, candidates(), "#GP on rdmsr");
		h->mask = boot_mask;
		h->probed = true;
		boot_done = true;
		report_boot();
		return;
	}
	if (h->probed)
		return;		/* started again: keep the widened totals */
	h->mask = probe(h, boot_mask, "#GP on rdmsr on some CPU");
	h->probed = true;
}

void arch_hw_counters_read(struct hw_counters *out)
{
	struct hw_cpu *h = &hw_cpus[this_cpu_id()];
	uint32_t mask = h->probed ? h->mask : HWM_BIT(HWC_TSC);

	memset(out, 0, sizeof(*out));
	out->v[HWC_TSC] = rdtsc();
	out->valid = HWM_BIT(HWC_TSC);
	for (uint32_t c = HWC_APERF; c < HWC_NR; c++) {
		uint64_t v;

		if (!(mask & HWM_BIT(c)) ||
		    !rdmsr_safe(hw_model_msr((enum hw_counter)c, model.amd), &v))
			continue;
		if (is_energy(c))
			v = widen32_update(&h->energy[c - ENERGY_FIRST], (uint32_t)v);
		out->v[c] = v;
		out->valid |= HWM_BIT(c);
	}
}
