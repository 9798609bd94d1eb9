// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpuhp_block: QEMU's CPU hotplug register block, the protocol only.
 *
 * Theory
 *
 * The block (QEMU's docs/specs/acpi_cpu_hotplug.rst) starts in legacy
 * mode: 32 bytes, bit n set when the CPU with APIC ID n is present.  The
 * modern interface is 12 bytes: a selector dword at +0 (which CPU, in
 * QEMU's possible-CPU order), the selected CPU's flags at +4 (bit 0
 * present, bit 1 insert pending, bit 2 remove pending; writing bit 1 or
 * bit 2 acknowledges that event), a command byte at +5 (0: select the
 * next CPU with a pending event, searching from the selector and wrapping,
 * selector unchanged if there is none; 3: make +8 read the selected CPU's
 * APIC ID) and the command's answer at +8.
 *
 * The switch is a one-byte write of 0 at +0.  A four-byte write of 0,
 * the documented form, is dropped by QEMU 7.2 under TCG (its legacy
 * region takes single bytes only) and reading the dword back proves
 * nothing, so cpuhp_block_switch() asks questions only a modern block
 * answers right: selector 0 is present (flags bit 0), and command 3 gives
 * selectors 0 and 1 two different APIC IDs, both known to the caller.  A
 * legacy block ignores the selector, so whatever its +8 reads as (bitmap
 * bytes for APIC IDs 64-95, or nothing at all where the device refuses
 * wide reads) is the same for both: it cannot pass.
 *
 * A scan acknowledges each event before it hands it on: the callback may
 * take long (a hot-add) and the selected CPU is the one just read.  A
 * block that never runs out of events (a broken or hostile device) is
 * left after CPUHP_BLOCK_SCAN_MAX of them.
 *
 * No state, no lock: the caller serialises its calls (the kernel makes
 * them all from one work item on one CPU).
 */
#include "kernel/cpuhp_block.h"

#define REG_SELECTOR		0
#define REG_FLAGS		4
#define REG_COMMAND		5
#define REG_DATA		8
#define FLAG_ENABLED		0x01
#define FLAG_INSERT		0x02
#define FLAG_REMOVE		0x04
#define CMD_NEXT_EVENT		0
#define CMD_GET_APIC_ID		3

bool cpuhp_block_switch(const struct cpuhp_block_io *io, uint16_t base,
			bool (*known)(uint32_t apic_id))
{
	uint32_t id0, id1;
	uint8_t flags;

	io->out8(base, 0);
	io->out32(base + REG_SELECTOR, 0);
	flags = io->in8(base + REG_FLAGS);
	io->out8(base + REG_COMMAND, CMD_GET_APIC_ID);
	id0 = io->in32(base + REG_DATA);
	io->out32(base + REG_SELECTOR, 1);
	io->out8(base + REG_COMMAND, CMD_GET_APIC_ID);
	id1 = io->in32(base + REG_DATA);
	io->out32(base + REG_SELECTOR, 0);
	return (flags & FLAG_ENABLED) && id0 != id1 && known(id0) && known(id1);
}

uint32_t cpuhp_block_scan(const struct cpuhp_block_io *io, uint16_t base,
			  void (*fn)(enum cpuhp_block_event ev, uint32_t apic_id, void *ctx),
			  void *ctx)
{
	for (uint32_t n = 0; n <= CPUHP_BLOCK_SCAN_MAX; n++) {
		uint8_t flags;
		uint32_t id;
		bool insert;

		io->out8(base + REG_COMMAND, CMD_NEXT_EVENT);
		flags = io->in8(base + REG_FLAGS);
		if (!(flags & (FLAG_INSERT | FLAG_REMOVE)))
			return n;
		if (n == CPUHP_BLOCK_SCAN_MAX)
			break;
		insert = flags & FLAG_INSERT;
		io->out8(base + REG_COMMAND, CMD_GET_APIC_ID);
		id = io->in32(base + REG_DATA);
		io->out8(base + REG_FLAGS, insert ? FLAG_INSERT : FLAG_REMOVE);
		fn(insert ? CPUHP_BLOCK_INSERT : CPUHP_BLOCK_REMOVE, id, ctx);
	}
	return CPUHP_BLOCK_SCAN_MAX + 1;
}

void cpuhp_block_read_legacy(const struct cpuhp_block_io *io, uint16_t base,
			     uint8_t out[CPUHP_BLOCK_LEGACY_LEN])
{
	for (uint32_t i = 0; i < CPUHP_BLOCK_LEGACY_LEN; i++)
		out[i] = io->in8((uint16_t)(base + i));
}
