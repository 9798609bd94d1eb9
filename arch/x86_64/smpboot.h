/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smpboot: numbering the CPUs and starting them (see smpboot.c).
 */
#ifndef PULLKERN_ARCH_SMPBOOT_H
#define PULLKERN_ARCH_SMPBOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu_start.h"
#include "arch/x86_64/percpu.h"

/* Lifecycle of a CPU slot; every transition is a compare-and-exchange. */
enum cpu_state {
	CPU_ABSENT = 0,		/* no such slot */
	CPU_POSSIBLE,		/* numbered, not started (enabled at boot, or a hot-add slot) */
	CPU_KICKED,		/* INIT/SIPI sent, not yet answered */
	CPU_ONLINE,		/* running its entry */
	CPU_FAILED,		/* never answered in time; a late arrival halts */
	CPU_PARKED,		/* halted for good by arch_cpu_park(); may be started again */
};

struct acpi_info;

struct smp_options {
	uint64_t init_udelay;	/* wait after INIT, microseconds (SDM: 10000) */
	uint64_t init_udelay_one;	/* the same for a set of one CPU; SMP_UDELAY_AUTO: by CPU family */
	uint64_t sipi_udelay;	/* wait after each SIPI (SDM: 200) */
	uint64_t sipi_retry_ms;	/* re-send SIPI to silent APs this often */
	uint64_t timeout_ms;	/* wait for all APs */
	int apic_force;		/* -1 xapic, 0 auto, 1 x2apic, SMP_APIC_HANDOVER */
	bool hold_last_ap;	/* test hook: no SIPI for the last AP (test=late_ap) */
	bool drop_first_sipis;	/* test hook: last AP misses the first two SIPIs (test=lost_sipi) */
};

#define SMP_UDELAY_AUTO	UINT64_MAX
/* apic_force: switch x2APIC on first, as firmware that hands over in x2APIC mode; then auto */
#define SMP_APIC_HANDOVER	2

/* What smp_prepare() found. */
struct smp_result {
	uint64_t init_udelay_one;	/* in force: given, or chosen by CPU family */
	uint32_t possible;	/* slots, BSP included */
	uint32_t boot_cpus;	/* enabled in the MADT: CPU numbers 0 .. boot_cpus - 1 */
	const char *single_cpu_reason;	/* non-NULL: why only the BSP runs */
	const char *apic_mode_reason;
};

/* What one smp_start_cpus() did. */
struct smp_start_stats {
	uint32_t started;	/* CPUs kicked */
	uint32_t online;	/* of those, online at the end */
	uint64_t bringup_us;	/* first INIT to last CPU online */
	uint32_t sipi_resends;	/* rounds of SIPI re-sent while waiting */
	uint64_t trampoline;	/* physical page, 0 if none */
	const char *error;	/* non-NULL: nothing could be started, and why */
	uint32_t nfailed;
	uint32_t failed_apic_ids[MAX_CPUS];
};

extern uint32_t smp_cpu_count;
extern struct cpu_start cpu_start_table[MAX_CPUS];

/* BSP: number the CPUs from the MADT (and SRAT) and set up the local APIC mode. */
void smp_prepare(const struct acpi_info *acpi, const struct smp_options *opt,
		 struct smp_result *res);

/*
 * Start cpus[0 .. n) (each POSSIBLE or PARKED) in parallel: each runs
 * entry(arg) on its own stack, interrupts off, once it is ONLINE.  Bounded
 * by the options' timeout; a CPU that does not answer is FAILED.  Returns
 * how many came online; `st` (required) gets the figures.  One caller at a
 * time: the BSP at boot, later the hotplug path.
 */
uint32_t smp_start_cpus(const uint32_t *cpus, uint32_t n, cpu_entry_fn entry,
			void *arg, struct smp_start_stats *st);

static inline uint32_t smp_apic_id(uint32_t cpu)
{
	return cpu_start_table[cpu].apic_id;
}

static inline uint32_t smp_cpu_node(uint32_t cpu)
{
	return cpu_start_table[cpu].node;
}

/*
 * Test hook for test=late_ap: start the AP that hold_last_ap kept back,
 * after the BSP has given up on it.  Returns the number of APs that
 * arrived on a poisoned slot (and halted) within `wait_ms`.
 */
uint32_t smp_start_held_ap(uint32_t wait_ms);

/*
 * trap.c, on an NMI: true if it was this parked CPU's wake-up (or a stray
 * NMI while parked, counted in parked_irqs) and has been handled; false:
 * not parked, the NMI is someone else's business.
 */
struct trap_frame;
bool smp_park_nmi(struct trap_frame *f);
uint32_t smp_held_cpu(void);

/*
 * Test hook for test=cpuhp: the next smp_start_cpus() sends `cpu` its INIT
 * but no SIPI, so it never answers (a hot-add that fails); one start only.
 */
void smp_withhold_next_start(uint32_t cpu);

enum cpu_state cpu_state(uint32_t cpu);
uint32_t cpu_online_count(void);

#endif
