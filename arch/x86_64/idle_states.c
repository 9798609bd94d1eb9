// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * idle_states: what arch_idle_halt() does, chosen at boot (idle=,
 * max_cstate=; docs/idle-states.md).
 *
 *   hlt        STI;HLT (the default)
 *   mwait_cN   MONITOR on a line of this CPU's own, then STI;MWAIT with
 *              the hint of MWAIT C-state N (Intel SDM Vol. 2B, MWAIT;
 *              Vol. 2A, CPUID leaf 05H, for the enumeration)
 *   poll       interrupts on, PAUSE until an interrupt was taken: the
 *              reference that never sleeps
 *
 * The contract is the same in every state (kernel/arch_services.h): called
 * with interrupts off, it enables them and waits in one atomic step, and
 * returns with interrupts off after the waking interrupt's handler ran.
 *
 *   hlt, mwait  STI's interrupt shadow covers the next instruction (SDM
 *               Vol. 2B, STI): an interrupt pending at STI, or arriving
 *               later, is taken only once HLT or MWAIT has begun, and ends
 *               it.  MONITOR comes before STI, with interrupts still off,
 *               so nothing can run between arming the monitor and the
 *               MWAIT.  The monitored line is written by nobody (wakes
 *               are interrupts): it is there because MWAIT needs one.
 *   poll        the per-CPU count of interrupts taken (struct percpu irqs,
 *               bumped on every interrupt's entry, idt.c) is sampled with
 *               interrupts off; once they are on, any interrupt changes
 *               it, and the loop sees the change only after the handler
 *               returned.
 *
 * MWAIT can return with no interrupt taken (a write to the monitored
 * line, or other events the SDM leaves open; QEMU's TCG returns at once
 * whenever more than one vCPU exists).  Such a return is not a
 * wake-up: the wait is repeated inside arch_idle_halt(), so the kernel
 * never sees it.  MWAIT_EMPTY_LIMIT such returns in a row, with no
 * interrupt in between, mean MWAIT does not sleep on this CPU: it falls
 * back to HLT for good, and the first CPU to do so says why (a line and
 * an `@report {"kind":"idle_fallback",...}` record).
 *
 * Which state and which MWAIT hint idle= and max_cstate= get is decided
 * by arch/x86_64/idle_choice.c from CPUID's answers and CR0.CD: deep
 * C-states only where the LAPIC timer and the TSC keep running in them,
 * MWAIT only where the monitor can arm.
 *
 * Data.  The machine's choice (chosen, mwait_hint, the names, refusal) is
 * written by the boot CPU before any AP starts and read-only afterwards.
 * struct idle_cpu is written and read by its CPU only.  first_fallback
 * is set once, by compare-and-swap, by whichever CPU falls back first;
 * relaxed: it points at a constant string, nothing else hangs on it.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idle_choice.h"
#include "arch/x86_64/idle_states.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/platform.h"
#include "kernel/arch_services.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "lib/format.h"
#include "lib/json.h"
#include "lib/string.h"

enum { STATE_HLT, STATE_POLL, STATE_MWAIT, STATE_NR };

#define MWAIT_EMPTY_LIMIT	100	/* returns in a row with no interrupt: it does not sleep */
#define CR0_CD			(1ull << 30)	/* caches disabled: memory is UC */
#define MONITOR_LINE		256	/* bytes per CPU: above any CPUID.05H:EBX line size seen */
#define CPUID1_ECX_MONITOR	(1u << 3)

struct idle_cpu {
	uint32_t state;			/* what the next arch_idle_halt() enters */
	uint32_t empty_run;		/* MWAIT returns in a row with no interrupt */
	uint64_t empty_total;		/* all of them (statistic) */
	bool ready;
} __attribute__((aligned(64)));

static struct idle_cpu idle_cpus[MAX_CPUS];
static uint8_t monitor_lines[MAX_CPUS][MONITOR_LINE] __attribute__((aligned(MONITOR_LINE)));

static uint32_t chosen = STATE_HLT;	/* the machine's choice, after refusals */
static bool have_mwait;			/* MONITOR/MWAIT usable: the state is listed */
static uint32_t mwait_hint;		/* EAX of MWAIT: (C-state - 1) << 4, sub-state 0 */
static char mwait_name[16] = "mwait_c1";
static const char *refusal;		/* why idle= was not granted as asked; NULL */
static const char *first_fallback;	/* set once by CAS: the first CPU's fall-back */
static bool decided;

uint32_t arch_idle_state_count(void)
{
	return have_mwait ? STATE_NR : STATE_MWAIT;
}

const char *arch_idle_state_name(uint32_t i)
{
	switch (i) {
	case STATE_HLT:
		return "hlt";
	case STATE_POLL:
		return "poll";
	case STATE_MWAIT:
		return have_mwait ? mwait_name : "?";
	default:
		return "?";
	}
}

bool arch_idle_state_sleeps(uint32_t i)
{
	return i != STATE_POLL;
}

uint32_t arch_idle_state(void)
{
	return idle_cpus[this_cpu_id()].state;
}

const char *arch_idle_fallback(void)
{
	const char *run_time = __atomic_load_n(&first_fallback, __ATOMIC_RELAXED);

	return refusal ? refusal : run_time;
}

static uint64_t irqs_taken(void)
{
	return __atomic_load_n(&this_cpu()->irqs, __ATOMIC_RELAXED);
}

static void poll_wait(void)
{
	uint64_t before = irqs_taken();

	irq_enable();
	while (irqs_taken() == before)
		cpu_pause();
	irq_disable();
}

static void fall_back(struct idle_cpu *ic)
{
	static const char why[] =
		"MWAIT returned 100 times in a row without an interrupt (it does not sleep here, as under an emulator): hlt";
	const char *none = NULL;
	struct json_writer w;
	char buf[256];

	ic->state = STATE_HLT;
	if (!__atomic_compare_exchange_n(&first_fallback, &none, why, false,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;		/* another CPU said it already */
	kprintf("idle: cpu %u: %s\n", this_cpu_id(), why);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "idle_fallback");
	json_u64(&w, "cpu", this_cpu_id());
	json_str(&w, "from", mwait_name);
	json_str(&w, "to", "hlt");
	json_str(&w, "reason", why);
	json_u64(&w, "empty_returns", ic->empty_total);
	report_emit(json_end(&w));
}

static void mwait_wait(struct idle_cpu *ic)
{
	const void *line = monitor_lines[this_cpu_id()];
	uint64_t before = irqs_taken();

	for (;;) {
		__asm__ volatile("monitor" : : "a"(line), "c"(0), "d"(0) : "memory");
		__asm__ volatile("sti; mwait" : : "a"(mwait_hint), "c"(0) : "memory");
		irq_disable();
		if (irqs_taken() != before) {
			ic->empty_run = 0;
			return;
		}
		ic->empty_total++;
		if (++ic->empty_run >= MWAIT_EMPTY_LIMIT) {
			fall_back(ic);
			cpu_safe_halt();
			irq_disable();
			return;
		}
	}
}

void arch_idle_halt(void)
{
	struct idle_cpu *ic = &idle_cpus[this_cpu_id()];

	switch (ic->state) {
	case STATE_POLL:
		poll_wait();
		break;
	case STATE_MWAIT:
		mwait_wait(ic);
		break;
	default:
		cpu_safe_halt();
		irq_disable();
	}
}

static void report_choice(const char *asked, uint32_t max_cstate, uint32_t edx,
			  bool caches_disabled, const char *limit)
{
	struct json_writer w;
	char buf[512];

	kprintf("idle: idle=%s: %s", asked, arch_idle_state_name(chosen));
	if (chosen == STATE_MWAIT)
		kprintf(" (MWAIT hint %#x)", mwait_hint);
	if (refusal)
		kprintf("; refused: %s", refusal);
	if (limit)
		kprintf("; %s", limit);
	kprintf("\n");
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "idle_state");
	json_str(&w, "requested", asked);
	json_str(&w, "chosen", arch_idle_state_name(chosen));
	json_bool(&w, "mwait_in_cpuid", have_mwait);
	json_bool(&w, "arat", cpu_features.arat);
	json_bool(&w, "invariant_tsc", cpu_features.invariant_tsc);
	json_bool(&w, "caches_disabled", caches_disabled);
	json_u64(&w, "max_cstate", max_cstate);
	json_hex(&w, "leaf5_edx", edx);
	if (chosen == STATE_MWAIT)
		json_hex(&w, "hint", mwait_hint);
	else
		json_null(&w, "hint");
	if (refusal)
		json_str(&w, "refused", refusal);
	else
		json_null(&w, "refused");
	if (limit)
		json_str(&w, "limit", limit);
	else
		json_null(&w, "limit");
	report_emit(json_end(&w));
}

static void decide(void)
{
	const char *asked = option_str("idle");
	uint32_t max_cstate = (uint32_t)option_u64("max_cstate");
	const struct cpu_features *f = &cpu_features;
	struct idle_caps caps = {
		.monitor = f->max_leaf >= 1 && (cpuid(1, 0).ecx & CPUID1_ECX_MONITOR),
		.leaf5 = f->max_leaf >= 5,
		.arat = f->arat,
		.invariant_tsc = f->invariant_tsc,
		.caches_disabled = read_cr0() & CR0_CD,
	};
	struct idle_choice c;

	if (caps.leaf5) {
		struct cpuid_regs r = cpuid(5, 0);

		caps.leaf5_ecx = r.ecx;
		caps.leaf5_edx = r.edx;
	}
	c = idle_choose(asked, max_cstate, &caps);
	have_mwait = caps.monitor;
	chosen = c.kind == IDLE_KIND_POLL ? STATE_POLL :
		 c.kind == IDLE_KIND_MWAIT ? STATE_MWAIT : STATE_HLT;
	refusal = c.refused;
	if (c.kind == IDLE_KIND_MWAIT) {
		mwait_hint = c.hint;
		fmt_snprintf(mwait_name, sizeof(mwait_name), "mwait_c%u", c.cstate);
	}
	report_choice(asked, max_cstate, caps.leaf5_edx, caps.caches_disabled, c.limit);
}

void idle_states_init_cpu(void)
{
	struct idle_cpu *ic = &idle_cpus[this_cpu_id()];

	if (!decided) {		/* the boot CPU, before any AP starts */
		decide();
		decided = true;
	}
	if (ic->ready)
		return;		/* started again: a fall-back stays */
	ic->state = chosen;
	ic->ready = true;
}
