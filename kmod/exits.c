// SPDX-License-Identifier: GPL-2.0
/*
 * Generic exit dispatch: what a VM exit means, whichever backend saw it,
 * and the handlers too small for a file of their own. Port I/O is in
 * pio.c, MMIO in mmio.c, MSRs in msr.c, debug registers in debugreg.c,
 * hypercalls and #UD in hypercall.c.
 *
 * lvmm_handle_exit() returns 1 to enter the guest again, 0 to return to the
 * VMM with struct kvm_run filled in, or a negative errno for KVM_RUN.
 * Port I/O and MMIO that go to the VMM are finished on the next KVM_RUN by
 * lvmm_complete_userspace_exit(), which is also when RIP moves past them,
 * as with KVM. A VMM that moved RIP in between (KVM_SET_REGS) has taken
 * the guest elsewhere: the instruction is then dropped, not finished, or
 * the new RIP would be skipped past an instruction that never ran.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <asm/trapnr.h>
#include <asm/processor-flags.h>

#include "arch.h"
#include "core.h"
#include "cpuid.h"
#include "exits.h"
#include "fpu.h"
#include "insn.h"
#include "memslot.h"
#include "mmio.h"
#include "msr.h"
#include "pio.h"
#include "vcpu.h"
#include "vm.h"

static const u8 op_cpuid[] = { 0x0f, 0xa2 };
static const u8 op_hlt[] = { 0xf4 };
static const u8 op_invd[] = { 0x0f, 0x08 };
static const u8 op_xsetbv[] = { 0x0f, 0x01, 0xd1 };

static int handle_cpuid(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	lvmm_emulate_cpuid(vcpu);
	return lvmm_skip_and_resume(vcpu, exit, op_cpuid, sizeof(op_cpuid));
}

static int handle_hlt(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	if (lvmm_skip_and_resume(vcpu, exit, op_hlt, sizeof(op_hlt)) <= 0)
		return 0;
	/* With the in-kernel APIC the wait is ours (mp_state.c). */
	if (vcpu->lapic) {
		vcpu->mp_state = KVM_MP_STATE_HALTED;
		return 1;
	}
	vcpu->run->exit_reason = KVM_EXIT_HLT;
	return 0;
}

static int handle_xsetbv(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	u64 val = (vcpu->gpr[RDX] << 32) | (u32)vcpu->gpr[RAX];
	const struct lvmm_cpu_state *st = &exit->state;

	if (st->cpl || (u32)vcpu->gpr[RCX] || !(st->cr4 & X86_CR4_OSXSAVE) ||
	    !lvmm_xcr0_valid(val)) {
		lvmm_arch->queue_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	vcpu->xcr0 = val;
	return lvmm_skip_and_resume(vcpu, exit, op_xsetbv, sizeof(op_xsetbv));
}

int lvmm_complete_userspace_exit(struct lvmm_vcpu *vcpu)
{
	enum lvmm_pending pending = vcpu->pending;

	vcpu->pending = LVMM_PENDING_NONE;
	switch (pending) {
	case LVMM_PENDING_PIO:
		return vcpu->rip == vcpu->pending_rip ? lvmm_complete_pio(vcpu) : 0;
	case LVMM_PENDING_MMIO:
		return vcpu->rip == vcpu->pending_rip ?
		       lvmm_complete_mmio(vcpu, vcpu->run->mmio.data) : 0;
	case LVMM_PENDING_HYPERCALL:
		return lvmm_complete_hypercall(vcpu);
	default:
		return 0;
	}
}

static int handle_npf(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	struct lvmm_vm *vm = vcpu->vm;
	u64 gfn = exit->npf.gpa >> PAGE_SHIFT;
	int ret;

	ret = lvmm_map_gfn(vm, gfn, exit->npf.write);

	/*
	 * No memory there, and the CPU was delivering an event: the access was
	 * the delivery's own (IDT, GDT or stack), not the instruction at RIP's,
	 * and delivery cannot be emulated. KVM gives up the same way.
	 */
	if (ret == -ENOENT && exit->vectoring) {
		lvmm_delivery_error(vcpu, exit);
		return 0;
	}
	if (ret == -ENOENT)
		return lvmm_handle_mmio(vcpu, exit, exit->npf.gpa);
	if (ret) {
		/* The backing is gone (unmapped by the VMM) or over its limit. */
		pr_warn_ratelimited("vm %u vcpu %u: cannot back guest frame 0x%llx: error %d\n",
				    vm->id, vcpu->id, gfn, ret);
		return ret == -ENOMEM ? -ENOMEM : -EFAULT;
	}
	return 1;
}

int lvmm_handle_exit(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	struct kvm_run *run = vcpu->run;

	switch (exit->reason) {
	case LVMM_EXIT_NONE:
	case LVMM_EXIT_INTR:
		return 1;
	case LVMM_EXIT_BUSY:
		pr_warn_ratelimited("vm %u vcpu %u: another hypervisor (kvm_amd?) has SVM enabled on CPU %d; lvmm guests cannot run until it lets go\n",
				    vcpu->vm->id, vcpu->id, vcpu->cpu);
		return -EBUSY;
	case LVMM_EXIT_DEBUG:
		run->exit_reason = KVM_EXIT_DEBUG;
		run->debug.arch.exception = exit->debug.vector;
		run->debug.arch.pc = lvmm_rip_linear(vcpu);
		run->debug.arch.dr6 = exit->debug.dr6;
		run->debug.arch.dr7 = exit->debug.dr7;
		return 0;
	case LVMM_EXIT_CPUID:
		return handle_cpuid(vcpu, exit);
	case LVMM_EXIT_HLT:
		return handle_hlt(vcpu, exit);
	case LVMM_EXIT_IO:
		return lvmm_handle_io(vcpu, exit);
	case LVMM_EXIT_NPF:
		return handle_npf(vcpu, exit);
	case LVMM_EXIT_RDMSR:
		return lvmm_emulate_rdmsr(vcpu, exit);
	case LVMM_EXIT_WRMSR:
		return lvmm_emulate_wrmsr(vcpu, exit);
	case LVMM_EXIT_XSETBV:
		return handle_xsetbv(vcpu, exit);
	case LVMM_EXIT_UD:
		return lvmm_handle_ud(vcpu);
	case LVMM_EXIT_DR:
		return lvmm_handle_dr(vcpu, exit);
	case LVMM_EXIT_SKIP:
		return lvmm_skip_and_resume(vcpu, exit, op_invd, sizeof(op_invd));
	case LVMM_EXIT_HYPERCALL:
		return lvmm_handle_hypercall(vcpu, exit);
	case LVMM_EXIT_SHUTDOWN:
		run->exit_reason = KVM_EXIT_SHUTDOWN;
		return 0;
	case LVMM_EXIT_FAIL_ENTRY:
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = exit->hw_code;
		run->fail_entry.cpu = vcpu->cpu;
		return 0;
	default:
		lvmm_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON,
				    exit);
		return 0;
	}
}
