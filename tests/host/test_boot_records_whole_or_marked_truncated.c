// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/boot_records: the boot and smp records with every field at its
 * worst fit their buffers whole, and a field past its limit is cut with a
 * marker, never the whole record lost to report_overflow.  The inputs are
 * the ones that overflowed the old fixed buffers: a long command line
 * whose every byte is escaped (1536-byte boot buffer), and 256 ten-digit
 * x2APIC IDs (4096-byte smp buffer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/boot_records.h"

static char buf[64 * 1024];
static char cmdline[CMDLINE_MAX_LEN];
static char loader[200];
static uint32_t failed[300];

static uint32_t ten_digit_id(uint32_t cpu)
{
	return 4000000000u + cpu;
}

static struct smp_record smp_worst(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		failed[i] = 4100000000u + i;
	return (struct smp_record){
		.possible = n, .online = 1, .started = n,
		.bringup_us = UINT64_MAX, .sipi_resends = UINT64_MAX,
		.apic_mode = "x2apic", .apic_mode_reason = "an APIC ID needs it",
		.single_cpu_reason = NULL, .trampoline = UINT64_MAX,
		.init_udelay = UINT64_MAX, .init_udelay_one = UINT64_MAX,
		.failed_apic_ids = failed, .nfailed = n,
		.apic_id = ten_digit_id, .ncpus = n,
	};
}

static void test_smp_record_with_256_ten_digit_ids_is_whole(void **state)
{
	struct smp_record r = smp_worst(RECORD_MAX_IDS);
	const char *json;

	(void)state;
	json = smp_record_json(&r, buf, SMP_RECORD_MAX);
	assert_non_null(json);
	assert_true(strlen(json) > 4096);	/* the old buffer's size */
	assert_non_null(strstr(json, "4000000255]"));
	assert_non_null(strstr(json, "4100000255]"));
	assert_null(strstr(json, "truncated"));
	assert_int_equal(json[strlen(json) - 1], '}');
}

static void test_smp_record_past_the_id_limit_says_truncated(void **state)
{
	struct smp_record r = smp_worst(300);
	const char *json;

	(void)state;
	json = smp_record_json(&r, buf, SMP_RECORD_MAX);
	assert_non_null(json);
	assert_non_null(strstr(json, "4000000255],\"apic_ids_truncated\":true}"));
	assert_non_null(strstr(json, "4100000255],\"failed_apic_ids_truncated\":true"));
	assert_null(strstr(json, "4000000256"));
}

static struct boot_record boot_worst(void)
{
	memset(cmdline, '"', sizeof(cmdline) - 1);	/* each byte escaped: \" */
	cmdline[sizeof(cmdline) - 1] = '\0';
	memset(loader, 0x01, sizeof(loader) - 1);	/* each byte: \u0001 */
	loader[sizeof(loader) - 1] = '\0';
	return (struct boot_record){
		.firmware = loader, .cmdline = cmdline, .mem_mib = UINT64_MAX,
		.loader = loader, .consoles = loader, .cpu_vendor = loader,
		.hypervisor = loader, .serial = loader, .serial_found = loader,
	};
}

static void test_boot_record_with_an_escaped_1023_byte_cmdline_is_whole(void **state)
{
	struct boot_record r = boot_worst();
	const char *json;

	(void)state;
	json = boot_record_json(&r, buf, BOOT_RECORD_MAX);
	assert_non_null(json);
	assert_true(strlen(json) > 1536);	/* the old buffer's size */
	/* the command line whole: 1023 escaped quotes, no marker */
	assert_non_null(strstr(json, "\"cmdline\":\"\\\"\\\""));
	assert_null(strstr(json, "\\\"...\""));
	/* the 199-byte loader name cut to 64 bytes, marked */
	assert_non_null(strstr(json, "\\u0001...\",\"consoles\""));
	assert_int_equal(json[strlen(json) - 1], '}');
}

static void test_boot_record_of_a_cut_cmdline_marks_the_cut(void **state)
{
	struct boot_record r = boot_worst();
	const char *json;

	(void)state;
	strcpy(cmdline, "cpus=4 title=\"abc");	/* as cut by its buffer */
	r.cmdline_cut = true;
	json = boot_record_json(&r, buf, BOOT_RECORD_MAX);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"cmdline\":\"cpus=4 title=\\\"...\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smp_record_with_256_ten_digit_ids_is_whole),
		cmocka_unit_test(test_smp_record_past_the_id_limit_says_truncated),
		cmocka_unit_test(test_boot_record_with_an_escaped_1023_byte_cmdline_is_whole),
		cmocka_unit_test(test_boot_record_of_a_cut_cmdline_marks_the_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
