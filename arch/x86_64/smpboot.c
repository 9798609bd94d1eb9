// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smpboot: CPU numbering, and starting CPUs with INIT/SIPI.
 *
 * Numbering (decided by arch/x86_64/cpu_numbering.c, a pure function the
 * host tests run).  CPU numbers are dense and ours: the BSP is 0, then the
 * enabled MADT entries in table order (firmware lists primary threads
 * first), then the disabled-but-possible ones, which stay CPU_POSSIBLE
 * for a later hot-add.  So the CPUs enabled at boot are exactly 0 ..
 * boot_cpus - 1.  Each number has one start descriptor (struct cpu_start,
 * arch/x86_64/cpu_start.h): its APIC ID and SRAT node are recorded here,
 * once, so nothing matches firmware entries by APIC ID later.  APIC IDs
 * are sparse; nothing is ever indexed by APIC ID.
 *
 * Starting (Intel SDM Vol. 3A §9.4.4.1, the INIT-SIPI-SIPI sequence; the
 * IPI delivery modes §11.6.1), split into kick and wait so that a set of
 * CPUs starts in parallel by construction:
 *
 *   for each CPU: stack, entry, argument, state KICKED  (before any IPI)
 *   INIT to every CPU of the set, one shared wait  (init_udelay, SDM 10 ms;
 *                                                   init_udelay_one for a
 *                                                   set of one, see below)
 *   SIPI to every one, one shared wait             (sipi_udelay, SDM 200 us)
 *   SIPI to every one still KICKED, same wait
 *   wait until all are ONLINE or the deadline passes, re-sending SIPI
 *   (never INIT) to the ones still KICKED every sipi_retry_ms
 *
 * The same smp_start_cpus() starts all enabled APs at boot and a single
 * CPU later (arch_cpu_start: hot-add, or a CPU parked by arch_cpu_park),
 * and a FAILED one again.  The hotplug park (arch_cpu_park_wait, below)
 * needs no start: HLT with interrupts off, woken by an NMI.
 *
 * Why re-send: an AP handles INIT on its own time (under QEMU on its own
 * host thread, which a busy host may not run for many milliseconds); a
 * SIPI that arrives before the AP has entered wait-for-SIPI is dropped.
 * Seen here once: with init_udelay=0, 55 of 63 APs lost both SIPIs in one
 * run (QEMU TCG).  A SIPI to a CPU that is not in wait-for-SIPI is
 * ignored (SDM Vol. 3A §9.4.4.1 / §11.6.1), so re-sending cannot disturb
 * an AP that is already running the trampoline, while INIT would reset it.
 *
 * The wait after INIT.  The SDM's sequence waits 10 ms; processors since
 * the Pentium Pro (Intel family 6 and later), AMD family 0xF and later
 * and Hygon family 0x18 and later do not need it, as Linux's default of
 * no wait on them shows.  The boot's set keeps init_udelay (10 ms): it
 * is paid once for all APs together, and the run above is where a short
 * wait went wrong.  A set of one CPU (a hot-add, a restart) waits
 * init_udelay_one, by default 0 on those families and init_udelay on
 * older ones: there the 10 ms were most of a hot-add, and a SIPI that
 * still comes too early costs one sipi_retry_ms (10 ms by default), what
 * the wait would have cost anyway.  Measured (tools/bench-hotplug.py,
 * docs/cpus.md §7.9): without the wait the hot-add median at -smp 64 fell
 * from 12.7 to 1.3 ms and the fastest from 10.4 to 0.4 ms; five -smp 64
 * boots with init_udelay=0 lost no SIPI, and the boot keeps its wait all
 * the same.
 *
 * INIT comes first even if firmware left an AP in its own HLT/MWAIT loop
 * (UEFI does), and it is what brings a parked CPU back: INIT resets a CPU
 * wherever it is, halted included, into wait-for-SIPI (SDM Vol. 3A §9.4,
 * §11.6.1 "INIT").  INIT never goes to the BSP nor to a broadcast ID (it
 * would reset them); both are excluded from the table by construction and
 * checked again before sending.
 *
 * The AP side: trampoline.S -> ap_entry.S (finds its descriptor from its
 * own APIC ID, takes the stack from it) -> ap_start() -> the entry the
 * starter passed in.  arch code never decides what a CPU runs: the kernel
 * hands its entry to smp_start_cpus().  An AP moves its slot KICKED ->
 * ONLINE with a compare-and-exchange; the starter, at its deadline, moves
 * every slot still KICKED to FAILED the same way.  Exactly one of the two
 * wins, so an AP that arrives late sees FAILED and halts without touching
 * shared state, and the starter never counts a CPU that is not running.
 *
 * Ordering: a CPU's descriptor (stack, entry, argument, state) is written
 * by the starter before its first INIT.  The release fence before the IPIs
 * pairs with the AP starting execution after receiving them (an IPI is
 * sent by a store that cannot pass earlier stores on x86; the fence keeps
 * the compiler from sinking the descriptor writes below it).
 */
