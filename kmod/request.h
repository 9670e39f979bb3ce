/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vCPU requests and kicks: how another thread (an APIC, the page-table
 * code, the clock) asks a vCPU to do something before its next entry, and
 * makes sure the vCPU notices.
 *
 * The protocol has two halves. A requester sets a bit in vcpu->requests,
 * then (after a full barrier) reads vcpu->mode: a vCPU in the guest gets an
 * IPI, which makes it exit. The run loop sets vcpu->mode to IN_GUEST with
 * smp_store_mb() and only then reads the bits, with interrupts off, right
 * before it enters (run.c). Either the requester sees IN_GUEST and sends the
 * IPI, or the vCPU sees the bit: a request is never left waiting for an exit
 * that does not come.
 *
 * This file is the bottom of the core: it calls nothing else in lvmm.
 */
#ifndef LVMM_REQUEST_H
#define LVMM_REQUEST_H

struct lvmm_vcpu;
struct lvmm_vm;

/* Bits in vcpu->requests. */
#define LVMM_REQ_TLB_FLUSH	0	/* flush the vCPU's TLB before entering */
#define LVMM_REQ_EVENT		1	/* the APIC may have an interrupt */
#define LVMM_REQ_CLOCK_UPDATE	2	/* rewrite the kvmclock struct */
#define LVMM_REQ_IOAPIC_EOI	3	/* split irqchip: KVM_EXIT_IOAPIC_EOI */
#define LVMM_REQ_TPR_ACCESS	4	/* KVM_EXIT_TPR_ACCESS (lapic_vapic.c) */

/* vcpu->mode */
#define LVMM_OUTSIDE_GUEST	0
#define LVMM_IN_GUEST		1

void lvmm_vcpu_request(struct lvmm_vcpu *vcpu, unsigned int req);
void lvmm_vm_flush_tlbs(struct lvmm_vm *vm);

#endif /* LVMM_REQUEST_H */
