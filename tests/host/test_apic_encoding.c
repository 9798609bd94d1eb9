// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drivers/apic/apic_encode.h: every local APIC encoding the backends use,
 * checked against values worked out by hand from Intel SDM Vol. 3A
 * §11.6.1 (ICR), §11.12.1.2 (x2APIC MSR numbers), §11.12.9 (x2APIC ICR)
 * and §11.4.6 (ID register).  QEMU TCG has no x2APIC, so for the x2APIC
 * side these tests are the only check there is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/apic/lapic.h"

static void test_x2apic_msr_is_0x800_plus_offset_over_16(void **state)
{
	(void)state;
	assert_int_equal(apic_x2apic_msr(LAPIC_ID), 0x802);
	assert_int_equal(apic_x2apic_msr(LAPIC_VERSION), 0x803);
	assert_int_equal(apic_x2apic_msr(LAPIC_TPR), 0x808);
	assert_int_equal(apic_x2apic_msr(LAPIC_EOI), 0x80b);
	assert_int_equal(apic_x2apic_msr(LAPIC_LDR), 0x80d);
	assert_int_equal(apic_x2apic_msr(LAPIC_SVR), 0x80f);
	assert_int_equal(apic_x2apic_msr(LAPIC_ESR), 0x828);
	assert_int_equal(apic_x2apic_msr(LAPIC_ICR_LO), 0x830);
	assert_int_equal(apic_x2apic_msr(LAPIC_LVT_ERROR), 0x837);
	/* literal offsets too, in case a LAPIC_* constant drifts */
	assert_int_equal(apic_x2apic_msr(0x300), 0x830);
	assert_int_equal(apic_x2apic_msr(0xb0), 0x80b);
}

static void test_x2apic_msr_for_timer_and_lvt_registers(void **state)
{
	(void)state;
	assert_int_equal(apic_x2apic_msr(LAPIC_LVT_TIMER), 0x832);
	assert_int_equal(apic_x2apic_msr(LAPIC_LVT_THERMAL), 0x833);
	assert_int_equal(apic_x2apic_msr(LAPIC_LVT_PERF), 0x834);
	assert_int_equal(apic_x2apic_msr(LAPIC_LVT_LINT0), 0x835);
	assert_int_equal(apic_x2apic_msr(LAPIC_LVT_LINT1), 0x836);
	assert_int_equal(apic_x2apic_msr(LAPIC_TIMER_INIT), 0x838);
	assert_int_equal(apic_x2apic_msr(LAPIC_TIMER_CURRENT), 0x839);
	assert_int_equal(apic_x2apic_msr(LAPIC_TIMER_DIVIDE), 0x83e);
}

static void test_register_offsets_match_the_sdm_table(void **state)
{
	(void)state;
	/* SDM Vol. 3A Table 11-1: the MSR numbers above rest on these */
	assert_int_equal(LAPIC_ID, 0x20);
	assert_int_equal(LAPIC_EOI, 0xb0);
	assert_int_equal(LAPIC_ICR_LO, 0x300);
	assert_int_equal(LAPIC_ICR_HI, 0x310);
	assert_int_equal(LAPIC_LVT_TIMER, 0x320);
	assert_int_equal(LAPIC_TIMER_INIT, 0x380);
	assert_int_equal(LAPIC_TIMER_CURRENT, 0x390);
	assert_int_equal(LAPIC_TIMER_DIVIDE, 0x3e0);
}

static void test_every_register_gets_its_own_msr_in_0x800_0x83f(void **state)
{
	bool seen[0x40] = { false };

	(void)state;
	for (uint32_t off = 0; off < 0x400; off += 16) {
		uint32_t msr = apic_x2apic_msr(off);

		assert_in_range(msr, 0x800, 0x83f);
		assert_false(seen[msr - 0x800]);
		seen[msr - 0x800] = true;
	}
}

static void test_x2apic_icr_has_dest_high_and_low_word_low(void **state)
{
	(void)state;
	assert_true(apic_x2apic_icr(0x12345678, 0x000c4500) ==
		    0x12345678000c4500ull);
	assert_true(apic_x2apic_icr(0, 0x40) == 0x40ull);
	assert_true(apic_x2apic_icr(0xfffffffe, 0x4500) ==
		    0xfffffffe00004500ull);
	/* a high bit in the low word must not spill into the destination */
	assert_true(apic_x2apic_icr(1, 0x80000000u) == 0x0000000180000000ull);
	/* IDs above 0xff survive whole: the point of x2APIC */
	assert_true(apic_x2apic_icr(0x100, 0x600 | 0x9e) ==
		    0x000001000000069eull);
}

