// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acpi: find the CPUs (MADT), the PM timer (FADT) and the NUMA node of
 * each CPU (SRAT) in firmware tables.
 *
 * Theory
 *
 * Everything here is untrusted input.  The RSDP arrives as a copy inside
 * the multiboot2 information; the tables it points to live in firmware
 * memory and are reached only through the caller's map function, which
 * may refuse.  Every length is checked against the bytes actually mapped
 * before a field is read, every table's checksum is verified (ACPI 6.5
 * 5.2.5.3 for the RSDP, 5.2.6 for the SDT header), and every failure ends
 * in a kprintf line and a defined result, never a fault.
 *
 *   RSDP "RSD PTR " --rev >= 2--> XSDT (u64 entries) --+
 *        |                                              +--> "APIC" (MADT)
 *        +--------------------> RSDT (u32 entries) ----+--> "FACP" (FADT)
 *                                                       |      +--> DSDT (_S5_)
 *                                                       +--> "SRAT" (NUMA)
 *
 * Root choice: the XSDT when the RSDP revision is >= 2, its extended
 * checksum holds, its address is non-zero and the XSDT itself validates;
 * otherwise the RSDT, whose address the 20-byte v1 checksum already
 * covers.  Each fallback is logged with its reason.
 *
 * Table walk: acpi_find_table() is generic over the signature; the MADT, the
 * FADT and the SRAT are all found with it.  Only the first
 * ACPI_MAX_ROOT_ENTRIES entries are looked at (one line says so), and an
 * entry whose table could not lie below 2^64 is refused before it is
 * mapped.  A table is mapped twice, header first to learn its length,
 * then whole; the length must lie in [36, 1 MiB].
 *
 * MADT (ACPI 6.5 5.2.12): Local APIC (type 0) and Local x2APIC (type 9)
 * entries are taken in one pass so cpus[] keeps table order, which is the
 * order firmware wants CPUs brought up in (first threads of each core
 * first).  Entry flags: bit 0 Enabled, bit 1 Online Capable (defined from
 * MADT revision 5, ACPI 6.3).  Before revision 5 a disabled entry is a
 * hot-add slot: QEMU describes -smp maxcpus that way.  Broadcast IDs and
 * repeated IDs (a CPU listed as both type 0 and type 9) are skipped and
 * logged.  A malformed entry ends the walk; CPUs found before it stay.
 *
 * The MADT's I/O APIC entries (type 1: ID, MMIO address, first GSI) and
 * interrupt source overrides (type 2, ISA bus only: IRQ, GSI, MPS INTI
 * flags) are kept, up to ACPI_MAX_IOAPICS and ACPI_MAX_OVERRIDES; an I/O
 * APIC at address 0, an override of another bus or a second override of
 * one IRQ is logged and dropped (the first stays).
 *
 * NMI wiring (ACPI 6.5 5.2.12.7 type 4, 5.2.12.13 type 0xA): which local
 * APIC input, LINT0 or LINT1, carries NMI on which processor (by ACPI UID;
 * 0xff resp. 0xffffffff for all), with MPS INTI polarity and trigger
 * flags.  An entry naming LINT 2 or above, or a reserved polarity or
 * trigger encoding (10b) or reserved flag bits, is refused with a line;
 * so is an exact repeat of an earlier entry's UID and pin, and anything
 * past ACPI_MAX_LAPIC_NMIS.  acpi_nmi_pins() answers for one CPU: the
 * first entry in table order that names the CPU (or all CPUs) and a pin
 * decides that pin.  The local APIC driver programs the pins; the SDM
 * allows only edge-triggered NMI on LINT pins (Vol. 3A 11.5.1), so a
 * level trigger from firmware is reported, not programmed.
 *
 * FADT (ACPI 6.5 5.2.9): X_PM_TMR_BLK supersedes PM_TMR_BLK when it is
 * non-zero, but we only drive the timer through port I/O, so an X block
 * outside system I/O space falls back to the legacy 32-bit port field.
 * The same rule picks the PM1a event and control blocks and GPE0_BLK;
 * every block must fit below port 0x10000 with the length the FADT gives
 * it, and GPE0_BLK_LEN must be even (status half, enable half), else the
 * block is dropped with a line.  SCI_INT, SMI_CMD and ACPI_ENABLE are read
 * when the table is long enough to hold them.  IAPC_BOOT_ARCH (the 8042
 * bit, a hint for the keyboard driver) is read from revision 2 on.  The
 * reset register (RESET_REG, RESET_VALUE) is used only with the flag
 * RESET_REG_SUP, as one byte in system I/O or system memory; any other
 * space, width, bit offset or address 0 leaves it absent with a line, and
 * reboot falls back to the keyboard controller (docs/shell.md).  A field
 * the table is too short for stays 0, which every user reads as
 * "absent".  The FADT is
 * looked up independently: its failure never changes the MADT result.
 *
 * SRAT (ACPI 6.5 5.2.16): only the processor affinity structures matter
 * to us, Local APIC (type 0, 16 bytes: domain bits 7:0 at byte 2, 31:8 at
 * bytes 9-11, APIC ID at byte 3, flags at 4) and Local x2APIC (type 2, 24
 * bytes: domain at 4, x2APIC ID at 8, flags at 12); flag bit 0 says the
 * entry is in use.  Memory affinity and other structures are stepped
 * over.  Proximity domains are renumbered densely in order of first
 * appearance among the CPUs the MADT lists (a domain with memory only, or
 * with CPUs the MADT does not list, is no node of ours), so every node has
 * at least one CPU.  A CPU named twice keeps its first entry: the later
 * one is dropped before its domain is looked at, so it can neither move
 * the CPU nor create a node that would stay empty.  A CPU the SRAT does
 * not name has no affinity we know; the rule is that it joins node 0 (the
 * first domain named), counted in srat_unnamed and said on one line,
 * because the hierarchy needs every CPU in some node and node 0 is the
 * only one sure to exist.  A bad SRAT (checksum, shorter than its 48-byte
 * header, an entry that runs past the table or is shorter than its type)
 * leaves every CPU on node 0, logged: NUMA only shapes the timer
 * hierarchy, it never decides whether we boot.
 *
 * Per-entry warnings: a table of a megabyte holds tens of thousands of
 * entries, and one console line each would take minutes at 115200 baud.
 * Each kind of per-entry warning (a skipped MADT CPU, a dropped I/O APIC,
 * interrupt override, local APIC override or NMI entry, an unmappable or broken
 * root-table entry in one lookup) prints its first ACPI_WARN_LIMIT lines,
 * then counts silently, and one summary line gives the number not shown.
 *
 * Locking: none.  acpi_parse() runs once on the boot CPU before any other
 * CPU is started, and writes only to *out.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/acpi.h"
