// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC's interfaces for QEMU's kvmvapic option ROM, which
 * patches a guest's TPR accesses (old Windows kernels hammer the TPR) into
 * plain memory accesses to a "vapic" page:
 *
 * - KVM_SET_VAPIC_ADDR: the guest-physical address of that page. Before
 *   every entry lvmm writes the TPR, the highest ISR class and the highest
 *   IRR vector there; after every exit it takes the TPR back from it,
 *   where patched code wrote it (KVM's kvm_lapic_sync_to/from_vapic()).
 * - KVM_TPR_ACCESS_REPORTING: each xAPIC MMIO access to the TPR then ends
 *   KVM_RUN with KVM_EXIT_TPR_ACCESS (its RIP and direction) once the
 *   instruction is done, so that the ROM can find the instruction to patch
 *   (the report itself is made by the MMIO handler, lapic.c).
 *
 * A Linux guest's TPR accesses are never patched, but QEMU sets both up
 * for every guest, and aborts when KVM_SET_VAPIC_ADDR fails.
 */
#include <linux/kvm.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>

#include "lapic_internal.h"
#include "memslot.h"
#include "vcpu.h"
#include "vm.h"

int lvmm_lapic_vapic_ioctl(struct lvmm_vcpu *vcpu, unsigned int cmd,
			   void __user *u)
{
	struct kvm_tpr_access_ctl tac;
	struct kvm_vapic_addr va;

	if (cmd == KVM_TPR_ACCESS_REPORTING) {
		if (copy_from_user(&tac, u, sizeof(tac)))
			return -EFAULT;
		if (tac.flags)
			return -EINVAL;
		vcpu->tpr_access_reporting = tac.enabled;
		return 0;
	}
	if (!vcpu->lapic)
		return -EINVAL;
	if (copy_from_user(&va, u, sizeof(va)))
		return -EFAULT;
	/* As KVM: the four bytes must be in one slot's memory. */
	if (va.vapic_addr &&
	    ((va.vapic_addr & ~PAGE_MASK) > PAGE_SIZE - 4 ||
	     !lvmm_find_slot(vcpu->vm, va.vapic_addr >> PAGE_SHIFT)))
		return -EINVAL;
	vcpu->vapic_addr = va.vapic_addr;
	return 0;
}

/* Before an entry: the APIC's state into the vapic page. */
void lvmm_lapic_sync_to_vapic(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;
	int irr, isr;
	u32 data;

	if (!vcpu->vapic_addr)
		return;
	raw_spin_lock_irqsave(&a->lock, flags);
	irr = vec_highest(a, APIC_IRR);
	isr = vec_highest(a, APIC_ISR);
	data = (*reg(a, APIC_TASKPRI) & 0xff) |
	       ((isr < 0 ? 0 : isr & 0xf0) << 8) | ((irr < 0 ? 0 : irr) << 24);
	raw_spin_unlock_irqrestore(&a->lock, flags);
	lvmm_write_guest(vcpu->vm, vcpu->vapic_addr, &data, sizeof(data));
}

/* After an exit: the TPR patched code may have written. */
void lvmm_lapic_sync_from_vapic(struct lvmm_vcpu *vcpu)
{
	u32 data;

	if (!vcpu->vapic_addr ||
	    lvmm_read_guest(vcpu->vm, vcpu->vapic_addr, &data, sizeof(data)))
		return;
	if ((data & 0xff) != (READ_ONCE(*reg(vcpu->lapic, APIC_TASKPRI)) & 0xff))
		lvmm_lapic_set_tpr(vcpu, data & 0xff);
}
