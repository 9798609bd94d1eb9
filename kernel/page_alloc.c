// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * page_alloc: a bitmap allocator for the physical pages the boot page
 * tables map (the first 4 GiB).
 *
 * One bit per page, set = in use.  At boot every page starts in use; the
 * available (type 1) ranges of the memory map are then freed, and every
 * other range is reserved again, so where firmware reports overlapping
 * ranges the reserved one wins.  Then we reserve what lives in "available"
 * memory but must not be handed out: page 0 (real-mode IVT/BDA), the
 * kernel image, GRUB's boot information and its modules (GRUB places the
 * MBI anywhere from 0x1000 up: the multiboot2 specification leaves its
 * placement to the boot loader).  The AP trampoline
 * page is taken from what is left (page_alloc_below) and never freed.
 *
 * The map is taken as firmware gives it: unsorted, with holes (pages in
 * no entry stay in use) and overlaps (the reserved entry wins whatever the
 * order, because every available range is freed before any other is
 * marked), with hundreds of entries (kernel/multiboot2.h keeps up to
 * MB2_MAX_MMAP).  Past that the entries not kept might reserve memory an
 * available entry we kept also names, so nothing from the lowest base
 * among them up is freed (one line says so).
 *
 * A boot without a memory map falls back to GRUB's basic meminfo (lower
 * 640 KiB and upper memory from 1 MiB), with a message.
 *
 * Allocation scans the bitmap first-fit from a rotating hint; it is boot
 * and setup work, not a hot path.  One spinlock guards the bitmap.
 */
#include "kernel/multiboot2.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/string.h"

#define NPAGES		(PAGE_LIMIT / PAGE_SIZE)
#define WORD_BITS	64

static uint64_t bitmap[NPAGES / WORD_BITS];	/* under lock */
static uint64_t search_hint;			/* under lock */
static struct spinlock lock = SPINLOCK_INIT;

static bool page_used(uint64_t pfn)
{
	return bitmap[pfn / WORD_BITS] & (1ull << (pfn % WORD_BITS));
}

static void mark(uint64_t pfn, bool used)
{
	uint64_t bit = 1ull << (pfn % WORD_BITS);

	if (used)
		bitmap[pfn / WORD_BITS] |= bit;
	else
		bitmap[pfn / WORD_BITS] &= ~bit;
}

/* Mark pages fully inside [base, base+len) free, or pages touching it used. */
static void mark_range(uint64_t base, uint64_t len, bool used)
{
	uint64_t start, end;

	if (!len || base >= PAGE_LIMIT)
		return;
	if (len > PAGE_LIMIT - base)
		len = PAGE_LIMIT - base;
	if (used) {
		start = base / PAGE_SIZE;
		end = (base + len + PAGE_SIZE - 1) / PAGE_SIZE;
	} else {
		start = (base + PAGE_SIZE - 1) / PAGE_SIZE;
		end = (base + len) / PAGE_SIZE;
	}
	for (uint64_t pfn = start; pfn < end; pfn++)
		mark(pfn, used);
}

/* Free the available range [base, base+len), cut at `limit`. */
static void free_below(uint64_t base, uint64_t len, uint64_t limit)
{
	if (base >= limit)
		return;
	if (len > limit - base)
		len = limit - base;
	mark_range(base, len, false);
}

/* The bytes of [base, base+len) at or above PAGE_LIMIT, saturating at 2^64. */
static uint64_t above_limit(uint64_t base, uint64_t len)
{
	uint64_t end = base + len < base ? UINT64_MAX : base + len;

	if (end <= PAGE_LIMIT)
		return 0;
	return end - (base > PAGE_LIMIT ? base : PAGE_LIMIT);
}

static void free_from_meminfo(const struct boot_info *bi)
{
	if (bi->has_basic_meminfo) {
		kprintf("mem: no memory map from the loader; using basic meminfo (%u KiB low, %u KiB high)\n",
			bi->mem_lower_kib, bi->mem_upper_kib);
		mark_range(0, (uint64_t)bi->mem_lower_kib * 1024, false);
		mark_range(1ull << 20, (uint64_t)bi->mem_upper_kib * 1024, false);
		return;
	}
	panic("mem: the loader gave neither a memory map nor basic meminfo");
}