static void test_xapic_icr_high_word_is_dest_in_bits_31_24(void **state)
{
	(void)state;
	assert_int_equal(apic_xapic_icr_hi(0), 0);
	assert_int_equal(apic_xapic_icr_hi(1), 0x01000000);
	assert_int_equal(apic_xapic_icr_hi(0x5a), 0x5a000000);
	assert_int_equal(apic_xapic_icr_hi(0xfe), 0xfe000000);
}

static void test_xapic_dest_fits_only_below_broadcast_0xff(void **state)
{
	(void)state;
	assert_true(apic_xapic_dest_ok(0));
	assert_true(apic_xapic_dest_ok(0xfe));
	assert_false(apic_xapic_dest_ok(0xff));		/* broadcast */
	assert_false(apic_xapic_dest_ok(0x100));	/* would shift to 0 */
	assert_false(apic_xapic_dest_ok(0x1fe));
	assert_false(apic_xapic_dest_ok(0xffffffff));
	assert_true(apic_dest_ok(false, 0xfe));
	assert_false(apic_dest_ok(false, 0xff));
}

static void test_x2apic_dest_fits_everything_but_0xffffffff(void **state)
{
	(void)state;
	assert_true(apic_x2apic_dest_ok(0));
	assert_true(apic_x2apic_dest_ok(0xfe));
	assert_true(apic_x2apic_dest_ok(0xff));
	assert_true(apic_x2apic_dest_ok(0x100));
	assert_true(apic_x2apic_dest_ok(0xfffffffe));
	assert_false(apic_x2apic_dest_ok(0xffffffff));	/* broadcast */
	assert_true(apic_dest_ok(true, 0xff));
	assert_false(apic_dest_ok(true, 0xffffffff));
}

static void test_icr_field_constants_match_the_sdm(void **state)
{
	(void)state;
	assert_int_equal(ICR_DM_FIXED, 0x000);
	assert_int_equal(ICR_DM_NMI, 0x400);
	assert_int_equal(ICR_DM_INIT, 0x500);
	assert_int_equal(ICR_DM_STARTUP, 0x600);
	assert_int_equal(ICR_DELIVERY_PENDING, 0x1000);
	assert_int_equal(ICR_LEVEL_ASSERT, 0x4000);
	assert_int_equal(ICR_TRIGGER_LEVEL, 0x8000);
	assert_int_equal(ICR_DEST_SELF, 0x40000);
	assert_int_equal(ICR_DEST_ALL_BUT_SELF, 0xc0000);
}

static void test_fixed_ipi_is_just_the_vector(void **state)
{
	(void)state;
	/* fixed mode, physical, edge, no shorthand: every other bit 0 */
	assert_int_equal(apic_icr_fixed(0x20), 0x20);
	assert_int_equal(apic_icr_fixed(0x40), 0x40);
	assert_int_equal(apic_icr_fixed(0xff), 0xff);
}

static void test_init_assert_and_deassert_words(void **state)
{
	(void)state;
	/* INIT (101b in 10:8), level trigger (15), assert (14) */
	assert_int_equal(apic_icr_init_assert(), 0xc500);
	/* the same with level 0 */
	assert_int_equal(apic_icr_init_deassert(), 0x8500);
}

static void test_sipi_vector_is_the_page_number(void **state)
{
	(void)state;
	assert_int_equal(apic_icr_sipi(0x9e), 0x69e);
	assert_int_equal(apic_icr_sipi(0x08), 0x608);
	assert_int_equal(apic_icr_sipi(0x00), 0x600);
	assert_int_equal(apic_icr_sipi(0xff), 0x6ff);
	/* edge, assert-free, no shorthand: nothing above bit 10 */
	assert_int_equal(apic_icr_sipi(0x9e) & ~0x7ffu, 0);
}

