// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * residency_report: a finished residency window as records, a table and
 * the screens' view (docs/residency.md, "Records"), and a whole window
 * for the shell (residency_measure_ms).  It is in the top layer
 * (tests/checks/check-layers.sh): it calls the screens
 * (kernel/residency_screen.c), which draw on the consoles.
 *
 * Everything here runs on the reader's CPU after residency_end(), from the
 * window's snapshots and figures (kernel/residency.c, through
 * kernel/residency_internal.h): nothing is read from another CPU now, and
 * nothing is sent anywhere.  Figures are fixed point (no FPU in the
 * kernel): shares in 1/1000 %, rates in 1/1000 per second, printed with
 * three decimals.  The JSON buffers are static: one report at a time, on
 * the reader's CPU.
 */
#include <stddef.h>

#include "kernel/arch_services.h"
#include "kernel/hw_counters.h"
#include "kernel/idle.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/residency.h"
#include "kernel/residency_internal.h"
#include "kernel/residency_view.h"
#include "kernel/tmigr.h"
#include "lib/format.h"
#include "lib/json.h"
#include "lib/sorted.h"
#include "lib/string.h"

/* ---- figures ---- */

/* num * scale / den without overflowing 64 bits (precision drops for huge num). */
static uint64_t ratio(uint64_t num, uint64_t den, uint64_t scale)
{
	while (num > UINT64_MAX / scale) {
		num >>= 1;
		den >>= 1;
	}
	return den ? num * scale / den : 0;
}

/* Share of the window in 1/1000 % (3 decimals). */
static uint64_t pct_x1000(uint64_t ns, uint64_t span)
{
	return ratio(ns, span, 100000);
}

/* Per second in 1/1000 (3 decimals) over span_ns. */
static uint64_t per_s_x1000(uint64_t n, uint64_t span_ns)
{
	return ratio(n, span_ns, 1000000000000ull);
}

static const char *state_name(uint32_t s)
{
	switch (s) {
	case RES_ONLINE:
		return "online";
	case RES_PARKED:
		return "parked";
	default:
		return "absent";
	}
}

static uint32_t nstates(void)
{
	uint32_t n = arch_idle_state_count();

	return n < RES_MAX_STATES ? n : RES_MAX_STATES;
}

static uint64_t duty_of(const struct res_cpu_fig *f)
{
	return f->by_cause[WAKE_DUTY_RAN] + f->by_cause[WAKE_DUTY_EMPTY];
}

struct res_sys {
	uint32_t online, parked, absent;
	uint64_t wakeups, duty;
	uint64_t median_x1000, min_x1000;
};

static void sys_figures(struct res_sys *s)
{
	static uint64_t idle[RES_MAX_CPUS];
	uint32_t n = 0;

	memset(s, 0, sizeof(*s));
	for (uint32_t cpu = 0; cpu < res_ncpus; cpu++) {
		struct res_cpu_fig f;

		residency_figures(cpu, &f);
		if (f.state == RES_ABSENT) {
			s->absent++;
			continue;
		}
		s->wakeups += f.wakeups;
		s->duty += duty_of(&f);
		if (f.state == RES_PARKED) {
			s->parked++;
			continue;
		}
		s->online++;
		sorted_insert(idle, &n, RES_MAX_CPUS, pct_x1000(f.idle_ns, f.span_ns));
	}
	s->median_x1000 = sorted_median(idle, n);
	s->min_x1000 = n ? idle[0] : 0;
}

/* A hardware counter's difference over the window on `cpu` (false: none, or it never advances). */
static bool hw_delta(uint32_t cpu, enum hw_counter c, uint64_t *d)
{
	uint32_t bit = 1u << c;

	if (!res_win.hw_edges || !(res_hw0[cpu].valid & bit) || !(res_hw1[cpu].valid & bit))
		return false;
	*d = res_hw1[cpu].v[c] - res_hw0[cpu].v[c];
	return *d != 0;
}

/* Counter c as a share of the TSC on `cpu`, 3 decimals, or null. */
static void hw_pct(struct json_writer *w, const char *key, uint32_t cpu, enum hw_counter c)
{
	uint64_t d, tsc;

	if (hw_delta(cpu, c, &d) && hw_delta(cpu, HWC_TSC, &tsc))
		json_fixed(w, key, (int64_t)pct_x1000(d, tsc), 3);
	else
		json_null(w, key);
}