void page_alloc_init(const struct boot_info *bi)
{
	extern char _kernel_start[], _kernel_end[];

	memset(bitmap, 0xff, sizeof(bitmap));
	if (bi->mmap_count) {
		uint64_t limit = bi->mmap_truncated ? bi->mmap_dropped_base : UINT64_MAX;

		uint64_t high = 0, x;

		for (uint32_t i = 0; i < bi->mmap_count; i++) {
			if (bi->mmap[i].type != 1)
				continue;
			free_below(bi->mmap[i].base, bi->mmap[i].len, limit);
			x = above_limit(bi->mmap[i].base, bi->mmap[i].len);
			high = high + x < high ? UINT64_MAX : high + x;	/* a figure only */
		}
		if (high)
			kprintf("mem: %llu MiB available above 4 GiB not used (the allocator covers the first 4 GiB)\n",
				(unsigned long long)(high >> 20));
		for (uint32_t i = 0; i < bi->mmap_count; i++)
			if (bi->mmap[i].type != 1)
				mark_range(bi->mmap[i].base, bi->mmap[i].len, true);
	} else {
		free_from_meminfo(bi);
	}

	page_reserve(0, PAGE_SIZE);
	page_reserve((uint64_t)_kernel_start,
		     (uint64_t)_kernel_end - (uint64_t)_kernel_start);
	page_reserve(bi->mbi_phys, bi->mbi_size);
	for (uint32_t i = 0; i < bi->nmodules; i++)
		page_reserve(bi->modules[i].start,
			     bi->modules[i].end - bi->modules[i].start);
	/* Keep the EBDA/ROM area and anything the legacy BIOS may touch. */
	page_reserve(0x9f000, 0x100000 - 0x9f000);
}

void page_reserve(uint64_t base, uint64_t len)
{
	unsigned long flags = spin_lock_irqsave(&lock);

	mark_range(base, len, true);
	spin_unlock_irqrestore(&lock, flags);
}

static bool run_free(uint64_t pfn, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pfn + i >= NPAGES || page_used(pfn + i))
			return false;
	return true;
}

void *page_alloc_pages(size_t n)
{
	unsigned long flags;
	uint64_t found = 0;

	if (!n)
		return NULL;
	flags = spin_lock_irqsave(&lock);
	/* Low memory (< 1 MiB) is kept for trampolines: start above it. */
	for (uint64_t scanned = 0; scanned < NPAGES; scanned++) {
		uint64_t pfn = (search_hint + scanned) % NPAGES;

		if (pfn < 256 || pfn + n > NPAGES)
			continue;
		if (run_free(pfn, n)) {
			found = pfn;
			break;
		}
	}
	if (found) {
		for (size_t i = 0; i < n; i++)
			mark(found + i, true);
		search_hint = found + n;
	}
	spin_unlock_irqrestore(&lock, flags);
	if (!found)
		return NULL;
	memset((void *)(found * PAGE_SIZE), 0, n * PAGE_SIZE);
	return (void *)(found * PAGE_SIZE);
}

uint64_t page_alloc_below(uint64_t limit)
{
	unsigned long flags = spin_lock_irqsave(&lock);
	uint64_t found = 0;

	for (uint64_t pfn = limit / PAGE_SIZE; pfn-- > 1;) {
		if (!page_used(pfn)) {
			mark(pfn, true);
			found = pfn * PAGE_SIZE;
			break;
		}
	}
	spin_unlock_irqrestore(&lock, flags);
	return found;
}

void page_free_pages(void *p, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&lock);

	for (size_t i = 0; i < n; i++)
		mark((uint64_t)p / PAGE_SIZE + i, false);
	spin_unlock_irqrestore(&lock, flags);
}
