// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clock: the kernel's one time base, arch_now_ns(), the same on every CPU.
 *
 * Theory.  now_ns = ((TSC - skew[cpu]) - tsc_base) * mult >> 32, with
 * mult = 2^32 * 1e9 / tsc_hz, so nanoseconds count from clock_init() on
 * the BSP.  The product is taken in 128 bits: no overflow for centuries.
 *
 * TSCs are not synchronised across CPUs here: QEMU TCG gives each vCPU its
 * own offset (we measured APs ~100 ms apart from the BSP), and firmware on
 * real machines can leave them apart too.  So after bring-up the BSP
 * measures each AP's skew in turn (clock_sync_all) with a ping-pong: the
 * BSP reads t1 and posts a request, the AP answers with its TSC t2, the BSP
 * reads t3 when the answer lands.  t2 was read at a BSP instant between t1
 * and t3, so skew lies in [t2 - t3, t2 - t1].  We keep the sample with the
 * shortest round trip and take its upper bound, t2 - t1: an AP's clock may
 * then lag true time by up to that round trip, never lead it, so a timer
 * can fire late on an AP, never early.  The largest round trip is reported
 * as the error bound.  A host that preempts either side spoils round trips
 * (we saw bounds of milliseconds under load), so an AP whose best round
 * trip stays above the aim (clock_sync_aim_ns=, 20 us by default: a
 * round trip between two CPUs that both run is well under a microsecond on
 * hardware and a few under an emulator) is measured again, up to
 * SYNC_ATTEMPTS times in all; a later attempt's skew replaces the kept one only when its
 * round trip is shorter.  The bound aimed at, the retries and the APs that
 * never got under it are reported beside the error bound.
 *
 * IA32_TSC_ADJUST (Intel SDM Vol. 3B 18.17.3; CPUID.(EAX=7,ECX=0):EBX[1]).
 * Firmware can leave it different on some CPUs (an SMM handler that hid
 * its time, a BIOS that wrote the TSC on one socket), and a TSC written so
 * drifts apart again at every such write.  Before its first skew
 * measurement each AP reads its value through the fault-tolerant RDMSR
 * and, when it differs from the BSP's (read in clock_init), writes the
 * BSP's value and reads it back (arch/x86_64/tsc_choice.c); the skew
 * measured next is what remains.  Linux does the same at CPU bring-up.
 * Every CPU's value is kept for the record (clock_report_tsc_adjust).  The
 * test option tsc_adjust_test= makes each odd-numbered AP move its value
 * first, as firmware might; an emulator that ignores the write (QEMU's
 * TCG reads 0 whatever is written) shows up as "not aligned".
 *
 * One AP at a time, on purpose: under QEMU TCG every vCPU is a host thread,
 * and 63 APs spinning on a shared beacon starved the BSP on a 2-core host
 * (2 of 64 CPUs came up).  Here only the BSP and one AP are ever running;
 * the others sit in HLT.  The AP side runs on that AP through the "run
 * this on CPU n" function the kernel hands to clock_sync_all() (its work
 * queues): arch code calls no kernel service to get there.  The kernel
 * runs the sync before the APs join the timer hierarchy, so no AP moves
 * its wheel clock with an unmeasured skew.
 *
 * Ordering.  The mailbox: the BSP posts `req` with release after nothing
 * else it needs to publish, the AP acquires it, reads its TSC, stores `t2`
 * and then `resp` with release; the BSP acquires `resp`, then reads `t2`.
 * The result goes back the same way (`skew_out`, then `done` with
 * release), and the AP writes its own skew[] entry: skew[cpu] is written
 * only by its CPU, and read only by it (arch_now_ns) or for reports.  An
 * AP's adjust[] entry is written by the AP before its release store of
 * adjust_seen[cpu], which the report acquires before it reads the entry.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/clock.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/smpboot.h"
#include "arch/x86_64/tsc_choice.h"
#include "drivers/apic/lapic.h"
#include "kernel/arch_services.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/json.h"

#define SYNC_ROUNDS	32	/* ping-pongs per AP: the first includes its wake-up, and host preemption can spoil any */
#define SYNC_WAIT_US	100000	/* bound on each wait for the other side */
#define SYNC_RELEASE_US	3000000	/* bound on the wait for an AP to let go of the mailbox */
#define SYNC_ATTEMPTS	6	/* per AP: a starved vCPU, or a round trip above SYNC_GOOD_NS, gets another go */
#define MSR_TSC_ADJUST	0x3b
#define ADJUST_LISTED	16	/* differing CPUs named in the record */

