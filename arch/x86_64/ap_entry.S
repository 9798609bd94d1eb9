/*
 * ap_long_entry: an AP's first 64-bit instructions, reached from the
 * trampoline with the boot GDT and page tables and no stack.
 *
 * The AP learns who it is from its own local APIC ID register, looked up
 * in smp_apic_ids[], never from a global the BSP set for it: APs run this
 * in any order and at the same time (parallel bring-up).  CPUID's initial
 * APIC ID is not trusted (it can differ from the real one on some AMD
 * parts).  In x2APIC mode the AP switches its own APIC to x2APIC first
 * (IA32_APIC_BASE EXTD; SDM §11.12.5: xAPIC-enabled -> x2APIC is a legal
 * transition) so that every CPU runs in the BSP's mode.
 *
 * An AP whose ID is not in the table halts here forever, interrupts off:
 * it must not touch any kernel state.
 */
#define MSR_APIC_BASE	0x1b
#define APIC_BASE_EN	(1 << 11)
#define APIC_BASE_EXTD	(1 << 10)
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

2:	movl	smp_cpu_count, %ecx
	xorl	%esi, %esi
3:	cmpl	%ecx, %esi
	jae	4f
	cmpl	smp_apic_ids(, %rsi, 4), %eax
	je	5f
	incl	%esi
	jmp	3b

5:	movq	smp_ap_stack_top(, %rsi, 8), %rsp
	testq	%rsp, %rsp
	jz	4f
	xorl	%ebp, %ebp
	movl	%esi, %edi
	call	ap_main
4:	cli
	hlt
	jmp	4b