/* Bzy_MHz: the TSC's rate times APERF / MPERF; 0 when unknown. */
static uint64_t bzy_mhz(uint32_t cpu)
{
	uint64_t a, m, khz = arch_tsc_khz();

	if (!khz || !hw_delta(cpu, HWC_APERF, &a) || !hw_delta(cpu, HWC_MPERF, &m))
		return 0;
	return ratio(a, m, khz) / 1000;
}

static void json_null_fields(struct json_writer *w, const char *const *keys)
{
	for (; *keys; keys++)
		json_null(w, *keys);
}

static void record_cpu(uint32_t cpu, const struct res_sys *s)
{
	static char buf[4096];
	static const char *const absent_nulls[] = {
		"busy_pct", "idle_pct", "poll_pct", "parked_pct", "states", "entries",
		"idle_mean_us", "idle_hist_log2_us", "wakeups", "wakeups_per_s", "wakeups_by",
		"vectors", "migrator_pct", "irq", "hw", NULL
	};
	const struct res_rec *b = &res_snap1[cpu], *a = &res_snap0[cpu];
	struct res_cpu_fig f;
	struct json_writer w;
	uint64_t bz;

	residency_figures(cpu, &f);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "residency_cpu");
	json_u64(&w, "cpu", cpu);
	json_u64(&w, "apic_id", res_hw_id ? res_hw_id(cpu) : cpu);
	json_str(&w, "state", state_name(f.state));
	json_u64(&w, "window_ms", f.span_ns / 1000000);
	if (f.state == RES_ABSENT) {
		json_null_fields(&w, absent_nulls);
		json_u64(&w, "measure_wakeups", 0);
		json_u64(&w, "edge_wakeups", 0);
		report_emit(json_end(&w));
		return;
	}
	json_fixed(&w, "busy_pct", (int64_t)pct_x1000(f.busy_ns, f.span_ns), 3);
	json_fixed(&w, "idle_pct", (int64_t)pct_x1000(f.idle_ns, f.span_ns), 3);
	json_fixed(&w, "poll_pct", (int64_t)pct_x1000(f.poll_ns, f.span_ns), 3);
	json_fixed(&w, "parked_pct", (int64_t)pct_x1000(f.parked_ns, f.span_ns), 3);
	json_object_begin(&w, "states");
	for (uint32_t i = 0; i < nstates(); i++)
		if (arch_idle_state_sleeps(i))
			json_fixed(&w, arch_idle_state_name(i),
				   (int64_t)pct_x1000(f.state_ns[i], f.span_ns), 3);
	json_object_end(&w);
	json_u64(&w, "entries", f.entries);
	json_u64(&w, "idle_mean_us",
		 f.periods ? (f.idle_ns + f.poll_ns) / f.periods / 1000 : 0);
	json_array_begin(&w, "idle_hist_log2_us");
	for (int k = 0; k < RES_HIST_BUCKETS; k++)
		json_u64(&w, NULL, f.hist[k]);
	json_array_end(&w);
	json_u64(&w, "wakeups", f.wakeups);
	json_fixed(&w, "wakeups_per_s", (int64_t)per_s_x1000(f.wakeups, f.span_ns), 3);
	json_object_begin(&w, "wakeups_by");
	for (int c = WAKE_NR - 1; c >= 0; c--)
		json_u64(&w, wake_cause_name((enum wake_cause)c), f.by_cause[c]);
	json_object_end(&w);
	json_object_begin(&w, "vectors");
	for (int i = 0; i < RES_VECTORS; i++) {
		uint64_t n = b->vec_n[i];
		char key[12];

		if (!n)
			continue;
		for (int j = 0; j < RES_VECTORS; j++)
			if (a->vec_n[j] && a->vec[j] == b->vec[i])
				n -= a->vec_n[j];
		if (n) {
			fmt_snprintf(key, sizeof(key), "%u", (unsigned)b->vec[i]);
			json_u64(&w, key, n);
		}
	}
	if (b->vec_more - a->vec_more)
		json_u64(&w, "more", b->vec_more - a->vec_more);
	json_object_end(&w);
	json_fixed(&w, "migrator_pct", (int64_t)ratio(duty_of(&f), s->duty, 100000), 3);
	json_u64(&w, "irq", f.irqs);
	json_object_begin(&w, "hw");
	hw_pct(&w, "busy_pct", cpu, HWC_MPERF);
	bz = bzy_mhz(cpu);
	if (bz)
		json_u64(&w, "bzy_mhz", bz);
	else
		json_null(&w, "bzy_mhz");
	hw_pct(&w, "c1_pct", cpu, HWC_CORE_C1);
	hw_pct(&w, "c3_pct", cpu, HWC_CORE_C3);
	hw_pct(&w, "c6_pct", cpu, HWC_CORE_C6);
	hw_pct(&w, "c7_pct", cpu, HWC_CORE_C7);
	json_object_end(&w);
	json_u64(&w, "measure_wakeups", res_cpu_measure[cpu]);
	json_u64(&w, "edge_wakeups", res_cpu_edge[cpu] + f.edge_woke);
	report_emit(json_end(&w));
}