struct sync_mailbox {
	uint32_t req;		/* BSP -> AP: round number; release/acquire */
	uint32_t resp;		/* AP -> BSP: round answered; release/acquire */
	uint64_t t2;		/* AP's TSC for round `resp` */
	int64_t skew_out;	/* BSP -> AP: the estimate, valid once done */
	uint32_t done;		/* BSP -> AP: 1 = use skew_out, 2 = keep yours; release/acquire */
	uint32_t finished;	/* AP -> BSP: done with the mailbox; release/acquire */
};

static uint64_t llabs64(int64_t v)
{
	return v < 0 ? (uint64_t)-v : (uint64_t)v;
}

/* ns (up to 1 s) in TSC cycles, rounded down; tsc_hz < 2^34 keeps it in 64 bits */
static uint64_t tsc_to_cycles_ns(uint64_t ns)
{
	return tsc_hz * ns / 1000000000ull;
}

static uint64_t tsc_base;		/* BSP TSC at clock_init(); set once */
static uint64_t ns_mult;		/* ns per TSC cycle, 32.32 fixed point */
static uint64_t tsc_mult;		/* TSC cycles per ns, 32.32 fixed point */
static int64_t skew[MAX_CPUS];		/* own TSC minus the BSP's; written by its CPU */
static struct sync_mailbox mbox;

/* IA32_TSC_ADJUST: set by clock_init() on the BSP before any AP runs */
static bool adjust_offered;
static int64_t adjust_bsp;
static int64_t adjust_test;		/* tsc_adjust_test=, for odd-numbered APs */
static struct tsc_adjust_cpu adjust[MAX_CPUS];	/* written by its CPU before adjust_seen */
static bool adjust_seen[MAX_CPUS];	/* release/acquire: publishes adjust[] */

static bool adjust_read(uint64_t *v)
{
	return rdmsr_safe(MSR_TSC_ADJUST, v);
}

static bool adjust_write(uint64_t v)
{
	return wrmsr_safe(MSR_TSC_ADJUST, v);
}

static const struct tsc_adjust_ops adjust_ops = { adjust_read, adjust_write };

static void adjust_init_bsp(void)
{
	uint32_t cpu = this_cpu_id();
	uint64_t v;

	adjust_offered = cpu_features.max_leaf >= 7 && (cpuid(7, 0).ebx & (1u << 1));
	if (!adjust_offered)
		return;
	if (!rdmsr_safe(MSR_TSC_ADJUST, &v)) {
		kprintf("clock: CPUID offers IA32_TSC_ADJUST but reading it faults; not used\n");
		adjust_offered = false;
		return;
	}
	adjust_bsp = (int64_t)v;
	adjust_test = (int64_t)option_u64("tsc_adjust_test");
	adjust[cpu] = (struct tsc_adjust_cpu){ .read_ok = true, .before = adjust_bsp,
					       .after = adjust_bsp, .aligned = true };
	__atomic_store_n(&adjust_seen[cpu], true, __ATOMIC_RELAXED);	/* no AP runs yet */
}

/* On an AP, before its first skew measurement: bring TSC_ADJUST to the BSP's. */
static void adjust_this_cpu(void)
{
	uint32_t cpu = this_cpu_id();
	struct tsc_adjust_cpu *a = &adjust[cpu];

	/* relaxed: only this CPU sets its flag */
	if (!adjust_offered || __atomic_load_n(&adjust_seen[cpu], __ATOMIC_RELAXED))
		return;
	tsc_adjust_align(&adjust_ops, adjust_bsp, cpu & 1 ? adjust_test : 0, a);
	/* release: pairs with the acquire in clock_report_tsc_adjust, publishing adjust[cpu] */
	__atomic_store_n(&adjust_seen[cpu], true, __ATOMIC_RELEASE);
}

void clock_init(void)
{
	tsc_base = rdtsc();
	ns_mult = (1000000000ull << 32) / tsc_hz;
	tsc_mult = (tsc_hz << 32) / 1000000000ull;
	adjust_init_bsp();
}

uint64_t arch_now_ns(void)
{
	uint64_t t = rdtsc() - (uint64_t)skew[this_cpu_id()] - tsc_base;

	return (uint64_t)(((unsigned __int128)t * ns_mult) >> 32);
}

uint64_t clock_ns_to_local_tsc(uint64_t ns)
{
	uint64_t t = (uint64_t)(((unsigned __int128)ns * tsc_mult) >> 32);

	return t + tsc_base + (uint64_t)skew[this_cpu_id()];
}

