/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual CPU: created by vcpu.c, run by run.c, put to sleep and woken
 * by mp_state.c. Its locks and their order are in core.h.
 */
#ifndef LVMM_VCPU_H
#define LVMM_VCPU_H

#include <linux/kobject.h>
#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/rcuwait.h>
#include <linux/types.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include "arch.h"
#include "mmio.h"
#include "msr.h"
#include "pio.h"
#include "stats.h"

struct lvmm_lapic;
struct lvmm_vm;

/* What the vCPU owes the guest when KVM_RUN is called again. */
enum lvmm_pending {
	LVMM_PENDING_NONE,
	LVMM_PENDING_PIO,	/* finish an IN/OUT (string or not) */
	LVMM_PENDING_MMIO,	/* finish a decoded MOV to/from MMIO */
	LVMM_PENDING_HYPERCALL,	/* return the VMM's result in RAX */
};

struct lvmm_vcpu {
	struct lvmm_vm *vm;
	u32 id;
	struct mutex mutex;		/* one vCPU ioctl at a time */

	/* Guest registers not held by the backend's control block. */
	u64 gpr[16];
	u64 rip;
	u64 rflags;
	u64 xcr0;

	struct kvm_run *run;		/* two pages: kvm_run, then PIO data */
	struct page *run_pages[2];
	struct fpu_guest fpu;

	struct kvm_cpuid_entry2 *cpuid;	/* LVMM_MAX_CPUID entries */
	int nr_cpuid;
	bool ran;			/* KVM_RUN was called: CPUID is fixed */

	/*
	 * An external interrupt not yet delivered: from KVM_INTERRUPT, or
	 * taken from the in-kernel APIC's IRR (then already in its ISR).
	 */
	bool irq_pending;
	u8 irq_vector;
	/*
	 * Split irqchip: the VMM's 8259 interrupt (KVM_INTERRUPT), waiting
	 * for the APIC to accept ExtINT; and the level-triggered vector whose
	 * EOI goes to the VMM (LVMM_REQ_IOAPIC_EOI).
	 */
	bool extint_pending;
	u8 extint_vector;
	u8 eoi_exit_vector;

	/* The in-kernel local APIC (KVM_CREATE_IRQCHIP), or NULL. */
	struct lvmm_lapic *lapic;
	/* QEMU's kvmvapic ROM (lapic_vapic.c): its page, TPR reports. */
	u64 vapic_addr;
	bool tpr_access_reporting;
	u64 apic_base;			/* IA32_APIC_BASE */
	/*
	 * Open an interrupt window at the next entry: the APIC holds an
	 * interrupt the guest cannot take yet or, without the in-kernel
	 * APIC, the VMM set request_interrupt_window. Set by the run loop.
	 */
	bool irq_window;
	/*
	 * KVM_MP_STATE_*: RUNNABLE, HALTED (in HLT until the APIC has an
	 * interrupt), UNINITIALIZED (an AP waiting for INIT) or
	 * INIT_RECEIVED (waiting for SIPI); the last three only with the
	 * in-kernel APIC (mp_state.c). Read and written only by the ioctls
	 * of this vCPU, under @mutex: other vCPUs' INIT and SIPI are latched
	 * in the APIC (lapic.h) and taken from there by the vCPU itself.
	 */
	u32 mp_state;
	/*
	 * Where the vCPU sleeps while not runnable, in lvmm_vcpu_wait(): one
	 * waiter at most, the KVM_RUN holding @mutex. An rcuwait, not a wait
	 * queue, because the APIC timer wakes it from hard interrupt context.
	 */
	struct rcuwait wait;
	/*
	 * KVM_SET_GUEST_DEBUG (guest_debug.c): KVM_GUESTDBG_* flags, the
	 * debugger's DR0-DR3 and DR7, and a step owed to it after an
	 * instruction lvmm emulated.
	 */
	u32 guest_debug;
	u64 guest_debug_db[4];
	u64 guest_debug_dr7;
	bool debug_step_owed;
	struct lvmm_msr_state msrs;
	struct lvmm_mce mce;
	u64 system_time_msr;		/* MSR_KVM_SYSTEM_TIME(_NEW) */
	bool system_time_old;		/* ...written through the old one */

	enum lvmm_pending pending;
	u64 pending_rip;		/* RIP of the instruction owed */
	struct lvmm_pio pio;
	struct lvmm_mmio_insn mmio;

	/*
	 * The last exit, with the control state it came with: emulation
	 * reads the state here (arch.h). KVM_RUN refreshes it before it
	 * finishes an exit the VMM handled, as KVM_SET_SREGS may have
	 * changed it meanwhile.
	 */
	struct lvmm_exit exit;

	/* Requests from other threads, checked with interrupts off. */
	unsigned long requests;		/* LVMM_REQ_* (request.h) */
	int mode;			/* LVMM_OUTSIDE_GUEST or LVMM_IN_GUEST */
	int cpu;			/* where it last ran, for kicks */

	struct lvmm_vcpu_stats stats;
	struct kobject *kobj;
	void *arch;
};

/* vcpu.c */
int lvmm_create_vcpu(struct lvmm_vm *vm, u32 id);
void lvmm_vcpu_free(struct lvmm_vcpu *vcpu);

/* run.c */
int lvmm_vcpu_run(struct lvmm_vcpu *vcpu);

/* guest_debug.c; the KVM_GUESTDBG_* flags, KVM's valid mask on x86 */
#define LVMM_GUESTDBG_VALID	(KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP | \
				 KVM_GUESTDBG_USE_SW_BP | KVM_GUESTDBG_USE_HW_BP | \
				 KVM_GUESTDBG_INJECT_DB | KVM_GUESTDBG_INJECT_BP | \
				 KVM_GUESTDBG_BLOCKIRQ)
int lvmm_set_guest_debug(struct lvmm_vcpu *vcpu,
			 struct kvm_guest_debug __user *u);
bool lvmm_debug_step_exit(struct lvmm_vcpu *vcpu);

/* debugreg.c */
int lvmm_debugregs_ioctl(struct lvmm_vcpu *vcpu, struct kvm_debugregs __user *u,
			 bool set);

/* mp_state.c */
void lvmm_vcpu_init_mp_state(struct lvmm_vcpu *vcpu);
int lvmm_vcpu_wait(struct lvmm_vcpu *vcpu);
int lvmm_mp_state_ioctl(struct lvmm_vcpu *vcpu, void __user *u, bool set);

#endif /* LVMM_VCPU_H */
