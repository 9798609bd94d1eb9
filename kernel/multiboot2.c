// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * multiboot2: parse the boot information GRUB hands over in EBX.
 *
 * Theory
 *
 * The MBI (Multiboot2 specification, "Boot information format"; GRUB
 * include/multiboot2.h) is a header followed by 8-byte aligned tags and
 * an end tag:
 *
 *   +0  total_size u32 | reserved u32
 *   +8  type u32 | size u32 | payload (size - 8 bytes) | pad to 8
 *       ...
 *       type 0 | size 8                           end tag
 *
 * Tags read: 1 cmdline, 2 loader name, 3 module, 4 basic meminfo, 6 mmap,
 * 8 framebuffer, 11/12 EFI system table, 14/15 ACPI RSDP copy, 17-20 EFI
 * leftovers, 21 load base.  Unknown types are skipped: the specification
 * lets loaders add tags.
 *
 * The bytes are untrusted.  total_size must lie in [16, 16 MiB]; each tag
 * must hold its own 8-byte header and end inside total_size; the walk must
 * reach an end tag.  Breaking any of these makes the whole MBI invalid,
 * because the fields after the fault cannot be trusted or found.  Faults
 * inside one tag (a memory map with a bad entry_size, a short tag, an
 * unterminated string) are contained: that tag is ignored or clipped,
 * logged, and the rest stands.  An unterminated command line loses its
 * last word too: the tag may have ended inside an option.  For a repeated singleton tag the first
 * copy wins.  Every read is bounds-checked against the tag size first;
 * values are read bytewise so a misaligned MBI cannot fault either.
 *
 * Locking: none.  mb2_parse() runs once on the boot CPU, before paging
 * changes and before any other CPU exists, and writes only to *out; the
 * kernel image it checks the framebuffer against is set just before
 * (mb2_set_kernel_image), on the same CPU.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/cmdline.h"
#include "kernel/multiboot2.h"
#include "kernel/printk.h"
#include "lib/string.h"

/* cmdline_parse() must see the byte after its cut: see struct boot_info. */
_Static_assert(sizeof(((struct boot_info *)0)->cmdline) > CMDLINE_MAX_LEN,
	       "boot_info.cmdline must outlast the command-line parser's buffer");

#define MBI_MIN_SIZE		16	/* header and end tag */
#define MBI_MAX_SIZE		(16u << 20)
#define TAG_HDR_LEN		8

#define TAG_END			0
#define TAG_CMDLINE		1
#define TAG_LOADER		2
#define TAG_MODULE		3
#define TAG_MEMINFO		4
#define TAG_MMAP		6
#define TAG_FRAMEBUFFER		8
#define TAG_EFI32		11
#define TAG_EFI64		12
#define TAG_ACPI_OLD		14
#define TAG_ACPI_NEW		15
#define TAG_EFI_MMAP		17
#define TAG_EFI_BS		18
#define TAG_EFI32_IH		19
#define TAG_EFI64_IH		20
#define TAG_LOAD_BASE		21

#define MMAP_HDR_LEN		16
#define MMAP_MIN_ENTRY		24
#define FB_COMMON_LEN		32
#define FB_RGB_LEN		38
#define FB_TYPE_RGB		1

