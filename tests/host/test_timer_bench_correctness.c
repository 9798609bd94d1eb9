// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_timer_bench_correctness: `make bench` keeps working.
 *
 * bench_timers never fails on speed, but it checks both queues while it
 * times them (every delete finds its timer, no wheel timer runs in or
 * before its expiry jiffy and no heap timer before it, no timeout fires
 * before its cancel, callbacks match the wheel's counters, both queues
 * hold N at the end, the heap's invariants hold) and exits 1 when a check
 * breaks.  Here it runs tiny (a few ms per row, small N) so that a change
 * to the wheel, the heap or the harness that breaks one of those checks,
 * drops a row or mangles an @bench line fails `make test` instead of the
 * next person's benchmark.  Bad options must be refused with a message
 * and exit status 2.
 *
 * The @bench lines are parsed as JSON (a strict parser below: a torn or
 * malformed line fails), each row must appear exactly once per size, and
 * the fields that describe the run (sizes, delays, bytes per timer) must
 * hold what was asked for.  Measured figures (ns, ratios, probes, load)
 * are only required to be numbers: their values depend on the machine
 * and its load, and no test here judges speed.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#ifndef BENCH_TIMERS_BIN
#error "the Makefile passes the bench program's path"
#endif

#define OUT_MAX		(256 * 1024)

static const char *const rows[] = {
	"add_del", "add_del_fifo", "add_expire", "timeout_fifo", "timeout_expire",
};
#define NR_ROWS		(sizeof(rows) / sizeof(rows[0]))

static char out[OUT_MAX];

/* Run the bench with `args`, stdout and stderr in out[]; its exit status. */
static int run_bench(const char *args)
{
	char cmd[512];
	size_t len = 0, got;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", BENCH_TIMERS_BIN, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (len < OUT_MAX - 1 && (got = fread(out + len, 1, OUT_MAX - 1 - len, p)) > 0)
		len += got;
	out[len] = '\0';
	status = pclose(p);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 1)
		print_message("%s", out);
	return WEXITSTATUS(status);
}

/* ---- a strict JSON parser, enough for one @bench object ---- */

enum jtype { J_STR, J_NUM, J_BOOL, J_NULL, J_NESTED };

struct field {
	char key[48];
	enum jtype type;
	char str[64];		/* J_STR */
	double num;		/* J_NUM, J_BOOL */
};

#define MAX_FIELDS	64

struct record {
	struct field f[MAX_FIELDS];
	int n;
};

struct parser {
	const char *p;
	const char *err;
};

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static bool perr(struct parser *ps, const char *why)
{
	if (!ps->err)
		ps->err = why;
	return false;
}

/* A string without escapes other than \" and \\ (the writer emits no others here). */
static bool parse_string(struct parser *ps, char *dst, size_t size)
{
	size_t n = 0;

	if (*ps->p != '"')
		return perr(ps, "expected a string");
	ps->p++;
	while (*ps->p != '"') {
		char c = *ps->p;

		if (c == '\0' || c == '\n' || (unsigned char)c < 0x20)
			return perr(ps, "unterminated string");
		if (c == '\\') {
			c = *++ps->p;
			if (c != '"' && c != '\\' && c != '/')
				return perr(ps, "unsupported escape");
		}
		if (n + 1 >= size)
			return perr(ps, "string too long");
		if (dst)
			dst[n] = c;
		n++;
		ps->p++;
	}
	ps->p++;
	if (dst)
		dst[n] = '\0';
	return true;
}

/* JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool parse_number(struct parser *ps, double *v)
{
	const char *s = ps->p;
	char *end;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (isdigit((unsigned char)*s))
			s++;
	else
		return perr(ps, "bad number");
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return perr(ps, "bad fraction");
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return perr(ps, "bad exponent");
		while (isdigit((unsigned char)*s))
			s++;
	}
	*v = strtod(ps->p, &end);
	if (end != s)
		return perr(ps, "bad number");
	ps->p = s;
	return true;
}

static bool parse_value(struct parser *ps, struct field *f, int depth);

/* An object or array below the top level: checked, not kept. */
static bool parse_nested(struct parser *ps, int depth)
{
	char close = *ps->p == '{' ? '}' : ']';
	bool obj = close == '}';
	struct field scratch;

	if (depth > 8)
		return perr(ps, "nested too deep");
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		return true;
	}
	for (;;) {
		skip_ws(ps);
		if (obj) {
			if (!parse_string(ps, NULL, 256))
				return false;
			skip_ws(ps);
			if (*ps->p++ != ':')
				return perr(ps, "expected ':'");
			skip_ws(ps);
		}
		if (!parse_value(ps, &scratch, depth + 1))
			return false;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p++ != close)
			return perr(ps, "expected ',' or the closing bracket");
		return true;
	}
}

