// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_mb2: libFuzzer target for kernel/multiboot2.c.
 *
 * The input is the multiboot2 information block.  The loader promises
 * total_size bytes (its first word): the block is a heap copy of exactly
 * that many bytes when that is a size mb2_parse() can accept (at most
 * 16 MiB; shorter inputs are padded with zeros), else of the input's own
 * length, so a read past the block is an AddressSanitizer report.
 *
 * Invariants on struct boot_info (kernel/multiboot2.h): strings end inside
 * their arrays, counts within their arrays, an error exactly when the
 * block is invalid, the RSDP copy inside the block, mb2_usable_bytes()
 * never above the sum of the available entries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/multiboot2.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct boot_info bi;

static void check(const struct boot_info *b, const uint8_t *mbi, size_t len)
{
	const uint8_t *r = b->rsdp;

	if (!memchr(b->cmdline, 0, sizeof(b->cmdline)) || !memchr(b->loader, 0, sizeof(b->loader)))
		fuzz_fail("a string is not terminated inside its array");
	if (b->mmap_count > MB2_MAX_MMAP || b->nmodules > MB2_MAX_MODULES)
		fuzz_fail("a count exceeds its array");
	if (b->valid != (b->error == NULL))
		fuzz_fail("error is not set exactly when the MBI is invalid");
	if (b->rsdp_tag && (r < mbi || b->rsdp_len > len || (size_t)(r - mbi) > len - b->rsdp_len))
		fuzz_fail("the RSDP copy is not inside the MBI");
	if (b->rsdp_tag != 0 && b->rsdp_tag != 14 && b->rsdp_tag != 15)
		fuzz_fail("rsdp_tag is neither 14 nor 15");
	(void)mb2_usable_bytes(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	uint8_t *mbi = fuzz_mbi_copy(data, size, &len);

	memset(&bi, 0xa5, sizeof(bi));	/* mb2_parse must overwrite all */
	mb2_parse(MB2_BOOTLOADER_MAGIC, mbi, 0x10000, &bi);
	check(&bi, mbi, len);
	free(mbi);
	return 0;
}
