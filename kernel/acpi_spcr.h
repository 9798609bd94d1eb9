/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acpi_spcr: the serial console the firmware names in its SPCR table
 * (Microsoft's Serial Port Console Redirection table), as a UART the
 * console driver can probe (drivers/console/uart.h).
 *
 * Filled once by acpi_parse() on the boot CPU (kernel/acpi.c); read-only
 * afterwards, no lock.
 */
#ifndef PULLKERN_ACPI_SPCR_H
#define PULLKERN_ACPI_SPCR_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/console/uart.h"

struct acpi_root;

struct acpi_spcr {
	bool present;		/* a valid SPCR table was found */
	bool ok;		/* it names a UART we drive: `uart` is set */
	const char *why;	/* static: why it was refused (present, !ok) */
	uint8_t revision;
	uint8_t interface_type;	/* SPCR byte 36 (DBG2 subtype from revision 2) */
	struct uart_desc uart;	/* access, address, baud, ISA IRQ */
};

/* Fill *out from the root table's SPCR (all zero without one). */
void acpi_spcr_parse(const struct acpi_root *root, struct acpi_spcr *out);

/*
 * Judge one SPCR table of len bytes (len >= 36, checksum already checked)
 * into *out; false with out->why set when it is refused.  No output.
 */
bool acpi_spcr_decode(const uint8_t *t, uint32_t len, struct acpi_spcr *out);

#endif
