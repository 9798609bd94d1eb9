/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isr: one entry stub per vector.
 *
 * Exceptions that push an error code (8, 10-14, 17, 21, 29, 30; SDM Vol. 3A
 * Table 7-1) get only the vector pushed; every other vector gets a zero
 * error code first, so all frames share one layout (struct trap_frame).
 * The CPU aligned %rsp to 16 before pushing its 5-word frame; 2 + 15
 * pushes here keep the call to C 16-byte aligned.  There is no user mode:
 * no SWAPGS, the GS base is always the kernel's.
 */
	.text
	.code64

	.altmacro
.macro isr_stub n
	.balign 16
isr_stub_\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	pushq	$\n
	.else
	pushq	$0
	pushq	$\n
	.endif
	jmp	isr_common
.endm

.set i, 0
.rept 256
	isr_stub %i
	.set i, i + 1
.endr

isr_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	interrupt_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq

.macro isr_addr n
	.quad	isr_stub_\n
.endm

	.section .rodata
	.balign 8
	.globl isr_stub_table
isr_stub_table:
.set i, 0
.rept 256
	isr_addr %i
	.set i, i + 1
.endr
