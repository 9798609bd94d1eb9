// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/acpi's SRAT parser against crafted tables (ACPI 6.5 5.2.16).
 *
 * Every system here has a good RSDT, FADT and MADT (acpi_fake.h) and an
 * SRAT built entry by entry: processor Local APIC affinity (type 0, 16
 * bytes), memory affinity (type 1, 40 bytes) and processor x2APIC
 * affinity (type 2, 24 bytes).  Each test checks the node of every CPU,
 * numa_nodes, srat_ok and the log line that explains a refusal.  A bad
 * SRAT must leave every CPU on node 0 with one node and never touch the
 * MADT's result.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "acpi_fake.h"

#define SRAT_REV	3

/* SRAT body under construction: everything after the SDT header. */
static uint8_t srat_body[16 * 1024];
static size_t srat_len;

static void srat_begin(void)
{
	memset(srat_body, 0, 12);
	put32(srat_body, 1);	/* reserved, 1 for compatibility */
	srat_len = 12;
}

static uint8_t *srat_entry(uint8_t type, uint8_t len)
{
	return table_entry(srat_body, sizeof(srat_body), &srat_len, type, len);
}

/* Type 0: domain bits 7:0 at byte 2, 31:8 at bytes 9-11. */
static uint8_t *srat_lapic(uint8_t apic_id, uint32_t domain, uint32_t flags)
{
	uint8_t *e = srat_entry(0, 16);

	e[2] = (uint8_t)domain;
	e[3] = apic_id;
	put32(e + 4, flags);
	e[9] = (uint8_t)(domain >> 8);
	e[10] = (uint8_t)(domain >> 16);
	e[11] = (uint8_t)(domain >> 24);
	return e;
}

static void srat_mem(uint32_t domain, uint64_t base, uint64_t len, uint32_t flags)
{
	uint8_t *e = srat_entry(1, 40);

	put32(e + 2, domain);
	put64(e + 8, base);
	put64(e + 16, len);
	put32(e + 28, flags);
}

static void srat_x2apic(uint32_t id, uint32_t domain, uint32_t flags)
{
	uint8_t *e = srat_entry(2, 24);

	put32(e + 4, domain);
	put32(e + 8, id);
	put32(e + 12, flags);
}

static void srat_raw(const uint8_t *bytes, size_t n)
{
	assert_true(srat_len + n <= sizeof(srat_body));
	memcpy(srat_body + srat_len, bytes, n);
	srat_len += n;
}

static uint64_t srat_end(void)
{
	return make_table("SRAT", SRAT_REV, srat_body, srat_len);
}

/* RSDT -> FADT, MADT, SRAT; RSDP revision 0. */
static void srat_system(uint64_t madt, uint64_t srat)
{
	uint64_t tables[3] = { qemu_fadt(), madt, srat };

	make_rsdp(0, make_rsdt(tables, 3), 0);
}

/* MADT of n enabled Local APIC CPUs with APIC IDs 0 .. n-1. */
static uint64_t madt_of(unsigned n)
{
	madt_begin(LAPIC_DEFAULT);
	for (unsigned i = 0; i < n; i++)
		madt_lapic((uint8_t)i, (uint8_t)i, ENABLED);
	return madt_end(3);
}

static void assert_nodes(const uint32_t *nodes, uint32_t n)
{
	assert_int_equal(info.ncpus, n);
	for (uint32_t i = 0; i < n; i++)
		if (info.cpus[i].node != nodes[i])
			fail_msg("CPU %u (APIC ID %u) on node %u, expected %u", i,
				 info.cpus[i].apic_id, info.cpus[i].node, nodes[i]);
}

/* After a refused SRAT: the MADT's CPUs all there, all on node 0, one node. */
static void assert_refused(uint32_t ncpus)
{
	assert_true(info.madt_ok);
	assert_int_equal(info.ncpus, ncpus);
	assert_false(info.srat_ok);
	assert_int_equal(info.numa_nodes, 1);
	for (uint32_t i = 0; i < ncpus; i++)
		assert_int_equal(info.cpus[i].node, 0);
	assert_int_equal(host_log_count("NUMA node"), 0);
}