static bool parse_value(struct parser *ps, struct field *f, int depth)
{
	const char *s = ps->p;

	if (*s == '"') {
		f->type = J_STR;
		return parse_string(ps, f->str, sizeof(f->str));
	}
	if (*s == '{' || *s == '[') {
		f->type = J_NESTED;
		return parse_nested(ps, depth);
	}
	if (!strncmp(s, "true", 4) || !strncmp(s, "false", 5)) {
		f->type = J_BOOL;
		f->num = *s == 't';
		ps->p += *s == 't' ? 4 : 5;
		return true;
	}
	if (!strncmp(s, "null", 4)) {
		f->type = J_NULL;
		ps->p += 4;
		return true;
	}
	f->type = J_NUM;
	return parse_number(ps, &f->num);
}

/* One JSON object from `s` to the end of its line; false with *err set. */
static bool parse_object(const char *s, struct record *r, const char **err)
{
	struct parser ps = { s, NULL };

	r->n = 0;
	skip_ws(&ps);
	if (*ps.p++ != '{')
		return *err = "expected '{'", false;
	skip_ws(&ps);
	if (*ps.p == '}')
		ps.p++;
	else
		for (;;) {
			struct field *f;

			if (r->n == MAX_FIELDS)
				return *err = "too many fields", false;
			f = &r->f[r->n];
			skip_ws(&ps);
			if (!parse_string(&ps, f->key, sizeof(f->key)))
				return *err = ps.err, false;
			for (int i = 0; i < r->n; i++)
				if (!strcmp(r->f[i].key, f->key))
					return *err = "duplicate key", false;
			skip_ws(&ps);
			if (*ps.p++ != ':')
				return *err = "expected ':'", false;
			skip_ws(&ps);
			if (!parse_value(&ps, f, 1))
				return *err = ps.err, false;
			r->n++;
			skip_ws(&ps);
			if (*ps.p == ',') {
				ps.p++;
				continue;
			}
			if (*ps.p++ != '}')
				return *err = "expected ',' or '}'", false;
			break;
		}
	skip_ws(&ps);
	if (*ps.p != '\n' && *ps.p != '\0')
		return *err = "text after the object", false;
	return true;
}

static const struct field *field_of(const struct record *r, const char *key)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].key, key))
			return &r->f[i];
	return NULL;
}

static const struct field *must_have(const struct record *r, const char *key,
				     enum jtype type)
{
	const struct field *f = field_of(r, key);

	if (!f)
		fail_msg("@bench line without \"%s\"", key);
	if (f->type != type)
		fail_msg("@bench field \"%s\" has JSON type %d, expected %d", key,
			 f->type, type);
	return f;
}

static void assert_str(const struct record *r, const char *key, const char *want)
{
	const struct field *f = must_have(r, key, J_STR);

	if (strcmp(f->str, want))
		fail_msg("@bench \"%s\" is \"%s\", expected \"%s\"", key, f->str, want);
}

static void assert_num(const struct record *r, const char *key, double want)
{
	const struct field *f = must_have(r, key, J_NUM);

	if (f->num != want)
		fail_msg("@bench \"%s\" is %g, expected %g", key, f->num, want);
}

/* Every @bench line of out[], parsed; a malformed one fails the test. */
#define MAX_RECORDS	64
static struct record recs[MAX_RECORDS];
static int nrecs;

static void parse_bench_lines(void)
{
	static const char tag[] = "@bench ";
	const char *l = out;

	nrecs = 0;
	for (; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *err = NULL;

		if (strncmp(l, tag, strlen(tag)))
			continue;
		if (nrecs == MAX_RECORDS)
			fail_msg("more than %d @bench lines", MAX_RECORDS);
		if (!parse_object(l + strlen(tag), &recs[nrecs], &err))
			fail_msg("malformed @bench line (%s): %.*s", err,
				 (int)strcspn(l, "\n"), l);
		nrecs++;
	}
}

/* The one record of row `op` at `n`; NULL if none; two fail the test. */
static const struct record *row(uint32_t n, const char *op)
{
	const struct record *found = NULL;

	for (int i = 0; i < nrecs; i++) {
		const struct field *fn = field_of(&recs[i], "n");
		const struct field *fo = field_of(&recs[i], "op");

		if (!fn || !fo || fn->type != J_NUM || fo->type != J_STR)
			fail_msg("@bench line %d has no numeric \"n\" or string \"op\"", i);
		if (fn->num != n || strcmp(fo->str, op))
			continue;
		if (found)
			fail_msg("row %s at N=%u appears twice", op, n);
		found = &recs[i];
	}
	return found;
}

static bool is_pair_row(const char *op)
{
	return !strcmp(op, "add_del") || !strcmp(op, "add_del_fifo") ||
	       !strcmp(op, "timeout_fifo");
}

static bool is_timeout_row(const char *op)
{
	return !strncmp(op, "timeout_", 8);
}

/*
 * A row's fields: what describes the run must be what was asked for;
 * what was measured must be present and a number (its value is not judged).
 */
