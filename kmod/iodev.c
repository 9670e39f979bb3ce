// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's in-kernel write sinks (iodev.h): their lifetime, and the order in
 * which a guest write is offered to them. KVM's I/O bus offers a write to
 * the devices in address order; lvmm's two kinds never claim the same
 * write in any configuration the VMMs use, so ioeventfds simply go first.
 */
#include <linux/gfp.h>
#include <linux/kvm.h>
#include <linux/mm.h>

#include "core.h"
#include "iodev.h"
#include "vm.h"

int lvmm_iodev_init(struct lvmm_vm *vm)
{
	struct lvmm_iodev *io = &vm->io;

	mutex_init(&io->lock);
	INIT_LIST_HEAD(&io->ioeventfds);
	INIT_LIST_HEAD(&io->zones);
	spin_lock_init(&io->ring_lock);
	/* Mapped by the VMM: zeroed, and charged to it like KVM's. */
	io->ring = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	return io->ring ? 0 : -ENOMEM;
}

/* The VM is going: no vCPU runs, no ioctl can come. */
void lvmm_iodev_free(struct lvmm_vm *vm)
{
	lvmm_ioeventfd_free_all(vm);
	lvmm_coalesced_free_all(vm);
	free_page((unsigned long)vm->io.ring);
	vm->io.ring = NULL;
}

bool lvmm_iodev_write(struct lvmm_vm *vm, bool pio, u64 addr,
		      unsigned int len, u64 val)
{
	return lvmm_ioeventfd_write(vm, pio, addr, len, val) ||
	       lvmm_coalesced_write(vm, pio, addr, len, val);
}