#include <stddef.h>

#include "arch/x86_64/apic_base.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_numbering.h"
#include "arch/x86_64/hw_counters.h"
#include "arch/x86_64/idle_states.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/smpboot.h"
#include "drivers/apic/lapic.h"
#include "kernel/acpi.h"
#include "kernel/arch_services.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "lib/string.h"

#define LOW_MEMORY_LIMIT	0x9f000	/* below the EBDA; SIPI needs < 1 MiB */

uint32_t smp_cpu_count;

static struct smp_options options;	/* from smp_prepare(), read by every start */
static uint32_t bsp_apic_id;
static uint32_t held_cpu;		/* test hooks: 0 = none; set before kicking */
static uint32_t withheld_cpu;		/* test=cpuhp: the next start gets no SIPI; 0 = none */
static bool held_gets_resends;		/* test=lost_sipi: only the first SIPIs are withheld */
static bool hooks_used;			/* the test hooks apply to the first start only */
static uint32_t late_arrivals;		/* APs that found a poisoned slot; relaxed */
static uint64_t page_trampoline;	/* kept for every later start of a CPU */
static uint32_t kicked[MAX_CPUS];	/* the set being started; one start at a time */
static uint32_t nkicked;

extern const char _trampoline_start[], _trampoline_end[];
void ap_start(struct cpu_start *d);

enum cpu_state cpu_state(uint32_t cpu)
{
	if (cpu >= MAX_CPUS)
		return CPU_ABSENT;
	/* acquire: pairs with the release half of slot_move() (AP: -> ONLINE) */
	return __atomic_load_n(&cpu_start_table[cpu].state, __ATOMIC_ACQUIRE);
}

uint32_t cpu_online_count(void)
{
	uint32_t n = 0;

	for (uint32_t cpu = 0; cpu < smp_cpu_count; cpu++)
		n += cpu_state(cpu) == CPU_ONLINE;
	return n;
}

