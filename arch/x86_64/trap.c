// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trap: what happens when a CPU faults.
 *
 * Every exception is fatal in pullkern (there is no user mode and no
 * demand paging), but for a #GP raised by an instruction of the exception
 * table (arch/x86_64/extable.c: rdmsr_safe and friends), which resumes at
 * its fix-up.  Otherwise the faulting CPU prints the vector and its name, the
 * error code, RIP, CR2, all registers and a frame-pointer backtrace, emits
 * an `@report {"kind":"exception",...}` record, then panics, which stops
 * every other CPU with an NMI and ends the run with result "fail".
 *
 * Two NMIs are not errors: one sent by panic() to stop this CPU (the
 * handler sees panic_in_progress() and halts for good), and the wake-up
 * of a parked CPU, which smp_park_nmi() notes and returns from.
 *
 * Output goes through console_panic_mode(): a CPU that faulted while
 * holding the console lock must not deadlock its own diagnostic.
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smpboot.h"
#include "arch/x86_64/trap.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "lib/json.h"

static const char *const exception_names[32] = {
	[0] = "divide error",
	[1] = "debug",
	[2] = "NMI",
	[3] = "breakpoint",
	[4] = "overflow",
	[5] = "BOUND range exceeded",
	[6] = "invalid opcode",
	[7] = "device not available",
	[8] = "double fault",
	[9] = "coprocessor segment overrun",
	[10] = "invalid TSS",
	[11] = "segment not present",
	[12] = "stack-segment fault",
	[13] = "general protection",
	[14] = "page fault",
	[16] = "x87 floating-point error",
	[17] = "alignment check",
	[18] = "machine check",
	[19] = "SIMD floating-point",
	[20] = "virtualization",
	[21] = "control protection",
	[28] = "hypervisor injection",
	[29] = "VMM communication",
	[30] = "security",
};

const char *trap_name(uint64_t vector)
{
	if (vector < 32 && exception_names[vector])
		return exception_names[vector];
	return "reserved";
}

static bool address_plausible(uint64_t a)
{
	/* Frames live on stacks inside the identity-mapped first 4 GiB. */
	return a >= 0x1000 && a < (4ull << 30) - 16 && !(a & 7);
}

static void print_backtrace(uint64_t rbp)
{
	kprintf("  backtrace:");
	for (int depth = 0; depth < 16 && address_plausible(rbp); depth++) {
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t ret = frame[1];

		if (!ret)
			break;
		kprintf(" %#lx", (unsigned long)ret);
		if (frame[0] <= rbp)	/* stacks grow down: callers are higher */
			break;
		rbp = frame[0];
	}
	kprintf("\n");
}

static void print_frame(const struct trap_frame *f, uint64_t cr2)
{
	kprintf("  rip %016lx  cs %04lx  rflags %016lx  rsp %016lx  ss %04lx\n",
		f->rip, f->cs, f->rflags, f->rsp, f->ss);
	kprintf("  error %016lx  cr2 %016lx  cr3 %016lx\n",
		f->error_code, cr2, read_cr3());
	kprintf("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n",
		f->rax, f->rbx, f->rcx, f->rdx);
	kprintf("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n",
		f->rsi, f->rdi, f->rbp, f->r8);
	kprintf("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n",
		f->r9, f->r10, f->r11, f->r12);
	kprintf("  r13 %016lx  r14 %016lx  r15 %016lx\n",
		f->r13, f->r14, f->r15);
	print_backtrace(f->rbp);
}

static void report_exception(const struct trap_frame *f, uint64_t cr2)
{
	struct json_writer w;
	char buf[320];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "exception");
	json_u64(&w, "cpu", this_cpu_id_safe());
	json_u64(&w, "vector", f->vector);
	json_str(&w, "name", trap_name(f->vector));
	json_hex(&w, "error_code", f->error_code);
	json_hex(&w, "rip", f->rip);
	json_hex(&w, "cr2", cr2);
	json_hex(&w, "rsp", f->rsp);
	report_emit(json_end(&w));
}

void trap_exception(struct trap_frame *f)
{
	uint64_t cr2 = read_cr2();

	if (f->vector == 2 && panic_in_progress())
		cpu_halt_forever();	/* stopped by panic() on another CPU */
	if (f->vector == 2 && smp_park_nmi(f))
		return;		/* a parked CPU's wake-up (smpboot.c) */
	if (extable_fixup(f))
		return;		/* an instruction allowed to fault: resume at its fix-up */

	console_panic_mode();
	kprintf("\nEXCEPTION on cpu %u: vector %lu (%s), error code %#lx, rip %#lx, cr2 %#lx\n",
		this_cpu_id_safe(), (unsigned long)f->vector, trap_name(f->vector),
		(unsigned long)f->error_code, (unsigned long)f->rip,
		(unsigned long)cr2);
	print_frame(f, cr2);
	report_exception(f, cr2);
	panic("unhandled %s on cpu %u at rip %#lx", trap_name(f->vector),
	      this_cpu_id_safe(), (unsigned long)f->rip);
}
