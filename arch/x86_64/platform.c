// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * platform: CPU feature detection and the way out of a run.
 *
 * The exit path: when we run under QEMU (CPUID hypervisor bit and the
 * fw_cfg signature "QEMU" at I/O port 0x510/0x511, QEMU docs/specs/fw_cfg),
 * we write the result to the isa-debug-exit port 0xf4: 0x10 for pass, 0x11
 * for fail, which QEMU turns into exit status (v << 1) | 1, i.e. 33 or 35.
 * If the device is absent the write is ignored and the caller halts.  On
 * real hardware we never write to port 0xf4: who knows what lives there.
 *
 * Reset (the shell's reboot) is tried method by method, the caller
 * naming each before it starts (platform_reset_try), so a record says
 * which one the machine died in:
 *
 *   1. the FADT reset register (ACPI 6.5 4.8.4.6), when the kernel handed
 *      one down (platform_set_reset_reg): RESET_VALUE written as one byte
 *      to the I/O port or the memory byte, mapped at hand-down time so
 *      the reset path allocates nothing;
 *   2. the keyboard controller's reset pulse, command 0xFE to port 0x64
 *      once its input buffer is empty (status bit 1 clear, bounded wait),
 *      which PCs and QEMU's i8042 honour; not tried where the status port
 *      reads 0xFF (no controller there);
 *   3. a triple fault (an empty IDT and an exception), which resets the
 *      CPU on every machine.
 *
 * Each of the first two waits a bounded while for the reset to land and
 * returns if it did not.
 *
 * Power-off (docs/firmware.md): ACPI S5, when the kernel handed down the
 * SLP_TYP values kernel/acpi_s5.c found in the DSDT and the PM1 control
 * ports (platform_set_s5).  ACPI 6.5 4.8.3.2.1 / 7.4.2: the sleep type is
 * written to SLP_TYP (bits 12:10) of PM1a_CNT (SLP_TYPb to PM1b_CNT if
 * there is one) first, then SLP_EN (bit 13) with it; every other bit of
 * the register is kept.  Hardware in legacy (SMM) mode may ignore the
 * write, so when SCI_EN (bit 0) is clear and the FADT names SMI_CMD, the
 * ACPI_ENABLE value goes there first and SCI_EN is awaited, bounded.  QEMU
 * stops at the write (its exit status is then 0).  Like reset, the try
 * returns when the machine is still running a while later, and the
 * caller says so.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/platform.h"
#include "kernel/time.h"
#include "lib/string.h"

#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511
#define FW_CFG_SIGNATURE	0x0000
#define DEBUG_EXIT_PORT		0xf4
#define DEBUG_EXIT_PASS		0x10
#define DEBUG_EXIT_FAIL		0x11
#define KBC_STATUS		0x64
#define KBC_INPUT_FULL		0x02
#define KBC_PULSE_RESET		0xfe
#define KBC_POLLS		100000
#define PM1_SCI_EN		0x0001u
#define PM1_SLP_TYP_SHIFT	10
#define PM1_SLP_TYP_MASK	(7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN		(1u << 13)
#define SCI_EN_WAIT_US		1000000
#define S5_WAIT_US		1000000

struct cpu_features cpu_features;

/* The FADT reset register; written once at boot on the boot CPU. */
static struct {
	bool ok;
	bool io;
	uint16_t port;
	volatile uint8_t *mem;	/* MMIO: volatile for the device, not for sync */
	uint8_t value;
} reset_reg;

/* ACPI S5; written once at boot on the boot CPU. */
static struct {
	bool ok;
	uint16_t pm1a, pm1b;	/* PM1a_CNT, PM1b_CNT (0 = none) ports */
	uint8_t typa, typb;
	uint16_t smi_cmd;	/* 0 = ACPI mode cannot be asked for */
	uint8_t acpi_enable;
} s5;

static void vendor_string(char out[13], uint32_t b, uint32_t c, uint32_t d)
{
	memcpy(out, &b, 4);
	memcpy(out + 4, &c, 4);
	memcpy(out + 8, &d, 4);
	out[12] = '\0';
}

static bool fw_cfg_is_qemu(void)
{
	char sig[4];

	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(FW_CFG_PORT_DATA);
	return memcmp(sig, "QEMU", 4) == 0;
}

void platform_detect(void)
{
	struct cpu_features *f = &cpu_features;
	struct cpuid_regs r = cpuid(0, 0);

	f->max_leaf = r.eax;
	vendor_string(f->vendor, r.ebx, r.edx, r.ecx);
	r = cpuid(1, 0);
	f->stepping = r.eax & 0xf;
	f->model = (r.eax >> 4) & 0xf;
	f->family = (r.eax >> 8) & 0xf;
	if (f->family == 0xf)
		f->family += (r.eax >> 20) & 0xff;
	if (f->family == 0x6 || f->family >= 0xf)
		f->model |= ((r.eax >> 16) & 0xf) << 4;
	f->x2apic = r.ecx & (1u << 21);
	f->tsc_deadline = r.ecx & (1u << 24);
	f->hypervisor = r.ecx & (1u << 31);
	if (f->max_leaf >= 6)
		f->arat = cpuid(6, 0).eax & (1u << 2);
	r = cpuid(0x80000000, 0);
	f->max_ext_leaf = r.eax;
	if (f->max_ext_leaf >= 0x80000001)
		f->nx = cpuid(0x80000001, 0).edx & (1u << 20);
	if (f->max_ext_leaf >= 0x80000007)
		f->invariant_tsc = cpuid(0x80000007, 0).edx & (1u << 8);
	if (f->hypervisor) {
		r = cpuid(0x40000000, 0);
		vendor_string(f->hv_vendor, r.ebx, r.ecx, r.edx);
		f->qemu = fw_cfg_is_qemu();
	}
}

void platform_exit(bool pass)
{
	if (!cpu_features.qemu)
		return;
	outb(DEBUG_EXIT_PORT, pass ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
}

void platform_set_reset_reg(bool io, uint64_t addr, uint8_t value)
{
	reset_reg.ok = false;
	reset_reg.io = io;
	reset_reg.value = value;
	if (io) {
		if (!addr || addr > 0xffff)
			return;
		reset_reg.port = (uint16_t)addr;
	} else {
		reset_reg.mem = paging_map_mmio(addr, 1);
		if (!reset_reg.mem)
			return;
	}
	reset_reg.ok = true;
}

/*
 * An 8042 answers at its status port; on a machine without one (legacy-
 * free boards, QEMU's i8042=off) nothing decodes port 0x64 and it reads
 * 0xFF, a status no working controller shows (both error bits set).
 */
static bool kbc_present(void)
{
	return inb(KBC_STATUS) != 0xff;
}

bool platform_reset_has(enum reset_method m)
{
	switch (m) {
	case RESET_FADT:
		return reset_reg.ok;
	case RESET_KBC:
		return kbc_present();
	default:
		return true;
	}
}

const char *platform_reset_absent_why(enum reset_method m)
{
	switch (m) {
	case RESET_FADT:
		return "the FADT names no usable reset register";
	case RESET_KBC:
		return "no keyboard controller: its status port 0x64 reads 0xff";
	default:
		return "";
	}
}

const char *platform_reset_name(enum reset_method m)
{
	switch (m) {
	case RESET_FADT:
		return "fadt_reset_reg";
	case RESET_KBC:
		return "keyboard_controller";
	default:
		return "triple_fault";
	}
}

static void settle(void)
{
	for (int i = 0; i < KBC_POLLS * 10; i++)
		cpu_pause();
}

static void triple_fault(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty = { 0, 0 };

	__asm__ volatile("lidt %0; int3" : : "m"(empty));
	for (;;)
		__asm__ volatile("cli; hlt");
}

void platform_reset_try(enum reset_method m)
{
	switch (m) {
	case RESET_FADT:
		if (!reset_reg.ok)
			return;
		if (reset_reg.io)
			outb(reset_reg.port, reset_reg.value);
		else
			*reset_reg.mem = reset_reg.value;
		settle();
		return;
	case RESET_KBC:
		if (!kbc_present())
			return;
		for (int i = 0; i < KBC_POLLS && (inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
			cpu_pause();
		outb(KBC_STATUS, KBC_PULSE_RESET);
		settle();
		return;
	default:
		triple_fault();
	}
}

void platform_set_s5(uint16_t pm1a_cnt, uint16_t pm1b_cnt, uint8_t typa,
		     uint8_t typb, uint16_t smi_cmd, uint8_t acpi_enable)
{
	s5.pm1a = pm1a_cnt;
	s5.pm1b = pm1b_cnt;
	s5.typa = typa & 7;
	s5.typb = typb & 7;
	s5.smi_cmd = smi_cmd;
	s5.acpi_enable = acpi_enable;
	s5.ok = pm1a_cnt != 0;
}

bool platform_poweroff_has(void)
{
	return s5.ok;
}

/* SCI_EN set, asking the firmware through SMI_CMD if it is not; bounded. */
static void acpi_mode(void)
{
	uint64_t deadline;

	if ((inw(s5.pm1a) & PM1_SCI_EN) || !s5.smi_cmd || !s5.acpi_enable)
		return;
	outb(s5.smi_cmd, s5.acpi_enable);
	deadline = time_deadline_us(SCI_EN_WAIT_US);
	while (!(inw(s5.pm1a) & PM1_SCI_EN) && !time_after_deadline(deadline))
		cpu_pause();
}

static void pm1_write(uint16_t port, uint8_t typ, uint16_t en)
{
	uint16_t v = inw(port) & (uint16_t)~(PM1_SLP_TYP_MASK | PM1_SLP_EN);

	outw(port, (uint16_t)(v | typ << PM1_SLP_TYP_SHIFT | en));
}

void platform_poweroff(void)
{
	uint64_t deadline;

	if (!s5.ok)
		return;
	acpi_mode();
	pm1_write(s5.pm1a, s5.typa, 0);
	if (s5.pm1b)
		pm1_write(s5.pm1b, s5.typb, 0);
	pm1_write(s5.pm1a, s5.typa, PM1_SLP_EN);
	if (s5.pm1b)
		pm1_write(s5.pm1b, s5.typb, PM1_SLP_EN);
	deadline = time_deadline_us(S5_WAIT_US);
	while (!time_after_deadline(deadline))
		cpu_pause();
}

void platform_reset(void)
{
	for (int m = RESET_FADT; m < RESET_TRIPLE_FAULT; m++)
		platform_reset_try((enum reset_method)m);
	triple_fault();
	__builtin_unreachable();
}