static bool slot_move(uint32_t cpu, enum cpu_state from, enum cpu_state to)
{
	uint32_t expect = from;

	/*
	 * acq_rel: the AP's release publishes everything it set up before
	 * going ONLINE (or PARKED) to whoever reads the state with acquire
	 * (cpu_state); the starter's acquire on KICKED -> FAILED pairs with
	 * nothing but keeps the decision ordered after its deadline check.
	 */
	return __atomic_compare_exchange_n(&cpu_start_table[cpu].state, &expect,
					   to, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

static bool id_addressable(uint32_t apic_id)
{
	return apic_dest_ok(lapic_x2apic_mode, apic_id);
}

static uint32_t max_apic_id(const struct acpi_info *acpi)
{
	uint32_t max = 0;

	for (uint32_t i = 0; acpi->madt_ok && i < acpi->ncpus; i++)
		if (acpi->cpus[i].apic_id > max)
			max = acpi->cpus[i].apic_id;
	return max;
}

/* CPU numbers and their descriptors (arch/x86_64/cpu_numbering.c decides). */
static void number_cpus(const struct acpi_info *acpi, struct smp_result *res)
{
	static struct cpu_slot slots[MAX_CPUS];
	struct cpu_numbering n;

	cpu_number(acpi, bsp_apic_id, lapic_x2apic_mode, slots, MAX_CPUS, &n);
	for (uint32_t cpu = 0; cpu < n.count; cpu++) {
		cpu_start_table[cpu].apic_id = slots[cpu].apic_id;
		cpu_start_table[cpu].node = slots[cpu].node;
		cpu_start_table[cpu].state = cpu ? CPU_POSSIBLE : CPU_ONLINE;
	}
	smp_cpu_count = n.count;
	res->boot_cpus = n.boot_cpus;
	res->single_cpu_reason = n.single_cpu_reason;
}

/* Whether this CPU's family needs no wait between INIT and SIPI (see top). */
static bool init_wait_unneeded(const struct cpu_features *f)
{
	if (!strcmp(f->vendor, "GenuineIntel"))
		return f->family >= 6;
	if (!strcmp(f->vendor, "AuthenticAMD"))
		return f->family >= 0xf;
	if (!strcmp(f->vendor, "HygonGenuine"))
		return f->family >= 0x18;
	return false;
}

/*
 * apic=firmware_x2apic, a test: put the boot CPU's APIC in x2APIC mode
 * before lapic_init_bsp() reads IA32_APIC_BASE, by the legal path
 * (enabled, then EXTD: SDM Vol. 3A §11.12.5), so the kernel finds what
 * firmware that hands over in x2APIC mode leaves (docs/firmware.md).
 */
static void x2apic_handover(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!cpu_features.x2apic) {
		kprintf("smp: apic=firmware_x2apic: the CPU has no x2APIC; as apic=auto\n");
		return;
	}
	if (!(base & APIC_BASE_EN))
		wrmsr(MSR_APIC_BASE, base |= APIC_BASE_EN);
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
	kprintf("smp: apic=firmware_x2apic: x2APIC switched on before the APIC setup, as firmware may hand over\n");
}

void smp_prepare(const struct acpi_info *acpi, const struct smp_options *opt,
		 struct smp_result *res)
{
	memset(res, 0, sizeof(*res));
	options = *opt;
	if (options.init_udelay_one == SMP_UDELAY_AUTO)
		options.init_udelay_one = init_wait_unneeded(&cpu_features) ?
					  0 : options.init_udelay;
	res->init_udelay_one = options.init_udelay_one;
	if (opt->apic_force == SMP_APIC_HANDOVER)
		x2apic_handover();
	res->apic_mode_reason = lapic_init_bsp(acpi->madt_ok ?
					       acpi->lapic_phys : 0,
					       max_apic_id(acpi),
					       opt->apic_force == SMP_APIC_HANDOVER ?
					       0 : opt->apic_force);
	lapic_set_nmi_wiring(acpi);
	lapic_init_cpu();
	bsp_apic_id = lapic_id();
	number_cpus(acpi, res);
	res->possible = smp_cpu_count;
}

static bool setup_trampoline(void)
{
	size_t size = (size_t)(_trampoline_end - _trampoline_start);
	uint64_t page;

	if (page_trampoline)
		return true;
	page = page_alloc_below(LOW_MEMORY_LIMIT);
	if (!page || size > PAGE_SIZE || !apic_sipi_addr_ok(page))
		return false;
	memcpy((void *)page, _trampoline_start, size);
	page_trampoline = page;
	return true;
}

/* The stack and IST stacks of `cpu`, allocated at its first start and kept. */
static bool prepare_stacks(uint32_t cpu)
{
	struct cpu_start *d = &cpu_start_table[cpu];
	void *stack;

	if (!d->stack_top) {
		stack = page_alloc_pages(KERNEL_STACK_SIZE / PAGE_SIZE);
		if (!stack)
			return false;
		d->stack_top = (uint64_t)stack + KERNEL_STACK_SIZE;
	}
	return percpu_prepare(cpu);
}

/* Fill the descriptors of the set and move each to KICKED; the rest stay out. */
static uint32_t prepare_set(const uint32_t *cpus, uint32_t n,
			    cpu_entry_fn entry, void *arg)
{
	nkicked = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t cpu = cpus[i];
		enum cpu_state s = cpu_state(cpu);

		/* FAILED: a CPU that did not answer may be tried again (INIT resets it) */
		if (cpu == 0 || cpu >= smp_cpu_count ||
		    (s != CPU_POSSIBLE && s != CPU_PARKED && s != CPU_FAILED)) {
			kprintf("smp: CPU %u cannot be started from state %u\n",
				cpu, s);
			continue;
		}
		if (!prepare_stacks(cpu)) {
			kprintf("smp: no memory for the stacks of CPU %u; not started\n",
				cpu);
			continue;
		}
		cpu_start_table[cpu].entry = entry;
		cpu_start_table[cpu].arg = arg;
		if (slot_move(cpu, s, CPU_KICKED))
			kicked[nkicked++] = cpu;
	}
	return nkicked;
}

