// SPDX-License-Identifier: GPL-2.0
/*
 * The VM ioctls of the in-kernel interrupt controllers as a whole:
 * KVM_CREATE_IRQCHIP (the 8259 pair, the IOAPIC, KVM's default GSI routing
 * and a local APIC for each vCPU created from then on), KVM_IRQ_LINE, and
 * KVM_GET/SET_IRQCHIP for the three chips' state. The chips are in pic.c
 * and ioapic.c; routing in irq_routing.c.
 */
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "irq.h"
#include "lapic.h"
#include "pic.h"
#include "vm.h"

/* As in KVM, only before the first vCPU, and once. */
int lvmm_create_irqchip(struct lvmm_vm *vm)
{
	int ret;

	mutex_lock(&vm->lock);
	if (vm->irqchip != LVMM_IRQCHIP_NONE)
		ret = -EEXIST;
	else if (atomic_read(&vm->nr_vcpus))
		ret = -EINVAL;
	else
		ret = lvmm_irq_routing_default(vm) ?: lvmm_pic_create(vm) ?:
		      lvmm_ioapic_create(vm);
	if (!ret)	/* Pairs with lvmm_irqchip_mode(): chips, table first. */
		smp_store_release(&vm->irqchip, LVMM_IRQCHIP_KERNEL);
	mutex_unlock(&vm->lock);
	return ret;
}

/*
 * KVM_IRQ_LINE and KVM_IRQ_LINE_STATUS: GSI @irq through the routing
 * table. As in KVM, a GSI nothing takes is not an error: its status is -1.
 */
int lvmm_irq_line(struct lvmm_vm *vm, struct kvm_irq_level __user *u,
		  bool status)
{
	struct kvm_irq_level irq;
	int ret;

	if (copy_from_user(&irq, u, sizeof(irq)))
		return -EFAULT;
	if (lvmm_irqchip_mode(vm) == LVMM_IRQCHIP_NONE)
		return -ENXIO;
	ret = lvmm_irq_set(vm, LVMM_IRQ_SRC_USER, irq.irq, irq.level);
	if (status && put_user(ret, &u->status))
		return -EFAULT;
	return 0;
}

/*
 * KVM_GET_IRQCHIP and KVM_SET_IRQCHIP: one chip's state, by chip_id. As
 * in KVM: -ENXIO unless the whole irqchip is in the kernel (a split one's
 * 8259 and IOAPIC are the VMM's), -EINVAL for an unknown chip.
 */
int lvmm_irqchip_state(struct lvmm_vm *vm, unsigned int cmd,
		       struct kvm_irqchip __user *u)
{
	struct kvm_irqchip *chip;
	bool set = cmd == KVM_SET_IRQCHIP;
	int ret = 0;

	chip = memdup_user(u, sizeof(*chip));
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	if (lvmm_irqchip_mode(vm) != LVMM_IRQCHIP_KERNEL) {
		ret = -ENXIO;
		goto out;
	}
	switch (chip->chip_id) {
	case KVM_IRQCHIP_PIC_MASTER:
	case KVM_IRQCHIP_PIC_SLAVE:
		if (set)
			lvmm_pic_set_state(vm, chip->chip_id, &chip->chip.pic);
		else
			lvmm_pic_get_state(vm, chip->chip_id, &chip->chip.pic);
		break;
	case KVM_IRQCHIP_IOAPIC:
		if (set)
			lvmm_ioapic_set_state(vm, &chip->chip.ioapic);
		else
			lvmm_ioapic_get_state(vm, &chip->chip.ioapic);
		break;
	default:
		ret = -EINVAL;
		goto out;
	}
	if (!set && copy_to_user(u, chip, sizeof(*chip)))
		ret = -EFAULT;
out:
	kfree(chip);
	return ret;
}
