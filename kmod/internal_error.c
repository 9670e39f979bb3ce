// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_EXIT_INTERNAL_ERROR: what the VMM gets when lvmm cannot handle an
 * exit, with a rate-limited line in the kernel log that names the exit,
 * and the backend's ring of recent exits.
 *
 * A leaf of the core: the exit handlers and the instruction decoder all
 * report through it, and it calls only the backend.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>

#include "arch.h"
#include "core.h"
#include "exits.h"
#include "vcpu.h"
#include "vm.h"

/* KVM_EXIT_INTERNAL_ERROR with four words of data for the VMM. */
static void lvmm_internal_exit(struct lvmm_vcpu *vcpu, u32 suberror, u64 d0,
			       u64 d1, u64 d2, u64 d3)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 4;
	run->internal.data[0] = d0;
	run->internal.data[1] = d1;
	run->internal.data[2] = d2;
	run->internal.data[3] = d3;
}

void lvmm_internal_error(struct lvmm_vcpu *vcpu, u32 suberror,
			 struct lvmm_exit *exit)
{
	lvmm_internal_exit(vcpu, suberror, exit->hw_code, exit->info1,
			   exit->info2, vcpu->rip);
	pr_warn_ratelimited("vm %u vcpu %u: cannot handle exit 0x%x (%s) at rip 0x%llx, info 0x%llx 0x%llx\n",
			    vcpu->vm->id, vcpu->id, exit->hw_code,
			    lvmm_arch->exit_name(exit->hw_code), vcpu->rip,
			    exit->info1, exit->info2);
	lvmm_arch->dump_exits(vcpu, "cannot handle exit");
}

/*
 * An exit during event delivery that lvmm cannot resolve: as KVM's
 * KVM_INTERNAL_ERROR_DELIVERY_EV, data[0] the event being delivered (the
 * backend's encoding), data[1] the exit code, data[2-3] its information
 * (for a nested page fault, data[3] is the guest-physical address).
 */
void lvmm_delivery_error(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	lvmm_internal_exit(vcpu, KVM_INTERNAL_ERROR_DELIVERY_EV, exit->event,
			   exit->hw_code, exit->info1, exit->info2);
	pr_warn_ratelimited("vm %u vcpu %u: exit 0x%x (%s) during event delivery (0x%llx) at rip 0x%llx, info 0x%llx 0x%llx\n",
			    vcpu->vm->id, vcpu->id, exit->hw_code,
			    lvmm_arch->exit_name(exit->hw_code), exit->event,
			    vcpu->rip, exit->info1, exit->info2);
}

/* Emulation failed on an instruction lvmm should have understood. */
int lvmm_emulation_failed(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	lvmm_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION, exit);
	return 0;
}
