/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * multiboot2 header (Multiboot2 specification, section 3.1).
 *
 * Magic, architecture 0 (i386 protected mode), length, checksum; then tags,
 * each 8-byte aligned.  We ask GRUB for the command line, memory map, both
 * ACPI RSDP copies and the framebuffer.  The information request is flagged
 * optional so an older GRUB that lacks a tag still boots us (we cope with a
 * missing tag).
 *
 * No framebuffer header tag (5), on purpose: with it, GRUB 2.06 picks a
 * graphics mode itself and overrides grub.cfg's gfxpayload, so a BIOS boot
 * gets a VBE framebuffer instead of VGA text.  Without it, GRUB keeps VGA
 * text under BIOS, and under UEFI (no text mode exists) it still sets the
 * GOP mode and hands us the framebuffer in the boot information.
 *
 * No EFI boot-services tag (7): with it GRUB keeps boot services alive and
 * omits the memory map.
 */
#define MB2_MAGIC		0xe85250d6
#define MB2_ARCH_I386		0
#define MB2_TAG_OPTIONAL	1

	.section .multiboot2, "a"
	.balign 8
mb2_header_start:
	.long	MB2_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header_start
	.long	-(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header_start))

	/* Information request: cmdline(1) mmap(6) framebuffer(8) ACPI old(14) new(15). */
	.balign 8
info_req_start:
	.short	1
	.short	MB2_TAG_OPTIONAL
	.long	info_req_end - info_req_start
	.long	1
	.long	6
	.long	8
	.long	14
	.long	15
info_req_end:


	/* End tag. */
	.balign 8
	.short	0
	.short	0
	.long	8
mb2_header_end:
