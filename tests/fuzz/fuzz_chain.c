// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_chain: libFuzzer target for the boot path's firmware reading as
 * kernel/main.c does it: the multiboot2 information (kernel/multiboot2.c),
 * then the command line it carries (kernel/options.c over kernel/cmdline.c),
 * then ACPI (kernel/acpi.c) from the RSDP copy in the MBI's tag 14 or 15.
 *
 * Input: the MBI (its first word, total_size, says how long; the heap
 * block is exactly that, tests/fuzz/fuzz_support.h), then physical memory
 * from address 0, which the RSDP's root-table addresses point into.  When
 * the input is shorter than total_size, the MBI is padded with zeros and
 * physical memory is empty.  Checksums are kept as given: the seeds carry
 * valid ones, and the fuzzer's comparison tracing finds the others.
 *
 * Checked: what each stage promises (see fuzz_mb2.c and fuzz_acpi.c) and
 * that ACPI only ever reads the RSDP from inside the MBI, and that each
 * option the kernel keeps is written whole in the MBI (the corpus keeps
 * the three inputs that once broke it: a command-line tag cut inside an
 * option, an unterminated one in an invalid MBI, and one in a valid MBI;
 * docs/fuzzing.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/acpi.h"
#include "kernel/cmdline.h"
#include "kernel/multiboot2.h"
#include "kernel/options.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct boot_info bi;
static struct cmdline cl;
static struct acpi_info acpi;
static struct fuzz_mem mem;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	uint8_t *mbi = fuzz_mbi_copy(data, size, &len);
	const uint8_t *r;

	mb2_parse(MB2_BOOTLOADER_MAGIC, mbi, 0x10000, &bi);
	if (!memchr(bi.cmdline, 0, sizeof(bi.cmdline)))
		fuzz_fail("the command line is not terminated inside its array");
	options_parse(&cl, bi.has_cmdline ? bi.cmdline : "");
	for (unsigned i = 0; i < cl.n; i++)
		if (!fuzz_whole_token(mbi, len, &cl.opt[i]))
			fuzz_fail("an option the kernel keeps is not written whole in the MBI");
	r = bi.rsdp;
	if (bi.rsdp_tag && (r < mbi || bi.rsdp_len > len || (size_t)(r - mbi) > len - bi.rsdp_len))
		fuzz_fail("the RSDP copy is not inside the MBI");
	mem.base = 0;
	mem.img = data + (len < size ? len : size);
	mem.size = len < size ? size - len : 0;
	mem.fix_csum = false;
	if (bi.rsdp) {
		acpi_parse(bi.rsdp, bi.rsdp_len, fuzz_map, &mem, &acpi);
		if (acpi.ncpus > ACPI_MAX_CPUS || acpi.madt_ok != (acpi.error == NULL))
			fuzz_fail("acpi_info breaks its promises");
	}
	fuzz_mem_release(&mem);
	free(mbi);
	return 0;
}