/* "read", or why not: arch's reason, or "never advances" over the window. */
static const char *counter_status(enum hw_counter c)
{
	const char *why = arch_hw_counter_status(c);
	uint64_t d;

	if (why)
		return why;
	if (!res_win.hw_edges)
		return c == HWC_TSC ? "read" : "not read at the window's edges";
	for (uint32_t cpu = 0; cpu < res_ncpus; cpu++)
		if (hw_delta(cpu, c, &d))
			return "read";
	return "never advances";
}

/* Energy counter c over the window, in mW (false: none). */
static bool energy_mw(enum hw_counter c, uint64_t *mw)
{
	uint64_t d;

	if (!hw_delta(res_win.reader, c, &d) || res_win.t1 <= res_win.t0)
		return false;
	*mw = ratio(arch_hw_energy_nj(c, d), res_win.t1 - res_win.t0, 1000);
	return true;
}

static void watt(struct json_writer *w, const char *key, enum hw_counter c)
{
	uint64_t mw;

	if (energy_mw(c, &mw))
		json_fixed(w, key, (int64_t)mw, 3);
	else
		json_null(w, key);
}

static void record_system(const struct res_sys *s)
{
	static char buf[3072];
	static const struct { const char *key; enum hw_counter c; } pkg[] = {
		{ "pc2_pct", HWC_PKG_C2 }, { "pc3_pct", HWC_PKG_C3 }, { "pc6_pct", HWC_PKG_C6 },
		{ "pc7_pct", HWC_PKG_C7 }, { "pc8_pct", HWC_PKG_C8 }, { "pc9_pct", HWC_PKG_C9 },
		{ "pc10_pct", HWC_PKG_C10 },
	};
	uint64_t span = res_win.t1 - res_win.t0;
	struct json_writer w;

	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "residency");
	json_u64(&w, "cpus", res_ncpus);
	json_u64(&w, "online", s->online);
	json_u64(&w, "parked", s->parked);
	json_u64(&w, "absent", s->absent);
	json_u64(&w, "window_ms", span / 1000000);
	json_fixed(&w, "median_pct", (int64_t)s->median_x1000, 3);
	json_fixed(&w, "min_pct", (int64_t)s->min_x1000, 3);
	json_u64(&w, "wakeups", s->wakeups);
	json_fixed(&w, "wakeups_per_s", (int64_t)per_s_x1000(s->wakeups, span), 3);
	json_u64(&w, "measure_wakeups", residency_measure_wakeups());
	json_u64(&w, "edge_wakeups", residency_edge_wakeups());
	json_str(&w, "idle_state", arch_idle_state_name(arch_idle_state()));
	json_str(&w, "idle_fallback", arch_idle_fallback());
	json_str(&w, "tmigr", tmigr_enabled() ? "on" : "off");
	json_str(&w, "source", "tsc");
	json_u64(&w, "sample_ms", RES_SAMPLE_NS / 1000000);
	json_u64(&w, "samples", residency_nsamples());
	json_object_begin(&w, "pkg");
	for (size_t i = 0; i < sizeof(pkg) / sizeof(pkg[0]); i++)
		hw_pct(&w, pkg[i].key, res_win.reader, pkg[i].c);
	json_object_end(&w);
	watt(&w, "pkg_watt", HWC_ENERGY_PKG);
	watt(&w, "cor_watt", HWC_ENERGY_CORE);
	watt(&w, "ram_watt", HWC_ENERGY_DRAM);
	json_object_begin(&w, "counters");
	for (int c = 0; c < HWC_NR; c++)
		json_str(&w, hw_counter_name((enum hw_counter)c), counter_status((enum hw_counter)c));
	json_object_end(&w);
	report_emit(json_end(&w));
}

