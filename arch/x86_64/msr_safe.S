/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msr_safe: instructions that may fault on purpose, and the exception
 * table that says where each one resumes when it does.
 *
 * An entry pairs the address of one instruction with a fix-up address.
 * When that exact instruction raises #GP, trap.c (extable_fixup) moves
 * the saved RIP to the fix-up and returns from the exception: the
 * instruction is abandoned and the function returns false, instead of the
 * kernel panicking.  RDMSR and WRMSR raise #GP for an MSR the processor
 * does not implement, a reserved bit, or a non-canonical base address
 * (Intel SDM Vol. 2, the RDMSR and WRMSR pages, "Protected Mode
 * Exceptions").
 *
 * Every instruction that may fault on purpose lives in this file, so the
 * whole table is here too: no linker-script section, nothing to collect.
 * A new one gets its label, its fix-up and its line in the table below.
 *
 * The faulting instruction and its fix-up are in the same function and
 * nothing is pushed between them, so the fix-up runs on the function's
 * own stack and may simply return.
 */
	.text
	.code64

/* bool rdmsr_safe(uint32_t msr, uint64_t *val): %edi msr, %rsi val */
	.globl rdmsr_safe
	.type rdmsr_safe, @function
rdmsr_safe:
	movl	%edi, %ecx
.Lrdmsr_insn:
	rdmsr
	shlq	$32, %rdx
	orq	%rdx, %rax		/* RDMSR cleared the upper half of %rax */
	movq	%rax, (%rsi)
	movl	$1, %eax
	ret
.Lrdmsr_fixup:
	xorl	%eax, %eax		/* *val is left untouched */
	ret
	.size rdmsr_safe, . - rdmsr_safe

/* bool wrmsr_safe(uint32_t msr, uint64_t val): %edi msr, %rsi val */
	.globl wrmsr_safe
	.type wrmsr_safe, @function
wrmsr_safe:
	movl	%edi, %ecx
	movl	%esi, %eax
	movq	%rsi, %rdx
	shrq	$32, %rdx
.Lwrmsr_insn:
	wrmsr
	movl	$1, %eax
	ret
.Lwrmsr_fixup:
	xorl	%eax, %eax
	ret
	.size wrmsr_safe, . - wrmsr_safe

/*
 * bool extable_load_fs_safe(uint16_t selector): load %fs with `selector`;
 * false if that raised #GP (a selector beyond the GDT's limit does: Intel
 * SDM Vol. 2, the MOV page, "64-Bit Mode Exceptions").  The boot
 * self-test's instruction that faults on every processor and emulator.
 */
	.globl extable_load_fs_safe
	.type extable_load_fs_safe, @function
extable_load_fs_safe:
.Lfs_insn:
	movw	%di, %fs
	movl	$1, %eax
	ret
.Lfs_fixup:
	xorl	%eax, %eax
	ret
	.size extable_load_fs_safe, . - extable_load_fs_safe

	.section .rodata
	.balign 8
	.globl extable_start, extable_end
extable_start:
	.quad	.Lrdmsr_insn, .Lrdmsr_fixup
	.quad	.Lwrmsr_insn, .Lwrmsr_fixup
	.quad	.Lfs_insn, .Lfs_fixup
extable_end:
