// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acpi_hotplug: CPUs that QEMU plugs in at run time (device_add), without
 * an AML interpreter (docs/acpi-hotplug.md has the whole story).
 *
 * Theory
 *
 * QEMU started with -smp N,maxcpus=M lists the M-N missing CPUs as
 * disabled MADT entries: kernel/acpi.c keeps them as hot-add slots and
 * they are numbered after the enabled CPUs, ABSENT to kernel/cpuhp.c.
 * A device_add then (1) marks the CPU in QEMU's CPU hotplug register
 * block, (2) sets bit 2 of the GPE0 status register and (3) raises the
 * SCI.  The firmware's AML would handle the GPE; we do its job directly:
 *
 *   SCI (I/O APIC, BSP)  read GPE0 status; if bit 2 is set, clear it
 *                        (write 1) and queue the scan work on the BSP;
 *                        then arch acknowledges (level SCI: the status is
 *                        clear by then, so it does not come back)
 *   scan work (BSP)      walk the register block's pending events; an
 *                        insert names an APIC ID, which must be a hot-add
 *                        slot of the MADT: it is acknowledged and that CPU
 *                        marked pending; a remove request is acknowledged
 *                        and refused; then the pending CPUs are brought up
 *                        one after the other, each with a cpuhp request
 *                        (cpu_up_queue(..., CPUHP_SRC_ACPI)): it waits in
 *                        line behind any other CPU operation and runs in
 *                        its turn as work on the BSP, whose done() takes
 *                        the next pending CPU.  The work never sleeps for
 *                        a turn: it may run nested in another operation's
 *                        wait (the BSP's own), which a sleep would deadlock
 *
 * The scan runs as work, in the BSP's idle context, never in the
 * interrupt handler: cpu_up() sleeps for milliseconds (INIT, SIPI, the
 * clock sync).  An idle machine takes no wake-up for any of this: the SCI
 * is the only trigger.  acpi_hotplug=poll is the explicit fallback for a
 * machine without an SCI route: a pinned timer on the BSP looks at the
 * GPE0 status bit every POLL_MS.
 *
 * The register block (QEMU's docs/specs/acpi_cpu_hotplug.rst) is at port
 * 0xaf00 on the `pc` machine (PIIX4 PM, PCI 00:01.3, 8086:7113) and 0x0cd8
 * on `q35` (ICH9 LPC, PCI 00:1f.0, 8086:2918); the tables give no pointer
 * to it outside AML, so the chipset is recognised by its PCI IDs, and only
 * under QEMU (fw_cfg answered "QEMU"): on real hardware nothing here
 * touches a port.  QEMU starts it in legacy mode, a bitmap of present CPUs
 * by APIC ID; a one-byte write of 0 switches it to the modern interface,
 * checked by what only that interface answers (the protocol, and why a
 * four-byte write will not do, are kernel/cpuhp_block.c's).  If the check
 * fails the legacy bitmap is used: every APIC ID present there whose CPU
 * is absent is hot-added (legacy mode has no remove requests).
 * acpi_hotplug=legacy skips the switch, so that path is tested too.
 *
 * ACPI mode: ACPI hardware raises the SCI only with SCI_EN set in PM1a
 * control (measured: SeaBIOS leaves it clear, OVMF sets it).  If
 * the firmware left it clear, ACPI_ENABLE is written to SMI_CMD and
 * SCI_EN awaited (ACPI 6.5: SMI_CMD and ACPI_ENABLE in the FADT, 5.2.9;
 * SCI_EN in the PM1 control register, chapter 4); the record says which.
 * Every PM1 event and every other GPE is disabled (we handle none), so
 * the level SCI cannot be held by a source we never clear.
 *
 * Locking and ordering: everything runs on the BSP: the SCI is delivered
 * there, the scan work and the poll timer are queued and pinned there.
 * `scan_queued` keeps the work queued at most once: the producer (the
 * SCI, the poll) sets it and queues the work if it was clear; the work
 * clears it before it reads the block, so an event after that read's
 * start queues the work again.  `pending`, `up_req`, `up_inflight` and
 * `legacy_seen` belong to the scan work and the request's done(), both
 * work on the BSP, neither sleeping (so neither runs inside the other).  The statistics have one
 * writer, the BSP (counter_add), and are read with counter_read.
 */
#include <stddef.h>

#include "arch/x86_64/io.h"
#include "arch/x86_64/platform.h"
#include "kernel/acpi.h"
#include "kernel/acpi_hotplug.h"
#include "kernel/arch_services.h"
#include "kernel/cpuhp.h"
#include "kernel/cpuhp_block.h"
#include "kernel/idle.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/workqueue.h"
#include "lib/counter.h"
#include "lib/json.h"
#include "lib/string.h"

#define PCI_CONF_ADDR		0xcf8
#define PCI_CONF_DATA		0xcfc
#define PIIX4_PM_ID		0x71138086u	/* device << 16 | vendor, 00:01.3 */
#define ICH9_LPC_ID		0x29188086u	/* 00:1f.0 */
#define PIIX4_CPUHP_BASE	0xaf00
#define ICH9_CPUHP_BASE		0x0cd8

#define LEGACY_BITMAP_LEN	CPUHP_BLOCK_LEGACY_LEN

#define GPE_CPU_HOTPLUG		0x04	/* bit 2 of GPE0 status/enable byte 0 */
#define PM1_SCI_EN		0x0001
#define SCI_EN_WAIT_US		3000000
#define POLL_MS			100

enum mode { MODE_OFF, MODE_LEGACY, MODE_MODERN };

static const char *const mode_names[] = { "off", "legacy", "modern" };

static enum mode mode;
static bool polling;
static uint16_t base;
static uint16_t gpe_sts, gpe_en;	/* byte 0 of each GPE0 half */
static uint8_t legacy_seen[LEGACY_BITMAP_LEN];	/* APIC IDs already reported */
static struct acpi_hotplug_stats stats;
static struct work scan_work;
static uint32_t scan_queued;		/* see the theory; acquire/release */
static uint64_t trigger_ns;		/* when the latest SCI or poll found our bit */
static struct timer poll_timer;
static uint64_t pending[ACPI_MAX_CPUS / 64];	/* acknowledged inserts to bring up */
static struct cpuhp_request up_req;	/* the hot-add in line or running */
static bool up_inflight;		/* up_req is cpuhp's until its done() */

const struct acpi_hotplug_stats *acpi_hotplug_stats(void)
{
	return &stats;
}

const char *acpi_hotplug_mode(void)
{
	return mode_names[mode];
}

static uint32_t pci_read(uint32_t dev, uint32_t fn, uint32_t reg)
{
	outl(PCI_CONF_ADDR, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc));
	return inl(PCI_CONF_DATA);
}

/* The block's port, from the chipset; 0 if this is no QEMU machine we know. */
static uint16_t find_block(const char **chipset)
{
	if (!cpu_features.qemu) {
		*chipset = "not QEMU";
		return 0;
	}
	if (pci_read(1, 3, 0) == PIIX4_PM_ID) {
		*chipset = "piix4";
		return PIIX4_CPUHP_BASE;
	}
	if (pci_read(0x1f, 0, 0) == ICH9_LPC_ID) {
		*chipset = "ich9";
		return ICH9_CPUHP_BASE;
	}
	*chipset = "unknown";
	return 0;
}

static bool known_apic_id(uint32_t id)
{
	for (uint32_t cpu = 0; cpu < arch_cpu_count(); cpu++)
		if (arch_cpu_hw_id(cpu) == id)
			return true;
	return false;
}

static uint8_t port_in8(uint16_t port)
{
	return inb(port);
}

static uint32_t port_in32(uint16_t port)
{
	return inl(port);
}

static void port_out8(uint16_t port, uint8_t v)
{
	outb(port, v);
}

static void port_out32(uint16_t port, uint32_t v)
{
	outl(port, v);
}

static const struct cpuhp_block_io ports = {
	.in8 = port_in8, .in32 = port_in32, .out8 = port_out8, .out32 = port_out32,
};

/* The one-byte switch and its check (kernel/cpuhp_block.c). */
static bool switch_to_modern(void)
{
	if (cpuhp_block_switch(&ports, base, known_apic_id))
		return true;
	kprintf("acpi_hotplug: the block at %#x did not switch to the modern interface; using the legacy bitmap\n",
		base);
	return false;
}

static void report_event(const char *event, uint32_t apic_id, uint32_t cpu, const char *result)
{
	struct json_writer w;
	char buf[224];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "acpi_hotplug_event");
	json_str(&w, "event", event);
	json_u64(&w, "apic_id", apic_id);
	if (cpu != UINT32_MAX)
		json_u64(&w, "cpu", cpu);
	json_str(&w, "result", result);
	if (!strcmp(result, "online"))
		json_u64(&w, "from_sci_us", stats.last_sci_to_online_us);
	report_emit(json_end(&w));
}

static uint32_t cpu_of_apic_id(uint32_t id)
{
	for (uint32_t cpu = 0; cpu < arch_cpu_count(); cpu++)
		if (arch_cpu_hw_id(cpu) == id)
			return cpu;
	return UINT32_MAX;
}

static void drain(void);

/* A hot-add's end, in its turn's work on the BSP: report, take the next. */
static void up_done(struct cpuhp_request *r, enum cpuhp_err e)
{
	uint32_t cpu = r->cpu, apic_id = arch_cpu_hw_id(cpu);

	if (e == CPUHP_ALREADY_ONLINE) {
		report_event("insert", apic_id, cpu, "already_online");
	} else if (e) {
		counter_add(&stats.failed, 1);
		report_event("insert", apic_id, cpu, cpuhp_err_name(e));
	} else {
		counter_add(&stats.hotadded, 1);
		__atomic_store_n(&stats.last_sci_to_online_us, (arch_now_ns() - trigger_ns) / 1000,
				 __ATOMIC_RELAXED);
		report_event("insert", apic_id, cpu, "online");
	}
	pending[cpu / 64] &= ~(1ull << (cpu % 64));
	up_inflight = false;
	drain();
}

/*
 * The lowest pending CPU, if no hot-add is in line already: queue its
 * request.  It waits behind whatever CPU operation is in progress or in
 * line (the shell's, a test's, or the one this work runs nested in), never
 * sleeping here.
 */
static void drain(void)
{
	if (up_inflight)
		return;
	for (uint32_t cpu = 0; cpu < ACPI_MAX_CPUS; cpu++) {
		if (!(pending[cpu / 64] & (1ull << (cpu % 64))))
			continue;
		up_inflight = true;
		if (cpu_up_queue(&up_req, cpu, CPUHP_SRC_ACPI, up_done))
			counter_add(&stats.waited, 1);
		return;
	}
}

static void insert(uint32_t apic_id)
{
	uint32_t cpu = cpu_of_apic_id(apic_id);

	counter_add(&stats.inserts, 1);
	if (cpu == UINT32_MAX || cpu >= ACPI_MAX_CPUS) {
		kprintf("acpi_hotplug: a CPU with APIC ID %u was plugged in, but the MADT has no slot for it: ignored\n",
			apic_id);
		counter_add(&stats.unknown, 1);
		report_event("insert", apic_id, UINT32_MAX, "unknown_slot");
		return;
	}
	if (cpuhp_state(cpu) == CPUHP_ONLINE) {
		kprintf("acpi_hotplug: insert of APIC ID %u: CPU %u is online already\n", apic_id, cpu);
		report_event("insert", apic_id, cpu, "already_online");
		return;
	}
	kprintf("acpi_hotplug: CPU %u (APIC ID %u) plugged in: hot-adding it\n", cpu, apic_id);
	pending[cpu / 64] |= 1ull << (cpu % 64);
}

static void refuse_remove(uint32_t apic_id)
{
	uint32_t cpu = cpu_of_apic_id(apic_id);

	counter_add(&stats.removes, 1);
	kprintf("acpi_hotplug: removal of APIC ID %u requested: refused, pullkern does not eject CPUs (it stays %s)\n",
		apic_id, cpu != UINT32_MAX && cpuhp_state(cpu) == CPUHP_ONLINE ? "online" : "as it is");
	report_event("remove", apic_id, cpu, "refused");
}

static void scan_event(enum cpuhp_block_event ev, uint32_t apic_id, void *ctx)
{
	(void)ctx;
	if (ev == CPUHP_BLOCK_INSERT)
		insert(apic_id);
	else
		refuse_remove(apic_id);
}

static void scan_modern(void)
{
	if (cpuhp_block_scan(&ports, base, scan_event, NULL) > CPUHP_BLOCK_SCAN_MAX)
		kprintf("acpi_hotplug: more than %u events in one scan; the block looks broken, stopped\n",
			CPUHP_BLOCK_SCAN_MAX);
}

static void scan_legacy(void)
{
	uint8_t bitmap[LEGACY_BITMAP_LEN];

	cpuhp_block_read_legacy(&ports, base, bitmap);
	for (uint32_t byte = 0; byte < LEGACY_BITMAP_LEN; byte++) {
		uint8_t present = bitmap[byte];

		for (uint32_t bit = 0; bit < 8; bit++) {
			uint32_t id = byte * 8 + bit, cpu = cpu_of_apic_id(id);

			if (!(present & (1u << bit)))
				continue;
			if (cpu != UINT32_MAX && (cpuhp_state(cpu) == CPUHP_ONLINE ||
						  (cpu < ACPI_MAX_CPUS &&
						   (pending[cpu / 64] & (1ull << (cpu % 64))))))
				continue;
			if (cpu == UINT32_MAX && (legacy_seen[byte] & (1u << bit)))
				continue;	/* reported once */
			legacy_seen[byte] |= (uint8_t)(1u << bit);
			insert(id);
		}
	}
}

static void scan_fn(struct work *w)
{
	(void)w;
	/* release: pairs with the acquire exchange in kick_scan(); a later event queues us again */
	__atomic_store_n(&scan_queued, 0, __ATOMIC_RELEASE);
	counter_add(&stats.scans, 1);
	if (mode == MODE_MODERN)
		scan_modern();
	else if (mode == MODE_LEGACY)
		scan_legacy();
	drain();
}

static void poll_arm(void)
{
	timer_add(&poll_timer, timer_jiffies() + POLL_MS * 1000000ull / timer_tick_ns() + 1);
}

/* Any context on the BSP: have the scan work run (once, however often asked). */
static void kick_scan(void)
{
	/* acquire: pairs with the release in scan_fn(); queue only what is not queued */
	if (!__atomic_exchange_n(&scan_queued, 1, __ATOMIC_ACQUIRE))
		work_queue_on(0, &scan_work);
}

/* True (and the bit cleared) if our GPE fired since we last looked. */
static bool take_gpe(void)
{
	if (!(inb(gpe_sts) & GPE_CPU_HOTPLUG))
		return false;
	outb(gpe_sts, GPE_CPU_HOTPLUG);	/* status bits clear by writing 1 */
	trigger_ns = arch_now_ns();
	return true;
}

/* The SCI: on the BSP, interrupts off, before arch's EOI. */
static void sci_handler(uint32_t vector)
{
	idle_note_vector(vector);
	if (!take_gpe()) {
		counter_add(&stats.scis_other, 1);
		return;
	}
	counter_add(&stats.scis, 1);
	kick_scan();
}

static void poll_fired(struct timer *t)
{
	(void)t;
	counter_add(&stats.polls, 1);
	if (take_gpe())
		kick_scan();
	poll_arm();	/* a callback may re-arm its own timer (kernel/timer.c) */
}

/* ACPI mode: SCI_EN set by the firmware, or by us through SMI_CMD. */
static const char *enter_acpi_mode(const struct acpi_info *acpi)
{
	uint64_t deadline;

	if (!acpi->pm1a_cnt_port)
		return "unknown";
	if (inw((uint16_t)acpi->pm1a_cnt_port) & PM1_SCI_EN)
		return "already";
	if (!acpi->smi_cmd || !acpi->acpi_enable)
		return "off";
	outb((uint16_t)acpi->smi_cmd, acpi->acpi_enable);
	deadline = time_deadline_us(SCI_EN_WAIT_US);
	while (!(inw((uint16_t)acpi->pm1a_cnt_port) & PM1_SCI_EN)) {
		if (time_after_deadline(deadline))
			return "failed";
		udelay(1000);
	}
	return "enabled";
}

/* Every PM1 event and every GPE off but ours, our status clear. */
static void quiet_events(const struct acpi_info *acpi)
{
	uint32_t half = acpi->gpe0_len / 2;

	if (acpi->pm1a_evt_port)
		outw((uint16_t)(acpi->pm1a_evt_port + acpi->pm1_evt_len / 2), 0);
	for (uint32_t i = 0; i < half; i++)
		outb((uint16_t)(acpi->gpe0_port + half + i), 0);
	outb(gpe_sts, GPE_CPU_HOTPLUG);
}

static void report_init(const char *why, const char *chipset, const char *sci_en,
			const struct acpi_irq_route *r, uint32_t slots)
{
	struct json_writer w;
	char buf[320];

	kprintf("acpi_hotplug: %s: mode %s%s, chipset %s, block %#x, SCI_EN %s, %u hot-add slot(s)\n",
		why, mode_names[mode], polling ? " (polled)" : "", chipset, base, sci_en, slots);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "acpi_hotplug");
	json_str(&w, "mode", mode_names[mode]);
	json_bool(&w, "polling", polling);
	json_str(&w, "why", why);
	json_str(&w, "chipset", chipset);
	json_u64(&w, "block", base);
	json_str(&w, "sci_en", sci_en);
	json_u64(&w, "gpe0", gpe_sts);
	if (r) {
		json_u64(&w, "sci_gsi", r->gsi);
		json_bool(&w, "sci_level", r->level);
		json_bool(&w, "sci_active_low", r->active_low);
	}
	json_u64(&w, "slots", slots);
	report_emit(json_end(&w));
}

