// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * options: the table of boot options, and the values the command line gave.
 *
 * Theory: the table below is the single statement of each option: its
 * kind, its default, its range and its help.  Parsing, range checks, the
 * `help` listing and the README's option table (checked by
 * tests/host/test_readme_option_table_matches.c) all come from it, so a
 * default is written in one place.  Two kinds of default:
 *
 *   - fixed: `def` (numbers) or `def_text` (words), read with option_u64()
 *     or option_str();
 *   - computed: it depends on the machine or another option (the tick
 *     length, the number of CPUs, `seconds`).  `def_text` says how, in
 *     words, for help and the README; the reader computes it and passes it
 *     to option_u64_or().  Each computed default is computed in one place.
 *
 * options_parse() judges every value once: a number that does not parse
 * or falls outside [min, max], or a word not in the list, is warned about
 * on one line and then reads as the default.  OPTION_NAME values (a
 * scenario, a test) are left to their reader, which knows the names and
 * fails the run on an unknown one.
 *
 * Lifetime and locking: written once by options_parse() on the boot CPU
 * before other CPUs run, read-only afterwards: no lock.
 */
#include "kernel/cmdline.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "lib/format.h"
#include "lib/string.h"

static const struct option_desc options[] = {
	{ "hz", OPTION_U64, "N", 1000, 10, 10000, NULL,
	  "tick rate of every CPU, in Hz" },
	{ "test", OPTION_NAME, "fault|late_ap|lost_sipi|restart_ap|cpuhp|acpi_hotadd|cpuhp_turns|wake_latency|residency_screen", 0, 0, 0, NULL,
	  "run a built-in test instead of a scenario: fault (a page fault on purpose: the run fails), late_ap (the last AP's SIPIs come after the BSP gave up on it: it must park itself), lost_sipi (the last AP misses its first two SIPIs: the re-send must bring it up), restart_ap (the last AP parks itself before it joins and is started again with INIT/SIPI, the path of a parked or hot-added CPU: it must come back online, synced and ticking), cpuhp (every refusal changes nothing; the CPUs maxcpus= kept out are hot-added; every AP parks with timers pending and unparks: none lost, doubled or early, no interrupt while parked, the hierarchy consistent), acpi_hotadd (wait hotadd_wait_s for the firmware to plug in hotadd_cpus CPUs, e.g. run-qemu.sh --hotadd: each is hot-added from its SCI, the hierarchy consistent, no polling), cpuhp_turns (CPU 0 and CPU 2 park and unpark CPUs 1 and 3 back to back: every operation done, none refused, each in its turn), wake_latency (the floor under park and unpark: an IPI wakes each halted AP, which answers at once; prints the wake-up latencies, fails only if an AP does not answer), residency_screen (draw a residency window of known shares on the screen and wait for 'y' or 'n' on the keyboard saying whether the named pixels have their colours, e.g. run-qemu.sh --screendump)" },
	{ "wake_rounds", OPTION_U64, "N", 4, 1, 16, NULL,
	  "test=wake_latency: probes of each AP" },
	{ "init_udelay", OPTION_U64, "US", 10000, 0, 1000000, NULL,
	  "wait after INIT before the first SIPI when several CPUs start together, as at boot (Intel SDM: 10 ms)" },
	{ "init_udelay_one", OPTION_U64, "US", 0, 0, 1000000,
	  "0 (init_udelay on older CPU families)",
	  "wait after INIT when a single CPU is started (hot-add, restart); older families: before Intel family 6, AMD 0xF, Hygon 0x18; a SIPI that still comes too early is re-sent (sipi_retry_ms)" },
	{ "sipi_udelay", OPTION_U64, "US", 200, 0, 1000000, NULL,
	  "wait after each SIPI" },
	{ "sipi_retry_ms", OPTION_U64, "MS", 10, 1, 600000, NULL,
	  "re-send SIPI (never INIT) to APs that have not answered, this often" },
	{ "ap_timeout_ms", OPTION_U64, "MS", 2000, 10, 600000, NULL,
	  "how long the BSP waits for all APs before reporting the silent ones" },
	{ "acpi_hotplug", OPTION_WORD, "on|legacy|poll|off", 0, 0, 0, "on",
	  "CPUs plugged in by the firmware (QEMU device_add) are hot-added: on (the SCI through the I/O APIC, no polling; QEMU's modern register interface), legacy (the same with QEMU's legacy present-CPU bitmap), poll (a 100 ms timer looks instead: only for a machine without an SCI route), off (ignored)" },
	{ "hotadd_churn", OPTION_U64, "0|1", 0, 0, 1, NULL,
	  "test=acpi_hotadd: while waiting, park and unpark CPU 1 over and over, so hot-add events arrive while another CPU operation is in progress" },
	{ "hotadd_removes", OPTION_U64, "N", 0, 0, TIMER_MAX_CPUS, NULL,
	  "test=acpi_hotadd: how many removal requests (device_del) must also arrive, each refused" },
	{ "hotadd_cpus", OPTION_U64, "N", 1, 1, TIMER_MAX_CPUS, NULL,
	  "test=acpi_hotadd: how many CPUs the firmware must plug in" },
	{ "hotadd_wait_s", OPTION_U64, "S", 60, 1, 3600, NULL,
	  "test=acpi_hotadd: how long to wait for them, in seconds" },
	{ "maxcpus", OPTION_U64, "N", 0, 1, TIMER_MAX_CPUS, "every CPU",
	  "start only CPUs 0 .. N-1 at boot; the others stay absent, for a later hot-add" },
	{ "apic", OPTION_WORD, "auto|xapic|x2apic|firmware_x2apic", 0, 0, 0, "auto",
	  "local APIC mode (auto: x2APIC when an APIC ID needs it or firmware enabled it; firmware_x2apic, a test: switch x2APIC on first, as firmware that hands over in x2APIC mode does, then auto)" },
	{ "lapic_timer", OPTION_WORD, "auto|oneshot", 0, 0, 0, "auto",
	  "oneshot: the count-down one-shot timer even when TSC-deadline exists" },
	{ "tsc_exclude", OPTION_NAME, "cpuid15|hypervisor|pmtimer|hpet|pit|cpuid16", 0, 0, 0, NULL,
	  "TSC calibration sources to leave out, comma-separated (e.g. pit,pmtimer: calibrate from the HPET alone); an excluded source is not touched; an unknown name is a warning (docs/cpus.md)" },
	{ "tsc_adjust_test", OPTION_U64, "CYCLES", 0, 0, 1000000000000, NULL,
	  "test: every odd-numbered AP first moves its IA32_TSC_ADJUST this far from the BSP's, as firmware may leave it; the alignment before the clock sync must undo it (docs/cpus.md)" },
	{ "tsc_test_skew_ppm", OPTION_U64, "PPM", 0, 0, 100000, NULL,
	  "test: each calibration source's answer is made (its number in the order of preference x PPM) ppm fast, so that above 1000 no two agree and the warning path runs (docs/cpus.md)" },
	{ "clock_sync_aim_ns", OPTION_U64, "NS", 20000, 1, 1000000000, NULL,
	  "an AP's clock sync is measured again (a bounded number of times) until its best BSP-AP round trip, the error bound, is this short (docs/cpus.md)" },
	{ "idle", OPTION_WORD, "hlt|mwait|poll", 0, 0, 0, "hlt",
	  "how an idle CPU waits: hlt; mwait (the deepest CPUID leaf 5 C-state up to max_cstate, C1 only without ARAT; refused without MONITOR/MWAIT, and a CPU whose MWAIT does not sleep falls back to hlt); poll (spins with interrupts on: ~0% residency) (docs/idle-states.md)" },
	{ "max_cstate", OPTION_U64, "N", 7, 1, 7, NULL,
	  "idle=mwait: the deepest MWAIT C-state to request (1 = C1; CPUID leaf 5's numbering)" },
	{ "tick_window_ms", OPTION_U64, "MS", 200, 10, 10000, NULL,
	  "window over which ticks are counted, every CPU kept busy (stretched until each CPU ticked, never past 10 s)" },
	{ "scenario", OPTION_NAME, "timers|quiet|idle|lateness|hotplug|none", 0, 0, 0, "timers",
	  "what runs after boot" },
	{ "seconds", OPTION_U64, "N", 1, 1, 3600, NULL,
	  "scenario window in seconds" },
	{ "seconds_ms", OPTION_U64, "MS", 0, 1, 3600000, "seconds x 1000",
	  "scenario window in milliseconds, for short test windows; overrides seconds" },
	{ "seed", OPTION_U64, "S", 1, 0, UINT64_MAX, NULL,
	  "scenario random seed" },
	{ "busy_pct", OPTION_U64, "P", 5, 0, 100, NULL,
	  "timers scenario: share of actions that start 1-10 ms of busy work" },
	{ "idle_globals", OPTION_U64, "N", 4, 0, 6, NULL,
	  "idle scenario: global timers per CPU" },
	{ "idle_pinned", OPTION_U64, "N", 1, 0, 2, NULL,
	  "idle scenario: pinned timers on the CPUs that get some" },
	{ "hotplug_gap_ms", OPTION_U64, "MS", 20, 1, 60000, NULL,
	  "hotplug scenario: mean gap between two CPU operations (each waits 1 .. 2 x MS)" },
	{ "hotplug_idle_add", OPTION_U64, "N", 0, 0, 1, NULL,
	  "hotplug scenario: 1: hot-add the absent CPUs after the churn, once every other CPU is idle, instead of under it" },
	{ "lateness_cpu", OPTION_U64, "N", 0, 0, TIMER_MAX_CPUS - 1, "1, or 0 on one CPU",
	  "lateness scenario: the CPU that arms the timers" },
	{ "lateness_remote_pct", OPTION_U64, "P", 30, 0, 100, NULL,
	  "lateness scenario: share of timers armed on other CPUs with timer_add_on" },
	{ "lateness_bound_us", OPTION_U64, "US", 0, 1, 3600000000, "per scenario",
	  "timers, idle and lateness scenarios: latest a timer may run after the start of its expiry jiffy (default: the wheel's bound for the scenario's delays plus emulator slack, see its @report bound_* fields)" },
	{ "tmigr", OPTION_WORD, "on|off", 0, 0, 0, "on",
	  "timer migration hierarchy; off is the baseline where every CPU wakes for its own global timers" },
	{ "tmigr_dump", OPTION_U64, "N", 0, 0, 1, NULL,
	  "1: print the hierarchy (table and tmigr_group records) after the idle scenario (always on failure)" },
	{ "jiffies_wrap_ms", OPTION_U64, "MS", 1000, 0, 3600000, NULL,
	  "jiffies start so that they wrap this long after boot (every run crosses 2^64)" },
	{ "shell", OPTION_FLAG, NULL, 0, 0, 0, NULL,
	  "after the boot (and the scenario), a command shell on COM1 instead of the exit (docs/shell.md)" },
	{ "then", OPTION_WORD, "exit|shell|poweroff", 0, 0, 0, "exit",
	  "after the scenario or test: exit with the verdict, the shell (as the shell option), or exit and power off with ACPI S5, under QEMU too instead of its exit device (docs/firmware.md)" },
	{ "console", OPTION_NAME, "ttyS0..3[,BAUD]|uart,io|mmio|mmio32,ADDR[,BAUD]|fb|vga", 0, 0, 0, NULL,
	  "the serial console: ttyS0-3 (COM1-COM4), uart,io,0xPORT, uart,mmio,0xADDR (8-bit registers) or uart,mmio32,0xADDR (32-bit, stride 4), each with an optional ,BAUD (115200); fb or vga: the screen alone.  Default: the ACPI SPCR's UART, else the first COM port that answers (docs/consoles.md)" },
	{ "help", OPTION_FLAG, NULL, 0, 0, 0, NULL,
	  "list the command-line options" },
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* What the command line gave, judged: only `given` values are read. */
struct option_value {
	bool given;
	uint64_t u64;
	const char *str;	/* points into the caller's struct cmdline */
};

static struct option_value values[NOPTIONS];
static const struct cmdline *parsed;	/* options_parse()'s cl */

static const struct option_desc *find(const char *name, size_t *idx)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		if (!strcmp(options[i].name, name)) {
			*idx = i;
			return &options[i];
		}
	}
	/* a reader asking for a name the table lacks: a bug, say so loudly */
	kprintf("options: BUG: no option '%s' in kernel/options.c\n", name);
	return NULL;
}

