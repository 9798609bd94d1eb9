/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * multiboot2: what GRUB tells us at entry, copied into a struct boot_info.
 *
 * mb2_parse() treats the multiboot2 information (MBI) as untrusted bytes.
 * Strings, the memory map, modules and the framebuffer description are
 * copied out; only `rsdp` points back into the MBI, so the MBI must stay
 * mapped and unclobbered until ACPI has been parsed.  Called once on the
 * boot CPU before any other CPU runs: no locking.
 */
#ifndef PULLKERN_MULTIBOOT2_H
#define PULLKERN_MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define MB2_MAX_MMAP 512
#define MB2_MAX_MODULES 16

/* Multiboot2 memory types (tag 6). */
#define MB2_MEM_AVAILABLE	1
#define MB2_MEM_RESERVED	2
#define MB2_MEM_ACPI_RECLAIM	3
#define MB2_MEM_NVS		4
#define MB2_MEM_BAD		5

struct mb2_mmap_entry {
	uint64_t base, len;
	uint32_t type;		/* 1 avail, 2 reserved, 3 ACPI reclaim, 4 NVS, 5 bad */
};

struct mb2_framebuffer {
	bool present;		/* false too when it overlapped RAM, the kernel, the MBI or a module */
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type;	/* type 0 indexed, 1 RGB, 2 EGA text */
	/* Only for type 1 (RGB); zero otherwise. */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
	bool valid;		/* magic and tag structure sound, end tag found */
	const char *error;	/* static string when !valid, NULL otherwise */
	uint64_t mbi_phys;
	uint32_t mbi_size;	/* total_size, once it passed the bounds check */
	/*
	 * Always NUL-terminated, possibly truncated.  One byte more than
	 * cmdline_parse() keeps (CMDLINE_MAX_LEN), so that when the loader's
	 * line is longer the parser still sees the byte after its cut and
	 * can drop a cut option instead of using its prefix.
	 */
	char cmdline[1024 + 1];
	bool has_cmdline;
	char loader[64];
	bool has_basic_meminfo;
	uint32_t mem_lower_kib, mem_upper_kib;
	struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
	uint32_t mmap_count;
	bool mmap_truncated;	/* the tag had more than MB2_MAX_MMAP entries */
	uint64_t mmap_dropped_base;	/* lowest base among the entries not kept */
	struct {
		uint64_t start, end;
	} modules[MB2_MAX_MODULES];
	uint32_t nmodules;
	/* Pointer into the MBI (tag 15 preferred over 14); rsdp_tag 0 = none. */
	const void *rsdp;
	uint32_t rsdp_len;
	uint8_t rsdp_tag;
	struct mb2_framebuffer fb;
	/* Any of tags 11, 12, 17, 18, 19, 20: GRUB ran under UEFI. */
	bool efi;
	uint64_t efi_system_table;	/* tag 12 (EFI64) preferred over 11 (EFI32) */
	bool has_load_base;
	uint32_t load_base;
};

/*
 * The kernel image [start, end) in physical memory, which the framebuffer
 * must not overlap; kernel/main.c sets it from the linker script before
 * mb2_parse().  Never set (host tests, fuzzers): no image to overlap.
 */
void mb2_set_kernel_image(uint64_t start, uint64_t end);

/*
 * Fill *out from the MBI at `mbi` (physical address mbi_phys).  `out` is
 * fully overwritten.  When !out->valid, strings taken from tags before the
 * fault are kept for diagnostics only: has_cmdline is false, rsdp NULL,
 * mmap_count 0, has_basic_meminfo and fb.present false, with one line
 * saying what was withdrawn (the page allocator then stops the boot: no
 * memory is known to be free).
 */
void mb2_parse(uint32_t magic, const void *mbi, uint64_t mbi_phys,
	       struct boot_info *out);

/* Bytes of type-1 memory; overlapping entries are counted once. */
uint64_t mb2_usable_bytes(const struct boot_info *bi);

#endif