#include "kernel/acpi_table.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define RSDP_V1_LEN		20
#define RSDP_V2_LEN		36
#define RSDP_MAX_LEN		4096	/* far above any real RSDP */

#define MADT_HDR_LEN		44
#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_IRQ_OVERRIDE	2
#define MADT_LAPIC_NMI		4
#define MADT_LAPIC_OVERRIDE	5
#define MADT_X2APIC		9
#define MADT_X2APIC_NMI		0xa
#define MADT_LAPIC_NMI_ALL	0xffu
/* MPS INTI flags (ACPI 6.5 Table 5.50): 0 = conforms to the bus. */
#define INTI_POLARITY_MASK	0x3u
#define INTI_ACTIVE_HIGH	0x1u
#define INTI_ACTIVE_LOW		0x3u
#define INTI_TRIGGER_MASK	0xcu
#define INTI_EDGE		0x4u
#define INTI_LEVEL		0xcu
#define INTI_RESERVED_BITS	0xfff0u	/* MPS INTI flags above trigger: reserved */
#define INTI_POL_RESERVED	0x2u	/* polarity 10b and trigger 10b are reserved */
#define INTI_TRIG_RESERVED	0x8u
#define MADT_ENABLED		(1u << 0)
#define MADT_ONLINE_CAPABLE	(1u << 1)
#define MADT_REV_ONLINE_CAPABLE	5

#define FADT_SCI_INT		46
#define FADT_SMI_CMD		48
#define FADT_ACPI_ENABLE	52
#define FADT_PM1A_EVT_BLK	56
#define FADT_PM1A_CNT_BLK	64
#define FADT_GPE0_BLK		80
#define FADT_PM1_EVT_LEN	88
#define FADT_PM1_CNT_LEN	89
#define FADT_GPE0_BLK_LEN	92
#define FADT_X_PM1A_EVT_BLK	148
#define FADT_X_PM1A_CNT_BLK	172
#define FADT_X_GPE0_BLK		220
#define FADT_PM_TMR_BLK		76
#define FADT_PM_TMR_LEN		91
#define FADT_FLAGS		112
#define FADT_TMR_VAL_EXT	(1u << 8)
#define FADT_X_PM_TMR_BLK	208
#define FADT_IAPC_BOOT_ARCH	109
#define FADT_IAPC_8042		(1u << 1)
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_RESET_REG_SUP	(1u << 10)
#define GAS_LEN			12
#define GAS_SYSTEM_MEMORY	0
#define GAS_SYSTEM_IO		1

const char *const acpi_table_err_text[ACPI_TE_NR] = {
	[ACPI_TE_OK] = "ok",
	[ACPI_TE_MISSING] = "not listed",
	[ACPI_TE_ZERO] = "address is zero",
	[ACPI_TE_MAP] = "cannot be mapped",
	[ACPI_TE_SIG] = "wrong signature",
	[ACPI_TE_SHORT] = "length below 36 bytes",
	[ACPI_TE_LONG] = "length above 1 MiB",
	[ACPI_TE_CSUM] = "checksum mismatch",
};

/* out->error for each way the MADT lookup can fail. */
static const char *const madt_err_text[ACPI_TE_NR] = {
	[ACPI_TE_MISSING] = "MADT not found",
	[ACPI_TE_ZERO] = "MADT not found",
	[ACPI_TE_MAP] = "MADT cannot be mapped",
	[ACPI_TE_SIG] = "MADT not found",
	[ACPI_TE_SHORT] = "MADT length out of range",
	[ACPI_TE_LONG] = "MADT length out of range",
	[ACPI_TE_CSUM] = "MADT checksum mismatch",
};

/*
 * Root-table entries looked at.  Each costs a header mapping, and one
 * above 4 GiB a page-table page for every new 1 GiB region
 * (arch/x86_64/paging.c bounds those too); real firmware lists a few
 * dozen tables.
 */
#define ACPI_MAX_ROOT_ENTRIES	256

/* State of one MADT walk that is not part of the result. */
struct madt_walk {
	struct acpi_info *out;
	uint32_t overflow;	/* CPU entries beyond ACPI_MAX_CPUS */
	uint32_t cpu_skips;	/* per-kind warning counts: see acpi_warn_ok() */
	uint32_t ioapic_drops;
	uint32_t irq_drops;
	uint32_t lapic_drops;
	uint32_t nmi_drops;
};

/* True while *count is below the limit; counts every call. */
bool acpi_warn_ok(uint32_t *count)
{
	return (*count)++ < ACPI_WARN_LIMIT;
}

/* The summary line for the warnings acpi_warn_ok() held back, if any. */
void acpi_warn_summary(uint32_t count, const char *what)
{
	if (count > ACPI_WARN_LIMIT)
		kprintf("acpi: %u more %s not shown\n", count - ACPI_WARN_LIMIT,
			what);
}