/* QEMU -smp 4 -numa node -numa node: two CPUs and some memory per node. */
static uint64_t qemu_srat(void)
{
	srat_begin();
	srat_lapic(0, 0, ENABLED);
	srat_lapic(1, 0, ENABLED);
	srat_lapic(2, 1, ENABLED);
	srat_lapic(3, 1, ENABLED);
	srat_mem(0, 0, 0xa0000, ENABLED);
	srat_mem(0, 0x100000, 0xff00000, ENABLED);
	srat_mem(1, 0x10000000, 0x10000000, ENABLED);
	return srat_end();
}

/* --- good tables ---------------------------------------------------------- */

static void test_qemu_two_node_srat_puts_cpus_on_their_nodes(void **state)
{
	static const uint32_t nodes[] = { 0, 0, 1, 1 };

	(void)state;
	srat_system(madt_of(4), qemu_srat());
	parse(20);
	assert_true(info.madt_ok);
	assert_true(info.srat_ok);
	assert_int_equal(info.numa_nodes, 2);
	assert_nodes(nodes, 4);
	assert_int_equal(host_log_count("acpi: SRAT rev 3: 2 NUMA nodes with CPUs"), 1);
}

static void test_no_srat_means_one_node(void **state)
{
	(void)state;
	rsdt_system(madt_of(4), qemu_fadt());
	parse(20);
	assert_true(info.madt_ok);
	assert_false(info.srat_ok);
	assert_int_equal(info.numa_nodes, 1);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(info.cpus[i].node, 0);
}

static void test_sparse_domains_become_dense_nodes_in_order_of_first_cpu(void **state)
{
	static const uint32_t nodes[] = { 0, 1, 0, 2 };

	(void)state;
	srat_begin();
	srat_mem(5, 0, 0x100000, ENABLED);		/* memory first: no node of ours */
	srat_lapic(0, 7, ENABLED);
	srat_lapic(1, 0x01020304u, ENABLED);	/* bits 31:8 from bytes 9-11 */
	srat_lapic(2, 7, ENABLED);
	srat_lapic(3, 3, ENABLED);
	srat_system(madt_of(4), srat_end());
	parse(20);
	assert_true(info.srat_ok);
	assert_int_equal(info.numa_nodes, 3);
	assert_nodes(nodes, 4);
}

static void test_x2apic_affinity_entries_place_x2apic_cpus(void **state)
{
	static const uint32_t nodes[] = { 0, 1, 1, 0 };

	(void)state;
	madt_begin(LAPIC_DEFAULT);
	madt_lapic(0, 0, ENABLED);
	madt_x2apic(300, ENABLED, 1);
	madt_x2apic(0x12345, ENABLED, 2);
	madt_lapic(3, 3, ENABLED);
	srat_begin();
	srat_lapic(0, 10, ENABLED);
	srat_x2apic(300, 0xdeadbeefu, ENABLED);
	srat_x2apic(0x12345, 0xdeadbeefu, ENABLED);
	srat_x2apic(3, 10, ENABLED);	/* an x2APIC entry may name a small ID */
	srat_system(madt_end(4), srat_end());
	parse(20);
	assert_true(info.srat_ok);
	assert_int_equal(info.numa_nodes, 2);
	assert_nodes(nodes, 4);
}

static void test_disabled_entries_place_nothing_and_name_no_node(void **state)
{
	static const uint32_t nodes[] = { 0, 0, 0, 0 };

	(void)state;
	srat_begin();
	srat_lapic(0, 4, ENABLED);
	srat_lapic(1, 4, ENABLED);
	srat_lapic(2, 9, 0);		/* not in use: CPU 2 stays on node 0 */
	srat_x2apic(3, 9, 2);		/* bit 0 clear, other bits set */
	srat_system(madt_of(4), srat_end());
	parse(20);
	assert_true(info.srat_ok);
	assert_int_equal(info.numa_nodes, 1);
	assert_nodes(nodes, 4);
}