static bool known(const char *key, void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < NOPTIONS; i++)
		if (!strcmp(options[i].name, key))
			return true;
	return false;
}

/* Whether word is one of the '|'-separated words of list. */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (*list) {
		const char *end = list;

		while (*end && *end != '|')
			end++;
		if ((size_t)(end - list) == n && !strncmp(list, word, n))
			return true;
		list = *end ? end + 1 : end;
	}
	return false;
}

/* Judge the value given for options[i]; true if it is usable. */
static bool judge(size_t i, const char *val)
{
	const struct option_desc *o = &options[i];
	char def[48];
	uint64_t v;

	option_default_text(o, def, sizeof(def));
	switch (o->kind) {
	case OPTION_U64:
		if (!cmdline_parse_u64(val, &v)) {
			kprintf("cmdline: %s='%s' is not a number, using %s\n",
				o->name, val, def);
			return false;
		}
		if (v < o->min || v > o->max) {
			kprintf("cmdline: %s=%s is outside %llu..%llu, using %s\n",
				o->name, val, (unsigned long long)o->min,
				(unsigned long long)o->max, def);
			return false;
		}
		values[i].u64 = v;
		return true;
	case OPTION_WORD:
		if (!in_list(o->arg, val)) {
			kprintf("cmdline: %s='%s' is not one of %s, using %s\n",
				o->name, val, o->arg, def);
			return false;
		}
		break;
	case OPTION_NAME:
	case OPTION_FLAG:
		break;
	}
	values[i].str = val;
	return true;
}