/* Per-parse state that is not part of the result. */
struct mb2_walk {
	struct boot_info *out;
	uint32_t seen;		/* bit n: a tag of type n < 32 was used */
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/*
 * Bounded copy that always terminates `dst`; logs clipping.  False when
 * the tag ended before any NUL: the string may have been cut there.
 */
static bool copy_string(char *dst, size_t dst_size, const uint8_t *src,
			size_t src_len, const char *what)
{
	size_t n = 0;

	while (n < src_len && n < dst_size - 1 && src[n] != '\0') {
		dst[n] = (char)src[n];
		n++;
	}
	dst[n] = '\0';
	if (n < src_len && src[n] == '\0')
		return true;
	if (n == src_len) {
		kprintf("mb2: %s not NUL-terminated, %zu bytes kept\n", what, n);
		return false;
	}
	kprintf("mb2: %s longer than %zu bytes, truncated\n", what,
		dst_size - 1);
	return true;	/* the byte after the cut stays for cmdline_parse to see */
}

/*
 * A command-line tag without its NUL may have been cut anywhere: its last
 * word could be an option cut short (hz=1000 read as hz=10), so it is
 * dropped, said on one line, as cmdline_parse drops a word cut at its own
 * length limit.
 */
static void drop_unterminated_word(char *cmdline)
{
	size_t end = strlen(cmdline), start = end;

	while (start > 0 && cmdline[start - 1] != ' ' && cmdline[start - 1] != '\t')
		start--;
	if (start == end)
		return;
	kprintf("mb2: cmdline's last word may be cut short, dropped (%zu bytes)\n",
		end - start);
	cmdline[start] = '\0';
}

/* True the first time a singleton tag type is met; logs repeats. */
static bool first_of(struct mb2_walk *w, uint32_t type)
{
	uint32_t bit = 1u << type;

	if (w->seen & bit) {
		kprintf("mb2: repeated tag %u ignored\n", type);
		return false;
	}
	w->seen |= bit;
	return true;
}

static bool tag_fits(uint32_t type, uint32_t size, uint32_t need)
{
	if (size >= need)
		return true;
	kprintf("mb2: tag %u is %u bytes, needs %u; ignored\n", type, size, need);
	return false;
}

static void tag_module(struct boot_info *out, const uint8_t *t, uint32_t size)
{
	uint32_t start, end;

	if (!tag_fits(TAG_MODULE, size, 16))
		return;
	start = rd32(t + 8);
	end = rd32(t + 12);
	if (end < start) {
		kprintf("mb2: module %#x-%#x ends before it starts; ignored\n",
			start, end);
		return;
	}
	if (out->nmodules == MB2_MAX_MODULES) {
		kprintf("mb2: module %#x-%#x beyond the %u supported; ignored\n",
			start, end, MB2_MAX_MODULES);
		return;
	}
	out->modules[out->nmodules].start = start;
	out->modules[out->nmodules].end = end;
	out->nmodules++;
}

static void tag_mmap(struct boot_info *out, const uint8_t *t, uint32_t size)
{
	uint32_t esize, n, i;

	if (!tag_fits(TAG_MMAP, size, MMAP_HDR_LEN))
		return;
	esize = rd32(t + 8);
	/* Spec: entry_size is a multiple of 8 and entries grow only at the end. */
	if (esize < MMAP_MIN_ENTRY || esize % 8 != 0) {
		kprintf("mb2: mmap entry_size %u invalid (need >= 24, multiple of 8); memory map ignored\n",
			esize);
		return;
	}
	n = (size - MMAP_HDR_LEN) / esize;
	if ((size - MMAP_HDR_LEN) % esize)
		kprintf("mb2: mmap has %u trailing bytes; ignored\n",
			(size - MMAP_HDR_LEN) % esize);
	if (n > MB2_MAX_MMAP) {
		/* what the dropped entries say is unknown from their lowest base up */
		out->mmap_dropped_base = UINT64_MAX;
		for (i = MB2_MAX_MMAP; i < n; i++) {
			uint64_t base = rd64(t + MMAP_HDR_LEN + (size_t)i * esize);

			if (base < out->mmap_dropped_base)
				out->mmap_dropped_base = base;
		}
		kprintf("mb2: mmap has %u entries, only the first %u kept; memory from %#llx up is not used\n",
			n, MB2_MAX_MMAP, (unsigned long long)out->mmap_dropped_base);
		out->mmap_truncated = true;
		n = MB2_MAX_MMAP;
	}
	for (i = 0; i < n; i++) {
		const uint8_t *e = t + MMAP_HDR_LEN + (size_t)i * esize;

		out->mmap[i].base = rd64(e);
		out->mmap[i].len = rd64(e + 8);
		out->mmap[i].type = rd32(e + 16);
	}
	out->mmap_count = n;
}

static void tag_framebuffer(struct boot_info *out, const uint8_t *t,
			    uint32_t size)
{
	struct mb2_framebuffer *fb = &out->fb;

	if (!tag_fits(TAG_FRAMEBUFFER, size, FB_COMMON_LEN))
		return;
	fb->present = true;
	fb->addr = rd64(t + 8);
	fb->pitch = rd32(t + 16);
	fb->width = rd32(t + 20);
	fb->height = rd32(t + 24);
	fb->bpp = t[28];
	fb->type = t[29];
	if (fb->type != FB_TYPE_RGB)
		return;
	if (size < FB_RGB_LEN) {
		kprintf("mb2: RGB framebuffer tag without colour layout\n");
		return;
	}
	fb->red_pos = t[32];
	fb->red_size = t[33];
	fb->green_pos = t[34];
	fb->green_size = t[35];
	fb->blue_pos = t[36];
	fb->blue_size = t[37];
}

/* Tag 15 (ACPI 2.0+ RSDP) wins over 14 (1.0) whatever their order. */
static void tag_acpi(struct boot_info *out, const uint8_t *t, uint32_t type,
		     uint32_t size)
{
	if (out->rsdp_tag == TAG_ACPI_NEW || out->rsdp_tag == type)
		return;
	out->rsdp = t + TAG_HDR_LEN;
	out->rsdp_len = size - TAG_HDR_LEN;
	out->rsdp_tag = (uint8_t)type;
}

static void tag_efi(struct boot_info *out, const uint8_t *t, uint32_t type,
		    uint32_t size)
{
	out->efi = true;
	if (type == TAG_EFI64 && tag_fits(type, size, 16))
		out->efi_system_table = rd64(t + 8);
	else if (type == TAG_EFI32 && out->efi_system_table == 0 &&
		 tag_fits(type, size, 12))
		out->efi_system_table = rd32(t + 8);
}

static void tag_dispatch(struct mb2_walk *w, const uint8_t *t, uint32_t type,
			 uint32_t size)
{
	struct boot_info *out = w->out;
	const uint8_t *payload = t + TAG_HDR_LEN;
	uint32_t plen = size - TAG_HDR_LEN;

	switch (type) {
	case TAG_CMDLINE:
		if (first_of(w, type)) {
			if (!copy_string(out->cmdline, sizeof(out->cmdline),
					 payload, plen, "cmdline"))
				drop_unterminated_word(out->cmdline);
			out->has_cmdline = true;
		}
		break;
	case TAG_LOADER:
		if (first_of(w, type))
			copy_string(out->loader, sizeof(out->loader), payload,
				    plen, "loader name");
		break;
	case TAG_MODULE:
		tag_module(out, t, size);
		break;
	case TAG_MEMINFO:
		if (tag_fits(type, size, 16) && first_of(w, type)) {
			out->has_basic_meminfo = true;
			out->mem_lower_kib = rd32(t + 8);
			out->mem_upper_kib = rd32(t + 12);
		}
		break;
	case TAG_MMAP:
		if (first_of(w, type))
			tag_mmap(out, t, size);
		break;
	case TAG_FRAMEBUFFER:
		if (first_of(w, type))
			tag_framebuffer(out, t, size);
		break;
	case TAG_EFI32:
	case TAG_EFI64:
		tag_efi(out, t, type, size);
		break;
	case TAG_EFI_MMAP:
	case TAG_EFI_BS:
	case TAG_EFI32_IH:
	case TAG_EFI64_IH:
		out->efi = true;
		break;
	case TAG_ACPI_OLD:
	case TAG_ACPI_NEW:
		tag_acpi(out, t, type, size);
		break;
	case TAG_LOAD_BASE:
		if (tag_fits(type, size, 12) && first_of(w, type)) {
			out->has_load_base = true;
			out->load_base = rd32(t + 8);
		}
		break;
	default:
		break;
	}
}

/* Walk the tags; NULL when the end tag was reached, else why not. */
static const char *walk_tags(struct mb2_walk *w, const uint8_t *p,
			     uint32_t total)
{
	uint32_t off = TAG_HDR_LEN;

	for (;;) {
		uint32_t type, size;

		if (off > total || total - off < TAG_HDR_LEN)
			return "MBI has no end tag";
		type = rd32(p + off);
		size = rd32(p + off + 4);
		if (size < TAG_HDR_LEN) {
			kprintf("mb2: tag %u at offset %u has size %u\n", type,
				off, size);
			return "MBI tag smaller than its header";
		}
		if (size > total - off) {
			kprintf("mb2: tag %u at offset %u, size %u, runs past total_size %u\n",
				type, off, size, total);
			return "MBI tag runs past total_size";
		}
		if (type == TAG_END)
			return NULL;
		tag_dispatch(w, p + off, type, size);
		/* size <= total <= 16 MiB: no overflow. */
		off += (size + 7) & ~7u;
	}
}

static void log_summary(const struct boot_info *bi)
{
	static const char *const fb_kinds[] = { "indexed", "RGB", "EGA text" };

	kprintf("mb2: loader \"%s\"%s, %u mmap entries (%llu KiB usable), %u modules, RSDP tag %u",
		bi->loader, bi->efi ? " (UEFI)" : "", bi->mmap_count,
		(unsigned long long)(mb2_usable_bytes(bi) >> 10), bi->nmodules,
		bi->rsdp_tag);
	if (bi->fb.present)
		kprintf(", framebuffer %s %ux%u %u bpp\n",
			bi->fb.type < 3 ? fb_kinds[bi->fb.type] : "unknown",
			bi->fb.width, bi->fb.height, bi->fb.bpp);
	else
		kprintf(", no framebuffer\n");
}

/*
 * An invalid MBI's fields are kept for diagnostics only: the ones the
 * kernel would act on are withdrawn, each with its fallback (no options,
 * no ACPI, no memory map, no screen).  The loader name, the modules and
 * mbi_size stay: they are only printed or only reserve memory.
 */
static void drop_untrusted(struct boot_info *out)
{
	bool any = out->has_cmdline || out->rsdp || out->mmap_count ||
		   out->has_basic_meminfo || out->fb.present;

	if (!any)
		return;
	kprintf("mb2: not used from invalid boot information:%s%s%s%s\n",
		out->has_cmdline ? " command line (defaults apply)" : "",
		out->rsdp ? " RSDP (no ACPI)" : "",
		out->mmap_count || out->has_basic_meminfo ?
			" memory map and basic meminfo" : "",
		out->fb.present ? " framebuffer (no screen console)" : "");
	out->has_cmdline = false;
	out->rsdp = NULL;
	out->rsdp_len = 0;
	out->rsdp_tag = 0;
	out->mmap_count = 0;
	out->mmap_truncated = false;
	out->mmap_dropped_base = 0;
	out->has_basic_meminfo = false;
	out->fb.present = false;
}

/* [a, a + alen) and [b, b + blen) share a byte; written so no sum wraps. */
static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen &&
	       ((a >= b && a - b < blen) || (b >= a && b - a < alen));
}