static void kick_one(uint32_t cpu, bool init, uint8_t sipi_page)
{
	uint32_t id = smp_apic_id(cpu);
	bool ok;

	if (id == bsp_apic_id || !id_addressable(id))
		return;		/* never INIT ourselves or a broadcast ID */
	ok = init ? lapic_send_init(id) : lapic_send_sipi(id, sipi_page);
	if (!ok)
		kprintf("smp: %s to APIC ID %u not delivered\n",
			init ? "INIT" : "SIPI", id);
}

/* Send one IPI kind to every CPU of the set still KICKED; `resend` marks a retry round. */
static void kick_all(bool init, bool resend, uint8_t sipi_page)
{
	for (uint32_t i = 0; i < nkicked; i++) {
		uint32_t cpu = kicked[i];

		if (cpu_state(cpu) != CPU_KICKED)
			continue;
		/* test hooks: the held AP stays in wait-for-SIPI */
		if (!init && cpu == held_cpu && !(resend && held_gets_resends))
			continue;
		if (!init && cpu == withheld_cpu)
			continue;
		kick_one(cpu, init, sipi_page);
	}
}

static uint32_t count_kicked(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < nkicked; i++)
		n += cpu_state(kicked[i]) == CPU_KICKED;
	return n;
}

/*
 * Bring-up time is measured on the starter's TSC alone: from the first
 * INIT to the poll that saw the last AP go online (an AP that answered
 * during the SIPI waits is seen at the first poll, so the figure is an
 * upper bound within one SIPI wait).  An AP's own TSC cannot be compared
 * with the BSP's (TSCs are not synchronised across CPUs here: QEMU TCG
 * gives each vCPU its own offset, and real firmware may too).
 */
static void wait_all(uint64_t start, uint8_t page, struct smp_start_stats *st)
{
	uint64_t deadline = time_deadline_us(options.timeout_ms * 1000);
	uint64_t resend = time_deadline_us(options.sipi_retry_ms * 1000);
	uint32_t left = st->started;	/* APs that answered during the SIPI waits count at the first poll */
	uint64_t last = start;

	while (left && !time_after_deadline(deadline)) {
		uint32_t now_left = count_kicked();

		if (now_left != left) {
			last = rdtsc();
			left = now_left;
		}
		if (left && time_after_deadline(resend)) {
			kick_all(false, true, page);
			st->sipi_resends++;
			resend = time_deadline_us(options.sipi_retry_ms * 1000);
		}
		cpu_pause();
	}
	for (uint32_t i = 0; i < nkicked; i++) {
		uint32_t cpu = kicked[i];

		if (!slot_move(cpu, CPU_KICKED, CPU_FAILED))
			continue;
		kprintf("smp: CPU %u (APIC ID %u) did not answer within %lu ms; skipped\n",
			cpu, smp_apic_id(cpu), (unsigned long)options.timeout_ms);
		st->failed_apic_ids[st->nfailed++] = smp_apic_id(cpu);
	}
	st->bringup_us = tsc_to_us(last - start);
}

/* test=late_ap / test=lost_sipi: hold back the last CPU of the first set. */
static void apply_test_hooks(void)
{
	uint32_t last;

	if (hooks_used || !nkicked)
		return;
	hooks_used = true;
	last = kicked[nkicked - 1];
	if (options.hold_last_ap || options.drop_first_sipis) {
		held_cpu = last;
		held_gets_resends = options.drop_first_sipis;
	}
}

