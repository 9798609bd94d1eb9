/*
 * test_timer_bench_correctness: `make bench` keeps working.
 *
 * bench_timers never fails on speed, but it checks both queues while it
 * times them (every delete finds its timer, nothing runs early, no timeout
 * fires before its cancel, callbacks match the wheel's counters, both
 * queues hold N at the end, the heap's invariants hold) and exits 1 when a
 * check breaks.  Here it runs tiny (a few ms per row, small N) so that a
 * change to the wheel, the heap or the harness that breaks one of those
 * checks, drops a row or mangles an @bench line fails `make test` instead
 * of the next person's benchmark.  Bad options must be refused with a
 * message and exit status 2.
 */
#include <setjmp.h>
#include <stdarg.h>
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

/* The @bench line of row `op` at `n`, or NULL. */
static const char *bench_line(uint32_t n, const char *op)
{
	char key[96];

	snprintf(key, sizeof(key), "\"n\":%u,\"op\":\"%s\",", n, op);
	for (const char *l = strstr(out, "@bench {"); l; l = strstr(l + 1, "@bench {")) {
		const char *end = strchr(l, '\n');

		if (strstr(l, key) && (!end || strstr(l, key) < end))
			return l;
	}
	return NULL;
}

/* A positive number follows "field": in the line at l. */
static void assert_positive_field(const char *l, const char *field)
{
	char key[64];
	const char *v;

	snprintf(key, sizeof(key), "\"%s\":", field);
	v = strstr(l, key);
	assert_non_null(v);
	assert_true(strtod(v + strlen(key), NULL) > 0);
}

static void test_every_row_runs_with_both_queues_checked(void **state)
{
	static const uint32_t sizes[] = { 1000, 3000 };

	(void)state;
	assert_int_equal(run_bench("--min-ms 2 --reps 1 1000 3000"), 0);
	assert_null(strstr(out, "FAIL"));
	for (size_t i = 0; i < 2; i++) {
		for (size_t k = 0; k < NR_ROWS; k++) {
			const char *l = bench_line(sizes[i], rows[k]);

			assert_non_null(l);
			assert_non_null(strstr(l, "\"kind\":\"timer_bench\""));
			assert_positive_field(l, "wheel_ns");
			assert_positive_field(l, "heap_ns");
			assert_positive_field(l, "ratio");
			assert_positive_field(l, "wheel_probe_ns");
		}
	}
	assert_non_null(strstr(bench_line(1000, "timeout_fifo"), "\"dist\":\"fixed\""));
	assert_non_null(strstr(bench_line(1000, "add_del"), "\"dist\":\"uniform\""));
}

static void test_one_row_in_objects_of_a_cache_line(void **state)
{
	(void)state;
	assert_int_equal(run_bench("--min-ms 2 --reps 1 --only timeout_expire "
				   "--stride 64 --timeout 100 1000"), 0);
	assert_non_null(strstr(out, "own 64-byte object"));
	assert_non_null(bench_line(1000, "timeout_expire"));
	assert_non_null(strstr(bench_line(1000, "timeout_expire"), "\"delay_j\":100"));
	assert_non_null(strstr(bench_line(1000, "timeout_expire"),
			       "\"wheel_bytes_per_timer\":64"));
	for (size_t k = 0; k < NR_ROWS; k++)
		if (strcmp(rows[k], "timeout_expire"))
			assert_null(bench_line(1000, rows[k]));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_runs_with_both_queues_checked),
		cmocka_unit_test(test_one_row_in_objects_of_a_cache_line),
		cmocka_unit_test(test_bad_options_are_refused_with_a_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
