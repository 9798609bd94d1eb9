/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ap_long_entry: an AP's first 64-bit instructions, reached from the
 * trampoline with the boot GDT and page tables and no stack.
 *
 * The AP learns who it is from its own local APIC ID register, looked up
 * in the start descriptors (cpu_start_table, arch/x86_64/cpu_start.h),
 * never from a global the BSP set for it: APs run this in any order and at
 * the same time (parallel bring-up).  CPUID's initial APIC ID is not
 * trusted (it can differ from the real one on some AMD parts).  In x2APIC
 * mode the AP switches its own APIC to x2APIC first (IA32_APIC_BASE EXTD;
 * SDM Vol. 3A §11.12.5: xAPIC-enabled -> x2APIC is a legal transition, and
 * writing the bits again when they are already set changes nothing) so
 * that every CPU runs in the BSP's mode.
 *
 * Its descriptor gives the stack; ap_start() (smpboot.c) gets the
 * descriptor's address and does the rest in C.  An AP whose ID is not in
 * the table, or whose descriptor has no stack, halts here forever with
 * interrupts off: it must not touch any kernel state.
 */
#include "arch/x86_64/apic_base.h"
#include "arch/x86_64/cpu_start.h"

#define MSR_X2APIC_ID	0x802
#define XAPIC_ID_REG	0x20

	.text
	.code64
	.globl ap_long_entry
ap_long_entry:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs

	cmpb	$0, lapic_x2apic_mode
	jne	1f
	movq	lapic_mmio_base, %rax
	movl	XAPIC_ID_REG(%rax), %eax
	shrl	$24, %eax
	jmp	2f
1:	movl	$MSR_APIC_BASE, %ecx
	rdmsr
	orl	$(APIC_BASE_EN | APIC_BASE_EXTD), %eax
	wrmsr
	movl	$MSR_X2APIC_ID, %ecx
	rdmsr

	/* %eax: our APIC ID.  Walk the smp_cpu_count descriptors for it. */
2:	movl	smp_cpu_count, %ecx
	movq	$cpu_start_table, %rdx
3:	testl	%ecx, %ecx
	jz	4f
	cmpl	CPU_START_APIC_ID(%rdx), %eax
	je	5f
	addq	$CPU_START_SIZE, %rdx
	decl	%ecx
	jmp	3b

5:	movq	CPU_START_STACK_TOP(%rdx), %rsp
	testq	%rsp, %rsp
	jz	4f
	xorl	%ebp, %ebp
	movq	%rdx, %rdi
	call	ap_start
4:	cli
	hlt
	jmp	4b
