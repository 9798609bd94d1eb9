// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tmigr_report: the hierarchy's shape after boot, from tmigr.c's getters.
 * Boot CPU, once, after tmigr_init() and the boot CPU's tmigr_prepare().
 */
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/tmigr.h"
#include "kernel/tmigr_report.h"
#include "lib/json.h"

void tmigr_report(bool on, const char *why, uint32_t srat_nodes)
{
	struct json_writer w;
	char buf[256];

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "tmigr");
	json_bool(&w, "enabled", on);
	json_str(&w, "why", why);
	json_u64(&w, "levels", on ? tmigr_levels() : 0);
	json_u64(&w, "crossnode_level", on ? tmigr_crossnode_level() : 0);
	json_u64(&w, "groups", on ? tmigr_group_count() : 0);
	json_u64(&w, "nodes", srat_nodes ? srat_nodes : 1);
	json_u64(&w, "fanout", TMIGR_FANOUT);
	report_emit(json_end(&w));
	if (on)
		kprintf("tmigr: on, %u levels, %u groups, %u node%s\n", tmigr_levels(),
			tmigr_group_count(), srat_nodes, srat_nodes == 1 ? "" : "s");
	else
		kprintf("tmigr: off (%s): every CPU wakes for its own global timers\n", why);
}