static void record_samples(void)
{
	uint32_t n = residency_nsamples();

	for (uint32_t cpu = 0; cpu < res_ncpus; cpu++) {
		for (uint32_t i = 0; i < n; i++) {
			uint16_t v = residency_sample(cpu, i);
			struct json_writer w;
			char buf[128];

			if (v == RESIDENCY_NO_SAMPLE)
				continue;
			json_begin(&w, buf, sizeof(buf));
			json_str(&w, "kind", "residency_sample");
			json_u64(&w, "cpu", cpu);
			json_u64(&w, "t_ms", (uint64_t)i * (RES_SAMPLE_NS / 1000000));
			json_fixed(&w, "idle_pct", v, 1);
			report_emit(json_end(&w));
		}
	}
}

/* ---- the human table (turbostat's columns, and ours) ---- */

/* A percentage with 3 decimals, right-aligned in `width`. */
static void put_pct(uint64_t x1000, int width)
{
	char s[24];

	fmt_snprintf(s, sizeof(s), "%lu.%03lu", (unsigned long)(x1000 / 1000),
		     (unsigned long)(x1000 % 1000));
	kprintf(" %*s", width, s);
}

/* A rate with 2 decimals. */
static void put_rate(uint64_t x1000, int width)
{
	char s[24];

	x1000 = (x1000 + 5) / 10;
	fmt_snprintf(s, sizeof(s), "%lu.%02lu", (unsigned long)(x1000 / 100),
		     (unsigned long)(x1000 % 100));
	kprintf(" %*s", width, s);
}

/*
 * The column of idle state i: turbostat's C1% for HLT; an MWAIT state
 * "mwait_c6" is MC6%; any other name as it is, upper case.
 */
static void state_column(uint32_t i, char *out, size_t size)
{
	const char *name = arch_idle_state_name(i);
	size_t n = 0;

	if (!strcmp(name, "hlt"))
		name = "c1";
	else if (!strncmp(name, "mwait_", 6)) {
		out[n++] = 'M';
		name += 6;
	}
	for (; *name && n + 2 < size; name++)
		out[n++] = *name >= 'a' && *name <= 'z' ? (char)(*name - 'a' + 'A') : *name;
	out[n++] = '%';
	out[n] = '\0';
}

/* Wake-ups in the table's short groups: pin glb duty ipi tick oth. */
static uint64_t group(const struct res_cpu_fig *f, int g)
{
	const uint64_t *c = f->by_cause;

	switch (g) {
	case 0:
		return c[WAKE_OWN_PINNED];
	case 1:
		return c[WAKE_OWN_GLOBAL];
	case 2:
		return c[WAKE_DUTY_RAN] + c[WAKE_DUTY_EMPTY];
	case 3:
		return c[WAKE_IPI_WAKE] + c[WAKE_IPI_CALL];
	case 4:
		return c[WAKE_TICK];
	default:
		return c[WAKE_EARLY] + c[WAKE_STALE] + c[WAKE_VECTOR] + c[WAKE_UNNAMED];
	}
}

/* turbostat's hardware residency columns, shown when the counter was read. */
static const struct {
	const char *col;
	enum hw_counter c;
} hw_cols[] = {
	{ "CPU%c1", HWC_CORE_C1 }, { "CPU%c3", HWC_CORE_C3 },
	{ "CPU%c6", HWC_CORE_C6 }, { "CPU%c7", HWC_CORE_C7 },
};

static bool hw_col_shown(size_t i)
{
	return !strcmp(counter_status(hw_cols[i].c), "read");
}

