// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot_records: build the `boot` and `smp` records within a bound.
 *
 * Theory: lib/json.c never writes a partial object: on overflow it
 * returns NULL and report_emit() prints report_overflow instead, which
 * loses the record.  The inputs here are partly hostile (the loader's
 * name, the command line) or grow with the machine (256 x2APIC IDs of 10
 * digits), so the builders cut every field to a stated limit, mark each
 * cut, and the buffer sizes in kernel/boot_records.h add up the limits
 * with the longest escape per byte.  A host test builds both records with
 * every field at its worst and parses them back.
 *
 * Locking: both builders run once on the boot CPU (the boot report and the
 * end of bring-up) and share one static scratch for a cut string.
 */
#include "kernel/boot_records.h"
#include "lib/json.h"
#include "lib/string.h"

_Static_assert(RECORD_STR_MAX < RECORD_CMDLINE_MAX, "scratch holds both");

/* val cut to at most max bytes (cut or `cut`: the last 3 are "..."). */
static void str_field(struct json_writer *w, const char *key, const char *val,
		      size_t max, bool cut)
{
	static char scratch[RECORD_CMDLINE_MAX + 1];
	size_t n = 0;

	if (!val) {
		json_str(w, key, NULL);
		return;
	}
	while (n < max && val[n])
		n++;
	if (!val[n] && !cut) {
		json_str(w, key, val);
		return;
	}
	if (n < 3)
		n = 3;
	memcpy(scratch, val, n - 3);
	memcpy(scratch + n - 3, "...", 4);
	json_str(w, key, scratch);
}

const char *boot_record_json(const struct boot_record *r, char *buf,
			     size_t size)
{
	struct json_writer w;

	json_begin(&w, buf, size);
	json_str(&w, "kind", "boot");
	str_field(&w, "firmware", r->firmware, RECORD_STR_MAX, false);
	str_field(&w, "cmdline", r->cmdline, RECORD_CMDLINE_MAX, r->cmdline_cut);
	json_u64(&w, "mem_mib", r->mem_mib);
	str_field(&w, "loader", r->loader, RECORD_STR_MAX, false);
	str_field(&w, "consoles", r->consoles, RECORD_STR_MAX, false);
	str_field(&w, "serial", r->serial, RECORD_STR_MAX, false);
	str_field(&w, "serial_found", r->serial_found, RECORD_STR_MAX, false);
	str_field(&w, "cpu_vendor", r->cpu_vendor, RECORD_STR_MAX, false);
	str_field(&w, "hypervisor", r->hypervisor, RECORD_STR_MAX, false);
	json_bool(&w, "x2apic", r->x2apic);
	json_bool(&w, "tsc_deadline", r->tsc_deadline);
	json_bool(&w, "arat", r->arat);
	json_bool(&w, "invariant_tsc", r->invariant_tsc);
	return json_end(&w);
}

const char *smp_record_json(const struct smp_record *r, char *buf,
			    size_t size)
{
	uint32_t nfailed = r->nfailed, ncpus = r->ncpus;
	struct json_writer w;

	if (nfailed > RECORD_MAX_IDS)
		nfailed = RECORD_MAX_IDS;
	if (ncpus > RECORD_MAX_IDS)
		ncpus = RECORD_MAX_IDS;
	json_begin(&w, buf, size);
	json_str(&w, "kind", "smp");
	json_u64(&w, "possible", r->possible);
	json_u64(&w, "online", r->online);
	json_u64(&w, "started", r->started);
	json_u64(&w, "bringup_us", r->bringup_us);
	json_u64(&w, "sipi_resends", r->sipi_resends);
	str_field(&w, "apic_mode", r->apic_mode, RECORD_STR_MAX, false);
	str_field(&w, "apic_mode_reason", r->apic_mode_reason, RECORD_STR_MAX, false);
	str_field(&w, "single_cpu_reason", r->single_cpu_reason, RECORD_STR_MAX, false);
	json_hex(&w, "trampoline", r->trampoline);
	json_u64(&w, "init_udelay", r->init_udelay);
	json_u64(&w, "init_udelay_one", r->init_udelay_one);
	json_array_begin(&w, "failed_apic_ids");
	for (uint32_t i = 0; i < nfailed; i++)
		json_u64(&w, NULL, r->failed_apic_ids[i]);
	json_array_end(&w);
	if (nfailed < r->nfailed)
		json_bool(&w, "failed_apic_ids_truncated", true);
	json_array_begin(&w, "apic_ids");
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		json_u64(&w, NULL, r->apic_id(cpu));
	json_array_end(&w);
	if (ncpus < r->ncpus)
		json_bool(&w, "apic_ids_truncated", true);
	return json_end(&w);
}
