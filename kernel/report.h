/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report: machine-readable result lines.
 *
 * Every record is one console line: "@report " followed by one JSON object
 * with a "kind".  Tools in tools/ parse these lines and never the human
 * tables printed beside them.  Build the object with lib/json.h and pass
 * the result of json_end(); a NULL (the writer overflowed) is reported as
 * a record of kind "report_overflow" instead of being lost silently.
 */
#ifndef PULLKERN_REPORT_H
#define PULLKERN_REPORT_H

void report_emit(const char *json);

#endif
