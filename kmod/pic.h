/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel 8259A pair of KVM_CREATE_IRQCHIP (pic.c): what the routing
 * table, port I/O, the local APIC's ExtINT and KVM_GET/SET_IRQCHIP call.
 */
#ifndef LVMM_PIC_H
#define LVMM_PIC_H

#include <linux/types.h>

struct kvm_pic_state;
struct lvmm_vm;

/* Pins of the pair: 0-7 on the master, 8-15 on the slave. */
#define LVMM_PIC_PINS		16

int lvmm_pic_create(struct lvmm_vm *vm);
void lvmm_pic_destroy(struct lvmm_vm *vm);
int lvmm_pic_set_irq(struct lvmm_vm *vm, int src, u32 pin, bool level);
bool lvmm_pic_pio(struct lvmm_vm *vm, u16 port, unsigned int size, bool in,
		  u32 *val);
bool lvmm_pic_output(struct lvmm_vm *vm);
u8 lvmm_pic_intack(struct lvmm_vm *vm);
void lvmm_pic_get_state(struct lvmm_vm *vm, int chip, struct kvm_pic_state *s);
void lvmm_pic_set_state(struct lvmm_vm *vm, int chip,
			const struct kvm_pic_state *s);

#endif /* LVMM_PIC_H */