bool acpi_checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* Map the table at `phys` whole and check length and checksum. */
enum acpi_table_err acpi_map_table(acpi_map_fn map, void *ctx, uint64_t phys,
				const char *sig, const uint8_t **table)
{
	const uint8_t *hdr, *t;
	uint32_t len;

	*table = NULL;
	if (phys == 0)
		return ACPI_TE_ZERO;
	if (phys > UINT64_MAX - ACPI_SDT_MAX_LEN)
		return ACPI_TE_MAP;
	hdr = map(phys, ACPI_SDT_HDR_LEN, ctx);
	if (!hdr)
		return ACPI_TE_MAP;
	if (sig && memcmp(hdr, sig, 4) != 0)
		return ACPI_TE_SIG;
	len = acpi_rd32(hdr + 4);
	if (len < ACPI_SDT_HDR_LEN)
		return ACPI_TE_SHORT;
	if (len > ACPI_SDT_MAX_LEN)
		return ACPI_TE_LONG;
	t = map(phys, len, ctx);
	if (!t)
		return ACPI_TE_MAP;
	/* The header may have come from a different mapping: re-check it. */
	if ((sig && memcmp(t, sig, 4) != 0) || acpi_rd32(t + 4) != len)
		return ACPI_TE_SIG;
	if (!acpi_checksum_ok(t, len))
		return ACPI_TE_CSUM;
	*table = t;
	return ACPI_TE_OK;
}

static uint64_t root_entry(const struct acpi_root *root, uint32_t i)
{
	const uint8_t *p = root->table + ACPI_SDT_HDR_LEN + (size_t)i * root->entry_size;

	return root->entry_size == 8 ? acpi_rd64(p) : acpi_rd32(p);
}

/*
 * The first valid table with signature `sig`.  A broken table with the
 * right signature does not stop the search: some firmware lists stale
 * copies.  On failure *err tells the most specific reason seen.
 */
const uint8_t *acpi_find_table(const struct acpi_root *root, const char *sig,
				 enum acpi_table_err *err)
{
	uint32_t unmappable = 0, broken = 0;
	const uint8_t *t = NULL;
	uint32_t i;

	*err = ACPI_TE_MISSING;
	for (i = 0; i < root->nentries; i++) {
		uint64_t phys = root_entry(root, i);
		const uint8_t *hdr;
		enum acpi_table_err e;

		if (phys == 0 || phys > UINT64_MAX - ACPI_SDT_MAX_LEN)
			continue;	/* no table can be there: not worth a mapping */
		hdr = root->map(phys, ACPI_SDT_HDR_LEN, root->ctx);
		if (!hdr) {
			if (acpi_warn_ok(&unmappable))
				kprintf("acpi: table %u at %#llx cannot be mapped\n",
					i, (unsigned long long)phys);
			continue;
		}
		if (memcmp(hdr, sig, 4) != 0)
			continue;
		e = acpi_map_table(root->map, root->ctx, phys, sig, &t);
		if (e == ACPI_TE_OK)
			break;
		if (acpi_warn_ok(&broken))
			kprintf("acpi: %.4s at %#llx: %s, ignored\n", sig,
				(unsigned long long)phys, acpi_table_err_text[e]);
		*err = e;
	}
	acpi_warn_summary(unmappable, "root-table entries that cannot be mapped");
	if (broken > ACPI_WARN_LIMIT)
		kprintf("acpi: %u more broken %.4s tables not shown\n",
			broken - ACPI_WARN_LIMIT, sig);
	if (i < root->nentries)
		return t;
	if (*err == ACPI_TE_MISSING && unmappable)
		*err = ACPI_TE_MAP;
	return NULL;
}

static bool use_root(struct acpi_root *root, const uint8_t *t, bool xsdt,
		     uint64_t phys, struct acpi_info *out)
{
	root->table = t;
	root->entry_size = xsdt ? 8 : 4;
	root->nentries = (acpi_rd32(t + 4) - ACPI_SDT_HDR_LEN) / root->entry_size;
	if (root->nentries > ACPI_MAX_ROOT_ENTRIES) {
		kprintf("acpi: %s lists %u tables, only the first %u are looked at\n",
			xsdt ? "XSDT" : "RSDT", root->nentries,
			ACPI_MAX_ROOT_ENTRIES);
		root->nentries = ACPI_MAX_ROOT_ENTRIES;
	}
	out->used_xsdt = xsdt;
	out->root_phys = phys;
	return true;
}

/* XSDT address from a revision >= 2 RSDP, or 0 (logged) if unusable. */
static uint64_t rsdp_xsdt(const uint8_t *rsdp, size_t rsdp_len)
{
	uint32_t len;

	if (rsdp[15] < 2)
		return 0;
	if (rsdp_len < RSDP_V2_LEN) {
		kprintf("acpi: RSDP revision %u but only %zu bytes, using the RSDT\n",
			rsdp[15], rsdp_len);
		return 0;
	}
	len = acpi_rd32(rsdp + 20);
	if (len < RSDP_V2_LEN || len > rsdp_len || len > RSDP_MAX_LEN) {
		kprintf("acpi: RSDP length %u invalid (%zu bytes given), using the RSDT\n",
			len, rsdp_len);
		return 0;
	}
	if (!acpi_checksum_ok(rsdp, len)) {
		kprintf("acpi: RSDP extended checksum mismatch, using the RSDT\n");
		return 0;
	}
	if (acpi_rd64(rsdp + 24) == 0)
		kprintf("acpi: XSDT address is zero, using the RSDT\n");
	return acpi_rd64(rsdp + 24);
}

