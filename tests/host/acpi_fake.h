/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acpi_fake: crafted ACPI tables in a fake physical memory window, for
 * the host tests of kernel/acpi.c (test_acpi_madt, test_acpi_srat).
 *
 * Tables are built with correct checksums (make_table() and make_rsdp()
 * fix them) and then corrupted one byte or field at a time by the tests.
 * acpi_parse() reaches them only through fake_map(), which can be told to
 * refuse one table.  reset() is the setup of every test: it clears the
 * memory and poisons `info`, which acpi_parse() must overwrite.
 *
 * Everything is static and the functions inline (no warning for those a
 * program does not use): each test program includes this header once.
 */
#ifndef PULLKERN_TESTS_ACPI_FAKE_H
#define PULLKERN_TESTS_ACPI_FAKE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "host_support.h"
#include "kernel/acpi.h"

#define FAKE_BASE	0x7ffe0000ull	/* where QEMU puts its tables, roughly */
#define FAKE_SIZE	(256 * 1024)
#define LAPIC_DEFAULT	0xfee00000u

#define ENABLED		1u
#define ONLINE_CAPABLE	2u

struct fake_ctx {
	uint64_t deny_phys;	/* 0: map everything inside the window */
	bool deny_whole_only;	/* refuse only maps longer than a header */
	unsigned calls;
};

static uint8_t fake_mem[FAKE_SIZE] __attribute__((aligned(16)));
static size_t fake_top;
static struct fake_ctx fctx;
static uint8_t rsdp[36];
static struct acpi_info info;	/* too large for the stack */

/* MADT body under construction: everything after the SDT header. */
static uint8_t madt_body[32 * 1024];
static size_t madt_len;

static inline const void *fake_map(uint64_t phys, uint64_t len, void *ctx)
{
	struct fake_ctx *f = ctx;

	f->calls++;
	if (f->deny_phys && phys == f->deny_phys &&
	    (!f->deny_whole_only || len > 36))
		return NULL;
	if (phys < FAKE_BASE || len > FAKE_SIZE ||
	    phys - FAKE_BASE > FAKE_SIZE - len)
		return NULL;
	return fake_mem + (phys - FAKE_BASE);
}

static inline uint8_t *at(uint64_t phys)
{
	return fake_mem + (phys - FAKE_BASE);
}

static inline uint64_t fake_alloc(size_t len)
{
	uint64_t phys;

	fake_top = (fake_top + 15) & ~(size_t)15;
	assert_true(fake_top + len <= FAKE_SIZE);
	phys = FAKE_BASE + fake_top;
	fake_top += len;
	return phys;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Make bytes [0, len) sum to zero by adjusting p[at_off]. */
static inline void fix_checksum(uint8_t *p, size_t len, size_t at_off)
{
	uint8_t sum = 0;
	size_t i;

	p[at_off] = 0;
	for (i = 0; i < len; i++)
		sum += p[i];
	p[at_off] = (uint8_t)-sum;
}

static inline void refix_table(uint64_t phys)
{
	uint8_t *t = at(phys);

	fix_checksum(t, t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24, 9);
}

/* An SDT with the given body, checksummed; returns its address. */
static inline uint64_t make_table(const char *sig, uint8_t rev, const void *body,
			   size_t body_len)
{
	uint64_t phys = fake_alloc(36 + body_len);
	uint8_t *t = at(phys);

	memset(t, 0, 36 + body_len);
	memcpy(t, sig, 4);
	put32(t + 4, (uint32_t)(36 + body_len));
	t[8] = rev;
	memcpy(t + 10, "PKTEST", 6);
	memcpy(t + 16, "PULLKERN", 8);
	put32(t + 24, 1);
	memcpy(t + 28, "PKTC", 4);
	put32(t + 32, 1);
	if (body_len)
		memcpy(t + 36, body, body_len);
	fix_checksum(t, 36 + body_len, 9);
	return phys;
}

static inline uint64_t make_rsdt(const uint64_t *tables, size_t n)
{
	uint8_t body[64];
	size_t i;

	for (i = 0; i < n; i++)
		put32(body + 4 * i, (uint32_t)tables[i]);
	return make_table("RSDT", 1, body, 4 * n);
}

static inline uint64_t make_xsdt(const uint64_t *tables, size_t n)
{
	uint8_t body[128];
	size_t i;

	for (i = 0; i < n; i++)
		put64(body + 8 * i, tables[i]);
	return make_table("XSDT", 1, body, 8 * n);
}

static inline void make_rsdp(uint8_t rev, uint64_t rsdt, uint64_t xsdt)
{
	memset(rsdp, 0, sizeof(rsdp));
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "PKTEST", 6);
	rsdp[15] = rev;
	put32(rsdp + 16, (uint32_t)rsdt);
	put32(rsdp + 20, 36);
	put64(rsdp + 24, xsdt);
	fix_checksum(rsdp, 20, 8);
	fix_checksum(rsdp, 36, 32);
}