static void test_memory_only_domains_are_not_counted(void **state)
{
	static const uint32_t nodes[] = { 0, 0 };

	(void)state;
	srat_begin();
	srat_mem(0, 0, 0x100000, ENABLED);
	srat_mem(1, 0x100000, 0x100000, ENABLED);
	srat_mem(2, 0x200000, 0x100000, ENABLED);
	srat_lapic(0, 1, ENABLED);
	srat_lapic(1, 1, ENABLED);
	srat_system(madt_of(2), srat_end());
	parse(20);
	assert_true(info.srat_ok);
	assert_int_equal(info.numa_nodes, 1);
	assert_nodes(nodes, 2);
}

static void test_cpus_the_madt_does_not_list_are_ignored(void **state)
{
	static const uint32_t nodes[] = { 0, 0 };

	(void)state;
	srat_begin();
	srat_lapic(0, 2, ENABLED);
	srat_lapic(1, 2, ENABLED);
	srat_lapic(7, 5, ENABLED);		/* no such CPU: domain 5 is no node */
	srat_x2apic(0x1000, 6, ENABLED);	/* nor 6 */
	srat_system(madt_of(2), srat_end());
	parse(20);
	assert_true(info.srat_ok);
	assert_int_equal(info.numa_nodes, 1);
	assert_nodes(nodes, 2);
}

static void test_cpu_named_twice_keeps_its_first_entry(void **state)
{
	static const uint32_t nodes[] = { 0, 1 };

	(void)state;
	srat_begin();
	srat_lapic(0, 2, ENABLED);
	srat_lapic(1, 3, ENABLED);
	srat_x2apic(1, 4, ENABLED);	/* again, another domain: ignored */
	srat_system(madt_of(2), srat_end());
	parse(20);
	assert_true(info.srat_ok);
	assert_int_equal(info.numa_nodes, 2);
	assert_nodes(nodes, 2);
	assert_int_equal(host_log_count("acpi: SRAT names APIC ID 0x1 again (domain 4), first entry kept"), 1);
}

static void test_cpus_the_srat_does_not_name_stay_on_node_0(void **state)
{
	static const uint32_t nodes[] = { 0, 0, 1 };

	(void)state;
	srat_begin();
	srat_lapic(0, 8, ENABLED);
	srat_lapic(2, 9, ENABLED);
	srat_system(madt_of(3), srat_end());
	parse(20);
	assert_true(info.srat_ok);
	assert_int_equal(info.numa_nodes, 2);
	assert_nodes(nodes, 3);
	assert_int_equal(info.srat_unnamed, 1);
	assert_int_equal(host_log_count("acpi: SRAT does not name 1 of 3 CPUs; they join node 0 (domain 8)"), 1);
}

/* Every node below numa_nodes holds at least one CPU. */
static void assert_no_empty_node(void)
{
	for (uint32_t n = 0; n < info.numa_nodes; n++) {
		uint32_t i = 0;

		while (i < info.ncpus && info.cpus[i].node != n)
			i++;
		if (i == info.ncpus)
			fail_msg("node %u of %u has no CPU", n, info.numa_nodes);
	}
}

/*
 * CPU 0 named twice, first in domain 5, then in domain 7; CPU 1 once, in
 * cpu1_domain.  Parsed, with every node holding a CPU.
 */
static void parse_cpu0_named_twice(uint32_t cpu1_domain)
{
	srat_begin();
	srat_lapic(0, 5, ENABLED);
	srat_x2apic(0, 7, ENABLED);
	srat_lapic(1, cpu1_domain, ENABLED);
	srat_system(madt_of(2), srat_end());
	parse(20);
	assert_true(info.srat_ok);
	assert_no_empty_node();
}

/*
 * CPU 0 first in domain 5 with the other CPU, then alone in domain 7: the
 * second entry must not make domain 7 a node, which would have no CPU.
 */
static void test_cpu_named_twice_creates_no_empty_node(void **state)
{
	static const uint32_t nodes[] = { 0, 0 };

	(void)state;
	parse_cpu0_named_twice(5);
	assert_int_equal(info.numa_nodes, 1);
	assert_nodes(nodes, 2);
	assert_int_equal(info.srat_unnamed, 0);
	assert_int_equal(host_log_count("SRAT does not name"), 0);
}

