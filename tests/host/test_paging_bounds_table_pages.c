// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/x86_64/paging.c on the host: mappings above 4 GiB spend at most
 * MAX_TABLE_PAGES (64) page-table pages, however many scattered
 * addresses firmware names, and requests inside regions already mapped
 * still succeed after the bound is reached.
 *
 * The page tables are host memory: page_alloc_pages() is replaced by a
 * counting allocator of 4 KiB-aligned zeroed pages, and the "physical"
 * address a table entry holds is the host pointer (identity, as in the
 * kernel), which the entry's address mask keeps.  The test walks the
 * tables itself to check each 2 MiB entry: present, writable, large,
 * uncached (PCD|PWT), its own address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/paging.h"
#include "host_support.h"
#include "kernel/page_alloc.h"

#define BOUND		64	/* MAX_TABLE_PAGES in paging.c */
#define GIB		(1ull << 30)
#define PTE_FLAGS	0x9bull	/* P | RW | PWT | PCD | PS */

uint64_t boot_pml4[512] __attribute__((aligned(4096)));
static unsigned pages_given;
static unsigned pages_left = 1u << 20;

void *page_alloc_pages(size_t n)
{
	void *p;

	if (n != 1 || !pages_left)
		return NULL;
	p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	assert_non_null(p);
	memset(p, 0, PAGE_SIZE);
	pages_given++;
	pages_left--;
	return p;
}

/* The 2 MiB entry mapping `addr`, or 0. */
static uint64_t pd_entry(uint64_t addr)
{
	uint64_t e = boot_pml4[(addr >> 39) & 511];
	uint64_t *t;

	if (!(e & 1))
		return 0;
	t = (uint64_t *)(uintptr_t)(e & 0x000ffffffffff000ull);
	e = t[(addr >> 30) & 511];
	if (!(e & 1))
		return 0;
	t = (uint64_t *)(uintptr_t)(e & 0x000ffffffffff000ull);
	return t[(addr >> 21) & 511];
}

/*
 * paging.c keeps its tables and its count for the life of the process, so
 * the tests run in this order, each on what the ones before left:
 * 0 pages, then 2, then 3 (the allocator runs dry once), then the bound.
 */
static void test_below_4gib_is_the_boot_map_and_costs_nothing(void **state)
{
	(void)state;
	assert_ptr_equal(paging_map_mmio(0xfee00000, 4096), (void *)0xfee00000ull);
	assert_ptr_equal(paging_map_mmio(0xfffff000, 4096), (void *)0xfffff000ull);
	assert_int_equal(pages_given, 0);
}

static void test_out_of_range_and_wrapping_requests_are_refused(void **state)
{
	(void)state;
	assert_null(paging_map_mmio(1ull << 46, 4096));
	assert_null(paging_map_mmio(0xffffffffffff0000ull, 0x20000));
	assert_null(paging_map_mmio(5 * GIB, 0));
	assert_int_equal(pages_given, 0);
	assert_int_equal(host_log_count("outside the supported physical range (said once)"), 1);
}

#define BAR	(0x380000000000ull + 0x1234000)	/* a 64-bit BAR */
#define BAR_2M	(BAR & ~0x1fffffull)

static void test_one_mapping_above_4gib_is_uncached_2mib_identity(void **state)
{
	(void)state;
	assert_ptr_equal(paging_map_mmio(BAR, 0x3000), (void *)(uintptr_t)BAR);
	assert_int_equal(pages_given, 2);	/* its PDPT and its PD */
	assert_int_equal(pd_entry(BAR), BAR_2M | PTE_FLAGS);
	assert_int_equal(pd_entry(BAR_2M + (2ull << 20)), 0);
	/* a range crossing into the next 2 MiB maps that one too, same PD */
	assert_non_null(paging_map_mmio(BAR_2M + 0x1fe000, 0x10000));
	assert_int_equal(pd_entry(BAR_2M + (2ull << 20)), (BAR_2M + (2ull << 20)) | PTE_FLAGS);
	assert_int_equal(pages_given, 2);
}

static void test_running_out_of_pages_is_said_and_refused(void **state)
{
	(void)state;
	pages_left = 1;		/* a new 512 GiB region needs two */
	assert_null(paging_map_mmio(0x100000000000ull, 4096));
	assert_int_equal(pages_given, 3);
	assert_int_equal(host_log_count("paging: out of memory mapping"), 1);
	pages_left = 1u << 20;
}

static void test_scattered_addresses_spend_at_most_the_bound(void **state)
{
	unsigned refused = 0;

	(void)state;
	/* each a new 1 GiB region, most in a new 512 GiB one */
	for (uint64_t i = 0; i < 10000; i++)
		refused += paging_map_mmio((8 + i * 513) * GIB, 64) == NULL;
	assert_int_equal(pages_given, BOUND);
	assert_true(refused >= 10000 - BOUND);
	assert_int_equal(host_log_count("page-table pages for mappings above 4 GiB are spent"), 1);
	assert_int_equal(host_log_count("paging: out of memory mapping"), 1);	/* no more */
}

static void test_mapped_regions_still_map_after_the_bound(void **state)
{
	(void)state;
	/* the BAR's 1 GiB region has its PD: a new 2 MiB entry needs no page */
	assert_non_null(paging_map_mmio(BAR_2M + (64ull << 20), 4096));
	assert_int_equal(pd_entry(BAR_2M + (64ull << 20)), (BAR_2M + (64ull << 20)) | PTE_FLAGS);
	assert_int_equal(pages_given, BOUND);
	assert_null(paging_map_mmio(0x200000000000ull, 4096));	/* a new region does */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_below_4gib_is_the_boot_map_and_costs_nothing),
		cmocka_unit_test(test_out_of_range_and_wrapping_requests_are_refused),
		cmocka_unit_test(test_one_mapping_above_4gib_is_uncached_2mib_identity),
		cmocka_unit_test(test_running_out_of_pages_is_said_and_refused),
		cmocka_unit_test(test_scattered_addresses_spend_at_most_the_bound),
		cmocka_unit_test(test_mapped_regions_still_map_after_the_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