/* The kernel image, from mb2_set_kernel_image(); empty until then. */
static uint64_t image_start, image_end;

void mb2_set_kernel_image(uint64_t start, uint64_t end)
{
	image_start = start;
	image_end = end > start ? end : start;
}

/*
 * What the framebuffer [addr, addr + len) would be drawn over, or NULL.
 * The kernel image, the MBI and the modules are asked first and each on
 * its own: they usually lie in usable RAM, and the line should name what
 * the clear would have destroyed; and a loader that gave no memory map
 * names no RAM at all, which must not let a framebuffer over them pass.
 */
static const char *fb_overlap(const struct boot_info *bi, uint64_t addr,
			      uint64_t len)
{
	if (ranges_overlap(addr, len, image_start, image_end - image_start))
		return "the kernel image";
	if (ranges_overlap(addr, len, bi->mbi_phys, bi->mbi_size))
		return "the boot information";
	for (uint32_t i = 0; i < bi->nmodules; i++)
		if (ranges_overlap(addr, len, bi->modules[i].start,
				   bi->modules[i].end - bi->modules[i].start))
			return "a boot module";
	for (uint32_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == MB2_MEM_AVAILABLE &&
		    ranges_overlap(addr, len, bi->mmap[i].base, bi->mmap[i].len))
			return "usable RAM";
	if (!bi->mmap_count && bi->has_basic_meminfo &&
	    (ranges_overlap(addr, len, 0, (uint64_t)bi->mem_lower_kib << 10) ||
	     ranges_overlap(addr, len, 1ull << 20, (uint64_t)bi->mem_upper_kib << 10)))
		return "usable RAM";
	return NULL;
}

