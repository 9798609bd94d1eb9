// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * selftest: the test= hooks, run instead of a scenario.
 *
 *   fault      read an unmapped, canonical address: the page-fault path
 *              must print its diagnostic and the `exception` record and
 *              fail the run (a read that returns fails it too)
 *   late_ap    the bring-up held the last AP back (INIT, no SIPI) until
 *              the BSP declared it failed; now it gets its SIPIs: it must
 *              find its slot poisoned and halt, and the online count must
 *              not change
 *   lost_sipi  the bring-up withheld the last AP's first two SIPIs: the
 *              re-send must have brought it up
 *   restart_ap the last AP parked itself before joining and was started
 *              again with arch_cpu_start (kernel/smp.c checks it during
 *              the bring-up, where it must happen)
 *
 * The bring-up reads selftest_chosen() to arrange late_ap, lost_sipi and restart_ap
 * before the APs start; selftest_run() checks the outcome afterwards.
 * Boot CPU only.
 */
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/smpboot.h"
#include "kernel/cpu_state_name.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/selftest.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/verdict.h"
#include "lib/json.h"
#include "lib/string.h"

bool selftest_chosen(const char *name)
{
	const char *t = option_str("test");

	return t && !strcmp(t, name);
}

static void test_late_ap(void)
{
	uint32_t cpu = smp_held_cpu();
	uint32_t online_before = cpu_online_count();
	uint32_t arrived = cpu ? smp_start_held_ap(500) : 0;
	uint32_t online_after;
	struct json_writer w;
	char buf[256];

	udelay(20000);	/* give a wrongly admitted AP time to show up */
	online_after = cpu_online_count();
	kprintf("test=late_ap: CPU %u (APIC ID %u) %s after the timeout; state %s, online %u -> %u\n",
		cpu, smp_apic_id(cpu), arrived ? "arrived" : "did not arrive",
		cpu_state_name(cpu_state(cpu)), online_before, online_after);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "late_ap");
	json_u64(&w, "cpu", cpu);
	json_u64(&w, "apic_id", smp_apic_id(cpu));
	json_bool(&w, "arrived", arrived == 1);
	json_str(&w, "state", cpu_state_name(cpu_state(cpu)));
	json_u64(&w, "online_before", online_before);
	json_u64(&w, "online_after", online_after);
	report_emit(json_end(&w));
	if (!cpu)
		verdict_fail("test=late_ap needs at least two CPUs");
	else if (arrived != 1 || online_after != online_before ||
		 cpu_state(cpu) != CPU_FAILED)
		verdict_fail("a late AP was not parked on its poisoned slot");
}

static void test_lost_sipi(void)
{
	/* The SIPI re-send must have brought the AP up: checked by the harness. */
	if (!smp_boot_stats()->sipi_resends || cpu_online_count() != smp_cpu_count)
		verdict_fail("test=lost_sipi: the AP that missed its SIPIs did not come up");
}

/* test=restart_ap ran during the bring-up (kernel/smp.c); its failure is already recorded. */
static void test_restart_ap(void)
{
}

static void test_fault(void)
{
	/* Canonical, unmapped (above the 4 GiB identity map): #PF, not #GP. */
	volatile uint64_t *bad = (volatile uint64_t *)0x0000001000000000ull;

	kprintf("test=fault: reading %p on purpose\n", (void *)bad);
	(void)*bad;
	verdict_fail("test=fault: the read did not fault");
}

/* The names are test='s words in kernel/options.c (tests/checks/ compares the two). */
static const struct selftest {
	const char *name;
	void (*run)(void);
} selftests[] = {
	{ "fault", test_fault },
	{ "late_ap", test_late_ap },
	{ "lost_sipi", test_lost_sipi },
	{ "restart_ap", test_restart_ap },
};

void selftest_run(const char *name)
{
	for (size_t i = 0; i < sizeof(selftests) / sizeof(selftests[0]); i++) {
		if (!strcmp(selftests[i].name, name)) {
			selftests[i].run();
			return;
		}
	}
	kprintf("test: unknown test '%s' (known: %s)\n", name, option_find("test")->arg);
	verdict_fail("unknown test name");
}
