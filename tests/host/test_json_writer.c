// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/json: exact output for every value kind, nesting, escaping, the
 * fixed-point numbers, and that overflow at any buffer size neither writes
 * past the end nor leaves a partial object.  A small strict RFC 8259
 * validator checks that everything the writer produces parses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/json.h"

/* ---- a strict validator: one object, nothing after it ---- */

static bool v_value(const char **p, int depth);

static void v_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static bool v_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool v_string(const char **p)
{
	const char *s = *p;

	if (*s++ != '"')
		return false;
	for (;;) {
		unsigned char c = (unsigned char)*s++;

		if (c == '"')
			break;
		if (c < 0x20)
			return false;	/* includes the NUL at the end */
		if (c == '\\') {
			c = (unsigned char)*s++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++, s++) {
					if (!strchr("0123456789abcdefABCDEF", *s) || !*s)
						return false;
				}
			} else if (!c || !strchr("\"\\/bfnrt", c)) {
				return false;
			}
		}
	}
	*p = s;
	return true;
}

static bool v_number(const char **p)
{
	const char *s = *p;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (v_digit(*s))
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (!v_digit(*s))
			return false;
		while (v_digit(*s))
			s++;
	}
	*p = s;
	return true;
}

static bool v_word(const char **p, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*p, w, n))
		return false;
	*p += n;
	return true;
}

static bool v_container(const char **p, int depth, char close, bool keyed)
{
	(*p)++;
	v_ws(p);
	if (**p == close) {
		(*p)++;
		return true;
	}
	for (;;) {
		v_ws(p);
		if (keyed) {
			if (!v_string(p))
				return false;
			v_ws(p);
			if (*(*p)++ != ':')
				return false;
		}
		if (!v_value(p, depth + 1))
			return false;
		v_ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		if (*(*p)++ != ',')
			return false;
	}
}

static bool v_value(const char **p, int depth)
{
	if (depth > 64)
		return false;
	v_ws(p);
	switch (**p) {
	case '{': return v_container(p, depth, '}', true);
	case '[': return v_container(p, depth, ']', false);
	case '"': return v_string(p);
	case 't': return v_word(p, "true");
	case 'f': return v_word(p, "false");
	case 'n': return v_word(p, "null");
	default: return v_number(p);
	}
}

static bool json_valid_object(const char *s)
{
	if (!s || *s != '{' || !v_value(&s, 0))
		return false;
	v_ws(&s);
	return *s == '\0';
}

static void test_validator_rejects_broken_json(void **state)
{
	static const char *const bad[] = {
		"", "{", "}", "{}}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":\"x}", "{a:1}",
		"{\"a\":\"\x01\"}", "{\"a\":\"\\q\"}", "{\"a\":\"\\u12\"}",
		"{\"a\":[1,2}", "{\"a\":tru}", "[1]", "{\"a\":1} x",
	};
	static const char *const good[] = {
		"{}", "{\"a\":1}", "{\"a\":[1,-2.5,\"x\",true,false,null,{}]}",
		"{\"a\":\"\\\"\\\\\\u001f\"}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (json_valid_object(bad[i]))
			fail_msg("validator accepted %s", bad[i]);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!json_valid_object(good[i]))
			fail_msg("validator rejected %s", good[i]);
	}
}

/* ---- the writer ---- */

static void test_flat_object_has_every_value_kind(void **state)
{
	struct json_writer w;
	char buf[256];
	const char *out;

	(void)state;
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "s", "boot");
	json_u64(&w, "u", UINT64_MAX);
	json_i64(&w, "i", INT64_MIN);
	json_i64(&w, "j", 42);
	json_bool(&w, "t", true);
	json_bool(&w, "f", false);
	json_null(&w, "n");
	json_hex(&w, "h", 0xfee00000);
	json_hex(&w, "z", 0);
	json_hex(&w, "m", UINT64_MAX);
	json_fixed(&w, "x", 12345, 2);
	json_str(&w, "null_str", NULL);
	out = json_end(&w);
	assert_ptr_equal(out, buf);
	assert_string_equal(out,
		"{\"s\":\"boot\",\"u\":18446744073709551615,"
		"\"i\":-9223372036854775808,\"j\":42,\"t\":true,\"f\":false,"
		"\"n\":null,\"h\":\"0xfee00000\",\"z\":\"0x0\","
		"\"m\":\"0xffffffffffffffff\",\"x\":123.45,\"null_str\":null}");
	assert_true(json_valid_object(out));
	assert_int_equal(w.len, strlen(out));
}

static void test_empty_object(void **state)
{
	struct json_writer w;
	char buf[8];

	(void)state;
	json_begin(&w, buf, sizeof(buf));
	assert_string_equal(json_end(&w), "{}");
}