/*
 * The input that empties a node when a CPU's later entry wins: CPU 0 is
 * named first alone in domain 5 (node 0), then again in domain 7, where
 * CPU 1 is.  Taking the later entry moves CPU 0 to domain 7's node and
 * leaves node 0 without a CPU, yet counted in numa_nodes; the parser did
 * that until a CPU named twice kept its first entry.  The test above
 * names the CPU again alone in a new domain, which moves it without
 * emptying a node, so it passed on that parser too.
 */
static void test_cpu_named_again_cannot_empty_the_node_it_was_first_in(void **state)
{
	static const uint32_t nodes[] = { 0, 1 };

	(void)state;
	parse_cpu0_named_twice(7);
	assert_int_equal(info.numa_nodes, 2);
	assert_nodes(nodes, 2);
	assert_int_equal(host_log_count("acpi: SRAT names APIC ID 0 again (domain 7), first entry kept"), 1);
}

static void test_entry_longer_than_its_type_is_stepped_over_whole(void **state)
{
	static const uint32_t nodes[] = { 0, 1 };
	uint8_t *e;

	(void)state;
	srat_begin();
	e = srat_entry(0, 20);		/* 4 bytes beyond the 16 we read */
	e[2] = 1;
	e[3] = 0;
	put32(e + 4, ENABLED);
	memset(e + 16, 0xff, 4);
	srat_lapic(1, 2, ENABLED);
	srat_entry(0x7f, 6);		/* an unknown type is skipped by its length */
	srat_system(madt_of(2), srat_end());
	parse(20);
	assert_true(info.srat_ok);
	assert_int_equal(info.numa_nodes, 2);
	assert_nodes(nodes, 2);
}

static void test_more_domains_than_supported_put_the_rest_on_node_0(void **state)
{
	enum { N = 70 };	/* > 64 distinct domains */

	(void)state;
	srat_begin();
	for (unsigned i = 0; i < N; i++)
		srat_lapic((uint8_t)i, 100 + i, ENABLED);
	srat_system(madt_of(N), srat_end());
	parse(20);
	assert_true(info.srat_ok);
	assert_int_equal(info.numa_nodes, 64);
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(info.cpus[i].node, i < 64 ? i : 0);
	assert_int_equal(host_log_count("acpi: SRAT names more than 64 proximity domains; 6 CPU entries put on node 0"), 1);
}

/* --- refused tables ------------------------------------------------------- */

static void test_bad_checksum_leaves_every_cpu_on_node_0(void **state)
{
	uint64_t srat;

	(void)state;
	srat = qemu_srat();
	at(srat)[40] ^= 1;
	srat_system(madt_of(4), srat);
	parse(20);
	assert_refused(4);
	assert_int_equal(host_log_count("SRAT at"), 1);
	assert_int_equal(host_log_count("checksum mismatch, ignored"), 1);
}

static void test_table_shorter_than_its_header_is_refused(void **state)
{
	uint8_t body[8] = { 1 };

	(void)state;
	srat_system(madt_of(2), make_table("SRAT", SRAT_REV, body, sizeof(body)));
	parse(20);
	assert_refused(2);
	assert_int_equal(host_log_count("acpi: SRAT shorter than its 48-byte header"), 1);
}

static void test_entry_running_past_the_table_by_one_byte_is_refused(void **state)
{
	(void)state;
	srat_begin();
	srat_lapic(0, 0, ENABLED);
	srat_lapic(1, 1, ENABLED);
	srat_len -= 1;		/* the table ends one byte inside the second entry */
	srat_system(madt_of(2), srat_end());
	parse(20);
	assert_refused(2);
	assert_int_equal(host_log_count("acpi: SRAT truncated entry at offset 64 (type 0, length 16)"), 1);
}

