/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * container_of: from a pointer to a member back to the struct holding it.
 */
#ifndef PULLKERN_LIB_CONTAINER_OF_H
#define PULLKERN_LIB_CONTAINER_OF_H

#include <stddef.h>

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#endif
