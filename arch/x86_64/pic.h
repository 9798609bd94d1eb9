/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PULLKERN_ARCH_PIC_H
#define PULLKERN_ARCH_PIC_H

/* Remap the legacy 8259s out of the exception vectors and mask them. */
void pic_disable(void);

#endif
