// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/multiboot2 against crafted boot information.
 *
 * The MBIs are built tag by tag the way GRUB 2.06 lays them out (8-byte
 * aligned tags, end tag, total_size patched last), once as a BIOS boot and
 * once as a UEFI boot, then broken one field at a time.  Padding bytes
 * are filled with 'X' rather than zero so a parser that reads past a
 * tag's size would pick up visible garbage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "host_support.h"
#include "kernel/cmdline.h"
#include "kernel/multiboot2.h"

#define MBI_PHYS	0x10000ull
#define PAD		'X'

static uint8_t mbi[64 * 1024] __attribute__((aligned(8)));
static size_t mbi_len;
static struct boot_info bi;	/* several KiB: keep it off the stack */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void mb_begin(void)
{
	memset(mbi, PAD, sizeof(mbi));
	put32(mbi + 4, 0);
	mbi_len = 8;
}

/* Append a tag with `plen` payload bytes; returns the payload. */
static uint8_t *mb_tag(uint32_t type, uint32_t plen)
{
	uint8_t *t = mbi + mbi_len;

	assert_true(mbi_len + 8 + plen + 8 <= sizeof(mbi));
	put32(t, type);
	put32(t + 4, 8 + plen);
	memset(t + 8, 0, plen);
	mbi_len += (8 + plen + 7) & ~(size_t)7;
	return t + 8;
}

static void mb_string(uint32_t type, const char *s)
{
	memcpy(mb_tag(type, (uint32_t)strlen(s) + 1), s, strlen(s) + 1);
}

static void mb_meminfo(uint32_t lower, uint32_t upper)
{
	uint8_t *p = mb_tag(4, 8);

	put32(p, lower);
	put32(p + 4, upper);
}

static void mb_module(uint32_t start, uint32_t end, const char *name)
{
	uint8_t *p = mb_tag(3, 8 + (uint32_t)strlen(name) + 1);

	put32(p, start);
	put32(p + 4, end);
	memcpy(p + 8, name, strlen(name) + 1);
}

struct range {
	uint64_t base, len;
	uint32_t type;
};

static void mb_mmap_sized(const struct range *r, size_t n, uint32_t esize)
{
	uint8_t *p = mb_tag(6, 8 + (uint32_t)(n * esize));
	size_t i;

	put32(p, esize);
	put32(p + 4, 0);
	for (i = 0; i < n; i++) {
		uint8_t *e = p + 8 + i * esize;

		put64(e, r[i].base);
		put64(e + 8, r[i].len);
		put32(e + 16, r[i].type);
		put32(e + 20, 0);
	}
}

static void mb_mmap(const struct range *r, size_t n)
{
	mb_mmap_sized(r, n, 24);
}

static void mb_fb_rgb(uint64_t addr, uint32_t w, uint32_t h)
{
	uint8_t *p = mb_tag(8, 24 + 6);

	put64(p, addr);
	put32(p + 8, w * 4);
	put32(p + 12, w);
	put32(p + 16, h);
	p[20] = 32;
	p[21] = 1;
	p[24] = 16;	/* red at bit 16, 8 bits: x8r8g8b8 */
	p[25] = 8;
	p[26] = 8;
	p[27] = 8;
	p[28] = 0;
	p[29] = 8;
}

static void mb_fb_ega_text(void)
{
	uint8_t *p = mb_tag(8, 24);

	put64(p, 0xb8000);
	put32(p + 8, 160);
	put32(p + 12, 80);
	put32(p + 16, 25);
	p[20] = 16;
	p[21] = 2;
}

/* An RSDP copy: only its bytes matter to the MBI parser. */
static void mb_acpi(uint32_t type, uint32_t len, uint8_t rev)
{
	uint8_t *p = mb_tag(type, len);

	memcpy(p, "RSD PTR ", 8);
	p[15] = rev;
}

static void mb_u32(uint32_t type, uint32_t v)
{
	put32(mb_tag(type, 4), v);
}

static void mb_u64(uint32_t type, uint64_t v)
{
	put64(mb_tag(type, 8), v);
}

static void mb_end(void)
{
	mb_tag(0, 0);
	put32(mbi, (uint32_t)mbi_len);
}

static void parse(void)
{
	mb2_parse(MB2_BOOTLOADER_MAGIC, mbi, MBI_PHYS, &bi);
}

/* QEMU -m 512 under SeaBIOS, as e820 reports it. */
static const struct range bios_map[] = {
	{ 0x0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0xf0000, 0x10000, 2 },
	{ 0x100000, 0x1fee0000, 1 },
	{ 0x1ffe0000, 0x20000, 2 },
	{ 0xfffc0000, 0x40000, 2 },
};

