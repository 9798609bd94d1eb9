// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * residency_screen_test: test=residency_screen, the picture checked on
 * the screen the machine really shows.
 *
 * Theory.  The host test proves the drawing into memory; this hook proves
 * it reaches the display: the firmware's framebuffer format, its size and
 * the VGA text attributes as the display adapter renders them.  The boot
 * CPU draws a synthetic window of 64 CPUs and 100 samples whose colours
 * are known (CPU 0 always busy, CPU 1 always idle, CPU 2 parked, CPU 3
 * not measured in the first half, the others 99.5 % idle), then names
 * probe points with the colour each must have in a record:
 *
 *   @report {"kind":"residency_screen_probe","screen":"fb","width":..,
 *            "height":..,"probes":[[x,y,0xRRGGBB],...]}
 *   (VGA: "screen":"vga","cols":80,"rows":25, probes [col,row,colour index])
 *
 * and waits up to PROBE_WAIT_S for a judgement typed on the PS/2
 * keyboard: 'y' (every probe has its colour) or 'n'.  In the test suite
 * the judge is tools/qmp-screendump.py (run-qemu.sh --screendump), which
 * takes QEMU's screendump and types the answer; on a real machine a
 * person looking at the screen can answer.  The result is the record
 * {"kind":"residency_screen_test","screendump":"match"|"mismatch"|"none"}
 * and anything but "match" fails the run.
 *
 * This coexists with the real window (kernel/residency.c calls
 * residency_screen_draw() at the end of each window): same entry point,
 * a view whose answer is known.  Boot CPU only, after the boot reports.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/console/fbcon.h"
#include "drivers/console/ps2kbd.h"
#include "drivers/console/ps2kbd_decode.h"
#include "drivers/console/vga_text.h"
#include "kernel/arch_services.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/report.h"
#include "kernel/residency_screen.h"
#include "kernel/residency_view.h"
#include "kernel/time.h"
#include "kernel/verdict.h"
#include "lib/json.h"

#define NCPUS		64
#define NSAMPLES	100
#define SAMPLE_MS	100
#define BUSY_CPU	0
#define IDLE_CPU	1
#define PARKED_CPU	2
#define HALF_CPU	3
#define OTHERS		995
#define PROBE_WAIT_S	120
#define POLL_US		10000

/* VGA colour indices of the grid's cells (kernel/residency_screen.c) */
#define VGA_BLUE	1
#define VGA_RED		4
#define VGA_GREY	7

static struct residency_view_cpu cpus[NCPUS];

static uint16_t known_sample(const void *ctx, uint32_t cpu, uint32_t i)
{
	(void)ctx;
	if (cpu == BUSY_CPU)
		return 0;
	if (cpu == IDLE_CPU)
		return 1000;
	if (cpu == HALF_CPU && i < NSAMPLES / 2)
		return RESIDENCY_NO_SAMPLE;
	return OTHERS;
}

static void make_view(struct residency_view *v)
{
	uint32_t i;

	for (i = 0; i < NCPUS; i++)
		cpus[i] = (struct residency_view_cpu){
			.cpu = i, .parked = i == PARKED_CPU,
			.idle_permille = i == BUSY_CPU ? 0 : i == IDLE_CPU ?
					 1000 : OTHERS,
			.wakeups_per_s_x100 = 100,
		};
	*v = (struct residency_view){
		.ncpus = NCPUS, .cpu = cpus, .window_ms = NSAMPLES * SAMPLE_MS,
		.sample_ms = SAMPLE_MS, .nsamples = NSAMPLES,
		.sample = known_sample, .median_permille = OTHERS,
		.min_permille = 0, .wakeups_per_s_x100 = NCPUS * 100,
		.idle_state = "hlt", .tmigr = "on",
	};
}

static void probe(struct json_writer *w, uint32_t x, uint32_t y, uint32_t c)
{
	json_array_begin(w, NULL);
	json_u64(w, NULL, x);
	json_u64(w, NULL, y);
	json_u64(w, NULL, c);
	json_array_end(w);
}

/* Centre of heatmap cell (row, col). */
static void fb_probe(struct json_writer *w, const struct residency_fb_layout *l,
		     uint32_t row, uint32_t col, uint32_t rgb)
{
	probe(w, l->map_x + col * l->cell_w + l->cell_w / 2,
	      l->map_y + row * l->row_h + l->row_h / 2, rgb);
}

