/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hier_check: the hierarchy check the scenarios run after their window
 * (idle, hotplug), once the APs have settled idle.
 *
 * It runs the quiescent invariant check of design §5 (one root, every
 * group's state consistent with its children's), prints its
 * `tmigr_check` record (violations, the first one, the root group) and
 * dumps the tree when asked or when something is wrong.  Only with the
 * hierarchy enabled: the callers decide what a disabled one means.
 */
#ifndef PULLKERN_HIER_CHECK_H
#define PULLKERN_HIER_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The number of violations; the first one described in why[len]. */
uint32_t scenario_hier_check(char *why, size_t len, bool dump);

#endif