#define BIOS_USABLE (0x9fc00ull + 0x1fee0000ull)

static void grub_bios_mbi(void)
{
	mb_begin();
	mb_string(1, "smp=64 console=serial");
	mb_string(2, "GRUB 2.06-13+deb12u1");
	mb_module(0x200000, 0x201234, "initrd");
	mb_meminfo(639, 523136);
	mb_u32(5, 0x8000ffff);		/* boot device: not used */
	mb_mmap(bios_map, 6);
	mb_tag(9, 20);			/* ELF sections: not used */
	mb_fb_ega_text();
	mb_tag(10, 20);			/* APM: not used */
	mb_acpi(14, 20, 0);
	mb_u32(21, 0x100000);
	mb_end();
}

/* QEMU with OVMF: fragmented map, GOP framebuffer, EFI tags. */
static const struct range uefi_map[] = {
	{ 0x0, 0xa0000, 1 },
	{ 0x100000, 0x700000, 1 },
	{ 0x800000, 0x8000, 4 },
	{ 0x808000, 0x7f8000, 1 },
	{ 0x1f77e000, 0x80000, 3 },
	{ 0x1fa00000, 0x400000, 2 },
	{ 0xffc00000, 0x400000, 2 },
};

static void grub_uefi_mbi(void)
{
	mb_begin();
	mb_string(1, "smp=64");
	mb_string(2, "GRUB 2.06-13+deb12u1");
	mb_meminfo(640, 515072);
	mb_mmap(uefi_map, 7);
	mb_fb_rgb(0x80000000ull, 1280, 800);
	mb_u64(12, 0x1f9ee018ull);
	mb_acpi(14, 20, 2);
	mb_acpi(15, 36, 2);
	mb_tag(17, 8 + 48 * 3);		/* EFI memory map: only its presence */
	mb_u32(21, 0x100000);
	mb_end();
}

static int reset(void **state)
{
	(void)state;
	memset(&bi, 0xa5, sizeof(bi));	/* mb2_parse must clear it */
	host_log_reset();
	return 0;
}

/* --- the GRUB shapes ---------------------------------------------------- */

static void test_grub_bios_mbi_fills_every_field(void **state)
{
	uint32_t i;

	(void)state;
	grub_bios_mbi();
	parse();
	assert_true(bi.valid);
	assert_null(bi.error);
	assert_int_equal(bi.mbi_phys, MBI_PHYS);
	assert_int_equal(bi.mbi_size, mbi_len);
	assert_true(bi.has_cmdline);
	assert_string_equal(bi.cmdline, "smp=64 console=serial");
	assert_string_equal(bi.loader, "GRUB 2.06-13+deb12u1");
	assert_true(bi.has_basic_meminfo);
	assert_int_equal(bi.mem_lower_kib, 639);
	assert_int_equal(bi.mem_upper_kib, 523136);
	assert_int_equal(bi.mmap_count, 6);
	assert_false(bi.mmap_truncated);
	for (i = 0; i < 6; i++) {
		assert_int_equal(bi.mmap[i].base, bios_map[i].base);
		assert_int_equal(bi.mmap[i].len, bios_map[i].len);
		assert_int_equal(bi.mmap[i].type, bios_map[i].type);
	}
	assert_int_equal(bi.nmodules, 1);
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].end, 0x201234);
	assert_int_equal(bi.rsdp_tag, 14);
	assert_int_equal(bi.rsdp_len, 20);
	assert_memory_equal(bi.rsdp, "RSD PTR ", 8);
	assert_true(bi.fb.present);
	assert_int_equal(bi.fb.type, 2);
	assert_int_equal(bi.fb.addr, 0xb8000);
	assert_int_equal(bi.fb.width, 80);
	assert_int_equal(bi.fb.height, 25);
	assert_int_equal(bi.fb.pitch, 160);
	assert_int_equal(bi.fb.bpp, 16);
	assert_int_equal(bi.fb.red_size, 0);
	assert_false(bi.efi);
	assert_int_equal(bi.efi_system_table, 0);
	assert_true(bi.has_load_base);
	assert_int_equal(bi.load_base, 0x100000);
	assert_int_equal(mb2_usable_bytes(&bi), BIOS_USABLE);
	/* Unknown tags (5, 9, 10) pass silently: only the summary line. */
	assert_int_equal(host_log_count("mb2: "), 1);
	assert_int_equal(host_log_count("mb2: loader \"GRUB 2.06-13+deb12u1\", 6 mmap entries"), 1);
}

