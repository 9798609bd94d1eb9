/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * string: the handful of <string.h> functions the kernel needs.
 *
 * Portable code includes "lib/string.h" and gets the same names everywhere:
 * in the kernel they are ours (lib/string.c); in host test builds
 * (-DPULLKERN_HOST) this header is just the C library's <string.h>, plus
 * strlcpy() when the host glibc is older than 2.38 and lacks it.
 *
 * gcc may emit calls to memcpy, memmove, memset and memcmp on its own (for
 * struct copies and initialisers) even with -ffreestanding, which is why
 * these are real external functions with the standard names and semantics.
 */
#ifndef PULLKERN_LIB_STRING_H
#define PULLKERN_LIB_STRING_H

#ifdef PULLKERN_HOST

#include <string.h>

#if defined(__GLIBC__) && !__GLIBC_PREREQ(2, 38)
/* BSD strlcpy, as lib/string.c has it; glibc gained its own in 2.38. */
static inline size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
#endif

#else /* kernel */

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/*
 * BSD strlcpy: copies at most size - 1 bytes, NUL-terminates when size > 0,
 * returns strlen(src); a return >= size means the copy was truncated.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif /* PULLKERN_HOST */

#endif