static inline void madt_begin(uint32_t lapic)
{
	madt_len = 8;
	put32(madt_body, lapic);
	put32(madt_body + 4, 1);	/* PCAT_COMPAT */
}

/*
 * Append a zeroed entry {type, len, ...} to a table body of `cap` bytes
 * filled to *used (MADT and SRAT entries share this header).
 */
static inline uint8_t *table_entry(uint8_t *body, size_t cap, size_t *used,
				   uint8_t type, uint8_t len)
{
	uint8_t *e = body + *used;

	assert_true(*used + len <= cap);
	memset(e, 0, len);
	e[0] = type;
	e[1] = len;
	*used += len;
	return e;
}

static inline uint8_t *madt_entry(uint8_t type, uint8_t len)
{
	return table_entry(madt_body, sizeof(madt_body), &madt_len, type, len);
}

static inline void madt_lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t *e = madt_entry(0, 8);

	e[2] = uid;
	e[3] = id;
	put32(e + 4, flags);
}

static inline void madt_x2apic(uint32_t id, uint32_t flags, uint32_t uid)
{
	uint8_t *e = madt_entry(9, 16);

	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, uid);
}

static inline void madt_ioapic(void)
{
	uint8_t *e = madt_entry(1, 12);

	put32(e + 4, 0xfec00000u);
}

static inline void madt_lapic_override(uint64_t addr)
{
	uint8_t *e = madt_entry(5, 12);

	put64(e + 4, addr);
}

/* Interrupt source override (type 2): a type the parser must step over. */
static inline void madt_irq_override(void)
{
	uint8_t *e = madt_entry(2, 10);

	e[3] = 0;
	put32(e + 4, 2);
}

static inline void madt_raw(const uint8_t *bytes, size_t n)
{
	memcpy(madt_body + madt_len, bytes, n);
	madt_len += n;
}

static inline uint64_t madt_end(uint8_t rev)
{
	return make_table("APIC", rev, madt_body, madt_len);
}

/* A FADT of `len` bytes with the PM timer fields set. */
static inline uint64_t make_fadt(uint8_t rev, size_t len, uint32_t pm_blk,
			  uint8_t pm_len, uint32_t flags, uint8_t x_space,
			  uint64_t x_addr)
{
	uint8_t body[244 - 36];

	memset(body, 0, sizeof(body));
	assert_true(len <= 244);
	put32(body + 76 - 36, pm_blk);
	body[91 - 36] = pm_len;
	put32(body + 112 - 36, flags);
	if (len >= 220) {
		body[208 - 36] = x_space;
		body[209 - 36] = 32;
		body[211 - 36] = 3;
		put64(body + 212 - 36, x_addr);
	}
	return make_table("FACP", rev, body, len - 36);
}

/* Four enabled CPUs, one I/O APIC, as QEMU -smp 4 describes them. */
static inline uint64_t qemu_madt(uint8_t rev)
{
	int i;

	madt_begin(LAPIC_DEFAULT);
	for (i = 0; i < 4; i++)
		madt_lapic((uint8_t)i, (uint8_t)i, ENABLED);
	madt_ioapic();
	madt_irq_override();
	return madt_end(rev);
}

static inline uint64_t qemu_fadt(void)
{
	return make_fadt(1, 116, 0x608, 4, 0, 0, 0);
}

/* A BIOS-style system: RSDP revision 0, RSDT with FADT and MADT. */
static inline uint64_t rsdt_system(uint64_t madt, uint64_t fadt)
{
	uint64_t tables[2] = { fadt, madt };
	uint64_t rsdt = make_rsdt(tables, 2);

	make_rsdp(0, rsdt, 0);
	return rsdt;
}

static inline void parse(size_t rsdp_len)
{
	acpi_parse(rsdp, rsdp_len, fake_map, &fctx, &info);
}

static inline int reset(void **state)
{
	(void)state;
	memset(fake_mem, 0, sizeof(fake_mem));
	fake_top = 0;
	memset(&fctx, 0, sizeof(fctx));
	memset(&info, 0xa5, sizeof(info));	/* acpi_parse must clear it */
	host_log_reset();
	return 0;
}

#endif