static void test_grub_uefi_mbi_reports_efi_and_prefers_acpi_new_tag(void **state)
{
	const uint8_t *tag15;

	(void)state;
	grub_uefi_mbi();
	parse();
	assert_true(bi.valid);
	assert_string_equal(bi.cmdline, "smp=64");
	assert_true(bi.efi);
	assert_int_equal(bi.efi_system_table, 0x1f9ee018ull);
	assert_int_equal(bi.rsdp_tag, 15);
	assert_int_equal(bi.rsdp_len, 36);
	/* The pointer is into the MBI itself, at tag 15's payload. */
	tag15 = bi.rsdp;
	assert_true(tag15 > mbi && tag15 < mbi + mbi_len);
	assert_int_equal(tag15[-8], 15);
	assert_int_equal(tag15[15], 2);
	assert_true(bi.fb.present);
	assert_int_equal(bi.fb.type, 1);
	assert_int_equal(bi.fb.addr, 0x80000000ull);
	assert_int_equal(bi.fb.width, 1280);
	assert_int_equal(bi.fb.height, 800);
	assert_int_equal(bi.fb.pitch, 5120);
	assert_int_equal(bi.fb.bpp, 32);
	assert_int_equal(bi.fb.red_pos, 16);
	assert_int_equal(bi.fb.red_size, 8);
	assert_int_equal(bi.fb.green_pos, 8);
	assert_int_equal(bi.fb.green_size, 8);
	assert_int_equal(bi.fb.blue_pos, 0);
	assert_int_equal(bi.fb.blue_size, 8);
	assert_int_equal(bi.mmap_count, 7);
	assert_int_equal(mb2_usable_bytes(&bi), 0xa0000ull + 0x700000 + 0x7f8000);
	assert_int_equal(host_log_count("(UEFI)"), 1);
}

static void test_acpi_new_tag_wins_even_when_it_comes_first(void **state)
{
	(void)state;
	mb_begin();
	mb_acpi(15, 36, 2);
	mb_acpi(14, 20, 0);
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_int_equal(bi.rsdp_tag, 15);
	assert_int_equal(bi.rsdp_len, 36);
}

static void test_any_efi_tag_marks_an_efi_boot(void **state)
{
	static const uint32_t efi_tags[] = { 17, 18, 19, 20 };
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		mb_begin();
		mb_u64(efi_tags[i], 0x1234);
		mb_end();
		parse();
		assert_true(bi.valid);
		assert_true(bi.efi);
		assert_int_equal(bi.efi_system_table, 0);
	}
}

static void test_efi64_system_table_preferred_over_efi32(void **state)
{
	(void)state;
	mb_begin();
	mb_u32(11, 0x7000);
	mb_end();
	parse();
	assert_true(bi.efi);
	assert_int_equal(bi.efi_system_table, 0x7000);

	mb_begin();
	mb_u32(11, 0x7000);
	mb_u64(12, 0x1234567000ull);
	mb_end();
	parse();
	assert_int_equal(bi.efi_system_table, 0x1234567000ull);
}

static void test_mbi_with_only_end_tag_leaves_every_field_absent(void **state)
{
	(void)state;
	mb_begin();
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_null(bi.error);
	assert_int_equal(bi.mbi_size, 16);
	assert_false(bi.has_cmdline);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader, "");
	assert_false(bi.has_basic_meminfo);
	assert_int_equal(bi.mmap_count, 0);
	assert_int_equal(bi.nmodules, 0);
	assert_null(bi.rsdp);
	assert_int_equal(bi.rsdp_tag, 0);
	assert_false(bi.fb.present);
	assert_false(bi.efi);
	assert_false(bi.has_load_base);
	assert_int_equal(mb2_usable_bytes(&bi), 0);
}

/* --- structural rejects ------------------------------------------------- */

static void test_bad_magic_rejected(void **state)
{
	(void)state;
	grub_bios_mbi();
	mb2_parse(0x2badb002, mbi, MBI_PHYS, &bi);	/* multiboot 1 */
	assert_false(bi.valid);
	assert_string_equal(bi.error, "bad multiboot2 magic");
	assert_false(bi.has_cmdline);
	assert_int_equal(bi.mmap_count, 0);
	assert_int_equal(host_log_count("mb2: magic 0x2badb002, expected 0x36d76289"), 1);
}

static void test_null_mbi_rejected(void **state)
{
	(void)state;
	mb2_parse(MB2_BOOTLOADER_MAGIC, NULL, 0, &bi);
	assert_false(bi.valid);
	assert_string_equal(bi.error, "no multiboot2 information");
}