static void fb_probes(const struct residency_view *v, uint32_t width,
		      uint32_t height, struct json_writer *w)
{
	struct residency_fb_layout l;
	uint32_t c, cols[3];

	residency_fb_layout(v, width, height, &l);
	json_u64(w, "width", width);
	json_u64(w, "height", height);
	json_array_begin(w, "probes");
	if (l.rows > HALF_CPU && l.cpus_per_row == 1 && l.samples_per_col == 1) {
		cols[0] = 0;
		cols[1] = l.cols / 2;
		cols[2] = l.cols - 1;
		for (c = 0; c < 3; c++) {
			fb_probe(w, &l, BUSY_CPU, cols[c], RESIDENCY_RGB_BUSY);
			fb_probe(w, &l, IDLE_CPU, cols[c], RESIDENCY_RGB_IDLE);
			fb_probe(w, &l, PARKED_CPU, cols[c], RESIDENCY_RGB_PARKED);
			fb_probe(w, &l, l.rows - 1, cols[c], residency_rgb(OTHERS));
		}
		fb_probe(w, &l, HALF_CPU, 0, RESIDENCY_RGB_PARKED);
		fb_probe(w, &l, HALF_CPU, l.cols - 1, residency_rgb(OTHERS));
	}
	json_array_end(w);
}

static void vga_probes(const struct residency_view *v, uint32_t cols,
		       uint32_t rows, struct json_writer *w)
{
	static uint16_t page[RESIDENCY_VGA_ROWS * RESIDENCY_VGA_COLS];
	struct residency_vga_result t;

	if (cols > RESIDENCY_VGA_COLS)
		cols = RESIDENCY_VGA_COLS;
	if (rows > RESIDENCY_VGA_ROWS)
		rows = RESIDENCY_VGA_ROWS;
	residency_vga_render(v, page, cols, rows, &t);
	json_u64(w, "cols", cols);
	json_u64(w, "rows", rows);
	json_array_begin(w, "probes");
	probe(w, t.grid_col + RESIDENCY_VGA_GRID_COL(BUSY_CPU), t.grid_row, VGA_RED);
	probe(w, t.grid_col + RESIDENCY_VGA_GRID_COL(IDLE_CPU), t.grid_row, VGA_BLUE);
	probe(w, t.grid_col + RESIDENCY_VGA_GRID_COL(PARKED_CPU), t.grid_row, VGA_GREY);
	json_array_end(w);
}

/* The judge's key: 'y', 'n', or 0 when none came in time. */
static char wait_for_judgement(void)
{
	struct ps2kbd_decoder dec;
	enum ps2kbd_set set = PS2KBD_SET1;
	const char *why = "";
	uint8_t codes[16], out[PS2KBD_OUT_MAX];
	uint64_t deadline;
	size_t n, i, k;

	if (!ps2kbd_init(&set, &why)) {
		kprintf("test=residency_screen: no PS/2 keyboard (%s): nobody can judge\n", why);
		return 0;
	}
	ps2kbd_decoder_init(&dec, set);
	kprintf("test=residency_screen: waiting up to %u s for 'y' (the screen matches) or 'n'\n",
		PROBE_WAIT_S);
	deadline = arch_now_ns() + (uint64_t)PROBE_WAIT_S * 1000000000u;
	while (arch_now_ns() < deadline) {
		n = ps2kbd_read(codes, sizeof(codes));
		for (i = 0; i < n; i++)
			for (k = ps2kbd_decode(&dec, codes[i], out); k > 0; k--)
				if (out[k - 1] == 'y' || out[k - 1] == 'n')
					return (char)out[k - 1];
		udelay(POLL_US);
	}
	return 0;
}

void residency_screen_selftest(void)
{
	struct residency_view v;
	struct json_writer w;
	char buf[1024];
	uint32_t width, height;
	bool fb, vga;
	unsigned long flags;
	char answer;

	make_view(&v);
	residency_screen_draw(&v);
	flags = console_lock();
	fb = fbcon_size(&width, &height);
	vga = !fb && vga_text_size(&width, &height);
	console_unlock(flags);
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "residency_screen_probe");
	json_str(&w, "screen", fb ? "fb" : vga ? "vga" : "none");
	if (fb)
		fb_probes(&v, width, height, &w);
	else if (vga)
		vga_probes(&v, width, height, &w);
	report_emit(json_end(&w));
	answer = fb || vga ? wait_for_judgement() : 0;
	json_begin(&w, buf, sizeof(buf));
	json_str(&w, "kind", "residency_screen_test");
	json_str(&w, "screendump", answer == 'y' ? "match" :
		 answer == 'n' ? "mismatch" : "none");
	report_emit(json_end(&w));
	if (answer != 'y')
		verdict_fail(answer == 'n' ? "test=residency_screen: the screen does not show the expected colours" :
			     "test=residency_screen: no judgement of the screen arrived");
}
