/*
 * smpboot: numbering the CPUs and bringing the APs up.
 */
#ifndef PULLKERN_ARCH_SMPBOOT_H
#define PULLKERN_ARCH_SMPBOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/percpu.h"

/* Lifecycle of a CPU slot; every transition is a compare-and-exchange. */
enum cpu_state {
	CPU_ABSENT = 0,		/* no such slot */
	CPU_POSSIBLE,		/* in the MADT, not started (hot-add later) */
	CPU_KICKED,		/* INIT/SIPI sent, not yet answered */
	CPU_ONLINE,		/* running kernel code, tick on */
	CPU_FAILED,		/* never answered in time; a late arrival halts */
};

struct acpi_info;

struct smp_options {
	uint64_t init_udelay;	/* wait after INIT, microseconds (SDM: 10000) */
	uint64_t sipi_udelay;	/* wait after each SIPI (SDM: 200) */
	uint64_t sipi_retry_ms;	/* re-send SIPI to silent APs this often */
	uint64_t timeout_ms;	/* wait for all APs */
	int apic_force;		/* -1 xapic, 0 auto, 1 x2apic */
	bool hold_last_ap;	/* test hook: no SIPI for the last AP (test=late_ap) */
	bool drop_first_sipis;	/* test hook: last AP misses the first two SIPIs (test=lost_sipi) */
};

struct smp_result {
	uint32_t possible;	/* slots, BSP included */
	uint32_t started;	/* APs kicked */
	uint32_t online;	/* CPUs online, BSP included */
	uint64_t bringup_us;	/* first INIT to last AP online */
	uint32_t sipi_resends;	/* rounds of SIPI re-sent while waiting */
	uint64_t trampoline;	/* physical page, 0 if none */
	uint32_t nfailed;
	uint32_t failed_apic_ids[MAX_CPUS];
	const char *single_cpu_reason;	/* non-NULL: why only the BSP runs */
	const char *apic_mode_reason;
};

extern uint32_t smp_cpu_count;
extern uint32_t smp_apic_ids[MAX_CPUS];
extern uint64_t smp_ap_stack_top[MAX_CPUS];

/* BSP: number the CPUs from the MADT and set up the local APIC mode. */
void smp_prepare(const struct acpi_info *acpi, const struct smp_options *opt,
		 struct smp_result *res);

/* BSP: kick every AP at once, then wait for all of them, bounded. */
void smp_boot_aps(const struct smp_options *opt, struct smp_result *res);

/*
 * Test hook for test=late_ap: start the AP that hold_last_ap kept back,
 * after the BSP has given up on it.  Returns the number of APs that
 * arrived on a poisoned slot (and halted) within `wait_ms`.
 */
uint32_t smp_start_held_ap(uint32_t wait_ms);
uint32_t smp_held_cpu(void);

enum cpu_state cpu_state(uint32_t cpu);
uint32_t cpu_online_count(void);

#endif