static void print_header(void)
{
	static const char *const groups[] = { "pin/s", "glb/s", "duty/s", "ipi/s", "tick/s", "oth/s" };
	char col[24];

	kprintf("%4s %8s %7s", "CPU", "Busy%", "Bzy_MHz");
	for (uint32_t i = 0; i < nstates(); i++) {
		if (!arch_idle_state_sleeps(i))
			continue;
		state_column(i, col, sizeof(col));
		kprintf(" %8s", col);
	}
	for (size_t i = 0; i < sizeof(hw_cols) / sizeof(hw_cols[0]); i++)
		if (hw_col_shown(i))
			kprintf(" %8s", hw_cols[i].col);
	kprintf(" %8s %8s %6s %7s", "Poll%", "Park%", "IRQ", "Wk/s");
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		kprintf(" %6s", groups[g]);
	kprintf(" %10s %7s\n", "IdleMean_us", "Migr%");
}

static void print_cpu(uint32_t cpu, const struct res_sys *s)
{
	struct res_cpu_fig f;
	uint64_t bz;

	residency_figures(cpu, &f);
	if (f.state == RES_ABSENT) {
		kprintf("%4u %8s (absent)\n", cpu, "-");
		return;
	}
	kprintf("%4u", cpu);
	put_pct(pct_x1000(f.busy_ns, f.span_ns), 8);
	bz = bzy_mhz(cpu);
	if (bz)
		kprintf(" %7lu", (unsigned long)bz);
	else
		kprintf(" %7s", "-");
	for (uint32_t i = 0; i < nstates(); i++)
		if (arch_idle_state_sleeps(i))
			put_pct(pct_x1000(f.state_ns[i], f.span_ns), 8);
	for (size_t i = 0; i < sizeof(hw_cols) / sizeof(hw_cols[0]); i++) {
		uint64_t d, tsc;

		if (!hw_col_shown(i))
			continue;
		if (hw_delta(cpu, hw_cols[i].c, &d) && hw_delta(cpu, HWC_TSC, &tsc))
			put_pct(pct_x1000(d, tsc), 8);
		else
			kprintf(" %8s", "-");
	}
	put_pct(pct_x1000(f.poll_ns, f.span_ns), 8);
	put_pct(pct_x1000(f.parked_ns, f.span_ns), 8);
	kprintf(" %6lu", (unsigned long)f.irqs);
	put_rate(per_s_x1000(f.wakeups, f.span_ns), 7);
	for (int g = 0; g < 6; g++)
		put_rate(per_s_x1000(group(&f, g), f.span_ns), 6);
	kprintf(" %10lu", (unsigned long)(f.periods ? (f.idle_ns + f.poll_ns) / f.periods / 1000 : 0));
	put_pct(ratio(duty_of(&f), s->duty, 100000), 7);
	kprintf("%s\n", f.state == RES_PARKED ? " parked" : "");
}

/* PkgWatt, CorWatt and RAMWatt over the window, where RAPL was read. */
static void print_watts(void)
{
	static const struct {
		const char *name;
		enum hw_counter c;
	} w[] = { { "PkgWatt", HWC_ENERGY_PKG }, { "CorWatt", HWC_ENERGY_CORE },
		  { "RAMWatt", HWC_ENERGY_DRAM } };
	bool any = false;
	uint64_t mw;

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		if (!energy_mw(w[i].c, &mw))
			continue;
		kprintf("%s %s %lu.%03lu", any ? "," : " sys", w[i].name,
			(unsigned long)(mw / 1000), (unsigned long)(mw % 1000));
		any = true;
	}
	if (any)
		kprintf("\n");
}

static void print_counters(void)
{
	kprintf("residency: hardware counters:");
	for (int c = 0; c < HWC_NR; c++)
		kprintf(" %s=%s", hw_counter_name((enum hw_counter)c),
			counter_status((enum hw_counter)c));
	kprintf("\n");
}