/* Choose and validate the root table; false with out->error set if none. */
static bool pick_root(const uint8_t *rsdp, size_t rsdp_len, acpi_map_fn map,
		      void *ctx, struct acpi_root *root, struct acpi_info *out)
{
	uint64_t xsdt = rsdp_xsdt(rsdp, rsdp_len);
	uint64_t rsdt = acpi_rd32(rsdp + 16);
	const uint8_t *t;
	enum acpi_table_err e;

	root->map = map;
	root->ctx = ctx;
	if (xsdt) {
		e = acpi_map_table(map, ctx, xsdt, "XSDT", &t);
		if (e == ACPI_TE_OK)
			return use_root(root, t, true, xsdt, out);
		kprintf("acpi: XSDT at %#llx: %s, falling back to the RSDT\n",
			(unsigned long long)xsdt, acpi_table_err_text[e]);
	}
	e = acpi_map_table(map, ctx, rsdt, "RSDT", &t);
	if (e == ACPI_TE_OK)
		return use_root(root, t, false, rsdt, out);
	kprintf("acpi: RSDT at %#llx: %s\n", (unsigned long long)rsdt,
		acpi_table_err_text[e]);
	out->error = "no valid RSDT or XSDT";
	return false;
}

/* Check the RSDP copy itself; false with out->error set if unusable. */
static bool rsdp_ok(const uint8_t *rsdp, size_t rsdp_len, struct acpi_info *out)
{
	if (!rsdp || rsdp_len < RSDP_V1_LEN)
		out->error = "RSDP missing or shorter than 20 bytes";
	else if (memcmp(rsdp, "RSD PTR ", 8) != 0)
		out->error = "RSDP signature is not \"RSD PTR \"";
	else if (!acpi_checksum_ok(rsdp, RSDP_V1_LEN))
		out->error = "RSDP checksum mismatch";
	else
		return true;
	return false;
}

static void cpu_skip(struct madt_walk *w, uint8_t type, uint32_t id,
		     uint32_t uid, const char *why)
{
	if (acpi_warn_ok(&w->cpu_skips))
		kprintf("acpi: MADT type %u entry APIC ID %#x UID %u skipped: %s\n",
			type, id, uid, why);
	w->out->nskipped++;
}

static bool cpu_known(const struct acpi_info *out, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < out->ncpus; i++)
		if (out->cpus[i].apic_id == id)
			return true;
	return false;
}

static void madt_cpu(struct madt_walk *w, uint8_t type, uint32_t id,
		     uint32_t uid, uint32_t flags)
{
	struct acpi_info *out = w->out;
	bool enabled = flags & MADT_ENABLED;
	bool possible = enabled;
	struct acpi_cpu *cpu;

	if ((type == MADT_LAPIC && id == 0xff) ||
	    (type == MADT_X2APIC && id == 0xffffffffu)) {
		cpu_skip(w, type, id, uid, "broadcast APIC ID");
		return;
	}
	if (!enabled) {
		/* Bit 1 is reserved before revision 5: disabled = hot-add slot. */
		possible = out->madt_revision < MADT_REV_ONLINE_CAPABLE ||
			   (flags & MADT_ONLINE_CAPABLE);
	}
	if (!possible) {
		cpu_skip(w, type, id, uid, "disabled and not online-capable");
		return;
	}
	if (cpu_known(out, id)) {
		cpu_skip(w, type, id, uid, "duplicate APIC ID, first entry kept");
		return;
	}
	if (out->ncpus == ACPI_MAX_CPUS) {
		/* Logged once after the walk. */
		w->overflow++;
		out->nskipped++;
		return;
	}
	cpu = &out->cpus[out->ncpus++];
	cpu->apic_id = id;
	cpu->uid = uid;
	cpu->entry_type = type;
	cpu->enabled = enabled;
	out->npossible++;
	if (enabled)
		out->nenabled++;
}

static void madt_override(struct madt_walk *w, const uint8_t *e)
{
	struct acpi_info *out = w->out;
	uint64_t addr = acpi_rd64(e + 4);

	if (addr == 0) {
		if (acpi_warn_ok(&w->lapic_drops))
			kprintf("acpi: MADT local APIC override to address 0 ignored\n");
		return;
	}
	out->lapic_phys = addr;
	out->lapic_override = true;
}

static void madt_ioapic(struct madt_walk *w, const uint8_t *e)
{
	struct acpi_info *out = w->out;
	struct acpi_ioapic *io;
	uint32_t phys = acpi_rd32(e + 4);

	if (phys == 0) {
		if (acpi_warn_ok(&w->ioapic_drops))
			kprintf("acpi: MADT I/O APIC %u at address 0 ignored\n", e[2]);
		return;
	}
	if (out->nioapic == ACPI_MAX_IOAPICS) {
		if (acpi_warn_ok(&w->ioapic_drops))
			kprintf("acpi: MADT I/O APIC %u beyond the %u supported ignored\n",
				e[2], ACPI_MAX_IOAPICS);
		return;
	}
	io = &out->ioapics[out->nioapic++];
	io->id = e[2];
	io->phys = phys;
	io->gsi_base = acpi_rd32(e + 8);
}

static void madt_irq_override(struct madt_walk *w, const uint8_t *e)
{
	struct acpi_info *out = w->out;
	struct acpi_irq_override *o;
	uint32_t i;

	if (e[2] != 0) {
		if (acpi_warn_ok(&w->irq_drops))
			kprintf("acpi: MADT interrupt override of bus %u (not ISA) ignored\n", e[2]);
		return;
	}
	for (i = 0; i < out->noverride; i++) {
		if (out->overrides[i].source == e[3]) {
			if (acpi_warn_ok(&w->irq_drops))
				kprintf("acpi: MADT second override of IRQ %u ignored, first kept\n", e[3]);
			return;
		}
	}
	if (out->noverride == ACPI_MAX_OVERRIDES) {
		if (acpi_warn_ok(&w->irq_drops))
			kprintf("acpi: MADT override of IRQ %u beyond the %u supported ignored\n",
				e[3], ACPI_MAX_OVERRIDES);
		return;
	}
	o = &out->overrides[out->noverride++];
	o->source = e[3];
	o->gsi = acpi_rd32(e + 4);
	o->flags = (uint16_t)(e[8] | e[9] << 8);
}

