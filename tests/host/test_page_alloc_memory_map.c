// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/page_alloc.c against memory maps as firmware writes them:
 * holes, overlapping entries in either order, unsorted entries, ranges
 * not aligned to pages, hundreds of entries, entries above 4 GiB or
 * wrapping past 2^64, and a map cut at MB2_MAX_MMAP.
 *
 * The allocator's source is included so the test can read its bitmap
 * (page_used) after page_alloc_init(); each test starts from a fresh
 * init, which rewrites the whole bitmap.  The expected answer of every
 * case is computed by the test from the map's meaning (a page is free
 * when an available entry covers all of it and no other entry touches
 * it), not written down.
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

#include "host_support.h"
#include "kernel/page_alloc.c"

char _kernel_start[1], _kernel_end[1];	/* host addresses: above 4 GiB, ignored */

static struct boot_info bi;

static void add(uint64_t base, uint64_t len, uint32_t type)
{
	assert_true(bi.mmap_count < MB2_MAX_MMAP);
	bi.mmap[bi.mmap_count].base = base;
	bi.mmap[bi.mmap_count].len = len;
	bi.mmap[bi.mmap_count].type = type;
	bi.mmap_count++;
}

/* Reference: free iff an available entry holds the whole page and no other touches it. */
static bool expect_free(uint64_t pfn)
{
	uint64_t lo = pfn * PAGE_SIZE, hi = lo + PAGE_SIZE;
	bool avail = false;

	if (pfn == 0 || (lo >= 0x9f000 && lo < 0x100000))
		return false;	/* page 0, the EBDA and ROM area: always kept */
	for (uint32_t i = 0; i < bi.mmap_count; i++) {
		const struct mb2_mmap_entry *e = &bi.mmap[i];
		uint64_t end = e->base + e->len < e->base ? UINT64_MAX : e->base + e->len;

		if (e->type != 1 && e->len && e->base < hi && end > lo)
			return false;
		if (e->type == 1 && e->base <= lo && end >= hi &&
		    (!bi.mmap_truncated || hi <= bi.mmap_dropped_base))
			avail = true;
	}
	return avail;
}

static void check_every_page_below(uint64_t limit)
{
	for (uint64_t pfn = 0; pfn < limit / PAGE_SIZE; pfn++)
		if (page_used(pfn) == expect_free(pfn))
			fail_msg("page %#llx: used %d, the map says free %d",
				 (unsigned long long)pfn, page_used(pfn), expect_free(pfn));
}

static int fresh(void **state)
{
	(void)state;
	memset(&bi, 0, sizeof(bi));
	host_log_reset();
	return 0;
}

static void test_grub_bios_map_frees_exactly_the_available_pages(void **state)
{
	(void)state;
	add(0, 0x9fc00, 1);
	add(0x9fc00, 0x400, 2);
	add(0xf0000, 0x10000, 2);
	add(0x100000, 0x1fee0000, 1);
	add(0x1ffe0000, 0x20000, 2);
	add(0xfffc0000, 0x40000, 2);
	page_alloc_init(&bi);
	check_every_page_below(PAGE_LIMIT);
	assert_false(page_used(0x100000 / PAGE_SIZE));
	assert_true(page_used(0x1ffe0000 / PAGE_SIZE));
	assert_true(page_used(0x30000000 / PAGE_SIZE));	/* a hole */
}

static void test_reserved_wins_an_overlap_in_either_order(void **state)
{
	(void)state;
	add(0x200000, 0x10000, 2);		/* reserved first, inside the next */
	add(0x100000, 0x400000, 1);
	add(0x380800, 0x800, 3);		/* ACPI data, after, mid-page */
	add(0x300000, 0x1000, 1);		/* a repeated available entry inside the first */
	page_alloc_init(&bi);
	check_every_page_below(0x1000000);
	assert_true(page_used(0x200000 / PAGE_SIZE));
	assert_true(page_used(0x380000 / PAGE_SIZE));
	assert_false(page_used(0x381000 / PAGE_SIZE));
}

