/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ioapic: the I/O APICs the MADT lists, for the one interrupt pullkern
 * takes from a device: the ACPI SCI (docs/acpi-hotplug.md).
 */
#ifndef PULLKERN_DRIVERS_IOAPIC_H
#define PULLKERN_DRIVERS_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct acpi_info;

/*
 * BSP, at boot, before interrupts are enabled: find the I/O APICs of the
 * MADT, map them and mask every input.  An entry whose registers would
 * lie in memory (is_memory(phys, len), from the loader's map) is refused:
 * writing there would corrupt it.  Returns how many answered.
 */
uint32_t ioapic_init(const struct acpi_info *acpi, bool (*is_memory)(uint64_t phys, uint64_t len));

/* Program `gsi` to `vector` on APIC ID `dest` (fixed, physical), unmasked. */
bool ioapic_route(uint32_t gsi, uint8_t vector, bool level, bool active_low, uint32_t dest);

#endif
