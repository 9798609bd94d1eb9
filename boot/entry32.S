/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * entry32: from GRUB's 32-bit protected mode to the kernel's C entry.
 *
 * Machine state at entry (Multiboot2 spec, "I386 machine state"): EAX holds
 * the bootloader magic, EBX the physical address of the boot information,
 * CS/DS are flat 32-bit segments, paging is off, interrupts are off, and
 * there is no stack and possibly no valid GDTR.  This holds under UEFI too:
 * GRUB has exited boot services and dropped to 32-bit protected mode.
 *
 * We: take our own stack, clear .bss (it holds the page tables), check that
 * the CPU has long mode (a clear message otherwise), identity-map the first
 * 4 GiB with 2 MiB pages, enable PAE + EFER.LME + CR0.PG (Intel SDM Vol. 3A
 * §10.8.5 "Initializing IA-32e Mode"), load a GDT with a 64-bit code
 * segment and far-jump into 64-bit code, which calls kmain(magic, mbi).
 *
 * The boot GDT and page tables outlive boot: every AP's trampoline loads
 * them to reach long mode before it switches to its own per-CPU GDT.
 */
#define CR0_PE		(1 << 0)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define PTE_P		(1 << 0)
#define PTE_RW		(1 << 1)
#define PTE_PWT		(1 << 3)
#define PTE_PCD		(1 << 4)
#define PTE_PS		(1 << 7)
#define BOOT_STACK_SIZE	16384

	.section .text.boot32, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl	%eax, %edi		/* keep magic and MBI across the .bss clear */
	movl	%ebx, %esi

	movl	$_bss_start, %eax	/* .bss: page tables, stacks, C globals */
	movl	$_bss_end, %ecx
	subl	%eax, %ecx
	shrl	$2, %ecx
	movl	%eax, %edx
	movl	%edi, %ebx
	movl	%edx, %edi
	xorl	%eax, %eax
	rep stosl
	movl	%ebx, %edi

	movl	$boot_stack_top, %esp
	movl	%edi, boot_magic
	movl	%esi, boot_mbi

	/* CPUID 0x80000001 EDX bit 29: long mode.  Extended leaves first. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	testl	$(1 << 29), %edx
	jz	no_long_mode

	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories. */
	movl	$boot_pdpt, %eax
	orl	$(PTE_P | PTE_RW), %eax
	movl	%eax, boot_pml4
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$boot_pd, %eax
	orl	$(PTE_P | PTE_RW), %eax
	movl	%eax, boot_pdpt(, %ecx, 8)
	incl	%ecx
	cmpl	$4, %ecx
	jb	1b

	/* 2048 PDEs of 2 MiB each = 4 GiB identity; the APIC page uncached. */
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P | PTE_RW | PTE_PS), %eax
	cmpl	$(0xfec00000 >> 21), %ecx	/* IO APIC and local APIC */
	jb	3f
	cmpl	$(0xfee00000 >> 21), %ecx
	ja	3f
	orl	$(PTE_PCD | PTE_PWT), %eax
3:	movl	%eax, boot_pd(, %ecx, 8)
	movl	%ecx, %eax			/* high dword: bits 32+ of the address */
	shrl	$11, %eax
	movl	%eax, boot_pd + 4(, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	2b

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE), %eax
	movl	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$0x08, $long_mode_entry

no_long_mode:
	/* No stack discipline needed: print and stop.  COM1 and VGA text. */
	movl	$no_lm_msg, %esi
	movl	$0xb8000, %edi
4:	lodsb
	testb	%al, %al
	jz	5f
	movw	$0x3f8, %dx
	outb	%al, %dx
	movb	$0x4f, %ah
	stosw
	jmp	4b
5:	cli
	hlt
	jmp	5b

	.code64
long_mode_entry:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp
	movl	boot_magic, %edi
	movl	boot_mbi, %esi
	call	kmain
6:	cli
	hlt
	jmp	6b

	.section .rodata
no_lm_msg:
	.asciz	"pullkern: this CPU has no 64-bit long mode; halted.\r\n"

/*
 * Boot GDT: null, 64-bit kernel code (0x08), kernel data (0x10).  Used by
 * the BSP until its per-CPU GDT is loaded, and by every AP trampoline.
 */
	.data
	.balign 16
	.globl boot_gdt, boot_gdt_end
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* code: P, DPL0, exec/read, L=1, G */
	.quad	0x00cf92000000ffff	/* data: P, DPL0, read/write, G */
boot_gdt_end:
	.globl boot_gdt_ptr
boot_gdt_ptr:
	.short	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.section .bss.pagetables, "aw", @nobits
	.balign 4096
	.globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:
	.skip	4096
boot_pdpt:
	.skip	4096
boot_pd:
	.skip	4 * 4096

	.bss
	.balign 16
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip	BOOT_STACK_SIZE
boot_stack_top:
	.globl boot_magic, boot_mbi
	.balign 8
boot_magic:
	.quad	0
boot_mbi:
	.quad	0
