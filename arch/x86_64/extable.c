// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * extable: the exception table's lookup and its boot self-test.
 *
 * The table (arch/x86_64/msr_safe.S) is a constant array of (instruction,
 * fix-up) address pairs built by the assembler: read-only, no lock.  Only
 * #GP is fixed up: the instructions listed raise nothing else on purpose,
 * and a page fault or an invalid opcode at one of them is still a bug that
 * must stop the run with its full diagnostic (trap.c).
 *
 * The self-test exists because the emulator the tests run on rarely
 * faults where hardware does: QEMU's TCG returns 0 for an MSR it does not
 * know, so rdmsr_safe() alone would never exercise the fix-up there.  It
 * runs instructions of the same table that fault on every machine:
 *
 *   segment      %fs loaded with a selector beyond the GDT's limit (#GP
 *                on any x86-64, emulated or not);
 *   pkrs_msr     WRMSR of IA32_PKRS (0x6E1) with bit 63 set: where the
 *                MSR exists (CPUID.07H:ECX[31], protection keys for
 *                supervisor pages) bits 63:32 are reserved, and where it
 *                does not the MSR itself is unimplemented: #GP either way
 *                (Intel SDM Vol. 4, the IA32_PKRS entry; Vol. 2, WRMSR).
 *                QEMU's TCG checks the reserved bits too;
 *   x2apic_msr   RDMSR of an x2APIC register (0x802, the APIC ID) while
 *                the local APIC is in xAPIC mode: the x2APIC MSR range
 *                faults outside x2APIC mode (Intel SDM Vol. 3A §11.12.1).
 *                Not required: QEMU 7.2's TCG returns 0 instead, which the
 *                record says ("accepted"); skipped in x2APIC mode.
 *
 * Should a WRMSR that must fault be accepted after all, the old value is
 * written back (it was read first), and the test fails.
 *
 * Each case checks both that the function returned false and that the
 * fix-up count rose by one: a return of false that came from anywhere
 * else would not prove the table was consulted.
 */
#include "arch/x86_64/apic_base.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "lib/json.h"

#define X2APIC_ID_MSR		0x802
#define SELECTOR_BEYOND_GDT	0xfff8	/* index 8191, far past our five entries */
#define MSR_PKRS		0x6e1
#define PKRS_RESERVED_BIT	(1ull << 63)
#define VEC_GP			13

struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};

extern const struct extable_entry extable_start[], extable_end[];
bool extable_load_fs_safe(uint16_t selector);

static uint64_t fixups;	/* relaxed: a statistic, and the self-test's witness */

bool extable_fixup(struct trap_frame *f)
{
	if (f->vector != VEC_GP)
		return false;
	for (const struct extable_entry *e = extable_start; e < extable_end; e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			__atomic_fetch_add(&fixups, 1, __ATOMIC_RELAXED);
			return true;
		}
	}
	return false;
}

uint64_t extable_fixups(void)
{
	return __atomic_load_n(&fixups, __ATOMIC_RELAXED);
}

/* "caught": returned false through the fix-up; "accepted": it did not fault. */
static const char *judge(bool returned, uint64_t before)
{
	if (!returned && extable_fixups() == before + 1)
		return "caught";
	return returned ? "accepted" : "false without a fix-up";
}

bool extable_selftest(void)
{
	struct json_writer w;
	char buf[256];
	const char *seg, *pkrs, *x2 = "skipped (x2APIC mode)";
	uint64_t before, old_pkrs = 0, dummy = 0;
	bool had_pkrs, ok;

	before = extable_fixups();
	seg = judge(extable_load_fs_safe(SELECTOR_BEYOND_GDT), before);
	if (!(rdmsr(MSR_APIC_BASE) & APIC_BASE_EXTD)) {
		before = extable_fixups();
		x2 = judge(rdmsr_safe(X2APIC_ID_MSR, &dummy), before);
	}
	had_pkrs = rdmsr_safe(MSR_PKRS, &old_pkrs);
	before = extable_fixups();
	pkrs = judge(wrmsr_safe(MSR_PKRS, old_pkrs | PKRS_RESERVED_BIT), before);
	if (pkrs[0] == 'a' && had_pkrs)
		wrmsr_safe(MSR_PKRS, old_pkrs);
	ok = seg[0] == 'c' && pkrs[0] == 'c';
	kprintf("extable: self-test %s: bad segment load %s, reserved IA32_PKRS bit %s, x2APIC MSR in xAPIC mode %s; the kernel survived %lu #GP\n",
		ok ? "passed" : "FAILED", seg, pkrs, x2, (unsigned long)extable_fixups());
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "extable_selftest");
	json_bool(&w, "ok", ok);
	json_str(&w, "segment", seg);
	json_str(&w, "pkrs_msr", pkrs);
	json_str(&w, "x2apic_msr", x2);
	json_u64(&w, "fixups", extable_fixups());
	report_emit(json_end(&w));
	return ok;
}
