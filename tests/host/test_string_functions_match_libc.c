// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/string.c is kernel-only (host builds use libc), so this test compiles
 * it in under pk_ names and checks each function against the host libc on
 * every small size, alignment and overlap, plus strlcpy's BSD contract.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* Build our implementations under other names, as the kernel would. */
#undef PULLKERN_HOST
#define memcpy pk_memcpy
#define memmove pk_memmove
#define memset pk_memset
#define memcmp pk_memcmp
#define strlen pk_strlen
#define strnlen pk_strnlen
#define strcmp pk_strcmp
#define strncmp pk_strncmp
#define strchr pk_strchr
#define strlcpy pk_strlcpy
#include "lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strlcpy

#define N 80

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void fill(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 3));
}

static void test_memcpy_and_memset_every_size_and_offset(void **state)
{
	unsigned char a[N + 16], b[N + 16], src[N + 16];

	(void)state;
	fill(src, sizeof(src), 1);
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n <= N; n++) {
			memset(a, 0xee, sizeof(a));
			memset(b, 0xee, sizeof(b));
			assert_ptr_equal(pk_memcpy(a + off, src + 3, n), a + off);
			memcpy(b + off, src + 3, n);
			assert_memory_equal(a, b, sizeof(a));

			assert_ptr_equal(pk_memset(a + off, 0x1ab, n), a + off);
			memset(b + off, 0x1ab, n);
			assert_memory_equal(a, b, sizeof(a));
		}
	}
}

static void test_memmove_handles_every_overlap(void **state)
{
	unsigned char a[2 * N], b[2 * N];

	(void)state;
	for (size_t n = 0; n <= N; n++) {
		for (size_t d = 0; d < N; d += 3) {
			for (size_t s = 0; s < N; s += 5) {
				fill(a, sizeof(a), (unsigned)(n + d + s));
				memcpy(b, a, sizeof(b));
				assert_ptr_equal(pk_memmove(a + d, a + s, n), a + d);
				memmove(b + d, b + s, n);
				assert_memory_equal(a, b, sizeof(a));
			}
		}
	}
}

static void test_comparisons_use_unsigned_bytes(void **state)
{
	static const char *const s[] = {
		"", "a", "ab", "abc", "abd", "b", "\x80", "\xff", "a\xff", "A",
	};
	size_t ns = sizeof(s) / sizeof(s[0]);

	(void)state;
	for (size_t i = 0; i < ns; i++) {
		for (size_t j = 0; j < ns; j++) {
			size_t len = strlen(s[i]) < strlen(s[j]) ? strlen(s[i]) : strlen(s[j]);

			assert_int_equal(sign(pk_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
			for (size_t n = 0; n < 5; n++)
				assert_int_equal(sign(pk_strncmp(s[i], s[j], n)),
						 sign(strncmp(s[i], s[j], n)));
			assert_int_equal(sign(pk_memcmp(s[i], s[j], len + 1)),
					 sign(memcmp(s[i], s[j], len + 1)));
		}
	}
	assert_int_equal(pk_memcmp("abc", "abd", 0), 0);
	assert_int_equal(pk_memcmp("abc", "abd", 2), 0);
}

static void test_lengths_and_strchr(void **state)
{
	const char *s = "pullkern";

	(void)state;
	assert_int_equal(pk_strlen(""), 0);
	assert_int_equal(pk_strlen(s), 8);
	assert_int_equal(pk_strnlen(s, 3), 3);
	assert_int_equal(pk_strnlen(s, 100), 8);
	assert_int_equal(pk_strnlen(s, 0), 0);
	assert_ptr_equal(pk_strchr(s, 'l'), s + 2);
	assert_ptr_equal(pk_strchr(s, 'z'), NULL);
	assert_ptr_equal(pk_strchr(s, '\0'), s + 8);	/* the NUL is part of it */
	assert_ptr_equal(pk_strchr(s, 'p' + 256), s);	/* c is converted to char */
}

static void test_strlcpy_truncates_terminates_and_returns_source_length(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(pk_strlcpy(buf, "hello", sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(buf[6], 'Z');

	assert_int_equal(pk_strlcpy(buf, "much too long", 4), 13);
	assert_string_equal(buf, "muc");

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(pk_strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'Z');

	assert_int_equal(pk_strlcpy(buf, "", 1), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_and_memset_every_size_and_offset),
		cmocka_unit_test(test_memmove_handles_every_overlap),
		cmocka_unit_test(test_comparisons_use_unsigned_bytes),
		cmocka_unit_test(test_lengths_and_strchr),
		cmocka_unit_test(test_strlcpy_truncates_terminates_and_returns_source_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
