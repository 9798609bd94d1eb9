/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boot_records: the `boot` and `smp` @report records built from plain
 * values, in buffers sized for their worst case.
 *
 * Each free string is cut to a stated length, a cut marked by a trailing
 * "...", and each ID array to a stated count, a cut marked by a
 * "<name>_truncated":true field; the buffer sizes below hold the record
 * when every field is at its limit and every byte needs the longest JSON
 * escape (\u00XX, 6 bytes).  So a record is always whole or explicitly
 * truncated, never replaced by report_overflow.  kernel/boot_report.c
 * and kernel/smp.c fill the values; the builders are portable so host
 * tests can feed them the worst case.
 */
#ifndef PULLKERN_BOOT_RECORDS_H
#define PULLKERN_BOOT_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/cmdline.h"

#define RECORD_ESC		6	/* longest escape of one byte: \u00XX */
#define RECORD_STR_MAX		64	/* bytes kept of a short string field */
#define RECORD_CMDLINE_MAX	(CMDLINE_MAX_LEN - 1)
#define RECORD_MAX_IDS		256	/* IDs kept of one array */
#define RECORD_FIXED		512	/* keys, numbers, booleans, braces */

struct boot_record {
	const char *firmware;
	const char *cmdline;	/* the accepted options, cmdline_format()'s form */
	bool cmdline_cut;	/* cmdline was already cut by its buffer */
	uint64_t mem_mib;
	const char *loader, *consoles, *cpu_vendor;
	const char *hypervisor;	/* NULL on bare metal */
	bool x2apic, tsc_deadline, arat, invariant_tsc;
	const char *serial;	/* the serial console, uart_name(); NULL: none */
	const char *serial_found;	/* console_serial_found() */
};

/* cmdline, and 7 short strings. */
#define BOOT_RECORD_MAX	(RECORD_FIXED + RECORD_ESC * \
			 (RECORD_CMDLINE_MAX + 7 * RECORD_STR_MAX))

struct smp_record {
	uint64_t possible, online, started, bringup_us, sipi_resends;
	const char *apic_mode, *apic_mode_reason, *single_cpu_reason;
	uint64_t trampoline, init_udelay, init_udelay_one;
	const uint32_t *failed_apic_ids;
	uint32_t nfailed;
	uint32_t (*apic_id)(uint32_t cpu);	/* apic_ids[cpu], cpu < ncpus */
	uint32_t ncpus;
};

/* 3 short strings, two arrays of u32 (10 digits and a comma each). */
#define SMP_RECORD_MAX	(RECORD_FIXED + RECORD_ESC * 3 * RECORD_STR_MAX + \
			 2 * 11 * RECORD_MAX_IDS)

/* The record as one JSON object in buf (size >= the _MAX above), or NULL. */
const char *boot_record_json(const struct boot_record *r, char *buf,
			     size_t size);
const char *smp_record_json(const struct smp_record *r, char *buf,
			    size_t size);

#endif
