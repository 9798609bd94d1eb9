/*
 * smpboot: CPU numbering and parallel AP bring-up.
 *
 * Numbering.  CPU numbers are dense and ours: the BSP is 0, then the
 * enabled MADT entries in table order (firmware lists primary threads
 * first), then the disabled-but-possible ones, which stay CPU_POSSIBLE
 * for a later hot-add.  smp_apic_ids[cpu] maps back to the APIC ID.  APIC
 * IDs are sparse; nothing is ever indexed by APIC ID.
 *
 * Bring-up (Intel SDM Vol. 3A §9.4.4.1, research-facts B.1/B.2), split
 * into kick and wait so it is parallel by construction:
 *
 *   for each AP: state KICKED, stack ready    (published before any IPI)
 *   INIT to every AP, one shared wait         (init_udelay, SDM 10 ms)
 *   SIPI to every AP, one shared wait         (sipi_udelay, SDM 200 us)
 *   SIPI to every AP still KICKED, same wait
 *   wait until all are ONLINE or the deadline passes, re-sending SIPI
 *   (never INIT) to the ones still KICKED every sipi_retry_ms
 *
 * Why re-send: an AP handles INIT on its own time (under QEMU on its own
 * host thread, which a busy host may not run for many milliseconds); a
 * SIPI that arrives before the AP has entered wait-for-SIPI is dropped.
 * Seen here: with init_udelay=0, 55 of 63 APs lost both SIPIs in one run.
 * A SIPI to a CPU that is not in wait-for-SIPI is ignored (SDM Vol. 3A
 * §9.4.4.1 / §11.6.1), so re-sending cannot disturb an AP that is already
 * running the trampoline, while INIT would reset it.
 *
 * INIT comes first even if firmware left an AP in its own HLT/MWAIT loop
 * (UEFI does): INIT puts it in wait-for-SIPI.  INIT never goes to the BSP
 * nor to a broadcast ID (it would reset them); both are excluded from the
 * table by construction and checked again before sending.
 *
 * The AP side: trampoline.S -> ap_entry.S (finds its number from its own
 * APIC ID) -> ap_main().  An AP moves its slot KICKED -> ONLINE with a
 * compare-and-exchange; the BSP, at its deadline, moves every slot still
 * KICKED to FAILED the same way.  Exactly one of the two wins, so an AP
 * that arrives late sees FAILED and halts without touching shared state,
 * and the BSP never counts a CPU that is not running.
 *
 * Ordering: smp_apic_ids, smp_ap_stack_top and the slot states are written
 * by the BSP before the first INIT.  The release fence before the IPIs
 * pairs with the AP starting execution after receiving them (an IPI is
 * sent by a store that cannot pass earlier stores on x86; the fence keeps
 * the compiler from sinking the table writes below it).
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smpboot.h"
#include "drivers/apic/lapic.h"
#include "kernel/acpi.h"
#include "kernel/page_alloc.h"
#include "kernel/printk.h"
#include "kernel/idle.h"
#include "kernel/tmigr.h"
#include "kernel/time.h"
#include "lib/string.h"

#define LOW_MEMORY_LIMIT	0x9f000	/* below the EBDA; SIPI needs < 1 MiB */

uint32_t smp_cpu_count;
uint32_t smp_apic_ids[MAX_CPUS];
uint64_t smp_ap_stack_top[MAX_CPUS];

static uint32_t slot_state[MAX_CPUS];	/* enum cpu_state, CAS only */
static uint32_t bsp_apic_id;
static uint32_t held_cpu;		/* test hooks: 0 = none; set before kicking */
static bool held_gets_resends;		/* test=lost_sipi: only the first SIPIs are withheld */
static uint32_t late_arrivals;		/* APs that found a poisoned slot; relaxed */
static uint64_t page_trampoline;	/* kept for every later start of an AP */

extern const char _trampoline_start[], _trampoline_end[];
void ap_main(uint32_t cpu);