static void test_unaligned_available_edges_are_not_handed_out(void **state)
{
	(void)state;
	add(0x100800, 0x3000, 1);	/* covers only page 0x101 and 0x102 whole */
	page_alloc_init(&bi);
	check_every_page_below(0x200000);
	assert_true(page_used(0x100));
	assert_false(page_used(0x101));
	assert_false(page_used(0x102));
	assert_true(page_used(0x103));
}

static void test_hundreds_of_unsorted_entries_with_holes(void **state)
{
	uint32_t order[400];

	(void)state;
	for (uint32_t i = 0; i < 400; i++)
		order[i] = i;
	srand(14);
	for (uint32_t i = 399; i > 0; i--) {	/* shuffle */
		uint32_t j = (uint32_t)rand() % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (uint32_t k = 0; k < 400; k++) {
		uint32_t i = order[k];
		uint64_t base = 0x1000000 + (uint64_t)i * 0x30000;

		/* 192 KiB slots: 128 KiB of some type, then a 64 KiB hole; every fifth overlaps the next */
		add(base, i % 5 == 4 ? 0x38000 : 0x20000, i % 3 ? 1 : (i % 2 ? 2 : 4));
	}
	page_alloc_init(&bi);
	assert_int_equal(bi.mmap_count, 400);
	check_every_page_below(0x1000000 + 401 * 0x30000);
}

static void test_entries_above_4gib_or_wrapping_are_harmless(void **state)
{
	(void)state;
	add(0x100000, 0x1000000, 1);
	add(0x100000000ull, 0x100000000ull, 1);		/* above what the bitmap holds */
	add(0xfffffffffffff000ull, 0x2000, 2);		/* wraps past 2^64 */
	add(0xfff00000, UINT64_MAX, 1);			/* runs past 2^64 from below 4 GiB */
	add(0x500000, 0, 2);				/* empty */
	page_alloc_init(&bi);
	check_every_page_below(PAGE_LIMIT);
	assert_false(page_used(0xfff00000 / PAGE_SIZE));
	assert_false(page_used(0x500000 / PAGE_SIZE));
	/* 4 GiB from 4 GiB, and 2^64 - 4 GiB (saturated) from the wrapping one */
	assert_int_equal(host_log_count("mem: 17592186044415 MiB available above 4 GiB not used"), 1);
}

static void test_a_cut_map_frees_nothing_from_the_lowest_dropped_base_up(void **state)
{
	(void)state;
	add(0x100000, 0x10000000, 1);
	bi.mmap_truncated = true;
	bi.mmap_dropped_base = 0x4000000;	/* a dropped entry might reserve from here */
	page_alloc_init(&bi);
	check_every_page_below(0x20000000);
	assert_false(page_used(0x3fff000 / PAGE_SIZE));
	assert_true(page_used(0x4000000 / PAGE_SIZE));
}

static void test_kernel_boot_information_and_modules_are_kept(void **state)
{
	(void)state;
	add(0, 0x9fc00, 1);
	add(0x100000, 0x1000000, 1);
	bi.mbi_phys = 0x10000;
	bi.mbi_size = 0x1800;
	bi.nmodules = 1;
	bi.modules[0].start = 0x800000;
	bi.modules[0].end = 0x801001;
	page_alloc_init(&bi);
	assert_true(page_used(0));
	assert_true(page_used(0x10) && page_used(0x11));
	assert_false(page_used(0x12));
	assert_true(page_used(0x800) && page_used(0x801));
	assert_false(page_used(0x802));
	assert_true(page_used(0x9f) && page_used(0xff));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_grub_bios_map_frees_exactly_the_available_pages, fresh),
		cmocka_unit_test_setup(test_reserved_wins_an_overlap_in_either_order, fresh),
		cmocka_unit_test_setup(test_unaligned_available_edges_are_not_handed_out, fresh),
		cmocka_unit_test_setup(test_hundreds_of_unsorted_entries_with_holes, fresh),
		cmocka_unit_test_setup(test_entries_above_4gib_or_wrapping_are_harmless, fresh),
		cmocka_unit_test_setup(test_a_cut_map_frees_nothing_from_the_lowest_dropped_base_up, fresh),
		cmocka_unit_test_setup(test_kernel_boot_information_and_modules_are_kept, fresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
