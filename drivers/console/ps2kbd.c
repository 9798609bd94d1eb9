// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ps2kbd: a small i8042 driver, enough to read keys for the shell.
 *
 * Theory.  The controller has a data port (0x60) and a status/command
 * port (0x64).  Status bit 0 (output buffer full) says a byte waits at
 * 0x60, bit 1 (input buffer full) that the controller has not yet taken
 * our last write, bit 5 that the waiting byte came from the second
 * (mouse) port.  Commands used: 0x20 read and 0x60 write the
 * configuration byte, 0xA7 disable the second port, 0xAD / 0xAE disable
 * / enable the first.  Configuration bits: 0 first port interrupt, 1
 * second port interrupt, 4 first port clock disabled, 6 translation to
 * scancode set 1.
 *
 * Hostile hardware.  A machine may have no controller (reads of an
 * absent port give 0xFF: status "both buffers full"), or firmware that
 * emulates one for a USB keyboard in SMM, slowly or partly.  So nothing
 * here waits without a bound: every wait for a status bit gives up after
 * I8042_POLLS reads, and a timeout during the probe means "no
 * controller".  The probe is non-destructive: no controller self-test
 * (0xAA, which resets the configuration on some chips), no keyboard
 * reset, no scancode-set change; only: status not 0xFF, then read the
 * configuration byte back.  The FADT's IAPC_BOOT_ARCH bit 1 ("8042")
 * is taken as a hint only: when set, the same probe runs and a failure
 * is reported as the firmware being wrong; when clear or absent (QEMU's
 * revision 1 FADT for the `pc` machine has no such field) the probe still
 * runs, because many machines with a controller leave the flag clear.
 *
 * Scancode set: with translation on (bit 6, what PC firmware leaves) the
 * stream is set 1; with it off we assume the keyboard's power-on set 2.
 * Decoding is drivers/console/ps2kbd_decode.c.
 *
 * The mouse port is disabled and its interrupt cleared, so its bytes do
 * not mix with keys; a byte flagged as from it is read and dropped.
 *
 * Locking: none; the boot CPU alone runs this (see the header).  The
 * platform reset (arch/x86_64/platform.c) writes port 0x64 too, after
 * the shell stopped reading.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "drivers/console/ps2kbd.h"

#define I8042_DATA		0x60
#define I8042_STATUS		0x64
#define I8042_CMD		0x64
#define ST_OUT_FULL		0x01
#define ST_IN_FULL		0x02
#define ST_AUX_DATA		0x20
#define CMD_READ_CONFIG		0x20
#define CMD_WRITE_CONFIG	0x60
#define CMD_DISABLE_AUX		0xa7
#define CMD_DISABLE_KBD		0xad
#define CMD_ENABLE_KBD		0xae
#define CFG_KBD_IRQ		0x01
#define CFG_AUX_IRQ		0x02
#define CFG_KBD_CLOCK_OFF	0x10
#define CFG_TRANSLATE		0x40
#define I8042_POLLS		100000
#define FLUSH_MAX		32
#define READ_MAX		16	/* bytes per ps2kbd_read, against a chattering line */

static struct {
	bool hint_said, hint_8042;
	bool present;
} kbd;

void ps2kbd_firmware_hint(bool said, bool has_8042)
{
	kbd.hint_said = said;
	kbd.hint_8042 = has_8042;
}

static bool wait_status(uint8_t mask, bool set)
{
	for (int i = 0; i < I8042_POLLS; i++) {
		if (!!(inb(I8042_STATUS) & mask) == set)
			return true;
		cpu_pause();
	}
	return false;
}

static bool write_port(uint16_t port, uint8_t v)
{
	if (!wait_status(ST_IN_FULL, false))
		return false;
	outb(port, v);
	return true;
}

static void flush(void)
{
	for (int i = 0; i < FLUSH_MAX && (inb(I8042_STATUS) & ST_OUT_FULL); i++)
		(void)inb(I8042_DATA);
}

static bool read_config(uint8_t *cfg)
{
	if (!write_port(I8042_CMD, CMD_READ_CONFIG) || !wait_status(ST_OUT_FULL, true))
		return false;
	*cfg = inb(I8042_DATA);
	return true;
}

bool ps2kbd_init(enum ps2kbd_set *set, const char **why)
{
	uint8_t cfg;

	kbd.present = false;
	if (inb(I8042_STATUS) == 0xff) {
		*why = kbd.hint_said && kbd.hint_8042 ? "FADT names an 8042 but its status reads 0xff" :
			"status port reads 0xff: no controller";
		return false;
	}
	flush();
	if (!write_port(I8042_CMD, CMD_DISABLE_KBD) || !write_port(I8042_CMD, CMD_DISABLE_AUX)) {
		*why = "controller never took a command";
		return false;
	}
	flush();
	if (!read_config(&cfg)) {
		*why = "no answer to read-configuration";
		write_port(I8042_CMD, CMD_ENABLE_KBD);
		return false;
	}
	cfg = (uint8_t)((cfg | CFG_KBD_IRQ) & ~(CFG_AUX_IRQ | CFG_KBD_CLOCK_OFF));
	if (!write_port(I8042_CMD, CMD_WRITE_CONFIG) || !write_port(I8042_DATA, cfg) ||
	    !write_port(I8042_CMD, CMD_ENABLE_KBD)) {
		*why = "controller stopped taking commands";
		return false;
	}
	flush();
	*set = cfg & CFG_TRANSLATE ? PS2KBD_SET1 : PS2KBD_SET2;
	*why = kbd.hint_said ? (kbd.hint_8042 ? "FADT names an 8042" :
			       "FADT names no 8042, but one answered") :
			       "FADT does not say; one answered";
	kbd.present = true;
	return true;
}

size_t ps2kbd_read(uint8_t *buf, size_t max)
{
	size_t n = 0;

	if (!kbd.present)
		return 0;
	for (int i = 0; i < READ_MAX && n < max; i++) {
		uint8_t st = inb(I8042_STATUS);

		if (!(st & ST_OUT_FULL))
			break;
		if (st & ST_AUX_DATA) {
			(void)inb(I8042_DATA);	/* a mouse byte: not ours */
			continue;
		}
		buf[n++] = inb(I8042_DATA);
	}
	return n;
}