/*
 * The loader's framebuffer address is not trusted: drawing (and the first
 * clear) over RAM would overwrite the kernel, its page tables or the MBI.
 * A framebuffer touching the kernel image, the MBI, a module or usable RAM
 * (where everything the kernel allocates lies) is dropped: no screen
 * console, serial only.  An EGA text buffer is 2 bytes per cell.
 */
static void check_framebuffer(struct boot_info *bi)
{
	struct mb2_framebuffer *fb = &bi->fb;
	uint64_t len = (uint64_t)fb->pitch * fb->height;
	const char *what;

	if (!fb->present)
		return;
	if (fb->type == 2 && len == 0)
		len = (uint64_t)fb->width * fb->height * 2;
	what = fb_overlap(bi, fb->addr, len);
	if (!what)
		return;
	kprintf("mb2: framebuffer at %#llx, %llu bytes, overlaps %s; not used\n",
		(unsigned long long)fb->addr, (unsigned long long)len, what);
	fb->present = false;
}

void mb2_parse(uint32_t magic, const void *mbi, uint64_t mbi_phys,
	       struct boot_info *out)
{
	struct mb2_walk w = { .out = out };
	const uint8_t *p = mbi;
	uint32_t total;

	memset(out, 0, sizeof(*out));
	out->mbi_phys = mbi_phys;
	if (magic != MB2_BOOTLOADER_MAGIC) {
		kprintf("mb2: magic %#x, expected %#x\n", magic,
			MB2_BOOTLOADER_MAGIC);
		out->error = "bad multiboot2 magic";
	} else if (!p) {
		out->error = "no multiboot2 information";
	} else {
		total = rd32(p);
		if (total < MBI_MIN_SIZE || total > MBI_MAX_SIZE) {
			kprintf("mb2: total_size %u\n", total);
			out->error = "MBI total_size out of range";
		} else {
			out->mbi_size = total;
			out->error = walk_tags(&w, p, total);
		}
	}
	if (out->error) {
		kprintf("mb2: %s; boot information unusable\n", out->error);
		drop_untrusted(out);
		return;
	}
	out->valid = true;
	check_framebuffer(out);
	log_summary(out);
}

