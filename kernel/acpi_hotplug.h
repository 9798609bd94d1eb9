/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acpi_hotplug: CPUs plugged in at run time by the firmware (QEMU's
 * device_add), seen through the SCI and QEMU's CPU hotplug register
 * block, hot-added with cpu_up() (docs/acpi-hotplug.md).
 */
#ifndef PULLKERN_KERNEL_ACPI_HOTPLUG_H
#define PULLKERN_KERNEL_ACPI_HOTPLUG_H

#include <stdint.h>

struct acpi_info;

/* What happened so far; counters written by the boot CPU, read with counter_read. */
struct acpi_hotplug_stats {
	uint64_t scis;		/* SCIs with our GPE status bit set */
	uint64_t scis_other;	/* SCIs without it (shared or spurious) */
	uint64_t polls;		/* acpi_hotplug=poll: timer polls */
	uint64_t scans;		/* passes over the register block */
	uint64_t inserts;	/* insert events read */
	uint64_t hotadded;	/* ... whose CPU came online */
	uint64_t failed;	/* ... whose cpu_up() failed */
	uint64_t unknown;	/* ... for an APIC ID that is no hot-add slot */
	uint64_t removes;	/* remove requests, all refused */
	uint64_t waited;	/* hot-adds that waited in line behind another CPU operation */
	uint64_t last_sci_to_online_us;	/* the latest hot-add, from its SCI (or poll) */
};

/*
 * Boot CPU, after the bring-up, interrupts on: find the register block,
 * route the SCI and listen (acpi_hotplug= says how).  Prints an
 * `acpi_hotplug` record saying what it found.
 */
void acpi_hotplug_init(const struct acpi_info *acpi);

const struct acpi_hotplug_stats *acpi_hotplug_stats(void);
/* "modern", "legacy" or "off": how events are read. */
const char *acpi_hotplug_mode(void);

#endif
