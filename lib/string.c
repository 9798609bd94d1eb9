// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * string: memory and string primitives for the kernel (host builds use libc).
 *
 * Theory: simple byte loops, plus `rep movsb` / `rep stosb` for memcpy and
 * memset, which every x86-64 CPU runs correctly and recent ones run fast
 * (Intel SDM Vol. 1 §7.3.9.3 "fast-string operation"; CPUID.7.EBX[9] ERMSB
 * says how fast, not whether it works).  The direction flag is clear on
 * entry to every function (SysV x86-64 ABI §3.2.1), so the string
 * instructions walk upwards; memmove never sets DF: an interrupt taken with
 * DF set would run its handler with the wrong direction.  Overlapping
 * backward copies use a plain loop instead.
 *
 * These functions are the targets of calls gcc itself emits, so gcc must
 * not turn their loops back into calls to themselves: each loop-bearing
 * function carries no_loop_to_libcall, which switches off the optimisation
 * (-ftree-loop-distribute-patterns) that recognises such loops.
 *
 * Locking: none; the caller owns the memory it passes.
 */
#ifndef PULLKERN_HOST

#include <stddef.h>
#include <stdint.h>

#include "lib/string.h"

#define no_loop_to_libcall \
	__attribute__((optimize("no-tree-loop-distribute-patterns")))

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *ret = dst;

	asm volatile("rep movsb"
		     : "+D"(dst), "+S"(src), "+c"(n)
		     :
		     : "memory");
	return ret;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;

	asm volatile("rep stosb"
		     : "+D"(dst), "+c"(n)
		     : "a"(c)
		     : "memory");
	return ret;
}

no_loop_to_libcall
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Forward is safe unless dst starts inside [src, src + n). */
	if ((uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

no_loop_to_libcall
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
	}
	return 0;
}

no_loop_to_libcall
size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

no_loop_to_libcall
size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* C11 7.24.4: comparisons are of the bytes as unsigned char. */
no_loop_to_libcall
int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p == *q ? 0 : (*p < *q ? -1 : 1);
}

no_loop_to_libcall
int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
		if (!*p)
			return 0;
	}
	return 0;
}

/* C11 7.24.5.2: the terminating NUL counts as part of the string. */
no_loop_to_libcall
char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

#endif /* !PULLKERN_HOST */
