// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_acpi: libFuzzer target for kernel/acpi.c: the RSDP, the RSDT/XSDT
 * walk and every table parsed behind it (MADT, FADT, SRAT, SPCR, the
 * HPET table of kernel/acpi_hpet.c, and the FADT's DSDT for kernel/acpi_s5.c).
 *
 * Input layout:
 *   [0]        flags: bit 0 set keeps checksums as given, else every
 *              whole table mapped and the RSDP get theirs fixed
 *   [1]        the RSDP copy's length is this byte mod 37 (the multiboot2
 *              tags carry 20 or 36 bytes; anything else must be refused)
 *   [2, 38)    the RSDP bytes (only the first length of them are given)
 *   [38, ...)  physical memory from address 0: the tables
 * The RSDP copy and every mapping are heap blocks of exactly the bytes
 * asked for (tests/fuzz/fuzz_support.h), so a read past the RSDP, a table
 * or an entry is an AddressSanitizer report.
 *
 * Invariants checked on struct acpi_info (kernel/acpi.h): counts within
 * their arrays, enabled CPUs among the possible ones, error set exactly
 * when the MADT was refused, every CPU's node below numa_nodes, the SCI
 * route answered only when the FADT named an SCI, no NUMA node
 * without a CPU (a SRAT naming a CPU twice must not make one), an
 * HPET only with a usable base (non-zero, 1 KiB aligned, not wrapping)
 * and 1 to 32 comparators, else all zero.  The
 * MADT's LINT NMI entries kept are all well-formed (LINT 0 or 1, no
 * reserved flags) and acpi_nmi_pins() gives each CPU at most its two
 * pins; the S5 result (the FADT's DSDT, scanned for `_S5_`, reached from
 * the seeds' FADTs) is either usable, with 3-bit sleep types and a
 * PM1a_CNT port, or refused with a reason.
 * An SPCR console only as kernel/acpi_spcr.c promises it (a reason exactly
 * when refused; a port from 0x100 whose 8 registers fit below 0x10000, memory
 * registers that do not wrap, an ISA IRQ below 16).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/acpi.h"
#include "tests/fuzz/fuzz_support.h"

#define HDR_LEN 38

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct acpi_info info;
static struct fuzz_mem mem;

static void check_hpet(const struct acpi_hpet *h)
{
	if (!h->ok) {
		if (h->base || h->comparators || h->vendor || h->min_tick)
			fuzz_fail("an HPET refused but its fields left set");
		return;
	}
	if (!h->base || (h->base & (ACPI_HPET_REGS_LEN - 1)) ||
	    h->base > UINT64_MAX - ACPI_HPET_REGS_LEN)
		fuzz_fail("an HPET kept with an unusable base address");
	if (h->comparators < 1 || h->comparators > 32)
		fuzz_fail("an HPET with a comparator count outside 1..32");
}

static void check_nmi(const struct acpi_info *a)
{
	struct acpi_nmi_pin pins[2];

	if (a->nlapic_nmi > ACPI_MAX_LAPIC_NMIS)
		fuzz_fail("more NMI entries than the array holds");
	for (uint32_t i = 0; i < a->nlapic_nmi; i++) {
		if (a->lapic_nmis[i].lint > 1 || (a->lapic_nmis[i].flags & 0xfff0) ||
		    (a->lapic_nmis[i].flags & 3) == 2 || (a->lapic_nmis[i].flags & 0xc) == 8)
			fuzz_fail("an NMI entry kept with a bad LINT# or reserved flags");
	}
	for (uint32_t i = 0; i < a->ncpus; i++) {
		uint32_t n = acpi_nmi_pins(a, a->cpus[i].apic_id, pins);

		if (n > 2 || n != (uint32_t)pins[0].nmi + pins[1].nmi)
			fuzz_fail("acpi_nmi_pins counts other than the pins it set");
	}
}

static void check_spcr(const struct acpi_spcr *s)
{
	const struct uart_desc *u = &s->uart;

	if (!s->present) {
		if (s->ok)
			fuzz_fail("an SPCR console without an SPCR");
		return;
	}
	if (s->ok == (s->why != NULL))
		fuzz_fail("SPCR: a reason not set exactly when refused");
	if (!s->ok)
		return;
	if (u->addr == 0 || u->irq >= 16)
		fuzz_fail("SPCR: address 0 or an IRQ above 15 accepted");
	if (u->access == UART_IO ? u->addr > 0xFFF8 || u->addr < UART_IO_MIN :
	    u->access != UART_MMIO8 && u->access != UART_MMIO32)
		fuzz_fail("SPCR: a port past 0xFFF8 or an unknown access kind");
	if (u->access != UART_IO && u->addr + (uart_span(u) - 1) < u->addr)
		fuzz_fail("SPCR: memory registers that wrap past 2^64");
}

static void check(const struct acpi_info *a)
{
	struct acpi_irq_route route;
	uint32_t enabled = 0;

	if (a->ncpus > ACPI_MAX_CPUS || a->nioapic > ACPI_MAX_IOAPICS ||
	    a->noverride > ACPI_MAX_OVERRIDES)
		fuzz_fail("a count exceeds its array");
	if (a->madt_ok != (a->error == NULL))
		fuzz_fail("error is not set exactly when the MADT was refused");
	for (uint32_t i = 0; i < a->ncpus; i++) {
		enabled += a->cpus[i].enabled;
		if (a->cpus[i].entry_type != 0 && a->cpus[i].entry_type != 9)
			fuzz_fail("a CPU from an entry that is not type 0 or 9");
		if (a->cpus[i].node >= (a->numa_nodes ? a->numa_nodes : 1))
			fuzz_fail("a CPU's node is not below numa_nodes");
	}
	if (enabled != a->nenabled || a->npossible != a->ncpus)
		fuzz_fail("nenabled or npossible disagree with cpus[]");
	if (a->srat_ok) {
		for (uint32_t n = 0; n < a->numa_nodes; n++) {
			uint32_t i = 0;

			while (i < a->ncpus && a->cpus[i].node != n)
				i++;
			if (i == a->ncpus)
				fuzz_fail("a NUMA node without a CPU");
		}
	}
	if (acpi_sci_route(a, &route) != a->sci_ok)
		fuzz_fail("an SCI route without an SCI, or none with one");
	check_hpet(&a->hpet);
	check_nmi(a);
	if (a->s5.ok == (a->s5.error != NULL))
		fuzz_fail("s5.error is not set exactly when S5 is unusable");
	if (a->s5.ok && (a->s5.slp_typa > 7 || a->s5.slp_typb > 7 || !a->s5.pm1a_cnt))
		fuzz_fail("a usable S5 with a sleep type above 7 or no PM1a_CNT");
	check_spcr(&a->spcr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t rsdp_len;
	uint8_t *rsdp;

	if (size < HDR_LEN)
		return 0;
	rsdp_len = data[1] % 37;
	rsdp = malloc(rsdp_len);	/* ASan gives 0 bytes a block of its own */
	if (!rsdp)
		abort();
	memcpy(rsdp, data + 2, rsdp_len);
	mem.base = 0;
	mem.img = data + HDR_LEN;
	mem.size = size - HDR_LEN;
	mem.fix_csum = !(data[0] & 1);
	if (mem.fix_csum && rsdp_len >= 20)
		fuzz_fix_checksum(rsdp, 20, 8);
	if (mem.fix_csum && rsdp_len >= 36)
		fuzz_fix_checksum(rsdp, 36, 32);
	memset(&info, 0xa5, sizeof(info));	/* acpi_parse must overwrite all */
	acpi_parse(rsdp, rsdp_len, fuzz_map, &mem, &info);
	check(&info);
	fuzz_mem_release(&mem);
	free(rsdp);
	return 0;
}