void options_parse(struct cmdline *cl, const char *line)
{
	cmdline_parse(cl, line, known, NULL);
	for (size_t i = 0; i < NOPTIONS; i++) {
		const char *val = cmdline_get(cl, options[i].name);

		values[i] = (struct option_value){ 0 };
		values[i].given = val && judge(i, val);
	}
	parsed = cl;
}

uint64_t option_u64(const char *name)
{
	size_t i;
	const struct option_desc *o = find(name, &i);

	if (!o)
		return 0;
	return values[i].given ? values[i].u64 : o->def;
}

uint64_t option_u64_or(const char *name, uint64_t def)
{
	size_t i;

	if (!find(name, &i))
		return def;
	return values[i].given ? values[i].u64 : def;
}

const char *option_str(const char *name)
{
	size_t i;
	const struct option_desc *o = find(name, &i);

	if (!o)
		return NULL;
	return values[i].given ? values[i].str : o->def_text;
}

bool option_given(const char *name)
{
	size_t i;

	return find(name, &i) && values[i].given;
}

size_t options_format(char *buf, size_t size)
{
	return cmdline_format(parsed, buf, size);
}

const struct option_desc *option_find(const char *name)
{
	size_t i;

	return find(name, &i);
}

const struct option_desc *options_table(size_t *n)
{
	*n = NOPTIONS;
	return options;
}

