/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * paging: the kernel's one address space.
 *
 * Boot code identity-maps the first 4 GiB with 2 MiB pages (kernel, low
 * memory for the AP trampoline, ACPI tables, LAPIC, most framebuffers).
 * paging_map_mmio() extends the identity map for a physical range above
 * that (a framebuffer or table placed high by firmware), uncached.
 */
#ifndef PULLKERN_ARCH_PAGING_H
#define PULLKERN_ARCH_PAGING_H

#include <stdint.h>

/* Physical address of the boot PML4: loaded into CR3 by every CPU. */
extern uint64_t boot_pml4[512];

/*
 * Make [phys, phys+len) reachable at the same virtual address.  Returns the
 * pointer, or NULL (with a console message) when it cannot be mapped.
 */
void *paging_map_mmio(uint64_t phys, uint64_t len);

#endif