/*
 * Union of [base, base + len) over type-1 entries, without sorting or
 * scratch memory: repeatedly take the lowest start above the cursor and
 * extend the run while some range starts inside it.  n <= MB2_MAX_MMAP,
 * so the cubic worst case is a few million steps, once, at boot.
 */
static uint64_t range_end(const struct mb2_mmap_entry *e)
{
	return e->len > UINT64_MAX - e->base ? UINT64_MAX : e->base + e->len;
}

/* Lowest byte >= cursor covered by a usable range; false if none. */
static bool next_usable(const struct boot_info *bi, uint64_t cursor,
			uint64_t *start)
{
	uint64_t best = UINT64_MAX;
	bool found = false;
	uint32_t i;

	for (i = 0; i < bi->mmap_count; i++) {
		const struct mb2_mmap_entry *e = &bi->mmap[i];
		uint64_t s = e->base > cursor ? e->base : cursor;

		if (e->type != MB2_MEM_AVAILABLE || e->len == 0 ||
		    range_end(e) <= cursor)
			continue;
		if (s < best)
			best = s;
		found = true;
	}
	*start = best;
	return found;
}

static uint64_t extend_run(const struct boot_info *bi, uint64_t end)
{
	bool grew = true;
	uint32_t i;

	while (grew) {
		grew = false;
		for (i = 0; i < bi->mmap_count; i++) {
			const struct mb2_mmap_entry *e = &bi->mmap[i];

			if (e->type == MB2_MEM_AVAILABLE && e->base <= end &&
			    range_end(e) > end) {
				end = range_end(e);
				grew = true;
			}
		}
	}
	return end;
}

uint64_t mb2_usable_bytes(const struct boot_info *bi)
{
	uint64_t cursor = 0, total = 0, start, end;

	/* Each run ends at or past some range's end: at most n runs. */
	while (next_usable(bi, cursor, &start)) {
		end = extend_run(bi, start);
		total += end - start;
		cursor = end;
	}
	return total;
}