/* Whatever stops us, said once. */
static void give_up(const char *why, const char *chipset, uint32_t slots)
{
	mode = MODE_OFF;
	polling = false;
	report_init(why, chipset, "unknown", NULL, slots);
}

static bool route_sci(const struct acpi_info *acpi, struct acpi_irq_route *r)
{
	if (!acpi_sci_route(acpi, r))
		return false;
	return arch_irq_attach_gsi(r->gsi, r->level, r->active_low, sci_handler);
}

void acpi_hotplug_init(const struct acpi_info *acpi)
{
	const char *opt = option_str("acpi_hotplug"), *chipset = "-", *sci_en;
	uint32_t slots = acpi->npossible - acpi->nenabled;
	struct acpi_irq_route r = { 0 };
	bool sci = false;

	scan_work.fn = scan_fn;
	if (!strcmp(opt, "off")) {
		give_up("acpi_hotplug=off", chipset, slots);
		return;
	}
	if (!acpi->madt_ok || slots == 0) {
		give_up("no hot-add slot in the MADT", chipset, slots);
		return;
	}
	base = find_block(&chipset);
	if (!base) {
		give_up("no CPU hotplug register block known on this machine", chipset, slots);
		return;
	}
	if (!acpi->gpe0_port || acpi->gpe0_len < 2) {
		give_up("the FADT names no GPE0 block", chipset, slots);
		return;
	}
	gpe_sts = (uint16_t)acpi->gpe0_port;
	gpe_en = (uint16_t)(acpi->gpe0_port + acpi->gpe0_len / 2);
	if (!strcmp(opt, "legacy"))
		mode = MODE_LEGACY;	/* the block starts there: no switch */
	else
		mode = switch_to_modern() ? MODE_MODERN : MODE_LEGACY;
	sci_en = enter_acpi_mode(acpi);
	quiet_events(acpi);
	polling = !strcmp(opt, "poll");
	if (!polling) {
		sci = route_sci(acpi, &r);
		if (!sci) {
			give_up("no route for the SCI (acpi_hotplug=poll would poll instead)",
				chipset, slots);
			return;
		}
		outb(gpe_en, inb(gpe_en) | GPE_CPU_HOTPLUG);
		if (!strcmp(sci_en, "failed") || !strcmp(sci_en, "off"))
			kprintf("acpi_hotplug: SCI_EN is clear and cannot be set: the SCI may never come (acpi_hotplug=poll does without it)\n");
	} else {
		timer_setup(&poll_timer, poll_fired, TIMER_PINNED);
		poll_arm();
	}
	report_init(polling ? "polling (acpi_hotplug=poll)" : "listening on the SCI", chipset,
		    sci_en, sci ? &r : NULL, slots);
	/* events from before we listened: one scan now */
	trigger_ns = arch_now_ns();
	kick_scan();
}
