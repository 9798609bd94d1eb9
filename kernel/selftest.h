/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * selftest: the built-in tests chosen with test=NAME (kernel/options.c
 * lists the names): each provokes one failure path of the boot on purpose
 * and checks that the kernel handled it.
 */
#ifndef PULLKERN_SELFTEST_H
#define PULLKERN_SELFTEST_H

#include <stdbool.h>

/* Whether test=name was given: the bring-up arranges its fault early. */
bool selftest_chosen(const char *name);

/* Boot CPU, after the boot reports: run test `name`, or fail the run if there is none. */
void selftest_run(const char *name);

#endif
