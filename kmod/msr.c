// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR and WRMSR: every MSR access exits (the MSR permission map is all
 * ones). The backend keeps the MSRs that live in its control block; an MSR
 * nobody knows raises #GP in the guest, is counted, and is named in a
 * rate-limited kernel message.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/kvm_para.h>
#include <asm/msr-index.h>
#include <asm/trapnr.h>

#include "arch.h"
#include "core.h"
#include "insn.h"
#include "msr.h"
#include "vcpu.h"
#include "vm.h"

/* The MSRs lvmm keeps for a guest: what KVM_GET_MSR_INDEX_LIST reports. */
static const u32 lvmm_msrs[] = {
	MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_KERNEL_GS_BASE, MSR_FS_BASE, MSR_GS_BASE, MSR_IA32_SYSENTER_CS,
	MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_IA32_CR_PAT,
	MSR_IA32_APICBASE, MSR_IA32_TSC, LVMM_MSR_MTRR_CAP,
	LVMM_MSR_MTRR_DEF_TYPE, LVMM_MSR_MTRR_FIX64K, LVMM_MSR_MTRR_FIX16K_80000,
	LVMM_MSR_MTRR_FIX16K_A0000, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d,
	0x26e, 0x26f,	/* the 4K fixed-range MTRRs */
	0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207,	/* variable MTRRs */
	0x208, 0x209, 0x20a, 0x20b, 0x20c, 0x20d, 0x20e, 0x20f,
	MSR_IA32_MISC_ENABLE, MSR_K7_HWCR, MSR_AMD64_SYSCFG, MSR_AMD64_PATCH_LEVEL,
	MSR_IA32_TSC_DEADLINE,
	MSR_KVM_WALL_CLOCK, MSR_KVM_SYSTEM_TIME, MSR_KVM_WALL_CLOCK_NEW,
	MSR_KVM_SYSTEM_TIME_NEW,
};

/* Largest batch of KVM_GET/SET_MSRS, as in KVM. */
#define LVMM_MAX_IO_MSRS	256

/*
 * Feature MSRs: what the host offers, for the VMM to give its vCPUs
 * (KVM_GET_MSR_FEATURE_INDEX_LIST and KVM_GET_MSRS on /dev/lvmm). Only the
 * microcode revision; a VMM that copies it into a vCPU lets the guest see
 * the host's patch level, otherwise the guest reads 0.
 */
static const u32 lvmm_feature_msrs[] = { MSR_AMD64_PATCH_LEVEL };

static int msr_list(struct kvm_msr_list __user *u, const u32 *msrs, u32 n)
{
	struct kvm_msr_list hdr;

	if (copy_from_user(&hdr, u, sizeof(hdr)))
		return -EFAULT;
	if (put_user(n, &u->nmsrs))
		return -EFAULT;
	if (hdr.nmsrs < n)
		return -E2BIG;
	if (copy_to_user(u->indices, msrs, n * sizeof(*msrs)))
		return -EFAULT;
	return 0;
}

int lvmm_get_msr_index_list(struct kvm_msr_list __user *u, bool features)
{
	return features ? msr_list(u, lvmm_feature_msrs,
				   ARRAY_SIZE(lvmm_feature_msrs)) :
			  msr_list(u, lvmm_msrs, ARRAY_SIZE(lvmm_msrs));
}

static int get_feature_msr(u32 index, u64 *data)
{
	if (index != MSR_AMD64_PATCH_LEVEL)
		return -ENOENT;
	if (rdmsrl_safe(index, data))
		*data = 0;
	return 0;
}

/*
 * KVM_GET_MSRS / KVM_SET_MSRS: as KVM, process entries in order and return
 * how many succeeded; the first MSR lvmm does not keep (or a value it
 * refuses) stops the batch. @vcpu NULL: KVM_GET_MSRS on /dev/lvmm, which
 * reads feature MSRs.
 */
int lvmm_vcpu_msrs(struct lvmm_vcpu *vcpu, struct kvm_msrs __user *u,
		   bool write)
{
	struct kvm_msr_entry *e;
	struct kvm_msrs hdr;
	u32 i;
	int ret = 0;

	if (copy_from_user(&hdr, u, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nmsrs >= LVMM_MAX_IO_MSRS)
		return -E2BIG;
	e = memdup_array_user(u->entries, hdr.nmsrs, sizeof(*e));
	if (IS_ERR(e))
		return PTR_ERR(e);
	for (i = 0; i < hdr.nmsrs; i++) {
		if (!vcpu ? get_feature_msr(e[i].index, &e[i].data) :
		    write ? lvmm_set_msr(vcpu, e[i].index, e[i].data, true) :
			    lvmm_get_msr(vcpu, e[i].index, &e[i].data, true))
			break;
	}
	if (!write && copy_to_user(u->entries, e, i * sizeof(*e)))
		ret = -EFAULT;
	kfree(e);
	return ret ? ret : i;
}

static const u8 op_rdmsr[] = { 0x0f, 0x32 };
static const u8 op_wrmsr[] = { 0x0f, 0x30 };

static int lvmm_msr_fault(struct lvmm_vcpu *vcpu, u32 index, bool write,
			  int err)
{
	if (err == -ENOENT) {
		vcpu->stats.unknown_msrs++;
		pr_info_ratelimited("vm %u vcpu %u: %s of unknown MSR 0x%x: #GP\n",
				    vcpu->vm->id, vcpu->id,
				    write ? "wrmsr" : "rdmsr", index);
	}
	lvmm_arch->queue_exception(vcpu, X86_TRAP_GP, true, 0);
	return 1;
}

int lvmm_emulate_rdmsr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	u32 index = vcpu->gpr[RCX];
	u64 data;
	int ret;

	ret = lvmm_get_msr(vcpu, index, &data, false);
	if (ret)
		return lvmm_msr_fault(vcpu, index, false, ret);
	vcpu->gpr[RAX] = (u32)data;
	vcpu->gpr[RDX] = data >> 32;
	return lvmm_skip_and_resume(vcpu, exit, op_rdmsr, sizeof(op_rdmsr));
}

int lvmm_emulate_wrmsr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	u32 index = vcpu->gpr[RCX];
	u64 data = (vcpu->gpr[RDX] << 32) | (u32)vcpu->gpr[RAX];
	int ret;

	ret = lvmm_set_msr(vcpu, index, data, false);
	if (ret)
		return lvmm_msr_fault(vcpu, index, true, ret);
	return lvmm_skip_and_resume(vcpu, exit, op_wrmsr, sizeof(op_wrmsr));
}
