/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel local APIC, created for each vCPU of a VM that asked for
 * KVM_CREATE_IRQCHIP, and the IOAPIC: what the rest of the core calls.
 * See lapic.c; lapic_internal.h has what the APIC's own files share.
 */
#ifndef LVMM_LAPIC_H
#define LVMM_LAPIC_H

#include <linux/bits.h>
#include <linux/types.h>

struct kvm_ioapic_state;
struct kvm_lapic_state;
struct lvmm_vcpu;
struct lvmm_vm;

/* What lvmm_lapic_take_init_sipi() returns: INIT, SIPI or both latched. */
#define LVMM_APIC_INIT		BIT(0)
#define LVMM_APIC_SIPI		BIT(1)

int lvmm_lapic_create(struct lvmm_vcpu *vcpu);
void lvmm_lapic_destroy(struct lvmm_vcpu *vcpu);

/* The run loop: take an interrupt into the guest, wait in HLT. */
void lvmm_lapic_inject(struct lvmm_vcpu *vcpu);
bool lvmm_lapic_runnable(struct lvmm_vcpu *vcpu);
bool lvmm_lapic_accepts_extint(struct lvmm_vcpu *vcpu);
u8 lvmm_lapic_get_cr8(struct lvmm_vcpu *vcpu);

/* INIT and SIPI from other vCPUs (mp_state.c acts on them). */
bool lvmm_lapic_has_init_sipi(struct lvmm_vcpu *vcpu);
unsigned long lvmm_lapic_take_init_sipi(struct lvmm_vcpu *vcpu, u8 *vector);
void lvmm_lapic_init_reset(struct lvmm_vcpu *vcpu);

/* The register interfaces: MMIO in xAPIC mode, MSRs in x2APIC mode. */
bool lvmm_lapic_mmio(struct lvmm_vcpu *vcpu, u64 gpa, unsigned int size,
		     bool write, u64 *val);
int lvmm_lapic_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data);
int lvmm_lapic_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data,
		       bool host);
bool lvmm_apic_base_valid(struct lvmm_vcpu *vcpu, u64 data, bool host);
int lvmm_set_apic_base(struct lvmm_vcpu *vcpu, u64 data, bool host);

/* Delivery from the IOAPIC: a fixed interrupt, edge or level. */
bool lvmm_lapic_match(struct lvmm_vcpu *t, u32 dest, bool logical);
bool lvmm_lapic_deliver(struct lvmm_vcpu *vcpu, u8 vector, bool level);

/* ioapic.c */
int lvmm_ioapic_create(struct lvmm_vm *vm);
void lvmm_ioapic_destroy(struct lvmm_vm *vm);
int lvmm_ioapic_set_irq(struct lvmm_vm *vm, int src, u32 pin, bool level);
void lvmm_ioapic_eoi(struct lvmm_vm *vm, u8 vector, bool level);
bool lvmm_ioapic_mmio(struct lvmm_vm *vm, u64 gpa, unsigned int size,
		      bool write, u64 *val);
void lvmm_ioapic_get_state(struct lvmm_vm *vm, struct kvm_ioapic_state *s);
void lvmm_ioapic_set_state(struct lvmm_vm *vm, const struct kvm_ioapic_state *s);

/* lapic_vapic.c: QEMU's kvmvapic ROM (KVM_SET_VAPIC_ADDR, TPR reports) */
int lvmm_lapic_vapic_ioctl(struct lvmm_vcpu *vcpu, unsigned int cmd,
			   void __user *u);
void lvmm_lapic_sync_to_vapic(struct lvmm_vcpu *vcpu);
void lvmm_lapic_sync_from_vapic(struct lvmm_vcpu *vcpu);

/* KVM_GET_LAPIC / KVM_SET_LAPIC. */
void lvmm_lapic_get_state(struct lvmm_vcpu *vcpu, struct kvm_lapic_state *s);
int lvmm_lapic_set_state(struct lvmm_vcpu *vcpu,
			 const struct kvm_lapic_state *s);

#endif /* LVMM_LAPIC_H */