static void test_sipi_address_must_be_aligned_below_1mib(void **state)
{
	(void)state;
	assert_true(apic_sipi_addr_ok(0x9e000));
	assert_true(apic_sipi_addr_ok(0x08000));
	assert_true(apic_sipi_addr_ok(0x9f000));
	assert_true(apic_sipi_addr_ok(0xff000));	/* last page: vector 0xff */
	assert_false(apic_sipi_addr_ok(0x100000));	/* 1 MiB: page 0x100 */
	assert_false(apic_sipi_addr_ok(0x101000));
	assert_false(apic_sipi_addr_ok(0xfffff000));
	/* would truncate to page 0x9e if only the low bits were looked at */
	assert_false(apic_sipi_addr_ok(0x10009e000ull));
	assert_false(apic_sipi_addr_ok(0x9e800));	/* not 4 KiB aligned */
	assert_false(apic_sipi_addr_ok(0x9e001));
}

static void test_sipi_vectors_a0_to_bf_are_reserved(void **state)
{
	(void)state;
	/* MP spec 1.4 §B.4.2 */
	assert_false(apic_sipi_addr_ok(0xa0000));
	assert_false(apic_sipi_addr_ok(0xb8000));
	assert_false(apic_sipi_addr_ok(0xbf000));
	assert_true(apic_sipi_addr_ok(0xc0000));
}

static void test_nmi_all_but_self_word(void **state)
{
	(void)state;
	/* NMI (100b in 10:8), shorthand all-excluding-self (11b in 19:18) */
	assert_int_equal(apic_icr_nmi_all_but_self(), 0xc0400);
}

/* LINT NMI: delivery mode 100b, unmasked, polarity bit 13, never level (bit 15). */
static void test_lint_nmi_entry_is_nmi_unmasked_edge_with_the_polarity(void **state)
{
	(void)state;
	assert_int_equal(apic_lvt_lint_nmi(false), 0x400);
	assert_int_equal(apic_lvt_lint_nmi(true), 0x2400);
	assert_int_equal(apic_lvt_lint_nmi(true) & (LVT_MASKED | LVT_TRIGGER_LEVEL), 0);
}

static void test_xapic_id_is_bits_31_24(void **state)
{
	(void)state;
	assert_int_equal(apic_id_from_reg(false, 0x00000000), 0);
	assert_int_equal(apic_id_from_reg(false, 0x05000000), 5);
	assert_int_equal(apic_id_from_reg(false, 0xfe000000), 0xfe);
	/* reserved low bits are ignored */
	assert_int_equal(apic_id_from_reg(false, 0x03ffffff), 3);
	assert_int_equal(apic_id_from_reg(false, 0x00ffffff), 0);
}

static void test_x2apic_id_is_all_32_bits(void **state)
{
	(void)state;
	assert_int_equal(apic_id_from_reg(true, 5), 5);
	assert_int_equal(apic_id_from_reg(true, 0x100), 0x100);
	assert_int_equal(apic_id_from_reg(true, 0x12345678), 0x12345678);
	assert_int_equal(apic_id_from_reg(true, 0xfffffffe), 0xfffffffe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x2apic_msr_is_0x800_plus_offset_over_16),
		cmocka_unit_test(test_x2apic_msr_for_timer_and_lvt_registers),
		cmocka_unit_test(test_register_offsets_match_the_sdm_table),
		cmocka_unit_test(test_every_register_gets_its_own_msr_in_0x800_0x83f),
		cmocka_unit_test(test_x2apic_icr_has_dest_high_and_low_word_low),
		cmocka_unit_test(test_xapic_icr_high_word_is_dest_in_bits_31_24),
		cmocka_unit_test(test_xapic_dest_fits_only_below_broadcast_0xff),
		cmocka_unit_test(test_x2apic_dest_fits_everything_but_0xffffffff),
		cmocka_unit_test(test_icr_field_constants_match_the_sdm),
		cmocka_unit_test(test_fixed_ipi_is_just_the_vector),
		cmocka_unit_test(test_init_assert_and_deassert_words),
		cmocka_unit_test(test_sipi_vector_is_the_page_number),
		cmocka_unit_test(test_sipi_address_must_be_aligned_below_1mib),
		cmocka_unit_test(test_sipi_vectors_a0_to_bf_are_reserved),
		cmocka_unit_test(test_nmi_all_but_self_word),
		cmocka_unit_test(test_lint_nmi_entry_is_nmi_unmasked_edge_with_the_polarity),
		cmocka_unit_test(test_xapic_id_is_bits_31_24),
		cmocka_unit_test(test_x2apic_id_is_all_32_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
