/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * platform: facts about the machine we run on, and how a run ends.
 */
#ifndef PULLKERN_ARCH_PLATFORM_H
#define PULLKERN_ARCH_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

struct cpu_features {
	char vendor[13];
	uint32_t family, model, stepping;
	uint32_t max_leaf, max_ext_leaf;
	bool hypervisor;	/* CPUID.1:ECX[31] */
	char hv_vendor[13];
	bool qemu;		/* fw_cfg answers with "QEMU" */
	bool x2apic;		/* CPUID.1:ECX[21] */
	bool tsc_deadline;	/* CPUID.1:ECX[24] */
	bool arat;		/* CPUID.6:EAX[2] */
	bool invariant_tsc;	/* CPUID.80000007H:EDX[8] */
	bool nx;		/* CPUID.80000001H:EDX[20] */
};

extern struct cpu_features cpu_features;

void platform_detect(void);

/* Power QEMU off through isa-debug-exit with the result; returns on real hardware. */
void platform_exit(bool pass);

/* The ways to reset, in the order they are tried. */
enum reset_method {
	RESET_FADT,		/* the FADT reset register, if handed down */
	RESET_KBC,		/* the keyboard controller's reset pulse */
	RESET_TRIPLE_FAULT,	/* never returns */
	RESET_METHOD_NR
};

/*
 * Boot CPU, once, at boot: the FADT's reset register (kernel/acpi.c
 * validated it): RESET_VALUE goes to port `addr` if io, else to the
 * memory byte at physical `addr`.
 */
void platform_set_reset_reg(bool io, uint64_t addr, uint8_t value);
/* Whether method m can be tried here (the FADT register or the 8042 may be missing). */
bool platform_reset_has(enum reset_method m);
/* Why platform_reset_has(m) said no, for the line that says so. */
const char *platform_reset_absent_why(enum reset_method m);
/* The method's name for records: fadt_reset_reg, keyboard_controller, triple_fault. */
const char *platform_reset_name(enum reset_method m);
/* Try one method; returns if the machine is still running a while later. */
void platform_reset_try(enum reset_method m);

/*
 * Boot CPU, once, at boot: ACPI S5 as kernel/acpi_s5.c found it (PM1a_CNT
 * and PM1b_CNT ports, 0 = none; SLP_TYPa/b; SMI_CMD and ACPI_ENABLE for
 * entering ACPI mode first, 0 = cannot).
 */
void platform_set_s5(uint16_t pm1a_cnt, uint16_t pm1b_cnt, uint8_t typa,
		     uint8_t typb, uint16_t smi_cmd, uint8_t acpi_enable);
/* Whether S5 was handed down. */
bool platform_poweroff_has(void);
/* Enter S5; returns if it was not handed down or the machine still runs a while later. */
void platform_poweroff(void);

struct acpi_info;
/* Boot CPU, once, after the boot CPUs started: the `firmware` record. */
void platform_firmware_report(const struct acpi_info *acpi);

/* Reset the machine: every method in order, silently.  Never returns. */
__attribute__((noreturn)) void platform_reset(void);

#endif
