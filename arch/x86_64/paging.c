// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * paging: extending the boot identity map above 4 GiB.
 *
 * entry32.S maps [0, 4 GiB) with 2 MiB pages through boot_pml4[0] ->
 * boot_pdpt[0..3].  Firmware may still place a framebuffer or an ACPI
 * table higher.  paging_map_mmio() adds 2 MiB identity mappings for such a
 * range, uncached (PCD|PWT), allocating page-table pages as needed.  We
 * only add mappings, never change or remove one, so no TLB shootdown is
 * needed: a CPU that has not seen the new entry yet takes no stale
 * translation, and the lock orders concurrent extenders.
 *
 * Each new 1 GiB region costs a page directory page (and each new
 * 512 GiB one a PDPT page), kept for good because the mappings are.  The
 * addresses come from firmware (ACPI root-table entries, a framebuffer),
 * so the pages spent are bounded: past MAX_TABLE_PAGES a request that
 * needs a new one is refused with a line, and memory cannot be drained by
 * a table listing thousands of scattered addresses.  Requests inside
 * regions already mapped reuse their pages and still succeed.
 */
#include "arch/x86_64/paging.h"
#include "kernel/page_alloc.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"

#define PTE_P		(1ull << 0)
#define PTE_RW		(1ull << 1)
#define PTE_PWT		(1ull << 3)
#define PTE_PCD		(1ull << 4)
#define PTE_PS		(1ull << 7)
#define PTE_ADDR	0x000ffffffffff000ull
#define LARGE_PAGE	(2ull << 20)
#define PHYS_LIMIT	(1ull << 46)	/* stay well inside 48-bit canonical space */

#define MAX_TABLE_PAGES	64	/* page-table pages spent above 4 GiB */

static struct spinlock map_lock = SPINLOCK_INIT;
static unsigned table_pages;	/* under map_lock */
static bool table_pages_full;	/* under map_lock: the bound was reached */
static bool told_full;		/* under map_lock: and said so */
static bool told_outside;	/* an address past PHYS_LIMIT was said */

static uint64_t *next_table(uint64_t *table, unsigned idx)
{
	uint64_t *sub;

	if (table[idx] & PTE_P)
		return (uint64_t *)(table[idx] & PTE_ADDR);
	if (table_pages == MAX_TABLE_PAGES) {
		table_pages_full = true;
		return NULL;
	}
	sub = page_alloc_pages(1);
	if (!sub)
		return NULL;
	table_pages++;
	table[idx] = (uint64_t)sub | PTE_P | PTE_RW;
	return sub;
}

static bool map_large(uint64_t addr)
{
	uint64_t *pdpt = next_table(boot_pml4, (addr >> 39) & 511);
	uint64_t *pd;
	unsigned idx = (addr >> 21) & 511;

	if (!pdpt)
		return false;
	pd = next_table(pdpt, (addr >> 30) & 511);
	if (!pd)
		return false;
	if (!(pd[idx] & PTE_P))
		pd[idx] = addr | PTE_P | PTE_RW | PTE_PS | PTE_PCD | PTE_PWT;
	return true;
}

void *paging_map_mmio(uint64_t phys, uint64_t len)
{
	unsigned long flags;
	uint64_t start, end;
	bool ok = true, spent, tell;

	if (!len || phys >= PHYS_LIMIT || len > PHYS_LIMIT - phys) {
		/* once: firmware may list thousands; relaxed, it only gates a line */
		if (!__atomic_exchange_n(&told_outside, true, __ATOMIC_RELAXED))
			kprintf("paging: cannot map %#lx+%#lx: outside the supported physical range (said once)\n",
				(unsigned long)phys, (unsigned long)len);
		return NULL;
	}
	if (phys + len <= PAGE_LIMIT)
		return (void *)phys;	/* already in the boot identity map */
	start = phys & ~(LARGE_PAGE - 1);
	end = (phys + len + LARGE_PAGE - 1) & ~(LARGE_PAGE - 1);
	if (start < PAGE_LIMIT)
		start = PAGE_LIMIT;
	flags = spin_lock_irqsave(&map_lock);
	for (uint64_t a = start; a < end && ok; a += LARGE_PAGE)
		ok = map_large(a);
	/* the bound is said once; each caller says what it could not map */
	spent = table_pages_full;
	tell = spent && !told_full;
	told_full = spent;
	spin_unlock_irqrestore(&map_lock, flags);
	if (tell)
		kprintf("paging: the %u page-table pages for mappings above 4 GiB are spent; %#lx+%#lx and later new regions not mapped\n",
			MAX_TABLE_PAGES, (unsigned long)phys, (unsigned long)len);
	else if (!ok && !spent)
		kprintf("paging: out of memory mapping %#lx+%#lx\n",
			(unsigned long)phys, (unsigned long)len);
	if (!ok)
		return NULL;
	return (void *)phys;
}