size_t option_default_text(const struct option_desc *o, char *buf, size_t size)
{
	if (o->def_text)
		return (size_t)fmt_snprintf(buf, size, "%s", o->def_text);
	if (o->kind == OPTION_U64)
		return (size_t)fmt_snprintf(buf, size, "%llu", (unsigned long long)o->def);
	return (size_t)fmt_snprintf(buf, size, "%s", o->kind == OPTION_FLAG ? "off" : "none");
}

size_t option_range_text(const struct option_desc *o, char *buf, size_t size)
{
	if (o->kind != OPTION_U64)
		return (size_t)fmt_snprintf(buf, size, "%s", "");
	if (o->min == 0 && o->max == UINT64_MAX)
		return (size_t)fmt_snprintf(buf, size, "%s", "0..2^64-1");
	return (size_t)fmt_snprintf(buf, size, "%llu..%llu", (unsigned long long)o->min,
				    (unsigned long long)o->max);
}

/*
 * "  hz=N  tick rate of every CPU, in Hz (default 1000; 10..10000)": the
 * option as written, then its help, default and range; a long option
 * gets its help on the next line.
 */
void options_print_help(void)
{
	kprintf("options (key=value on the kernel command line):\n");
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option_desc *o = &options[i];
		char form[48], def[48], range[48];

		fmt_snprintf(form, sizeof(form), "%s%s%s", o->name, o->arg ? "=" : "",
			     o->arg ? o->arg : "");
		option_default_text(o, def, sizeof(def));
		option_range_text(o, range, sizeof(range));
		if (strlen(form) > 22)
			kprintf("  %s\n  %-22s", form, "");
		else
			kprintf("  %-22s", form);
		if (o->kind == OPTION_FLAG)
			kprintf(" %s\n", o->help);
		else
			kprintf(" %s (default %s%s%s)\n", o->help, def,
				*range ? "; " : "", range);
	}
}