static void check_row(const struct record *r, const char *op, unsigned stride,
		      unsigned timeout_j)
{
	static const char *const measured[] = {
		"wheel_ns", "heap_ns", "ratio", "wheel_mops", "heap_mops",
		"wheel_ops_per_s", "heap_ops_per_s", "wheel_mean_ns", "heap_mean_ns",
		"wheel_probe_ns", "heap_probe_ns", "cpu_pct",
	};

	assert_str(r, "kind", "timer_bench");
	assert_str(r, "per", is_pair_row(op) ? "pair" : "timer");
	assert_num(r, "hz", 1000);
	assert_num(r, "reps", 1);
	assert_num(r, "min_ms", 2);
	if (is_timeout_row(op)) {
		assert_str(r, "dist", "fixed");
		assert_num(r, "delay_j", timeout_j);
	} else {
		assert_str(r, "dist", "uniform");
		assert_num(r, "delay_min_j", 1);
		assert_num(r, "delay_max_j", 10000);
	}
	if (stride) {
		assert_num(r, "wheel_bytes_per_timer", stride);
		assert_num(r, "heap_bytes_per_timer", stride + 16);
	} else {
		must_have(r, "wheel_bytes_per_timer", J_NUM);
		must_have(r, "heap_bytes_per_timer", J_NUM);
	}
	for (size_t i = 0; i < sizeof(measured) / sizeof(measured[0]); i++)
		must_have(r, measured[i], J_NUM);
	if (is_pair_row(op)) {
		must_have(r, "pair_floor_ns", J_NUM);
		must_have(r, "ratio_ceiling", J_NUM);
	}
}

static void test_every_row_runs_once_per_size_with_both_queues_checked(void **state)
{
	static const uint32_t sizes[] = { 1000, 3000 };

	(void)state;
	assert_int_equal(run_bench("--min-ms 2 --reps 1 1000 3000"), 0);
	assert_null(strstr(out, "FAIL"));
	parse_bench_lines();
	assert_int_equal(nrecs, 2 * NR_ROWS);
	for (size_t i = 0; i < 2; i++) {
		for (size_t k = 0; k < NR_ROWS; k++) {
			const struct record *r = row(sizes[i], rows[k]);

			if (!r)
				fail_msg("no @bench line for %s at N=%u", rows[k], sizes[i]);
			check_row(r, rows[k], 0, 200);
		}
	}
}

static void test_one_row_in_objects_of_a_cache_line(void **state)
{
	const struct record *r;

	(void)state;
	assert_int_equal(run_bench("--min-ms 2 --reps 1 --only timeout_expire "
				   "--stride 64 --timeout 100 1000"), 0);
	assert_non_null(strstr(out, "own 64-byte object"));
	parse_bench_lines();
	assert_int_equal(nrecs, 1);
	r = row(1000, "timeout_expire");
	assert_non_null(r);
	check_row(r, "timeout_expire", 64, 100);
}

static void test_bad_options_are_refused_with_a_message(void **state)
{
	(void)state;
	assert_int_equal(run_bench("--stride 60 1000"), 2);
	assert_non_null(strstr(out, "--stride must be a multiple of 8"));
	assert_int_equal(run_bench("--only add_nothing 1000"), 2);
	assert_non_null(strstr(out, "no row named add_nothing"));
	assert_int_equal(run_bench("--timeout 5 1000"), 2);
	assert_non_null(strstr(out, "usage:"));
	assert_int_equal(run_bench("--stride 8 1000"), 2);
	assert_int_equal(run_bench("0"), 2);
}

/* The parser itself: what it must refuse, so a mangled line cannot pass. */
static void test_json_parser_refuses_malformed_objects(void **state)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":1", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":01}",
		"{\"a\":1.}", "{\"a\":-}", "{\"a\":\"x}", "{\"a\":tru}", "{\"a\":1}x",
		"{\"a\":1,\"a\":2}", "{\"a\":[1,]}", "{\"a\":{\"b\"}}", "{\"a\":1e}",
	};
	static const char good[] =
		"{\"kind\":\"timer_bench\",\"n\":1000,\"r\":-0.5e3,\"b\":true,"
		"\"z\":null,\"v\":[1,{\"x\":[]}],\"s\":\"a\\\"b\"}\n";
	struct record r;
	const char *err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		if (parse_object(bad[i], &r, &err))
			fail_msg("accepted %s", bad[i]);
		assert_non_null(err);
	}
	err = NULL;
	if (!parse_object(good, &r, &err))
		fail_msg("refused a good object: %s", err);
	assert_int_equal(r.n, 7);
	assert_str(&r, "kind", "timer_bench");
	assert_num(&r, "n", 1000);
	assert_num(&r, "r", -500);
	assert_str(&r, "s", "a\"b");
	assert_int_equal(must_have(&r, "v", J_NESTED)->type, J_NESTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_parser_refuses_malformed_objects),
		cmocka_unit_test(test_every_row_runs_once_per_size_with_both_queues_checked),
		cmocka_unit_test(test_one_row_in_objects_of_a_cache_line),
		cmocka_unit_test(test_bad_options_are_refused_with_a_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