static void test_single_trailing_byte_is_a_truncated_entry(void **state)
{
	static const uint8_t lone = 0;

	(void)state;
	srat_begin();
	srat_lapic(0, 0, ENABLED);
	srat_lapic(1, 1, ENABLED);
	srat_raw(&lone, 1);
	srat_system(madt_of(2), srat_end());
	parse(20);
	assert_refused(2);
	assert_int_equal(host_log_count("SRAT truncated entry at offset 80 (type 0, length 0)"), 1);
}

/* Each CPU affinity type one byte below its size, after a good entry. */
static void test_cpu_entries_shorter_than_their_type_are_refused(void **state)
{
	static const struct { uint8_t type, len; const char *log; } cases[] = {
		{ 0, 15, "SRAT truncated entry at offset 64 (type 0, length 15)" },
		{ 2, 23, "SRAT truncated entry at offset 64 (type 2, length 23)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *e;

		reset(state);
		srat_begin();
		srat_lapic(0, 1, ENABLED);
		e = srat_entry(cases[i].type, cases[i].len);
		put32(e + 4, cases[i].type == 0 ? ENABLED : 2);
		srat_system(madt_of(2), srat_end());
		parse(20);
		assert_refused(2);
		assert_int_equal(host_log_count(cases[i].log), 1);
	}
}

static void test_hostile_entry_lengths_are_refused(void **state)
{
	static const uint8_t lens[] = { 0, 1, 255 };

	for (size_t i = 0; i < sizeof(lens); i++) {
		uint8_t *e;

		reset(state);
		srat_begin();
		srat_lapic(0, 1, ENABLED);
		e = srat_entry(1, 40);
		e[1] = lens[i];		/* zero, one, or far past the end */
		srat_lapic(1, 2, ENABLED);
		srat_system(madt_of(2), srat_end());
		parse(20);
		assert_refused(2);
		assert_int_equal(host_log_count("SRAT truncated entry at offset 64 (type 1"), 1);
	}
}

static void test_table_length_above_1mib_is_refused(void **state)
{
	uint64_t srat;

	(void)state;
	srat = qemu_srat();
	put32(at(srat) + 4, 2u * 1024 * 1024);
	srat_system(madt_of(4), srat);
	parse(20);
	assert_refused(4);
	assert_int_equal(host_log_count("length above 1 MiB, ignored"), 1);
}

static void test_a_refused_srat_never_spoils_the_madt(void **state)
{
	uint64_t srat;

	(void)state;
	srat = qemu_srat();
	at(srat)[0] = 'X';		/* not an SRAT at all: simply none */
	srat_system(madt_of(4), srat);
	parse(20);
	assert_refused(4);
	assert_null(info.error);
	assert_int_equal(info.nenabled, 4);
}

#define T(fn) cmocka_unit_test_setup(fn, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_qemu_two_node_srat_puts_cpus_on_their_nodes),
		T(test_no_srat_means_one_node),
		T(test_sparse_domains_become_dense_nodes_in_order_of_first_cpu),
		T(test_x2apic_affinity_entries_place_x2apic_cpus),
		T(test_disabled_entries_place_nothing_and_name_no_node),
		T(test_memory_only_domains_are_not_counted),
		T(test_cpus_the_madt_does_not_list_are_ignored),
		T(test_cpu_named_twice_keeps_its_first_entry),
		T(test_cpus_the_srat_does_not_name_stay_on_node_0),
		T(test_cpu_named_twice_creates_no_empty_node),
		T(test_cpu_named_again_cannot_empty_the_node_it_was_first_in),
		T(test_entry_longer_than_its_type_is_stepped_over_whole),
		T(test_more_domains_than_supported_put_the_rest_on_node_0),
		T(test_bad_checksum_leaves_every_cpu_on_node_0),
		T(test_table_shorter_than_its_header_is_refused),
		T(test_entry_running_past_the_table_by_one_byte_is_refused),
		T(test_single_trailing_byte_is_a_truncated_entry),
		T(test_cpu_entries_shorter_than_their_type_are_refused),
		T(test_hostile_entry_lengths_are_refused),
		T(test_table_length_above_1mib_is_refused),
		T(test_a_refused_srat_never_spoils_the_madt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
