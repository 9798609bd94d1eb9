// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/cpuhp_block.c against a model of QEMU's CPU hotplug register
 * block (QEMU's docs/specs/acpi_cpu_hotplug.rst; docs/acpi-hotplug.md).
 *
 * The model plays QEMU 7.2 under TCG: it starts legacy (a bitmap of
 * present CPUs by APIC ID), switches to modern on a one-byte write of 0
 * and drops four-byte writes while legacy (the fact that bites).  It can
 * also be told to ignore the switch, to read wide in legacy mode as the
 * bitmap's bytes (the worst case for the switch check), or to keep an
 * event pending forever (a broken device).  Tests name the behaviour.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/cpuhp_block.h"

#define BASE		0xaf00
#define NCPUS		12
#define MAX_SEEN	(CPUHP_BLOCK_SCAN_MAX + 8)

struct fake_cpu {
	uint32_t apic_id;
	bool present, inserting, removing;
};

static struct {
	bool modern;
	bool ignore_switch;	/* a block that never leaves legacy mode */
	bool wide_legacy_reads;	/* legacy in32 returns bitmap bytes, not all-ones */
	bool stuck_event;	/* selector 3 reports an insert however often it is acked */
	struct fake_cpu cpus[NCPUS];
	uint32_t selector;
	uint8_t command;
} blk;

static struct {
	enum cpuhp_block_event ev;
	uint32_t apic_id;
} seen[MAX_SEEN];
static uint32_t nseen;

static uint8_t legacy_byte(uint32_t i)
{
	uint8_t b = 0;

	for (uint32_t c = 0; c < NCPUS; c++)
		if (blk.cpus[c].present && blk.cpus[c].apic_id / 8 == i)
			b |= (uint8_t)(1u << (blk.cpus[c].apic_id % 8));
	return b;
}

static uint8_t fake_in8(uint16_t port)
{
	uint32_t off = port - BASE;
	struct fake_cpu *c = &blk.cpus[blk.selector];

	if (!blk.modern)
		return off < CPUHP_BLOCK_LEGACY_LEN ? legacy_byte(off) : 0xff;
	if (off != 4)
		return 0;
	return (uint8_t)(c->present | c->inserting << 1 | c->removing << 2 |
			 (blk.stuck_event && blk.selector == 3) << 1);
}

static uint32_t fake_in32(uint16_t port)
{
	uint32_t off = port - BASE;

	if (!blk.modern) {
		if (!blk.wide_legacy_reads)
			return 0xffffffffu;	/* a refused wide access */
		return legacy_byte(off) | legacy_byte(off + 1) << 8 |
		       legacy_byte(off + 2) << 16 | (uint32_t)legacy_byte(off + 3) << 24;
	}
	if (off != 8)
		return 0;
	return blk.command == 3 ? blk.cpus[blk.selector].apic_id : blk.selector;
}

static bool has_event(uint32_t i)
{
	return blk.cpus[i].inserting || blk.cpus[i].removing || (blk.stuck_event && i == 3);
}

static void fake_out8(uint16_t port, uint8_t v)
{
	uint32_t off = port - BASE;

	if (!blk.modern) {
		if (off == 0 && v == 0 && !blk.ignore_switch)
			blk.modern = true;
		return;
	}
	if (off == 4 && (v & 2))
		blk.cpus[blk.selector].inserting = false;
	else if (off == 4 && (v & 4))
		blk.cpus[blk.selector].removing = false;
	if (off != 5)
		return;
	blk.command = v;
	if (v == 0) {
		uint32_t i = blk.selector;

		do {
			if (has_event(i)) {
				blk.selector = i;
				break;
			}
			i = (i + 1) % NCPUS;
		} while (i != blk.selector);
	}
}

static void fake_out32(uint16_t port, uint32_t v)
{
	if (blk.modern && port == BASE && v < NCPUS)
		blk.selector = v;
	/* legacy: a four-byte write is dropped */
}

static const struct cpuhp_block_io io = {
	.in8 = fake_in8, .in32 = fake_in32, .out8 = fake_out8, .out32 = fake_out32,
};

static bool known(uint32_t apic_id)
{
	return apic_id < NCPUS;
}

static void record(enum cpuhp_block_event ev, uint32_t apic_id, void *ctx)
{
	(void)ctx;
	if (nseen < MAX_SEEN) {
		seen[nseen].ev = ev;
		seen[nseen].apic_id = apic_id;
	}
	nseen++;
}

/* QEMU -smp 4,maxcpus=12: APIC IDs 0..11, the first four present. */
static int reset(void **state)
{
	(void)state;
	memset(&blk, 0, sizeof(blk));
	for (uint32_t c = 0; c < NCPUS; c++) {
		blk.cpus[c].apic_id = c;
		blk.cpus[c].present = c < 4;
	}
	nseen = 0;
	return 0;
}

static void plug(uint32_t c)
{
	blk.cpus[c].present = true;
	blk.cpus[c].inserting = true;
}

static void test_one_byte_write_switches_the_block_and_the_check_sees_it(void **state)
{
	(void)state;
	assert_true(cpuhp_block_switch(&io, BASE, known));
	assert_true(blk.modern);
	assert_int_equal(blk.selector, 0);
}

static void test_block_that_ignores_the_switch_is_reported_legacy(void **state)
{
	(void)state;
	blk.ignore_switch = true;
	assert_false(cpuhp_block_switch(&io, BASE, known));
}

static void test_legacy_wide_reads_that_look_like_an_apic_id_do_not_pass(void **state)
{
	(void)state;
	/* legacy +4 reads APIC IDs 32-39 (bit 0 set), +8 reads 64-95 as 1 */
	for (uint32_t c = 0; c < NCPUS; c++)
		blk.cpus[c].apic_id = c < 4 ? c : 32 + c;
	blk.cpus[4].apic_id = 32;
	blk.cpus[5].apic_id = 64;
	blk.cpus[4].present = blk.cpus[5].present = true;
	blk.ignore_switch = true;
	blk.wide_legacy_reads = true;
	assert_int_equal(fake_in8(BASE + 4) & 1, 1);
	assert_int_equal(fake_in32(BASE + 8), 1);	/* "APIC ID 1": known */
	assert_false(cpuhp_block_switch(&io, BASE, known));
}

static void test_switch_check_wants_apic_ids_the_caller_knows(void **state)
{
	(void)state;
	blk.cpus[1].apic_id = 99;	/* not in our MADT */
	assert_false(cpuhp_block_switch(&io, BASE, known));
}

static void test_scan_takes_each_insert_once_in_order_and_acknowledges_it(void **state)
{
	(void)state;
	assert_true(cpuhp_block_switch(&io, BASE, known));
	plug(5);
	plug(7);
	assert_int_equal(cpuhp_block_scan(&io, BASE, record, NULL), 2);
	assert_int_equal(nseen, 2);
	assert_int_equal(seen[0].ev, CPUHP_BLOCK_INSERT);
	assert_int_equal(seen[0].apic_id, 5);
	assert_int_equal(seen[1].apic_id, 7);
	assert_false(blk.cpus[5].inserting || blk.cpus[7].inserting);
	assert_int_equal(cpuhp_block_scan(&io, BASE, record, NULL), 0);
	assert_int_equal(nseen, 2);
}

static void test_remove_request_is_acknowledged_and_handed_on_once(void **state)
{
	(void)state;
	assert_true(cpuhp_block_switch(&io, BASE, known));
	blk.cpus[2].removing = true;
	plug(9);
	assert_int_equal(cpuhp_block_scan(&io, BASE, record, NULL), 2);
	assert_int_equal(seen[0].ev, CPUHP_BLOCK_REMOVE);
	assert_int_equal(seen[0].apic_id, 2);
	assert_int_equal(seen[1].ev, CPUHP_BLOCK_INSERT);
	assert_int_equal(seen[1].apic_id, 9);
	assert_false(blk.cpus[2].removing);
	assert_true(blk.cpus[2].present);	/* acknowledged, not ejected */
	assert_int_equal(cpuhp_block_scan(&io, BASE, record, NULL), 0);
}

static void test_scan_finds_events_behind_the_selector(void **state)
{
	(void)state;
	assert_true(cpuhp_block_switch(&io, BASE, known));
	plug(10);
	assert_int_equal(cpuhp_block_scan(&io, BASE, record, NULL), 1);
	plug(6);		/* below the selector now at 10: the search wraps */
	assert_int_equal(cpuhp_block_scan(&io, BASE, record, NULL), 1);
	assert_int_equal(seen[1].apic_id, 6);
}

static void test_block_that_never_runs_dry_is_left_after_the_limit(void **state)
{
	(void)state;
	assert_true(cpuhp_block_switch(&io, BASE, known));
	blk.stuck_event = true;
	assert_int_equal(cpuhp_block_scan(&io, BASE, record, NULL), CPUHP_BLOCK_SCAN_MAX + 1);
	assert_int_equal(nseen, CPUHP_BLOCK_SCAN_MAX);
}

static void test_legacy_bitmap_reads_the_present_cpus(void **state)
{
	uint8_t bitmap[CPUHP_BLOCK_LEGACY_LEN];

	(void)state;
	blk.cpus[9].present = true;
	cpuhp_block_read_legacy(&io, BASE, bitmap);
	assert_int_equal(bitmap[0], 0x0f);
	assert_int_equal(bitmap[1], 0x02);
	for (uint32_t i = 2; i < CPUHP_BLOCK_LEGACY_LEN; i++)
		assert_int_equal(bitmap[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_one_byte_write_switches_the_block_and_the_check_sees_it, reset),
		cmocka_unit_test_setup(test_block_that_ignores_the_switch_is_reported_legacy, reset),
		cmocka_unit_test_setup(test_legacy_wide_reads_that_look_like_an_apic_id_do_not_pass, reset),
		cmocka_unit_test_setup(test_switch_check_wants_apic_ids_the_caller_knows, reset),
		cmocka_unit_test_setup(test_scan_takes_each_insert_once_in_order_and_acknowledges_it, reset),
		cmocka_unit_test_setup(test_remove_request_is_acknowledged_and_handed_on_once, reset),
		cmocka_unit_test_setup(test_scan_finds_events_behind_the_selector, reset),
		cmocka_unit_test_setup(test_block_that_never_runs_dry_is_left_after_the_limit, reset),
		cmocka_unit_test_setup(test_legacy_bitmap_reads_the_present_cpus, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
