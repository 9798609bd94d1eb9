// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot_report: the firmware, the loader, the memory, the consoles, the
 * command line as accepted and the boot CPU's features.
 *
 * The record's fields: firmware, cmdline (the accepted options, written so
 * they parse back: kernel/options.h), mem_mib, loader, consoles, serial
 * and serial_found (the serial console and how it was found:
 * docs/consoles.md),
 * cpu_vendor, hypervisor (null on bare metal), x2apic, tsc_deadline, arat,
 * invariant_tsc.  Strings are cut to the limits of kernel/boot_records.h,
 * a cut marked "...": the record is never lost to report_overflow.
 */
#include "arch/x86_64/platform.h"
#include "drivers/console/serial.h"
#include "drivers/console/uart.h"
#include "kernel/boot_records.h"
#include "kernel/boot_report.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/multiboot2.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "kernel/report.h"

void boot_report(const struct boot_info *bi)
{
	/* once, on the BSP before any AP runs: static keeps them off its stack */
	static char buf[BOOT_RECORD_MAX];
	static char opts[CMDLINE_MAX_LEN];
	static char serial[48];
	const struct uart_desc *uart = serial_desc();
	const struct cpu_features *f = &cpu_features;
	struct boot_record r = {
		.firmware = bi->efi ? "uefi" : "bios",
		.cmdline = opts,
		.cmdline_cut = options_format(opts, sizeof(opts)) >= sizeof(opts),
		.mem_mib = mb2_usable_bytes(bi) >> 20,
		.loader = bi->loader,
		.consoles = console_names(),
		.cpu_vendor = f->vendor,
		.hypervisor = f->hypervisor ? f->hv_vendor : NULL,
		.x2apic = f->x2apic,
		.tsc_deadline = f->tsc_deadline,
		.arat = f->arat,
		.invariant_tsc = f->invariant_tsc,
		.serial = uart ? serial : NULL,
		.serial_found = console_serial_found(),
	};

	if (uart)
		uart_name(uart, serial, sizeof(serial));

	kprintf("boot: %s firmware, loader \"%s\", %lu MiB usable, consoles %s\n",
		bi->efi ? "UEFI" : "BIOS", bi->loader,
		(unsigned long)r.mem_mib, r.consoles);
	kprintf("cpu:  %s family %#x model %#x%s%s; x2apic %s, tsc-deadline %s, arat %s, invariant tsc %s\n",
		f->vendor, f->family, f->model,
		f->hypervisor ? ", hypervisor " : "", f->hypervisor ? f->hv_vendor : "",
		f->x2apic ? "yes" : "no", f->tsc_deadline ? "yes" : "no",
		f->arat ? "yes" : "no", f->invariant_tsc ? "yes" : "no");
	report_emit(boot_record_json(&r, buf, sizeof(buf)));
}
