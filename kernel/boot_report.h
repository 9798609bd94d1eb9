/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boot_report: what the machine and the loader gave us, one line each for
 * people and one `@report {"kind":"boot"}` record.
 */
#ifndef PULLKERN_BOOT_REPORT_H
#define PULLKERN_BOOT_REPORT_H

struct boot_info;

/* Boot CPU, once, after the options are parsed and the CPU features read. */
void boot_report(const struct boot_info *bi);

#endif