static void build_nested(struct json_writer *w)
{
	json_str(w, "event", "cpus");
	json_array_begin(w, "online");
	json_u64(w, NULL, 0);
	json_u64(w, NULL, 1);
	json_object_begin(w, NULL);
	json_u64(w, "apic", 2);
	json_array_begin(w, "empty");
	json_array_end(w);
	json_object_end(w);
	json_array_begin(w, NULL);
	json_array_begin(w, NULL);
	json_bool(w, NULL, true);
	json_array_end(w);
	json_array_end(w);
	json_array_end(w);
	json_object_begin(w, "timer");
	json_str(w, "mode", "tsc-deadline");
	json_object_begin(w, "empty");
	json_object_end(w);
	json_fixed(w, "mhz", 299999, 3);
	json_object_end(w);
	json_i64(w, "last", -1);
}

static const char nested_expect[] =
	"{\"event\":\"cpus\",\"online\":[0,1,{\"apic\":2,\"empty\":[]},[[true]]],"
	"\"timer\":{\"mode\":\"tsc-deadline\",\"empty\":{},\"mhz\":299.999},"
	"\"last\":-1}";

static void test_nested_arrays_and_objects(void **state)
{
	struct json_writer w;
	char buf[256];
	const char *out;

	(void)state;
	json_begin(&w, buf, sizeof(buf));
	build_nested(&w);
	out = json_end(&w);
	assert_non_null(out);
	assert_string_equal(out, nested_expect);
	assert_true(json_valid_object(out));
}

static void test_nesting_to_max_depth_works_and_beyond_fails(void **state)
{
	struct json_writer w;
	char buf[256];
	int i;

	(void)state;
	json_begin(&w, buf, sizeof(buf));
	for (i = 1; i < JSON_MAX_DEPTH; i++)
		json_array_begin(&w, i == 1 ? "a" : NULL);
	for (i = 1; i < JSON_MAX_DEPTH; i++)
		json_array_end(&w);
	assert_string_equal(json_end(&w), "{\"a\":[[[[[[[]]]]]]]}");

	json_begin(&w, buf, sizeof(buf));
	for (i = 1; i <= JSON_MAX_DEPTH; i++)
		json_array_begin(&w, i == 1 ? "a" : NULL);
	assert_true(w.misuse);
	assert_null(json_end(&w));
	assert_string_equal(buf, "");
}

static void test_strings_escape_quotes_backslashes_and_control_bytes(void **state)
{
	struct json_writer w;
	char buf[256];
	const char *out;

	(void)state;
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "q", "say \"hi\"");
	json_str(&w, "b", "C:\\dir\\");
	json_str(&w, "c", "\x01\n\t\r\x1f end");
	json_str(&w, "del_and_utf8", "\x7f caf\xc3\xa9");
	json_str(&w, "k\"e\\y\n", "");
	out = json_end(&w);
	assert_non_null(out);
	assert_string_equal(out,
		"{\"q\":\"say \\\"hi\\\"\",\"b\":\"C:\\\\dir\\\\\","
		"\"c\":\"\\u0001\\u000a\\u0009\\u000d\\u001f end\","
		"\"del_and_utf8\":\"\x7f caf\xc3\xa9\","
		"\"k\\\"e\\\\y\\u000a\":\"\"}");
	assert_true(json_valid_object(out));
}

struct fixed_case {
	int64_t v;
	unsigned decimals;
	const char *expect;
};

static void test_fixed_point_places_the_decimal_point_without_fpu(void **state)
{
	static const struct fixed_case cases[] = {
		{ 12345, 2, "123.45" },
		{ -12345, 2, "-123.45" },
		{ 5, 2, "0.05" },
		{ -5, 2, "-0.05" },
		{ 0, 3, "0.000" },
		{ 0, 0, "0" },
		{ 7, 0, "7" },
		{ -7, 0, "-7" },
		{ 100, 2, "1.00" },
		{ 99, 2, "0.99" },
		{ 1, 1, "0.1" },
		{ INT64_MIN, 0, "-9223372036854775808" },
		{ INT64_MIN, 18, "-9.223372036854775808" },
		{ INT64_MIN, 19, "-0.9223372036854775808" },
		{ INT64_MAX, 19, "0.9223372036854775807" },
		{ 100, 25, "0.0000000000000000000000100" },
	};
	struct json_writer w;
	char buf[128], expect[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_begin(&w, buf, sizeof(buf));
		json_fixed(&w, "v", cases[i].v, cases[i].decimals);
		assert_non_null(json_end(&w));
		strcpy(expect, "{\"v\":");
		strcat(expect, cases[i].expect);
		strcat(expect, "}");
		assert_string_equal(buf, expect);
		assert_true(json_valid_object(buf));
	}
}

/*
 * Every size from 0 to one past the complete length: too small must give
 * NULL and an empty buffer, big enough must give the exact reference; in
 * no case may a byte at or beyond `size` change.
 */
