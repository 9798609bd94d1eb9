// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot_report: the firmware, the loader, the memory, the consoles, the
 * command line as accepted and the boot CPU's features.
 *
 * The record's fields: firmware, cmdline (the accepted options, written so
 * they parse back: kernel/options.h), mem_mib, loader, consoles,
 * cpu_vendor, hypervisor (null on bare metal), x2apic, tsc_deadline, arat,
 * invariant_tsc.
 */
#include "arch/x86_64/platform.h"
#include "kernel/boot_report.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/multiboot2.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "lib/json.h"

void boot_report(const struct boot_info *bi)
{
	struct json_writer w;
	/* once, on the BSP before any AP runs: static keeps them off its stack */
	static char buf[1536];
	static char opts[CMDLINE_MAX_LEN];
	const struct cpu_features *f = &cpu_features;

	options_format(opts, sizeof(opts));
	kprintf("boot: %s firmware, loader \"%s\", %lu MiB usable, consoles %s\n",
		bi->efi ? "UEFI" : "BIOS", bi->loader,
		(unsigned long)(mb2_usable_bytes(bi) >> 20),
		console_names());
	kprintf("cpu:  %s family %#x model %#x%s%s; x2apic %s, tsc-deadline %s, arat %s, invariant tsc %s\n",
		f->vendor, f->family, f->model,
		f->hypervisor ? ", hypervisor " : "", f->hypervisor ? f->hv_vendor : "",
		f->x2apic ? "yes" : "no", f->tsc_deadline ? "yes" : "no",
		f->arat ? "yes" : "no", f->invariant_tsc ? "yes" : "no");
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "boot");
	json_str(&w, "firmware", bi->efi ? "uefi" : "bios");
	json_str(&w, "cmdline", opts);
	json_u64(&w, "mem_mib", mb2_usable_bytes(bi) >> 20);
	json_str(&w, "loader", bi->loader);
	json_str(&w, "consoles", console_names());
	json_str(&w, "cpu_vendor", f->vendor);
	json_str(&w, "hypervisor", f->hypervisor ? f->hv_vendor : NULL);
	json_bool(&w, "x2apic", f->x2apic);
	json_bool(&w, "tsc_deadline", f->tsc_deadline);
	json_bool(&w, "arat", f->arat);
	json_bool(&w, "invariant_tsc", f->invariant_tsc);
	report_emit(json_end(&w));
}
