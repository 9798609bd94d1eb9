// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * firmware_report: the `firmware` record, what the firmware handed over
 * and what the kernel made of it (docs/firmware.md): the MADT's LINT NMI
 * entries kept and refused and how many CPUs programmed a pin from them,
 * whether the firmware left x2APIC on, the ways to power off and reset
 * that exist, and the S5 values found in the DSDT.
 *
 * Boot CPU, once, after every CPU started at boot has run
 * lapic_init_cpu(); everything it reads was written before and is
 * read-only by then (lint_nmi_cpus is a relaxed counter: a late hot-add
 * is not counted, which the doc says).
 */
#include "arch/x86_64/platform.h"
#include "drivers/apic/lapic.h"
#include "kernel/acpi.h"
#include "kernel/report.h"
#include "lib/json.h"

/* The reset the shell's reboot would try first (arch/x86_64/platform.c). */
static enum reset_method first_reset_method(void)
{
	int m = RESET_FADT;

	while (m < RESET_TRIPLE_FAULT && !platform_reset_has((enum reset_method)m))
		m++;
	return (enum reset_method)m;
}

void platform_firmware_report(const struct acpi_info *acpi)
{
	struct json_writer w;
	char buf[512];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "firmware");
	json_u64(&w, "lint_nmi_entries", acpi->nlapic_nmi);
	json_u64(&w, "lint_nmi_refused", acpi->lapic_nmi_refused);
	json_u64(&w, "lint_nmi_cpus", lapic_lint_nmi_cpus());
	json_str(&w, "apic_mode", lapic_mode_name());
	json_bool(&w, "x2apic_by_firmware", lapic_firmware_x2apic());
	json_str(&w, "poweroff", platform_poweroff_has() ? "acpi_s5" : "none");
	json_str(&w, "s5_from", !acpi->s5.ok ? "none" :
		 acpi->s5.from_x_dsdt ? "x_dsdt" : "dsdt");
	if (acpi->s5.ok) {
		json_u64(&w, "slp_typa", acpi->s5.slp_typa);
		json_u64(&w, "slp_typb", acpi->s5.slp_typb);
		json_hex(&w, "pm1a_cnt", acpi->s5.pm1a_cnt);
		json_hex(&w, "pm1b_cnt", acpi->s5.pm1b_cnt);
	} else {
		json_str(&w, "s5_why", acpi->s5.error);
	}
	json_str(&w, "reset", platform_reset_name(first_reset_method()));
	report_emit(json_end(&w));
}
