/*
 * host_support: what host test programs provide in place of the kernel.
 *
 * kprintf() appends to a capture buffer (and echoes to stderr when the
 * environment variable PULLKERN_VERBOSE is set), so tests can assert on the
 * warnings portable code prints.
 */
#ifndef PULLKERN_HOST_SUPPORT_H
#define PULLKERN_HOST_SUPPORT_H

#include <stddef.h>

/* Everything kprintf() printed since the last host_log_reset(). */
const char *host_log(void);
void host_log_reset(void);
/* Number of lines in the capture that contain `needle`. */
int host_log_count(const char *needle);

#endif
