// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * host_support: kprintf() for host test programs, captured for assertions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_arch.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "kernel/tmigr.h"
#include "host_support.h"

#define HOST_LOG_SIZE (256 * 1024)

static char log_buf[HOST_LOG_SIZE];
static size_t log_len;

int kvprintf(const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	if (getenv("PULLKERN_VERBOSE"))
		vfprintf(stderr, fmt, copy);
	va_end(copy);
	n = vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len, fmt, ap);
	if (n > 0) {
		log_len += (size_t)n;
		if (log_len >= sizeof(log_buf))
			log_len = sizeof(log_buf) - 1;
	}
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

const char *host_log(void)
{
	return log_buf;
}

void host_log_reset(void)
{
	log_len = 0;
	log_buf[0] = '\0';
}

int host_log_count(const char *needle)
{
	const char *p = log_buf;
	int count = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t adv = eol ? (size_t)(eol - p) : strlen(p);
		size_t len = adv;
		char line[1024];

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		if (strstr(line, needle))
			count++;
		p += adv;
		if (*p == '\n')
			p++;
	}
	return count;
}

int host_boot_hierarchy(uint32_t ncpus, uint32_t hz, uint64_t jiffies_bias)
{
	struct tmigr_topology topo = { ncpus, 1 };
	int err;

	host_set_cpu(0);
	timer_init(hz, jiffies_bias);
	for (uint32_t c = 0; c < ncpus; c++)
		timer_cpu_init(c);
	err = tmigr_init(&topo, NULL);
	if (!err)
		err = tmigr_prepare(0, 0);
	if (err)
		return err;
	tmigr_set_available(0);
	for (uint32_t c = 1; c < ncpus; c++)
		if ((err = tmigr_prepare(c, 0)))
			return err;
	for (uint32_t c = 1; c < ncpus; c++) {
		host_set_cpu(c);
		tmigr_set_available(c);
	}
	host_set_cpu(0);
	return 0;
}
