/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * page_alloc: physical pages, 4 KiB each, below 4 GiB.
 */
#ifndef PULLKERN_PAGE_ALLOC_H
#define PULLKERN_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE	4096ull
#define PAGE_LIMIT	(4ull << 30)	/* what the boot page tables map */

struct boot_info;

void page_alloc_init(const struct boot_info *bi);

/* Mark [base, base+len) in use (rounded out to pages).  Boot only. */
void page_reserve(uint64_t base, uint64_t len);

/* n contiguous zeroed pages anywhere, or NULL. */
void *page_alloc_pages(size_t n);

/* One page below `limit`, highest address first; 0 when none. */
uint64_t page_alloc_below(uint64_t limit);

/*
 * Give back n pages from page_alloc_pages().  Nothing frees at boot; kept
 * for CPU hotplug, which returns the stacks of a CPU that failed to start
 * or was removed.
 */
void page_free_pages(void *p, size_t n);

#endif