static const char *nmi_flags_bad(uint16_t flags)
{
	if (flags & INTI_RESERVED_BITS)
		return "reserved flag bits set";
	if ((flags & INTI_POLARITY_MASK) == INTI_POL_RESERVED)
		return "reserved polarity";
	if ((flags & INTI_TRIGGER_MASK) == INTI_TRIG_RESERVED)
		return "reserved trigger mode";
	return NULL;
}

static bool nmi_repeat(const struct acpi_info *out, uint32_t uid, uint8_t lint)
{
	for (uint32_t i = 0; i < out->nlapic_nmi; i++)
		if (out->lapic_nmis[i].uid == uid && out->lapic_nmis[i].lint == lint)
			return true;
	return false;
}

/* Type 4 or 0xA: the fields are already pulled out of their layouts. */
static void madt_nmi(struct madt_walk *w, uint8_t type, uint32_t uid,
		     uint16_t flags, uint8_t lint)
{
	struct acpi_info *out = w->out;
	struct acpi_lapic_nmi *n;
	const char *why = nmi_flags_bad(flags);

	if (lint > 1)
		why = "LINT# is neither 0 nor 1";
	else if (!why && nmi_repeat(out, uid, lint))
		why = "repeats an earlier entry";
	else if (!why && out->nlapic_nmi == ACPI_MAX_LAPIC_NMIS)
		why = "beyond the supported number";
	if (why) {
		out->lapic_nmi_refused++;
		if (acpi_warn_ok(&w->nmi_drops))
			kprintf("acpi: MADT type %u NMI entry (UID %#x, LINT%u, flags %#x) refused: %s\n",
				type, uid, lint, flags, why);
		return;
	}
	n = &out->lapic_nmis[out->nlapic_nmi++];
	n->uid = uid;
	n->flags = flags;
	n->lint = lint;
	n->entry_type = type;
}

/* Smallest length each entry type we read needs; others just a header. */
static uint8_t madt_min_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC_NMI:
		return 6;
	case MADT_LAPIC:
		return 8;
	case MADT_IRQ_OVERRIDE:
		return 10;
	case MADT_IOAPIC:
	case MADT_LAPIC_OVERRIDE:
		return 12;
	case MADT_X2APIC_NMI:
		return 12;
	case MADT_X2APIC:
		return 16;
	default:
		return 2;
	}
}

static void madt_entry(struct madt_walk *w, const uint8_t *e)
{
	switch (e[0]) {
	case MADT_LAPIC:
		madt_cpu(w, MADT_LAPIC, e[3], e[2], acpi_rd32(e + 4));
		break;
	case MADT_X2APIC:
		madt_cpu(w, MADT_X2APIC, acpi_rd32(e + 4), acpi_rd32(e + 12), acpi_rd32(e + 8));
		break;
	case MADT_LAPIC_OVERRIDE:
		madt_override(w, e);
		break;
	case MADT_IOAPIC:
		madt_ioapic(w, e);
		break;
	case MADT_IRQ_OVERRIDE:
		madt_irq_override(w, e);
		break;
	case MADT_LAPIC_NMI:
		madt_nmi(w, MADT_LAPIC_NMI,
			 e[2] == MADT_LAPIC_NMI_ALL ? ACPI_NMI_ALL_CPUS : e[2],
			 acpi_rd16(e + 3), e[5]);
		break;
	case MADT_X2APIC_NMI:
		madt_nmi(w, MADT_X2APIC_NMI, acpi_rd32(e + 4), acpi_rd16(e + 2), e[8]);
		break;
	default:
		break;
	}
}

static void madt_walk(const uint8_t *t, uint32_t len, struct acpi_info *out)
{
	struct madt_walk w = { .out = out };
	uint32_t off = MADT_HDR_LEN;

	while (off < len) {
		uint8_t type = t[off];
		uint32_t elen = len - off >= 2 ? t[off + 1] : 0;

		if (elen < 2 || elen > len - off || elen < madt_min_len(type)) {
			kprintf("acpi: MADT truncated entry at offset %u (type %u, length %u), walk stopped\n",
				off, type, elen);
			break;
		}
		madt_entry(&w, t + off);
		off += elen;
	}
	if (w.overflow)
		kprintf("acpi: MADT lists %u CPUs beyond the %u supported, ignored\n",
			w.overflow, ACPI_MAX_CPUS);
	acpi_warn_summary(w.cpu_skips, "skipped MADT CPU entries");
	acpi_warn_summary(w.ioapic_drops, "ignored MADT I/O APIC entries");
	acpi_warn_summary(w.irq_drops, "ignored MADT interrupt overrides");
	acpi_warn_summary(w.lapic_drops, "ignored MADT local APIC overrides");
	acpi_warn_summary(w.nmi_drops, "refused MADT NMI entries");
}

static void madt_parse(const struct acpi_root *root, struct acpi_info *out)
{
	enum acpi_table_err e;
	const uint8_t *t = acpi_find_table(root, "APIC", &e);
	uint32_t len;

	if (!t) {
		out->error = madt_err_text[e];
		return;
	}
	len = acpi_rd32(t + 4);
	if (len < MADT_HDR_LEN) {
		out->error = "MADT shorter than its 44-byte header";
		return;
	}
	out->madt_revision = t[8];
	out->lapic_phys = acpi_rd32(t + 36);
	out->madt_flags = acpi_rd32(t + 40);
	madt_walk(t, len, out);
	kprintf("acpi: MADT rev %u: %u CPUs enabled, %u possible, %u skipped, %u I/O APICs, %u IRQ overrides, %u LINT NMI entries, local APIC at %#llx%s\n",
		out->madt_revision, out->nenabled, out->npossible,
		out->nskipped, out->nioapic, out->noverride, out->nlapic_nmi,
		(unsigned long long)out->lapic_phys,
		out->lapic_override ? " (override)" : "");
	if (out->nenabled == 0) {
		out->error = "MADT lists no enabled CPU";
		return;
	}
	out->madt_ok = true;
}

