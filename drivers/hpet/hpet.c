// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hpet: the High Precision Event Timer's main counter, read for the TSC
 * calibration (arch/x86_64/tsc.c), nothing else: no comparator is
 * programmed, no interrupt routed.
 *
 * Registers (IA-PC HPET specification 1.0a, 2.3): the general capabilities
 * and ID register at 0x000 (bits 63:32 COUNTER_CLK_PERIOD in femtoseconds,
 * bit 13 COUNT_SIZE_CAP), the general configuration register at 0x010
 * (bit 0 ENABLE_CNF starts the main counter), the main counter at 0x0F0.
 *
 * The block's address comes from firmware (kernel/acpi_hpet.c) and the
 * hardware behind it may be absent, gated or broken (some platforms stop
 * it in deep package C-states), so it is never trusted unchecked: the
 * period must be non-zero and at most 100 ns (the specification's bound,
 * 0x05F5E100 fs; an all-ones read, as from an absent device, fails it
 * too), and the counter must change within a bounded number of reads once
 * enabled.  A counter that firmware left stopped is started and left
 * running: reading it costs nothing, and nothing else uses the HPET.
 *
 * A 32-bit counter (COUNT_SIZE_CAP clear) wraps after 2^32 ticks, over
 * 42 s at the fastest allowed rate; callers take differences masked with
 * `mask`, which covers a calibration window of milliseconds.
 *
 * MMIO through a volatile pointer: device registers, not shared memory.
 * Boot CPU only, before the APs start: no locking.
 */
#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "drivers/hpet/hpet.h"
#include "kernel/printk.h"

#define HPET_GCAP_ID		0x000
#define HPET_GEN_CONF		0x010
#define HPET_MAIN_COUNTER	0x0f0
#define HPET_REGS_LEN		1024
#define HPET_COUNT_SIZE_CAP	(1ull << 13)
#define HPET_ENABLE_CNF		(1ull << 0)
#define HPET_MAX_PERIOD_FS	0x05f5e100u	/* 100 ns */
#define FS_PER_S		1000000000000000ull
#define ADVANCE_POLLS		1000000u	/* reads before a still counter is declared dead */

static uint64_t rd64(const struct hpet *h, uint32_t reg)
{
	return *(const volatile uint64_t *)(h->regs + reg);
}

static void wr64(const struct hpet *h, uint32_t reg, uint64_t v)
{
	*(volatile uint64_t *)(h->regs + reg) = v;
}

static const char *hpet_period_problem(uint32_t period_fs)
{
	if (period_fs == 0)
		return "period 0";
	if (period_fs > HPET_MAX_PERIOD_FS)
		return "period above 100 ns";
	return NULL;
}

static bool advances(const struct hpet *h)
{
	uint64_t first = hpet_read(h);

	for (uint32_t i = 0; i < ADVANCE_POLLS; i++) {
		if (hpet_read(h) != first)
			return true;
		cpu_pause();
	}
	return false;
}

bool hpet_init(uint64_t phys, struct hpet *out)
{
	const char *why;
	uint64_t cap, conf;

	*out = (struct hpet){ 0 };
	out->regs = paging_map_mmio(phys, HPET_REGS_LEN);
	if (!out->regs) {
		kprintf("hpet: block at %#llx cannot be mapped; not used\n",
			(unsigned long long)phys);
		return false;
	}
	cap = rd64(out, HPET_GCAP_ID);
	out->period_fs = (uint32_t)(cap >> 32);
	why = hpet_period_problem(out->period_fs);
	if (why) {
		kprintf("hpet: at %#llx: %s (%u fs, capabilities %#llx); not used\n",
			(unsigned long long)phys, why, out->period_fs,
			(unsigned long long)cap);
		return false;
	}
	out->hz = FS_PER_S / out->period_fs;
	out->mask = cap & HPET_COUNT_SIZE_CAP ? ~0ull : 0xffffffffull;
	conf = rd64(out, HPET_GEN_CONF);
	if (!(conf & HPET_ENABLE_CNF))
		wr64(out, HPET_GEN_CONF, conf | HPET_ENABLE_CNF);
	if (!advances(out)) {
		kprintf("hpet: at %#llx: main counter does not advance; not used\n",
			(unsigned long long)phys);
		return false;
	}
	kprintf("hpet: at %#llx: %llu Hz (%u fs), %u-bit counter%s\n",
		(unsigned long long)phys, (unsigned long long)out->hz,
		out->period_fs, out->mask == ~0ull ? 64 : 32,
		conf & HPET_ENABLE_CNF ? "" : ", started");
	return true;
}

uint64_t hpet_read(const struct hpet *h)
{
	return rd64(h, HPET_MAIN_COUNTER) & h->mask;
}
