/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel local APIC, created for each vCPU of a VM that asked for
 * KVM_CREATE_IRQCHIP. See lapic.c.
 */
#ifndef LVMM_LAPIC_H
#define LVMM_LAPIC_H

#include <linux/bits.h>
#include <linux/hrtimer.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct kvm_lapic_state;
struct lvmm_vcpu;
struct lvmm_vm;

/* Bytes of register state: the layout of struct kvm_lapic_state. */
#define LVMM_LAPIC_REGS_SIZE	1024

/**
 * struct lvmm_lapic - one vCPU's local APIC
 * @vcpu:         the vCPU it belongs to
 * @lock:         (raw spinlock, innermost, taken with interrupts off)
 *                protects @regs and the timer fields below; taken by the
 *                vCPU, by other vCPUs sending it an IPI, by the IOAPIC and
 *                by @timer's callback in hard interrupt context
 * @regs:         the registers at their xAPIC offsets, one u32 per 16 bytes
 * @timer:        the APIC timer, in one-shot, periodic or TSC-deadline mode
 * @period_ns:    one-shot or periodic mode: the length of the count that
 *                runs (periodic: the period); 0 if none runs, as after a
 *                one-shot ran out
 * @expires:      when @timer fires next (for the current-count register)
 * @tsc_deadline: IA32_TSC_DEADLINE, in guest TSC cycles; 0 if disarmed
 * @nmi_dropped:  NMIs sent to this vCPU, which lvmm does not deliver
 * @init_sipi:    INIT and SIPI sent to this vCPU and not yet taken
 *                (LVMM_APIC_INIT, LVMM_APIC_SIPI bits); written by the
 *                senders, taken by the vCPU in lvmm_lapic_take_init_sipi(),
 *                both under @lock. The vCPU may peek without the lock: a
 *                kick follows every write.
 * @sipi_vector:  the vector of the last SIPI; under @lock
 */
struct lvmm_lapic {
	struct lvmm_vcpu *vcpu;
	raw_spinlock_t lock;
	u32 regs[LVMM_LAPIC_REGS_SIZE / 16 * 4];
	struct hrtimer timer;
	u64 period_ns;
	ktime_t expires;
	u64 tsc_deadline;
	u64 nmi_dropped;
	unsigned long init_sipi;
	u8 sipi_vector;
};

#define LVMM_APIC_INIT		BIT(0)
#define LVMM_APIC_SIPI		BIT(1)

int lvmm_lapic_create(struct lvmm_vcpu *vcpu);
void lvmm_lapic_destroy(struct lvmm_vcpu *vcpu);

/* The run loop: take an interrupt into the guest, wait in HLT. */
void lvmm_lapic_inject(struct lvmm_vcpu *vcpu);
bool lvmm_lapic_runnable(struct lvmm_vcpu *vcpu);

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
int lvmm_ioapic_set_irq(struct lvmm_vm *vm, u32 pin, bool level);
void lvmm_ioapic_eoi(struct lvmm_vm *vm, u8 vector);
bool lvmm_ioapic_mmio(struct lvmm_vm *vm, u64 gpa, unsigned int size,
		      bool write, u64 *val);

/* KVM_GET_LAPIC / KVM_SET_LAPIC. */
void lvmm_lapic_get_state(struct lvmm_vcpu *vcpu, struct kvm_lapic_state *s);
int lvmm_lapic_set_state(struct lvmm_vcpu *vcpu,
			 const struct kvm_lapic_state *s);

#endif /* LVMM_LAPIC_H */