static void test_overflow_at_every_size_never_writes_past_the_end(void **state)
{
	static char ref[512];
	char buf[512 + 32];
	struct json_writer w;
	size_t len, size, i;

	(void)state;
	json_begin(&w, ref, sizeof(ref));
	build_nested(&w);
	json_str(&w, "tail", "\"\\\x01");
	assert_non_null(json_end(&w));
	len = strlen(ref);

	for (size = 0; size <= len + 1; size++) {
		const char *out;

		memset(buf, 0x5a, sizeof(buf));
		json_begin(&w, buf, size);
		build_nested(&w);
		json_str(&w, "tail", "\"\\\x01");
		out = json_end(&w);
		if (size <= len) {
			assert_null(out);
			assert_true(w.overflow);
			if (size > 0)
				assert_int_equal(buf[0], '\0');
		} else {
			assert_ptr_equal(out, buf);
			assert_string_equal(out, ref);
		}
		for (i = size; i < sizeof(buf); i++) {
			if ((unsigned char)buf[i] != 0x5a)
				fail_msg("size %zu: byte %zu overwritten", size, i);
		}
	}
}

static void test_null_buffer_gives_null(void **state)
{
	struct json_writer w;

	(void)state;
	json_begin(&w, NULL, 100);
	json_u64(&w, "a", 1);
	assert_null(json_end(&w));
}

static void test_misuse_is_reported_as_null_and_empty_buffer(void **state)
{
	struct json_writer w;
	char buf[64];

	(void)state;
	/* a key inside an array */
	json_begin(&w, buf, sizeof(buf));
	json_array_begin(&w, "a");
	json_u64(&w, "k", 1);
	assert_null(json_end(&w));
	assert_string_equal(buf, "");

	/* no key inside an object */
	json_begin(&w, buf, sizeof(buf));
	json_u64(&w, NULL, 1);
	assert_null(json_end(&w));

	/* closing what is not open, and the wrong kind */
	json_begin(&w, buf, sizeof(buf));
	json_array_end(&w);
	assert_null(json_end(&w));
	json_begin(&w, buf, sizeof(buf));
	json_array_begin(&w, "a");
	json_object_end(&w);
	assert_null(json_end(&w));
	json_begin(&w, buf, sizeof(buf));
	json_object_end(&w);
	assert_null(json_end(&w));

	/* json_end with a container still open */
	json_begin(&w, buf, sizeof(buf));
	json_object_begin(&w, "o");
	assert_null(json_end(&w));

	/* writing after json_end */
	json_begin(&w, buf, sizeof(buf));
	assert_non_null(json_end(&w));
	json_u64(&w, "late", 1);
	assert_null(json_end(&w));
}

/* xorshift64, fixed seed: random documents must all validate. */
static uint64_t rng_state = 0x243f6a8885a308d3ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void random_values(struct json_writer *w, bool keyed, int depth)
{
	static const char *const keys[] = { "a", "cpu", "k\"q", "" };
	static const char *const strs[] = { "", "x", "tab\there", "\x1b[0m", "\\" };
	int n = (int)(rng() % 5);

	for (int i = 0; i < n; i++) {
		const char *key = keyed ? keys[rng() % 4] : NULL;

		switch (rng() % 10) {
		case 0: json_str(w, key, strs[rng() % 5]); break;
		case 1: json_u64(w, key, rng()); break;
		case 2: json_i64(w, key, (int64_t)rng()); break;
		case 3: json_bool(w, key, rng() & 1); break;
		case 4: json_null(w, key); break;
		case 5: json_hex(w, key, rng() >> (rng() % 64)); break;
		case 6: json_fixed(w, key, (int64_t)rng() >> (rng() % 64),
				   (unsigned)(rng() % 22)); break;
		case 7: json_str(w, key, NULL); break;
		default:
			if (depth + 1 >= JSON_MAX_DEPTH)
				break;
			if (rng() & 1) {
				json_array_begin(w, key);
				random_values(w, false, depth + 1);
				json_array_end(w);
			} else {
				json_object_begin(w, key);
				random_values(w, true, depth + 1);
				json_object_end(w);
			}
		}
	}
}

static void test_random_documents_parse(void **state)
{
	static char buf[1 << 16];
	struct json_writer w;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		const char *out;

		json_begin(&w, buf, sizeof(buf));
		random_values(&w, true, 1);
		out = json_end(&w);
		assert_non_null(out);
		if (!json_valid_object(out))
			fail_msg("invalid JSON: %s", out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validator_rejects_broken_json),
		cmocka_unit_test(test_flat_object_has_every_value_kind),
		cmocka_unit_test(test_empty_object),
		cmocka_unit_test(test_nested_arrays_and_objects),
		cmocka_unit_test(test_nesting_to_max_depth_works_and_beyond_fails),
		cmocka_unit_test(test_strings_escape_quotes_backslashes_and_control_bytes),
		cmocka_unit_test(test_fixed_point_places_the_decimal_point_without_fpu),
		cmocka_unit_test(test_overflow_at_every_size_never_writes_past_the_end),
		cmocka_unit_test(test_null_buffer_gives_null),
		cmocka_unit_test(test_misuse_is_reported_as_null_and_empty_buffer),
		cmocka_unit_test(test_random_documents_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
