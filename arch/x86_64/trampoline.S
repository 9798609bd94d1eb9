/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AP trampoline: real mode to long mode in one step.
 *
 * The BSP copies this blob to a free 4 KiB page below 1 MiB taken from the
 * memory map (smpboot.c) and sends SIPI with vector = page >> 12, so an AP
 * starts here in real mode with CS = page << 8 (paragraphs), IP = 0
 * (Intel SDM Vol. 3A §9.4.4.1; MultiProcessor Specification 1.4, Appendix B.4).  Everything below is
 * CS-relative, so the blob runs at any page: no patching.
 *
 * The AP loads the boot GDT (its linear address is a link-time constant
 * below 4 GiB), enables PAE, points CR3 at the boot page tables, sets
 * EFER.LME and then writes CR0 = PE|PG in one move, which activates IA-32e
 * mode directly from real mode (the SDM's §10.8.5 steps performed with PE
 * and PG set together); the far jump then loads the 64-bit code segment.
 * CR0 is written with an absolute value, not OR-ed: after INIT, CD and NW
 * keep whatever they held (SDM Table 10-1), and we want caching on.
 *
 * The AP needs no stack here and reads nothing per CPU (its start
 * descriptor is read by ap_entry.S, once in long mode), so any number of
 * APs may run the blob at once: parallel bring-up without a trampoline
 * lock, and the same blob for every later start of a CPU.
 */
#define CR0_PE		(1 << 0)
#define CR0_ET		(1 << 4)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define BOOT_GDT_ENTRIES 3

	.section .trampoline, "a"
	.code16
	.globl trampoline_entry
trampoline_entry:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	tramp_gdtr - trampoline_entry

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	$(CR0_PG | CR0_ET | CR0_PE), %eax
	movl	%eax, %cr0
	ljmpl	*(tramp_far - trampoline_entry)

	.balign 4
tramp_far:
	.long	ap_long_entry		/* 64-bit entry in the kernel, < 4 GiB */
	.short	0x08			/* boot GDT 64-bit code selector */
	.balign 4
tramp_gdtr:
	.short	BOOT_GDT_ENTRIES * 8 - 1	/* entry32.S: null, code, data */
	.long	boot_gdt
