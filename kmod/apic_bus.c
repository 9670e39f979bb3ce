// SPDX-License-Identifier: GPL-2.0
/*
 * The APIC bus: an interrupt message from the IOAPIC or an MSI, carried to
 * the local APICs it addresses. Like KVM's kvm_irq_delivery_to_apic(), the
 * result says what happened: -1 when no APIC is addressed, else how many
 * took the interrupt (0: all of those addressed are software-disabled).
 *
 * Lowest priority goes to the first addressed APIC that takes it, not to
 * the one with the lowest priority: an arbitration the guest cannot
 * observe beyond which vCPU it lands on, and the one the IOAPIC and IPIs
 * here have always made.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <asm/apicdef.h>

#include "core.h"
#include "irq.h"
#include "lapic.h"
#include "vcpu.h"
#include "vm.h"

/* MSI address and data fields (Intel SDM 11.11, AMD APM 16.7). */
#define MSI_ADDR_DEST_SHIFT	12
#define MSI_ADDR_LOGICAL	BIT(2)
#define MSI_DATA_MODE_SHIFT	8

int lvmm_apic_bus_deliver(struct lvmm_vm *vm, const struct lvmm_apic_irq *irq)
{
	struct lvmm_vcpu *t;
	int taken = -1;

	if (irq->mode != APIC_DM_FIXED && irq->mode != APIC_DM_LOWEST) {
		pr_info_ratelimited("vm %u: interrupt delivery mode %u not supported; dropped\n",
				    vm->id, irq->mode >> 8);
		return -1;
	}
	lvmm_for_each_vcpu(t, vm) {
		if (!lvmm_lapic_match(t, irq->dest, irq->logical))
			continue;
		if (taken < 0)
			taken = 0;
		if (!lvmm_lapic_deliver(t, irq->vector, irq->level))
			continue;	/* software-disabled */
		taken++;
		if (irq->mode == APIC_DM_LOWEST)
			break;
	}
	return taken;
}

/*
 * An MSI: the address says where (bits 19:12 the destination, bit 2
 * logical), the data what (the vector, the delivery mode, the trigger).
 * With KVM_X2APIC_API_USE_32BIT_IDS the high address bits carry bits
 * 31:8 of an x2APIC destination, as in KVM.
 */
int lvmm_msi_deliver(struct lvmm_vm *vm, u32 addr_lo, u32 addr_hi, u32 data)
{
	struct lvmm_apic_irq irq = {
		.dest = (addr_lo >> MSI_ADDR_DEST_SHIFT) & 0xff,
		.logical = addr_lo & MSI_ADDR_LOGICAL,
		.mode = data & (7 << MSI_DATA_MODE_SHIFT),
		.vector = data & 0xff,
		.level = data & LVMM_MSI_DATA_LEVEL,
	};

	if (READ_ONCE(vm->x2apic_api) & KVM_X2APIC_API_USE_32BIT_IDS)
		irq.dest |= addr_hi & 0xffffff00;
	return lvmm_apic_bus_deliver(vm, &irq);
}

/*
 * KVM_SIGNAL_MSI. As in KVM, the result is how many APICs took it, and no
 * APIC addressed is -1 to the caller (-EPERM).
 */
int lvmm_signal_msi(struct lvmm_vm *vm, const struct kvm_msi *msi)
{
	if (lvmm_irqchip_mode(vm) == LVMM_IRQCHIP_NONE)
		return -EINVAL;
	if (msi->flags & ~KVM_MSI_VALID_DEVID)
		return -EINVAL;
	if ((READ_ONCE(vm->x2apic_api) & KVM_X2APIC_API_USE_32BIT_IDS) &&
	    (msi->address_hi & 0xff))
		return -EINVAL;
	return lvmm_msi_deliver(vm, msi->address_lo, msi->address_hi,
				msi->data);
}