static void test_huge_or_tiny_total_size_rejected(void **state)
{
	(void)state;
	grub_bios_mbi();
	put32(mbi, 0x20000000);
	parse();
	assert_false(bi.valid);
	assert_string_equal(bi.error, "MBI total_size out of range");
	assert_int_equal(bi.mbi_size, 0);

	put32(mbi, (16u << 20) + 8);
	parse();
	assert_false(bi.valid);

	put32(mbi, 8);
	parse();
	assert_false(bi.valid);
	assert_string_equal(bi.error, "MBI total_size out of range");
	assert_int_equal(host_log_count("mb2: total_size"), 3);
}

static void test_tag_running_past_total_size_rejected(void **state)
{
	uint8_t *mmap_tag;

	(void)state;
	mb_begin();
	mb_string(1, "kept");
	mmap_tag = mbi + mbi_len;
	mb_mmap(bios_map, 6);
	mb_end();
	put32(mmap_tag + 4, 4096);
	parse();
	assert_false(bi.valid);
	assert_string_equal(bi.error, "MBI tag runs past total_size");
	assert_int_equal(bi.mmap_count, 0);
	/* The text before the fault stays, for diagnostics, but is not used. */
	assert_string_equal(bi.cmdline, "kept");
	assert_false(bi.has_cmdline);
	assert_int_equal(host_log_count("mb2: tag 6 at offset 24, size 4096, runs past"), 1);
}

/*
 * A whole GRUB UEFI MBI whose total_size stops before the end tag: the
 * command line, RSDP, memory map and framebuffer were all read, and none
 * may be used.
 */
static void test_invalid_mbi_withdraws_every_field_the_kernel_acts_on(void **state)
{
	(void)state;
	grub_uefi_mbi();
	put32(mbi, (uint32_t)mbi_len - 8);	/* cut off the end tag */
	parse();
	assert_false(bi.valid);
	assert_string_equal(bi.error, "MBI has no end tag");
	assert_false(bi.has_cmdline);
	assert_null(bi.rsdp);
	assert_int_equal(bi.rsdp_tag, 0);
	assert_int_equal(bi.mmap_count, 0);
	assert_false(bi.has_basic_meminfo);
	assert_false(bi.fb.present);
	assert_int_equal(host_log_count("mb2: not used from invalid boot information: command line (defaults apply) RSDP (no ACPI) memory map and basic meminfo framebuffer (no screen console)"), 1);
	/* still shown: the loader's name */
	assert_string_equal(bi.loader, "GRUB 2.06-13+deb12u1");
}

static void test_tag_smaller_than_header_rejected(void **state)
{
	uint8_t *t;

	(void)state;
	mb_begin();
	t = mb_tag(1, 8);
	mb_end();
	put32(t - 4, 4);
	parse();
	assert_false(bi.valid);
	assert_string_equal(bi.error, "MBI tag smaller than its header");
}

static void test_zero_size_tag_rejected_not_looped_on(void **state)
{
	uint8_t *t;

	(void)state;
	mb_begin();
	t = mb_tag(77, 0);
	mb_end();
	put32(t - 4, 0);
	parse();
	assert_false(bi.valid);
	assert_string_equal(bi.error, "MBI tag smaller than its header");
}

static void test_missing_end_tag_rejected(void **state)
{
	(void)state;
	mb_begin();
	mb_string(1, "no end");
	put32(mbi, (uint32_t)mbi_len);	/* total_size stops before any end tag */
	parse();
	assert_false(bi.valid);
	assert_string_equal(bi.error, "MBI has no end tag");
	assert_string_equal(bi.cmdline, "no end");
}

static void test_total_size_ending_inside_a_tag_header_rejected(void **state)
{
	(void)state;
	mb_begin();
	mb_string(1, "x");
	mb_end();
	put32(mbi, (uint32_t)mbi_len - 4);	/* half of the end tag */
	parse();
	assert_false(bi.valid);
	assert_string_equal(bi.error, "MBI has no end tag");
}

static void test_unaligned_last_tag_size_does_not_skip_past_total(void **state)
{
	uint8_t *p;

	(void)state;
	/* A 13-byte tag ending exactly at total_size: padding would pass it. */
	mb_begin();
	p = mb_tag(1, 5);
	memcpy(p, "abcd", 5);
	put32(mbi, (uint32_t)(mbi_len - 3));
	parse();
	assert_false(bi.valid);
	assert_string_equal(bi.error, "MBI has no end tag");
}

/* --- contained faults inside one tag ------------------------------------ */

static void test_mmap_entry_size_below_24_rejected(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap_sized(bios_map, 6, 16);
	mb_string(1, "after");
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_int_equal(bi.mmap_count, 0);
	assert_string_equal(bi.cmdline, "after");
	assert_int_equal(host_log_count("mb2: mmap entry_size 16 invalid"), 1);
}