/* X_PM_TMR_BLK if it is a usable I/O port, else 0 (logged when set). */
static uint32_t fadt_x_pm_timer(const uint8_t *t, uint32_t len)
{
	const uint8_t *gas = t + FADT_X_PM_TMR_BLK;
	uint64_t addr;

	if (len < FADT_X_PM_TMR_BLK + GAS_LEN)
		return 0;
	addr = acpi_rd64(gas + 4);
	if (addr == 0)
		return 0;
	if (gas[0] != GAS_SYSTEM_IO) {
		kprintf("acpi: FADT X_PM_TMR_BLK in address space %u, not system I/O; trying PM_TMR_BLK\n",
			gas[0]);
		return 0;
	}
	if (addr > 0xffff) {
		kprintf("acpi: FADT X_PM_TMR_BLK port %#llx out of range\n",
			(unsigned long long)addr);
		return 0;
	}
	return (uint32_t)addr;
}

static uint32_t fadt_pm_timer(const uint8_t *t, uint32_t len)
{
	uint32_t port;

	if (len < FADT_PM_TMR_LEN + 1)
		return 0;
	port = acpi_rd32(t + FADT_PM_TMR_BLK);
	if (port == 0)
		return 0;
	/* ACPI: PM_TMR_LEN must be 4 when the timer is supported. */
	if (t[FADT_PM_TMR_LEN] != 4 || port > 0xffff) {
		kprintf("acpi: FADT PM_TMR_BLK %#x (length %u) unusable\n",
			port, t[FADT_PM_TMR_LEN]);
		return 0;
	}
	return port;
}

uint32_t acpi_fadt_port_block(const uint8_t *t, uint32_t len, uint32_t off,
			   uint32_t x_off, uint32_t blk_len, const char *name)
{
	uint64_t port = 0;

	if (len >= x_off + GAS_LEN && acpi_rd64(t + x_off + 4)) {
		port = acpi_rd64(t + x_off + 4);
		if (t[x_off] != GAS_SYSTEM_IO) {
			kprintf("acpi: FADT X_%s in address space %u, not system I/O; trying %s\n",
				name, t[x_off], name);
			port = 0;
		}
	}
	if (!port && len >= off + 4)
		port = acpi_rd32(t + off);
	if (port && port + blk_len > 0x10000) {
		kprintf("acpi: FADT %s %#llx + %u runs past the I/O space, ignored\n",
			name, (unsigned long long)port, blk_len);
		port = 0;
	}
	return (uint32_t)port;
}

/* SCI, ACPI mode switch, PM1a and GPE0 blocks: whatever the length holds. */
static void fadt_events(const uint8_t *t, uint32_t len, struct acpi_info *out)
{
	uint8_t gpe0_len = len > FADT_GPE0_BLK_LEN ? t[FADT_GPE0_BLK_LEN] : 0;
	uint8_t evt_len = len > FADT_PM1_EVT_LEN ? t[FADT_PM1_EVT_LEN] : 0;
	uint8_t cnt_len = len > FADT_PM1_CNT_LEN ? t[FADT_PM1_CNT_LEN] : 0;

	if (len >= FADT_SCI_INT + 2) {
		out->sci_ok = true;
		out->sci_int = (uint16_t)(t[FADT_SCI_INT] | t[FADT_SCI_INT + 1] << 8);
	}
	if (len > FADT_ACPI_ENABLE) {
		out->smi_cmd = acpi_rd32(t + FADT_SMI_CMD);
		out->acpi_enable = t[FADT_ACPI_ENABLE];
		if (out->smi_cmd > 0xffff) {
			kprintf("acpi: FADT SMI_CMD %#x is no I/O port, ignored\n", out->smi_cmd);
			out->smi_cmd = 0;
		}
	}
	if (evt_len >= 4 && !(evt_len & 1)) {
		out->pm1a_evt_port = acpi_fadt_port_block(t, len, FADT_PM1A_EVT_BLK, FADT_X_PM1A_EVT_BLK,
						evt_len, "PM1a_EVT_BLK");
		out->pm1_evt_len = out->pm1a_evt_port ? evt_len : 0;
	}
	if (cnt_len >= 2)
		out->pm1a_cnt_port = acpi_fadt_port_block(t, len, FADT_PM1A_CNT_BLK, FADT_X_PM1A_CNT_BLK,
						cnt_len, "PM1a_CNT_BLK");
	if (gpe0_len & 1) {
		kprintf("acpi: FADT GPE0_BLK_LEN %u is odd, no GPE0 block\n", gpe0_len);
	} else if (gpe0_len) {
		out->gpe0_port = acpi_fadt_port_block(t, len, FADT_GPE0_BLK, FADT_X_GPE0_BLK, gpe0_len,
					    "GPE0_BLK");
		out->gpe0_len = out->gpe0_port ? gpe0_len : 0;
	}
	kprintf("acpi: FADT SCI IRQ %u%s, SMI_CMD %#x (enable %#x), PM1a_EVT %#x, PM1a_CNT %#x, GPE0 %#x (%u bytes)\n",
		out->sci_int, out->sci_ok ? "" : " (table too short)", out->smi_cmd,
		out->acpi_enable, out->pm1a_evt_port, out->pm1a_cnt_port, out->gpe0_port,
		out->gpe0_len);
}