uint32_t smp_start_cpus(const uint32_t *cpus, uint32_t n, cpu_entry_fn entry,
			void *arg, struct smp_start_stats *st)
{
	uint8_t page;
	uint64_t start;

	memset(st, 0, sizeof(*st));
	if (!n)
		return 0;
	if (!setup_trampoline()) {
		st->error = "no free page below 0x9f000 for the AP trampoline";
		return 0;
	}
	st->trampoline = page_trampoline;
	page = (uint8_t)(page_trampoline >> 12);
	st->started = prepare_set(cpus, n, entry, arg);
	if (!st->started)
		return 0;
	apply_test_hooks();
	/* release: pairs with the AP starting to run after the IPIs (see top) */
	__atomic_thread_fence(__ATOMIC_RELEASE);

	start = rdtsc_ordered();
	kick_all(true, false, 0);
	udelay(nkicked == 1 ? options.init_udelay_one : options.init_udelay);
	kick_all(false, false, page);
	udelay(options.sipi_udelay);
	kick_all(false, false, page);
	wait_all(start, page, st);
	withheld_cpu = 0;	/* one start only */
	for (uint32_t i = 0; i < nkicked; i++)
		st->online += cpu_state(kicked[i]) == CPU_ONLINE;
	return st->online;
}

bool arch_cpu_start(uint32_t cpu, cpu_entry_fn entry, void *arg)
{
	static struct smp_start_stats st;	/* one start at a time (see smp_start_cpus) */

	return smp_start_cpus(&cpu, 1, entry, arg, &st) == 1;
}

void arch_cpu_park(void)
{
	uint32_t cpu = this_cpu_id();

	irq_disable();
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	/* release (in slot_move): what this CPU did is seen by whoever starts it again */
	if (!slot_move(cpu, CPU_ONLINE, CPU_PARKED))
		arch_bug("smp: CPU %u parks but is not online", cpu);
	cpu_halt_forever();
}

/*
 * The park loop (docs/cpus.md §7.5).  Interrupts stay off for the whole
 * park: with IF clear no maskable interrupt is taken and none ends HLT
 * (SDM Vol. 2A, HLT: only an enabled interrupt, NMI, SMI, INIT or reset
 * resumes it).  What may arrive (a stale wake IPI, a tick
 * raised before the LVT was masked) stays pending in the IRR and is taken
 * after the unpark, where the idle loop treats it as any other wake-up.
 * The wake is an NMI (arch_cpu_unpark): the waker stores `unpark` with
 * release and then sends it; the NMI handler (smp_park_nmi, from trap.c)
 * sees `unpark` with acquire, sets `woken` and returns.  Only the handler
 * sets `woken`, so the loop ends only after the wake's NMI was taken and
 * no NMI of this park can arrive after it.
 *
 * The lost wake-up: with IF clear there is no STI;HLT to make "check,
 * then sleep" atomic, and an NMI taken between the check of `woken` and
 * the HLT would leave us asleep for good.  So the check and the HLT sit
 * in a window of three instructions, and an NMI that interrupts the
 * window (its return address inside it, the HLT not yet executed) is
 * made to return past the HLT, to the jump back to the check.  An NMI
 * that ends the HLT returns to park_window_end already.
 *
 * MONITOR/MWAIT would let the waker wake us with a store, but under QEMU
 * TCG MWAIT returns at once (a busy loop), and the NMI is needed anyway
 * where it does sleep: HLT with the NMI is the one mechanism here.  A CPU
 * never parks in wait-for-SIPI: INIT does not wake every machine again.
 */
extern const char park_window_start[], park_window_end[];

static __attribute__((noinline)) void park_halt_until_woken(const uint32_t *woken)
{
	__asm__ volatile(
		".globl park_window_start\n"
		".globl park_window_end\n"
		"park_window_start:\n\t"
		"cmpl $0, (%0)\n\t"
		"jne 1f\n\t"
		"hlt\n"
		"park_window_end:\n\t"
		"jmp park_window_start\n"
		"1:\n"
		: : "r"(woken) : "memory", "cc");
}

bool smp_park_nmi(struct trap_frame *f)
{
	struct percpu *p = this_cpu();

	if (!__atomic_load_n(&p->parked, __ATOMIC_RELAXED))
		return false;
	/* acquire: pairs with the release store in arch_cpu_unpark() */
	if (__atomic_load_n(&p->unpark, __ATOMIC_ACQUIRE))
		__atomic_store_n(&p->woken, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&p->parked_irqs, 1, __ATOMIC_RELAXED);	/* a stray NMI */
	if (f->rip >= (uint64_t)park_window_start && f->rip < (uint64_t)park_window_end)
		f->rip = (uint64_t)park_window_end;	/* do not halt: check again */
	return true;
}