enum cpu_state cpu_state(uint32_t cpu)
{
	if (cpu >= MAX_CPUS)
		return CPU_ABSENT;
	/* acquire: pairs with the release half of slot_move() (AP: -> ONLINE) */
	return __atomic_load_n(&slot_state[cpu], __ATOMIC_ACQUIRE);
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
	 * going ONLINE to whoever reads the state with acquire (cpu_state);
	 * the BSP's acquire on KICKED -> FAILED pairs with nothing but keeps
	 * the decision ordered after its deadline check.
	 */
	return __atomic_compare_exchange_n(&slot_state[cpu], &expect, to,
					   false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

static bool id_addressable(uint32_t apic_id)
{
	return apic_dest_ok(lapic_x2apic_mode, apic_id);
}

static void add_slot(uint32_t apic_id, enum cpu_state state)
{
	uint32_t cpu = smp_cpu_count;

	if (cpu >= MAX_CPUS) {
		kprintf("smp: APIC ID %u ignored: more than %u CPUs\n",
			apic_id, MAX_CPUS);
		return;
	}
	smp_apic_ids[cpu] = apic_id;
	cpu_percpu(cpu)->apic_id = apic_id;
	cpu_percpu(cpu)->cpu = cpu;
	slot_state[cpu] = state;
	smp_cpu_count = cpu + 1;
}

static uint32_t max_apic_id(const struct acpi_info *acpi)
{
	uint32_t max = 0;

	for (uint32_t i = 0; acpi->madt_ok && i < acpi->ncpus; i++)
		if (acpi->cpus[i].apic_id > max)
			max = acpi->cpus[i].apic_id;
	return max;
}

static void number_cpus(const struct acpi_info *acpi, struct smp_result *res)
{
	bool bsp_listed = false;

	add_slot(bsp_apic_id, CPU_ONLINE);
	if (!acpi->madt_ok) {
		res->single_cpu_reason = acpi->error ? acpi->error :
					 "no usable MADT";
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < acpi->ncpus; i++) {
			const struct acpi_cpu *c = &acpi->cpus[i];

			if (c->apic_id == bsp_apic_id) {
				bsp_listed = true;
				continue;
			}
			if (c->enabled != (pass == 0))
				continue;
			if (!id_addressable(c->apic_id)) {
				kprintf("smp: APIC ID %u cannot be addressed in %s mode; CPU skipped\n",
					c->apic_id, lapic_mode_name());
				continue;
			}
			add_slot(c->apic_id, c->enabled ? CPU_KICKED :
							  CPU_POSSIBLE);
		}
	}
	if (!bsp_listed)
		kprintf("smp: the boot CPU (APIC ID %u) is not in the MADT; added as CPU 0\n",
			bsp_apic_id);
}

void smp_prepare(const struct acpi_info *acpi, const struct smp_options *opt,
		 struct smp_result *res)
{
	memset(res, 0, sizeof(*res));
	res->apic_mode_reason = lapic_init_bsp(acpi->madt_ok ?
					       acpi->lapic_phys : 0,
					       max_apic_id(acpi),
					       opt->apic_force);
	lapic_init_cpu();
	bsp_apic_id = lapic_id();
	cpu_percpu(0)->apic_id = bsp_apic_id;
	number_cpus(acpi, res);
	res->possible = smp_cpu_count;
}

static bool setup_trampoline(struct smp_result *res)
{
	size_t size = (size_t)(_trampoline_end - _trampoline_start);
	uint64_t page = page_alloc_below(LOW_MEMORY_LIMIT);

	if (!page || size > PAGE_SIZE || !apic_sipi_addr_ok(page)) {
		res->single_cpu_reason = "no free page below 0x9f000 for the AP trampoline";
		return false;
	}
	memcpy((void *)page, _trampoline_start, size);
	res->trampoline = page;
	page_trampoline = page;
	return true;
}

static uint32_t prepare_stacks(void)
{
	uint32_t kicked = 0;

	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++) {
		void *stack;

		if (cpu_state(cpu) != CPU_KICKED)
			continue;
		stack = page_alloc_pages(KERNEL_STACK_SIZE / PAGE_SIZE);
		if (!stack || !percpu_prepare(cpu)) {
			kprintf("smp: no memory for the stack of CPU %u; not started\n",
				cpu);
			slot_state[cpu] = CPU_POSSIBLE;
			continue;
		}
		smp_ap_stack_top[cpu] = (uint64_t)stack + KERNEL_STACK_SIZE;
		cpu_percpu(cpu)->stack_top = smp_ap_stack_top[cpu];
		kicked++;
	}
	return kicked;
}

static void kick_one(uint32_t cpu, bool init, uint8_t sipi_page)
{
	uint32_t id = smp_apic_ids[cpu];
	bool ok;

	if (id == bsp_apic_id || !id_addressable(id))
		return;		/* never INIT ourselves or a broadcast ID */
	ok = init ? lapic_send_init(id) : lapic_send_sipi(id, sipi_page);
	if (!ok)
		kprintf("smp: %s to APIC ID %u not delivered\n",
			init ? "INIT" : "SIPI", id);
}

