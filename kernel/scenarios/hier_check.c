// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hier_check: see hier_check.h.  Called by the control CPU after the
 * scenario's window with the other CPUs idle; tmigr_check_quiescent()
 * takes the locks it needs.
 */
#include "kernel/report.h"
#include "kernel/tmigr.h"
#include "kernel/scenarios/hier_check.h"
#include "lib/json.h"

uint32_t scenario_hier_check(char *why, size_t len, bool dump)
{
	struct json_writer w;
	char buf[256];
	uint32_t bad;

	bad = tmigr_check_quiescent(why, len, true);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "tmigr_check");
	json_u64(&w, "violations", bad);
	json_str(&w, "first", why);
	json_u64(&w, "root", tmigr_root() ? tmigr_group_id(tmigr_root()) : 0);
	report_emit(json_end(&w));
	if (dump || bad)
		tmigr_dump(true);
	return bad;
}