void arch_cpu_park_wait(void (*parked)(void *arg), void *arg)
{
	struct percpu *p = this_cpu();
	uint32_t cpu = p->cpu;

	irq_disable();
	arch_event_stop();	/* LVT timer masked, count or deadline cleared */
	__atomic_store_n(&p->woken, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&p->parked, 1, __ATOMIC_RELAXED);
	/* release (in slot_move): what this CPU did is seen by whoever wakes it */
	if (!slot_move(cpu, CPU_ONLINE, CPU_PARKED))
		arch_bug("smp: CPU %u parks but is not online", cpu);
	parked(arg);
	park_halt_until_woken(&p->woken);
	/* acquire: pairs with arch_cpu_unpark()'s release; what the waker wrote is ours */
	(void)__atomic_load_n(&p->unpark, __ATOMIC_ACQUIRE);
	__atomic_store_n(&p->unpark, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&p->parked, 0, __ATOMIC_RELAXED);
	if (!slot_move(cpu, CPU_PARKED, CPU_ONLINE))
		arch_bug("smp: CPU %u unparks but is not parked", cpu);
}

bool arch_cpu_unpark(uint32_t cpu)
{
	struct percpu *p = cpu_percpu(cpu);

	if (cpu >= smp_cpu_count || cpu == this_cpu_id() ||
	    !__atomic_load_n(&p->parked, __ATOMIC_RELAXED))
		return false;
	/* release: pairs with the acquire in smp_park_nmi() and arch_cpu_park_wait() */
	__atomic_store_n(&p->unpark, 1, __ATOMIC_RELEASE);
	return lapic_send_nmi(smp_apic_id(cpu));
}

uint64_t arch_cpu_parked_irqs(uint32_t cpu)
{
	return cpu < MAX_CPUS ? __atomic_load_n(&cpu_percpu(cpu)->parked_irqs, __ATOMIC_RELAXED) : 0;
}

uint32_t arch_cpu_count(void)
{
	return smp_cpu_count;
}

uint32_t arch_cpu_hw_id(uint32_t cpu)
{
	return cpu < smp_cpu_count ? smp_apic_id(cpu) : UINT32_MAX;
}

uint32_t arch_cpu_node(uint32_t cpu)
{
	return cpu < smp_cpu_count ? smp_cpu_node(cpu) : 0;
}

bool arch_cpu_running(uint32_t cpu)
{
	enum cpu_state s = cpu_state(cpu);

	return s == CPU_ONLINE || s == CPU_PARKED;
}

void smp_withhold_next_start(uint32_t cpu)
{
	withheld_cpu = cpu;
}

uint32_t smp_held_cpu(void)
{
	return held_cpu;
}

uint32_t smp_start_held_ap(uint32_t wait_ms)
{
	uint64_t deadline = time_deadline_us((uint64_t)wait_ms * 1000);
	uint8_t page = (uint8_t)(page_trampoline >> 12);

	if (!held_cpu)
		return 0;
	kick_one(held_cpu, false, page);
	udelay(200);
	kick_one(held_cpu, false, page);
	while (!__atomic_load_n(&late_arrivals, __ATOMIC_RELAXED) &&
	       !time_after_deadline(deadline))
		cpu_pause();
	return __atomic_load_n(&late_arrivals, __ATOMIC_RELAXED);
}

/* Called by ap_entry.S on the AP's own stack, interrupts off. */
void ap_start(struct cpu_start *d)
{
	uint32_t cpu = (uint32_t)(d - cpu_start_table);

	/* Poisoned slot: the starter gave up on us.  Touch nothing but a counter. */
	if (cpu_state(cpu) != CPU_KICKED) {
		__atomic_fetch_add(&late_arrivals, 1, __ATOMIC_RELAXED);
		cpu_halt_forever();
	}
	percpu_init_cpu(cpu);
	lapic_init_cpu();
	hw_counters_init_cpu();
	idle_states_init_cpu();
	if (!slot_move(cpu, CPU_KICKED, CPU_ONLINE))
		cpu_halt_forever();
	/* entry and arg were written before our INIT, like the stack we run on */
	d->entry(d->arg);
	panic("smp: the entry of CPU %u returned", cpu);
}