static void print_table(const struct res_sys *s)
{
	uint64_t span = res_win.t1 - res_win.t0;
	const char *fb = arch_idle_fallback();

	kprintf("residency: %u CPUs (%u online, %u parked, %u absent), window %lu ms, idle state %s%s%s, tmigr %s\n",
		res_ncpus, s->online, s->parked, s->absent, (unsigned long)(span / 1000000),
		arch_idle_state_name(arch_idle_state()), fb ? " (fallback: " : "",
		fb ? fb : "", tmigr_enabled() ? "on" : "off");
	if (fb)
		kprintf(")\n");
	print_header();
	for (uint32_t cpu = 0; cpu < res_ncpus; cpu++)
		print_cpu(cpu, s);
	kprintf(" sys residency median");
	put_pct(s->median_x1000, 0);
	kprintf("%% min");
	put_pct(s->min_x1000, 0);
	kprintf("%%, wake-ups/s");
	put_rate(per_s_x1000(s->wakeups, span), 0);
	kprintf(", measure_wakeups %u, edge_wakeups %u\n", residency_measure_wakeups(),
		residency_edge_wakeups());
	print_watts();
	print_counters();
}

/* ---- the screens ---- */

/*
 * Until kernel/residency_screen.c (the screens) is merged: draws nothing.
 * Its definition replaces this weak one.
 */
__attribute__((weak)) void residency_screen_draw(const struct residency_view *v)
{
	(void)v;
}

static uint16_t view_sample(const void *ctx, uint32_t cpu, uint32_t i)
{
	(void)ctx;
	return residency_sample(cpu, i);
}

static void draw_screens(const struct res_sys *s)
{
	static struct residency_view_cpu vc[RES_MAX_CPUS];
	struct residency_view v;
	uint64_t span = res_win.t1 - res_win.t0, mw;

	for (uint32_t cpu = 0; cpu < res_ncpus; cpu++) {
		struct res_cpu_fig f;

		residency_figures(cpu, &f);
		vc[cpu] = (struct residency_view_cpu){
			.cpu = cpu,
			.parked = f.state != RES_ONLINE,
			.idle_permille = (uint16_t)(pct_x1000(f.idle_ns, f.span_ns) / 100),
			.wakeups_per_s_x100 = (uint32_t)(per_s_x1000(f.wakeups, f.span_ns) / 10),
			.migrator_permille = (uint32_t)ratio(duty_of(&f), s->duty, 1000),
			.idle_mean_us = f.periods ? (f.idle_ns + f.poll_ns) / f.periods / 1000 : 0,
		};
	}
	v = (struct residency_view){
		.ncpus = res_ncpus,
		.cpu = vc,
		.window_ms = (uint32_t)(span / 1000000),
		.sample_ms = (uint32_t)(RES_SAMPLE_NS / 1000000),
		.nsamples = residency_nsamples(),
		.sample = view_sample,
		.ctx = NULL,
		.median_permille = (uint16_t)(s->median_x1000 / 100),
		.min_permille = (uint16_t)(s->min_x1000 / 100),
		.wakeups_per_s_x100 = (uint32_t)(per_s_x1000(s->wakeups, span) / 10),
		.measure_wakeups = residency_measure_wakeups(),
		.edge_wakeups = residency_edge_wakeups(),
		.idle_state = arch_idle_state_name(arch_idle_state()),
		.tmigr = tmigr_enabled() ? "on" : "off",
	};
	if (energy_mw(HWC_ENERGY_PKG, &mw)) {
		v.has_pkg_watt = true;
		v.pkg_mwatt = (uint32_t)mw;
		if (energy_mw(HWC_ENERGY_CORE, &mw))
			v.cor_mwatt = (uint32_t)mw;
	}
	residency_screen_draw(&v);
}

void residency_report(void)
{
	struct res_sys s;

	if (!res_win.done) {
		kprintf("residency: no window measured\n");
		return;
	}
	sys_figures(&s);
	print_table(&s);
	for (uint32_t cpu = 0; cpu < res_ncpus; cpu++)
		record_cpu(cpu, &s);
	record_samples();
	record_system(&s);
	draw_screens(&s);
}

bool residency_measure_ms(uint64_t ms)
{
	uint64_t end;

	if (!residency_begin())
		return false;
	end = res_win.epoch + ms * 1000000ull;
	idle_sleep_until_ns(end);
	residency_end();
	residency_report();
	return true;
}
