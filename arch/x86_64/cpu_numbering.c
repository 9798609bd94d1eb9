// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpu_numbering: CPU numbers from the MADT's CPU list (docs/cpus.md §7.1,
 * docs/firmware.md).
 *
 * Numbers are dense and ours: 0 is the boot CPU, then the enabled MADT
 * entries in table order (firmware lists the first thread of each core
 * first), then the disabled-but-possible ones (hot-add slots), so the
 * CPUs enabled at boot are exactly 0 .. boot_cpus - 1.  APIC IDs are
 * 32-bit and sparse; nothing here or later is indexed by one.  A CPU the
 * local APIC mode cannot address (an ID above 254 in xAPIC mode, where
 * destinations are 8 bits and 0xFF is broadcast: Intel SDM Vol. 3A
 * 11.6.1, 11.12) gets no number, with a line; so does every CPU past the
 * slot limit, counted.  The boot CPU missing from the MADT is added all
 * the same, with a line.
 *
 * Pure: no hardware access, so host tests run it (arch/x86_64/smpboot.c
 * is its one caller, on the boot CPU before any AP starts).
 */
#include <stddef.h>

#include "arch/x86_64/cpu_numbering.h"
#include "drivers/apic/apic_encode.h"
#include "kernel/acpi.h"
#include "kernel/printk.h"

static void add(struct cpu_slot *slots, uint32_t max, struct cpu_numbering *out,
		uint32_t apic_id, uint32_t node, bool enabled)
{
	if (out->count == max) {
		out->over_limit++;
		return;
	}
	slots[out->count].apic_id = apic_id;
	slots[out->count].node = node;
	slots[out->count].enabled = enabled;
	out->count++;
}

void cpu_number(const struct acpi_info *acpi, uint32_t bsp_apic_id, bool x2apic,
		struct cpu_slot *slots, uint32_t max, struct cpu_numbering *out)
{
	bool bsp_listed = false;

	*out = (struct cpu_numbering){ 0 };
	add(slots, max, out, bsp_apic_id, 0, true);
	out->boot_cpus = 1;
	if (!acpi->madt_ok) {
		out->single_cpu_reason = acpi->error ? acpi->error : "no usable MADT";
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < acpi->ncpus; i++) {
			const struct acpi_cpu *c = &acpi->cpus[i];

			if (c->apic_id == bsp_apic_id) {
				slots[0].node = c->node;
				bsp_listed = true;
				continue;
			}
			if (c->enabled != (pass == 0))
				continue;
			if (!apic_dest_ok(x2apic, c->apic_id)) {
				if (out->unaddressable++ < 8)
					kprintf("smp: APIC ID %u cannot be addressed in %s mode; CPU skipped\n",
						c->apic_id, x2apic ? "x2apic" : "xapic");
				continue;
			}
			add(slots, max, out, c->apic_id, c->node, pass == 0);
		}
		if (pass == 0)
			out->boot_cpus = out->count;
	}
	if (out->unaddressable > 8)
		kprintf("smp: %u more CPUs with APIC IDs the mode cannot address not shown\n",
			out->unaddressable - 8);
	if (out->over_limit)
		kprintf("smp: %u CPUs ignored: more than %u CPUs\n", out->over_limit, max);
	if (!bsp_listed)
		kprintf("smp: the boot CPU (APIC ID %u) is not in the MADT; added as CPU 0\n",
			bsp_apic_id);
}
