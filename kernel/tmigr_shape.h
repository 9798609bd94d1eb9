/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tmigr_shape: how the hierarchy stands now, as the hotplug scenario, the
 * self-test and the host stress tests count it.
 *
 * The hierarchy grows upward as CPUs come online (docs/tmigr.md), so the
 * number of levels in use is the current root's level plus one, not the
 * planned tmigr_levels().  A root is a group without a parent: more than
 * one means a grown level was not linked in.  Both only read, through
 * tmigr.h's accessors; the group table is read without ordering, so
 * call them where the hierarchy is quiescent (no CPU coming up or going
 * down), which is where every caller counts.
 */
#ifndef PULLKERN_KERNEL_TMIGR_SHAPE_H
#define PULLKERN_KERNEL_TMIGR_SHAPE_H

#include <stdint.h>

#include "kernel/tmigr.h"

/* Levels from the CPUs' groups up to the current root; 0 before init. */
static inline uint32_t tmigr_shape_levels(void)
{
	struct tmigr_group *r = tmigr_root();

	return r ? tmigr_group_level(r) + 1 : 0;
}

/* Groups without a parent: 1 in a sound hierarchy. */
static inline uint32_t tmigr_shape_roots(void)
{
	uint32_t n = 0;

	for (uint32_t id = 0; id < TMIGR_MAX_GROUPS; id++) {
		struct tmigr_group *g = tmigr_group_by_id(id);

		n += g && !tmigr_group_parent(g);
	}
	return n;
}

#endif
