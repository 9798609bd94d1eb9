/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpuhp_block: the protocol of QEMU's CPU hotplug register block (QEMU's
 * docs/specs/acpi_cpu_hotplug.rst; docs/acpi-hotplug.md), over port
 * accessors the caller hands in: the kernel's are port I/O, the host
 * test's a model of the device.
 */
#ifndef PULLKERN_KERNEL_CPUHP_BLOCK_H
#define PULLKERN_KERNEL_CPUHP_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CPUHP_BLOCK_LEGACY_LEN	32	/* legacy: one bit per APIC ID 0..255 */
#define CPUHP_BLOCK_SCAN_MAX	1024	/* events one scan takes at most */

struct cpuhp_block_io {
	uint8_t (*in8)(uint16_t port);
	uint32_t (*in32)(uint16_t port);
	void (*out8)(uint16_t port, uint8_t v);
	void (*out32)(uint16_t port, uint32_t v);
};

/*
 * Switch the block at `base` from legacy to modern with a one-byte write
 * of 0, and check that it answers as a modern block: selector 0 enabled,
 * selectors 0 and 1 give different APIC IDs, both known().  False: it is
 * (still) legacy.
 */
bool cpuhp_block_switch(const struct cpuhp_block_io *io, uint16_t base,
			bool (*known)(uint32_t apic_id));

/* What one modern event was; acknowledged before the callback runs. */
enum cpuhp_block_event { CPUHP_BLOCK_INSERT, CPUHP_BLOCK_REMOVE };

/*
 * Take every pending event of a modern block, at most CPUHP_BLOCK_SCAN_MAX;
 * each is acknowledged, then handed to fn.  Returns the number taken, or
 * CPUHP_BLOCK_SCAN_MAX + 1 if the block still had events (broken).
 */
uint32_t cpuhp_block_scan(const struct cpuhp_block_io *io, uint16_t base,
			  void (*fn)(enum cpuhp_block_event ev, uint32_t apic_id, void *ctx),
			  void *ctx);

/* Read a legacy block's present-CPU bitmap. */
void cpuhp_block_read_legacy(const struct cpuhp_block_io *io, uint16_t base,
			     uint8_t out[CPUHP_BLOCK_LEGACY_LEN]);

#endif