static void test_mmap_entry_size_not_multiple_of_8_rejected(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap_sized(bios_map, 6, 28);
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_int_equal(bi.mmap_count, 0);
	assert_int_equal(host_log_count("mb2: mmap entry_size 28 invalid"), 1);
}

static void test_mmap_larger_entry_size_read_by_stride(void **state)
{
	uint32_t i;

	(void)state;
	mb_begin();
	mb_mmap_sized(bios_map, 6, 32);	/* a future entry_version */
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_int_equal(bi.mmap_count, 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(bi.mmap[i].base, bios_map[i].base);
	assert_int_equal(mb2_usable_bytes(&bi), BIOS_USABLE);
}

static void test_too_many_mmap_entries_truncated_and_flagged(void **state)
{
	static struct range many[600];
	uint32_t i;

	(void)state;
	for (i = 0; i < 600; i++) {
		many[i].base = (uint64_t)i << 20;
		many[i].len = 1u << 19;
		many[i].type = 1;
	}
	many[590].base = 0x7000000;	/* a dropped entry below the others dropped */
	mb_begin();
	mb_mmap(many, 600);
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_int_equal(bi.mmap_count, MB2_MAX_MMAP);
	assert_true(bi.mmap_truncated);
	assert_int_equal(bi.mmap_dropped_base, 0x7000000);
	assert_int_equal(bi.mmap[MB2_MAX_MMAP - 1].base, (uint64_t)(MB2_MAX_MMAP - 1) << 20);
	assert_int_equal(mb2_usable_bytes(&bi), (uint64_t)MB2_MAX_MMAP << 19);
	assert_int_equal(host_log_count("mb2: mmap has 600 entries, only the first 512 kept; memory from 0x7000000 up is not used"), 1);
}

static void test_mmap_trailing_partial_entry_ignored(void **state)
{
	uint8_t *p;
	uint32_t i;

	(void)state;
	mb_begin();
	p = mb_tag(6, 8 + 5 * 24 + 16);	/* five entries and 16 stray bytes */
	put32(p, 24);
	for (i = 0; i < 5; i++) {
		put64(p + 8 + i * 24, bios_map[i].base);
		put64(p + 16 + i * 24, bios_map[i].len);
		put32(p + 24 + i * 24, bios_map[i].type);
	}
	memset(p + 8 + 5 * 24, 0xee, 16);
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_int_equal(bi.mmap_count, 5);
	assert_int_equal(host_log_count("mb2: mmap has 16 trailing bytes"), 1);
}

/*
 * A command-line tag that ends without its NUL may have been cut inside
 * its last option (the fuzz chain target found one: "seconds=2" followed
 * by the tag's last bytes): the copy stays bounded and terminated, and the
 * last word, which may be cut short, is dropped with its line.
 */
static void test_unterminated_cmdline_drops_its_last_word_which_may_be_cut(void **state)
{
	uint8_t *p;

	(void)state;
	mb_begin();
	p = mb_tag(1, 14);
	memcpy(p, "hz=250 hz=100", 13);	/* hz=1000 cut by the tag's end */
	p[13] = '0';
	memset(p + 14, PAD, 2);	/* the padding is not part of the tag */
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_true(bi.has_cmdline);
	assert_string_equal(bi.cmdline, "hz=250 ");
	assert_int_equal(host_log_count("mb2: cmdline not NUL-terminated, 14 bytes kept"), 1);
	assert_int_equal(host_log_count("mb2: cmdline's last word may be cut short, dropped (7 bytes)"), 1);
}

/* One word and no NUL: nothing of it is trusted. */
static void test_unterminated_one_word_cmdline_is_dropped_whole(void **state)
{
	uint8_t *p;

	(void)state;
	mb_begin();
	p = mb_tag(1, 3);
	memcpy(p, "abc", 3);
	memset(p + 3, PAD, 5);
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_string_equal(bi.cmdline, "");
	assert_int_equal(host_log_count("mb2: cmdline not NUL-terminated, 3 bytes kept"), 1);
	assert_int_equal(host_log_count("mb2: cmdline's last word may be cut short, dropped (3 bytes)"), 1);
}

static void test_overlong_cmdline_truncated_to_buffer(void **state)
{
	static char longline[3000];

	(void)state;
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	mb_begin();
	mb_string(1, longline);
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_int_equal(strlen(bi.cmdline), sizeof(bi.cmdline) - 1);
	assert_int_equal(bi.cmdline[sizeof(bi.cmdline) - 2], 'a');
	assert_int_equal(host_log_count("mb2: cmdline longer than 1024 bytes, truncated"), 1);
}

static bool seed_or_hz(const char *key, void *ctx)
{
	(void)ctx;
	return !strcmp(key, "seed") || !strcmp(key, "hz");
}

/*
 * The fuzzer's input: an image path, `seed=1 ` 145 times, then `hz=1000`,
 * so the parser's 1023-byte cut falls after `hz=10`.  The loader copy
 * used to end at the same byte, so the parser saw a whole line ending in
 * `hz=10` and took it.
 */
static void test_cmdline_cut_inside_an_option_drops_it_with_a_warning(void **state)
{
	static char line[2048];
	static struct cmdline cl;
	size_t len;

	(void)state;
	strcpy(line, "/k ");
	for (int i = 0; i < 145; i++)
		strcat(line, "seed=1 ");
	strcat(line, "hz=1000");
	len = strlen(line);
	assert_true(len >= CMDLINE_MAX_LEN);
	assert_memory_equal(line + CMDLINE_MAX_LEN - 1 - 5, "hz=10", 5);
	mb_begin();
	mb_string(1, line);
	mb_end();
	parse();
	assert_true(bi.valid);

	host_log_reset();
	cmdline_parse(&cl, bi.cmdline, seed_or_hz, NULL);
	assert_null(cmdline_get(&cl, "hz"));
	assert_string_equal(cmdline_get(&cl, "seed"), "1");
	assert_int_equal(host_log_count("cmdline: longer than 1023 bytes"), 1);
	assert_int_equal(host_log_count("cmdline: option 'hz=10' cut by the length limit, ignored"), 1);
}

static void test_overlong_loader_name_truncated(void **state)
{
	(void)state;
	mb_begin();
	mb_string(2, "A boot loader with a name far longer than sixty-three characters, really");
	mb_end();
	parse();
	assert_int_equal(strlen(bi.loader), 63);
	assert_int_equal(host_log_count("loader name longer than 63 bytes"), 1);
}

static void test_repeated_cmdline_tag_first_wins(void **state)
{
	(void)state;
	mb_begin();
	mb_string(1, "first");
	mb_string(1, "second");
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_string_equal(bi.cmdline, "first");
	assert_int_equal(host_log_count("mb2: repeated tag 1 ignored"), 1);
}

static void test_short_known_tag_ignored(void **state)
{
	(void)state;
	mb_begin();
	mb_tag(4, 4);		/* meminfo needs 8 payload bytes */
	mb_tag(8, 16);		/* framebuffer needs 24 */
	mb_tag(12, 4);		/* EFI64 pointer needs 8 */
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_false(bi.has_basic_meminfo);
	assert_false(bi.fb.present);
	assert_true(bi.efi);
	assert_int_equal(bi.efi_system_table, 0);
	assert_int_equal(host_log_count("mb2: tag 4 is 12 bytes, needs 16; ignored"), 1);
	assert_int_equal(host_log_count("mb2: tag 8 is 24 bytes, needs 32; ignored"), 1);
	assert_int_equal(host_log_count("mb2: tag 12 is 12 bytes, needs 16; ignored"), 1);
}

static void test_rgb_framebuffer_without_colour_layout_kept(void **state)
{
	uint8_t *p;

	(void)state;
	mb_begin();
	p = mb_tag(8, 24);
	put64(p, 0xfd000000u);
	p[21] = 1;
	mb_end();
	parse();
	assert_true(bi.fb.present);
	assert_int_equal(bi.fb.addr, 0xfd000000u);
	assert_int_equal(bi.fb.red_size, 0);
	assert_int_equal(host_log_count("RGB framebuffer tag without colour layout"), 1);
}

/* The case: an RGB framebuffer at 1 MiB would be cleared over the kernel. */
static void test_framebuffer_over_usable_ram_at_1mib_is_not_used(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap(bios_map, 6);
	mb_fb_rgb(0x100000, 1024, 768);
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_false(bi.fb.present);
	assert_int_equal(host_log_count("mb2: framebuffer at 0x100000, 3145728 bytes, overlaps usable RAM; not used"), 1);
}

/* The same with basic meminfo only, and the tag before the map would be. */
static void test_framebuffer_over_basic_meminfo_ram_is_not_used(void **state)
{
	(void)state;
	mb_begin();
	mb_fb_rgb(0x200000, 640, 480);
	mb_meminfo(639, 65536);
	mb_end();
	parse();
	assert_false(bi.fb.present);
	assert_int_equal(host_log_count("overlaps usable RAM; not used"), 1);
}

static void test_framebuffer_over_the_boot_information_is_not_used(void **state)
{
	static const struct range high_only[] = { { 0x100000, 0x1000000, 1 } };

	(void)state;
	mb_begin();
	mb_mmap(high_only, 1);
	mb_fb_rgb(MBI_PHYS - 0x100, 64, 16);
	mb_end();
	parse();
	assert_false(bi.fb.present);
	assert_int_equal(host_log_count("overlaps the boot information; not used"), 1);
}

#define IMAGE_START	0x100000ull
#define IMAGE_END	0x180000ull

/*
 * Parse an MBI of `map` (n entries; none when 0) and a 32-bpp framebuffer
 * of w x h at fb, with the kernel image at [IMAGE_START, IMAGE_END).
 */
static void parse_fb_with_image(const struct range *map, size_t n, uint64_t fb,
				uint32_t w, uint32_t h)
{
	mb_begin();
	if (n)
		mb_mmap(map, n);
	mb_fb_rgb(fb, w, h);
	mb_end();
	mb2_set_kernel_image(IMAGE_START, IMAGE_END);
	parse();
	mb2_set_kernel_image(0, 0);
}

/*
 * The kernel image is asked apart from RAM: GRUB loads it into memory the
 * map calls usable, and the line names the kernel, not just RAM.
 */
static void test_framebuffer_over_the_kernel_image_is_not_used(void **state)
{
	(void)state;
	parse_fb_with_image(bios_map, 6, IMAGE_START, 1024, 768);
	assert_true(bi.valid);
	assert_false(bi.fb.present);
	assert_int_equal(host_log_count("mb2: framebuffer at 0x100000, 3145728 bytes, overlaps the kernel image; not used"), 1);
	assert_int_equal(host_log_count("overlaps usable RAM"), 0);
}

/* Without a memory map no RAM is known: the kernel image still refuses it. */
static void test_framebuffer_over_the_kernel_image_is_not_used_without_a_map(void **state)
{
	(void)state;
	/* 4 KiB: only its last bytes touch the image's first */
	parse_fb_with_image(NULL, 0, IMAGE_START - 4095, 64, 16);
	assert_true(bi.valid);
	assert_int_equal(bi.mmap_count, 0);
	assert_false(bi.fb.present);
	assert_int_equal(host_log_count("overlaps the kernel image; not used"), 1);
}

/* Ending right where the image starts, or starting right at its end: kept. */
static void test_framebuffer_next_to_the_kernel_image_is_kept(void **state)
{
	(void)state;
	parse_fb_with_image(NULL, 0, IMAGE_START - 4096, 64, 16);
	assert_true(bi.fb.present);
	parse_fb_with_image(NULL, 0, IMAGE_END, 64, 16);
	assert_true(bi.fb.present);
	assert_int_equal(host_log_count("framebuffer at"), 0);
}

/* The MBI in usable RAM, as GRUB puts it: the line names the MBI. */
static void test_framebuffer_over_the_boot_information_in_ram_names_it(void **state)
{
	(void)state;
	parse_fb_with_image(bios_map, 6, MBI_PHYS - 0x100, 64, 16);
	assert_false(bi.fb.present);
	assert_int_equal(host_log_count("overlaps the boot information; not used"), 1);
	assert_int_equal(host_log_count("overlaps usable RAM"), 0);
}

static void test_framebuffer_over_a_module_is_not_used(void **state)
{
	static const struct range high_only[] = { { 0x100000, 0x1000000, 1 } };

	(void)state;
	mb_begin();
	mb_mmap(high_only, 1);
	mb_module(0x2000000, 0x2100000, "initrd");
	mb_fb_rgb(0x20f0000, 640, 480);
	mb_end();
	parse();
	assert_false(bi.fb.present);
	assert_int_equal(host_log_count("overlaps a boot module; not used"), 1);
}

/* GOP's framebuffer above RAM, and the EGA buffer in the legacy hole, stay. */
static void test_framebuffer_outside_ram_is_kept(void **state)
{
	(void)state;
	grub_uefi_mbi();
	parse();
	assert_true(bi.fb.present);
	grub_bios_mbi();
	parse();
	assert_true(bi.fb.present);
	assert_int_equal(host_log_count("framebuffer at"), 0);
}

static void test_modules_recorded_and_excess_ignored(void **state)
{
	uint32_t i;

	(void)state;
	mb_begin();
	mb_module(0x300000, 0x200000, "backwards");
	for (i = 0; i < MB2_MAX_MODULES + 2; i++)
		mb_module(0x400000 + i * 0x1000, 0x400800 + i * 0x1000, "m");
	mb_end();
	parse();
	assert_true(bi.valid);
	assert_int_equal(bi.nmodules, MB2_MAX_MODULES);
	assert_int_equal(bi.modules[0].start, 0x400000);
	assert_int_equal(bi.modules[MB2_MAX_MODULES - 1].end,
			 0x400800 + (MB2_MAX_MODULES - 1) * 0x1000);
	assert_int_equal(host_log_count("ends before it starts"), 1);
	assert_int_equal(host_log_count("beyond the 16 supported"), 2);
}

/* --- usable memory ------------------------------------------------------ */

static void test_usable_bytes_counts_overlapping_ranges_once(void **state)
{
	static const struct range r[] = {
		{ 300, 100, 1 },	/* [300, 400) */
		{ 0, 100, 1 },		/* [0, 100) */
		{ 120, 10, 1 },		/* inside the next one */
		{ 50, 100, 1 },		/* [50, 150): overlaps [0, 100) */
		{ 200, 100, 2 },	/* reserved: not counted */
		{ 400, 100, 1 },	/* adjacent to [300, 400) */
		{ 1000, 0, 1 },		/* empty */
		{ 350, 20, 3 },		/* ACPI reclaim inside usable: ignored */
	};

	(void)state;
	mb_begin();
	mb_mmap(r, sizeof(r) / sizeof(r[0]));
	mb_end();
	parse();
	assert_int_equal(mb2_usable_bytes(&bi), 150 + 200);
}

static void test_usable_bytes_saturates_a_range_wrapping_past_2_64(void **state)
{
	static const struct range r[] = {
		{ UINT64_MAX - 10, 100, 1 },
		{ 0, 4096, 1 },
	};

	(void)state;
	mb_begin();
	mb_mmap(r, 2);
	mb_end();
	parse();
	assert_int_equal(mb2_usable_bytes(&bi), 10 + 4096);
}

#define T(fn) cmocka_unit_test_setup(fn, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_grub_bios_mbi_fills_every_field),
		T(test_grub_uefi_mbi_reports_efi_and_prefers_acpi_new_tag),
		T(test_acpi_new_tag_wins_even_when_it_comes_first),
		T(test_any_efi_tag_marks_an_efi_boot),
		T(test_efi64_system_table_preferred_over_efi32),
		T(test_mbi_with_only_end_tag_leaves_every_field_absent),
		T(test_bad_magic_rejected),
		T(test_null_mbi_rejected),
		T(test_huge_or_tiny_total_size_rejected),
		T(test_tag_running_past_total_size_rejected),
		T(test_invalid_mbi_withdraws_every_field_the_kernel_acts_on),
		T(test_tag_smaller_than_header_rejected),
		T(test_zero_size_tag_rejected_not_looped_on),
		T(test_missing_end_tag_rejected),
		T(test_total_size_ending_inside_a_tag_header_rejected),
		T(test_unaligned_last_tag_size_does_not_skip_past_total),
		T(test_mmap_entry_size_below_24_rejected),
		T(test_mmap_entry_size_not_multiple_of_8_rejected),
		T(test_mmap_larger_entry_size_read_by_stride),
		T(test_too_many_mmap_entries_truncated_and_flagged),
		T(test_mmap_trailing_partial_entry_ignored),
		T(test_unterminated_cmdline_drops_its_last_word_which_may_be_cut),
		T(test_unterminated_one_word_cmdline_is_dropped_whole),
		T(test_overlong_cmdline_truncated_to_buffer),
		T(test_cmdline_cut_inside_an_option_drops_it_with_a_warning),
		T(test_overlong_loader_name_truncated),
		T(test_repeated_cmdline_tag_first_wins),
		T(test_short_known_tag_ignored),
		T(test_rgb_framebuffer_without_colour_layout_kept),
		T(test_framebuffer_over_usable_ram_at_1mib_is_not_used),
		T(test_framebuffer_over_basic_meminfo_ram_is_not_used),
		T(test_framebuffer_over_the_boot_information_is_not_used),
		T(test_framebuffer_over_the_kernel_image_is_not_used),
		T(test_framebuffer_over_the_kernel_image_is_not_used_without_a_map),
		T(test_framebuffer_next_to_the_kernel_image_is_kept),
		T(test_framebuffer_over_the_boot_information_in_ram_names_it),
		T(test_framebuffer_over_a_module_is_not_used),
		T(test_framebuffer_outside_ram_is_kept),
		T(test_modules_recorded_and_excess_ignored),
		T(test_usable_bytes_counts_overlapping_ranges_once),
		T(test_usable_bytes_saturates_a_range_wrapping_past_2_64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