/* Send one IPI kind to every slot still KICKED; `resend` marks a retry round. */
static void kick_all(bool init, bool resend, uint8_t sipi_page)
{
	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++) {
		if (cpu_state(cpu) != CPU_KICKED)
			continue;
		/* test hooks: the held AP stays in wait-for-SIPI */
		if (!init && cpu == held_cpu && !(resend && held_gets_resends))
			continue;
		kick_one(cpu, init, sipi_page);
	}
}

static uint32_t count_kicked(void)
{
	uint32_t n = 0;

	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++)
		n += cpu_state(cpu) == CPU_KICKED;
	return n;
}

/*
 * Bring-up time is measured on the BSP's TSC alone: from the first INIT to
 * the poll that saw the last AP go online (an AP that answered during the
 * SIPI waits is seen at the first poll, so the figure is an upper bound
 * within one SIPI wait).  An AP's own TSC cannot be
 * compared with the BSP's (TSCs are not synchronised across CPUs here:
 * QEMU TCG gives each vCPU its own offset, and real firmware may too).
 */
static void wait_all(uint64_t start, uint8_t page,
		     const struct smp_options *opt, struct smp_result *res)
{
	uint64_t deadline = time_deadline_us(opt->timeout_ms * 1000);
	uint64_t resend = time_deadline_us(opt->sipi_retry_ms * 1000);
	uint32_t left = res->started;	/* APs that answered during the SIPI waits count at the first poll */
	uint64_t last = start;

	while (left && !time_after_deadline(deadline)) {
		uint32_t now_left = count_kicked();

		if (now_left != left) {
			last = rdtsc();
			left = now_left;
		}
		if (left && time_after_deadline(resend)) {
			kick_all(false, true, page);
			res->sipi_resends++;
			resend = time_deadline_us(opt->sipi_retry_ms * 1000);
		}
		cpu_pause();
	}
	for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++) {
		if (!slot_move(cpu, CPU_KICKED, CPU_FAILED))
			continue;
		kprintf("smp: CPU %u (APIC ID %u) did not answer within %lu ms; skipped\n",
			cpu, smp_apic_ids[cpu], (unsigned long)opt->timeout_ms);
		res->failed_apic_ids[res->nfailed++] = smp_apic_ids[cpu];
	}
	res->bringup_us = tsc_to_us(last - start);
}

void smp_boot_aps(const struct smp_options *opt, struct smp_result *res)
{
	uint8_t page;
	uint64_t start;

	if (smp_cpu_count > 1 && !res->single_cpu_reason)
		setup_trampoline(res);
	if (res->single_cpu_reason || smp_cpu_count == 1) {
		if (res->single_cpu_reason)
			kprintf("smp: single-CPU boot: %s\n",
				res->single_cpu_reason);
		for (uint32_t cpu = 1; cpu < smp_cpu_count; cpu++)
			if (cpu_state(cpu) == CPU_KICKED)
				slot_state[cpu] = CPU_POSSIBLE;
		res->online = 1;
		return;
	}
	res->started = prepare_stacks();
	page = (uint8_t)(res->trampoline >> 12);
	if ((opt->hold_last_ap || opt->drop_first_sipis) &&
	    cpu_state(smp_cpu_count - 1) == CPU_KICKED) {
		held_cpu = smp_cpu_count - 1;
		held_gets_resends = opt->drop_first_sipis;
	}
	/* release: pairs with the AP starting to run after the IPIs (see top) */
	__atomic_thread_fence(__ATOMIC_RELEASE);

	start = rdtsc_ordered();
	kick_all(true, false, 0);
	udelay(opt->init_udelay);
	kick_all(false, false, page);
	udelay(opt->sipi_udelay);
	kick_all(false, false, page);
	wait_all(start, page, opt, res);
	res->online = cpu_online_count();
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

void ap_main(uint32_t cpu)
{
	/* Poisoned slot: the BSP gave up on us.  Touch nothing but a counter. */
	if (cpu_state(cpu) != CPU_KICKED) {
		__atomic_fetch_add(&late_arrivals, 1, __ATOMIC_RELAXED);
		cpu_halt_forever();
	}
	percpu_init_cpu(cpu);
	lapic_init_cpu();
	if (!slot_move(cpu, CPU_KICKED, CPU_ONLINE))
		cpu_halt_forever();
	tmigr_set_available(cpu);	/* our timer works: join the hierarchy */
	idle_loop();
}
