/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tmigr_report: how the boot set the migration hierarchy up.
 */
#ifndef PULLKERN_TMIGR_REPORT_H
#define PULLKERN_TMIGR_REPORT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A console line and `@report {"kind":"tmigr","enabled","why","levels",
 * "crossnode_level","groups","nodes","fanout"}`.  srat_nodes: the NUMA
 * nodes the SRAT named, 0 without one (reported as 1).
 */
void tmigr_report(bool on, const char *why, uint32_t srat_nodes);

#endif
