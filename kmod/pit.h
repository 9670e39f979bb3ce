/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel 8254 of KVM_CREATE_PIT2 (pit.c): what port I/O and the VM
 * ioctls call.
 */
#ifndef LVMM_PIT_H
#define LVMM_PIT_H

#include <linux/types.h>

struct lvmm_vm;

int lvmm_create_pit(struct lvmm_vm *vm, u32 flags);
void lvmm_pit_destroy(struct lvmm_vm *vm);
int lvmm_pit_ioctl(struct lvmm_vm *vm, unsigned int cmd, void __user *u);
bool lvmm_pit_pio(struct lvmm_vm *vm, u16 port, bool in, u32 *val);

#endif /* LVMM_PIT_H */