/*
 * IAPC_BOOT_ARCH (ACPI 6.5 5.2.9.3) only exists from FADT revision 2 and
 * offset 111 on; a shorter or older table says nothing about the 8042.
 */
static void fadt_boot_arch(const uint8_t *t, uint32_t len, struct acpi_info *out)
{
	uint16_t arch;

	if (t[8] < 2 || len < FADT_IAPC_BOOT_ARCH + 2)
		return;
	arch = (uint16_t)(t[FADT_IAPC_BOOT_ARCH] | t[FADT_IAPC_BOOT_ARCH + 1] << 8);
	out->boot_arch_ok = true;
	out->has_8042 = arch & FADT_IAPC_8042;
}

/*
 * RESET_REG and RESET_VALUE (ACPI 6.5 4.8.4.6, 5.2.9): used only when the
 * flag RESET_REG_SUP is set, the table reaches RESET_VALUE, and the
 * register is an 8-bit-wide byte in system I/O (port below 0x10000) or
 * system memory (non-zero address) with no bit offset; anything else is
 * ignored with a line, and reset falls back to the keyboard controller.
 */
static void fadt_reset(const uint8_t *t, uint32_t len, struct acpi_info *out)
{
	const uint8_t *g = t + FADT_RESET_REG;
	uint64_t addr;
	const char *why = NULL;

	if (len < FADT_RESET_VALUE + 1 || len < FADT_FLAGS + 4 ||
	    !(acpi_rd32(t + FADT_FLAGS) & FADT_RESET_REG_SUP))
		return;
	addr = acpi_rd64(g + 4);
	if (g[0] != GAS_SYSTEM_IO && g[0] != GAS_SYSTEM_MEMORY)
		why = "address space unsupported";
	else if (!addr)
		why = "address 0";
	else if (g[0] == GAS_SYSTEM_IO && addr > 0xffff)
		why = "port beyond the I/O space";
	else if (g[2] != 0 || (g[1] != 8 && g[1] != 0))
		why = "not a whole byte";
	if (why) {
		kprintf("acpi: FADT RESET_REG ignored (%s: space %u, width %u, offset %u, %#llx)\n",
			why, g[0], g[1], g[2], (unsigned long long)addr);
		return;
	}
	out->reset_ok = true;
	out->reset_io = g[0] == GAS_SYSTEM_IO;
	out->reset_addr = addr;
	out->reset_value = t[FADT_RESET_VALUE];
	kprintf("acpi: FADT RESET_REG %s %#llx value %#x\n", out->reset_io ? "port" : "memory",
		(unsigned long long)addr, out->reset_value);
}

/* The FADT's fields; returns the table (for the DSDT scan) or NULL. */
static const uint8_t *fadt_parse(const struct acpi_root *root, struct acpi_info *out)
{
	enum acpi_table_err e;
	const uint8_t *t = acpi_find_table(root, "FACP", &e);
	const char *src = "X_PM_TMR_BLK";
	uint32_t len, port;

	if (!t) {
		kprintf("acpi: FADT %s, no PM timer\n", acpi_table_err_text[e]);
		return NULL;
	}
	out->fadt_ok = true;
	len = acpi_rd32(t + 4);
	fadt_events(t, len, out);
	fadt_boot_arch(t, len, out);
	fadt_reset(t, len, out);
	port = fadt_x_pm_timer(t, len);
	if (!port) {
		port = fadt_pm_timer(t, len);
		src = "PM_TMR_BLK";
	}
	if (!port) {
		kprintf("acpi: FADT rev %u: no PM timer\n", t[8]);
		return t;
	}
	out->pm_timer_port = port;
	out->pm_timer_32bit = len >= FADT_FLAGS + 4 &&
			      (acpi_rd32(t + FADT_FLAGS) & FADT_TMR_VAL_EXT);
	kprintf("acpi: FADT rev %u: PM timer at port %#x (%u-bit, %s)\n", t[8],
		port, out->pm_timer_32bit ? 32 : 24, src);
	return t;
}

#define SRAT_HDR_LEN		48
#define SRAT_LAPIC		0
#define SRAT_LAPIC_LEN		16
#define SRAT_X2APIC		2
#define SRAT_X2APIC_LEN		24
#define SRAT_ENABLED		1u
#define SRAT_MAX_DOMAINS	64

struct srat_walk {
	struct acpi_info *out;
	uint32_t domains[SRAT_MAX_DOMAINS];	/* dense node -> proximity domain */
	uint32_t ndomains;
	uint32_t unnamed;			/* domains beyond SRAT_MAX_DOMAINS */
	uint64_t placed[ACPI_MAX_CPUS / 64];	/* cpus[] an entry has named */
};

static uint32_t srat_node(struct srat_walk *w, uint32_t domain)
{
	for (uint32_t i = 0; i < w->ndomains; i++)
		if (w->domains[i] == domain)
			return i;
	if (w->ndomains == SRAT_MAX_DOMAINS) {
		w->unnamed++;
		return 0;
	}
	w->domains[w->ndomains] = domain;
	return w->ndomains++;
}

static void srat_cpu(struct srat_walk *w, uint32_t apic_id, uint32_t domain)
{
	struct acpi_info *out = w->out;

	for (uint32_t i = 0; i < out->ncpus; i++) {
		uint64_t bit = 1ull << (i % 64);

		if (out->cpus[i].apic_id != apic_id)
			continue;
		if (w->placed[i / 64] & bit) {
			kprintf("acpi: SRAT names APIC ID %#x again (domain %u), first entry kept\n",
				apic_id, domain);
			return;
		}
		w->placed[i / 64] |= bit;
		out->cpus[i].node = srat_node(w, domain);
		return;
	}
	/* a CPU the MADT does not list: nothing to place */
}