static bool wait_u32_us(const uint32_t *p, uint32_t want, uint64_t us)
{
	uint64_t deadline = time_deadline_us(us);

	/* acquire: pairs with the release store of the other side */
	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != want) {
		if (time_after_deadline(deadline))
			return false;
		cpu_pause();
	}
	return true;
}

static bool wait_u32(const uint32_t *p, uint32_t want)
{
	return wait_u32_us(p, want, SYNC_WAIT_US);
}

/* The BSP's verdict on an attempt: 0 when it did not come in time. */
static uint32_t wait_verdict(void)
{
	uint64_t deadline = time_deadline_us(SYNC_WAIT_US);
	uint32_t v;

	/* acquire: pairs with the BSP's release of done, publishing skew_out */
	while (!(v = __atomic_load_n(&mbox.done, __ATOMIC_ACQUIRE))) {
		if (time_after_deadline(deadline))
			return 0;
		cpu_pause();
	}
	return v;
}

/* The AP's side, run on the AP being measured. */
static void sync_ap_side(void *arg)
{
	uint32_t round;

	(void)arg;
	adjust_this_cpu();
	for (round = 1; round <= SYNC_ROUNDS; round++) {
		if (!wait_u32(&mbox.req, round))
			break;
		__atomic_store_n(&mbox.t2, rdtsc_ordered(), __ATOMIC_RELAXED);
		/* release: pairs with the BSP's acquire of resp, publishing t2 */
		__atomic_store_n(&mbox.resp, round, __ATOMIC_RELEASE);
	}
	if (round > SYNC_ROUNDS && wait_verdict() == 1)
		__atomic_store_n(&skew[this_cpu_id()],
				 __atomic_load_n(&mbox.skew_out, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
	/* release: pairs with the BSP's acquire; we no longer read the mailbox */
	__atomic_store_n(&mbox.finished, 1, __ATOMIC_RELEASE);
}

/*
 * BSP: measure one AP; returns the best round trip in cycles, 0 if it never
 * answered.  The AP takes this attempt's skew only when that round trip is
 * below keep_below (an earlier attempt's); else it keeps its own.  *stuck
 * is set when the AP did not let go of the mailbox: it may not be reused
 * then.
 */
static uint64_t sync_one(uint32_t cpu, clock_run_on_fn run_on, uint64_t keep_below,
			 bool *stuck)
{
	uint64_t best_rtt = UINT64_MAX;
	int64_t best_skew = 0;

	__atomic_store_n(&mbox.req, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&mbox.resp, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&mbox.done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&mbox.finished, 0, __ATOMIC_RELAXED);
	run_on(cpu, sync_ap_side, NULL);
	for (uint32_t round = 1; round <= SYNC_ROUNDS; round++) {
		uint64_t t1 = rdtsc_ordered(), t3;

		/* release: pairs with the AP's acquire of req */
		__atomic_store_n(&mbox.req, round, __ATOMIC_RELEASE);
		if (!wait_u32(&mbox.resp, round))
			break;
		t3 = rdtsc_ordered();
		if (t3 - t1 < best_rtt) {
			best_rtt = t3 - t1;
			/* against our TSC; ours against the BSP's is skew[us] (0 on the BSP) */
			best_skew = (int64_t)(__atomic_load_n(&mbox.t2, __ATOMIC_RELAXED) - t1) +
				    skew[this_cpu_id()];
		}
	}
	if (best_rtt < keep_below)
		__atomic_store_n(&mbox.skew_out, best_skew, __ATOMIC_RELAXED);
	/* release: pairs with the AP's acquire of done, publishing skew_out */
	__atomic_store_n(&mbox.done, best_rtt < keep_below ? 1 : 2, __ATOMIC_RELEASE);
	/* the mailbox is reused for the next AP: wait until this one let go */
	*stuck = !wait_u32_us(&mbox.finished, 1, SYNC_RELEASE_US);
	if (*stuck)
		kprintf("clock: CPU %u did not finish the clock sync\n", cpu);
	return best_rtt == UINT64_MAX ? 0 : best_rtt;
}

void clock_sync_all(const uint32_t *cpus, uint32_t n, clock_run_on_fn run_on,
		    struct clock_sync_result *res)
{
	bool stuck = false;

	*res = (struct clock_sync_result){ 0 };
	res->attempts_max = SYNC_ATTEMPTS;
	res->good_rtt_ns = option_u64("clock_sync_aim_ns");
	res->good_rtt_cycles = tsc_to_cycles_ns(res->good_rtt_ns);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t cpu = cpus[i];
		uint64_t rtt = 0;

		/*
		 * Until a round trip under the bound, or attempts run out; a
		 * stuck mailbox ends them all.  Only a shorter round trip
		 * replaces the skew an earlier attempt gave.
		 */
		for (uint32_t a = 0; a < SYNC_ATTEMPTS && !stuck; a++) {
			uint64_t r = sync_one(cpu, run_on, rtt ? rtt : UINT64_MAX, &stuck);

			if (a)
				res->retries++;
			if (r && (!rtt || r < rtt))
				rtt = r;
			if (rtt && rtt <= res->good_rtt_cycles)
				break;
		}
		if (!rtt) {
			res->unsynced++;
			kprintf("clock: CPU %u did not answer the clock sync; its clock may be off\n", cpu);
			continue;
		}
		if (rtt > res->good_rtt_cycles)
			res->over_good++;
		res->synced++;
		if (rtt > res->max_rtt_cycles)
			res->max_rtt_cycles = rtt;
		/* the AP wrote skew[cpu] before returning from the work item */
		if (llabs64(clock_skew_cycles(cpu)) > res->max_abs_skew_cycles)
			res->max_abs_skew_cycles = llabs64(clock_skew_cycles(cpu));
	}
}

bool arch_cpu_sync_clock(uint32_t cpu, void (*run_on)(uint32_t cpu, void (*fn)(void *arg), void *arg))
{
	struct clock_sync_result res;

	clock_sync_all(&cpu, 1, run_on, &res);
	return res.synced == 1;
}

int64_t clock_skew_cycles(uint32_t cpu)
{
	return __atomic_load_n(&skew[cpu], __ATOMIC_RELAXED);
}

/*
 * Every CPU's IA32_TSC_ADJUST as the alignment found it: one line per CPU
 * that differed (a few, then a count), a summary line, and the record
 * {"kind":"tsc_adjust"} (docs/cpus.md).  Boot CPU, after the clock sync.
 */
void clock_report_tsc_adjust(void)
{
	uint32_t cpus = 0, differed = 0, aligned = 0, unread = 0, listed = 0;
	static char buf[2048];	/* ADJUST_LISTED entries of three 20-digit numbers */
	struct json_writer w;

	if (!adjust_offered) {
		kprintf("clock: IA32_TSC_ADJUST not offered by CPUID; APs not aligned\n");
		report_emit("{\"kind\":\"tsc_adjust\",\"offered\":false}");
		return;
	}
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "tsc_adjust");
	json_bool(&w, "offered", true);
	json_i64(&w, "bsp", adjust_bsp);
	json_i64(&w, "test_offset", adjust_test);
	json_array_begin(&w, "differing");
	for (uint32_t cpu = 0; cpu < MAX_CPUS; cpu++) {
		const struct tsc_adjust_cpu *a = &adjust[cpu];

		/* acquire: pairs with the CPU's release in adjust_this_cpu */
		if (!__atomic_load_n(&adjust_seen[cpu], __ATOMIC_ACQUIRE))
			continue;
		cpus++;
		unread += !a->read_ok;
		if (!a->written)
			continue;
		differed++;
		aligned += a->aligned;
		if (listed++ < ADJUST_LISTED) {
			kprintf("clock: CPU %u IA32_TSC_ADJUST was %lld, the BSP's is %lld: %s (now %lld)\n",
				cpu, (long long)a->before, (long long)adjust_bsp,
				a->aligned ? "aligned" : "write did not take", (long long)a->after);
			json_object_begin(&w, NULL);
			json_u64(&w, "cpu", cpu);
			json_i64(&w, "before", a->before);
			json_i64(&w, "after", a->after);
			json_object_end(&w);
		}
	}
	json_array_end(&w);
	json_u64(&w, "cpus", cpus);
	json_u64(&w, "differed", differed);
	json_u64(&w, "aligned", aligned);
	json_u64(&w, "not_aligned", differed - aligned);
	json_u64(&w, "unreadable", unread);
	json_bool(&w, "differing_truncated", listed > ADJUST_LISTED);
	kprintf("clock: IA32_TSC_ADJUST read on %u CPUs: BSP %lld, %u differed, %u aligned to it, %u unreadable\n",
		cpus, (long long)adjust_bsp, differed, aligned, unread);
	report_emit(json_end(&w));
}