/* Smallest length of the entry types we read; others just a header. */
static uint8_t srat_min_len(uint8_t type)
{
	switch (type) {
	case SRAT_LAPIC:
		return SRAT_LAPIC_LEN;
	case SRAT_X2APIC:
		return SRAT_X2APIC_LEN;
	default:
		return 2;
	}
}

static void srat_entry(struct srat_walk *w, const uint8_t *e)
{
	if (e[0] == SRAT_LAPIC && (acpi_rd32(e + 4) & SRAT_ENABLED))
		srat_cpu(w, e[3], e[2] | (acpi_rd32(e + 8) & 0xffffff00u));
	else if (e[0] == SRAT_X2APIC && (acpi_rd32(e + 12) & SRAT_ENABLED))
		srat_cpu(w, acpi_rd32(e + 8), acpi_rd32(e + 4));
}

static void srat_all_on_node0(struct acpi_info *out)
{
	for (uint32_t i = 0; i < out->ncpus; i++)
		out->cpus[i].node = 0;
}

static void srat_parse(const struct acpi_root *root, struct acpi_info *out)
{
	struct srat_walk w = { .out = out };
	enum acpi_table_err e;
	const uint8_t *t = acpi_find_table(root, "SRAT", &e);
	uint32_t len, off = SRAT_HDR_LEN;

	if (!t)
		return;		/* no SRAT is the common case: one node */
	len = acpi_rd32(t + 4);
	if (len < SRAT_HDR_LEN) {
		kprintf("acpi: SRAT shorter than its 48-byte header; all CPUs on node 0\n");
		return;
	}
	while (off < len) {
		uint8_t type = t[off];
		uint32_t elen = len - off >= 2 ? t[off + 1] : 0;

		if (elen < 2 || elen > len - off || elen < srat_min_len(type)) {
			kprintf("acpi: SRAT truncated entry at offset %u (type %u, length %u); all CPUs on node 0\n",
				off, type, elen);
			srat_all_on_node0(out);
			return;
		}
		srat_entry(&w, t + off);
		off += elen;
	}
	if (w.unnamed)
		kprintf("acpi: SRAT names more than %u proximity domains; %u CPU entries put on node 0\n",
			SRAT_MAX_DOMAINS, w.unnamed);
	for (uint32_t i = 0; i < out->ncpus; i++)
		out->srat_unnamed += !(w.placed[i / 64] & (1ull << (i % 64)));
	if (out->srat_unnamed && w.ndomains)
		kprintf("acpi: SRAT does not name %u of %u CPUs; they join node 0 (domain %u)\n",
			out->srat_unnamed, out->ncpus, w.domains[0]);
	out->numa_nodes = w.ndomains ? w.ndomains : 1;
	out->srat_ok = true;
	kprintf("acpi: SRAT rev %u: %u NUMA node%s with CPUs\n", t[8], out->numa_nodes,
		out->numa_nodes == 1 ? "" : "s");
}

bool acpi_sci_route(const struct acpi_info *info, struct acpi_irq_route *out)
{
	uint16_t flags = 0;

	if (!info->sci_ok)
		return false;
	out->gsi = info->sci_int;
	out->overridden = false;
	for (uint32_t i = 0; i < info->noverride; i++) {
		if (info->overrides[i].source == info->sci_int) {
			out->gsi = info->overrides[i].gsi;
			flags = info->overrides[i].flags;
			out->overridden = true;
			break;
		}
	}
	/* the SCI's own mode where the flags conform (or are reserved): level, low */
	out->active_low = (flags & INTI_POLARITY_MASK) != INTI_ACTIVE_HIGH;
	out->level = (flags & INTI_TRIGGER_MASK) != INTI_EDGE;
	return true;
}

uint32_t acpi_nmi_pins(const struct acpi_info *info, uint32_t apic_id,
		       struct acpi_nmi_pin pins[2])
{
	uint32_t uid = ACPI_NMI_ALL_CPUS, n = 0;

	pins[0] = pins[1] = (struct acpi_nmi_pin){ 0 };
	for (uint32_t i = 0; i < info->ncpus; i++) {
		if (info->cpus[i].apic_id == apic_id) {
			uid = info->cpus[i].uid;
			break;
		}
	}
	for (uint32_t i = 0; i < info->nlapic_nmi; i++) {
		const struct acpi_lapic_nmi *e = &info->lapic_nmis[i];
		struct acpi_nmi_pin *p = &pins[e->lint & 1];

		if (p->nmi || (e->uid != ACPI_NMI_ALL_CPUS && e->uid != uid))
			continue;
		/* conforming polarity and trigger: the ISA default, high and edge */
		p->nmi = true;
		p->active_low = (e->flags & INTI_POLARITY_MASK) == INTI_ACTIVE_LOW;
		p->level = (e->flags & INTI_TRIGGER_MASK) == INTI_LEVEL;
		n++;
	}
	return n;
}

void acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
		struct acpi_info *out)
{
	const uint8_t *r = rsdp;
	struct acpi_root root;

	memset(out, 0, sizeof(*out));
	out->numa_nodes = 1;
	out->s5.error = "no ACPI tables";	/* until acpi_s5_parse() says more */
	if (!map) {
		out->error = "no map function";
	} else if (rsdp_ok(r, rsdp_len, out)) {
		out->rsdp_revision = r[15];
		if (pick_root(r, rsdp_len, map, ctx, &root, out)) {
			madt_parse(&root, out);
			acpi_s5_parse(&root, fadt_parse(&root, out), out);
			acpi_hpet_parse(&root, &out->hpet);
			if (out->madt_ok)
				srat_parse(&root, out);
			acpi_spcr_parse(&root, &out->spcr);
		}
	}
	if (out->error)
		kprintf("acpi: %s; booting without the MADT (one CPU)\n",
			out->error);
}
